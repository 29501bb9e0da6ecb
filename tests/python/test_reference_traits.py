"""dim_persons and dim_accounts agree with an independent pandas reference (tests/reference/),
computed from the raw tables of the same warehouse: same keys, then column by column (exact for
text, integers, booleans, dates and timestamps to the microsecond; floats within 1e-9 relative
or 1e-6 absolute; nulls equal nulls)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from audiences.runtime import end_of_day
from comparison import EXAMPLES
from reference_helpers import (
    assert_column_agrees,
    reference_context,
    reference_dims,
    tiny_context,
)

from tests.reference.accounts import COLUMNS as ACCOUNT_COLUMNS
from tests.reference.persons import COLUMNS as PERSON_COLUMNS
from tests.reference.send_times import SEND_TIME_COLUMNS, learn_send_times
from tests.reference.vars import ReferenceVars

TABLES = {"dim_persons": "person_id", "dim_accounts": "account_id"}
COLUMNS = {"dim_persons": PERSON_COLUMNS, "dim_accounts": ACCOUNT_COLUMNS}


@pytest.fixture(scope="session")
def reference(
    warehouse: duckdb.DuckDBPyConnection, warehouse_end_date: str
) -> dict[str, pd.DataFrame]:
    as_of = pd.Timestamp(end_of_day(warehouse_end_date))
    return reference_dims(reference_context(warehouse.cursor(), as_of), as_of)


@pytest.fixture(scope="session")
def marts(warehouse: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    cursor = warehouse.cursor()
    return {table: cursor.sql(f"select * from marts.{table}").df() for table in TABLES}


@pytest.mark.parametrize("table", list(TABLES))
def test_reference_and_mart_have_the_same_keys(
    reference: dict[str, pd.DataFrame], marts: dict[str, pd.DataFrame], table: str
) -> None:
    key = TABLES[table]
    ours = set(reference[table][key])
    theirs = set(marts[table][key])
    assert len(ours) == len(reference[table]), f"reference {table} repeats a {key}"
    only_ours = sorted(ours - theirs)
    only_theirs = sorted(theirs - ours)
    assert not only_ours and not only_theirs, (
        f"{table}: {len(only_ours)} {key}s only in the reference (e.g. {only_ours[:EXAMPLES]}), "
        f"{len(only_theirs)} only in the mart (e.g. {only_theirs[:EXAMPLES]})"
    )


@pytest.mark.parametrize(
    ("table", "column"),
    [
        (table, column)
        for table, columns in COLUMNS.items()
        for column in columns
        if column != TABLES[table]
    ],
)
def test_reference_and_mart_agree_on_column(
    reference: dict[str, pd.DataFrame], marts: dict[str, pd.DataFrame], table: str, column: str
) -> None:
    assert_column_agrees(reference[table], marts[table], [TABLES[table]], column, table)


def test_the_mart_has_no_column_the_reference_lacks(marts: dict[str, pd.DataFrame]) -> None:
    for table, columns in COLUMNS.items():
        extra = sorted(set(marts[table].columns) - set(columns))
        assert not extra, f"{table} has columns the reference does not compute: {extra}"


# The reference itself, on hand-made rows (the unit-test rows of the staging yml and the
# identity rules of the README), so that a disagreement with the mart is not the reference's.


def _events(rows: list[dict[str, object]]) -> pd.DataFrame:
    columns = [
        "event_id",
        "event_name",
        "anonymous_id",
        "user_id",
        "account_id",
        "occurred_at",
        "received_at",
        "properties",
        "context",
    ]
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], dtype=object)
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    return frame


def _staged_events(rows: list[dict[str, object]]) -> pd.DataFrame:
    from tests.reference.context import load_seeds
    from tests.reference.staging import stage_events
    from tests.reference.vars import ReferenceVars

    aliases = load_seeds()["event_name_aliases"]
    return stage_events(_events(rows), aliases, ReferenceVars()).set_index("event_id")


def test_reference_staging_keeps_the_first_received_usable_copy() -> None:
    good, broken = '{"product_id": "p1"}', '{"product_id": "p1"'
    base = {"event_name": "Product Viewed", "user_id": "u1", "occurred_at": "2026-03-01T10:00:00Z"}
    staged = _staged_events(
        [
            {**base, "event_id": "e1", "received_at": "2026-03-01 10:05:00", "properties": good},
            {**base, "event_id": "e1", "received_at": "2026-03-01 10:01:00", "properties": good},
            {**base, "event_id": "e1", "received_at": "2026-03-01 09:59:00", "properties": broken},
            {**base, "event_id": "e2", "received_at": "2026-03-01 10:05:00", "properties": good},
        ]
    )
    assert sorted(staged.index) == ["e1", "e2"]
    assert staged.loc["e1", "received_at"] == pd.Timestamp("2026-03-01 10:01:00")


def test_reference_staging_normalizes_times_names_and_quarantines() -> None:
    base = {"user_id": "u1", "received_at": "2026-03-01 11:00:00", "event_name": "Signed In"}
    staged = _staged_events(
        [
            {**base, "event_id": "plus_two", "occurred_at": "2026-03-01T12:00:00+02:00"},
            {**base, "event_id": "millis", "occurred_at": "2026-03-01T10:00:00.750Z"},
            {**base, "event_id": "no_offset", "occurred_at": "2026-03-01 10:00:00"},
            {**base, "event_id": "date_moves", "occurred_at": "2026-02-28T23:30:00-11:00"},
            {**base, "event_id": "skew_60", "occurred_at": "2026-03-01T12:00:00Z"},
            {**base, "event_id": "skew_61", "occurred_at": "2026-03-01T12:01:00Z"},
            {**base, "event_id": "bad_time", "occurred_at": "yesterday at noon"},
            {
                **base,
                "event_id": "messy",
                "occurred_at": "2026-03-01T10:00:00Z",
                "event_name": "  Product--Viewed ",
            },
            {
                **base,
                "event_id": "alias",
                "occurred_at": "2026-03-01T10:00:00Z",
                "event_name": "Add To Cart",
            },
            {
                **base,
                "event_id": "wishlist",
                "occurred_at": "2026-03-01T10:00:00Z",
                "event_name": "product_added_to_wishlist",
            },
            {
                **base,
                "event_id": "unknown",
                "occurred_at": "2026-03-01T10:00:00Z",
                "event_name": "Legacy Pixel Fired",
            },
            {
                **base,
                "event_id": "no_identity",
                "occurred_at": "2026-03-01T10:00:00Z",
                "user_id": None,
                "anonymous_id": "",
            },
            {
                **base,
                "event_id": "negative",
                "occurred_at": "2026-03-01T10:00:00Z",
                "event_name": "Order Completed",
                "properties": '{"order_id": "o1", "revenue": "-5"}',
            },
            {
                **base,
                "event_id": "string_number",
                "occurred_at": "2026-03-01T10:00:00Z",
                "event_name": "Order Completed",
                "properties": '{"order_id": "o2", "revenue": "19.90"}',
            },
            {
                **base,
                "event_id": "array_json",
                "occurred_at": "2026-03-01T10:00:00Z",
                "properties": "[1, 2]",
            },
        ]
    )
    assert sorted(staged.index) == sorted(
        [
            "plus_two",
            "millis",
            "no_offset",
            "date_moves",
            "skew_60",
            "messy",
            "alias",
            "wishlist",
            "string_number",
        ]
    )
    times = staged["occurred_at"]
    assert times["plus_two"] == times["no_offset"] == pd.Timestamp("2026-03-01 10:00:00")
    assert times["millis"] == pd.Timestamp("2026-03-01 10:00:00.750")
    assert times["date_moves"] == pd.Timestamp("2026-03-01 10:30:00")
    assert staged.loc["messy", "event_name"] == "Product Viewed"
    assert staged.loc["alias", "event_name"] == "Product Added"
    assert staged.loc["wishlist", "event_name"] == "Product Added to Wishlist"
    assert staged.loc["string_number", "revenue"] == pytest.approx(19.90)


def test_reference_identity_links_an_anonymous_id_to_its_earliest_user() -> None:
    from tests.reference.identity import identify_events

    def event(event_id: str, anonymous_id: str, user_id: str | None, at: str) -> dict[str, object]:
        return {
            "event_id": event_id,
            "anonymous_id": anonymous_id,
            "user_id": user_id,
            "occurred_at": pd.Timestamp(at),
        }

    events = pd.DataFrame(
        [
            event("before_sign_in", "a1", None, "2026-03-01 09:00"),
            event("u2_first", "a1", "u2", "2026-03-01 10:00"),
            event("u1_same_time", "a1", "u1", "2026-03-01 10:00"),
            event("u3_later", "a1", "u3", "2026-03-02 10:00"),
            event("lonely", "a9", None, "2026-03-01 09:00"),
            event("after_as_of", "a8", None, "2026-03-05 09:00"),
            event("link_after_as_of", "a8", "u8", "2026-03-05 09:00"),
        ],
        dtype=object,
    )
    events["occurred_at"] = pd.to_datetime(events["occurred_at"])
    identifies = pd.DataFrame(
        {
            "anonymous_id": ["a9"],
            "user_id": ["u9"],
            "occurred_at": [pd.Timestamp("2026-03-04 00:00")],
        }
    )
    identified = identify_events(events, identifies, pd.Timestamp("2026-03-03 23:59:59"))
    person = identified.set_index("event_id")["person_id"].to_dict()
    assert person == {
        "before_sign_in": "u1",
        "u2_first": "u2",
        "u1_same_time": "u1",
        "u3_later": "u3",
        "lonely": "anon:a9",
    }


def test_reference_rank_helpers() -> None:
    from tests.reference.common import cume_dist, next_anniversary_days, percent_rank

    values = pd.Series([1.0, 2.0, 2.0, 5.0])
    assert list(percent_rank(values)) == [0.0, 1 / 3, 1 / 3, 1.0]
    assert list(percent_rank(pd.Series([7.0]))) == [0.0]
    assert list(cume_dist(values)) == [0.25, 0.75, 0.75, 1.0]
    assert list(cume_dist(values, ascending=False)) == [1.0, 0.75, 0.75, 0.25]
    day = pd.Timestamp("2026-02-28")
    births = pd.Series(pd.to_datetime(["2000-02-29", "1990-02-27", "1990-03-01"]))
    assert list(next_anniversary_days(births, day)) == [0, 364, 1]


def test_reference_send_times_convert_to_the_local_day_and_fall_back() -> None:
    """The reference's send times on the rows of int_person_send_times_learned's unit tests:
    email opens win over more events; 23:30 UTC on a winter Monday is Tuesday 00:30 in Berlin;
    the same local hour from two UTC hours across daylight saving time; an unknown context zone
    is ignored (country, then UTC); no country and no known zone is UTC."""
    as_of = pd.Timestamp("2026-06-30 12:00:00")
    persons = pd.DataFrame(
        {
            "person_id": ["e1", "e2", "d1", "i1", "i3"],
            "user_id": ["e1", "e2", "d1", "i1", "i3"],
            "country": ["DE", "US", None, "FR", None],
        }
    )
    events = pd.DataFrame(
        [
            *[("e1", "2026-06-10 09:10:00", None)] * 5,
            *[("e2", "2026-06-10 14:10:00", None)] * 3,
            ("e2", "2026-06-11 15:10:00", None),
            ("d1", "2026-03-01 12:00:00", "Europe/Berlin"),
            *[("i1", "2026-06-10 09:10:00", "Mars/Olympus")] * 10,
            ("i3", "2026-06-28 23:30:00", "Europe/Berlín"),
        ],
        columns=["person_id", "occurred_at", "time_zone"],
    ).astype({"occurred_at": "datetime64[us]"})
    emails = pd.DataFrame(
        [
            ("e1", "opened", "2026-01-05 23:30:00"),
            ("e1", "clicked", "2026-01-12 23:10:00"),
            ("e2", "delivered", "2026-06-01 08:00:00"),
            ("d1", "opened", "2026-01-15 07:30:00"),
            ("d1", "opened", "2026-06-15 06:30:00"),
        ],
        columns=["person_id", "event_type", "occurred_at"],
    ).astype({"occurred_at": "datetime64[us]"})
    seeds = {
        "time_zones": pd.DataFrame(
            {"time_zone": ["Europe/Berlin", "America/New_York", "Europe/Paris", "UTC"]}
        ),
        "country_time_zones": pd.DataFrame(
            {
                "country": ["DE", "US", "FR"],
                "time_zone": ["Europe/Berlin", "America/New_York", "Europe/Paris"],
            }
        ),
    }
    context = tiny_context(as_of, vars=ReferenceVars(), seeds=seeds, events_identified=events)
    learned = learn_send_times(context, persons, emails).set_index(persons["person_id"])
    expected = {
        "e1": ("Europe/Berlin", "country", "email", 2, 0, 2),
        "e2": ("America/New_York", "country", "events", 4, 10, 3),
        "d1": ("Europe/Berlin", "context", "email", 2, 8, 1),
        "i1": ("Europe/Paris", "country", "events", 10, 11, 3),
        "i3": ("UTC", "utc", "events", 1, 23, 7),
    }
    for person, row in expected.items():
        assert tuple(learned.loc[person, SEND_TIME_COLUMNS]) == row, person
