"""A destination's list from the last publish: `python scripts/export_lists.py` (the same as
`audiences export`); the code is in the package, audiences.export. Kept so that the commands and
imports written against it still work."""

from __future__ import annotations

import sys

from audiences.export import (
    DESTINATIONS,
    ExportRequest,
    export,
    main,
)

__all__ = [
    "DESTINATIONS",
    "ExportRequest",
    "export",
    "main",
]

if __name__ == "__main__":
    sys.exit(main())
