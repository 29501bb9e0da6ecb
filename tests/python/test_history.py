"""History, holdouts and lift (../shared/spec/audiences.md, Serving), tried through
`python3 scripts/dev.py publish` as a sync would see them: a member who leaves and comes back,
an audience that shrinks by more than half between two publishes, holdouts checked against the
spec's formula on the test command's publish, and lift on the weekly publishes of that world."""

from __future__ import annotations

import hashlib
import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from serving_world import T1, T2, World, assert_published, output, table

HOLDOUT_PCT = 10


@dataclass(frozen=True)
class TopSpenderSequence:
    """Publishes 2-4 of a copy of the world, all at T2: top_spender_pct 10, then 2 (the top
    spenders shrink by more than half), then 10 again (the ones between 2 and 10 % come back)."""

    world: World
    publishes: list[subprocess.CompletedProcess[str]]
    memberships_at_2: pd.DataFrame


@pytest.fixture(scope="module")
def sequence(world: World, tmp_path_factory: pytest.TempPathFactory) -> TopSpenderSequence:
    copy = world.copy_to(tmp_path_factory.mktemp("sequence"))
    publishes = []
    memberships_at_2 = pd.DataFrame()
    for share in (10, 2, 10):
        completed = copy.publish("--as-of", T2, "--vars", f'{{"top_spender_pct": {share}}}')
        assert_published(completed)
        publishes.append(completed)
        if len(publishes) == 1:
            memberships_at_2 = table(copy.serving, "select * from fct_audience_memberships")
    return TopSpenderSequence(copy, publishes, memberships_at_2)


def test_a_member_who_leaves_and_comes_back_has_entered_exited_entered(
    sequence: TopSpenderSequence,
) -> None:
    changes = table(
        sequence.world.serving,
        "select member_id, publish_id, change_type, cast(as_of as varchar) as as_of"
        " from fct_audience_membership_changes where audience_name = 'top_spenders'"
        " order by member_id, publish_id",
    )
    histories = changes.groupby("member_id")["change_type"].agg(list)
    returned = histories[histories.map(lambda kinds: kinds[-2:] == ["exited", "entered"])]
    assert len(returned) >= 2, histories.to_dict()
    for member_id, kinds in returned.items():
        assert kinds == ["entered", "exited", "entered"], (member_id, kinds)
        rows = changes[changes["member_id"] == member_id]
        assert rows["publish_id"].tolist()[-2:] == [3, 4]
    members = table(
        sequence.world.serving,
        "select member_id, cast(member_since as varchar) as member_since"
        " from fct_audience_memberships where audience_name = 'top_spenders'",
    ).set_index("member_id")["member_since"]
    # back since their latest entry; a member in since the first publish keeps T1
    assert (members[returned.index] == T2).all()
    stayed = histories[histories.map(lambda kinds: kinds == ["entered"])].index
    first_entered = changes[changes["publish_id"] == 1]["member_id"]
    assert len(stayed.intersection(first_entered)) > 0
    assert (members[stayed.intersection(first_entered)] == T1).all()


def test_an_audience_that_halves_raises_the_swing_warning(sequence: TopSpenderSequence) -> None:
    halved = sequence.publishes[1]
    assert "WARNING: audience top_spenders moved from" in halved.stdout, output(halved)[-3000:]
    # dbt's warn-severity test says so too, and the build still publishes
    assert "audience_sizes_do_not_swing" in halved.stdout and "WARN" in halved.stdout
    swings = table(
        sequence.world.serving,
        "select publish_id, members, previous_members, is_swing from rpt_audience_size_history"
        " where audience_name = 'top_spenders' order by publish_id",
    )
    at_3 = swings[swings["publish_id"] == 3].iloc[0]
    assert at_3["is_swing"] and at_3["members"] <= at_3["previous_members"] / 2
    assert "WARNING: audience top_spenders" not in sequence.publishes[0].stdout


def test_holdouts_are_the_same_in_every_build(sequence: TopSpenderSequence) -> None:
    later = table(sequence.world.serving, "select * from fct_audience_memberships")
    both = sequence.memberships_at_2.merge(later, on="membership_id", suffixes=("_2", "_4"))
    assert len(both) > 50
    assert (both["is_holdout_2"] == both["is_holdout_4"]).all()


def spec_holdout(audience_name: str, member_id: str) -> bool:
    digest = hashlib.md5(f"{audience_name}:{member_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 100 < HOLDOUT_PCT


def test_holdouts_follow_the_spec_hash_at_the_holdout_share(serving_path: Path) -> None:
    memberships = table(
        serving_path, "select audience_name, member_id, is_holdout from fct_audience_memberships"
    )
    expected = [
        spec_holdout(name, member)
        for name, member in zip(memberships["audience_name"], memberships["member_id"], strict=True)
    ]
    assert memberships["is_holdout"].tolist() == expected
    share = memberships["is_holdout"].mean()
    tolerance = 4 * math.sqrt(0.1 * 0.9 / len(memberships))
    assert len(memberships) > 1000 and abs(share - HOLDOUT_PCT / 100) < tolerance


def test_holdouts_are_independent_between_audiences(serving_path: Path) -> None:
    pairs = table(
        serving_path,
        """select first.is_holdout as first_holdout, second.is_holdout as second_holdout
        from fct_audience_memberships as first
        inner join fct_audience_memberships as second
            on first.member_type = second.member_type and first.member_id = second.member_id
            and first.audience_name < second.audience_name""",
    )
    held_in_first = pairs[pairs["first_holdout"]]
    # a member held out of one audience is held out of another no more often than anyone
    assert len(held_in_first) > 50
    share = held_in_first["second_holdout"].mean()
    tolerance = 4 * math.sqrt(0.1 * 0.9 / len(held_in_first))
    assert abs(share - HOLDOUT_PCT / 100) < tolerance


# --- lift, on the test command's weekly publishes ---------------------------------------------

EFFECT_AUDIENCE = "dormant_shoppers"  # the generator's win-back campaign works (--publish-weeks)
# nothing is sent that changes their orders; an audience whose holdout orders at all, since the
# normal approximation's interval collapses on a group with a share of 0 (README, lift)
NO_EFFECT_AUDIENCE = "category_enthusiasts"
Z = 1.96


def lift_rows(serving_path: Path) -> pd.DataFrame:
    return table(serving_path, "select * from rpt_audience_lift")


def recomputed_lift(serving_path: Path, warehouse) -> pd.DataFrame:
    """rpt_audience_lift's all-weeks rows from the feed, the orders and the opens in pandas."""
    window = pd.Timedelta(
        days=int(
            table(serving_path, "select max(lift_window_days) as d from rpt_audience_lift")[
                "d"
            ].iloc[0]
        )
    )
    as_of = table(serving_path, "select as_of from current_publish")["as_of"].iloc[0]
    entries = table(
        serving_path,
        "select audience_name, member_id as person_id, as_of as entered_at"
        " from fct_audience_membership_changes where change_type = 'entered'"
        " and member_type = 'person'",
    )
    entries = entries[entries["entered_at"] + window <= as_of].reset_index(drop=True)
    entries["is_holdout"] = [
        spec_holdout(name, person)
        for name, person in zip(entries["audience_name"], entries["person_id"], strict=True)
    ]
    orders = warehouse.execute(
        "select person_id, ordered_at, revenue from intermediate.int_orders_enriched"
    ).df()
    opens = warehouse.execute(
        "select person_id, occurred_at from intermediate.int_email_events_identified"
        " where event_type = 'opened'"
    ).df()

    def outcome(frame: pd.DataFrame, time_column: str) -> pd.DataFrame:
        joined = entries.reset_index().merge(frame, on="person_id")
        inside = joined[
            (joined[time_column] > joined["entered_at"])
            & (joined[time_column] <= joined["entered_at"] + window)
        ]
        return inside.groupby("index")

    entries["revenue"] = outcome(orders, "ordered_at")["revenue"].sum()
    entries["revenue"] = entries["revenue"].fillna(0.0)
    entries["has_ordered"] = entries.index.isin(outcome(orders, "ordered_at").size().index)
    entries["has_opened"] = entries.index.isin(outcome(opens, "occurred_at").size().index)
    rows = []
    for name, group in entries.groupby("audience_name"):
        treated, holdout = group[~group["is_holdout"]], group[group["is_holdout"]]
        if min(len(treated), len(holdout)) < 2:
            continue  # no interval without two members on each side
        row = {
            "audience_name": name,
            "treated_members": len(treated),
            "holdout_members": len(holdout),
        }
        for measure, column in (("order_share", "has_ordered"), ("open_share", "has_opened")):
            p1, p2 = treated[column].mean(), holdout[column].mean()
            error = math.sqrt(p1 * (1 - p1) / len(treated) + p2 * (1 - p2) / len(holdout))
            row |= {
                f"{measure}_lift": p1 - p2,
                f"{measure}_lift_low": p1 - p2 - Z * error,
                f"{measure}_lift_high": p1 - p2 + Z * error,
            }
        m1, m2 = treated["revenue"].mean(), holdout["revenue"].mean()
        error = math.sqrt(
            treated["revenue"].var() / len(treated) + holdout["revenue"].var() / len(holdout)
        )
        row |= {
            "revenue_per_member_lift": m1 - m2,
            "revenue_per_member_lift_low": m1 - m2 - Z * error,
            "revenue_per_member_lift_high": m1 - m2 + Z * error,
        }
        rows.append(row)
    return pd.DataFrame(rows).set_index("audience_name")


def test_lift_agrees_with_a_recomputation_from_the_feed(serving_path: Path, warehouse) -> None:
    report = lift_rows(serving_path)
    overall = report[report["entry_week"].isna()].set_index("audience_name")
    expected = recomputed_lift(serving_path, warehouse)
    assert len(expected) >= 5
    for name, row in expected.iterrows():
        for column, value in row.items():
            assert math.isclose(overall.loc[name, column], value, rel_tol=1e-9, abs_tol=1e-9), (
                name,
                column,
                overall.loc[name, column],
                value,
            )


def test_lift_finds_the_campaign_effect_and_none_where_there_is_none(serving_path: Path) -> None:
    report = lift_rows(serving_path)
    overall = report[report["entry_week"].isna()].set_index("audience_name")
    effect = overall.loc[EFFECT_AUDIENCE]
    assert effect["holdout_members"] >= 20 and effect["treated_members"] >= 200
    # the generator's campaign makes a treated entrant order with probability 0.35 on top of
    # what they would have done, so the share who ordered rises by about 0.35 (1 - baseline)
    expected = 0.35 * (1 - effect["holdout_order_share"])
    assert effect["order_share_lift_low"] > 0
    assert effect["order_share_lift_low"] <= expected <= effect["order_share_lift_high"]
    assert effect["revenue_per_member_lift_low"] > 0
    none = overall.loc[NO_EFFECT_AUDIENCE]
    assert none["holdout_members"] >= 20 and 0 < none["holdout_order_share"] < 1
    assert none["order_share_lift_low"] <= 0 <= none["order_share_lift_high"]
    assert none["revenue_per_member_lift_low"] <= 0 <= none["revenue_per_member_lift_high"]
