"""Load a user's own exports from a folder into the `raw` schema of the project's DuckDB file.

    python scripts/load_raw.py DIR

The database is the file named by AUDIENCES_DUCKDB_PATH (a relative path is taken from the
current directory, as dbt does), default `data/audiences.duckdb` under the repo root.

Finding the tables. In DIR each contract table (scripts/raw_contract.py) is one file or one
folder named after it: `events.parquet`, `identifies.csv`, `email_events.jsonl`,
`crm_accounts/`. Formats: Parquet (`.parquet`), CSV (`.csv`, `.csv.gz`; a header row, fields
quoted with `"`) and JSON Lines (`.jsonl`, `.ndjson`, `.json`, plus `.gz` of each; a `.json`
file may also hold one JSON array of objects). A folder holds files of one format, searched
recursively (hidden files and `_`-prefixed ones such as Spark's `_SUCCESS` are skipped); they
are read together as one table. Names match case-insensitively (`Events.CSV` is `events`).
Anything in DIR that names no contract table is reported with a warning and skipped; two
sources for one table, or a file named after a table in a format we cannot read, are refused.

Checking the columns. Column names are compared after trimming and lower-casing, so ` Event_ID`
is `event_id`; the set of names must equal the contract's, in any order. Every file is checked
on its own (each file of a folder too); one missing or unexpected column refuses the whole
run. For JSON Lines the columns are the union of the keys of all records (a record may omit a
key: that value is null); every record must be an object. An empty JSON Lines file (no record)
has no columns to check and loads no rows.

Loading. Everything is checked before the database is opened; then all ten contract tables are
written in one transaction, so a refused or failed run leaves the database as it was. Each
provided table is replaced (create or replace) by the file's rows, with the contract's column
names in the contract's order. Values are kept as delivered: CSV is read with every column as
VARCHAR (ids keep leading zeros, JSON text stays text), JSON Lines likewise with every value as
VARCHAR (a nested object or array becomes its JSON text; JSON numbers are re-serialised, so
`19.90` becomes `19.9`), Parquet keeps its types except nested ones (struct, map, list, JSON),
which become JSON text (a struct lists all its fields, so an absent field shows as null).
Staging casts timestamps and numbers safely. Every contract table NOT found in DIR is replaced
by an empty table with the contract's columns and types: after a load, schema `raw` reflects
DIR exactly. Other tables in `raw` are not touched.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from raw_contract import (
    RAW_SCHEMA,
    RAW_TABLES,
    column_names,
    create_table_sql,
    database_file_problem,
)

DB_ENV_VAR = "AUDIENCES_DUCKDB_PATH"
DEFAULT_DB_PATH = Path(__file__).resolve().parents[1] / "data" / "audiences.duckdb"

# Longest suffixes first, so that `.csv.gz` wins over `.gz`.
SUFFIX_FORMATS: dict[str, str] = {
    ".jsonl.gz": "json",
    ".ndjson.gz": "json",
    ".json.gz": "json",
    ".csv.gz": "csv",
    ".parquet": "parquet",
    ".ndjson": "json",
    ".jsonl": "json",
    ".json": "json",
    ".csv": "csv",
}
FORMAT_LABELS = {"parquet": "Parquet", "csv": "CSV", "json": "JSON Lines"}
NESTED_TYPE_PREFIXES = ("STRUCT", "MAP", "UNION")


class LoadError(Exception):
    """A refusal: the message says what is wrong; the database has not been changed."""


@dataclass(frozen=True)
class Source:
    """Where one contract table comes from: a file, or a folder of files of one format."""

    table: str
    path: Path
    fmt: str
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Discovery:
    sources: dict[str, Source]
    unmatched: list[str]
    errors: list[str]


@dataclass(frozen=True)
class Plan:
    """A checked source and the query that yields its rows in contract column order."""

    source: Source
    select_sql: str | None  # None: no rows to read (only empty JSON Lines files)


# --- finding the sources -----------------------------------------------------------------


def split_name(name: str) -> tuple[str, str | None]:
    """`events.csv.gz` -> (`events`, `csv`); a name in no known format -> (first part, None)."""
    lowered = name.lower()
    for suffix, fmt in SUFFIX_FORMATS.items():
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            return lowered[: -len(suffix)], fmt
    return lowered.split(".", 1)[0], None


def is_skipped(path: Path, root: Path) -> bool:
    """Hidden files and `_`-prefixed ones (`_SUCCESS`, `_temporary/`) are not data."""
    return any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def folder_source(table: str, folder: Path, data_dir: Path) -> Source | str:
    """The files of a table's folder, or an error message."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not is_skipped(p, folder))
    shown = display(folder, data_dir) + "/"
    if not files:
        return f"{table}: folder {shown} holds no data files"
    formats: dict[str, list[str]] = defaultdict(list)
    for file in files:
        fmt = split_name(file.name)[1]
        formats[fmt or "unsupported"].append(display(file, data_dir))
    if "unsupported" in formats:
        return (
            f"{table}: folder {shown} holds files in no supported format: "
            f"{', '.join(formats['unsupported'])} (use .parquet, .csv, .csv.gz, .jsonl, "
            ".jsonl.gz, .ndjson or .json)"
        )
    if len(formats) > 1:
        kinds = "; ".join(f"{FORMAT_LABELS[f]}: {', '.join(names)}" for f, names in formats.items())
        return f"{table}: folder {shown} mixes formats ({kinds}); use one format per folder"
    return Source(table, folder, next(iter(formats)), tuple(files))


def discover(data_dir: Path) -> Discovery:
    """Match the entries of DIR to contract tables."""
    found: dict[str, list[Source]] = defaultdict(list)
    unmatched: list[str] = []
    errors: list[str] = []
    for entry in sorted(data_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            table = entry.name.lower()
            if table not in RAW_TABLES:
                unmatched.append(entry.name + "/")
                continue
            result = folder_source(table, entry, data_dir)
            if isinstance(result, str):
                errors.append(result)
            else:
                found[table].append(result)
            continue
        stem, fmt = split_name(entry.name)
        if stem not in RAW_TABLES:
            unmatched.append(entry.name)
        elif fmt is None:
            errors.append(
                f"{stem}: {entry.name} is in no supported format "
                "(use .parquet, .csv, .csv.gz, .jsonl, .jsonl.gz, .ndjson or .json)"
            )
        else:
            found[stem].append(Source(stem, entry, fmt, (entry,)))
    sources: dict[str, Source] = {}
    for table, candidates in found.items():
        if len(candidates) > 1:
            names = ", ".join(display(s.path, data_dir) for s in candidates)
            errors.append(f"{table}: {len(candidates)} sources for one table ({names}); keep one")
        else:
            sources[table] = candidates[0]
    return Discovery(sources, unmatched, errors)


# --- SQL helpers -------------------------------------------------------------------------


def display(path: Path, data_dir: Path) -> str:
    try:
        return path.relative_to(data_dir).as_posix()
    except ValueError:
        return str(path)


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_list(files: Sequence[Path]) -> str:
    return "[" + ", ".join(sql_string(str(f.resolve())) for f in files) + "]"


def reader_sql(fmt: str, files: Sequence[Path], json_columns: Sequence[str] = ()) -> str:
    """A DuckDB table function reading `files` (JSON needs the column names to read)."""
    paths = file_list(files)
    if fmt == "csv":
        return (
            # quote is fixed: the sniffer only samples the first rows and, finding no quoted
            # field there, would otherwise refuse a later one ("Acme, Inc.").
            f"read_csv({paths}, header = true, all_varchar = true, quote = '\"', "
            "union_by_name = true, hive_partitioning = false)"
        )
    if fmt == "parquet":
        return f"read_parquet({paths}, union_by_name = true, hive_partitioning = false)"
    columns = ", ".join(f"{sql_string(name)}: 'VARCHAR'" for name in json_columns)
    return (
        f"read_json({paths}, format = 'auto', columns = {{{columns}}}, hive_partitioning = false)"
    )


# --- checking the columns ----------------------------------------------------------------


def file_columns(con: duckdb.DuckDBPyConnection, fmt: str, file: Path) -> list[str]:
    """The column names one file delivers (for JSON Lines: every key of every record)."""
    if fmt == "json":
        objects = f"read_json_objects({file_list([file])}, format = 'auto')"
        non_objects = con.execute(
            f"select count(*) from {objects} where json_type(json) <> 'OBJECT'"
        ).fetchone()
        if non_objects and non_objects[0]:
            raise LoadError(f"{non_objects[0]} record(s) are not JSON objects")
        rows = con.execute(
            f"select distinct unnest(json_keys(json)) as key from {objects} order by key"
        ).fetchall()
        return [row[0] for row in rows]
    if fmt == "csv" and file.stat().st_size == 0:
        raise LoadError("the file is empty (a CSV needs at least a header row)")
    described = con.execute(f"describe select * from {reader_sql(fmt, [file])}").fetchall()
    return [row[0] for row in described]


def normalize(name: str) -> str:
    return name.strip().lower()


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
    con: duckdb.DuckDBPyConnection, source: Source, files: Sequence[Path], spelling: dict[str, str]
) -> str:
    """The query reading files that spell their columns the same way, in contract order."""
    reader = reader_sql(source.fmt, files, sorted(spelling.values()))
    types = {row[0]: row[1] for row in con.execute(f"describe select * from {reader}").fetchall()}
    exprs = ", ".join(
        column_expr(spelling[name], types[spelling[name]], name)
        for name in column_names(source.table)
    )
    return f"select {exprs} from {reader}"


def plan_source(con: duckdb.DuckDBPyConnection, source: Source, data_dir: Path) -> Plan:
    """Check every file of a source and build the query that loads it."""
    groups: dict[tuple[str, ...], list[Path]] = defaultdict(list)
    spellings: dict[tuple[str, ...], dict[str, str]] = {}
    for file in source.files:
        shown = display(file, data_dir)
        try:
            actual = file_columns(con, source.fmt, file)
        except LoadError as exc:
            raise LoadError(f"{source.table}: {shown}: {exc}") from exc
        except duckdb.Error as exc:
            label = FORMAT_LABELS[source.fmt]
            raise LoadError(f"{source.table}: {shown} cannot be read as {label}: {exc}") from exc
        if source.fmt == "json" and not actual:
            continue  # an empty JSON Lines file: no records, nothing to check or load
        spelling = match_columns(source.table, shown, actual)
        key = tuple(sorted(actual))
        groups[key].append(file)
        spellings[key] = spelling
    if not groups:
        return Plan(source, None)
    try:
        selects = [group_select(con, source, files, spellings[k]) for k, files in groups.items()]
    except duckdb.Error as exc:
        shown = display(source.path, data_dir)
        raise LoadError(f"{source.table}: {shown} cannot be read together: {exc}") from exc
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


# --- loading -----------------------------------------------------------------------------


def load_table(con: duckdb.DuckDBPyConnection, table: str, plan: Plan | None) -> int:
    """Replace raw.<table> with the plan's rows (or with an empty contract table); count rows."""
    if plan is None or plan.select_sql is None:
        con.execute(create_table_sql(table))
    else:
        con.execute(f"create or replace table {RAW_SCHEMA}.{table} as {plan.select_sql}")
    row = con.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchone()
    return int(row[0]) if row else 0


def load_all(db_path: Path, plans: dict[str, Plan]) -> dict[str, int]:
    """Write every contract table in one transaction; on any error nothing is changed."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("begin transaction")
        try:
            con.execute(f"create schema if not exists {RAW_SCHEMA}")
            counts = {table: load_table(con, table, plans.get(table)) for table in RAW_TABLES}
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()
    return counts


def database_path() -> Path:
    value = os.environ.get(DB_ENV_VAR)
    return Path(value).expanduser().resolve() if value else DEFAULT_DB_PATH


def report_lines(counts: dict[str, int], plans: dict[str, Plan], data_dir: Path) -> list[str]:
    rows = []
    for table in RAW_TABLES:
        plan = plans.get(table)
        if plan is None:
            origin = "(not provided: created empty)"
        else:
            origin = display(plan.source.path, data_dir) + (
                "/" if plan.source.path.is_dir() else ""
            )
        rows.append((f"{RAW_SCHEMA}.{table}", origin, f"{counts[table]:,} rows"))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    return [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]


# --- command line ------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Load your own exports from DIR into schema raw of the DuckDB file named by "
            f"{DB_ENV_VAR} (default: {DEFAULT_DB_PATH}). Each contract table is one file or "
            "folder in DIR named after it (events.parquet, identifies.csv, "
            "email_events.jsonl, crm_accounts/), as CSV (.csv, .csv.gz), Parquet or JSON "
            "Lines (.jsonl, .jsonl.gz, .ndjson, .json). Column names (trimmed, any case, any "
            "order) must equal the contract's. Every file is checked first; then all tables "
            "are written in one transaction, so a refused run changes nothing. Provided tables "
            "are replaced by the files' rows; contract tables NOT provided are replaced by "
            "empty tables, so raw reflects DIR. Files naming no contract table are skipped "
            "with a warning."
        )
    )
    parser.add_argument("dir", type=Path, metavar="DIR", help="folder holding the exports")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir: Path = args.dir.expanduser().resolve()
    if not data_dir.is_dir():
        print(f"error: {args.dir} does not exist or is not a folder", file=sys.stderr)
        return 1
    discovery = discover(data_dir)
    if discovery.unmatched:
        print(
            "warning: skipping what names no contract table: "
            + ", ".join(discovery.unmatched)
            + f" (tables: {', '.join(RAW_TABLES)})",
            file=sys.stderr,
        )
    if not discovery.sources and not discovery.errors:
        print(
            f"error: {args.dir} holds no file or folder named after a contract table "
            f"({', '.join(RAW_TABLES)}); nothing loaded",
            file=sys.stderr,
        )
        return 1
    plans, errors = plan_all(discovery, data_dir)
    db_path = database_path()
    problem = database_file_problem(db_path)
    if problem:
        errors = [*errors, problem]
    if errors:
        for message in errors:
            print(f"error: {message}", file=sys.stderr)
        print(f"refused: nothing loaded, {db_path} unchanged", file=sys.stderr)
        return 1
    try:
        counts = load_all(db_path, plans)
    except duckdb.Error as exc:
        print(f"error: loading failed, {db_path} unchanged: {exc}", file=sys.stderr)
        return 1
    for line in report_lines(counts, plans, data_dir):
        print(line)
    empty = [t for t in RAW_TABLES if t not in plans]
    print(
        f"loaded {len(plans)} table(s) from {data_dir} into {RAW_SCHEMA} of {db_path}"
        + (f"; {len(empty)} table(s) not provided were replaced by empty tables" if empty else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
