"""A whole run: the database file, the raw tables, the chunks in order, the writing threads
and their transactions, and the summary."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
from tqdm import tqdm

from audiences.load.sources import Batch, TableResult
from audiences.load.writer import create_registry, record_batch
from audiences.raw_contract import (
    FLAW_LEDGER_COLUMNS,
    FLAW_LEDGER_SCHEMA,
    FLAW_LEDGER_TABLE,
    RAW_SCHEMA,
    RAW_TABLES,
    drop_incremental_staging,
)

from .b2b import b2b_chunk
from .b2c import b2c_chunk
from .core import Config, build_catalog, rng_for
from .email import build_campaigns
from .vocabulary import (
    B2B_CAMPAIGN_THEMES,
    B2C_CAMPAIGN_THEMES,
    COLUMN_COMPRESSION,
    STREAM_FLAWS,
    STREAM_INDUSTRY_FLAWS,
)
from .writer import Statement, Writer

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DB_PATH = "data/audiences.duckdb"


def database_path() -> Path:
    # like dbt, the loader and the report: a relative AUDIENCES_DUCKDB_PATH is taken from the
    # current directory; without it, the default file in the repository
    value = os.environ.get("AUDIENCES_DUCKDB_PATH")
    path = Path(value).expanduser().resolve() if value else REPO_ROOT / DEFAULT_DB_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def raw_table_sql(table: str) -> str:
    """The contract's `create or replace table` for a raw table, with the compression of
    COLUMN_COMPRESSION named for its columns."""
    forced = COLUMN_COMPRESSION.get(table, {})
    columns = ", ".join(
        f"{name} {sql_type}" + (f" using compression {forced[name]}" if name in forced else "")
        for name, sql_type in RAW_TABLES[table]
    )
    return f"create or replace table {RAW_SCHEMA}.{table} ({columns})"


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(f"create schema if not exists {FLAW_LEDGER_SCHEMA}")
    for table in RAW_TABLES:
        con.execute(raw_table_sql(table))
    ledger_columns = ", ".join(f"{name} {sql_type}" for name, sql_type in FLAW_LEDGER_COLUMNS)
    con.execute(
        f"create or replace table {FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE} ({ledger_columns})"
    )


def plan_chunks(cfg: Config) -> list[tuple[str, int, int, int]]:
    """(kind, chunk number, first index, size) for every chunk, B2C first."""
    chunks = [
        ("b2c", i, first, min(cfg.chunk_size, cfg.persons - first))
        for i, first in enumerate(range(0, cfg.persons, cfg.chunk_size))
    ]
    chunks += [
        ("b2b", i, first, min(cfg.accounts_per_chunk, cfg.accounts - first))
        for i, first in enumerate(range(0, cfg.accounts, cfg.accounts_per_chunk))
    ]
    return chunks


# Persons written per transaction: large enough that DuckDB writes whole row groups to the file,
# compressed once, small enough to bound memory (one transaction for 2,000,000 persons, 105M
# events, held 16 GB; 200,000 persons, 10M events, about 2.4 GB).
PERSONS_PER_TRANSACTION = 200_000


class TransactionWriter:
    """Runs chunks' statements on one connection in a thread of its own, a chunk at a time in
    the order they are given, in transactions of `chunks_per_transaction` chunks.

    Large transactions let DuckDB write each table's row groups to the file as they fill,
    compressed once; a commit per chunk logged the chunk's rows to the WAL and compressed them
    at each automatic checkpoint (in a test, a fifth more CPU for the events' insert). But a
    transaction keeps what it wrote in memory until it commits, so they are bounded. Rows land
    in the order given, so the data is the same."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, in_flight: int, chunks_per_transaction: int
    ) -> None:
        self.con = con
        self.in_flight = in_flight  # chunks running or queued at most: bounds memory
        self.chunks_per_transaction = max(1, chunks_per_transaction)
        self.chunks_in_transaction = 0
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.writing: list[Future[None]] = []
        con.execute("begin")

    def submit(self, statements: list[Statement]) -> None:
        while len(self.writing) >= self.in_flight:
            self.writing.pop(0).result()
        self.writing.append(self.pool.submit(Writer.execute, statements, self.con))
        self.chunks_in_transaction += 1
        if self.chunks_in_transaction >= self.chunks_per_transaction:
            # queued behind the chunk's statements on the same thread, so order is kept
            self.writing.append(self.pool.submit(self.con.execute, "commit; begin"))
            self.chunks_in_transaction = 0

    def wait(self) -> None:
        """Wait for every statement given; raises the first failure."""
        while self.writing:
            self.writing.pop(0).result()

    def commit(self) -> None:
        self.wait()
        self.pool.shutdown()
        self.con.execute("commit")

    def abandon(self) -> None:
        """Stop after the running chunk and roll back (after a failure)."""
        self.pool.shutdown(cancel_futures=True)
        with contextlib.suppress(duckdb.Error):
            self.con.execute("rollback")


def generate(cfg: Config, con: duckdb.DuckDBPyConnection) -> int:
    """Generate every chunk into the open database; returns the number of event rows.

    While the next chunk is generated and prepared, two threads run the inserts of the chunks
    before it (DuckDB releases the GIL while it works): one the inserts into raw.events, the
    other every other table's. Each keeps to chunk order, so the data is the same as written
    one chunk at a time."""
    create_tables(con)
    dropped = drop_incremental_staging(con)
    if dropped:
        print(
            f"dropped {', '.join(dropped)}: built from the raw rows just replaced, they are "
            "staged whole by the next dbt build",
            file=sys.stderr,
        )
    cat = build_catalog(cfg)
    b2c_campaigns = build_campaigns(cfg, 7, B2C_CAMPAIGN_THEMES, "", 0)
    b2b_campaigns = build_campaigns(cfg, 14, B2B_CAMPAIGN_THEMES, "b2b_", 1)
    writer = Writer(con, cfg, cat)
    chunks_per_transaction = PERSONS_PER_TRANSACTION // cfg.chunk_size
    events_writer = TransactionWriter(con.cursor(), 2, chunks_per_transaction)
    other_writer = TransactionWriter(con.cursor(), 2, chunks_per_transaction)
    events = 0
    progress = tqdm(plan_chunks(cfg), unit="chunk", desc="generating", file=sys.stderr)
    try:
        for kind, chunk_no, first, size in progress:
            if kind == "b2c":
                out = b2c_chunk(cfg, cat, b2c_campaigns, chunk_no, first, size)
                flaw_rng = rng_for(cfg, STREAM_FLAWS, chunk_no)
            else:
                out = b2b_chunk(cfg, b2b_campaigns, chunk_no, first, size)
                flaw_rng = rng_for(cfg, STREAM_FLAWS, 1_000_000 + chunk_no)
            chunk = writer.prepare(out, flaw_rng)
            if out.kpi_events is not None:
                # after the chunk's own rows, with flaws of their own (industry.py)
                kpi_rng = rng_for(cfg, STREAM_INDUSTRY_FLAWS, chunk_no)
                kpi_chunk = writer.prepare(out.kpi_events, kpi_rng)
                chunk.events_statements += kpi_chunk.events_statements
                chunk.other_statements += kpi_chunk.other_statements
                chunk.events += kpi_chunk.events
            events_writer.submit(chunk.events_statements)
            other_writer.submit(chunk.other_statements)
            events += chunk.events
            progress.set_postfix(events=f"{events:,}")
        # the other tables' commit first: it overlaps the last chunks' events inserts
        other_writer.commit()
        events_writer.commit()
    except BaseException:
        events_writer.abandon()
        other_writer.abandon()
        raise
    for cursor in (events_writer.con, other_writer.con):
        cursor.close()
    record_generated_batch(con, cfg)
    con.execute("checkpoint")
    return events


def record_generated_batch(con: duckdb.DuckDBPyConnection, cfg: Config) -> None:
    """Record the run in the loader's batch registry (audiences.load) as a `replace` batch that
    wrote every raw table, as `audiences load --replace-all` would: source freshness reads each
    table's load time there, and a later append of the same files is judged against this
    replace like after a loader's."""
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    fingerprint = hashlib.sha256(repr(cfg).encode()).hexdigest()
    stamp = loaded_at.strftime("%Y%m%dT%H%M%S") + f"{loaded_at.microsecond // 1000:03d}Z"
    batch = Batch(
        f"{stamp}-{fingerprint[:12]}", fingerprint, loaded_at, "replace", Path("generator")
    )
    create_registry(con)
    tables = {}
    for table in RAW_TABLES:
        rows = con.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchone()[0]
        tables[table] = TableResult("generator", rows, rows)
    record_batch(con, batch, tables)


def print_summary(con: duckdb.DuckDBPyConnection, path: Path, events: int, elapsed: float) -> None:
    print(f"wrote {path}")
    for table in RAW_TABLES:
        rows = con.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchone()[0]
        print(f"  {RAW_SCHEMA}.{table:<22} {rows:>12,} rows")
    ledger = con.execute(
        f"select count(*) from {FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE}"
    ).fetchone()[0]
    print(f"  {FLAW_LEDGER_SCHEMA}.{FLAW_LEDGER_TABLE:<12} {ledger:>12,} rows")
    print(
        f"events: {events:,}  elapsed: {elapsed:.1f} s  "
        f"events/s: {events / max(elapsed, 1e-9):,.0f}"
    )
