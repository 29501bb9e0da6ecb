"""dim_accounts, column by column as models/marts/core/_core__models.yml defines it."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tests.reference.common import at, in_window, open_tickets
from tests.reference.context import Context, from_raw
from tests.reference.persons import _contact_and_profile, _deleted, _persons, nps_category

COLUMNS = [
    "account_id",
    "account_name",
    "domain",
    "industry",
    "employee_count",
    "employee_band",
    "country",
    "plan",
    "seat_limit",
    "monthly_usage_limit",
    "mrr",
    "created_at",
    "customer_since",
    "churned_at",
    "is_paying",
    "account_status",
    "users_count",
    "active_users_7d",
    "active_users_30d",
    "active_users_prev_30d",
    "seats_used",
    "seat_utilization",
    "usage_this_month",
    "usage_ratio_this_month",
    "pricing_page_views_14d",
    "pricing_page_views_30d",
    "demo_requests_14d",
    "last_demo_requested_at",
    "trial_started_at",
    "sign_ins_14d",
    "last_sign_in_at",
    "last_checkout_started_at",
    "last_subscription_started_at",
    "ad_clicks_30d",
    "features_used_30d",
    "usage_breadth",
    "contact_email_opens_30d",
    "tickets_30d",
    "avg_csat",
    "latest_nps_score",
    "latest_nps_category",
    "decision_maker_count",
    "decision_maker_emails",
    "lead_status",
    "lead_score",
    "open_tickets",
    "highest_open_ticket_priority",
]
_NOT_A_TO_Z = re.compile(r"[^a-z]")


def employee_band(count: pd.Series) -> pd.Series:
    values = count.astype("float64")
    band = np.select(
        [values <= 10, values <= 50, values <= 200, values <= 500, values <= 1000, values > 1000],
        ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001+"],
        default="",
    )
    return pd.Series(band, index=count.index, dtype=object).where(values.notna(), None)


def is_decision_maker(titles: pd.Series, keywords: list[str]) -> pd.Series:
    padded = [
        " " + _NOT_A_TO_Z.sub(" ", t.lower()) + " " if isinstance(t, str) else None for t in titles
    ]
    return pd.Series(
        [p is not None and any(f" {k} " in p for k in keywords) for p in padded],
        index=titles.index,
        dtype=bool,
    )


def _asked_for_deletion(ctx: Context, contacts: pd.DataFrame) -> pd.Series:
    """Contacts who are deleted persons, or whose own email is in a delete request."""
    persons = _contact_and_profile(ctx, _persons(ctx))
    deleted_users = _deleted(ctx, persons)
    requests = ctx.privacy_requests
    deleted_emails = set(requests.loc[requests["request_type"] == "delete", "email"].dropna())
    return contacts["user_id"].isin(deleted_users) | contacts["email"].isin(deleted_emails)


def events_of_undeleted_persons(ctx: Context) -> pd.DataFrame:
    """Identified events without those of persons with a delete request, as
    int_events_identified keeps them."""
    events = ctx.events_identified
    if not (ctx.privacy_requests["request_type"] == "delete").any():
        return events
    persons = _contact_and_profile(ctx, _persons(ctx))
    return events[~events["person_id"].isin(_deleted(ctx, persons))]


def _count(keys: pd.Series, rows: pd.DataFrame, key: str = "account_id") -> pd.Series:
    return at(keys, rows.groupby(key).size()).fillna(0).astype("Int64")


def contact_opens(ctx: Context, days: float) -> pd.DataFrame:
    """Email opens in the `days` up to as_of matched to an account's contact by user_id or by
    email, each open once per account."""
    contacts = ctx.crm_contacts
    contacts = contacts[contacts["account_id"].notna()]
    events = ctx.email_events
    opens = events[
        (events["event_type"] == "opened") & in_window(events["occurred_at"], ctx.as_of, days)
    ]
    by_user = opens[opens["user_id"].notna()].merge(
        contacts.loc[contacts["user_id"].notna(), ["account_id", "user_id"]].drop_duplicates(),
        on="user_id",
    )
    by_email = opens[opens["email"].notna()].merge(
        contacts.loc[contacts["email"].notna(), ["account_id", "email"]].drop_duplicates(),
        on="email",
    )
    matched = pd.concat([by_user, by_email], ignore_index=True)
    return matched.drop_duplicates(["account_id", "email_event_id"])


def account_users(ctx: Context) -> pd.DataFrame:
    """One row per account and known user (int_account_users_identified): the known persons of
    the account's events and its CRM contacts with a user_id."""
    ev = events_of_undeleted_persons(ctx)
    ev = ev[ev["account_id"].notna()]
    contacts = ctx.crm_contacts
    return pd.concat(
        [
            contacts.loc[contacts["user_id"].notna(), ["account_id", "user_id"]],
            ev.loc[~ev["is_anonymous_person"], ["account_id", "person_id"]].rename(
                columns={"person_id": "user_id"}
            ),
        ],
        ignore_index=True,
    ).drop_duplicates()


@from_raw
def compute_dim_accounts(ctx: Context) -> pd.DataFrame:
    """dim_accounts from the raw tables (or from an already prepared context)."""
    a, d = ctx.as_of, ctx.day
    accounts = ctx.crm_accounts
    accounts = accounts[accounts["created_at"] <= a].drop(columns="updated_at")
    accounts = accounts.sort_values("account_id").reset_index(drop=True)
    aid = accounts["account_id"]
    accounts["employee_band"] = employee_band(accounts["employee_count"])

    paying = (accounts["customer_since"] <= a) & ~(accounts["churned_at"] <= a)
    churned = accounts["churned_at"] <= a
    ev = events_of_undeleted_persons(ctx)
    ev = ev[ev["account_id"].notna()]
    subs = ctx.subscriptions[ctx.subscriptions["started_at"] <= a]
    # a trial subscription runs at A until it ends (ended_at <= A) or its trial does
    # (trial_ends_at <= A); without a trial_ends_at, a trialing status runs until it ends
    is_trial = subs["trial_ends_at"].notna() | (subs["status"] == "trialing")
    not_ended = ~(subs["ended_at"] <= a)
    trial_runs = (subs["trial_ends_at"] > a) | (
        subs["trial_ends_at"].isna() & (subs["status"] == "trialing")
    )
    running = set(subs.loc[is_trial & not_ended & trial_runs, "account_id"])
    trial = aid.isin(running) | (accounts["plan"] == "trial")
    accounts["is_paying"] = paying
    accounts["account_status"] = np.select(
        [paying, churned, trial], ["paying", "churned", "trial"], default="freemium"
    ).astype(object)

    contacts = ctx.crm_contacts
    accounts["users_count"] = _count(aid, account_users(ctx))

    def active_users(start_days: float, end_days: float) -> pd.Series:
        window = ev[
            (ev["occurred_at"] > a - pd.Timedelta(days=start_days))
            & (ev["occurred_at"] <= a - pd.Timedelta(days=end_days))
        ]
        return (
            at(aid, window.groupby("account_id")["person_id"].nunique()).fillna(0).astype("Int64")
        )

    accounts["active_users_7d"] = active_users(7, 0)
    accounts["active_users_30d"] = active_users(30, 0)
    accounts["active_users_prev_30d"] = active_users(60, 30)
    product_use = ev[
        ev["event_name"].isin(["Signed In", "Feature Used", "Invite Sent"])
        & ~ev["is_anonymous_person"]
        & in_window(ev["occurred_at"], a, 30)
    ]
    accounts["seats_used"] = (
        at(aid, product_use.groupby("account_id")["person_id"].nunique()).fillna(0).astype("Int64")
    )
    accounts["seat_utilization"] = accounts["seats_used"].astype("float64") / accounts[
        "seat_limit"
    ].astype("float64")

    usage = ctx.product_usage_daily
    month_start = d.replace(day=1)
    this_month = usage[(usage["usage_date"] >= month_start) & (usage["usage_date"] <= d)]
    accounts["usage_this_month"] = at(
        aid, this_month.groupby("account_id")["usage_units"].sum()
    ).fillna(0.0)
    accounts["usage_ratio_this_month"] = (
        accounts["usage_this_month"] / accounts["monthly_usage_limit"]
    )

    def named(name: str) -> pd.DataFrame:
        return ev[ev["event_name"] == name]

    pricing = named("Page Viewed")
    pricing = pricing[pricing["page_path"] == "/pricing"]
    accounts["pricing_page_views_14d"] = _count(
        aid, pricing[in_window(pricing["occurred_at"], a, 14)]
    )
    accounts["pricing_page_views_30d"] = _count(
        aid, pricing[in_window(pricing["occurred_at"], a, 30)]
    )
    demos = named("Demo Requested")
    accounts["demo_requests_14d"] = _count(aid, demos[in_window(demos["occurred_at"], a, 14)])
    accounts["last_demo_requested_at"] = at(aid, demos.groupby("account_id")["occurred_at"].max())
    trials = pd.concat(
        [
            named("Trial Started")[["account_id", "occurred_at"]],
            subs.loc[is_trial, ["account_id", "started_at"]].rename(
                columns={"started_at": "occurred_at"}
            ),
        ],
        ignore_index=True,
    )
    accounts["trial_started_at"] = at(aid, trials.groupby("account_id")["occurred_at"].min())
    sign_ins = named("Signed In")
    accounts["sign_ins_14d"] = _count(aid, sign_ins[in_window(sign_ins["occurred_at"], a, 14)])
    accounts["last_sign_in_at"] = at(aid, sign_ins.groupby("account_id")["occurred_at"].max())
    checkouts = named("Checkout Started")
    accounts["last_checkout_started_at"] = at(
        aid, checkouts.groupby("account_id")["occurred_at"].max()
    )
    accounts["last_subscription_started_at"] = at(
        aid, subs.groupby("account_id")["started_at"].max()
    )
    ads = named("Ad Clicked")
    accounts["ad_clicks_30d"] = _count(aid, ads[in_window(ads["occurred_at"], a, 30)])
    features = named("Feature Used")
    features = features[features["feature"].notna()]
    recent_features = features[in_window(features["occurred_at"], a, 30)]
    accounts["features_used_30d"] = (
        at(aid, recent_features.groupby("account_id")["feature"].nunique())
        .fillna(0)
        .astype("Int64")
    )
    all_features = features["feature"].nunique()
    accounts["usage_breadth"] = (
        accounts["features_used_30d"].astype("float64") / all_features if all_features else np.nan
    )

    accounts["contact_email_opens_30d"] = _count(aid, contact_opens(ctx, 30))

    tickets = ctx.support_tickets[ctx.support_tickets["opened_at"] <= a]
    accounts["tickets_30d"] = _count(aid, tickets[in_window(tickets["opened_at"], a, 30)])
    closed = tickets[tickets["closed_at"] <= a]  # a score given after A is not known at A
    accounts["avg_csat"] = at(aid, closed.groupby("account_id")["csat_score"].mean())
    nps = ctx.nps_responses[ctx.nps_responses["responded_at"] <= a]
    nps = nps[nps["account_id"].notna()]
    latest = nps.sort_values(
        ["account_id", "responded_at", "response_id"], ascending=[True, False, True]
    ).drop_duplicates("account_id")
    score = at(aid, latest.set_index("account_id")["score"])
    accounts["latest_nps_score"] = score.astype("Int64")
    accounts["latest_nps_category"] = nps_category(score)

    keywords = ctx.seeds["decision_maker_title_keywords"]["keyword"].str.strip().str.lower()
    makers = contacts[is_decision_maker(contacts["job_title"], list(keywords)).to_numpy()]
    makers = makers[~_asked_for_deletion(ctx, makers)]
    accounts["decision_maker_count"] = _count(aid, makers)
    emails = (
        makers[makers["email"].notna()]
        .sort_values("email")
        .groupby("account_id")["email"]
        .agg(", ".join)
    )
    accounts["decision_maker_emails"] = (
        at(aid, emails).astype(object).where(at(aid, emails).notna(), None)
    )

    # the account's lead: its highest-scored contact (ties: the smallest contact_id)
    with_account = contacts[contacts["account_id"].notna()]
    ranked = with_account.assign(_score=with_account["lead_score"].fillna(-np.inf)).sort_values(
        ["account_id", "_score", "contact_id"], ascending=[True, False, True], kind="mergesort"
    )
    lead = ranked.drop_duplicates("account_id").set_index("account_id")
    accounts["lead_status"] = at(aid, lead["lead_status"]).astype(object)
    accounts["lead_score"] = at(aid, lead["lead_score"]).astype("Int64")
    count, highest = open_tickets(tickets, "account_id", a)
    accounts["open_tickets"] = at(aid, count).fillna(0).astype("Int64")
    accounts["highest_open_ticket_priority"] = at(aid, highest).astype(object)
    return accounts[COLUMNS]
