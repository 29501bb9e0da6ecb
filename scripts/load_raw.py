"""Load a batch of a user's own exports from a folder into the `raw` schema of the project's DuckDB.

    python scripts/load_raw.py DIR                  # append the batch in DIR
    python scripts/load_raw.py --replace-all DIR    # make raw hold exactly DIR

The database is the file named by AUDIENCES_DUCKDB_PATH (a relative path is taken from the
current directory, as dbt does), default `data/audiences.duckdb` under the repo root.

Batches. DIR is one batch: files for some of the ten contract tables (scripts/raw_contract.py),
e.g. today's events. Its rows are appended to the raw tables; a table the batch does not hold
keeps its rows, and one that does not exist yet is created empty with the contract's columns.
Every row the loader writes carries the batch in an extra column `_load_batch_id` (the leading
underscore marks loader metadata, as Fivetran's `_fivetran_synced`; rows written before it was
added have null). Staging reads the contract's columns by name, so the column goes no further.
Each batch is recorded in `raw._load_batches` (batch_id, source_path, fingerprint, loaded_at in
UTC, mode `append` or `replace`) and `raw._load_batch_tables` (batch_id, table_name, rows: the
rows this batch wrote to each table). The fingerprint is the SHA-256 over the sorted (path
relative to DIR, SHA-256 of the file) of the batch's files; the batch id is loaded_at (UTC, to
the millisecond) and the fingerprint's first 12 hex digits, e.g. `20260702T061500123Z-3f2a9c1b7d4e`.

Idempotence. A batch whose fingerprint was already appended (since the last `--replace-all`) is
skipped: the loader prints `SKIPPED: batch already loaded as <id>`, changes nothing and exits 0,
so a cron job may retry a folder safely. The same files under another folder name are the same
batch; a renamed or changed file makes a new one.

Replacing everything. With `--replace-all` each table in DIR is replaced by the batch's rows and
every contract table NOT in DIR is emptied, so raw reflects DIR exactly (the registry records
mode `replace`). It is never skipped: it is the explicit way to start over. Other tables in
`raw` are not touched. The incremental event staging tables built from the old raw are dropped
in the same transaction (raw_contract.INCREMENTAL_STAGING_TABLES), so the next `dbt build`
stages the new raw whole instead of keeping days it would not re-stage.

Finding the tables. In DIR each contract table is one file or one folder named after it:
`events.parquet`, `identifies.csv`, `email_events.jsonl`, `crm_accounts/`. Formats: Parquet
(`.parquet`), CSV (`.csv`, `.csv.gz`) and JSON Lines (`.jsonl`, `.ndjson`, `.json`, plus `.gz`
of each; a `.json` file may also hold one JSON array of objects). A folder holds files of one
format, searched recursively (hidden files and `_`-prefixed ones such as Spark's `_SUCCESS` are
skipped); they are read together as one table. Names match case-insensitively (`Events.CSV` is
`events`). Anything in DIR that names no contract table is reported with a warning and skipped;
two sources for one table, or a file named after a table in a format we cannot read, are refused.

Checking the columns. Column names are compared after trimming and lower-casing, so ` Event_ID`
is `event_id`; the set of names must equal the contract's, in any order. Every file is checked
on its own (each file of a folder too); one missing or unexpected column refuses the whole run.
A CSV is UTF-8 with a header row; its delimiter is whichever of `,` `;` tab `|` occurs most in
the header line; fields may be quoted with `"` (a quote inside doubled). For JSON Lines the
columns are the union of the keys of all records (a record may omit a key: that value is null);
every record must be an object.

A file with no data rows loads zero rows and the loader says so (`note: ... holds no data
rows`): a CSV with only a header, a 0-byte CSV (no header to check), an empty JSON Lines file.
A 0-byte Parquet file is not a Parquet file and is refused.

Bad input is refused, naming the file, the line (for Parquet the row) and what is wrong, and
nothing is loaded: a CSV line with fewer or more fields than the header, a quote never closed,
text that is not UTF-8, a JSON line that does not parse. A line may be up to 64 MB long (a CSV
line, a JSON record); a longer one is refused. Messages show at most 200 characters of a line.
A NUL byte (\\x00) in any text value is refused, naming file, line and column: it is a corrupt
export, and staging would take `u1\\x00` for another person than `u1`. `received_at`, typed
TIMESTAMP in the contract, must be a real time: a special value DuckDB would accept in a cast
(`epoch` = 1970-01-01, `infinity`, `-infinity`) is refused rather than stored as such.

Loading. Names, formats and columns are checked before the database is opened; the rows are
read, checked, written and registered in one transaction, so a refused or failed run leaves the
database as it was (a database file the run created is removed again).
Values are kept as delivered: CSV is read with every column as VARCHAR (ids keep leading zeros,
JSON text stays text), JSON Lines likewise with every value as VARCHAR (a nested object or
array becomes its JSON text; JSON numbers are re-serialised, so `19.90` becomes `19.9`), Parquet
keeps its types except nested ones (struct, map, list, JSON), which become JSON text (a struct
lists all its fields, so an absent field shows as null). A new table takes the first batch's
types; when a later batch delivers a column in another type, the table's column becomes VARCHAR
(old values as their text) so that no value is lost to a cast. Staging casts timestamps and
numbers safely.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audiences.raw_contract import (
    RAW_SCHEMA,
    RAW_TABLES,
    column_names,
    create_table_sql,
    database_file_problem,
    drop_incremental_staging,
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
CSV_DELIMITERS = (",", ";", "\t", "|")  # ties go to the first

MAX_LINE_BYTES = 64 * 1024 * 1024  # the longest CSV line or JSON record read
SHOWN_CHARS = 200  # of a line or value in a message
BATCH_COLUMN = "_load_batch_id"
BATCHES_TABLE = f"{RAW_SCHEMA}._load_batches"
BATCH_TABLES_TABLE = f"{RAW_SCHEMA}._load_batch_tables"
STAGE_TABLE = "load_stage"  # a temporary table: one source's rows, checked before writing
FILE_COLUMN = "_load_file"
ROW_COLUMN = "_load_row"  # Parquet only: the row's index in its file
TIME_COLUMNS = ("received_at",)  # TIMESTAMP in the contract and refused as a special value


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
class Layout:
    """The columns of one file as it spells them; for a CSV its delimiter and blank lines."""

    columns: tuple[str, ...]
    delimiter: str = ""
    skip: int = 0

    def key(self) -> tuple[object, ...]:
        """Files with one key are read by one reader (a CSV reader takes columns by position)."""
        if self.delimiter:
            return (self.delimiter, self.skip, self.columns)
        return tuple(sorted(self.columns))


@dataclass(frozen=True)
class Plan:
    """A checked source and the query that yields its rows in contract column order."""

    source: Source
    select_sql: str | None  # None: no file holds a row


@dataclass(frozen=True)
class Batch:
    batch_id: str
    fingerprint: str
    loaded_at: dt.datetime
    mode: str  # 'append' or 'replace'
    source_path: Path


@dataclass(frozen=True)
class TableResult:
    origin: str
    rows_written: int | None  # None: the batch left the table alone
    rows_now: int


@dataclass(frozen=True)
class LoadResult:
    skipped_as: str | None
    tables: dict[str, TableResult]
    notes: list[str]


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


# --- text and SQL helpers ----------------------------------------------------------------


def display(path: Path, data_dir: Path) -> str:
    try:
        return path.relative_to(data_dir).as_posix()
    except ValueError:
        return str(path)


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """At most `limit` characters of a line or value, control characters made visible."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return shown + (f"... ({len(text):,} characters)" if len(text) > limit else "")


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_list(files: Sequence[Path]) -> str:
    return "[" + ", ".join(sql_string(str(f.resolve())) for f in files) + "]"


def open_text(file: Path) -> TextIO:
    """A CSV or JSON Lines file as text (gzip or not), line ends kept for the csv module."""
    if file.name.lower().endswith(".gz"):
        return gzip.open(file, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return file.open(encoding="utf-8-sig", errors="replace", newline="")


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


# --- checking the columns ----------------------------------------------------------------


def csv_layout(file: Path) -> Layout | None:
    """The header of a CSV and its delimiter; None for a file with no header (0 bytes)."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
    with open_text(file) as handle:
        for skip, line in enumerate(handle):
            if line.strip():
                delimiter = max(CSV_DELIMITERS, key=line.count)
                header = next(csv.reader([line], delimiter=delimiter), [])
                return Layout(tuple(header), delimiter, skip)
    return None


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


# --- explaining what cannot be read ------------------------------------------------------


def csv_reason(reason: str) -> str:
    """DuckDB's words for a bad CSV line, as what is wrong with it (no reader options)."""
    counts = re.match(r"Expected Number of Columns: (\d+) Found: (\d+)", reason)
    if counts:
        expected, found = (int(n) for n in counts.groups())
        return f"has {'fewer' if found < expected else 'more'} fields than the header ({expected})"
    if reason.startswith("Maximum line size"):
        return f"is longer than the loader's limit of {MAX_LINE_BYTES // 2**20} MB per line"
    if "unterminated quote" in reason:
        return 'has a quoted field whose closing quote (") is missing'
    if "unicode" in reason.lower():
        return "is not valid UTF-8 (export the file as UTF-8)"
    return f"cannot be read: {reason}"


def duckdb_csv_reason(text: str) -> str:
    """What DuckDB says is wrong with the line it quotes (the line after `Original Line:`)."""
    block = text.split("Original Line: ", 1)[1]
    block = re.split(r"\n\s*(?:Possible (?:fixes|Solution)|file = )", block, maxsplit=1)[0]
    parts = [part for part in block.splitlines() if part.strip()]
    return csv_reason(parts[-1]) if len(parts) > 1 else "cannot be read as CSV"


def physical_line(file: Path, number: int) -> str:
    with open_text(file) as handle:
        for current, line in enumerate(handle, 1):
            if current == number:
                return line.rstrip("\r\n")
    return ""


def mixed_line_ending(file: Path) -> tuple[int, str] | None:
    """The first line ending otherwise than the first line (DuckDB refuses such a CSV)."""
    opener = gzip.open if file.name.lower().endswith(".gz") else open
    with opener(file, "rb") as handle:
        first: bool | None = None
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                break
            crlf = line.endswith(b"\r\n")
            first = crlf if first is None else first
            if crlf != first:
                endings = ("\\r\\n", "\\n") if first else ("\\n", "\\r\\n")
                return number, (
                    f"ends with {endings[1]} where the lines before end with {endings[0]}; "
                    "save the file with one kind of line ending"
                )
    return None


def first_bad_csv_line(file: Path) -> tuple[int, str] | None:
    """Our own reading of a CSV DuckDB refused without naming a line: (line, what is wrong)."""
    layout = csv_layout(file)
    if layout is None:
        return None
    width = len(layout.columns)
    with open_text(file) as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter, strict=True)
        start = 1
        try:
            for record in reader:
                if record and len(record) != width:
                    side = "fewer" if len(record) < width else "more"
                    return start, f"has {side} fields than the header ({width})"
                start = reader.line_num + 1
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                return start, 'has a quoted field whose closing quote (") is missing'
            return start, f"is not valid CSV ({exc})"
    return mixed_line_ending(file)


def csv_error_message(text: str, table: str, data_dir: Path) -> str | None:
    file = re.search(r"^\s*file = (.+)$", text, re.M)
    if not file:
        return None
    path = Path(file.group(1))
    line = re.search(r"CSV Error on Line: (\d+)", text)
    if line and "Original Line: " in text:
        number, reason = int(line.group(1)), duckdb_csv_reason(text)
    else:
        found = first_bad_csv_line(path)
        if found is None:
            return None
        number, reason = found
    original = shorten(physical_line(path, number))
    return f"{table}: {display(path, data_dir)} line {number} {reason}; the line reads: {original}"


def first_bad_json_line(file: Path) -> tuple[int, str, str] | None:
    """The first line of a JSON Lines file that does not parse: (number, error, line)."""
    with open_text(file) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            if number == 1 and not line.lstrip().startswith("{"):
                return None  # one JSON document (an array), not JSON Lines
            try:
                json.loads(line)
            except ValueError as exc:
                return number, getattr(exc, "msg", str(exc)), line.rstrip("\r\n")
    return None


def json_error_message(text: str, table: str, data_dir: Path) -> str | None:
    file = re.search(r'Malformed JSON in file "([^"]+)"', text)
    if not file:
        return None
    path = Path(file.group(1))
    bad = first_bad_json_line(path)
    if bad is None:
        return None
    number, error, line = bad
    return (
        f"{table}: {display(path, data_dir)} line {number} is not valid JSON ({error}); "
        f"the line reads: {shorten(line)}"
    )


def read_error_message(
    exc: BaseException, source: Source, data_dir: Path, file: Path | None = None
) -> str:
    """One line naming the file (and the line) and what is wrong, without DuckDB's hints."""
    text = str(exc)
    for explain in (csv_error_message, json_error_message):
        message = explain(text, source.table, data_dir)
        if message:
            return message
    first = re.sub(r"^[A-Za-z ]*Error: ", "", text.strip().splitlines()[0] if text.strip() else "")
    first = first.replace(str(data_dir) + os.sep, "")
    if "maximum_object_size" in text:
        first = f"a JSON record is longer than the loader's limit of {MAX_LINE_BYTES // 2**20} MB"
    shown = display(file or source.path, data_dir)
    label = FORMAT_LABELS[source.fmt]
    return f"{source.table}: {shown} cannot be read as {label}: {shorten(first, 300)}"


# --- checking the values -----------------------------------------------------------------


def value_checks(column: str, sql_type: str) -> list[tuple[str, str]]:
    """(problem, SQL condition) pairs that refuse a batch holding such a value."""
    ident = sql_ident(column)
    checks = []
    if sql_type == "VARCHAR":
        checks.append(("nul", f"contains({ident}, chr(0))"))
    if column in TIME_COLUMNS and sql_type == "VARCHAR":
        # a text DuckDB casts to a time although it holds no digit: 'epoch', 'infinity'
        special = (
            f"try_cast({ident} as timestamp) is not null and not regexp_matches({ident}, '[0-9]')"
        )
        checks.append(("special", special))
    elif column in TIME_COLUMNS and sql_type.startswith(("TIMESTAMP", "DATE")):
        checks.append(("special", f"not isfinite({ident})"))
    return checks


def csv_line_of(file: Path, column: str, value: str) -> int | None:
    """The line of the first CSV record whose `column` holds `value`."""
    layout = csv_layout(file)
    if layout is None:
        return None
    index = [normalize(name) for name in layout.columns].index(column)
    with open_text(file) as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter)
        records = (record for record in reader if record)
        next(records, None)  # the header
        for record in records:
            if len(record) > index and record[index] == value:
                return reader.line_num
    return None


def json_line_of(file: Path, column: str, value: str) -> int | None:
    """The line of the first JSON Lines record whose `column` holds `value`."""
    with open_text(file) as handle:
        for number, line in enumerate(handle, 1):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and any(
                normalize(key) == column and item == value for key, item in record.items()
            ):
                return number
    return None


def position(fmt: str, file: Path, column: str, value: str, row: int | None) -> str:
    """Where in its file a value is: ' line N' (CSV, JSON Lines), ' row N' (Parquet) or ''."""
    if row is not None:
        return f" row {row + 1}"
    finder = csv_line_of if fmt == "csv" else json_line_of
    line = finder(file, column, value)
    return f" line {line}" if line else ""


def value_problem(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    column: str,
    problem: str,
    condition: str,
    data_dir: Path,
) -> str | None:
    """The refusal for the first staged value meeting `condition`, or None."""
    row_expr = ROW_COLUMN if plan.source.fmt == "parquet" else "null"
    found = con.execute(
        f"select cast({sql_ident(column)} as varchar), {FILE_COLUMN}, {row_expr}, "
        f"cast(try_cast({sql_ident(column)} as timestamp) as varchar) "
        f"from {STAGE_TABLE} where {condition} limit 1"
    ).fetchone()
    if found is None:
        return None
    value, file, row, as_time = found
    where = display(Path(file), data_dir) + position(
        plan.source.fmt, Path(file), column, value, row
    )
    if problem == "nul":
        return (
            f"{plan.source.table}: {where}, column {column}: the value holds a NUL byte (\\x00), "
            f"so the export is corrupt; fix it at the source (value: {shorten(value)})"
        )
    return (
        f"{plan.source.table}: {where}, column {column}: {shorten(value)!r} is a special value "
        f"DuckDB would store as {as_time}, not a time; {column} must be the real time"
    )


def check_values(con: duckdb.DuckDBPyConnection, plan: Plan, data_dir: Path) -> None:
    """Refuse a source whose staged rows hold a NUL byte or a special received_at."""
    types = {row[0]: row[1] for row in con.execute(f"describe {STAGE_TABLE}").fetchall()}
    for column in column_names(plan.source.table):
        for problem, condition in value_checks(column, types[column]):
            message = value_problem(con, plan, column, problem, condition, data_dir)
            if message:
                raise LoadError(message)


# --- batches -----------------------------------------------------------------------------


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


# --- loading -----------------------------------------------------------------------------


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


def database_path() -> Path:
    value = os.environ.get(DB_ENV_VAR)
    return Path(value).expanduser().resolve() if value else DEFAULT_DB_PATH


def report_lines(result: LoadResult) -> list[str]:
    rows = []
    for table, outcome in result.tables.items():
        if outcome.rows_written is None:
            counted = f"{outcome.rows_now:,} rows"
        else:
            counted = f"+{outcome.rows_written:,} rows ({outcome.rows_now:,} in all)"
        rows.append((f"{RAW_SCHEMA}.{table}", outcome.origin, counted))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    return [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]


def summary(result: LoadResult, batch: Batch, db_path: Path) -> str:
    written = [t for t, r in result.tables.items() if r.rows_written is not None]
    rows = sum(r.rows_written or 0 for r in result.tables.values())
    text = (
        f"loaded batch {batch.batch_id} ({batch.mode}, {rows:,} rows) from {batch.source_path} "
        f"into {RAW_SCHEMA} of {db_path}"
    )
    if batch.mode == "replace":
        emptied = [t for t, r in result.tables.items() if r.origin == "(not provided: emptied)"]
        return text + f"; {len(emptied)} table(s) not provided were emptied"
    kept = len(RAW_TABLES) - len(written)
    return text + (f"; {kept} table(s) not in the batch were left as they were" if kept else "")


# --- command line ------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Append a batch of your own exports from DIR to schema raw of the DuckDB file named "
            f"by {DB_ENV_VAR} (default: {DEFAULT_DB_PATH}). Each contract table is one file or "
            "folder in DIR named after it (events.parquet, identifies.csv, "
            "email_events.jsonl, crm_accounts/), as CSV (.csv, .csv.gz), Parquet or JSON "
            "Lines (.jsonl, .jsonl.gz, .ndjson, .json). Column names (trimmed, any case, any "
            "order) must equal the contract's. Every file is checked; then the batch is "
            "written in one transaction, so a refused run changes nothing. Tables not in DIR "
            "keep their rows. A batch already loaded (same files) is skipped with exit 0. "
            "See the module docstring for the details."
        )
    )
    parser.add_argument("dir", type=Path, metavar="DIR", help="folder holding the batch")
    parser.add_argument(
        "--replace-all",
        action="store_true",
        help="replace each table in DIR and empty every contract table not in DIR, so that "
        "raw holds exactly DIR (never skipped)",
    )
    return parser.parse_args(argv)


def refuse(errors: Sequence[str], db_path: Path) -> int:
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    print(f"refused: nothing loaded, {db_path} unchanged", file=sys.stderr)
    return 1


def run_load(plans: Mapping[str, Plan], batch: Batch, db_path: Path) -> int:
    existed = db_path.exists()
    try:
        result = load_all(db_path, plans, batch, batch.source_path)
    except (LoadError, duckdb.Error) as exc:
        if not existed:
            remove_new_database(db_path)
        if isinstance(exc, LoadError):
            return refuse([str(exc)], db_path)
        return refuse([f"loading failed: {shorten(str(exc).splitlines()[0], 300)}"], db_path)
    if result.skipped_as:
        print(
            f"SKIPPED: batch already loaded as {result.skipped_as} (the same files, fingerprint "
            f"{batch.fingerprint[:12]}); {db_path} unchanged"
        )
        return 0
    for line in [*result.notes, *report_lines(result), summary(result, batch, db_path)]:
        print(line)
    return 0


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
    if errors or problem:
        return refuse([*errors, *([problem] if problem else [])], db_path)
    batch = new_batch(data_dir, discovery.sources, "replace" if args.replace_all else "append")
    return run_load(plans, batch, db_path)


if __name__ == "__main__":
    sys.exit(main())
