"""The README's Connect snippets work as written: each code block of that section runs, verbatim,
from a folder laid out like a fresh clone after the main job (`.venv` and
`data/serving/audiences.duckdb`), against the serving store the test command published."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SECTION = re.compile(r"\*\*Connect\.\*\*(.*?)\*\*Why a swapped", re.S)
BLOCK = re.compile(r"```(sh|python)\n(.*?)```", re.S)


def connect_snippets() -> list[tuple[str, str]]:
    section = SECTION.search((REPO_ROOT / "README.md").read_text())
    assert section, "README has no Connect section"
    return BLOCK.findall(section.group(1))


@pytest.fixture(scope="module")
def clone_like(tmp_path_factory: pytest.TempPathFactory, serving_path: Path) -> Path:
    folder = tmp_path_factory.mktemp("clone")
    (folder / ".venv").symlink_to(REPO_ROOT / ".venv")
    (folder / "data" / "serving").mkdir(parents=True)
    shutil.copy2(serving_path, folder / "data" / "serving" / "audiences.duckdb")
    return folder


def test_the_readme_has_a_cli_a_python_and_a_sqlalchemy_snippet() -> None:
    snippets = connect_snippets()
    assert [language for language, _ in snippets] == ["sh", "python", "python"]
    assert "sqlalchemy" in snippets[2][1]


@pytest.mark.parametrize("index", range(3), ids=["duckdb_cli", "python", "sqlalchemy"])
def test_a_connect_snippet_runs_as_written(clone_like: Path, index: int) -> None:
    language, code = connect_snippets()[index]
    command = (
        ["bash", "-c", code]
        if language == "sh"
        else [str(REPO_ROOT / ".venv" / "bin" / "python"), "-c", code]
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("AUDIENCES_")}
    completed = subprocess.run(
        command, cwd=clone_like, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.strip() == ""
    # the CLI and the BI tool list audience sizes; the notebook prints the publish's as_of
    expected = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \d+" if index == 1 else "cart_abandoners"
    assert re.search(expected, completed.stdout), completed.stdout
