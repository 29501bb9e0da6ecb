"""scripts/generate_data.py: the win-back campaign (--publish-weeks) lifts the orders of the
treated entrants of dormant_shoppers, and only theirs, and only adds events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from audiences.raw_contract import RAW_TABLES
from generate_helpers import END, LEDGER, UTC, generate, rows, scalar

# Enough persons for ~200 entrants of dormant_shoppers at the publishes whose 14-day window has
# ended (about 20 of them held out); the end date of the module, a full year of history.
WIN_BACK = ["--persons", "6000", "--days", "365", "--seed", "3"]
WEEKS = 3
LIFT_WINDOW_DAYS = 14


def entries_sql(weeks: int, holdout_of: str = "dormant_shoppers") -> str:
    """CTEs over raw.events: `orders` (user, time of every Order Completed: redeliveries once,
    any spelling of the name, skewed clocks left out) and `entries` (who entered
    dormant_shoppers at which weekly publish T_k = end - 7k days, k = weeks..0, with the
    spec's holdout of the audience `holdout_of`), recomputed the way the dbt project reads
    them."""
    return f"""
        with events as (
            select distinct event_id, event_name, user_id, occurred_at, received_at,
                properties
            from raw.events
        ),
        orders as (
            select
                user_id,
                {UTC} as ordered_at,
                regexp_extract(properties, '"order_id":"(ord_[0-9a-f]+)"', 1) as order_id
            from events
            where lower(regexp_replace(trim(event_name), '[ _-]+', ' ', 'g')) = 'order completed'
                and user_id is not null
                and {UTC} <= received_at + interval 1 hour
        ),
        publishes as (
            select k, {END} - to_days(cast(7 * k as integer)) as as_of
            from range(0, {weeks} + 1) as r(k)
        ),
        dormant as (
            select publishes.k, publishes.as_of, orders.user_id
            from publishes
            inner join orders on orders.ordered_at <= publishes.as_of
            group by all
            having max(orders.ordered_at) >= publishes.as_of - interval 90 day
                and max(orders.ordered_at) < publishes.as_of - interval 30 day
        ),
        entries as (
            select
                dormant.k,
                dormant.as_of,
                dormant.user_id,
                cast(('0x' || substr(md5('{holdout_of}:' || dormant.user_id), 1, 8))
                     as bigint) % 100 < 10 as is_holdout
            from dormant
            left join dormant as before
                on before.user_id = dormant.user_id and before.k = dormant.k + 1
            where before.user_id is null
        )
    """


def order_shares(path: Path, holdout_of: str = "dormant_shoppers") -> dict[bool, tuple[int, int]]:
    """Per holdout flag: (entrants, entrants with an order within the lift window after
    entering), over the publishes whose window has ended by the end of the data."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        found = rows(
            connection,
            entries_sql(WEEKS, holdout_of)
            + f"""
            select
                entries.is_holdout,
                count(*),
                count(*) filter (where exists (
                    select 1 from orders
                    where orders.user_id = entries.user_id
                        and orders.ordered_at > entries.as_of
                        and orders.ordered_at <= entries.as_of
                            + interval {LIFT_WINDOW_DAYS} day
                ))
            from entries
            where entries.as_of + interval {LIFT_WINDOW_DAYS} day <= {END}
            group by 1
        """,
        )
    finally:
        connection.close()
    return {is_holdout: (members, buyers) for is_holdout, members, buyers in found}


@pytest.fixture(scope="module")
def win_back_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("win_back") / "audiences.duckdb"
    generate(path, *WIN_BACK, "--publish-weeks", str(WEEKS))
    return path


@pytest.fixture(scope="module")
def no_campaign_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("no_campaign") / "audiences.duckdb"
    generate(path, *WIN_BACK, "--publish-weeks", "0")
    return path


def test_the_win_back_campaign_lifts_orders_of_treated_dormant_shoppers(
    win_back_path: Path,
) -> None:
    shares = order_shares(win_back_path)
    (treated, treated_buyers), (held_out, held_out_buyers) = shares[False], shares[True]
    assert treated >= 100 and held_out >= 10, shares
    lift = treated_buyers / treated - held_out_buyers / held_out
    assert lift > 0.2, shares


def within_noise(shares: dict[bool, tuple[int, int]]) -> bool:
    """Treated and held out order alike: the difference of their order shares is within three
    standard errors (pooled, as a two-proportion z-test has it)."""
    (treated, treated_buyers), (held_out, held_out_buyers) = shares[False], shares[True]
    assert treated >= 100 and held_out >= 10, shares
    pooled = (treated_buyers + held_out_buyers) / (treated + held_out)
    error = (pooled * (1 - pooled) * (1 / treated + 1 / held_out)) ** 0.5
    difference = treated_buyers / treated - held_out_buyers / held_out
    return abs(difference) < max(3 * error, 0.05)


def test_without_publishes_treated_and_held_out_order_alike(no_campaign_path: Path) -> None:
    shares = order_shares(no_campaign_path)
    assert within_noise(shares), shares


@pytest.mark.parametrize(
    "audience",
    [
        "new_customers",
        "window_shoppers",
        "cart_abandoners",
        "category_enthusiasts",
        "top_spenders",
        "product_sharers",
    ],
)
def test_no_other_audience_holdout_sees_the_campaign(win_back_path: Path, audience: str) -> None:
    """The campaign follows dormant_shoppers' holdout only: split by another audience's
    holdout, the same entrants order alike."""
    shares = order_shares(win_back_path, holdout_of=audience)
    assert within_noise(shares), shares


def fingerprints(path: Path) -> dict[str, tuple]:
    """Rows and the sum of their hashes, per table: the same multiset of rows, the same
    fingerprint (fast enough for a few hundred thousand events)."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: connection.execute(f"select count(*), sum(hash(t)) from {table} as t").fetchone()
            for table in [f"raw.{table}" for table in RAW_TABLES] + [LEDGER]
        }
    finally:
        connection.close()


def test_the_win_back_data_is_the_same_for_the_same_seed(
    win_back_path: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.duckdb"
    generate(again, *WIN_BACK, "--publish-weeks", str(WEEKS))
    assert fingerprints(again) == fingerprints(win_back_path)


@pytest.fixture(scope="module")
def campaign_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A clean data set with the campaign, and the one without it (attached as `none`)."""
    folder = tmp_path_factory.mktemp("campaign_pair")
    args = ["--persons", "2500", "--days", "200", "--seed", "4", "--flaw-rate", "0"]
    generate(folder / "with.duckdb", *args, "--publish-weeks", str(WEEKS))
    generate(folder / "none.duckdb", *args, "--publish-weeks", "0")
    connection = duckdb.connect(str(folder / "with.duckdb"), read_only=True)
    connection.execute(f"attach '{folder / 'none.duckdb'}' as none (read_only)")
    yield connection
    connection.close()


PAYLOAD = (
    "event_id, event_name, anonymous_id, user_id, account_id, occurred_at, properties, context"
)


def test_the_campaign_only_adds_events(campaign_pair: duckdb.DuckDBPyConnection) -> None:
    missing = scalar(
        campaign_pair,
        f"""
        select count(*) from (
            select {PAYLOAD} from none.raw.events except select {PAYLOAD} from raw.events
        )
    """,
    )
    assert missing == 0
    added = rows(
        campaign_pair,
        f"""
        with added as (
            select {PAYLOAD} from raw.events except select {PAYLOAD} from none.raw.events
        )
        select event_name, count(*), count(user_id), count(account_id) from added group by 1
    """,
    )
    by_name = {name: (events, users, accounts) for name, events, users, accounts in added}
    assert {"Product Viewed", "Product Added", "Checkout Started", "Order Completed"} <= set(
        by_name
    )
    # signed-in shop sessions only
    assert all(users == events and accounts == 0 for events, users, accounts in by_name.values())
    for table in (
        "identifies",
        "crm_accounts",
        "crm_contacts",
        "subscriptions",
        "nps_responses",
        "privacy_requests",
    ):
        changed = f"""
            select count(*) from (
                (select * from raw.{table} except all select * from none.raw.{table})
                union all
                (select * from none.raw.{table} except all select * from raw.{table})
            )
        """
        assert scalar(campaign_pair, changed) == 0, table


def test_every_extra_order_answers_the_campaign(campaign_pair: duckdb.DuckDBPyConnection) -> None:
    added_orders = rows(
        campaign_pair,
        entries_sql(WEEKS)
        + """
        , added as (
            select * from orders
            where order_id not in (
                select regexp_extract(properties, '"order_id":"(ord_[0-9a-f]+)"', 1)
                from none.raw.events where event_name = 'Order Completed'
            )
        )
        select added.*,
            exists (
                select 1 from entries
                where entries.user_id = added.user_id and entries.k >= 1
                    and not entries.is_holdout
                    and added.ordered_at > entries.as_of + interval 1 hour
                    and added.ordered_at < entries.as_of + interval 13 day
            ) as after_entry,
            exists (
                select 1 from raw.events
                where event_name = 'Checkout Started' and user_id = added.user_id
                    and json_extract_string(properties, '$.order_id') = added.order_id
            ) as checked_out
        from added
    """,
    )
    assert len(added_orders) >= 20  # ~0.35 of the treated entrants
    # each by a treated entrant, in (T_k + 1 hour, T_k + 13 days), after a checkout
    assert [row for row in added_orders if not (row[3] and row[4])] == []
    # nobody held out gets one
    held_out_buyers = scalar(
        campaign_pair,
        entries_sql(WEEKS)
        + """
        select count(*) from entries
        where is_holdout and user_id in (
            select user_id from orders
            where order_id not in (
                select regexp_extract(properties, '"order_id":"(ord_[0-9a-f]+)"', 1)
                from none.raw.events where event_name = 'Order Completed'
            )
        )
    """,
    )
    assert held_out_buyers == 0
