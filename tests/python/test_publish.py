"""Write, audit, publish (scripts/publish.py, scripts/serving.py), tried as its consumers would:
`python3 scripts/dev.py publish` and `query` as written in the README, readers in processes of
their own, a build killed midway, a failing test, refused inputs and a load that lost the
privacy requests. Every scenario starts from a copy of one small published world (300 persons,
first published at T1), so each pays only for the builds it is about."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from audiences.runtime import REPO_ROOT, run_captured
from serving_world import (
    READER,
    T1,
    T2,
    World,
    assert_published,
    assert_tables_equal,
    output,
    publish_log,
    published_tables,
    read_once,
    table,
)
from warehouse_helpers import attempt, load

# --- (a), (b), (e): readers through a publish, and a publish of unchanged data -----------------


@dataclass(frozen=True)
class ReadsDuringPublish:
    world: World
    publish: subprocess.CompletedProcess[str]
    looping: dict
    holding: dict
    before: list[object]
    after: list[object]


def start_reader(mode: str, world: World, stop: Path, out: Path) -> subprocess.Popen[bytes]:
    reader = subprocess.Popen(
        [sys.executable, str(READER), mode, str(world.serving), str(stop), str(out)]
    )
    deadline = time.monotonic() + 60
    while not Path(str(out) + ".started").exists():
        assert time.monotonic() < deadline and reader.poll() is None, f"{mode} reader did not start"
        time.sleep(0.05)
    return reader


@pytest.fixture(scope="module")
def reads_during_publish(
    world: World, tmp_path_factory: pytest.TempPathFactory
) -> ReadsDuringPublish:
    copy = world.copy_to(tmp_path_factory.mktemp("reads"))
    before = read_once(copy.serving)
    stop = copy.folder / "stop"
    outs = {mode: copy.folder / f"{mode}.json" for mode in ("loop", "hold")}
    readers = {mode: start_reader(mode, copy, stop, out) for mode, out in outs.items()}
    time.sleep(1)
    completed = copy.publish("--as-of", T2)
    time.sleep(1.5)
    stop.touch()
    for reader in readers.values():
        assert reader.wait(timeout=120) == 0
    results = {mode: json.loads(out.read_text()) for mode, out in outs.items()}
    return ReadsDuringPublish(
        copy, completed, results["loop"], results["hold"], before, read_once(copy.serving)
    )


def test_a_reader_in_a_loop_never_fails_and_never_sees_two_publishes_mixed(
    reads_during_publish: ReadsDuringPublish,
) -> None:
    run = reads_during_publish
    assert_published(run.publish)
    # the two publishes differ in more than as_of, so a torn read would be a tuple of neither
    assert run.before[0] != run.after[0] and run.before[1:] != run.after[1:]
    assert run.looping["failures"] == []
    seen = {tuple(read) for read in run.looping["reads"]}
    assert seen == {tuple(run.before), tuple(run.after)}, "a read saw neither publish whole"
    for read in run.looping["reads"]:
        assert read[1] == read[2], "memberships and sizes came from different publishes"


def test_a_reader_holding_a_connection_blocks_no_build_or_publish(
    reads_during_publish: ReadsDuringPublish,
) -> None:
    run = reads_during_publish
    assert_published(run.publish)
    assert run.holding["failures"] == []
    assert len(run.holding["reads"]) > 10
    # a held connection keeps the publish it opened, whole; a new connection sees the next one
    assert {tuple(read) for read in run.holding["reads"]} == {tuple(run.before)}
    assert read_once(run.world.serving) == run.after


def test_two_publishes_of_unchanged_data_and_as_of_publish_identical_tables(
    reads_during_publish: ReadsDuringPublish,
) -> None:
    copy = reads_during_publish.world
    before = published_tables(copy.serving)
    assert_published(copy.publish("--as-of", T2))
    assert [publish_id for publish_id, _ in publish_log(copy.serving)] == [1, 2, 3]
    # every table row for row, the change feed included: no change, no new change row
    assert_tables_equal(before, published_tables(copy.serving))
    assert "fct_audience_membership_changes" in before
    # the size history records the publish, with nobody entering or leaving
    sizes = table(copy.serving, "select * from rpt_audience_size_history where publish_id = 3")
    assert len(sizes) > 10
    assert (sizes["entered_members"] == 0).all() and (sizes["exited_members"] == 0).all()
    assert (sizes["members"] == sizes["previous_members"]).all()


# --- (c) a build killed midway ----------------------------------------------------------------


def test_a_build_killed_midway_leaves_the_last_publish_and_the_next_one_works(
    world: World, tmp_path: Path
) -> None:
    copy = world.copy_to(tmp_path / "killed")
    before = published_tables(copy.serving)
    running = subprocess.Popen(
        [sys.executable, "scripts/dev.py", "publish", "--as-of", T2],
        cwd=REPO_ROOT,
        env=copy.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert running.stdout is not None
    marts_started = 0
    for line in running.stdout:
        # kill once a few marts were replaced in the build warehouse, as the issue measured
        if "OK created sql table model marts." in line:
            marts_started += 1
            if marts_started == 3:
                os.killpg(running.pid, signal.SIGKILL)
                break
    running.wait(timeout=60)
    assert marts_started == 3, "the build ended before any mart was written"
    assert running.returncode != 0
    assert publish_log(copy.serving) == publish_log(world.serving)
    assert_tables_equal(before, published_tables(copy.serving))
    assert_published(copy.publish("--as-of", T2))
    assert [publish_id for publish_id, _ in publish_log(copy.serving)] == [1, 2]


# --- (d) a failing test -----------------------------------------------------------------------


def test_a_failing_test_publishes_nothing_and_is_named(world: World, tmp_path: Path) -> None:
    copy = world.copy_to(tmp_path / "failing")
    project = tmp_path / "project"

    def skipped(folder: str, names: list[str]) -> set[str]:
        # dbt's and Python's output folders; seeds/target_industries.csv is project, not output
        at_root = Path(folder) == REPO_ROOT
        return {
            name
            for name in names
            if name in {".venv", ".git", "__pycache__"}
            or (at_root and (name in {"data", "logs"} or name.startswith("target")))
        }

    shutil.copytree(REPO_ROOT, project, ignore=skipped)
    failing_test = "assert_this_test_fails_on_purpose"
    (project / "tests" / f"{failing_test}.sql").write_text("select 1 as failing_row\n")
    before = published_tables(copy.serving)
    completed = copy.publish("--as-of", T2, DBT_PROJECT_DIR=str(project))
    assert completed.returncode != 0, output(completed)[-3000:]
    assert "NOT PUBLISHED" in output(completed), output(completed)[-3000:]
    assert f"test.audiences.{failing_test} (fail)" in output(completed), output(completed)[-3000:]
    assert publish_log(copy.serving) == publish_log(world.serving)
    assert_tables_equal(before, published_tables(copy.serving))


# --- (f) refused before publishing ------------------------------------------------------------


def assert_refused(
    completed: subprocess.CompletedProcess[str], world: World, copy: World, *reasons: str
) -> None:
    assert completed.returncode != 0, output(completed)[-3000:]
    assert "NOT PUBLISHED" in output(completed)
    for reason in reasons:
        assert reason in output(completed), output(completed)[-3000:]
    assert publish_log(copy.serving) == publish_log(world.serving)


def test_an_empty_events_table_is_refused_before_building(world: World, tmp_path: Path) -> None:
    copy = world.copy_to(tmp_path / "empty")
    connection = duckdb.connect(str(copy.build))
    connection.execute("delete from raw.events")
    connection.close()
    completed = copy.publish("--as-of", T2)
    assert_refused(completed, world, copy, "events", "now empty", "--force")
    assert "dbt build" not in completed.stdout, "refused only after a build"


def test_an_absurd_var_is_refused_before_building(world: World, tmp_path: Path) -> None:
    copy = world.copy_to(tmp_path / "absurd")
    completed = copy.publish("--as-of", T2, "--vars", '{"window_shopper_min_views": -5}')
    assert_refused(completed, world, copy, "window_shopper_min_views")
    assert "OK created" not in output(completed), "a model was built despite the var"


def test_an_as_of_long_after_the_data_is_refused(world: World, tmp_path: Path) -> None:
    copy = world.copy_to(tmp_path / "late")
    completed = copy.publish("--as-of", "2026-08-30 23:59:59")
    assert_refused(
        completed,
        world,
        copy,
        "days after the newest staged event",
        "publish_max_days_after_newest_event",
    )


def test_an_as_of_earlier_than_the_last_publish_is_refused(world: World, tmp_path: Path) -> None:
    copy = world.copy_to(tmp_path / "earlier")
    before = published_tables(copy.serving)
    completed = copy.publish("--as-of", "1990-01-01 00:00:00")
    assert_refused(completed, world, copy, "earlier than the last publish")
    # the change feed and every other table as they were: a backfill never corrupts the feed
    assert_tables_equal(before, published_tables(copy.serving))
    assert "dbt build" not in completed.stdout


# --- (g) a load without privacy_requests ------------------------------------------------------


def person_columns(serving: Path) -> list[tuple[str, str]]:
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        return connection.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'main'"
            " and column_name in ('person_id', 'member_id')"
        ).fetchall()
    finally:
        connection.close()


def tables_holding(serving: Path, person_id: str) -> list[str]:
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        return [
            table
            for table, column in person_columns(serving)
            if connection.execute(
                f"select count(*) from {table} where {column} = ?", [person_id]
            ).fetchone()[0]
        ]
    finally:
        connection.close()


def pick_members(serving: Path) -> tuple[str, str, str]:
    """Two persons in audiences: one emailable (deleted by email), one opted out by user_id."""
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        rows = connection.execute(
            """select memberships.member_id, persons.email
            from fct_audience_memberships as memberships
            inner join dim_persons as persons on memberships.member_id = persons.person_id
            where memberships.member_type = 'person' and not persons.is_anonymous
            group by all order by count(*) desc, memberships.member_id"""
        ).fetchall()
    finally:
        connection.close()
    deleted = next((person, email) for person, email in rows if email)
    opted_out = next(person for person, _ in rows if person != deleted[0])
    return deleted[0], deleted[1], opted_out


def test_a_load_without_privacy_requests_brings_nobody_back(world: World, tmp_path: Path) -> None:
    copy = world.copy_to(tmp_path / "privacy")
    deleted, deleted_email, opted_out = pick_members(copy.serving)
    connection = duckdb.connect(str(copy.build))
    connection.execute(
        "insert into raw.privacy_requests values"
        " ('publish-test-delete', null, ?, 'delete', '2026-06-30 12:00:00'),"
        " ('publish-test-opt-out', ?, null, 'opt_out', '2026-06-30 12:00:00')",
        # the address as a user would type it into a form: padded, in capitals
        [f"  {deleted_email.upper()} ", opted_out],
    )
    connection.close()
    assert_published(copy.publish("--as-of", T2))
    assert_privacy_kept(copy.serving, deleted, opted_out)

    # a load of every table but privacy_requests, through the loader as a user would run it;
    # --replace-all, since an appending load would leave privacy_requests as it was
    exports = tmp_path / "exports"
    exports.mkdir()
    connection = duckdb.connect(str(copy.build), read_only=True)
    for (raw_table,) in connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw'"
        " and table_name <> 'privacy_requests' and not starts_with(table_name, '_')"
    ).fetchall():
        connection.execute(
            f"copy raw.{raw_table} to '{exports / raw_table}.parquet' (format parquet)"
        )
    connection.close()
    load(copy.build, exports, "--replace-all", env=copy.env())
    refused = copy.publish("--as-of", T2)
    assert refused.returncode != 0 and "privacy_requests" in output(refused)
    assert_published(copy.publish("--as-of", T2, "--force"))
    assert_privacy_kept(copy.serving, deleted, opted_out)
    forced = read_query(copy, "select forced_reasons from current_publish")
    assert "privacy_requests" in forced[0]["forced_reasons"]


def assert_privacy_kept(serving: Path, deleted: str, opted_out: str) -> None:
    assert tables_holding(serving, deleted) == []
    holding = tables_holding(serving, opted_out)
    # an opted-out person keeps their traits and their history of changes (the feed says they
    # exited), but is in no audience
    in_audiences = [
        name for name in holding if name.startswith("aud_") or name == "fct_audience_memberships"
    ]
    assert in_audiences == [], holding
    last_changes = table(
        serving,
        "select audience_name, max_by(change_type, publish_id) as last_change"
        " from fct_audience_membership_changes"
        f" where member_id = '{opted_out}' group by audience_name",
    )
    assert len(last_changes) > 0 and (last_changes["last_change"] == "exited").all()
    connection = duckdb.connect(str(serving), read_only=True)
    try:
        assert connection.execute(
            "select has_privacy_opt_out, is_emailable from dim_persons where person_id = ?",
            [opted_out],
        ).fetchone() == (True, False)
    finally:
        connection.close()


# --- the query command ------------------------------------------------------------------------


def read_query(world: World, sql: str) -> list[dict[str, str]]:
    completed = run_captured([sys.executable, "scripts/dev.py", "query", sql], world.env())
    return list(csv.DictReader(io.StringIO(completed.stdout)))


def test_query_prints_csv_of_the_last_publish_and_refuses_writes(world: World) -> None:
    rows = read_query(world, "select as_of, publish_id from current_publish")
    assert rows == [{"as_of": T1, "publish_id": "1"}]
    sizes = read_query(world, "select audience_name, members from rpt_audience_sizes")
    assert len(sizes) == len({row["audience_name"] for row in sizes}) > 10
    completed = attempt(
        [sys.executable, "scripts/dev.py", "query", "drop table dim_persons"], world.env()
    )
    assert completed.returncode != 0 and "read-only" in completed.stderr
    assert "Traceback" not in completed.stderr
