"""``rarepassport labels``: which languages have labels, who reviewed them, and what each lacks."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``labels`` command to the CLI's sub-parsers."""
    labels = commands.add_parser("labels", help="list the label languages, their review status and what they lack")
    sub = labels.add_subparsers(dest="labels_command", metavar="SUBCOMMAND")
    missing = sub.add_parser("missing", help="list the labels a language lacks (shown in English); status 1 if any")
    missing.add_argument("language", help="a language tag, e.g. de or pt-BR")
    missing.set_defaults(handler=_cmd_missing)
    labels.set_defaults(handler=_cmd_labels)


def _cmd_labels(args: argparse.Namespace) -> int:
    from rarepassport import labels
    from rarepassport.cli._common import plugins_for, say
    from rarepassport.languages import display_name

    registry = plugins_for(args).labels
    say("Label languages (tag, name, status, labels missing):")
    for language in sorted(registry.languages()):
        status = labels.REVIEW_STATUS.get(language, "added by a plugin: review status not known")
        count = len(labels.missing(language, registry))
        say(f"  {language:8} {display_name(language, 'en'):24} {status}; {count} missing")
    say()
    say("Machine-assisted drafts have not been reviewed by a fluent speaker or a clinician:")
    say("have both read a rendered passport before relying on it (see docs/translations.md).")
    broken = [catalogue for catalogue in registry.catalogues() if _read(catalogue) and catalogue.error]
    for catalogue in broken:
        say(f"Could not read {catalogue.path}: its labels fall back to English.")
    return 0 if not broken else 1


def _read(catalogue: Any) -> bool:
    len(catalogue)  # reads the file, setting its error if it cannot be read
    return True


def _cmd_missing(args: argparse.Namespace) -> int:
    from rarepassport import labels
    from rarepassport.cli._common import CommandError, plugins_for, say
    from rarepassport.languages import normalise

    tag = normalise(args.language)
    if tag is None:
        raise CommandError("not a known language tag (try e.g. de, fr or pt-BR)")
    registry = plugins_for(args).labels
    absent = labels.missing(tag, registry)
    for label_id in absent:
        say(f"{label_id}\t{labels.lookup(label_id, 'en', registry)}")
    if absent:
        say(f"{len(absent)} label(s) missing in {tag}: they are shown in English.")
        return 1
    say(f"No label is missing in {tag}.")
    return 0
