"""The ``shl`` command: a SMART Health Link to a passport, as files for a host."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from rarepassport.cli._common import (
    EXIT_OK,
    STDIN,
    CommandError,
    Reporter,
    add_passphrase_option,
    error_text,
    load_source,
    plugins_for,
    text,
    write_output,
)

__all__ = ["register"]


def _expiry(given: str) -> dt.datetime:
    try:
        if len(given) == 10:
            day = dt.date.fromisoformat(given)
            # A date means the link works through that whole day, in UTC.
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)
        return dt.datetime.fromisoformat(given.replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(text("cli.option.not-a-date-or-time", option="--exp", given=repr(given))) from None


def _cmd_shl(args: argparse.Namespace) -> int:
    from rarepassport.api import make_health_link
    from rarepassport.errors import HealthLinkError
    from rarepassport.files import write_atomic

    reporter: Reporter = args.reporter
    plugins = plugins_for(args)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CommandError(text("cli.option.not-a-folder", option="--out", folder=args.out))
    if not out.parent.exists():
        raise CommandError(text("cli.refuse.no-folder", file=args.out, folder=out.parent))
    if args.output not in (None, STDIN) and Path(args.output).resolve().is_relative_to(out.resolve()):
        raise CommandError(text("cli.shl.link-inside"))
    passport = load_source(args.file, plugins, args)
    expires = _expiry(args.exp) if args.exp else None
    try:
        link = make_health_link(passport, url_base=args.url_base, view=args.view, label=args.label,
                                expires=expires, passcode=args.passcode, long_term=args.long_term,
                                direct=args.direct, plugins=plugins)
        viewer = link.viewer_url(args.viewer) if args.viewer else None
    except HealthLinkError as exc:
        raise CommandError(error_text(exc)) from None
    out.mkdir(mode=0o700, exist_ok=True)
    written = []
    for relative, data in link.files.items():
        target = out / relative
        target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        write_atomic(target, data)
        target.chmod(0o644)  # served by a web server: readable; encrypted, and the path is secret
        written.append(str(target))
    link_text = link.uri + "\n" + (viewer + "\n" if viewer else "")
    # The link holds the key: it goes to standard output or -o, never into the served folder.
    shown = None if reporter.json and args.output is None else \
        write_output(args, args.output, link_text.encode("utf-8"), inputs=[args.file])
    reporter.add(args.file, "ok", output=shown, files=written, link=link.uri, viewer_url=viewer)
    for name in written:
        reporter.info(text("cli.wrote", file=name))
    if shown is not None and shown != STDIN:
        reporter.info(text("cli.shl.wrote-link", file=shown))
    if args.passcode:
        reporter.info("flag P: the server that answers for the manifest must ask for the passcode; "
                      "a static file host cannot")
    return EXIT_OK


def register(commands: Any) -> None:
    """Add the ``shl`` command to the ``rarepassport`` sub-parsers."""
    shl = commands.add_parser(
        "shl",
        help="make a SMART Health Link to a passport's FHIR IPS document",
        description="Encrypt the passport's FHIR IPS document with a fresh key as a SMART Health Link "
                    "file (JWE, dir, A256GCM), write the files to serve into DIR, and print the "
                    "shlink:/ link (and the viewer address with --viewer). The key is only in the link.",
    )
    shl.add_argument("file", metavar="FILE", help="the passport (.json, .yaml or encrypted), '-' for standard input")
    shl.add_argument("--url-base", required=True, metavar="URL",
                     help="the https:// address DIR will be served at")
    shl.add_argument("--out", required=True, metavar="DIR", help="folder to write the files to serve into")
    shl.add_argument("--view", choices=("full", "emergency", "education", "social"),
                     help="share only what this view allows (default: everything)")
    shl.add_argument("--label", help="up to 80 characters shown before the link is opened (not encrypted: "
                                     "no health details)")
    shl.add_argument("--exp", metavar="WHEN", help="when the link stops working: a date or an ISO 8601 time")
    shl.add_argument("--passcode", action="store_true",
                     help="flag P: the server answering for the manifest asks for a passcode")
    shl.add_argument("--long-term", action="store_true", help="flag L: the data behind the link may be updated")
    shl.add_argument("--direct", action="store_true",
                     help="flag U: the link points at the encrypted file itself (GET), which a static host serves")
    shl.add_argument("--viewer", metavar="URL",
                     help="also print the viewer address, URL#shlink:/... (for a QR code: render --qr link:...)")
    shl.add_argument("-o", "--output", metavar="OUT",
                     help="file to write the link to (default: standard output); keep it out of DIR")
    add_passphrase_option(shl)
    shl.set_defaults(handler=_cmd_shl)
