"""The `audiences` command: one entry point for the project's Python, as dbt and sqlfluff have.

    audiences generate ...   the demo data set into raw (audiences.generate)
    audiences load DIR       a batch of your own exports into raw
    audiences build          dbt build of what raw holds
    audiences publish        build, test, audit, and publish to the serving store
    audiences query SQL      read-only SQL on the last publish, as CSV
    audiences export ...     a destination's list from the last publish
    audiences report         what the build produced
    audiences benchmark      time the generator, the floor, a full and a daily build
    audiences spark          build on Spark and compare with DuckDB, table by table
    audiences diff L R       compare two warehouses table by table

`audiences <command> --help` shows each command's options. A missing database, an unbuilt
warehouse or a bad argument is one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from audiences.console import ArgumentParser, fail

# command: (module whose main(argv) -> int runs it, what it does)
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("audiences.generate", "generate the demo data set into raw"),
    "load": ("audiences.load", "load a batch of your own exports (a folder) into raw"),
    "build": ("audiences.build", "dbt build what raw holds (nothing is published)"),
    "publish": ("audiences.publish", "build, test and audit; publish to the serving store"),
    "query": ("audiences.serving", "run read-only SQL on the last publish; prints CSV"),
    "export": ("audiences.export", "write a destination's list from the last publish"),
    "report": ("audiences.report", "print what the build produced, and the current publish"),
    "benchmark": ("audiences.benchmark", "time generating and building at a given scale"),
    "spark": ("audiences.spark_check", "build on Spark and compare with DuckDB"),
    "diff": ("audiences.warehouse_diff", "compare two warehouses table by table"),
}


def parser() -> ArgumentParser:
    top = ArgumentParser(
        prog="audiences", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_, summary) in COMMANDS.items():
        commands.add_parser(name, help=summary, add_help=False)
    return top


def user_errors() -> tuple[type[BaseException], ...]:
    """What a user can cause (a missing or locked file, a warehouse without its tables),
    imported only when a command has run, so that `--help` stays quick."""
    import duckdb

    from audiences.load import LoadError
    from audiences.serving import ServingError

    return (duckdb.Error, OSError, LoadError, ServingError)


def run_command(name: str, handler: Callable[[list[str]], int | None], argv: list[str]) -> int:
    """Run a command's main with its arguments; its parser calls itself `audiences <name>`."""
    prog = f"audiences {name}"
    program = sys.argv[0] if sys.argv else ""
    if sys.argv:
        sys.argv[0] = prog
    else:
        sys.argv.append(prog)
    try:
        return int(handler(argv) or 0)
    except KeyboardInterrupt:
        return fail(prog, "interrupted", 130)
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return int(exit_.code or 0)
        return fail(prog, str(exit_.code))
    except Exception as error:
        if isinstance(error, user_errors()):
            return fail(prog, error)
        raise
    finally:
        sys.argv[0] = program


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # the command (or --help) is parsed here; everything after it belongs to the command
    command = parser().parse_args(arguments[:1]).command
    module_name = COMMANDS[command][0]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        return fail(f"audiences {command}", f"cannot import {module_name}: {error}")
    return run_command(command, module.main, arguments[1:])


if __name__ == "__main__":
    sys.exit(main())
