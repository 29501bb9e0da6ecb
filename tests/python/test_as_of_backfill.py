"""Building with a past as_of gives the warehouse as it was then: every mart built from the full
data at as_of = T equals the same mart built from the data truncated to what was known at T. A
model that read `now()`, or let a later row leak in through identity, consent, the CRM, a
subscription, a ticket or a window, makes them differ. The backfill also agrees with the pandas
reference computed at T.

What truncating at T means, table by table:
- events, identifies, email_events, nps_responses: rows after T are removed (occurred_at,
  responded_at); product_usage_daily: days after T's date (a day's row counts from that day on).
- crm_accounts, crm_contacts: the CRM keeps versions (one row per update), so the state at T is
  the versions updated by T: rows with updated_at (or created_at) after T are removed.
- subscriptions: rows started after T are removed. A row ended after T is rewritten as it stood
  at T: not ended, status `trialing` while its trial_ends_at is after T, else `active`. The
  models read such a row the same way (ended only when ended_at <= as_of, a trial only while
  trial_ends_at > as_of) and never trust the later status otherwise.
- support_tickets: rows opened after T are removed; a ticket closed after T was open at T:
  closed_at and csat_score null, status `open`. The models count a CSAT only of tickets closed
  by as_of.
- privacy_requests: an `opt_out` after T is removed; a `delete` is kept whatever its time, since
  an erasure applies to every rebuild of the past too (int_persons_deleted reads all of them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from audiences.compare import sorted_rows
from comparison import assert_same_table, mismatches
from reference_helpers import reference_context, reference_dims
from warehouse_helpers import as_of_vars, dbt_ok

KEYS = {"dim_persons": "person_id", "dim_accounts": "account_id"}
MARTS = [
    "aud_cart_abandoners",
    "aud_category_enthusiasts",
    "aud_churn_risk_accounts",
    "aud_detractors",
    "aud_dormant_shoppers",
    "aud_heavy_email_engagers",
    "aud_high_value_prospects",
    "aud_new_customers",
    "aud_onboarding_customers",
    "aud_product_champions",
    "aud_product_sharers",
    "aud_shoe_lovers",
    "aud_top_spenders",
    "aud_trial_ending_low_usage_users",
    "aud_unengaged_prospects",
    "aud_upgrade_candidates",
    "aud_window_shoppers",
    "aud_window_shoppers_without_cart",
    "dim_accounts",
    "dim_person_lifecycle",
    "dim_persons",
    "fct_audience_memberships",
    "fct_lifecycle_transitions",
    "fct_lifecycle_weekly_stages",
    "fct_orders",
    "metricflow_time_spine",
    "rpt_audience_overlaps",
    "rpt_audience_sizes",
    "rpt_lifecycle_kpis",
    "rpt_lifecycle_weekly_flows",
    # both copies continue the same published history, so their feeds and reports agree too
    "fct_audience_membership_changes",
    "rpt_audience_size_history",
    "rpt_audience_lift",
    "list_ad_audience_identifiers",
    "list_crm_account_audiences",
    "list_email_audience_members",
]


def _ts(column: str) -> str:
    """A raw time column (VARCHAR or TIMESTAMP) as a UTC timestamp, as the tests read it."""
    return f"timezone('UTC', try_cast(cast({column} as varchar) as timestamptz))"


def truncation_statements(as_of: str) -> list[str]:
    t = f"timestamp '{as_of}'"
    return [
        *(
            f"delete from raw.{table} where {_ts('occurred_at')} > {t}"
            for table in ("events", "identifies", "email_events")
        ),
        f"delete from raw.nps_responses where {_ts('responded_at')} > {t}",
        f"delete from raw.product_usage_daily where cast(usage_date as date) > cast({t} as date)",
        f"delete from raw.crm_accounts where {_ts('updated_at')} > {t}",
        f"""delete from raw.crm_contacts
            where {_ts("updated_at")} > {t} or {_ts("created_at")} > {t}""",
        f"delete from raw.subscriptions where {_ts('started_at')} > {t}",
        f"""update raw.subscriptions
            set status = case when {_ts("trial_ends_at")} > {t} then 'trialing' else 'active' end,
                ended_at = null
            where {_ts("ended_at")} > {t}""",
        f"delete from raw.support_tickets where {_ts('opened_at')} > {t}",
        f"""update raw.support_tickets
            set closed_at = null, csat_score = null, status = 'open'
            where {_ts("closed_at")} > {t}""",
        f"""delete from raw.privacy_requests
            where request_type = 'opt_out' and {_ts("requested_at")} > {t}""",
    ]


def run_models(path: Path, as_of: str, *extra: str) -> None:
    dbt_ok(path, "run", "--vars", as_of_vars(as_of), "--quiet", *extra)


def truncate_after(path: Path, as_of: str) -> int:
    """Rows removed or rewritten."""
    changed = 0
    with duckdb.connect(str(path)) as connection:
        connection.execute("set TimeZone = 'UTC'")
        for statement in truncation_statements(as_of):
            changed += connection.execute(statement).fetchone()[0]
    return changed


def mart_names(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    return sorted(name for (name,) in rows)


def read_mart(path: Path, mart: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as connection:
        return sorted_rows(connection.execute(f"select * from marts.{mart}").df())


@pytest.fixture(scope="module")
def as_of(warehouse_end_date: str) -> str:
    return str((pd.Timestamp(warehouse_end_date) - pd.Timedelta(days=45)).date()) + " 12:00:00"


@pytest.fixture(scope="module")
def backfills(
    tmp_path_factory: pytest.TempPathFactory, warehouse_path: Path, as_of: str
) -> tuple[Path, Path, int]:
    source = warehouse_path
    folder = tmp_path_factory.mktemp("backfill")
    # same file name as the source: DuckDB views name their catalog after the file
    full = folder / "full" / Path(source).name
    truncated = folder / "truncated" / Path(source).name
    full.parent.mkdir()
    truncated.parent.mkdir()
    shutil.copy(source, full)
    shutil.copy(source, truncated)
    changed = truncate_after(truncated, as_of)
    run_models(full, as_of)
    # rows were removed from raw, which an incremental run of the event staging cannot see
    run_models(truncated, as_of, "--full-refresh")
    return full, truncated, changed


def test_the_truncation_removed_later_rows(backfills) -> None:
    assert backfills[2] > 1000


def test_every_mart_is_compared(backfills) -> None:
    """A new mart must join MARTS (and so the comparison)."""
    full, truncated, _ = backfills
    assert mart_names(full) == sorted(MARTS)
    assert mart_names(truncated) == sorted(MARTS)


@pytest.mark.parametrize("mart", MARTS)
def test_a_past_as_of_ignores_everything_after_it(backfills, mart: str) -> None:
    full, truncated, _ = backfills
    from_full = read_mart(full, mart)
    from_truncated = read_mart(truncated, mart)
    if mart in KEYS:
        assert len(from_full) > 100
    assert_same_table(from_full, from_truncated, mart)


@pytest.fixture(scope="module")
def reference_at_as_of(backfills, as_of: str) -> dict[str, pd.DataFrame]:
    full, _, _ = backfills
    timestamp = pd.Timestamp(as_of)
    with duckdb.connect(str(full), read_only=True) as connection:
        context = reference_context(connection, timestamp)
    return reference_dims(context, timestamp)


@pytest.mark.parametrize("mart", sorted(KEYS))
def test_the_backfill_agrees_with_the_reference_at_its_as_of(
    backfills, reference_at_as_of: dict[str, pd.DataFrame], mart: str
) -> None:
    full, _, _ = backfills
    key = KEYS[mart]
    ours = reference_at_as_of[mart].set_index(key).sort_index()
    theirs = read_mart(full, mart).set_index(key).sort_index()
    assert sorted(ours.index) == sorted(theirs.index), f"{mart}: keys differ"
    problems = []
    for column in ours.columns:
        differ = mismatches(ours[column], theirs.loc[ours.index, column])
        if differ.any():
            example = ours.index[differ][0]
            problems.append(
                f"{column}: {int(differ.sum())} rows, e.g. {example}: reference "
                f"{ours.at[example, column]!r}, mart {theirs.at[example, column]!r}"
            )
    assert not problems, f"{mart} at a past as_of:\n" + "\n".join(problems)
