"""Generate a realistic, deliberately flawed raw data set for the audiences project.

Writes the ten tables of the raw contract (../shared/spec/raw-contract.md) into the schema
`raw` of the DuckDB file named by `AUDIENCES_DUCKDB_PATH` (a relative path is taken from the
current directory, as dbt does; default `data/audiences.duckdb` in the repository), plus
a ledger of every injected flaw in `generator_audit.injected_flaws`.

    python scripts/generate_data.py --persons 10000 --seed 42 --end-date 2026-03-31 \
        --days 365 --flaw-rate 0.02

The data is a B2C shop (sessions with funnels, orders, refunds, identity stitching across
devices, email campaigns) and a B2B SaaS (CRM accounts and contacts, trials, subscriptions,
feature usage, metered usage, tickets, NPS) sharing one events table. Persons are generated in
chunks: every array is built with numpy, and DuckDB turns each chunk's columns into the JSON
and ISO-8601 text of the raw tables, so memory stays bounded and 10 million events take
minutes. The same arguments always give the same data: every random number comes from a numpy
Generator seeded with (seed, stream, chunk).

A win-back campaign gives the lift report something to find (`--publish-weeks N`, default 3;
0 turns it off): audiences are taken to be published at the end of each of the last N weeks
and again at the end; a person who enters dormant_shoppers at one of the first N of those
publishes and is not in its holdout orders with probability CAMPAIGN_ORDER_PROBABILITY within
13 days. No other audience's members are treated. The campaign draws from its own stream and
its events follow the chunk's own, so `--publish-weeks 0` writes exactly the data set the
generator wrote before the campaign existed.
The events the lifecycle KPIs of seed lifecycle_kpis count are written too: the e-commerce
ones always, those of `--industry media|travel|finance` when asked (industry.py). They draw
from streams of their own and follow each chunk's rows, so the rest is the same without them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime

import duckdb

from audiences.console import ArgumentParser
from audiences.raw_contract import (
    database_file_problem,
)

from .core import Config
from .run import database_path, generate, print_summary
from .vocabulary import KPI_INDUSTRIES


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--persons",
        type=int,
        default=10_000,
        help="B2C persons; B2B accounts are max(60, persons // 50)",
    )
    parser.add_argument("--seed", type=int, default=42, help="same seed, same data")
    parser.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=datetime.now(UTC).date(),
        help="last day with data, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument("--days", type=int, default=365, help="days of history")
    parser.add_argument(
        "--flaw-rate",
        type=float,
        default=0.02,
        help="share of events (and email events) that get one flaw",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=10_000,
        help="persons generated and written per chunk (bounds memory)",
    )
    parser.add_argument(
        "--publish-weeks",
        type=int,
        default=3,
        help="simulate a win-back campaign for dormant_shoppers published at "
        "the end of each of the last N weeks (its holdout gets nothing), "
        "so that rpt_audience_lift finds an effect; 0: no campaign",
    )
    parser.add_argument(
        "--industry",
        choices=KPI_INDUSTRIES,
        default="e-commerce",
        help="also write the events this industry's lifecycle KPIs count (seed lifecycle_kpis; "
        "the e-commerce ones are always written)",
    )
    args = parser.parse_args(argv)
    if (
        args.persons < 1
        or args.days < 1
        or args.seed < 0
        or not 0 <= args.flaw_rate < 1
        or args.publish_weeks < 0
    ):
        parser.error(
            "need --persons >= 1, --days >= 1, --seed >= 0, 0 <= --flaw-rate < 1, "
            "--publish-weeks >= 0"
        )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = Config(
        persons=args.persons,
        seed=args.seed,
        end_date=args.end_date,
        days=args.days,
        flaw_rate=args.flaw_rate,
        chunk_size=args.chunk_size,
        accounts_per_chunk=1_000,
        publish_weeks=args.publish_weeks,
        industry=args.industry,
    )
    try:
        path = database_path()
    except OSError as exc:
        return fail(f"cannot create the database's directory: {one_line(exc)}")
    problem = database_file_problem(path)
    if problem:
        return fail(problem)
    started = time.perf_counter()
    try:
        con = duckdb.connect(str(path), config={"memory_limit": "4GB", "threads": 1})
        try:
            events = generate(cfg, con)
            print_summary(con, path, events, time.perf_counter() - started)
        finally:
            con.close()
    except (OSError, duckdb.IOException) as exc:  # unwritable, locked, disk full
        return fail(f"cannot write {path}: {one_line(exc)}")
    except KeyboardInterrupt:
        return fail("interrupted", code=130)
    return 0


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split("\n")).strip() or type(exc).__name__


def fail(message: str, code: int = 1) -> int:
    """A one-line message on stderr instead of a traceback; returns the exit status."""
    print(f"error: {message}", file=sys.stderr)
    return code
