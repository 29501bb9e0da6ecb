#!/usr/bin/env python3
"""Generate the raw data set of the audiences project: `python scripts/generate_data.py --help`.

The generator is the package audiences.generate; this script runs it and keeps its old names."""

import sys

from audiences.generate import COLUMN_COMPRESSION, EVENT_NAMES, FLAW_TYPES, main

__all__ = ["COLUMN_COMPRESSION", "EVENT_NAMES", "FLAW_TYPES", "main"]

if __name__ == "__main__":
    sys.exit(main())
