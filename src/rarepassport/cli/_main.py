"""The parser and the runner of the ``rarepassport`` command (see `rarepassport.cli`)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator, Sequence

from rarepassport._version import __version__
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
    error_text,
    merge_global_options,
    os_reason,
    set_message_language,
    text,
)
from rarepassport.cli._parser import CommandParser, translate_metavars
from rarepassport.errors import PassportError

__all__ = ["COMMANDS", "build_parser", "command_word", "language_option", "main", "subcommands"]

#: The groups of commands, in the order ``--help`` lists them: the module (by its full name)
#: whose ``register(commands)`` adds the sub-parsers, and the command words it adds. A
#: command imports only its own module (``rarepassport validate`` never loads the
#: rendering or FHIR commands); ``--help``, the docs and the completion scripts build them all.
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("rarepassport.cli._core", ("new", "validate", "schema", "plugins")),
    ("rarepassport.cli._render", ("render", "demo")),
    ("rarepassport.cli._sign", ("keygen", "sign", "verify")),
    ("rarepassport.cli._fhir", ("export", "import")),
    ("rarepassport.cli._encryption", ("encrypt", "decrypt")),
    ("rarepassport.cli._health_link", ("shl",)),
    ("rarepassport.cli._upgrade", ("upgrade",)),
    ("rarepassport.cli._plugin", ("plugin",)),
    ("rarepassport.cli._batch", ("batch",)),
    ("rarepassport.cli._edit", ("edit",)),
    ("rarepassport.cli._labels", ("labels",)),
    ("rarepassport.cli._fonts", ("fonts",)),
    ("rarepassport.cli._completion", ("completion",)),
)

#: Options of the root parser that take a value: the word after them is not the command.
_VALUE_OPTIONS = ("--block-plugin", "--language", "--output-format")


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


def command_word(argv: Sequence[str]) -> str | None:
    """The command of ``argv`` (``validate`` in ``-q validate x.json``) when it is one of
    :data:`COMMANDS` and no ``-h``/``--help`` comes before it; otherwise ``None``."""
    known = {word for _module, words in COMMANDS for word in words}
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("-h", "--help") or arg == "--":
            return None
        if arg.startswith("--"):
            # argparse takes any unambiguous prefix of a long option: --output for --output-format.
            skip = "=" not in arg and len(arg) > 2 and any(opt.startswith(arg) for opt in _VALUE_OPTIONS)
            continue
        if arg.startswith("-") and arg != "-":
            continue
        return arg if arg in known else None
    return None


def language_option(argv: Sequence[str]) -> str | None:
    """The value of a ``--language`` on the command line (``--language fr``, ``--language=fr``
    or an unambiguous prefix such as ``--lang fr``), before ``--``; ``None`` without one.

    The messages' language must be known before the arguments are parsed: ``--help`` and a
    usage error are printed while parsing.
    """
    found = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if len(name) > 4 and "--language".startswith(name):
            if equals:
                found = value
            elif index + 1 < len(argv):
                found = argv[index + 1]
    return found


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; each command is a sub-parser with a handler.

    With ``command`` (a word of :data:`COMMANDS`), only the sub-parsers of that command's
    module are built, and only that module is imported; without it, every command.

    The options of every command (``--block-plugin``, ``-q``, ``-v``, ``--debug``,
    ``--force``, ``--output-format``) are accepted before the command and after it.
    """
    parser = CommandParser(
        prog="rarepassport",
        description="Rare-disease patient passports: create, validate, render and exchange.",
        epilog="A FILE of '-' is standard input; -o - is standard output. Existing files are never "
               "replaced without --force, and an input file never. Documentation: "
               "https://rarepassport.readthedocs.io/en/latest/cli/",
    )
    parser.add_argument("--version", action="version", version=f"rarepassport {__version__}")
    parser.add_argument("--language", metavar="TAG", dest="g_language", default=argparse.SUPPRESS,
                        help="language of the messages and of --help, e.g. fr or de (default: from LANGUAGE, "
                             "LC_ALL, LC_MESSAGES or LANG; English); a command's own --language wins")
    add_global_options(parser, prefix="g_")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module, words in COMMANDS:
        if command is None or command in words:
            importlib.import_module(module).register(commands)
    for _words, sub in subcommands(parser):
        add_global_options(sub, prefix="s_")
    # The language is chosen before the parser is built (see `main`): usage lines and
    # usage errors read the metavars from the actions.
    translate_metavars(parser)
    for _words, sub in subcommands(parser):
        translate_metavars(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # The language of --help and of usage errors, printed while parsing; set again below
    # from the parsed --language, which is the same.
    set_message_language(argparse.Namespace(language=language_option(arguments)))
    parser = build_parser(command_word(arguments))
    args = parser.parse_args(arguments)
    merge_global_options(args)
    if getattr(args, "language", None) is None and getattr(args, "g_language", None) is not None:
        args.language = args.g_language  # --language before the command, for one without its own
    set_message_language(args)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        build_parser().print_help(sys.stderr)
        return EXIT_ERROR
    reporter = Reporter(args)
    args.reporter = reporter
    args.parser = parser
    # Every command and option, for what must know them all (the completion scripts).
    args.full_parser = build_parser
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
    except CommandError as exc:
        reporter.failure(str(exc), file)
    except PassportError as exc:
        reporter.failure(error_text(exc), file)
    except BrokenPipeError:  # e.g. piped into head: before OSError, of which it is a kind
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        reason = os_reason(exc)
        if exc.filename:
            reporter.failure(text("cli.cannot-access.file", file=exc.filename, reason=reason), file)
        else:
            reporter.failure(text("cli.cannot-access", reason=reason), file)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130
    except Exception as exc:  # noqa: BLE001 - an internal error is one line, not a traceback
        if debug:
            import traceback  # only for an internal error under --debug (start-up time)

            traceback.print_exc(file=sys.stderr)
        else:
            error(text("cli.internal-error", error=type(exc).__name__))
        error(text("cli.report-bug", version=__version__, url=ISSUES_URL))
    return reporter.finish(EXIT_ERROR)
