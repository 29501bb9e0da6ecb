"""Helpers shared by the persons and accounts references: windows, ranks, ties, rounding."""

from __future__ import annotations

import numpy as np
import pandas as pd


def at(keys: pd.Series, values: pd.Series) -> pd.Series:
    """values[key] for each key (missing keys and null keys give null), aligned on `keys`.

    Series.map fails on an empty datetime Series; reindex does not."""
    result = values.reindex(keys.to_numpy())
    result.index = keys.index
    return result


def in_window(t: pd.Series, as_of: pd.Timestamp, days: float) -> pd.Series:
    """as_of - days < t <= as_of (half-open)."""
    return (t > as_of - pd.Timedelta(days=days)) & (t <= as_of)


def days_from(dates: pd.Series, day: pd.Timestamp) -> pd.Series:
    """Whole days from the date of each timestamp to `day` (a midnight), nullable Int64."""
    return (day - dates.dt.normalize()).dt.days.astype("Int64")


def count_by(df: pd.DataFrame, key: str, mask: pd.Series | None = None) -> pd.Series:
    rows = df if mask is None else df[mask]
    return rows.groupby(key).size()


def most_frequent(df: pd.DataFrame, key: str, value: str, time: str, top: int = 1) -> pd.DataFrame:
    """Per key, the `top` most frequent non-null values; ties: seen most recently, then smallest.

    Returns key, value, n, rank (1-based)."""
    rows = df[df[value].notna()]
    stats = rows.groupby([key, value], as_index=False).agg(n=(time, "size"), last=(time, "max"))
    stats = stats.sort_values(
        [key, "n", "last", value], ascending=[True, False, False, True], kind="mergesort"
    )
    stats["rank"] = stats.groupby(key).cumcount() + 1
    return stats[stats["rank"] <= top][[key, value, "n", "rank"]]


def percent_rank(values: pd.Series) -> pd.Series:
    """(rank_min - 1) / (n - 1), ascending; 0 when n = 1."""
    n = len(values)
    if n <= 1:
        return pd.Series(0.0, index=values.index)
    return (values.rank(method="min") - 1) / (n - 1)


def cume_dist(values: pd.Series, ascending: bool = True) -> pd.Series:
    """Rows with a value <= the current one (in the given order), divided by n."""
    n = len(values)
    return values.rank(method="max", ascending=ascending) / n


def round_half_away(values: pd.Series, decimals: int = 0) -> pd.Series:
    """round() as SQL does it for doubles: half away from zero."""
    scale = 10.0**decimals
    scaled = values.astype("float64") * scale
    return np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale


def next_anniversary_days(dates: pd.Series, day: pd.Timestamp) -> pd.Series:
    """Days from `day` to the next anniversary of each date (0 on the day); 29 Feb -> 28 Feb."""
    valid = dates.notna()
    out = pd.Series(pd.NA, index=dates.index, dtype="Int64")
    if not valid.any():
        return out
    d = dates[valid]
    month = d.dt.month.to_numpy()
    dom = d.dt.day.to_numpy()

    def on_year(year: int) -> pd.Series:
        leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
        fixed_day = np.where((month == 2) & (dom == 29) & (not leap), 28, dom)
        return pd.to_datetime(
            pd.DataFrame({"year": year, "month": month, "day": fixed_day}, index=d.index)
        )

    this_year = on_year(day.year)
    next_year = on_year(day.year + 1)
    target = this_year.where(this_year >= day, next_year)
    out[valid] = (target - day).dt.days.astype("Int64")
    return out


def whole_years(birth: pd.Series, day: pd.Timestamp) -> pd.Series:
    """Whole years from birth to day; the birthday itself counts, and a 29 February birthday
    falls on 28 February in other years (as in next_anniversary_days)."""
    leap = (day.year % 4 == 0 and day.year % 100 != 0) or day.year % 400 == 0
    birth_day = birth.dt.day.where(~((birth.dt.month == 2) & (birth.dt.day == 29)) | leap, 28)
    before = (birth.dt.month > day.month) | ((birth.dt.month == day.month) & (birth_day > day.day))
    years = day.year - birth.dt.year - before.astype("Int64")
    return years.astype("Int64")


TICKET_PRIORITIES = ["low", "normal", "high", "urgent"]  # lowest first


def open_tickets(
    tickets: pd.DataFrame, key: str, as_of: pd.Timestamp
) -> tuple[pd.Series, pd.Series]:
    """Per `key`: the tickets opened by as_of and not closed by then, and the highest priority
    among them (urgent > high > normal > low; an unknown priority ranks none)."""
    is_open = (tickets["opened_at"] <= as_of) & ~(tickets["closed_at"] <= as_of)
    rows = tickets[is_open & tickets[key].notna()]
    rank = rows["priority"].map({p: i for i, p in enumerate(TICKET_PRIORITIES)})
    highest = rank.groupby(rows[key]).max().dropna()
    names = pd.Series(
        [TICKET_PRIORITIES[int(r)] for r in highest], index=highest.index, dtype=object
    )
    return rows.groupby(key).size(), names
