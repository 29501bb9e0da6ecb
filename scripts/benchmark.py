"""Measure the generator, the one-pass floor and the dbt build at a given scale, in one run on
this machine.

    .venv/bin/python scripts/benchmark.py --persons 200000   # about 10 million events

Writes to a scratch DuckDB file (default /tmp/audiences_benchmark.duckdb) and prints, per
phase, wall seconds and events per second, the build against the floor, and the slowest
models. The floor is one hand-written DuckDB pass over raw.events that does the core of what
staging and the person traits do (parse times, normalize event names, pull revenue and
category, aggregate per identity: counts per type, first and last seen, revenue, active days,
top category), written as a table: what no build can beat. Figures from shared machines are
noisy: compare phases of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=REPO_ROOT, env=env, check=False, stdout=subprocess.PIPE, text=True
    )
    if completed.returncode != 0:
        # a benchmark of a failing build is no figure: show why it failed and stop
        print(completed.stdout[-5000:])
        sys.exit(f"FAILED ({completed.returncode}): {' '.join(command)}")
    return time.perf_counter() - started


FLOOR_SQL = """
create or replace table main.benchmark_floor as
with parsed as (
    select
        coalesce(user_id, 'anon:' || anonymous_id) as identity,
        lower(regexp_replace(trim(event_name), '[_\\-\\s]+', ' ', 'g')) as event_name,
        try_cast(occurred_at as timestamptz) as occurred_at,
        try_cast(json_extract_string(properties, '$.revenue') as double) as revenue,
        json_extract_string(properties, '$.category') as category
    from (
        -- the generator sends malformed JSON on purpose: such a row has no revenue or category
        select * replace (try_cast(properties as json) as properties)
        from raw.events
    )
)
select
    identity,
    count(*) as events,
    count(*) filter (where event_name = 'product viewed') as product_views,
    count(*) filter (where event_name = 'product added') as cart_adds,
    count(*) filter (where event_name = 'order completed') as orders,
    min(occurred_at) as first_seen_at,
    max(occurred_at) as last_seen_at,
    sum(revenue) filter (where event_name = 'order completed') as revenue,
    count(distinct cast(occurred_at as date)) as active_days,
    mode(category) as top_category
from parsed
group by identity
"""


def floor_seconds(path: Path) -> float:
    started = time.perf_counter()
    with duckdb.connect(str(path)) as connection:
        connection.execute("set threads = 2")
        connection.execute(FLOOR_SQL)
        connection.execute("drop table main.benchmark_floor")
    return time.perf_counter() - started


def slowest_models(target: Path, count: int = 6) -> list[tuple[str, float]]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    timings = [
        (result["unique_id"].split(".")[-1], result["execution_time"])
        for result in results
        if result["unique_id"].startswith("model.")
    ]
    return sorted(timings, key=lambda timing: -timing[1])[:count]


def count_events(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select count(*) from raw.events").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end-date", default="2026-06-30")
    parser.add_argument("--path", type=Path, default=Path("/tmp/audiences_benchmark.duckdb"))
    args = parser.parse_args()

    args.path.unlink(missing_ok=True)
    env = dict(os.environ, AUDIENCES_DUCKDB_PATH=str(args.path), DBT_PROFILES_DIR=str(REPO_ROOT))
    bin_dir = Path(sys.executable).parent
    generate_seconds = timed(
        [sys.executable, "scripts/generate_data.py", "--persons", str(args.persons),
         "--seed", str(args.seed), "--end-date", args.end_date],
        env,
    )
    events = count_events(args.path)
    floor = floor_seconds(args.path)
    target = args.path.with_suffix(".target")
    build_seconds = timed(
        [str(bin_dir / "dbt"), "build", "--vars", f'{{"as_of": "{args.end_date} 23:59:59"}}',
         "--target-path", str(target)],
        env,
    )
    print(f"persons            {args.persons:>14,}")
    print(f"events             {events:>14,}")
    print(f"generate   {generate_seconds:>10.1f} s  {events / generate_seconds:>12,.0f} events/s")
    print(f"one-pass floor {floor:>6.1f} s  {events / floor:>12,.0f} events/s")
    print(f"dbt build  {build_seconds:>10.1f} s  {events / build_seconds:>12,.0f} events/s")
    print(f"build / floor      {build_seconds / floor:>12.1f}")
    print(f"build / generate   {build_seconds / generate_seconds:>12.2f}")
    print("slowest models (s):")
    for name, seconds in slowest_models(target):
        print(f"  {name:<44} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
