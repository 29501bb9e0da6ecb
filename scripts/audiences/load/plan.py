"""Checking a batch before the database is opened: every file's columns against the contract,
and the query that reads each table's files in contract column order."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import duckdb

from audiences.load.problems import read_error_message
from audiences.load.sources import (
    FILE_COLUMN,
    MAX_LINE_BYTES,
    NESTED_TYPE_PREFIXES,
    ROW_COLUMN,
    Discovery,
    Layout,
    LoadError,
    Plan,
    Source,
    csv_layout,
    display,
    file_list,
    normalize,
    sql_ident,
    sql_string,
)
from audiences.raw_contract import (
    RAW_TABLES,
    column_names,
)


def reader_sql(fmt: str, files: Sequence[Path], layout: Layout) -> str:
    """A DuckDB table function reading `files` that share one layout."""
    paths = file_list(files)
    if fmt == "parquet":
        return f"read_parquet({paths}, union_by_name = true, hive_partitioning = false)"
    if fmt == "json":
        columns = ", ".join(f"{sql_string(name)}: 'VARCHAR'" for name in sorted(layout.columns))
        return (
            f"read_json({paths}, format = 'auto', columns = {{{columns}}}, "
            f"maximum_object_size = {MAX_LINE_BYTES}, hive_partitioning = false)"
        )
    # No sniffing: the header is read in Python, so a bad line is reported as itself (line,
    # reason) instead of as a dialect DuckDB could not guess.
    columns = ", ".join(f"{sql_string(normalize(name))}: 'VARCHAR'" for name in layout.columns)
    return (
        f"read_csv({paths}, auto_detect = false, header = true, skip = {layout.skip}, "
        f"delim = {sql_string(layout.delimiter)}, quote = '\"', escape = '\"', "
        f"columns = {{{columns}}}, max_line_size = {MAX_LINE_BYTES}, hive_partitioning = false)"
    )


def json_keys(con: duckdb.DuckDBPyConnection, file: Path) -> list[str]:
    """Every key of every record of a JSON Lines file (none for an empty file)."""
    objects = (
        f"read_json_objects({file_list([file])}, format = 'auto', "
        f"maximum_object_size = {MAX_LINE_BYTES})"
    )
    non_objects = con.execute(
        f"select count(*) from {objects} where json_type(json) <> 'OBJECT'"
    ).fetchone()
    if non_objects and non_objects[0]:
        raise LoadError(f"{non_objects[0]} record(s) are not JSON objects")
    rows = con.execute(
        f"select distinct unnest(json_keys(json)) as key from {objects} order by key"
    ).fetchall()
    return [row[0] for row in rows]


def file_layout(con: duckdb.DuckDBPyConnection, fmt: str, file: Path) -> Layout | None:
    """The columns one file delivers; None when it holds no rows to check or load."""
    if fmt == "csv":
        return csv_layout(file)
    if fmt == "json":
        keys = json_keys(con, file)
        return Layout(tuple(keys)) if keys else None
    described = con.execute(f"describe select * from {reader_sql(fmt, [file], Layout(()))}")
    return Layout(tuple(row[0] for row in described.fetchall()))


def match_columns(table: str, shown: str, actual: Sequence[str]) -> dict[str, str]:
    """Map each contract column to the file's own spelling of it, or refuse the file."""
    expected = column_names(table)
    by_name: dict[str, list[str]] = defaultdict(list)
    for name in actual:
        by_name[normalize(name)].append(name)
    duplicates = sorted(k for k, names in by_name.items() if len(names) > 1)
    missing = [name for name in expected if name not in by_name]
    unexpected = sorted(name for name in by_name if name not in expected)
    if missing or unexpected or duplicates:
        problems = []
        if missing:
            problems.append(f"missing columns: {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected columns: {', '.join(unexpected)}")
        if duplicates:
            problems.append(f"columns given twice: {', '.join(duplicates)}")
        raise LoadError(
            f"{table}: {shown} does not match the contract ({'; '.join(problems)}); "
            f"raw.{table} needs exactly: {', '.join(expected)}"
        )
    return {normalize(name): name for name in actual}


def column_expr(actual: str, sql_type: str, target: str) -> str:
    """Select one column under its contract name; nested values become JSON text."""
    if sql_type.startswith(NESTED_TYPE_PREFIXES) or sql_type.endswith("]"):
        return f"cast(to_json({sql_ident(actual)}) as varchar) as {target}"
    if sql_type == "JSON":
        return f"cast({sql_ident(actual)} as varchar) as {target}"
    return f"{sql_ident(actual)} as {target}"


def group_select(
    con: duckdb.DuckDBPyConnection, source: Source, files: Sequence[Path], layout: Layout
) -> str:
    """The query reading files of one layout: contract columns in order, then the file."""
    reader = reader_sql(source.fmt, files, layout)
    extra = f"filename as {FILE_COLUMN}"
    if source.fmt == "parquet":
        extra += f", file_row_number as {ROW_COLUMN}"
    if source.fmt == "csv":  # the reader already names the columns as the contract does
        return f"select {', '.join(column_names(source.table))}, {extra} from {reader}"
    spelling = {normalize(name): name for name in layout.columns}
    types = {row[0]: row[1] for row in con.execute(f"describe select * from {reader}").fetchall()}
    exprs = ", ".join(
        column_expr(spelling[name], types[spelling[name]], name)
        for name in column_names(source.table)
    )
    return f"select {exprs}, {extra} from {reader}"


def checked_layout(
    con: duckdb.DuckDBPyConnection, source: Source, file: Path, data_dir: Path
) -> Layout | None:
    shown = display(file, data_dir)
    try:
        layout = file_layout(con, source.fmt, file)
    except LoadError as exc:
        raise LoadError(f"{source.table}: {shown}: {exc}") from exc
    except (duckdb.Error, OSError, EOFError, csv.Error) as exc:
        raise LoadError(read_error_message(exc, source, data_dir, file)) from exc
    if layout is not None:
        match_columns(source.table, shown, layout.columns)
    return layout


def plan_source(con: duckdb.DuckDBPyConnection, source: Source, data_dir: Path) -> Plan:
    """Check every file of a source and build the query that loads it."""
    groups: dict[tuple[object, ...], list[Path]] = defaultdict(list)
    layouts: dict[tuple[object, ...], Layout] = {}
    for file in source.files:
        layout = checked_layout(con, source, file, data_dir)
        if layout is not None:  # None: no header, no record: nothing to check or load
            groups[layout.key()].append(file)
            layouts[layout.key()] = layout
    if not groups:
        return Plan(source, None)
    try:
        selects = [group_select(con, source, files, layouts[k]) for k, files in groups.items()]
    except duckdb.Error as exc:
        raise LoadError(read_error_message(exc, source, data_dir)) from exc
    return Plan(source, " union all by name ".join(selects))


def plan_all(discovery: Discovery, data_dir: Path) -> tuple[dict[str, Plan], list[str]]:
    """Check every source (without touching the database); return the plans and all errors."""
    errors = list(discovery.errors)
    plans: dict[str, Plan] = {}
    con = duckdb.connect()
    try:
        for table in RAW_TABLES:
            if table not in discovery.sources:
                continue
            try:
                plans[table] = plan_source(con, discovery.sources[table], data_dir)
            except LoadError as exc:
                errors.append(str(exc))
    finally:
        con.close()
    return plans, errors
