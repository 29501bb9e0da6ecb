"""A small published world for the serving tests (test_publish.py, test_history.py): a build
warehouse and its serving store in one folder, and helpers to publish and read them as the
README's commands do."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from audiences.compare import sorted_rows
from audiences.runtime import dbt_env, end_of_day
from comparison import assert_same_table
from warehouse_helpers import attempt, generate, output

READER = Path(__file__).with_name("serving_reader.py")
# the reader's own statement: the publish's as_of and counts from several tables at once
PUBLISHED_READ = READER.read_text().split('READ = """')[1].split('"""')[0]
END_DATE = "2026-06-30"
T1 = end_of_day("2026-06-23")
T2 = end_of_day(END_DATE)
PERSONS = 300
METADATA_TABLES = {"publish_log", "publish_raw_tables"}
# grow by a row per publish whatever the data: compared separately
HISTORY_TABLES = {"rpt_audience_size_history"}


@dataclass(frozen=True)
class World:
    """A build warehouse and its serving store in one folder. Copies keep the file names, so
    the build's staging views (which name their file's catalog) keep working."""

    folder: Path

    @property
    def build(self) -> Path:
        return self.folder / "build.duckdb"

    @property
    def serving(self) -> Path:
        return self.folder / "serving.duckdb"

    def env(self, **extra: str) -> dict[str, str]:
        return dbt_env(
            self.build,
            AUDIENCES_SERVING_PATH=str(self.serving),
            DBT_TARGET_PATH=str(self.folder / "target"),
            **extra,
        )

    def publish(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return attempt([sys.executable, "scripts/dev.py", "publish", *args], self.env(**extra_env))

    def copy_to(self, folder: Path) -> World:
        folder.mkdir(parents=True, exist_ok=True)
        for path in (self.build, self.serving):
            shutil.copy2(path, folder / path.name)
        return World(folder)


def assert_published(completed: subprocess.CompletedProcess[str]) -> None:
    assert completed.returncode == 0, output(completed)[-4000:]
    assert "PUBLISHED publish" in completed.stdout


def published_tables(serving: Path) -> dict[str, pd.DataFrame]:
    """Every published table (publish metadata aside), rows in a stable order."""
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        names = [
            row[0]
            for row in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'main'"
            ).fetchall()
        ]
        tables = {}
        for name in sorted(set(names) - METADATA_TABLES - HISTORY_TABLES):
            tables[name] = sorted_rows(connection.execute(f"select * from {name}").df())
        return tables
    finally:
        connection.close()


def publish_log(serving: Path) -> list[tuple[int, str]]:
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        return [
            (int(publish_id), str(as_of))
            for publish_id, as_of in connection.execute(
                "select publish_id, as_of from publish_log order by publish_id"
            ).fetchall()
        ]
    finally:
        connection.close()


def read_once(serving: Path) -> list[object]:
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        return list(connection.execute(PUBLISHED_READ).fetchone())
    finally:
        connection.close()


def assert_tables_equal(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for name, frame in before.items():
        assert_same_table(frame, after[name], name, exact=True)


def make_world(folder: Path) -> World:
    """300 persons up to END_DATE, published once at T1."""
    world = World(folder)
    generate(world.build, PERSONS, 11, END_DATE, "--publish-weeks", "0", env=world.env())
    assert_published(world.publish("--as-of", T1))
    return world


def table(serving: Path, sql: str) -> pd.DataFrame:
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        return connection.execute(sql).df()
    finally:
        connection.close()
