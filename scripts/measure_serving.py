"""Two roads to a serving store, measured: `python scripts/measure_serving.py BUILD.duckdb`; the
code is in the package, audiences.measure_serving. Kept so that the commands and imports written
against it still work."""

from __future__ import annotations

import sys

from audiences.measure_serving import main

if __name__ == "__main__":
    sys.exit(main())
