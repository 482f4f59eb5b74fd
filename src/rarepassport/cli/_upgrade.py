"""The ``upgrade`` command: bring a passport written in an older format version up to date."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from rarepassport.cli._common import (
    EXIT_OK,
    STDIN,
    CommandError,
    Reporter,
    add_passphrase_option,
    display_name,
    error_text,
    plugin_label,
    plugins_for,
    read_passport,
    text,
    untranslated,
    write_output,
)

if TYPE_CHECKING:
    from rarepassport.migrations import MigrationStep
    from rarepassport.plugin_manager import PluginManager

__all__ = ["register", "step_text"]


def step_text(step: MigrationStep, plugins: PluginManager) -> str:
    """One migration step in this run's language: the catalogue's wording around the step's
    summary, translated by its label (``migration.<section>.<version>``) where the plugin
    gives one, else its English marked as not translated."""
    summary = plugin_label(plugins, step.label_id)
    if summary is None:
        summary = untranslated(step.summary)
    changed = ", ".join(step.changed) if step.changed else text("cli.upgrade.nothing-changed")
    if step.section is None:
        return text("cli.upgrade.step-format", source=step.source, target=step.target, summary=summary,
                    changed=changed)
    return text("cli.upgrade.step-section", section=step.section, plugin=step.plugin, source=step.source,
                target=step.target, summary=summary, changed=changed)


def _cmd_upgrade(args: argparse.Namespace) -> int:
    from rarepassport.api import migrate_document
    from rarepassport.convert import dumps_document, format_for, parse_document
    from rarepassport.errors import LoadError

    reporter: Reporter = args.reporter
    raw, fmt = read_passport(args.file, args)
    plugins = plugins_for(args)
    try:
        data = parse_document(raw, format=fmt)
        if not isinstance(data, dict):
            raise CommandError(text("cli.upgrade.not-object", file=display_name(args.file)))
        migrated = migrate_document(data, plugins=plugins)
    except LoadError as exc:
        raise CommandError(error_text(exc.with_source(display_name(args.file)))) from None
    steps = [step_text(step, plugins) for step in migrated.steps]
    if args.output is not None or migrated.steps:
        out_format = format_for(args.output) if args.output not in (None, STDIN) else fmt
        document_text = dumps_document(migrated.document, format=out_format)
        written = write_output(args, args.output, document_text.encode("utf-8"), inputs=[args.file])
    else:
        written = None
    reporter.add(args.file, "ok", output=written, steps=steps, schema_version=migrated.document["schema_version"])
    if not migrated.steps:
        reporter.info(text("cli.upgrade.current", file=display_name(args.file),
                           version=migrated.document["schema_version"]))
    for line in steps:
        reporter.info(f"{display_name(args.file)}: {line}")
    if written not in (None, STDIN):
        reporter.info(text("cli.wrote", file=written))
    return EXIT_OK


def register(commands: Any) -> None:
    """Add the ``upgrade`` command to the ``rarepassport`` sub-parsers."""
    upgrade = commands.add_parser(
        "upgrade",
        help="bring a passport written in an older format version up to date, listing what changed",
        description="Upgrade a passport document to the current format version (schema_version), one "
                    "registered migration at a time, then each plugin section to its plugin's version, and "
                    "list each step with the fields it changed. A document of a newer version than this "
                    "rarepassport reads, or a section newer than its installed plugin reads, is refused.",
    )
    upgrade.add_argument("file", metavar="FILE",
                         help="the passport (.json, .yaml or encrypted), '-' for standard input")
    upgrade.add_argument("-o", "--output", metavar="OUT",
                         help="file to write the upgraded passport to (default: standard output); never FILE itself")
    add_passphrase_option(upgrade)
    upgrade.set_defaults(handler=_cmd_upgrade)
