"""The Spark check: `python scripts/spark_check.py` (the same as `audiences spark`); the code is in
the package, audiences.spark_check. Kept so that the commands and imports written against it
still work."""

from __future__ import annotations

import sys

from audiences.spark_check import (
    COMPARED_SCHEMAS,
    Paths,
    TableResult,
    compare_engines,
    compare_table,
    frame_difference,
    main,
    sorted_frame,
)

__all__ = [
    "COMPARED_SCHEMAS",
    "Paths",
    "TableResult",
    "compare_engines",
    "compare_table",
    "frame_difference",
    "main",
    "sorted_frame",
]

if __name__ == "__main__":
    sys.exit(main())
