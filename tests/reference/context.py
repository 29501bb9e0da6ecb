"""Raw tables and seeds in, staged and identified tables out: what both marts read."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from tests.reference.identity import identify_events
from tests.reference.staging import (
    order_items,
    stage_crm_accounts,
    stage_crm_contacts,
    stage_email_events,
    stage_events,
    stage_identifies,
    stage_nps_responses,
    stage_privacy_requests,
    stage_product_usage_daily,
    stage_subscriptions,
    stage_support_tickets,
)
from tests.reference.vars import ReferenceVars

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = REPO_ROOT / "seeds"
RAW_TABLES = [
    "events",
    "identifies",
    "email_events",
    "crm_accounts",
    "crm_contacts",
    "subscriptions",
    "product_usage_daily",
    "support_tickets",
    "nps_responses",
    "privacy_requests",
]


def load_raw(connection: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The ten raw tables exactly as they are in schema raw."""
    return {t: connection.sql(f"select * from raw.{t}").df() for t in RAW_TABLES}


def load_seeds(seeds_dir: Path = SEEDS_DIR) -> dict[str, pd.DataFrame]:
    return {
        "event_name_aliases": pd.read_csv(seeds_dir / "event_name_aliases.csv", dtype=str),
        "rfm_segments": pd.read_csv(seeds_dir / "rfm_segments.csv"),
        "engagement_event_weights": pd.read_csv(
            seeds_dir / "engagement_event_weights.csv", dtype={"event_name": str, "weight": float}
        ),
        "decision_maker_title_keywords": pd.read_csv(
            seeds_dir / "decision_maker_title_keywords.csv", dtype=str
        ),
        "time_zones": pd.read_csv(seeds_dir / "time_zones.csv", dtype=str),
        "country_time_zones": pd.read_csv(
            seeds_dir / "country_time_zones.csv", dtype=str, keep_default_na=False
        ),
    }


@dataclass
class Context:
    as_of: pd.Timestamp
    day: pd.Timestamp  # D, the date of as_of
    vars: ReferenceVars
    seeds: dict[str, pd.DataFrame]
    events: pd.DataFrame  # staged events (all times)
    events_identified: pd.DataFrame  # staged events up to as_of, with person_id
    order_items: pd.DataFrame
    identifies: pd.DataFrame  # staged identifies (all times)
    email_events: pd.DataFrame
    crm_accounts: pd.DataFrame  # newest version updated by as_of
    crm_contacts: pd.DataFrame  # newest version updated by as_of
    subscriptions: pd.DataFrame
    product_usage_daily: pd.DataFrame
    support_tickets: pd.DataFrame
    nps_responses: pd.DataFrame
    privacy_requests: pd.DataFrame


def prepare(
    raw: dict[str, pd.DataFrame],
    as_of: pd.Timestamp,
    vars: ReferenceVars | None = None,
    seeds: dict[str, pd.DataFrame] | None = None,
) -> Context:
    v = vars or ReferenceVars()
    seeds = seeds or load_seeds()
    as_of = pd.Timestamp(as_of)
    events = stage_events(raw["events"], seeds["event_name_aliases"], v)
    identifies = stage_identifies(raw["identifies"], v)
    return Context(
        as_of=as_of,
        day=as_of.normalize(),
        vars=v,
        seeds=seeds,
        events=events,
        events_identified=identify_events(events, identifies, as_of),
        order_items=order_items(events),
        identifies=identifies,
        email_events=stage_email_events(raw["email_events"], v),
        crm_accounts=stage_crm_accounts(raw["crm_accounts"], as_of),
        crm_contacts=stage_crm_contacts(raw["crm_contacts"], as_of),
        subscriptions=stage_subscriptions(raw["subscriptions"]),
        product_usage_daily=stage_product_usage_daily(raw["product_usage_daily"]),
        support_tickets=stage_support_tickets(raw["support_tickets"]),
        nps_responses=stage_nps_responses(raw["nps_responses"]),
        privacy_requests=stage_privacy_requests(raw["privacy_requests"]),
    )


class FromRaw(Protocol):
    """A reference table computed from the raw tables `raw` at `as_of`, or from an already
    prepared `context` (then `raw` may be None)."""

    def __call__(
        self,
        raw: dict[str, pd.DataFrame] | None,
        as_of: pd.Timestamp,
        vars: ReferenceVars | None = None,
        *,
        context: Context | None = None,
    ) -> pd.DataFrame: ...


def from_raw(compute: Callable[[Context], pd.DataFrame]) -> FromRaw:
    """`compute`, a reference table from a context, made a FromRaw."""

    @functools.wraps(compute)
    def computed(
        raw: dict[str, pd.DataFrame] | None,
        as_of: pd.Timestamp,
        vars: ReferenceVars | None = None,
        *,
        context: Context | None = None,
    ) -> pd.DataFrame:
        if context is None:
            assert raw is not None
            context = prepare(raw, as_of, vars)
        return compute(context)

    return computed
