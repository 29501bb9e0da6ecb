"""The project's entry points, runnable with nothing but python3.

    python3 scripts/dev.py main     # set up, generate the demo data set, build, test and
                                    # publish it, print counts
    python3 scripts/dev.py test     # set up, then every check: ruff, dbt build, sqlfluff,
                                    # pytest, and the same project built on Spark and compared
    python3 scripts/dev.py publish  # build and test what raw holds; publish it if green
    python3 scripts/dev.py query "select * from rpt_audience_sizes"   # CSV from the last publish
    python3 scripts/dev.py export --destination email --changes-only --out exports
                                    # a destination's list from the last publish, full or
                                    # only what changed since the last export
    python3 scripts/dev.py spark    # only the Spark check (`audiences spark`)

Set-up creates `.venv` beside this folder and installs requirements.txt (exact pins) into it,
plus requirements-spark.txt for the checks, and then this project itself (pyproject.toml,
editable), which puts the `audiences` command in .venv/bin; again only when those files changed.
Every job but set-up runs an `audiences` subcommand in the venv.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

# the standard library only, as this file: it runs on the system python3 before .venv exists
from audiences.runtime import REPO_ROOT, CommandFailed, dbt_env, end_of_day, run
from audiences.runtime import duckdb_path as build_path

VENV_DIR = REPO_ROOT / ".venv"
REQUIREMENTS = REPO_ROOT / "requirements.txt"
SPARK_REQUIREMENTS = REPO_ROOT / "requirements-spark.txt"
PYPROJECT = REPO_ROOT / "pyproject.toml"
INSTALLED_STAMP = VENV_DIR / ".requirements.sha256"

# The test data set is fixed, so every run of the checks sees the same data.
TEST_PERSONS = 10_000
TEST_SEED = 7
TEST_END_DATE = "2026-06-30"
# The docs checks of the test command: the share of columns described (dbt-coverage) and the
# project's dbt-score, below which it fails.
DOC_COVERAGE_MIN = 0.95
DBT_SCORE_MIN = 9.0
# The demo and the test data publish at the end of each of the last weeks, oldest first, so the
# change feed, the size history and lift have weeks to show; the generator simulates the
# campaigns sent at those publishes (its --publish-weeks, the same default).
PUBLISH_WEEKS = 3


def venv_bin(name: str) -> str:
    folder = "Scripts" if os.name == "nt" else "bin"
    return str(VENV_DIR / folder / name)


def audiences(*arguments: str) -> list[str]:
    """The `audiences` command of the venv with `arguments`."""
    return [venv_bin("audiences"), *arguments]


def set_up(with_spark: bool = False) -> None:
    """Install requirements.txt, or requirements-spark.txt (which includes it) for the checks."""
    requirements = SPARK_REQUIREMENTS if with_spark else REQUIREMENTS
    wanted = requirements_digest(requirements)
    if INSTALLED_STAMP.exists() and wanted in INSTALLED_STAMP.read_text().split():
        return
    if not VENV_DIR.exists():
        print(f"creating {VENV_DIR}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV_DIR)
    run([venv_bin("python"), "-m", "pip", "install", "--quiet", "-r", str(requirements)])
    # editable, so that edits to scripts/audiences are live; --no-deps: requirements.txt pins
    run([venv_bin("python"), "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(REPO_ROOT)])
    # the build leaves its metadata beside the package; the venv has its own copy
    shutil.rmtree(REPO_ROOT / "scripts" / "audiences.egg-info", ignore_errors=True)
    make_duckdb_cli_executable()
    # the Spark set is a superset: once it is in, plain requirements are in too
    digests = [wanted, requirements_digest(REQUIREMENTS)] if with_spark else [wanted]
    INSTALLED_STAMP.write_text(" ".join(digests))


def make_duckdb_cli_executable() -> None:
    """duckdb-cli's wheel ships the CLI binary as a data file, and pip installs it without the
    execute bit; the README's Connect section runs it as .venv/bin/duckdb."""
    cli = Path(venv_bin("duckdb"))
    if cli.exists():
        cli.chmod(cli.stat().st_mode | 0o111)


def requirements_digest(requirements: Path) -> str:
    # a changed pyproject.toml (a new subcommand, a new package) is installed again too
    contents = REQUIREMENTS.read_bytes() + requirements.read_bytes() + PYPROJECT.read_bytes()
    return hashlib.sha256(contents).hexdigest()


def project_env(duckdb_file: Path, serving: Path | None = None) -> dict[str, str]:
    """dbt's and the scripts' environment, with the serving store when one is given."""
    extra = {} if serving is None else {"AUDIENCES_SERVING_PATH": str(serving)}
    return dbt_env(duckdb_file, **extra)


def weekly_as_ofs(end_date: str, weeks: int) -> list[str]:
    """The end of end_date and of each of the `weeks` weeks before it, oldest first."""
    end = dt.datetime.fromisoformat(end_of_day(end_date))
    return [
        (end - dt.timedelta(days=7 * weeks_back)).strftime("%Y-%m-%d %H:%M:%S")
        for weeks_back in range(weeks, -1, -1)
    ]


def publish_weekly(duckdb_path: Path, serving: Path, end_date: str, weeks: int) -> None:
    """A regenerated data set is a new world: its first publish starts a new history."""
    for index, as_of in enumerate(weekly_as_ofs(end_date, weeks)):
        publish_command(duckdb_path, serving, ["--as-of", as_of], new_history=index == 0)


def generate(duckdb_path: Path, persons: int, seed: int, end_date: str, publish_weeks: int) -> None:
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    command = audiences("generate", "--persons", str(persons), "--seed", str(seed))
    command += ["--end-date", end_date, "--publish-weeks", str(publish_weeks)]
    run(command, project_env(duckdb_path))


def publish_command(
    duckdb_path: Path, serving: Path, extra: list[str], new_history: bool = False
) -> None:
    """Build, test and publish in the venv's Python (dbt, duckdb and PyYAML live there)."""
    command = audiences("publish", *extra)
    if new_history:
        command.append("--new-history")
    run(command, project_env(duckdb_path, serving))


def main_job(args: argparse.Namespace) -> None:
    set_up()
    duckdb_path = build_path()
    serving = serving_path()
    # a new demo world starts from an empty build warehouse: nothing of an earlier one (its
    # kept privacy record, its published history) may apply to persons who share its ids
    for stale in (duckdb_path, duckdb_path.with_name(duckdb_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    generate(duckdb_path, args.persons, args.seed, args.end_date, args.publish_weeks)
    publish_weekly(duckdb_path, serving, args.end_date, args.publish_weeks)
    run(audiences("report"), project_env(duckdb_path, serving))


def publish_job(args: argparse.Namespace) -> None:
    set_up()
    extra = ["--as-of", args.as_of] if args.as_of else []
    extra += ["--vars", args.vars] if args.vars else []
    extra += ["--force"] if args.force else []
    publish_command(build_path(), serving_path(), extra)


def query_job(args: argparse.Namespace) -> None:
    set_up()
    completed = subprocess.run(audiences("query", args.sql), cwd=REPO_ROOT, check=False)
    sys.exit(completed.returncode)


def export_job(args: argparse.Namespace) -> None:
    set_up()
    command = audiences(
        "export",
        "--destination",
        args.destination,
        "--out",
        str(Path(args.out).resolve()),
        "--format",
        args.format,
    )
    command += ["--changes-only"] if args.changes_only else []
    completed = subprocess.run(command, cwd=REPO_ROOT, check=False)
    sys.exit(completed.returncode)


def serving_path() -> Path:
    return Path(
        os.environ.get("AUDIENCES_SERVING_PATH", REPO_ROOT / "data/serving/audiences.duckdb")
    ).resolve()


def test_job(args: argparse.Namespace) -> None:
    set_up()
    duckdb_path = REPO_ROOT / "data" / "test" / "audiences_test.duckdb"
    serving = REPO_ROOT / "data" / "test" / "serving.duckdb"
    duckdb_path.unlink(missing_ok=True)
    env = project_env(duckdb_path, serving)
    run([venv_bin("ruff"), "check", "scripts", "tests"], env)
    run([venv_bin("ruff"), "format", "--check", "scripts", "tests"], env)
    generate(duckdb_path, TEST_PERSONS, TEST_SEED, TEST_END_DATE, PUBLISH_WEEKS)
    publish_weekly(duckdb_path, serving, TEST_END_DATE, PUBLISH_WEEKS)
    # publishes leave unit tests out (scripts/publish.py): here they run, on the built warehouse
    run([venv_bin("dbt"), "test", "--select", "test_type:unit"], env)
    run([venv_bin("sqlfluff"), "lint", "models", "tests", "analyses"], env)
    docs_checks(env)
    env["AUDIENCES_TEST_WAREHOUSE"] = str(duckdb_path)
    env["AUDIENCES_TEST_SERVING"] = str(serving)
    env["AUDIENCES_TEST_END_DATE"] = TEST_END_DATE
    run([venv_bin("python"), "-m", "pytest", "-q", "tests/python", *args.pytest_args], env)
    spark_job(args)


def docs_checks(env: dict[str, str]) -> None:
    """The docs a tool can read: `dbt docs generate` on the test build, then every column of
    every model and seed described (dbt-coverage, at least DOC_COVERAGE_MIN) and the project's
    metadata score (dbt-score, at least DBT_SCORE_MIN); below either, the check fails."""
    target = REPO_ROOT / "target"
    run(
        [
            venv_bin("dbt"),
            "docs",
            "generate",
            "--vars",
            f"{{as_of: '{end_of_day(TEST_END_DATE)}'}}",
        ],
        env,
    )
    coverage = [venv_bin("dbt-coverage"), "compute", "doc", "--run-artifacts-dir", str(target)]
    report = ["--cov-report", str(target / "coverage.json")]
    run([*coverage, *report, "--cov-fail-under", str(DOC_COVERAGE_MIN)], env)
    score = [venv_bin("dbt-score"), "lint", "--manifest", str(target / "manifest.json")]
    run([*score, "--show", "failing-rules", "--fail-project-under", str(DBT_SCORE_MIN)], env)


def spark_job(_: argparse.Namespace) -> None:
    if not java_available():
        # CI's machines have Java, so there a missing one is a failure, never a silent skip
        message = "the Spark check needs Java 17 or 21 (pyspark runs on it) and found none"
        if os.environ.get("CI"):
            sys.exit(f"FAILED: {message}")
        print(f"\nSKIPPED: {message}; install one (Debian: openjdk-17-jre-headless)", flush=True)
        return
    set_up(with_spark=True)
    run(audiences("spark"))


def java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or (
        java_home is not None and (Path(java_home) / "bin" / "java").exists()
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    jobs = parser.add_subparsers(dest="job", required=True)
    main_parser = jobs.add_parser("main", help="generate the demo data and build the warehouse")
    main_parser.add_argument("--persons", type=int, default=20_000)
    main_parser.add_argument("--seed", type=int, default=42)
    main_parser.add_argument("--end-date", default=dt.datetime.now(dt.UTC).date().isoformat())
    main_parser.add_argument(
        "--publish-weeks",
        type=int,
        default=PUBLISH_WEEKS,
        help="publish the end of each of this many weeks before the end date first (history, "
        "lift); 0 publishes once",
    )
    main_parser.set_defaults(run_job=main_job)
    publish_parser = jobs.add_parser(
        "publish",
        help="build and test what raw holds; publish the marts to the serving store if green",
    )
    publish_parser.add_argument(
        "--as-of", help="the reference instant, 'YYYY-MM-DD HH:MM:SS' UTC (default: now)"
    )
    publish_parser.add_argument("--vars", help="other dbt vars, as JSON or YAML")
    publish_parser.add_argument(
        "--force", action="store_true", help="publish even when the audit refuses"
    )
    publish_parser.set_defaults(run_job=publish_job)
    query_parser = jobs.add_parser(
        "query", help="run read-only SQL on the last publish; prints CSV with a header"
    )
    query_parser.add_argument("sql")
    query_parser.set_defaults(run_job=query_job)
    export_parser = jobs.add_parser(
        "export",
        help="write a destination's list from the last publish: full, or only the changes "
        "since the previous export into the same --out",
    )
    export_parser.add_argument("--destination", required=True, choices=["email", "ads", "crm"])
    export_parser.add_argument(
        "--changes-only",
        action="store_true",
        help="only the added, changed and removed rows since the previous export",
    )
    export_parser.add_argument("--out", required=True, help="the folder to export into")
    export_parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    export_parser.set_defaults(run_job=export_job)
    test_parser = jobs.add_parser("test", help="run every check on a small generated data set")
    test_parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    test_parser.set_defaults(run_job=test_job)
    spark_parser = jobs.add_parser(
        "spark", help="build the project on Spark and compare with DuckDB"
    )
    spark_parser.set_defaults(run_job=spark_job)
    setup_parser = jobs.add_parser("setup", help="only create .venv and install requirements")
    setup_parser.set_defaults(run_job=lambda _: set_up())
    return parser.parse_args(argv)


def main() -> int:
    args = parse_args(sys.argv[1:])
    try:
        args.run_job(args)
    except CommandFailed as failed:
        # the step's own exit code (a refused publish is 3), as the step said it
        print(failed, file=sys.stderr, flush=True)
        return failed.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
