"""Fonts are done once per process: each font file is reduced once to the characters drawn.

Issue 13, point 1. The timing lives in benchmarks/; these tests pin the behaviour that
makes it cheap (a small reduced face, reused while it holds what a document needs) and
that the PDFs drawn from reduced faces still read back exactly.
"""

from __future__ import annotations

import importlib.metadata
import io
import re
import sys
from pathlib import Path

import pypdf
import pytest
from fontTools import ttLib

import rarepassport as rp
from rarepassport import render_rendered
from rarepassport.rendering import _fonts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "child-several-diagnoses.json"



def _glyph_count(path: Path, index: int = 0) -> int:
    font = ttLib.TTFont(path, fontNumber=index, lazy=True)
    try:
        return len(font.getGlyphOrder())
    finally:
        font.close()


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_installed_fpdf2_is_in_the_tested_range() -> None:
    # _fonts.pdf_class works around fpdf2 2.8.9 behaviour; a newer fpdf2 must be tested
    # (and TESTED_FPDF2 and pyproject.toml widened) before it is allowed.
    low, high = (_version_tuple(bound) for bound in _fonts.TESTED_FPDF2.split(","))
    installed = _version_tuple(importlib.metadata.version("fpdf2"))
    assert low <= installed < high


def test_pyproject_pins_fpdf2_to_the_tested_range() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: the same parser, as the tomli package (a test dependency there)
        import tomli as tomllib
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"fpdf2{_fonts.TESTED_FPDF2}" in dependencies


def test_a_reduced_face_holds_the_characters_asked_for_and_few_others() -> None:
    _fonts.clear_font_cache()
    source = _fonts.bundled_font().regular
    reduced, index = _fonts.reduced_face(source, map(ord, "Žofie Ωμέγα"))
    assert reduced != source and index == 0
    cmap = ttLib.TTFont(reduced).getBestCmap()
    assert {ord(c) for c in "Žofie Ωμέγα"} <= set(cmap)
    assert _glyph_count(reduced) < _glyph_count(source) / 4


def test_a_reduced_face_is_reused_while_it_holds_what_a_document_needs() -> None:
    _fonts.clear_font_cache()
    source = _fonts.bundled_font().regular
    first, _ = _fonts.reduced_face(source, map(ord, "Ωμέγα"))
    again, _ = _fonts.reduced_face(source, map(ord, "μέγα"))
    assert again == first


def test_a_new_character_rebuilds_the_reduced_face_with_everything_drawn_before() -> None:
    _fonts.clear_font_cache()
    source = _fonts.bundled_font().regular
    first, _ = _fonts.reduced_face(source, map(ord, "Ωμέγα"))
    grown, _ = _fonts.reduced_face(source, map(ord, "Жизнь"))
    assert grown != first
    assert {ord(c) for c in "ΩμέγαЖизнь"} <= set(ttLib.TTFont(grown).getBestCmap())


def test_characters_the_font_lacks_are_not_asked_of_its_reduced_face() -> None:
    _fonts.clear_font_cache()
    source = _fonts.bundled_font().regular
    reduced, _ = _fonts.reduced_face(source, map(ord, "a王"))
    assert ord("王") not in ttLib.TTFont(reduced).getBestCmap()


def test_a_second_render_draws_from_the_faces_the_first_one_reduced() -> None:
    _fonts.clear_font_cache()
    passport = rp.load(EXAMPLE)
    render_rendered(passport, "pdf", "full")
    folder = _fonts._reduced_dir()
    made = sorted(folder.iterdir())
    second = render_rendered(passport, "pdf", "full")
    assert sorted(folder.iterdir()) == made  # nothing reduced again
    reduced, _ = _fonts.reduced_face(_fonts.bundled_font().regular, map(ord, passport.person.name))
    assert reduced in made
    reader = pypdf.PdfReader(io.BytesIO(second.data))
    assert passport.person.name in "".join(page.extract_text() for page in reader.pages)


@pytest.mark.skipif(not _fonts.system_fallback_fonts(), reason="no fallback fonts on this system")
def test_a_fallback_font_is_reduced_to_the_few_characters_a_passport_uses() -> None:
    cjk = next((face for face in _fonts.system_fallback_fonts() if ord("王") in _fonts._coverage(face.regular)), None)
    if cjk is None:
        pytest.skip("no CJK font on this system")
    _fonts.clear_font_cache()
    reduced, index = _fonts.reduced_face(cjk.regular, map(ord, "王小明"), cjk.collection_index)
    assert index == 0 and reduced.stat().st_size < cjk.regular.stat().st_size / 50
    assert {ord(c) for c in "王小明"} <= set(ttLib.TTFont(reduced).getBestCmap())


def _arabic_face() -> _fonts.FontFace | None:
    return next((face for face in _fonts.system_fallback_fonts() if ord("ل") in _fonts._coverage(face.regular)), None)


needs_arabic_shaping = pytest.mark.skipif(
    not _fonts.shaping_available() or _arabic_face() is None, reason="needs uharfbuzz and an Arabic font")


@needs_arabic_shaping
def test_only_text_in_a_script_that_needs_it_goes_through_the_shaping_engine() -> None:
    # fpdf2 shapes every text once shaping is on; a passport with one Arabic name was
    # several times slower than the same passport in Latin.
    pdf = _fonts.pdf_class()()
    _fonts.install_fonts(pdf, ["Maisie Thornbury", "ليلى"])
    pdf.add_page()
    pdf.set_font(_fonts.BUNDLED_FAMILY, "", 12)
    pdf.cell(text="Maisie Thornbury")
    assert pdf.text_shaping is None
    pdf.cell(text="ليلى")
    assert pdf.text_shaping is not None
    pdf.get_string_width("+44 7700 900123")
    assert pdf.text_shaping is None


@needs_arabic_shaping
def test_a_header_drawn_by_a_page_break_inside_arabic_text_keeps_it_shaped() -> None:
    seen: list[bool] = []

    class WithHeader(_fonts.pdf_class()):  # type: ignore[misc]
        def header(self) -> None:
            self.cell(text="Emergency passport")  # Latin, drawn in the middle of the Arabic paragraph
            seen.append(self.text_shaping is not None)
            self.ln()

    pdf = WithHeader()
    paragraph = " ".join(["ليلى تحتاج إلى الهيدروكورتيزون"] * 400)
    _fonts.install_fonts(pdf, ["Emergency passport", paragraph])
    pdf.set_font(_fonts.BUNDLED_FAMILY, "", 12)
    pdf.add_page()
    pdf.multi_cell(0, 6, paragraph)
    assert pdf.page > 1 and seen[1:] and all(seen[1:])
