"""The one way two tables are called equal: the same rows as sorted multisets, floating-point
columns to a relative 1e-9 (a sum may add in another order on another engine or run)."""

from __future__ import annotations

import pandas as pd

RELATIVE_TOLERANCE = 1e-9


def sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its rows in one order that does not depend on how they were read."""
    if frame.empty:
        return frame.reset_index(drop=True)
    columns = list(frame.columns)
    return frame.sort_values(columns, na_position="first", kind="mergesort").reset_index(drop=True)


def frame_difference(
    left: pd.DataFrame, right: pd.DataFrame, check_dtype: bool = False
) -> str | None:
    """None when the frames hold the same rows in the same order, else a one-line reason."""
    try:
        pd.testing.assert_frame_equal(
            left,
            right,
            check_dtype=check_dtype,
            check_exact=False,
            rtol=RELATIVE_TOLERANCE,
        )
    except AssertionError as difference:
        return " ".join(str(difference).split())[:600]
    return None


def assert_same_rows(left: pd.DataFrame, right: pd.DataFrame, name: str, sort: bool = True) -> None:
    """Fail a test, naming the table, unless both frames hold the same rows."""
    if sort:
        left, right = sorted_rows(left), sorted_rows(right)
    problem = frame_difference(left, right)
    assert problem is None, f"{name}: {problem}"
