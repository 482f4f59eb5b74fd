"""Trust on the page (issue 14, points 2 and 3), read back from real PDFs and cards.

Specification: a rendered passport says plainly who checked it and whether that was
verified, in the same call that renders it: "… checked by Dr … (consultant, …) on … —
signature verified" only for a valid signature by a trusted key over unchanged content;
"changed since it was checked on …" after an edit; "Completed by the patient or family;
not checked by a professional" with no attestation; a typed reviewer is unverified. The
wallet card carries a short form. Text is read back with pypdf and with poppler's pdftotext.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import subprocess
import warnings
from pathlib import Path
from typing import Any

import attrs
import pytest
from pypdf import PdfReader

import rarepassport as rp
from helpers.signed import clinic_key, sign_protocols, without_typed_reviewer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "child-several-diagnoses.json"
TODAY = datetime.date(2026, 12, 1)
CHECKED = datetime.date(2026, 11, 20)
VERIFIED = ("Emergency protocols checked by Dr Amina Rahman (consultant, Anytown Hospital) on 20 November 2026 "
            "— signature verified")
CARD_VERIFIED = "Emergency protocols checked by Dr Amina Rahman, 20 November 2026: signature verified"


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return clinic_key(tmp_path_factory.mktemp("key"))


@pytest.fixture(scope="module")
def unsigned() -> rp.Passport:
    return without_typed_reviewer(rp.load(EXAMPLE))


@pytest.fixture(scope="module")
def signed(unsigned: rp.Passport, key: dict[str, Any]) -> rp.Passport:
    return sign_protocols(unsigned, key["pem"], CHECKED)


def _texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """The PDF's text as pypdf and as pdftotext read it, whitespace collapsed."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    by_pypdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    by_poppler = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                                text=True).stdout
    return [re.sub(r"\s+", " ", text) for text in (by_pypdf, by_poppler)]


def _render(passport: rp.Passport, format: str, **kwargs: Any) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rp.RenderWarning)
        return rp.render(passport, format, today=TODAY, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_a_signed_passport_shows_the_verified_check(signed: rp.Passport, key: dict[str, Any], format: str,
                                                    tmp_path: Path) -> None:
    expected = VERIFIED if format == "pdf" else CARD_VERIFIED
    for text in _texts(_render(signed, format, trust=key["keyring"]), tmp_path):
        assert expected in text


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_without_the_signers_key_the_page_never_says_verified(signed: rp.Passport, format: str,
                                                              tmp_path: Path) -> None:
    for text in _texts(_render(signed, format), tmp_path):
        assert "signature verified" not in text
        if format == "pdf":
            assert "the signature is valid but not from a trusted key: not verified" in text
        else:
            assert "Professional check not verified" in text


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_a_section_edited_after_signing_is_said_to_have_changed(signed: rp.Passport, key: dict[str, Any],
                                                                format: str, tmp_path: Path) -> None:
    protocol = signed.emergency.protocols[0]
    edited = attrs.evolve(signed, emergency=attrs.evolve(
        signed.emergency, protocols=(attrs.evolve(protocol, steps=(*protocol.steps, "Then wait")),
                                     *signed.emergency.protocols[1:])))
    for text in _texts(_render(edited, format, trust=key["keyring"]), tmp_path):
        assert "signature verified" not in text
        if format == "pdf":
            assert ("Emergency protocols changed since it was checked on 20 November 2026: not verified") in text
        else:
            assert "Changed since checked on 20 November 2026" in text


def test_editing_a_section_the_signature_does_not_cover_keeps_it_verified(signed: rp.Passport,
                                                                          key: dict[str, Any]) -> None:
    edited = attrs.evolve(signed, emergency=attrs.evolve(signed.emergency, summary="Edited summary"))
    assert rp.layout(edited, today=TODAY, trust=key["keyring"]).reviewed_on == VERIFIED


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_an_unsigned_passport_says_it_was_not_checked_by_a_professional(unsigned: rp.Passport, format: str,
                                                                        tmp_path: Path) -> None:
    expected = ("Completed by the patient or family; not checked by a professional" if format == "pdf"
                else "Not checked by a professional")
    for text in _texts(_render(unsigned, format), tmp_path):
        assert expected in text


def test_a_typed_reviewer_without_a_signature_is_shown_as_unverified(unsigned: rp.Passport, tmp_path: Path) -> None:
    typed = attrs.evolve(unsigned, review=attrs.evolve(
        unsigned.review, reviewed_by=rp.ReviewedBy(name="Dr Typed Name", role="consultant", date=CHECKED)))
    for text in _texts(_render(typed, "pdf"), tmp_path):
        assert "Reviewed by Dr Typed Name, consultant on 20 November 2026 (typed in; no verified signature)" in text
        assert "signature verified" not in text
    # The card neither says "not checked" beside a named reviewer nor claims the check.
    for text in _texts(_render(typed, "card"), tmp_path):
        assert "Professional check not verified" in text
        assert "Not checked by a professional" not in text and "signature verified" not in text


def test_a_typed_reviewer_matching_a_verified_signature_is_not_repeated(signed: rp.Passport,
                                                                        key: dict[str, Any]) -> None:
    typed = attrs.evolve(signed, review=attrs.evolve(
        signed.review, reviewed_by=rp.ReviewedBy(name="Dr Amina Rahman", date=CHECKED)))
    assert rp.layout(typed, today=TODAY, trust=key["keyring"]).reviewed_on == VERIFIED


def test_a_damaged_signature_warns_naming_its_path_and_claims_nothing(signed: rp.Passport, key: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    damaged = attrs.evolve(signed.attestations[0], signature="damaged")
    passport = attrs.evolve(signed, attestations=(damaged,))
    rendered = rp.render_rendered(passport, "pdf", today=TODAY, trust=key["keyring"])
    assert any(
        warning.startswith("$.attestations[0]: the signature could not be checked") for warning in rendered.warnings
    )
    assert not any("Amina" in warning for warning in rendered.warnings)
    for text in _texts(rendered.data, tmp_path):
        assert "could not be checked (damaged or forged)" in text
        assert "signature verified" not in text


def test_a_modified_section_warns_naming_paths_only(signed: rp.Passport, key: dict[str, Any]) -> None:
    edited = attrs.evolve(signed, emergency=attrs.evolve(signed.emergency, protocols=signed.emergency.protocols[:1]))
    document = rp.layout(edited, today=TODAY, trust=key["keyring"])
    assert ("$.attestations[0]: the signed check no longer applies; changed since signing: $.emergency.protocols"
            in document.warnings)


def test_text_formats_carry_the_statement_too(signed: rp.Passport, key: dict[str, Any]) -> None:
    for format in ("text", "markdown", "html"):
        assert VERIFIED in _render(signed, format, trust=key["keyring"]).decode("utf-8").replace("\n", " ")


def test_a_signed_passport_past_its_review_date_still_says_overdue(signed: rp.Passport, key: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    overdue = attrs.evolve(signed, review=attrs.evolve(signed.review, next_review_due=datetime.date(2026, 11, 30)))
    pdf, card = (_texts(_render(overdue, format, trust=key["keyring"]), tmp_path) for format in ("pdf", "card"))
    for text in pdf:
        assert "This passport was due for review on 30 November 2026" in text and VERIFIED in text
    for text in card:
        assert CARD_VERIFIED in text and "30 November 2026" in text


def test_the_statement_is_translated(signed: rp.Passport, key: dict[str, Any]) -> None:
    document = rp.layout(signed, language="fr", today=TODAY, trust=key["keyring"])
    assert document.reviewed_on is not None
    assert "vérifié par Dr Amina Rahman (consultant, Anytown Hospital) le 20 novembre 2026 — signature vérifiée" in (
        document.reviewed_on
    )


@pytest.mark.parametrize(("format", "view"), [("card", "emergency"), ("text", "education"), ("text", "social")])
def test_a_whole_passport_check_stays_verified_in_a_view_that_hides_some_of_it(
    unsigned: rp.Passport, key: dict[str, Any], format: str, view: str
) -> None:
    """A view empties what it leaves out before layout; the check is of the passport as
    signed, so a narrower view must not read as "changed since it was checked"."""
    whole = rp.sign(unsigned, key["pem"], name="Dr Amina Rahman", role="consultant",
                    organisation="Anytown Hospital", reviewed_on=CHECKED)
    document = rp.layout(whole, view, today=TODAY, trust=key["keyring"])
    statement = " ".join((document.reviewed_on or "").split())
    assert "signature verified" in statement and "changed" not in statement
    out = _render(whole, format, view=view, trust=key["keyring"])
    if format == "text":
        assert "signature verified" in " ".join(out.decode().split())


def test_a_check_signed_after_the_key_expired_is_said_so_and_not_verified(
    signed: rp.Passport, key: dict[str, Any], tmp_path: Path
) -> None:
    [jwk] = key["keyring"].keys.values()
    public = tmp_path / "expired.pub.jwk"
    public.write_text(json.dumps({**jwk, "valid_until": "2026-11-01"}))  # the check was signed on 20 November
    for text in _texts(_render(signed, "pdf", trust=rp.load_keyring([public])), tmp_path):
        assert "the signing key was not valid on that date: not verified" in text
        assert "signature verified" not in text


def test_a_signer_named_in_letters_beyond_latin_1_is_drawn_on_the_card(unsigned: rp.Passport, key: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    # The card's short form names the signer; its letters are among the texts the card's
    # faces are made from and checked for glyphs, like every other text it draws.
    signed = rp.sign(unsigned, key["pem"], name="Dr Łucja Żak", role="consultant",
                     organisation="Anytown Hospital", sections=["emergency.protocols"], reviewed_on=CHECKED)
    for text in _texts(_render(signed, "card", trust=key["keyring"]), tmp_path):
        assert "Emergency protocols checked by Dr Łucja Żak, 20 November 2026: signature verified" in text
