"""A delete or an opt-out, once seen, is kept by the project itself: after raw.privacy_requests
is emptied (what scripts/load_raw.py does to a table its folder lacks) and the warehouse is
rebuilt, plainly and with --full-refresh, the same persons stay deleted and opted out, because
the consumers read int_privacy_requests_retained, which survives loads, replaced raw tables and
full refreshes. The record keeps hashes, never a clear email or user_id.

The warehouse is built here from 300 generated persons (own DuckDB file and dbt target path).
So that every matching rule is exercised, four requests are added to the generator's: picked
among persons in a person audience of a first build, a delete naming only a user_id, a delete
naming only an email (padded and in upper case, as exports send them), an opt-out naming only a
user_id and one naming only an email."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from audiences.compare import sorted_rows
from audiences.runtime import end_of_day
from comparison import assert_same_table
from warehouse_helpers import build, generate

END_DATE = "2026-06-30"
AS_OF = end_of_day(END_DATE)
DELETE_REQUESTED_AT = "2026-06-01 08:00:00"
# after every latest opt-in of the persons picked (checked), and not after as_of
OPT_OUT_REQUESTED_AT = "2026-06-30 23:00:00"
RETAINED = "intermediate.int_privacy_requests_retained"


@dataclass(frozen=True)
class Picked:
    """The persons the added requests name, by the one identifier each request carries."""

    deleted_by_user_id: str
    deleted_by_email: str
    opted_out_by_user_id: str
    opted_out_by_email: str


@dataclass
class State:
    """What one build left: marts, deleted and opted-out persons, the retained record."""

    marts: dict[str, pd.DataFrame]
    deleted: set[str]
    identified: set[str]
    opted_out: set[str]
    retained: pd.DataFrame


def build_with_tests(path: Path, *flags: str) -> None:
    """A green `dbt build` (models and data tests; the unit tests do not read the data)."""
    build(path, AS_OF, "--exclude-resource-type", "unit_test", *flags)


def read_state(path: Path) -> State:
    with duckdb.connect(str(path), read_only=True) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        marts = {}
        for name in sorted(names):
            marts[name] = sorted_rows(connection.execute(f"select * from marts.{name}").df())

        def ids(sql: str) -> set[str]:
            return {value for (value,) in connection.execute(sql).fetchall()}

        return State(
            marts=marts,
            deleted=ids("select person_id from intermediate.int_persons_deleted"),
            identified=ids("select person_id from intermediate.int_persons_identified"),
            opted_out=ids("select person_id from marts.dim_persons where has_privacy_opt_out"),
            retained=connection.execute(f"select * from {RETAINED} order by request_id").df(),
        )


def audience_members(path: Path) -> set[str]:
    """Persons (known users) in at least one person audience."""
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            """select distinct member_id from marts.fct_audience_memberships
               where member_type = 'person' and member_id not like 'anon:%'"""
        ).fetchall()
    return {member for (member,) in rows}


def pick_and_add_requests(path: Path) -> Picked:
    """Four audience members with an email, no request yet, and no opt-in after the opt-outs'
    time; a request each, naming them by one identifier only."""
    members = audience_members(path)
    with duckdb.connect(str(path)) as connection:
        candidates = connection.execute(
            """select profiles.user_id, profiles.email
               from intermediate.int_person_profiles_resolved as profiles
               where profiles.email is not null
                 and coalesce(profiles.latest_opt_in_at < cast(? as timestamp), true)
                 and profiles.user_id not in (
                     select user_id from raw.privacy_requests where user_id is not null)
                 and profiles.email not in (
                     select lower(trim(email)) from raw.privacy_requests where email is not null)
                 -- an email of its own, so a request by email names this person only
                 and profiles.email not in (
                     select email from intermediate.int_person_profiles_resolved
                     where email is not null group by email having count(*) > 1)
               order by profiles.user_id""",
            [OPT_OUT_REQUESTED_AT],
        ).fetchall()
        chosen = [(user_id, email) for user_id, email in candidates if user_id in members][:4]
        assert len(chosen) == 4, f"too few audience members to pick from: {chosen}"
        picked = Picked(*(user_id for user_id, _ in chosen))
        emails = dict(chosen)
        requests = [
            ("pr_test_delete_user", picked.deleted_by_user_id, None, "delete", DELETE_REQUESTED_AT),
            (
                "pr_test_delete_email",
                None,
                f"  {emails[picked.deleted_by_email].upper()} ",
                "delete",
                DELETE_REQUESTED_AT,
            ),
            (
                "pr_test_opt_out_user",
                picked.opted_out_by_user_id,
                None,
                "opt_out",
                OPT_OUT_REQUESTED_AT,
            ),
            (
                "pr_test_opt_out_email",
                None,
                emails[picked.opted_out_by_email],
                "opt_out",
                OPT_OUT_REQUESTED_AT,
            ),
        ]
        connection.executemany(
            """insert into raw.privacy_requests (request_id, user_id, email, request_type,
                                                 requested_at)
               values (?, ?, ?, ?, ?)""",
            requests,
        )
    return picked


def raw_requests(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select * from raw.privacy_requests").df()


@dataclass
class Run:
    picked: Picked
    requests: pd.DataFrame
    before_requests: State
    seen: State
    after_delete: State
    after_full_refresh: State
    path: Path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("durable_consent")
    path = folder / "audiences.duckdb"
    generate(path, 300, 7, END_DATE)

    # a first build (seeds and models), without the added requests: who is in an audience
    build(path, AS_OF, "--exclude-resource-type", "test", "unit_test")
    before_requests = read_state(path)
    picked = pick_and_add_requests(path)
    requests = raw_requests(path)

    build_with_tests(path)
    seen = read_state(path)

    # a load whose folder lacks privacy_requests leaves raw.privacy_requests empty
    with duckdb.connect(str(path)) as connection:
        connection.execute("delete from raw.privacy_requests")
    build_with_tests(path)
    after_delete = read_state(path)

    # the loader replaces the table (text columns), and the next build is a full refresh
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            """create or replace table raw.privacy_requests (
                   request_id varchar, user_id varchar, email varchar, request_type varchar,
                   requested_at varchar)"""
        )
    build_with_tests(path, "--full-refresh")
    after_full_refresh = read_state(path)
    return Run(picked, requests, before_requests, seen, after_delete, after_full_refresh, path)


def tokens(frame: pd.DataFrame) -> set[str]:
    """Every text value of a table, lists (', '-joined emails, ','-joined ids) split."""
    found: set[str] = set()
    for column in frame.columns:
        for value in frame[column].dropna():
            if isinstance(value, str):
                found.update(part.strip() for part in value.replace(", ", ",").split(","))
    return found


def test_the_data_has_every_kind_of_request(run: Run) -> None:
    """Each matching path is exercised: otherwise the durability checks prove little."""
    picked, seen = run.picked, run.seen
    kinds = set(run.requests["request_type"])
    assert kinds == {"delete", "opt_out"}
    assert {picked.deleted_by_user_id, picked.deleted_by_email} <= seen.deleted
    assert {picked.opted_out_by_user_id, picked.opted_out_by_email} <= seen.opted_out
    # the generator's own deletes name both identifiers, and apply too
    generated = run.requests[~run.requests["request_id"].str.startswith("pr_test_")]
    assert set(generated.loc[generated["request_type"] == "delete", "user_id"]) <= seen.deleted
    # the persons were in audiences before their requests, and are persons a build keeps
    # (int_persons_identified keeps deleted users), so the requests change the marts
    assert set(vars(picked).values()) <= audience_members_of(run.before_requests)
    assert seen.deleted <= seen.identified
    assert not seen.deleted & set(seen.marts["dim_persons"]["person_id"])


def audience_members_of(state: State) -> set[str]:
    memberships = state.marts["fct_audience_memberships"]
    return set(memberships.loc[memberships["member_type"] == "person", "member_id"])


@pytest.fixture(params=["after_delete", "after_full_refresh"])
def rebuilt(request: pytest.FixtureRequest, run: Run) -> State:
    return getattr(run, request.param)


def test_the_record_keeps_every_request_after_raw_lost_them(run: Run, rebuilt: State) -> None:
    assert len(run.seen.retained) == len(run.requests) > 0
    assert set(run.seen.retained["request_id"]) == set(run.requests["request_id"])
    assert_same_table(rebuilt.retained, run.seen.retained, RETAINED)


def test_deleted_persons_stay_out_of_every_mart(run: Run, rebuilt: State) -> None:
    assert rebuilt.deleted == run.seen.deleted
    assert not rebuilt.deleted & set(rebuilt.marts["dim_persons"]["person_id"])
    requests = run.requests
    deleted_emails = {
        email.strip().lower()
        for email in requests.loc[requests["request_type"] == "delete", "email"].dropna()
    }
    for name in ["dim_persons", *audience_tables_of(rebuilt)]:
        found = tokens(rebuilt.marts[name])
        assert not found & rebuilt.deleted, f"{name} carries a deleted person"
        assert not found & deleted_emails, f"{name} carries an email a delete request named"


def audience_tables_of(state: State) -> list[str]:
    return sorted(
        name
        for name in state.marts
        if name.startswith("aud_") or name == "fct_audience_memberships"
    )


def test_opted_out_persons_keep_the_flag_and_stay_out_of_audiences(
    run: Run, rebuilt: State
) -> None:
    assert rebuilt.opted_out == run.seen.opted_out
    for name in audience_tables_of(rebuilt):
        assert not tokens(rebuilt.marts[name]) & rebuilt.opted_out, (
            f"{name} carries an opted-out person"
        )


def test_no_mart_changes_when_raw_loses_the_requests(run: Run, rebuilt: State) -> None:
    assert sorted(rebuilt.marts) == sorted(run.seen.marts)
    for name, frame in run.seen.marts.items():
        assert_same_table(rebuilt.marts[name], frame, name)


def test_the_record_holds_no_clear_identifier(run: Run) -> None:
    retained = run.after_full_refresh.retained
    assert not {"user_id", "email"} & set(retained.columns)
    user_ids = set(run.requests["user_id"].dropna())
    assert user_ids
    for column in retained.columns:
        values = retained[column].dropna().astype(str)
        assert not values.str.contains("@", regex=False).any(), f"{column} holds an email"
        assert not any(user_id in value for value in values for user_id in user_ids), (
            f"{column} holds a user_id"
        )
    for column in ["user_id_sha256", "email_sha256"]:
        assert retained[column].dropna().str.fullmatch("[0-9a-f]{64}").all()
