"""What every command of the ``rarepassport`` command line shares.

Exit codes, the options every command takes, reading a file or standard input,
writing an output under the one overwrite policy, the report (text or JSON), colour
and the one-line error. This module is the leaf of the ``cli`` package: the command
modules import it, and it imports none of them.

The overwrite policy, the same for every command: an existing file is never replaced
unless ``--force`` is given, and an input file is never replaced, even with ``--force``.
Standard output and devices (``/dev/null``) are written, not replaced.

The lines people read come from the label catalogues (``cli.*`` entries), in the
language of the messages: the command's ``--language`` when it has one, else the first of
the ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` environment variables (through
Babel's ``default_locale``), else English. ``--help``, usage lines and argparse's errors
are in that language too (see `rarepassport.cli._parser`).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from rarepassport._version import __version__

if TYPE_CHECKING:
    from rarepassport.convert import Format
    from rarepassport.errors import Problem
    from rarepassport.model import Passport
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import PluginFailure, SectionSpec

__all__ = [
    "EXIT_ERROR",
    "EXIT_INVALID",
    "EXIT_OK",
    "ISSUES_URL",
    "PASSPHRASE_ENV",
    "REPORT_VERSION",
    "STDIN",
    "CommandError",
    "Handler",
    "Reporter",
    "add_global_options",
    "add_passphrase_option",
    "catalogued",
    "count",
    "current_language",
    "debug_enabled",
    "display_name",
    "error",
    "error_text",
    "is_global_option",
    "issue_line",
    "load_source",
    "merge_global_options",
    "message_language",
    "need_yaml",
    "open_passport",
    "os_reason",
    "passphrase_for",
    "plugin_failure_text",
    "plugin_label",
    "plugins_for",
    "problem_message",
    "read_passport",
    "read_source",
    "say",
    "section_title",
    "set_message_language",
    "source_format",
    "text",
    "untranslated",
    "visible",
    "write_output",
]

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
#: The version of the ``--output-format json`` report (``report_version``); it changes
#: only when a field is removed or changes meaning.
REPORT_VERSION = 1
#: Where to report a bug; printed with an internal error.
ISSUES_URL = "https://github.com/rarepassport/rarepassport/issues"
#: The file name that means standard input (and, after ``-o``, standard output).
STDIN = "-"
_STDIN_NAME = "<stdin>"

Handler = Callable[[argparse.Namespace], int]

# Control characters (but newline and tab), the bidirectional overrides LRO and RLO (a
# file name "passport\u202egpj.json" would show as "passportnosj.jpg") and lone surrogates:
# shown escaped, never sent to the terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202d\u202e\ud800-\udfff]")

_COLOURS = {"red": "31", "green": "32", "yellow": "33", "bold": "1"}


class CommandError(Exception):
    """A failure to report on one line and exit with status 2."""


# --- the language of the messages ----------------------------------------------------------

#: The catalogue tag the messages of this run are in (set by `set_message_language`).
_LANGUAGE = ["en"]
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def message_language(args: argparse.Namespace | None) -> str:
    """The catalogue tag of the messages for a run: ``--language``, else the environment.

    The environment is read as gettext programs read it (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``: ``de_DE.UTF-8`` gives ``de``); ``C`` and ``POSIX`` and a
    language with no catalogue give English.
    """
    from rarepassport.labels import BUILT_IN_LANGUAGES
    from rarepassport.languages import choose

    requested = getattr(args, "language", None) if args is not None else None
    if not requested:
        first = next((os.environ[name] for name in _ENVIRONMENT if os.environ.get(name)), "")
        if first.split(":")[0].split(".")[0] in ("", "C", "POSIX") or first.startswith("en"):
            return "en"  # the usual case, decided without loading Babel (start-up time)
        from babel.core import default_locale

        found = default_locale(_ENVIRONMENT)
        requested = found.split("_POSIX")[0] if found else "en"
    if not isinstance(requested, str) or requested == "en":
        return "en"  # what `choose` says of "en", without loading Babel's CLDR data
    return choose(requested, lambda tag: tag in BUILT_IN_LANGUAGES).catalogue


def set_message_language(args: argparse.Namespace | None) -> str:
    """Choose the language of this run's messages (see `message_language`) and return it."""
    _LANGUAGE[0] = message_language(args)
    return _LANGUAGE[0]


def current_language() -> str:
    """The catalogue tag of this run's messages, as `set_message_language` chose it."""
    return _LANGUAGE[0]


def text(message_id: str, **arguments: object) -> str:
    """A message of the catalogue (``cli.wrote``) in this run's language, filled in.

    A message missing in the language, or whose translation has other placeholders, is
    given in English.
    """
    from rarepassport.labels import ENGLISH, built_in_catalogue

    values = {key: str(value) for key, value in arguments.items()}
    english = ENGLISH[message_id]
    language = _LANGUAGE[0]
    if language != "en":
        translated = built_in_catalogue(language).get(message_id)
        if translated is not None:
            try:
                return translated.format_map(values)
            except (KeyError, IndexError, ValueError):
                pass
    return english.format_map(values)


def plugin_label(plugins: PluginManager, label_id: str) -> str | None:
    """A label of the plugins' catalogues (a plugin's ``section.<id>``, ``migration.*``)
    in exactly this run's language or a shorter tag of it; ``None`` when that language
    has none (English then comes from the caller, marked as such)."""
    from rarepassport.languages import candidates

    for tag in candidates(_LANGUAGE[0]):
        found = plugins.labels.get_exact(label_id, tag)
        if found is not None:
            return found
    return None


def section_title(plugins: PluginManager, section: SectionSpec) -> str:
    """A plugin section's title in this run's language: its label ``section.<id>`` there,
    else its English label, else the title the plugin registered it with."""
    label_id = f"section.{section.id}"
    found = plugin_label(plugins, label_id)
    return found if found is not None else plugins.labels.get(label_id, "en") or section.title


def untranslated(message: str) -> str:
    """``message`` (English) marked as not translated in this run's language (``Non traduit : ...``)."""
    return message if _LANGUAGE[0] == "en" else text("validation.untranslated", message=message)


def problem_message(problem: Problem) -> str:
    """A reading problem's message in this run's language, with its line and column when known.

    A problem with a message id of the catalogue is said in the language (its English is
    the problem's own text), the types it names too (``validation.json-type.*``); one
    without is given as written, in English, marked as not translated.
    """
    from rarepassport.labels import ENGLISH
    from rarepassport.validation import json_type_label

    message = untranslated(problem.message)
    if problem.message_id is not None and problem.message_id in ENGLISH:
        arguments = {name: text(label) if name.endswith("_type") and (label := json_type_label(value)) else value
                     for name, value in problem.arguments.items()}
        message = text(problem.message_id, **arguments)
    if problem.line is None:
        return message
    return text("cli.at-line", message=message, line=problem.line, column=problem.column)


#: The catalogue entries of the reasons the system gives for a failed read or write, by errno.
_OS_REASONS = {
    errno.ENOENT: "cli.reason.enoent",
    errno.EACCES: "cli.reason.eacces",
    errno.EPERM: "cli.reason.eperm",
    errno.EISDIR: "cli.reason.eisdir",
    errno.ENOTDIR: "cli.reason.enotdir",
    errno.ELOOP: "cli.reason.eloop",
    errno.ENAMETOOLONG: "cli.reason.enametoolong",
    errno.ENOSPC: "cli.reason.enospc",
    errno.EROFS: "cli.reason.erofs",
    errno.EIO: "cli.reason.eio",
    errno.EFBIG: "cli.reason.efbig",
    errno.EEXIST: "cli.reason.eexist",
}


def os_reason(error: OSError) -> str:
    """Why a file could not be read or written, in this run's language.

    rarepassport's own refusals (a file too large, not a regular file) carry their
    catalogue id; the system's are told by their errno, never by the English
    ``strerror``; an errno not listed gives ``strerror`` marked as not translated.
    """
    message_id = getattr(error, "message_id", None)
    if isinstance(message_id, str):
        return text(message_id, **getattr(error, "arguments", {}))
    if error.errno in _OS_REASONS:
        return text(_OS_REASONS[error.errno])
    return untranslated(error.strerror or type(error).__name__)
def catalogued(
    message: object, message_id: str | None = None, arguments: Mapping[str, str] | None = None
) -> str:
    """A library message in this run's language: a [`Message`][rarepassport.errors.Message],
    or English text with its catalogue id and values; said as written (English) when the
    catalogue has no such entry."""
    from rarepassport.errors import Message
    from rarepassport.labels import ENGLISH

    if isinstance(message, Message):
        message_id, arguments = message.id, message.arguments
    if message_id is None or message_id not in ENGLISH:
        return str(message)
    return text(message_id, **(arguments or {}))


def error_text(exc: BaseException) -> str:
    """An error of the library as this run's language says it (the one way every command does).

    An error given a catalogue [`Message`][rarepassport.errors.Message] is said from its
    entry (``error.*``), after the file it names; a passport that cannot be read gives
    the count of its problems and each problem in the language, and a drawn PDF that does
    not read back as asked each place in the language. Any other error is given as
    written (``str(exc)``, English): the API misuse a developer makes (a wrong type).
    """
    from rarepassport.errors import DrawnTextMismatchError, LoadError, PassportError
    from rarepassport.labels import ENGLISH

    if isinstance(exc, LoadError):
        where = f"{exc.source}: " if exc.source else ""
        found = len(exc.problems)
        count = text("error.load.problems-found.one" if found == 1 else "error.load.problems-found.other", count=found)
        lines = [where + count]
        lines.extend(f"  {problem.path}: {problem_message(problem)}" for problem in exc.problems)
        return "\n".join(lines)
    if not isinstance(exc, PassportError) or exc.message_id is None or exc.message_id not in ENGLISH:
        return str(exc)
    said = text(exc.message_id, **exc.arguments)
    if isinstance(exc, DrawnTextMismatchError):
        # The read-back's places (a plain string, e.g. a plugin backend's, as written).
        from rarepassport.rendering._verify import place_text

        rest = len(exc.problems) - exc.SHOWN
        lines = [said, *(place_text(problem, text) for problem in exc.problems[:exc.SHOWN])]
        if rest > 0:
            lines.append(text("error.render.more-problems", count=rest))
        return "\n  ".join(lines)
    source = getattr(exc, "source", None)
    return f"{source}: {said}" if source else said


def plugin_failure_text(failure: PluginFailure) -> str:
    """A plugin's failure in this run's language: who, which hook, and what went wrong.

    What went wrong is said from its catalogue entry when the failure has one
    (``failure.message_id``), else as the plugin manager wrote it.
    """
    who = failure.plugin + (f" {failure.version}" if failure.version else "")
    what = catalogued(failure.message, failure.message_id, failure.arguments)
    if failure.hook:
        return text("cli.plugin-failure.hook", plugin=who, hook=failure.hook, message=what)
    return text("cli.plugin-failure", plugin=who, message=what)


# --- options every command takes ---------------------------------------------------------

#: (dest, flags, keyword arguments) of the options accepted before or after the command.
_GLOBAL_OPTIONS: tuple[tuple[str, tuple[str, ...], dict[str, Any]], ...] = (
    ("block_plugin", ("--block-plugin",),
     {"action": "append", "metavar": "NAME",
      "help": "do not load this plugin (repeat, or separate names with commas)"}),
    ("quiet", ("-q", "--quiet"), {"action": "store_true", "help": "print errors only: no warnings, no 'wrote' lines"}),
    ("verbose", ("-v", "--verbose"), {"action": "count", "help": "say more: each step and the plugins loaded"}),
    ("debug", ("--debug",),
     {"action": "store_true",
      "help": "show the traceback of a failing plugin or internal error (also RAREPASSPORT_DEBUG=1)"}),
    ("force", ("--force",), {"action": "store_true", "help": "replace output files that already exist"}),
    ("output_format", ("--output-format",),
     {"choices": ("text", "json"), "help": "report as text (default) or as one JSON object on standard output"}),
)


def is_global_option(action: argparse.Action) -> bool:
    """Whether ``action`` is one of the options every command takes (for the docs)."""
    return any(tuple(action.option_strings) == flags for _, flags, _ in _GLOBAL_OPTIONS)


def add_global_options(parser: argparse.ArgumentParser, *, prefix: str) -> None:
    """Add the options every command takes; ``prefix`` keeps a command's own copy apart."""
    group = parser.add_argument_group("options of every command")
    for dest, flags, kwargs in _GLOBAL_OPTIONS:
        group.add_argument(*flags, dest=prefix + dest, default=argparse.SUPPRESS, **kwargs)


def merge_global_options(args: argparse.Namespace) -> None:
    """One value per global option, whether given before the command, after it, or both."""
    before = {dest: getattr(args, "g_" + dest, None) for dest, *_ in _GLOBAL_OPTIONS}
    after = {dest: getattr(args, "s_" + dest, None) for dest, *_ in _GLOBAL_OPTIONS}
    args.block_plugin = [*(before["block_plugin"] or []), *(after["block_plugin"] or [])]
    args.quiet = bool(before["quiet"] or after["quiet"])
    args.verbose = (before["verbose"] or 0) + (after["verbose"] or 0)
    args.debug = bool(before["debug"] or after["debug"])
    args.force = bool(before["force"] or after["force"])
    args.output_format = after["output_format"] or before["output_format"] or "text"


def debug_enabled(args: argparse.Namespace | None) -> bool:
    """``--debug`` or ``RAREPASSPORT_DEBUG`` set to anything but empty or ``0``."""
    if args is not None and getattr(args, "debug", False):
        return True
    return os.environ.get("RAREPASSPORT_DEBUG", "") not in ("", "0")


def plugins_for(args: argparse.Namespace) -> PluginManager:
    """The plugin manager of this run, without the plugins given to ``--block-plugin``."""
    from rarepassport.plugin_manager import make_plugin_manager

    blocked = [name for value in (getattr(args, "block_plugin", None) or []) for name in value.split(",")]
    manager = make_plugin_manager(blocked=blocked)
    reporter: Reporter | None = getattr(args, "reporter", None)
    if reporter is not None:
        names = ", ".join(info.name for info in manager.plugins()) or text("cli.verbose.no-plugins")
        reporter.detail(text("cli.verbose.plugins-loaded", names=names))
        for failure in manager.failures:
            reporter.detail(plugin_failure_text(failure))
    return manager


# --- terminal text and colour -------------------------------------------------------------


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """Text safe for a terminal: control characters (ESC, BEL, BS, CR…), the bidirectional
    overrides LRO and RLO, and lone surrogates from undecodable file names, shown as
    escapes instead of acted on."""

    def escape(match: Any) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = _UNSAFE.sub(escape, text)
    return text if keep_newlines else text.replace("\n", "\\n")


def colour_enabled(stream: IO[str]) -> bool:
    """Colour on a terminal only. ``NO_COLOR`` (any value but empty) turns it off and wins;
    ``FORCE_COLOR`` (any value but empty or ``0``) turns it on even when piped."""
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def paint(text: str, colour: str, stream: IO[str]) -> str:
    """``text`` in ``colour`` (red, green, yellow, bold) when the stream takes colour."""
    if not colour_enabled(stream):
        return text
    return f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m"


def say(text: str = "") -> None:
    """One line on standard output."""
    sys.stdout.write(visible(text) + "\n")


def error(text: str) -> None:
    """One line on standard error, after the program's name."""
    sys.stderr.write(f"rarepassport: {visible(text)}\n")


_SEVERITY_COLOUR = {"error": "red", "warning": "yellow"}


def issue_line(issue: dict[str, Any], stream: IO[str] | None = None) -> str:
    """One issue as ``validate`` prints it: severity, path, message and code.

    One issue, one line: a newline or an escape sequence in a quoted key is shown
    escaped, so it can neither forge another line nor drive the terminal. The severity
    is coloured when ``stream`` takes colour, and in this run's language (``--output-format
    json`` keeps the machine word, ``error`` or ``warning``); the path and the code are
    the same in every language.
    """
    from rarepassport.labels import ENGLISH

    key = f"cli.severity.{issue['severity']}"
    word = text(key) if key in ENGLISH else str(issue["severity"])
    # Padded to seven columns on a terminal (a Chinese character takes two).
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in word)
    severity = word + " " * max(7 - columns, 0)
    rest = visible(f" {issue['path']}: {issue['message']} [{issue['code']}]", keep_newlines=False)
    colour = _SEVERITY_COLOUR.get(issue["severity"])
    if stream is not None and colour is not None:
        severity = paint(severity, colour, stream)
    return f"  {visible(severity, keep_newlines=False) if stream is None else severity}{rest}"


def count(issues: list[dict[str, Any]]) -> str:
    """`` (2 errors, 1 warning)``, or nothing for no issue."""
    errors = sum(1 for i in issues if i["severity"] == "error")
    warnings = sum(1 for i in issues if i["severity"] == "warning")
    parts = []
    if errors:
        parts.append(text("cli.count.errors.one" if errors == 1 else "cli.count.errors.other", n=errors))
    if warnings:
        parts.append(text("cli.count.warnings.one" if warnings == 1 else "cli.count.warnings.other", n=warnings))
    return f" ({', '.join(parts)})" if parts else ""


# --- the report ------------------------------------------------------------------------------


class Reporter:
    """What a command says: text lines on standard error by verbosity, or one JSON object.

    In JSON mode (``--output-format json``) nothing but the report goes to standard
    output, and the lines meant for people are not printed: their content is in the
    results (see ``report.schema.json`` in this package).
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.command = " ".join(part for part in (getattr(args, "command", None),
                                                  getattr(args, "plugin_command", None)) if part)
        self.json = getattr(args, "output_format", "text") == "json"
        self.level = -1 if getattr(args, "quiet", False) else int(getattr(args, "verbose", 0) or 0)
        self.results: list[dict[str, Any]] = []

    def add(
        self,
        file: str | None,
        status: str,
        *,
        issues: Sequence[dict[str, Any]] = (),
        warnings: Sequence[str] = (),
        output: str | None = None,
        error: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Record the result for one input (``status``: ok, invalid or error)."""
        result = {
            "file": display_name(file) if file is not None else None,
            "status": status,
            "output": output,
            "error": error,
            "issues": list(issues),
            "warnings": list(warnings),
            **extra,
        }
        self.results.append(result)
        return result

    def info(self, text: str) -> None:
        """A line for people (``wrote X``), hidden by ``-q`` and in JSON mode."""
        if self.level >= 0 and not self.json:
            error(text)

    def warn(self, line: str) -> None:
        """A warning line, hidden by ``-q`` and in JSON mode (the report has it)."""
        if self.level >= 0 and not self.json:
            label = paint(text("cli.warning"), "yellow", sys.stderr)
            sys.stderr.write(f"rarepassport: {label}: {visible(line)}\n")

    def detail(self, text: str) -> None:
        """A line shown only with ``-v``."""
        if self.level >= 1 and not self.json:
            error(text)

    def failure(self, text: str, file: str | None = None) -> None:
        """An error: one line on standard error, or a result with status ``error``."""
        if self.json:
            if not any(r["status"] == "error" and r["error"] == text for r in self.results):
                self.add(file, "error", error=text)
        else:
            error(text)

    def finish(self, status: int) -> int:
        """Print the JSON report (in JSON mode) and return the exit status."""
        if self.json:
            report = {
                "report_version": REPORT_VERSION,
                "rarepassport": __version__,
                "command": self.command,
                "exit_status": status,
                "results": self.results,
            }
            sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
            sys.stdout.flush()
        return status


# --- input ------------------------------------------------------------------------------------


def display_name(name: str) -> str:
    """The name of an input as messages give it: ``<stdin>`` for ``-``."""
    return _STDIN_NAME if name == STDIN else name


def read_source(name: str) -> bytes:
    """The bytes of a file, or of standard input for ``-`` (read once, at most
    :data:`rarepassport.limits.MAX_FILE_BYTES`)."""
    from rarepassport import limits
    from rarepassport.convert import read_input

    if name != STDIN:
        return read_input(name)
    most = limits.MAX_FILE_BYTES
    data = sys.stdin.buffer.read(most + 1)
    if len(data) > most:
        error = OSError(errno.EFBIG, f"larger than {most} bytes (see rarepassport.limits)", _STDIN_NAME)
        error.message_id, error.arguments = "cli.reason.too-large", {"limit": str(most)}  # type: ignore[attr-defined]
        raise error
    return data


def source_format(name: str, data: bytes) -> Format:
    """``json`` or ``yaml``: by the file's suffix, or for standard input by its first
    character (``{`` or ``[`` is JSON, anything else YAML)."""
    from rarepassport.convert import format_for

    if name != STDIN:
        return format_for(name)
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if first in (b"{", b"[", b"") else "yaml"


def need_yaml(name: str, doing: str = "reading") -> None:
    """Stop with exit status 2, naming the extra to install, when PyYAML is missing."""
    try:
        import yaml  # noqa: F401
    except ImportError:
        kind = "writing" if doing == "writing" else "reading"
        raise CommandError(text(f"cli.needs-yaml.{kind}", file=display_name(name))) from None


#: The environment variable that may hold the passphrase of encrypted passports (for
#: scripts; a file given to --passphrase-file is safer: other programs of the same user
#: can read a process's environment).
PASSPHRASE_ENV = "RAREPASSPORT_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--passphrase-file`` to a command that reads (or writes) encrypted passports."""
    parser.add_argument(
        "--passphrase-file", metavar="FILE",
        help="read the passphrase of encrypted passports from the first line of FILE (or set "
             f"{PASSPHRASE_ENV}); without either it is asked for on the terminal, never given on the command line",
    )


def _terminal_available() -> bool:
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return False


def passphrase_for(args: argparse.Namespace | None, name: str, *, confirm: bool = False) -> str:
    """The passphrase for ``name``: from ``--passphrase-file``, else the environment
    variable [`PASSPHRASE_ENV`][], else asked for on the terminal (twice with ``confirm``).

    Raises:
        CommandError: When there is no passphrase to be had (no file, no variable, no
            terminal), or the two answers differ.
    """
    import getpass

    path = getattr(args, "passphrase_file", None)
    if path is not None:
        if path == STDIN:  # standard input may be the passport itself
            raise CommandError(text("cli.passphrase.stdin"))
        secret = read_source(path).decode("utf-8", "replace").split("\n", 1)[0].rstrip("\r")
        if not secret:
            raise CommandError(text("cli.passphrase.empty", file=path))
        return secret
    secret = os.environ.get(PASSPHRASE_ENV, "")
    if secret:
        return secret
    if not _terminal_available():
        raise CommandError(text("cli.passphrase.no-terminal", file=display_name(name), variable=PASSPHRASE_ENV))
    secret = getpass.getpass(text("cli.passphrase.ask", file=display_name(name)))
    if confirm and getpass.getpass(text("cli.passphrase.again")) != secret:
        raise CommandError(text("cli.passphrase.differ"))
    return secret


def read_passport(name: str, args: argparse.Namespace | None) -> tuple[bytes, Format]:
    """The bytes of a passport file (decrypted, when it is an encrypted passport) and
    their format; see [`read_source`][] and [`source_format`][]."""
    return open_passport(name, read_source(name), args)


def open_passport(name: str, data: bytes, args: argparse.Namespace | None) -> tuple[bytes, Format]:
    """The bytes read from ``name``, decrypted when they are an encrypted passport, and
    their format."""
    from rarepassport.convert import open_encrypted
    from rarepassport.errors import EncryptionError

    try:
        plain, fmt = open_encrypted(data, lambda: passphrase_for(args, name), display_name(name))
    except EncryptionError as exc:
        raise CommandError(error_text(exc)) from None
    if fmt is None:
        fmt = source_format(name, data)
    if fmt == "yaml":
        need_yaml(name)
    return plain, fmt


def load_source(name: str, plugins: PluginManager, args: argparse.Namespace | None = None) -> Passport:
    """The passport in a file or on standard input (decrypted with the passphrase of
    ``args`` when encrypted); errors name the file as given."""
    from rarepassport.convert import loads
    from rarepassport.errors import LoadError

    data, fmt = read_passport(name, args)
    try:
        return loads(data, format=fmt, plugins=plugins)
    except LoadError as exc:
        raise exc.with_source(display_name(name)) from None


# --- output -------------------------------------------------------------------------------


def _is_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _same_file(target: Path, source: str) -> bool:
    if source == STDIN:
        return False
    try:
        return target.exists() and Path(source).exists() and target.resolve() == Path(source).resolve()
    except OSError:
        return False


def write_output(
    args: argparse.Namespace | None,
    path: str | None,
    data: bytes,
    *,
    inputs: Sequence[str] = (),
) -> str:
    """Write ``data`` under the overwrite policy; return the name written (``-`` for stdout).

    ``path`` ``None`` means standard output by default, ``-`` standard output asked
    for: binary data (a PDF, a PNG) is written to a terminal only when asked for.
    """
    from rarepassport.convert import write_atomic

    force = bool(getattr(args, "force", False))
    json_report = getattr(args, "output_format", "text") == "json"
    if path is None or path == STDIN:
        if json_report:
            raise CommandError(text("cli.refuse.json-stdout"))
        if path is None and _is_binary(data) and sys.stdout.isatty():
            raise CommandError(text("cli.refuse.binary-terminal"))
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return STDIN
    target = Path(path)
    for source in inputs:
        if _same_file(target, source):
            raise CommandError(text("cli.refuse.overwrite-input", file=path))
    if target.parent and not target.parent.exists():
        raise CommandError(text("cli.refuse.no-folder", file=path, folder=target.parent))
    try:
        info: os.stat_result | None = os.stat(target)
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and not force:
        raise CommandError(text("cli.refuse.exists", file=path))
    write_atomic(target, data)
    return path


# --- debugging ------------------------------------------------------------------------------


def enable_debug_logging() -> Callable[[], None]:
    """Send the library's debug log (a failing plugin's traceback) to standard error;
    returns the function that puts the logger back as it was."""
    import logging

    logger = logging.getLogger("rarepassport")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("rarepassport: debug: %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)

    return restore
