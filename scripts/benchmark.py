"""Measure the generator and the dbt build at a given scale, in one run on this machine.

    .venv/bin/python scripts/benchmark.py --persons 200000   # about 10 million events

Writes to a scratch DuckDB file (default /tmp/audiences_benchmark.duckdb) and prints, per
phase, wall seconds and events per second. Figures from shared machines are noisy: compare
phases of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
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
    build_seconds = timed(
        [str(bin_dir / "dbt"), "build", "--vars", f'{{"as_of": "{args.end_date} 23:59:59"}}'],
        env,
    )
    print(f"persons            {args.persons:>14,}")
    print(f"events             {events:>14,}")
    print(f"generate   {generate_seconds:>10.1f} s  {events / generate_seconds:>12,.0f} events/s")
    print(f"dbt build  {build_seconds:>10.1f} s  {events / build_seconds:>12,.0f} events/s")
    print(f"build / generate   {build_seconds / generate_seconds:>12.2f}")


if __name__ == "__main__":
    main()
