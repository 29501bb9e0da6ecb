"""Staging rules of the README ("Staging: what happens to bad input"), re-implemented in pandas.

Each `stage_<table>` returns the usable rows, one per key, typed; quarantined rows and
duplicates are dropped (the reference needs only what downstream models read).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tests.reference.parsing import (
    clean_email,
    clean_text,
    event_name_key,
    is_unreadable_number,
    numbers,
    parse_json_array,
    parse_json_objects,
    parse_number_column,
    parse_timestamp,
    texts,
    to_bool,
    to_date_text,
    to_integer,
    to_number,
    to_text,
    unreadable_timestamps,
)
from tests.reference.vars import ReferenceVars

EMAIL_EVENT_TYPES = {
    "sent",
    "delivered",
    "opened",
    "clicked",
    "bounced",
    "unsubscribed",
    "complained",
}
PLANS = {"free", "trial", "starter", "pro", "enterprise"}
SUBSCRIPTION_STATUSES = {"trialing", "active", "past_due", "canceled"}
REQUEST_TYPES = {"delete", "opt_out"}
# the traits an identify carries, in the order the staged identifies have them
PLACE_LANGUAGE_JOB_TRAITS = ["country", "region", "city", "postal_code", "language", "job_title"]
TRAITS = [
    "email",
    "first_name",
    "last_name",
    "birth_date",
    "gender",
    *PLACE_LANGUAGE_JOB_TRAITS,
    "marketing_opt_in",
]


def _first_reason(rules: list[tuple[str, np.ndarray]], n: int) -> pd.Series:
    """The first failing rule per row (None when usable)."""
    reason = np.full(n, None, dtype=object)
    for name, failing in rules:
        take = np.asarray(failing, dtype=bool) & pd.isna(reason)
        reason[take] = name
    return pd.Series(reason)


def _no_owner(raw: pd.DataFrame) -> np.ndarray:
    """Neither account_id nor user_id."""
    return (clean_text(raw["account_id"]).isna() & clean_text(raw["user_id"]).isna()).to_numpy()


def _keep_first(
    df: pd.DataFrame, key: str, order: list[str], ascending: list[bool]
) -> pd.DataFrame:
    ordered = df.assign(_row=np.arange(len(df))).sort_values(
        [*order, "_row"], ascending=[*ascending, True], kind="mergesort"
    )
    return ordered.drop_duplicates(key, keep="first").drop(columns="_row")


def _order_problems(products: Any) -> tuple[list[Any] | None, bool, bool, bool]:
    """(lines, malformed, unreadable, negative) of an order's products: not an array or a line
    not an object is malformed; a line's price or quantity sent but not a (whole) number is
    unreadable; a price below zero or a quantity below one is negative."""
    lines, malformed = parse_json_array(products)
    unreadable = negative = False
    for line in lines or []:
        if not isinstance(line, dict):
            malformed = True
            continue
        price = line.get("price")
        quantity, bad_quantity = to_integer(line.get("quantity"))
        unreadable |= is_unreadable_number(price) or bad_quantity
        negative |= (to_number(price) or 0.0) < 0 or (quantity is not None and quantity < 1)
    return lines, malformed, unreadable, negative


def _trimmed(series: pd.Series) -> pd.Series:
    """Trimmed text with None for null or blank values (the SQL clean_text)."""
    return clean_text(series.map(lambda v: v.strip() if isinstance(v, str) else v))


def stage_events(raw: pd.DataFrame, aliases: pd.DataFrame, v: ReferenceVars) -> pd.DataFrame:
    """Usable events, the first received copy of each event_id; typed properties and context."""
    raw = raw.reset_index(drop=True)
    n = len(raw)
    event_id = clean_text(raw["event_id"])
    anonymous_id = clean_text(raw["anonymous_id"])
    user_id = clean_text(raw["user_id"])
    occurred_at = parse_timestamp(raw["occurred_at"])
    received_at = parse_timestamp(raw["received_at"])
    properties, bad_properties = parse_json_objects(raw["properties"])
    context, bad_context = parse_json_objects(raw["context"])
    alias_map = dict(zip(aliases["event_name_key"], aliases["canonical_event_name"], strict=True))
    event_name = event_name_key(raw["event_name"]).map(alias_map)
    revenue = numbers(properties, "revenue")
    price = numbers(properties, "price")
    quantity_read = [to_integer(p.get("quantity")) for p in properties]
    rating_read = [to_integer(p.get("rating")) for p in properties]
    is_order = (event_name == "Order Completed").to_numpy()
    orders = [_order_problems(p.get("products")) for p in properties]
    products = [lines for lines, _, _, _ in orders]
    bad_products = is_order & np.array([o[1] for o in orders], dtype=bool)
    unreadable = (
        np.array([is_unreadable_number(p.get("revenue")) for p in properties], dtype=bool)
        | np.array([is_unreadable_number(p.get("price")) for p in properties], dtype=bool)
        | np.array([bad for _, bad in quantity_read], dtype=bool)
        | np.array([bad for _, bad in rating_read], dtype=bool)
        | (is_order & np.array([o[2] for o in orders], dtype=bool))
    )
    order_id = texts(properties, "order_id")
    incomplete = is_order & (clean_text(order_id).isna() | revenue.isna()).to_numpy()
    negative_line = is_order & np.array([o[3] for o in orders], dtype=bool)
    tolerance = pd.Timedelta(minutes=v.future_timestamp_tolerance_minutes)
    reason = _first_reason(
        [
            ("missing_event_id", event_id.isna().to_numpy()),
            ("missing_identity", (user_id.isna() & anonymous_id.isna()).to_numpy()),
            ("unparseable_timestamp", (occurred_at.isna() | received_at.isna()).to_numpy()),
            ("future_timestamp", (occurred_at > received_at + tolerance).to_numpy()),
            ("malformed_json", bad_properties | bad_context),
            ("unknown_event_name", event_name.isna().to_numpy()),
            ("malformed_json", bad_products),
            ("unparseable_number", unreadable),
            ("incomplete_order", incomplete),
            ("negative_amount", ((revenue < 0) | (price < 0)).to_numpy() | negative_line),
        ],
        n,
    )
    quantity = pd.Series([q for q, _ in quantity_read], dtype="float64")
    df = pd.DataFrame(
        {
            "event_id": event_id,
            "event_name": event_name,
            "anonymous_id": anonymous_id,
            "user_id": user_id,
            "account_id": clean_text(raw["account_id"]),
            "occurred_at": occurred_at,
            "received_at": received_at,
            "product_id": texts(properties, "product_id"),
            "category": pd.Series(
                [c.lower() if c is not None else None for c in texts(properties, "category")],
                dtype=object,
            ),
            "price": price,
            "quantity": quantity,
            "revenue": revenue,
            "order_id": order_id,
            "coupon": texts(properties, "coupon"),
            "page_path": texts(properties, "page_path"),
            "feature": texts(properties, "feature"),
            "products": products,
            "device_type": texts(context, "device_type"),
            "time_zone": _trimmed(texts(context, "timezone")),
            "_reason": reason,
        }
    )
    usable = df[df["_reason"].isna()].drop(columns="_reason")
    return _keep_first(usable, "event_id", ["received_at"], [True]).reset_index(drop=True)


def order_items(events: pd.DataFrame) -> pd.DataFrame:
    """One row per product line of each Order Completed: event_id, category, quantity,
    product_id."""
    orders = events[events["event_name"] == "Order Completed"]
    rows: list[tuple[str, str | None, float, str | None]] = []
    for event_id, products in zip(orders["event_id"], orders["products"], strict=True):
        if not isinstance(products, list):
            continue
        for line in products:
            if not isinstance(line, dict):
                continue
            category = to_text(line.get("category"))
            quantity, _ = to_integer(line.get("quantity"))
            rows.append(
                (
                    event_id,
                    category.lower() if category is not None else None,
                    1.0 if quantity is None else quantity,
                    to_text(line.get("product_id")),
                )
            )
    return pd.DataFrame(rows, columns=["event_id", "category", "quantity", "product_id"])


def stage_identifies(raw: pd.DataFrame, v: ReferenceVars) -> pd.DataFrame:
    raw = raw.reset_index(drop=True)
    user_id = clean_text(raw["user_id"])
    anonymous_id = clean_text(raw["anonymous_id"])
    occurred_at = parse_timestamp(raw["occurred_at"])
    received_at = parse_timestamp(raw["received_at"])
    traits, bad_traits = parse_json_objects(raw["traits"])
    tolerance = pd.Timedelta(minutes=v.future_timestamp_tolerance_minutes)
    reason = _first_reason(
        [
            ("missing_identity", user_id.isna().to_numpy()),
            ("unparseable_timestamp", (occurred_at.isna() | received_at.isna()).to_numpy()),
            ("future_timestamp", (occurred_at > received_at + tolerance).to_numpy()),
            ("malformed_json", bad_traits),
        ],
        len(raw),
    )
    df = pd.DataFrame(
        {
            "user_id": user_id,
            "anonymous_id": anonymous_id,
            "occurred_at": occurred_at,
            "received_at": received_at,
            "traits_text": raw["traits"].astype(object),
        }
    )
    for trait in TRAITS:
        if trait == "marketing_opt_in":
            df[trait] = pd.Series([to_bool(t.get(trait)) for t in traits], dtype=object)
        elif trait == "birth_date":
            # unreadable = not sent: an older readable birth_date still counts
            df[trait] = pd.Series([to_date_text(t.get(trait)) for t in traits], dtype=object)
        else:
            df[trait] = texts(traits, trait)
    df["email"] = clean_email(df["email"])
    df = df[reason.isna().to_numpy()]
    # a redelivery repeats user, anonymous id, time and traits
    redelivery_key = ["user_id", "anonymous_id", "occurred_at", "traits_text"]
    return df.drop_duplicates(redelivery_key).reset_index(drop=True)


def stage_email_events(raw: pd.DataFrame, v: ReferenceVars) -> pd.DataFrame:
    raw = raw.reset_index(drop=True)
    email_event_id = clean_text(raw["email_event_id"])
    user_id = clean_text(raw["user_id"])
    email = clean_email(raw["email"])
    event_type = clean_email(raw["event_type"])
    occurred_at = parse_timestamp(raw["occurred_at"])
    received_at = parse_timestamp(raw["received_at"])
    tolerance = pd.Timedelta(minutes=v.future_timestamp_tolerance_minutes)
    reason = _first_reason(
        [
            ("missing_key", email_event_id.isna().to_numpy()),
            ("missing_identity", (user_id.isna() & email.isna()).to_numpy()),
            ("unparseable_timestamp", (occurred_at.isna() | received_at.isna()).to_numpy()),
            ("future_timestamp", (occurred_at > received_at + tolerance).to_numpy()),
            ("unknown_event_type", (~event_type.isin(EMAIL_EVENT_TYPES)).to_numpy()),
        ],
        len(raw),
    )
    df = pd.DataFrame(
        {
            "email_event_id": email_event_id,
            "user_id": user_id,
            "email": email,
            "event_type": event_type,
            "occurred_at": occurred_at,
            "received_at": received_at,
        }
    )[reason.isna().to_numpy()]
    return _keep_first(df, "email_event_id", ["received_at"], [True]).reset_index(drop=True)


def stage_crm_accounts(raw: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The newest usable version of each account; with as_of, the newest updated by as_of."""
    raw = raw.reset_index(drop=True)
    account_id = clean_text(raw["account_id"])
    employee_count, bad_employees = parse_number_column(raw["employee_count"], whole=True)
    seat_limit, bad_seats = parse_number_column(raw["seat_limit"], whole=True)
    usage_limit, bad_usage = parse_number_column(raw["monthly_usage_limit"])
    mrr, bad_mrr = parse_number_column(raw["mrr"])
    plan = clean_email(raw["plan"])
    updated_at = parse_timestamp(raw["updated_at"])
    times = {c: parse_timestamp(raw[c]) for c in ("created_at", "customer_since", "churned_at")}
    bad_times = np.zeros(len(raw), dtype=bool)
    for column, parsed in times.items():
        bad_times |= unreadable_timestamps(raw[column], parsed)
    reason = _first_reason(
        [
            ("missing_key", account_id.isna().to_numpy()),
            ("unparseable_timestamp", updated_at.isna().to_numpy() | bad_times),
            ("unparseable_number", bad_employees | bad_seats | bad_usage | bad_mrr),
            ("unknown_plan", (plan.notna() & ~plan.isin(PLANS)).to_numpy()),
            ("negative_amount", (mrr < 0).to_numpy()),
        ],
        len(raw),
    )
    df = pd.DataFrame(
        {
            "account_id": account_id,
            "account_name": clean_text(raw["name"]),
            "domain": clean_text(raw["domain"]),
            "industry": clean_text(raw["industry"]),
            "employee_count": employee_count.round().astype("Int64"),
            "country": clean_text(raw["country"]),
            "plan": plan,
            "seat_limit": seat_limit.round().astype("Int64"),
            "monthly_usage_limit": usage_limit,
            "mrr": mrr,
            "created_at": times["created_at"],
            "customer_since": times["customer_since"],
            "churned_at": times["churned_at"],
            "updated_at": updated_at,
        }
    )[reason.isna().to_numpy()]
    if as_of is not None:
        df = df[df["updated_at"] <= as_of]
    return _keep_first(df, "account_id", ["updated_at"], [False]).reset_index(drop=True)


def stage_crm_contacts(raw: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The newest version of each contact; with as_of, the newest updated (and created) by
    as_of."""
    raw = raw.reset_index(drop=True)
    contact_id = clean_text(raw["contact_id"])
    user_id = clean_text(raw["user_id"])
    email = clean_email(raw["email"])
    created_at = parse_timestamp(raw["created_at"])
    updated_at = parse_timestamp(raw["updated_at"])
    _, bad_score = parse_number_column(raw["lead_score"], whole=True)
    reason = _first_reason(
        [
            ("missing_key", contact_id.isna().to_numpy()),
            ("missing_identity", (user_id.isna() & email.isna()).to_numpy()),
            (
                "unparseable_timestamp",
                updated_at.isna().to_numpy() | unreadable_timestamps(raw["created_at"], created_at),
            ),
            ("unparseable_number", bad_score),
        ],
        len(raw),
    )
    df = pd.DataFrame(
        {
            "contact_id": contact_id,
            "user_id": user_id,
            "account_id": clean_text(raw["account_id"]),
            "email": email,
            "job_title": clean_text(raw["job_title"]),
            "lead_status": clean_email(raw["lead_status"]),
            "lead_score": parse_number_column(raw["lead_score"], whole=True)[0],
            "created_at": created_at,
            "updated_at": updated_at,
        }
    )[reason.isna().to_numpy()]
    if as_of is not None:
        df = df[(df["updated_at"] <= as_of) & ~(df["created_at"] > as_of)]
    return _keep_first(df, "contact_id", ["updated_at"], [False]).reset_index(drop=True)


def stage_subscriptions(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.reset_index(drop=True)
    subscription_id = clean_text(raw["subscription_id"])
    status = clean_email(raw["status"])
    plan = clean_email(raw["plan"])
    mrr, bad_mrr = parse_number_column(raw["mrr"])
    started_at = parse_timestamp(raw["started_at"])
    bad_times = started_at.isna().to_numpy().copy()
    for column in ("trial_ends_at", "ended_at"):
        bad_times |= unreadable_timestamps(raw[column], parse_timestamp(raw[column]))
    reason = _first_reason(
        [
            ("missing_key", subscription_id.isna().to_numpy()),
            (
                "missing_identity",
                _no_owner(raw),
            ),
            ("unparseable_timestamp", bad_times),
            ("unparseable_number", bad_mrr),
            ("unknown_plan", (plan.notna() & ~plan.isin(PLANS)).to_numpy()),
            ("unknown_status", (~status.isin(SUBSCRIPTION_STATUSES)).to_numpy()),
            ("negative_amount", (mrr < 0).to_numpy()),
        ],
        len(raw),
    )
    df = pd.DataFrame(
        {
            "subscription_id": subscription_id,
            "account_id": clean_text(raw["account_id"]),
            "user_id": clean_text(raw["user_id"]),
            "plan": plan,
            "status": status,
            "started_at": started_at,
            "trial_ends_at": parse_timestamp(raw["trial_ends_at"]),
            "ended_at": parse_timestamp(raw["ended_at"]),
        }
    )[reason.isna().to_numpy()]
    return _keep_first(df, "subscription_id", ["started_at"], [False]).reset_index(drop=True)


def stage_product_usage_daily(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.reset_index(drop=True)
    account_id = clean_text(raw["account_id"])
    units, bad_units = parse_number_column(raw["usage_units"])
    usage_date = parse_timestamp(raw["usage_date"]).dt.normalize()
    reason = _first_reason(
        [
            ("missing_key", (account_id.isna() | usage_date.isna()).to_numpy()),
            ("unparseable_number", bad_units),
            ("negative_amount", (units < 0).to_numpy()),
        ],
        len(raw),
    )
    df = pd.DataFrame({"account_id": account_id, "usage_date": usage_date, "usage_units": units})
    df = df[reason.isna().to_numpy()]
    return df.groupby(["account_id", "usage_date"], as_index=False)["usage_units"].max()


def stage_support_tickets(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.reset_index(drop=True)
    ticket_id = clean_text(raw["ticket_id"])
    csat, bad_csat = parse_number_column(raw["csat_score"])
    opened_at = parse_timestamp(raw["opened_at"])
    closed_at = parse_timestamp(raw["closed_at"])
    reason = _first_reason(
        [
            ("missing_key", ticket_id.isna().to_numpy()),
            (
                "missing_identity",
                _no_owner(raw),
            ),
            (
                "unparseable_timestamp",
                opened_at.isna().to_numpy() | unreadable_timestamps(raw["closed_at"], closed_at),
            ),
            ("unparseable_number", bad_csat),
            # a whole number 1-5: 4.5 is not rounded
            (
                "out_of_range_score",
                ((csat < 1) | (csat > 5) | (csat.notna() & (csat != np.floor(csat)))).to_numpy(),
            ),
        ],
        len(raw),
    )
    df = pd.DataFrame(
        {
            "ticket_id": ticket_id,
            "account_id": clean_text(raw["account_id"]),
            "user_id": clean_text(raw["user_id"]),
            "priority": clean_email(raw["priority"]),
            "opened_at": opened_at,
            "closed_at": closed_at,
            "csat_score": csat,
        }
    )[reason.isna().to_numpy()]
    return _keep_first(df, "ticket_id", ["opened_at"], [False]).reset_index(drop=True)


def stage_nps_responses(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.reset_index(drop=True)
    response_id = clean_text(raw["response_id"])
    score, bad_score = parse_number_column(raw["score"])
    responded_at = parse_timestamp(raw["responded_at"])
    reason = _first_reason(
        [
            ("missing_key", response_id.isna().to_numpy()),
            ("unparseable_timestamp", responded_at.isna().to_numpy()),
            ("unparseable_number", bad_score),
            # a whole number 0-10: 7.5 is not rounded into a category
            (
                "out_of_range_score",
                (score.isna() | (score < 0) | (score > 10) | (score != np.floor(score))).to_numpy(),
            ),
        ],
        len(raw),
    )
    df = pd.DataFrame(
        {
            "response_id": response_id,
            "user_id": clean_text(raw["user_id"]),
            "account_id": clean_text(raw["account_id"]),
            "score": score,
            "responded_at": responded_at,
        }
    )[reason.isna().to_numpy()]
    return _keep_first(df, "response_id", ["responded_at"], [False]).reset_index(drop=True)


def stage_privacy_requests(raw: pd.DataFrame) -> pd.DataFrame:
    raw = raw.reset_index(drop=True)
    request_id = clean_text(raw["request_id"])
    request_type = clean_email(raw["request_type"])
    user_id = clean_text(raw["user_id"])
    email = clean_email(raw["email"])
    reason = _first_reason(
        [
            ("missing_key", request_id.isna().to_numpy()),
            ("missing_identity", (user_id.isna() & email.isna()).to_numpy()),
            ("unknown_request_type", (~request_type.isin(REQUEST_TYPES)).to_numpy()),
        ],
        len(raw),
    )
    df = pd.DataFrame(
        {
            "request_id": request_id,
            "user_id": user_id,
            "email": email,
            "request_type": request_type,
            "requested_at": parse_timestamp(raw["requested_at"]),
        }
    )[reason.isna().to_numpy()]
    return df.drop_duplicates("request_id").reset_index(drop=True)
