"""A daily replay equals a full refresh: the event staging models are incremental by day of
receipt (macros/received_days.sql), and fourteen daily loads through the loader, each followed by
an incremental run, must leave every staging, intermediate and mart table exactly as one
`dbt run --full-refresh` over the same raw rows does.

The world: 300 persons up to END_DATE. Batch 0 holds everything received before the last
fourteen days (and every CRM, subscription, usage, ticket and NPS row); each later batch holds
the events, email events and identifies received on its day, so late events (received days
after they occurred) and redeliveries land on their own day. On top of what the generator's
flaws bring, the data gets, before it is split:
- a redelivery across days: an event received on replay day 2 received again on day 9;
- a late event: received on day 12, occurred on day 1 (moved, so it exists once);
- an email event redelivered on day 11 of one received on day 3;
- an event whose received_at is null (quarantined, in no day) on day 5;
- the privacy requests (deletes and opt-outs) arrive on day 7, in the middle.
Day 9's folder is also loaded a second time, which the loader skips.

A row received before the days an incremental run re-stages is not staged by it: the
row-accounting test must then fail, and a full refresh must put it right.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from audiences.runtime import REPO_ROOT, end_of_day
from warehouse_diff import table_differences
from warehouse_helpers import as_of_vars, dbt_ok, dbt_result, generate, load

END_DATE = dt.date(2026, 6, 30)
REPLAY_DAYS = [END_DATE - dt.timedelta(days=13 - offset) for offset in range(14)]
AS_OF_VARS = as_of_vars(end_of_day(END_DATE.isoformat()))
DAILY_TABLES = ("events", "email_events", "identifies")
MIDDLE_TABLES = ("privacy_requests",)
MIDDLE_DAY = REPLAY_DAYS[6]
INCREMENTAL_MODELS = "+tag:received_days"
REDELIVERED_EVENT_ID = "replay-redelivered"
LATE_EVENT_ID = "replay-late"
NULL_RECEIVED_EVENT_ID = "replay-null-received"
REDELIVERED_EMAIL_EVENT_ID = "replay-email-redelivered"


def at(day: dt.date, time: str) -> str:
    return f"timestamp '{day} {time}'"


def add_cross_day_cases(path: Path) -> None:
    """The cases the generator may not bring in a small world, named so tests can find them."""
    day = REPLAY_DAYS
    with duckdb.connect(str(path)) as connection:
        first_of = (
            "select * from raw.{table} where cast(received_at as date) = date '{day}' "
            "and {usable} order by {key} limit 1"
        )
        usable_event = (
            "event_name = 'Product Viewed' and user_id is not null "
            "and try_cast(occurred_at as timestamp) is not null"
        )

        def first_viewed(on: dt.date) -> str:
            return first_of.format(table="events", day=on, usable=usable_event, key="event_id")

        first_opened = first_of.format(
            table="email_events", day=day[2], usable="event_type = 'opened'", key="email_event_id"
        )
        statements = [
            # a redelivery: the same event again a week later, as a pipeline retry sends it
            f"""insert into raw.events
                select * replace ('{REDELIVERED_EVENT_ID}' as event_id)
                from ({first_viewed(day[1])})""",
            f"""insert into raw.events
                select * replace ('{REDELIVERED_EVENT_ID}' as event_id,
                                  {at(day[8], "10:00:00")} as received_at)
                from ({first_viewed(day[1])})""",
            # a late event: happened on day 1, received on day 12
            f"""insert into raw.events
                select * replace ('{LATE_EVENT_ID}' as event_id,
                                  '{day[0]} 09:00:00' as occurred_at,
                                  {at(day[11], "08:00:00")} as received_at)
                from ({first_viewed(day[0])})""",
            # no receive time: quarantined, staged in no day
            f"""insert into raw.events
                select * replace ('{NULL_RECEIVED_EVENT_ID}' as event_id,
                                  null::timestamp as received_at)
                from ({first_viewed(day[4])})""",
            f"""insert into raw.email_events
                select * replace ('{REDELIVERED_EMAIL_EVENT_ID}' as email_event_id)
                from ({first_opened})""",
            f"""insert into raw.email_events
                select * replace ('{REDELIVERED_EMAIL_EVENT_ID}' as email_event_id,
                                  {at(day[10], "07:30:00")} as received_at)
                from ({first_opened})""",
        ]
        for statement in statements:
            connection.execute(statement)


def batch_condition(table: str, batch_day: dt.date | None) -> str:
    """The rows of `table` in the batch of `batch_day` (None: batch 0, the history)."""
    first = REPLAY_DAYS[0]
    if table in MIDDLE_TABLES:
        return "true" if batch_day == MIDDLE_DAY else "false"
    if table not in DAILY_TABLES:
        return "true" if batch_day is None else "false"
    received = "cast(received_at as date)"
    if batch_day is None:
        return f"{received} < date '{first}'"
    if batch_day == REPLAY_DAYS[4]:  # the row with no receive time goes out with day 5
        return f"({received} = date '{batch_day}' or received_at is null)"
    return f"{received} = date '{batch_day}'"


def write_batches(source: Path, folder: Path) -> list[Path]:
    """Batch 0 and one folder per replay day, as parquet files named after their tables."""
    batches = []
    with duckdb.connect(str(source), read_only=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw'"
                " and not starts_with(table_name, '_') order by 1"
            ).fetchall()
        ]
        for index, batch_day in enumerate([None, *REPLAY_DAYS]):
            batch = folder / f"batch-{index:02d}"
            batch.mkdir(parents=True)
            for table in tables:
                condition = batch_condition(table, batch_day)
                if condition == "false":
                    continue
                connection.execute(
                    f"copy (select * from raw.{table} where {condition}) "
                    f"to '{batch / table}.parquet' (format parquet)"
                )
            batches.append(batch)
    return batches


def copy_of(warehouse: Path, folder: Path) -> Path:
    """The warehouse copied into `folder` under its own name (its staging views name it)."""
    folder.mkdir()
    return Path(shutil.copy(warehouse, folder / warehouse.name))


def restage_days() -> int:
    project = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())
    return int(project["vars"]["event_restage_days"])


def restaged_incrementally(path: Path) -> bool:
    """Whether the last run built base_raw__events as an incremental run (not whole)."""
    results = json.loads((path.parent / "target" / "run_results.json").read_text())
    for result in results["results"]:
        if result["unique_id"] == "model.audiences.base_raw__events":
            return "earlier_delivered_event_ids" in (result.get("compiled_code") or "")
    raise AssertionError("base_raw__events did not run")


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("replay")
    source = root / "generated" / "audiences.duckdb"
    source.parent.mkdir()
    generate(source, 300, 11, END_DATE)
    add_cross_day_cases(source)
    batches = write_batches(source, root / "batches")

    # same file name on both sides: the staging views name their file's catalog
    replayed = root / "replayed" / "audiences.duckdb"
    replayed.parent.mkdir()
    load(replayed, batches[0])
    dbt_ok(replayed, "seed", "--quiet")
    dbt_ok(replayed, "run", "--select", INCREMENTAL_MODELS, "--quiet")
    incremental_runs = []
    reload_output = ""
    for day, batch in zip(REPLAY_DAYS, batches[1:], strict=True):
        load(replayed, batch)
        if day == REPLAY_DAYS[8]:
            reload_output = load(replayed, batch).stdout
        dbt_ok(replayed, "run", "--select", INCREMENTAL_MODELS, "--quiet")
        incremental_runs.append(restaged_incrementally(replayed))
        if day == MIDDLE_DAY:
            # the day the deletes arrive, everything is built as a daily job would
            dbt_ok(replayed, "run", "--vars", AS_OF_VARS, "--quiet")
    # a rerun with nothing new changes nothing
    dbt_ok(replayed, "run", "--select", INCREMENTAL_MODELS, "--quiet")
    build = dbt_result(replayed, "build", "--vars", AS_OF_VARS)

    refreshed = root / "refreshed" / "audiences.duckdb"
    refreshed.parent.mkdir()
    shutil.copy(replayed, refreshed)
    dbt_ok(refreshed, "run", "--full-refresh", "--vars", AS_OF_VARS, "--quiet")
    return {
        "root": root,
        "source": source,
        "replayed": replayed,
        "refreshed": refreshed,
        "build": build,
        "incremental_runs": incremental_runs,
        "reload_output": reload_output,
    }


def test_the_replay_loaded_fifteen_batches_and_skipped_the_reloaded_one(replay) -> None:
    assert "SKIPPED" in replay["reload_output"]
    with duckdb.connect(str(replay["replayed"]), read_only=True) as connection:
        batches = connection.execute("select count(*) from raw._load_batches").fetchone()[0]
        raw_events = connection.execute("select count(*) from raw.events").fetchone()[0]
    with duckdb.connect(str(replay["source"]), read_only=True) as connection:
        generated_events = connection.execute("select count(*) from raw.events").fetchone()[0]
    assert batches == 15
    assert raw_events == generated_events


def test_every_daily_run_was_incremental(replay) -> None:
    assert replay["incremental_runs"] == [True] * 14


def test_the_replayed_build_passes_every_test(replay) -> None:
    build = replay["build"]
    assert build.returncode == 0, build.stdout[-4000:]
    assert "PASS=" in build.stdout and "ERROR=0" in build.stdout


def test_the_replay_equals_a_full_refresh_table_by_table(replay) -> None:
    differences = table_differences(replay["replayed"], replay["refreshed"])
    assert differences == [], "\n".join(f"{d.relation}: {d.problem}" for d in differences)


def test_the_cross_day_cases_are_staged_as_a_full_build_stages_them(replay) -> None:
    with duckdb.connect(str(replay["replayed"]), read_only=True) as connection:
        redelivered = connection.execute(
            "select received_on, is_duplicate from staging.base_raw__events "
            "where event_id = ? order by received_on",
            [REDELIVERED_EVENT_ID],
        ).fetchall()
        late = connection.execute(
            "select cast(occurred_at as date), received_on from staging.stg_raw__events "
            "where event_id = ?",
            [LATE_EVENT_ID],
        ).fetchall()
        no_receive_time = connection.execute(
            "select received_on, quarantine_reason from staging.base_raw__events "
            "where event_id = ?",
            [NULL_RECEIVED_EVENT_ID],
        ).fetchall()
        email = connection.execute(
            "select received_on, is_duplicate from staging.base_raw__email_events "
            "where email_event_id = ? order by received_on",
            [REDELIVERED_EMAIL_EVENT_ID],
        ).fetchall()
    assert redelivered == [(REPLAY_DAYS[1], False), (REPLAY_DAYS[8], True)]
    assert late == [(REPLAY_DAYS[0], REPLAY_DAYS[11])]
    assert no_receive_time == [(dt.date(9999, 12, 31), "unparseable_timestamp")]
    assert email == [(REPLAY_DAYS[2], False), (REPLAY_DAYS[10], True)]


def test_the_deletes_loaded_mid_replay_left_no_trace_in_the_marts(replay) -> None:
    with duckdb.connect(str(replay["replayed"]), read_only=True) as connection:
        deleted = [
            row[0]
            for row in connection.execute(
                "select distinct user_id from raw.privacy_requests "
                "where request_type = 'delete' and user_id is not null"
            ).fetchall()
        ]
        assert deleted, "the world has no delete request"
        placeholders = ", ".join("?" for _ in deleted)
        still_there = connection.execute(
            f"select count(*) from marts.dim_persons where person_id in ({placeholders})", deleted
        ).fetchone()[0]
    assert still_there == 0


def test_a_row_received_before_the_restaged_days_fails_the_accounting_test(
    replay, tmp_path: Path
) -> None:
    """The window's edge: a row loaded late but received at the first instant of the newest
    staged day minus event_restage_days is staged; one received a second earlier is not, and
    the accounting test says so until a full refresh."""
    stale = copy_of(replay["replayed"], tmp_path / "stale")
    batch = tmp_path / "stale-batch"
    batch.mkdir()
    with duckdb.connect(str(stale)) as connection:
        newest = connection.execute(
            "select max(received_on) from staging.base_raw__events "
            "where received_on <= current_date"
        ).fetchone()[0]
        first_restaged = newest - dt.timedelta(days=restage_days())
        connection.execute(
            f"""copy (
                select events.* exclude (_load_batch_id) replace (
                    edge.event_id as event_id, edge.received_at as received_at)
                from raw.events as events, (values
                    ('replay-edge-inside', {at(first_restaged, "00:00:00")}),
                    ('replay-edge-outside', {at(first_restaged, "00:00:00")} - interval 1 second)
                ) as edge (event_id, received_at)
                where events.event_id = '{LATE_EVENT_ID}'
            ) to '{batch / "events.parquet"}' (format parquet)"""
        )
    load(stale, batch)
    dbt_ok(stale, "run", "--select", INCREMENTAL_MODELS, "--quiet")
    with duckdb.connect(str(stale), read_only=True) as connection:
        staged = [
            row[0]
            for row in connection.execute(
                "select event_id from staging.stg_raw__events where event_id like 'replay-edge-%'"
            ).fetchall()
        ]
    assert staged == ["replay-edge-inside"]
    missed = dbt_result(stale, "test", "--select", "assert_raw_rows_are_all_accounted_for")
    assert missed.returncode != 0 and "assert_raw_rows_are_all_accounted_for" in missed.stdout
    dbt_ok(
        stale,
        "run",
        "--select",
        INCREMENTAL_MODELS + "+",
        "--full-refresh",
        "--vars",
        AS_OF_VARS,
        "--quiet",
    )
    dbt_ok(stale, "test", "--select", "assert_raw_rows_are_all_accounted_for")


NO_DAY_RECEIVED_AT = {
    "replay-received-minus-infinity": "timestamp '-infinity'",
    "replay-received-infinity": "timestamp 'infinity'",
    "replay-received-before-year-1": "timestamp '0100-01-01 (BC)'",
}


def test_a_typed_received_at_of_no_day_stays_quarantined_through_daily_runs(
    replay, tmp_path: Path
) -> None:
    """A received_at typed TIMESTAMP that is no time (+-infinity, before year 1) belongs to no
    day, like a null one: it is quarantined in received_on 9999-12-31, which every daily run
    re-stages whole. A daily run reads only the raw rows of its days (macro received_since), so
    it must still read these, or its rewrite of that day drops them."""
    warehouse = copy_of(replay["replayed"], tmp_path / "no-day")
    values = ", ".join(f"('{event_id}', {time})" for event_id, time in NO_DAY_RECEIVED_AT.items())
    with duckdb.connect(str(warehouse)) as connection:
        received_at_type = connection.execute(
            "select data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'events' and column_name = 'received_at'"
        ).fetchone()[0]
        assert received_at_type == "TIMESTAMP"  # else the values below would be text
        connection.execute(
            f"""insert into raw.events
                select events.* replace (odd.event_id as event_id, odd.received_at as received_at)
                from raw.events as events, (values {values}) as odd (event_id, received_at)
                where events.event_id = '{LATE_EVENT_ID}'"""
        )
    expected = sorted(
        [(event_id, "unparseable_timestamp") for event_id in NO_DAY_RECEIVED_AT]
        + [(NULL_RECEIVED_EVENT_ID, "unparseable_timestamp")]
    )
    for _ in range(2):  # the first run stages them, the second must keep them
        dbt_ok(warehouse, "run", "--select", INCREMENTAL_MODELS, "--quiet")
        assert restaged_incrementally(warehouse)
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            no_day = connection.execute(
                "select event_id, quarantine_reason from staging.base_raw__events "
                "where received_on = date '9999-12-31' order by event_id"
            ).fetchall()
        assert no_day == expected
    # the quarantine table is not event staging: a daily job's build refreshes it
    dbt_ok(warehouse, "run", "--select", "stg_raw__quarantined_rows", "--quiet")
    dbt_ok(warehouse, "test", "--select", "assert_raw_rows_are_all_accounted_for")


EVENT_ID_TEST = "stg_raw__events,test_name:unique_in_restaged_days"
# after a whole build both group a hash first (macro fast_hash): over a table, and over the
# event id view by its `hash_first` argument
RAW_ROW_ID_TEST = "base_raw__events,test_name:unique_in_restaged_days"
ROLLUP_KEY_TEST = "int_identity_hours_aggregated,test_name:unique_combination_of_columns"
KEY_TESTS = (EVENT_ID_TEST, RAW_ROW_ID_TEST, ROLLUP_KEY_TEST)


def first_restaged_day(connection: duckdb.DuckDBPyConnection, model: str) -> dt.date | None:
    return connection.execute(
        "select first_restaged_day from main.received_days_restaged where model_name = ?", [model]
    ).fetchone()[0]


def plant_repeats(path: Path, day: dt.date) -> None:
    """A copy of a usable row staged before `day` (its event id and raw row id repeated), placed
    on `day`, and a repeated rollup row on `day`: what a broken re-staging would write."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            """insert into staging.base_raw__events
                select * replace (? as received_on)
                from staging.base_raw__events
                where event_id = (
                    select min(event_id) from staging.stg_raw__events where received_on < ?
                )""",
            [day, day],
        )
        connection.execute(
            """insert into intermediate.int_identity_hours_aggregated
                select * from intermediate.int_identity_hours_aggregated
                where received_on = ? limit 1""",
            [day],
        )


def test_the_key_tests_check_what_the_run_wrote_against_all_history(replay, tmp_path: Path) -> None:
    """After a daily run the event id test reads the re-staged days, each id against every day:
    an old event id repeated on a re-staged day fails it. A repeat inside older days is left to
    a whole build, which records no first day, so that its tests read every row."""
    with duckdb.connect(str(replay["replayed"]), read_only=True) as connection:
        restaged_from = first_restaged_day(connection, "base_raw__events")
        rollup_restaged_from = first_restaged_day(connection, "int_identity_hours_aggregated")
    assert restaged_from == REPLAY_DAYS[-1] - dt.timedelta(days=restage_days())
    assert rollup_restaged_from == restaged_from

    on_restaged_day = copy_of(replay["replayed"], tmp_path / "on-restaged-day")
    plant_repeats(on_restaged_day, restaged_from)
    for selector in KEY_TESTS:
        caught = dbt_result(on_restaged_day, "test", "--select", selector)
        assert caught.returncode != 0 and "FAIL 1" in caught.stdout, caught.stdout[-2000:]

    on_older_day = copy_of(replay["replayed"], tmp_path / "on-older-day")
    plant_repeats(on_older_day, restaged_from - dt.timedelta(days=1))
    dbt_ok(on_older_day, "test", "--select", *KEY_TESTS)

    dbt_ok(on_older_day, "run", "--select", "+tag:received_days", "--full-refresh", "--quiet")
    with duckdb.connect(str(on_older_day), read_only=True) as connection:
        assert first_restaged_day(connection, "base_raw__events") is None
    plant_repeats(on_older_day, restaged_from - dt.timedelta(days=1))
    for selector in KEY_TESTS:
        caught = dbt_result(on_older_day, "test", "--select", selector)
        assert caught.returncode != 0 and "FAIL 1" in caught.stdout, caught.stdout[-2000:]


def test_the_tables_writers_drop_are_the_incremental_staging_models() -> None:
    from audiences.raw_contract import INCREMENTAL_STAGING_TABLES

    # tagged in their config, or through the macro that writes that config
    tagged = {
        path.stem
        for path in (REPO_ROOT / "models").rglob("*.sql")
        if "tags=['received_days']" in path.read_text()
        or "received_days_config()" in path.read_text()
    }
    assert tagged == set(INCREMENTAL_STAGING_TABLES)


def test_replacing_raw_restages_it_whole(replay, tmp_path: Path) -> None:
    """After `load_raw.py --replace-all` the next run stages the new raw whole: the rows that
    were replaced away do not linger in the days an incremental run would keep."""
    replaced = copy_of(replay["replayed"], tmp_path / "replaced")
    batch = tmp_path / "replacement"
    batch.mkdir()
    with duckdb.connect(str(replaced)) as connection:
        for (table,) in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw' "
            "and not starts_with(table_name, '_')"
        ).fetchall():
            # the replacement lacks the redelivered event, received on days long staged
            connection.execute(
                f"copy (select * exclude (_load_batch_id) from raw.{table}"
                + (f" where event_id <> '{REDELIVERED_EVENT_ID}'" if table == "events" else "")
                + f") to '{batch / table}.parquet' (format parquet)"
            )
    loaded = load(replaced, batch, "--replace-all")
    assert "dropped" in loaded.stdout and "base_raw__events" in loaded.stdout
    dbt_ok(
        replaced,
        "run",
        "--select",
        INCREMENTAL_MODELS,
        "stg_raw__quarantined_rows",
        "stg_raw__removed_duplicates",
        "--quiet",
    )
    dbt_ok(replaced, "test", "--select", "assert_raw_rows_are_all_accounted_for")
    with duckdb.connect(str(replaced), read_only=True) as connection:
        lingering = connection.execute(
            "select count(*) from staging.base_raw__events where event_id = ?",
            [REDELIVERED_EVENT_ID],
        ).fetchone()[0]
    assert lingering == 0


def test_regenerating_into_a_built_warehouse_restages_it_whole(replay, tmp_path: Path) -> None:
    regenerated = copy_of(replay["replayed"], tmp_path / "regenerated")
    completed = generate(regenerated, 100, 3, END_DATE)
    assert "dropped" in completed.stderr
    with duckdb.connect(str(regenerated), read_only=True) as connection:
        left = connection.execute(
            "select count(*) from duckdb_tables() where table_name in "
            "('base_raw__events', 'stg_raw__order_items', 'base_raw__email_events')"
        ).fetchone()[0]
    assert left == 0
