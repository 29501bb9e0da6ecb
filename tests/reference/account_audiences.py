"""The six B2B audiences, from the reference's own dim_accounts and dim_persons, the staged
events, email events and tickets, and the spec's rules (../shared/spec/audiences.md, B2B
audiences), with the choices documented in models/marts/audiences/b2b/aud_*.yml where
the spec is silent. Each audience function returns every column of its mart table; the facts
an audience counts over its own window var (tests/reference/vars.py) are counted here from the
context, not taken from dim_accounts' fixed-window traits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from tests.reference.accounts import (
    contact_opens,
    events_of_undeleted_persons,
    is_decision_maker,
)
from tests.reference.audiences import with_catalog
from tests.reference.common import at, days_from, in_window
from tests.reference.context import SEEDS_DIR, Context
from tests.reference.send_times import AUDIENCE_SEND_TIME_COLUMNS
from tests.reference.vars import AccountAudienceVars

__all__ = ["ACCOUNT_AUDIENCES", "AccountAudienceVars", "AccountInputs"]

DECISION_MAKER_COLUMNS = ["reachable_decision_makers", "reachable_decision_maker_emails"]
CATALOG_COLUMNS = ["audience_name", "recommended_campaign", "audience_priority"]
ACCOUNT_COLUMNS = ["account_id", "account_name", "domain"]  # every account audience opens with
CUSTOMER_COLUMNS = [*ACCOUNT_COLUMNS, "plan", "mrr"]  # and the customer audiences go on with


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
        persons["is_emailable"].astype(bool)
        & ~persons["has_privacy_opt_out"].astype(bool)
        & persons["email"].notna()
    ]
    reachable = (
        makers[["account_id", "user_id"]]
        .merge(consenting[["person_id", "email"]], left_on="user_id", right_on="person_id")[
            ["account_id", "email"]
        ]
        .drop_duplicates()
    )
    grouped = reachable.sort_values("email").groupby("account_id")["email"]
    return pd.DataFrame(
        {
            "reachable_decision_makers": grouped.size(),
            "reachable_decision_maker_emails": grouped.agg(", ".join),
        }
    )


# Window facts


def _account_events(ctx: Context, name: str | None = None) -> pd.DataFrame:
    events = events_of_undeleted_persons(ctx)
    events = events[events["account_id"].notna()]
    return events if name is None else events[events["event_name"] == name]


def _pricing_views(ctx: Context) -> pd.DataFrame:
    views = _account_events(ctx, "Page Viewed")
    return views[views["page_path"] == "/pricing"]


def _count(
    accounts: pd.Series, rows: pd.DataFrame, time: str, ctx: Context, days: float
) -> pd.Series:
    recent = rows[in_window(rows[time], ctx.as_of, days)]
    return at(accounts, recent.groupby("account_id").size()).fillna(0).astype("Int64")


def _active_users(accounts: pd.Series, ctx: Context, newest: float, oldest: float) -> pd.Series:
    """Distinct persons (anonymous ones too) with an event of the account in
    as_of - oldest days < t <= as_of - newest days."""
    events = _account_events(ctx)
    a = ctx.as_of
    window = events[
        (events["occurred_at"] > a - pd.Timedelta(days=oldest))
        & (events["occurred_at"] <= a - pd.Timedelta(days=newest))
    ]
    users = window.groupby("account_id")["person_id"].nunique()
    return at(accounts, users).fillna(0).astype("Int64")


def _contact_opens(accounts: pd.Series, ctx: Context, days: float) -> pd.Series:
    """Email opens in the window matched to an account's contact, counted per account."""
    matched = contact_opens(ctx, days)
    return at(accounts, matched.groupby("account_id").size()).fillna(0).astype("Int64")


def _tickets(accounts: pd.Series, ctx: Context, days: float) -> pd.Series:
    tickets = ctx.support_tickets
    tickets = tickets[tickets["account_id"].notna()]
    return _count(accounts, tickets, "opened_at", ctx, days)


# Audiences


def _finish(
    inputs: AccountInputs, name: str, members: pd.DataFrame, columns: list[str]
) -> pd.DataFrame:
    """What every account audience carries after its own columns: the reachable decision
    makers (0 and null when none) and the catalog row of `name` (no as_of: a publish records
    it once)."""
    lists = reachable_decision_makers(inputs)
    out = members[columns].join(lists, on="account_id")
    out["reachable_decision_makers"] = out["reachable_decision_makers"].fillna(0).astype("int64")
    out["reachable_decision_maker_emails"] = out["reachable_decision_maker_emails"].astype(object)
    return with_catalog(out, name)


AccountAudience = Callable[[AccountInputs], pd.DataFrame]
Members = Callable[[AccountInputs, pd.DataFrame], pd.DataFrame]
ACCOUNT_AUDIENCES: dict[str, AccountAudience] = {}


def _account_audience(name: str, columns: list[str]) -> Callable[[Members], AccountAudience]:
    """Registers in ACCOUNT_AUDIENCES the audience `name` whose function picks its members from
    a copy of dim_accounts (adding the columns it computes); the audience keeps `columns` of
    them and what _finish adds."""

    def register(members: Members) -> AccountAudience:
        def audience(inputs: AccountInputs) -> pd.DataFrame:
            return _finish(inputs, name, members(inputs, inputs.accounts.copy()), columns)

        ACCOUNT_AUDIENCES[name] = audience
        return audience

    return register


@_account_audience(
    "high_value_prospects",
    [
        *ACCOUNT_COLUMNS,
        "account_status",
        "industry",
        "employee_count",
        "is_large_company",
        "is_target_industry",
        "pricing_page_views_in_window",
        "demo_requests_in_window",
        "sign_ins_in_window",
        "has_pricing_intent",
        "has_demo_intent",
        "has_trial_intent",
    ],
)
def high_value_prospects(inputs: AccountInputs, a: pd.DataFrame) -> pd.DataFrame:
    ctx, v = inputs.ctx, inputs.vars
    aid, days = a["account_id"], v.hvp_intent_days
    seed = pd.read_csv(SEEDS_DIR / "target_industries.csv", dtype=str)
    targets = set(seed["industry"].str.strip().str.lower())
    a["is_large_company"] = (
        (a["employee_count"].astype("Float64") >= v.hvp_min_employees).fillna(False).astype(bool)
    )
    a["is_target_industry"] = a["industry"].str.strip().str.lower().isin(targets).astype(bool)
    a["pricing_page_views_in_window"] = _count(aid, _pricing_views(ctx), "occurred_at", ctx, days)
    demos = _account_events(ctx, "Demo Requested")
    a["demo_requests_in_window"] = _count(aid, demos, "occurred_at", ctx, days)
    sign_ins = _account_events(ctx, "Signed In")
    a["sign_ins_in_window"] = _count(aid, sign_ins, "occurred_at", ctx, days)
    a["has_pricing_intent"] = (a["pricing_page_views_in_window"] >= v.hvp_min_pricing_views).astype(
        bool
    )
    a["has_demo_intent"] = (a["demo_requests_in_window"] >= 1).astype(bool)
    a["has_trial_intent"] = (
        (a["account_status"] == "trial") & (a["sign_ins_in_window"] >= 1)
    ).astype(bool)
    fits = a["is_large_company"] | a["is_target_industry"]
    intent = a["has_pricing_intent"] | a["has_demo_intent"] | a["has_trial_intent"]
    return a[~a["is_paying"].astype(bool) & fits & intent]


@_account_audience(
    "unengaged_prospects",
    [
        *ACCOUNT_COLUMNS,
        "account_status",
        "trial_started_at",
        "last_demo_requested_at",
        "sign_ins_in_window",
        "last_sign_in_at",
        "last_checkout_started_at",
        "last_subscription_started_at",
        "contact_email_opens_in_window",
        "has_no_recent_sign_in",
        "has_stalled_checkout",
        "has_no_recent_email_open",
        "unengaged_signals",
    ],
)
def unengaged_prospects(inputs: AccountInputs, a: pd.DataFrame) -> pd.DataFrame:
    ctx, v = inputs.ctx, inputs.vars
    aid = a["account_id"]
    sign_ins = _account_events(ctx, "Signed In")
    a["sign_ins_in_window"] = _count(
        aid, sign_ins, "occurred_at", ctx, v.unengaged_quiet_sign_in_days
    )
    a["contact_email_opens_in_window"] = _contact_opens(aid, ctx, v.unengaged_quiet_email_days)
    in_cycle = a["trial_started_at"].notna() | a["last_demo_requested_at"].notna()
    checkout, subscription = a["last_checkout_started_at"], a["last_subscription_started_at"]
    a["has_no_recent_sign_in"] = (a["sign_ins_in_window"] == 0).astype(bool)
    a["has_stalled_checkout"] = (
        checkout.notna() & ~(subscription.notna() & (subscription >= checkout))
    ).astype(bool)
    a["has_no_recent_email_open"] = (a["contact_email_opens_in_window"] == 0).astype(bool)
    a["unengaged_signals"] = (
        a["has_no_recent_sign_in"].astype(int)
        + a["has_stalled_checkout"].astype(int)
        + a["has_no_recent_email_open"].astype(int)
    )
    chosen = (
        ~a["is_paying"].astype(bool)
        & in_cycle
        & (a["unengaged_signals"] >= v.unengaged_min_signals)
    )
    return a[chosen.astype(bool)]


def load_onboarding_steps() -> pd.DataFrame:
    steps = pd.read_csv(SEEDS_DIR / "onboarding_steps.csv", dtype=str)
    steps["step_order"] = steps["step_order"].astype("int64")
    return steps.sort_values("step_order", kind="mergesort").reset_index(drop=True)


def steps_not_taken(ctx: Context, members: pd.DataFrame, max_items: int) -> pd.DataFrame:
    """Per member account: how many onboarding steps (seed onboarding_steps) none of its events
    at or after customer_since took (an event of the step's event_name and, when the step
    names one, of its feature), and the first max_items of their names in step order."""
    events = _account_events(ctx)
    since = at(events["account_id"], members.set_index("account_id")["customer_since"])
    events = events[(events["occurred_at"] >= since).fillna(False).astype(bool)]
    counts, lists = {}, {}
    steps = load_onboarding_steps()
    for account_id in members["account_id"]:
        own = events[events["account_id"] == account_id]
        missing = []
        for step in steps.itertuples():
            taken = own["event_name"] == step.event_name
            if isinstance(step.feature, str):
                taken &= own["feature"] == step.feature
            if not taken.any():
                missing.append(step.step_name)
        counts[account_id] = len(missing)
        lists[account_id] = ",".join(missing[:max_items]) if missing else None
    return pd.DataFrame(
        {
            "onboarding_steps_missing_count": pd.Series(counts, dtype="int64"),
            "onboarding_steps_missing": pd.Series(lists, dtype=object),
        }
    )


@_account_audience(
    "onboarding_customers",
    [
        *CUSTOMER_COLUMNS,
        "customer_since",
        "days_since_customer",
        "users_count",
        "active_users_7d",
        "onboarding_steps_missing_count",
        "onboarding_steps_missing",
    ],
)
def onboarding_customers(inputs: AccountInputs, a: pd.DataFrame) -> pd.DataFrame:
    ctx = inputs.ctx
    recent = in_window(a["customer_since"], ctx.as_of, inputs.vars.onboarding_days)
    a["days_since_customer"] = days_from(a["customer_since"], ctx.day)
    members = a[a["is_paying"].astype(bool) & recent.fillna(False).astype(bool)]
    steps = steps_not_taken(ctx, members, inputs.vars.payload_list_max_items)
    return members.join(steps, on="account_id")


@_account_audience(
    "upgrade_candidates",
    [
        *CUSTOMER_COLUMNS,
        "pricing_page_views_in_window",
        "usage_this_month",
        "monthly_usage_limit",
        "usage_ratio_this_month",
        "seats_used",
        "seat_limit",
        "ad_clicks_in_window",
        "has_pricing_views",
        "is_near_usage_limit",
        "is_at_seat_limit",
        "has_ad_click",
        "upgrade_signals",
    ],
)
def upgrade_candidates(inputs: AccountInputs, a: pd.DataFrame) -> pd.DataFrame:
    ctx, v = inputs.ctx, inputs.vars
    aid, days = a["account_id"], v.upgrade_window_days
    a["pricing_page_views_in_window"] = _count(aid, _pricing_views(ctx), "occurred_at", ctx, days)
    ads = _account_events(ctx, "Ad Clicked")
    a["ad_clicks_in_window"] = _count(aid, ads, "occurred_at", ctx, days)
    usage_ratio = a["usage_this_month"] / a["monthly_usage_limit"].where(
        a["monthly_usage_limit"] != 0
    )
    at_seat_limit = (a["seat_limit"] > 0) & (a["seats_used"] >= a["seat_limit"])
    signals = pd.DataFrame(
        {
            "pricing_views": a["pricing_page_views_in_window"] >= v.upgrade_min_pricing_views,
            "usage_limit": (usage_ratio > v.upgrade_usage_ratio).fillna(False),
            "seat_limit": at_seat_limit.fillna(False),
            "ad_click": a["ad_clicks_in_window"] >= 1,
        }
    ).astype(bool)
    a["has_pricing_views"] = signals["pricing_views"]
    a["is_near_usage_limit"] = signals["usage_limit"]
    a["is_at_seat_limit"] = signals["seat_limit"]
    a["has_ad_click"] = signals["ad_click"]
    chosen = a["is_paying"].astype(bool) & signals.any(axis=1)
    a["upgrade_signals"] = signals.apply(lambda row: ",".join(row.index[row.to_numpy()]), axis=1)
    return a[chosen]


@_account_audience(
    "churn_risk_accounts",
    [
        *CUSTOMER_COLUMNS,
        "churn_risk_score",
        "has_usage_drop",
        "has_no_contact_email_open",
        "is_nps_detractor",
        "has_many_tickets",
        "active_users_in_window",
        "active_users_prev_window",
        "contact_email_opens_in_window",
        "latest_nps_score",
        "tickets_in_window",
    ],
)
def churn_risk_accounts(inputs: AccountInputs, a: pd.DataFrame) -> pd.DataFrame:
    ctx, v = inputs.ctx, inputs.vars
    aid, days = a["account_id"], v.churn_risk_window_days
    a["active_users_in_window"] = _active_users(aid, ctx, 0, days)
    a["active_users_prev_window"] = _active_users(aid, ctx, days, 2 * days)
    a["contact_email_opens_in_window"] = _contact_opens(aid, ctx, days)
    a["tickets_in_window"] = _tickets(aid, ctx, days)
    before, now = a["active_users_prev_window"], a["active_users_in_window"]
    a["has_usage_drop"] = (
        (before > 0) & (now <= (1 - v.churn_risk_min_usage_drop) * before)
    ).astype(bool)
    a["has_no_contact_email_open"] = (a["contact_email_opens_in_window"] == 0).astype(bool)
    a["is_nps_detractor"] = (
        (a["latest_nps_score"] <= v.churn_risk_max_detractor_nps).fillna(False).astype(bool)
    )
    a["has_many_tickets"] = (a["tickets_in_window"] >= v.churn_risk_min_tickets).astype(bool)
    a["churn_risk_score"] = (
        a["has_usage_drop"].astype(int)
        + a["has_no_contact_email_open"].astype(int)
        + a["is_nps_detractor"].astype(int)
        + a["has_many_tickets"].astype(int)
    )
    chosen = a["is_paying"].astype(bool) & (a["churn_risk_score"] >= v.churn_risk_min_score)
    return a[chosen]


def product_champions(inputs: AccountInputs) -> pd.DataFrame:
    ctx, persons = inputs.ctx, inputs.persons
    sign_ins = _account_events(ctx, "Signed In")
    sign_ins = sign_ins[
        ~sign_ins["person_id"].str.startswith("anon:")
        & sign_ins["person_id"].isin(persons["person_id"])
    ]
    last = (
        sign_ins.groupby(["account_id", "person_id"])["occurred_at"].max().rename("last_sign_in_at")
    )
    recent = sign_ins[
        in_window(sign_ins["occurred_at"], ctx.as_of, inputs.vars.champion_window_days)
    ]
    days = (
        recent.assign(day=recent["occurred_at"].dt.normalize())
        .groupby(["account_id", "person_id"])["day"]
        .nunique()
        .rename("sign_in_days_in_window")
        .reset_index()
    )
    accounts = inputs.accounts.set_index("account_id")
    paying = set(accounts.index[accounts["is_paying"].astype(bool)])
    days = days[days["account_id"].isin(paying)]
    best = days.groupby("account_id")["sign_in_days_in_window"].transform("max")
    top = days[
        (days["sign_in_days_in_window"] == best)
        & (days["sign_in_days_in_window"] >= inputs.vars.champion_min_active_days)
    ]
    people = persons.set_index("person_id")
    top = top[~at(top["person_id"], people["has_privacy_opt_out"]).astype(bool)].copy()
    emailable = at(top["person_id"], people["is_emailable"]).astype(bool)
    email = at(top["person_id"], people["email"]).astype(object)
    out = pd.DataFrame(
        {
            "account_id": top["account_id"],
            "person_id": top["person_id"],
            "is_emailable": emailable,
            "email": email.where(emailable.to_numpy(), None),
            **{
                column: at(top["person_id"], people[column])
                for column in AUDIENCE_SEND_TIME_COLUMNS
            },
            "account_name": at(top["account_id"], accounts["account_name"]).astype(object),
            "job_title": at(top["person_id"], people["job_title"]).astype(object),
            "sign_in_days_in_window": top["sign_in_days_in_window"].astype("int64"),
            "last_sign_in_at": last.reindex(
                pd.MultiIndex.from_frame(top[["account_id", "person_id"]])
            ).to_numpy(),
        }
    )
    return with_catalog(out, "product_champions")


ACCOUNT_AUDIENCES["product_champions"] = product_champions
