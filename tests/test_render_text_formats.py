"""Specification of render() and the html, markdown and text backends (all data fictional)."""

from __future__ import annotations

import datetime as dt
import enum
import html
import re
import types
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest

import rarepassport as rp
from helpers.stress import make_stress_passport
from rarepassport import available_formats, hookimpl, layout, render, render_document, section_field
from rarepassport.document import Document, Section
from rarepassport.rendering import Rendered, RenderError, RenderWarning
from rarepassport.rendering._markdown import escape_markdown

TODAY = dt.date(2026, 11, 27)
FORMATS = ["html", "markdown", "text"]

SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'
MD_LINK = "[click me](javascript:alert(1)) ![pic](https://tracker.example/p.png)"


@pytest.fixture(scope="module")
def pm() -> rp.PluginManager:
    return rp.make_plugin_manager(entry_points=False)


def hostile_passport() -> rp.Passport:
    return rp.Passport(
        person=rp.Person(name=f"Ada {SCRIPT}", date_of_birth=dt.date(2015, 3, 2), preferred_name=IMG),
        diagnoses=(rp.Diagnosis(name=MD_LINK, summary=f"# Not a heading\n- not a list\n{SCRIPT}"),),
        emergency=rp.Emergency(summary=IMG, red_flags=(SCRIPT, MD_LINK)),
        medications=(rp.Medication(name=IMG, dose="| 5 | mg |", notes=SCRIPT),),
        additional_sections=(rp.AdditionalSection(title=SCRIPT, text=f"{MD_LINK}\n\n<b>bold</b>"),),
    )


class Tags(HTMLParser):
    """Collects the start tags, their attributes and the text of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(data: bytes) -> Tags:
    parser = Tags()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return parser


def render_quietly(passport: rp.Passport, format: str, **kwargs: Any) -> bytes:
    kwargs.setdefault("today", TODAY)
    return render(passport, format, **kwargs)


# --- the API --------------------------------------------------------------------------------


def test_builtin_text_formats_are_available(pm: rp.PluginManager) -> None:
    assert {"html", "markdown", "text"} <= set(available_formats(pm))


def test_unknown_format_is_an_error_listing_the_available_ones(pm: rp.PluginManager) -> None:
    with pytest.raises(RenderError, match=r"unknown format 'docx'; available formats: .*html.*markdown.*text"):
        render(hostile_passport(), "docx", plugins=pm)


def test_unknown_option_is_an_error_naming_it(pm: rp.PluginManager) -> None:
    with pytest.raises(RenderError, match="format 'text' has no option 'colour'; it takes: width"):
        render(hostile_passport(), "text", plugins=pm, colour="red")


def test_bad_option_value_is_an_error_naming_the_option(pm: rp.PluginManager) -> None:
    with pytest.raises(RenderError, match="option width"):
        render(hostile_passport(), "text", plugins=pm, width=5)


def test_render_document_returns_bytes_with_media_type_and_suffix(pm: rp.PluginManager) -> None:
    document = layout(hostile_passport(), plugins=pm, today=TODAY)
    rendered = render_document(document, "markdown", plugins=pm)
    assert isinstance(rendered, Rendered)
    assert rendered.media_type == "text/markdown; charset=utf-8"
    assert rendered.suffix == ".md"
    assert rendered.data.startswith(b"# Rare disease passport")


def test_document_warnings_are_emitted_as_render_warnings(pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           review=rp.Review(next_review_due=dt.date(2026, 1, 1)))
    with pytest.warns(RenderWarning, match="due for review on 1 January 2026"):
        render(passport, "text", plugins=pm, today=TODAY)


@pytest.mark.parametrize("format", FORMATS)
def test_overdue_review_is_printed_in_every_format(format: str, pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           review=rp.Review(next_review_due=dt.date(2026, 1, 1)))
    with pytest.warns(RenderWarning):
        data = render(passport, format, plugins=pm, today=TODAY)
    assert "1 January 2026" in data.decode("utf-8")


# --- HTML -------------------------------------------------------------------------------------


def test_html_escapes_every_injected_value(pm: rp.PluginManager) -> None:
    page = parse_html(render_quietly(hostile_passport(), "html", plugins=pm))
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "img" not in tags and "b" not in tags
    assert not [a for _, attributes in page.tags for a in attributes if a.startswith("on")]
    text = "".join(page.text)
    assert SCRIPT in text and IMG in text and MD_LINK in text


def test_html_is_one_page_without_scripts_or_outside_resources(pm: rp.PluginManager) -> None:
    data = render_quietly(make_stress_passport(), "html", plugins=pm)
    page = parse_html(data)
    tags = [tag for tag, _ in page.tags]
    assert tags.count("html") == 1 and "script" not in tags and "link" not in tags and "iframe" not in tags
    for tag, attributes in page.tags:
        # A link the reader follows (<a href>) fetches nothing; every other address would.
        for name in ("src", "srcset", "action") if tag == "a" else ("src", "href", "srcset", "action"):
            assert not (attributes.get(name) or "").startswith(("http", "//")), attributes
    assert "url(" not in data.decode("utf-8")
    assert "@import" not in data.decode("utf-8")


def test_html_declares_its_language_and_charset(pm: rp.PluginManager) -> None:
    page = parse_html(render_quietly(hostile_passport(), "html", plugins=pm, language="en-GB"))
    assert page.tags[0] == ("html", {"lang": "en-GB", "dir": "ltr"})
    assert ("meta", {"charset": "utf-8"}) in page.tags


def test_html_has_semantic_headings_and_table_headers(pm: rp.PluginManager) -> None:
    page = parse_html(render_quietly(make_stress_passport(), "html", plugins=pm))
    tags = [tag for tag, _ in page.tags]
    assert tags.count("h1") == 1 and "h2" in tags and "h3" in tags
    scopes = {attributes.get("scope") for tag, attributes in page.tags if tag == "th"}
    assert scopes == {"col", "row"}


def test_html_has_a_print_stylesheet_for_a4(pm: rp.PluginManager) -> None:
    data = render_quietly(hostile_passport(), "html", plugins=pm).decode("utf-8")
    assert "@media print" in data and "size: A4" in data


def test_html_puts_emergency_sections_first(pm: rp.PluginManager) -> None:
    data = render_quietly(make_stress_passport(), "html", plugins=pm).decode("utf-8")
    assert (data.index('data-section="emergency"') < data.index('data-section="protocols"')
            < data.index('data-section="diagnoses"'))


def test_html_embeds_only_data_uri_photos(pm: rp.PluginManager) -> None:
    tiny_png = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5Er"
        "kJggg=="
    )
    embedded = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), photo=tiny_png))
    linked = attrs.evolve(embedded, person=attrs.evolve(embedded.person, photo="https://example.org/ada.png"))
    assert ("img", {"class": "photo", "src": tiny_png, "alt": "Ada Example"}) in parse_html(
        render_quietly(embedded, "html", plugins=pm)).tags
    assert "img" not in [tag for tag, _ in parse_html(render_quietly(linked, "html", plugins=pm)).tags]


# --- Markdown ---------------------------------------------------------------------------------------


def test_markdown_leaves_no_raw_html_or_link_syntax_from_values(pm: rp.PluginManager) -> None:
    text = render_quietly(hostile_passport(), "markdown", plugins=pm).decode("utf-8")
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "[click me](" not in text and "![pic](" not in text


def test_markdown_output_is_inert_when_converted_to_html(pm: rp.PluginManager) -> None:
    markdown = pytest.importorskip("markdown")
    converted = markdown.markdown(render_quietly(hostile_passport(), "markdown", plugins=pm).decode("utf-8"),
                                  extensions=["tables"])
    page = parse_html(converted.encode("utf-8"))
    tags = [tag for tag, _ in page.tags]
    assert not {"script", "img", "a", "b"} & set(tags)
    # The values still read as typed, and stray '#' or '-' did not make headings or lists.
    text = "".join(page.text)
    assert SCRIPT in text and "[click me](javascript:alert(1))" in text
    assert "# Not a heading" in text
    assert tags.count("h1") == 1


@pytest.mark.parametrize(
    ("value", "escaped"),
    [("a*b*", r"a\*b\*"), ("<b>", "&lt;b>"), ("[x](y)", r"\[x\](y)"), ("- item", r"\- item"),
     ("1. item", r"1\. item"), ("> quote", r"\> quote"), ("    code", "code"), ("a | b", r"a \| b"),
     ("&lt;", "&amp;lt;"), ("5 & 6", "5 & 6"), ("c.985A>G (p.Lys329Glu)", "c.985A>G (p.Lys329Glu)"),
     ("29.4 kg", "29.4 kg")],
)
def test_markdown_escaping(value: str, escaped: str) -> None:
    assert escape_markdown(value) == escaped


def test_markdown_tables_keep_one_row_per_item(pm: rp.PluginManager) -> None:
    text = render_quietly(hostile_passport(), "markdown", plugins=pm).decode("utf-8")
    # The medicine's dose holds '|' characters; they must not split the row.
    row = next(line for line in text.splitlines() if "onerror" in line and line.startswith("|"))
    assert row.count(" | ") == 2  # three columns: medicine, dose, notes


# --- text ----------------------------------------------------------------------------------------


def test_text_wraps_at_78_columns(pm: rp.PluginManager) -> None:
    text = render_quietly(make_stress_passport(), "text", plugins=pm).decode("utf-8")
    assert max(cells(line) for line in text.splitlines()) <= 78


def test_text_wraps_at_the_width_asked_for_counting_chinese_characters_as_two_columns(
    pm: rp.PluginManager,
) -> None:
    text = render_quietly(make_stress_passport(), "text", plugins=pm, width=50).decode("utf-8")
    too_long = [line for line in text.splitlines() if cells(line) > 50]
    assert too_long == []


def test_text_never_breaks_a_web_address(pm: rp.PluginManager) -> None:
    url = "https://records.example.org/a/very/long/path/to/a/fictional/record/that/is/longer/than/the/width"
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           links=(rp.Link(url=url, title="Record"),))
    text = render_quietly(passport, "text", plugins=pm, width=40).decode("utf-8")
    assert any(url in line for line in text.splitlines())


def cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def test_text_marks_life_threatening_allergies(pm: rp.PluginManager) -> None:
    text = render_quietly(make_stress_passport(), "text", plugins=pm).decode("utf-8")
    assert "!!! Life-threatening allergy: 花生" in text


# --- completeness under stress, in every format ------------------------------------------------


def passport_strings(obj: Any) -> set[str]:
    """Every text value in a passport (the full view shows them all)."""
    found: set[str] = set()
    if isinstance(obj, enum.Enum):
        return found  # worded from the label catalogue, checked in test_layout
    if isinstance(obj, str):
        found.add(obj)
    elif isinstance(obj, tuple):
        for item in obj:
            found |= passport_strings(item)
    elif attrs.has(type(obj)) and not isinstance(obj, rp.PartialDate):
        for field in attrs.fields(type(obj)):
            # Not printed (file metadata) or printed as words ("nhs-number" as "NHS number").
            if (type(obj), field.name) not in ((rp.Passport, "id"), (rp.Passport, "language"),
                                              (rp.Passport, "schema_version"), (rp.Identifier, "system")):
                found |= passport_strings(getattr(obj, field.name))
    return found


def readable(data: bytes, format: str) -> str:
    """The output as a reader sees it, with wrapping and escaping undone."""
    text = data.decode("utf-8")
    if format == "html":
        text = "".join(parse_html(data).text)
    elif format == "markdown":
        text = html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text))
    else:
        text = re.sub(r"(?m)^!!! ", "", text)
    # Line breaks may fall between two Chinese characters, where no space belongs.
    return "".join(text.split())


def squeezed(value: str) -> str:
    return "".join(value.split())


@pytest.mark.parametrize("format", FORMATS)
def test_stress_passport_renders_completely(format: str, pm: rp.PluginManager) -> None:
    passport = make_stress_passport()
    shown = readable(render_quietly(passport, format, plugins=pm), format)
    missing = sorted(value for value in passport_strings(passport) if squeezed(value) not in shown)
    assert missing == []


# --- plugin sections need no backend changes ---------------------------------------------------


@attrs.frozen(kw_only=True)
class PumpSettings:
    basal_rate: str = section_field("Basal rate.")
    alarms: tuple[str, ...] = section_field("Alarms.", default=(), converter=tuple)


class PumpPlugin:
    @hookimpl
    def rarepassport_register_sections(self, sections: Any) -> None:
        sections.add("pump", PumpSettings, title="Fictional pump settings")


class CrashingPumpPlugin(PumpPlugin):
    @hookimpl
    def rarepassport_layout_section(self, section: Any, data: Any, passport: Any, context: Any) -> Section | None:
        raise KeyError("boom")


def pump_passport(pm: rp.PluginManager) -> rp.Passport:
    return rp.from_dict({
        "schema_version": "1.0",
        "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
        "medications": [{"name": "Fictional insulin", "time_critical": True}],
        "extensions": {"pump": {"basal_rate": "0.45 units an hour", "alarms": ["Occlusion alarm"]}},
    }, plugins=pm)


@pytest.mark.parametrize("format", FORMATS)
def test_plugin_section_appears_in_every_format(format: str) -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[PumpPlugin()])
    shown = readable(render_quietly(pump_passport(pm), format, plugins=pm), format)
    for value in ("Fictional pump settings", "Basal rate", "0.45 units an hour", "Occlusion alarm"):
        assert squeezed(value) in shown


@pytest.mark.parametrize("format", FORMATS)
def test_a_crashing_plugin_does_not_lose_core_content(format: str) -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[CrashingPumpPlugin()])
    with pytest.warns(RenderWarning, match="CrashingPumpPlugin"):
        data = render(pump_passport(pm), format, plugins=pm, today=TODAY)
    shown = readable(data, format)
    assert squeezed("Fictional insulin") in shown and squeezed("0.45 units an hour") in shown


# --- backends draw only from the Document --------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_backends_print_fixed_phrases_from_the_document(format: str, pm: rp.PluginManager) -> None:
    document = layout(hostile_passport(), plugins=pm, today=TODAY)
    reworded = attrs.evolve(document, phrases={**document.phrases, "phrase.date_of_birth": "Born"})
    data = render_document(reworded, format, plugins=pm).data.decode("utf-8")
    assert "Born" in data and "Date of birth" not in data


@pytest.mark.parametrize("format", FORMATS)
def test_backend_output_depends_only_on_the_document(format: str, pm: rp.PluginManager) -> None:
    document = Document(title="Only this", language="en", view=rp.View.FULL, person_name="Nobody",
                        date_of_birth="", sections=[])
    data = render_document(document, format, plugins=pm).data.decode("utf-8")
    assert "Only this" in data


# --- the example in docs/backends.md works -----------------------------------------------------


def docs_example_backend() -> types.ModuleType:
    page = (Path(__file__).resolve().parent.parent / "docs" / "backends.md").read_text(encoding="utf-8")
    example = page.split("## A complete example", 1)[1]
    code = example.split("```python", 1)[1].split("\n", 1)[1].split("```", 1)[0]  # after the info string
    module = types.ModuleType("rarepassport_asciidoc")
    exec(compile(code, "docs/backends.md", "exec"), module.__dict__)
    return module


def test_the_backend_example_in_the_docs_renders_a_passport() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[docs_example_backend()])
    text = render_quietly(make_stress_passport(), "asciidoc", plugins=pm, toc=True).decode("utf-8")
    assert text.startswith("= Rare disease passport")
    assert ":toc:" in text and "== In an emergency" in text


def test_the_backend_example_in_the_docs_rejects_an_unknown_option() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[docs_example_backend()])
    with pytest.raises(RenderError, match="format 'asciidoc' has no option 'width'; it takes: toc"):
        render_quietly(make_stress_passport(), "asciidoc", plugins=pm, width=10)


def test_html_draws_a_life_threatening_allergy_as_a_critical_alert(pm: rp.PluginManager) -> None:
    passport = make_stress_passport()
    page = render_quietly(passport, "html", plugins=pm).decode("utf-8")
    alert = re.search(r'<div class="alert alert-critical" role="note">(.*?)</div>', page.split("Allergies", 1)[1])
    # (The Chinese substance is its own element, marked with its script: issue 12.4.)
    assert alert is not None and "Life-threatening allergy: 花生" in re.sub(r"<[^>]+>", "", alert.group(1))


# --- issue 12: languages and accessibility in HTML -----------------------------------


def test_html_web_addresses_are_links(pm: rp.PluginManager) -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ana Example", date_of_birth=dt.date(1990, 3, 2)),
        links=[rp.Link(url="https://example.org/guide?a=1&b=2", title="Guide")],
    )
    page = render_quietly(passport, "html", plugins=pm).decode("utf-8")
    assert '<a href="https://example.org/guide?a=1&amp;b=2">https://example.org/guide?a=1&amp;b=2</a>' in page


def test_html_marks_text_in_another_script_with_its_language(pm: rp.PluginManager) -> None:
    passport = rp.Passport(
        person=rp.Person(name="ليلى حسن", date_of_birth=dt.date(1990, 3, 2), preferred_name="Layla"),
    )
    page = render_quietly(passport, "html", plugins=pm).decode("utf-8")
    assert '<html lang="en" dir="ltr">' in page
    assert '<h1>Rare disease passport: <span lang="und-Arab" dir="rtl">ليلى حسن</span></h1>' in page
    assert "<dd>Layla</dd>" in page


def test_html_in_arabic_is_right_to_left_with_english_content_marked_english(pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ana Example", date_of_birth=dt.date(1990, 3, 2)))
    page = render_quietly(passport, "html", plugins=pm, language="ar").decode("utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    assert '<h1>جواز الأمراض النادرة: <span lang="en" dir="ltr">Ana Example</span></h1>' in page


def test_html_large_print_and_high_contrast_are_options(pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ana Example", date_of_birth=dt.date(1990, 3, 2)))
    page = rp.render(passport, format="html", plugins=pm, large_print=True, high_contrast=True).decode("utf-8")
    assert '<html lang="en" dir="ltr" class="large-print high-contrast">' in page


def test_html_print_frame_repeats_the_name_and_date_of_birth(pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ana Example", date_of_birth=dt.date(1990, 3, 2)))
    page = render_quietly(passport, "html", plugins=pm).decode("utf-8")
    assert '<div class="running" aria-hidden="true">Ana Example · Date of birth: 2 March 1990</div>' in page


def test_html_does_not_mark_text_in_the_pages_own_script_with_another_language(pm: rp.PluginManager) -> None:
    # A value may mix catalogue words with the person's: "lang=en" on it would be false.
    passport = rp.Passport(person=rp.Person(name="Ana Example", date_of_birth=dt.date(1990, 3, 2)), language="en")
    page = render_quietly(passport, "html", plugins=pm, language="fr").decode("utf-8")
    assert '<html lang="fr" dir="ltr">' in page
    assert 'lang="en"' not in page
