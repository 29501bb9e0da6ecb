"""The `audiences` command (scripts/audiences/cli.py): every subcommand has --help, and a bad
argument, a missing database or an unbuilt warehouse is one line on stderr and a non-zero exit,
never a traceback. Nothing here builds: each case fails (or prints help) within a second."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from warehouse_helpers import attempt

REPO_ROOT = Path(__file__).resolve().parents[2]
SUBCOMMANDS = [
    "generate",
    "load",
    "build",
    "publish",
    "query",
    "export",
    "report",
    "benchmark",
    "spark",
    "diff",
]


def audiences(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`audiences ...` as the console script runs it (`python -m audiences.cli`)."""
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT / "scripts"), environment.get("PYTHONPATH", "")]
    )
    return attempt([sys.executable, "-m", "audiences.cli", *arguments], environment, timeout=60)


def assert_one_line_failure(completed: subprocess.CompletedProcess, *expected: str) -> None:
    assert completed.returncode != 0, completed.stdout
    assert "Traceback" not in completed.stderr, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    for text in expected:
        assert text in lines[0], lines[0]


@pytest.fixture
def empty_database(tmp_path: Path) -> Path:
    """A DuckDB file with nothing in it: not generated, loaded or built."""
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    return path


def env_with(**paths: Path) -> dict[str, str]:
    return dict(os.environ, **{name: str(path) for name, path in paths.items()})


def test_the_command_lists_every_subcommand() -> None:
    completed = audiences("--help")
    assert completed.returncode == 0, completed.stderr
    for name in SUBCOMMANDS:
        assert name in completed.stdout


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name: str) -> None:
    completed = audiences(name, "--help")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith(f"usage: audiences {name}"), completed.stdout[:200]


def test_no_or_an_unknown_subcommand_is_one_line() -> None:
    assert_one_line_failure(audiences(), "audiences", "COMMAND")
    assert_one_line_failure(audiences("bogus"), "invalid choice: 'bogus'")


@pytest.mark.parametrize(
    "arguments",
    [
        ["generate", "--bogus"],
        ["load", "--bogus"],
        ["build", "--bogus"],
        ["publish", "--bogus"],
        ["query"],
        ["export", "--destination", "fax", "--out", "x"],
        ["report", "--bogus"],
        ["benchmark", "--events", "5M"],
        ["spark", "--persons", "many"],
        ["diff", "only-one.duckdb"],
    ],
    ids=lambda arguments: " ".join(arguments),
)
def test_a_bad_argument_is_one_line(arguments: list[str]) -> None:
    assert_one_line_failure(audiences(*arguments), f"audiences {arguments[0]}: error:")


@pytest.mark.parametrize("command", [["report"], ["build"], ["publish"]])
def test_a_missing_warehouse_is_one_line(tmp_path: Path, command: list[str]) -> None:
    env = env_with(
        AUDIENCES_DUCKDB_PATH=tmp_path / "nope.duckdb",
        AUDIENCES_SERVING_PATH=tmp_path / "serving" / "nope.duckdb",
    )
    assert_one_line_failure(audiences(*command, env=env), f"audiences {command[0]}:", "nope.duckdb")
    assert not (tmp_path / "nope.duckdb").exists()


@pytest.mark.parametrize("command", [["report"], ["build"], ["publish", "--as-of", "2026-06-30"]])
def test_an_unbuilt_warehouse_is_one_line(
    tmp_path: Path, empty_database: Path, command: list[str]
) -> None:
    env = env_with(
        AUDIENCES_DUCKDB_PATH=empty_database,
        AUDIENCES_SERVING_PATH=tmp_path / "serving" / "nope.duckdb",
    )
    assert_one_line_failure(audiences(*command, env=env), f"audiences {command[0]}:")


def test_a_warehouse_named_after_a_schema_is_one_line(tmp_path: Path) -> None:
    env = env_with(AUDIENCES_DUCKDB_PATH=tmp_path / "raw.duckdb")
    assert_one_line_failure(audiences("report", env=env), "cannot hold the warehouse")


def test_a_bad_as_of_is_one_line(empty_database: Path) -> None:
    env = env_with(AUDIENCES_DUCKDB_PATH=empty_database)
    assert_one_line_failure(
        audiences("build", "--as-of", "yesterday", env=env), "is not a timestamp"
    )


def test_query_and_export_without_a_publish_are_one_line(tmp_path: Path) -> None:
    env = env_with(AUDIENCES_SERVING_PATH=tmp_path / "nope.duckdb")
    assert_one_line_failure(audiences("query", "select 1", env=env), "no publish yet")
    exported = audiences("export", "--destination", "email", "--out", str(tmp_path), env=env)
    assert_one_line_failure(exported, "no publish yet")


def test_query_and_export_on_a_file_that_is_no_publish_are_one_line(
    tmp_path: Path, empty_database: Path
) -> None:
    env = env_with(AUDIENCES_SERVING_PATH=empty_database)
    queried = audiences("query", "select * from current_publish", env=env)
    assert_one_line_failure(queried, "audiences query: query failed")
    exported = audiences("export", "--destination", "crm", "--out", str(tmp_path), env=env)
    assert_one_line_failure(exported, "audiences export:")


def test_load_of_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    env = env_with(AUDIENCES_DUCKDB_PATH=tmp_path / "load.duckdb")
    assert_one_line_failure(audiences("load", str(tmp_path / "nowhere"), env=env), "does not exist")
    assert not (tmp_path / "load.duckdb").exists()


def test_diff_of_a_missing_warehouse_is_one_line(tmp_path: Path, empty_database: Path) -> None:
    completed = audiences("diff", str(tmp_path / "nope.duckdb"), str(empty_database))
    assert_one_line_failure(completed, "audiences diff: no warehouse at")


@pytest.mark.parametrize(
    "script", ["report", "load_raw", "publish", "serving", "export_lists", "warehouse_diff"]
)
def test_the_old_script_paths_still_run(script: str) -> None:
    completed = subprocess.run(
        [sys.executable, f"scripts/{script}.py", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("usage:")
