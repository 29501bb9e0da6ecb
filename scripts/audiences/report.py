"""Print what a build produced: rows in raw, staged, removed as duplicates and quarantined per
raw table, the quarantine reasons, the identity summary and the audience sizes, then which
publish readers see; and write the charts of the build as one self-contained HTML file
(audiences.html_report), `report.html` beside the warehouse unless --html names another.
Reads the build warehouse named by AUDIENCES_DUCKDB_PATH (default data/audiences.duckdb) and
the serving store named by AUDIENCES_SERVING_PATH.

    audiences report                    (or: python scripts/report.py)
    audiences report --html out.html
"""

from __future__ import annotations

import sys
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

import duckdb

from audiences.console import ArgumentParser, fail, one_line
from audiences.html_report import write_html_report
from audiences.raw_contract import RAW_TABLES, database_file_problem
from audiences.runtime import duckdb_path
from audiences.serving import serving_path

# what a built warehouse has; without them it is unbuilt (or not this project's)
BUILT_RELATIONS = (
    "staging.stg_raw__quarantined_rows",
    "intermediate.int_persons_identified",
    "marts.rpt_audience_sizes",
)


class ReportError(Exception):
    """The warehouse cannot be reported on; the message says why, in one line."""


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
    columns = zip(*rows, strict=True) if rows else [[]] * len(headers)
    widths = [
        max(len(str(value)) for value in [header, *column])
        for header, column in zip(headers, columns, strict=True)
    ]
    line = "  ".join(f"{header:<{width}}" for header, width in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print(
            "  ".join(
                f"{value:>{width},}" if isinstance(value, int) else f"{value!s:<{width}}"
                for value, width in zip(row, widths, strict=True)
            )
        )


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """The built warehouse, read-only; a missing, foreign or unbuilt one is a ReportError."""
    problem = database_file_problem(path)
    if problem:
        raise ReportError(problem)
    if not path.exists():
        raise ReportError(
            f"no warehouse at {path}: generate or load raw data and build first "
            "(python3 scripts/dev.py main, or audiences generate / load, then audiences build)"
        )
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise ReportError(f"cannot open {path}: {one_line(error)}") from error
    built = {
        row[0]
        for row in connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
            " union all select schema_name || '.' || view_name from duckdb_views()"
        ).fetchall()
    }
    missing = [relation for relation in BUILT_RELATIONS if relation not in built]
    if missing:
        connection.close()
        raise ReportError(
            f"{path} is not built (no {', '.join(missing)}): run `audiences build` "
            "(or python3 scripts/dev.py publish) first"
        )
    return connection


def print_section(
    connection: duckdb.DuckDBPyConnection, title: str, headers: list[str], sql: str
) -> None:
    """The rows `sql` reads, under `title`."""
    rows = connection.execute(sql).fetchall()
    print(f"\n{title}\n")
    print_table(headers, rows)


def print_report(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    print(f"\nWarehouse: {path}\n")
    print_table(["raw table", "raw", "staged", "duplicates", "quarantined"], row_counts(connection))
    print_section(
        connection,
        "Quarantine reasons",
        ["raw table", "reason", "rows"],
        "select source_table, quarantine_reason, count(*) from staging.stg_raw__quarantined_rows"
        " group by all order by 1, 3 desc",
    )
    print_section(
        connection,
        "Persons",
        ["persons", "anonymous", "with 2+ devices"],
        "select count(*), count(*) filter (where is_anonymous),"
        " count(*) filter (where stitched_anonymous_id_count > 1)"
        " from intermediate.int_persons_identified",
    )
    print_section(
        connection,
        "Audience sizes",
        [
            "audience",
            "member",
            "members",
            "emailable",
            "base",
            "base size",
            "% of base",
            "small, not top",
        ],
        "select audience_name, member_type, members, emailable_members, size_base, base_size,"
        " round(100 * share_of_base, 1), case when is_small_and_not_top_value then 'yes'"
        " else '' end from marts.rpt_audience_sizes order by audience_priority",
    )


def print_publish(serving: Path) -> None:
    """Which publish readers see now (audiences.serving)."""
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


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__, formatter_class=RawDescriptionHelpFormatter)
    parser.add_argument(
        "--html",
        type=Path,
        help="where to write the HTML report (default: report.html beside the warehouse)",
    )
    args = parser.parse_args(argv)
    path = duckdb_path()
    try:
        connection = open_warehouse(path)
        try:
            print_report(connection, path)
            html_path = write_html_report(connection, args.html or path.with_name("report.html"))
            print(f"\nCharts: {html_path} (one file, opens offline in any browser)")
        finally:
            connection.close()
        print_publish(serving_path())
    except ReportError as error:
        return fail(parser.prog, error)
    except duckdb.Error as error:
        return fail(parser.prog, f"cannot report on {path}: {one_line(error)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
