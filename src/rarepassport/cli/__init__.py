"""The ``rarepassport`` command: a thin shell over the public API.

Exit codes: 0 success, 1 the passport is invalid, 2 usage, input/output, plugin or
internal error. No traceback reaches the user for bad input: every expected failure
becomes one line (or one line per problem) on standard error; an internal error is one
line too, with the traceback under ``--debug`` (or ``RAREPASSPORT_DEBUG=1``).

The package: :mod:`._common` (exit codes, global options, input, output, the report;
imports no command), one module per group of commands, each with a
``register(commands)`` function, and ``_main``, which builds the parser from
``COMMANDS`` and runs it.
This module only answers ``--version`` (before anything else is imported, so it costs
little more than starting Python) and hands everything else to ``_main``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rarepassport._version import __version__

if TYPE_CHECKING:
    from rarepassport.cli._main import COMMANDS, build_parser, subcommands

__all__ = ["COMMANDS", "build_parser", "main", "subcommands"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        # SystemExit, as argparse's version action does.
        sys.stdout.write(f"rarepassport {__version__}\n")
        raise SystemExit(0)
    from rarepassport.cli import _main

    return _main.main(argv)


def __getattr__(name: str) -> Any:
    if name in ("COMMANDS", "build_parser", "subcommands"):
        from rarepassport.cli import _main

        return getattr(_main, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
