"""How the tests make warehouses of their own, through audiences.runtime: generate raw data,
load an export folder, run dbt with its target path beside the DuckDB file, build as of a
time. Helpers named `..._result` return the finished process whatever its exit code, for tests
that expect a failure; the others fail the test with the command's last lines."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from audiences.runtime import REPO_ROOT, dbt, dbt_env, run_captured, venv_executable

Completed = subprocess.CompletedProcess[str]


def attempt(
    command: Sequence[str],
    env: Mapping[str, str] | None = None,
    *,
    cwd: Path = REPO_ROOT,
    timeout: float | None = None,
) -> Completed:
    """Run `command` from the repository (or `cwd`) with its output captured, and return
    whatever the exit code (run_captured when a failure should simply fail the test)."""
    return subprocess.run(
        list(command),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def output(completed: Completed) -> str:
    return completed.stdout + completed.stderr


def generate(
    path: Path,
    persons: int,
    seed: int,
    end_date: object,
    *extra: str,
    env: Mapping[str, str] | None = None,
) -> Completed:
    """scripts/generate_data.py: `persons` persons up to `end_date` into the warehouse `path`
    (`env`: another environment naming it)."""
    return run_captured(
        [
            sys.executable,
            "scripts/generate_data.py",
            "--persons",
            str(persons),
            "--seed",
            str(seed),
            "--end-date",
            str(end_date),
            *extra,
        ],
        env or dbt_env(path),
    )


def load(path: Path, folder: Path, *flags: str, env: Mapping[str, str] | None = None) -> Completed:
    """scripts/load_raw.py: load the export `folder` into the warehouse `path`."""
    return run_captured(
        [sys.executable, "scripts/load_raw.py", *flags, str(folder)], env or dbt_env(path)
    )


def as_of_vars(as_of: str, **values: object) -> str:
    """The --vars of a build as of `as_of`, with any other vars."""
    return json.dumps({"as_of": as_of, **values})


def _dbt_arguments(path: Path, arguments: Sequence[str], target: Path | None) -> list[str]:
    target = target or path.parent / "target"
    return [*arguments, "--target-path", str(target), "--log-path", str(target / "logs")]


def dbt_result(path: Path, *arguments: str, target: Path | None = None) -> Completed:
    """dbt `arguments` on the warehouse `path` (target path `target`, else a `target` folder
    beside the file), returned whatever its exit code."""
    return attempt(
        [venv_executable("dbt"), *_dbt_arguments(path, arguments, target)], dbt_env(path)
    )


def dbt_ok(path: Path, *arguments: str, target: Path | None = None) -> Completed:
    """dbt_result, failing the test with dbt's last lines unless dbt succeeds."""
    completed = dbt(_dbt_arguments(path, arguments, target), dbt_env(path), capture=True)
    assert completed is not None
    return completed


def build(
    path: Path,
    as_of: str,
    *extra: str,
    target: Path | None = None,
    variables: Mapping[str, object] | None = None,
) -> Completed:
    """A green `dbt build` as of `as_of` (with `variables` and `extra` arguments)."""
    return dbt_ok(
        path, "build", "--vars", as_of_vars(as_of, **(variables or {})), *extra, target=target
    )
