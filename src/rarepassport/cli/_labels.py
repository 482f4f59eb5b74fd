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
    # dest "tag", not "language": --language (or the environment) chooses the messages' language, not this
    missing.add_argument("tag", metavar="language", help="a language tag, e.g. de or pt-BR")
    missing.set_defaults(handler=_cmd_missing)
    labels.set_defaults(handler=_cmd_labels)


def _cmd_labels(args: argparse.Namespace) -> int:
    from rarepassport import labels
    from rarepassport.cli._common import message_language, plugins_for, say, text
    from rarepassport.languages import display_name

    registry = plugins_for(args).labels
    names_in = message_language(args)
    say(text("cli.labels.heading"))
    for language in sorted(registry.languages()):
        status = _status(labels.REVIEW_STATUS.get(language))
        count = len(labels.missing(language, registry))
        row = text("cli.labels.row", status=status, count=count)
        say(f"  {language:8} {display_name(language, names_in):24} {row}")
    say()
    say(text("cli.labels.drafts"))
    say(text("cli.labels.drafts-advice"))
    broken = [catalogue for catalogue in registry.catalogues() if _read(catalogue) and catalogue.error]
    for catalogue in broken:
        say(text("cli.labels.unreadable", file=catalogue.path))
    return 0 if not broken else 1


def _status(status: str | None) -> str:
    """A review status in the messages' language (a status the catalogue does not know as it is)."""
    from rarepassport.cli._common import text
    from rarepassport.labels import ENGLISH

    if status is None:
        return text("cli.labels.status.plugin")
    known = {ENGLISH[f"cli.labels.status.{name}"]: name for name in ("reference", "unreviewed")}
    return text(f"cli.labels.status.{known[status]}") if status in known else status


def _read(catalogue: Any) -> bool:
    len(catalogue)  # reads the file, setting its error if it cannot be read
    return True


def _cmd_missing(args: argparse.Namespace) -> int:
    from rarepassport import labels
    from rarepassport.cli._common import CommandError, plugins_for, say, text
    from rarepassport.languages import normalise

    tag = normalise(args.tag)
    if tag is None:
        raise CommandError(text("cli.labels.unknown-language"))
    registry = plugins_for(args).labels
    absent = labels.missing(tag, registry)
    for label_id in absent:
        say(f"{label_id}\t{labels.lookup(label_id, 'en', registry)}")
    if absent:
        say(text("cli.labels.missing", count=len(absent), language=tag))
        return 1
    say(text("cli.labels.none-missing", language=tag))
    return 0
