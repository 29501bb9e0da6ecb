"""Identity stitching (README "Identity"): person_id of every event up to as_of."""

from __future__ import annotations

import pandas as pd


def anonymous_id_owners(
    events: pd.DataFrame, identifies: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """anonymous_id -> the earliest user seen with it up to as_of (ties: smallest user_id)."""
    cols = ["anonymous_id", "user_id", "occurred_at"]
    links = pd.concat([events[cols], identifies[cols]], ignore_index=True)
    links = links[
        links["anonymous_id"].notna() & links["user_id"].notna() & (links["occurred_at"] <= as_of)
    ]
    links = links.sort_values(["anonymous_id", "occurred_at", "user_id"], kind="mergesort")
    owners = links.drop_duplicates("anonymous_id", keep="first")
    return owners[["anonymous_id", "user_id"]].rename(columns={"user_id": "owner_user_id"})


def identify_events(
    events: pd.DataFrame, identifies: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Staged events with occurred_at <= as_of, each with its person_id."""
    owners = anonymous_id_owners(events, identifies, as_of)
    current = events[events["occurred_at"] <= as_of].merge(owners, on="anonymous_id", how="left")
    anon_person = pd.Series(
        [f"anon:{a}" if isinstance(a, str) else None for a in current["anonymous_id"]],
        index=current.index,
        dtype=object,
    )
    person_id = current["user_id"].where(current["user_id"].notna(), current["owner_user_id"])
    person_id = person_id.where(person_id.notna(), anon_person)
    current["person_id"] = person_id.astype(object)
    current["is_anonymous_person"] = current["user_id"].isna() & current["owner_user_id"].isna()
    return current.drop(columns="owner_user_id")
