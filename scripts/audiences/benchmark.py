"""Measure the generator, the one-pass floor, a full build and a daily build at a given scale,
in one run on this machine.

    audiences benchmark --events 10M     # 1M, 10M or 100M events
    audiences benchmark --persons 50000  # or a number of persons

(`.venv/bin/python scripts/benchmark.py ...` runs the same.)

Writes to a scratch DuckDB file (default /tmp/audiences_benchmark.duckdb). Phases:
1. generate the data set (the end date's day included);
2. the one-pass floor: one hand-written DuckDB pass over raw.events that does the core of what
   staging and the person traits do (parse times, normalize event names, pull revenue and
   category, aggregate per identity: counts per type, first and last seen, revenue, active days,
   top category), written as a table: what no build can beat;
3. hold back the rows received on the end date, and build everything up to the day before
   (`dbt build`, as_of the day before 23:59:59): the full build;
4. land the held-back day, as a daily load does, and build as of the end date: the daily build.
Each phase prints wall seconds, events per second, the peak memory of the whole process tree
(the sum of the resident sets of the process and its children, sampled every 0.2 s) and the peak
disk the warehouse takes (the database file, its WAL and DuckDB's spill files in <path>.tmp,
sampled with the memory), and shows progress while it runs. Figures from shared machines are
noisy: compare phases of one run, not runs of different days.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from audiences.console import ArgumentParser
from audiences.runtime import REPO_ROOT, dbt_env, end_of_day, venv_executable

# the generator writes about 52 events per person (10,486,262 for 200,000 persons)
PERSONS_FOR_EVENTS = {"1M": 20_000, "10M": 200_000, "100M": 2_000_000}
EVENTS_PER_PERSON = 52.5  # 10,486,262 events from 200,000 persons
# peak disk of the warehouse file plus spill: the 100M-event run on one dbt thread peaked at
# 47.3 GB (450 bytes per event); on two threads it filled the 76 GB free before it finished
DISK_BYTES_PER_EVENT_ONE_THREAD = 600
DISK_BYTES_PER_EVENT = 1_000
PROGRESS_EVERY_SECONDS = 30.0
DBT_NODE = re.compile(r"\b(\d+) of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP)")
# the console pads a short name with dots up to [RUN]; the log file does not
DBT_NODE_START = re.compile(r"\b(\d+) of \d+ START .*?(\S+)(?: \.+)?\s+\[RUN\]")
# a node is named in the spill report when the spill reached this while it ran
SPILL_REPORTED_BYTES = 50 * 2**20


@dataclasses.dataclass
class Phase:
    name: str
    seconds: float = 0.0
    peak_rss_bytes: int = 0
    peak_disk_bytes: int = 0
    peak_spill_bytes: int = 0
    # node -> the largest spill sampled while it ran (dbt phases)
    spill_by_node: dict[str, int] = dataclasses.field(default_factory=dict)


def track_running(line: str, running: dict[int, str]) -> None:
    """Follow dbt's START and result lines: `running` maps each running node's number to its
    name (schema.model, or the test's name)."""
    started = DBT_NODE_START.search(line)
    if started:
        running[int(started.group(1))] = started.group(2)
        return
    ended = DBT_NODE.search(line)
    if ended:
        running.pop(int(ended.group(1)), None)


class TreeMemory:
    """The peak of the summed resident set of a process and all its descendants (Linux /proc;
    elsewhere the largest single child's peak, from getrusage), and the peak disk the warehouse
    takes while it runs."""

    def __init__(self, root_pid: int, warehouse: Path) -> None:
        self.root_pid = root_pid
        self.warehouse = warehouse
        self.peak = 0
        self.current = 0
        self.peak_disk = 0
        self.peak_spill = 0
        self.current_disk = 0
        self.current_spill = 0
        # the dbt nodes running now, set by the reader of dbt's output; a spill sample is
        # charged to each of them, since nodes that run side by side share DuckDB's memory
        self.running_nodes: tuple[str, ...] = ()
        self.spill_by_node: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        if not Path("/proc").exists():
            import resource

            # ru_maxrss is KiB on Linux, bytes on macOS
            self.peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * (
                1 if sys.platform == "darwin" else 1024
            )

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.current = sum(rss_bytes(pid) for pid in descendants(self.root_pid))
            self.peak = max(self.peak, self.current)
            self.current_spill = directory_bytes(spill_directory(self.warehouse))
            self.current_disk = warehouse_file_bytes(self.warehouse) + self.current_spill
            self.peak_spill = max(self.peak_spill, self.current_spill)
            self.peak_disk = max(self.peak_disk, self.current_disk)
            if self.current_spill:
                for node in self.running_nodes:
                    self.spill_by_node[node] = max(
                        self.spill_by_node.get(node, 0), self.current_spill
                    )


def spill_directory(warehouse: Path) -> Path:
    # DuckDB's default temp directory for a database file
    return warehouse.with_name(warehouse.name + ".tmp")


def warehouse_file_bytes(warehouse: Path) -> int:
    wal = warehouse.with_name(warehouse.name + ".wal")
    return sum(path.stat().st_size for path in (warehouse, wal) if path.exists())


def directory_bytes(directory: Path) -> int:
    total = 0
    try:
        for entry in os.scandir(directory):
            try:
                # allocated blocks, not the apparent size: spill files can be sparse
                total += entry.stat().st_blocks * 512
            except OSError:
                continue
    except OSError:
        return 0
    return total


def descendants(pid: int) -> list[int]:
    found = [pid]
    index = 0
    while index < len(found):
        found.extend(children(found[index]))
        index += 1
    return found


def children(pid: int) -> list[int]:
    pids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return pids


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def run_phase(name: str, command: list[str], env: dict[str, str], warehouse: Path) -> Phase:
    """Run a command, stream a progress line every PROGRESS_EVERY_SECONDS, fail loudly."""
    print(
        f"[{name}] {' '.join(Path(part).name if '/' in part else part for part in command)}",
        flush=True,
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    tail: list[str] = []
    progress = ""
    nodes_done = 0
    last_report = started
    running: dict[int, str] = {}
    with TreeMemory(process.pid, warehouse) as memory:
        assert process.stdout is not None
        for line in process.stdout:
            tail = [*tail[-200:], line]
            track_running(line, running)
            memory.running_nodes = tuple(running.values())
            match = DBT_NODE.search(line)
            if match:
                # threads finish out of order: the highest node number seen is the progress
                nodes_done = max(nodes_done, int(match.group(1)))
                progress = f", {nodes_done}/{match.group(2)} nodes"
            now = time.perf_counter()
            if now - last_report >= PROGRESS_EVERY_SECONDS:
                last_report = now
                print(
                    f"[{name}] {now - started:6.0f} s{progress}, tree RSS {gib(memory.current)},"
                    f" disk {gib(memory.current_disk)} (spill {gib(memory.current_spill)})",
                    flush=True,
                )
        returncode = process.wait()
    if returncode != 0:
        # a benchmark of a failing build is no figure: show why it failed and stop
        print("".join(tail[-60:]))
        print(
            f"[{name}] failed after {time.perf_counter() - started:.1f} s, peak tree RSS "
            f"{gib(memory.peak)}, peak disk {gib(memory.peak_disk)}"
            f" (spill {gib(memory.peak_spill)})"
        )
        print_spill_by_node(name, memory.spill_by_node)
        sys.exit(f"FAILED ({returncode}): {' '.join(command)}")
    return finished(measured(name, started, memory))


def measured(name: str, started: float, memory: TreeMemory) -> Phase:
    return Phase(
        name,
        time.perf_counter() - started,
        memory.peak,
        memory.peak_disk,
        memory.peak_spill,
        dict(memory.spill_by_node),
    )


def print_spill_by_node(name: str, spill_by_node: dict[str, int], count: int = 8) -> None:
    spilled = sorted(
        (item for item in spill_by_node.items() if item[1] >= SPILL_REPORTED_BYTES),
        key=lambda item: -item[1],
    )
    if spilled:
        print(
            f"[{name}] spill while each node ran (nodes side by side share it): "
            + ", ".join(f"{node} {gib(size)}" for node, size in spilled[:count]),
            flush=True,
        )


def finished(phase: Phase) -> Phase:
    """Say a phase's figures as soon as it ends, so a run that fails later keeps them."""
    print(
        f"[{phase.name}] done in {phase.seconds:.1f} s, peak tree RSS {gib(phase.peak_rss_bytes)},"
        f" peak disk {gib(phase.peak_disk_bytes)} (spill {gib(phase.peak_spill_bytes)})",
        flush=True,
    )
    print_spill_by_node(phase.name, phase.spill_by_node)
    return phase


def in_process_phase(name: str, work: object, warehouse: Path) -> Phase:
    print(f"[{name}]", flush=True)
    started = time.perf_counter()
    with TreeMemory(os.getpid(), warehouse) as memory:
        work(warehouse)  # type: ignore[operator]
    return finished(measured(name, started, memory))


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


def one_pass_floor(path: Path) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("set threads = 2")
        connection.execute(FLOOR_SQL)
        connection.execute("drop table main.benchmark_floor")


def received_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        row[0]
        for row in connection.execute(
            "select table_name from duckdb_columns() where schema_name = 'raw'"
            " and column_name = 'received_at' order by table_name"
        ).fetchall()
    ]


def hold_back_last_day(path: Path, last_day: dt.date) -> int:
    """Move the rows received on the last day out of raw, as if that load had not come yet."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists benchmark")
        held = 0
        for table in received_tables(connection):
            condition = f"cast(received_at as date) >= date '{last_day}'"
            connection.execute(
                f"create or replace table benchmark.{table} as"
                f" select * from raw.{table} where {condition}"
            )
            held += connection.execute(f"select count(*) from benchmark.{table}").fetchone()[0]
            connection.execute(f"delete from raw.{table} where {condition}")
        return held


def land_held_back_day(path: Path) -> None:
    with duckdb.connect(str(path)) as connection:
        for table in received_tables(connection):
            connection.execute(f"insert into raw.{table} select * from benchmark.{table}")
        connection.execute("drop schema benchmark cascade")


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


def gib(size: int) -> str:
    return f"{size / 2**30:.1f} GB"


def dbt_build(as_of: str, target: Path, threads: int | None) -> list[str]:
    # the production build: what `audiences publish` runs, unit tests left to the checks
    return [
        venv_executable("dbt"),
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--vars",
        json.dumps({"as_of": as_of}),
        "--target-path",
        str(target),
        *(["--threads", str(threads)] if threads else []),
    ]


def report(
    phases: list[Phase],
    events: int,
    persons: int,
    held: int,
    targets: dict[str, Path],
    warehouse: Path,
) -> None:
    by_name = {phase.name: phase for phase in phases}
    size = warehouse.stat().st_size
    print(f"\npersons            {persons:>14,}")
    print(f"events             {events:>14,}  ({held:,} rows of the last day held back)")
    print(f"warehouse file     {gib(size):>14}  ({size / events:,.0f} bytes per event)")
    print(
        f"{'phase':<16}{'wall s':>10}{'events/s':>14}{'peak RSS':>12}{'peak disk':>12}{'spill':>10}"
    )
    for phase in phases:
        print(
            f"{phase.name:<16}{phase.seconds:>10.1f}{events / phase.seconds:>14,.0f}"
            f"{gib(phase.peak_rss_bytes):>12}{gib(phase.peak_disk_bytes):>12}"
            f"{gib(phase.peak_spill_bytes):>10}"
        )
    floor, full, daily = by_name["floor"], by_name["full build"], by_name["daily build"]
    print(f"full build / floor    {full.seconds / floor.seconds:>8.1f}")
    print(f"daily build / full    {daily.seconds / full.seconds:>8.2f}")
    for name, target in targets.items():
        print(f"slowest models, {name} (s):")
        for model, seconds in slowest_models(target):
            print(f"  {model:<44} {seconds:>8.1f}")
        print_spill_by_node(name, by_name[name].spill_by_node)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--events", choices=sorted(PERSONS_FOR_EVENTS), default="10M")
    size.add_argument("--persons", type=int, help="a number of persons instead of --events")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end-date", default="2026-06-30")
    parser.add_argument("--path", type=Path, default=Path("/tmp/audiences_benchmark.duckdb"))
    parser.add_argument(
        "--threads",
        type=int,
        help="dbt threads for the builds (default: the profile's 2); DuckDB's own threads and"
        " memory limit stay the profile's",
    )
    parser.add_argument(
        "--skip-disk-check",
        action="store_true",
        help="start even when the free disk is under the estimate (it only warns then)",
    )
    return parser.parse_args(argv)


def check_free_disk(path: Path, persons: int, threads: int | None, skip: bool) -> None:
    """Refuse to start a run the disk cannot hold, rather than fail after an hour."""
    events = persons * EVENTS_PER_PERSON
    bytes_per_event = DISK_BYTES_PER_EVENT_ONE_THREAD if threads == 1 else DISK_BYTES_PER_EVENT
    needed = int(events * bytes_per_event)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    free = shutil.disk_usage(path.parent).free
    if free < needed:
        message = (
            f"benchmark: about {events / 1e6:,.0f}M events need about {gib(needed)} free next to "
            f"{path} (the warehouse file and DuckDB's spill files), and {gib(free)} is free"
        )
        if not skip:
            sys.exit(f"{message}; pass --path on a larger disk (or --skip-disk-check)")
        print(f"{message}; starting anyway (--skip-disk-check)", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    persons = args.persons or PERSONS_FOR_EVENTS[args.events]
    end_date = dt.date.fromisoformat(args.end_date)
    check_free_disk(args.path, persons, args.threads, args.skip_disk_check)
    env = dbt_env(args.path)
    phases = [
        run_phase(
            "generate",
            [
                sys.executable,
                "scripts/generate_data.py",
                "--persons",
                str(persons),
                "--seed",
                str(args.seed),
                "--end-date",
                args.end_date,
            ],
            env,
            args.path,
        )
    ]
    events = count_events(args.path)
    print(f"[generate] {events:,} events, {events / phases[0].seconds:,.0f} events/s", flush=True)
    phases.append(in_process_phase("floor", one_pass_floor, args.path))
    held = hold_back_last_day(args.path, end_date)
    targets = {
        "full build": args.path.with_suffix(".target_full"),
        "daily build": args.path.with_suffix(".target_daily"),
    }
    day_before = end_of_day(str(end_date - dt.timedelta(days=1)))
    phases.append(
        run_phase(
            "full build", dbt_build(day_before, targets["full build"], args.threads), env, args.path
        )
    )
    phases.append(in_process_phase("daily load", land_held_back_day, args.path))
    phases.append(
        run_phase(
            "daily build",
            dbt_build(end_of_day(str(end_date)), targets["daily build"], args.threads),
            env,
            args.path,
        )
    )
    report(phases, events, persons, held, targets, args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
