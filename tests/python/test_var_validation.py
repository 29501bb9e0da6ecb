"""Vars are validated before anything is built (macros/validate_vars.sql, macros/as_of.sql).

A bad var makes `dbt build` (or `dbt run`) exit non-zero with a message naming the var, the
value given and the allowed range, and nothing is built: the small raw warehouse of this module
(generated, never built) keeps exactly its tables and row counts, and dbt writes no
run_results.json. A good as_of reaches the SQL as a UTC literal written by the macro, never as
the text given. Every var of dbt_project.yml and every var('...') read under models/, macros/
and tests/ has a rule in the validation table.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from audiences.runtime import REPO_ROOT, dbt_env
from warehouse_helpers import attempt, dbt_result, generate

VALIDATE_VARS = REPO_ROOT / "macros" / "validate_vars.sql"

Snapshot = dict[tuple[str, str], int]


def snapshot(db_path: Path) -> Snapshot:
    """Every table and view of the warehouse with its row count."""
    connection = duckdb.connect(str(db_path), read_only=True)
    try:
        relations = connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        return {
            (schema, name): connection.execute(
                f'select count(*) from "{schema}"."{name}"'
            ).fetchone()[0]
            for schema, name in relations
        }
    finally:
        connection.close()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Snapshot]:
    """A small raw warehouse (100 persons, not built): (DuckDB file, environment, snapshot)."""
    db_path = tmp_path_factory.mktemp("var_validation") / "audiences.duckdb"
    env = dbt_env(db_path, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    generate(db_path, 100, 7, "2026-06-30", env=env)
    before = snapshot(db_path)
    assert before[("raw", "events")] > 0
    assert all(schema in ("raw", "generator_audit") for schema, _ in before)
    return db_path, env, before


# (command, vars, texts the output must hold: the var, the value given, the allowed range)
BAD_VARS: dict[str, tuple[list[str], dict[str, Any], list[str]]] = {
    "negative_count": (
        ["build"],
        {"window_shopper_min_views": -5},
        ["window_shopper_min_views: got -5; allowed: a whole number of at least 1"],
    ),
    "min_above_max": (
        ["build"],
        {"dormant_min_days": 100, "dormant_max_days": 90},
        [
            "dormant_min_days = 100 and dormant_max_days = 90",
            "allowed: dormant_min_days below dormant_max_days",
        ],
    ),
    "share_above_one": (
        ["run", "-s", "dim_persons"],
        {"category_enthusiast_min_share": 1.5},
        ["category_enthusiast_min_share: got 1.5; allowed: a number in (0, 1]"],
    ),
    "number_as_string": (
        ["build"],
        {"window_shopper_min_views": "3"},
        ['window_shopper_min_views: got "3" (a string); allowed: a whole number of at least 1'],
    ),
    "sql_in_as_of": (
        ["build"],
        {"as_of": "'; drop table raw.events; --"},
        [
            'as_of: got "\'; drop table raw.events; --" (not one of the accepted forms)',
            "allowed: null or ''",
            "YYYY-MM-DDTHH:MM:SS[.ffffff]",
        ],
    ),
    "impossible_date": (
        ["build"],
        {"as_of": "1990-13-45"},
        ['as_of: got "1990-13-45" (month 13 is not in 1-12)', "allowed: null or ''"],
    ),
    "all_at_once": (
        ["build"],
        {
            "window_shopper_min_views": True,
            "top_spender_pct": 0,
            "lifecycle_industry": "retail",
            "lifecycle_activity_events": ["Page Viewed", "x' or '1'='1"],
            "lifecycle_history_weeks": None,
            "dormant_min_dayz": 3,
        },
        [
            "Invalid vars (6)",
            "window_shopper_min_views: got true (a boolean)",
            "top_spender_pct: got 0; allowed: a number in (0, 100]",
            'lifecycle_industry: got "retail"; allowed: one of e-commerce, media, travel, finance',
            "lifecycle_activity_events: got",
            "letters, digits, spaces, _ and -",
            "lifecycle_history_weeks: got null; allowed: a whole number of weeks from 1 to 5200",
            "dormant_min_dayz: unknown var",
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD_VARS))
def test_bad_vars_stop_the_build_before_anything_is_built(
    case: str, warehouse: tuple[Path, dict[str, str], Snapshot], tmp_path: Path
) -> None:
    db_path, _, before = warehouse
    command, bad_vars, expected = BAD_VARS[case]
    run = dbt_result(db_path, *command, "--vars", json.dumps(bad_vars), target=tmp_path / "target")
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]
    assert "Invalid vars" in output, output[-3000:]
    for text in expected:
        assert text in output, f"{text!r} not in:\n{output[-3000:]}"
    assert not (tmp_path / "target" / "run_results.json").exists(), "a node ran"
    assert snapshot(db_path) == before, "the warehouse changed"


# as_of --vars value -> the literal the models get
GOOD_AS_OF: dict[str, tuple[str, str]] = {
    "offset": ('"2026-06-30T23:59:59+02:00"', "2026-06-30 21:59:59"),
    "zulu": ('"2026-06-30T23:59:59Z"', "2026-06-30 23:59:59"),
    "plain": ('"2026-06-30 23:59:59"', "2026-06-30 23:59:59"),
    "yaml_date": ("2026-06-30", "2026-06-30 00:00:00"),  # unquoted: a YAML date object
}

# Parses the project once (target path argv[2]), then runs each invocation (argv[1], JSON:
# case -> dbt arguments) on that manifest, as dbt does for a command whose vars did not change
# since the last parse: no parse, so the vars reach the macros only when nodes and hooks are
# compiled. Each case writes to the target path argv[2]/<case>.
PREPARSED_RUNNER = """
import json, sys
from dbt.cli.main import dbtRunner
target, common = sys.argv[2], sys.argv[3:]
manifest = dbtRunner().invoke(["parse", "--target-path", target, *common]).result
for case, args in json.loads(sys.argv[1]).items():
    print("@@start", case, flush=True)
    result = dbtRunner(manifest=manifest).invoke(
        [*args, "--target-path", f"{target}/{case}", *common])
    print("@@end", case, result.success, flush=True)
"""


@pytest.fixture(scope="module")
def preparsed(
    warehouse: tuple[Path, dict[str, str], Snapshot], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[bool, str, Path]]:
    """case -> (success, output, target path) of each invocation of PREPARSED_RUNNER:
    print_as_of for every good as_of, and a build with a bad var that the on-run-start hook
    must stop."""
    _, env, _ = warehouse
    work = tmp_path_factory.mktemp("preparsed")
    cases = {
        f"as_of_{case}": [
            "run-operation",
            "print_as_of",
            "--args",
            "{literal: true}",
            "--vars",
            f"{{as_of: {value}}}",
        ]
        for case, (value, _) in GOOD_AS_OF.items()
    }
    cases["hook_build"] = ["build", "--vars", json.dumps({"window_shopper_min_views": -5})]
    run = attempt(
        [
            sys.executable,
            "-c",
            PREPARSED_RUNNER,
            json.dumps(cases),
            str(work / "target"),
            "--quiet",
            "--log-path",
            str(work / "logs"),
        ],
        env,
    )
    found = re.findall(r"^@@start (\S+)\n(.*?)^@@end \1 (True|False)$", run.stdout, re.S | re.M)
    assert {case for case, _, _ in found} == set(cases), (run.stdout + run.stderr)[-3000:]
    return {
        case: (success == "True", output, work / "target" / case) for case, output, success in found
    }


@pytest.mark.parametrize("case", list(GOOD_AS_OF))
def test_as_of_is_written_as_a_utc_literal(
    case: str, preparsed: dict[str, tuple[bool, str, Path]]
) -> None:
    success, output, _ = preparsed[f"as_of_{case}"]
    assert success, output[-3000:]
    expected = f"cast('{GOOD_AS_OF[case][1]}' as timestamp)"
    assert output.strip().splitlines()[-1] == expected, output[-3000:]


def test_the_hook_stops_a_build_whose_project_is_already_parsed(
    preparsed: dict[str, tuple[bool, str, Path]], warehouse: tuple[Path, dict[str, str], Snapshot]
) -> None:
    db_path, _, before = warehouse
    success, output, target = preparsed["hook_build"]
    assert not success, output[-3000:]
    assert "Compilation Error in operation audiences-on-run-start-0" in output, output[-3000:]
    assert "window_shopper_min_views: got -5; allowed: a whole number of at least 1" in output
    assert not (target / "run_results.json").exists(), "a node ran"
    assert snapshot(db_path) == before, "the warehouse changed"


def rule_names() -> set[str]:
    """The vars of the validation table, var_rules() in macros/validate_vars.sql."""
    text = VALIDATE_VARS.read_text()
    start = text.index("macro var_rules()")
    body = text[start : text.index("endmacro", start)]
    return set(re.findall(r"^\s*'([a-z][a-z0-9_]*)':", body, re.M))


def test_every_var_has_a_rule() -> None:
    rules = rule_names()
    declared = set(yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"])
    used = {
        name
        for folder in ("models", "macros", "tests", "analyses")
        for path in (REPO_ROOT / folder).rglob("*")
        if path.suffix in (".sql", ".yml", ".yaml", ".md")
        for name in re.findall(r"\bvar\(\s*['\"]([A-Za-z0-9_]+)['\"]", path.read_text())
    }
    assert declared - rules == set(), "vars of dbt_project.yml without a rule"
    assert used - rules == set(), "vars read by the project without a rule"
    assert rules - declared == set(), "rules for vars dbt_project.yml does not declare"


def test_the_industries_rule_matches_the_seed() -> None:
    with (REPO_ROOT / "seeds" / "lifecycle_kpis.csv").open() as seed:
        industries = {row["industry"] for row in csv.DictReader(seed)}
    rule = re.search(
        r"'lifecycle_industry': \{'kind': 'one_of', 'values': \[([^\]]*)\]",
        VALIDATE_VARS.read_text(),
    )
    assert rule, "the lifecycle_industry rule moved"
    assert set(re.findall(r"'([^']+)'", rule.group(1))) == industries
