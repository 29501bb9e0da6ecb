"""An independent pandas reference of dim_persons, dim_accounts, the B2C audiences and the person
lifecycle, computed from schema raw.

Written from the spec (../shared/spec), the README and the yml definitions only, to be compared
with the dbt marts (tests/python/test_reference_traits.py, test_reference_audiences.py)."""

from tests.reference.accounts import compute_dim_accounts
from tests.reference.audiences import (
    B2C_AUDIENCES,
    AudienceInputs,
    audience_inputs,
    compute_b2c_audiences,
    primary_audiences,
)
from tests.reference.context import Context, load_raw, load_seeds, prepare
from tests.reference.lifecycle import compute_lifecycle
from tests.reference.persons import compute_dim_persons
from tests.reference.vars import ReferenceVars

__all__ = [
    "B2C_AUDIENCES",
    "AudienceInputs",
    "Context",
    "ReferenceVars",
    "audience_inputs",
    "compute_b2c_audiences",
    "compute_dim_accounts",
    "compute_dim_persons",
    "compute_lifecycle",
    "load_raw",
    "load_seeds",
    "prepare",
    "primary_audiences",
]
