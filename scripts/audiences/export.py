"""Export a destination's list from the last publish, as a reverse-ETL job takes it.

    audiences export --destination email|ads|crm [--changes-only] --out DIR
        [--format csv|parquet]

Reads the serving store (the last publish) and writes DIR/<destination>/export-<n>-<mode>/ with
the list file and manifest.json: its rows, the SHA-256 of each file, the publish it came from
and, for a changes-only export, the export it follows. A full export holds the whole list; a
changes-only export holds only what changed since the previous export of that destination into
DIR: `added` and `changed` rows (whole rows, to upsert) and `removed` rows (the key alone).
When nothing changed, nothing is written.

The out folder keeps, per destination, the newest export only, and the sync state it was
computed against (sync_state.duckdb: the list as last exported and the log of exports). So a
person removed for a deletion leaves the folder with the export after the one that carried
their removal; the README (Lists and exports) explains why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb

from audiences.console import ArgumentParser, fail, prog_name
from audiences.serving import ServingError, one_line, serving_path, sql_text

STATE_FILE = "sync_state.duckdb"
EXPORT_PREFIX = "export-"
CHANGE_TYPES = ("added", "changed", "removed")


@dataclasses.dataclass(frozen=True)
class Destination:
    table: str
    key_columns: tuple[str, ...]
    # the list's surrogate id: the key columns joined, so not exported
    id_column: str


DESTINATIONS = {
    "email": Destination(
        "list_email_audience_members", ("audience_name", "email"), "list_member_id"
    ),
    "ads": Destination(
        "list_ad_audience_identifiers",
        ("audience_name", "identifier_type", "identifier"),
        "list_identifier_id",
    ),
    "crm": Destination(
        "list_crm_account_audiences", ("audience_name", "account_id"), "list_account_audience_id"
    ),
}


@dataclasses.dataclass(frozen=True)
class Publish:
    publish_id: int
    as_of: str
    published_at: str


@dataclasses.dataclass(frozen=True)
class PreviousExport:
    export_sequence: int
    publish_id: int
    as_of: str
    columns: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class ExportRequest:
    destination: str
    changes_only: bool
    out: Path
    file_format: str


def export(request: ExportRequest, serving: Path) -> Path | None:
    """Write one export; returns its folder, or None when a changes-only export found no
    change."""
    if not serving.exists():
        raise ServingError(
            f"no publish yet at {serving}: run `python3 scripts/dev.py publish` (or main) first"
        )
    destination = DESTINATIONS[request.destination]
    folder = request.out / request.destination
    folder.mkdir(parents=True, exist_ok=True)
    with export_lock(folder), duckdb.connect() as connection:
        connection.execute(f"attach '{sql_text(serving)}' as serving (read_only)")
        publish = current_publish(connection)
        columns = list_columns(connection, destination)
        previous = previous_export(connection, folder / STATE_FILE)
        if previous is not None and previous.columns != tuple(columns):
            raise ServingError(
                f"the {destination.table} columns changed since export "
                f"{previous.export_sequence}; run a full export (without --changes-only) so "
                "the destination takes the new columns"
            )
        connection.execute(
            f"create temp table current_list as select {', '.join(columns)}"
            f" from serving.main.{destination.table}"
        )
        mode = "changes" if request.changes_only else "full"
        rows_sql = (
            changes_sql(destination, columns, has_previous=previous is not None)
            if request.changes_only
            else f"select * from current_list order by {', '.join(destination.key_columns)}"
        )
        connection.execute(f"create temp table export_rows as {rows_sql}")
        row_count = connection.execute("select count(*) from export_rows").fetchone()[0]
        if request.changes_only and row_count == 0:
            print(
                f"NO CHANGE for {request.destination} since export "
                f"{previous.export_sequence if previous else '-'}: nothing written"
            )
            return None
        sequence = (previous.export_sequence if previous else 0) + 1
        export_folder = write_export(
            connection, request, destination, folder, sequence, mode, publish, previous
        )
        write_state(connection, folder, sequence, mode, publish, columns)
        remove_older_exports(folder, keep=export_folder)
    return export_folder


@contextlib.contextmanager
def export_lock(folder: Path) -> Iterator[None]:
    """One export per destination and folder at a time: a second waits."""
    with open(folder / ".export.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def current_publish(connection: duckdb.DuckDBPyConnection) -> Publish:
    row = connection.execute(
        "select publish_id, cast(as_of as varchar), cast(published_at as varchar)"
        " from serving.main.publish_log order by publish_id desc limit 1"
    ).fetchone()
    if row is None:
        raise ServingError("the serving store has no publish in its publish_log")
    return Publish(int(row[0]), row[1], row[2])


def list_columns(connection: duckdb.DuckDBPyConnection, destination: Destination) -> list[str]:
    columns = [
        row[0]
        for row in connection.execute(
            "select column_name from duckdb_columns() where database_name = 'serving'"
            " and schema_name = 'main' and table_name = ? order by column_index",
            [destination.table],
        ).fetchall()
    ]
    if not columns:
        raise ServingError(
            f"the last publish has no {destination.table}: publish a build that has it"
        )
    return [column for column in columns if column != destination.id_column]


def previous_export(connection: duckdb.DuckDBPyConnection, state: Path) -> PreviousExport | None:
    if not state.exists():
        return None
    connection.execute(f"attach '{sql_text(state)}' as state (read_only)")
    row = connection.execute(
        "select export_sequence, publish_id, as_of, columns from state.main.exports"
        " order by export_sequence desc limit 1"
    ).fetchone()
    if row is None:
        return None
    return PreviousExport(int(row[0]), int(row[1]), row[2], tuple(json.loads(row[3])))


def changes_sql(destination: Destination, columns: list[str], has_previous: bool) -> str:
    """Added and changed rows whole, removed rows by their key alone, in a stable order."""
    keys = destination.key_columns
    order = ", ".join(["change_type", *keys])
    if not has_previous:
        return f"select 'added' as change_type, * from current_list order by {order}"
    on = " and ".join(f"current_list.{key} = previous.{key}" for key in keys)
    differs = (
        " or ".join(
            f"current_list.{column} is distinct from previous.{column}"
            for column in columns
            if column not in keys
        )
        or "false"
    )
    removed_columns = ", ".join(
        f"previous.{column}" if column in keys else f"null as {column}" for column in columns
    )
    return f"""
        select * from (
            select 'added' as change_type, current_list.*
            from current_list anti join state.main.members as previous on {on}
            union all
            select 'changed' as change_type, current_list.*
            from current_list inner join state.main.members as previous on {on}
            where {differs}
            union all
            select 'removed' as change_type, {removed_columns}
            from state.main.members as previous anti join current_list on {on}
        )
        order by {order}
    """


def write_export(
    connection: duckdb.DuckDBPyConnection,
    request: ExportRequest,
    destination: Destination,
    folder: Path,
    sequence: int,
    mode: str,
    publish: Publish,
    previous: PreviousExport | None,
) -> Path:
    """Write the files into a hidden folder, then rename it into place: a reader of the out
    folder sees a whole export or none."""
    name = f"{EXPORT_PREFIX}{sequence:06d}-{mode}"
    final = folder / name
    staging = folder / f".{name}.writing"
    for stale in (staging, final):
        shutil.rmtree(stale, ignore_errors=True)
    staging.mkdir()
    data_file = staging / f"{destination.table}.{request.file_format}"
    copy_options = "(format parquet)" if request.file_format == "parquet" else "(header)"
    connection.execute(f"copy export_rows to '{sql_text(data_file)}' {copy_options}")
    manifest = {
        "destination": request.destination,
        "mode": mode,
        "format": request.file_format,
        "export_sequence": sequence,
        "written_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publish": dataclasses.asdict(publish),
        "previous_export": None
        if previous is None
        else {
            "export_sequence": previous.export_sequence,
            "publish_id": previous.publish_id,
            "as_of": previous.as_of,
        },
        "source_table": destination.table,
        "key_columns": list(destination.key_columns),
        "rows": row_count(connection),
        "rows_by_change_type": rows_by_change_type(connection) if mode == "changes" else None,
        "files": [file_entry(data_file, row_count(connection))],
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    staging.rename(final)
    return final


def row_count(connection: duckdb.DuckDBPyConnection) -> int:
    return int(connection.execute("select count(*) from export_rows").fetchone()[0])


def rows_by_change_type(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts = dict(
        connection.execute(
            "select change_type, count(*) from export_rows group by change_type"
        ).fetchall()
    )
    return {change_type: int(counts.get(change_type, 0)) for change_type in CHANGE_TYPES}


def file_entry(path: Path, rows: int) -> dict[str, object]:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return {
        "name": path.name,
        "rows": rows,
        "bytes": path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def write_state(
    connection: duckdb.DuckDBPyConnection,
    folder: Path,
    sequence: int,
    mode: str,
    publish: Publish,
    columns: list[str],
) -> None:
    """A fresh state file replaces the old one at once: the list as now exported, and the log of
    exports. Written anew rather than updated, so no freed page of the old file keeps the
    members a deletion removed."""
    state = folder / STATE_FILE
    staging = folder / f".{STATE_FILE}.writing"
    staging.unlink(missing_ok=True)
    connection.execute(f"attach '{sql_text(staging)}' as next_state")
    connection.execute("create table next_state.main.members as select * from current_list")
    connection.execute(
        "create table next_state.main.exports (export_sequence integer, mode varchar,"
        " publish_id bigint, as_of varchar, columns varchar, written_at timestamp)"
    )
    if state.exists():
        connection.execute("insert into next_state.main.exports select * from state.main.exports")
    connection.execute(
        "insert into next_state.main.exports values (?, ?, ?, ?, ?, current_timestamp)",
        [sequence, mode, publish.publish_id, publish.as_of, json.dumps(columns)],
    )
    connection.execute("detach next_state")
    with contextlib.suppress(duckdb.Error):
        connection.execute("detach state")
    os.replace(staging, state)


def remove_older_exports(folder: Path, keep: Path) -> None:
    for older in folder.glob(f"{EXPORT_PREFIX}*"):
        if older != keep and older.is_dir():
            shutil.rmtree(older)


def parse_args(argv: list[str] | None) -> ExportRequest:
    parser = ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--destination", required=True, choices=sorted(DESTINATIONS))
    parser.add_argument(
        "--changes-only",
        action="store_true",
        help="only the adds, changes and removals since the previous export to this --out",
    )
    parser.add_argument("--out", required=True, type=Path, help="the folder to export into")
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    args = parser.parse_args(argv)
    return ExportRequest(args.destination, args.changes_only, args.out.resolve(), args.format)


def main(argv: list[str] | None = None) -> int:
    request = parse_args(argv)
    prog = prog_name()
    try:
        written = export(request, serving_path())
    except ServingError as error:
        return fail(prog, error)
    except duckdb.Error as error:
        return fail(prog, f"export failed: {one_line(error)}")
    if written is not None:
        manifest = json.loads((written / "manifest.json").read_text())
        print(
            f"EXPORTED {request.destination} export {manifest['export_sequence']}"
            f" ({manifest['mode']}, {manifest['rows']} rows) of publish"
            f" {manifest['publish']['publish_id']} to {written}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
