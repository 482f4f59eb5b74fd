"""The lock screen in Chinese, Hindi and Arabic: drawn, read back and its QR code decoded.

Issue 12: a Chinese lock screen failed its own read-back (Latin text after a Chinese
label came back as other letters: the page was drawn with plain fpdf2, whose fallback
fonts lose the page's font) and a Hindi one had no QR code (three bytes a character:
the name and dates alone took more than the code's 280 bytes). Each test renders with
the Noto fonts on this machine (CI installs Debian's fonts-noto-core and
fonts-noto-cjk), reads the page back with pypdf and poppler's ``pdftotext`` and decodes
the PNG's code with zxing-cpp.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image

import rarepassport as rp
from helpers.scripts import script_passport, system_fonts  # noqa: F401 (system_fonts: an autouse fixture)
from rarepassport import labels, render_rendered
from rarepassport.rendering import _fonts
from rarepassport.rendering._lockscreen import LOCKSCREEN_QR_BYTES, LOCKSCREEN_QR_LIMIT
from rarepassport.rendering._qr import emergency_qr_text
from rarepassport.rendering._verify import skeleton

TODAY = dt.date(2026, 11, 27)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LANGUAGES = ("zh-Hans", "hi", "ar")
#: A character of each language's script, to skip where no font draws it.
SAMPLE = {"zh-Hans": "王", "hi": "अ", "ar": "ل"}


def need_font_for(language: str) -> None:
    char = SAMPLE[language]
    if not any(ord(char) in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip(f"no font on this machine draws U+{ord(char):04X} "
                    "(install Debian's fonts-noto-core and fonts-noto-cjk to run this)")


def read_back(data: bytes) -> dict[str, str]:
    """The page's text, whitespace-free, as pypdf and as poppler read it."""
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler-utils is installed in CI
        pytest.skip("poppler's pdftotext is not installed")
    poppler = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    texts = {"pypdf": pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text() or "",
             "pdftotext": poppler.decode("utf-8")}
    # fpdf2 writes a stand-in code for a shaped Indic glyph with no character of its own,
    # which extracts as one ASCII character after the letter (see rendering/_verify.py).
    return {name: skeleton(re.sub("(?<=[\u0900-\u0dff])[!-~]", "", text)) for name, text in texts.items()}


def shown(haystack: str, text: str) -> bool:
    """Every word of ``text`` is on the page: as written or, right to left, in visual order."""
    words = [skeleton(word) for word in text.split() if skeleton(word)]
    return all(word in haystack or word[::-1] in haystack for word in words)


def decoded(rendered: rp.Rendered) -> list[str]:
    with Image.open(io.BytesIO(rendered.data)) as image:
        return [result.text for result in zxingcpp.read_barcodes(image.convert("RGB"))]


def expected_qr(passport: rp.Passport, language: str) -> str:
    document = rp.layout(passport, view="emergency", language=language, today=TODAY)
    return emergency_qr_text(document, LOCKSCREEN_QR_LIMIT, most_bytes=LOCKSCREEN_QR_BYTES).text


@pytest.mark.parametrize("example", ["adult-undiagnosed.json", "adult-several-conditions.yaml"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bundled_example_draws_a_lock_screen_in_the_language_read_back_and_its_code_decodes(
        language: str, example: str) -> None:
    need_font_for(language)
    passport = rp.load(EXAMPLES / example)
    pdf = render_rendered(passport, "lockscreen-pdf", "emergency", language, today=TODAY)
    heading = labels.built_in_catalogue(language)["phrase.lockscreen.heading"]
    for extractor, text in read_back(pdf.data).items():
        assert shown(text, heading), extractor
        assert skeleton(passport.person.name) in text, extractor
    png = render_rendered(passport, "lockscreen", "emergency", language, today=TODAY)
    assert decoded(png) == [expected_qr(passport, language)]


def test_latin_text_after_a_chinese_label_is_not_garbled() -> None:
    # The diagnosis' own English words after "诊断：" came back as "sKJtKmaaeim omnKJgna1n9rK".
    need_font_for("zh-Hans")
    passport = rp.load(EXAMPLES / "adult-undiagnosed.json")
    pdf = render_rendered(passport, "lockscreen-pdf", "emergency", "zh-Hans", today=TODAY)
    diagnosis = passport.diagnoses[0].name
    for extractor, text in read_back(pdf.data).items():
        assert skeleton(f"诊断：{diagnosis}") in text.replace(skeleton("未确诊疾病："), ""), extractor


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_passport_written_in_the_script_shows_its_words_and_its_code_decodes(language: str) -> None:
    need_font_for(language)
    passport = script_passport(language)
    pdf = render_rendered(passport, "lockscreen-pdf", "emergency", language, today=TODAY)
    allergy = passport.allergies[0]
    for extractor, text in read_back(pdf.data).items():
        for value in (passport.person.name, passport.diagnoses[0].name, allergy.substance, "+44 20 7946 0000"):
            assert shown(text, value), extractor
        assert "Hydrocortisone" in text, extractor
    png = render_rendered(passport, "lockscreen", "emergency", language, today=TODAY)
    assert decoded(png) == [expected_qr(passport, language)]


def test_a_hindi_code_holds_the_essentials_not_only_the_name_and_dates() -> None:
    need_font_for("hi")
    passport = rp.load(EXAMPLES / "adult-several-conditions.yaml")
    png = render_rendered(passport, "lockscreen", "emergency", "hi", today=TODAY)
    [text] = decoded(png)
    # More than the 280 bytes an English code holds, in at most 280 characters ...
    assert LOCKSCREEN_QR_LIMIT < len(text.encode("utf-8")) <= LOCKSCREEN_QR_BYTES
    assert len(text) <= LOCKSCREEN_QR_LIMIT
    # ... so it carries the diagnoses after the name and dates.
    diagnosis = labels.built_in_catalogue("hi")["section.diagnoses"]
    assert diagnosis in text and passport.diagnoses[0].name in text
