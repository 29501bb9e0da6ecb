"""The person lifecycle (../shared/spec/audiences.md, "Lifecycle"): the stage of every person at
the end of each week of the history, the changes between consecutive week ends, and the current
stage and status, with the choices documented in models/marts/lifecycle/_lifecycle__models.yml
and models/intermediate/lifecycle/_int_lifecycle__models.yml where the spec is silent:
week i ends at as_of - 7 i days (i = 0 .. lifecycle_history_weeks - 1); a person without any
activity up to a week end has no stage there; the first week with a stage is an entry
(from_stage null) unless it is the oldest week of the history; lapsed counts as inactive for
the status (defector); a person of dim_persons without any activity up to as_of has a row in
dim_person_lifecycle with a null stage and the status of their orders."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.reference.common import in_window
from tests.reference.context import Context
from tests.reference.persons import _orders as reference_orders

STATUS_ACTIVE_STAGES = {"loyal", "active"}


def week_ends(ctx: Context) -> pd.Series:
    """week_number -> the instant the week ends."""
    weeks = range(ctx.vars.lifecycle_history_weeks)
    return pd.Series([ctx.as_of - pd.Timedelta(days=7 * week) for week in weeks], index=list(weeks))


def activity(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    """Events up to as_of that count as activity (lifecycle_activity_events; none = any event),
    of the persons of dim_persons."""
    events = ctx.events_identified
    chosen = events["person_id"].isin(set(persons["person_id"]))
    if ctx.vars.lifecycle_activity_events:
        chosen &= events["event_name"].isin(set(ctx.vars.lifecycle_activity_events))
    return events.loc[chosen, ["person_id", "occurred_at"]]


def stage(
    last_activity_at: pd.Series, orders_365d: pd.Series, end: pd.Timestamp, ctx: Context
) -> pd.Series:
    """loyal / active / lapsed / inactive at `end`, from the last activity up to it and the
    orders of the 365 days before it."""
    v = ctx.vars
    active = last_activity_at > end - pd.Timedelta(days=v.active_days)
    lapsed = last_activity_at > end - pd.Timedelta(days=v.lapsed_days)
    loyal = active & (orders_365d >= v.loyal_min_orders)
    values = np.select([loyal, active, lapsed], ["loyal", "active", "lapsed"], "inactive")
    return pd.Series(values, index=last_activity_at.index, dtype=object)


def weekly_stages(ctx: Context, persons: pd.DataFrame) -> pd.DataFrame:
    """person_id, week_number, week_ending_at, last_activity_at, orders_365d, lifecycle_stage:
    one row per person and week end with any activity up to it."""
    acts = activity(ctx, persons)
    orders = reference_orders(ctx)
    orders = orders[orders["person_id"].isin(set(persons["person_id"]))]
    frames = []
    for week, end in week_ends(ctx).items():
        last = acts[acts["occurred_at"] <= end].groupby("person_id")["occurred_at"].max()
        recent = orders[in_window(orders["occurred_at"], end, ctx.vars.loyal_order_days)]
        counts = recent.groupby("person_id").size().reindex(last.index, fill_value=0)
        frames.append(
            pd.DataFrame(
                {
                    "person_id": last.index.to_numpy(),
                    "week_number": week,
                    "week_ending_at": end,
                    "last_activity_at": last.to_numpy(),
                    "orders_365d": counts.to_numpy(),
                    "lifecycle_stage": stage(last, counts, end, ctx).to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def transitions(ctx: Context, weekly: pd.DataFrame) -> pd.DataFrame:
    """One row per change of stage from the end of week w + 1 to the end of week w; a person
    without a stage at w + 1 enters (from_stage null), except at the oldest week."""
    oldest = ctx.vars.lifecycle_history_weeks - 1
    later = weekly[weekly["week_number"] < oldest]
    before = weekly[["person_id", "week_number", "lifecycle_stage"]].assign(
        week_number=weekly["week_number"] - 1
    )
    joined = later.merge(
        before.rename(columns={"lifecycle_stage": "from_stage"}),
        on=["person_id", "week_number"],
        how="left",
    )
    changed = joined["from_stage"].isna() | (joined["from_stage"] != joined["lifecycle_stage"])
    rows = joined[changed].rename(columns={"lifecycle_stage": "to_stage"})
    rows["from_stage"] = rows["from_stage"].astype(object).where(rows["from_stage"].notna(), None)
    return rows[["person_id", "week_number", "week_ending_at", "from_stage", "to_stage"]]


def status(orders_count: pd.Series, stages: pd.Series) -> pd.Series:
    """prospect (no order), first_time_buyer (one), regular (two or more and loyal or active),
    defector (two or more and lapsed or inactive)."""
    values = np.select(
        [orders_count == 0, orders_count == 1, stages.isin(STATUS_ACTIVE_STAGES)],
        ["prospect", "first_time_buyer", "regular"],
        "defector",
    )
    return pd.Series(values, index=orders_count.index, dtype=object)


def person_lifecycle(
    ctx: Context, persons: pd.DataFrame, weekly: pd.DataFrame, changes: pd.DataFrame
) -> pd.DataFrame:
    """dim_person_lifecycle: one row per person of dim_persons; the stage and last activity are
    null for a person without any activity up to as_of."""
    current = weekly[weekly["week_number"] == 0].drop(columns=["week_number", "week_ending_at"])
    facts = persons[["person_id", "is_anonymous", "orders_count"]]
    lifecycle = facts.merge(current, on="person_id", how="left")
    lifecycle["orders_365d"] = lifecycle["orders_365d"].fillna(0).astype("int64")
    lifecycle["lifecycle_stage"] = lifecycle["lifecycle_stage"].astype(object)
    lifecycle["lifecycle_stage"] = lifecycle["lifecycle_stage"].where(
        lifecycle["lifecycle_stage"].notna(), None
    )
    previous = weekly[weekly["week_number"] == 1].set_index("person_id")["lifecycle_stage"]
    lifecycle["previous_week_stage"] = previous.reindex(lifecycle["person_id"]).to_numpy()
    newest_change = changes.groupby("person_id")["week_number"].min()
    lifecycle["weeks_since_stage_change"] = (
        newest_change.reindex(lifecycle["person_id"]).astype("Int64").to_numpy()
    )
    lifecycle["lifecycle_status"] = status(lifecycle["orders_count"], lifecycle["lifecycle_stage"])
    days = (ctx.day - lifecycle["last_activity_at"].dt.normalize()).dt.days
    lifecycle["days_since_last_activity"] = days.astype("Int64")
    return lifecycle.reset_index(drop=True)


def compute_lifecycle(ctx: Context, persons: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The three lifecycle tables from the reference dim_persons (deleted persons are not in
    it, so they are in no stage and no history)."""
    weekly = weekly_stages(ctx, persons)
    changes = transitions(ctx, weekly)
    return {
        "fct_lifecycle_weekly_stages": weekly,
        "fct_lifecycle_transitions": changes,
        "dim_person_lifecycle": person_lifecycle(ctx, persons, weekly, changes),
    }
