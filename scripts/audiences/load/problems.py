"""Saying what is wrong with bad input in one line: the file, the line (for Parquet the row)
and the reason, for a file DuckDB cannot read and for a value the loader refuses."""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
from pathlib import Path

import duckdb

from audiences.load.sources import (
    FILE_COLUMN,
    FORMAT_LABELS,
    MAX_LINE_BYTES,
    ROW_COLUMN,
    STAGE_TABLE,
    TIME_COLUMNS,
    LoadError,
    Plan,
    Source,
    csv_layout,
    display,
    normalize,
    open_text,
    shorten,
    sql_ident,
)
from audiences.raw_contract import (
    column_names,
)


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
