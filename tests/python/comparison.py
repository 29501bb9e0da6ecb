"""The tests' table comparisons. Whole tables: audiences.compare's rule (the same rows, floats to
a relative 1e-9), or every value equal where a test asks for `exact`. The pandas reference
against a mart, column by column: exact for text, integers and booleans, timestamps to the
microsecond, floats within 1e-9 relative or 1e-6 absolute, nulls equal nulls."""

from __future__ import annotations

import numpy as np
import pandas as pd
from audiences.compare import RELATIVE_TOLERANCE, frame_difference, sorted_rows

ABSOLUTE_TOLERANCE = 1e-6
EXAMPLES = 5


def assert_same_table(
    left: pd.DataFrame,
    right: pd.DataFrame,
    name: str,
    *,
    exact: bool = False,
    sort: bool = False,
    check_dtype: bool = True,
) -> None:
    """Fail naming `name` unless the frames are equal: rows in the same order (after sorting
    both when `sort`), floats to audiences.compare's tolerance or, when `exact`, equal."""
    if sort:
        left, right = sorted_rows(left), sorted_rows(right)
    if exact:
        pd.testing.assert_frame_equal(
            left, right, check_dtype=check_dtype, check_exact=True, obj=name
        )
        return
    problem = frame_difference(left, right, check_dtype=check_dtype)
    assert problem is None, f"{name}: {problem}"


def _kind(series: pd.Series) -> str:
    values = series.dropna()
    if pd.api.types.is_bool_dtype(series):
        return "exact"
    if pd.api.types.is_datetime64_any_dtype(series) or (
        len(values) and isinstance(values.iloc[0], pd.Timestamp)
    ):
        return "timestamp"
    if pd.api.types.is_float_dtype(series):
        return "float"
    if len(values) and isinstance(values.iloc[0], float):
        return "float"
    return "exact"


def mismatches(ours: pd.Series, theirs: pd.Series) -> np.ndarray:
    """True where the two aligned columns differ (null equals null)."""
    ours_null, theirs_null = ours.isna().to_numpy(), theirs.isna().to_numpy()
    both = ~ours_null & ~theirs_null
    differ = ours_null != theirs_null
    kinds = {_kind(ours), _kind(theirs)}
    if "timestamp" in kinds:
        a = pd.to_datetime(ours).astype("datetime64[us]").to_numpy()
        b = pd.to_datetime(theirs).astype("datetime64[us]").to_numpy()
        return differ | (both & (a != b))
    if "float" in kinds:
        a, b = ours.astype("float64").to_numpy(), theirs.astype("float64").to_numpy()
        with np.errstate(invalid="ignore"):
            close = np.isclose(a, b, rtol=RELATIVE_TOLERANCE, atol=ABSOLUTE_TOLERANCE)
        return differ | (both & ~close)
    a, b = ours.astype(object).to_numpy(), theirs.astype(object).to_numpy()
    same = np.array(
        [not ok or bool(x == y) for x, y, ok in zip(a, b, both, strict=True)], dtype=bool
    )
    return differ | ~same
