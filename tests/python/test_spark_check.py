"""The table comparison of scripts/spark_check.py: equal means the same rows in any order, with
types normalized and floats to a relative 1e-9; anything else is reported. The Spark side is
parquet written here, as Spark writes its warehouse, so no Spark is needed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import spark_check

DUCKDB_ROWS = """
    select * from (values
        ('p1', 3, 12.5::double, 19.90::decimal(28, 6), timestamp '2026-06-30 23:59:59', true),
        ('p2', null, 1.0 / 3, 0::decimal(28, 6), null, false),
        ('p3', 1, null, null, timestamp '2026-01-01 00:00:00', null)
    ) as rows (person_id, orders_count, share, revenue, last_order_at, is_emailable)
"""


@pytest.fixture
def paths(tmp_path: Path) -> spark_check.Paths:
    paths = spark_check.Paths(tmp_path)
    paths.duckdb_file.parent.mkdir(parents=True)
    with duckdb.connect(str(paths.duckdb_file)) as connection:
        connection.execute("create schema marts")
        connection.execute(f"create table marts.dim_persons as {DUCKDB_ROWS}")
    return paths


def write_spark_table(paths: spark_check.Paths, select_sql: str) -> None:
    """As Spark would: parquet parts in <warehouse>/<schema>.db/<table>/, timestamps as instants."""
    table_dir = paths.spark_warehouse / "marts.db" / "dim_persons"
    table_dir.mkdir(parents=True)
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute(
            f"copy (select * replace (cast(last_order_at as timestamptz) as last_order_at) "
            f"from ({select_sql})) to '{table_dir / 'part-00000.parquet'}' (format parquet)"
        )


def compare(paths: spark_check.Paths) -> spark_check.TableResult:
    with duckdb.connect(str(paths.duckdb_file), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        return spark_check.compare_table(connection, paths, "marts", "dim_persons")


def test_same_rows_in_another_order_and_types_are_equal(paths: spark_check.Paths) -> None:
    # Spark returns integers as int, decimals with another scale, and rows in any order
    write_spark_table(
        paths,
        f"select person_id, cast(orders_count as integer) as orders_count, share, "
        f"cast(revenue as decimal(38, 10)) as revenue, last_order_at, is_emailable "
        f"from ({DUCKDB_ROWS}) order by person_id desc",
    )

    result = compare(paths)

    assert result.problem is None
    assert (result.duckdb_rows, result.spark_rows) == (3, 3)


def test_float_within_relative_tolerance_is_equal(paths: spark_check.Paths) -> None:
    write_spark_table(
        paths, f"select * replace (share * (1 + 1e-12) as share) from ({DUCKDB_ROWS})"
    )

    assert compare(paths).problem is None


@pytest.mark.parametrize(
    "change",
    [
        "share * (1 + 1e-6) as share",  # a decimal rounded to 6 places on one engine
        "case when person_id = 'p2' then 1 else orders_count end as orders_count",  # null vs 1
        "case when person_id = 'p1' then 'p9' else person_id end as person_id",
        "last_order_at + interval 1 second as last_order_at",
        "not is_emailable as is_emailable",
    ],
)
def test_a_changed_value_is_reported(paths: spark_check.Paths, change: str) -> None:
    write_spark_table(paths, f"select * replace ({change}) from ({DUCKDB_ROWS})")

    assert compare(paths).problem is not None


def test_a_missing_or_extra_row_is_reported(paths: spark_check.Paths) -> None:
    write_spark_table(
        paths, f"select * from ({DUCKDB_ROWS}) union all select * from ({DUCKDB_ROWS}) limit 4"
    )

    result = compare(paths)

    assert result.problem is not None
    assert result.spark_rows == 4


def test_a_missing_column_is_reported(paths: spark_check.Paths) -> None:
    write_spark_table(paths, f"select * exclude (is_emailable) from ({DUCKDB_ROWS})")

    problem = compare(paths).problem

    assert problem is not None
    assert "is_emailable" in problem


def test_a_table_missing_on_spark_is_reported(paths: spark_check.Paths) -> None:
    assert compare(paths).problem == "no table on Spark"
