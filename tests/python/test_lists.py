"""The lists and their export, as a reverse-ETL job takes them (issue 11).

One scenario on a copy of the small published world: export every destination in full, then
change three persons in raw (a new address typed as " Ann@Example.COM ", a delete request by a
padded, capitalized address, an opt-out by user_id), publish the same as_of again and export the
changes, then export the changes once more without a new publish. The holdout and hash rules are
also checked on the 10,000-person test publish."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from audiences.runtime import REPO_ROOT
from serving_world import T1, World, assert_published, output, table
from warehouse_helpers import attempt

# sha256("ann@example.com"), worked out once outside the project (e.g. `printf %s
# ann@example.com | sha256sum`): the value the ad platforms compute for " Ann@Example.COM "
ANN_TYPED = " Ann@Example.COM "
ANN_SHA256 = "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476"
DEV_PY = [sys.executable, "scripts/dev.py"]
DESTINATIONS = ("email", "ads", "crm")
LIST_TABLES = {
    "email": "list_email_audience_members",
    "ads": "list_ad_audience_identifiers",
    "crm": "list_crm_account_audiences",
}
KEYS = {
    "email": ("audience_name", "email"),
    "ads": ("audience_name", "identifier_type", "identifier"),
    "crm": ("audience_name", "account_id"),
}


@dataclasses.dataclass(frozen=True)
class Export:
    folder: Path
    manifest: dict
    rows: list[dict[str, str]]


def export_command(destination: str, out: Path, *flags: str) -> list[str]:
    return [*DEV_PY, "export", "--destination", destination, "--out", str(out), *flags]


def export(
    world: World, out: Path, destination: str, *flags: str
) -> subprocess.CompletedProcess[str]:
    completed = attempt(export_command(destination, out, *flags), world.env())
    assert completed.returncode == 0, output(completed)[-3000:]
    return completed


def latest_export(out: Path, destination: str) -> Export:
    folders = sorted((out / destination).glob("export-*"))
    assert len(folders) == 1, f"the out folder keeps one export per destination: {folders}"
    manifest = json.loads((folders[0] / "manifest.json").read_text())
    [entry] = manifest["files"]
    data = folders[0] / entry["name"]
    assert hashlib.sha256(data.read_bytes()).hexdigest() == entry["sha256"]
    with open(data, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == entry["rows"] == manifest["rows"]
    return Export(folders[0], manifest, rows)


def key(destination: str, row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[column] for column in KEYS[destination])


def sha256(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Persons:
    renamed: str
    deleted: str
    deleted_email: str
    deleted_anonymous_ids: tuple[str, ...]
    opted_out: str
    opted_out_email: str
    opted_out_anonymous_ids: tuple[str, ...]
    deleted_decision_maker: str
    deleted_decision_maker_email: str


@dataclasses.dataclass(frozen=True)
class Scenario:
    world: World
    out: Path
    persons: Persons
    full: dict[str, Export]
    changes: dict[str, Export]
    second_changes_output: dict[str, str]
    files_before_second: dict[str, bytes]
    files_after_second: dict[str, bytes]
    full_after: dict[str, Export]


def pick_persons(world: World) -> Persons:
    """Three persons on the email list with anonymous ids on the ad list, the most listed first."""
    build = duckdb.connect(str(world.build), read_only=True)
    serving = duckdb.connect(str(world.serving), read_only=True)
    try:
        listed = [
            row[0]
            for row in serving.execute(
                "select person_id from list_email_audience_members"
                " group by person_id order by count(*) desc, person_id"
            ).fetchall()
        ]
        anonymous_ids = {
            person: tuple(
                row[0]
                for row in build.execute(
                    "select anonymous_id from intermediate.int_anonymous_ids_stitched"
                    " where person_id = ? order by anonymous_id",
                    [person],
                ).fetchall()
            )
            for person in listed
        }
        emails = dict(serving.execute("select person_id, email from dim_persons").fetchall())
        decision_maker_email = serving.execute(
            "select min(split_part(reachable_decision_maker_emails, ', ', 1))"
            " from list_crm_account_audiences where reachable_decision_makers > 0"
        ).fetchone()[0]
    finally:
        build.close()
        serving.close()
    with_ids = [person for person in listed if anonymous_ids[person]]
    [decision_maker] = [person for person, email in emails.items() if email == decision_maker_email]
    renamed, deleted, opted_out = [person for person in with_ids if person != decision_maker][:3]
    return Persons(
        renamed,
        deleted,
        emails[deleted],
        anonymous_ids[deleted],
        opted_out,
        emails[opted_out],
        anonymous_ids[opted_out],
        decision_maker,
        decision_maker_email,
    )


def change_raw(world: World, persons: Persons) -> None:
    connection = duckdb.connect(str(world.build))
    try:
        connection.execute(
            "insert into raw.identifies values (null, ?, '2026-06-23T20:00:00Z',"
            " timestamp '2026-06-23 20:00:01', ?)",
            [persons.renamed, json.dumps({"email": ANN_TYPED})],
        )
        connection.execute(
            "insert into raw.privacy_requests values"
            " ('lists-test-delete', null, ?, 'delete', timestamp '2026-06-23 21:00:00'),"
            " ('lists-test-opt-out', ?, null, 'opt_out', timestamp '2026-06-23 21:00:00'),"
            " ('lists-test-delete-contact', ?, null, 'delete', timestamp '2026-06-23 21:00:00')",
            [
                f"  {persons.deleted_email.upper()} ",
                persons.opted_out,
                persons.deleted_decision_maker,
            ],
        )
    finally:
        connection.close()


def file_bytes(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.suffix != ".lock"
    }


@pytest.fixture(scope="module")
def scenario(world: World, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    copy = world.copy_to(tmp_path_factory.mktemp("lists_world"))
    out = tmp_path_factory.mktemp("lists_exports")
    for destination in DESTINATIONS:
        export(copy, out, destination)
    full = {destination: latest_export(out, destination) for destination in DESTINATIONS}
    persons = pick_persons(copy)
    change_raw(copy, persons)
    # the same as_of again: the three persons are all that changed
    assert_published(copy.publish("--as-of", T1))
    for destination in DESTINATIONS:
        export(copy, out, destination, "--changes-only")
    changes = {destination: latest_export(out, destination) for destination in DESTINATIONS}
    files_before_second = file_bytes(out)
    second_changes_output = {
        destination: export(copy, out, destination, "--changes-only").stdout
        for destination in DESTINATIONS
    }
    files_after_second = file_bytes(out)
    full_out = tmp_path_factory.mktemp("lists_full_after")
    for destination in DESTINATIONS:
        export(copy, full_out, destination)
    full_after = {destination: latest_export(full_out, destination) for destination in DESTINATIONS}
    return Scenario(
        copy,
        out,
        persons,
        full,
        changes,
        second_changes_output,
        files_before_second,
        files_after_second,
        full_after,
    )


# --- (a) the ad list's identifiers ------------------------------------------------------------


def test_the_ad_list_holds_the_known_hash_of_a_typed_address(scenario: Scenario) -> None:
    renamed = scenario.persons.renamed
    audiences = table(
        scenario.world.serving,
        "select audience_name from fct_audience_memberships"
        f" where member_id = '{renamed}' and not is_holdout",
    )["audience_name"].tolist()
    assert audiences, "the renamed person is in an audience"
    assert sha256(ANN_TYPED) == ANN_SHA256
    ads = scenario.full_after["ads"].rows
    assert sorted(
        row["audience_name"]
        for row in ads
        if row["identifier_type"] == "email_sha256" and row["identifier"] == ANN_SHA256
    ) == sorted(audiences)
    added = {
        row["audience_name"]
        for row in scenario.changes["ads"].rows
        if row["identifier"] == ANN_SHA256
    }
    assert added == set(audiences)
    assert {
        row["change_type"]
        for row in scenario.changes["ads"].rows
        if row["identifier"] == ANN_SHA256
    } == {"added"}
    emails = {
        row["email"] for row in scenario.full_after["email"].rows if row["person_id"] == renamed
    }
    assert emails == {"ann@example.com"}


def test_no_ad_export_file_holds_an_address(scenario: Scenario) -> None:
    files = [
        *scenario.out.glob("ads/export-*/*.csv"),
        *scenario.full_after["ads"].folder.glob("*.csv"),
    ]
    assert len(files) == 2
    for path in files:
        assert "@" not in path.read_text(), path
    for export_rows in (scenario.full["ads"].rows, scenario.full_after["ads"].rows):
        assert len(export_rows) > 100
        for row in export_rows:
            assert "@" not in row["identifier"]
            if row["identifier_type"] == "email_sha256":
                assert len(row["identifier"]) == 64
                assert row["identifier"] == row["identifier"].lower()


# --- (b) the email list hashes into the ad list -----------------------------------------------


def test_every_email_list_address_hashes_into_the_same_audiences_ad_list(
    scenario: Scenario, serving_path: Path
) -> None:
    for email_rows, ad_rows in (
        (scenario.full_after["email"].rows, scenario.full_after["ads"].rows),
        (
            table(
                serving_path, "select audience_name, email from list_email_audience_members"
            ).to_dict("records"),
            table(serving_path, "select * from list_ad_audience_identifiers").to_dict("records"),
        ),
    ):
        assert len(email_rows) > 50
        hashed = {
            (row["audience_name"], row["identifier"])
            for row in ad_rows
            if row["identifier_type"] == "email_sha256"
        }
        missing = [
            row for row in email_rows if (row["audience_name"], sha256(row["email"])) not in hashed
        ]
        assert missing == []


# --- (c) holdouts are in no list --------------------------------------------------------------


def test_holdout_members_are_in_no_list(serving_path: Path) -> None:
    holdouts = table(
        serving_path,
        "select audience_name, member_type, member_id from fct_audience_memberships"
        " where is_holdout",
    )
    assert len(holdouts) > 50 and set(holdouts["member_type"]) == {"person", "account"}
    in_email_list = table(
        serving_path,
        "select lists.* from list_email_audience_members as lists"
        " inner join fct_audience_memberships as memberships"
        " on lists.audience_name = memberships.audience_name"
        " and lists.person_id = memberships.member_id where memberships.is_holdout",
    )
    assert in_email_list.empty
    in_crm_list = table(
        serving_path,
        "select lists.* from list_crm_account_audiences as lists"
        " inner join fct_audience_memberships as memberships"
        " on lists.audience_name = memberships.audience_name"
        " and lists.account_id = memberships.member_id where memberships.is_holdout",
    )
    assert in_crm_list.empty
    # an identifier may reach the ad list through another member of the audience (a shared
    # address or anonymous id), never through a held-out one alone
    held_out_identifiers = identifiers_of(serving_path, "memberships.is_holdout")
    treated_identifiers = identifiers_of(serving_path, "not memberships.is_holdout")
    ads = table(serving_path, "select audience_name, identifier from list_ad_audience_identifiers")
    listed = set(zip(ads["audience_name"], ads["identifier"], strict=True))
    leaked = (held_out_identifiers - treated_identifiers) & listed
    assert len(held_out_identifiers) > 50 and leaked == set()


def identifiers_of(serving_path: Path, condition: str) -> set[tuple[str, str]]:
    frame = table(
        serving_path,
        "select memberships.audience_name, persons.email, persons.person_id"
        " from fct_audience_memberships as memberships inner join dim_persons as persons"
        " on memberships.member_id = persons.person_id"
        f" where memberships.member_type = 'person' and {condition}",
    )
    hashes = {
        (audience, sha256(email))
        for audience, email in zip(frame["audience_name"], frame["email"], strict=True)
        if isinstance(email, str)
    }
    own_ids = {
        (audience, person.removeprefix("anon:"))
        for audience, person in zip(frame["audience_name"], frame["person_id"], strict=True)
        if person.startswith("anon:")
    }
    return hashes | own_ids


# --- (d) deletion and opt-out -----------------------------------------------------------------


def tables_mentioning(serving: Path, needles: list[str]) -> list[str]:
    """Every published table with a text column that contains one of the needles."""
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        columns = connection.execute(
            "select table_name, column_name from duckdb_columns()"
            " where schema_name = 'main' and data_type = 'VARCHAR'"
        ).fetchall()
        found = []
        for table_name, column in columns:
            for needle in needles:
                hits = connection.execute(
                    f'select count(*) from "{table_name}"'
                    f' where contains(lower("{column}"), lower(?))',
                    [needle],
                ).fetchone()[0]
                if hits:
                    found.append(f"{table_name}.{column}")
        return found
    finally:
        connection.close()


def deleted_needles(persons: Persons) -> list[str]:
    return [
        persons.deleted,
        persons.deleted_email,
        sha256(persons.deleted_email),
        *persons.deleted_anonymous_ids,
        persons.deleted_decision_maker,
        persons.deleted_decision_maker_email,
    ]


def test_a_deleted_person_is_in_no_published_table(scenario: Scenario) -> None:
    persons = scenario.persons
    assert tables_mentioning(scenario.world.serving, deleted_needles(persons)) == []


def removed_keys(export: Export, destination: str) -> set[tuple[str, ...]]:
    return {key(destination, row) for row in export.rows if row["change_type"] == "removed"}


def keys_of(export: Export, destination: str, rows: list[dict[str, str]]) -> set[tuple[str, ...]]:
    return {key(destination, row) for row in rows}


def person_rows(
    destination: str, rows: list[dict[str, str]], person: str, email: str, anonymous_ids: tuple
) -> list[dict[str, str]]:
    if destination == "email":
        return [row for row in rows if row["email"] == email]
    return [row for row in rows if row["identifier"] in {sha256(email), *anonymous_ids}]


@pytest.mark.parametrize("destination", ["email", "ads"])
@pytest.mark.parametrize("who", ["deleted", "opted_out"])
def test_the_changes_only_export_removes_deleted_and_opted_out_persons(
    scenario: Scenario, destination: str, who: str
) -> None:
    persons = scenario.persons
    person, email, anonymous_ids = (
        (persons.deleted, persons.deleted_email, persons.deleted_anonymous_ids)
        if who == "deleted"
        else (persons.opted_out, persons.opted_out_email, persons.opted_out_anonymous_ids)
    )
    exported = person_rows(
        destination, scenario.full[destination].rows, person, email, anonymous_ids
    )
    assert exported, f"the {who} person was exported before"
    changed = person_rows(
        destination, scenario.changes[destination].rows, person, email, anonymous_ids
    )
    assert {row["change_type"] for row in changed} == {"removed"}
    assert keys_of(scenario.changes[destination], destination, changed) == {
        key(destination, row) for row in exported
    }
    # a removal carries the key the destination deletes by, nothing more
    for row in changed:
        assert all(
            value == ""
            for column, value in row.items()
            if column not in {*KEYS[destination], "change_type"}
        )
    assert (
        person_rows(
            destination, scenario.full_after[destination].rows, person, email, anonymous_ids
        )
        == []
    )


def test_the_crm_export_drops_a_deleted_decision_maker(scenario: Scenario) -> None:
    email = scenario.persons.deleted_decision_maker_email
    before = [
        row for row in scenario.full["crm"].rows if email in row["reachable_decision_maker_emails"]
    ]
    assert before
    changed = {key("crm", row): row for row in scenario.changes["crm"].rows}
    for row in before:
        change = changed[key("crm", row)]
        # the account may also leave an audience the contact's activity kept it in
        if change["change_type"] == "removed":
            continue
        assert change["change_type"] == "changed"
        assert email not in change["reachable_decision_maker_emails"]
        assert int(change["reachable_decision_makers"]) == int(row["reachable_decision_makers"]) - 1
    assert not [
        row
        for row in scenario.full_after["crm"].rows
        if email in row["reachable_decision_maker_emails"]
    ]


def test_no_older_export_or_state_keeps_a_deleted_person(scenario: Scenario) -> None:
    persons = scenario.persons
    for destination in DESTINATIONS:
        assert latest_export(scenario.out, destination).manifest["export_sequence"] == 2
    for name, content in scenario.files_after_second.items():
        if name.endswith(".csv"):
            assert persons.deleted_decision_maker_email.encode() not in content, name
        if name.endswith(".csv") and not name.startswith("email/"):
            assert persons.deleted_email.encode() not in content, name
    for destination in DESTINATIONS:
        state = duckdb.connect(
            str(scenario.out / destination / "sync_state.duckdb"), read_only=True
        )
        try:
            members = state.execute("select * from members").df()
        finally:
            state.close()
        text = members.astype(str).apply(lambda column: column.str.lower())
        for needle in deleted_needles(persons):
            assert (
                not text.apply(lambda column, n=needle: column.str.contains(n.lower(), regex=False))
                .any()
                .any()
            )


def test_an_opted_out_person_stays_in_analytics_but_in_no_list(scenario: Scenario) -> None:
    persons = scenario.persons
    flags = table(
        scenario.world.serving,
        f"select has_privacy_opt_out from dim_persons where person_id = '{persons.opted_out}'",
    )
    assert flags["has_privacy_opt_out"].tolist() == [True]
    for destination in ("email", "ads"):
        assert (
            person_rows(
                destination,
                scenario.full_after[destination].rows,
                persons.opted_out,
                persons.opted_out_email,
                persons.opted_out_anonymous_ids,
            )
            == []
        )


def test_the_full_list_after_equals_the_full_list_before_with_the_changes_applied(
    scenario: Scenario,
) -> None:
    for destination in DESTINATIONS:
        synced = {key(destination, row): row for row in scenario.full[destination].rows}
        for change in scenario.changes[destination].rows:
            row = {column: value for column, value in change.items() if column != "change_type"}
            if change["change_type"] == "removed":
                del synced[key(destination, row)]
            else:
                assert (key(destination, row) in synced) == (change["change_type"] == "changed")
                synced[key(destination, row)] = row
        after = {key(destination, row): row for row in scenario.full_after[destination].rows}
        assert synced == after, destination
    manifest = scenario.changes["email"].manifest
    assert manifest["previous_export"]["export_sequence"] == 1
    assert (
        manifest["publish"]["publish_id"]
        == scenario.full["email"].manifest["publish"]["publish_id"] + 1
    )
    assert sum(manifest["rows_by_change_type"].values()) == manifest["rows"] > 0


# --- (e) exporting twice without a new publish ------------------------------------------------


def test_a_second_changes_only_export_without_a_new_publish_writes_nothing(
    scenario: Scenario,
) -> None:
    for destination in DESTINATIONS:
        assert "NO CHANGE" in scenario.second_changes_output[destination]
    assert scenario.files_after_second == scenario.files_before_second


def test_parquet_and_csv_exports_hold_the_same_rows(scenario: Scenario, tmp_path: Path) -> None:
    export(scenario.world, tmp_path, "crm", "--format", "parquet")
    [folder] = list((tmp_path / "crm").glob("export-*"))
    parquet = pd.read_parquet(next(folder.glob("*.parquet")))
    csv_rows = scenario.full_after["crm"].rows
    assert len(parquet) == len(csv_rows) > 0
    assert sorted(parquet["account_id"]) == sorted(row["account_id"] for row in csv_rows)


def test_an_export_without_a_publish_is_refused_clearly(world: World, tmp_path: Path) -> None:
    empty = World(tmp_path / "nothing")
    completed = attempt(export_command("email", tmp_path / "out"), empty.env())
    assert completed.returncode != 0 and "no publish yet" in completed.stderr


# --- the README's commands --------------------------------------------------------------------


def test_the_readme_export_commands_run_as_written(serving_path: Path, tmp_path: Path) -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Lists and exports", 1)[1].split("\n## ", 1)[0]
    commands = section.split("```sh\n", 1)[1].split("```", 1)[0]
    destinations = {line.split("--destination ")[1].split()[0] for line in commands.splitlines()}
    assert destinations == set(DESTINATIONS)
    # a folder laid out like a clone, the commands run from it against the test publish
    (tmp_path / "scripts").symlink_to(REPO_ROOT / "scripts")
    env = {name: value for name, value in os.environ.items() if not name.startswith("AUDIENCES_")}
    env["AUDIENCES_SERVING_PATH"] = str(serving_path)
    completed = attempt(["bash", "-e", "-c", commands], env, cwd=tmp_path, timeout=300)
    assert completed.returncode == 0, output(completed)[-3000:]
    # the whole email list, then no change; the ads and CRM lists all added
    assert completed.stdout.count("EXPORTED") == 3 and "NO CHANGE for email" in completed.stdout
    for destination, file_format in (("email", "csv"), ("ads", "parquet"), ("crm", "csv")):
        [folder] = (tmp_path / "exports" / destination).glob("export-000001-*")
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["format"] == file_format and manifest["rows"] > 0
        assert manifest["publish"]["publish_id"] >= 1
