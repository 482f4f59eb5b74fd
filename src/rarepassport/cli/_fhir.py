"""The ``export`` and ``import`` commands: FHIR IPS, Phenopackets and plugin exporters.

``rarepassport export fhir FILE -o bundle.json`` and ``rarepassport export phenopacket
FILE -o packet.json`` call the registered exporters; ``rarepassport import fhir
bundle.json -o passport.json`` reads an IPS document and lists on standard error every
element it could not map. A thin shell over :mod:`rarepassport.fhir`.
"""

from __future__ import annotations

import argparse
from typing import Any

from rarepassport.cli._common import (
    EXIT_OK,
    STDIN,
    CommandError,
    Reporter,
    add_passphrase_option,
    catalogued,
    display_name,
    error,
    error_text,
    load_source,
    need_yaml,
    plugin_failure_text,
    plugins_for,
    problem_message,
    read_source,
    text,
    write_output,
)

__all__ = ["register"]

# Short names people type, and the exporter each stands for.
_ALIASES = {"fhir": "fhir-ips", "ips": "fhir-ips"}


def _one_line(source: str, exc: Any) -> CommandError:
    problems = getattr(exc, "problems", ())
    if not problems:
        return CommandError(f"{display_name(source)}: {error_text(exc)}")
    more = " " + text("cli.and-more", count=len(problems) - 1) if len(problems) > 1 else ""
    return CommandError(f"{display_name(source)}: {problems[0].path}: {problem_message(problems[0])}{more}")


def _cmd_export(args: argparse.Namespace) -> int:
    import warnings as warnings_module

    from rarepassport.errors import LoadError, MissingDependencyError, PluginWarning
    from rarepassport.registries import PluginFailure

    reporter: Reporter = args.reporter
    plugins = plugins_for(args)
    name = _ALIASES.get(args.format, args.format)
    if name not in plugins.exporters:
        known = ", ".join(sorted({*plugins.exporters.names(), *_ALIASES}))
        raise CommandError(text("cli.export.unknown-format", format=repr(args.format), names=known))
    try:
        passport = load_source(args.file, plugins, args)
    except LoadError as exc:
        raise _one_line(args.file, exc) from None
    if args.view is not None:
        from rarepassport.redaction import redact

        passport = redact(passport, args.view, plugins=plugins)
    options = {}
    if args.identifiable:
        if name != "phenopacket":
            raise CommandError(text("cli.export.phenopacket-only", option="--identifiable"))
        options["identifiable"] = True
    if args.no_hpo:
        if name != "phenopacket":
            raise CommandError(text("cli.export.phenopacket-only", option="--no-hpo"))
        options["hpo"] = False
    try:
        with warnings_module.catch_warnings(record=True) as caught:
            warnings_module.simplefilter("always", PluginWarning)
            data = plugins.exporters[name].export(passport, plugins=plugins, **options)
    except MissingDependencyError as exc:
        raise CommandError(f"{display_name(args.file)}: {error_text(exc)}") from None
    for record in caught:
        # A plugin's failing export hook: one line in the messages' language, not Python's
        # warning with a source file and line.
        failure = getattr(record.message, "failure", None)
        if isinstance(record.message, PluginWarning) and isinstance(failure, PluginFailure):
            reporter.warn(text("cli.export.plugin-failed", failure=plugin_failure_text(failure)))
        else:
            reporter.warn(str(record.message))
    written = write_output(args, args.output, data, inputs=[args.file])
    warnings: list[str] = []
    if name == "fhir-ips":
        from rarepassport.fhir import not_carried

        left_out = not_carried(passport)
        if left_out:
            warnings.append(
                "the IPS has no place for " + ", ".join(left_out)
                + "; they stay in the passport only (plugin sections travel as narrative text)"
            )
            reporter.info(text("cli.note", message=text("cli.export.not-carried", fields=", ".join(left_out))))
    elif name == "phenopacket":
        from rarepassport.phenopacket import explain_messages

        for note in explain_messages(passport, hpo=options.get("hpo")):
            warnings.append(str(note))  # the report's warnings stay English, as the library gives them
            reporter.info(text("cli.note", message=catalogued(note)))
    reporter.add(args.file, "ok", warnings=warnings, output=written)
    if written != STDIN:
        reporter.info(text("cli.wrote", file=written))
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from rarepassport.convert import dumps, format_for, parse_document
    from rarepassport.errors import LoadError, PassportError
    from rarepassport.fhir import from_ips

    reporter: Reporter = args.reporter
    plugins = plugins_for(args)
    raw = read_source(args.file)
    try:
        bundle = parse_document(raw, format="json")
    except LoadError as exc:
        if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            # Several IGs publish their examples only as FHIR XML.
            raise CommandError(text("cli.import.xml", file=display_name(args.file))) from None
        raise _one_line(args.file, exc) from None
    try:
        result = from_ips(bundle, plugins=plugins)
    except PassportError as exc:
        raise _one_line(args.file, exc) from None
    output_format = format_for(args.output) if args.output and args.output != STDIN else "json"
    if output_format == "yaml":
        need_yaml(args.output, "writing")
    document_text = dumps(result.passport, format=output_format, plugins=plugins)
    written = write_output(args, args.output, document_text.encode("utf-8"), inputs=[args.file])
    warnings = [f"not imported: {item}" for item in result.unmapped]
    if result.unmapped and not reporter.json and reporter.level >= 0:
        count = len(result.unmapped)
        error(text("cli.import.not-imported.one" if count == 1 else "cli.import.not-imported.other",
                   file=display_name(args.file), count=count))
        for item in result.unmapped:
            error(f"  {item.path}: {catalogued(item.reason, item.message_id, item.arguments)}")
    reporter.add(args.file, "ok", warnings=warnings, output=written)
    if written != STDIN:
        reporter.info(text("cli.wrote", file=written))
    return EXIT_OK


def register(commands: Any) -> None:
    """Add the ``export`` and ``import`` commands to the ``rarepassport`` sub-parsers."""
    export = commands.add_parser(
        "export",
        help="export a passport as a FHIR IPS document, a Phenopacket, or a plugin's format",
        description="Export a passport. FORMAT is fhir (HL7 FHIR R4 International Patient "
                    "Summary), phenopacket (GA4GH Phenopacket v2) or a plugin's exporter.",
    )
    export.add_argument("format", metavar="FORMAT", help="fhir, phenopacket, or a plugin's exporter name")
    export.add_argument("file", metavar="FILE", help="the passport (.json or .yaml), '-' for standard input")
    export.add_argument("-o", "--output", metavar="OUT",
                        help="file to write (default: standard output)")
    export.add_argument("--view", choices=("full", "emergency", "education", "social"),
                        help="export only what this view allows (every other field left out first); "
                             "default: everything")
    export.add_argument("--identifiable", action="store_true",
                        help="phenopacket: add the date of birth and notes and take the ids from the passport's id "
                             "(default: age only, random ids, for research)")
    export.add_argument("--no-hpo", action="store_true",
                        help="phenopacket: label features with the passport's words, not the installed HPO "
                             "release's term labels (default: the release's labels when rarepassport[hpo] is "
                             "installed)")
    add_passphrase_option(export)
    export.set_defaults(handler=_cmd_export)

    importer = commands.add_parser(
        "import",
        help="read a FHIR IPS document into a passport",
        description="Read an HL7 FHIR R4 IPS document Bundle (JSON) into a passport. Every element "
                    "that has no place in a passport is listed on standard error with its FHIR path.",
    )
    importer.add_argument("format", choices=("fhir",), metavar="FORMAT", help="fhir")
    importer.add_argument("file", metavar="FILE", help="the Bundle (.json), '-' for standard input")
    importer.add_argument("-o", "--output", metavar="OUT",
                          help="passport file to write, .json or .yaml (default: standard output)")
    importer.set_defaults(handler=_cmd_import)
