"""Writing a checked batch to schema raw in one transaction, and the registry of batches
(raw._load_batches, raw._load_batch_tables) that makes a second load of one batch a no-op."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from audiences.load.problems import check_values, read_error_message
from audiences.load.sources import (
    BATCH_COLUMN,
    BATCH_TABLES_TABLE,
    BATCHES_TABLE,
    FILE_COLUMN,
    ROW_COLUMN,
    STAGE_TABLE,
    Batch,
    LoadError,
    LoadResult,
    Plan,
    Source,
    TableResult,
    display,
    sql_ident,
    sql_string,
)
from audiences.raw_contract import (
    RAW_SCHEMA,
    RAW_TABLES,
    column_names,
    create_table_sql,
    drop_incremental_staging,
)


def file_sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(sources: Mapping[str, Source], data_dir: Path) -> str:
    """SHA-256 over the sorted (path relative to DIR, SHA-256 of the file) of a batch's files."""
    entries = sorted(
        (display(file, data_dir), file_sha256(file))
        for source in sources.values()
        for file in source.files
    )
    digest = hashlib.sha256()
    for path, file_hash in entries:
        digest.update(f"{path}\t{file_hash}\n".encode())
    return digest.hexdigest()


def new_batch(data_dir: Path, sources: Mapping[str, Source], mode: str) -> Batch:
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    digest = fingerprint(sources, data_dir)
    stamp = loaded_at.strftime("%Y%m%dT%H%M%S") + f"{loaded_at.microsecond // 1000:03d}Z"
    return Batch(f"{stamp}-{digest[:12]}", digest, loaded_at, mode, data_dir)


def create_registry(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"create table if not exists {BATCHES_TABLE} (batch_id varchar, source_path varchar, "
        "fingerprint varchar, loaded_at timestamp, mode varchar)"
    )
    con.execute(
        f"create table if not exists {BATCH_TABLES_TABLE} "
        "(batch_id varchar, table_name varchar, rows bigint)"
    )


def loaded_batch_id(con: duckdb.DuckDBPyConnection, batch_fingerprint: str) -> str | None:
    """The batch that already loaded these files, unless a later --replace-all removed it."""
    row = con.execute(
        f"select batch_id from {BATCHES_TABLE} where fingerprint = ? and loaded_at >= coalesce("
        f"(select max(loaded_at) from {BATCHES_TABLE} where mode = 'replace'), "
        "'-infinity'::timestamp) order by loaded_at desc limit 1",
        [batch_fingerprint],
    ).fetchone()
    return str(row[0]) if row else None


def record_batch(
    con: duckdb.DuckDBPyConnection, batch: Batch, tables: Mapping[str, TableResult]
) -> None:
    con.execute(
        f"insert into {BATCHES_TABLE} values (?, ?, ?, ?, ?)",
        [batch.batch_id, str(batch.source_path), batch.fingerprint, batch.loaded_at, batch.mode],
    )
    for table, result in tables.items():
        if result.rows_written is not None:
            con.execute(
                f"insert into {BATCH_TABLES_TABLE} values (?, ?, ?)",
                [batch.batch_id, table, result.rows_written],
            )


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> int:
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row else 0


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        scalar(
            con,
            "select count(*) from duckdb_tables() where database_name = current_database() "
            "and schema_name = ? and table_name = ?",
            [RAW_SCHEMA, table],
        )
    )


def create_empty(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(create_table_sql(table))
    con.execute(f"alter table {RAW_SCHEMA}.{table} add column {BATCH_COLUMN} varchar")


def stage_rows(con: duckdb.DuckDBPyConnection, plan: Plan, data_dir: Path) -> None:
    """Read a source into the temporary stage table (contract columns, then the file)."""
    if plan.select_sql is None:
        columns = ", ".join(
            f"{name} {sql_type}" for name, sql_type in RAW_TABLES[plan.source.table]
        )
        con.execute(
            f"create or replace temp table {STAGE_TABLE} "
            f"({columns}, {FILE_COLUMN} varchar, {ROW_COLUMN} bigint)"
        )
        return
    try:
        con.execute(f"create or replace temp table {STAGE_TABLE} as {plan.select_sql}")
    except duckdb.Error as exc:
        raise LoadError(read_error_message(exc, plan.source, data_dir)) from exc


def empty_file_notes(con: duckdb.DuckDBPyConnection, plan: Plan, data_dir: Path) -> list[str]:
    with_rows = {
        row[0]
        for row in con.execute(f"select distinct {FILE_COLUMN} from {STAGE_TABLE}").fetchall()
    }
    return [
        f"note: {plan.source.table}: {display(file, data_dir)} holds no data rows: "
        "0 rows loaded from it"
        for file in plan.source.files
        if str(file.resolve()) not in with_rows
    ]


def widen_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Turn a column into VARCHAR where the batch delivers another type; say so if it had rows."""
    target = f"{RAW_SCHEMA}.{table}"
    have = {row[0]: row[1] for row in con.execute(f"describe {target}").fetchall()}
    new = {row[0]: row[1] for row in con.execute(f"describe {STAGE_TABLE}").fetchall()}
    rows = scalar(con, f"select count(*) from {target}")
    notes = []
    for column in column_names(table):
        old = have.get(column)
        if old is None or old == new[column] or old == "VARCHAR":
            continue
        con.execute(f"alter table {target} alter column {sql_ident(column)} type varchar")
        if rows:
            notes.append(
                f"note: raw.{table}.{column} was {old} and this batch delivers {new[column]}: "
                "the column now holds text (old values as their text; staging parses both)"
            )
    return notes


def write_stage(con: duckdb.DuckDBPyConnection, table: str, batch: Batch, notes: list[str]) -> None:
    """Append the stage to raw.<table> (creating it), or replace the table by it."""
    target = f"{RAW_SCHEMA}.{table}"
    select = (
        f"select {', '.join(column_names(table))}, {sql_string(batch.batch_id)} as {BATCH_COLUMN} "
        f"from {STAGE_TABLE}"
    )
    if batch.mode == "replace" or not table_exists(con, table):
        con.execute(f"create or replace table {target} as {select}")
        return
    con.execute(f"alter table {target} add column if not exists {BATCH_COLUMN} varchar")
    notes.extend(widen_columns(con, table))
    con.execute(f"insert into {target} by name {select}")


def load_source(
    con: duckdb.DuckDBPyConnection, plan: Plan, batch: Batch, data_dir: Path, notes: list[str]
) -> TableResult:
    """Read, check and write one provided table."""
    table = plan.source.table
    stage_rows(con, plan, data_dir)
    check_values(con, plan, data_dir)
    notes.extend(empty_file_notes(con, plan, data_dir))
    written = scalar(con, f"select count(*) from {STAGE_TABLE}")
    write_stage(con, table, batch, notes)
    con.execute(f"drop table {STAGE_TABLE}")
    origin = display(plan.source.path, data_dir) + ("/" if plan.source.path.is_dir() else "")
    return TableResult(origin, written, scalar(con, f"select count(*) from {RAW_SCHEMA}.{table}"))


def keep_or_empty(con: duckdb.DuckDBPyConnection, table: str, batch: Batch) -> TableResult:
    """A table the batch does not hold: emptied (--replace-all), created empty, or kept."""
    if batch.mode == "replace":
        create_empty(con, table)
        return TableResult("(not provided: emptied)", 0, 0)
    if not table_exists(con, table):
        create_empty(con, table)
        return TableResult("(not provided: created empty)", 0, 0)
    rows = scalar(con, f"select count(*) from {RAW_SCHEMA}.{table}")
    return TableResult("(not in this batch: kept)", None, rows)


def load_batch(
    con: duckdb.DuckDBPyConnection, plans: Mapping[str, Plan], batch: Batch, data_dir: Path
) -> LoadResult:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    create_registry(con)
    if batch.mode == "append":
        earlier = loaded_batch_id(con, batch.fingerprint)
        if earlier:
            return LoadResult(earlier, {}, [])
    notes: list[str] = []
    if batch.mode == "replace":
        dropped = drop_incremental_staging(con)
        if dropped:
            notes.append(
                f"note: dropped {', '.join(dropped)}: built from the raw rows just replaced, "
                "they are staged whole by the next dbt build"
            )
    tables = {
        table: load_source(con, plans[table], batch, data_dir, notes)
        if table in plans
        else keep_or_empty(con, table, batch)
        for table in RAW_TABLES
    }
    record_batch(con, batch, tables)
    return LoadResult(None, tables, notes)


def load_all(db_path: Path, plans: Mapping[str, Plan], batch: Batch, data_dir: Path) -> LoadResult:
    """Write the batch in one transaction; on any error (or a skip) nothing is changed."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        try:
            result = load_batch(con, plans, batch, data_dir)
            con.execute("rollback" if result.skipped_as else "commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()
    return result


def remove_new_database(db_path: Path) -> None:
    """Undo the file a refused first load created (its transaction was rolled back)."""
    for path in (db_path, Path(f"{db_path}.wal")):
        path.unlink(missing_ok=True)
