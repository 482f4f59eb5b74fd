"""``rarepassport keygen``, ``sign`` and ``verify``: professional attestation from the command line.

Exit status of ``verify`` (the worst attestation decides):

* 0: every attestation is valid, covers unchanged content and is by a trusted key;
* 2: the file or a key could not be read (as for every command);
* 3: valid and unchanged, but a signer's key is not trusted (or is revoked);
* 4: modified: a signed section changed since it was signed (named on the line);
* 5: malformed: an attestation cannot be read or its signature does not match;
* 6: the passport has no attestation at all.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any

from rarepassport.cli._common import (
    EXIT_OK,
    STDIN,
    CommandError,
    Reporter,
    catalogued,
    display_name,
    load_source,
    plugins_for,
    say,
    source_format,
    text,
    write_output,
)

__all__ = [
    "EXIT_MALFORMED",
    "EXIT_MODIFIED",
    "EXIT_UNSIGNED",
    "EXIT_UNTRUSTED",
    "register",
]

EXIT_UNTRUSTED, EXIT_MODIFIED, EXIT_MALFORMED, EXIT_UNSIGNED = 3, 4, 5, 6


def register(commands: Any) -> None:
    """Add the ``keygen``, ``sign`` and ``verify`` commands."""
    keygen = commands.add_parser(
        "keygen", help="make a signing key: a private key (owner-only) and its public key to share"
    )
    keygen.add_argument("--out", required=True, metavar="KEY",
                        help="the private key file (PEM); the public key goes to KEY.pub.jwk and KEY.pub.pem")
    keygen.add_argument("--algorithm", choices=("EdDSA", "ES256"), default="EdDSA",
                        help="EdDSA (Ed25519, the default) or ES256 (P-256)")
    keygen.add_argument("--valid-until", metavar="DATE",
                        help="the last day (YYYY-MM-DD) checks signed with this key are trusted; written into "
                             "KEY.pub.jwk as valid_until, which verify honours"),
    keygen.set_defaults(handler=_cmd_keygen)

    sign = commands.add_parser("sign", help="sign a passport, or named sections, as checked by a professional")
    sign.add_argument("file", metavar="FILE", help="the passport (.json, .yaml); signed in place unless -o is given")
    sign.add_argument("--key", required=True, metavar="KEY", help="the private key (PEM) from rarepassport keygen")
    sign.add_argument("--name", required=True, help="the signer's name, e.g. 'Dr Amina Rahman'")
    sign.add_argument("--role", help="the signer's role, e.g. consultant")
    sign.add_argument("--organisation", help="the signer's organisation")
    sign.add_argument("--section", action="append", default=[], metavar="PATH",
                      help="a section to sign, e.g. emergency.protocols (repeat; default: the whole passport)")
    sign.add_argument("--reviewed", metavar="TEXT", help="what was checked, in the signer's words")
    sign.add_argument("--reviewed-on", metavar="DATE", help="when it was checked (YYYY-MM-DD; default today)")
    sign.add_argument("-o", "--output", metavar="OUT", help="write the signed passport here instead of FILE")
    sign.set_defaults(handler=_cmd_sign)

    verify = commands.add_parser(
        "verify",
        help="check a passport's signatures: trusted (0), untrusted (3), modified (4), malformed (5), unsigned (6)",
    )
    verify.add_argument("file", metavar="FILE", help="the passport (.json, .yaml), '-' for standard input")
    verify.add_argument("--trust", action="append", default=[], metavar="KEYS",
                        help="a trusted public key: JWK, JWK Set or PEM file (repeat)")
    verify.add_argument("--revoked", action="append", default=[], metavar="LIST",
                        help="a revocation list (JSON, see the threat model page) (repeat)")
    verify.set_defaults(handler=_cmd_verify)


def _cmd_keygen(args: argparse.Namespace) -> int:
    from rarepassport.files import write_atomic
    from rarepassport.signing import generate_key

    reporter: Reporter = args.reporter
    private = Path(args.out)
    public_jwk, public_pem = Path(f"{args.out}.pub.jwk"), Path(f"{args.out}.pub.pem")
    if not args.force:
        for path in (private, public_jwk, public_pem):
            if path.exists():
                raise CommandError(text("cli.refuse.exists", file=path))
    if not private.parent.exists():
        raise CommandError(text("cli.refuse.no-folder", file=private, folder=private.parent))
    valid_until = None
    if args.valid_until is not None:
        try:
            valid_until = _dt.date.fromisoformat(args.valid_until)
        except ValueError:
            raise CommandError(text("cli.option.not-a-date", option="--valid-until", given=repr(args.valid_until))) \
                from None
    pem, jwk = generate_key(args.algorithm)
    if valid_until is not None:
        jwk = {**jwk, "valid_until": valid_until.isoformat()}
    # A new file from write_atomic is owner-only; one replaced with --force is made so too.
    write_atomic(private, pem)
    os.chmod(private, 0o600)
    write_atomic(public_jwk, (json.dumps(jwk, indent=2) + "\n").encode("ascii"))
    write_atomic(public_pem, _public_pem(pem))
    os.chmod(public_jwk, 0o644)
    os.chmod(public_pem, 0o644)
    reporter.add(None, "ok", output=str(private), key_id=jwk["kid"], public_keys=[str(public_jwk), str(public_pem)])
    reporter.info(text("cli.keygen.wrote", private=private, public_jwk=public_jwk, public_pem=public_pem))
    if not reporter.json:
        say(text("cli.keygen.key-id", kid=jwk["kid"]))
    return EXIT_OK


def _public_pem(private_pem: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _cmd_sign(args: argparse.Namespace) -> int:
    from rarepassport._dates import parse_date
    from rarepassport.convert import dumps
    from rarepassport.files import write_atomic
    from rarepassport.signing import sign

    reporter: Reporter = args.reporter
    plugins = plugins_for(args)
    reviewed_on = None
    if args.reviewed_on:
        try:
            reviewed_on = parse_date(args.reviewed_on)
        except ValueError:
            raise CommandError(text("cli.option.not-a-date", option="--reviewed-on", given=repr(args.reviewed_on))) \
                from None
    passport = load_source(args.file, plugins)
    signed = sign(passport, args.key, name=args.name, role=args.role, organisation=args.organisation,
                  sections=args.section, reviewed=args.reviewed, reviewed_on=reviewed_on, plugins=plugins)
    target = args.output
    fmt = source_format(target if target and target != STDIN else args.file, b"{")
    signed_text = dumps(signed, format=fmt, plugins=plugins).encode("utf-8")
    if target is None and args.file != STDIN:
        # Signing adds to the file it was asked to sign: replaced atomically, never half-written.
        write_atomic(args.file, signed_text)
        written = args.file
    else:
        written = write_output(args, target, signed_text, inputs=[args.file])
    attestation = signed.attestations[-1]
    reporter.add(args.file, "ok", output=written, key_id=attestation.key_id, scope=list(attestation.scope))
    reporter.info(text("cli.sign.wrote", scope=", ".join(attestation.scope), source=display_name(args.file),
                       file=written))
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from rarepassport.signing import TrustStatus, load_keyring, verify

    reporter: Reporter = args.reporter
    plugins = plugins_for(args)
    keyring = load_keyring(args.trust, args.revoked)
    passport = load_source(args.file, plugins)
    result = verify(passport, keyring, plugins=plugins)
    checks: list[dict[str, Any]] = [
        {
            "path": check.path,
            "status": check.status.value,
            "signer": check.attestation.signer.name,
            "reviewed_on": check.attestation.reviewed_on.isoformat(),
            "scope": list(check.attestation.scope),
            "key_id": check.attestation.key_id,
            "changed": list(check.changed),
            "revoked": check.revoked,
            "expired": check.expired,
            "reason": check.reason,
        }
        for check in result.checks
    ]
    codes = {
        TrustStatus.TRUSTED: EXIT_OK,
        TrustStatus.UNTRUSTED: EXIT_UNTRUSTED,
        TrustStatus.MODIFIED: EXIT_MODIFIED,
        TrustStatus.MALFORMED: EXIT_MALFORMED,
    }
    status = codes[result.status] if result.status is not None else EXIT_UNSIGNED
    reporter.add(args.file, "ok" if status == EXIT_OK else "invalid", attestations=checks)
    if not reporter.json:
        if not checks:
            say(text("cli.verify.unsigned", file=display_name(args.file)))
        for check, found in zip(checks, result.checks, strict=True):
            # The signer's name is the signer's own statement, shown so the reader can judge it.
            # The status is the word a script matches (and the exit status says), in every language.
            say(text("cli.verify.check", file=display_name(args.file), path=check["path"], status=check["status"],
                     scope=", ".join(check["scope"]), signer=check["signer"], date=check["reviewed_on"],
                     key=check["key_id"], reason=catalogued(found.reason, found.message_id, found.arguments)))
    return status
