"""The serving store: the last good publish, which BI tools, reverse-ETL jobs and notebooks read.

A publish is a new DuckDB file holding every public mart of one green build (plain tables in
schema `main`, primary keys kept) plus `publish_log` (one row per publish, with its `as_of`) and
`publish_raw_tables` (the raw row counts each publish was built from). It is written beside the
serving file under a temporary name, closed (which checkpoints it: no WAL is left), and then
renamed over the serving file in one atomic step. A reader that opens the serving file sees one
whole publish; a reader holding a connection keeps the publish it opened (its file stays on disk
until it closes) and sees the next one when it reconnects; no reader ever takes a lock that the
builder needs, since the build writes a different file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from audiences.console import ArgumentParser, fail
from audiences.console import one_line as one_line
from audiences.runtime import REPO_ROOT

SERVING_ENV_VAR = "AUDIENCES_SERVING_PATH"
DEFAULT_SERVING_PATH = REPO_ROOT / "data" / "serving" / "audiences.duckdb"
PUBLISH_LOG = "publish_log"
PUBLISH_RAW_TABLES = "publish_raw_tables"
METADATA_TABLES = (PUBLISH_LOG, PUBLISH_RAW_TABLES)
# What a build continues from the last publish: dbt reads them from schema `published` of the
# build warehouse (models/staging/published/), so its feed and size history extend the
# published ones, and a build that is not published changes no history.
HISTORY_SCHEMA = "published"
HISTORY_TABLES = (PUBLISH_LOG, "fct_audience_membership_changes", "rpt_audience_size_history")


class ServingError(Exception):
    """Something a user can get wrong or fix: the message says what, in one line."""


@dataclass(frozen=True)
class LastPublish:
    publish_id: int
    as_of: dt.datetime
    raw_rows: dict[str, int]


@dataclass(frozen=True)
class PublishRecord:
    as_of: dt.datetime
    newest_event_at: dt.datetime | None
    dbt_invocation_id: str | None
    forced_reasons: str | None
    raw_rows: dict[str, int]


def serving_path() -> Path:
    return Path(os.environ.get(SERVING_ENV_VAR, DEFAULT_SERVING_PATH)).resolve()


@contextlib.contextmanager
def publish_lock(path: Path) -> Iterator[None]:
    """One publisher at a time (a second waits); readers never take it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def last_publish(path: Path) -> LastPublish | None:
    if not path.exists():
        return None
    connection = duckdb.connect(str(path), read_only=True)
    try:
        row = connection.execute(
            f"select publish_id, as_of from {PUBLISH_LOG} order by publish_id desc limit 1"
        ).fetchone()
        if row is None:
            return None
        counts = connection.execute(
            f"select raw_table, raw_rows from {PUBLISH_RAW_TABLES} where publish_id = ?", [row[0]]
        ).fetchall()
    finally:
        connection.close()
    return LastPublish(int(row[0]), row[1], {table: int(rows) for table, rows in counts})


def stage_history(build_path: Path, path: Path | None) -> None:
    """Copy the last publish's history into the build warehouse's `published` schema; without
    a last publish (path None or absent), leave that schema out, so the build starts a new
    history."""
    connection = duckdb.connect(str(build_path))
    try:
        connection.execute(f"drop schema if exists {HISTORY_SCHEMA} cascade")
        if path is None or not path.exists():
            return
        connection.execute(f"create schema {HISTORY_SCHEMA}")
        connection.execute(f"attach '{sql_text(path)}' as previous (read_only)")
        published = {
            row[0]
            for row in connection.execute(
                "select table_name from duckdb_tables() where database_name = 'previous'"
                " and schema_name = 'main'"
            ).fetchall()
        }
        for table in HISTORY_TABLES:
            if table in published:
                connection.execute(
                    f"create table {HISTORY_SCHEMA}.{table} as select * from previous.main.{table}"
                )
        connection.execute("detach previous")
    except duckdb.IOException as error:
        raise ServingError(
            f"cannot write the build warehouse {build_path} ({one_line(error)}): is another "
            "build running on it?"
        ) from error
    finally:
        connection.close()


def swings(build_path: Path) -> list[str]:
    """The audiences of this build's publish whose size moved beyond audience_swing_warn_share."""
    connection = duckdb.connect(str(build_path), read_only=True)
    try:
        rows = connection.execute(
            """select audience_name, previous_members, members, member_change_share
            from marts.rpt_audience_size_history
            where is_swing
                and publish_id = (select max(publish_id) from marts.rpt_audience_size_history)
            order by audience_name"""
        ).fetchall()
    finally:
        connection.close()
    return [
        f"audience {name} moved from {previous:,} to {members:,} members ({share:+.0%}) since "
        "the last publish"
        for name, previous, members, share in rows
    ]


def write_publish(
    build_path: Path,
    path: Path,
    tables: Sequence[str],
    record: PublishRecord,
    carry_history: bool = True,
) -> int:
    """Copy the public marts of the build into a new serving file and swap it in atomically,
    carrying the previous publish's history unless a new one starts. Returns the publish_id."""
    carry_history = carry_history and path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path)
    staging_path = path.with_name(f".{path.name}.{os.getpid()}.publishing")
    connection = duckdb.connect(str(staging_path))
    try:
        connection.execute(f"attach '{sql_text(build_path)}' as build (read_only)")
        if carry_history:
            connection.execute(f"attach '{sql_text(path)}' as previous (read_only)")
        for table in tables:
            copy_table(connection, table)
        publish_id = write_metadata(connection, record, has_previous=carry_history)
        built_for = connection.execute(
            "select max(publish_id) from build.intermediate.int_publishes_sequenced"
        ).fetchone()[0]
        if built_for is not None and built_for != publish_id:
            raise ServingError(
                f"the build continues publish {built_for - 1}'s history but the serving store "
                f"is at publish {publish_id - 1}: publish again (it stages the history first)"
            )
        connection.execute("detach build")
        if carry_history:
            connection.execute("detach previous")
        connection.execute("checkpoint")
    except BaseException:
        connection.close()
        staging_path.unlink(missing_ok=True)
        raise
    connection.close()
    fsync_file(staging_path)
    os.replace(staging_path, path)
    fsync_file(path.parent)
    return publish_id


def copy_table(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    """Recreate the mart with its declared columns, types and primary key, then fill it."""
    ddl = connection.execute(
        "select sql from duckdb_tables() where database_name = 'build' and schema_name = 'marts'"
        " and table_name = ?",
        [table],
    ).fetchone()
    if ddl is None:
        raise ServingError(f"the build has no table marts.{table}: build the project first")
    create_sql = ddl[0].replace(f"CREATE TABLE marts.{table}", f"CREATE TABLE main.{table}", 1)
    connection.execute(create_sql)
    connection.execute(f"insert into main.{table} select * from build.marts.{table}")


def write_metadata(
    connection: duckdb.DuckDBPyConnection, record: PublishRecord, has_previous: bool
) -> int:
    connection.execute(
        f"""create table {PUBLISH_LOG} (
            publish_id integer primary key,
            as_of timestamp not null,
            published_at timestamp not null,
            newest_event_at timestamp,
            dbt_invocation_id varchar,
            forced_reasons varchar
        )"""
    )
    connection.execute(
        f"""create table {PUBLISH_RAW_TABLES} (
            publish_id integer not null,
            raw_table varchar not null,
            raw_rows bigint not null,
            primary key (publish_id, raw_table)
        )"""
    )
    if has_previous:
        for table in METADATA_TABLES:
            connection.execute(f"insert into {table} select * from previous.main.{table}")
    publish_id = connection.execute(
        f"select coalesce(max(publish_id), 0) + 1 from {PUBLISH_LOG}"
    ).fetchone()[0]
    connection.execute(
        f"insert into {PUBLISH_LOG} values (?, ?, ?, ?, ?, ?)",
        [
            publish_id,
            record.as_of,
            dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
            record.newest_event_at,
            record.dbt_invocation_id,
            record.forced_reasons,
        ],
    )
    for table, rows in sorted(record.raw_rows.items()):
        connection.execute(
            f"insert into {PUBLISH_RAW_TABLES} values (?, ?, ?)", [publish_id, table, rows]
        )
    # Readers ask "which publish is this?" without knowing the log's shape.
    connection.execute(
        f"""create view current_publish as
        select * from {PUBLISH_LOG}
        where publish_id = (select max(publish_id) from {PUBLISH_LOG})"""
    )
    return int(publish_id)


def remove_leftovers(path: Path) -> None:
    """A publish killed midway leaves its temporary file; nothing reads it."""
    for leftover in path.parent.glob(f".{path.name}.*.publishing*"):
        leftover.unlink(missing_ok=True)


def fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def query(sql: str, path: Path, out: object = sys.stdout) -> None:
    """Run one read-only statement on the last publish and write CSV with a header."""
    if not path.exists():
        raise ServingError(
            f"no publish yet at {path}: run `python3 scripts/dev.py publish` (or main) first"
        )
    connection = duckdb.connect(str(path), read_only=True)
    try:
        try:
            cursor = connection.execute(sql)
        except duckdb.Error as error:
            raise ServingError(f"query failed: {one_line(error)}") from error
        if cursor.description is None:
            return
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([column[0] for column in cursor.description])
        while rows := cursor.fetchmany(10_000):
            writer.writerows(rows)
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(
        description="Run one read-only SQL statement on the last publish (the serving store at "
        f"${SERVING_ENV_VAR}) and print the result as CSV with a header."
    )
    parser.add_argument("sql", help='e.g. "select * from rpt_audience_sizes"')
    args = parser.parse_args(argv)
    try:
        query(args.sql, serving_path())
    except ServingError as error:
        return fail(parser.prog, error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
