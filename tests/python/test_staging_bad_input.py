"""Bad input end to end: a small crafted export with unreadable numbers, timestamps, flags and
order payloads goes through scripts/load_raw.py and `dbt build` of staging on its own DuckDB
file. The build must succeed, every bad row must be quarantined with its reason (or, for an
identify trait, read as unknown), and rows in = staged + duplicates + quarantined."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from audiences.raw_contract import RAW_TABLES, column_names
from audiences.runtime import dbt_env, end_of_day
from warehouse_helpers import build, dbt_result, load

from tests.reference import staging
from tests.reference.vars import ReferenceVars

AT = "2026-03-01T10:00:00Z"
RECEIVED = "2026-03-01 10:00:00"


def event(event_id: str, event_name: str, properties: Any) -> dict[str, Any]:
    text = properties if isinstance(properties, str) else json.dumps(properties)
    return {
        "event_id": event_id,
        "event_name": event_name,
        "user_id": "u1",
        "occurred_at": AT,
        "received_at": RECEIVED,
        "properties": text,
        "context": "{}",
    }


GOOD_LINE = {"product_id": "p1", "category": "Shoes", "price": 9.95, "quantity": 2}

# (row, expected quarantine reason or None when it must be staged)
OK_ORDER = event(
    "ok_order", "Order Completed", {"order_id": "o1", "revenue": "19.90", "products": [GOOD_LINE]}
)
EVENTS: list[tuple[dict[str, Any], str | None]] = [
    (OK_ORDER, None),
    (dict(OK_ORDER), "duplicate"),
    (
        event(
            "double_encoded",
            "Order Completed",
            {"order_id": "o2", "revenue": 5, "products": json.dumps([GOOD_LINE, GOOD_LINE])},
        ),
        None,
    ),
    (
        event("comma_revenue", "Order Completed", {"order_id": "o3", "revenue": "19,90"}),
        "unparseable_number",
    ),
    (
        event("abc_price", "Product Viewed", {"product_id": "p1", "price": "abc"}),
        "unparseable_number",
    ),
    (
        event("fraction_rating", "Product Reviewed", {"product_id": "p1", "rating": "4.5"}),
        "unparseable_number",
    ),
    (
        event("empty_revenue", "Order Completed", {"order_id": "o4", "revenue": ""}),
        "incomplete_order",
    ),
    (event("no_order_id", "Order Completed", {"revenue": 10}), "incomplete_order"),
    (
        event(
            "negative_line",
            "Order Completed",
            {"order_id": "o5", "revenue": 10, "products": [{**GOOD_LINE, "price": -1}]},
        ),
        "negative_amount",
    ),
    (
        event(
            "zero_quantity_line",
            "Order Completed",
            {"order_id": "o6", "revenue": 10, "products": [{**GOOD_LINE, "quantity": 0}]},
        ),
        "negative_amount",
    ),
    (
        event(
            "bad_line_price",
            "Order Completed",
            {"order_id": "o7", "revenue": 10, "products": [{**GOOD_LINE, "price": "9,95"}]},
        ),
        "unparseable_number",
    ),
    (
        event(
            "products_object",
            "Order Completed",
            {"order_id": "o8", "revenue": 10, "products": {"product_id": "p1"}},
        ),
        "malformed_json",
    ),
    # words a cast reads as special instants (1970-01-01, +-infinity) are not times
    *[
        (
            {
                **event(f"special_time_{index}", "Product Viewed", {"product_id": "p1"}),
                "occurred_at": word,
            },
            "unparseable_timestamp",
        )
        for index, word in enumerate(("epoch", "infinity", "-infinity", " Epoch "))
    ],
]

TABLE_ROWS: dict[str, list[tuple[dict[str, Any], str | None]]] = {
    "events": EVENTS,
    "identifies": [
        (
            {
                "user_id": "u1",
                "occurred_at": AT,
                "received_at": RECEIVED,
                "traits": json.dumps({"marketing_opt_in": "off", "birth_date": "1990-02-30"}),
            },
            None,
        ),
        (
            {
                "user_id": "u2",
                "occurred_at": AT,
                "received_at": RECEIVED,
                "traits": json.dumps({"marketing_opt_in": "YES", "birth_date": "1990-02-28"}),
            },
            None,
        ),
        (
            {
                "user_id": "u3",
                "occurred_at": AT,
                "received_at": RECEIVED,
                "traits": json.dumps({"marketing_opt_in": 0}),
            },
            None,
        ),
    ],
    "email_events": [
        (
            {
                "email_event_id": "m1",
                "user_id": "u1",
                "campaign_id": "c1",
                "event_type": "opened",
                "occurred_at": AT,
                "received_at": RECEIVED,
            },
            None,
        ),
    ],
    "crm_accounts": [
        (
            {
                "account_id": "acc_ok",
                "plan": "pro",
                "mrr": "100",
                "employee_count": "12",
                "updated_at": RECEIVED,
            },
            None,
        ),
        (
            {"account_id": "acc_mrr", "plan": "pro", "mrr": "abc", "updated_at": RECEIVED},
            "unparseable_number",
        ),
        (
            {
                "account_id": "acc_employees",
                "plan": "pro",
                "employee_count": "12.5",
                "updated_at": RECEIVED,
            },
            "unparseable_number",
        ),
        (
            {
                "account_id": "acc_since",
                "plan": "pro",
                "customer_since": "soon",
                "updated_at": RECEIVED,
            },
            "unparseable_timestamp",
        ),
    ],
    "crm_contacts": [
        ({"contact_id": "c_ok", "user_id": "u1", "lead_score": "", "updated_at": RECEIVED}, None),
        (
            {
                "contact_id": "c_score",
                "user_id": "u1",
                "lead_score": "high",
                "updated_at": RECEIVED,
            },
            "unparseable_number",
        ),
    ],
    "subscriptions": [
        (
            {
                "subscription_id": "s_ok",
                "account_id": "acc_ok",
                "status": "active",
                "mrr": "",
                "started_at": RECEIVED,
            },
            None,
        ),
        (
            {
                "subscription_id": "s_mrr",
                "account_id": "acc_ok",
                "status": "active",
                "mrr": "12,5",
                "started_at": RECEIVED,
            },
            "unparseable_number",
        ),
        (
            {
                "subscription_id": "s_end",
                "account_id": "acc_ok",
                "status": "canceled",
                "mrr": "10",
                "started_at": RECEIVED,
                "ended_at": "never",
            },
            "unparseable_timestamp",
        ),
    ],
    "product_usage_daily": [
        ({"account_id": "acc_ok", "usage_date": "2026-03-01", "usage_units": "7"}, None),
        (
            {"account_id": "acc_ok", "usage_date": "2026-03-02", "usage_units": "lots"},
            "unparseable_number",
        ),
        (
            {"account_id": "acc_ok", "usage_date": "2026-03-03", "usage_units": "-3"},
            "negative_amount",
        ),
    ],
    "support_tickets": [
        (
            {"ticket_id": "t_ok", "account_id": "acc_ok", "opened_at": RECEIVED, "csat_score": "5"},
            None,
        ),
        (
            {
                "ticket_id": "t_unrated",
                "account_id": "acc_ok",
                "opened_at": RECEIVED,
                "csat_score": "",
            },
            None,
        ),
        (
            {
                "ticket_id": "t_half",
                "account_id": "acc_ok",
                "opened_at": RECEIVED,
                "csat_score": "4.5",
            },
            "out_of_range_score",
        ),
        (
            {
                "ticket_id": "t_abc",
                "account_id": "acc_ok",
                "opened_at": RECEIVED,
                "csat_score": "abc",
            },
            "unparseable_number",
        ),
        (
            {
                "ticket_id": "t_closed",
                "account_id": "acc_ok",
                "opened_at": RECEIVED,
                "closed_at": "tomorrow",
            },
            "unparseable_timestamp",
        ),
    ],
    "nps_responses": [
        ({"response_id": "n_ok", "user_id": "u1", "score": "10", "responded_at": RECEIVED}, None),
        ({"response_id": "n_zero", "user_id": "u1", "score": "0", "responded_at": RECEIVED}, None),
        (
            {"response_id": "n_half", "user_id": "u1", "score": "7.5", "responded_at": RECEIVED},
            "out_of_range_score",
        ),
        (
            {"response_id": "n_text", "user_id": "u1", "score": "ten", "responded_at": RECEIVED},
            "unparseable_number",
        ),
    ],
    "privacy_requests": [
        (
            {
                "request_id": "r_ok",
                "user_id": "u1",
                "request_type": "delete",
                "requested_at": RECEIVED,
            },
            None,
        ),
        (
            {
                "request_id": "r_forget",
                "user_id": "u1",
                "request_type": "forget",
                "requested_at": RECEIVED,
            },
            "unknown_request_type",
        ),
    ],
}

KEYS = {
    "events": "event_id",
    "email_events": "email_event_id",
    "crm_accounts": "account_id",
    "crm_contacts": "contact_id",
    "subscriptions": "subscription_id",
    "support_tickets": "ticket_id",
    "nps_responses": "response_id",
    "privacy_requests": "request_id",
}


def write_csv(path: Path, table: str, rows: list[dict[str, Any]]) -> None:
    columns = column_names(table)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(name) is None else row[name] for name in columns])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """The crafted export loaded and staging built: (folder, environment, DuckDB file)."""
    root = tmp_path_factory.mktemp("bad_input")
    exports = root / "exports"
    exports.mkdir()
    for table in RAW_TABLES:
        write_csv(exports / f"{table}.csv", table, [row for row, _ in TABLE_ROWS[table]])
    db_path = root / "bad_input.duckdb"
    env = dbt_env(db_path, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    load(db_path, exports, env=env)
    build(
        db_path,
        end_of_day("2026-06-30"),
        "--select",
        "+staging",
        "--exclude-resource-type",
        "unit_test",
        "--indirect-selection",
        "cautious",
    )
    return root, env, db_path


@pytest.fixture(scope="module")
def freshness(workspace: tuple[Path, dict[str, str], Path]) -> tuple[dict[str, Any], str]:
    """`dbt source freshness` on the loaded export: (sources.json, console output)."""
    root, _, db_path = workspace
    run = dbt_result(db_path, "source", "freshness")
    results = root / "target" / "sources.json"
    assert results.exists(), run.stdout[-4000:]
    return json.loads(results.read_text()), run.stdout


@pytest.fixture(scope="module")
def staged(
    workspace: tuple[Path, dict[str, str], Path], freshness: tuple[dict[str, Any], str]
) -> duckdb.DuckDBPyConnection:
    # after freshness: dbt cannot open the file while this connection holds it
    connection = duckdb.connect(str(workspace[2]), read_only=True)
    yield connection
    connection.close()


def quarantined(connection: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = connection.execute(
        "select record_id, quarantine_reason from staging.stg_raw__quarantined_rows"
        " where source_table = ?",
        [table],
    ).fetchall()
    return dict(rows)


@pytest.mark.parametrize("table", sorted(KEYS))
def test_each_bad_row_is_quarantined_with_its_reason(
    staged: duckdb.DuckDBPyConnection, table: str
) -> None:
    key = KEYS[table]
    expected = {
        row[key]: reason
        for row, reason in TABLE_ROWS[table]
        if reason is not None and reason != "duplicate"
    }
    assert quarantined(staged, table) == expected


@pytest.mark.parametrize("table", sorted(RAW_TABLES))
def test_rows_in_equal_staged_plus_duplicates_plus_quarantined(
    staged: duckdb.DuckDBPyConnection, table: str
) -> None:
    raw_rows = staged.execute(f"select count(*) from raw.{table}").fetchone()[0]
    staged_rows = staged.execute(f"select count(*) from staging.stg_raw__{table}").fetchone()[0]
    duplicates = staged.execute(
        "select coalesce(sum(duplicate_rows), 0) from staging.stg_raw__removed_duplicates"
        " where source_table = ?",
        [table],
    ).fetchone()[0]
    assert raw_rows == len(TABLE_ROWS[table])
    assert staged_rows == sum(1 for _, reason in TABLE_ROWS[table] if reason is None)
    assert duplicates == sum(1 for _, reason in TABLE_ROWS[table] if reason == "duplicate")
    assert raw_rows == staged_rows + duplicates + len(quarantined(staged, table))


def test_usage_quarantine_names_the_account_day(staged: duckdb.DuckDBPyConnection) -> None:
    assert quarantined(staged, "product_usage_daily") == {
        "acc_ok|2026-03-02": "unparseable_number",
        "acc_ok|2026-03-03": "negative_amount",
    }


def test_source_freshness_reads_text_load_times(freshness: tuple[dict[str, Any], str]) -> None:
    # every column of a CSV load is text: freshness must still compute an age per table
    # (stale is fine, the rows are from 2026-03-01), never fail on the type
    results, output = freshness
    statuses = {r["unique_id"].rsplit(".", 1)[-1]: r["status"] for r in results["results"]}
    assert set(statuses) == set(RAW_TABLES), output[-3000:]
    assert set(statuses.values()) <= {"pass", "warn", "error"}, output[-3000:]
    ages = [r.get("max_loaded_at") for r in results["results"]]
    assert all(age is not None for age in ages), output[-3000:]


def test_staged_values_are_the_numbers_sent(staged: duckdb.DuckDBPyConnection) -> None:
    revenue = staged.execute(
        "select revenue from staging.stg_raw__events where event_id = 'ok_order'"
    ).fetchone()[0]
    assert float(revenue) == 19.90
    score = staged.execute(
        "select score, nps_category from staging.stg_raw__nps_responses order by score"
    ).fetchall()
    assert score == [(0, "detractor"), (10, "promoter")]


def test_a_double_encoded_products_array_is_read(staged: duckdb.DuckDBPyConnection) -> None:
    lines = staged.execute(
        "select line_number, product_id, price, quantity from staging.stg_raw__order_items"
        " where event_id = 'double_encoded' order by line_number"
    ).fetchall()
    assert [(n, p, float(price), q) for n, p, price, q in lines] == [
        (1, "p1", 9.95, 2),
        (2, "p1", 9.95, 2),
    ]


def test_unreadable_identify_traits_are_unknown_not_quarantined(
    staged: duckdb.DuckDBPyConnection,
) -> None:
    traits = staged.execute(
        "select user_id, marketing_opt_in, cast(birth_date as varchar)"
        " from staging.stg_raw__identifies order by user_id"
    ).fetchall()
    assert traits == [("u1", None, None), ("u2", True, "1990-02-28"), ("u3", False, None)]


REFERENCE_STAGING = {
    "events": ("event_id", lambda raw, aliases, v: staging.stage_events(raw, aliases, v)),
    "identifies": ("user_id", lambda raw, aliases, v: staging.stage_identifies(raw, v)),
    "email_events": ("email_event_id", lambda raw, aliases, v: staging.stage_email_events(raw, v)),
    "crm_accounts": ("account_id", lambda raw, aliases, v: staging.stage_crm_accounts(raw)),
    "crm_contacts": ("contact_id", lambda raw, aliases, v: staging.stage_crm_contacts(raw)),
    "subscriptions": ("subscription_id", lambda raw, aliases, v: staging.stage_subscriptions(raw)),
    "support_tickets": ("ticket_id", lambda raw, aliases, v: staging.stage_support_tickets(raw)),
    "nps_responses": ("response_id", lambda raw, aliases, v: staging.stage_nps_responses(raw)),
    "privacy_requests": ("request_id", lambda raw, aliases, v: staging.stage_privacy_requests(raw)),
}


@pytest.mark.parametrize("table", sorted(REFERENCE_STAGING))
def test_the_pandas_reference_stages_the_same_rows(
    staged: duckdb.DuckDBPyConnection, table: str
) -> None:
    key, stage = REFERENCE_STAGING[table]
    raw = staged.execute(f"select * from raw.{table}").df()
    aliases = staged.execute("select * from reference.event_name_aliases").df()
    reference = stage(raw, aliases, ReferenceVars())
    staged_keys = staged.execute(f"select {key} from staging.stg_raw__{table}").fetchall()
    assert sorted(reference[key].tolist()) == sorted(k for (k,) in staged_keys)


def test_the_pandas_reference_reads_the_same_order_lines(
    staged: duckdb.DuckDBPyConnection,
) -> None:
    raw = staged.execute("select * from raw.events").df()
    aliases = staged.execute("select * from reference.event_name_aliases").df()
    lines = staging.order_items(staging.stage_events(raw, aliases, ReferenceVars()))
    expected = sorted(zip(lines["event_id"], lines["quantity"].astype(int), strict=True))
    actual = staged.execute(
        "select event_id, quantity from staging.stg_raw__order_items"
    ).fetchall()
    assert expected == sorted(actual)
