"""What the tests of scripts/generate_data.py share: running it on a small data set, the two
data sets most of them read (flawed and clean), and queries."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from audiences.generate import EVENT_NAMES
from audiences.raw_contract import FLAW_LEDGER_SCHEMA, FLAW_LEDGER_TABLE

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "generate_data.py"
END_DATE = "2026-03-15"
END = f"timestamp '{END_DATE} 23:59:59'"
WINDOW_START = "timestamp '2026-01-15 00:00:00'"  # 60 days ending on END_DATE
SMALL = ["--persons", "300", "--days", "60", "--end-date", END_DATE]
LEDGER = f"{FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE}"
VOCABULARY = ", ".join(f"'{name}'" for name in EVENT_NAMES)
ISO_UTC = "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.000)?Z$"
UTC = "cast(timezone('UTC', try_cast(occurred_at as timestamptz)) as timestamp)"


def generate(
    path: Path | str, *args: str, check: bool = True, cwd: Path = REPO_ROOT
) -> subprocess.CompletedProcess[str]:
    """Run scripts/generate_data.py with SMALL and then `args`, into the DuckDB file `path`."""
    env = dict(os.environ, AUDIENCES_DUCKDB_PATH=str(path))
    return subprocess.run(
        [sys.executable, str(SCRIPT), *SMALL, *args],
        cwd=cwd,
        env=env,
        check=check,
        capture_output=True,
        text=True,
    )


def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def flawed_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small data set with flaws (seed 1, flaw rate 0.05), in a folder made on the way."""
    path = tmp_path_factory.mktemp("flawed") / "nested" / "audiences.duckdb"
    generate(path, "--seed", "1", "--flaw-rate", "0.05")
    return path


def clean_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small data set without flaws (seed 1)."""
    path = tmp_path_factory.mktemp("clean") / "audiences.duckdb"
    generate(path, "--seed", "1", "--flaw-rate", "0")
    return path


def scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> object:
    return connection.execute(sql).fetchone()[0]


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return connection.execute(sql).fetchall()
