"""`dbt source freshness` judges a load time, never a business time: freshly generated data
passes for every raw table (a subscription that started months ago, synced an hour ago, is
fresh), and the same data made stale (its batches and receive times moved back a month) fails
for every table, with a non-zero exit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from audiences.raw_contract import RAW_TABLES
from warehouse_helpers import Completed, dbt_result, generate

STALE_DAYS = 31  # beyond every error_after, privacy requests' 30 days included


def freshness(db_path: Path) -> tuple[Completed, dict[str, dict[str, Any]]]:
    run = dbt_result(db_path, "source", "freshness")
    results = json.loads((db_path.parent / "target" / "sources.json").read_text())["results"]
    return run, {result["unique_id"].rsplit(".", 1)[-1]: result for result in results}


@pytest.fixture(scope="module")
def generated_today(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("freshness") / "audiences.duckdb"
    generate(db_path, 300, 11, dt.datetime.now(dt.UTC).date().isoformat())
    return db_path


def test_freshly_generated_data_is_fresh_in_every_table(generated_today: Path) -> None:
    run, results = freshness(generated_today)
    assert run.returncode == 0, run.stdout[-3000:]
    assert set(results) == set(RAW_TABLES)
    statuses = {table: result["status"] for table, result in results.items()}
    assert set(statuses.values()) == {"pass"}, statuses


def test_data_made_stale_fails_in_every_table(generated_today: Path) -> None:
    with duckdb.connect(str(generated_today)) as connection:
        connection.execute(
            f"update raw._load_batches set loaded_at = loaded_at - interval {STALE_DAYS} day"
        )
        for table in ("events", "identifies"):
            connection.execute(
                f"update raw.{table} set received_at = received_at - interval {STALE_DAYS} day"
            )
    run, results = freshness(generated_today)
    assert run.returncode != 0
    statuses = {table: result["status"] for table, result in results.items()}
    assert set(statuses.values()) == {"error"}, statuses
