"""Low-level parsing shared by the reference staging: text, timestamps, JSON, numbers."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

_SEPARATORS = re.compile(r"[ _\-]+")


def clean_text(series: pd.Series) -> pd.Series:
    """Text as object dtype with None for null, empty or blank values (not trimmed)."""
    values = [
        v if isinstance(v, str) and v.strip() != "" else None
        for v in series.astype(object).tolist()
    ]
    return pd.Series(values, index=series.index, dtype=object)


def clean_email(series: pd.Series) -> pd.Series:
    """Trimmed, lower case; None when null or blank."""
    values = [
        v.strip().lower() if isinstance(v, str) and v.strip() != "" else None
        for v in series.astype(object).tolist()
    ]
    return pd.Series(values, index=series.index, dtype=object)


def event_name_key(series: pd.Series) -> pd.Series:
    """Lower case, runs of ' ', '_' and '-' collapsed to one space, trimmed."""
    values = [
        _SEPARATORS.sub(" ", v.lower()).strip() if isinstance(v, str) else None
        for v in series.astype(object).tolist()
    ]
    return pd.Series(values, index=series.index, dtype=object)


def unreadable_timestamps(series: pd.Series, parsed: pd.Series) -> np.ndarray:
    """Sent (non-blank) but not parsed: an optional time that must not read as absent."""
    return (clean_text(series).notna() & parsed.isna()).to_numpy()


def parse_timestamp(series: pd.Series) -> pd.Series:
    """ISO-8601 text (offset, Z, or none = UTC) or a timestamp -> naive UTC datetime64[us]."""
    if pd.api.types.is_datetime64_any_dtype(series):
        parsed = series
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        return parsed.astype("datetime64[us]")
    text = pd.Series(
        [v.strip() if isinstance(v, str) else None for v in series.astype(object).tolist()],
        index=series.index,
        dtype=object,
    )
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    return parsed.dt.tz_localize(None).astype("datetime64[us]")


def parse_json_objects(series: pd.Series) -> tuple[list[dict[str, Any]], np.ndarray]:
    """(parsed objects, is_malformed).

    Null parses to {}; anything not a JSON object is malformed."""
    objects: list[dict[str, Any]] = []
    malformed = np.zeros(len(series), dtype=bool)
    cache: dict[str, dict[str, Any] | None] = {}  # repeated texts (contexts) parse once
    for i, text in enumerate(series.astype(object).tolist()):
        if not isinstance(text, str):
            objects.append({})
            continue
        if text in cache:
            value = cache[text]
        else:
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            value = cache[text] = parsed if isinstance(parsed, dict) else None
        if value is None:
            objects.append({})
            malformed[i] = True
        else:
            objects.append(value)
    return objects, malformed


def to_number(value: Any) -> float | None:
    """A JSON number or a number sent as a JSON string; None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def to_integer(value: Any) -> tuple[float | None, bool]:
    """(whole number or None, unreadable): a fraction such as 7.5 is unreadable as a count."""
    number = to_number(value)
    if number is None:
        return None, not _is_absent(value)
    if number != math.floor(number):
        return None, True
    return number, False


def _is_absent(value: Any) -> bool:
    """Not sent: null, or empty / blank text (what the SQL's clean_text turns into null)."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def is_unreadable_number(value: Any) -> bool:
    """Sent (not absent) but not a number: "19,90", "abc", an object."""
    return not _is_absent(value) and to_number(value) is None


def to_date_text(value: Any) -> str | None:
    """A calendar date trait (YYYY-MM-DD, or a timestamp's date) as YYYY-MM-DD; None when
    absent or not a real date (1990-02-30)."""
    if not isinstance(value, str) or value.strip() == "":
        return None
    parsed = pd.to_datetime(value.strip(), format="ISO8601", errors="coerce")
    return None if pd.isna(parsed) else parsed.strftime("%Y-%m-%d")


def parse_json_array(value: Any) -> tuple[list[Any] | None, bool]:
    """(array or None, malformed) of a JSON value that should be an array; an array
    double-encoded as a JSON string is unwrapped. None without fault when absent."""
    if value is None:
        return None, False
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None, True
    if isinstance(value, list):
        return value, False
    return None, True


def to_text(value: Any) -> str | None:
    """A JSON scalar as text (what ->> returns); None for null, objects and arrays."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_bool(value: Any) -> bool | None:
    """true/false, 1/0, yes/no in any case, as JSON booleans, integers or text; None (unknown)
    for anything else ("off", 1.0, 2)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().lower()
    else:
        return None
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return None


def field(objects: Iterable[dict[str, Any]], key: str) -> list[Any]:
    return [o.get(key) for o in objects]


def numbers(objects: Iterable[dict[str, Any]], key: str) -> pd.Series:
    return pd.Series([to_number(o.get(key)) for o in objects], dtype="float64")


def texts(objects: Iterable[dict[str, Any]], key: str) -> pd.Series:
    return pd.Series([to_text(o.get(key)) for o in objects], dtype=object)


def parse_number_column(series: pd.Series, whole: bool = False) -> tuple[pd.Series, np.ndarray]:
    """(float values, unparseable) for a column that may be numeric or text; with `whole`, a
    fraction is unparseable too (a count or a score is not rounded)."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
        if not whole:
            return values, np.zeros(len(series), dtype=bool)
        fraction = (values.notna() & (values != np.floor(values))).to_numpy()
        return values.mask(fraction), fraction
    raw = series.astype(object).tolist()
    values = []
    bad = np.zeros(len(raw), dtype=bool)
    for i, v in enumerate(raw):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            values.append(None)
            continue
        if isinstance(v, str) and v.strip() == "":
            values.append(None)
            continue
        number = to_number(v)
        if number is not None and whole and number != math.floor(number):
            number = None
        if number is None:
            bad[i] = True
        values.append(number)
    return pd.Series(values, index=series.index, dtype="float64"), bad
