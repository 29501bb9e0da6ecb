"""A built warehouse for the end-to-end tests: the one `scripts/dev.py test` just built
(AUDIENCES_TEST_WAREHOUSE), or else one generated and built here, so plain `pytest` works too."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FALLBACK_END_DATE = "2026-06-30"


def build_warehouse(path: Path, end_date: str) -> None:
    env = dict(os.environ, AUDIENCES_DUCKDB_PATH=str(path), DBT_PROFILES_DIR=str(REPO_ROOT))
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "scripts/generate_data.py", "--persons", "10000", "--seed", "7",
         "--end-date", end_date],
        cwd=REPO_ROOT, env=env, check=True,
    )
    subprocess.run(
        [str(bin_dir / "dbt"), "build", "--vars", f'{{"as_of": "{end_date} 23:59:59"}}'],
        cwd=REPO_ROOT, env=env, check=True,
    )


@pytest.fixture(scope="session")
def warehouse_end_date() -> str:
    return os.environ.get("AUDIENCES_TEST_END_DATE", FALLBACK_END_DATE)


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory: pytest.TempPathFactory, warehouse_end_date: str) -> Path:
    given = os.environ.get("AUDIENCES_TEST_WAREHOUSE")
    if given:
        return Path(given)
    path = tmp_path_factory.mktemp("warehouse") / "audiences.duckdb"
    build_warehouse(path, warehouse_end_date)
    return path


@pytest.fixture(scope="session")
def warehouse(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    yield connection
    connection.close()
