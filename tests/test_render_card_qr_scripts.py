"""The wallet card's emergency QR code in Hindi, Chinese and Arabic: made, whole, decoded.

Issue 12: a Hindi card with ``qr="emergency"`` could not be made at all ("the person's
name and dates alone are longer than the 280 bytes a QR code of this size holds"):
Devanagari takes three bytes a letter, and the name, the date of birth, the review
dates and "पूरे पासपोर्ट में और जानकारी" came to more than 280 bytes. The card's code now
holds `CARD_QR_LIMIT` characters in at most `CARD_QR_BYTES` bytes and grows for them,
its modules never finer than the 17-mm English code's. Each test renders the real card
with the Noto fonts on this machine, rasterises the back with PDFium and decodes the
code with zxing-cpp.
"""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]
import pytest
import zxingcpp

import rarepassport as rp
from helpers.scripts import script_passport, system_fonts  # noqa: F401 (system_fonts: an autouse fixture)
from rarepassport import render_rendered
from rarepassport.rendering import _fonts
from rarepassport.rendering._card import CARD_QR_MODULE, CARD_QR_MOST_MODULES, WALLET
from rarepassport.rendering._qr import CARD_QR_BYTES, CARD_QR_LIMIT, emergency_qr_text, qr_modules

TODAY = dt.date(2026, 11, 27)
SAMPLE = {"zh-Hans": "王", "hi": "अ", "ar": "ل"}
MM = 72 / 25.4  # PDF points per millimetre


def need_font_for(language: str) -> None:
    char = SAMPLE[language]
    if not any(ord(char) in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip(f"no font on this machine draws U+{ord(char):04X} "
                    "(install Debian's fonts-noto-core and fonts-noto-cjk to run this)")


def card_codes(data: bytes) -> list[str]:
    """What the codes on the card say, read from the pages as a phone would see them."""
    pdf = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in pdf:
            image = page.render(scale=12).to_pil().convert("L")
            texts += [code.text for code in zxingcpp.read_barcodes(image)]
        return texts
    finally:
        pdf.close()


def code_width_mm(data: bytes) -> float:
    """The drawn width of the card's QR image (quiet zone included), from the back's content."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    back = reader.pages[1]
    widths = []

    def visit(operator: bytes, operands: list[object], cm: list[float], tm: list[float]) -> None:
        if operator == b"Do":
            widths.append(abs(float(cm[0])))

    back.extract_text(visitor_operand_before=visit)
    [width] = widths
    return width / MM


def expected(passport: rp.Passport, language: str) -> str:
    document = rp.layout(passport, view="emergency", language=language, today=TODAY)
    return emergency_qr_text(document, CARD_QR_LIMIT, most_bytes=CARD_QR_BYTES).text


@pytest.mark.parametrize("language", ["hi", "zh-Hans", "ar"])
def test_a_card_in_the_script_has_a_code_that_decodes_to_the_exact_essentials(language: str) -> None:
    need_font_for(language)
    passport = script_passport(language)
    rendered = render_rendered(passport, "card", "emergency", language, today=TODAY, qr="emergency")
    want = expected(passport, language)
    assert card_codes(rendered.data) == [want]
    assert len(want) <= CARD_QR_LIMIT and len(want.encode("utf-8")) <= CARD_QR_BYTES
    assert want.startswith(passport.person.name + "\n")


@pytest.mark.parametrize("language", ["hi", "zh-Hans", "ar"])
def test_what_the_card_code_leaves_off_is_said_in_the_code(language: str) -> None:
    need_font_for(language)
    passport = rp.load(rp.__file__.replace("__init__.py", "data/example-passport.json"))
    document = rp.layout(passport, view="emergency", language=language, today=TODAY)
    content = emergency_qr_text(document, CARD_QR_LIMIT, most_bytes=CARD_QR_BYTES)
    assert content.shortened
    essentials = document.essentials
    assert essentials is not None
    last = content.text.splitlines()[-1]
    endings = {essentials.more_in_full, essentials.also_in_full_and_more}
    assert last in endings or last.startswith(essentials.also_in_full.split("{")[0].rstrip())
    rendered = render_rendered(passport, "card", "emergency", language, today=TODAY, qr="emergency")
    assert card_codes(rendered.data) == [content.text]


def test_a_hindi_code_grows_with_modules_no_finer_than_the_english_one() -> None:
    need_font_for("hi")
    passport = script_passport("hi")
    rendered = render_rendered(passport, "card", "emergency", "hi", today=TODAY, qr="emergency")
    text = expected(passport, "hi")
    # More than the 280 bytes an English code holds: the essentials, not only name and dates.
    assert len(text.encode("utf-8")) > 280
    assert passport.allergies[0].substance in text
    width = code_width_mm(rendered.data)
    assert width > WALLET.qr_size
    assert width / qr_modules(text) == pytest.approx(CARD_QR_MODULE, rel=0.01)
    assert width <= 22.0  # the back still has room for its text beside it


def test_an_english_card_code_stays_17_mm() -> None:
    passport = rp.load(rp.__file__.replace("__init__.py", "data/example-passport.json"))
    rendered = render_rendered(passport, "card", "emergency", today=TODAY, qr="emergency")
    assert code_width_mm(rendered.data) == pytest.approx(WALLET.qr_size, abs=0.01)
    text = expected(passport, "en")
    assert card_codes(rendered.data) == [text]
    assert len(text.encode("utf-8")) <= 287  # version 12: 73 modules in 17 mm


def test_a_long_link_grows_the_code_no_larger_than_the_longest_emergency_code() -> None:
    passport = rp.load(rp.__file__.replace("__init__.py", "data/example-passport.json"))
    link = "https://passport.example.org/p/" + "8d1c" * 200
    rendered = render_rendered(passport, "card", "emergency", today=TODAY, qr=f"link:{link}")
    assert code_width_mm(rendered.data) == pytest.approx(CARD_QR_MOST_MODULES * CARD_QR_MODULE, abs=0.01)
    assert card_codes(rendered.data) == [link]
