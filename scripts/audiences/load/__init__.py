"""Load a batch of a user's own exports from a folder into the `raw` schema of the project's DuckDB.

    audiences load DIR                  # append the batch in DIR
    audiences load --replace-all DIR    # make raw hold exactly DIR

(`python scripts/load_raw.py ...` runs the same.)

The database is the file named by AUDIENCES_DUCKDB_PATH (a relative path is taken from the
current directory, as dbt does), default `data/audiences.duckdb` under the repo root.

Batches. DIR is one batch: files for some of the ten contract tables (audiences.raw_contract),
e.g. today's events. Its rows are appended to the raw tables; a table the batch does not hold
keeps its rows, and one that does not exist yet is created empty with the contract's columns.
Every row the loader writes carries the batch in an extra column `_load_batch_id` (the leading
underscore marks loader metadata, as Fivetran's `_fivetran_synced`; rows written before it was
added have null). Staging reads the contract's columns by name, so the column goes no further.
Each batch is recorded in `raw._load_batches` (batch_id, source_path, fingerprint, loaded_at in
UTC, mode `append` or `replace`) and `raw._load_batch_tables` (batch_id, table_name, rows: the
rows this batch wrote to each table). The fingerprint is the SHA-256 over the sorted (path
relative to DIR, SHA-256 of the file) of the batch's files; the batch id is loaded_at (UTC, to
the millisecond) and the fingerprint's first 12 hex digits, e.g. `20260702T061500123Z-3f2a9c1b7d4e`.

Idempotence. A batch whose fingerprint was already appended (since the last `--replace-all`) is
skipped: the loader prints `SKIPPED: batch already loaded as <id>`, changes nothing and exits 0,
so a cron job may retry a folder safely. The same files under another folder name are the same
batch; a renamed or changed file makes a new one.

Replacing everything. With `--replace-all` each table in DIR is replaced by the batch's rows and
every contract table NOT in DIR is emptied, so raw reflects DIR exactly (the registry records
mode `replace`). It is never skipped: it is the explicit way to start over. Other tables in
`raw` are not touched. The incremental event staging tables built from the old raw are dropped
in the same transaction (raw_contract.INCREMENTAL_STAGING_TABLES), so the next `dbt build`
stages the new raw whole instead of keeping days it would not re-stage.

Finding the tables. In DIR each contract table is one file or one folder named after it:
`events.parquet`, `identifies.csv`, `email_events.jsonl`, `crm_accounts/`. Formats: Parquet
(`.parquet`), CSV (`.csv`, `.csv.gz`) and JSON Lines (`.jsonl`, `.ndjson`, `.json`, plus `.gz`
of each; a `.json` file may also hold one JSON array of objects). A folder holds files of one
format, searched recursively (hidden files and `_`-prefixed ones such as Spark's `_SUCCESS` are
skipped); they are read together as one table. Names match case-insensitively (`Events.CSV` is
`events`). Anything in DIR that names no contract table is reported with a warning and skipped;
two sources for one table, or a file named after a table in a format we cannot read, are refused.

Checking the columns. Column names are compared after trimming and lower-casing, so ` Event_ID`
is `event_id`; the set of names must equal the contract's, in any order. Every file is checked
on its own (each file of a folder too); one missing or unexpected column refuses the whole run.
A CSV is UTF-8 with a header row; its delimiter is whichever of `,` `;` tab `|` occurs most in
the header line; fields may be quoted with `"` (a quote inside doubled). For JSON Lines the
columns are the union of the keys of all records (a record may omit a key: that value is null);
every record must be an object.

A file with no data rows loads zero rows and the loader says so (`note: ... holds no data
rows`): a CSV with only a header, a 0-byte CSV (no header to check), an empty JSON Lines file.
A 0-byte Parquet file is not a Parquet file and is refused.

Bad input is refused, naming the file, the line (for Parquet the row) and what is wrong, and
nothing is loaded: a CSV line with fewer or more fields than the header, a quote never closed,
text that is not UTF-8, a JSON line that does not parse. A line may be up to 64 MB long (a CSV
line, a JSON record); a longer one is refused. Messages show at most 200 characters of a line.
A NUL byte (\\x00) in any text value is refused, naming file, line and column: it is a corrupt
export, and staging would take `u1\\x00` for another person than `u1`. `received_at`, typed
TIMESTAMP in the contract, must be a real time: a special value DuckDB would accept in a cast
(`epoch` = 1970-01-01, `infinity`, `-infinity`) is refused rather than stored as such.

Loading. Names, formats and columns are checked before the database is opened; the rows are
read, checked, written and registered in one transaction, so a refused or failed run leaves the
database as it was (a database file the run created is removed again).
Values are kept as delivered: CSV is read with every column as VARCHAR (ids keep leading zeros,
JSON text stays text), JSON Lines likewise with every value as VARCHAR (a nested object or
array becomes its JSON text; JSON numbers are re-serialised, so `19.90` becomes `19.9`), Parquet
keeps its types except nested ones (struct, map, list, JSON), which become JSON text (a struct
lists all its fields, so an absent field shows as null). A new table takes the first batch's
types; when a later batch delivers a column in another type, the table's column becomes VARCHAR
(old values as their text) so that no value is lost to a cast. Staging casts timestamps and
numbers safely.
"""

from audiences.load.cli import main, parse_args
from audiences.load.plan import match_columns, plan_all, plan_source, reader_sql
from audiences.load.sources import (
    BATCH_COLUMN,
    MAX_LINE_BYTES,
    Batch,
    Discovery,
    Layout,
    LoadError,
    LoadResult,
    Plan,
    Source,
    TableResult,
    discover,
    split_name,
)
from audiences.load.writer import load_all, new_batch
from audiences.raw_contract import create_table_sql

__all__ = [
    "BATCH_COLUMN",
    "MAX_LINE_BYTES",
    "Batch",
    "Discovery",
    "Layout",
    "LoadError",
    "LoadResult",
    "Plan",
    "Source",
    "TableResult",
    "create_table_sql",
    "discover",
    "load_all",
    "main",
    "match_columns",
    "new_batch",
    "parse_args",
    "plan_all",
    "plan_source",
    "reader_sql",
    "split_name",
]
