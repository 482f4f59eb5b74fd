"""The ``new``, ``validate``, ``schema`` and ``plugins`` commands."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rarepassport.cli._common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    STDIN,
    CommandError,
    Reporter,
    add_passphrase_option,
    count,
    display_name,
    issue_line,
    load_source,
    message_language,
    need_yaml,
    open_passport,
    os_reason,
    paint,
    plugin_failure_text,
    plugins_for,
    problem_message,
    read_passport,
    read_source,
    say,
    section_title,
    text,
    visible,
    write_output,
)

__all__ = ["register"]


# --- new ------------------------------------------------------------------------------


def _cmd_new(args: argparse.Namespace) -> int:
    from rarepassport.cli._starter import starter_document
    from rarepassport.convert import check_tree, dumps_document, format_for

    reporter: Reporter = args.reporter
    if args.output_file is not None and args.output is not None and args.output_file != args.output:
        raise CommandError(text("cli.new.twice", first=args.output, second=args.output_file))
    output = args.output_file if args.output_file is not None else args.output
    problems = check_tree(args.name, "--name")
    if problems:
        # An undecodable byte arrives as a lone surrogate: say so, never a traceback.
        raise CommandError(text("cli.new.name-not-text", message=problem_message(problems[0])))
    document = starter_document(name=args.name)
    # A .yaml file must hold YAML: people edit the starter by hand, in the format they chose.
    to_yaml = output is not None and output != STDIN and format_for(output) == "yaml"
    if to_yaml:
        need_yaml(output, "writing")
    document_text = dumps_document(document, format="yaml" if to_yaml else "json")
    written = write_output(args, output if output is not None else STDIN, document_text.encode("utf-8"))
    reporter.add(None, "ok", output=written)
    if written != STDIN:
        reporter.info(text("cli.wrote-starter", file=written))
    return EXIT_OK


# --- validate ---------------------------------------------------------------------------


def _syntax_issues(exc: Any) -> list[dict[str, Any]]:
    return [
        {
            "path": p.path,
            "code": "syntax",
            "severity": "error",
            "message": problem_message(p),
        }
        for p in exc.problems
    ]


def _cmd_validate(args: argparse.Namespace) -> int:
    import sys

    from rarepassport.convert import parse_document
    from rarepassport.errors import LoadError, Problem
    from rarepassport.validation import validate

    reporter: Reporter = args.reporter
    plugins = plugins_for(args)
    language = message_language(args)
    worst = EXIT_OK
    stdin_data: bytes | None = None
    for name in args.files:
        try:
            if name == STDIN:
                # Read once: `validate - -` checks the same text twice, never waits twice.
                stdin_data = read_source(name) if stdin_data is None else stdin_data
                raw, fmt = open_passport(name, stdin_data, args)
            else:
                raw, fmt = read_passport(name, args)
            data = parse_document(raw, format="yaml" if fmt == "yaml" else "json")
            if not isinstance(data, dict):
                # A document that is only a string must not be taken for a file name.
                raise LoadError([Problem("$", text("cli.not-a-passport-object"))])
        except CommandError as exc:
            message, prefix = str(exc), f"{display_name(name)}: "
            reporter.add(name, "error", error=message[len(prefix):] if message.startswith(prefix) else message)
            worst = EXIT_ERROR
            continue
        except OSError as exc:
            reporter.add(name, "error", error=text("cli.cannot-read", reason=os_reason(exc)))
            worst = EXIT_ERROR
            continue
        except LoadError as exc:
            reporter.add(name, "invalid", issues=_syntax_issues(exc))
            worst = max(worst, EXIT_INVALID)
            continue
        report = validate(data, plugins=plugins, language=language)
        reporter.add(name, "ok" if report.ok else "invalid", issues=report.to_dict()["issues"])
        if not report.ok:
            worst = max(worst, EXIT_INVALID)
    if reporter.json:
        return worst
    for result in reporter.results:
        if result["status"] == "error":
            reporter.failure(f"{result['file']}: {result['error']}")
            continue
        issues = result["issues"]
        if reporter.level < 0:
            issues = [i for i in issues if i["severity"] == "error"]
        ok = result["status"] == "ok"
        status = paint(text("cli.valid"), "green", sys.stdout) if ok else paint(text("cli.invalid"), "red", sys.stdout)
        sys.stdout.write(f"{visible(result['file'])}: {status}{count(result['issues'])}\n")
        for issue in issues:
            sys.stdout.write(issue_line(issue, sys.stdout) + "\n")
    return worst


# --- schema -----------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    from rarepassport.schema import json_schema

    document_text = json.dumps(json_schema(plugins=plugins_for(args)), ensure_ascii=False, indent=2) + "\n"
    written = write_output(args, args.output, document_text.encode("utf-8"))
    args.reporter.add(None, "ok", output=written)
    if written != STDIN:
        args.reporter.info(text("cli.wrote", file=written))
    return EXIT_OK


# --- plugins ------------------------------------------------------------------------------


def _cmd_plugins(args: argparse.Namespace) -> int:
    reporter: Reporter = args.reporter
    plugins = plugins_for(args)
    infos = plugins.plugins()
    if args.for_file:
        from rarepassport.plugins_for import applicable_plugins

        passport = load_source(args.for_file, plugins, args)
        applicable = set(applicable_plugins(passport, plugins=plugins))
        infos = [info for info in infos if info.name in applicable]
    if reporter.json:
        reporter.add(
            args.for_file,
            "ok",
            warnings=[str(f) for f in plugins.failures],
            plugins=[
                {"name": i.name, "version": i.version, "source": i.source, "hooks": list(i.hooks)} for i in infos
            ],
            sections=[
                {"id": s.id, "plugin": s.plugin, "title": s.title, "applies_to": list(s.applies_to)}
                for s in plugins.sections
            ],
            layouts=[{"id": s.id, "plugin": s.plugin, "description": s.description} for s in plugins.layouts],
            failures=[
                {"plugin": f.plugin, "version": f.version, "hook": f.hook, "message": f.message}
                for f in plugins.failures
            ],
        )
        return EXIT_OK
    if args.for_file:
        say(text("cli.plugins.for-file", file=display_name(args.for_file)))
    for info in infos:
        say(f"{info.name} {info.version or text('cli.plugins.version-unknown')} [{info.source}]")
        for section in plugins.sections:
            if section.plugin == info.name:
                applies = (text("cli.plugins.applies-to", conditions=", ".join(section.applies_to))
                           if section.applies_to else "")
                say("  " + text("cli.plugins.section", id=section.id, title=section_title(plugins, section),
                                applies=applies))
        if info.source != "builtin":  # the core steps are listed in the docs, in order
            for step in plugins.layouts:
                if step.plugin == info.name:
                    say("  " + text("cli.plugins.layout-step", id=step.id,
                                    description=step.description or text("cli.plugins.no-description")))
    if args.for_file and not infos:
        say(text("cli.plugins.none-applies"))
    if plugins.failures:
        say("")
        say(text("cli.plugins.failures"))
        for failure in plugins.failures:
            say(f"  {plugin_failure_text(failure)}")
    return EXIT_OK


def _report_format(parser: argparse.ArgumentParser) -> None:
    # The older spelling of --output-format on the commands whose only output is the report.
    parser.add_argument("--format", dest="s_output_format", choices=("text", "json"), default=argparse.SUPPRESS,
                        help="the same as --output-format")


def register(commands: Any) -> None:
    """Add the ``new``, ``validate``, ``schema`` and ``plugins`` commands."""
    new = commands.add_parser("new", help="write a starter passport with every section to fill in")
    new.add_argument("output", nargs="?", metavar="OUT",
                     help="file to write, .json or .yaml (default: standard output)")
    new.add_argument("-o", "--output", dest="output_file", metavar="OUT", help="the same as OUT")
    new.add_argument("--name", default="Your Name", help="the person's name")
    new.set_defaults(handler=_cmd_new)

    check = commands.add_parser("validate", help="check passports and report every problem")
    check.add_argument("files", nargs="+", metavar="FILE",
                       help="passport files (.json, .yaml), '-' for standard input")
    check.add_argument("--language", metavar="TAG",
                       help="language of the messages, e.g. fr or de (default: from LANGUAGE, LC_ALL, "
                            "LC_MESSAGES or LANG; English)")
    _report_format(check)
    add_passphrase_option(check)
    check.set_defaults(handler=_cmd_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of passports (with plugin sections)")
    schema.add_argument("-o", "--output", metavar="OUT", help="file to write (default: standard output)")
    schema.set_defaults(handler=_cmd_schema)

    plugins = commands.add_parser("plugins", help="list installed plugins, their sections and load failures")
    plugins.add_argument("--for", dest="for_file", metavar="FILE",
                         help="only plugins that apply to this passport ('-' for standard input)")
    _report_format(plugins)
    add_passphrase_option(plugins)
    plugins.set_defaults(handler=_cmd_plugins)
