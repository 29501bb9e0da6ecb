"""How every entry point and test runs things: the repository, the environment dbt needs, and
one way to run a command that turns a failure into one line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DUCKDB_PATH = REPO_ROOT / "data" / "audiences.duckdb"
DUCKDB_PATH_VARIABLE = "AUDIENCES_DUCKDB_PATH"


class CommandFailed(SystemExit):
    """A command exited non-zero; the message is the one line a user reads, `returncode` the
    command's own exit code (for a caller that passes it on)."""

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


def end_of_day(day: str) -> str:
    """The as_of that covers all of `day` (YYYY-MM-DD): its last second, as the data ends."""
    return f"{day} 23:59:59"


def duckdb_path() -> Path:
    """The warehouse file; a relative AUDIENCES_DUCKDB_PATH means the caller's directory, as
    for dbt."""
    return Path(os.environ.get(DUCKDB_PATH_VARIABLE, DEFAULT_DUCKDB_PATH)).resolve()


def dbt_env(duckdb_file: Path | str, **extra: str) -> dict[str, str]:
    """The environment dbt and the scripts read: this process's, plus the warehouse file, the
    repository's profiles.yml and any `extra` variables."""
    env = dict(os.environ)
    env[DUCKDB_PATH_VARIABLE] = str(duckdb_file)
    env["DBT_PROFILES_DIR"] = str(REPO_ROOT)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env.update(extra)
    return env


def venv_executable(name: str) -> str:
    """A console script installed beside the running interpreter (dbt, sqlfluff, ruff)."""
    return str(Path(sys.executable).parent / name)


def run(
    command: Sequence[str],
    env: Mapping[str, str] | None = None,
    cwd: Path = REPO_ROOT,
    echo: bool = True,
) -> None:
    """Run `command`; on a non-zero exit raise CommandFailed naming it, with its exit code."""
    if echo:
        print(f"\n$ {' '.join(command)}", flush=True)
    completed = subprocess.run(list(command), cwd=cwd, env=env, check=False)
    if completed.returncode != 0:
        raise CommandFailed(
            f"FAILED ({completed.returncode}): {' '.join(command)}", completed.returncode
        )


def run_captured(
    command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path = REPO_ROOT
) -> subprocess.CompletedProcess[str]:
    """Run `command` with its output captured; a failure raises CommandFailed with the output's
    last lines, which is what a test wants to show."""
    completed = subprocess.run(
        list(command), cwd=cwd, env=env, check=False, capture_output=True, text=True
    )
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-40:])
        raise CommandFailed(
            f"FAILED ({completed.returncode}): {' '.join(command)}\n{tail}", completed.returncode
        )
    return completed


def dbt(
    arguments: Sequence[str], env: Mapping[str, str], capture: bool = False
) -> subprocess.CompletedProcess[str] | None:
    """Run the dbt beside this interpreter with `arguments` (build, run, test...)."""
    command = [venv_executable("dbt"), *arguments]
    if capture:
        return run_captured(command, env)
    run(command, env)
    return None
