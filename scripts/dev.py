"""The project's two entry points, runnable with nothing but python3.

    python3 scripts/dev.py main   # set up, generate the demo data set, dbt build, print counts
    python3 scripts/dev.py test   # set up, then every check: ruff, sqlfluff, dbt build, pytest

Set-up creates `.venv` beside this folder and installs requirements.txt (exact pins) into it,
again only when requirements.txt changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_DIR = REPO_ROOT / ".venv"
REQUIREMENTS = REPO_ROOT / "requirements.txt"
INSTALLED_STAMP = VENV_DIR / ".requirements.sha256"

# The test data set is fixed, so every run of the checks sees the same data.
TEST_PERSONS = 10_000
TEST_SEED = 7
TEST_END_DATE = "2026-06-30"


def venv_bin(name: str) -> str:
    folder = "Scripts" if os.name == "nt" else "bin"
    return str(VENV_DIR / folder / name)


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    print(f"\n$ {' '.join(command)}", flush=True)
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env, check=False)
    if completed.returncode != 0:
        sys.exit(f"FAILED ({completed.returncode}): {' '.join(command)}")


def set_up() -> None:
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if INSTALLED_STAMP.exists() and INSTALLED_STAMP.read_text() == wanted:
        return
    if not VENV_DIR.exists():
        print(f"creating {VENV_DIR}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV_DIR)
    run([venv_bin("python"), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)])
    INSTALLED_STAMP.write_text(wanted)


def dbt_env(duckdb_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["AUDIENCES_DUCKDB_PATH"] = str(duckdb_path)
    env["DBT_PROFILES_DIR"] = str(REPO_ROOT)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def as_of_vars(end_date: str) -> str:
    return f'{{"as_of": "{end_date} 23:59:59"}}'


def generate_and_build(duckdb_path: Path, persons: int, seed: int, end_date: str) -> None:
    env = dbt_env(duckdb_path)
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    run(
        [
            venv_bin("python"), "scripts/generate_data.py", "--persons", str(persons),
            "--seed", str(seed), "--end-date", end_date,
        ],
        env,
    )
    run([venv_bin("dbt"), "build", "--vars", as_of_vars(end_date)], env)


def main_job(args: argparse.Namespace) -> None:
    set_up()
    duckdb_path = Path(os.environ.get("AUDIENCES_DUCKDB_PATH", REPO_ROOT / "data/audiences.duckdb"))
    generate_and_build(duckdb_path, args.persons, args.seed, args.end_date)
    run([venv_bin("python"), "scripts/report.py"], dbt_env(duckdb_path))


def test_job(args: argparse.Namespace) -> None:
    set_up()
    duckdb_path = REPO_ROOT / "data" / "test" / "audiences_test.duckdb"
    duckdb_path.unlink(missing_ok=True)
    env = dbt_env(duckdb_path)
    run([venv_bin("ruff"), "check", "scripts", "tests"], env)
    generate_and_build(duckdb_path, TEST_PERSONS, TEST_SEED, TEST_END_DATE)
    run([venv_bin("sqlfluff"), "lint", "models", "tests", "analyses"], env)
    env["AUDIENCES_TEST_WAREHOUSE"] = str(duckdb_path)
    env["AUDIENCES_TEST_END_DATE"] = TEST_END_DATE
    run([venv_bin("python"), "-m", "pytest", "-q", "tests/python", *args.pytest_args], env)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    jobs = parser.add_subparsers(dest="job", required=True)
    main_parser = jobs.add_parser("main", help="generate the demo data and build the warehouse")
    main_parser.add_argument("--persons", type=int, default=20_000)
    main_parser.add_argument("--seed", type=int, default=42)
    main_parser.add_argument("--end-date", default=dt.datetime.now(dt.UTC).date().isoformat())
    main_parser.set_defaults(run_job=main_job)
    test_parser = jobs.add_parser("test", help="run every check on a small generated data set")
    test_parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    test_parser.set_defaults(run_job=test_job)
    setup_parser = jobs.add_parser("setup", help="only create .venv and install requirements")
    setup_parser.set_defaults(run_job=lambda _: set_up())
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args(sys.argv[1:])
    args.run_job(args)


if __name__ == "__main__":
    main()
