"""Tests for scripts/load_raw.py: bad input refused with the file and line it is on, and the
loader's functions one by one."""

from __future__ import annotations

import json
from pathlib import Path

import load_raw
import load_raw_helpers as helpers
import pytest
from audiences.raw_contract import column_names

# --- bad input ---------------------------------------------------------------------------


def test_files_without_data_rows_load_zero_rows_and_say_so(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(data / "events.csv", [], column_names("events"))  # a header only
    (data / "identifies.csv").write_bytes(b"")  # not even a header
    (data / "email_events.jsonl").write_bytes(b"")
    helpers.write_csv(data / "nps_responses" / "part-0.csv", helpers.make_rows("nps_responses", 2))
    helpers.write_csv(data / "nps_responses" / "part-1.csv", [], column_names("nps_responses"))

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    for table, shown in [
        ("events", "events.csv"),
        ("identifies", "identifies.csv"),
        ("email_events", "email_events.jsonl"),
        ("nps_responses", "nps_responses/part-1.csv"),
    ]:
        assert f"note: {table}: {shown} holds no data rows: 0 rows loaded from it" in result.stdout
    assert "part-0.csv holds" not in result.stdout
    counts = [helpers.count(db_path, t) for t in ("events", "identifies", "nps_responses")]
    assert counts == [0, 0, 2]


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
    path = helpers.write_csv(data / "events.csv", helpers.make_rows("events", 2))
    with path.open("a", newline="") as handle:
        handle.write(bad_line + "\r\n" + "e10,Page Viewed,a,u,acc,2026,2026,{},{}\r\n")

    result = helpers.run_loader(data, db_path)

    helpers.assert_refused_without_hints(result)
    assert f"events: events.csv line 4 {problem}" in result.stderr
    assert "missing columns" not in result.stderr
    assert not db_path.exists()


def test_mixed_line_endings_are_refused_naming_the_line(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    path = helpers.write_csv(
        data / "events.csv", helpers.make_rows("events", 2)
    )  # lines end with \r\n
    with path.open("a", newline="") as handle:
        handle.write("e9,Page Viewed,a9,u9,acc,2026,2026,{},{}\n")

    result = helpers.run_loader(data, db_path)

    helpers.assert_refused_without_hints(result)
    assert (
        "events: events.csv line 4 ends with \\n where the lines before end with" in result.stderr
    )


def test_a_long_line_loads(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    long_text = json.dumps({"blob": "x" * 3_000_000})  # over DuckDB's default 2 MB per line
    helpers.write_csv(
        data / "events.csv",
        [*helpers.make_rows("events", 2), helpers.make_row("events", 2, properties=long_text)],
    )
    helpers.write_jsonl(
        data / "identifies.jsonl", [helpers.make_row("identifies", 0, traits=long_text)]
    )

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr
    longest = [(len(long_text),)]
    assert helpers.query(db_path, "select max(length(properties)) from raw.events") == longest
    assert helpers.query(db_path, "select max(length(traits)) from raw.identifies") == longest


def test_a_line_over_the_limit_is_refused_briefly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_raw, "MAX_LINE_BYTES", 1024 * 1024)
    long_text = "y" * 1_500_000
    helpers.write_csv(
        tmp_path / "events.csv",
        [*helpers.make_rows("events", 2), helpers.make_row("events", 2, context=long_text)],
    )

    with pytest.raises(load_raw.LoadError) as caught:
        helpers.load_in_process(tmp_path, tmp_path / "x.duckdb")

    message = str(caught.value)
    assert "events.csv line 4 is longer than the loader's limit of 1 MB per line" in message
    assert len(message) < 500  # the line is shown shortened, not whole
    assert "max_line_size" not in message


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_nul_byte_in_a_text_value_is_refused(tmp_path: Path, db_path: Path, fmt: str) -> None:
    data = tmp_path / "exports"
    rows = [*helpers.make_rows("events", 2), helpers.make_row("events", 2, user_id="u\x002")]
    write = {
        "csv": helpers.write_csv,
        "jsonl": helpers.write_jsonl,
        "parquet": helpers.write_parquet,
    }
    write[fmt](data / f"events.{fmt}", rows)

    result = helpers.run_loader(data, db_path)

    helpers.assert_refused_without_hints(result)
    where = "row 3" if fmt == "parquet" else ("line 4" if fmt == "csv" else "line 3")
    assert (
        f"events: events.{fmt} {where}, column user_id: the value holds a NUL byte" in result.stderr
    )
    assert "u\\x002" in result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize("value", ["epoch", "infinity", "-infinity", " Infinity "])
def test_a_special_received_at_is_refused(tmp_path: Path, db_path: Path, value: str) -> None:
    good = tmp_path / "good"
    helpers.write_csv(good / "identifies.csv", helpers.make_rows("identifies", 1))
    assert helpers.run_loader(good, db_path).returncode == 0
    before = helpers.snapshot(db_path)
    data = tmp_path / "exports"
    rows = [
        helpers.make_row("identifies", 1, received_at="2026-07-01 10:00:00"),
        helpers.make_row("identifies", 2, received_at=value),
    ]
    helpers.write_csv(data / "identifies.csv", rows)

    result = helpers.run_loader(data, db_path)

    helpers.assert_refused_without_hints(result)
    assert f"identifies: identifies.csv line 3, column received_at: {value!r}" in result.stderr
    assert "not a time" in result.stderr
    assert helpers.snapshot(db_path) == before


def test_occurred_at_is_kept_as_delivered(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    helpers.write_csv(
        data / "events.csv",
        [helpers.make_row("events", 0, occurred_at="epoch", received_at="2026-07-01")],
    )

    result = helpers.run_loader(data, db_path)

    assert result.returncode == 0, result.stderr  # staging decides about occurred_at
    assert helpers.query(db_path, "select occurred_at from raw.events") == [("epoch",)]


def test_a_malformed_json_line_is_refused_naming_the_line(tmp_path: Path, db_path: Path) -> None:
    data = tmp_path / "exports"
    path = helpers.write_jsonl(data / "identifies.jsonl", helpers.make_rows("identifies", 2))
    with path.open("a") as handle:
        handle.write('{"user_id": "u9", oops}\n')

    result = helpers.run_loader(data, db_path)

    helpers.assert_refused_without_hints(result)
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
    helpers.write_csv(tmp_path / "crm_accounts" / "a.csv", helpers.make_rows("crm_accounts", 1))
    helpers.write_parquet(
        tmp_path / "crm_accounts" / "b.parquet", helpers.make_rows("crm_accounts", 1)
    )
    (tmp_path / "events.xlsx").write_text("not really")

    discovery = load_raw.discover(tmp_path)

    assert discovery.sources == {}
    assert any("mixes formats" in error for error in discovery.errors)
    assert any("events.xlsx" in error for error in discovery.errors)


def test_folder_skips_hidden_and_marker_files(tmp_path: Path) -> None:
    folder = tmp_path / "crm_accounts"
    helpers.write_parquet(folder / "part-0.parquet", helpers.make_rows("crm_accounts", 1))
    (folder / "_SUCCESS").write_text("")
    (folder / ".part-0.parquet.crc").write_text("")

    discovery = load_raw.discover(tmp_path)

    assert discovery.errors == []
    assert discovery.sources["crm_accounts"].files == (folder / "part-0.parquet",)


def test_parquet_struct_becomes_json_text_and_types_kept(tmp_path: Path) -> None:
    rows = [helpers.make_row("events", 0, properties={"price": 19.9, "sku": "A"}, received_at=None)]
    helpers.write_parquet(tmp_path / "events.parquet", rows)
    db = tmp_path / "x.duckdb"

    result = helpers.load_in_process(tmp_path, db)

    assert result.tables["events"].rows_written == 1
    got = helpers.query(db, "select typeof(properties), properties::json->>'sku' from raw.events")
    assert got == [("VARCHAR", "A")]


def test_empty_jsonl_file_loads_no_rows(tmp_path: Path) -> None:
    (tmp_path / "nps_responses.jsonl").write_text("")
    db = tmp_path / "x.duckdb"

    result = helpers.load_in_process(tmp_path, db)

    assert result.tables["nps_responses"].rows_written == 0
    assert helpers.columns_of(db, "nps_responses") == [
        *column_names("nps_responses"),
        helpers.BATCH_COLUMN,
    ]
    assert result.notes == [
        "note: nps_responses: nps_responses.jsonl holds no data rows: 0 rows loaded from it"
    ]


def test_jsonl_non_object_record_refused(tmp_path: Path) -> None:
    path = helpers.write_jsonl(tmp_path / "events.jsonl", helpers.make_rows("events", 1))
    with path.open("a") as handle:
        handle.write("[1, 2]\n")
    discovery = load_raw.discover(tmp_path)

    _, errors = load_raw.plan_all(discovery, tmp_path)

    assert len(errors) == 1
    assert "not JSON objects" in errors[0]
