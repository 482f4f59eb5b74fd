"""What every command of the ``rarepassport`` command line shares.

Exit codes, the one-line error, safe printing to a terminal and writing an output.
This module is the leaf of the ``cli`` package: the command modules import it, and it
imports none of them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rarepassport._plugins import PluginManager, make_plugin_manager

__all__ = [
    "EXIT_ERROR",
    "EXIT_INVALID",
    "EXIT_OK",
    "CommandError",
    "Handler",
    "count",
    "error",
    "issue_line",
    "plugins_for",
    "say",
    "visible",
    "write_output",
]

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]

# Control characters (but newline and tab) and lone surrogates: shown escaped, never sent
# to the terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class CommandError(Exception):
    """A failure to report on one line and exit with status 2."""


def plugins_for(args: argparse.Namespace) -> PluginManager:
    """The plugin manager of this run, without the plugins given to ``--block-plugin``."""
    blocked = [name for value in (getattr(args, "block_plugin", None) or []) for name in value.split(",")]
    return make_plugin_manager(blocked=blocked)


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """Text safe for a terminal: control characters (ESC, BEL, BS, CR…), and lone
    surrogates from undecodable file names, shown as escapes instead of acted on."""

    def escape(match: Any) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = _UNSAFE.sub(escape, text)
    return text if keep_newlines else text.replace("\n", "\\n")


def say(text: str = "") -> None:
    """One line on standard output."""
    sys.stdout.write(visible(text) + "\n")


def error(text: str) -> None:
    """One line on standard error, after the program's name."""
    sys.stderr.write(f"rarepassport: {visible(text)}\n")


def write_output(path: str | None, data: bytes, *, inputs: Sequence[str] = ()) -> None:
    """Write to a file atomically, or to standard output when ``path`` is ``None`` or ``-``."""
    from rarepassport.convert import write_atomic

    if path is None or path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(path)
    for source in inputs:
        if target.exists() and Path(source).exists() and target.resolve() == Path(source).resolve():
            raise CommandError(f"refusing to overwrite the input file {path}; choose another -o")
    if target.parent and not target.parent.exists():
        raise CommandError(f"cannot write {path}: folder {target.parent} does not exist")
    write_atomic(target, data)


def issue_line(issue: dict[str, Any]) -> str:
    """One issue as ``validate`` prints it: severity, path, message and code.

    One issue, one line: a newline or an escape sequence in a quoted key is shown
    escaped, so it can neither forge another line nor drive the terminal.
    """
    line = f"  {issue['severity']:<7} {issue['path']}: {issue['message']} [{issue['code']}]"
    return visible(line, keep_newlines=False)


def count(issues: list[dict[str, Any]]) -> str:
    """`` (2 errors, 1 warning)``, or nothing for no issue."""
    errors = sum(1 for i in issues if i["severity"] == "error")
    warnings = sum(1 for i in issues if i["severity"] == "warning")
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f" ({', '.join(parts)})" if parts else ""
