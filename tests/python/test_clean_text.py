"""clean_text on DuckDB skips trim when trim would return the text unchanged (macro
duckdb__clean_text). It must give exactly what trim gives, including the Unicode spaces DuckDB's
trim removes and the ASCII controls it keeps. Spark's trim removes only ' ', so these texts
cannot go in a unit test that also runs on Spark: this test compiles the macro and runs it on
DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
from warehouse_helpers import dbt_ok

TEXTS = [
    "usr_1",
    " usr_1",
    "usr_1 ",
    "  usr_1  ",
    "",
    " ",
    "   ",
    "\u00a0usr_1",  # no-break space: a Unicode space separator, trimmed by DuckDB
    "usr_1\u3000",  # ideographic space
    "\u2009usr_1\u2009",  # thin space
    "usr_1\t",  # a tab is not a space separator: kept
    "\nusr_1",
    "usuário_1",  # not ASCII inside, nothing to trim
    " usuário_1 ",
    "ü",
    "a",
    None,
]


def compiled_clean_text(tmp_path: Path) -> str:
    completed = dbt_ok(
        tmp_path / "empty.duckdb",
        "compile",
        "--quiet",
        "--inline",
        "select position, {{ clean_text('raw_text') }} as cleaned from texts order by position",
    )
    return completed.stdout.strip()


def test_clean_text_gives_what_trim_gives_on_duckdb(tmp_path: Path) -> None:
    select = compiled_clean_text(tmp_path)
    assert "strlen" in select, select  # the DuckDB form, not the default one
    connection = duckdb.connect()
    connection.execute("create table texts (position integer, raw_text varchar)")
    connection.executemany("insert into texts values (?, ?)", list(enumerate(TEXTS)))
    cleaned = connection.execute(select).fetchall()
    trimmed = connection.execute(
        "select position, nullif(trim(raw_text), '') from texts order by position"
    ).fetchall()
    assert cleaned == trimmed
    by_text = dict(zip(TEXTS, (value for _, value in cleaned), strict=True))
    assert by_text["\u00a0usr_1"] == "usr_1"
    assert by_text["usr_1\t"] == "usr_1\t"
    assert by_text[" "] is None
