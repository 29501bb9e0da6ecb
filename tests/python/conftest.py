"""A built warehouse for the end-to-end tests: the one `scripts/dev.py test` just built
(AUDIENCES_TEST_WAREHOUSE), or else one generated and built here, so plain `pytest` works too.

Imported by pytest before any test module: it puts the repository (for tests.reference) and
scripts/ (for the audiences package and the scripts' modules) on sys.path, once for all."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

_REPOSITORY = Path(__file__).resolve().parents[2]
for _path in (_REPOSITORY / "scripts", _REPOSITORY):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import duckdb  # noqa: E402
import pytest  # noqa: E402
from audiences.runtime import end_of_day  # noqa: E402
from serving_world import World, make_world  # noqa: E402
from warehouse_helpers import build, generate  # noqa: E402

FALLBACK_END_DATE = "2026-06-30"


def build_warehouse(path: Path, end_date: str) -> None:
    generate(path, 10000, 7, end_date)
    build(path, end_of_day(end_date))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A warehouse file the test creates (its folder does not exist yet)."""
    return tmp_path / "db" / "audiences.duckdb"


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
    from serving import PublishRecord, write_publish

    connection = duckdb.connect(str(warehouse_path), read_only=True)
    marts = [
        row[0]
        for row in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    ]
    connection.close()
    path = tmp_path_factory.mktemp("serving") / "audiences.duckdb"
    record = PublishRecord(
        as_of=dt.datetime(2026, 6, 30, 23, 59, 59),
        newest_event_at=None,
        dbt_invocation_id=None,
        forced_reasons=None,
        raw_rows={},
    )
    write_publish(warehouse_path, path, marts, record)
    return path


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """A small world published once at T1; serving tests copy it (tests/python/serving_world.py)."""
    return make_world(tmp_path_factory.mktemp("published_world"))
