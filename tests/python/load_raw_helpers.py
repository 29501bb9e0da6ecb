"""What the loader tests (test_load_raw.py, test_load_raw_input.py) share: rows of the raw
contract written as CSV, JSON lines or parquet, the loader run as a user runs it or in
process, and reads of what it left."""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import load_raw
import pyarrow as pa
import pyarrow.parquet as pq
from audiences.raw_contract import column_names
from audiences.runtime import dbt_env

SCRIPT = Path(load_raw.__file__).resolve()
BATCH_COLUMN = load_raw.BATCH_COLUMN
DUCKDB_HINTS = ("Possible", "max_line_size", "ignore_errors", "strict_mode", "null_padding")

Row = dict[str, Any]


def make_row(table: str, index: int, **overrides: Any) -> Row:
    """A row with every contract column filled with a plain string."""
    row: Row = {name: f"{name}-{index}" for name in column_names(table)}
    row.update(overrides)
    return row


def make_rows(table: str, count: int) -> list[Row]:
    return [make_row(table, i) for i in range(count)]


def write_csv(path: Path, rows: list[Row], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(name.strip().lower(), row.get(name)) for name in columns])
    return path


def write_jsonl(path: Path, rows: list[Row]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(row) + "\n" for row in rows)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def write_parquet(path: Path, rows: list[Row]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def run_loader(data_dir: Path, db_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """The loader as a user runs it, from the folder above `data_dir`, whatever its exit."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *flags, str(data_dir)],
        env=dbt_env(db_path),
        capture_output=True,
        text=True,
        check=False,
        cwd=data_dir.parent if data_dir.parent.exists() else None,
    )


def query(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def count(db_path: Path, table: str) -> int:
    return query(db_path, f"select count(*) from raw.{table}")[0][0]


def columns_of(db_path: Path, table: str) -> list[str]:
    return [row[0] for row in query(db_path, f"describe raw.{table}")]


def snapshot(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of schema raw (registry included), rows sorted."""
    tables = query(
        db_path, "select table_name from duckdb_tables() where schema_name = 'raw' order by 1"
    )
    return {name: query(db_path, f"select * from raw.{name} order by all") for (name,) in tables}


def load_in_process(data_dir: Path, db: Path, mode: str = "append") -> load_raw.LoadResult:
    discovery = load_raw.discover(data_dir)
    plans, errors = load_raw.plan_all(discovery, data_dir)
    assert errors == []
    batch = load_raw.new_batch(data_dir, discovery.sources, mode)
    return load_raw.load_all(db, plans, batch, data_dir)


def assert_refused_without_hints(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1
    assert "refused: nothing loaded" in result.stderr
    for hint in DUCKDB_HINTS:  # DuckDB's advice names reader options the loader does not have
        assert hint not in result.stderr
