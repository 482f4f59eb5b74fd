"""The parser and the runner of the ``rarepassport`` command (see `rarepassport.cli`)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from rarepassport._version import __version__
from rarepassport.cli import (
    _batch,
    _completion,
    _core,
    _edit,
    _encryption,
    _fhir,
    _fonts,
    _health_link,
    _labels,
    _plugin,
    _render,
    _sign,
    _upgrade,
)
from rarepassport.cli._common import (
    EXIT_ERROR,
    EXIT_OK,
    ISSUES_URL,
    CommandError,
    Handler,
    Reporter,
    add_global_options,
    debug_enabled,
    enable_debug_logging,
    error,
    merge_global_options,
)
from rarepassport.errors import PassportError

__all__ = ["COMMANDS", "build_parser", "main", "subcommands"]

#: The groups of commands, in the order ``--help`` lists them: each adds its sub-parsers.
COMMANDS: tuple[Callable[[Any], None], ...] = (
    _core.register,
    _render.register,
    _sign.register,
    _fhir.register,
    _encryption.register,
    _health_link.register,
    _upgrade.register,
    _plugin.register,
    _batch.register,
    _edit.register,
    _labels.register,
    _fonts.register,
    _completion.register,
)


def subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[list[str], argparse.ArgumentParser]]:
    """Every sub-parser under ``parser``, depth first, with its command words."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) in seen:
                    continue
                seen.add(id(sub))
                yield [name], sub
                for words, deeper in subcommands(sub):
                    yield [name, *words], deeper


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each command is a sub-parser with a handler.

    The options of every command (``--block-plugin``, ``-q``, ``-v``, ``--debug``,
    ``--force``, ``--output-format``) are accepted before the command and after it.
    """
    parser = argparse.ArgumentParser(
        prog="rarepassport",
        description="Rare-disease patient passports: create, validate, render and exchange.",
        epilog="A FILE of '-' is standard input; -o - is standard output. Existing files are never "
               "replaced without --force, and an input file never. Documentation: "
               "https://rarepassport.readthedocs.io/en/latest/cli/",
    )
    parser.add_argument("--version", action="version", version=f"rarepassport {__version__}")
    add_global_options(parser, prefix="g_")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in COMMANDS:
        register(commands)
    for _words, sub in subcommands(parser):
        add_global_options(sub, prefix="s_")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    merge_global_options(args)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    reporter = Reporter(args)
    args.reporter = reporter
    args.parser = parser
    debug = debug_enabled(args)
    restore = enable_debug_logging() if debug else None
    try:
        return _run(handler, args, reporter, debug)
    finally:
        if restore is not None:
            restore()


def _run(handler: Handler, args: argparse.Namespace, reporter: Reporter, debug: bool) -> int:
    """Run one command: every failure becomes one line (or one JSON result) and exit status 2."""
    file = getattr(args, "file", None)
    try:
        return reporter.finish(handler(args))
    except (CommandError, PassportError) as exc:
        reporter.failure(str(exc), file)
    except BrokenPipeError:  # e.g. piped into head: before OSError, of which it is a kind
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        reporter.failure(f"cannot access{where}: {exc.strerror or exc}", file)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130
    except Exception as exc:  # noqa: BLE001 - an internal error is one line, not a traceback
        if debug:
            traceback.print_exc(file=sys.stderr)
        else:
            error(f"internal error ({type(exc).__name__}); run again with --debug to see the traceback")
        error(f"this is a bug in rarepassport {__version__} or a plugin: please report it at {ISSUES_URL}, "
              "with the traceback but without the passport's personal details")
    return reporter.finish(EXIT_ERROR)
