"""rpt_lifecycle_kpis on generated worlds: each industry's four lifecycle KPIs are measured
(non-null in some week) in a world generated with its --industry, while the KPIs of an industry
whose events the world lacks are null with a reason; on the default test data the e-commerce
KPIs are measured. Staging takes every KPI event: only the generator's deliberately unknown
event names are quarantined as unknown."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from audiences.generate.vocabulary import UNKNOWN_EVENT_NAMES
from audiences.runtime import end_of_day
from warehouse_helpers import build, generate

END_DATE = "2026-06-30"
PERSONS = 400
# for each industry generated, one whose KPI events that world does not have
ABSENT = {"media": "travel", "travel": "media", "finance": "media"}
STAGES = {"inactive", "lapsed", "active", "loyal"}


def generated_and_built(root: Path, industry: str) -> Path:
    path = root / industry / "audiences.duckdb"
    generate(path, PERSONS, 5, END_DATE, "--industry", industry)
    # cautious: leave out the tests that also read models outside the selection
    build(
        path,
        end_of_day(END_DATE),
        "--select",
        "+rpt_lifecycle_kpis",
        "--indirect-selection",
        "cautious",
        "--quiet",
    )
    return path


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One world per industry, generated and built side by side (each dbt run waits on its
    own parsing much of the time)."""
    root = tmp_path_factory.mktemp("kpis")
    with ThreadPoolExecutor(max_workers=len(ABSENT)) as pool:
        paths = {industry: pool.submit(generated_and_built, root, industry) for industry in ABSENT}
        return {industry: future.result() for industry, future in paths.items()}


@pytest.fixture(params=sorted(ABSENT))
def industry_world(request: pytest.FixtureRequest, worlds: dict[str, Path]) -> tuple[str, Path]:
    return request.param, worlds[request.param]


def kpi_rows(path: Path, industry: str) -> list[tuple[str, float | None, str | None]]:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute(
            "select lifecycle_stage, kpi_value, null_reason from marts.rpt_lifecycle_kpis "
            "where industry = ?",
            [industry],
        ).fetchall()
    finally:
        connection.close()


def measured_stages(rows: list[tuple[str, float | None, str | None]]) -> set[str]:
    return {stage for stage, value, _ in rows if value is not None}


def test_the_industry_generated_has_all_four_kpis_measured(industry_world) -> None:
    industry, path = industry_world
    assert measured_stages(kpi_rows(path, industry)) == STAGES


def test_an_industry_whose_events_are_missing_is_null_with_a_reason(industry_world) -> None:
    industry, path = industry_world
    rows = kpi_rows(path, ABSENT[industry])
    assert rows
    assert all(value is None for _, value, _ in rows)
    assert all(reason is not None and reason.endswith("in the data") for _, _, reason in rows), {
        reason for _, _, reason in rows
    }


def test_staging_takes_every_kpi_event(industry_world) -> None:
    _, path = industry_world
    connection = duckdb.connect(str(path), read_only=True)
    try:
        unknown = connection.execute(
            "select distinct trim(raw_event_name) from staging.base_raw__events "
            "where quarantine_reason = 'unknown_event_name'"
        ).fetchall()
    finally:
        connection.close()
    assert {name for (name,) in unknown} <= set(UNKNOWN_EVENT_NAMES)


def test_the_default_data_measures_the_e_commerce_kpis(warehouse_path: Path) -> None:
    assert measured_stages(kpi_rows(warehouse_path, "e-commerce")) == STAGES
