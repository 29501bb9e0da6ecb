"""scripts/generate_data.py: the flaws it injects into events and email events, each recorded
in the flaw ledger as what it is, none at flaw rate 0, at a small scale."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from audiences.generate import FLAW_TYPES
from generate_helpers import LEDGER, UTC, VOCABULARY, clean_data, connect, flawed_data, rows, scalar


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The clean data set (test_no_flaws_at_rate_zero)."""
    yield from connect(clean_data(tmp_path_factory))


@pytest.fixture(scope="module")
def flawed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from connect(flawed_data(tmp_path_factory))


def test_every_flaw_type_is_injected_and_recorded(flawed: duckdb.DuckDBPyConnection) -> None:
    found = set(rows(flawed, f"select distinct source_table, flaw_type from {LEDGER}"))
    expected = {("events", flaw) for flaw in FLAW_TYPES}
    expected |= {("email_events", "redelivered"), ("email_events", "email_case_spaces")}
    assert found == expected


def test_each_row_has_at_most_one_flaw(flawed: duckdb.DuckDBPyConnection) -> None:
    flawed_twice = f"""
        select count(*) from (
            select source_table, record_id from {LEDGER} group by all having count(*) > 1
        )
    """
    assert scalar(flawed, flawed_twice) == 0


PAYLOADS = {
    "events": (
        "event_id",
        "event_name, anonymous_id, user_id, account_id, occurred_at, properties, context",
    ),
    "email_events": ("email_event_id", "user_id, email, campaign_id, event_type, occurred_at"),
}


@pytest.mark.parametrize("table", sorted(PAYLOADS))
def test_redelivered_rows_appear_as_often_as_the_ledger_says(
    flawed: duckdb.DuckDBPyConnection, table: str
) -> None:
    key, payload = PAYLOADS[table]
    wrong = rows(
        flawed,
        f"""
        with copies as (
            select {key} as record_id, count(*) as copies,
                count(distinct ({payload})) as payloads,
                count(distinct received_at) as receipts
            from raw.{table} group by 1
        )
        select flaws.record_id, flaws.detail, copies.copies, copies.payloads
        from {LEDGER} as flaws
        left join copies on copies.record_id = flaws.record_id
        where flaws.source_table = '{table}' and flaws.flaw_type = 'redelivered'
            and (cast(flaws.detail as integer) != copies.copies or copies.copies < 2
                 or copies.payloads != 1 or copies.receipts != copies.copies)
    """,
    )
    assert wrong == []
    unrecorded = scalar(
        flawed,
        f"""
        select count(*) from (select {key} from raw.{table} group by 1 having count(*) > 1)
        where {key} not in (
            select record_id from {LEDGER}
            where source_table = '{table}' and flaw_type = 'redelivered'
        )
    """,
    )
    assert unrecorded == 0


def flawed_events(connection: duckdb.DuckDBPyConnection, flaw: str, condition: str) -> list:
    """Ledger rows of `flaw` on events whose (single) event row breaks `condition`."""
    return rows(
        connection,
        f"""
        select flaws.record_id, flaws.detail, events.event_name, events.occurred_at,
            events.received_at, events.properties
        from {LEDGER} as flaws
        left join raw.events as events on events.event_id = flaws.record_id
        where flaws.source_table = 'events' and flaws.flaw_type = '{flaw}'
            and not coalesce({condition}, false)
    """,
    )


@pytest.mark.parametrize(
    ("flaw", "condition"),
    [
        (
            "late",
            f"strftime({UTC}, '%Y-%m-%d %H:%M:%S') = flaws.detail"
            f" and events.received_at >= {UTC} + interval 1 day"
            f" and events.received_at <= {UTC} + interval 11 day",
        ),
        (
            "timezone_offset",
            f"strftime({UTC}, '%Y-%m-%d %H:%M:%S') = flaws.detail"
            " and regexp_matches(occurred_at, '[+-]\\d\\d:\\d\\d$')",
        ),
        (
            "future_clock",
            f"strftime({UTC}, '%Y-%m-%d %H:%M:%S') = flaws.detail"
            f" and {UTC} >= events.received_at + interval 3 hour"
            f" and {UTC} <= events.received_at + interval 31 day",
        ),
        (
            "name_variant",
            f"event_name != flaws.detail and flaws.detail in ({VOCABULARY})"
            " and lower(regexp_replace(trim(event_name), '[ _-]+', ' ', 'g'))"
            " = lower(flaws.detail)",
        ),
        (
            "number_as_string",
            "json_type(properties, '$.' || flaws.detail) = 'VARCHAR'"
            " and try_cast(json_extract_string(properties, '$.' || flaws.detail)"
            " as double) is not null",
        ),
        ("missing_identity", "events.anonymous_id is null and events.user_id is null"),
        ("malformed_json", "not json_valid(properties) and length(properties) > 1"),
        ("unknown_event_name", f"event_name = flaws.detail and event_name not in ({VOCABULARY})"),
        (
            "negative_revenue",
            "event_name = 'Order Completed'"
            " and cast(json_extract_string(properties, '$.revenue') as double)"
            " = cast(flaws.detail as double)"
            " and cast(flaws.detail as double) < 0",
        ),
    ],
)
def test_each_flaw_is_what_the_ledger_says(
    flawed: duckdb.DuckDBPyConnection, flaw: str, condition: str
) -> None:
    assert scalar(flawed, f"select count(*) from {LEDGER} where flaw_type = '{flaw}'") > 0
    assert flawed_events(flawed, flaw, condition) == []


def test_email_case_and_spaces_flaws(flawed: duckdb.DuckDBPyConnection) -> None:
    wrong = rows(
        flawed,
        f"""
        select flaws.record_id, flaws.detail, emails.email
        from {LEDGER} as flaws
        left join raw.email_events as emails on emails.email_event_id = flaws.record_id
        where flaws.flaw_type = 'email_case_spaces'
            and not coalesce(emails.email != flaws.detail
                             and lower(trim(emails.email)) = flaws.detail, false)
    """,
    )
    assert wrong == []
    unrecorded_variants = f"""
        select count(*) from raw.email_events
        where email != lower(trim(email)) and email_event_id not in (
            select record_id from {LEDGER} where flaw_type = 'email_case_spaces')
    """
    assert scalar(flawed, unrecorded_variants) == 0


def test_unflawed_rows_are_clean(flawed: duckdb.DuckDBPyConnection) -> None:
    dirty = scalar(
        flawed,
        f"""
        select count(*) from raw.events
        where event_id not in (select record_id from {LEDGER} where source_table = 'events')
            and (event_name not in ({VOCABULARY}) or not json_valid(properties)
                 or coalesce(anonymous_id, user_id) is null
                 or not regexp_matches(occurred_at, 'Z$'))
    """,
    )
    assert dirty == 0


def test_no_flaws_at_rate_zero(clean: duckdb.DuckDBPyConnection) -> None:
    assert scalar(clean, f"select count(*) from {LEDGER}") == 0
    assert scalar(clean, "select count(*) = count(distinct event_id) from raw.events")
    assert scalar(clean, "select count(*) = count(distinct email_event_id) from raw.email_events")
    dirty = f"""
        select count(*) from raw.events
        where event_name not in ({VOCABULARY}) or not json_valid(properties)
            or not json_valid(context) or coalesce(anonymous_id, user_id) is null
            or cast(json_extract_string(properties, '$.revenue') as double) < 0
            or json_type(properties, '$.price') = 'VARCHAR'
    """
    assert scalar(clean, dirty) == 0
    assert (
        scalar(clean, "select count(*) from raw.email_events where email != lower(trim(email))")
        == 0
    )
