"""The pdf backend: content per view, page furniture, sizes, options, fonts, QR, photos.

Every test renders a real PDF and reads it back with pypdf.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import attrs
import pypdf
import pytest
from PIL import Image

import rarepassport as rp
from helpers.stress import CHINESE_NAME, make_stress_passport
from rarepassport import layout, render_document, render_rendered
from rarepassport.document import Document
from rarepassport.errors import PassportError
from rarepassport.model import View, field_views
from rarepassport.rendering import MissingGlyphsError, Rendered, RenderError, _fonts, register_font
from rarepassport.rendering._pdf import document_texts
from rarepassport.rendering._qr import emergency_qr_text
from rarepassport.rendering._verify import extract_pdf_text, skeleton

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = dt.date(2026, 11, 27)

# One short, unmistakable word per field, so it survives line wrapping in narrow table
# columns; each with the chain of model fields that holds it, from the Passport down: a
# value is in a view when every field of its chain is.
P = rp.Passport
MARKERS: dict[str, tuple[tuple[type, str], ...]] = {
    "Larkspur": ((P, "person"), (rp.Person, "address")),
    "Quillon": ((P, "person"), (rp.Person, "email")),
    "Orzo": ((P, "person"), (rp.Person, "blood_group")),
    "Brackenfold": ((P, "person"), (rp.Person, "pronouns")),
    "Tansy": ((P, "diagnoses"), (rp.Diagnosis, "summary")),
    "Wicket": ((P, "diagnoses"), (rp.Diagnosis, "notes")),
    "Pelham": ((P, "diagnoses"), (rp.Diagnosis, "diagnosed_by")),
    "Zorbgene": ((P, "diagnoses"), (rp.Diagnosis, "genetics"), (rp.GeneticFinding, "gene")),
    "Halyard": ((P, "diagnoses"), (rp.Diagnosis, "features"), (rp.Feature, "name")),
    "Marrowby": ((P, "emergency"), (rp.Emergency, "protocols"), (rp.Protocol, "source")),
    "Sprocket": ((P, "emergency"), (rp.Emergency, "anaesthesia")),
    "Fennimore": ((P, "emergency"), (rp.Emergency, "open_access"), (rp.OpenAccess, "hospital")),
    "Gossamer": ((P, "emergency"), (rp.Emergency, "advance_decisions"), (rp.AdvanceDecision, "summary")),
    "Kestrelol": ((P, "medications"), (rp.Medication, "name")),
    "Nettleby": ((P, "allergies"), (rp.Allergy, "substance")),
    "Tillerman": ((P, "devices"), (rp.Device, "details")),
    "Juniper": ((P, "contacts"), (rp.Contact, "name")),
    "Okafor": ((P, "care_team"), (rp.CareTeamMember, "name")),
    "Appleyard": ((P, "history"), (rp.History, "procedures"), (rp.Procedure, "name")),
    "Cobblestone": ((P, "care_preferences"), (rp.CarePreferences, "sleep")),
    "Lanternfish": ((P, "care_preferences"), (rp.CarePreferences, "likes")),
    "Marzipan": ((P, "care_preferences"), (rp.CarePreferences, "mobility")),
    "Wainscot": ((P, "care_preferences"), (rp.CarePreferences, "decisions")),
    "Puddleglum": ((P, "additional_sections"), (rp.AdditionalSection, "text")),
}


def rich_passport() -> rp.Passport:
    """A fictional passport with a marker word in fields of every view combination."""
    return rp.Passport(
        person=rp.Person(
            name="Ada Example", date_of_birth=dt.date(2015, 3, 2), address="4 Larkspur Road",
            email="Quillon@example.org", blood_group="Orzo", pronouns="Brackenfold",
        ),
        diagnoses=(rp.Diagnosis(
            name="Congenital adrenal hyperplasia", primary=True, summary="Tansy",
            notes="Wicket", diagnosed_by="Pelham",
            genetics=(rp.GeneticFinding(gene="Zorbgene"),), features=(rp.Feature(name="Halyard"),),
        ),),
        emergency=rp.Emergency(
            summary="Give hydrocortisone by injection at once if she is vomiting.",
            protocols=(rp.Protocol(title="Adrenal crisis", steps=("Inject hydrocortisone 100 mg.", "Call 999."),
                                   source="Marrowby"),),
            anaesthesia="Sprocket",
            open_access=rp.OpenAccess(hospital="Fennimore"),
            advance_decisions=(rp.AdvanceDecision(kind="ReSPECT form", summary="Gossamer"),),
        ),
        medications=(rp.Medication(name="Kestrelol", dose="10 mg", time_critical=True),),
        allergies=(rp.Allergy(substance="Nettleby", severity=rp.Severity.SEVERE),),
        devices=(rp.Device(name="Gastrostomy", details="Tillerman"),),
        contacts=(rp.Contact(name="Juniper", role=rp.ContactRole.EMERGENCY, phone="07700 900123"),),
        care_team=(rp.CareTeamMember(name="Okafor", lead=True),),
        history=rp.History(procedures=(rp.Procedure(name="Appleyard"),)),
        care_preferences=rp.CarePreferences(
            sleep="Cobblestone", likes=("Lanternfish",), mobility="Marzipan", decisions="Wainscot",
        ),
        additional_sections=(rp.AdditionalSection(title="More", text="Puddleglum"),),
        review=rp.Review(updated_on=dt.date(2026, 11, 1)),
    )


def pdf_of(rendered: Rendered | bytes) -> pypdf.PdfReader:
    data = rendered.data if isinstance(rendered, Rendered) else rendered
    assert data.startswith(b"%PDF")
    return pypdf.PdfReader(io.BytesIO(data))


def poppler_text(data: bytes) -> str:
    """The text of a PDF as poppler's ``pdftotext`` reads it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def squashed(text: str) -> str:
    """Text without whitespace: a word wrapped inside a narrow table cell still matches."""
    return re.sub(r"\s+", "", text)


def latin_words(document: Document) -> Iterator[str]:
    """Every word of the document in Latin, Greek or Cyrillic script (what DejaVu draws
    without shaping, so pypdf gives it back character for character). The phrase
    catalogue is left out: a backend prints only the phrases it needs."""
    for text in document_texts(attrs.evolve(document, phrases={})):
        for word in text.split():
            # Where a separator or bracket lands beside right-to-left text ("10;" or ";10") is the
            # bidi algorithm's to decide: the word itself must be there.
            word = word.strip(";,()") if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text) else word
            # Below U+0590: Latin, Greek, Cyrillic, their digits and punctuation.
            if word and all(ord(char) < 0x0590 or unicodedata.category(char) == "Pd" for char in word):
                yield word


def render_pdf(passport: rp.Passport, view: str = "full", **options: object) -> Rendered:
    return render_rendered(passport, "pdf", view, today=TODAY, **options)


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the bundled font, whatever this machine has installed: reproducible tests."""
    monkeypatch.setenv(_fonts.SYSTEM_FONTS_ENV, "0")
    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


# --- what appears -----------------------------------------------------------------


@pytest.mark.parametrize("view", [v.value for v in View])
def test_each_view_shows_exactly_the_fields_that_belong_to_it(view: str) -> None:
    text = squashed(" ".join(page_texts(pdf_of(render_pdf(rich_passport(), view)))))
    for marker, chain in MARKERS.items():
        belongs = all(View(view) in field_views(cls, field) for cls, field in chain)
        where = ".".join(field for _, field in chain)
        assert (marker in text) is belongs, f"{marker} ({where}) in the {view} view"


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*") if p.suffix in (".json", ".yaml", ".yml"))


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
@pytest.mark.parametrize("view", [v.value for v in View])
def test_every_word_of_each_example_view_is_in_its_pdf(path: Path, view: str) -> None:
    passport = rp.load(path)
    document = layout(passport, view, today=TODAY)
    text = squashed(" ".join(page_texts(pdf_of(render_document(document, "pdf")))))
    missing = sorted({word for word in latin_words(document) if squashed(word) not in text})
    assert not missing


def chinese_characters(document: Document) -> list[str]:
    return sorted({c for text in document_texts(document) for c in text
                   if 0x3000 <= ord(c) <= 0x9FFF or 0xFF00 <= ord(c) <= 0xFFEF})


def test_characters_no_font_draws_are_an_error_naming_where_they_are_and_their_code_points() -> None:
    document = layout(make_stress_passport(), "full", today=TODAY)
    with pytest.raises(MissingGlyphsError) as raised:
        render_document(document, "pdf")
    message = str(raised.value)
    chinese = chinese_characters(document)
    assert CHINESE_NAME[0] in chinese
    assert "section 'protocols'" in message  # where: the section and block, not the words
    assert f"U+{ord(chinese[0]):04X}" in message
    assert CHINESE_NAME not in message and CHINESE_NAME[0] not in message  # never the text


def test_stress_passport_renders_every_word_and_marks_the_characters_no_font_draws() -> None:
    passport = make_stress_passport()
    document = layout(passport, "full", today=TODAY)
    rendered = render_document(document, "pdf", missing_glyphs="mark")
    text = squashed(" ".join(page_texts(pdf_of(rendered))))
    missing = sorted({word for word in latin_words(document) if squashed(word) not in text})
    assert not missing
    assert "\ufffd" in text  # each character no font draws is a visible marker, not a blank
    # DejaVu Sans has no Chinese; with no fallback font the warning counts the characters
    # and names them by code point.
    chinese = chinese_characters(document)
    warning = next(w for w in rendered.warnings if "no available font" in w)
    assert f"U+{ord(chinese[0]):04X}" in warning
    assert CHINESE_NAME[0] not in warning


def test_chinese_text_is_drawn_with_a_fallback_font_when_one_is_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_fonts.SYSTEM_FONTS_ENV)
    _fonts.system_fallback_fonts.cache_clear()
    faces = [f for f in _fonts.system_fallback_fonts() if ord(CHINESE_NAME[0]) in _fonts._coverage(f.regular)]
    if not faces:
        pytest.skip("no font with Chinese characters on this machine (install fonts-noto-cjk to run this)")
    passport = rp.Passport(person=rp.Person(name=CHINESE_NAME, date_of_birth=dt.date(2015, 3, 2)))
    rendered = render_pdf(passport, fonts=[faces[0].regular])
    # pypdf reads fpdf2's CFF-based CJK fonts one byte at a time unless told their codes
    # are two bytes wide: extract_pdf_text does that; poppler reads them as they are.
    first_page = extract_pdf_text(rendered.data)[0]
    assert CHINESE_NAME in skeleton(first_page)
    assert "\x00" not in first_page
    assert skeleton(f"{CHINESE_NAME} · Date of birth: 2 March 2015") in skeleton(poppler_text(rendered.data))
    assert not any("U+" in warning for warning in rendered.warnings)


def test_a_long_protocol_step_flows_over_pages_without_losing_a_word() -> None:
    step = " ".join(f"word{i}" for i in range(1500))
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        emergency=rp.Emergency(protocols=(rp.Protocol(title="Long", steps=(step,)),)),
    )
    reader = pdf_of(render_pdf(passport))
    assert len(reader.pages) >= 2
    text = " ".join(page_texts(reader))
    assert all(f"word{i}" in text for i in range(1500))


# --- page furniture ----------------------------------------------------------------


def test_every_page_has_the_name_date_of_birth_dates_and_page_x_of_y() -> None:
    reader = pdf_of(render_pdf(make_stress_passport(), missing_glyphs="mark"))
    pages = page_texts(reader)
    assert len(pages) > 2
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert "15 January 2010" in text
        assert "Updated on 1 October 2026" in text


def test_a_table_that_spans_pages_repeats_its_header_row() -> None:
    medications = tuple(rp.Medication(name=f"Medicine{i}", dose="1 mg", frequency="daily") for i in range(90))
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           medications=medications)
    pages = page_texts(pdf_of(render_pdf(passport)))
    with_rows = [text for text in pages if re.search(r"Medicine\d+", text)]
    assert len(with_rows) >= 2
    assert all("Dose" in text and "How often" in text for text in with_rows)


def test_a_table_row_taller_than_a_page_is_split_across_pages_without_losing_a_word() -> None:
    notes = " ".join(f"note{i}" for i in range(1200))
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           medications=(rp.Medication(name="Hydrocortisone", notes=notes),))
    pages = page_texts(pdf_of(render_pdf(passport)))
    with_notes = [text for text in pages if "note" in text]
    assert len(with_notes) >= 2
    assert all("Dose" in text or "Medicine" in text for text in with_notes)  # header repeated
    text = " ".join(pages)
    assert all(f"note{i}" in text for i in range(1200))


def test_the_outline_has_a_bookmark_per_section() -> None:
    passport = rich_passport()
    document = layout(passport, "full", today=TODAY)
    reader = pdf_of(render_document(document, "pdf"))

    def titles(outline: list[object]) -> Iterator[str]:
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield str(item.title)  # type: ignore[attr-defined]

    assert {section.title for section in document.sections} <= set(titles(reader.outline))


def test_document_properties_hold_title_author_subject_and_language() -> None:
    passport = rp.Passport(language="es", person=rp.Person(name="Lucía Ejemplo", date_of_birth=dt.date(2015, 3, 2)))
    document = layout(passport, "full", today=TODAY)
    reader = pdf_of(render_document(document, "pdf"))
    assert reader.metadata is not None
    assert reader.metadata.title == document.title
    assert reader.metadata.author == "Lucía Ejemplo"
    assert reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "es"


@pytest.mark.parametrize(
    ("size", "width", "height"),
    [("a4", 595.28, 841.89), ("a5", 419.53, 595.28), ("letter", 612.0, 792.0)],
)
def test_page_size_option_sets_the_media_box(size: str, width: float, height: float) -> None:
    reader = pdf_of(render_pdf(rich_passport(), size=size))
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(width, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(height, abs=0.1)


def test_an_unknown_page_size_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="size"):
        render_pdf(rich_passport(), size="a3")


def font_sizes(reader: pypdf.PdfReader) -> list[float]:
    sizes: list[float] = []
    for page in reader.pages:
        content = page.get_contents()
        assert content is not None
        sizes += [float(s) for s in re.findall(rb"/F\d+ ([\d.]+) Tf", content.get_data())]
    return sizes


def test_large_print_sets_body_text_at_14_points_or_more() -> None:
    sizes = font_sizes(pdf_of(render_pdf(rich_passport(), large_print=True)))
    body = max(set(sizes), key=sizes.count)
    assert body >= 14
    # Every text, tables (13.8 pt before) and running header and footer (11 pt) included.
    assert min(sizes) >= 14


def test_normal_print_is_smaller_than_large_print() -> None:
    sizes = font_sizes(pdf_of(render_pdf(rich_passport())))
    assert max(set(sizes), key=sizes.count) < 14


def fill_colours(reader: pypdf.PdfReader) -> set[tuple[float, ...]]:
    colours: set[tuple[float, ...]] = set()
    for page in reader.pages:
        content = page.get_contents()
        assert content is not None
        for match in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", content.get_data()):
            colours.add(tuple(round(float(v), 2) for v in match))
    return colours


def test_high_contrast_uses_only_black_white_and_yellow() -> None:
    colours = fill_colours(pdf_of(render_pdf(rich_passport(), high_contrast=True)))
    allowed = {(0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (1.0, 0.96, 0.59), (1.0, 0.9, 0.0)}
    assert colours <= allowed


def test_emergency_sections_are_drawn_on_red_and_critical_alerts_boxed_in_pink() -> None:
    colours = fill_colours(pdf_of(render_pdf(rich_passport())))
    assert (0.59, 0.0, 0.0) in colours  # emergency section bar: the shared emergency red
    assert (0.99, 0.89, 0.89) in colours  # critical alert box


# --- photo --------------------------------------------------------------------------


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def images_on_first_page(reader: pypdf.PdfReader) -> int:
    return len(reader.pages[0].images)


def test_a_photo_given_as_a_data_uri_is_drawn() -> None:
    uri = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    # A passport that validates without warnings, so that any warning would be about the photo.
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), photo=uri),
        diagnoses=[rp.Diagnosis(name="Example condition")],
        contacts=[rp.Contact(name="Sam Example", role="parent", phone="07700 900123")],
    )
    rendered = render_pdf(passport)
    assert images_on_first_page(pdf_of(rendered)) == 1
    assert rendered.warnings == ()


def test_a_photo_path_is_read_relative_to_base_dir(tmp_path: Path) -> None:
    (tmp_path / "ada.png").write_bytes(png_bytes())
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), photo="ada.png"))
    assert images_on_first_page(pdf_of(render_pdf(passport, base_dir=tmp_path))) == 1


@pytest.mark.parametrize("photo", ["missing.png", "data:image/png;base64,@@@", "data:text/plain,hello"])
def test_an_unreadable_photo_is_a_warning_that_names_the_field_not_the_value(photo: str) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), photo=photo))
    rendered = render_pdf(passport)
    assert images_on_first_page(pdf_of(rendered)) == 0
    assert any("person.photo" in w for w in rendered.warnings)
    assert not any(photo in w for w in rendered.warnings)


def test_a_file_that_is_not_an_image_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "ada.png").write_text("not an image")
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), photo="ada.png"))
    rendered = render_pdf(passport, base_dir=tmp_path)
    assert any("person.photo" in w for w in rendered.warnings)


# --- QR codes -------------------------------------------------------------------------


def test_qr_emergency_draws_a_code_on_the_first_page() -> None:
    assert images_on_first_page(pdf_of(render_pdf(rich_passport(), qr="emergency"))) == 1


def test_qr_link_draws_a_code_and_its_caption() -> None:
    reader = pdf_of(render_pdf(rich_passport(), qr="link:https://passport.example.org/ada"))
    assert images_on_first_page(reader) == 1
    assert squashed("Scan for the full passport") in squashed(page_texts(reader)[0])


@pytest.mark.parametrize("qr", ["bogus", "link:ftp://example.org/x", "link:"])
def test_a_bad_qr_option_is_a_render_error(qr: str) -> None:
    with pytest.raises(RenderError, match="qr"):
        render_pdf(rich_passport(), qr=qr)


def test_emergency_qr_text_holds_the_essentials_of_the_view() -> None:
    document = layout(rich_passport(), "emergency", today=TODAY)
    content = emergency_qr_text(document, 2000)
    for essential in ("Ada Example", "2 March 2015", "Congenital adrenal hyperplasia", "Nettleby", "Kestrelol",
                      "Inject hydrocortisone 100 mg.", "Juniper"):
        assert essential in content.text
    assert not content.shortened
    assert "Larkspur" not in content.text  # the address is not in the emergency view


def test_a_too_long_emergency_qr_text_is_shortened_and_ends_saying_so() -> None:
    document = layout(make_stress_passport(), "emergency", today=TODAY)
    content = emergency_qr_text(document, 300)
    assert len(content.text.encode("utf-8")) <= 300
    assert content.shortened
    assert content.text.endswith("More in the full passport")


def test_the_stress_passport_with_an_emergency_qr_still_renders() -> None:
    rendered = render_pdf(make_stress_passport(), qr="emergency", missing_glyphs="mark")
    assert images_on_first_page(pdf_of(rendered)) == 1


# --- fonts -----------------------------------------------------------------------------


def test_greek_and_cyrillic_names_are_drawn_by_the_bundled_font() -> None:
    passport = rp.Passport(person=rp.Person(name="Ελένη Иванова", date_of_birth=dt.date(2015, 3, 2)))
    rendered = render_pdf(passport)
    assert "Ελένη Иванова" in page_texts(pdf_of(rendered))[0]
    assert not any("U+" in w for w in rendered.warnings)


def test_arabic_text_is_shaped_when_uharfbuzz_is_installed_and_warned_about_when_not() -> None:
    passport = rp.Passport(person=rp.Person(name="ليلى حسن المصري", date_of_birth=dt.date(2015, 3, 2)))
    rendered = render_pdf(passport)
    shaping_warnings = [w for w in rendered.warnings if "uharfbuzz" in w]
    assert not any("U+" in w for w in rendered.warnings)  # DejaVu Sans has Arabic letters
    if _fonts.shaping_available():
        assert shaping_warnings == []
    else:
        assert len(shaping_warnings) == 1


def test_latin_text_needs_no_shaping_and_arabic_does() -> None:
    assert not _fonts.needs_text_shaping(["Ada Example", "Ελένη", "Иванова"])
    assert _fonts.needs_text_shaping(["Ada", "ليلى"])


def test_register_font_rejects_a_file_that_is_not_a_font(tmp_path: Path) -> None:
    fake = tmp_path / "fake.ttf"
    fake.write_text("not a font")
    with pytest.raises(PassportError, match="cannot be read as a font"):
        register_font(fake)


def test_a_fonts_option_naming_a_missing_file_is_a_render_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="file not found"):
        render_pdf(rich_passport(), fonts=[tmp_path / "missing.ttf"])


def test_the_bundled_font_files_and_licence_are_in_the_package() -> None:
    font = _fonts.bundled_font()
    assert font.regular.is_file() and font.bold is not None and font.bold.is_file()
    licence = (font.regular.parent / "LICENSE").read_text()
    assert "Bitstream" in licence
