"""The semantic layer answers as a BI tool would ask it: `mf validate-configs` passes against the
test build (semantics, then every dimension, entity, measure and metric queried in the
warehouse), and one `mf query` per metric group returns what the marts hold, recounted here
with plain SQL: orders, revenue and buyers by week and RFM segment; persons per lifecycle stage
and stage changes by week; members, emailable and holdout members by audience and publish;
each lifecycle KPI by week, industry and stage.

MetricFlow reads `target/semantic_manifest.json` under the directory it runs in and opens the
warehouse read-write, so each test run gets a project folder of its own (links to the
project's files) and a copy of the test warehouse."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from audiences.runtime import REPO_ROOT, dbt_env, venv_executable

PROJECT_ENTRIES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "analyses")


@pytest.fixture(scope="module")
def semantic_project(
    tmp_path_factory: pytest.TempPathFactory, warehouse_path: Path
) -> tuple[Path, dict[str, str]]:
    """A project folder linking the repository's files, parsed, and the env naming a copy of
    the test warehouse."""
    root = tmp_path_factory.mktemp("semantic")
    project = root / "project"
    project.mkdir()
    for entry in PROJECT_ENTRIES:
        (project / entry).symlink_to(REPO_ROOT / entry)
    copy = root / "audiences.duckdb"
    shutil.copyfile(warehouse_path, copy)
    env = dbt_env(copy, DBT_PROFILES_DIR=str(project))
    run(project, env, [venv_executable("dbt"), "parse", "--quiet"])
    return project, env


def run(project: Path, env: dict[str, str], command: list[str]) -> str:
    completed = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    return output


def mf_query(semantic_project: tuple[Path, dict[str, str]], *arguments: str) -> pd.DataFrame:
    project, env = semantic_project
    out = project / "query.csv"
    run(project, env, [venv_executable("mf"), "query", *arguments, "--csv", str(out)])
    return pd.read_csv(out)


def recount(semantic_project: tuple[Path, dict[str, str]], sql: str) -> pd.DataFrame:
    _, env = semantic_project
    with duckdb.connect(env["AUDIENCES_DUCKDB_PATH"], read_only=True) as connection:
        return connection.execute(sql).df()


def as_rows(frame: pd.DataFrame, columns: list[str]) -> set[tuple[object, ...]]:
    """The rows as comparable tuples: times as ISO days, numbers rounded to cents."""
    rows = set()
    for values in frame[columns].itertuples(index=False):
        row = []
        for value in values:
            if isinstance(value, pd.Timestamp) or (
                isinstance(value, str) and len(value) >= 10 and value[4] == "-"
            ):
                row.append(str(value)[:10])
            elif (
                value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
            ):
                row.append(None)
            elif isinstance(value, float):
                row.append(round(value, 2))
            else:
                row.append(value)
        rows.add(tuple(row))
    return rows


def test_the_semantic_layer_validates_against_the_test_build(
    semantic_project: tuple[Path, dict[str, str]],
) -> None:
    project, env = semantic_project
    output = run(project, env, [venv_executable("mf"), "validate-configs"])
    assert "ERROR:" not in output
    assert "Successfully validated metrics against data warehouse" in output


def test_orders_revenue_and_buyers_by_week_and_rfm_segment(
    semantic_project: tuple[Path, dict[str, str]],
) -> None:
    answer = mf_query(semantic_project, "--saved-query", "weekly_revenue_by_rfm_segment")
    expected = recount(
        semantic_project,
        "select date_trunc('week', orders.ordered_at) as metric_time__week,"
        " persons.rfm_segment as person__rfm_segment, count(*) as orders,"
        " sum(orders.net_revenue) as revenue, count(distinct orders.person_id) as buyers"
        " from marts.fct_orders as orders inner join marts.dim_persons as persons"
        " on orders.person_id = persons.person_id group by all",
    )
    columns = ["metric_time__week", "person__rfm_segment", "orders", "revenue", "buyers"]
    assert len(expected) > 0
    assert as_rows(answer, columns) == as_rows(expected, columns)


def test_persons_per_lifecycle_stage_by_week(
    semantic_project: tuple[Path, dict[str, str]],
) -> None:
    answer = mf_query(semantic_project, "--saved-query", "weekly_lifecycle_stages")
    expected = recount(
        semantic_project,
        "select date_trunc('week', week_ending_at) as metric_time__week,"
        " lifecycle_stage as person_week__stage, count(*) as lifecycle_stage_persons"
        " from marts.fct_lifecycle_weekly_stages group by all",
    )
    columns = ["metric_time__week", "person_week__stage", "lifecycle_stage_persons"]
    assert len(expected) > 0
    assert as_rows(answer, columns) == as_rows(expected, columns)


def test_lifecycle_stage_changes_by_week(semantic_project: tuple[Path, dict[str, str]]) -> None:
    answer = mf_query(semantic_project, "--saved-query", "weekly_lifecycle_flows")
    expected = recount(
        semantic_project,
        "select date_trunc('week', week_ending_at) as metric_time__week,"
        " coalesce(from_stage, 'new') as transition__from_stage,"
        " to_stage as transition__to_stage, count(*) as lifecycle_transitions"
        " from marts.fct_lifecycle_transitions group by all",
    )
    columns = [
        "metric_time__week",
        "transition__from_stage",
        "transition__to_stage",
        "lifecycle_transitions",
    ]
    assert len(expected) > 0
    assert as_rows(answer, columns) == as_rows(expected, columns)


def test_audience_members_by_audience_and_publish(
    semantic_project: tuple[Path, dict[str, str]],
) -> None:
    answer = mf_query(semantic_project, "--saved-query", "audience_sizes_by_publish")
    expected = recount(
        semantic_project,
        "select date_trunc('day', as_of) as metric_time__day,"
        " publish_id as audience_publish__publish_id,"
        " audience_name as audience_publish__audience_name,"
        " members as audience_members, emailable_members as audience_emailable_members,"
        " holdout_members as audience_holdout_members"
        " from marts.rpt_audience_size_history",
    )
    columns = [
        "metric_time__day",
        "audience_publish__publish_id",
        "audience_publish__audience_name",
        "audience_members",
        "audience_emailable_members",
        "audience_holdout_members",
    ]
    assert expected["audience_publish__publish_id"].nunique() > 1
    assert as_rows(answer, columns) == as_rows(expected, columns)


def test_each_lifecycle_kpi_by_week(semantic_project: tuple[Path, dict[str, str]]) -> None:
    answer = mf_query(semantic_project, "--saved-query", "weekly_lifecycle_kpis")
    answer = answer[answer["lifecycle_kpi"].notna()]
    expected = recount(
        semantic_project,
        "select date_trunc('week', week_ending_at) as metric_time__week,"
        " industry as lifecycle_kpi_week__industry,"
        " lifecycle_stage as lifecycle_kpi_week__lifecycle_stage,"
        " kpi as lifecycle_kpi_week__kpi, kpi_value as lifecycle_kpi"
        " from marts.rpt_lifecycle_kpis where kpi_value is not null",
    )
    columns = [
        "metric_time__week",
        "lifecycle_kpi_week__industry",
        "lifecycle_kpi_week__lifecycle_stage",
        "lifecycle_kpi_week__kpi",
        "lifecycle_kpi",
    ]
    assert len(expected) > 0
    assert as_rows(answer, columns) == as_rows(expected, columns)
