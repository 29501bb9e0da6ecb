"""What the tests against the pandas reference (tests/reference/) share: the reference computed
from a warehouse's raw tables, hand-made contexts for the reference's own rules, and the key and
column checks of a reference table against a mart (comparison.mismatches decides a value)."""

from __future__ import annotations

from dataclasses import fields

import duckdb
import pandas as pd
from comparison import EXAMPLES, mismatches

from tests.reference import compute_dim_accounts, compute_dim_persons, load_raw, prepare
from tests.reference.context import Context

Keys = list[str] | tuple[str, ...]


def reference_context(connection: duckdb.DuckDBPyConnection, as_of: pd.Timestamp) -> Context:
    """The reference's staged inputs from the raw tables `connection` reads, at `as_of`."""
    return prepare(load_raw(connection), as_of)


def reference_dims(context: Context, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The reference's dim_persons and dim_accounts from `context`."""
    return {
        "dim_persons": compute_dim_persons(None, as_of, context=context),
        "dim_accounts": compute_dim_accounts(None, as_of, context=context),
    }


def tiny_context(as_of: pd.Timestamp, **tables: object) -> Context:
    """A reference context of empty tables at `as_of`, with `tables` in place of some."""
    empty = {field.name: pd.DataFrame() for field in fields(Context)}
    return Context(**empty | {"as_of": as_of, "day": as_of.normalize(), **tables})


def key_set(frame: pd.DataFrame, keys: Keys) -> set[tuple[object, ...]]:
    columns = [frame[key].astype(object).where(frame[key].notna(), None) for key in keys]
    return set(zip(*columns, strict=True))


def assert_same_keys(ours: pd.DataFrame, theirs: pd.DataFrame, keys: Keys, what: str) -> None:
    """The reference (`ours`) and the mart hold the same keys, each once."""
    ours_keys, theirs_keys = key_set(ours, keys), key_set(theirs, keys)
    assert len(ours_keys) == len(ours), f"the reference {what} repeats a key"
    assert len(theirs_keys) == len(theirs), f"{what} repeats a key"
    only_ours = sorted(ours_keys - theirs_keys, key=str)
    only_theirs = sorted(theirs_keys - ours_keys, key=str)
    assert not only_ours and not only_theirs, (
        f"{what}: {len(only_ours)} only in the reference (e.g. {only_ours[:EXAMPLES]}), "
        f"{len(only_theirs)} only in the mart (e.g. {only_theirs[:EXAMPLES]}); "
        f"{len(ours_keys & theirs_keys)} in both"
    )


def assert_column_agrees(
    ours: pd.DataFrame, theirs: pd.DataFrame, keys: Keys, column: str, what: str
) -> None:
    """`column` holds the same value in the reference and the mart for every common key."""
    assert column in theirs.columns, f"{what}.{column} is not in the mart"
    left = ours.set_index(list(keys))[column]
    right = theirs.set_index(list(keys))[column]
    common = left.index.intersection(right.index)
    left, right = left.loc[common], right.loc[common]
    differ = mismatches(left, right)
    keys_differing = common[differ]
    examples = "\n".join(
        f"  {key}: reference={left.loc[key]!r} mart={right.loc[key]!r}"
        for key in keys_differing[:EXAMPLES]
    )
    assert not differ.any(), (
        f"{what}.{column}: {int(differ.sum())} of {len(common)} rows differ, e.g.\n{examples}"
    )
