"""The ``rarepassport`` command: a thin shell over the public API.

Exit codes: 0 success, 1 the passport is invalid, 2 usage, input/output or plugin error.
No traceback reaches the user for bad input: every expected failure becomes one line
(or one line per problem) on standard error.

The package: :mod:`._common` (exit codes, errors, output; imports no command),
one module per group of commands, each with a ``register(commands)`` function, and this
module, which builds the parser from :data:`COMMANDS` and runs it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from rarepassport._version import __version__
from rarepassport.cli import _core, _fhir, _plugin, _render
from rarepassport.cli._common import EXIT_ERROR, EXIT_OK, CommandError, Handler, error
from rarepassport.errors import PassportError

__all__ = ["COMMANDS", "build_parser", "main"]

#: The groups of commands, in the order ``--help`` lists them: each adds its sub-parsers.
COMMANDS: tuple[Callable[[Any], None], ...] = (_core.register, _render.register, _fhir.register, _plugin.register)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each command is a sub-parser with a handler."""
    parser = argparse.ArgumentParser(
        prog="rarepassport",
        description="Rare-disease patient passports: create, validate, render and exchange.",
    )
    parser.add_argument("--version", action="version", version=f"rarepassport {__version__}")
    parser.add_argument(
        "--block-plugin",
        action="append",
        metavar="NAME",
        help="do not load this plugin (repeat, or separate names with commas)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in COMMANDS:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return handler(args)
    except CommandError as exc:
        error(str(exc))
        return EXIT_ERROR
    except PassportError as exc:
        error(str(exc))
        return EXIT_ERROR
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        error(f"cannot access{where}: {exc.strerror or exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
