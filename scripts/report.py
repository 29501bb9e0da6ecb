"""What a build produced: `python scripts/report.py` (the same as `audiences report`); the code is
in the package, audiences.report. Kept so that the commands and imports written against it still
work."""

from __future__ import annotations

import sys

from audiences.report import (
    main,
    print_table,
)

__all__ = [
    "main",
    "print_table",
]

if __name__ == "__main__":
    sys.exit(main())
