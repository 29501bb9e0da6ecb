"""The benchmark: `python scripts/benchmark.py` (the same as `audiences benchmark`); the code is in
the package, audiences.benchmark. Kept so that the commands and imports written against it still
work."""

from __future__ import annotations

import sys

from audiences.benchmark import main

if __name__ == "__main__":
    sys.exit(main())
