"""An independent pandas reference of dim_persons and dim_accounts, computed from schema raw.

Written from the spec (../shared/spec), the README and the yml column definitions only, to be
compared with the dbt marts (tests/python/test_reference_traits.py)."""

from tests.reference.accounts import compute_dim_accounts
from tests.reference.context import Context, load_raw, load_seeds, prepare
from tests.reference.persons import compute_dim_persons
from tests.reference.vars import ReferenceVars

__all__ = [
    "Context",
    "ReferenceVars",
    "compute_dim_accounts",
    "compute_dim_persons",
    "load_raw",
    "load_seeds",
    "prepare",
]
