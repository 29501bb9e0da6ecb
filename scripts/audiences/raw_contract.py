"""The raw input contract (../shared/spec/raw-contract.md) as data.

Every script that writes the `raw` schema (the generator, the loader) takes table and column
names from here, so that the contract is written down once.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

RAW_SCHEMA = "raw"

# Column order is free in the contract; this order is the one our writers use.
RAW_TABLES: dict[str, list[tuple[str, str]]] = {
    "events": [
        ("event_id", "VARCHAR"),
        ("event_name", "VARCHAR"),
        ("anonymous_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("occurred_at", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("properties", "VARCHAR"),
        ("context", "VARCHAR"),
    ],
    "identifies": [
        ("anonymous_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("occurred_at", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
        ("traits", "VARCHAR"),
    ],
    "email_events": [
        ("email_event_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("email", "VARCHAR"),
        ("campaign_id", "VARCHAR"),
        ("event_type", "VARCHAR"),
        ("occurred_at", "VARCHAR"),
        ("received_at", "TIMESTAMP"),
    ],
    "crm_accounts": [
        ("account_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("domain", "VARCHAR"),
        ("industry", "VARCHAR"),
        ("employee_count", "VARCHAR"),
        ("country", "VARCHAR"),
        ("plan", "VARCHAR"),
        ("seat_limit", "INTEGER"),
        ("monthly_usage_limit", "BIGINT"),
        ("mrr", "DOUBLE"),
        ("created_at", "TIMESTAMP"),
        ("customer_since", "TIMESTAMP"),
        ("churned_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ],
    "crm_contacts": [
        ("contact_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("email", "VARCHAR"),
        ("job_title", "VARCHAR"),
        ("lead_status", "VARCHAR"),
        ("lead_score", "INTEGER"),
        ("created_at", "TIMESTAMP"),
        ("updated_at", "TIMESTAMP"),
    ],
    "subscriptions": [
        ("subscription_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("plan", "VARCHAR"),
        ("status", "VARCHAR"),
        ("started_at", "TIMESTAMP"),
        ("trial_ends_at", "TIMESTAMP"),
        ("ended_at", "TIMESTAMP"),
        ("mrr", "DOUBLE"),
    ],
    "product_usage_daily": [
        ("account_id", "VARCHAR"),
        ("usage_date", "DATE"),
        ("usage_units", "DOUBLE"),
    ],
    "support_tickets": [
        ("ticket_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("opened_at", "TIMESTAMP"),
        ("closed_at", "TIMESTAMP"),
        ("priority", "VARCHAR"),
        ("status", "VARCHAR"),
        ("csat_score", "INTEGER"),
    ],
    "nps_responses": [
        ("response_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("account_id", "VARCHAR"),
        ("score", "INTEGER"),
        ("comment", "VARCHAR"),
        ("responded_at", "TIMESTAMP"),
    ],
    "privacy_requests": [
        ("request_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("email", "VARCHAR"),
        ("request_type", "VARCHAR"),
        ("requested_at", "TIMESTAMP"),
    ],
}

# The generator's record of every flaw it injected, so tests can prove each one is fixed in
# staging or quarantined. Kept outside `raw` because it is not part of the contract.
FLAW_LEDGER_SCHEMA = "generator_audit"
FLAW_LEDGER_TABLE = "injected_flaws"
FLAW_LEDGER_COLUMNS: list[tuple[str, str]] = [
    ("source_table", "VARCHAR"),
    ("record_id", "VARCHAR"),
    ("flaw_type", "VARCHAR"),
    ("detail", "VARCHAR"),
]


# DuckDB names a database after its file, so in a file called raw.duckdb `raw.events` could be
# the catalog `raw` or the schema `raw`, and DuckDB refuses the query as ambiguous.
SCHEMA_NAMES = (RAW_SCHEMA, FLAW_LEDGER_SCHEMA, "staging", "intermediate", "marts", "reference")


def database_file_problem(path: Path) -> str | None:
    """Why the scripts cannot use this DuckDB file, or None."""
    if path.stem.lower() in SCHEMA_NAMES:
        return (
            f"{path.name} cannot hold the warehouse: DuckDB names the database after the file, "
            f"and a database called {path.stem!r} clashes with the schema of that name; "
            "choose another file name, e.g. audiences.duckdb"
        )
    return None


def column_names(table: str) -> list[str]:
    return [name for name, _ in RAW_TABLES[table]]


def create_table_sql(table: str, schema: str = RAW_SCHEMA) -> str:
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type in RAW_TABLES[table])
    return f"create or replace table {schema}.{table} ({columns})"


# The event models that are incremental by day of receipt (dbt tag `received_days`: the event
# staging and its hourly rollup, macros/received_days.sql): an incremental run keeps the days
# it does not re-stage, so once raw is replaced rather than appended to, their rows stand for
# rows that may be gone.
INCREMENTAL_STAGING_TABLES = (
    "base_raw__events",
    "base_raw__email_events",
    "stg_raw__order_items",
    "int_identity_hours_aggregated",
)


def drop_incremental_staging(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop the incremental staging tables built from an earlier raw, so that the next
    `dbt build` stages the new raw whole; returns what was dropped (schema.table)."""
    placeholders = ", ".join("?" for _ in INCREMENTAL_STAGING_TABLES)
    built = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        f"where database_name = current_database() and table_name in ({placeholders}) "
        "order by all",
        list(INCREMENTAL_STAGING_TABLES),
    ).fetchall()
    for schema, table in built:
        con.execute(f'drop table "{schema}"."{table}"')
    return [f"{schema}.{table}" for schema, table in built]
