"""The lock screen carries the short form of the trust statement, as the card does (issue 14, point 2).

Verified in the same call that draws it (layout checks the signatures against the
keyring given to render): "… checked by Dr …, date: signature verified" only for a
valid signature from a trusted key over unchanged content; "Professional check not
verified" for a typed-in reviewer or an untrusted key; "Not checked by a professional"
with neither; "Changed since checked on …", in the alert colour under the name, after
an edit. A passport with validation errors says so on the lock screen as on the card.
The page is read back with pypdf and poppler's pdftotext.
"""

from __future__ import annotations

import datetime
import io
import re
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from pypdf import PdfReader

import rarepassport as rp
from helpers.signed import clinic_key, sign_protocols, without_typed_reviewer
from rarepassport.rendering import _fonts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "child-several-diagnoses.json"
TODAY = datetime.date(2026, 12, 1)
CHECKED = datetime.date(2026, 11, 20)
VERIFIED = "Emergency protocols checked by Dr Amina Rahman, 20 November 2026: signature verified"


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the bundled font, whatever this machine has installed: reproducible tests."""
    monkeypatch.setenv(_fonts.SYSTEM_FONTS_ENV, "0")
    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return clinic_key(tmp_path_factory.mktemp("key"))


@pytest.fixture(scope="module")
def unsigned() -> rp.Passport:
    return without_typed_reviewer(rp.load(EXAMPLE))


@pytest.fixture(scope="module")
def signed(unsigned: rp.Passport, key: dict[str, Any]) -> rp.Passport:
    return sign_protocols(unsigned, key["pem"], CHECKED)


def texts(passport: rp.Passport, tmp_path: Path, **options: Any) -> list[str]:
    """The lock screen's text as pypdf and as pdftotext read it, whitespace collapsed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rp.RenderWarning)
        pdf = rp.render(passport, "lockscreen-pdf", today=TODAY, **options)
    path = tmp_path / "lockscreen.pdf"
    path.write_bytes(pdf)
    by_pypdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    by_poppler = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                                text=True).stdout
    return [re.sub(r"\s+", " ", text.replace("\u00a0", " ")) for text in (by_pypdf, by_poppler)]


def test_a_signed_passport_shows_the_verified_check(signed: rp.Passport, key: dict[str, Any],
                                                    tmp_path: Path) -> None:
    for text in texts(signed, tmp_path, trust=key["keyring"]):
        assert VERIFIED in text
        assert "Not checked by a professional" not in text


def test_without_the_signers_key_the_lock_screen_never_says_verified(signed: rp.Passport, tmp_path: Path) -> None:
    for text in texts(signed, tmp_path):
        assert "signature verified" not in text
        assert "Professional check not verified" in text


def test_a_typed_reviewer_is_shown_as_unverified(unsigned: rp.Passport, tmp_path: Path) -> None:
    typed = attrs.evolve(unsigned, review=attrs.evolve(
        unsigned.review, reviewed_by=rp.ReviewedBy(name="Dr Typed Name", role="consultant", date=CHECKED)))
    for text in texts(typed, tmp_path):
        assert "Professional check not verified" in text
        assert "Not checked by a professional" not in text and "signature verified" not in text


def test_a_passport_with_no_check_says_it_was_not_checked(unsigned: rp.Passport, tmp_path: Path) -> None:
    for text in texts(unsigned, tmp_path):
        assert "Not checked by a professional" in text
        assert "signature verified" not in text


def test_a_signed_passport_edited_after_signing_says_it_changed_under_the_name(
        signed: rp.Passport, key: dict[str, Any], tmp_path: Path) -> None:
    protocol = signed.emergency.protocols[0]
    edited = attrs.evolve(signed, emergency=attrs.evolve(
        signed.emergency, protocols=(attrs.evolve(protocol, steps=(*protocol.steps, "Then wait")),
                                     *signed.emergency.protocols[1:])))
    for text in texts(edited, tmp_path, trust=key["keyring"]):
        assert "signature verified" not in text
        changed = text.find("Changed since checked on 20 November 2026")
        # Read before the essentials: right after the date of birth, above the diagnoses.
        assert 0 <= changed < text.find("Diagnoses")


def test_a_passport_with_validation_errors_says_so_on_the_lock_screen(unsigned: rp.Passport,
                                                                      tmp_path: Path) -> None:
    # As on the card: a lock screen made with errors is never trusted blindly.
    broken = attrs.evolve(unsigned, person=attrs.evolve(unsigned.person, date_of_birth=datetime.date(2030, 1, 1)))
    errors = sum(1 for issue in rp.validate(broken, today=TODAY).issues if issue.severity is rp.IssueSeverity.ERROR)
    assert errors
    for text in texts(broken, tmp_path):
        changed = text.find(f"Not valid: {errors} error(s) found — check against the full passport")
        assert 0 <= changed < text.find("Diagnoses")
