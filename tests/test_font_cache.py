"""Fonts are done once per process: each font file is reduced once to the characters drawn.

Issue 13, point 1. The timing lives in benchmarks/; these tests pin the behaviour that
makes it cheap (a small reduced face, reused while it holds what a document needs) and
that the PDFs drawn from reduced faces still read back exactly.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import io
import re
import sys
from pathlib import Path

import fpdf
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


def _cjk_face() -> _fonts.FontFace | None:
    return next((face for face in _fonts.system_fallback_fonts()
                 if ord("王") in _fonts._coverage(face.regular, face.collection_index)), None)


def _both_texts(data: bytes) -> dict[str, str]:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")
    poppler = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    reader = pypdf.PdfReader(io.BytesIO(data))
    return {"pypdf": "".join(page.extract_text() for page in reader.pages), "pdftotext": poppler.decode("utf-8")}


@pytest.mark.skipif(_cjk_face() is None, reason="no CJK font on this system")
@pytest.mark.parametrize("format", ["pdf", "card"])
def test_chinese_texts_rendered_one_after_another_in_a_process_each_print_every_character(format: str) -> None:
    # The reduced CJK face grows with what the process has drawn (and starts again
    # from the document's own characters past REDUCED_FACE_LIMIT): a later document
    # must never draw from a face that lacks one of its characters, or a stale one.
    _fonts.clear_font_cache()
    texts = (("王小明", "青霉素"), ("李华", "阿莫西林"), ("张伟", "头孢菌素"), ("王小明", "青霉素"))
    for name, substance in texts:
        passport = rp.Passport(
            person=rp.Person(name=name, date_of_birth=dt.date(2015, 3, 2)),
            allergies=(rp.Allergy(substance=substance, reaction="Anaphylaxis", severity="life-threatening"),))
        rendered = render_rendered(passport, format)
        assert not any("U+" in warning for warning in rendered.warnings)
        for extractor, text in _both_texts(rendered.data).items():
            # Whitespace and control characters left out (pypdf gives each CJK
            # character of this font with a NUL before it).
            flat = "".join(c for c in text if c.isprintable() and not c.isspace())
            for value in (name, substance):
                assert value in flat, f"{value!r} by {extractor}"
            assert "\ufffd" not in flat


@pytest.mark.skipif(_cjk_face() is None, reason="no CJK font on this system")
def test_a_reduced_face_past_its_limit_starts_again_from_the_document_s_characters(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cjk = _cjk_face()
    assert cjk is not None
    _fonts.clear_font_cache()
    many = [code for code in range(0x4E00, 0x4E00 + 400) if code in _fonts._coverage(cjk.regular, cjk.collection_index)]
    monkeypatch.setattr(_fonts, "REDUCED_FACE_LIMIT", 300)
    _fonts.reduced_face(cjk.regular, many[:250], cjk.collection_index)
    reduced, _ = _fonts.reduced_face(cjk.regular, [*many[250:], ord("王")], cjk.collection_index)
    held = set(ttLib.TTFont(reduced).getBestCmap())
    assert {*many[250:], ord("王")} <= held
    assert not held & set(many[:250])  # bounded: the earlier characters were let go


def _text_objects(data: bytes) -> int:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return sum(page.get_contents().get_data().count(b"BT") for page in reader.pages)


@pytest.mark.skipif(_cjk_face() is None, reason="no CJK font on this system")
def test_a_few_chinese_characters_add_few_text_objects_to_the_pdf() -> None:
    # fpdf2 looked every character of every text up in the fallback fonts and the page
    # font was selected after every set_font once a passport had one Chinese character:
    # the PDF had 1.8 times the text objects, each one drawn, written and read back.
    latin = rp.load(EXAMPLE)
    data = rp.to_dict(latin)
    data["person"]["name"] = f"{data['person']['name']} 王小明"
    chinese = rp.from_dict(data)
    latin_pdf, chinese_pdf = (render_rendered(passport, "pdf", "full").data for passport in (latin, chinese))
    assert _text_objects(chinese_pdf) <= _text_objects(latin_pdf) * 1.05
    reader = pypdf.PdfReader(io.BytesIO(chinese_pdf))
    assert "王小明" in "".join(page.extract_text() for page in reader.pages).replace("\x00", "")


def _embedded_fonts(data: bytes) -> list[ttLib.TTFont]:
    """The TrueType fonts a PDF embeds (its /FontFile2 streams), parsed with fontTools."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found: dict[int, ttLib.TTFont] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                file = descendant.get_object()["/FontDescriptor"].get_object().get("/FontFile2")
                if file is not None and file.idnum not in found:
                    found[file.idnum] = ttLib.TTFont(io.BytesIO(file.get_object().get_data()))
    return list(found.values())


def test_the_embedded_glyphs_are_copied_from_the_reduced_face_not_compiled_again() -> None:
    # fpdf2 opens a face with fontTools' default recalcBBoxes=True, so writing each PDF
    # decompiled and compiled every glyph it embeds again (a third of a wallet card);
    # copied, the font keeps the reduced face's bounding box instead of its own glyphs'.
    _fonts.clear_font_cache()
    passport = rp.load(EXAMPLE)
    data = render_rendered(passport, "card").data
    # The card's own face (its texts and printable ASCII, see the next test).
    reduced, _ = _fonts.reduced_face(_fonts.bundled_font().regular, map(ord, passport.person.name), small_base=True)
    face = ttLib.TTFont(reduced)
    embedded = _embedded_fonts(data)
    assert embedded
    regular = [font for font in embedded if font["name"].getBestFullName() == face["name"].getBestFullName()]
    assert len(regular) == 1
    head = regular[0]["head"]
    assert (head.xMin, head.yMin, head.xMax, head.yMax) == (face["head"].xMin, face["head"].yMin,
                                                            face["head"].xMax, face["head"].yMax)
    assert len(regular[0].getGlyphOrder()) < len(face.getGlyphOrder())  # still a subset
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert passport.person.name in text


def test_a_card_is_drawn_from_a_face_of_its_own_texts_without_the_symbols_other_formats_draw() -> None:
    # Every character a card draws is in the texts it gives install_fonts, so its faces
    # hold those and printable ASCII, not the base set of arrows, check marks and
    # Latin-1 the PDF's faces carry (each document parses and subsets its faces again).
    _fonts.clear_font_cache()
    passport = rp.load(EXAMPLE)
    render_rendered(passport, "card")
    regular = _fonts.bundled_font().regular
    card_face, _ = _fonts.reduced_face(regular, [], small_base=True)  # the one the card made
    pdf_face, _ = _fonts.reduced_face(regular, [])
    card_codes, pdf_codes = set(ttLib.TTFont(card_face).getBestCmap()), set(ttLib.TTFont(pdf_face).getBestCmap())
    assert set(range(0x20, 0x7F)) <= card_codes
    assert {ord(c) for c in passport.person.name} <= card_codes
    assert ord("\u2192") in pdf_codes and ord("\u2192") not in card_codes  # an arrow: PDF only
    assert len(card_codes) < len(pdf_codes) / 2


def test_a_reduced_face_without_shaped_characters_carries_no_kerning_or_layout_tables() -> None:
    # fpdf2 kerns only through HarfBuzz, when it shapes; the kerning table was parsed and
    # subset again in every document for nothing.
    _fonts.clear_font_cache()
    reduced, _ = _fonts.reduced_face(_fonts.bundled_font().regular, map(ord, "Žofie Ωμέγα"))
    tables = set(ttLib.TTFont(reduced).keys())
    assert not tables & {"kern", "GPOS", "GSUB", "MATH"}


def test_letters_beyond_latin_1_join_the_bundled_face_only_when_a_document_draws_one() -> None:
    # Every document parses its reduced faces and fpdf2 subsets them on output, in
    # proportion to their glyphs: Latin Extended-A (128 letters) was in every face.
    _fonts.clear_font_cache()
    source = _fonts.bundled_font().regular
    reduced, _ = _fonts.reduced_face(source, map(ord, "Anna"))
    held = set(ttLib.TTFont(reduced).getBestCmap())
    assert {ord("é"), ord("ü"), ord("•"), ord("–")} <= held  # Latin-1 and punctuation stay
    assert ord("Ł") not in held and ord("ő") not in held
    data = rp.to_dict(rp.load(EXAMPLE))
    data["person"]["name"] = "Łucja Kőrösi"
    pdf = render_rendered(rp.from_dict(data), "card").data
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "Łucja Kőrösi" in "".join(page.extract_text() for page in reader.pages)
def _latin_and_with_name_in(script: str) -> tuple[rp.Passport, rp.Passport]:
    """The bundled example, and the same with ``script`` added to the person's name."""
    if _devanagari_face() is None or not _fonts.shaping_available():
        pytest.skip("no Devanagari font or no shaping engine on this system")
    latin = rp.load(EXAMPLE)
    data = rp.to_dict(latin)
    data["person"]["name"] = f"{data['person']['name']} {script}"
    return latin, rp.from_dict(data)


def _devanagari_face() -> _fonts.FontFace | None:
    return next((face for face in _fonts.system_fallback_fonts()
                 if ord("अ") in _fonts._coverage(face.regular, face.collection_index)), None)


@pytest.mark.parametrize("script", ["अनन्या", "ليلى"])
def test_a_hindi_or_arabic_name_in_the_running_header_shapes_only_the_name(script: str) -> None:
    # fpdf2 shapes a whole line once one character of it needs shaping, and positions
    # each glyph of the bundled face in a shaped line on its own: the running header
    # and footer with a Hindi or Arabic name made the page content a third larger than
    # the Latin passport's (each glyph drawn, written and read back alone). The Latin
    # runs of a left-to-right line are now drawn unshaped beside the shaped name.
    latin, other = _latin_and_with_name_in(script)
    name = latin.person.name
    latin_pdf, other_pdf = (render_rendered(passport, "pdf", "full").data for passport in (latin, other))

    def content(data: bytes) -> bytes:
        return b"".join(page.get_contents().get_data() for page in pypdf.PdfReader(io.BytesIO(data)).pages)

    assert len(content(other_pdf)) <= len(content(latin_pdf)) * 1.1
    if script == "अनन्या":
        pages = len(pypdf.PdfReader(io.BytesIO(other_pdf)).pages)
        for extractor, text in _both_texts(other_pdf).items():
            # The name whole, in the header and footer of every page (and the title).
            assert text.count(f"{name} अनन्या") > 2 * pages, extractor


def _word_boxes(data: bytes) -> list[tuple[str, float]]:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")
    html = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True).stdout
    return [(word, float(x)) for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', html.decode())]


@pytest.mark.parametrize("align", ["L", "R"])
@pytest.mark.parametrize("line", [
    "Maisie Thornbury ليلى حسن  ·  Date of birth: 14 June 2017",
    "Maisie Thornbury अनन्या शर्मा  ·  Page 2 of 10",
    "Contact: ليلى (mother), अनन्या",
    # Lines whose digits or signs the bidi algorithm moves beside the Arabic: shaped whole.
    "Born 2017 ليلى",
    "Name ليلى 2017",
    "Name ليلى.",
])
def test_a_line_drawn_in_runs_puts_every_word_where_fpdf2_puts_it_shaping_the_whole_line(line: str, align: str) -> None:
    # Only the words that need it are shaped, each run drawn on its own: the runs must
    # come out in the order and places fpdf2's own bidi and shaping give the whole
    # line (a name's parts or a date moved across the Arabic would be misread).
    if _devanagari_face() is None or not _fonts.shaping_available():
        pytest.skip("no Devanagari font or no shaping engine on this system")
    pages = _drawn_by_fpdf2_and_by_us(line, align, "")
    whole, runs = (_word_boxes(page) for page in pages)
    assert [word for word, _x in runs] == [word for word, _x in whole]
    # Within the kerning fpdf2 applies to shaped Latin text only (half a point on this line).
    assert all(abs(x - y) < 1.5 for (_w, x), (_v, y) in zip(runs, whole, strict=True))


def _face_for(char: str) -> _fonts.FontFace | None:
    return next((face for face in _fonts.system_fallback_fonts()
                 if ord(char) in _fonts._coverage(face.regular, face.collection_index)), None)


def _drawn_by_fpdf2_and_by_us(line: str, align: str, style: str, then: str | None = None) -> list[bytes]:
    """``line`` drawn with fpdf2's own FPDF and with rarepassport's subclass, one cell each
    (and ``then`` on the next line), as the two PDFs."""
    pages = []
    for cls in (fpdf.FPDF, _fonts.pdf_class()):
        pdf = cls()
        _fonts.install_fonts(pdf, [line])
        pdf.add_page()
        pdf.set_font(_fonts.BUNDLED_FAMILY, style, 10)
        pdf.cell(0, 6, line, align=align, new_x="LMARGIN", new_y="NEXT")
        if then is not None:
            pdf.cell(0, 6, then, new_x="LMARGIN", new_y="NEXT")
        pages.append(_fonts.pdf_bytes(pdf))
    return pages


@pytest.mark.parametrize("align", ["L", "R", "C"])
@pytest.mark.parametrize("line", [
    "Maisie Thornbury 王小明  ·  Date of birth: 14 June 2017",
    "王小明 Maisie Thornbury (mother)",
    "Contact: 王小明（father）, 07700 900123",
])
def test_a_line_with_a_fallback_font_word_drawn_in_runs_puts_every_word_where_fpdf2_puts_it(
        line: str, align: str) -> None:
    # The running header with a Chinese name went to fpdf2's cell whole (every
    # character parsed and looked up in the fallback fonts, on every page): its Latin
    # words are now drawn as plain text and only the Chinese word by fpdf2's cell. The
    # words must come out in fpdf2's order and places (unshaped widths add up exactly).
    if _face_for("王") is None:
        pytest.skip("no font for Chinese on this system")
    pages = _drawn_by_fpdf2_and_by_us(line, align, "B", then="next line")
    whole, runs = (_word_boxes(page) for page in pages)
    assert [word for word, _x in runs] == [word for word, _x in whole]
    assert all(abs(x - y) < 0.05 for (_w, x), (_v, y) in zip(runs, whole, strict=True))
    for extractor, text in _both_texts(pages[1]).items():
        # pypdf reads fpdf2's CFF (OpenType) face a byte at a time: a NUL before each character.
        assert line.replace(" ", "") in text.replace(" ", "").replace("\x00", ""), extractor


def test_a_hindi_word_measures_the_same_in_every_document_and_as_fpdf2_measures_it() -> None:
    # Widths of words that need a fallback font or shaping are kept for the process
    # (keyed by the font files and the characters drawn from them): a second document,
    # whose reduced faces hold other characters, must measure the word as fpdf2 does.
    if _face_for("अ") is None or not _fonts.shaping_available():
        pytest.skip("no Devanagari font or no shaping engine on this system")
    widths = []
    for texts in (["अनन्या शर्मा"], ["अनन्या शर्मा", "निदान लिंग", "Łucja"]):
        for cls in (_fonts.pdf_class(), fpdf.FPDF):
            pdf = cls()
            _fonts.install_fonts(pdf, texts)
            pdf.add_page()
            pdf.set_font(_fonts.BUNDLED_FAMILY, "B", 11)
            widths.append(round(pdf.get_string_width("अनन्या"), 6))
            widths.append(round(pdf.get_string_width("Ananya अनन्या"), 6))
    assert widths[0::2] == [widths[0]] * 4 and widths[1::2] == [widths[1]] * 4


@pytest.mark.parametrize("script", ["王小明", "अनन्या"])
def test_a_card_embeds_only_the_fallback_faces_it_draws_with(script: str) -> None:
    # fpdf2 parses every face added to a document and subsets and embeds it, used or
    # not: the card drew a Chinese or Hindi name in bold only, and its regular face was
    # parsed, subset and embedded in every card for nothing (a CJK face about 17 ms).
    if not any(ord(script[0]) in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip("no font for the script on this system")
    data = rp.to_dict(rp.load(EXAMPLE))
    data["person"]["name"] = f"{data['person']['name']} {script}"
    card = render_rendered(rp.from_dict(data), "card").data
    reader = pypdf.PdfReader(io.BytesIO(card))
    drawn = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    embedded = {"/" + name.decode() for name in re.findall(rb"/BaseFont /([^\s/>]+)", card)}
    assert embedded == drawn
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    if script == "王小明":
        assert script in text


@pytest.mark.parametrize("script", ["王小明", "अनन्या"])
def test_a_fallback_face_holds_only_the_characters_the_bundled_faces_lack(script: str) -> None:
    # fpdf2 draws a character with a fallback font only when the current face lacks it,
    # and parses and subsets every face it is given in proportion to its glyphs: a Noto
    # face also holds the passport's Latin letters and digits, which it never draws.
    face = next((face for face in _fonts.system_fallback_fonts()
                 if ord(script[0]) in _fonts._coverage(face.regular, face.collection_index)), None)
    if face is None:
        pytest.skip("no font for the script on this system")
    _fonts.clear_font_cache()
    data = rp.to_dict(rp.load(EXAMPLE))
    data["person"]["name"] = f"{data['person']['name']} {script}"
    for format in ("card", "pdf"):
        render_rendered(rp.from_dict(data), format, "full" if format == "pdf" else None)
    held = {code for (path, _index, _small), (codes, _file) in _fonts._reduced.items()
            if path in (str(face.regular), str(face.bold)) for code in codes}
    assert held == {ord(c) for c in script}



@pytest.mark.parametrize("script", ["अनन्या", "ليلى"])
def test_a_hindi_or_arabic_name_in_the_card_band_shapes_only_the_name(script: str) -> None:
    # The band drew the name with fpdf2's multi_cell, which shapes the whole line and
    # places every glyph of it on its own: a third of a Hindi or Arabic card's drawing,
    # and as much again to read back. A name that fits on one line is one cell, its
    # Latin words drawn unshaped, in the same place.
    latin, other = _latin_and_with_name_in(script)
    name = latin.person.name
    latin_card, other_card = (render_rendered(passport, "card").data for passport in (latin, other))

    def content(data: bytes) -> bytes:
        return b"".join(page.get_contents().get_data() for page in pypdf.PdfReader(io.BytesIO(data)).pages)

    # Each glyph placed on its own is a text matrix (" Tm") of its own.
    assert content(other_card).count(b" Tm") <= content(latin_card).count(b" Tm") + 2 * 2 * len(script)
    words = [word for word, _x in _word_boxes(other_card)]
    assert words[:2] == name.split(), words[:4]  # the band's first line, in reading order
    if script == "अनन्या":
        for extractor, text in _both_texts(other_card).items():
            assert text.count(f"{name} अनन्या") == 2, extractor  # on both sides
