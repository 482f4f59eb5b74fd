"""The ``rarepassport batch`` command: a thin shell over [`rarepassport.batch.run_batch`][]."""

from __future__ import annotations

import argparse
from typing import Any

from rarepassport.cli._common import EXIT_INVALID, EXIT_OK, CommandError, Reporter, catalogued, text

__all__ = ["register"]


def _cmd_batch(args: argparse.Namespace) -> int:
    from rarepassport.batch import Action, run_batch

    chosen = [flag for flag, given in (("--validate-only", args.validate_only), ("--export", args.export),
                                       ("--import", args.import_format)) if given]
    if len(chosen) > 1:
        if len(chosen) == 2:
            raise CommandError(text("cli.batch.one-of", first=chosen[0], second=chosen[1]))
        raise CommandError(text("cli.batch.one-of-three", first=chosen[0], second=chosen[1], third=chosen[2]))
    action: Action = ("validate" if args.validate_only else "export" if args.export
                      else "import" if args.import_format else "render")
    fmt = args.export or args.import_format or args.format
    if (args.trust or args.revoked) and action != "render":
        raise CommandError(text("cli.batch.trust-render-only", trust="--trust", revoked="--revoked",
                                validate="--validate-only", export="--export", import_="--import"))
    keyring = None
    if args.trust or args.revoked:
        from rarepassport.signing import load_keyring

        keyring = load_keyring(args.trust, args.revoked)  # a file it cannot read: SigningError, naming it
    summary = run_batch(
        args.sources, args.output,
        action=action,
        format=fmt, view=args.view, language=args.language, strict=not args.allow_invalid,
        jobs=args.jobs, resume=not args.no_resume, progress=False if args.no_progress else None,
        trust=keyring,
    )
    reporter: Reporter = args.reporter
    for note in summary.note_messages or summary.notes:
        reporter.warn(catalogued(note))
    for result in summary.results:
        status = "error" if result.status == "failed" else "ok"
        reporter.add(result.source, status, warnings=result.warnings, output=result.output, error=result.error,
                     skipped=result.status == "skipped")
        if result.status == "failed":
            said = " | ".join(prefix + catalogued(english, message_id, arguments)
                              for prefix, english, message_id, arguments in result.error_parts)
            reporter.warn(text("cli.batch.failed", source=result.source, error=said or result.error))
    total = len(summary.results)
    reporter.info(text("cli.batch.summary.import" if action == "import" else "cli.batch.summary", total=total,
                       done=summary.ok, skipped=summary.skipped, failed=summary.failed, manifest=summary.manifest))
    return EXIT_INVALID if summary.failed else EXIT_OK


def register(commands: Any) -> None:
    """Add the ``batch`` command to the ``rarepassport`` sub-parsers."""
    batch = commands.add_parser(
        "batch",
        help="render, validate, export or import many passports: folders, globs, ZIPs, NDJSON",
        description=(
            "Render (or validate, or export) every passport of the sources into a folder or a ZIP, "
            "with a manifest.json of each input's status, warnings, output and SHA-256; or import "
            "FHIR (IPS Bundles, or a FHIR Bulk Data NDJSON export: one passport per patient). A bad "
            "passport is reported and the others go on; the exit status is 1 when any failed. "
            "Running the same command again skips outputs already complete."
        ),
    )
    batch.add_argument("sources", nargs="+", metavar="SOURCE",
                       help="folders, glob patterns (quoted), ZIPs, .ndjson files or passport files")
    batch.add_argument("-o", "--output", required=True, help="output folder, or a path ending in .zip")
    batch.add_argument("-f", "--format", default="pdf", help="pdf (default), card, html, markdown, text, ...")
    batch.add_argument("--view", help="who it is for (default: the format's own)")
    batch.add_argument("--language", help="language of the labels (default: each passport's)")
    batch.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (0: one per core; default 1)")
    batch.add_argument("--validate-only", action="store_true", help="only validate; write just the manifest")
    batch.add_argument("--export", metavar="FORMAT",
                       help="export instead of rendering: fhir (an IPS Bundle per passport), fhir-ndjson "
                            "(FHIR Bulk Data: one NDJSON file per resource type), phenopacket or a plugin's exporter")
    batch.add_argument("--import", dest="import_format", choices=("fhir", "fhir-ndjson"),
                       help="import instead: the sources are IPS Bundles (fhir) or the NDJSON files of a "
                            "FHIR Bulk Data export (fhir-ndjson); one passport per patient")
    batch.add_argument("--allow-invalid", action="store_true",
                       help="render passports with validation errors (the errors go into their notes)")
    batch.add_argument("--trust", action="append", default=[], metavar="KEYS",
                       help="a public key whose signatures the outputs may call verified: JWK, JWK Set or PEM "
                            "(repeat); without it no signed check is shown as verified")
    batch.add_argument("--revoked", action="append", default=[], metavar="LIST",
                       help="a revocation list of key ids not to trust (JSON; repeat)")
    batch.add_argument("--no-resume", action="store_true", help="redo every output, even complete ones")
    batch.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    batch.set_defaults(handler=_cmd_batch)
