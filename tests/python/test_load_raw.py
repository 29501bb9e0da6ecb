"""Tests for scripts/load_raw.py: formats, column checks, all-or-nothing loads, batches that
append, idempotence, --replace-all, and bad input refused with file and line."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import load_raw
from audiences.raw_contract import RAW_TABLES, column_names

SCRIPT = Path(load_raw.__file__).resolve()
BATCH_COLUMN = load_raw.BATCH_COLUMN
DUCKDB_HINTS = ("Possible", "max_line_size", "ignore_errors", "strict_mode", "null_padding")

Row = dict[str, Any]


# --- helpers -----------------------------------------------------------------------------


def make_row(table: str, index: int, **overrides: Any) -> Row:
    """A row with every contract column filled with a plain string."""
    row: Row = {name: f"{name}-{index}" for name in column_names(table)}
    row.update(overrides)
    return row


def make_rows(table: str, count: int) -> list[Row]:
    return [make_row(table, i) for i in range(count)]


def write_csv(path: Path, rows: list[Row], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(name.strip().lower(), row.get(name)) for name in columns])
    return path


def write_jsonl(path: Path, rows: list[Row]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(row) + "\n" for row in rows)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def write_parquet(path: Path, rows: list[Row]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def run_loader(data_dir: Path, db_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AUDIENCES_DUCKDB_PATH": str(db_path)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *flags, str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=data_dir.parent if data_dir.parent.exists() else None,
    )


def query(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def count(db_path: Path, table: str) -> int:
    return query(db_path, f"select count(*) from raw.{table}")[0][0]


def columns_of(db_path: Path, table: str) -> list[str]:
    return [row[0] for row in query(db_path, f"describe raw.{table}")]


def snapshot(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of schema raw (registry included), rows sorted."""
    tables = query(
        db_path, "select table_name from duckdb_tables() where schema_name = 'raw' order by 1"
    )
    return {name: query(db_path, f"select * from raw.{name} order by all") for (name,) in tables}


def load_in_process(data_dir: Path, db: Path, mode: str = "append") -> load_raw.LoadResult:
    discovery = load_raw.discover(data_dir)
    plans, errors = load_raw.plan_all(discovery, data_dir)
    assert errors == []
    batch = load_raw.new_batch(data_dir, discovery.sources, mode)
    return load_raw.load_all(db, plans, batch, data_dir)


def assert_refused_without_hints(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1
    assert "refused: nothing loaded" in result.stderr
    for hint in DUCKDB_HINTS:  # DuckDB's advice names reader options the loader does not have
        assert hint not in result.stderr


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db" / "audiences.duckdb"


# --- end to end --------------------------------------------------------------------------


def test_loads_csv_parquet_jsonl_and_folder(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    nested = {"price": "19.90", "products": [{"product_id": "p1", "quantity": 2}]}
    events = [make_row("events", i, properties=nested, context={"os": "iOS"}) for i in range(3)]
    write_jsonl(data / "events.jsonl", events)
    identifies = [make_row("identifies", 0, user_id="007"), make_row("identifies", 1)]
    # Columns in another order, with odd case and spaces: still the contract's names.
    header = [" Traits", "USER_ID", "anonymous_id", "received_at ", "occurred_at"]
    write_csv(data / "identifies.csv", identifies, header)
    write_parquet(data / "email_events.parquet", make_rows("email_events", 4))
    write_parquet(data / "crm_accounts" / "part-0.parquet", make_rows("crm_accounts", 2))
    write_parquet(data / "crm_accounts" / "part-1.parquet", make_rows("crm_accounts", 5))

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    expected_counts = {"events": 3, "identifies": 2, "email_events": 4, "crm_accounts": 7}
    for table, rows in expected_counts.items():
        assert count(db_path, table) == rows
        assert columns_of(db_path, table) == [*column_names(table), BATCH_COLUMN]
    assert query(db_path, "select user_id from raw.identifies order by user_id")[0][0] == "007"
    checks = query(
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
    write_csv(data / "events.csv", make_rows("events", 2))

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    for table, columns in RAW_TABLES.items():
        described = query(db_path, f"describe raw.{table}")
        assert [row[0] for row in described] == [*(name for name, _ in columns), BATCH_COLUMN]
        if table != "events":
            assert [row[1] for row in described[:-1]] == [sql_type for _, sql_type in columns]
            assert count(db_path, table) == 0


def test_replace_all_replaces_and_empties_tables_not_provided(
    tmp_path: Path, db_path: Path
) -> None:
    first = tmp_path / "first"
    write_csv(first / "events.csv", make_rows("events", 5))
    write_csv(first / "identifies.csv", make_rows("identifies", 3))
    assert run_loader(first, db_path).returncode == 0
    second = tmp_path / "second"
    write_csv(second / "events.csv", make_rows("events", 2))

    result = run_loader(second, db_path, "--replace-all")

    assert result.returncode == 0, result.stderr
    assert count(db_path, "events") == 2
    assert count(db_path, "identifies") == 0  # raw reflects the folder loaded last
    assert "(not provided: emptied)" in result.stdout
    modes = query(db_path, "select mode from raw._load_batches order by loaded_at")
    assert modes == [("append",), ("replace",)]
    replace_id = query(db_path, "select batch_id from raw._load_batches where mode = 'replace'")
    assert query(db_path, f"select distinct {BATCH_COLUMN} from raw.events") == replace_id


def test_missing_and_extra_columns_refused_and_database_unchanged(
    tmp_path: Path, db_path: Path
) -> None:
    good = tmp_path / "good"
    write_csv(good / "events.csv", make_rows("events", 4))
    write_csv(good / "identifies.csv", make_rows("identifies", 2))
    assert run_loader(good, db_path).returncode == 0
    bad = tmp_path / "bad"
    missing = [{k: v for k, v in row.items() if k != "context"} for row in make_rows("events", 1)]
    write_csv(bad / "events.csv", missing)
    extra = [{**row, "favourite_colour": "blue"} for row in make_rows("identifies", 1)]
    write_jsonl(bad / "identifies.jsonl", extra)
    write_parquet(bad / "email_events.parquet", make_rows("email_events", 9))  # a good one

    result = run_loader(bad, db_path)

    assert result.returncode != 0
    assert "events.csv" in result.stderr
    assert "missing columns: context" in result.stderr
    assert "identifies.jsonl" in result.stderr
    assert "unexpected columns: favourite_colour" in result.stderr
    assert count(db_path, "events") == 4
    assert count(db_path, "identifies") == 2
    assert count(db_path, "email_events") == 0


def test_refused_run_creates_no_database(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    write_csv(data / "events.csv", make_rows("events", 1), ["event_id", "event_name"])

    result = run_loader(data, db_path)

    assert result.returncode != 0
    assert "missing columns" in result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize("file_name", ["raw.duckdb", "Marts.duckdb"])
def test_database_file_named_like_a_schema_refused(tmp_path: Path, file_name: str) -> None:
    data = tmp_path / "exports"
    write_csv(data / "events.csv", make_rows("events", 1))
    db_path = tmp_path / "db" / file_name

    result = run_loader(data, db_path)

    assert result.returncode != 0
    assert f"{file_name} cannot hold the warehouse" in result.stderr
    assert not db_path.exists()


def test_two_sources_for_one_table_refused(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    write_csv(data / "events.csv", make_rows("events", 1))
    write_parquet(data / "events.parquet", make_rows("events", 1))

    result = run_loader(data, db_path)

    assert result.returncode != 0
    assert "events.csv" in result.stderr
    assert "events.parquet" in result.stderr
    assert "2 sources" in result.stderr
    assert not db_path.exists()


def test_missing_dir_refused(tmp_path: Path, db_path: Path) -> None:
    result = run_loader(tmp_path / "nowhere", db_path)

    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert not db_path.exists()


def test_empty_dir_refused(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    data.mkdir()

    result = run_loader(data, db_path)

    assert result.returncode != 0
    assert "no file or folder named after a contract table" in result.stderr
    assert not db_path.exists()


def test_unmatched_files_warned_not_fatal(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    write_csv(data / "events.csv", make_rows("events", 1))
    (data / "README.txt").write_text("notes")
    write_csv(data / "orders.csv", [{"order_id": "1"}])

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr
    assert "README.txt" in result.stderr
    assert "orders.csv" in result.stderr
    assert count(db_path, "events") == 1


def test_compressed_files_load(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    csv_path = write_csv(tmp_path / "plain.csv", make_rows("events", 3))
    (data / "events.csv.gz").parent.mkdir(parents=True)
    (data / "events.csv.gz").write_bytes(gzip.compress(csv_path.read_bytes()))
    write_jsonl(data / "identifies.jsonl.gz", make_rows("identifies", 2))

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    assert count(db_path, "events") == 3
    assert count(db_path, "identifies") == 2


def test_bad_row_during_load_rolls_back_everything(tmp_path: Path, db_path: Path) -> None:
    good = tmp_path / "good"
    write_csv(good / "events.csv", make_rows("events", 4))
    assert run_loader(good, db_path).returncode == 0
    bad = tmp_path / "bad"
    write_csv(bad / "events.csv", make_rows("events", 2))  # written first, then rolled back
    path = write_csv(bad / "identifies.csv", make_rows("identifies", 30_000))
    with path.open("a") as handle:  # too many fields, past the rows the checks sample
        handle.write("a,b,c,d,e,f,g,h,i,j,k,l\n")

    result = run_loader(bad, db_path)

    assert result.returncode != 0
    assert "unchanged" in result.stderr
    assert "identifies.csv line 30002 has more fields than the header (5)" in result.stderr
    assert_refused_without_hints(result)
    assert count(db_path, "events") == 4
    assert count(db_path, "identifies") == 0


def test_csv_quoted_field_after_sniffed_sample(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    rows = make_rows("crm_accounts", 25_000)
    rows.append(make_row("crm_accounts", 99_999, name="Acme, Inc.", account_id="000123"))
    write_csv(data / "crm_accounts.csv", rows)

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    got = query(db_path, "select name from raw.crm_accounts where account_id = '000123'")
    assert got == [("Acme, Inc.",)]
    assert count(db_path, "crm_accounts") == 25_001


# --- batches -----------------------------------------------------------------------------


def test_appending_two_batches_keeps_both(tmp_path: Path, db_path: Path) -> None:
    first = tmp_path / "day1"
    write_csv(first / "events.csv", make_rows("events", 3))
    write_csv(first / "identifies.csv", make_rows("identifies", 2))
    second = tmp_path / "day2"
    write_jsonl(second / "events.jsonl", [make_row("events", i) for i in range(3, 5)])
    assert run_loader(first, db_path).returncode == 0

    result = run_loader(second, db_path)

    assert result.returncode == 0, result.stderr
    assert count(db_path, "events") == 5  # 3 + 2
    assert count(db_path, "identifies") == 2  # not in the second batch: kept
    assert any(
        "raw.identifies" in line and "(not in this batch: kept)" in line and "2 rows" in line
        for line in result.stdout.splitlines()
    )
    batches = query(db_path, "select batch_id from raw._load_batches order by loaded_at")
    assert len(batches) == 2
    per_batch = query(
        db_path, f"select {BATCH_COLUMN}, count(*) from raw.events group by 1 order by 1"
    )
    assert per_batch == [(batches[0][0], 3), (batches[1][0], 2)]
    written = query(
        db_path,
        f"select table_name, rows from raw._load_batch_tables"
        f" where batch_id = '{batches[1][0]}' order by 1",
    )
    assert written == [("events", 2)]


def test_registry_records_the_batch(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    write_csv(data / "events.csv", make_rows("events", 2))
    write_parquet(data / "crm_accounts" / "part-0.parquet", make_rows("crm_accounts", 3))
    files = sorted(
        (path.relative_to(data).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in data.rglob("*")
        if path.is_file()
    )
    expected = hashlib.sha256("".join(f"{p}\t{h}\n" for p, h in files).encode()).hexdigest()

    assert run_loader(data, db_path).returncode == 0

    ((batch_id, source, fingerprint, mode),) = query(
        db_path, "select batch_id, source_path, fingerprint, mode from raw._load_batches"
    )
    assert fingerprint == expected
    assert mode == "append"
    assert source == str(data.resolve())
    assert batch_id.endswith("Z-" + expected[:12])
    rows = dict(query(db_path, "select table_name, rows from raw._load_batch_tables"))
    assert rows["events"] == 2 and rows["crm_accounts"] == 3
    assert rows["nps_responses"] == 0  # created empty by this batch


def test_the_same_batch_twice_changes_nothing(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    write_csv(data / "events.csv", make_rows("events", 3))
    write_jsonl(data / "identifies.jsonl", make_rows("identifies", 2))
    assert run_loader(data, db_path).returncode == 0
    before = snapshot(db_path)
    copy = tmp_path / "copy-of-the-same-files"
    copy.mkdir()
    for path in data.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())

    again = run_loader(data, db_path)
    copied = run_loader(copy, db_path)

    batch_id = before["_load_batches"][0][0]
    for result in (again, copied):
        assert result.returncode == 0, result.stderr
        assert f"SKIPPED: batch already loaded as {batch_id}" in result.stdout
    assert snapshot(db_path) == before
    assert len(before["_load_batches"]) == 1


def test_a_batch_removed_by_replace_all_can_be_loaded_again(tmp_path: Path, db_path: Path) -> None:
    day1 = tmp_path / "day1"
    write_csv(day1 / "events.csv", make_rows("events", 3))
    reset = tmp_path / "reset"
    write_csv(reset / "identifies.csv", make_rows("identifies", 1))
    assert run_loader(day1, db_path).returncode == 0
    assert run_loader(reset, db_path, "--replace-all").returncode == 0
    assert count(db_path, "events") == 0

    result = run_loader(day1, db_path)

    assert result.returncode == 0, result.stderr
    assert "SKIPPED" not in result.stdout
    assert count(db_path, "events") == 3
    assert count(db_path, "identifies") == 1


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
    write_csv(data / "identifies.csv", [make_row("identifies", 1, received_at="2026-01-02")])

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    got = query(
        db_path,
        f"select user_id, received_at, {BATCH_COLUMN} is null from raw.identifies order by user_id",
    )
    assert got == [("u-old", "2026-01-01 08:00:00", True), ("user_id-1", "2026-01-02", False)]
    assert "raw.identifies.received_at was TIMESTAMP" in result.stdout


# --- bad input ---------------------------------------------------------------------------


def test_files_without_data_rows_load_zero_rows_and_say_so(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    write_csv(data / "events.csv", [], column_names("events"))  # a header only
    (data / "identifies.csv").write_bytes(b"")  # not even a header
    (data / "email_events.jsonl").write_bytes(b"")
    write_csv(data / "nps_responses" / "part-0.csv", make_rows("nps_responses", 2))
    write_csv(data / "nps_responses" / "part-1.csv", [], column_names("nps_responses"))

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    for table, shown in [
        ("events", "events.csv"),
        ("identifies", "identifies.csv"),
        ("email_events", "email_events.jsonl"),
        ("nps_responses", "nps_responses/part-1.csv"),
    ]:
        assert f"note: {table}: {shown} holds no data rows: 0 rows loaded from it" in result.stdout
    assert "part-0.csv holds" not in result.stdout
    assert [count(db_path, t) for t in ("events", "identifies", "nps_responses")] == [0, 0, 2]


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ("e9,Page Viewed,a9,u9", "has fewer fields than the header (9)"),
        (
            'e9,Page Viewed,"a9,u9,acc,2026-01-01,2026-01-01,{},{}',
            "has a quoted field whose closing quote",
        ),
    ],
    ids=["short-row", "unterminated-quote"],
)
def test_a_bad_csv_line_is_refused_naming_file_and_line(
    tmp_path: Path, db_path: Path, bad_line: str, problem: str
) -> None:
    data = tmp_path / "exports"
    path = write_csv(data / "events.csv", make_rows("events", 2))
    with path.open("a", newline="") as handle:
        handle.write(bad_line + "\r\n" + "e10,Page Viewed,a,u,acc,2026,2026,{},{}\r\n")

    result = run_loader(data, db_path)

    assert_refused_without_hints(result)
    assert f"events: events.csv line 4 {problem}" in result.stderr
    assert "missing columns" not in result.stderr
    assert not db_path.exists()


def test_mixed_line_endings_are_refused_naming_the_line(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    path = write_csv(data / "events.csv", make_rows("events", 2))  # lines end with \r\n
    with path.open("a", newline="") as handle:
        handle.write("e9,Page Viewed,a9,u9,acc,2026,2026,{},{}\n")

    result = run_loader(data, db_path)

    assert_refused_without_hints(result)
    assert (
        "events: events.csv line 4 ends with \\n where the lines before end with" in result.stderr
    )


def test_a_long_line_loads(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    long_text = json.dumps({"blob": "x" * 3_000_000})  # over DuckDB's default 2 MB per line
    write_csv(
        data / "events.csv", [*make_rows("events", 2), make_row("events", 2, properties=long_text)]
    )
    write_jsonl(data / "identifies.jsonl", [make_row("identifies", 0, traits=long_text)])

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    assert query(db_path, "select max(length(properties)) from raw.events") == [(len(long_text),)]
    assert query(db_path, "select max(length(traits)) from raw.identifies") == [(len(long_text),)]


def test_a_line_over_the_limit_is_refused_briefly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_raw, "MAX_LINE_BYTES", 1024 * 1024)
    long_text = "y" * 1_500_000
    write_csv(
        tmp_path / "events.csv", [*make_rows("events", 2), make_row("events", 2, context=long_text)]
    )

    with pytest.raises(load_raw.LoadError) as caught:
        load_in_process(tmp_path, tmp_path / "x.duckdb")

    message = str(caught.value)
    assert "events.csv line 4 is longer than the loader's limit of 1 MB per line" in message
    assert len(message) < 500  # the line is shown shortened, not whole
    assert "max_line_size" not in message


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_nul_byte_in_a_text_value_is_refused(tmp_path: Path, db_path: Path, fmt: str) -> None:
    data = tmp_path / "exports"
    rows = [*make_rows("events", 2), make_row("events", 2, user_id="u\x002")]
    {"csv": write_csv, "jsonl": write_jsonl, "parquet": write_parquet}[fmt](
        data / f"events.{fmt}", rows
    )

    result = run_loader(data, db_path)

    assert_refused_without_hints(result)
    where = "row 3" if fmt == "parquet" else ("line 4" if fmt == "csv" else "line 3")
    assert (
        f"events: events.{fmt} {where}, column user_id: the value holds a NUL byte" in result.stderr
    )
    assert "u\\x002" in result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize("value", ["epoch", "infinity", "-infinity", " Infinity "])
def test_a_special_received_at_is_refused(tmp_path: Path, db_path: Path, value: str) -> None:
    good = tmp_path / "good"
    write_csv(good / "identifies.csv", make_rows("identifies", 1))
    assert run_loader(good, db_path).returncode == 0
    before = snapshot(db_path)
    data = tmp_path / "exports"
    rows = [
        make_row("identifies", 1, received_at="2026-07-01 10:00:00"),
        make_row("identifies", 2, received_at=value),
    ]
    write_csv(data / "identifies.csv", rows)

    result = run_loader(data, db_path)

    assert_refused_without_hints(result)
    assert f"identifies: identifies.csv line 3, column received_at: {value!r}" in result.stderr
    assert "not a time" in result.stderr
    assert snapshot(db_path) == before


def test_occurred_at_is_kept_as_delivered(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    write_csv(
        data / "events.csv", [make_row("events", 0, occurred_at="epoch", received_at="2026-07-01")]
    )

    result = run_loader(data, db_path)

    assert result.returncode == 0, result.stderr  # staging decides about occurred_at
    assert query(db_path, "select occurred_at from raw.events") == [("epoch",)]


def test_a_malformed_json_line_is_refused_naming_the_line(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    path = write_jsonl(data / "identifies.jsonl", make_rows("identifies", 2))
    with path.open("a") as handle:
        handle.write('{"user_id": "u9", oops}\n')

    result = run_loader(data, db_path)

    assert_refused_without_hints(result)
    assert "identifies.jsonl line 3 is not valid JSON" in result.stderr
    assert not db_path.exists()


# --- functions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("events.csv", ("events", "csv")),
        ("Events.CSV.GZ", ("events", "csv")),
        ("identifies.jsonl.gz", ("identifies", "json")),
        ("email_events.ndjson", ("email_events", "json")),
        ("email_events.json", ("email_events", "json")),
        ("crm_accounts.parquet", ("crm_accounts", "parquet")),
        ("events.xlsx", ("events", None)),
        ("README", ("readme", None)),
    ],
)
def test_split_name(name: str, expected: tuple[str, str | None]) -> None:
    assert load_raw.split_name(name) == expected


def test_match_columns_ignores_order_case_and_spaces() -> None:
    actual = [" Traits ", "received_at", "OCCURRED_AT", "user_id", "anonymous_id"]
    spelling = load_raw.match_columns("identifies", "identifies.csv", actual)
    assert spelling["traits"] == " Traits "
    assert set(spelling) == set(column_names("identifies"))


def test_match_columns_names_missing_and_unexpected() -> None:
    actual = ["anonymous_id", "user_id", "occurred_at", "received_at", "trait_blob"]
    with pytest.raises(load_raw.LoadError) as caught:
        load_raw.match_columns("identifies", "identifies.csv", actual)
    message = str(caught.value)
    assert "identifies.csv" in message
    assert "missing columns: traits" in message
    assert "unexpected columns: trait_blob" in message


def test_unsupported_and_mixed_formats_refused(tmp_path: Path) -> None:
    write_csv(tmp_path / "crm_accounts" / "a.csv", make_rows("crm_accounts", 1))
    write_parquet(tmp_path / "crm_accounts" / "b.parquet", make_rows("crm_accounts", 1))
    (tmp_path / "events.xlsx").write_text("not really")

    discovery = load_raw.discover(tmp_path)

    assert discovery.sources == {}
    assert any("mixes formats" in error for error in discovery.errors)
    assert any("events.xlsx" in error for error in discovery.errors)


def test_folder_skips_hidden_and_marker_files(tmp_path: Path) -> None:
    folder = tmp_path / "crm_accounts"
    write_parquet(folder / "part-0.parquet", make_rows("crm_accounts", 1))
    (folder / "_SUCCESS").write_text("")
    (folder / ".part-0.parquet.crc").write_text("")

    discovery = load_raw.discover(tmp_path)

    assert discovery.errors == []
    assert discovery.sources["crm_accounts"].files == (folder / "part-0.parquet",)


def test_parquet_struct_becomes_json_text_and_types_kept(tmp_path: Path) -> None:
    rows = [make_row("events", 0, properties={"price": 19.9, "sku": "A"}, received_at=None)]
    write_parquet(tmp_path / "events.parquet", rows)
    db = tmp_path / "x.duckdb"

    result = load_in_process(tmp_path, db)

    assert result.tables["events"].rows_written == 1
    got = query(db, "select typeof(properties), properties::json->>'sku' from raw.events")
    assert got == [("VARCHAR", "A")]


def test_empty_jsonl_file_loads_no_rows(tmp_path: Path) -> None:
    (tmp_path / "nps_responses.jsonl").write_text("")
    db = tmp_path / "x.duckdb"

    result = load_in_process(tmp_path, db)

    assert result.tables["nps_responses"].rows_written == 0
    assert columns_of(db, "nps_responses") == [*column_names("nps_responses"), BATCH_COLUMN]
    assert result.notes == [
        "note: nps_responses: nps_responses.jsonl holds no data rows: 0 rows loaded from it"
    ]


def test_jsonl_non_object_record_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "events.jsonl", make_rows("events", 1))
    with path.open("a") as handle:
        handle.write("[1, 2]\n")
    discovery = load_raw.discover(tmp_path)

    _, errors = load_raw.plan_all(discovery, tmp_path)

    assert len(errors) == 1
    assert "not JSON objects" in errors[0]
