"""Two warehouses table by table: `python scripts/warehouse_diff.py LEFT RIGHT` (the same as
`audiences diff`); the code is in the package, audiences.warehouse_diff. Kept so that the
commands and imports written against it still work."""

from __future__ import annotations

import sys

from audiences.warehouse_diff import (
    TableDifference,
    main,
    table_differences,
)

__all__ = [
    "TableDifference",
    "main",
    "table_differences",
]

if __name__ == "__main__":
    sys.exit(main())
