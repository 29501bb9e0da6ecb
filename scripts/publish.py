"""Build, audit and publish: `python scripts/publish.py` (the same as `audiences publish`); the
code is in the package, audiences.publish. Kept so that the commands and imports written against
it still work."""

from __future__ import annotations

import sys

from audiences.publish import (
    EXIT_BUILD_FAILED,
    EXIT_REFUSED,
    BuildFacts,
    BuildFailed,
    PublishRefused,
    audit_build,
    audit_raw,
    main,
    parse_as_of,
    parse_vars,
    publish,
)

__all__ = [
    "EXIT_BUILD_FAILED",
    "EXIT_REFUSED",
    "BuildFacts",
    "BuildFailed",
    "PublishRefused",
    "audit_build",
    "audit_raw",
    "main",
    "parse_as_of",
    "parse_vars",
    "publish",
]

if __name__ == "__main__":
    sys.exit(main())
