"""A built warehouse for the end-to-end tests: the one `scripts/dev.py test` just built
(AUDIENCES_TEST_WAREHOUSE), or else one generated and built here, so plain `pytest` works too."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from serving_world import World, make_world

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


@pytest.fixture(scope="session")
def serving_path(tmp_path_factory: pytest.TempPathFactory, warehouse_path: Path) -> Path:
    """The serving store `scripts/dev.py test` published from the test warehouse
    (AUDIENCES_TEST_SERVING), or else one published here from the warehouse's marts."""
    given = os.environ.get("AUDIENCES_TEST_SERVING")
    if given:
        return Path(given)
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from serving import PublishRecord, write_publish

    connection = duckdb.connect(str(warehouse_path), read_only=True)
    marts = [row[0] for row in connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts'"
    ).fetchall()]
    connection.close()
    path = tmp_path_factory.mktemp("serving") / "audiences.duckdb"
    record = PublishRecord(
        as_of=dt.datetime(2026, 6, 30, 23, 59, 59),
        newest_event_at=None, dbt_invocation_id=None, forced_reasons=None, raw_rows={},
    )
    write_publish(warehouse_path, path, marts, record)
    return path


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """A small world published once at T1; serving tests copy it (tests/python/serving_world.py)."""
    return make_world(tmp_path_factory.mktemp("published_world"))
