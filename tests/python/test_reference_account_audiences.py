"""The six B2B audience tables agree member for member with the pandas reference
(tests/reference/account_audiences.py), which starts from the reference's own dim_accounts and
dim_persons computed from the raw tables, never from the marts: same members, and the same facts
that put them in (signals, scores, the decision makers that may be emailed)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.reference import compute_dim_accounts, compute_dim_persons, load_raw, prepare  # noqa: E402
from tests.reference.account_audiences import (  # noqa: E402
    ACCOUNT_AUDIENCES,
    AccountAudienceVars,
    AccountInputs,
)

KEYS = {name: ["account_id"] for name in ACCOUNT_AUDIENCES}
KEYS["product_champions"] = ["account_id", "person_id"]
CONTACTS = ["reachable_decision_makers", "decision_maker_emails"]
FACTS = {
    "high_value_prospects": CONTACTS,
    "unengaged_prospects": ["unengaged_signals", *CONTACTS],
    "onboarding_customers": CONTACTS,
    "upgrade_candidates": ["upgrade_signals", *CONTACTS],
    "churn_risk_accounts": ["churn_risk_score", *CONTACTS],
    "product_champions": ["sign_in_days_30d"],
}
EXAMPLES = 5


@pytest.fixture(scope="session")
def reference_account_audiences(
    warehouse: duckdb.DuckDBPyConnection, warehouse_end_date: str
) -> dict[str, pd.DataFrame]:
    as_of = pd.Timestamp(f"{warehouse_end_date} 23:59:59")
    context = prepare(load_raw(warehouse.cursor()), as_of)
    inputs = AccountInputs(
        ctx=context,
        accounts=compute_dim_accounts(None, as_of, context=context),
        persons=compute_dim_persons(None, as_of, context=context),
        vars=AccountAudienceVars(),
    )
    return {name: compute(inputs) for name, compute in ACCOUNT_AUDIENCES.items()}


@pytest.fixture(scope="session")
def mart_account_audiences(warehouse: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    cursor = warehouse.cursor()
    return {name: cursor.sql(f"select * from marts.aud_{name}").df() for name in ACCOUNT_AUDIENCES}


def _keyed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.set_index(keys).sort_index()


@pytest.mark.parametrize("audience", list(ACCOUNT_AUDIENCES))
def test_reference_and_mart_have_the_same_members(
    mart_account_audiences: dict[str, pd.DataFrame],
    reference_account_audiences: dict[str, pd.DataFrame],
    audience: str,
) -> None:
    keys = KEYS[audience]
    ours = reference_account_audiences[audience]
    theirs = mart_account_audiences[audience]
    assert len(ours) > 0, f"the reference {audience} is empty on the test data set"
    ours_keys = set(map(tuple, ours[keys].to_numpy()))
    theirs_keys = set(map(tuple, theirs[keys].to_numpy()))
    only_ours, only_theirs = sorted(ours_keys - theirs_keys), sorted(theirs_keys - ours_keys)
    assert not only_ours and not only_theirs, (
        f"aud_{audience}: {len(only_ours)} members only in the reference "
        f"(e.g. {only_ours[:EXAMPLES]}), {len(only_theirs)} only in the mart "
        f"(e.g. {only_theirs[:EXAMPLES]})"
    )
    assert len(theirs) == len(theirs_keys), f"aud_{audience} repeats a member"


@pytest.mark.parametrize(
    ("audience", "fact"), [(name, fact) for name, facts in FACTS.items() for fact in facts]
)
def test_reference_and_mart_agree_on_fact(
    mart_account_audiences: dict[str, pd.DataFrame],
    reference_account_audiences: dict[str, pd.DataFrame],
    audience: str,
    fact: str,
) -> None:
    keys = KEYS[audience]
    ours = _keyed(reference_account_audiences[audience], keys)[fact]
    theirs = _keyed(mart_account_audiences[audience], keys)[fact]
    common = ours.index.intersection(theirs.index)
    left = ours.loc[common].astype(object).where(ours.loc[common].notna(), None)
    right = theirs.loc[common].astype(object).where(theirs.loc[common].notna(), None)
    differ = [key for key in common if left[key] != right[key]]
    examples = "; ".join(
        f"{key}: reference {left[key]!r}, mart {right[key]!r}" for key in differ[:EXAMPLES]
    )
    assert not differ, f"aud_{audience}.{fact} differs for {len(differ)} members, e.g. {examples}"
