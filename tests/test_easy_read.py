"""Easy read (``easy_read=True``, ``--easy-read``): the library's fixed words in their
shorter easy-read wording from the catalogue, a symbol beside each section title, large
print; the person's own text, the order and every clinical value unchanged.

PDFs are read back with pypdf and poppler's ``pdftotext``, font sizes from the content
streams; HTML is parsed for the symbols (Chromium and axe-core check it in
tests/test_html_browser.py).
"""

from __future__ import annotations

import datetime as dt
import html.parser
import io
import json
import re
import shutil
import string
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pytest

import rarepassport as rp
from rarepassport import labels, layout, render_rendered
from rarepassport.cli import main
from rarepassport.document import SYMBOLS, Alert, Field, ListBlock, Paragraph, Table
from rarepassport.errors import RenderError
from rarepassport.layouts._easy_read import SECTION_SYMBOLS
from rarepassport.rendering._symbols import SYMBOL_PATHS

TODAY = dt.date(2026, 11, 27)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: Every core section (and a condition plugin's) has something in it.
RICH = EXAMPLES / "child-several-diagnoses.json"
#: The minimum docs/rendering.md promises for large print, in points.
LARGE_PRINT_MINIMUM = 14.0
#: English, a right-to-left and a CJK language.
DRAWN = ("en", "ar", "zh-Hans")
SECTION_IDS = sorted(label_id for label_id in labels.ENGLISH if label_id.startswith("section."))


@pytest.fixture(scope="module")
def pm() -> rp.PluginManager:
    return rp.make_plugin_manager(entry_points=False)


@pytest.fixture(scope="module")
def passport() -> rp.Passport:
    return rp.load(RICH)


def easy_read_label(label_id: str, language: str) -> str:
    return labels.built_in_catalogue(language)[f"{labels.EASY_READ_PREFIX}{label_id}"]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --- the catalogue ------------------------------------------------------------------


@pytest.mark.parametrize("language", labels.BUILT_IN_LANGUAGES)
def test_every_section_heading_has_an_easy_read_wording_in_every_shipped_language(language: str) -> None:
    catalogue = labels.built_in_catalogue(language)
    lacking = [label_id for label_id in SECTION_IDS if f"{labels.EASY_READ_PREFIX}{label_id}" not in catalogue]
    assert SECTION_IDS and lacking == []


def test_each_easy_read_wording_stands_for_a_label_and_keeps_its_placeholders() -> None:
    easy = [label_id for label_id in labels.ENGLISH if label_id.startswith(labels.EASY_READ_PREFIX)]
    assert len(easy) > len(SECTION_IDS)  # the headings and some fixed phrases
    for label_id in easy:
        plain = label_id.removeprefix(labels.EASY_READ_PREFIX)
        assert plain in labels.ENGLISH, label_id
        assert placeholders(labels.ENGLISH[label_id]) == placeholders(labels.ENGLISH[plain]), label_id


def test_easy_read_wordings_stay_out_of_the_normal_documents_phrases(passport: rp.Passport,
                                                                    pm: rp.PluginManager) -> None:
    document = layout(passport, plugins=pm, today=TODAY)
    assert not any(key.startswith(labels.EASY_READ_PREFIX) for key in document.phrases)
    assert document.phrases["phrase.time_critical_note"] == labels.ENGLISH["phrase.time_critical_note"]


# --- layout: the words change, nothing clinical does ---------------------------------


@pytest.mark.parametrize("language", DRAWN)
def test_easy_read_section_titles_are_the_easy_read_wording(language: str, passport: rp.Passport,
                                                           pm: rp.PluginManager) -> None:
    document = layout(passport, language=language, plugins=pm, today=TODAY, easy_read=True)
    assert document.easy_read
    core = [section for section in document.sections if f"section.{section.id}" in labels.ENGLISH]
    assert len(core) >= 8
    for section in core:
        assert section.title == easy_read_label(f"section.{section.id}", language), section.id


def test_easy_read_fixed_phrases_replace_the_normal_ones(passport: rp.Passport, pm: rp.PluginManager) -> None:
    document = layout(passport, plugins=pm, today=TODAY, easy_read=True)
    assert document.phrase("time_critical_note") == labels.ENGLISH["easyread.phrase.time_critical_note"]
    # A phrase with no easy-read wording keeps its own.
    assert document.phrase("page_of", page=1, pages=2) == "Page 1 of 2"


def test_a_condition_plugins_heading_without_an_easy_read_wording_keeps_its_own(
    passport: rp.Passport, pm: rp.PluginManager
) -> None:
    normal = layout(passport, plugins=pm, today=TODAY)
    easy = layout(passport, plugins=pm, today=TODAY, easy_read=True)
    plugin_titles = {s.id: s.title for s in normal.sections if s.id.startswith("extensions.")}
    assert plugin_titles
    assert {s.id: s.title for s in easy.sections if s.id.startswith("extensions.")} == plugin_titles


class EsperantoPlugin:
    @rp.hookimpl
    def rarepassport_register_labels(self, labels: object) -> None:
        labels.add("eo", {"section.allergies": "Alergioj"})  # type: ignore[attr-defined]


def test_a_language_without_an_easy_read_wording_keeps_its_own_label_not_english_easy_read(
    passport: rp.Passport,
) -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[EsperantoPlugin()])
    document = layout(passport, language="eo", plugins=pm, today=TODAY, easy_read=True)
    allergies = document.section("allergies")
    assert allergies is not None and allergies.title == "Alergioj"


def person_text(document: rp.Document) -> list[object]:
    """Everything in the document that is not the library's own fixed wording."""
    out: list[object] = [document.person_name, document.date_of_birth]
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Field):
                out.append((block.label_id, block.value))
            elif isinstance(block, Table):
                # The column labels are the library's words (a plainer one in easy read); their number is not.
                out.append((len(block.columns), block.rows, block.emphasis_rows))
            elif isinstance(block, ListBlock):
                out.append(block.items)
            elif isinstance(block, Alert):
                out.append((block.text, block.level))
    return out


@pytest.mark.parametrize("view", ["full", "emergency"])
def test_easy_read_keeps_the_order_the_emergency_first_and_every_value(view: str, passport: rp.Passport,
                                                                       pm: rp.PluginManager) -> None:
    normal = layout(passport, view, plugins=pm, today=TODAY)
    easy = layout(passport, view, plugins=pm, today=TODAY, easy_read=True)
    assert [(s.id, s.emergency) for s in easy.sections] == [(s.id, s.emergency) for s in normal.sections]
    assert easy.sections[0].id == "emergency"
    assert person_text(easy) == person_text(normal)
    easy_phrases = {text for key, text in labels.ENGLISH.items() if key.startswith(labels.EASY_READ_PREFIX)}
    for before, after in zip(normal.sections, easy.sections, strict=True):
        for old, new in zip(before.blocks, after.blocks, strict=True):
            if isinstance(old, Paragraph) and old.text != new.text:
                assert isinstance(new, Paragraph) and new.text in easy_phrases, before.id


def test_every_section_gets_a_symbol_that_every_backend_can_draw(passport: rp.Passport,
                                                                 pm: rp.PluginManager) -> None:
    assert set(SYMBOL_PATHS) == set(SYMBOLS)
    assert set(SECTION_SYMBOLS.values()) <= set(SYMBOLS)
    assert set(SECTION_SYMBOLS) == {label_id.removeprefix("section.") for label_id in SECTION_IDS}
    easy = layout(passport, plugins=pm, today=TODAY, easy_read=True)
    assert all(section.symbol in SYMBOLS for section in easy.sections)
    assert all(section.symbol is None for section in layout(passport, plugins=pm, today=TODAY).sections)


class BookshelfPlugin:
    """An outside plugin's section, with a symbol of its own and one without."""

    @rp.hookimpl
    def rarepassport_register_layouts(self, layouts: rp.LayoutRegistry) -> None:
        def step(context: rp.LayoutContext, inputs: rp.LayoutInputs) -> list[rp.Section]:
            return [rp.Section(id="reading", title="Reading", blocks=(Paragraph(text="Large books"),), symbol="book"),
                    rp.Section(id="music", title="Music", blocks=(Paragraph(text="Quiet songs"),))]

        layouts.add("reading", step)


def test_a_plugins_section_shows_its_own_symbol_or_the_information_symbol_and_only_in_easy_read(
    passport: rp.Passport,
) -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[BookshelfPlugin()])
    easy = layout(passport, plugins=pm, today=TODAY, easy_read=True)
    normal = layout(passport, plugins=pm, today=TODAY)
    assert [(s.id, s.symbol) for s in easy.sections if s.id in ("reading", "music")] == [
        ("reading", "book"), ("music", "info")]
    assert [s.symbol for s in normal.sections if s.id in ("reading", "music")] == [None, None]
    assert "<svg" not in render_rendered(passport, "html", plugins=pm, today=TODAY).data.decode("utf-8")


def test_easy_read_must_be_true_or_false(passport: rp.Passport, pm: rp.PluginManager) -> None:
    with pytest.raises(RenderError, match="easy_read"):
        render_rendered(passport, "text", plugins=pm, today=TODAY, easy_read="yes")


# --- PDF ----------------------------------------------------------------------------


def pdftotext(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True, timeout=120)
    return " ".join(result.stdout.decode("utf-8").split())


def pypdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())


def has_words(heading: str, text: str) -> bool:
    """Every word of the heading is in the text (right-to-left words may come back in
    visual order, shaped and between direction marks; Chinese has no spaces, so a reader
    may break it anywhere)."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) not in ("Cf", "Cc"))
    squeezed = text.replace(" ", "")
    # poppler gives the lam-alef ligature's two letters in visual order (alef, lam).
    forms = [(word, word.replace("\u0644\u0627", "\u0627\u0644")) for word in heading.split()]
    return all(any(w in text or w[::-1] in text or w in squeezed for w in pair) for pair in forms)


def font_sizes(data: bytes) -> list[float]:
    sizes: list[float] = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        content = page.get_contents()
        assert content is not None
        sizes += [float(size) for size in re.findall(rb"/F\d+ ([\d.]+) Tf", content.get_data())]
    return sizes


def even_odd_fills(data: bytes) -> int:
    """How many shapes are filled with the even-odd rule (``f*``): the symbols."""
    count = 0
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        content = page.get_contents()
        assert content is not None
        count += len(re.findall(rb"(?<![A-Za-z])f\*", content.get_data()))
    return count


@pytest.fixture(scope="module")
def easy_pdfs(passport: rp.Passport, pm: rp.PluginManager) -> dict[str, bytes]:
    return {language: render_rendered(passport, "pdf", language=language, plugins=pm, today=TODAY,
                                      easy_read=True).data for language in DRAWN}


@pytest.mark.parametrize("language", DRAWN)
def test_the_easy_read_pdf_reads_back_with_its_easy_read_headings(language: str, easy_pdfs: dict[str, bytes],
                                                                  pm: rp.PluginManager,
                                                                  passport: rp.Passport) -> None:
    data = easy_pdfs[language]
    document = layout(passport, language=language, plugins=pm, today=TODAY, easy_read=True)
    for reader in (pypdf_text, pdftotext):
        text = reader(data)
        for label_id in ("section.emergency", "section.allergies", "section.time_critical_medicines",
                         "section.contacts"):
            heading = easy_read_label(label_id, language)
            assert has_words(heading, text), (reader.__name__, label_id)
    assert document.person_name in pypdf_text(data)


@pytest.mark.parametrize("language", DRAWN)
def test_the_easy_read_pdf_is_large_print(language: str, easy_pdfs: dict[str, bytes]) -> None:
    sizes = font_sizes(easy_pdfs[language])
    assert sizes and min(sizes) >= LARGE_PRINT_MINIMUM


def test_the_easy_read_pdf_draws_a_symbol_beside_each_section_title(easy_pdfs: dict[str, bytes],
                                                                    passport: rp.Passport,
                                                                    pm: rp.PluginManager) -> None:
    sections = len(layout(passport, plugins=pm, today=TODAY).sections)
    normal = render_rendered(passport, "pdf", plugins=pm, today=TODAY, large_print=True).data
    assert even_odd_fills(easy_pdfs["en"]) - even_odd_fills(normal) >= sections


def test_an_easy_read_pdf_with_large_print_asked_for_too_is_the_same_size(passport: rp.Passport,
                                                                          pm: rp.PluginManager) -> None:
    both = render_rendered(passport, "pdf", plugins=pm, today=TODAY, easy_read=True, large_print=True).data
    assert min(font_sizes(both)) >= LARGE_PRINT_MINIMUM


# --- HTML, Markdown, text, card -----------------------------------------------------


class _Headings(html.parser.HTMLParser):
    """Each ``<h2>``: the symbols inside it (with their attributes) and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[dict[str, object]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._open = True
            self.headings.append({"svg": [], "text": ""})
        elif tag == "svg" and self._open:
            self.headings[-1]["svg"].append(dict(attrs))  # type: ignore[union-attr]

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.headings[-1]["text"] = str(self.headings[-1]["text"]) + data


@pytest.mark.parametrize("language", DRAWN)
def test_easy_read_html_has_a_hidden_symbol_before_each_heading_and_is_large_print(
    language: str, passport: rp.Passport, pm: rp.PluginManager
) -> None:
    page = render_rendered(passport, "html", language=language, plugins=pm, today=TODAY, easy_read=True)
    text = page.data.decode("utf-8")
    assert re.search(r'<html [^>]*class="[^"]*\blarge-print\b[^"]*\beasy-read\b', text)
    parser = _Headings()
    parser.feed(text)
    document = layout(passport, language=language, plugins=pm, today=TODAY, easy_read=True)
    assert [h["text"] for h in parser.headings] == [s.title for s in document.sections]
    for heading in parser.headings:
        [svg] = heading["svg"]  # type: ignore[misc]
        assert svg["aria-hidden"] == "true" and svg["focusable"] == "false"


def test_normal_html_has_no_symbols(passport: rp.Passport, pm: rp.PluginManager) -> None:
    text = render_rendered(passport, "html", plugins=pm, today=TODAY).data.decode("utf-8")
    assert "<svg" not in text and "easy-read" not in text


@pytest.mark.parametrize("fmt", ["markdown", "text"])
@pytest.mark.parametrize("language", DRAWN)
def test_easy_read_markdown_and_text_have_the_easy_read_headings(fmt: str, language: str, passport: rp.Passport,
                                                                  pm: rp.PluginManager) -> None:
    text = render_rendered(passport, fmt, language=language, plugins=pm, today=TODAY,
                           easy_read=True).data.decode("utf-8")
    for label_id in ("section.allergies", "section.contacts"):
        heading = easy_read_label(label_id, language)
        assert heading in text or (fmt == "text" and heading.upper() in text), label_id
    assert "<svg" not in text


def test_the_easy_read_card_is_the_large_print_card_with_easy_read_titles(passport: rp.Passport,
                                                                          pm: rp.PluginManager) -> None:
    easy = render_rendered(passport, "card", plugins=pm, today=TODAY, easy_read=True).data
    large = render_rendered(passport, "card", plugins=pm, today=TODAY, large_print=True).data
    boxes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pypdf.PdfReader(io.BytesIO(easy)).pages]
    assert boxes == [(float(p.mediabox.width), float(p.mediabox.height))
                     for p in pypdf.PdfReader(io.BytesIO(large)).pages]
    assert min(font_sizes(easy)) >= LARGE_PRINT_MINIMUM
    assert has_words(easy_read_label("section.allergies", "en"), pdftotext(easy))


# --- the command line ---------------------------------------------------------------


def test_render_easy_read_writes_an_easy_read_pdf_named_so(tmp_path: Path) -> None:
    source = tmp_path / "ada.json"
    source.write_text(json.dumps({
        "schema_version": "1.0",
        "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
        "allergies": [{"substance": "Penicillin", "severity": "life-threatening"}],
    }))
    assert main(["render", str(source), "--easy-read"]) == 0
    written = tmp_path / "ada-easy-read.pdf"
    assert has_words(easy_read_label("section.allergies", "en"), pdftotext(written.read_bytes()))
    assert min(font_sizes(written.read_bytes())) >= LARGE_PRINT_MINIMUM


def test_render_easy_read_is_refused_for_the_lock_screen(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "ada.json"
    source.write_text(json.dumps({"schema_version": "1.0",
                                  "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"}}))
    assert main(["render", str(source), "--easy-read", "--format", "lockscreen"]) == 2
    assert "--easy-read applies only to" in capsys.readouterr().err


def test_the_easy_read_accessible_pdf_has_the_easy_read_headings_and_no_untagged_figures(
    passport: rp.Passport, pm: rp.PluginManager
) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    pytest.importorskip("weasyprint")
    data = render_rendered(passport, "accessible-pdf", plugins=pm, today=TODAY, easy_read=True).data
    normal = render_rendered(passport, "accessible-pdf", plugins=pm, today=TODAY, large_print=True).data

    def figures(pdf: bytes) -> int:
        with pikepdf.open(io.BytesIO(pdf)) as tagged:
            found, stack = 0, [tagged.Root.StructTreeRoot]
            while stack:
                node = stack.pop()
                kids = node.get("/K")
                for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
                    if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                        found += str(kid.S) == "/Figure" and "/Alt" not in kid
                        stack.append(kid)
            return found

    # A symbol would be a figure with no alternative text, which PDF/UA does not allow.
    assert figures(data) == figures(normal)
    assert has_words(easy_read_label("section.allergies", "en"), pdftotext(data))


#: Core field labels with a plainer easy-read word, and the section showing each.
PLAIN_FIELD_LABELS = {"Medication.dose": "medications", "Medication.route": "medications",
                      "Allergy.substance": "allergies", "Allergy.reaction": "allergies"}


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-Hans"])
def test_field_labels_with_a_plainer_word_take_it_in_easy_read(language: str, passport: rp.Passport,
                                                               pm: rp.PluginManager) -> None:
    normal = layout(passport, language=language, plugins=pm, today=TODAY)
    easy = layout(passport, language=language, plugins=pm, today=TODAY, easy_read=True)

    def column_labels(document: rp.Document, section_id: str) -> set[str]:
        section = document.section(section_id)
        assert section is not None
        return {column for block in section.blocks if isinstance(block, Table) for column in block.columns}

    for label_id, section_id in PLAIN_FIELD_LABELS.items():
        plain = easy_read_label(label_id, language)
        usual = labels.built_in_catalogue(language)[label_id]
        assert plain != usual
        assert plain in column_labels(easy, section_id), (label_id, language)
        assert usual not in column_labels(easy, section_id) and usual in column_labels(normal, section_id)
