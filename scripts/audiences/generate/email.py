"""Email campaigns (one every few days over the history) and the email events of their
recipients: sends, deliveries, opens, clicks, bounces, unsubscribes and complaints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from .core import Config, rng_for
from .vocabulary import (
    BOUNCED,
    CLICKED,
    COMPLAINED,
    DAY,
    DELIVERED,
    HOUR,
    OPENED,
    SENT,
    STREAM_CAMPAIGNS,
    UNSUBSCRIBED,
)


@dataclass(frozen=True)
class Campaigns:
    ids: list[str]
    send_ts: np.ndarray


def build_campaigns(
    cfg: Config, every_days: int, themes: Sequence[str], prefix: str, stream_chunk: int
) -> Campaigns:
    """One email campaign every `every_days` days over the history (last one >= 6h before
    the end), at a random hour between 08:00 and 18:00 UTC."""
    rng = rng_for(cfg, STREAM_CAMPAIGNS, stream_chunk)
    first_day = cfg.start_ts // DAY + int(rng.integers(0, every_days))
    days = np.arange(first_day, cfg.end_ts // DAY + 1, every_days, dtype=np.int64)
    days = days + rng.integers(0, max(1, every_days // 2), days.size)
    send_ts = days * DAY + rng.integers(8, 18, days.size) * HOUR
    send_ts = np.sort(send_ts[send_ts <= cfg.end_ts - 6 * HOUR])
    ids = [
        f"cmp_{datetime.fromtimestamp(int(ts), UTC):%Y%m%d}_{prefix}"
        f"{themes[int(rng.integers(0, len(themes)))]}"
        for ts in send_ts
    ]
    return Campaigns(ids, send_ts)


@dataclass
class Recipients:
    user: np.ndarray  # object: user_id text or None
    email: np.ndarray  # object: clean lower-case email
    eligible_from: np.ndarray
    eligible_until: np.ndarray
    send_p: np.ndarray
    open_p: np.ndarray


@dataclass
class EmailRows:
    """Email events by recipient (codes into the recipients' user ids and emails, so that the
    text is written as a dictionary rather than converted row by row)."""

    recipient: np.ndarray
    user_known: np.ndarray  # False: the ESP did not send the user id
    users: np.ndarray  # object, per recipient: user_id text or None
    emails: np.ndarray  # object, per recipient: clean lower-case email
    campaign: np.ndarray
    event_type: np.ndarray
    occ: np.ndarray


def email_rows(
    rng: np.random.Generator, rec: Recipients, camps: Campaigns, cfg: Config
) -> EmailRows:
    """Sends, deliveries, opens, clicks, bounces, unsubscribes and complaints for every
    recipient and campaign; nothing is sent after a hard bounce, unsubscribe or complaint."""
    n_rec, n_camp = rec.email.size, camps.send_ts.size
    if n_rec == 0 or n_camp == 0:
        empty = np.zeros(0, dtype=np.int64)
        return EmailRows(empty, np.zeros(0, bool), rec.user, rec.email, empty, empty, empty)
    shape = (n_rec, n_camp)
    camp_t = camps.send_ts[None, :]
    send = (
        (camp_t > rec.eligible_from[:, None])
        & (camp_t < rec.eligible_until[:, None])
        & (rng.random(shape) < rec.send_p[:, None])
    )
    bounced = send & (rng.random(shape) < 0.012)
    hard_bounce = bounced & (rng.random(shape) < 0.5)
    delivered = send & ~bounced
    opened = delivered & (rng.random(shape) < rec.open_p[:, None])
    clicked = opened & (rng.random(shape) < 0.3)
    unsubscribed = opened & (rng.random(shape) < 0.008)
    complained = delivered & (rng.random(shape) < 0.0006)
    stop = hard_bounce | unsubscribed | complained
    first_stop = np.where(stop.any(axis=1), stop.argmax(axis=1), n_camp)
    keep = np.arange(n_camp)[None, :] <= first_stop[:, None]
    t_sent = camp_t + rng.integers(0, 3 * HOUR, shape)
    t_open = t_sent + np.clip(rng.lognormal(np.log(3 * HOUR), 1.3, shape), 60, 7 * DAY).astype(
        np.int64
    )
    kinds = (
        (SENT, send, t_sent),
        (DELIVERED, delivered, t_sent + rng.integers(1, 180, shape)),
        (BOUNCED, bounced, t_sent + rng.integers(5, 600, shape)),
        (OPENED, opened, t_open),
        (CLICKED, clicked, t_open + rng.integers(5, 1800, shape)),
        (UNSUBSCRIBED, unsubscribed, t_open + rng.integers(10, 600, shape)),
        (COMPLAINED, complained, t_sent + rng.integers(HOUR, 3 * DAY, shape)),
    )
    recs, campaigns, types, times = [], [], [], []
    for code, mask, when in kinds:
        r, c = np.nonzero(mask & keep)
        recs.append(r)
        campaigns.append(c)
        types.append(np.full(r.size, code, dtype=np.int16))
        times.append(when[r, c])
    r, c = np.concatenate(recs), np.concatenate(campaigns)
    event_type, occ = np.concatenate(types), np.concatenate(times)
    inside = occ <= cfg.end_ts - 60
    r, c, event_type, occ = r[inside], c[inside], event_type[inside], occ[inside]
    user_known = ~(rng.random(r.size) < 0.1)  # the ESP does not always know the user id
    return EmailRows(r, user_known, rec.user, rec.email, c, event_type, occ)
