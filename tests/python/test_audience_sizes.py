"""Every audience of the catalog is built and has members on the generated test data set (the
generator plants members for each one), and the size report counts what the tables hold."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def catalog_audiences() -> list[str]:
    with (REPO_ROOT / "seeds" / "audience_catalog.csv").open(newline="") as seed:
        return [row["audience_name"] for row in csv.DictReader(seed)]


@pytest.mark.parametrize("audience", catalog_audiences())
def test_audience_table_has_members(warehouse: duckdb.DuckDBPyConnection, audience: str) -> None:
    (members,) = warehouse.execute(f"select count(*) from marts.aud_{audience}").fetchone()
    assert members > 0, f"aud_{audience} is empty on the generated test data set"


@pytest.mark.parametrize("audience", catalog_audiences())
def test_size_report_counts_the_distinct_members_of_the_table(
    warehouse: duckdb.DuckDBPyConnection, audience: str
) -> None:
    # product_champions is keyed (account_id, person_id) and counts persons
    columns = {row[0] for row in warehouse.execute(f"describe marts.aud_{audience}").fetchall()}
    key = "person_id" if "person_id" in columns else "account_id"
    (in_table,) = warehouse.execute(
        f"select count(distinct {key}) from marts.aud_{audience}"
    ).fetchone()
    reported = warehouse.execute(
        "select members from marts.rpt_audience_sizes where audience_name = ?", [audience]
    ).fetchone()
    assert reported is not None, f"{audience} is missing from rpt_audience_sizes"
    assert reported[0] == in_table
