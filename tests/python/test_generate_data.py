"""scripts/generate_data.py: the raw contract's tables, reproducibility, the time window, its
errors, and the business invariants of the generated data, at a small scale. The flaws are
tested in test_generate_flaws.py, the win-back campaign in test_generate_campaign.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from audiences.generate import COLUMN_COMPRESSION, EVENT_NAMES
from audiences.raw_contract import (
    FLAW_LEDGER_COLUMNS,
    FLAW_LEDGER_SCHEMA,
    FLAW_LEDGER_TABLE,
    RAW_TABLES,
    create_table_sql,
)
from generate_helpers import (
    END,
    ISO_UTC,
    LEDGER,
    REPO_ROOT,
    UTC,
    WINDOW_START,
    clean_data,
    connect,
    flawed_data,
    generate,
    rows,
    scalar,
)


def test_database_file_named_like_a_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "raw.duckdb"
    result = generate(path, check=False)

    assert result.returncode == 1
    assert "raw.duckdb cannot hold the warehouse" in result.stderr
    assert not path.exists()


def test_a_relative_path_is_taken_from_the_current_directory(tmp_path: Path) -> None:
    generate("here/audiences.duckdb", "--persons", "20", "--days", "7", cwd=tmp_path)

    assert (tmp_path / "here" / "audiences.duckdb").exists()
    assert not (REPO_ROOT / "here").exists()


def test_an_unusable_database_path_gets_one_line_not_a_traceback(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    result = generate(not_a_folder / "audiences.duckdb", check=False)

    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_publish_weeks_must_not_be_negative(tmp_path: Path) -> None:
    result = generate(tmp_path / "audiences.duckdb", "--publish-weeks", "-1", check=False)
    assert result.returncode == 2
    assert "--publish-weeks >= 0" in result.stderr


@pytest.fixture(scope="module")
def flawed_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return flawed_data(tmp_path_factory)


@pytest.fixture(scope="module")
def flawed(flawed_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from connect(flawed_path)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    yield from connect(clean_data(tmp_path_factory))


def digests(path: Path) -> dict[str, str]:
    """An md5 over every table's rows in a canonical order."""
    connection = duckdb.connect(str(path), read_only=True)
    tables = [f"raw.{table}" for table in RAW_TABLES] + [LEDGER]
    try:
        return {
            table: scalar(
                connection,
                f"""
                select md5(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar)))
                from {table} as t
            """,
            )
            for table in tables
        }
    finally:
        connection.close()


# ------------------------------------------------------------------------------ shape


def test_every_contract_table_has_exactly_the_contract_columns(
    flawed: duckdb.DuckDBPyConnection,
) -> None:
    for table, columns in RAW_TABLES.items():
        found = rows(
            flawed,
            f"""
            select column_name, data_type from information_schema.columns
            where table_schema = 'raw' and table_name = '{table}' order by ordinal_position
        """,
        )
        assert found == columns, table
        assert scalar(flawed, f"select count(*) from raw.{table}") > 0, table


def test_the_compression_named_for_columns_is_used_and_the_tables_sql_is_the_contracts(
    flawed: duckdb.DuckDBPyConnection,
) -> None:
    # the generator names DuckDB's own choice of compression for the big text columns (to spare
    # it trying every method); that leaves the tables' SQL as the contract's create statement
    # (the loader's batch registry, raw._load_*, which the generator fills too, is not contract)
    table_sql = (
        "select table_name, sql from duckdb_tables()"
        " where schema_name = 'raw' and not starts_with(table_name, '_load_')"
    )
    with duckdb.connect() as contract:
        contract.execute("create schema raw")
        for table in RAW_TABLES:
            contract.execute(create_table_sql(table))
        assert sorted(rows(flawed, table_sql)) == sorted(rows(contract, table_sql))
    for table, named in COLUMN_COMPRESSION.items():
        for column, method in named.items():
            used = rows(
                flawed,
                f"""
                select distinct lower(compression) from pragma_storage_info('raw.{table}')
                where column_name = '{column}' and segment_type = 'VARCHAR'
            """,
            )
            assert used == [(method,)], (table, column, used)


def test_the_flaw_ledger_exists(flawed: duckdb.DuckDBPyConnection) -> None:
    found = rows(
        flawed,
        f"""
        select column_name, data_type from information_schema.columns
        where table_schema = '{FLAW_LEDGER_SCHEMA}' and table_name = '{FLAW_LEDGER_TABLE}'
        order by ordinal_position
    """,
    )
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
    outside = scalar(
        clean,
        f"""
        select count(*) from raw.events
        where not regexp_matches(occurred_at, '{ISO_UTC}')
            or {UTC} < {WINDOW_START} or {UTC} > {END}
            or {UTC} > received_at
            or received_at > {UTC} + interval 1 hour
    """,
    )
    assert outside == 0


def test_flawed_event_times_stay_in_the_window_except_skewed_clocks(
    flawed: duckdb.DuckDBPyConnection,
) -> None:
    outside = scalar(
        flawed,
        f"""
        select count(*) from raw.events
        where event_id not in (select record_id from {LEDGER} where flaw_type = 'future_clock')
            and ({UTC} < {WINDOW_START} or {UTC} > {END} or {UTC} > received_at)
    """,
    )
    assert outside == 0


# ------------------------------------------------------------------------------ business sense


def test_the_funnel_narrows(clean: duckdb.DuckDBPyConnection) -> None:
    counts = dict(rows(clean, "select event_name, count(*) from raw.events group by 1"))
    assert (
        counts["Product Viewed"]
        > counts["Product Added"]
        > counts["Checkout Started"]
        > counts["Order Completed"]
        > counts.get("Order Refunded", 0)
    )
    for name in EVENT_NAMES:  # ~30 orders at this scale: a refund is not certain
        assert counts.get(name, 0) > 0 or name == "Order Refunded", name


def test_order_revenue_is_the_sum_of_its_products(flawed: duckdb.DuckDBPyConnection) -> None:
    wrong = rows(
        flawed,
        """
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
    """,
    )
    assert wrong == []
    incomplete = []
    for (properties,) in rows(
        flawed, "select properties from raw.events where event_name = 'Order Completed'"
    ):
        try:
            order = json.loads(properties)
        except json.JSONDecodeError:
            continue  # a malformed_json flaw, checked elsewhere
        if order.get("order_id") is None or not order.get("products"):
            incomplete.append(properties)
    assert incomplete == []


def test_refunds_are_positive_and_refer_to_orders(clean: duckdb.DuckDBPyConnection) -> None:
    bad_refunds = """
        select count(*) from raw.events as refunds
        where event_name = 'Order Refunded' and (
            cast(json_extract_string(properties, '$.revenue') as double) <= 0
            or json_extract_string(properties, '$.order_id') not in (
                select json_extract_string(properties, '$.order_id') from raw.events
                where event_name = 'Order Completed'
            )
        )
    """
    assert scalar(clean, bad_refunds) == 0


@pytest.fixture(scope="module", params=[0.0, 0.05], ids=["clean", "flawed"])
def shop(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Enough orders (~600) for every kind of refund, without and with flaws."""
    path = tmp_path_factory.mktemp("shop") / "audiences.duckdb"
    generate(
        path, "--persons", "4000", "--days", "180", "--seed", "3", "--flaw-rate", str(request.param)
    )
    yield from connect(path)


def refunds_per_order(connection: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Per refunded order_id: the refund amounts and the order's revenue (None when no
    `Order Completed` carries that order_id). Parsed in Python: a truncated payload is
    skipped, not fatal."""
    events = rows(
        connection,
        f"""
        select distinct events.event_id, events.event_name, events.properties,
            flaws.flaw_type, flaws.detail
        from raw.events as events
        left join {LEDGER} as flaws
            on flaws.source_table = 'events' and flaws.record_id = events.event_id
    """,
    )
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
        order_id: order
        for order_id, order in per_order.items()
        if order["revenue"] is not None
        and (sum(order["refunds"]) > order["revenue"] + 0.005 or min(order["refunds"]) <= 0)
    }
    assert over == {}
    # an order is only hidden from this check when its Order Completed row was truncated by a
    # malformed_json flaw; at flaw rate 0 every refund's order must be found
    orphans = sum(len(order["refunds"]) for order in per_order.values() if order["revenue"] is None)
    hidden_orders = scalar(
        shop,
        f"""
        select count(distinct events.event_id)
        from {LEDGER} as flaws
        inner join raw.events as events on events.event_id = flaws.record_id
        where flaws.flaw_type = 'malformed_json' and events.event_name = 'Order Completed'
    """,
    )
    assert orphans <= hidden_orders


def test_refunds_are_full_partial_and_split(shop: duckdb.DuckDBPyConnection) -> None:
    orders = [order for order in refunds_per_order(shop).values() if order["revenue"]]
    full = [
        o for o in orders if len(o["refunds"]) == 1 and abs(o["refunds"][0] - o["revenue"]) < 0.005
    ]
    partial = [
        o for o in orders if len(o["refunds"]) == 1 and o["refunds"][0] < o["revenue"] - 0.005
    ]
    split = [o for o in orders if len(o["refunds"]) == 2]
    assert full and partial and split, (len(full), len(partial), len(split))


def test_identity_stitching_material(clean: duckdb.DuckDBPyConnection) -> None:
    anonymous_events = """
        select count(*) from raw.events where user_id is null and anonymous_id is not null
    """
    assert scalar(clean, anonymous_events) > 0
    identified_devices = """
        select count(*) from raw.identifies where anonymous_id is not null and user_id is not null
            and json_extract_string(traits, '$.email') is not null
    """
    assert scalar(clean, identified_devices) > 0
    users_with_two_devices = """
        select count(*) from (
            select user_id from raw.identifies where anonymous_id is not null
            group by 1 having count(distinct anonymous_id) >= 2
        )
    """
    assert scalar(clean, users_with_two_devices) > 0
    bad_traits = """
        select count(*) from raw.identifies where not json_valid(traits)
            or json_type(traits, '$.marketing_opt_in') not in ('BOOLEAN', null)
    """
    assert scalar(clean, bad_traits) == 0


def test_b2b_tables_hang_together(clean: duckdb.DuckDBPyConnection) -> None:
    bad_employee_counts = """
        select count(*) from raw.crm_accounts where not regexp_matches(employee_count, '^\\d+$')
    """
    assert scalar(clean, bad_employee_counts) == 0
    accounts_with_history = """
        select count(*) from (select account_id from raw.crm_accounts group by 1
                              having count(*) >= 2)
    """
    assert scalar(clean, accounts_with_history) > 0
    unknown_accounts = """
        select count(*) from raw.events where account_id is not null
            and account_id not in (select account_id from raw.crm_accounts)
    """
    assert scalar(clean, unknown_accounts) == 0
    statuses = {row[0] for row in rows(clean, "select distinct status from raw.subscriptions")}
    assert {"trialing", "active", "canceled"} <= statuses
    assert scalar(clean, "select count(*) from raw.nps_responses where account_id is null") > 0
    assert (
        scalar(clean, "select count(*) from raw.nps_responses where score not between 0 and 10")
        == 0
    )
    kinds = rows(clean, "select distinct request_type from raw.privacy_requests order by 1")
    assert kinds == [("delete",), ("opt_out",)]
