"""The six B2B audience tables agree member for member and column for column with the pandas
reference (tests/reference/account_audiences.py), which starts from the reference's own
dim_accounts and dim_persons and the staged events computed from the raw tables, never from
the marts: the same members, the same columns, and the same value in every column (exact for
text, integers and booleans, timestamps to the microsecond, floats within 1e-9 relative or 1e-6
absolute, nulls equal nulls). Hand-made tiny inputs then pin the reference's own rules at their
boundaries, so that the reference cannot drift along with a wrong mart."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from audiences.runtime import end_of_day
from reference_helpers import (
    assert_column_agrees,
    assert_same_keys,
    reference_context,
    reference_dims,
    tiny_context,
)

from tests.reference.account_audiences import (
    ACCOUNT_AUDIENCES,
    AccountAudienceVars,
    AccountInputs,
)

KEYS = {name: ["account_id"] for name in ACCOUNT_AUDIENCES}
KEYS["product_champions"] = ["account_id", "person_id"]


@pytest.fixture(scope="session")
def reference_account_audiences(
    warehouse: duckdb.DuckDBPyConnection, warehouse_end_date: str
) -> dict[str, pd.DataFrame]:
    as_of = pd.Timestamp(end_of_day(warehouse_end_date))
    context = reference_context(warehouse.cursor(), as_of)
    dims = reference_dims(context, as_of)
    inputs = AccountInputs(
        ctx=context,
        accounts=dims["dim_accounts"],
        persons=dims["dim_persons"],
        vars=AccountAudienceVars(),
    )
    return {name: compute(inputs) for name, compute in ACCOUNT_AUDIENCES.items()}


@pytest.fixture(scope="session")
def mart_account_audiences(warehouse: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    cursor = warehouse.cursor()
    return {name: cursor.sql(f"select * from marts.aud_{name}").df() for name in ACCOUNT_AUDIENCES}


@pytest.mark.parametrize("audience", list(ACCOUNT_AUDIENCES))
def test_reference_and_mart_have_the_same_members(
    mart_account_audiences: dict[str, pd.DataFrame],
    reference_account_audiences: dict[str, pd.DataFrame],
    audience: str,
) -> None:
    ours = reference_account_audiences[audience]
    assert len(ours) > 0, f"the reference {audience} is empty on the test data set"
    assert_same_keys(ours, mart_account_audiences[audience], KEYS[audience], f"aud_{audience}")


@pytest.mark.parametrize("audience", list(ACCOUNT_AUDIENCES))
def test_reference_and_mart_have_the_same_columns(
    mart_account_audiences: dict[str, pd.DataFrame],
    reference_account_audiences: dict[str, pd.DataFrame],
    audience: str,
) -> None:
    ours = list(reference_account_audiences[audience].columns)
    theirs = list(mart_account_audiences[audience].columns)
    unchecked = sorted(set(theirs) - set(ours))
    missing = sorted(set(ours) - set(theirs))
    assert not unchecked, f"aud_{audience} has columns the reference does not check: {unchecked}"
    assert not missing, f"aud_{audience} lacks columns the reference computes: {missing}"


@pytest.mark.parametrize("audience", list(ACCOUNT_AUDIENCES))
def test_reference_and_mart_agree_on_every_column(
    mart_account_audiences: dict[str, pd.DataFrame],
    reference_account_audiences: dict[str, pd.DataFrame],
    audience: str,
) -> None:
    keys = KEYS[audience]
    ours, theirs = reference_account_audiences[audience], mart_account_audiences[audience]
    problems = []
    for column in [c for c in ours.columns if c in theirs.columns and c not in keys]:
        try:
            assert_column_agrees(ours, theirs, keys, column, f"aud_{audience}")
        except AssertionError as problem:
            problems.append(str(problem))
    assert not problems, "\n".join(problems)


# The reference's own rules on hand-made rows (A = 2026-06-30 12:00:00)

AS_OF = pd.Timestamp("2026-06-30 12:00:00")
ACCOUNT_DEFAULTS: dict[str, object] = {
    "account_name": "Co",
    "domain": "co.com",
    "account_status": "freemium",
    "industry": "retail",
    "employee_count": 500,
    "plan": "pro",
    "mrr": 100.0,
    "is_paying": False,
    "customer_since": pd.NaT,
    "trial_started_at": pd.NaT,
    "last_demo_requested_at": pd.NaT,
    "last_sign_in_at": pd.NaT,
    "last_checkout_started_at": pd.NaT,
    "last_subscription_started_at": pd.NaT,
    "users_count": 0,
    "active_users_7d": 0,
    "active_users_30d": 0,
    "seats_used": 0,
    "seat_limit": 10,
    "usage_this_month": 0.0,
    "monthly_usage_limit": 100.0,
    "usage_ratio_this_month": 0.0,
    "latest_nps_score": None,
}
PERSON_DEFAULTS: dict[str, object] = {
    "is_emailable": True,
    "email": None,
    "has_privacy_opt_out": False,
    "job_title": "Engineer",
    "preferred_send_hour": None,
    "preferred_send_day_of_week": None,
    "send_time_zone": "UTC",
    "send_time_observations": 0,
}


def _frame(rows: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column.endswith("_at"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    return frame


def _tiny_inputs(
    accounts: list[dict[str, object]],
    events: list[tuple[str, str, str, str]] = (),  # type: ignore[assignment]
    *,
    persons: list[dict[str, object]] = (),  # type: ignore[assignment]
    opens: list[tuple[str, str]] = (),  # type: ignore[assignment]
    tickets: list[tuple[str, str]] = (),  # type: ignore[assignment]
    **var_values: object,
) -> AccountInputs:
    """Inputs from dim_accounts rows (defaults above), events (account_id, person_id,
    event_name, occurred_at, and optionally the feature; a `Page Viewed` is of /pricing),
    email opens (user_id, occurred_at) of contacts whose user_id is `<account_id>_contact`,
    and tickets (account_id, opened_at)."""
    dim_accounts = pd.DataFrame([{**ACCOUNT_DEFAULTS, **row} for row in accounts])
    for column in [c for c in dim_accounts.columns if c.endswith("_at") or c == "customer_since"]:
        dim_accounts[column] = pd.to_datetime(dim_accounts[column]).astype("datetime64[us]")
    dim_accounts["latest_nps_score"] = dim_accounts["latest_nps_score"].astype("Int64")
    staged = _frame(
        [
            {
                "account_id": account,
                "person_id": person,
                "event_name": name,
                "occurred_at": at,
                "page_path": "/pricing" if name == "Page Viewed" else None,
                "feature": feature[0] if feature else None,
            }
            for account, person, name, at, *feature in events
        ],
        ["account_id", "person_id", "event_name", "occurred_at", "page_path", "feature"],
    )
    contacts = pd.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(len(accounts))],
            "account_id": [row["account_id"] for row in accounts],
            "user_id": [f"{row['account_id']}_contact" for row in accounts],
            "email": [f"{row['account_id']}@x.com" for row in accounts],
            "job_title": "Engineer",
        }
    )
    email_events = _frame(
        [
            {"email_event_id": f"m{i}", "user_id": user, "email": None, "event_type": "opened"}
            | {"occurred_at": at}
            for i, (user, at) in enumerate(opens)
        ],
        ["email_event_id", "user_id", "email", "event_type", "occurred_at"],
    )
    support_tickets = _frame(
        [
            {"ticket_id": f"t{i}", "account_id": account, "opened_at": at}
            for i, (account, at) in enumerate(tickets)
        ],
        ["ticket_id", "account_id", "opened_at"],
    )
    context = tiny_context(
        AS_OF,
        seeds={"decision_maker_title_keywords": pd.DataFrame({"keyword": ["ceo"]})},
        events=staged,
        events_identified=staged,
        crm_contacts=contacts,
        email_events=email_events,
        support_tickets=support_tickets,
        privacy_requests=pd.DataFrame(columns=["user_id", "email", "request_type"]),
    )
    people = pd.DataFrame([{**PERSON_DEFAULTS, **row} for row in persons])
    if people.empty:
        people = pd.DataFrame(columns=["person_id", *PERSON_DEFAULTS])
    return AccountInputs(
        ctx=context,
        accounts=dim_accounts,
        persons=people,
        vars=AccountAudienceVars(**var_values),  # type: ignore[arg-type]
    )


def _members(inputs: AccountInputs, audience: str) -> pd.DataFrame:
    return ACCOUNT_AUDIENCES[audience](inputs).set_index(KEYS[audience]).sort_index()


def test_reference_churn_risk_at_its_boundaries() -> None:
    """Active users down exactly 50 % is a drop and down 40 % is not; NPS 6 is a detractor and
    7 is not; 3 tickets in the window count and 2 (or one exactly 30 days old) do not; an
    account whose contact opened an email gets no point for it."""
    names = ["half_drop", "forty_drop", "nps_6", "nps_7", "two_tickets"]
    accounts = [{"account_id": n, "is_paying": True} for n in names]
    accounts[2]["latest_nps_score"] = 6
    accounts[3]["latest_nps_score"] = 7
    before, now = "2026-05-15 12:00:00", "2026-06-29 12:00:00"
    events = [
        ("half_drop", "u1", "Signed In", before),
        ("half_drop", "u2", "Signed In", before),
        ("half_drop", "u1", "Signed In", now),
        *[("forty_drop", f"u{i}", "Signed In", before) for i in range(5)],
        *[("forty_drop", f"u{i}", "Signed In", now) for i in range(3)],
    ]
    opens = [(f"{n}_contact", "2026-06-29 08:00:00") for n in ["nps_6", "nps_7"]]
    three = ["2026-05-31 12:00:01", "2026-06-10 08:00:00", "2026-06-30 12:00:00"]
    tickets = [(n, at) for n in ["nps_6", "nps_7"] for at in three]
    tickets += [("two_tickets", "2026-05-31 12:00:00"), ("two_tickets", "2026-06-10 08:00:00")]
    tickets += [("two_tickets", "2026-06-20 08:00:00")]
    members = _members(
        _tiny_inputs(accounts, events, opens=opens, tickets=tickets), "churn_risk_accounts"
    )
    assert list(members.index) == ["half_drop", "nps_6"]
    half = members.loc["half_drop"]
    assert (half["active_users_in_window"], half["active_users_prev_window"]) == (1, 2)
    assert half["has_usage_drop"] and half["has_no_contact_email_open"]
    assert half["churn_risk_score"] == 2
    nps_6 = members.loc["nps_6"]
    assert nps_6["is_nps_detractor"] and nps_6["has_many_tickets"]
    assert nps_6["tickets_in_window"] == 3 and not nps_6["has_no_contact_email_open"]
    # a 10-day window: nps_6 keeps one ticket (not many), half_drop has no user in the 10 days
    # before, so neither reaches 2 points
    short = _tiny_inputs(accounts, events, opens=opens, tickets=tickets, churn_risk_window_days=10)
    assert _members(short, "churn_risk_accounts").empty


def test_reference_high_value_prospects_pricing_views_at_the_threshold() -> None:
    """3 pricing views in 14 days are intent and 2 are not (a view exactly 14 days old is out);
    a sign-in is intent only in a trial; a paying account is out."""
    accounts = [
        {"account_id": n} for n in ["three_views", "two_views", "trial_sign_in", "freemium_sign_in"]
    ]
    accounts[2]["account_status"] = "trial"
    accounts.append({"account_id": "paying", "is_paying": True, "account_status": "paying"})
    inside = ["2026-06-16 12:00:01", "2026-06-25 08:00:00", "2026-06-30 12:00:00"]
    events = [("three_views", "u1", "Page Viewed", at) for at in inside]
    events += [("two_views", "u2", "Page Viewed", "2026-06-16 12:00:00")]
    events += [("two_views", "u2", "Page Viewed", at) for at in inside[1:]]
    events += [
        (n, "u3", "Signed In", "2026-06-29 08:00:00") for n in ["trial_sign_in", "freemium_sign_in"]
    ]
    events += [("paying", "u4", "Page Viewed", at) for at in inside]
    members = _members(_tiny_inputs(accounts, events), "high_value_prospects")
    assert list(members.index) == ["three_views", "trial_sign_in"]
    assert members.loc["three_views", "pricing_page_views_in_window"] == 3
    assert members.loc["three_views", "has_pricing_intent"]
    assert members.loc["trial_sign_in", "has_trial_intent"]
    assert members.loc["trial_sign_in", "sign_ins_in_window"] == 1


def test_reference_upgrade_candidates_at_the_seat_and_usage_limits() -> None:
    """Seats equal to the limit fire, one below does not (however many active users), a zero
    limit never does; usage at exactly 0.9 of the limit does not fire and just above does;
    2 pricing views fire, 1 not."""
    rows = {
        "seats_at_limit": {"active_users_30d": 5, "seats_used": 5, "seat_limit": 5},
        "seats_below": {"active_users_30d": 4, "seats_used": 4, "seat_limit": 5},
        "zero_seat_limit": {"active_users_30d": 0, "seats_used": 0, "seat_limit": 0},
        # anonymous visitors and page views make active users, not seats
        "visitors_not_seats": {"active_users_30d": 9, "seats_used": 4, "seat_limit": 5},
        "usage_at_ratio": {"usage_this_month": 90.0, "usage_ratio_this_month": 0.9},
        "usage_above": {"usage_this_month": 90.01, "usage_ratio_this_month": 0.9001},
        "two_pricing_views": {},
        "one_pricing_view": {},
    }
    accounts = [{"account_id": n, "is_paying": True, **row} for n, row in rows.items()]
    events = [("two_pricing_views", "u1", "Page Viewed", "2026-06-29 08:00:00")] * 2
    events += [("one_pricing_view", "u1", "Page Viewed", "2026-06-29 08:00:00")]
    members = _members(_tiny_inputs(accounts, events), "upgrade_candidates")
    assert members["upgrade_signals"].to_dict() == {
        "seats_at_limit": "seat_limit",
        "two_pricing_views": "pricing_views",
        "usage_above": "usage_limit",
    }
    assert members.loc["two_pricing_views", "pricing_page_views_in_window"] == 2


def test_reference_product_champions_ties_and_minimum() -> None:
    """Two users tied at 8 days are both champions and the 7-day one is not; an account whose
    best is 7 days has none; an opted-out top user is left out without promoting the
    runner-up; a non-paying account has none; the email shows only when emailable."""
    accounts = [
        {"account_id": "tie", "is_paying": True, "account_name": "Tie Co"},
        {"account_id": "seven", "is_paying": True},
        {"account_id": "opted_out_top", "is_paying": True},
        {"account_id": "unpaid"},
    ]

    def days(account: str, person: str, count: int) -> list[tuple[str, str, str, str]]:
        # one sign-in a day on `count` days ending at as_of, twice on the last day
        stamps = [AS_OF - pd.Timedelta(days=d) for d in range(count)]
        return [(account, person, "Signed In", str(t)) for t in [*stamps, stamps[0]]]

    events = [
        *days("tie", "u1", 8),
        *days("tie", "u2", 8),
        *days("tie", "u3", 7),
        *days("seven", "u4", 7),
        *days("opted_out_top", "u5", 9),
        *days("opted_out_top", "u6", 8),
        *days("unpaid", "u7", 20),
        ("tie", "u3", "Signed In", "2026-05-31 12:00:00"),  # exactly 30 days old: out
    ]
    persons = [
        {"person_id": "u1", "email": "u1@tie.com", "job_title": "CTO"},
        {"person_id": "u2", "email": "u2@tie.com", "is_emailable": False},
        *[{"person_id": f"u{i}"} for i in (3, 4, 6, 7)],
        {"person_id": "u5", "has_privacy_opt_out": True},
    ]
    members = _members(_tiny_inputs(accounts, events, persons=persons), "product_champions")
    assert list(members.index) == [("tie", "u1"), ("tie", "u2")]
    assert members["sign_in_days_in_window"].tolist() == [8, 8]
    assert members["email"].tolist() == ["u1@tie.com", None]
    assert members["account_name"].tolist() == ["Tie Co", "Tie Co"]
    assert members.loc[("tie", "u1"), "last_sign_in_at"] == AS_OF
    # with a 7-day window nobody has the 8 days champion_min_active_days asks for
    week = _tiny_inputs(accounts, events, persons=persons, champion_window_days=7)
    assert _members(week, "product_champions").empty  # 7 days < champion_min_active_days


def test_reference_onboarding_steps_not_taken_since_paying() -> None:
    """The steps of seed onboarding_steps none of the account's events took at or after
    customer_since, in step order, at most payload_list_max_items (2) listed: a sign-in one
    second before customer_since does not count, one at customer_since does; a Feature Used
    step needs its feature; another account's event takes nothing; every step taken is 0
    and no list."""
    since = "2026-06-10 00:00:00"
    accounts = [
        {"account_id": n, "is_paying": True, "customer_since": since}
        for n in ["starter", "busy", "done"]
    ]
    events = [
        ("starter", "u1", "Signed In", "2026-06-09 23:59:59"),
        ("other", "u9", "Invite Sent", "2026-06-20 00:00:00"),
        ("busy", "u2", "Signed In", since),
        ("busy", "u2", "Feature Used", "2026-06-11 00:00:00", "reports"),
        ("busy", "u2", "Feature Used", "2026-06-12 00:00:00", "alerts"),
        ("done", "u3", "Signed In", "2026-06-11 00:00:00"),
        ("done", "u3", "Invite Sent", "2026-06-12 00:00:00"),
        *[
            ("done", "u3", "Feature Used", "2026-06-13 00:00:00", feature)
            for feature in ["dashboards", "integrations", "alerts"]
        ],
    ]
    members = _members(
        _tiny_inputs(accounts, events, payload_list_max_items=2), "onboarding_customers"
    )
    assert members["onboarding_steps_missing_count"].to_dict() == {
        "busy": 3,
        "done": 0,
        "starter": 5,
    }
    assert members["onboarding_steps_missing"].to_dict() == {
        "busy": "invite_teammate,build_dashboard",
        "done": None,
        "starter": "sign_in,invite_teammate",
    }
