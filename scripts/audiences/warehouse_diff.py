"""Compare the built tables of two DuckDB warehouses, table by table.

    audiences diff LEFT.duckdb RIGHT.duckdb [--schema marts ...]

Two builds of the same raw data (say a full refresh and a replay of daily incremental runs)
must hold the same rows in every table: compared as sorted multisets, floating-point columns to
a relative 1e-9 (sums may add in another order), the same way the Spark check compares engines.
Exits 1 and names every table that differs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from audiences.compare import frame_difference
from audiences.console import ArgumentParser, fail
from audiences.spark_check import COMPARED_SCHEMAS, sorted_frame


@dataclass(frozen=True)
class TableDifference:
    relation: str
    problem: str


def built_tables(
    connection: duckdb.DuckDBPyConnection, catalog: str, schemas: list[str]
) -> set[str]:
    placeholders = ", ".join("?" for _ in schemas)
    rows = connection.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        f"where database_name = ? and schema_name in ({placeholders})",
        [catalog, *schemas],
    ).fetchall()
    return {row[0] for row in rows}


def table_differences(
    left: Path, right: Path, schemas: list[str] | None = None
) -> list[TableDifference]:
    """Every table of `schemas` that is missing on one side or holds other rows."""
    schemas = list(schemas or COMPARED_SCHEMAS)
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(f"attach '{left}' as left_warehouse (read_only)")
    connection.execute(f"attach '{right}' as right_warehouse (read_only)")
    left_tables = built_tables(connection, "left_warehouse", schemas)
    right_tables = built_tables(connection, "right_warehouse", schemas)
    differences = [
        TableDifference(relation, f"only in {side}")
        for relation, side in [
            *((name, left.name) for name in sorted(left_tables - right_tables)),
            *((name, right.name) for name in sorted(right_tables - left_tables)),
        ]
    ]
    for relation in sorted(left_tables & right_tables):
        problem = relation_difference(connection, relation)
        if problem:
            differences.append(TableDifference(relation, problem))
    connection.close()
    return differences


def catalog_columns(
    connection: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> list[tuple[str, str]]:
    return connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()


def relation_difference(connection: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    schema, table = relation.split(".")
    left_columns = catalog_columns(connection, "left_warehouse", schema, table)
    right_columns = catalog_columns(connection, "right_warehouse", schema, table)
    if left_columns != right_columns:
        return f"columns differ: {left_columns} vs {right_columns}"
    left_frame = sorted_frame(connection, f'left_warehouse."{schema}"."{table}"', left_columns)
    right_frame = sorted_frame(connection, f'right_warehouse."{schema}"."{table}"', right_columns)
    return frame_difference(left_frame, right_frame)


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("left", type=Path)
    parser.add_argument("right", type=Path)
    parser.add_argument("--schema", action="append", help="a schema to compare (repeatable)")
    args = parser.parse_args(argv)
    for path in (args.left, args.right):
        if not path.is_file():
            return fail(parser.prog, f"no warehouse at {path}")
    differences = table_differences(args.left, args.right, args.schema)
    for difference in differences:
        print(f"DIFFERENT {difference.relation}: {difference.problem}")
    print(f"{len(differences)} tables differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
