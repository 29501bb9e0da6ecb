"""Build what raw holds: `dbt build` on the build warehouse (AUDIENCES_DUCKDB_PATH, default
data/audiences.duckdb) with the project's environment, nothing published.

    audiences build [--as-of "YYYY-MM-DD HH:MM:SS"] [--vars '{...}'] [--full-refresh]

Generating (`audiences generate`) or loading (`audiences load DIR`) raw data comes first;
`audiences publish` builds, tests, audits and publishes in one step.
"""

from __future__ import annotations

import json
import sys
from argparse import RawDescriptionHelpFormatter

from audiences.console import ArgumentParser, fail
from audiences.publish import parse_as_of, parse_vars, raw_row_counts
from audiences.runtime import dbt, dbt_env, duckdb_path
from audiences.serving import ServingError


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__, formatter_class=RawDescriptionHelpFormatter)
    parser.add_argument(
        "--as-of", help="the reference instant, 'YYYY-MM-DD HH:MM:SS' UTC (default: the project's)"
    )
    parser.add_argument("--vars", help="other dbt vars, as JSON or YAML")
    parser.add_argument(
        "--full-refresh", action="store_true", help="rebuild the incremental models whole"
    )
    args = parser.parse_args(argv)
    path = duckdb_path()
    try:
        dbt_vars = parse_vars(args.vars)
        if args.as_of:
            dbt_vars["as_of"] = parse_as_of(args.as_of).strftime("%Y-%m-%d %H:%M:%S")
        raw_row_counts(path)  # a missing warehouse or raw schema is one line, before dbt starts
    except ServingError as error:
        return fail(parser.prog, error)
    command = ["build"]
    command += ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    command += ["--full-refresh"] if args.full_refresh else []
    dbt(command, dbt_env(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
