"""Load a batch of exports into schema raw: `python scripts/load_raw.py [--replace-all] DIR`, the
same as `audiences load`; the code and its documentation are in the package, audiences.load."""

from __future__ import annotations

import sys
import types

import audiences.load
from audiences.load import *  # noqa: F403
from audiences.load import __all__, cli, main, plan, problems, sources, writer

_MODULES = (audiences.load, cli, plan, problems, sources, writer)


class _Shim(types.ModuleType):
    """Setting a name here (a test's monkeypatch of MAX_LINE_BYTES) sets it where the package
    reads it."""

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        for module in _MODULES:
            if name in vars(module):
                setattr(module, name, value)


sys.modules[__name__].__class__ = _Shim

__all__ = [*__all__, "main"]

if __name__ == "__main__":
    sys.exit(main())
