"""The large-print card (``large_print=True``, ``--large-print``): a folded A6 card on
which no glyph is smaller than 14 pt, the minimum docs/rendering.md promises for large
print, and on which what does not fit is still said, class by class.

Every glyph's size is read back from the drawn PDF with PDFium, and the font sizes the
content streams set with pypdf; the text with poppler's ``pdftotext``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

import rarepassport as rp
from helpers.stress import make_stress_passport
from rarepassport import render_rendered
from rarepassport.rendering import _fonts

TODAY = dt.date(2026, 11, 27)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: The minimum the documentation promises for large print, in points.
LARGE_PRINT_MINIMUM = 14.0
#: A6 portrait, in points (105 × 148 mm).
A6_PT = (297.64, 419.53)
A4_LANDSCAPE_PT = (841.89, 595.28)


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the bundled font, whatever this machine has installed: reproducible tests."""
    monkeypatch.setenv(_fonts.SYSTEM_FONTS_ENV, "0")
    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


def large_card(passport: rp.Passport, **options: object) -> bytes:
    pm = rp.make_plugin_manager(entry_points=False)
    return render_rendered(passport, "card", plugins=pm, today=TODAY, large_print=True, **options).data


def glyph_sizes(data: bytes) -> list[float]:
    """The font size of every glyph drawn (PDFium), characters it made up left out."""
    sizes = []
    document = pdfium.PdfDocument(data)
    for page in document:
        text = page.get_textpage()
        for index in range(text.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(text.raw, index) != 1 and text.get_text_range(index, 1).strip():
                sizes.append(pdfium_c.FPDFText_GetFontSize(text.raw, index))
    return sizes


def set_font_sizes(data: bytes) -> list[float]:
    """Every font size the content streams set (``/F1 14.00 Tf``)."""
    sizes: list[float] = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        content = page.get_contents()
        assert content is not None
        sizes += [float(size) for size in re.findall(rb"/F\d+ ([\d.]+) Tf", content.get_data())]
    return sizes


def pdftotext(data: bytes, tmp_path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
    source = tmp_path / "card.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("example", ["adult-several-conditions.yaml", "conditions/adrenal-insufficiency.json"])
@pytest.mark.parametrize("options", [{}, {"sheet": True, "qr": "emergency"}])
def test_no_glyph_on_a_large_print_card_is_under_14_points(example: str, options: dict[str, object]) -> None:
    data = large_card(rp.load(EXAMPLES / example), **options)
    sizes = glyph_sizes(data)
    assert len(sizes) > 300
    assert min(sizes) >= LARGE_PRINT_MINIMUM
    assert min(set_font_sizes(data)) >= LARGE_PRINT_MINIMUM


def test_an_overfull_large_print_card_stays_at_14_points_and_says_what_was_left_off(tmp_path: Path) -> None:
    data = large_card(make_stress_passport(), missing_glyphs="mark")
    assert min(glyph_sizes(data)) >= LARGE_PRINT_MINIMUM
    text = squashed(pdftotext(data, tmp_path))
    assert re.search(r"\+\d+more(steps)?—seepassport", text)
    assert "inthefullpassport" in text.lower()


def test_the_large_print_card_is_two_a6_panels() -> None:
    reader = pypdf.PdfReader(io.BytesIO(large_card(rp.load(EXAMPLES / "adult-several-conditions.yaml"))))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A6_PT, abs=0.1)


def test_the_large_print_sheet_is_a4_landscape_with_both_panels_and_the_help(tmp_path: Path) -> None:
    data = large_card(rp.load(EXAMPLES / "adult-several-conditions.yaml"), sheet=True)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_LANDSCAPE_PT, abs=0.1)
    text = squashed(pdftotext(data, tmp_path))
    assert text.count("Dateofbirth") == 2  # both panels
    assert "Cutalongthemarks" in text


def test_a_large_print_card_shows_the_same_first_essentials_as_the_wallet_card(tmp_path: Path) -> None:
    passport = rp.load(EXAMPLES / "conditions" / "adrenal-insufficiency.json")
    text = squashed(pdftotext(large_card(passport), tmp_path))
    for words in ("Dateofbirth:9February1984", "Diagnoses:", "Emergencyhydrocortisonedose", "+442079460000"):
        assert words in text


def test_the_command_line_draws_the_large_print_card(tmp_path: Path) -> None:
    from rarepassport.cli import main

    source = tmp_path / "ada.yaml"
    source.write_bytes((EXAMPLES / "adult-several-conditions.yaml").read_bytes())
    assert main(["render", str(source), "--format", "card", "--large-print"]) == 0
    written = tmp_path / "ada-card-large-print.pdf"
    assert min(glyph_sizes(written.read_bytes())) >= LARGE_PRINT_MINIMUM


def test_large_print_must_be_true_or_false() -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    with pytest.raises(rp.RenderError, match="large_print"):
        render_rendered(rp.load(EXAMPLES / "adult-several-conditions.yaml"), "card", plugins=pm, today=TODAY,
                        large_print="yes")
