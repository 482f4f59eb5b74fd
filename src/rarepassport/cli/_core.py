"""The ``new``, ``validate``, ``schema`` and ``plugins`` commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rarepassport.cli._common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    CommandError,
    count,
    error,
    issue_line,
    plugins_for,
    say,
    write_output,
)

__all__ = ["register"]


# --- new ------------------------------------------------------------------------------


def _cmd_new(args: argparse.Namespace) -> int:
    from rarepassport.cli._starter import starter_document
    from rarepassport.convert import check_tree, dumps_document, format_for

    problems = check_tree(args.name, "--name")
    if problems:
        # An undecodable byte arrives as a lone surrogate: say so, never a traceback.
        raise CommandError(f"--name {problems[0].message}; give the name as UTF-8 text")
    document = starter_document(name=args.name)
    # A .yaml file must hold YAML: people edit the starter by hand, in the format they chose.
    to_yaml = bool(args.output) and args.output != "-" and format_for(args.output) == "yaml"
    text = dumps_document(document, format="yaml" if to_yaml else "json")
    if args.output and args.output != "-" and Path(args.output).exists() and not args.force:
        raise CommandError(f"{args.output} already exists; use --force to replace it")
    write_output(args.output, text.encode("utf-8"))
    if args.output and args.output != "-":
        error(f"wrote {args.output}: fill it in, then run 'rarepassport validate {args.output}'")
    return EXIT_OK


# --- validate ---------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    from rarepassport.convert import format_for, parse_document, read_input
    from rarepassport.errors import LoadError, Problem
    from rarepassport.validate import validate

    plugins = plugins_for(args)
    results: list[dict[str, Any]] = []
    worst = EXIT_OK
    for name in args.files:
        try:
            data = parse_document(read_input(name), format=format_for(name))
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
        say(json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False, indent=2))
        return worst
    for result in results:
        if "error" in result:
            error(f"{result['file']}: {result['error']}")
            continue
        issues = result["issues"]
        if args.quiet:
            issues = [i for i in issues if i["severity"] == "error"]
        status = "valid" if result["ok"] else "INVALID"
        counts = count(result["issues"])
        say(f"{result['file']}: {status}{counts}")
        for issue in issues:
            say(issue_line(issue))
    return worst


# --- schema -----------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    from rarepassport.schema import json_schema

    text = json.dumps(json_schema(plugins=plugins_for(args)), ensure_ascii=False, indent=2) + "\n"
    write_output(args.output, text.encode("utf-8"))
    return EXIT_OK


# --- plugins ------------------------------------------------------------------------------


def _cmd_plugins(args: argparse.Namespace) -> int:
    plugins = plugins_for(args)
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
        say(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.for_file:
        say(f"Plugins that apply to {args.for_file}:")
    for info in infos:
        say(f"{info.name} {info.version or '(version unknown)'} [{info.source}]")
        for section in plugins.sections:
            if section.plugin == info.name:
                applies = f" (for {', '.join(section.applies_to)})" if section.applies_to else ""
                say(f"  section extensions.{section.id}: {section.title}{applies}")
    if args.for_file and not infos:
        say("  none of the installed plugins applies to this passport")
    if plugins.failures:
        say("")
        say("Failures:")
        for failure in plugins.failures:
            say(f"  {failure}")
    return EXIT_OK


def register(commands: Any) -> None:
    """Add the ``new``, ``validate``, ``schema`` and ``plugins`` commands."""
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
