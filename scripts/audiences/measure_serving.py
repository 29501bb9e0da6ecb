"""Measure the two roads to a serving store that readers use while the next build runs (README,
Publish and connect): a DuckDB file swapped in with an atomic rename (what audiences.serving
does) and DuckLake with a SQLite catalog. A writer publishes the public marts of a built
warehouse N times while one reader opens, queries and closes in a loop and another holds one
connection open; printed: the median publish time, reads, failed reads and median read time.

    python scripts/measure_serving.py BUILD.duckdb [--publishes 15] [--ducklake-extensions DIR]

DuckLake is measured only with --ducklake-extensions: a folder holding the `ducklake` and
`sqlite_scanner` extension files of DuckDB's version, e.g. the unpacked wheels of
`pip download duckdb-extension-ducklake==1.4.4 duckdb-extension-sqlite-scanner==1.4.4`
(nothing is downloaded at run time).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from audiences.console import ArgumentParser

READ = (
    "select (select publish_id from publish_log), (select count(*) from dim_persons),"
    " (select count(*) from fct_audience_memberships)"
)


def mart_names(build: Path) -> list[str]:
    connection = duckdb.connect(str(build), read_only=True)
    try:
        return [
            row[0]
            for row in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        ]
    finally:
        connection.close()


def swap_publish(build: Path, marts: list[str], target: str, publish_id: int) -> None:
    staging = f"{target}.{publish_id}.publishing"
    connection = duckdb.connect(staging)
    connection.execute(f"attach '{build}' as build (read_only)")
    for table in marts:
        connection.execute(f"create table {table} as select * from build.marts.{table}")
    connection.execute(f"create table publish_log as select {publish_id} as publish_id")
    connection.close()
    os.replace(staging, target)


def lake_connect(extensions: Path, folder: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for name in ("ducklake", "sqlite_scanner"):
        connection.execute(f"load '{next(extensions.rglob(name + '.duckdb_extension'))}'")
    mode = ", read_only" if read_only else ""
    connection.execute(
        f"attach 'ducklake:sqlite:{folder}/catalog.sqlite' as lake"
        f" (data_path '{folder}/data'{mode})"
    )
    connection.execute("use lake")
    return connection


def lake_publish(
    build: Path, marts: list[str], folder: str, publish_id: int, extensions: Path
) -> None:
    connection = lake_connect(extensions, folder, read_only=False)
    connection.execute(f"attach '{build}' as build (read_only)")
    connection.execute("begin")
    for table in marts:
        connection.execute(f"create or replace table {table} as select * from build.marts.{table}")
    connection.execute(f"create or replace table publish_log as select {publish_id} as publish_id")
    connection.execute("commit")
    connection.close()


def read_loop(road: str, target: str, extensions: str, hold: bool, stop, results) -> None:  # noqa: ANN001
    reads = failures = 0
    seconds: list[float] = []
    connection = None
    while not stop.is_set():
        started = time.monotonic()
        try:
            if connection is None:
                connection = (
                    duckdb.connect(target, read_only=True)
                    if road == "swap"
                    else lake_connect(Path(extensions), target, read_only=True)
                )
            connection.execute(READ).fetchall()
            reads += 1
            if not hold:
                connection.close()
                connection = None
        except duckdb.Error:
            failures += 1
            connection = None
        seconds.append(time.monotonic() - started)
    results.put(
        ("held" if hold else "open-query-close", reads, failures, statistics.median(seconds))
    )


def measure(
    road: str, publish: Callable[[int], None], target: str, extensions: str, publishes: int
) -> None:
    publish(0)
    stop, results = multiprocessing.Event(), multiprocessing.Queue()
    readers = [
        multiprocessing.Process(
            target=read_loop, args=(road, target, extensions, hold, stop, results)
        )
        for hold in (False, True)
    ]
    for reader in readers:
        reader.start()
    times = []
    for publish_id in range(1, publishes + 1):
        started = time.monotonic()
        publish(publish_id)
        times.append(time.monotonic() - started)
    stop.set()
    print(f"{road}: {publishes} publishes, median {statistics.median(times):.3f} s")
    for _ in readers:
        kind, reads, failures, median = results.get()
        print(f"  {kind}: {reads} reads, {failures} failed, median {1000 * median:.1f} ms")
    for reader in readers:
        reader.join()


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("build", type=Path, help="a built warehouse (its marts schema)")
    parser.add_argument("--publishes", type=int, default=15)
    parser.add_argument("--ducklake-extensions", type=Path)
    args = parser.parse_args(argv)
    if not args.build.is_file():
        parser.error(f"no built warehouse at {args.build}")
    marts = mart_names(args.build)
    folder = Path(tempfile.mkdtemp(prefix="serving-roads-"))
    try:
        swap_target = str(folder / "serving.duckdb")
        measure(
            "swap",
            lambda i: swap_publish(args.build, marts, swap_target, i),
            swap_target,
            "",
            args.publishes,
        )
        if args.ducklake_extensions:
            lake = folder / "lake"
            (lake / "data").mkdir(parents=True)
            measure(
                "ducklake",
                lambda i: lake_publish(args.build, marts, str(lake), i, args.ducklake_extensions),
                str(lake),
                str(args.ducklake_extensions),
                args.publishes,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
