"""Emergency QR codes, decoded from the produced PDFs with two real decoders.

zxing-cpp (from PyPI) and zbar's ``zbarimg`` (Debian ``zbar-tools``) read the images
out of real PDF and card files; the text must be the passport's own words, labelled,
in UTF-8 that both readers show as written.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image

import rarepassport as rp
from rarepassport import render_rendered
from rarepassport.rendering._qr import CARD_QR_BYTES, CARD_QR_LIMIT, PDF_QR_LIMIT

TODAY = dt.date(2026, 12, 1)


def qr_images(pdf: bytes) -> list[Image.Image]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [Image.open(io.BytesIO(image.data)).convert("L") for page in reader.pages for image in page.images]


def zxing(image: Image.Image) -> str:
    [code] = zxingcpp.read_barcodes(image)
    return code.text


def zbar(image: Image.Image, tmp_path: Path) -> str:
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is not installed (Debian package zbar-tools; CI installs it)")
    path = tmp_path / "qr.png"
    # zbar needs a few pixels per module: scale the one-to-four-pixel image up.
    image.resize((image.width * 4, image.height * 4), Image.NEAREST).save(path)
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, check=True)
    return result.stdout.decode("utf-8").rstrip("\n")


def units_passport() -> rp.Passport:
    return rp.Passport(
        person=rp.Person(name="Zoë Example", date_of_birth=dt.date(2016, 5, 11)),
        diagnoses=[rp.Diagnosis(name="Congenital adrenal hyperplasia", primary=True)],
        emergency=rp.Emergency(protocols=[rp.Protocol(
            title="Fever", steps=["If temperature ≥ 38 °C give 50 µg/m² as written.", "Give ½ tablet extra."],
        )]),
        allergies=[rp.Allergy(substance="Penicillin", reaction="anaphylaxis", severity="life-threatening")],
        contacts=[rp.Contact(name="Sam Example", relationship="father", role="emergency", phone="+44 20 7946 0000")],
        review=rp.Review(updated_on=dt.date(2026, 11, 11)),
    )


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_both_decoders_read_units_and_symbols_exactly_as_written(format: str, tmp_path: Path) -> None:
    rendered = render_rendered(units_passport(), format, "emergency", today=TODAY, qr="emergency")
    [image] = qr_images(rendered.data)
    for text in (zxing(image), zbar(image, tmp_path)):
        assert text.startswith("Zoë Example\nDate of birth: 11 May 2016")
        if format == "pdf":  # the card's code is smaller; the page's holds all of it
            assert "1. If temperature ≥ 38 °C give 50 µg/m² as written." in text
            assert "2. Give ½ tablet extra." in text


def test_every_line_of_the_emergency_code_is_labelled(tmp_path: Path) -> None:
    rendered = render_rendered(units_passport(), "pdf", "emergency", today=TODAY, qr="emergency")
    lines = zxing(qr_images(rendered.data)[0]).splitlines()
    assert lines[0] == "Zoë Example"
    assert "Updated on 11 November 2026" in lines
    assert "Allergies: Penicillin (anaphylaxis, life-threatening)" in lines
    assert "Emergency contact: Sam Example (father): +44 20 7946 0000" in lines
    # Nothing bare: apart from the name, a protocol's numbered steps and "+N more",
    # every line says what it is.
    for line in lines[1:]:
        assert ":" in line or line[0].isdigit() or line.startswith(("Updated", "Review", "+")), line


def test_the_code_of_the_bundled_example_decodes_to_what_layout_decided() -> None:
    passport = rp.load(Path(rp.__file__).parent / "data" / "example-passport.json")
    document = rp.layout(passport, view="full", today=TODAY)
    from rarepassport.rendering._qr import emergency_qr_text

    expected = emergency_qr_text(document, PDF_QR_LIMIT).text
    rendered = render_rendered(passport, "pdf", "full", today=TODAY, qr="emergency")
    assert zxing(qr_images(rendered.data)[0]) == expected
    assert len(expected.encode("utf-8")) <= PDF_QR_LIMIT


def test_a_card_code_stays_within_its_limit_and_ends_saying_more_is_in_the_passport() -> None:
    passport = rp.load(Path(rp.__file__).parent / "data" / "example-passport.json")
    rendered = render_rendered(passport, "card", today=TODAY, qr="emergency")
    text = zxing(qr_images(rendered.data)[0])
    assert len(text) <= CARD_QR_LIMIT and len(text.encode("utf-8")) <= CARD_QR_BYTES
    assert text.splitlines()[-1].startswith(("More in the full passport", "Also in the full passport"))


def test_a_link_code_decodes_to_the_link() -> None:
    url = "https://passport.example.org/p/8d1c"
    rendered = render_rendered(units_passport(), "card", today=TODAY, qr=f"link:{url}")
    assert zxing(qr_images(rendered.data)[0]) == url


def _alt_texts(data: bytes) -> list[str]:
    """The alternative texts of the PDF's tagged figures (what a screen reader says)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found: list[str] = []

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.mark.parametrize("format", ["card", "pdf"])
@pytest.mark.parametrize(
    ("qr", "caption"),
    [("link:https://passport.example.org/p/8d1c", "Scan for the full passport"),
     ("emergency", "Scan for emergency details")],
)
def test_the_code_is_described_by_what_it_holds_in_every_backend(format: str, qr: str, caption: str) -> None:
    """A card whose code is a link must not say it holds the emergency details."""
    passport = rp.load(Path(rp.__file__).parent / "data" / "example-passport.json")
    rendered = render_rendered(passport, format, today=TODAY, qr=qr)
    assert caption in _alt_texts(rendered.data)
