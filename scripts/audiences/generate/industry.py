"""The events the lifecycle KPIs of seed lifecycle_kpis count: the e-commerce ones in every
run ('Rewards Joined'; product views and wishlist adds are the shop's own), and those of the
industry asked with --industry (media, travel, finance). They happen in the persons' own shop
sessions, draw from their industry's own random stream and are written as a batch of their
own after the chunk's (with flaws from a stream of their own), so that every other event of a
seed stays exactly as it was."""

from __future__ import annotations

import numpy as np

from .chunk import ChunkOutput, make_identifies
from .core import Config, concat_events, new_events, rng_for
from .email import EmailRows
from .persons import Persons, Sessions
from .vocabulary import (
    ARTICLE_READ,
    BANK_ACCOUNT_LINKED,
    BOOKING_COMPLETED,
    IN_APP_MESSAGE_CLICKED,
    MINUTE,
    OFFER_REDEEMED,
    PARTNER_BENEFIT_USED,
    POINTS_REDEEMED,
    PROFILE_VIEWED,
    REVIEW_WRITTEN,
    REWARDS_JOINED,
    STREAM_INDUSTRY,
    SUBSCRIPTION_RESTARTED,
    TRIP_CONTENT_VIEWED,
    Events,
)

# How an event happens: in any session (SESSION), in a signed-in session (SIGNED_IN), or once
# in a person's life, in one of their signed-in sessions (ONCE); with this probability per
# session (per person for ONCE).
SESSION, SIGNED_IN, ONCE = range(3)
KPI_EVENTS: dict[str, tuple[tuple[int, int, float], ...]] = {
    "e-commerce": ((REWARDS_JOINED, ONCE, 0.25),),
    "media": (
        (ARTICLE_READ, SESSION, 0.8),
        (PARTNER_BENEFIT_USED, SIGNED_IN, 0.06),
        (SUBSCRIPTION_RESTARTED, ONCE, 0.15),
    ),
    "travel": (
        (TRIP_CONTENT_VIEWED, SESSION, 0.7),
        (BOOKING_COMPLETED, SIGNED_IN, 0.08),
        (REVIEW_WRITTEN, SIGNED_IN, 0.05),
    ),
    "finance": (
        (PROFILE_VIEWED, SESSION, 0.5),
        (IN_APP_MESSAGE_CLICKED, SESSION, 0.12),
        (OFFER_REDEEMED, SIGNED_IN, 0.04),
        (BANK_ACCOUNT_LINKED, ONCE, 0.2),
    ),
}
# The share of bookings paid with points: a 'Points Redeemed' follows the booking.
POINTS_BOOKING_SHARE = 0.3
# A KPI event happens this long at most after its session starts.
SESSION_SPAN = 30 * MINUTE


def kpi_sessions(rng: np.random.Generator, s: Sessions, how: int, share: float) -> np.ndarray:
    """The sessions in which an event happens (ascending)."""
    if how == SESSION:
        return np.flatnonzero(rng.random(s.person.size) < share)
    signed_in = np.flatnonzero(s.identified)
    if how == SIGNED_IN:
        return signed_in[rng.random(signed_in.size) < share]
    # ONCE: each person's signed-in session with the highest random key, for `share` of them
    key = rng.random(signed_in.size)
    by_person = signed_in[np.lexsort((key, s.person[signed_in]))]
    owner = s.person[by_person]
    chosen = by_person[np.r_[owner[1:] != owner[:-1], True]] if by_person.size else by_person
    return np.sort(chosen[rng.random(chosen.size) < share])


def session_events(
    rng: np.random.Generator, cfg: Config, p: Persons, s: Sessions, name: int, sess: np.ndarray
) -> Events:
    """One event `name` in each of the sessions `sess`, as the session's person and device."""
    occ = s.start[sess] + rng.integers(0, SESSION_SPAN, sess.size)
    return new_events(
        sess.size,
        name=name,
        anon=s.anon[sess].astype(np.int32),
        user=np.where(s.identified[sess], s.person[sess], -1).astype(np.int32),
        occ=np.minimum(occ, cfg.end_ts - 1),
        device=s.device[sess].astype(np.int16),
        os=s.os[sess].astype(np.int16),
        location=p.location[s.person[sess]],
        utm=s.utm[sess],
    )


def industry_events(cfg: Config, p: Persons, s: Sessions, chunk_no: int) -> Events:
    """The KPI events of e-commerce and of cfg.industry, each industry from its own stream."""
    parts: list[Events] = []
    for industry in dict.fromkeys(("e-commerce", cfg.industry)):
        rng = rng_for(cfg, STREAM_INDUSTRY[industry], chunk_no)
        for name, how, share in KPI_EVENTS[industry]:
            events = session_events(rng, cfg, p, s, name, kpi_sessions(rng, s, how, share))
            parts.append(events)
            if name == BOOKING_COMPLETED:
                paid = rng.random(events["occ"].size) < POINTS_BOOKING_SHARE
                points = {key: value[paid] for key, value in events.items()}
                points["name"] = np.full(points["occ"].size, POINTS_REDEEMED, dtype=np.int16)
                points["occ"] = np.minimum(points["occ"] + MINUTE, cfg.end_ts - 1)
                parts.append(points)
    return concat_events(parts)


def industry_chunk(
    cfg: Config, p: Persons, s: Sessions, chunk_no: int, key_base: int, campaign_ids: list[str]
) -> ChunkOutput:
    """The KPI events as a chunk of events only; their event keys start at key_base."""
    empty_text = np.zeros(0, dtype=object)
    empty_int = np.zeros(0, dtype=np.int64)
    return ChunkOutput(
        events=industry_events(cfg, p, s, chunk_no),
        items={"order": empty_int, "product": empty_int, "quantity": empty_int, "line": empty_int},
        anon_dict=p.anon_ids,
        user_dict=p.user_ids,
        account_dict=np.zeros(0, dtype=object),
        identifies=make_identifies(empty_text, empty_text, empty_int),
        emails=EmailRows(
            recipient=empty_int,
            user_known=np.zeros(0, dtype=bool),
            users=empty_text,
            emails=empty_text,
            campaign=empty_int,
            event_type=empty_int,
            occ=empty_int,
        ),
        campaign_ids=campaign_ids,
        tables={},
        key_base=key_base,
    )
