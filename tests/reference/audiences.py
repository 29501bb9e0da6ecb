"""The B2C audiences, the composed examples (shoe_lovers, window_shoppers_without_cart) and
each member's primary audience, from the reference's own dim_persons and staged events and the
spec's rules (../shared/spec/audiences.md, "B2C audiences"), with the choices documented in
models/marts/audiences/b2c/aud_*.yml where the spec is silent.

Every audience function takes the same AudienceInputs and returns one row per member: the key,
then the facts that put the member in. `finish` adds what every audience table carries (the
emailable flag, the email only when emailable, the catalog row, as_of) and leaves out persons
with a privacy opt-out; deleted persons are not in the reference dim_persons to begin with.
A B2B audience joins the same way: a function from the reference dim_accounts in
tests/reference/account_audiences.py, keyed by account_id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tests.reference.common import at, in_window
from tests.reference.context import SEEDS_DIR, Context
from tests.reference.parsing import parse_json_objects, parse_timestamp, texts
from tests.reference.persons import _orders as reference_orders
from tests.reference.persons import attribute_email_events
from tests.reference.send_times import AUDIENCE_SEND_TIME_COLUMNS

CATALOG_COLUMNS = ["audience_name", "recommended_campaign", "audience_priority"]


@dataclass(frozen=True)
class AudienceInputs:
    ctx: Context
    persons: pd.DataFrame  # the reference dim_persons (deleted persons are not in it)
    cart_adds: pd.DataFrame  # `Product Added` events up to as_of, with person_id and product_id


def load_catalog() -> pd.DataFrame:
    catalog = pd.read_csv(SEEDS_DIR / "audience_catalog.csv", dtype={"audience_name": str})
    return catalog.assign(priority=catalog["priority"].astype("int64"))


def added_product_ids(raw_events: pd.DataFrame, adds: pd.DataFrame) -> pd.Series:
    """event_id -> properties.product_id of the copy staging kept (the first received usable
    copy: same event_id and received_at, properties a JSON object). The reference staging does
    not type product_id, so it is read here from the raw row."""
    copies = raw_events[raw_events["event_id"].isin(set(adds["event_id"]))]
    properties, malformed = parse_json_objects(copies["properties"])
    parsed = pd.DataFrame(
        {
            "event_id": copies["event_id"].to_numpy(),
            "received_at": parse_timestamp(copies["received_at"]).to_numpy(),
            "product_id": texts(properties, "product_id").to_numpy(),
        }
    )[~malformed]
    kept = adds[["event_id", "received_at"]].merge(
        parsed, on=["event_id", "received_at"], how="left"
    )
    kept = kept.drop_duplicates("event_id", keep="first")
    return pd.Series(kept["product_id"].to_numpy(), index=kept["event_id"].to_numpy(), dtype=object)


def audience_inputs(
    raw_events: pd.DataFrame, ctx: Context, persons: pd.DataFrame
) -> AudienceInputs:
    events = ctx.events_identified
    adds = events[events["event_name"] == "Product Added"].copy()
    adds["product_id"] = at(adds["event_id"], added_product_ids(raw_events, adds)).astype(object)
    return AudienceInputs(ctx=ctx, persons=persons, cart_adds=adds.reset_index(drop=True))


def newest_first(rows: pd.DataFrame, key: str, item: str, time: str, max_items: int) -> pd.Series:
    """Per key: its distinct non-null items, each at its latest time, newest first (ties: the
    smaller item first), the first max_items joined with ',' (the payload lists of
    macro newest_first_list). Keys without an item are absent."""
    latest = rows[rows[item].notna()].groupby([key, item], as_index=False)[time].max()
    ordered = latest.sort_values([key, time, item], ascending=[True, False, True], kind="mergesort")
    kept = ordered[ordered.groupby(key).cumcount() < max_items]
    return kept.groupby(key)[item].agg(",".join)


def order_lines(ctx: Context) -> pd.DataFrame:
    """The product lines of the orders up to as_of (one per order_id), with the order's person
    and time (ordered_at)."""
    orders = reference_orders(ctx)[["event_id", "person_id", "occurred_at"]]
    return ctx.order_items.merge(orders, on="event_id").rename(
        columns={"occurred_at": "ordered_at"}
    )


def new_customers(inputs: AudienceInputs) -> pd.DataFrame:
    """Signed up in the last new_customer_days (half-open) and no completed order ever."""
    p, v = inputs.persons, inputs.ctx.vars
    signed_up = in_window(p["signed_up_at"], inputs.ctx.as_of, v.new_customer_days)
    chosen = signed_up.fillna(False).astype(bool) & (p["orders_count"] == 0)
    return p.loc[chosen, ["person_id", "signed_up_at", "orders_count"]]


def _count_in_window(
    persons: pd.DataFrame, rows: pd.DataFrame, time: str, as_of: pd.Timestamp, days: float
) -> pd.Series:
    """Per person of `persons`: the rows with as_of - days < rows[time] <= as_of."""
    recent = rows[in_window(rows[time], as_of, days)]
    return at(persons["person_id"], recent.groupby("person_id").size()).fillna(0).astype("Int64")


def window_shoppers(inputs: AudienceInputs) -> pd.DataFrame:
    """At least window_shopper_min_views product views in the last window_shopper_days, no
    order in them, an email open or click in them."""
    ctx, v = inputs.ctx, inputs.ctx.vars
    p = inputs.persons.copy()
    a, days = ctx.as_of, v.window_shopper_days
    events = ctx.events_identified
    views = events[events["event_name"] == "Product Viewed"]
    emails = attribute_email_events(ctx.email_events[ctx.email_events["occurred_at"] <= a], p)
    p["product_views_in_window"] = _count_in_window(p, views, "occurred_at", a, days)
    p["orders_in_window"] = _count_in_window(p, reference_orders(ctx), "occurred_at", a, days)
    for event_type, column in [
        ("opened", "email_opens_in_window"),
        ("clicked", "email_clicks_in_window"),
    ]:
        rows = emails[emails["event_type"] == event_type]
        p[column] = _count_in_window(p, rows, "occurred_at", a, days)
    chosen = (
        (p["product_views_in_window"] >= v.window_shopper_min_views)
        & (p["orders_in_window"] == 0)
        & ((p["email_opens_in_window"] >= 1) | (p["email_clicks_in_window"] >= 1))
    )
    window_views = views[in_window(views["occurred_at"], a, days)]
    for item, column in [
        ("product_id", "recently_viewed_product_ids"),
        ("category", "recently_viewed_categories"),
    ]:
        lists = newest_first(
            window_views, "person_id", item, "occurred_at", v.payload_list_max_items
        )
        p[column] = at(p["person_id"], lists).astype(object)
    facts = B2C_AUDIENCES["window_shoppers"].facts
    return p.loc[chosen.astype(bool), ["person_id", *facts]]


def _cart(adds: pd.DataFrame) -> pd.DataFrame:
    """Per person, the cart of the given adds: distinct products, quantity (missing = 1), value
    (missing price = 0), the sorted product ids."""
    quantity = adds["quantity"].fillna(1.0)
    lines = adds.assign(_quantity=quantity, _value=adds["price"].fillna(0.0) * quantity)
    by_person = lines.groupby("person_id")
    products = (
        lines[lines["product_id"].notna()]
        .groupby("person_id")["product_id"]
        .agg(lambda ids: ",".join(sorted(set(ids))))
    )
    cart = pd.DataFrame(
        {
            "cart_items": lines.groupby("person_id")["product_id"].nunique(),
            "cart_quantity": by_person["_quantity"].sum(),
            "cart_value": by_person["_value"].sum(),
        }
    )
    cart["cart_product_ids"] = at(cart.index.to_series(), products).astype(object)
    return cart


def cart_abandoners(inputs: AudienceInputs) -> pd.DataFrame:
    """The latest `Product Added` in the last cart_abandon_window_days and older than
    cart_abandon_min_minutes, no `Order Completed` at or after it; the cart is the window's
    adds after the person's latest order."""
    ctx, v = inputs.ctx, inputs.ctx.vars
    known = set(inputs.persons["person_id"])
    adds = inputs.cart_adds[inputs.cart_adds["person_id"].isin(known)]
    events = ctx.events_identified
    completed = events[
        (events["event_name"] == "Order Completed") & events["person_id"].isin(known)
    ]
    last_order = completed.groupby("person_id")["occurred_at"].max()
    last_add = adds.groupby("person_id")["occurred_at"].max()
    persons = last_add.index.to_series()
    ordered_since = at(persons, last_order) >= last_add
    chosen = (
        in_window(last_add, ctx.as_of, v.cart_abandon_window_days)
        & (last_add < ctx.as_of - pd.Timedelta(minutes=v.cart_abandon_min_minutes))
        & ~ordered_since.fillna(False).astype(bool)
    )
    members = last_add[chosen]
    window = adds[
        adds["person_id"].isin(set(members.index))
        & in_window(adds["occurred_at"], ctx.as_of, v.cart_abandon_window_days)
    ]
    after_order = at(window["person_id"], last_order)
    cart = _cart(window[after_order.isna() | (window["occurred_at"] > after_order)])
    result = pd.DataFrame({"last_cart_add_at": members}).join(cart)
    return result.rename_axis("person_id").reset_index()


def category_enthusiasts(inputs: AudienceInputs) -> pd.DataFrame:
    """At least category_enthusiast_min_orders orders and at least category_enthusiast_min_share
    of the purchased quantity in the favorite category, which is carried, and no order in the
    last category_enthusiast_exclude_recent_buyer_days (half-open)."""
    p, ctx = inputs.persons, inputs.ctx
    v = ctx.vars
    share = p["favorite_category_quantity_share"]
    bought_recently = in_window(
        p["last_order_at"], ctx.as_of, v.category_enthusiast_exclude_recent_buyer_days
    )
    chosen = (
        (p["orders_count"] >= v.category_enthusiast_min_orders)
        & (share >= v.category_enthusiast_min_share).fillna(False)
        & p["favorite_category_purchased"].notna()
        & ~bought_recently.fillna(False).astype(bool)
    ).astype(bool)
    members = p.loc[
        chosen,
        ["person_id", "orders_count", "favorite_category_purchased", share.name, "last_order_at"],
    ]
    return members.rename(columns={"favorite_category_purchased": "enthusiast_category"})


def top_spenders(inputs: AudienceInputs) -> pd.DataFrame:
    """Buyers of whom fewer than top_spender_pct percent of buyers have a strictly higher
    lifetime_revenue, ranked among all buyers (opted-out ones too; they are left out after)."""
    p, v = inputs.persons, inputs.ctx.vars
    buyers = p[p["orders_count"] > 0]
    revenue = buyers["lifetime_revenue"].to_numpy(dtype="float64")
    ordered = np.sort(revenue)
    n = len(ordered)
    at_or_below = np.searchsorted(ordered, revenue, side="right")
    higher = n - at_or_below
    chosen = higher * 100 < v.top_spender_pct * n
    members = buyers.loc[chosen, ["person_id", "orders_count", "lifetime_revenue"]]
    return members.assign(revenue_percentile=at_or_below[chosen] / n)


def product_sharers(inputs: AudienceInputs) -> pd.DataFrame:
    """At least sharer_min_actions shares and reviews (together) in the last sharer_days, and
    an order ever; with the products of their latest orders, newest first."""
    ctx, v = inputs.ctx, inputs.ctx.vars
    p = inputs.persons.copy()
    events = ctx.events_identified
    for name, column in [
        ("Product Shared", "shares_in_window"),
        ("Product Reviewed", "reviews_in_window"),
    ]:
        rows = events[events["event_name"] == name]
        p[column] = _count_in_window(p, rows, "occurred_at", ctx.as_of, v.sharer_days)
    chosen = ((p["shares_in_window"] + p["reviews_in_window"]) >= v.sharer_min_actions) & (
        p["orders_count"] >= 1
    )
    purchases = newest_first(
        order_lines(ctx), "person_id", "product_id", "ordered_at", v.payload_list_max_items
    )
    p["recently_purchased_product_ids"] = at(p["person_id"], purchases).astype(object)
    facts = B2C_AUDIENCES["product_sharers"].facts
    return p.loc[chosen.astype(bool), ["person_id", *facts]]


def dormant_shoppers(inputs: AudienceInputs) -> pd.DataFrame:
    """A buyer whose last order is more than dormant_min_days and at most dormant_max_days
    before as_of; days_since_last_order in calendar days; the favorite purchased category and
    the category of the latest order line naming one (ties at that time: the first by name)."""
    p, ctx = inputs.persons, inputs.ctx
    v = ctx.vars
    last = p["last_order_at"]
    chosen = (
        (
            (p["orders_count"] >= 1)
            & (last < ctx.as_of - pd.Timedelta(days=v.dormant_min_days))
            & (last >= ctx.as_of - pd.Timedelta(days=v.dormant_max_days))
        )
        .fillna(False)
        .astype(bool)
    )
    members = p.loc[
        chosen, ["person_id", "orders_count", "last_order_at", "favorite_category_purchased"]
    ]
    days = (ctx.day - members["last_order_at"].dt.normalize()).dt.days.astype("int64")
    last_category = newest_first(order_lines(ctx), "person_id", "category", "ordered_at", 1)
    return members.assign(
        days_since_last_order=days,
        last_category_purchased=at(members["person_id"], last_category).astype(object),
    )


def shoe_lovers(inputs: AudienceInputs) -> pd.DataFrame:
    """The composed example (models/marts/audiences/composed/aud_shoe_lovers.sql): members of
    category_enthusiasts whose favorite purchased category is shoes, with at least
    shoe_lovers_min_opens email opens and no order in the last 30 days."""
    p, v = inputs.persons, inputs.ctx.vars
    enthusiasts = set(
        finish(inputs, "category_enthusiasts", category_enthusiasts(inputs))["person_id"]
    )
    chosen = (
        p["person_id"].isin(enthusiasts)
        & (p["favorite_category_purchased"] == "shoes")
        & (p["email_opens_30d"] >= v.shoe_lovers_min_opens)
        & (p["orders_30d"] == 0)
    ).astype(bool)
    facts = [
        "favorite_category_purchased",
        "favorite_category_quantity_share",
        "email_opens_30d",
        "orders_30d",
        "last_order_at",
    ]
    return p.loc[chosen, ["person_id", *facts]]


def window_shoppers_without_cart(inputs: AudienceInputs) -> pd.DataFrame:
    """The composed example with an exclusion
    (models/marts/audiences/composed/aud_window_shoppers_without_cart.sql): members of
    window_shoppers that are not members of cart_abandoners."""
    p = inputs.persons
    shoppers = set(finish(inputs, "window_shoppers", window_shoppers(inputs))["person_id"])
    abandoners = set(finish(inputs, "cart_abandoners", cart_abandoners(inputs))["person_id"])
    chosen = p["person_id"].isin(shoppers - abandoners).astype(bool)
    facts = B2C_AUDIENCES["window_shoppers_without_cart"].facts
    return p.loc[chosen, ["person_id", *facts]]


def trial_ending_low_usage_users(inputs: AudienceInputs) -> pd.DataFrame:
    """The person-level B2B audience: user_status free_trial, trial_ends_at in
    (as_of, as_of + trial_ending_days], fewer than trial_low_usage_max_active_days distinct
    event dates in the last trial_low_usage_days."""
    ctx, v = inputs.ctx, inputs.ctx.vars
    p = inputs.persons.copy()
    a = ctx.as_of
    ends = p["trial_ends_at"]
    events = ctx.events_identified
    recent = events[in_window(events["occurred_at"], a, v.trial_low_usage_days)]
    days = recent.assign(day=recent["occurred_at"].dt.normalize()).groupby("person_id")["day"]
    p["active_days_in_window"] = at(p["person_id"], days.nunique()).fillna(0).astype("Int64")
    p["days_until_trial_end"] = (ends.dt.normalize() - ctx.day).dt.days.astype("Int64")
    chosen = (
        (p["user_status"] == "free_trial")
        & (ends > a)
        & (ends <= a + pd.Timedelta(days=v.trial_ending_days))
        & (p["active_days_in_window"] < v.trial_low_usage_max_active_days)
    )
    facts = B2C_AUDIENCES["trial_ending_low_usage_users"].facts
    return p.loc[chosen.fillna(False).astype(bool), ["person_id", *facts]]


def detractors(inputs: AudienceInputs) -> pd.DataFrame:
    """The latest NPS answer up to as_of (ties: the larger response_id) in the last
    detractor_window_days and at most detractor_max_nps, or a mean CSAT of at most
    detractor_max_csat over the tickets closed in that window with a score."""
    ctx, v = inputs.ctx, inputs.ctx.vars
    p = inputs.persons.copy()
    a, days = ctx.as_of, v.detractor_window_days
    nps = ctx.nps_responses[ctx.nps_responses["responded_at"] <= a]
    latest = (
        nps.sort_values(["user_id", "responded_at", "response_id"], ascending=[True, False, False])
        .drop_duplicates("user_id")
        .set_index("user_id")
    )
    p["latest_nps_score"] = at(p["person_id"], latest["score"]).astype("Int64")
    p["latest_nps_responded_at"] = at(p["person_id"], latest["responded_at"])
    tickets = ctx.support_tickets
    rated = tickets[
        tickets["user_id"].notna()
        & tickets["csat_score"].notna()
        & (tickets["opened_at"] <= a)
        & in_window(tickets["closed_at"], a, days)
    ]
    by_user = rated.groupby("user_id")["csat_score"]
    p["avg_csat_in_window"] = at(p["person_id"], by_user.mean()).astype("float64")
    p["rated_tickets_in_window"] = at(p["person_id"], by_user.size()).fillna(0).astype("Int64")
    p["is_nps_detractor"] = (
        (
            (in_window(p["latest_nps_responded_at"], a, days))
            & (p["latest_nps_score"] <= v.detractor_max_nps)
        )
        .fillna(False)
        .astype(bool)
    )
    p["is_csat_detractor"] = (
        (p["avg_csat_in_window"] <= v.detractor_max_csat).fillna(False).astype(bool)
    )
    chosen = p["is_nps_detractor"] | p["is_csat_detractor"]
    facts = B2C_AUDIENCES["detractors"].facts
    return p.loc[chosen, ["person_id", *facts]]


def heavy_email_engagers(inputs: AudienceInputs) -> pd.DataFrame:
    """At least heavy_email_engager_min_opens opens and clicks together in the last
    heavy_email_engager_days."""
    ctx, v = inputs.ctx, inputs.ctx.vars
    p = inputs.persons.copy()
    a, days = ctx.as_of, v.heavy_email_engager_days
    emails = attribute_email_events(ctx.email_events[ctx.email_events["occurred_at"] <= a], p)
    for event_type, column in [
        ("opened", "email_opens_in_window"),
        ("clicked", "email_clicks_in_window"),
    ]:
        rows = emails[emails["event_type"] == event_type]
        p[column] = _count_in_window(p, rows, "occurred_at", a, days)
    chosen = (
        p["email_opens_in_window"] + p["email_clicks_in_window"]
    ) >= v.heavy_email_engager_min_opens
    facts = B2C_AUDIENCES["heavy_email_engagers"].facts
    return p.loc[chosen.astype(bool), ["person_id", *facts]]


@dataclass(frozen=True)
class PersonAudience:
    compute: Callable[[AudienceInputs], pd.DataFrame]
    facts: tuple[str, ...]


B2C_AUDIENCES: dict[str, PersonAudience] = {
    "new_customers": PersonAudience(new_customers, ("signed_up_at", "orders_count")),
    "window_shoppers": PersonAudience(
        window_shoppers,
        (
            "product_views_in_window",
            "orders_in_window",
            "email_opens_in_window",
            "email_clicks_in_window",
            "recently_viewed_product_ids",
            "recently_viewed_categories",
        ),
    ),
    "cart_abandoners": PersonAudience(
        cart_abandoners,
        ("last_cart_add_at", "cart_items", "cart_quantity", "cart_value", "cart_product_ids"),
    ),
    "category_enthusiasts": PersonAudience(
        category_enthusiasts,
        (
            "orders_count",
            "enthusiast_category",
            "favorite_category_quantity_share",
            "last_order_at",
        ),
    ),
    "top_spenders": PersonAudience(
        top_spenders, ("orders_count", "lifetime_revenue", "revenue_percentile")
    ),
    "product_sharers": PersonAudience(
        product_sharers,
        ("shares_in_window", "reviews_in_window", "orders_count", "recently_purchased_product_ids"),
    ),
    "dormant_shoppers": PersonAudience(
        dormant_shoppers,
        (
            "orders_count",
            "last_order_at",
            "days_since_last_order",
            "favorite_category_purchased",
            "last_category_purchased",
        ),
    ),
    "shoe_lovers": PersonAudience(
        shoe_lovers,
        (
            "favorite_category_purchased",
            "favorite_category_quantity_share",
            "email_opens_30d",
            "orders_30d",
            "last_order_at",
        ),
    ),
    "window_shoppers_without_cart": PersonAudience(
        window_shoppers_without_cart,
        ("product_views_30d", "cart_adds_7d", "orders_30d", "email_opens_30d", "email_clicks_30d"),
    ),
    # a person-level B2B audience: it needs persons and events only, so it is compared here
    "trial_ending_low_usage_users": PersonAudience(
        trial_ending_low_usage_users,
        (
            "job_title",
            "trial_ends_at",
            "days_until_trial_end",
            "active_days_in_window",
            "last_seen_at",
        ),
    ),
    "detractors": PersonAudience(
        detractors,
        (
            "latest_nps_score",
            "latest_nps_responded_at",
            "avg_csat_in_window",
            "rated_tickets_in_window",
            "is_nps_detractor",
            "is_csat_detractor",
        ),
    ),
    "heavy_email_engagers": PersonAudience(
        heavy_email_engagers,
        ("email_opens_in_window", "email_clicks_in_window", "last_email_open_at"),
    ),
}


def finish(inputs: AudienceInputs, name: str, members: pd.DataFrame) -> pd.DataFrame:
    """What every person audience carries: no opted-out person, the emailable flag, the email
    only when emailable, when to send (AUDIENCE_SEND_TIME_COLUMNS) and the catalog row of
    `name` (no as_of: a publish records it once)."""
    persons = inputs.persons.set_index("person_id")
    pid = members["person_id"]
    kept = members[~at(pid, persons["has_privacy_opt_out"]).astype(bool)].copy()
    emailable = at(kept["person_id"], persons["is_emailable"]).astype(bool)
    email = at(kept["person_id"], persons["email"]).astype(object)
    kept.insert(1, "is_emailable", emailable)
    kept.insert(2, "email", email.where(emailable, None))
    for offset, column in enumerate(AUDIENCE_SEND_TIME_COLUMNS):
        kept.insert(3 + offset, column, at(kept["person_id"], persons[column]))
    return with_catalog(kept, name)


def with_catalog(members: pd.DataFrame, name: str) -> pd.DataFrame:
    """`members` (a person or an account audience) with the catalog row of `name`, numbered
    from 0."""
    entry = load_catalog().set_index("audience_name").loc[name]
    out = members.copy()
    out["audience_name"] = name
    out["audience_type"] = entry["audience_type"]
    out["audience_description"] = entry["description"]
    out["audience_owner"] = entry["owner"]
    out["recommended_campaign"] = entry["recommended_campaign"]
    out["audience_priority"] = int(entry["priority"])
    return out.reset_index(drop=True)


def compute_b2c_audiences(inputs: AudienceInputs) -> dict[str, pd.DataFrame]:
    return {
        name: finish(inputs, name, audience.compute(inputs))
        for name, audience in B2C_AUDIENCES.items()
    }


def primary_audiences(members: dict[str, pd.Series], catalog: pd.DataFrame) -> pd.DataFrame:
    """Per member (of one member type): the audience with the lowest catalog priority among its
    audiences (ties by audience_name), and how many audiences it is in.

    `members` maps an audience name to its member ids."""
    pairs = pd.concat(
        [
            pd.DataFrame({"audience_name": name, "member_id": ids.to_numpy()})
            for name, ids in members.items()
        ],
        ignore_index=True,
    ).drop_duplicates()
    pairs = pairs.merge(catalog[["audience_name", "priority"]], on="audience_name")
    ordered = pairs.sort_values(["member_id", "priority", "audience_name"], kind="mergesort")
    first = ordered.drop_duplicates("member_id", keep="first").set_index("member_id")
    return (
        pd.DataFrame(
            {
                "primary_audience_name": first["audience_name"],
                "audiences_of_member": pairs.groupby("member_id").size(),
            }
        )
        .rename_axis("member_id")
        .reset_index()
    )
