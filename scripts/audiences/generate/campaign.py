"""The win-back campaign (--publish-weeks): dormant_shoppers published weekly, and the orders
of the treated persons outside the holdout, as extra shop sessions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from .core import Catalog, Config, new_events, uniform_ts
from .persons import NO_LINK, PERIODIC_SIGN_IN, Persons, Sessions
from .shop import ShopChunk, shop_events
from .vocabulary import (
    CAMPAIGN_AUDIENCE,
    CAMPAIGN_ORDER_DELAY,
    CAMPAIGN_ORDER_PROBABILITY,
    DAY,
    DORMANT_MAX_DAYS,
    DORMANT_MIN_DAYS,
    HOLDOUT_PCT,
    MINUTE,
    NEWSLETTER_UTM,
    NO_TS,
    ORDER_COMPLETED,
    WEEK,
    Events,
)


def publish_times(cfg: Config) -> np.ndarray:
    """The weekly publishes, in time order: T_k = end - k weeks for k = N, ..., 1, 0."""
    return cfg.end_ts - WEEK * np.arange(cfg.publish_weeks, -1, -1, dtype=np.int64)


def is_held_out(audience: str, member_ids: Sequence[str]) -> np.ndarray:
    """The spec's holdout (Serving), as macros/holdouts.sql computes it: the first 8 hex digits
    of md5(audience || ':' || member_id), as an integer, modulo 100, below HOLDOUT_PCT."""
    return np.array(
        [
            int(hashlib.md5(f"{audience}:{member}".encode()).hexdigest()[:8], 16) % 100
            < HOLDOUT_PCT
            for member in member_ids
        ],
        dtype=bool,
    )


def win_back_orders(
    rng: np.random.Generator, cfg: Config, p: Persons, ev: Events
) -> tuple[np.ndarray, np.ndarray]:
    """(person, order time) of the win-back campaign's orders. At each publish T_k, k = N..1
    in time order, the persons dormant at T_k (last order up to T_k in [T_k - 90 days,
    T_k - 30 days)) who were not at T_{k+1} enter dormant_shoppers (at T_N every dormant
    person enters); each entrant outside the holdout orders with CAMPAIGN_ORDER_PROBABILITY
    within CAMPAIGN_ORDER_DELAY of T_k. Later publishes see these orders. Orders that would
    fall after the end of the data are not made (they have not happened yet)."""
    empty = np.zeros(0, dtype=np.int64)
    if cfg.publish_weeks <= 0:
        return empty, empty
    completed = ev["name"] == ORDER_COMPLETED
    buyer = ev["person"][completed].astype(np.int64)
    ordered_at = ev["occ"][completed]
    dormant_before = np.zeros(p.n, dtype=bool)
    made_person, made_at = [empty], [empty]
    for publish in publish_times(cfg)[:-1]:
        seen = ordered_at <= publish
        last = np.full(p.n, NO_TS)
        np.maximum.at(last, buyer[seen], ordered_at[seen])
        dormant = (
            (last != NO_TS)
            & (last >= publish - DORMANT_MAX_DAYS * DAY)
            & (last < publish - DORMANT_MIN_DAYS * DAY)
        )
        entered = np.flatnonzero(dormant & ~dormant_before)
        dormant_before = dormant
        treated = entered[~is_held_out(CAMPAIGN_AUDIENCE, p.user_ids[entered])]
        buys = treated[rng.random(treated.size) < CAMPAIGN_ORDER_PROBABILITY]
        lo, hi = CAMPAIGN_ORDER_DELAY
        when = uniform_ts(rng, publish + lo + 1, publish + hi, buys.size)
        buyer = np.concatenate((buyer, buys))
        ordered_at = np.concatenate((ordered_at, when))
        made = when <= cfg.end_ts - 10 * MINUTE
        made_person.append(buys[made])
        made_at.append(when[made])
    return np.concatenate(made_person), np.concatenate(made_at)


def win_back_sessions(
    rng: np.random.Generator, p: Persons, s: Sessions, person: np.ndarray, start: np.ndarray
) -> Sessions:
    """One signed-in session per campaign order, on the person's first device, arriving from
    the email (utm newsletter / email)."""
    m = person.size
    return Sessions(
        person=person,
        start=start,
        identified=np.ones(m, dtype=bool),
        link=np.where(rng.random(m) < 0.15, PERIODIC_SIGN_IN, NO_LINK).astype(np.int8),
        anon=person.copy(),
        device=p.device1[person],
        os=p.os1[person],
        utm=np.full(m, NEWSLETTER_UTM, dtype=np.int16),
        signup_ts=s.signup_ts,
    )


def concat_sessions(a: Sessions, b: Sessions) -> Sessions:
    fields = ("person", "start", "identified", "link", "anon", "device", "os", "utm")
    return Sessions(
        **{f: np.concatenate((getattr(a, f), getattr(b, f))) for f in fields}, signup_ts=a.signup_ts
    )


def win_back_shop(
    rng: np.random.Generator,
    cfg: Config,
    cat: Catalog,
    p: Persons,
    s: Sessions,
    shop: ShopChunk,
    order_base: int,
) -> tuple[ShopChunk, Sessions]:
    """The campaign's orders as sessions through the funnel (views, adds, checkout, order, with
    the person's tastes), each order at its drawn time. Returns their events (sess_ref
    numbered after the chunk's sessions) and items, and the chunk's sessions with them."""
    person, ordered_at = win_back_orders(rng, cfg, p, shop.events)
    if person.size == 0:
        return ShopChunk(new_events(0), {key: value[:0] for key, value in shop.items.items()}), s
    # start a day early so no event is clamped at the end of the data, then move each
    # session so that its order falls on the drawn time
    ws = win_back_sessions(rng, p, s, person, ordered_at - DAY)
    extra = shop_events(rng, cfg, cat, p, ws, order_base, buys=True)
    ev = extra.events
    is_order = ev["name"] == ORDER_COMPLETED
    shift = np.zeros(person.size, dtype=np.int64)
    shift[ev["sess_ref"][is_order]] = ordered_at[ev["sess_ref"][is_order]] - ev["occ"][is_order]
    ev["occ"] = ev["occ"] + shift[ev["sess_ref"]]
    ev["sess_ref"] = ev["sess_ref"] + s.person.size
    return extra, concat_sessions(s, ws)
