"""dim_persons, column by column as models/marts/core/_core__models.yml defines it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.reference.common import (
    at,
    cume_dist,
    days_from,
    in_window,
    most_frequent,
    next_anniversary_days,
    open_tickets,
    percent_rank,
    round_half_away,
    whole_years,
)
from tests.reference.context import Context, from_raw
from tests.reference.send_times import SEND_TIME_COLUMNS, learn_send_times
from tests.reference.staging import PLACE_LANGUAGE_JOB_TRAITS, TRAITS

# the newest of each identify trait but the email and the opt-in, which have their own rules
PROFILE_TRAITS = [trait for trait in TRAITS if trait not in {"email", "marketing_opt_in"}]
SUPPRESSING_EMAIL_EVENTS = {"unsubscribed", "complained", "bounced"}

COLUMNS = [
    "person_id",
    "user_id",
    "is_anonymous",
    "email",
    "marketing_opt_in",
    "latest_opt_in_at",
    "is_emailable",
    "has_privacy_opt_out",
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "age",
    "age_band",
    *PLACE_LANGUAGE_JOB_TRAITS,
    "first_seen_at",
    "last_seen_at",
    "signed_up_at",
    "tenure_days",
    "days_until_birthday",
    "days_until_signup_anniversary",
    "orders_count",
    "gross_revenue",
    "refunded_revenue",
    "lifetime_revenue",
    "first_order_at",
    "last_order_at",
    "avg_order_value",
    "product_views_7d",
    "product_views_30d",
    "product_views_90d",
    "cart_adds_7d",
    "cart_adds_30d",
    "cart_adds_90d",
    "orders_7d",
    "orders_30d",
    "orders_90d",
    "most_frequent_category_viewed",
    "top_interests",
    "favorite_category_purchased",
    "favorite_category_quantity_share",
    "preferred_device",
    "preferred_hour_of_day",
    "preferred_day_of_week",
    *SEND_TIME_COLUMNS,
    "deal_seeking_share",
    "email_opens_30d",
    "email_clicks_30d",
    "last_email_open_at",
    "shares_90d",
    "reviews_90d",
    "latest_nps_score",
    "latest_nps_category",
    "tickets_30d",
    "avg_csat",
    "historic_clv",
    "expected_clv_365d",
    "recency_days",
    "rfm_recency_score",
    "rfm_frequency_score",
    "rfm_monetary_score",
    "rfm_fm_score",
    "rfm_segment",
    "btyd_frequency",
    "btyd_recency",
    "btyd_t",
    "btyd_monetary_value",
    "active_days_30d",
    "usage_tier",
    "engagement_raw_score",
    "engagement_score",
    "user_status",
    "trial_ends_at",
    "contact_lead_status",
    "contact_lead_score",
    "open_tickets",
    "highest_open_ticket_priority",
]


def _newest(df: pd.DataFrame, key: str, value: str, order: list[str]) -> pd.Series:
    """Per key, the value of the newest row (by `order`, descending) where value is not null."""
    rows = df[df[key].notna() & df[value].notna()]
    rows = rows.sort_values(
        [key, *order], ascending=[True] + [False] * len(order), kind="mergesort"
    )
    rows = rows.drop_duplicates(key, keep="first")
    return pd.Series(rows[value].to_numpy(), index=rows[key].to_numpy(), dtype=object)


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    return at(keys, values).astype(object).where(at(keys, values).notna(), None)


def nps_category(score: pd.Series) -> pd.Series:
    category = np.select(
        [score <= 6, score <= 8, score <= 10], ["detractor", "passive", "promoter"], default=""
    )
    return pd.Series(category, index=score.index, dtype=object).where(score.notna(), None)


def _known(persons: pd.DataFrame) -> pd.DataFrame:
    return persons[persons["user_id"].notna()]


def attribute_email_events(email_events: pd.DataFrame, persons: pd.DataFrame) -> pd.DataFrame:
    """Email events with the person_id they belong to: by user_id, or by email when none (the
    smallest person_id when several persons share the email)."""
    known = _known(persons)
    by_user = email_events[email_events["user_id"].notna()].merge(
        known[["person_id", "user_id"]], on="user_id"
    )
    owners = (
        known.loc[known["email"].notna(), ["person_id", "email"]]
        .groupby("email", as_index=False)["person_id"]
        .min()
    )
    by_email = email_events[email_events["user_id"].isna()].merge(owners, on="email")
    return pd.concat([by_user, by_email], ignore_index=True)


def match_privacy_requests(requests: pd.DataFrame, persons: pd.DataFrame) -> pd.DataFrame:
    """Privacy requests with the person_id they name: by user_id or by email."""
    known = _known(persons)
    by_user = requests[requests["user_id"].notna()].merge(
        known[["person_id", "user_id"]], on="user_id"
    )
    by_email = requests[requests["email"].notna()].merge(
        known.loc[known["email"].notna(), ["person_id", "email"]], on="email"
    )
    matched = pd.concat([by_user, by_email], ignore_index=True)
    return matched.drop_duplicates(["request_id", "person_id"])


def _orders(ctx: Context) -> pd.DataFrame:
    """Order Completed events up to as_of, one per order_id (the earliest)."""
    ev = ctx.events_identified
    completed = ev[ev["event_name"] == "Order Completed"]
    completed = completed.sort_values(["occurred_at", "received_at", "event_id"], kind="mergesort")
    with_id = completed[completed["order_id"].notna()].drop_duplicates("order_id", keep="first")
    orders = pd.concat([with_id, completed[completed["order_id"].isna()]], ignore_index=True)
    orders["order_revenue"] = orders["revenue"].fillna(0.0)
    return orders


def _refunded_revenue(ctx: Context, orders: pd.DataFrame) -> pd.Series:
    """Per order (aligned on `orders`): what its refunds take back. Each `Order Refunded` up
    to as_of counts once per event_id, whoever sent it, toward the order its order_id names;
    an order's refunds are summed and capped at its revenue. Refunds naming no order in
    `orders` (unknown, before the data) are dropped."""
    ev = ctx.events_identified
    refunds = ev[
        (ev["event_name"] == "Order Refunded")
        & ev["order_id"].notna()
        & (ev["occurred_at"] <= ctx.as_of)
    ].drop_duplicates("event_id")
    claimed = refunds["revenue"].fillna(0.0).groupby(refunds["order_id"]).sum()
    asked = orders["order_id"].map(claimed).astype("float64").fillna(0.0)
    return asked.clip(upper=orders["order_revenue"].astype("float64"))


def _persons(ctx: Context) -> pd.DataFrame:
    """Every person up to as_of: person_id, user_id, is_anonymous."""
    a = ctx.as_of
    ev = ctx.events_identified
    identifies = ctx.identifies[ctx.identifies["occurred_at"] <= a]
    email_events = ctx.email_events[ctx.email_events["occurred_at"] <= a]
    contacts = ctx.crm_contacts
    contacts = contacts[contacts["created_at"].isna() | (contacts["created_at"] <= a)]
    known = (
        set(ev.loc[~ev["is_anonymous_person"], "person_id"])
        | set(identifies["user_id"])
        | set(email_events["user_id"].dropna())
        | set(contacts["user_id"].dropna())
    )
    anonymous = set(ev.loc[ev["is_anonymous_person"], "person_id"]) - known
    ids = sorted(known) + sorted(anonymous)
    is_anonymous = [False] * len(known) + [True] * len(anonymous)
    persons = pd.DataFrame(
        {"person_id": pd.Series(ids, dtype=object), "is_anonymous": is_anonymous}
    )
    persons["user_id"] = persons["person_id"].where(~persons["is_anonymous"], None).astype(object)
    return persons


def _contact_and_profile(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    a = ctx.as_of
    identifies = ctx.identifies[ctx.identifies["occurred_at"] <= a]
    email_events = ctx.email_events[ctx.email_events["occurred_at"] <= a]
    contacts = ctx.crm_contacts
    order = ["occurred_at", "received_at"]
    uid = persons["user_id"]
    email = _lookup(uid, _newest(identifies, "user_id", "email", order))
    email = email.where(
        email.notna(), _lookup(uid, _newest(contacts, "user_id", "email", ["updated_at"]))
    )
    email = email.where(
        email.notna(), _lookup(uid, _newest(email_events, "user_id", "email", order))
    )
    persons["email"] = email
    persons["marketing_opt_in"] = _lookup(
        uid, _newest(identifies, "user_id", "marketing_opt_in", order)
    )
    opt_ins = identifies[identifies["marketing_opt_in"].eq(True)]
    persons["latest_opt_in_at"] = at(uid, opt_ins.groupby("user_id")["occurred_at"].max())
    for trait in PROFILE_TRAITS:
        persons[trait] = _lookup(uid, _newest(identifies, "user_id", trait, order))
    birth = pd.to_datetime(persons["birth_date"], format="ISO8601", errors="coerce").dt.normalize()
    persons["birth_date"] = birth
    persons["age"] = whole_years(birth, ctx.day)
    bands = pd.cut(
        persons["age"].astype("float64"),
        [-np.inf, 17, 24, 34, 44, 54, 64, np.inf],
        labels=["<18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
    )
    persons["age_band"] = bands.astype(object).where(persons["age"].notna(), None)
    persons["days_until_birthday"] = next_anniversary_days(birth, ctx.day)
    return persons


def _consent(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    a = ctx.as_of
    email_events = ctx.email_events[ctx.email_events["occurred_at"] <= a]
    latest = persons.set_index("person_id")["latest_opt_in_at"]

    suppressions = attribute_email_events(
        email_events[email_events["event_type"].isin(SUPPRESSING_EMAIL_EVENTS)], persons
    )
    suppressions = suppressions.assign(since=at(suppressions["person_id"], latest))
    suppressions = suppressions[
        suppressions["since"].isna() | (suppressions["occurred_at"] > suppressions["since"])
    ]

    requests = ctx.privacy_requests
    opt_outs = match_privacy_requests(
        requests[(requests["request_type"] == "opt_out") & (requests["requested_at"] <= a)],
        persons,
    )
    opt_outs = opt_outs.assign(since=at(opt_outs["person_id"], latest))
    opt_outs = opt_outs[opt_outs["since"].isna() | (opt_outs["requested_at"] > opt_outs["since"])]

    pid = persons["person_id"]
    has_opt_out = pid.isin(set(opt_outs["person_id"]))
    suppressed = pid.isin(set(suppressions["person_id"])) | has_opt_out
    opted_out_of_marketing = persons["marketing_opt_in"].eq(False)
    persons["is_emailable"] = persons["email"].notna() & ~opted_out_of_marketing & ~suppressed
    persons["has_privacy_opt_out"] = has_opt_out
    return persons


def _deleted(ctx: Context, persons: pd.DataFrame) -> set[str]:
    requests = ctx.privacy_requests
    deletes = match_privacy_requests(requests[requests["request_type"] == "delete"], persons)
    return set(deletes["person_id"])


def _sightings(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    a = ctx.as_of
    identifies = ctx.identifies[ctx.identifies["occurred_at"] <= a]
    # a sighting is an email event carrying the user's own id (not one matched by email)
    email_events = ctx.email_events[
        (ctx.email_events["occurred_at"] <= a) & ctx.email_events["user_id"].notna()
    ].rename(columns={"user_id": "person_id"})
    contacts = ctx.crm_contacts
    contacts = contacts[contacts["user_id"].notna() & (contacts["created_at"] <= a)]
    frames = [
        ctx.events_identified[["person_id", "occurred_at"]],
        identifies[["user_id", "occurred_at"]].rename(columns={"user_id": "person_id"}),
        email_events[["person_id", "occurred_at"]],
        contacts[["user_id", "created_at"]].rename(
            columns={"user_id": "person_id", "created_at": "occurred_at"}
        ),
    ]
    seen = pd.concat(frames, ignore_index=True)
    return seen.groupby("person_id")["occurred_at"].agg(first_seen_at="min", last_seen_at="max")


def _commerce(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    a, d = ctx.as_of, ctx.day
    ev = ctx.events_identified
    pid = persons["person_id"]
    orders = _orders(ctx)
    # a refund counts for the person of the order it names, never beyond what was paid
    orders["refunded_revenue"] = _refunded_revenue(ctx, orders)
    by_person = orders.groupby("person_id")
    orders_count = at(pid, by_person.size()).fillna(0).astype("Int64")
    gross = at(pid, by_person["order_revenue"].sum()).fillna(0.0)
    refunded = at(pid, by_person["refunded_revenue"].sum()).fillna(0.0)
    persons["orders_count"] = orders_count
    persons["gross_revenue"] = gross
    persons["refunded_revenue"] = refunded
    persons["lifetime_revenue"] = gross - refunded
    persons["first_order_at"] = at(pid, by_person["occurred_at"].min())
    persons["last_order_at"] = at(pid, by_person["occurred_at"].max())
    buyer = orders_count > 0
    # net of refunds, like lifetime_revenue and historic_clv
    persons["avg_order_value"] = ((gross - refunded) / orders_count.astype("float64")).where(buyer)

    for name, label in [("Product Viewed", "product_views"), ("Product Added", "cart_adds")]:
        rows = ev[ev["event_name"] == name]
        for days in (7, 30, 90):
            window = rows[in_window(rows["occurred_at"], a, days)]
            persons[f"{label}_{days}d"] = (
                at(pid, window.groupby("person_id").size()).fillna(0).astype("Int64")
            )
    for days in (7, 30, 90):
        window = orders[in_window(orders["occurred_at"], a, days)]
        persons[f"orders_{days}d"] = (
            at(pid, window.groupby("person_id").size()).fillna(0).astype("Int64")
        )

    views = ev[ev["event_name"] == "Product Viewed"]
    top = most_frequent(views, "person_id", "category", "occurred_at", top=3)
    persons["most_frequent_category_viewed"] = _lookup(
        pid, top[top["rank"] == 1].set_index("person_id")["category"]
    )
    joined = top.sort_values(["person_id", "rank"]).groupby("person_id")["category"].agg(", ".join)
    persons["top_interests"] = _lookup(pid, joined)

    lines = ctx.order_items.merge(orders[["event_id", "person_id", "occurred_at"]], on="event_id")
    total_quantity = lines.groupby("person_id")["quantity"].sum()
    by_category = (
        lines[lines["category"].notna()]
        .groupby(["person_id", "category"], as_index=False)
        .agg(quantity=("quantity", "sum"), last=("occurred_at", "max"))
    )
    by_category = (
        by_category.sort_values(
            ["person_id", "quantity", "last", "category"],
            ascending=[True, False, False, True],
            kind="mergesort",
        )
        .drop_duplicates("person_id", keep="first")
        .set_index("person_id")
    )
    persons["favorite_category_purchased"] = _lookup(pid, by_category["category"])
    persons["favorite_category_quantity_share"] = at(
        pid, by_category["quantity"] / total_quantity.reindex(by_category.index)
    )

    clicks = ev[ev["event_name"] == "Promotion Clicked"][["person_id", "occurred_at"]]
    clicks = clicks.rename(columns={"occurred_at": "clicked_at"}).sort_values("clicked_at")
    ordered = orders[["person_id", "occurred_at", "coupon"]].sort_values("occurred_at")
    ordered = pd.merge_asof(
        ordered,
        clicks,
        left_on="occurred_at",
        right_on="clicked_at",
        by="person_id",
        direction="backward",
    )
    window = pd.Timedelta(hours=ctx.vars.deal_promotion_window_hours)
    has_coupon = ordered["coupon"].notna() & (ordered["coupon"].astype(object) != "")
    after_click = ordered["clicked_at"].notna() & (
        ordered["occurred_at"] - ordered["clicked_at"] <= window
    )
    ordered["deal"] = (has_coupon | after_click).astype("float64")
    persons["deal_seeking_share"] = at(pid, ordered.groupby("person_id")["deal"].mean())

    first_date = persons["first_order_at"].dt.normalize()
    persons["historic_clv"] = persons["lifetime_revenue"]
    span = np.maximum((d - first_date).dt.days.astype("float64") + 1, 30)
    expected = orders_count.astype("float64") * 365 / span * persons["avg_order_value"]
    persons["expected_clv_365d"] = expected.where(buyer, 0.0).astype("float64")
    persons["recency_days"] = days_from(persons["last_order_at"], d)

    orders["order_date"] = orders["occurred_at"].dt.normalize()
    per_date = orders.groupby(["person_id", "order_date"], as_index=False)["order_revenue"].sum()
    per_date = per_date.sort_values(["person_id", "order_date"])
    per_date["is_first"] = per_date.groupby("person_id").cumcount() == 0
    dates = per_date.groupby("person_id")["order_date"]
    frequency = dates.size() - 1
    persons["btyd_frequency"] = at(pid, frequency).astype("Int64")
    persons["btyd_recency"] = at(pid, (dates.max() - dates.min()).dt.days).astype("Int64")
    persons["btyd_t"] = at(pid, (d - dates.min()).dt.days).astype("Int64")
    later = per_date[~per_date["is_first"]].groupby("person_id")["order_revenue"].mean()
    monetary = at(pid, later)
    persons["btyd_monetary_value"] = monetary.where(monetary.notna(), 0.0).where(buyer)
    return persons


def _behavior(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    a, d = ctx.as_of, ctx.day
    ev = ctx.events_identified
    pid = persons["person_id"]
    signups = ev[ev["event_name"] == "Signed Up"].groupby("person_id")["occurred_at"].min()
    persons["signed_up_at"] = at(pid, signups)
    persons["days_until_signup_anniversary"] = next_anniversary_days(
        persons["signed_up_at"].dt.normalize(), d
    )

    times = ev[["person_id", "occurred_at", "device_type"]].copy()
    times["hour"] = times["occurred_at"].dt.hour
    times["dow"] = times["occurred_at"].dt.day_of_week + 1
    for value, column in [
        ("device_type", "preferred_device"),
        ("hour", "preferred_hour_of_day"),
        ("dow", "preferred_day_of_week"),
    ]:
        top = most_frequent(times, "person_id", value, "occurred_at").set_index("person_id")
        mapped = at(pid, top[value])
        persons[column] = (
            mapped.astype("Int64") if value != "device_type" else _lookup(pid, top[value])
        )

    for name, column in [("Product Shared", "shares_90d"), ("Product Reviewed", "reviews_90d")]:
        rows = ev[(ev["event_name"] == name) & in_window(ev["occurred_at"], a, 90)]
        persons[column] = at(pid, rows.groupby("person_id").size()).fillna(0).astype("Int64")

    recent = ev[in_window(ev["occurred_at"], a, 30)]
    active = (
        recent.assign(day=recent["occurred_at"].dt.normalize())
        .groupby("person_id")["day"]
        .nunique()
    )
    persons["active_days_30d"] = at(pid, active).fillna(0).astype("Int64")

    weights = ctx.seeds["engagement_event_weights"].set_index("event_name")["weight"]
    weight = ev["event_name"].map(weights).fillna(0.0).astype("float64")
    age_days = (d - ev["occurred_at"].dt.normalize()).dt.days.astype("float64")
    decayed = weight * np.power(0.5, age_days / ctx.vars.engagement_half_life_days)
    raw_score = decayed.groupby(ev["person_id"]).sum()
    persons["engagement_raw_score"] = round_half_away(at(pid, raw_score).fillna(0.0), 6)
    return persons


def _email_and_support(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    a = ctx.as_of
    pid = persons["person_id"]
    email_events = attribute_email_events(
        ctx.email_events[ctx.email_events["occurred_at"] <= a], persons
    )
    recent = email_events[in_window(email_events["occurred_at"], a, 30)]
    for event_type, column in [("opened", "email_opens_30d"), ("clicked", "email_clicks_30d")]:
        rows = recent[recent["event_type"] == event_type]
        persons[column] = at(pid, rows.groupby("person_id").size()).fillna(0).astype("Int64")
    opens = email_events[email_events["event_type"] == "opened"]
    persons["last_email_open_at"] = at(pid, opens.groupby("person_id")["occurred_at"].max())

    nps = ctx.nps_responses[ctx.nps_responses["responded_at"] <= a]
    latest = nps.sort_values(
        ["user_id", "responded_at", "response_id"], ascending=[True, False, True]
    ).drop_duplicates("user_id")
    score = at(persons["user_id"], latest.set_index("user_id")["score"])
    persons["latest_nps_score"] = score.astype("Int64")
    persons["latest_nps_category"] = nps_category(score)

    tickets = ctx.support_tickets[ctx.support_tickets["opened_at"] <= a]
    recent_tickets = tickets[in_window(tickets["opened_at"], a, 30)]
    persons["tickets_30d"] = (
        at(persons["user_id"], recent_tickets.groupby("user_id").size()).fillna(0).astype("Int64")
    )
    closed = tickets[tickets["closed_at"] <= a]  # a score given after A is not known at A
    persons["avg_csat"] = at(persons["user_id"], closed.groupby("user_id")["csat_score"].mean())
    count, highest = open_tickets(tickets, "user_id", a)
    persons["open_tickets"] = at(persons["user_id"], count).fillna(0).astype("Int64")
    persons["highest_open_ticket_priority"] = at(persons["user_id"], highest).astype(object)
    return persons


def _statuses(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    """user_status and trial_ends_at (int_person_statuses_derived): the person's own
    subscriptions and the account-level ones of the accounts they are a CRM contact of, started
    by as_of; then paying (paid running, or any order) > free_trial > freemium (free plan, or a
    product user without a churned subscription) > churned > prospect; null when anonymous.
    And the lead of their highest-scored CRM contact (ties: smallest contact_id)."""
    a = ctx.as_of
    subs = ctx.subscriptions[ctx.subscriptions["started_at"] <= a]
    contacts = ctx.crm_contacts[ctx.crm_contacts["user_id"].notna()]
    memberships = contacts[contacts["account_id"].notna()][["user_id", "account_id"]]
    memberships = memberships.drop_duplicates()
    own = subs[subs["user_id"].notna()].assign(person_id=lambda d: d["user_id"])
    shared = subs[subs["user_id"].isna()].merge(
        memberships.rename(columns={"user_id": "person_id"}), on="account_id"
    )
    mine = pd.concat([own, shared], ignore_index=True)
    ended = (mine["ended_at"] <= a).fillna(False).astype(bool)
    in_trial = (
        (mine["trial_ends_at"] > a)
        .where(mine["trial_ends_at"].notna(), mine["status"] == "trialing")
        .astype(bool)
    )
    free = (mine["plan"] == "free").fillna(False).astype(bool)
    paid_began = mine["trial_ends_at"].where(mine["trial_ends_at"].notna(), mine["started_at"])
    flags = pd.DataFrame(
        {
            "person_id": mine["person_id"],
            "paid": ~ended & ~in_trial & ~free,
            "trialing": ~ended & in_trial,
            "free": ~ended & ~in_trial & free,
            "churned": ended & ~free & (mine["ended_at"] > paid_began).fillna(False).astype(bool),
            "trial_ends_at": mine["trial_ends_at"].where(~ended & in_trial),
        }
    )
    by_person = flags.groupby("person_id")
    pid = persons["person_id"]

    def flag(name: str) -> pd.Series:
        return at(pid, by_person[name].any()).fillna(False).astype(bool)

    product_user = pid.isin(set(memberships["user_id"]))
    status = np.select(
        [
            persons["is_anonymous"].astype(bool),
            flag("paid") | (persons["orders_count"] > 0).astype(bool),
            flag("trialing"),
            flag("free") | (product_user & ~flag("churned")),
            flag("churned"),
        ],
        [None, "paying", "free_trial", "freemium", "churned"],
        "prospect",
    )
    persons["user_status"] = pd.Series(status, index=persons.index, dtype=object)
    persons["trial_ends_at"] = at(pid, by_person["trial_ends_at"].max())

    ranked = contacts.assign(_score=contacts["lead_score"].fillna(-np.inf)).sort_values(
        ["user_id", "_score", "contact_id"], ascending=[True, False, True], kind="mergesort"
    )
    lead = ranked.drop_duplicates("user_id").set_index("user_id")
    persons["contact_lead_status"] = at(pid, lead["lead_status"]).astype(object)
    persons["contact_lead_score"] = at(pid, lead["lead_score"]).astype("Int64")
    return persons


def _scores(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    buyers = persons[persons["orders_count"] > 0]
    recency = np.ceil(5 * cume_dist(buyers["recency_days"].astype("float64"), ascending=False))
    frequency = np.ceil(5 * cume_dist(buyers["orders_count"].astype("float64")))
    monetary = np.ceil(5 * cume_dist(buyers["lifetime_revenue"].astype("float64")))
    persons["rfm_recency_score"] = recency.reindex(persons.index).astype("Int64")
    persons["rfm_frequency_score"] = frequency.reindex(persons.index).astype("Int64")
    persons["rfm_monetary_score"] = monetary.reindex(persons.index).astype("Int64")
    fm = np.ceil((frequency + monetary) / 2)
    persons["rfm_fm_score"] = fm.reindex(persons.index).astype("Int64")
    segments = ctx.seeds["rfm_segments"].set_index(["rfm_recency_score", "rfm_fm_score"])[
        "rfm_segment"
    ]
    keys = pd.MultiIndex.from_arrays([persons["rfm_recency_score"], persons["rfm_fm_score"]])
    persons["rfm_segment"] = pd.Series(
        segments.reindex(keys).to_numpy(), index=persons.index, dtype=object
    ).where(persons["rfm_fm_score"].notna(), None)

    active = persons[persons["active_days_30d"] > 0]
    rank = percent_rank(active["active_days_30d"].astype("float64"))
    tier = pd.Series(
        np.select(
            [
                rank >= ctx.vars.usage_tier_heavy_min_rank,
                rank >= ctx.vars.usage_tier_medium_min_rank,
            ],
            ["heavy", "medium"],
            "light",
        ),
        index=active.index,
        dtype=object,
    )
    persons["usage_tier"] = tier.reindex(persons.index).fillna("none").astype(object)

    engagement = percent_rank(persons["engagement_raw_score"].astype("float64"))
    persons["engagement_score"] = round_half_away(100 * engagement).astype("Int64")
    return persons


@from_raw
def compute_dim_persons(ctx: Context) -> pd.DataFrame:
    """dim_persons from the raw tables (or from an already prepared context)."""
    persons = _persons(ctx)
    persons = _contact_and_profile(ctx, persons)
    persons = _consent(ctx, persons)
    deleted = _deleted(ctx, persons)
    persons = persons[~persons["person_id"].isin(deleted)].reset_index(drop=True)

    seen = _sightings(ctx, persons)
    pid = persons["person_id"]
    persons["first_seen_at"] = at(pid, seen["first_seen_at"])
    persons["last_seen_at"] = at(pid, seen["last_seen_at"])
    persons["tenure_days"] = days_from(persons["first_seen_at"], ctx.day)
    persons = _commerce(ctx, persons)
    persons = _behavior(ctx, persons)
    persons = _email_and_support(ctx, persons)
    email_events = attribute_email_events(
        ctx.email_events[ctx.email_events["occurred_at"] <= ctx.as_of], persons
    )
    persons[SEND_TIME_COLUMNS] = learn_send_times(ctx, persons, email_events)
    persons = _scores(ctx, persons)
    persons = _statuses(ctx, persons)
    return persons[COLUMNS]
