"""A clinic's signing key and a passport whose emergency protocols it signed, for the
trust tests of every output (pages, card, lock screen)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import attrs

import rarepassport as rp

__all__ = ["SIGNER", "clinic_key", "sign_protocols", "without_typed_reviewer"]

#: Who signs, as the pages and the card word it.
SIGNER = {"name": "Dr Amina Rahman", "role": "consultant", "organisation": "Anytown Hospital"}


def clinic_key(folder: Path) -> dict[str, Any]:
    """A new key pair: ``pem`` (the private key) and ``keyring`` (its public key, trusted)."""
    pem, jwk = rp.generate_key()
    public = folder / "clinic.pub.jwk"
    public.write_text(json.dumps(jwk))
    return {"pem": pem, "keyring": rp.load_keyring([public])}


def without_typed_reviewer(passport: rp.Passport) -> rp.Passport:
    """The passport with no typed reviewer: only a signature can speak for a check."""
    return attrs.evolve(passport, review=attrs.evolve(passport.review, reviewed_by=None))


def sign_protocols(passport: rp.Passport, pem: bytes, on: datetime.date) -> rp.Passport:
    """The passport with its emergency protocols signed by `SIGNER` on ``on``."""
    return rp.sign(passport, pem, **SIGNER, sections=["emergency.protocols"], reviewed_on=on)
