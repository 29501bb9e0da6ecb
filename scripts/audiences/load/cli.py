"""The loader's command line: `audiences load DIR [--replace-all]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from audiences.console import ArgumentParser
from audiences.load.plan import plan_all
from audiences.load.sources import Batch, LoadError, LoadResult, Plan, discover, shorten
from audiences.load.writer import load_all, new_batch, remove_new_database
from audiences.raw_contract import (
    RAW_SCHEMA,
    RAW_TABLES,
    database_file_problem,
)
from audiences.runtime import DEFAULT_DUCKDB_PATH, DUCKDB_PATH_VARIABLE, duckdb_path


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


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = ArgumentParser(
        description=(
            "Append a batch of your own exports from DIR to schema raw of the DuckDB file named "
            f"by {DUCKDB_PATH_VARIABLE} (default: {DEFAULT_DUCKDB_PATH}). Each contract table is "
            "one file or folder in DIR named after it (events.parquet, identifies.csv, "
            "email_events.jsonl, crm_accounts/), as CSV (.csv, .csv.gz), Parquet or JSON "
            "Lines (.jsonl, .jsonl.gz, .ndjson, .json). Column names (trimmed, any case, any "
            "order) must equal the contract's. Every file is checked; then the batch is "
            "written in one transaction, so a refused run changes nothing. Tables not in DIR "
            "keep their rows. A batch already loaded (same files) is skipped with exit 0. "
            "See `pydoc audiences.load` for the details."
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
    db_path = duckdb_path()
    problem = database_file_problem(db_path)
    if errors or problem:
        return refuse([*errors, *([problem] if problem else [])], db_path)
    batch = new_batch(data_dir, discovery.sources, "replace" if args.replace_all else "append")
    return run_load(plans, batch, db_path)
