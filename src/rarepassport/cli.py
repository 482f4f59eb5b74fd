"""The ``rarepassport`` command: a thin shell over the public API.

Exit codes: 0 success, 1 the passport is invalid, 2 usage, input/output or plugin error.
No traceback reaches the user for bad input: every expected failure becomes one line
(or one line per problem) on standard error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rarepassport._plugins import PluginManager, make_plugin_manager
from rarepassport._version import __version__
from rarepassport.errors import PassportError

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A failure to report on one line and exit with status 2."""


def _plugins(args: argparse.Namespace) -> PluginManager:
    blocked = [name for value in (getattr(args, "block_plugin", None) or []) for name in value.split(",")]
    return make_plugin_manager(blocked=blocked)


def _visible(text: str, *, keep_newlines: bool = True) -> str:
    """Text safe for a terminal: control characters (ESC, BEL, BS, CR…), and lone
    surrogates from undecodable file names, shown as escapes instead of acted on."""
    from rarepassport.convert import _BAD_CHARACTERS

    def escape(match: Any) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = _BAD_CHARACTERS.sub(escape, text)
    return text if keep_newlines else text.replace("\n", "\\n")


def _print(text: str = "") -> None:
    sys.stdout.write(_visible(text) + "\n")


def _error(text: str) -> None:
    sys.stderr.write(f"rarepassport: {_visible(text)}\n")


def _write_output(path: str | None, data: bytes, *, inputs: Sequence[str] = ()) -> None:
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


# --- new ------------------------------------------------------------------------------


def _cmd_new(args: argparse.Namespace) -> int:
    from rarepassport._starter import starter_document
    from rarepassport.convert import _text_problem, format_for

    problem = _text_problem(args.name, 200)
    if problem is not None:
        # An undecodable byte arrives as a lone surrogate: say so, never a traceback.
        raise CommandError(f"--name {problem}; give the name as UTF-8 text")
    document = starter_document(name=args.name)
    if args.output and args.output != "-" and format_for(args.output) == "yaml":
        # A .yaml file must hold YAML: people edit the starter by hand, in the format they chose.
        from rarepassport.convert import _import_yaml, _TextDumper

        yaml = _import_yaml()
        text = yaml.dump(document, Dumper=_TextDumper.get(), allow_unicode=True, sort_keys=False)
    else:
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.output and args.output != "-" and Path(args.output).exists() and not args.force:
        raise CommandError(f"{args.output} already exists; use --force to replace it")
    _write_output(args.output, text.encode("utf-8"))
    if args.output and args.output != "-":
        _error(f"wrote {args.output}: fill it in, then run 'rarepassport validate {args.output}'")
    return EXIT_OK


# --- validate ---------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    from rarepassport.convert import _parse, format_for, read_input
    from rarepassport.errors import LoadError, Problem
    from rarepassport.validate import validate

    plugins = _plugins(args)
    results: list[dict[str, Any]] = []
    worst = EXIT_OK
    for name in args.files:
        try:
            data = _parse(read_input(name), format_for(name))
            if not isinstance(data, dict):
                # A document that is only a string must not be taken for a file name.
                raise LoadError([Problem("$", "a passport must be a JSON object, not a single value or list")])
        except OSError as exc:
            results.append({"file": name, "ok": False, "error": f"cannot read: {exc.strerror or exc}"})
            worst = EXIT_ERROR
            continue
        except LoadError as exc:
            problems = [
                {
                    "path": p.path,
                    "code": "syntax",
                    "severity": "error",
                    "message": p.message + (f" (line {p.line}, column {p.column})" if p.line is not None else ""),
                }
                for p in exc.problems
            ]
            results.append({"file": name, "ok": False, "issues": problems})
            worst = max(worst, EXIT_INVALID)
            continue
        report = validate(data, plugins=plugins)
        results.append({"file": name, **report.to_dict()})
        if not report.ok:
            worst = max(worst, EXIT_INVALID)
    if args.format == "json":
        _print(json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False, indent=2))
        return worst
    for result in results:
        if "error" in result:
            _error(f"{result['file']}: {result['error']}")
            continue
        issues = result["issues"]
        if args.quiet:
            issues = [i for i in issues if i["severity"] == "error"]
        status = "valid" if result["ok"] else "INVALID"
        counts = _count(result["issues"])
        _print(f"{result['file']}: {status}{counts}")
        for issue in issues:
            _print(_issue_line(issue))
    return worst


def _issue_line(issue: dict[str, Any]) -> str:
    """One issue as ``validate`` prints it: severity, path, message and code.

    One issue, one line: a newline or an escape sequence in a quoted key is shown
    escaped, so it can neither forge another line nor drive the terminal.
    """
    line = f"  {issue['severity']:<7} {issue['path']}: {issue['message']} [{issue['code']}]"
    return _visible(line, keep_newlines=False)


def _count(issues: list[dict[str, Any]]) -> str:
    errors = sum(1 for i in issues if i["severity"] == "error")
    warnings = sum(1 for i in issues if i["severity"] == "warning")
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f" ({', '.join(parts)})" if parts else ""


# --- schema -----------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    from rarepassport.schema import json_schema

    text = json.dumps(json_schema(plugins=_plugins(args)), ensure_ascii=False, indent=2) + "\n"
    _write_output(args.output, text.encode("utf-8"))
    return EXIT_OK


# --- plugins ------------------------------------------------------------------------------


def _cmd_plugins(args: argparse.Namespace) -> int:
    plugins = _plugins(args)
    infos = plugins.plugins()
    applicable: set[str] | None = None
    if args.for_file:
        from rarepassport.convert import load
        from rarepassport.plugins_for import applicable_plugins

        passport = load(args.for_file, plugins=plugins)
        applicable = set(applicable_plugins(passport, plugins=plugins))
        infos = [info for info in infos if info.name in applicable]
    if args.format == "json":
        payload = {
            "plugins": [
                {"name": i.name, "version": i.version, "source": i.source, "hooks": list(i.hooks)} for i in infos
            ],
            "sections": [
                {"id": s.id, "plugin": s.plugin, "title": s.title, "applies_to": list(s.applies_to)}
                for s in plugins.sections
            ],
            "failures": [
                {"plugin": f.plugin, "version": f.version, "hook": f.hook, "message": f.message}
                for f in plugins.failures
            ],
        }
        _print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.for_file:
        _print(f"Plugins that apply to {args.for_file}:")
    for info in infos:
        _print(f"{info.name} {info.version or '(version unknown)'} [{info.source}]")
        for section in plugins.sections:
            if section.plugin == info.name:
                applies = f" (for {', '.join(section.applies_to)})" if section.applies_to else ""
                _print(f"  section extensions.{section.id}: {section.title}{applies}")
    if args.for_file and not infos:
        _print("  none of the installed plugins applies to this passport")
    if plugins.failures:
        _print("")
        _print("Failures:")
        for failure in plugins.failures:
            _print(f"  {failure}")
    return EXIT_OK


# --- the parser -------------------------------------------------------------------------------


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

    new = commands.add_parser("new", help="write a starter passport with every section to fill in")
    new.add_argument("output", nargs="?", default="-", help="file to write (default: standard output)")
    new.add_argument("--name", default="Your Name", help="the person's name")
    new.add_argument("--force", action="store_true", help="replace the file if it exists")
    new.set_defaults(handler=_cmd_new)

    check = commands.add_parser("validate", help="check passports and report every problem")
    check.add_argument("files", nargs="+", metavar="FILE", help="passport files (.json, .yaml)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    check.add_argument("-q", "--quiet", action="store_true", help="show errors only")
    check.set_defaults(handler=_cmd_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of passports (with plugin sections)")
    schema.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")
    schema.set_defaults(handler=_cmd_schema)

    plugins = commands.add_parser("plugins", help="list installed plugins, their sections and load failures")
    plugins.add_argument("--for", dest="for_file", metavar="FILE", help="only plugins that apply to this passport")
    plugins.add_argument("--format", choices=("text", "json"), default="text")
    plugins.set_defaults(handler=_cmd_plugins)

    for register in _EXTRA_COMMANDS:
        register(commands)
    return parser


def _register_extra_commands() -> list[Callable[[Any], None]]:
    """Commands that live beside their feature (render and demo, export and import, plugin new).

    Imported here, after this module's helpers exist, because those modules use them.
    """
    from rarepassport import _cli_fhir, _cli_fonts, _cli_labels, _cli_plugin, _cli_render

    return [_cli_render.register, _cli_fhir.register, _cli_plugin.register, _cli_labels.register, _cli_fonts.register]


_EXTRA_COMMANDS = _register_extra_commands()


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
        _error(str(exc))
        return EXIT_ERROR
    except PassportError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        _error(f"cannot access{where}: {exc.strerror or exc}")
        return EXIT_ERROR
    except KeyboardInterrupt:  # pragma: no cover - interactive
        return 130
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
