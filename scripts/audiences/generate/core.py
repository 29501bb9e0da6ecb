"""The run's settings (Config), the random streams, and the small array helpers every part of
the generator uses: timestamps, ids, picks, event batches, and the product catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from .vocabulary import (
    CATEGORIES,
    CATEGORY_MEDIAN_PRICE,
    DAY,
    EVENT_FIELDS,
    HOUR,
    PRODUCTS_PER_CATEGORY,
    STREAM_CATALOG,
    Events,
)


@dataclass(frozen=True)
class Config:
    persons: int
    seed: int
    end_date: date
    days: int
    flaw_rate: float
    chunk_size: int
    accounts_per_chunk: int
    publish_weeks: int = 3
    industry: str = "e-commerce"

    @property
    def end_ts(self) -> int:
        """Epoch seconds of end_date 23:59:59 UTC, the last instant with data."""
        return epoch_seconds(self.end_date) + DAY - 1

    @property
    def start_ts(self) -> int:
        """Epoch seconds of the first day of the history, 00:00:00 UTC."""
        return epoch_seconds(self.end_date) - (self.days - 1) * DAY

    @property
    def accounts(self) -> int:
        return max(60, self.persons // 50)

    @property
    def month_start_ts(self) -> int:
        return epoch_seconds(self.end_date.replace(day=1))


def epoch_seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def rng_for(cfg: Config, stream: int, chunk: int) -> np.random.Generator:
    return np.random.default_rng([cfg.seed, stream, chunk])


def uniform_ts(
    rng: np.random.Generator, lo: np.ndarray | int, hi: np.ndarray | int, n: int
) -> np.ndarray:
    """Uniform epoch seconds in [lo, hi] (hi below lo collapses to lo)."""
    lo_arr = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,))
    hi_arr = np.maximum(np.broadcast_to(np.asarray(hi, dtype=np.int64), (n,)), lo_arr)
    return lo_arr + (rng.random(n) * (hi_arr - lo_arr)).astype(np.int64)


def group_starts(owner_sorted: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(owner_sorted, minlength=n_groups).astype(np.int64)
    return np.cumsum(counts) - counts, counts


def random_hex_ids(
    rng: np.random.Generator, n: int, prefix: str = "", uuid_shaped: bool = False
) -> np.ndarray:
    """Random, practically unique ids (128 bits as UUID text, or 64 bits with a prefix)."""
    if uuid_shaped:
        raw = rng.bytes(16 * n).hex()
        ids = [
            f"{raw[i : i + 8]}-{raw[i + 8 : i + 12]}-4{raw[i + 13 : i + 16]}-"
            f"{raw[i + 16 : i + 20]}-{raw[i + 20 : i + 32]}"
            for i in range(0, 32 * n, 32)
        ]
    else:
        raw = rng.bytes(8 * n).hex()
        ids = [prefix + raw[i : i + 16] for i in range(0, 16 * n, 16)]
    return np.array(ids, dtype=object)


def pick(rng: np.random.Generator, values: Sequence[str], n: int) -> np.ndarray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), n)]


def dow(epoch_day: np.ndarray) -> np.ndarray:
    """Day of week, Monday = 0 (1970-01-01 was a Thursday)."""
    return (epoch_day + 3) % 7


def sample_times(
    rng: np.random.Generator,
    lo: np.ndarray,
    hi: np.ndarray,
    counts: np.ndarray,
    hour_weights: np.ndarray,
    dow_weights: np.ndarray,
    utc_offset_hours: np.ndarray,
    pref_hour: np.ndarray | None = None,
    pref_share: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw counts[i] instants in [lo[i], hi[i]] for every owner i, with a daily rhythm in the
    owner's local time and a weekly rhythm. Returns (owner, epoch seconds), unsorted."""
    owner = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    m = owner.size
    if m == 0:
        return owner, np.zeros(0, dtype=np.int64)
    lo_o, hi_o = lo[owner], hi[owner]
    lo_day, span = lo_o // DAY, hi_o // DAY - lo_o // DAY + 1
    day = np.empty(m, dtype=np.int64)
    accept_p = dow_weights / dow_weights.max()
    pending = np.arange(m)
    for _ in range(8):
        day[pending] = lo_day[pending] + (rng.random(pending.size) * span[pending]).astype(np.int64)
        pending = pending[rng.random(pending.size) >= accept_p[dow(day[pending])]]
        if pending.size == 0:
            break
    hour = rng.choice(24, size=m, p=hour_weights / hour_weights.sum())
    if pref_hour is not None:
        own = rng.random(m) < pref_share
        hour[own] = (pref_hour[owner[own]] + rng.integers(-1, 2, own.sum())) % 24
    local = hour * HOUR + rng.integers(0, HOUR, m)
    t = day * DAY + local - utc_offset_hours[owner] * HOUR
    bad = (t < lo_o) | (t > hi_o)
    t[bad] = uniform_ts(rng, lo_o[bad], hi_o[bad], int(bad.sum()))
    return owner, t


def new_events(n: int, **columns: np.ndarray | int | bool) -> Events:
    """An event batch of n rows: given columns (arrays or scalars), the rest null."""
    ev: Events = {}
    for name, (dtype, null) in EVENT_FIELDS.items():
        value = columns.get(name, null)
        ev[name] = (
            np.asarray(value, dtype=dtype)
            if isinstance(value, np.ndarray)
            else np.full(n, value, dtype=dtype)
        )
    for name, value in columns.items():
        if name not in EVENT_FIELDS:
            ev[name] = np.asarray(value) if isinstance(value, np.ndarray) else np.full(n, value)
    return ev


def concat_events(parts: list[Events]) -> Events:
    parts = [part for part in parts if part["occ"].size]
    if not parts:
        return new_events(0)
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def take_events(ev: Events, index: np.ndarray) -> Events:
    return {key: value[index] for key, value in ev.items()}


def block(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(counts.size, dtype=np.int64), counts)


def pick_within(
    rng: np.random.Generator, session: np.ndarray, starts: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """For each entry of `session`, a random row of that session's block."""
    return starts[session] + (rng.random(session.size) * counts[session]).astype(np.int64)


@dataclass(frozen=True)
class Catalog:
    product_ids: list[str]
    category: np.ndarray
    brand: np.ndarray
    price_cents: np.ndarray

    def sample(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        """A product of each given category; a few bestsellers get most of the views."""
        rank = np.floor(PRODUCTS_PER_CATEGORY * rng.random(category.size) ** 2.2)
        return category.astype(np.int64) * PRODUCTS_PER_CATEGORY + rank.astype(np.int64)


def build_catalog(cfg: Config) -> Catalog:
    rng = rng_for(cfg, STREAM_CATALOG, 0)
    n = len(CATEGORIES) * PRODUCTS_PER_CATEGORY
    category = np.repeat(np.arange(len(CATEGORIES)), PRODUCTS_PER_CATEGORY)
    brand = category * 4 + rng.integers(0, 4, n)
    dollars = np.exp(np.log(CATEGORY_MEDIAN_PRICE[category]) + rng.normal(0, 0.5, n))
    cents = np.maximum(np.floor(dollars), 1).astype(np.int64) * 100 + rng.choice(
        np.array([99, 90, 50, 0]), n, p=[0.5, 0.2, 0.1, 0.2]
    )
    product_ids = [f"prd_{i:05d}" for i in range(n)]
    return Catalog(product_ids, category.astype(np.int16), brand.astype(np.int16), cents)
