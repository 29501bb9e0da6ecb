"""Tests for scripts/load_raw.py: formats, column checks, all-or-nothing loads, batches that
append, idempotence and --replace-all. Bad input refused with file and line, and the loader's
functions one by one, are in test_load_raw_input.py."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import duckdb
import load_raw
import load_raw_helpers as helpers
import pytest
from audiences.raw_contract import RAW_TABLES, column_names

# --- end to end --------------------------------------------------------------------------


def test_loads_csv_parquet_jsonl_and_folder(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    nested = {"price": "19.90", "products": [{"product_id": "p1", "quantity": 2}]}
    events = [
        helpers.make_row("events", i, properties=nested, context={"os": "iOS"}) for i in range(3)
    ]
    helpers.write_jsonl(data / "events.jsonl", events)
    identifies = [
        helpers.make_row("identifies", 0, user_id="007"),
        helpers.make_row("identifies", 1),
    ]
    # Columns in another order, with odd case and spaces: still the contract's names.
    header = [" Traits", "USER_ID", "anonymous_id", "received_at ", "occurred_at"]
    helpers.write_csv(data / "identifies.csv", identifies, header)
    helpers.write_parquet(data / "email_events.parquet", helpers.make_rows("email_events", 4))
    helpers.write_parquet(
        data / "crm_accounts" / "part-0.parquet", helpers.make_rows("crm_accounts", 2)
    )
    helpers.write_parquet(
        data / "crm_accounts" / "part-1.parquet", helpers.make_rows("crm_accounts", 5)
    )

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    expected_counts = {"events": 3, "identifies": 2, "email_events": 4, "crm_accounts": 7}
    for table, rows in expected_counts.items():
        assert helpers.count(db_path, table) == rows
        assert helpers.columns_of(db_path, table) == [*column_names(table), helpers.BATCH_COLUMN]
    assert (
        helpers.query(db_path, "select user_id from raw.identifies order by user_id")[0][0] == "007"
    )
    checks = helpers.query(
        db_path,
        "select json_valid(properties), json_extract_string(properties, '$.price'),"
        " json_extract_string(properties, '$.products[0].product_id'),"
        " json_extract_string(context, '$.os'), typeof(properties)"
        " from raw.events limit 1",
    )[0]
    assert checks == (True, "19.90", "p1", "iOS", "VARCHAR")
    lines = result.stdout.splitlines()
    assert any(
        "raw.events" in line and "events.jsonl" in line and "3 rows" in line for line in lines
    )
    assert any("raw.crm_accounts" in line and "crm_accounts/" in line for line in lines)
    assert any(
        "raw.nps_responses" in line and "(not provided: created empty)" in line for line in lines
    )


def test_tables_not_provided_exist_empty_with_contract_columns(
    tmp_path: Path, db_path: Path
) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(data / "events.csv", helpers.make_rows("events", 2))

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    for table, columns in RAW_TABLES.items():
        described = helpers.query(db_path, f"describe raw.{table}")
        assert [row[0] for row in described] == [
            *(name for name, _ in columns),
            helpers.BATCH_COLUMN,
        ]
        if table != "events":
            assert [row[1] for row in described[:-1]] == [sql_type for _, sql_type in columns]
            assert helpers.count(db_path, table) == 0


def test_replace_all_replaces_and_empties_tables_not_provided(
    tmp_path: Path, db_path: Path
) -> None:
    first = tmp_path / "first"
    helpers.write_csv(first / "events.csv", helpers.make_rows("events", 5))
    helpers.write_csv(first / "identifies.csv", helpers.make_rows("identifies", 3))
    assert helpers.run_loader(first, db_path).returncode == 0
    second = tmp_path / "second"
    helpers.write_csv(second / "events.csv", helpers.make_rows("events", 2))

    result = helpers.run_loader(second, db_path, "--replace-all")

    assert result.returncode == 0, result.stderr
    assert helpers.count(db_path, "events") == 2
    assert helpers.count(db_path, "identifies") == 0  # raw reflects the folder loaded last
    assert "(not provided: emptied)" in result.stdout
    modes = helpers.query(db_path, "select mode from raw._load_batches order by loaded_at")
    assert modes == [("append",), ("replace",)]
    replace_id = helpers.query(
        db_path, "select batch_id from raw._load_batches where mode = 'replace'"
    )
    assert (
        helpers.query(db_path, f"select distinct {helpers.BATCH_COLUMN} from raw.events")
        == replace_id
    )


def test_missing_and_extra_columns_refused_and_database_unchanged(
    tmp_path: Path, db_path: Path
) -> None:
    good = tmp_path / "good"
    helpers.write_csv(good / "events.csv", helpers.make_rows("events", 4))
    helpers.write_csv(good / "identifies.csv", helpers.make_rows("identifies", 2))
    assert helpers.run_loader(good, db_path).returncode == 0
    bad = tmp_path / "bad"
    missing = [
        {k: v for k, v in row.items() if k != "context"} for row in helpers.make_rows("events", 1)
    ]
    helpers.write_csv(bad / "events.csv", missing)
    extra = [{**row, "favourite_colour": "blue"} for row in helpers.make_rows("identifies", 1)]
    helpers.write_jsonl(bad / "identifies.jsonl", extra)
    helpers.write_parquet(
        bad / "email_events.parquet", helpers.make_rows("email_events", 9)
    )  # a good one

    result = helpers.run_loader(bad, db_path)

    assert result.returncode != 0
    assert "events.csv" in result.stderr
    assert "missing columns: context" in result.stderr
    assert "identifies.jsonl" in result.stderr
    assert "unexpected columns: favourite_colour" in result.stderr
    assert helpers.count(db_path, "events") == 4
    assert helpers.count(db_path, "identifies") == 2
    assert helpers.count(db_path, "email_events") == 0


def test_refused_run_creates_no_database(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(
        data / "events.csv", helpers.make_rows("events", 1), ["event_id", "event_name"]
    )

    result = helpers.run_loader(data, db_path)

    assert result.returncode != 0
    assert "missing columns" in result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize("file_name", ["raw.duckdb", "Marts.duckdb"])
def test_database_file_named_like_a_schema_refused(tmp_path: Path, file_name: str) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(data / "events.csv", helpers.make_rows("events", 1))
    db_path = tmp_path / "db" / file_name

    result = helpers.run_loader(data, db_path)

    assert result.returncode != 0
    assert f"{file_name} cannot hold the warehouse" in result.stderr
    assert not db_path.exists()


def test_two_sources_for_one_table_refused(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(data / "events.csv", helpers.make_rows("events", 1))
    helpers.write_parquet(data / "events.parquet", helpers.make_rows("events", 1))

    result = helpers.run_loader(data, db_path)

    assert result.returncode != 0
    assert "events.csv" in result.stderr
    assert "events.parquet" in result.stderr
    assert "2 sources" in result.stderr
    assert not db_path.exists()


def test_missing_dir_refused(tmp_path: Path, db_path: Path) -> None:
    result = helpers.run_loader(tmp_path / "nowhere", db_path)

    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert not db_path.exists()


def test_empty_dir_refused(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    data.mkdir()

    result = helpers.run_loader(data, db_path)

    assert result.returncode != 0
    assert "no file or folder named after a contract table" in result.stderr
    assert not db_path.exists()


def test_unmatched_files_warned_not_fatal(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(data / "events.csv", helpers.make_rows("events", 1))
    (data / "README.txt").write_text("notes")
    helpers.write_csv(data / "orders.csv", [{"order_id": "1"}])

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr
    assert "README.txt" in result.stderr
    assert "orders.csv" in result.stderr
    assert helpers.count(db_path, "events") == 1


def test_compressed_files_load(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    csv_path = helpers.write_csv(tmp_path / "plain.csv", helpers.make_rows("events", 3))
    (data / "events.csv.gz").parent.mkdir(parents=True)
    (data / "events.csv.gz").write_bytes(gzip.compress(csv_path.read_bytes()))
    helpers.write_jsonl(data / "identifies.jsonl.gz", helpers.make_rows("identifies", 2))

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    assert helpers.count(db_path, "events") == 3
    assert helpers.count(db_path, "identifies") == 2


def test_bad_row_during_load_rolls_back_everything(tmp_path: Path, db_path: Path) -> None:
    good = tmp_path / "good"
    helpers.write_csv(good / "events.csv", helpers.make_rows("events", 4))
    assert helpers.run_loader(good, db_path).returncode == 0
    bad = tmp_path / "bad"
    helpers.write_csv(
        bad / "events.csv", helpers.make_rows("events", 2)
    )  # written first, then rolled back
    path = helpers.write_csv(bad / "identifies.csv", helpers.make_rows("identifies", 30_000))
    with path.open("a") as handle:  # too many fields, past the rows the checks sample
        handle.write("a,b,c,d,e,f,g,h,i,j,k,l\n")

    result = helpers.run_loader(bad, db_path)

    assert result.returncode != 0
    assert "unchanged" in result.stderr
    assert "identifies.csv line 30002 has more fields than the header (5)" in result.stderr
    helpers.assert_refused_without_hints(result)
    assert helpers.count(db_path, "events") == 4
    assert helpers.count(db_path, "identifies") == 0


def test_csv_quoted_field_after_sniffed_sample(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    rows = helpers.make_rows("crm_accounts", 25_000)
    rows.append(helpers.make_row("crm_accounts", 99_999, name="Acme, Inc.", account_id="000123"))
    helpers.write_csv(data / "crm_accounts.csv", rows)

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    got = helpers.query(db_path, "select name from raw.crm_accounts where account_id = '000123'")
    assert got == [("Acme, Inc.",)]
    assert helpers.count(db_path, "crm_accounts") == 25_001


# --- batches -----------------------------------------------------------------------------


def test_appending_two_batches_keeps_both(tmp_path: Path, db_path: Path) -> None:
    first = tmp_path / "day1"
    helpers.write_csv(first / "events.csv", helpers.make_rows("events", 3))
    helpers.write_csv(first / "identifies.csv", helpers.make_rows("identifies", 2))
    second = tmp_path / "day2"
    helpers.write_jsonl(
        second / "events.jsonl", [helpers.make_row("events", i) for i in range(3, 5)]
    )
    assert helpers.run_loader(first, db_path).returncode == 0

    result = helpers.run_loader(second, db_path)

    assert result.returncode == 0, result.stderr
    assert helpers.count(db_path, "events") == 5  # 3 + 2
    assert helpers.count(db_path, "identifies") == 2  # not in the second batch: kept
    assert any(
        "raw.identifies" in line and "(not in this batch: kept)" in line and "2 rows" in line
        for line in result.stdout.splitlines()
    )
    batches = helpers.query(db_path, "select batch_id from raw._load_batches order by loaded_at")
    assert len(batches) == 2
    per_batch = helpers.query(
        db_path, f"select {helpers.BATCH_COLUMN}, count(*) from raw.events group by 1 order by 1"
    )
    assert per_batch == [(batches[0][0], 3), (batches[1][0], 2)]
    written = helpers.query(
        db_path,
        f"select table_name, rows from raw._load_batch_tables"
        f" where batch_id = '{batches[1][0]}' order by 1",
    )
    assert written == [("events", 2)]


def test_registry_records_the_batch(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(data / "events.csv", helpers.make_rows("events", 2))
    helpers.write_parquet(
        data / "crm_accounts" / "part-0.parquet", helpers.make_rows("crm_accounts", 3)
    )
    files = sorted(
        (path.relative_to(data).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in data.rglob("*")
        if path.is_file()
    )
    expected = hashlib.sha256("".join(f"{p}\t{h}\n" for p, h in files).encode()).hexdigest()

    assert helpers.run_loader(data, db_path).returncode == 0

    ((batch_id, source, fingerprint, mode),) = helpers.query(
        db_path, "select batch_id, source_path, fingerprint, mode from raw._load_batches"
    )
    assert fingerprint == expected
    assert mode == "append"
    assert source == str(data.resolve())
    assert batch_id.endswith("Z-" + expected[:12])
    rows = dict(helpers.query(db_path, "select table_name, rows from raw._load_batch_tables"))
    assert rows["events"] == 2 and rows["crm_accounts"] == 3
    assert rows["nps_responses"] == 0  # created empty by this batch


def test_the_same_batch_twice_changes_nothing(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(data / "events.csv", helpers.make_rows("events", 3))
    helpers.write_jsonl(data / "identifies.jsonl", helpers.make_rows("identifies", 2))
    assert helpers.run_loader(data, db_path).returncode == 0
    before = helpers.snapshot(db_path)
    copy = tmp_path / "copy-of-the-same-files"
    copy.mkdir()
    for path in data.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())

    again = helpers.run_loader(data, db_path)
    copied = helpers.run_loader(copy, db_path)

    batch_id = before["_load_batches"][0][0]
    for result in (again, copied):
        assert result.returncode == 0, result.stderr
        assert f"SKIPPED: batch already loaded as {batch_id}" in result.stdout
    assert helpers.snapshot(db_path) == before
    assert len(before["_load_batches"]) == 1


def test_a_batch_removed_by_replace_all_can_be_loaded_again(tmp_path: Path, db_path: Path) -> None:
    day1 = tmp_path / "day1"
    helpers.write_csv(day1 / "events.csv", helpers.make_rows("events", 3))
    reset = tmp_path / "reset"
    helpers.write_csv(reset / "identifies.csv", helpers.make_rows("identifies", 1))
    assert helpers.run_loader(day1, db_path).returncode == 0
    assert helpers.run_loader(reset, db_path, "--replace-all").returncode == 0
    assert helpers.count(db_path, "events") == 0

    result = helpers.run_loader(day1, db_path)

    assert result.returncode == 0, result.stderr
    assert "SKIPPED" not in result.stdout
    assert helpers.count(db_path, "events") == 3
    assert helpers.count(db_path, "identifies") == 1


def test_existing_table_gets_the_batch_column_and_keeps_its_rows(
    tmp_path: Path, db_path: Path
) -> None:
    db_path.parent.mkdir(parents=True)
    con = duckdb.connect(str(db_path))  # a raw table as the generator writes it: typed
    con.execute("create schema raw")
    con.execute(load_raw.create_table_sql("identifies"))
    con.execute(
        "insert into raw.identifies values ('a-old', 'u-old', '2026-01-01', '2026-01-01 08:00:00',"
        " '{}')"
    )
    con.close()
    data = tmp_path / "exports"
    helpers.write_csv(
        data / "identifies.csv", [helpers.make_row("identifies", 1, received_at="2026-01-02")]
    )

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    got = helpers.query(
        db_path,
        f"select user_id, received_at, {helpers.BATCH_COLUMN} is null"
        " from raw.identifies order by user_id",
    )
    assert got == [("u-old", "2026-01-01 08:00:00", True), ("user_id-1", "2026-01-02", False)]
    assert "raw.identifies.received_at was TIMESTAMP" in result.stdout
