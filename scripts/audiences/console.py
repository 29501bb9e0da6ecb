"""What every subcommand shares on the command line: a parser whose errors are one line, and
the one-line message for anything a user can get wrong (a missing file, an unbuilt warehouse,
a bad argument), never a traceback. Standard library only, like runtime.py."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser; a bad argument is one line on stderr and exit 2, without the usage
    block (`--help` shows it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def one_line(error: BaseException | str) -> str:
    """An error's text on one line, whitespace collapsed."""
    return " ".join(str(error).split())


def fail(prog: str, message: BaseException | str, code: int = 1) -> int:
    """Print `prog: message` as one line on stderr; return the exit code."""
    text = one_line(message)
    if text.startswith("error: "):
        text = text[len("error: ") :]
    print(f"{prog}: {text}", file=sys.stderr, flush=True)
    return code


def prog_name() -> str:
    """The program's name as argparse shows it (`audiences load` under the console command)."""
    return os.path.basename(sys.argv[0])
