"""A reader of the serving store, run as its own process by test_publish.py, as a BI tool or a
sync job would read: `loop` opens, queries and closes in a loop; `hold` opens one connection
before and keeps querying on it. Each read takes the publish's as_of and counts from several
tables in one statement, so a read that mixed two publishes shows up as a tuple no publish has.
It runs until STOP_FILE exists, then writes {"reads": [...], "failures": [...]} to OUT_FILE.

    python serving_reader.py loop|hold SERVING_PATH STOP_FILE OUT_FILE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

READ = """
select
    cast((select as_of from current_publish) as varchar) as as_of,
    (select count(*) from fct_audience_memberships) as memberships,
    (select sum(members) from rpt_audience_sizes) as sized_members,
    (select count(*) from dim_persons) as persons,
    (select count(*) from aud_cart_abandoners) as cart_abandoners
"""


def main() -> None:
    mode, serving, stop_file, out_file = sys.argv[1:5]
    reads: list[list[object]] = []
    failures: list[str] = []
    held = duckdb.connect(serving, read_only=True) if mode == "hold" else None
    Path(out_file + ".started").touch()
    while not Path(stop_file).exists():
        try:
            if held is not None:
                reads.append(list(held.execute(READ).fetchone()))
            else:
                connection = duckdb.connect(serving, read_only=True)
                try:
                    reads.append(list(connection.execute(READ).fetchone()))
                finally:
                    connection.close()
        except Exception as error:
            failures.append(" ".join(str(error).split())[:300])
        time.sleep(0.05 if mode == "loop" else 0.2)
    if held is not None:
        held.close()
    Path(out_file).write_text(json.dumps({"reads": reads, "failures": failures}))


if __name__ == "__main__":
    main()
