"""Flaw injection: received times, at most one flaw per event row (redelivered, late, skewed
clock, sloppy names, numbers as strings, missing ids, malformed JSON, unknown names,
negative revenue) at the flaw rate, and the flaws of email events."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import vocabulary as vocab
from .core import Config
from .vocabulary import (
    DAY,
    FLAW_ORDER,
    FLAW_WEIGHTS,
    HOUR,
    MICROS,
    MINUTE,
    N_NAME_VARIANTS,
    NO_PROPERTY_EVENTS,
    NULL_INT,
    OFFSET_SUFFIX_CODES,
    ORDER_COMPLETED,
    PRICED_EVENTS,
    PRODUCT_REVIEWED,
    REVENUE_EVENTS,
    UNKNOWN_BASE,
    UNKNOWN_EVENT_NAMES,
    VARIANT_BASE,
    Events,
)


@dataclass
class EventFlaws:
    recv_us: np.ndarray
    flaw: np.ndarray  # int8 code, 0 = clean
    written_name: np.ndarray
    occ_written: np.ndarray  # the instant occurred_at shows (skewed for future_clock)
    suffix: np.ndarray
    nas: np.ndarray  # property written as a string, -1 none
    frac: np.ndarray  # share of properties text kept for malformed_json
    copy_rows: np.ndarray  # redelivered copies: row index
    copy_recv_us: np.ndarray


def flaw_counts(rng: np.random.Generator, n: int, rate: float, weights: np.ndarray) -> np.ndarray:
    """How many rows get each flaw: ~rate * n in total, at least one of each when rate > 0."""
    if rate <= 0 or n == 0:
        return np.zeros(weights.size, dtype=np.int64)
    total = rng.binomial(n, min(rate, 1.0))
    return np.maximum(rng.multinomial(total, weights / weights.sum()), 1)


def choose_rows(rng: np.random.Generator, eligible: np.ndarray, k: int) -> np.ndarray:
    candidates = np.flatnonzero(eligible)
    k = min(int(k), candidates.size)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(rng.choice(candidates, k, replace=False))


def redelivery_copies(
    rng: np.random.Generator, rows: np.ndarray, recv_us: np.ndarray, end_us: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """1-2 extra copies per row, each seconds to hours after the original (never after the
    end). Returns (copy row index, copy received_at, copies per row)."""
    extra = 1 + (rng.random(rows.size) < 0.15)
    copy_rows = np.repeat(rows, extra)
    room = np.maximum(end_us - recv_us[copy_rows], MICROS)
    delay = np.exp(rng.uniform(np.log(MICROS), np.log(6 * HOUR * MICROS), copy_rows.size))
    delay = np.minimum(delay.astype(np.int64), room)
    return copy_rows, recv_us[copy_rows] + delay, extra


def plan_event_flaws(rng: np.random.Generator, cfg: Config, ev: Events) -> EventFlaws:
    """Received times for every event (a second or so after it happened, minutes for batched
    mobile events) and the flaws at cfg.flaw_rate, at most one per row."""
    n = ev["occ"].size
    occ, name = ev["occ"], ev["name"]
    end_us = cfg.end_ts * MICROS
    delay = rng.lognormal(np.log(0.8 * MICROS), 1.0, n).astype(np.int64)
    batched = rng.random(n) < 0.04
    delay[batched] += rng.integers(30 * MICROS, 20 * MINUTE * MICROS, int(batched.sum()))
    recv_us = np.minimum(occ * MICROS + delay, end_us)
    flaw = np.zeros(n, dtype=np.int8)
    written_name = name.astype(np.int32)
    occ_written = occ.copy()
    suffix = ev["server"].astype(np.int16)
    nas = np.full(n, -1, dtype=np.int16)
    frac = np.ones(n, dtype=np.float32)
    empty = np.zeros(0, dtype=np.int64)
    copy_rows, copy_recv = empty, empty

    has_revenue = np.isin(name, REVENUE_EVENTS) & ((ev["order"] >= 0) | (ev["refund"] != NULL_INT))
    eligible = {
        vocab.F_REDELIVERED: recv_us <= end_us - 2 * MICROS,
        vocab.F_LATE: occ <= cfg.end_ts - DAY - MINUTE,
        vocab.F_NUMBER_AS_STRING: np.isin(name, (*PRICED_EVENTS, PRODUCT_REVIEWED)) | has_revenue,
        vocab.F_NEGATIVE_REVENUE: name == ORDER_COMPLETED,
        vocab.F_MALFORMED_JSON: ~np.isin(name, NO_PROPERTY_EVENTS),  # truncate a real payload
    }
    counts = flaw_counts(rng, n, cfg.flaw_rate, FLAW_WEIGHTS)
    for code in FLAW_ORDER if cfg.flaw_rate > 0 else ():
        k = counts[code - 1]
        if code == vocab.F_NEGATIVE_REVENUE:
            k = min(k, max(1, int(eligible[code].sum()) // 10))
        rows = choose_rows(rng, eligible.get(code, np.ones(n, dtype=bool)) & (flaw == 0), k)
        flaw[rows] = code
        m = rows.size
        if code == vocab.F_REDELIVERED:
            copy_rows, copy_recv, _ = redelivery_copies(rng, rows, recv_us, end_us)
        elif code == vocab.F_LATE:
            room = np.minimum(10 * DAY, cfg.end_ts - occ[rows])
            late = DAY + (rng.random(m) * (room - DAY)).astype(np.int64)
            recv_us[rows] = np.minimum((occ[rows] + late) * MICROS + delay[rows], end_us)
        elif code == vocab.F_TIMEZONE:
            suffix[rows] = rng.choice(OFFSET_SUFFIX_CODES, m)
        elif code == vocab.F_FUTURE:
            skew = np.exp(rng.uniform(np.log(3 * HOUR), np.log(30 * DAY), m)).astype(np.int64)
            occ_written[rows] = recv_us[rows] // MICROS + skew
        elif code == vocab.F_NAME_VARIANT:
            written_name[rows] = (
                VARIANT_BASE + name[rows] * N_NAME_VARIANTS + rng.integers(0, N_NAME_VARIANTS, m)
            )
        elif code == vocab.F_UNKNOWN_EVENT:
            written_name[rows] = UNKNOWN_BASE + rng.integers(0, len(UNKNOWN_EVENT_NAMES), m)
        elif code == vocab.F_NUMBER_AS_STRING:
            nas[rows] = np.select(
                [
                    np.isin(name[rows], REVENUE_EVENTS),
                    name[rows] == PRODUCT_REVIEWED,
                    (ev["quantity"][rows] >= 0) & (rng.random(m) < 0.3),
                ],
                [1, 3, 2],
                0,
            )
        elif code == vocab.F_MISSING_IDENTITY:
            ev["anon"][rows] = -1
            ev["user"][rows] = -1
        elif code == vocab.F_MALFORMED_JSON:
            frac[rows] = rng.uniform(0.35, 0.9, m)
    return EventFlaws(
        recv_us,
        flaw,
        written_name,
        occ_written,
        suffix,
        nas,
        frac,
        copy_rows,
        copy_recv.astype(np.int64),
    )


def email_variant(rng: np.random.Generator, email: str) -> str:
    style = int(rng.integers(0, 4))
    return (email.upper(), f" {email}", f"{email}  ", f"  {email.title()} ")[style]
