"""The serving store and `python scripts/serving.py SQL` (the same as `audiences query`); the code
is in the package, audiences.serving. Kept so that the commands and imports written against it
still work."""

from __future__ import annotations

import sys

from audiences.serving import (
    DEFAULT_SERVING_PATH,
    HISTORY_SCHEMA,
    HISTORY_TABLES,
    PUBLISH_LOG,
    PUBLISH_RAW_TABLES,
    SERVING_ENV_VAR,
    LastPublish,
    PublishRecord,
    ServingError,
    last_publish,
    main,
    one_line,
    publish_lock,
    query,
    serving_path,
    sql_text,
    stage_history,
    swings,
    write_publish,
)

__all__ = [
    "DEFAULT_SERVING_PATH",
    "HISTORY_SCHEMA",
    "HISTORY_TABLES",
    "PUBLISH_LOG",
    "PUBLISH_RAW_TABLES",
    "SERVING_ENV_VAR",
    "LastPublish",
    "PublishRecord",
    "ServingError",
    "last_publish",
    "main",
    "one_line",
    "publish_lock",
    "query",
    "serving_path",
    "sql_text",
    "stage_history",
    "swings",
    "write_publish",
]

if __name__ == "__main__":
    sys.exit(main())
