"""The six B2B audiences, from the reference's own dim_accounts and dim_persons and the spec's
rules (../shared/spec/audiences.md, B2B audiences), with the choices documented in
models/marts/audiences/b2b/_b2b__models.yml where the spec is silent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from tests.reference.accounts import is_decision_maker
from tests.reference.common import in_window
from tests.reference.context import SEEDS_DIR, Context


@dataclass(frozen=True)
class AccountAudienceVars:
    hvp_min_employees: int = 200
    hvp_min_pricing_views: int = 3
    unengaged_min_signals: int = 2
    onboarding_days: int = 30
    upgrade_min_pricing_views: int = 2
    upgrade_usage_ratio: float = 0.9
    churn_risk_min_score: int = 2
    churn_risk_min_usage_drop: float = 0.5
    churn_risk_max_detractor_nps: int = 6
    churn_risk_min_tickets: int = 3
    champion_min_active_days: int = 8


@dataclass(frozen=True)
class AccountInputs:
    ctx: Context
    accounts: pd.DataFrame  # the reference dim_accounts
    persons: pd.DataFrame  # the reference dim_persons (deleted persons are not in it)
    vars: AccountAudienceVars


def reachable_decision_makers(inputs: AccountInputs) -> pd.DataFrame:
    """Per account: decision-maker contacts that are emailable, not opted-out persons, with the
    person's email, counted and listed sorted."""
    contacts = inputs.ctx.crm_contacts
    contacts = contacts[contacts["account_id"].notna() & contacts["user_id"].notna()]
    keywords = inputs.ctx.seeds["decision_maker_title_keywords"]["keyword"].str.strip().str.lower()
    makers = contacts[is_decision_maker(contacts["job_title"], list(keywords)).to_numpy()]
    persons = inputs.persons
    consenting = persons[
        persons["is_emailable"].astype(bool) & ~persons["has_privacy_opt_out"].astype(bool)
        & persons["email"].notna()
    ]
    reachable = makers[["account_id", "user_id"]].merge(
        consenting[["person_id", "email"]], left_on="user_id", right_on="person_id"
    )[["account_id", "email"]].drop_duplicates()
    grouped = reachable.sort_values("email").groupby("account_id")["email"]
    return pd.DataFrame(
        {
            "reachable_decision_makers": grouped.size(),
            "decision_maker_emails": grouped.agg(", ".join),
        }
    )


def _with_decision_makers(inputs: AccountInputs, members: pd.DataFrame) -> pd.DataFrame:
    lists = reachable_decision_makers(inputs)
    joined = members.join(lists, on="account_id")
    joined["reachable_decision_makers"] = (
        joined["reachable_decision_makers"].fillna(0).astype("int64")
    )
    return joined


def high_value_prospects(inputs: AccountInputs) -> pd.DataFrame:
    a, v = inputs.accounts, inputs.vars
    seed = pd.read_csv(SEEDS_DIR / "target_industries.csv", dtype=str)
    targets = set(seed["industry"].str.strip().str.lower())
    fits = (a["employee_count"].astype("Float64") >= v.hvp_min_employees).fillna(False) | (
        a["industry"].str.strip().str.lower().isin(targets)
    )
    intent = (
        (a["pricing_page_views_14d"] >= v.hvp_min_pricing_views)
        | (a["demo_requests_14d"] >= 1)
        | ((a["account_status"] == "trial") & (a["sign_ins_14d"] >= 1))
    )
    members = a[~a["is_paying"].astype(bool) & fits.astype(bool) & intent.astype(bool)]
    return _with_decision_makers(inputs, members[["account_id"]])


def unengaged_prospects(inputs: AccountInputs) -> pd.DataFrame:
    a, v = inputs.accounts, inputs.vars
    in_cycle = a["trial_started_at"].notna() | a["last_demo_requested_at"].notna()
    checkout, subscription = a["last_checkout_started_at"], a["last_subscription_started_at"]
    stalled = checkout.notna() & ~(subscription.notna() & (subscription >= checkout))
    signals = (
        (a["sign_ins_14d"] == 0).astype(int)
        + stalled.astype(int)
        + (a["contact_email_opens_30d"] == 0).astype(int)
    )
    chosen = ~a["is_paying"].astype(bool) & in_cycle & (signals >= v.unengaged_min_signals)
    members = a.loc[chosen, ["account_id"]].assign(unengaged_signals=signals[chosen])
    return _with_decision_makers(inputs, members)


def onboarding_customers(inputs: AccountInputs) -> pd.DataFrame:
    a = inputs.accounts
    recent = in_window(a["customer_since"], inputs.ctx.as_of, inputs.vars.onboarding_days)
    members = a[a["is_paying"].astype(bool) & recent.fillna(False).astype(bool)]
    return _with_decision_makers(inputs, members[["account_id"]])


def upgrade_candidates(inputs: AccountInputs) -> pd.DataFrame:
    a, v = inputs.accounts, inputs.vars
    usage_ratio = a["usage_this_month"] / a["monthly_usage_limit"].where(
        a["monthly_usage_limit"] != 0
    )
    signals = pd.DataFrame(
        {
            "pricing_views": a["pricing_page_views_30d"] >= v.upgrade_min_pricing_views,
            "usage_limit": (usage_ratio > v.upgrade_usage_ratio).fillna(False),
            "seat_limit": ((a["seat_limit"] > 0) & (a["active_users_30d"] >= a["seat_limit"]))
            .fillna(False),
            "ad_click": a["ad_clicks_30d"] >= 1,
        }
    ).astype(bool)
    chosen = a["is_paying"].astype(bool) & signals.any(axis=1)
    fired = signals[chosen].apply(lambda row: ",".join(row.index[row.to_numpy()]), axis=1)
    members = a.loc[chosen, ["account_id"]].assign(upgrade_signals=fired)
    return _with_decision_makers(inputs, members)


def churn_risk_accounts(inputs: AccountInputs) -> pd.DataFrame:
    a, v = inputs.accounts, inputs.vars
    before, now = a["active_users_prev_30d"], a["active_users_30d"]
    score = (
        ((before > 0) & (now <= (1 - v.churn_risk_min_usage_drop) * before)).astype(int)
        + (a["contact_email_opens_30d"] == 0).astype(int)
        + (a["latest_nps_score"] <= v.churn_risk_max_detractor_nps).fillna(False).astype(int)
        + (a["tickets_30d"] >= v.churn_risk_min_tickets).astype(int)
    )
    chosen = a["is_paying"].astype(bool) & (score >= v.churn_risk_min_score)
    members = a.loc[chosen, ["account_id"]].assign(churn_risk_score=score[chosen])
    return _with_decision_makers(inputs, members)


def product_champions(inputs: AccountInputs) -> pd.DataFrame:
    ctx, persons = inputs.ctx, inputs.persons
    events = ctx.events_identified
    sign_ins = events[
        (events["event_name"] == "Signed In")
        & events["account_id"].notna()
        & in_window(events["occurred_at"], ctx.as_of, 30)
        & ~events["person_id"].str.startswith("anon:")
        & events["person_id"].isin(persons["person_id"])
    ]
    days = (
        sign_ins.assign(day=sign_ins["occurred_at"].dt.normalize())
        .groupby(["account_id", "person_id"])["day"]
        .nunique()
        .rename("sign_in_days_30d")
        .reset_index()
    )
    paying = set(inputs.accounts.loc[inputs.accounts["is_paying"].astype(bool), "account_id"])
    days = days[days["account_id"].isin(paying)]
    best = days.groupby("account_id")["sign_in_days_30d"].transform("max")
    top = days[
        (days["sign_in_days_30d"] == best)
        & (days["sign_in_days_30d"] >= inputs.vars.champion_min_active_days)
    ]
    opted_out = set(persons.loc[persons["has_privacy_opt_out"].astype(bool), "person_id"])
    return top[~top["person_id"].isin(opted_out)].reset_index(drop=True)


ACCOUNT_AUDIENCES: dict[str, Callable[[AccountInputs], pd.DataFrame]] = {
    "high_value_prospects": high_value_prospects,
    "unengaged_prospects": unengaged_prospects,
    "onboarding_customers": onboarding_customers,
    "upgrade_candidates": upgrade_candidates,
    "churn_risk_accounts": churn_risk_accounts,
    "product_champions": product_champions,
}
