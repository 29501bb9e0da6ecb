"""The pandas reference of the B2C audiences and the lifecycle (tests/reference/audiences.py
and lifecycle.py) on hand-made rows at the boundaries the spec and the yml docs fix, so that an
agreement with the marts (test_reference_audiences.py) is not two sides missing the same edge
(the generated data set rarely lands exactly on one)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from reference_helpers import tiny_context

from tests.reference.audiences import (
    B2C_AUDIENCES,
    AudienceInputs,
    finish,
    primary_audiences,
)
from tests.reference.lifecycle import compute_lifecycle
from tests.reference.vars import ReferenceVars

AS_OF = "2026-06-30 12:00:00"
EVENT_COLUMNS = [
    "event_id",
    "person_id",
    "event_name",
    "occurred_at",
    "received_at",
    "product_id",
    "category",
    "price",
    "quantity",
    "order_id",
    "revenue",
]
PERSON_DEFAULTS: dict[str, object] = {
    "user_id": None,
    "is_emailable": True,
    "email": None,
    "has_privacy_opt_out": False,
    "preferred_send_hour": None,
    "preferred_send_day_of_week": None,
    "send_time_zone": "UTC",
    "send_time_observations": 0,
    "is_anonymous": False,
    "signed_up_at": pd.NaT,
    "orders_count": 0,
    "orders_30d": 0,
    "product_views_30d": 0,
    "email_opens_30d": 0,
    "email_clicks_30d": 0,
    "favorite_category_purchased": None,
    "favorite_category_quantity_share": np.nan,
    "lifetime_revenue": 0.0,
    "shares_90d": 0,
    "reviews_90d": 0,
    "last_order_at": pd.NaT,
    "user_status": None,
    "trial_ends_at": pd.NaT,
    "job_title": None,
    "last_seen_at": pd.NaT,
    "last_email_open_at": pd.NaT,
}


def _tiny_inputs(
    persons: list[dict[str, object]],
    events: list[tuple[str, str, str, str | None, float | None, float | None]]
    | list[tuple[str, str, str, str | None, float | None, float | None, str | None]]
    | None = None,
    email_events: list[tuple[str, str, str]] | None = None,
    **var_values: object,
) -> AudienceInputs:
    """Inputs from persons (dim_persons columns, defaults above), events (person_id,
    event_name, occurred_at, product_id, price, quantity, and optionally category) and email
    events (user_id, event_type, occurred_at). An `Order Completed` is one order of one line:
    its product_id, category and quantity."""
    frame = pd.DataFrame([{**PERSON_DEFAULTS, **row} for row in persons])
    for column in ("signed_up_at", "last_order_at"):
        frame[column] = pd.to_datetime(frame[column], format="ISO8601").astype("datetime64[us]")
    rows = [
        {
            "event_id": f"e{i}",
            "person_id": person,
            "event_name": name,
            "occurred_at": pd.Timestamp(at),
            "received_at": pd.Timestamp(at),
            "product_id": product,
            "category": category[0] if category else None,
            "price": price,
            "quantity": quantity,
            "order_id": f"o{i}" if name == "Order Completed" else None,
            "revenue": 10.0 if name == "Order Completed" else None,
        }
        for i, (person, name, at, product, price, quantity, *category) in enumerate(events or [])
    ]
    staged = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    staged["occurred_at"] = pd.to_datetime(staged["occurred_at"]).astype("datetime64[us]")
    orders = staged[staged["event_name"] == "Order Completed"]
    lines = pd.DataFrame(
        {
            "event_id": orders["event_id"],
            "category": orders["category"],
            "quantity": orders["quantity"].fillna(1.0),
            "product_id": orders["product_id"],
        }
    )
    emails = pd.DataFrame(
        [
            {"email_event_id": f"m{i}", "user_id": user, "email": None, "event_type": kind}
            | {"occurred_at": pd.Timestamp(at)}
            for i, (user, kind, at) in enumerate(email_events or [])
        ],
        columns=["email_event_id", "user_id", "email", "event_type", "occurred_at"],
    )
    emails["occurred_at"] = pd.to_datetime(emails["occurred_at"]).astype("datetime64[us]")
    as_of = pd.Timestamp(AS_OF)
    context = tiny_context(
        as_of,
        vars=ReferenceVars(**var_values),  # type: ignore[arg-type]
        seeds={},
        events=staged,
        events_identified=staged,
        order_items=lines,
        email_events=emails,
    )
    adds = staged[staged["event_name"] == "Product Added"].reset_index(drop=True)
    return AudienceInputs(ctx=context, persons=frame, cart_adds=adds)


def _members(inputs: AudienceInputs, audience: str) -> pd.DataFrame:
    computed = B2C_AUDIENCES[audience].compute(inputs)
    return finish(inputs, audience, computed).set_index("person_id")


def test_reference_cart_abandoners_at_the_documented_boundaries() -> None:
    added, ordered = "Product Added", "Order Completed"
    people = [
        "cart",
        "window_edge",
        "window_inside",
        "sixty_minutes",
        "sixty_minutes_one",
        "ordered_after",
        "ordered_same_instant",
        "fresh_latest_add",
        "opted_out",
    ]
    persons = [{"person_id": p, "has_privacy_opt_out": p == "opted_out"} for p in people]
    inputs = _tiny_inputs(
        persons,
        [
            ("cart", added, "2026-06-25 09:00:00", "p9", 99.0, 1.0),
            ("cart", ordered, "2026-06-25 10:00:00", None, None, None),
            ("cart", added, "2026-06-29 10:00:00", "p2", 10.0, 2.0),
            ("cart", added, "2026-06-29 11:00:00", "p10", 5.0, None),
            ("cart", added, "2026-06-29 12:00:00", "p2", 10.0, 1.0),
            ("someone_else", ordered, "2026-06-30 10:00:00", None, None, None),
            ("window_edge", added, "2026-06-23 12:00:00", "p1", 10.0, 1.0),
            ("window_inside", added, "2026-06-23 12:00:01", "p1", None, 3.0),
            ("sixty_minutes", added, "2026-06-30 11:00:00", "p1", 10.0, 1.0),
            ("sixty_minutes_one", added, "2026-06-30 10:59:59", "p1", 10.0, 1.0),
            ("ordered_after", added, "2026-06-28 10:00:00", "p1", 10.0, 1.0),
            ("ordered_after", ordered, "2026-06-28 11:00:00", None, None, None),
            ("ordered_same_instant", added, "2026-06-28 10:00:00", "p1", 10.0, 1.0),
            ("ordered_same_instant", ordered, "2026-06-28 10:00:00", None, None, None),
            ("fresh_latest_add", added, "2026-06-28 10:00:00", "p1", 10.0, 1.0),
            ("fresh_latest_add", added, "2026-06-30 11:30:00", "p2", 10.0, 1.0),
            ("opted_out", added, "2026-06-28 10:00:00", "p1", 10.0, 1.0),
            ("deleted", added, "2026-06-28 10:00:00", "p1", 10.0, 1.0),
        ],
    )
    members = _members(inputs, "cart_abandoners")
    assert sorted(members.index) == ["cart", "sixty_minutes_one", "window_inside"]
    cart = members.loc["cart"]
    assert (cart["cart_items"], cart["cart_quantity"], cart["cart_value"]) == (2, 4, 35)
    assert cart["cart_product_ids"] == "p10,p2"
    assert members.loc["window_inside", "cart_value"] == 0


# one second inside the default 30-day window, inside it, and at as_of
WINDOW_TIMES = ["2026-05-31 12:00:01", "2026-06-15 08:00:00", "2026-06-30 12:00:00"]


def test_reference_person_audiences_at_their_boundaries() -> None:
    inputs = _tiny_inputs(
        [
            {"person_id": "signed_30d_ago", "signed_up_at": "2026-05-31 12:00:00"},
            {"person_id": "signed_inside", "signed_up_at": "2026-05-31 12:00:01"},
            {"person_id": "signed_buyer", "signed_up_at": "2026-06-20", "orders_count": 1},
            {"person_id": "last_order_30d", "orders_count": 1, "last_order_at": "2026-05-31 12:00"},
            {"person_id": "last_order_31d", "orders_count": 2, "last_order_at": "2026-05-31 11:59"},
            {"person_id": "last_order_90d", "orders_count": 1, "last_order_at": "2026-04-01 12:00"},
            {"person_id": "last_order_91d", "orders_count": 1, "last_order_at": "2026-04-01 11:59"},
            {"person_id": "browser", "user_id": "browser"},
            {"person_id": "two_views", "user_id": "two_views"},
            {"person_id": "sharer", "orders_count": 1},
            {"person_id": "edge_sharer", "orders_count": 1},
            {"person_id": "non_buyer_sharer"},
            {
                "person_id": "fan",
                "orders_count": 2,
                "favorite_category_purchased": "shoes",
                "favorite_category_quantity_share": 0.6,
                "email_opens_30d": 3,
            },
            {
                "person_id": "opted_out_fan",
                "has_privacy_opt_out": True,
                "orders_count": 2,
                "favorite_category_purchased": "shoes",
                "favorite_category_quantity_share": 1.0,
                "email_opens_30d": 3,
            },
        ],
        [
            *[("browser", "Product Viewed", t, None, None, None) for t in WINDOW_TIMES],
            ("two_views", "Product Viewed", "2026-05-31 12:00:00", None, None, None),
            *[("two_views", "Product Viewed", t, None, None, None) for t in WINDOW_TIMES[1:]],
            ("two_views", "Product Viewed", "2026-06-30 12:00:01", None, None, None),
            ("sharer", "Product Shared", "2026-04-01 12:00:01", None, None, None),
            ("sharer", "Product Reviewed", "2026-06-30 12:00:00", None, None, None),
            ("edge_sharer", "Product Shared", "2026-04-01 12:00:00", None, None, None),
            ("edge_sharer", "Product Reviewed", "2026-06-29 12:00:00", None, None, None),
            *[("non_buyer_sharer", "Product Shared", t, None, None, None) for t in WINDOW_TIMES],
        ],
        [("browser", "clicked", "2026-06-29 10:00:00"), ("two_views", "opened", "2026-06-29")],
    )
    expected = {
        "new_customers": ["signed_inside"],
        "dormant_shoppers": ["last_order_31d", "last_order_90d"],
        "window_shoppers": ["browser"],
        "product_sharers": ["sharer"],
        "category_enthusiasts": ["fan"],
        "shoe_lovers": ["fan"],
    }
    for audience, persons in expected.items():
        assert sorted(_members(inputs, audience).index) == persons, audience
    dormant = _members(inputs, "dormant_shoppers")["days_since_last_order"]
    assert dormant.to_dict() == {"last_order_31d": 30, "last_order_90d": 90}


def test_reference_top_spenders_cut_is_exact_and_ranks_opted_out_buyers() -> None:
    revenues = [1000.0, 500.0, 400.0, *[float(r) for r in range(17, 0, -1)]]
    persons = [
        {"person_id": f"b{i:02d}", "orders_count": 1, "lifetime_revenue": revenue}
        for i, revenue in enumerate(revenues)
    ]
    persons[0]["has_privacy_opt_out"] = True
    persons.append({"person_id": "refund_only", "lifetime_revenue": -15.0})
    members = _members(_tiny_inputs(persons), "top_spenders")
    assert list(members.index) == ["b01"]
    assert members.loc["b01", "revenue_percentile"] == pytest.approx(0.95)
    tied = [{"person_id": f"t{i}", "orders_count": 1, "lifetime_revenue": 300.0} for i in range(3)]
    tied += [
        {"person_id": f"n{i}", "orders_count": 1, "lifetime_revenue": float(i)} for i in range(7)
    ]
    assert sorted(_members(_tiny_inputs(tied), "top_spenders").index) == ["t0", "t1", "t2"]


def test_reference_lifecycle_at_its_boundaries() -> None:
    viewed, ordered = "Page Viewed", "Order Completed"
    people = [
        *("active_edge", "lapsed_edge", "inactive_edge", "loyal", "not_loyal", "newcomer"),
        "silent",
    ]
    inputs = _tiny_inputs(
        [{"person_id": p, "orders_count": 3 if "loyal" in p else 0} for p in people],
        [
            ("active_edge", viewed, "2026-05-31 12:00:01", None, None, None),
            ("lapsed_edge", viewed, "2026-05-31 12:00:00", None, None, None),
            ("inactive_edge", viewed, "2026-04-01 12:00:00", None, None, None),
            ("loyal", ordered, "2025-06-30 12:00:01", None, None, None),
            ("loyal", ordered, "2026-01-01 10:00:00", None, None, None),
            ("loyal", ordered, "2026-06-01 10:00:00", None, None, None),
            ("loyal", viewed, "2026-06-29 10:00:00", None, None, None),
            ("not_loyal", ordered, "2025-06-30 12:00:00", None, None, None),
            ("not_loyal", ordered, "2026-01-01 10:00:00", None, None, None),
            ("not_loyal", ordered, "2026-06-01 10:00:00", None, None, None),
            ("not_loyal", viewed, "2026-06-29 10:00:00", None, None, None),
            ("newcomer", "Signed Up", "2026-06-25 10:00:00", None, None, None),
        ],
        lifecycle_history_weeks=3,
    )
    tables = compute_lifecycle(inputs.ctx, inputs.persons)
    weekly = tables["fct_lifecycle_weekly_stages"].set_index(["person_id", "week_number"])
    assert weekly["lifecycle_stage"].to_dict() == {
        **{("active_edge", w): "active" for w in (0, 1, 2)},
        ("lapsed_edge", 0): "lapsed",
        ("lapsed_edge", 1): "active",
        ("lapsed_edge", 2): "active",
        ("inactive_edge", 0): "inactive",
        ("inactive_edge", 1): "lapsed",
        ("inactive_edge", 2): "lapsed",
        **{("loyal", w): "loyal" for w in (0, 1, 2)},
        ("not_loyal", 0): "active",
        ("not_loyal", 1): "loyal",
        ("not_loyal", 2): "loyal",
        ("newcomer", 0): "active",
    }
    changes = tables["fct_lifecycle_transitions"]
    assert set(
        zip(
            changes["person_id"],
            changes["week_number"],
            changes["from_stage"],
            changes["to_stage"],
            strict=True,
        )
    ) == {
        ("lapsed_edge", 0, "active", "lapsed"),
        ("inactive_edge", 0, "lapsed", "inactive"),
        ("not_loyal", 0, "loyal", "active"),
        ("newcomer", 0, None, "active"),
    }
    current = tables["dim_person_lifecycle"].set_index("person_id")["lifecycle_status"]
    assert current.to_dict() == {
        "active_edge": "prospect",
        "lapsed_edge": "prospect",
        "inactive_edge": "prospect",
        "loyal": "regular",
        "not_loyal": "regular",
        "newcomer": "prospect",
        "silent": "prospect",
    }
    stages = tables["dim_person_lifecycle"].set_index("person_id")["lifecycle_stage"]
    assert stages["silent"] is None


def test_reference_primary_audience_is_the_lowest_priority_then_the_name() -> None:
    catalog = pd.DataFrame(
        {"audience_name": ["b_second", "a_second", "first"], "priority": [2, 2, 1]}
    )
    members = {
        "b_second": pd.Series(["x", "y"]),
        "a_second": pd.Series(["x"]),
        "first": pd.Series(["y"]),
    }
    primary = primary_audiences(members, catalog).set_index("member_id")
    assert primary["primary_audience_name"].to_dict() == {"x": "a_second", "y": "first"}
    assert primary["audiences_of_member"].to_dict() == {"x": 2, "y": 2}


def test_reference_lifecycle_activity_can_be_restricted_to_chosen_events() -> None:
    inputs = _tiny_inputs(
        [{"person_id": "reader"}],
        [
            ("reader", "Page Viewed", "2026-05-01 12:00:00", None, None, None),
            ("reader", "Signed In", "2026-06-29 12:00:00", None, None, None),
        ],
        lifecycle_history_weeks=1,
        lifecycle_activity_events=("Page Viewed",),
    )
    current = compute_lifecycle(inputs.ctx, inputs.persons)["dim_person_lifecycle"]
    assert current.set_index("person_id")["lifecycle_stage"].to_dict() == {"reader": "lapsed"}


def test_reference_window_audiences_follow_their_window_vars() -> None:
    """window_shopper_days and sharer_days move the windows: with 10 days the views, order and
    email open of 2026-06-20 12:00:00 are out and one second later in."""
    persons = [
        {"person_id": p, "user_id": p, "orders_count": 1}
        for p in ["browser", "late_browser", "buyer_before", "sharer", "late_sharer"]
    ]
    views = [("2026-06-20 12:00:01",), ("2026-06-25 08:00:00",), ("2026-06-30 12:00:00",)]
    events = [
        *[("browser", "Product Viewed", t, None, None, None) for (t,) in views],
        ("late_browser", "Product Viewed", "2026-06-20 12:00:00", None, None, None),
        *[("late_browser", "Product Viewed", t, None, None, None) for (t,) in views[1:]],
        *[("buyer_before", "Product Viewed", t, None, None, None) for (t,) in views],
        ("buyer_before", "Order Completed", "2026-06-20 12:00:00", None, None, None),
        ("sharer", "Product Shared", "2026-06-20 12:00:01", None, None, None),
        ("sharer", "Product Reviewed", "2026-06-29 08:00:00", None, None, None),
        ("late_sharer", "Product Shared", "2026-06-20 12:00:00", None, None, None),
        ("late_sharer", "Product Reviewed", "2026-06-29 08:00:00", None, None, None),
    ]
    opens = [(p, "opened", "2026-06-29 08:00:00") for p in ["browser", "late_browser"]]
    opens.append(("buyer_before", "opened", "2026-06-20 12:00:01"))
    ten_days = _tiny_inputs(persons, events, opens, window_shopper_days=10, sharer_days=10)
    shoppers = _members(ten_days, "window_shoppers")
    assert sorted(shoppers.index) == ["browser", "buyer_before"]
    assert shoppers.loc["buyer_before", "orders_in_window"] == 0
    assert sorted(_members(ten_days, "product_sharers").index) == ["sharer"]
    # with the 30-day and 90-day defaults the early view, share and order are in the windows
    defaults = _tiny_inputs(persons, events, opens)
    assert sorted(_members(defaults, "window_shoppers").index) == ["browser", "late_browser"]
    assert sorted(_members(defaults, "product_sharers").index) == ["late_sharer", "sharer"]


def test_reference_category_enthusiasts_leave_out_recent_buyers() -> None:
    """The exclusion is half-open, as_of - 14 days < last_order_at <= as_of: a last order
    exactly 14 days before as_of stays in, one second later is out, one at as_of is out; with
    0 days nobody is left out."""
    fan = {"orders_count": 2, "favorite_category_purchased": "shoes"}
    fan["favorite_category_quantity_share"] = 0.8
    persons = [
        {"person_id": "exactly_14", **fan, "last_order_at": "2026-06-16 12:00:00"},
        {"person_id": "inside_14", **fan, "last_order_at": "2026-06-16 12:00:01"},
        {"person_id": "at_as_of", **fan, "last_order_at": "2026-06-30 12:00:00"},
        {"person_id": "long_ago", **fan, "last_order_at": "2025-06-30 12:00:00"},
    ]
    members = _members(_tiny_inputs(persons), "category_enthusiasts")
    assert sorted(members.index) == ["exactly_14", "long_ago"]
    assert members.loc["exactly_14", "last_order_at"] == pd.Timestamp("2026-06-16 12:00:00")
    nobody_out = _tiny_inputs(persons, category_enthusiast_exclude_recent_buyer_days=0)
    assert len(_members(nobody_out, "category_enthusiasts")) == 4


def test_reference_payload_lists_are_distinct_newest_first_and_bounded() -> None:
    """Viewed products and categories (in the window), purchased products and the last-bought
    category: distinct items at their latest time, newest first, a tie in time to the smaller
    item, nulls left out, at most payload_list_max_items (3) items."""
    viewed, ordered = "Product Viewed", "Order Completed"
    persons = [
        {"person_id": "browser", "user_id": "browser"},
        {"person_id": "sharer", "orders_count": 5},
        {"person_id": "dormant", "orders_count": 2, "last_order_at": "2026-05-01 12:00:00"},
    ]
    events = [
        ("browser", viewed, "2026-06-21 09:00:00", "p1", None, None, "shoes"),
        ("browser", viewed, "2026-06-30 11:00:00", "p1", None, None, "shoes"),
        ("browser", viewed, "2026-06-29 10:00:00", "p5", None, None, "hats"),
        ("browser", viewed, "2026-06-29 10:00:00", "p4", None, None, "bags"),
        ("browser", viewed, "2026-06-25 10:00:00", "p6", None, None, "scarves"),
        ("browser", viewed, "2026-06-30 11:30:00", None, None, None, None),
        ("browser", viewed, "2026-06-20 12:00:00", "p9", None, None, "coats"),
        ("sharer", "Product Shared", "2026-06-29 10:00:00", None, None, None),
        ("sharer", "Product Reviewed", "2026-06-29 11:00:00", None, None, None),
        ("sharer", ordered, "2026-01-01 12:00:00", "p0", None, 1.0),
        ("sharer", ordered, "2026-02-01 12:00:00", "p4", None, 1.0),
        ("sharer", ordered, "2026-03-01 12:00:00", "p3", None, 1.0),
        ("sharer", ordered, "2026-03-01 12:00:00", "p2", None, 1.0),
        ("sharer", ordered, "2026-04-01 12:00:00", "p1", None, 1.0),
        ("sharer", ordered, "2026-04-02 12:00:00", None, None, 1.0),
        ("dormant", ordered, "2026-04-01 12:00:00", "p1", None, 1.0, "toys"),
        ("dormant", ordered, "2026-05-01 12:00:00", "p2", None, 1.0, "shoes"),
        ("dormant", ordered, "2026-05-01 12:00:00", "p3", None, 1.0, "bags"),
    ]
    opens = [("browser", "opened", "2026-06-29 10:00:00")]
    inputs = _tiny_inputs(persons, events, opens, payload_list_max_items=3, window_shopper_days=10)
    browser = _members(inputs, "window_shoppers").loc["browser"]
    assert browser["recently_viewed_product_ids"] == "p1,p4,p5"
    assert browser["recently_viewed_categories"] == "shoes,bags,hats"
    sharer = _members(inputs, "product_sharers").loc["sharer"]
    assert sharer["recently_purchased_product_ids"] == "p1,p2,p3"
    dormant = _members(inputs, "dormant_shoppers").loc["dormant"]
    assert dormant["last_category_purchased"] == "bags"


def test_reference_new_person_audiences_at_their_boundaries() -> None:
    """trial_ending_low_usage_users: a trial ending exactly 7 days after as_of is in, a second
    later out; 2 active days (two events on one date are one) are low usage, 3 are not, an event
    exactly 14 days old does not count; a paying person is out. detractors: NPS 6 answered a
    second inside the 90 days is in, 6 answered exactly 90 days ago and 7 are out, a newer
    promoter answer clears an older detractor one; a mean CSAT of 2 over tickets closed in the
    window is in, 2.5 is out. heavy_email_engagers: 3 opens and 2 clicks are 5 and in, 4 are
    out, an open exactly 30 days old does not count."""
    trial = {"user_status": "free_trial", "trial_ends_at": pd.Timestamp("2026-07-01")}
    inputs = _tiny_inputs(
        [
            {
                **trial,
                "person_id": "ends_at_edge",
                "trial_ends_at": pd.Timestamp("2026-07-07 12:00"),
            },
            {
                **trial,
                "person_id": "ends_after_edge",
                "trial_ends_at": pd.Timestamp("2026-07-07 12:00:01"),
            },
            {**trial, "person_id": "two_days"},
            {**trial, "person_id": "three_days"},
            {**trial, "person_id": "paying", "user_status": "paying"},
            {"person_id": "nps_6", "user_id": "nps_6"},
            {"person_id": "nps_6_at_edge", "user_id": "nps_6_at_edge"},
            {"person_id": "nps_7", "user_id": "nps_7"},
            {"person_id": "cleared", "user_id": "cleared"},
            {"person_id": "csat_2", "user_id": "csat_2"},
            {"person_id": "csat_2_5", "user_id": "csat_2_5"},
            {"person_id": "reader", "user_id": "reader"},
            {"person_id": "light_reader", "user_id": "light_reader"},
        ],
        [
            ("two_days", "Signed In", "2026-06-16 12:00:00", None, None, None),
            ("two_days", "Signed In", "2026-06-20 08:00:00", None, None, None),
            ("two_days", "Feature Used", "2026-06-20 09:00:00", None, None, None),
            ("two_days", "Signed In", "2026-06-29 08:00:00", None, None, None),
            ("three_days", "Signed In", "2026-06-16 12:00:01", None, None, None),
            ("three_days", "Signed In", "2026-06-20 08:00:00", None, None, None),
            ("three_days", "Signed In", "2026-06-29 08:00:00", None, None, None),
        ],
        [
            *[("reader", "opened", f"2026-06-2{d} 08:00:00") for d in range(3)],
            *[("reader", "clicked", f"2026-06-2{d} 08:01:00") for d in range(2)],
            ("light_reader", "opened", "2026-05-31 12:00:00"),
            *[("light_reader", "opened", f"2026-06-2{d} 08:00:00") for d in range(4)],
        ],
    )
    inputs.persons["trial_ends_at"] = pd.to_datetime(inputs.persons["trial_ends_at"])
    nps = pd.DataFrame(
        [
            ("r1", "nps_6", 6, "2026-04-01 12:00:01"),
            ("r2", "nps_6_at_edge", 6, "2026-04-01 12:00:00"),
            ("r3", "nps_7", 7, "2026-06-01 00:00:00"),
            ("r4", "cleared", 2, "2026-05-01 00:00:00"),
            ("r5", "cleared", 9, "2026-06-01 00:00:00"),
        ],
        columns=["response_id", "user_id", "score", "responded_at"],
    ).assign(responded_at=lambda d: pd.to_datetime(d["responded_at"]))
    tickets = pd.DataFrame(
        [
            ("t1", "csat_2", 1.0, "2026-06-01", "2026-06-02"),
            ("t2", "csat_2", 3.0, "2026-06-01", "2026-06-03"),
            ("t3", "csat_2_5", 2.0, "2026-06-01", "2026-06-02"),
            ("t4", "csat_2_5", 3.0, "2026-06-01", "2026-06-03"),
            ("t5", "csat_2_5", 1.0, "2026-03-01", "2026-04-01 12:00:00"),
        ],
        columns=["ticket_id", "user_id", "csat_score", "opened_at", "closed_at"],
    )
    for column in ("opened_at", "closed_at"):
        tickets[column] = pd.to_datetime(tickets[column], format="ISO8601")
    inputs = replace(inputs, ctx=replace(inputs.ctx, nps_responses=nps, support_tickets=tickets))
    expected = {
        "trial_ending_low_usage_users": ["ends_at_edge", "two_days"],
        "detractors": ["csat_2", "nps_6"],
        "heavy_email_engagers": ["reader"],
    }
    for audience, persons in expected.items():
        assert sorted(_members(inputs, audience).index) == persons, audience
    trials = _members(inputs, "trial_ending_low_usage_users")
    assert trials["active_days_in_window"].to_dict() == {"ends_at_edge": 0, "two_days": 2}
    assert trials["days_until_trial_end"].to_dict() == {"ends_at_edge": 7, "two_days": 1}
    detractors = _members(inputs, "detractors")
    assert detractors["is_nps_detractor"].to_dict() == {"csat_2": False, "nps_6": True}
    assert detractors.loc["csat_2", "avg_csat_in_window"] == 2.0
    readers = _members(inputs, "heavy_email_engagers")
    assert readers.loc["reader", ["email_opens_in_window", "email_clicks_in_window"]].tolist() == [
        3,
        2,
    ]
