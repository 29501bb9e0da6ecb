"""What a batch folder holds: the loader's constants and records, finding each contract
table's file or folder, and the text and SQL helpers the other modules share."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from audiences.raw_contract import (
    RAW_SCHEMA,
    RAW_TABLES,
)

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


def normalize(name: str) -> str:
    return name.strip().lower()
