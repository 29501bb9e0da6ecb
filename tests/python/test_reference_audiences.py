"""The B2C audience tables, the primary audience of fct_audience_memberships and the lifecycle
marts agree with an independent pandas reference (tests/reference/audiences.py and
lifecycle.py), computed from the raw tables of the same warehouse through the reference's own
dim_persons, never from the marts: the same members, then the facts that put them in (exact for
text, integers and booleans, timestamps to the microsecond, floats within 1e-9 relative or 1e-6
absolute, nulls equal nulls: comparison.mismatches). The reference's own rules at their
boundaries are in test_reference_audience_rules.py."""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd
import pytest
from audiences.compare import RELATIVE_TOLERANCE
from audiences.runtime import end_of_day
from reference_helpers import assert_column_agrees, assert_same_keys

from tests.reference import compute_dim_accounts, compute_dim_persons, load_raw, prepare
from tests.reference.account_audiences import (
    ACCOUNT_AUDIENCES,
    AccountAudienceVars,
    AccountInputs,
)
from tests.reference.accounts import account_users
from tests.reference.audiences import (
    B2C_AUDIENCES,
    AudienceInputs,
    audience_inputs,
    compute_b2c_audiences,
    load_catalog,
    primary_audiences,
)
from tests.reference.lifecycle import compute_lifecycle
from tests.reference.send_times import AUDIENCE_SEND_TIME_COLUMNS

CARRIED = (
    "is_emailable",
    "email",
    *AUDIENCE_SEND_TIME_COLUMNS,
    "audience_name",
    "audience_type",
    "audience_description",
    "audience_owner",
    "recommended_campaign",
    "audience_priority",
)


@dataclass(frozen=True)
class AudienceCase:
    name: str
    member_type: str  # "person" or "account", as in fct_audience_memberships
    keys: tuple[str, ...]
    facts: tuple[str, ...]


# The B2B audiences are compared in test_reference_account_audiences.py.
AUDIENCES = [
    AudienceCase(
        name,
        "person",
        ("person_id",),
        (*CARRIED, *audience.facts),
    )
    for name, audience in B2C_AUDIENCES.items()
]
CASES = {case.name: case for case in AUDIENCES}
LIFECYCLE_COLUMNS = {
    "dim_person_lifecycle": [
        "is_anonymous",
        "lifecycle_stage",
        "lifecycle_status",
        "previous_week_stage",
        "weeks_since_stage_change",
        "last_activity_at",
        "days_since_last_activity",
        "orders_365d",
        "orders_count",
    ],
    "fct_lifecycle_weekly_stages": [
        "week_ending_at",
        "lifecycle_stage",
        "last_activity_at",
        "orders_365d",
    ],
    "fct_lifecycle_transitions": ["week_ending_at", "from_stage", "to_stage"],
}
LIFECYCLE_KEYS = {
    "dim_person_lifecycle": ["person_id"],
    "fct_lifecycle_weekly_stages": ["person_id", "week_number"],
    "fct_lifecycle_transitions": ["person_id", "week_number"],
}


@pytest.fixture(scope="session")
def reference_inputs(
    warehouse: duckdb.DuckDBPyConnection, warehouse_end_date: str
) -> AudienceInputs:
    as_of = pd.Timestamp(end_of_day(warehouse_end_date))
    raw = load_raw(warehouse.cursor())
    context = prepare(raw, as_of)
    persons = compute_dim_persons(None, as_of, context=context)
    return audience_inputs(raw["events"], context, persons)


@pytest.fixture(scope="session")
def reference_audiences(reference_inputs: AudienceInputs) -> dict[str, pd.DataFrame]:
    return compute_b2c_audiences(reference_inputs)


@pytest.fixture(scope="session")
def mart_audiences(warehouse: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    cursor = warehouse.cursor()
    return {
        case.name: cursor.sql(f"select * from marts.aud_{case.name}").df() for case in AUDIENCES
    }


@pytest.fixture(scope="session")
def reference_lifecycle(reference_inputs: AudienceInputs) -> dict[str, pd.DataFrame]:
    return compute_lifecycle(reference_inputs.ctx, reference_inputs.persons)


@pytest.fixture(scope="session")
def mart_lifecycle(warehouse: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    cursor = warehouse.cursor()
    return {table: cursor.sql(f"select * from marts.{table}").df() for table in LIFECYCLE_KEYS}


@pytest.fixture(scope="session")
def mart_memberships(warehouse: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    cursor = warehouse.cursor()  # a cursor must outlive the query it runs
    return cursor.sql("select * from marts.fct_audience_memberships").df()


# Audiences


@pytest.mark.parametrize("audience", [case.name for case in AUDIENCES])
def test_reference_and_mart_have_the_same_members(
    reference_audiences: dict[str, pd.DataFrame],
    mart_audiences: dict[str, pd.DataFrame],
    audience: str,
) -> None:
    case = CASES[audience]
    ours = reference_audiences[audience]
    assert len(ours) > 0, f"the reference {audience} is empty on the test data set"
    assert_same_keys(ours, mart_audiences[audience], case.keys, f"aud_{audience}")


@pytest.mark.parametrize(
    ("audience", "column"), [(case.name, fact) for case in AUDIENCES for fact in case.facts]
)
def test_reference_and_mart_agree_on_fact(
    reference_audiences: dict[str, pd.DataFrame],
    mart_audiences: dict[str, pd.DataFrame],
    audience: str,
    column: str,
) -> None:
    case = CASES[audience]
    assert_column_agrees(
        reference_audiences[audience],
        mart_audiences[audience],
        case.keys,
        column,
        f"aud_{audience}",
    )


def test_the_audience_marts_have_no_column_the_reference_lacks(
    mart_audiences: dict[str, pd.DataFrame],
) -> None:
    for case in AUDIENCES:
        extra = sorted(set(mart_audiences[case.name].columns) - {*case.keys, *case.facts})
        assert not extra, f"aud_{case.name} has columns the reference does not check: {extra}"


def _reference_members(
    reference_audiences: dict[str, pd.DataFrame], member_type: str
) -> dict[str, pd.Series]:
    return {
        case.name: reference_audiences[case.name][case.keys[0]]
        for case in AUDIENCES
        if case.member_type == member_type
    }


def test_memberships_list_the_reference_members(
    reference_audiences: dict[str, pd.DataFrame], mart_memberships: pd.DataFrame
) -> None:
    members = _reference_members(reference_audiences, "person")
    ours = pd.concat(
        [pd.DataFrame({"audience_name": name, "member_id": ids}) for name, ids in members.items()]
    )
    theirs = mart_memberships[
        (mart_memberships["member_type"] == "person")
        & mart_memberships["audience_name"].isin(set(members))
    ]
    assert_same_keys(
        ours, theirs, ["audience_name", "member_id"], "fct_audience_memberships (B2C rows)"
    )


def _person_bases(inputs: AudienceInputs) -> dict[str, int]:
    """The size of each person base a person audience's catalog row may name (size_base)."""
    persons = inputs.persons
    users = set(account_users(inputs.ctx)["user_id"])
    return {
        "persons": len(persons),
        "known_persons": int((~persons["is_anonymous"].astype(bool)).sum()),
        "buyers": int((persons["orders_count"].fillna(0) > 0).sum()),
        "b2b_users": int(persons["user_id"].isin(users).sum()),
    }


def test_audience_sizes_agree_with_the_reference(
    reference_inputs: AudienceInputs,
    reference_audiences: dict[str, pd.DataFrame],
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """rpt_audience_sizes of each B2C audience: members, the base its catalog row names
    (every reference person, the known ones or the buyers), the share and the
    small-and-not-top-value flag, recomputed from the reference members."""
    bases = _person_bases(reference_inputs)
    catalog = load_catalog().set_index("audience_name")
    share_limit = reference_inputs.ctx.vars.small_audience_share
    cursor = warehouse.cursor()
    report = cursor.sql("select * from marts.rpt_audience_sizes").df().set_index("audience_name")
    for case in AUDIENCES:
        members = reference_audiences[case.name][case.keys[0]].nunique()
        size_base = catalog.loc[case.name, "size_base"]
        base = bases[size_base]
        share = members / base
        small = share < share_limit and not int(catalog.loc[case.name, "is_top_value"])
        row = report.loc[case.name]
        assert row["size_base"] == size_base, case.name
        assert (row["members"], row["base_size"]) == (members, base), case.name
        assert math.isclose(row["share_of_base"], share, rel_tol=RELATIVE_TOLERANCE), case.name
        assert bool(row["is_small_and_not_top_value"]) == small, case.name


@pytest.fixture(scope="session")
def reference_champions(reference_inputs: AudienceInputs) -> pd.Series:
    """The persons of the reference product_champions (a person-level B2B audience of
    tests/reference/account_audiences.py), so that every person audience of the catalog has a
    reference when the primary audience is compared."""
    ctx = reference_inputs.ctx
    inputs = AccountInputs(
        ctx=ctx,
        accounts=compute_dim_accounts(None, ctx.as_of, context=ctx),
        persons=reference_inputs.persons,
        vars=AccountAudienceVars(),
    )
    return ACCOUNT_AUDIENCES["product_champions"](inputs)["person_id"]


def test_memberships_primary_audience_of_each_person(
    reference_audiences: dict[str, pd.DataFrame],
    reference_champions: pd.Series,
    mart_memberships: pd.DataFrame,
) -> None:
    members = {
        **_reference_members(reference_audiences, "person"),
        "product_champions": reference_champions,
    }
    catalog = load_catalog()
    # person audiences the reference does not compute must rank after all of its own, or the
    # reference's primary audience could not be compared
    persons_catalog = catalog[catalog["member_type"] == "person"]
    ranked = persons_catalog.set_index("audience_name")["priority"]
    others = ranked.drop(list(members))
    assert (others > ranked[list(members)].max()).all(), (
        "a person audience without a reference ranks before the referenced ones: "
        f"{others.to_dict()}"
    )
    ours = primary_audiences(members, catalog)
    assert ours["primary_audience_name"].nunique() > 1
    # one row per distinct (member, primary): a member with two primaries repeats a key
    theirs = mart_memberships.loc[
        mart_memberships["member_type"] == "person", ["member_id", "primary_audience_name"]
    ].drop_duplicates()
    theirs = theirs[theirs["member_id"].isin(set(ours["member_id"]))]
    assert_same_keys(ours, theirs, ["member_id"], "fct_audience_memberships persons")
    assert_column_agrees(
        ours, theirs, ["member_id"], "primary_audience_name", "fct_audience_memberships"
    )


# Lifecycle


@pytest.mark.parametrize("table", list(LIFECYCLE_KEYS))
def test_reference_and_mart_have_the_same_lifecycle_rows(
    reference_lifecycle: dict[str, pd.DataFrame],
    mart_lifecycle: dict[str, pd.DataFrame],
    table: str,
) -> None:
    ours = reference_lifecycle[table]
    assert len(ours) > 0, f"the reference {table} is empty"
    assert_same_keys(ours, mart_lifecycle[table], LIFECYCLE_KEYS[table], table)


@pytest.mark.parametrize(
    ("table", "column"),
    [(table, column) for table, columns in LIFECYCLE_COLUMNS.items() for column in columns],
)
def test_reference_and_mart_agree_on_lifecycle_column(
    reference_lifecycle: dict[str, pd.DataFrame],
    mart_lifecycle: dict[str, pd.DataFrame],
    table: str,
    column: str,
) -> None:
    assert_column_agrees(
        reference_lifecycle[table], mart_lifecycle[table], LIFECYCLE_KEYS[table], column, table
    )


def test_reference_lifecycle_uses_every_stage_and_status(
    reference_lifecycle: dict[str, pd.DataFrame],
) -> None:
    current = reference_lifecycle["dim_person_lifecycle"]
    assert set(current["lifecycle_stage"].dropna()) == {"loyal", "active", "lapsed", "inactive"}
    assert current["lifecycle_stage"].isna().any(), "no person without activity to keep a row for"
    assert set(current["lifecycle_status"]) == {
        "prospect",
        "first_time_buyer",
        "regular",
        "defector",
    }
    flows = reference_lifecycle["fct_lifecycle_transitions"]
    assert {("active", "lapsed"), ("lapsed", "active")} <= set(
        zip(flows["from_stage"], flows["to_stage"], strict=True)
    )
