"""scripts/generate_data.py: the raw contract's tables, reproducibility, the time window, the
flaw ledger and the business invariants of the generated data, at a small scale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from generate_data import COLUMN_COMPRESSION, EVENT_NAMES, FLAW_TYPES  # noqa: E402
from audiences.raw_contract import (  # noqa: E402
    FLAW_LEDGER_COLUMNS,
    FLAW_LEDGER_SCHEMA,
    FLAW_LEDGER_TABLE,
    RAW_TABLES,
    create_table_sql,
)

SCRIPT = REPO_ROOT / "scripts" / "generate_data.py"
END_DATE = "2026-03-15"
END = f"timestamp '{END_DATE} 23:59:59'"
WINDOW_START = "timestamp '2026-01-15 00:00:00'"  # 60 days ending on END_DATE
SMALL = ["--persons", "300", "--days", "60", "--end-date", END_DATE]
LEDGER = f"{FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE}"
VOCABULARY = ", ".join(f"'{name}'" for name in EVENT_NAMES)
ISO_UTC = "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.000)?Z$"
UTC = "cast(timezone('UTC', try_cast(occurred_at as timestamptz)) as timestamp)"


def generate(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, AUDIENCES_DUCKDB_PATH=str(path))
    return subprocess.run(
        [sys.executable, str(SCRIPT), *SMALL, *args],
        cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True,
    )


def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def test_database_file_named_like_a_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "raw.duckdb"
    env = dict(os.environ, AUDIENCES_DUCKDB_PATH=str(path))
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *SMALL],
        cwd=REPO_ROOT, env=env, check=False, capture_output=True, text=True,
    )

    assert result.returncode == 1
    assert "raw.duckdb cannot hold the warehouse" in result.stderr
    assert not path.exists()


def test_a_relative_path_is_taken_from_the_current_directory(tmp_path: Path) -> None:
    env = dict(os.environ, AUDIENCES_DUCKDB_PATH="here/audiences.duckdb")
    subprocess.run(
        [sys.executable, str(SCRIPT), *SMALL, "--persons", "20", "--days", "7"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True,
    )

    assert (tmp_path / "here" / "audiences.duckdb").exists()
    assert not (REPO_ROOT / "here").exists()


@pytest.fixture(scope="module")
def flawed_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("flawed") / "nested" / "audiences.duckdb"
    generate(path, "--seed", "1", "--flaw-rate", "0.05")
    return path


@pytest.fixture(scope="module")
def flawed(flawed_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from connect(flawed_path)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("clean") / "audiences.duckdb"
    generate(path, "--seed", "1", "--flaw-rate", "0")
    yield from connect(path)


def scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> object:
    return connection.execute(sql).fetchone()[0]


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()


def digests(path: Path) -> dict[str, str]:
    """An md5 over every table's rows in a canonical order."""
    connection = duckdb.connect(str(path), read_only=True)
    tables = [f"raw.{table}" for table in RAW_TABLES] + [LEDGER]
    try:
        return {
            table: scalar(connection, f"""
                select md5(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar)))
                from {table} as t
            """)
            for table in tables
        }
    finally:
        connection.close()


# ------------------------------------------------------------------------------ shape


def test_every_contract_table_has_exactly_the_contract_columns(
    flawed: duckdb.DuckDBPyConnection,
) -> None:
    for table, columns in RAW_TABLES.items():
        found = rows(flawed, f"""
            select column_name, data_type from information_schema.columns
            where table_schema = 'raw' and table_name = '{table}' order by ordinal_position
        """)
        assert found == columns, table
        assert scalar(flawed, f"select count(*) from raw.{table}") > 0, table


def test_the_compression_named_for_columns_is_used_and_the_tables_sql_is_the_contracts(
    flawed: duckdb.DuckDBPyConnection,
) -> None:
    # the generator names DuckDB's own choice of compression for the big text columns (to spare
    # it trying every method); that leaves the tables' SQL as the contract's create statement
    table_sql = "select table_name, sql from duckdb_tables() where schema_name = 'raw'"
    with duckdb.connect() as contract:
        contract.execute("create schema raw")
        for table in RAW_TABLES:
            contract.execute(create_table_sql(table))
        assert sorted(rows(flawed, table_sql)) == sorted(rows(contract, table_sql))
    for table, named in COLUMN_COMPRESSION.items():
        for column, method in named.items():
            used = rows(flawed, f"""
                select distinct lower(compression) from pragma_storage_info('raw.{table}')
                where column_name = '{column}' and segment_type = 'VARCHAR'
            """)
            assert used == [(method,)], (table, column, used)


def test_the_flaw_ledger_exists(flawed: duckdb.DuckDBPyConnection) -> None:
    found = rows(flawed, f"""
        select column_name, data_type from information_schema.columns
        where table_schema = '{FLAW_LEDGER_SCHEMA}' and table_name = '{FLAW_LEDGER_TABLE}'
        order by ordinal_position
    """)
    assert found == FLAW_LEDGER_COLUMNS


def test_the_summary_reports_rows_and_speed(tmp_path: Path) -> None:
    result = generate(tmp_path / "summary.duckdb", "--persons", "100")
    assert "raw.events" in result.stdout
    assert "events/s" in result.stdout


# ------------------------------------------------------------------------------ reproducibility


def test_same_seed_gives_identical_data_and_another_seed_does_not(
    flawed_path: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.duckdb"
    generate(again, "--seed", "1", "--flaw-rate", "0.05")
    other = tmp_path / "other.duckdb"
    generate(other, "--seed", "2", "--flaw-rate", "0.05")
    first = digests(flawed_path)
    assert digests(again) == first
    other_digests = digests(other)
    for table in ("raw.events", "raw.identifies", "raw.email_events", "raw.crm_accounts"):
        assert other_digests[table] != first[table], table


# ------------------------------------------------------------------------------ time window


def test_nothing_is_received_or_recorded_after_the_end_date(
    flawed: duckdb.DuckDBPyConnection,
) -> None:
    for table, columns in RAW_TABLES.items():
        for column, sql_type in columns:
            # a running trial ends after the end date; every other instant is in the past
            if sql_type in ("TIMESTAMP", "DATE") and column != "trial_ends_at":
                latest = scalar(flawed, f"select max({column}) <= {END} from raw.{table}")
                assert latest in (True, None), f"{table}.{column}"


def test_clean_event_times_are_utc_iso_inside_the_window(
    clean: duckdb.DuckDBPyConnection,
) -> None:
    outside = scalar(clean, f"""
        select count(*) from raw.events
        where not regexp_matches(occurred_at, '{ISO_UTC}')
            or {UTC} < {WINDOW_START} or {UTC} > {END}
            or {UTC} > received_at
            or received_at > {UTC} + interval 1 hour
    """)
    assert outside == 0


def test_flawed_event_times_stay_in_the_window_except_skewed_clocks(
    flawed: duckdb.DuckDBPyConnection,
) -> None:
    outside = scalar(flawed, f"""
        select count(*) from raw.events
        where event_id not in (select record_id from {LEDGER} where flaw_type = 'future_clock')
            and ({UTC} < {WINDOW_START} or {UTC} > {END} or {UTC} > received_at)
    """)
    assert outside == 0


# ------------------------------------------------------------------------------ flaws


def test_every_flaw_type_is_injected_and_recorded(flawed: duckdb.DuckDBPyConnection) -> None:
    found = set(rows(flawed, f"select distinct source_table, flaw_type from {LEDGER}"))
    expected = {("events", flaw) for flaw in FLAW_TYPES}
    expected |= {("email_events", "redelivered"), ("email_events", "email_case_spaces")}
    assert found == expected


def test_each_row_has_at_most_one_flaw(flawed: duckdb.DuckDBPyConnection) -> None:
    assert scalar(flawed, f"""
        select count(*) from (
            select source_table, record_id from {LEDGER} group by all having count(*) > 1
        )
    """) == 0


PAYLOADS = {
    "events": ("event_id", "event_name, anonymous_id, user_id, account_id, occurred_at,"
                           " properties, context"),
    "email_events": ("email_event_id", "user_id, email, campaign_id, event_type, occurred_at"),
}


@pytest.mark.parametrize("table", sorted(PAYLOADS))
def test_redelivered_rows_appear_as_often_as_the_ledger_says(
    flawed: duckdb.DuckDBPyConnection, table: str
) -> None:
    key, payload = PAYLOADS[table]
    wrong = rows(flawed, f"""
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
    """)
    assert wrong == []
    unrecorded = scalar(flawed, f"""
        select count(*) from (select {key} from raw.{table} group by 1 having count(*) > 1)
        where {key} not in (
            select record_id from {LEDGER}
            where source_table = '{table}' and flaw_type = 'redelivered'
        )
    """)
    assert unrecorded == 0


def flawed_events(connection: duckdb.DuckDBPyConnection, flaw: str, condition: str) -> list:
    """Ledger rows of `flaw` on events whose (single) event row breaks `condition`."""
    return rows(connection, f"""
        select flaws.record_id, flaws.detail, events.event_name, events.occurred_at,
            events.received_at, events.properties
        from {LEDGER} as flaws
        left join raw.events as events on events.event_id = flaws.record_id
        where flaws.source_table = 'events' and flaws.flaw_type = '{flaw}'
            and not coalesce({condition}, false)
    """)


@pytest.mark.parametrize(("flaw", "condition"), [
    ("late", f"strftime({UTC}, '%Y-%m-%d %H:%M:%S') = flaws.detail"
             f" and events.received_at >= {UTC} + interval 1 day"
             f" and events.received_at <= {UTC} + interval 11 day"),
    ("timezone_offset", f"strftime({UTC}, '%Y-%m-%d %H:%M:%S') = flaws.detail"
                        " and regexp_matches(occurred_at, '[+-]\\d\\d:\\d\\d$')"),
    ("future_clock", f"strftime({UTC}, '%Y-%m-%d %H:%M:%S') = flaws.detail"
                     f" and {UTC} >= events.received_at + interval 3 hour"
                     f" and {UTC} <= events.received_at + interval 31 day"),
    ("name_variant", f"event_name != flaws.detail and flaws.detail in ({VOCABULARY})"
                     " and lower(regexp_replace(trim(event_name), '[ _-]+', ' ', 'g'))"
                     " = lower(flaws.detail)"),
    ("number_as_string", "json_type(properties, '$.' || flaws.detail) = 'VARCHAR'"
                         " and try_cast(json_extract_string(properties, '$.' || flaws.detail)"
                         " as double) is not null"),
    ("missing_identity", "events.anonymous_id is null and events.user_id is null"),
    ("malformed_json", "not json_valid(properties) and length(properties) > 1"),
    ("unknown_event_name", f"event_name = flaws.detail and event_name not in ({VOCABULARY})"),
    ("negative_revenue", "event_name = 'Order Completed'"
                         " and cast(json_extract_string(properties, '$.revenue') as double)"
                         " = cast(flaws.detail as double)"
                         " and cast(flaws.detail as double) < 0"),
])
def test_each_flaw_is_what_the_ledger_says(
    flawed: duckdb.DuckDBPyConnection, flaw: str, condition: str
) -> None:
    assert scalar(flawed, f"select count(*) from {LEDGER} where flaw_type = '{flaw}'") > 0
    assert flawed_events(flawed, flaw, condition) == []


def test_email_case_and_spaces_flaws(flawed: duckdb.DuckDBPyConnection) -> None:
    wrong = rows(flawed, f"""
        select flaws.record_id, flaws.detail, emails.email
        from {LEDGER} as flaws
        left join raw.email_events as emails on emails.email_event_id = flaws.record_id
        where flaws.flaw_type = 'email_case_spaces'
            and not coalesce(emails.email != flaws.detail
                             and lower(trim(emails.email)) = flaws.detail, false)
    """)
    assert wrong == []
    assert scalar(flawed, f"""
        select count(*) from raw.email_events
        where email != lower(trim(email)) and email_event_id not in (
            select record_id from {LEDGER} where flaw_type = 'email_case_spaces')
    """) == 0


def test_unflawed_rows_are_clean(flawed: duckdb.DuckDBPyConnection) -> None:
    dirty = scalar(flawed, f"""
        select count(*) from raw.events
        where event_id not in (select record_id from {LEDGER} where source_table = 'events')
            and (event_name not in ({VOCABULARY}) or not json_valid(properties)
                 or coalesce(anonymous_id, user_id) is null
                 or not regexp_matches(occurred_at, 'Z$'))
    """)
    assert dirty == 0


def test_no_flaws_at_rate_zero(clean: duckdb.DuckDBPyConnection) -> None:
    assert scalar(clean, f"select count(*) from {LEDGER}") == 0
    assert scalar(clean, "select count(*) = count(distinct event_id) from raw.events")
    assert scalar(clean, "select count(*) = count(distinct email_event_id) from raw.email_events")
    assert scalar(clean, f"""
        select count(*) from raw.events
        where event_name not in ({VOCABULARY}) or not json_valid(properties)
            or not json_valid(context) or coalesce(anonymous_id, user_id) is null
            or cast(json_extract_string(properties, '$.revenue') as double) < 0
            or json_type(properties, '$.price') = 'VARCHAR'
    """) == 0
    assert scalar(clean, "select count(*) from raw.email_events where email != lower(trim(email))"
                  ) == 0


# ------------------------------------------------------------------------------ business sense


def test_the_funnel_narrows(clean: duckdb.DuckDBPyConnection) -> None:
    counts = dict(rows(clean, "select event_name, count(*) from raw.events group by 1"))
    assert (
        counts["Product Viewed"] > counts["Product Added"] > counts["Checkout Started"]
        > counts["Order Completed"] > counts.get("Order Refunded", 0)
    )
    for name in EVENT_NAMES:  # ~30 orders at this scale: a refund is not certain
        assert counts.get(name, 0) > 0 or name == "Order Refunded", name


def test_order_revenue_is_the_sum_of_its_products(flawed: duckdb.DuckDBPyConnection) -> None:
    wrong = rows(flawed, """
        with orders as materialized (
            -- materialized: DuckDB may otherwise run the extraction before the json_valid filter
            select distinct event_id, properties
            from raw.events
            where event_name = 'Order Completed' and json_valid(properties)
        ),
        lines as (
            select
                event_id,
                cast(json_extract_string(properties, '$.revenue') as double) as revenue,
                unnest(from_json(json_extract(properties, '$.products'),
                                 '[{"price": "DOUBLE", "quantity": "INTEGER"}]')) as line
            from orders
        )
        select event_id, any_value(revenue), sum(line.price * line.quantity)
        from lines
        group by event_id
        having abs(any_value(revenue) - sum(line.price * line.quantity)) > 0.005
    """)
    assert wrong == []
    incomplete = []
    for (properties,) in rows(flawed, "select properties from raw.events"
                              " where event_name = 'Order Completed'"):
        try:
            order = json.loads(properties)
        except json.JSONDecodeError:
            continue  # a malformed_json flaw, checked elsewhere
        if order.get("order_id") is None or not order.get("products"):
            incomplete.append(properties)
    assert incomplete == []


def test_refunds_are_positive_and_refer_to_orders(clean: duckdb.DuckDBPyConnection) -> None:
    assert scalar(clean, """
        select count(*) from raw.events as refunds
        where event_name = 'Order Refunded' and (
            cast(json_extract_string(properties, '$.revenue') as double) <= 0
            or json_extract_string(properties, '$.order_id') not in (
                select json_extract_string(properties, '$.order_id') from raw.events
                where event_name = 'Order Completed'
            )
        )
    """) == 0


@pytest.fixture(scope="module", params=[0.0, 0.05], ids=["clean", "flawed"])
def shop(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Enough orders (~600) for every kind of refund, without and with flaws."""
    path = tmp_path_factory.mktemp("shop") / "audiences.duckdb"
    generate(path, "--persons", "4000", "--days", "180", "--seed", "3",
             "--flaw-rate", str(request.param))
    yield from connect(path)


def refunds_per_order(connection: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Per refunded order_id: the refund amounts and the order's revenue (None when no
    `Order Completed` carries that order_id). Parsed in Python: a truncated payload is
    skipped, not fatal."""
    events = rows(connection, f"""
        select distinct events.event_id, events.event_name, events.properties,
            flaws.flaw_type, flaws.detail
        from raw.events as events
        left join {LEDGER} as flaws
            on flaws.source_table = 'events' and flaws.record_id = events.event_id
    """)
    revenue: dict[str, float] = {}
    refunds: dict[str, list[float]] = {}
    for _, name, properties, flaw, detail in events:
        try:
            payload = json.loads(properties)
        except (TypeError, json.JSONDecodeError):
            continue  # a malformed_json flaw
        canonical = detail if flaw == "name_variant" else name
        if "products" in payload:  # only an Order Completed carries products
            # a negative_revenue flaw flips the sign of the order, not what was paid
            revenue[payload["order_id"]] = abs(float(payload["revenue"]))
        elif canonical == "Order Refunded":
            refunds.setdefault(payload["order_id"], []).append(float(payload["revenue"]))
    return {
        order_id: {"refunds": amounts, "revenue": revenue.get(order_id)}
        for order_id, amounts in refunds.items()
    }


def test_refunds_never_exceed_their_order_and_name_a_generated_order(
    shop: duckdb.DuckDBPyConnection,
) -> None:
    per_order = refunds_per_order(shop)
    over = {
        order_id: order for order_id, order in per_order.items()
        if order["revenue"] is not None
        and (sum(order["refunds"]) > order["revenue"] + 0.005 or min(order["refunds"]) <= 0)
    }
    assert over == {}
    # an order is only hidden from this check when its Order Completed row was truncated by a
    # malformed_json flaw; at flaw rate 0 every refund's order must be found
    orphans = sum(len(order["refunds"]) for order in per_order.values()
                  if order["revenue"] is None)
    hidden_orders = scalar(shop, f"""
        select count(distinct events.event_id)
        from {LEDGER} as flaws
        inner join raw.events as events on events.event_id = flaws.record_id
        where flaws.flaw_type = 'malformed_json' and events.event_name = 'Order Completed'
    """)
    assert orphans <= hidden_orders


def test_refunds_are_full_partial_and_split(shop: duckdb.DuckDBPyConnection) -> None:
    orders = [order for order in refunds_per_order(shop).values() if order["revenue"]]
    full = [o for o in orders if len(o["refunds"]) == 1
            and abs(o["refunds"][0] - o["revenue"]) < 0.005]
    partial = [o for o in orders if len(o["refunds"]) == 1
               and o["refunds"][0] < o["revenue"] - 0.005]
    split = [o for o in orders if len(o["refunds"]) == 2]
    assert full and partial and split, (len(full), len(partial), len(split))


def test_identity_stitching_material(clean: duckdb.DuckDBPyConnection) -> None:
    assert scalar(clean, """
        select count(*) from raw.events where user_id is null and anonymous_id is not null
    """) > 0
    assert scalar(clean, """
        select count(*) from raw.identifies where anonymous_id is not null and user_id is not null
            and json_extract_string(traits, '$.email') is not null
    """) > 0
    assert scalar(clean, """
        select count(*) from (
            select user_id from raw.identifies where anonymous_id is not null
            group by 1 having count(distinct anonymous_id) >= 2
        )
    """) > 0
    assert scalar(clean, """
        select count(*) from raw.identifies where not json_valid(traits)
            or json_type(traits, '$.marketing_opt_in') not in ('BOOLEAN', null)
    """) == 0


def test_b2b_tables_hang_together(clean: duckdb.DuckDBPyConnection) -> None:
    assert scalar(clean, """
        select count(*) from raw.crm_accounts where not regexp_matches(employee_count, '^\\d+$')
    """) == 0
    assert scalar(clean, """
        select count(*) from (select account_id from raw.crm_accounts group by 1
                              having count(*) >= 2)
    """) > 0
    assert scalar(clean, """
        select count(*) from raw.events where account_id is not null
            and account_id not in (select account_id from raw.crm_accounts)
    """) == 0
    statuses = {row[0] for row in rows(clean, "select distinct status from raw.subscriptions")}
    assert {"trialing", "active", "canceled"} <= statuses
    assert scalar(clean, "select count(*) from raw.nps_responses where account_id is null") > 0
    assert scalar(clean, "select count(*) from raw.nps_responses where score not between 0 and 10"
                  ) == 0
    kinds = rows(clean, "select distinct request_type from raw.privacy_requests order by 1")
    assert kinds == [("delete",), ("opt_out",)]


# ------------------------------------------------------------------------------ win-back campaign

# Enough persons for ~200 entrants of dormant_shoppers at the publishes whose 14-day window has
# ended (about 20 of them held out); the end date of the module, a full year of history.
WIN_BACK = ["--persons", "6000", "--days", "365", "--seed", "3"]
WEEKS = 3
LIFT_WINDOW_DAYS = 14


def entries_sql(weeks: int, holdout_of: str = "dormant_shoppers") -> str:
    """CTEs over raw.events: `orders` (user, time of every Order Completed: redeliveries once,
    any spelling of the name, skewed clocks left out) and `entries` (who entered
    dormant_shoppers at which weekly publish T_k = end - 7k days, k = weeks..0, with the
    spec's holdout of the audience `holdout_of`), recomputed the way the dbt project reads
    them."""
    return f"""
        with events as (
            select distinct event_id, event_name, user_id, occurred_at, received_at,
                properties
            from raw.events
        ),
        orders as (
            select
                user_id,
                {UTC} as ordered_at,
                regexp_extract(properties, '"order_id":"(ord_[0-9a-f]+)"', 1) as order_id
            from events
            where lower(regexp_replace(trim(event_name), '[ _-]+', ' ', 'g')) = 'order completed'
                and user_id is not null
                and {UTC} <= received_at + interval 1 hour
        ),
        publishes as (
            select k, {END} - to_days(cast(7 * k as integer)) as as_of
            from range(0, {weeks} + 1) as r(k)
        ),
        dormant as (
            select publishes.k, publishes.as_of, orders.user_id
            from publishes
            inner join orders on orders.ordered_at <= publishes.as_of
            group by all
            having max(orders.ordered_at) >= publishes.as_of - interval 90 day
                and max(orders.ordered_at) < publishes.as_of - interval 30 day
        ),
        entries as (
            select
                dormant.k,
                dormant.as_of,
                dormant.user_id,
                cast(('0x' || substr(md5('{holdout_of}:' || dormant.user_id), 1, 8))
                     as bigint) % 100 < 10 as is_holdout
            from dormant
            left join dormant as before
                on before.user_id = dormant.user_id and before.k = dormant.k + 1
            where before.user_id is null
        )
    """


def order_shares(path: Path, holdout_of: str = "dormant_shoppers") -> dict[bool, tuple[int, int]]:
    """Per holdout flag: (entrants, entrants with an order within the lift window after
    entering), over the publishes whose window has ended by the end of the data."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        found = rows(connection, entries_sql(WEEKS, holdout_of) + f"""
            select
                entries.is_holdout,
                count(*),
                count(*) filter (where exists (
                    select 1 from orders
                    where orders.user_id = entries.user_id
                        and orders.ordered_at > entries.as_of
                        and orders.ordered_at <= entries.as_of
                            + interval {LIFT_WINDOW_DAYS} day
                ))
            from entries
            where entries.as_of + interval {LIFT_WINDOW_DAYS} day <= {END}
            group by 1
        """)
    finally:
        connection.close()
    return {is_holdout: (members, buyers) for is_holdout, members, buyers in found}


@pytest.fixture(scope="module")
def win_back_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("win_back") / "audiences.duckdb"
    generate(path, *WIN_BACK, "--publish-weeks", str(WEEKS))
    return path


@pytest.fixture(scope="module")
def no_campaign_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("no_campaign") / "audiences.duckdb"
    generate(path, *WIN_BACK, "--publish-weeks", "0")
    return path


def test_the_win_back_campaign_lifts_orders_of_treated_dormant_shoppers(
    win_back_path: Path,
) -> None:
    shares = order_shares(win_back_path)
    (treated, treated_buyers), (held_out, held_out_buyers) = shares[False], shares[True]
    assert treated >= 100 and held_out >= 10, shares
    lift = treated_buyers / treated - held_out_buyers / held_out
    assert lift > 0.2, shares


def within_noise(shares: dict[bool, tuple[int, int]]) -> bool:
    """Treated and held out order alike: the difference of their order shares is within three
    standard errors (pooled, as a two-proportion z-test has it)."""
    (treated, treated_buyers), (held_out, held_out_buyers) = shares[False], shares[True]
    assert treated >= 100 and held_out >= 10, shares
    pooled = (treated_buyers + held_out_buyers) / (treated + held_out)
    error = (pooled * (1 - pooled) * (1 / treated + 1 / held_out)) ** 0.5
    difference = treated_buyers / treated - held_out_buyers / held_out
    return abs(difference) < max(3 * error, 0.05)


def test_without_publishes_treated_and_held_out_order_alike(no_campaign_path: Path) -> None:
    shares = order_shares(no_campaign_path)
    assert within_noise(shares), shares


@pytest.mark.parametrize("audience", ["new_customers", "window_shoppers", "cart_abandoners",
                                      "category_enthusiasts", "top_spenders", "product_sharers"])
def test_no_other_audience_holdout_sees_the_campaign(win_back_path: Path, audience: str) -> None:
    """The campaign follows dormant_shoppers' holdout only: split by another audience's
    holdout, the same entrants order alike."""
    shares = order_shares(win_back_path, holdout_of=audience)
    assert within_noise(shares), shares


def fingerprints(path: Path) -> dict[str, tuple]:
    """Rows and the sum of their hashes, per table: the same multiset of rows, the same
    fingerprint (fast enough for a few hundred thousand events)."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: connection.execute(f"select count(*), sum(hash(t)) from {table} as t")
            .fetchone()
            for table in [f"raw.{table}" for table in RAW_TABLES] + [LEDGER]
        }
    finally:
        connection.close()


def test_the_win_back_data_is_the_same_for_the_same_seed(
    win_back_path: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.duckdb"
    generate(again, *WIN_BACK, "--publish-weeks", str(WEEKS))
    assert fingerprints(again) == fingerprints(win_back_path)


@pytest.fixture(scope="module")
def campaign_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A clean data set with the campaign, and the one without it (attached as `none`)."""
    folder = tmp_path_factory.mktemp("campaign_pair")
    args = ["--persons", "2500", "--days", "200", "--seed", "4", "--flaw-rate", "0"]
    generate(folder / "with.duckdb", *args, "--publish-weeks", str(WEEKS))
    generate(folder / "none.duckdb", *args, "--publish-weeks", "0")
    connection = duckdb.connect(str(folder / "with.duckdb"), read_only=True)
    connection.execute(f"attach '{folder / 'none.duckdb'}' as none (read_only)")
    yield connection
    connection.close()


PAYLOAD = ("event_id, event_name, anonymous_id, user_id, account_id, occurred_at, properties,"
           " context")


def test_the_campaign_only_adds_events(campaign_pair: duckdb.DuckDBPyConnection) -> None:
    missing = scalar(campaign_pair, f"""
        select count(*) from (
            select {PAYLOAD} from none.raw.events except select {PAYLOAD} from raw.events
        )
    """)
    assert missing == 0
    added = rows(campaign_pair, f"""
        with added as (
            select {PAYLOAD} from raw.events except select {PAYLOAD} from none.raw.events
        )
        select event_name, count(*), count(user_id), count(account_id) from added group by 1
    """)
    by_name = {name: (events, users, accounts) for name, events, users, accounts in added}
    assert {"Product Viewed", "Product Added", "Checkout Started", "Order Completed"} <= set(
        by_name)
    # signed-in shop sessions only
    assert all(users == events and accounts == 0 for events, users, accounts in by_name.values())
    for table in ("identifies", "crm_accounts", "crm_contacts", "subscriptions",
                  "nps_responses", "privacy_requests"):
        assert scalar(campaign_pair, f"""
            select count(*) from (
                (select * from raw.{table} except all select * from none.raw.{table})
                union all
                (select * from none.raw.{table} except all select * from raw.{table})
            )
        """) == 0, table


def test_every_extra_order_answers_the_campaign(campaign_pair: duckdb.DuckDBPyConnection) -> None:
    added_orders = rows(campaign_pair, entries_sql(WEEKS) + """
        , added as (
            select * from orders
            where order_id not in (
                select regexp_extract(properties, '"order_id":"(ord_[0-9a-f]+)"', 1)
                from none.raw.events where event_name = 'Order Completed'
            )
        )
        select added.*,
            exists (
                select 1 from entries
                where entries.user_id = added.user_id and entries.k >= 1
                    and not entries.is_holdout
                    and added.ordered_at > entries.as_of + interval 1 hour
                    and added.ordered_at < entries.as_of + interval 13 day
            ) as after_entry,
            exists (
                select 1 from raw.events
                where event_name = 'Checkout Started' and user_id = added.user_id
                    and json_extract_string(properties, '$.order_id') = added.order_id
            ) as checked_out
        from added
    """)
    assert len(added_orders) >= 20  # ~0.35 of the treated entrants
    # each by a treated entrant, in (T_k + 1 hour, T_k + 13 days), after a checkout
    assert [row for row in added_orders if not (row[3] and row[4])] == []
    # nobody held out gets one
    held_out_buyers = scalar(campaign_pair, entries_sql(WEEKS) + """
        select count(*) from entries
        where is_holdout and user_id in (
            select user_id from orders
            where order_id not in (
                select regexp_extract(properties, '"order_id":"(ord_[0-9a-f]+)"', 1)
                from none.raw.events where event_name = 'Order Completed'
            )
        )
    """)
    assert held_out_buyers == 0


def test_publish_weeks_must_not_be_negative(tmp_path: Path) -> None:
    env = dict(os.environ, AUDIENCES_DUCKDB_PATH=str(tmp_path / "audiences.duckdb"))
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *SMALL, "--publish-weeks", "-1"],
        cwd=REPO_ROOT, env=env, check=False, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert "--publish-weeks >= 0" in result.stderr
