"""Build the project on Apache Spark and require every table to equal the DuckDB build.

    audiences spark [--persons 2000] [--seed 7] [--end-date 2026-06-30]

The same models, seeds and tests run on two engines from the same raw rows. A small data set is
generated into DuckDB and built there (`dbt seed`, `dbt run`); its raw tables are exported to
parquet and registered as Spark's `raw` tables; `dbt seed` and `dbt build` (models, data tests,
unit tests, contracts) run on the profile's `spark` target, a pyspark session in the dbt
process; then every table of the reference (seeds), staging, intermediate and marts schemas
must hold the same rows on both engines (floating-point columns to a relative 1e-9). It exits
non-zero on the first failing step or on any difference.

Spark builds the incremental event staging (tag `received_days`, macros/received_days.sql)
twice, as a daily job does: first from the raw rows received before the last day, then, with
that day's rows added, incrementally within the `dbt build`; DuckDB builds everything at once.

Needs requirements-spark.txt and Java 17: `python3 scripts/dev.py spark` installs and runs it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from audiences.compare import frame_difference
from audiences.console import ArgumentParser
from audiences.runtime import REPO_ROOT, dbt_env, end_of_day, run, venv_executable

DEFAULT_WORK_DIR = REPO_ROOT / "data" / "spark_check"
# reference: the seeds, loaded by each engine's own seed loader (dbt-spark's once wrote an empty
# cell as the text 'None')
COMPARED_SCHEMAS = ("reference", "staging", "intermediate", "marts")
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER")


@dataclass(frozen=True)
class Paths:
    work_dir: Path

    @property
    def duckdb_file(self) -> Path:
        # not raw.duckdb: DuckDB names the catalog after the file, and a catalog called `raw`
        # makes the schema name `raw` ambiguous
        return self.work_dir / "duckdb" / "audiences.duckdb"

    @property
    def parquet_dir(self) -> Path:
        return self.work_dir / "raw_parquet"

    @property
    def day_before_parquet_dir(self) -> Path:
        return self.work_dir / "raw_parquet_day_before"

    @property
    def spark_dir(self) -> Path:
        return self.work_dir / "spark"

    @property
    def spark_warehouse(self) -> Path:
        return self.spark_dir / "warehouse"


@dataclass(frozen=True)
class TableResult:
    relation: str
    duckdb_rows: int
    spark_rows: int
    problem: str | None


def check_env(paths: Paths) -> dict[str, str]:
    return dbt_env(paths.duckdb_file, AUDIENCES_SPARK_DIR=str(paths.spark_dir))


def dbt(arguments: list[str], target: str, env: dict[str, str]) -> None:
    # a target path of its own, so the check leaves target/ of the DuckDB build alone
    target_path = f"target/spark_check_{target}"
    run([venv_executable("dbt"), *arguments, "--target", target, "--target-path", target_path], env)


def build_on_duckdb(args: argparse.Namespace, paths: Paths, env: dict[str, str]) -> None:
    paths.duckdb_file.parent.mkdir(parents=True)
    run(
        [
            sys.executable,
            "scripts/generate_data.py",
            "--persons",
            str(args.persons),
            "--seed",
            str(args.seed),
            "--end-date",
            args.end_date,
        ],
        env,
    )
    dbt(["seed"], "duckdb", env)
    dbt(["run", "--vars", as_of_vars(args.end_date)], "duckdb", env)


def as_of_vars(end_date: str) -> str:
    return json.dumps({"as_of": end_of_day(end_date)})


def export_raw_tables(paths: Paths, end_date: str) -> list[str]:
    """Write every raw table as parquet, timestamps as instants (Spark reads them as UTC): all
    rows, and the rows received before `end_date` (the load of the day before)."""
    export_raw_parquet(paths, paths.parquet_dir, None)
    return export_raw_parquet(paths, paths.day_before_parquet_dir, end_date)


def export_raw_parquet(paths: Paths, directory: Path, received_before: str | None) -> list[str]:
    with duckdb.connect(str(paths.duckdb_file), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'raw' and not starts_with(table_name, '_load_') "
                "order by table_name"
            ).fetchall()
        ]
        for table in tables:
            columns = column_types(connection, "raw", table)
            select_list = ", ".join(
                f'cast("{name}" as timestamptz) as "{name}"'
                if data_type.startswith("TIMESTAMP")
                else f'"{name}"'
                for name, data_type in columns
            )
            received = any(name == "received_at" for name, _ in columns)
            condition = (
                f"cast(received_at as date) < date '{received_before}' or received_at is null"
                if received_before and received
                else "true"
            )
            table_dir = directory / table
            table_dir.mkdir(parents=True)
            connection.execute(
                f"copy (select {select_list} from raw.{table} where {condition}) "
                f"to '{table_dir / 'part-0.parquet'}' (format parquet)"
            )
    return tables


def column_types(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str
) -> list[tuple[str, str]]:
    return connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()


def build_on_spark(
    args: argparse.Namespace, paths: Paths, tables: list[str], env: dict[str, str]
) -> None:
    for directory in (paths.day_before_parquet_dir, paths.parquet_dir):
        registration = json.dumps({"directory": str(directory), "tables": tables})
        dbt(["run-operation", "register_raw_parquet", "--args", registration], "spark", env)
        if directory == paths.day_before_parquet_dir:
            dbt(["seed"], "spark", env)
            dbt(["run", "--select", "+tag:received_days"], "spark", env)
    dbt(
        ["build", "--exclude", "resource_type:seed", "--vars", as_of_vars(args.end_date)],
        "spark",
        env,
    )


def compared_tables(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    placeholders = ", ".join("?" for _ in COMPARED_SCHEMAS)
    return connection.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_type = 'BASE TABLE' and table_schema in ({placeholders}) "
        "order by table_schema, table_name",
        list(COMPARED_SCHEMAS),
    ).fetchall()


def normalized(name: str, data_type: str) -> str:
    """One type per column on both engines: the DuckDB type decides."""
    if data_type in FLOAT_TYPES or data_type.startswith("DECIMAL"):
        return f'cast("{name}" as double) as "{name}"'
    if data_type in INTEGER_TYPES:
        return f'cast("{name}" as bigint) as "{name}"'
    if data_type.startswith("TIMESTAMP"):
        return f'cast("{name}" as timestamp) as "{name}"'
    if data_type in ("BOOLEAN", "DATE"):
        return f'cast("{name}" as {data_type.lower()}) as "{name}"'
    return f'cast("{name}" as varchar) as "{name}"'


def sorted_frame(
    connection: duckdb.DuckDBPyConnection, relation: str, columns: list[tuple[str, str]]
) -> pd.DataFrame:
    select_list = ", ".join(normalized(name, data_type) for name, data_type in columns)
    exact = [f'"{name}"' for name, data_type in columns if not is_float(data_type)]
    floats = [f'"{name}"' for name, data_type in columns if is_float(data_type)]
    order_by = ", ".join([*exact, *floats]) or "1"
    frame = connection.execute(
        f"select * from (select {select_list} from {relation}) order by {order_by} nulls last"
    ).df()
    return frame.reset_index(drop=True)


def is_float(data_type: str) -> bool:
    return data_type in FLOAT_TYPES or data_type.startswith("DECIMAL")


def compare_table(
    connection: duckdb.DuckDBPyConnection, paths: Paths, schema: str, table: str
) -> TableResult:
    relation = f"{schema}.{table}"
    columns = column_types(connection, schema, table)
    duckdb_frame = sorted_frame(connection, f'"{schema}"."{table}"', columns)
    # a partitioned table (the event staging, by received_on) keeps its files in subfolders
    spark_files = sorted((paths.spark_warehouse / f"{schema}.db" / table).rglob("*.parquet"))
    if not spark_files:
        problem = None if duckdb_frame.empty else "no table on Spark"
        return TableResult(relation, len(duckdb_frame), 0, problem)
    file_list = ", ".join(f"'{path}'" for path in spark_files)
    spark_relation = f"read_parquet([{file_list}], hive_partitioning = true)"
    spark_columns = {
        row[0] for row in connection.execute(f"describe select * from {spark_relation}").fetchall()
    }
    missing = [name for name, _ in columns if name not in spark_columns]
    if missing:
        return TableResult(relation, len(duckdb_frame), -1, f"columns missing on Spark: {missing}")
    spark_frame = sorted_frame(connection, spark_relation, columns)
    return TableResult(
        relation, len(duckdb_frame), len(spark_frame), frame_difference(duckdb_frame, spark_frame)
    )


def compare_engines(paths: Paths) -> list[TableResult]:
    with duckdb.connect(str(paths.duckdb_file), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        return [
            compare_table(connection, paths, schema, table)
            for schema, table in compared_tables(connection)
        ]


def report(results: list[TableResult]) -> int:
    print("\nDuckDB and Spark, table by table\n")
    for result in results:
        verdict = "equal" if result.problem is None else f"DIFFERENT: {result.problem}"
        print(f"  {result.relation:<55} {result.duckdb_rows:>9,} rows  {verdict}")
    failures = sum(result.problem is not None for result in results)
    print(f"\nspark check: {len(results) - failures} tables equal, {failures} different")
    return failures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end-date", default="2026-06-30")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    paths = Paths(args.work_dir.resolve())
    shutil.rmtree(paths.work_dir, ignore_errors=True)
    env = check_env(paths)
    build_on_duckdb(args, paths, env)
    tables = export_raw_tables(paths, args.end_date)
    build_on_spark(args, paths, tables, env)
    failures = report(compare_engines(paths))
    if failures:
        print(f"FAILED: {failures} table(s) differ between DuckDB and Spark", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
