"""Print what a build produced: rows in raw, staged, removed as duplicates and quarantined per
raw table, the quarantine reasons, the identity summary and the audience sizes. Reads the DuckDB
file named by AUDIENCES_DUCKDB_PATH."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audiences.raw_contract import RAW_TABLES, database_file_problem

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "audiences.duckdb"
DEFAULT_SERVING_PATH = Path(__file__).resolve().parents[1] / "data" / "serving" / "audiences.duckdb"


def row_counts(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int, int, int]]:
    rows = []
    for table in RAW_TABLES:
        raw_rows = connection.execute(f"select count(*) from raw.{table}").fetchone()[0]
        staged_rows = connection.execute(
            f"select count(*) from staging.stg_raw__{table}"
        ).fetchone()[0]
        duplicate_rows = connection.execute(
            "select coalesce(sum(duplicate_rows), 0) from staging.stg_raw__removed_duplicates"
            " where source_table = ?",
            [table],
        ).fetchone()[0]
        quarantined_rows = connection.execute(
            "select count(*) from staging.stg_raw__quarantined_rows where source_table = ?", [table]
        ).fetchone()[0]
        rows.append((table, raw_rows, staged_rows, int(duplicate_rows), quarantined_rows))
    return rows


def print_table(headers: list[str], rows: list[tuple[object, ...]]) -> None:
    widths = [max(len(str(value)) for value in [header, *column]) for header, column in
              zip(headers, zip(*rows, strict=True) if rows else [[]] * len(headers), strict=True)]
    line = "  ".join(f"{header:<{width}}" for header, width in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(
            f"{value:>{width},}" if isinstance(value, int) else f"{value!s:<{width}}"
            for value, width in zip(row, widths, strict=True)
        ))


def main() -> None:
    path = os.environ.get("AUDIENCES_DUCKDB_PATH", str(DEFAULT_PATH))
    problem = database_file_problem(Path(path))
    if problem:
        sys.exit(f"error: {problem}")
    connection = duckdb.connect(path, read_only=True)
    print(f"\nWarehouse: {path}\n")
    print_table(["raw table", "raw", "staged", "duplicates", "quarantined"], row_counts(connection))
    reasons = connection.execute(
        "select source_table, quarantine_reason, count(*) from staging.stg_raw__quarantined_rows"
        " group by all order by 1, 3 desc"
    ).fetchall()
    print("\nQuarantine reasons\n")
    print_table(["raw table", "reason", "rows"], reasons)
    persons = connection.execute(
        "select count(*), count(*) filter (where is_anonymous),"
        " count(*) filter (where stitched_anonymous_id_count > 1)"
        " from intermediate.int_persons_identified"
    ).fetchall()
    print("\nPersons\n")
    print_table(["persons", "anonymous", "with 2+ devices"], persons)
    sizes = connection.execute(
        "select audience_name, member_type, members, emailable_members, base_size,"
        " round(100 * share_of_base, 1), case when is_small_and_not_top_value then 'yes'"
        " else '' end from marts.rpt_audience_sizes order by audience_priority"
    ).fetchall()
    print("\nAudience sizes\n")
    print_table(
        ["audience", "member", "members", "emailable", "base", "% of base", "small, not top"],
        sizes,
    )
    print_publish()


def print_publish() -> None:
    """Which publish readers see now (scripts/serving.py)."""
    serving = Path(os.environ.get("AUDIENCES_SERVING_PATH", DEFAULT_SERVING_PATH))
    if not serving.exists():
        print(f"\nNothing published yet at {serving}: run `python3 scripts/dev.py publish`.")
        return
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        publish = connection.execute(
            "select publish_id, as_of, published_at from current_publish"
        ).fetchall()
    finally:
        connection.close()
    print(f"\nPublished to {serving} (what BI tools and syncs read; README: Connect)\n")
    print_table(["publish", "as_of", "published at"], publish)


if __name__ == "__main__":
    main()
