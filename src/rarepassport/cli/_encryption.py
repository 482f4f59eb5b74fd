"""The ``encrypt`` and ``decrypt`` commands: a passport file sealed with a passphrase."""

from __future__ import annotations

import argparse
from typing import Any

from rarepassport.cli._common import (
    EXIT_OK,
    STDIN,
    CommandError,
    Reporter,
    add_passphrase_option,
    display_name,
    error_text,
    passphrase_for,
    read_source,
    text,
    write_output,
)

__all__ = ["ENCRYPTED_SUFFIX", "register"]

#: The suffix ``encrypt`` adds to the name of the file it writes.
ENCRYPTED_SUFFIX = ".rpenc"


def _cmd_encrypt(args: argparse.Namespace) -> int:
    from rarepassport.convert import parse_document
    from rarepassport.encryption import encrypt_bytes, is_encrypted
    from rarepassport.errors import EncryptionError, LoadError

    reporter: Reporter = args.reporter
    data = read_source(args.file)
    if is_encrypted(data):
        raise CommandError(text("cli.encrypt.already", file=display_name(args.file)))
    try:
        # Refuse to seal something that is not a document: a mistyped name would
        # otherwise give an encrypted file nobody can use.
        first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        parse_document(data, format="json" if first in (b"{", b"[") else "yaml")
    except LoadError:
        raise CommandError(text("cli.encrypt.not-a-document", file=display_name(args.file))) from None
    output = args.output
    if output is None:
        if args.file == STDIN:
            raise CommandError(text("cli.encrypt.stdin-needs-output"))
        output = args.file + ENCRYPTED_SUFFIX
    secret = passphrase_for(args, args.file, confirm=True)
    try:
        sealed = encrypt_bytes(data, secret, cost=args.cost)
    except EncryptionError as exc:
        raise CommandError(f"{display_name(args.file)}: {error_text(exc)}") from None
    written = write_output(args, output, sealed, inputs=[args.file])
    reporter.add(args.file, "ok", output=written)
    if written != STDIN:
        reporter.info(text("cli.encrypt.wrote", file=written, source=display_name(args.file)))
    return EXIT_OK


def _cmd_decrypt(args: argparse.Namespace) -> int:
    from rarepassport.encryption import decrypt_bytes, is_encrypted
    from rarepassport.errors import EncryptionError

    reporter: Reporter = args.reporter
    data = read_source(args.file)
    if not is_encrypted(data):
        # Let decrypt_bytes say exactly why (truncated, line endings changed, not ours).
        try:
            decrypt_bytes(data, "", source=display_name(args.file))
        except EncryptionError as exc:
            raise CommandError(error_text(exc)) from None
    output = args.output
    if output is None:
        if args.file == STDIN or not args.file.endswith(ENCRYPTED_SUFFIX):
            raise CommandError(text("cli.decrypt.needs-output", suffix=ENCRYPTED_SUFFIX))
        output = args.file[: -len(ENCRYPTED_SUFFIX)]
    secret = passphrase_for(args, args.file)
    try:
        plain = decrypt_bytes(data, secret, source=display_name(args.file))
    except EncryptionError as exc:
        raise CommandError(error_text(exc)) from None
    written = write_output(args, output, plain, inputs=[args.file])
    reporter.add(args.file, "ok", output=written)
    if written != STDIN:
        reporter.info(text("cli.decrypt.wrote", file=written))
    return EXIT_OK


def register(commands: Any) -> None:
    """Add the ``encrypt`` and ``decrypt`` commands to the ``rarepassport`` sub-parsers."""
    from rarepassport.encryption import DEFAULT_SCRYPT_COST, MAX_SCRYPT_COST, MIN_SCRYPT_COST

    encrypt = commands.add_parser(
        "encrypt",
        help="seal a passport file with a passphrase (scrypt and AES-256-GCM)",
        description="Encrypt a passport file with a passphrase. The passphrase is asked for twice on "
                    "the terminal, or read from --passphrase-file or the RAREPASSPORT_PASSPHRASE "
                    "variable. validate, render, export and load() read the encrypted file directly.",
    )
    encrypt.add_argument("file", metavar="FILE", help="the passport (.json or .yaml), '-' for standard input")
    encrypt.add_argument("-o", "--output", metavar="OUT",
                         help=f"file to write (default: FILE{ENCRYPTED_SUFFIX})")
    encrypt.add_argument("--cost", type=int, default=DEFAULT_SCRYPT_COST,
                         choices=range(MIN_SCRYPT_COST, MAX_SCRYPT_COST + 1), metavar="N",
                         help=f"scrypt cost, log2 of N ({MIN_SCRYPT_COST} to {MAX_SCRYPT_COST}, default "
                              f"{DEFAULT_SCRYPT_COST}: 128 MiB of memory)")
    add_passphrase_option(encrypt)
    encrypt.set_defaults(handler=_cmd_encrypt)

    decrypt = commands.add_parser(
        "decrypt",
        help="open a passport file sealed by encrypt",
        description="Decrypt a passport file written by 'rarepassport encrypt'. A wrong passphrase or "
                    "a changed, truncated or damaged file is an error and nothing is written.",
    )
    decrypt.add_argument("file", metavar="FILE", help=f"the encrypted passport ({ENCRYPTED_SUFFIX})")
    decrypt.add_argument("-o", "--output", metavar="OUT",
                         help=f"file to write, '-' for standard output (default: FILE without {ENCRYPTED_SUFFIX})")
    add_passphrase_option(decrypt)
    decrypt.set_defaults(handler=_cmd_decrypt)
