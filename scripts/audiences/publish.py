"""Write, audit, publish: build and test in the private build warehouse, check the result against
the last publish, and only then swap the public marts into the serving store (audiences.serving).

    audiences publish [--as-of "YYYY-MM-DD HH:MM:SS"] [--vars '{...}'] [--force]

Nothing is published, and the exit is non-zero, when the build or any test fails (the failing
nodes are named), when `as_of` is earlier than the last publish's, or when the audit finds a
build that would replace good audiences with a broken feed's: a raw table that fed the last
publish is now empty, the events shrank against it, every audience is empty, or `as_of` lies
more than `publish_max_days_after_newest_event` days after the newest staged event. `--force`
publishes despite the audit (never despite a failed build or an earlier `as_of`) and records
the reasons it overrode in `publish_log.forced_reasons`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from argparse import RawTextHelpFormatter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from audiences.console import ArgumentParser, fail
from audiences.raw_contract import RAW_TABLES
from audiences.runtime import REPO_ROOT, dbt_env, duckdb_path, venv_executable
from audiences.serving import (
    LastPublish,
    PublishRecord,
    ServingError,
    last_publish,
    publish_lock,
    serving_path,
    stage_history,
    swings,
    write_publish,
)

AS_OF_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
FAILED_STATUSES = {"error", "fail", "runtime error"}
# A publish builds and tests the data; unit tests pin the models' logic on fixed inputs, so they
# belong to the checks (scripts/dev.py test), not to every production run, as dbt advises: they
# were 27 s of thread time in a 10M-event build whatever the data.
PRODUCTION_BUILD = ("build", "--exclude-resource-type", "unit_test")
EXIT_BUILD_FAILED = 1
EXIT_REFUSED = 3


class PublishRefused(Exception):
    """The build is not published; the message says why and what to do."""


@dataclass(frozen=True)
class BuildFacts:
    raw_rows: dict[str, int]
    newest_event_at: dt.datetime | None
    audience_members: int
    invocation_id: str | None


def project_dir() -> Path:
    """dbt's own DBT_PROJECT_DIR, so a copy of the project can be published the same way."""
    return Path(os.environ.get("DBT_PROJECT_DIR", REPO_ROOT)).resolve()


def target_dir() -> Path:
    """Where dbt writes run_results.json and manifest.json (dbt's DBT_TARGET_PATH, if set)."""
    configured = os.environ.get("DBT_TARGET_PATH")
    return Path(configured).resolve() if configured else project_dir() / "target"


def parse_as_of(text: str) -> dt.datetime:
    """A timestamp in UTC, naive. An offset (`+02:00`, `Z`) is converted to UTC."""
    cleaned = text.strip()
    try:
        parsed = dt.datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T][0-9:.+\-Z]+)?", cleaned):
        raise ServingError(
            f"--as-of {text!r} is not a timestamp: use 'YYYY-MM-DD HH:MM:SS' (UTC), "
            "'YYYY-MM-DD', or an ISO 8601 time with an offset"
        )
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def now_as_of() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def project_vars(overrides: dict[str, object]) -> dict[str, object]:
    with open(project_dir() / "dbt_project.yml") as project_file:
        defaults = yaml.safe_load(project_file).get("vars", {})
    return {**defaults, **overrides}


def run_build(dbt: str, env: dict[str, str], dbt_vars: dict[str, object]) -> str | None:
    """dbt build; on failure raise with the failing nodes. Returns dbt's invocation id."""
    command = [dbt, *PRODUCTION_BUILD, "--vars", json.dumps(dbt_vars)]
    print(f"\n$ {' '.join(command)}", flush=True)
    results_path = target_dir() / "run_results.json"
    results_path.unlink(missing_ok=True)
    completed = subprocess.run(command, cwd=project_dir(), env=env, check=False)
    results = read_run_results(results_path)
    if completed.returncode != 0:
        failed = [
            f"{result['unique_id']} ({result['status']})"
            for result in results.get("results", [])
            if result.get("status") in FAILED_STATUSES
        ]
        named = "; ".join(failed) if failed else "see dbt's output above (no node ran)"
        raise BuildFailed(f"dbt build failed (exit {completed.returncode}): {named}")
    return results.get("metadata", {}).get("invocation_id")


class BuildFailed(Exception):
    """dbt build or one of its tests failed."""


def read_run_results(path: Path) -> dict:
    if not path.exists():
        return {}
    with open(path) as results_file:
        return json.load(results_file)


def raw_row_counts(build_path: Path) -> dict[str, int]:
    if not build_path.exists():
        raise ServingError(
            f"no build warehouse at {build_path}: generate or load raw data first "
            "(scripts/generate_data.py or scripts/load_raw.py)"
        )
    connection = duckdb.connect(str(build_path), read_only=True)
    try:
        return {
            table: int(connection.execute(f"select count(*) from raw.{table}").fetchone()[0])
            for table in RAW_TABLES
        }
    except duckdb.CatalogException as error:
        raise ServingError(
            f"{build_path} has no complete raw schema ({' '.join(str(error).split())}): "
            "load raw data first"
        ) from error
    finally:
        connection.close()


def build_facts(build_path: Path, invocation_id: str | None) -> BuildFacts:
    raw_rows = raw_row_counts(build_path)
    connection = duckdb.connect(str(build_path), read_only=True)
    try:
        newest_event_at = connection.execute(
            "select max(occurred_at) from staging.stg_raw__events"
        ).fetchone()[0]
        members = connection.execute(
            "select count(*) from marts.fct_audience_memberships"
        ).fetchone()[0]
    finally:
        connection.close()
    return BuildFacts(raw_rows, newest_event_at, int(members), invocation_id)


def audit_raw(raw_rows: dict[str, int], previous: LastPublish | None) -> list[str]:
    """What is wrong with raw against the last publish: checked before anything is built."""
    reasons = []
    if previous is not None:
        emptied = [
            table
            for table, rows in sorted(previous.raw_rows.items())
            if rows > 0 and raw_rows.get(table, 0) == 0
        ]
        if emptied:
            reasons.append(
                f"raw table(s) {', '.join(emptied)} fed publish {previous.publish_id} and are "
                "now empty (a partial or failed load?)"
            )
        before, now = previous.raw_rows.get("events", 0), raw_rows.get("events", 0)
        if 0 < now < before:
            reasons.append(
                f"raw.events shrank from {before:,} rows at publish {previous.publish_id} "
                f"to {now:,}"
            )
    return reasons


def audit_build(facts: BuildFacts, as_of: dt.datetime, max_lag_days: int) -> list[str]:
    """What is wrong with the built marts: checked after a green build."""
    reasons = []
    if facts.audience_members == 0:
        reasons.append("every audience is empty")
    if facts.newest_event_at is None:
        reasons.append("there is no staged event")
    elif as_of - facts.newest_event_at > dt.timedelta(days=max_lag_days):
        lag = (as_of - facts.newest_event_at).days
        reasons.append(
            f"as_of {as_of} is {lag} days after the newest staged event "
            f"({facts.newest_event_at}); more than publish_max_days_after_newest_event "
            f"({max_lag_days})"
        )
    return reasons


def refuse_earlier_as_of(previous: LastPublish | None, as_of: dt.datetime) -> None:
    if previous is not None and as_of < previous.as_of:
        raise PublishRefused(
            f"as_of {as_of} is earlier than the last publish's ({previous.as_of}, publish "
            f"{previous.publish_id}): publishes are ordered by as_of. Build a backfill into "
            "another warehouse (AUDIENCES_DUCKDB_PATH=... dbt build --vars '{as_of: ...}') "
            "and read it there"
        )


def refuse_unless_forced(reasons: list[str], force: bool, what_happened: str) -> None:
    if reasons and not force:
        raise PublishRefused(
            "; ".join(reasons)
            + f". {what_happened[0].upper()}{what_happened[1:]}; the readers keep the last "
            "publish. Fix the input, or pass --force to publish anyway"
        )


def publish(
    *,
    dbt: str,
    env: dict[str, str],
    build_path: Path,
    serving: Path,
    as_of: dt.datetime,
    extra_vars: dict[str, object],
    force: bool,
    new_history: bool = False,
) -> int:
    """Build, test, audit and publish. Returns the new publish_id."""
    with publish_lock(serving):
        previous = None if new_history else last_publish(serving)
        refuse_earlier_as_of(previous, as_of)
        reasons = audit_raw(raw_row_counts(build_path), previous)
        refuse_unless_forced(reasons, force, "nothing was built")
        stage_history(build_path, None if previous is None else serving)
        dbt_vars = {**extra_vars, "as_of": as_of.strftime("%Y-%m-%d %H:%M:%S")}
        invocation_id = run_build(dbt, env, dbt_vars)
        facts = build_facts(build_path, invocation_id)
        max_lag = project_vars(extra_vars)["publish_max_days_after_newest_event"]
        build_reasons = audit_build(facts, as_of, int(max_lag))
        refuse_unless_forced(build_reasons, force, "the build is green but was not published")
        reasons += build_reasons
        record = PublishRecord(
            as_of=as_of,
            newest_event_at=facts.newest_event_at,
            dbt_invocation_id=invocation_id,
            forced_reasons="; ".join(reasons) if reasons else None,
            raw_rows=facts.raw_rows,
        )
        swung = swings(build_path)
        publish_id = write_publish(
            build_path, serving, public_marts(), record, carry_history=previous is not None
        )
    for swing in swung:
        print(f"WARNING: {swing} (audience_swing_warn_share): a broken feed?", flush=True)
    print(
        f"\nPUBLISHED publish {publish_id}: as_of {as_of}, {facts.audience_members:,} audience "
        f"memberships, to {serving}"
        + (f"\nforced despite: {record.forced_reasons}" if record.forced_reasons else ""),
        flush=True,
    )
    return publish_id


def public_marts() -> list[str]:
    """Every model with access: public, from the manifest of the build just run."""
    with open(target_dir() / "manifest.json") as manifest_file:
        manifest = json.load(manifest_file)
    return sorted(
        node["alias"] or node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node.get("access") == "public"
    )


def parse_vars(text: str | None) -> dict[str, object]:
    if not text:
        return {}
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ServingError(f"--vars is not JSON or YAML: {' '.join(str(error).split())}") from error
    if not isinstance(parsed, dict):
        raise ServingError("--vars must be a mapping, e.g. '{\"top_spender_pct\": 5}'")
    return parsed


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(description=__doc__, formatter_class=RawTextHelpFormatter)
    parser.add_argument("--as-of", help="'YYYY-MM-DD HH:MM:SS' in UTC, or ISO 8601 with an offset")
    parser.add_argument("--vars", help="other dbt vars, as JSON or YAML")
    parser.add_argument("--force", action="store_true", help="publish even when the audit refuses")
    parser.add_argument(
        "--new-history",
        action="store_true",
        help="start a new serving history (the main job does, after regenerating the demo data)",
    )
    args = parser.parse_args(argv)
    build_path = duckdb_path()
    # a DBT_PROFILES_DIR of the caller's wins, as before (a copy of the project may bring one)
    env = dbt_env(build_path, DBT_PROFILES_DIR=os.environ.get("DBT_PROFILES_DIR", str(REPO_ROOT)))
    dbt = venv_executable("dbt")
    try:
        as_of = parse_as_of(args.as_of) if args.as_of else now_as_of()
        extra_vars = parse_vars(args.vars)
        extra_vars.pop("as_of", None)
        publish(
            dbt=dbt,
            env=env,
            build_path=build_path,
            serving=serving_path(),
            as_of=as_of,
            extra_vars=extra_vars,
            force=args.force,
            new_history=args.new_history,
        )
    except BuildFailed as error:
        print(f"NOT PUBLISHED: {error}. The readers keep the last publish.", file=sys.stderr)
        return EXIT_BUILD_FAILED
    except PublishRefused as error:
        print(f"NOT PUBLISHED: {error}", file=sys.stderr, flush=True)
        return EXIT_REFUSED
    except ServingError as error:
        return fail(parser.prog, error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
