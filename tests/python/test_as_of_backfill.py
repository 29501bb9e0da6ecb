"""Building with a past as_of gives the warehouse as it was then: the marts built from the full
data at as_of = T equal the marts built from the data truncated to what had happened by T
(events, identifies and email events after T removed). A model that read `now()`, or let a
later event leak in through identity, consent or a window, makes them differ."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MARTS = {
    "dim_persons": "person_id",
    "dim_accounts": "account_id",
    "dim_person_lifecycle": "person_id",
}
STREAMS = ("events", "identifies", "email_events")


def build(path: Path, as_of: str) -> None:
    env = dict(os.environ, AUDIENCES_DUCKDB_PATH=str(path), DBT_PROFILES_DIR=str(REPO_ROOT))
    selector = " ".join(f"+{mart}" for mart in MARTS)
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "run", "--select", selector,
         "--vars", f'{{"as_of": "{as_of}"}}', "--quiet"],
        cwd=REPO_ROOT, env=env, check=True,
    )


def truncate_after(path: Path, as_of: str) -> int:
    removed = 0
    with duckdb.connect(str(path)) as connection:
        connection.execute("set TimeZone = 'UTC'")
        for table in STREAMS:
            before = connection.execute(f"select count(*) from raw.{table}").fetchone()[0]
            connection.execute(f"""
                delete from raw.{table}
                where timezone('UTC', try_cast(cast(occurred_at as varchar) as timestamptz))
                    > timestamp '{as_of}'
            """)
            after = connection.execute(f"select count(*) from raw.{table}").fetchone()[0]
            removed += before - after
    return removed


def read_mart(path: Path, mart: str, key: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as connection:
        frame = connection.execute(f"select * from marts.{mart}").df()
    return frame.sort_values(key).reset_index(drop=True)


@pytest.fixture(scope="module")
def backfills(
    tmp_path_factory: pytest.TempPathFactory, warehouse_path: Path, warehouse_end_date: str
) -> tuple[Path, Path, int]:
    source = warehouse_path
    as_of = str((pd.Timestamp(warehouse_end_date) - pd.Timedelta(days=45)).date()) + " 12:00:00"
    folder = tmp_path_factory.mktemp("backfill")
    # same file name as the source: DuckDB views name their catalog after the file
    full = folder / "full" / Path(source).name
    truncated = folder / "truncated" / Path(source).name
    full.parent.mkdir()
    truncated.parent.mkdir()
    shutil.copy(source, full)
    shutil.copy(source, truncated)
    removed = truncate_after(truncated, as_of)
    build(full, as_of)
    build(truncated, as_of)
    return full, truncated, removed


def test_the_truncation_removed_later_rows(backfills) -> None:
    assert backfills[2] > 1000


@pytest.mark.parametrize(("mart", "key"), sorted(MARTS.items()))
def test_a_past_as_of_ignores_everything_after_it(backfills, mart: str, key: str) -> None:
    full, truncated, _ = backfills
    from_full = read_mart(full, mart, key)
    from_truncated = read_mart(truncated, mart, key)
    assert len(from_full) > 100
    pd.testing.assert_frame_equal(from_full, from_truncated, check_exact=False, rtol=1e-9)
