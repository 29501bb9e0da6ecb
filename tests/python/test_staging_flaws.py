"""Every flaw the generator injected (generator_audit.injected_flaws) ends fixed in staging or
in quarantine with its reason, and staging quarantines nothing the generator did not break."""

from __future__ import annotations

import json

import duckdb
import pytest

QUARANTINING_FLAWS = {
    "future_clock": "future_timestamp",
    "missing_identity": "missing_identity",
    "malformed_json": "malformed_json",
    "unknown_event_name": "unknown_event_name",
    "negative_revenue": "negative_amount",
}
FIXED_FLAWS = {
    "redelivered",
    "late",
    "timezone_offset",
    "name_variant",
    "number_as_string",
    "email_case_spaces",
}


def fetch(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def test_the_ledger_holds_every_flaw_type(warehouse: duckdb.DuckDBPyConnection) -> None:
    seen = {
        row[0]
        for row in fetch(warehouse, "select distinct flaw_type from generator_audit.injected_flaws")
    }
    assert seen == set(QUARANTINING_FLAWS) | FIXED_FLAWS


@pytest.mark.parametrize(("flaw_type", "reason"), sorted(QUARANTINING_FLAWS.items()))
def test_breaking_flaws_are_quarantined_with_their_reason(
    warehouse: duckdb.DuckDBPyConnection, flaw_type: str, reason: str
) -> None:
    missed = fetch(
        warehouse,
        f"""
        select flaws.record_id, quarantined.quarantine_reason
        from generator_audit.injected_flaws as flaws
        left join staging.stg_raw__quarantined_rows as quarantined
            on quarantined.source_table = flaws.source_table
            and quarantined.record_id = flaws.record_id
        where flaws.flaw_type = '{flaw_type}'
            and quarantined.quarantine_reason is distinct from '{reason}'
    """,
    )
    flawed = fetch(
        warehouse,
        f"""
        select count(*) from generator_audit.injected_flaws where flaw_type = '{flaw_type}'
    """,
    )[0][0]
    assert flawed > 0
    assert missed == []


@pytest.mark.parametrize("flaw_type", sorted(QUARANTINING_FLAWS))
def test_breaking_flaws_never_reach_staging(
    warehouse: duckdb.DuckDBPyConnection, flaw_type: str
) -> None:
    leaked = fetch(
        warehouse,
        f"""
        select flaws.record_id
        from generator_audit.injected_flaws as flaws
        inner join staging.stg_raw__events as events on events.event_id = flaws.record_id
        where flaws.flaw_type = '{flaw_type}'
    """,
    )
    assert leaked == []


def test_nothing_is_quarantined_that_the_generator_did_not_break(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    unexplained = fetch(
        warehouse,
        f"""
        select quarantined.source_table, quarantined.record_id, quarantined.quarantine_reason
        from staging.stg_raw__quarantined_rows as quarantined
        left join generator_audit.injected_flaws as flaws
            on flaws.source_table = quarantined.source_table
            and flaws.record_id = quarantined.record_id
            and flaws.flaw_type in ({", ".join(f"'{flaw}'" for flaw in QUARANTINING_FLAWS)})
        where flaws.record_id is null
        limit 20
    """,
    )
    assert unexplained == []


@pytest.mark.parametrize(
    ("source_table", "staged_model", "key"),
    [
        ("events", "stg_raw__events", "event_id"),
        ("email_events", "stg_raw__email_events", "email_event_id"),
    ],
)
def test_redelivered_rows_are_staged_once(
    warehouse: duckdb.DuckDBPyConnection, source_table: str, staged_model: str, key: str
) -> None:
    wrong = fetch(
        warehouse,
        f"""
        with
        raw_copies as (
            select {key} as record_id, count(*) as copies
            from raw.{source_table} group by 1
        ),
        staged_copies as (
            select {key} as record_id, count(*) as copies
            from staging.{staged_model} group by 1
        )
        select flaws.record_id, flaws.detail, raw_copies.copies, staged_copies.copies
        from generator_audit.injected_flaws as flaws
        left join raw_copies on raw_copies.record_id = flaws.record_id
        left join staged_copies on staged_copies.record_id = flaws.record_id
        where flaws.source_table = '{source_table}' and flaws.flaw_type = 'redelivered'
            and (
                cast(flaws.detail as integer) != raw_copies.copies
                or raw_copies.copies < 2
                or staged_copies.copies is distinct from 1
            )
    """,
    )
    assert wrong == []


@pytest.mark.parametrize("flaw_type", ["late", "timezone_offset"])
def test_event_times_are_the_true_utc_instant(
    warehouse: duckdb.DuckDBPyConnection, flaw_type: str
) -> None:
    wrong = fetch(
        warehouse,
        f"""
        select flaws.record_id, flaws.detail, events.occurred_at
        from generator_audit.injected_flaws as flaws
        left join staging.stg_raw__events as events on events.event_id = flaws.record_id
        where flaws.flaw_type = '{flaw_type}'
            and strftime(date_trunc('second', events.occurred_at), '%Y-%m-%d %H:%M:%S')
                is distinct from flaws.detail
    """,
    )
    assert wrong == []


def test_event_name_variants_get_their_canonical_name(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    wrong = fetch(
        warehouse,
        """
        select flaws.record_id, flaws.detail, events.event_name
        from generator_audit.injected_flaws as flaws
        left join staging.stg_raw__events as events on events.event_id = flaws.record_id
        where flaws.flaw_type = 'name_variant'
            and events.event_name is distinct from flaws.detail
    """,
    )
    assert wrong == []


def test_numbers_sent_as_strings_are_typed(warehouse: duckdb.DuckDBPyConnection) -> None:
    # the ledger names the property only; the number sent is read from the raw payload here
    # (Python's json and float, not the SQL under test) and must equal the staged value
    flaws = fetch(
        warehouse,
        """
        select flaws.record_id, flaws.detail, events.properties
        from generator_audit.injected_flaws as flaws
        left join staging.stg_raw__events as events on events.event_id = flaws.record_id
        where flaws.flaw_type = 'number_as_string'
    """,
    )
    assert flaws
    typed_columns = {"price", "revenue", "quantity", "rating"}
    checked = 0
    for record_id, property_name, properties in flaws:
        assert properties is not None, f"{record_id} is not staged"
        if property_name in typed_columns:
            value = fetch(
                warehouse,
                f"""
                select {property_name} from staging.stg_raw__events where event_id = '{record_id}'
            """,
            )[0][0]
            raw_payloads = {
                row[0]
                for row in fetch(
                    warehouse,
                    f"""
                select properties from raw.events where event_id = '{record_id}'
            """,
                )
            }
            sent = {json.loads(payload)[property_name] for payload in raw_payloads}
            assert all(isinstance(v, str) for v in sent), f"{record_id}: {sent} not a string"
            assert value is not None, f"{record_id}: {property_name} not typed"
            assert {float(v) for v in sent} == {float(value)}, f"{record_id}: {sent} != {value}"
            checked += 1
    assert checked > 0


def test_emails_are_trimmed_and_lower_cased(warehouse: duckdb.DuckDBPyConnection) -> None:
    wrong = fetch(
        warehouse,
        """
        select flaws.record_id, flaws.detail, emails.email
        from generator_audit.injected_flaws as flaws
        left join staging.stg_raw__email_events as emails
            on emails.email_event_id = flaws.record_id
        where flaws.flaw_type = 'email_case_spaces' and emails.email is distinct from flaws.detail
    """,
    )
    assert wrong == []
