"""The generator of the raw data set: a B2C shop and a B2B SaaS sharing one events table,
deliberately flawed, written chunk by chunk into DuckDB (see audiences.generate.cli)."""

from .cli import main, parse_args
from .core import Config
from .run import generate
from .vocabulary import COLUMN_COMPRESSION, EVENT_NAMES, FLAW_TYPES

__all__ = [
    "COLUMN_COMPRESSION",
    "EVENT_NAMES",
    "FLAW_TYPES",
    "Config",
    "generate",
    "main",
    "parse_args",
]
