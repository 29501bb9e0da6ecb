"""The README's retuning example is real: the audiences built with its groceries vars and with
its cars vars (read from the README itself) move against the default build the way their
window vars must move them. Only relations that hold whatever the data are asserted: an
audience whose every condition can only become easier to meet with a longer window (at least N
events in it, any event in it) keeps all its members when the window grows and other vars stay,
and an audience of "nothing in the window" loses none when it shrinks. window_shoppers (views
up, but "no order" down) and churn_risk_accounts (a ratio) move both ways and are not asserted.

The builds run on copies of the test warehouse with their own target path, so the default build
and other dbt runs are not touched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from audiences.runtime import REPO_ROOT, end_of_day
from warehouse_helpers import build

# the audience models the window vars reach, and the intermediates that count their windows
SELECTOR = [
    "int_person_windows_aggregated",
    "int_account_windows_aggregated",
    "int_account_user_sign_ins_counted",
    "path:models/marts/audiences/b2c",
    "path:models/marts/audiences/b2b",
]
KEYS = {
    "cart_abandoners": ["person_id"],
    "product_sharers": ["person_id"],
    "high_value_prospects": ["account_id"],
    "upgrade_candidates": ["account_id"],
    "unengaged_prospects": ["account_id"],
}
# audience -> (its window vars, other vars its membership reads that must not change for the
# relation to hold, do longer windows give a superset?)
RELATIONS = {
    "cart_abandoners": (["cart_abandon_window_days"], ["cart_abandon_min_minutes"], True),
    "product_sharers": (["sharer_days"], ["sharer_min_actions"], True),
    "high_value_prospects": (
        ["hvp_intent_days"],
        ["hvp_min_employees", "hvp_min_pricing_views"],
        True,
    ),
    "upgrade_candidates": (
        ["upgrade_window_days"],
        ["upgrade_min_pricing_views", "upgrade_usage_ratio"],
        True,
    ),
    # "no sign-in in the window" and "no contact email open in the window" only get rarer
    "unengaged_prospects": (
        ["unengaged_quiet_sign_in_days", "unengaged_quiet_email_days"],
        ["unengaged_min_signals"],
        False,
    ),
}
# facts that can only grow with their window, for members in both builds
GROWING_FACTS = {
    "product_sharers": ["shares_in_window", "reviews_in_window"],
    "high_value_prospects": ["pricing_page_views_in_window", "demo_requests_in_window"],
    "upgrade_candidates": ["pricing_page_views_in_window", "ad_clicks_in_window"],
}


def readme_examples() -> dict[str, dict[str, object]]:
    """The vars of the README's groceries and cars `dbt build --vars '{...}'` lines."""
    text = (REPO_ROOT / "README.md").read_text()
    found = re.findall(r"# (groceries|cars)[^\n]*\ndbt build --vars '(\{.*?\})'", text, re.S)
    examples = {name: yaml.safe_load(block) for name, block in found}
    assert set(examples) == {"groceries", "cars"}, "the README retuning example moved"
    return examples


def defaults() -> dict[str, object]:
    return yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]


def build_retuned(path: Path, as_of: str, values: dict[str, object]) -> None:
    build(
        path,
        as_of,
        "--select",
        *SELECTOR,
        "--exclude",
        "test_type:unit",
        "test_type:generic",
        "--quiet",
        variables=values,
    )


def read(path: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return {name: connection.sql(f"select * from marts.aud_{name}").df() for name in KEYS}


@pytest.fixture(scope="module")
def retuned(
    tmp_path_factory: pytest.TempPathFactory, warehouse_path: Path, warehouse_end_date: str
) -> dict[str, dict[str, pd.DataFrame]]:
    as_of = end_of_day(warehouse_end_date)
    built = {"default": read(warehouse_path)}
    for name, values in readme_examples().items():
        folder = tmp_path_factory.mktemp(name)
        # same file name as the source: DuckDB views name their catalog after the file
        copy = folder / Path(warehouse_path).name
        shutil.copy(warehouse_path, copy)
        build_retuned(copy, as_of, values)
        built[name] = read(copy)
    return built


def _members(frame: pd.DataFrame, audience: str) -> set[tuple[object, ...]]:
    return set(map(tuple, frame[KEYS[audience]].to_numpy()))


@pytest.mark.parametrize("example", ["groceries", "cars"])
@pytest.mark.parametrize("audience", list(RELATIONS))
def test_a_window_moves_its_audience_one_way(
    retuned: dict[str, dict[str, pd.DataFrame]], example: str, audience: str
) -> None:
    windows, others, grows = RELATIONS[audience]
    base, tuned = defaults(), {**defaults(), **readme_examples()[example]}
    if any(tuned[var] != base[var] for var in others):
        pytest.skip(f"{example} also changes a threshold of {audience}: no one-way relation")
    longer = {tuned[var] > base[var] for var in windows if tuned[var] != base[var]}
    if len(longer) != 1:
        pytest.skip(f"{example} does not move {windows} one way")
    moved = {var: (base[var], tuned[var]) for var in windows}
    old = _members(retuned["default"][audience], audience)
    new = _members(retuned[example][audience], audience)
    if longer == {grows}:
        lost = sorted(old - new)
        assert not lost, f"{example}: {moved} lost {lost[:5]}"
    else:
        gained = sorted(new - old)
        assert not gained, f"{example}: {moved} gained {gained[:5]}"


@pytest.mark.parametrize("example", ["groceries", "cars"])
@pytest.mark.parametrize("audience", list(GROWING_FACTS))
def test_a_longer_window_counts_at_least_as_much(
    retuned: dict[str, dict[str, pd.DataFrame]], example: str, audience: str
) -> None:
    window = RELATIONS[audience][0][0]
    base, tuned = defaults(), {**defaults(), **readme_examples()[example]}
    old = retuned["default"][audience].set_index(KEYS[audience])
    new = retuned[example][audience].set_index(KEYS[audience])
    common = old.index.intersection(new.index)
    assert len(common) > 0, f"no {audience} member in both builds"
    for fact in GROWING_FACTS[audience]:
        shorter, longer = (old, new) if tuned[window] > base[window] else (new, old)
        smaller = shorter.loc[common, fact] > longer.loc[common, fact]
        assert not smaller.any(), f"{example}: {audience}.{fact} shrank with a longer window"


@pytest.mark.parametrize("example", ["groceries", "cars"])
def test_the_example_changes_the_audiences(
    retuned: dict[str, dict[str, pd.DataFrame]], example: str
) -> None:
    """The window vars are read at all: each example changes the members of most audiences."""
    changed = [
        audience
        for audience in KEYS
        if _members(retuned["default"][audience], audience)
        != _members(retuned[example][audience], audience)
    ]
    assert len(changed) >= 3, f"{example} changed only {changed}"
