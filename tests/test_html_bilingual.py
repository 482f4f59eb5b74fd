"""A bilingual HTML page (``second_language=`` with ``--format html``): every
second-language text of the layout is on the page, inside an element marked with the
second language and its direction, so a screen reader switches voice for it; the
person's own text comes once. (Axe and the 320 px check: tests/test_html_browser.py.)
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest

import rarepassport as rp
from rarepassport.rendering._verify import expected_texts

TODAY = dt.date(2026, 11, 27)
ADRENAL = Path(__file__).resolve().parent.parent / "examples" / "conditions" / "adrenal-insufficiency.json"
VOID = {"br", "img", "meta", "hr", "input", "link", "wbr"}


class _Texts(HTMLParser):
    """The page's text, each piece with the ``lang`` and ``dir`` of its nearest marked element."""

    def __init__(self, language: str, direction: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str, str]] = [("", language, direction)]
        self.pieces: list[tuple[str, str, str]] = []
        #: Per piece, every language it is inside (a name in another script inside a
        #: second-language sentence has its own lang, inside the sentence's).
        self.within: list[set[str]] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        found = dict(attrs)
        _, lang, direction = self.stack[-1]
        self.stack.append((tag, found.get("lang") or lang, found.get("dir") or direction))
        self.in_style = tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack and self.stack[-1][0] != tag:
            self.stack.pop()
        self.stack.pop()
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style and data.strip():
            _, lang, direction = self.stack[-1]
            self.pieces.append((data, lang, direction))
            self.within.append({lang for _tag, lang, _dir in self.stack})


def page(language: str, second: str, **options: object) -> tuple[rp.Document, str]:
    pm = rp.make_plugin_manager(entry_points=False)
    passport = rp.load(ADRENAL)
    document = rp.layout(passport, language=language, second_language=second, plugins=pm, today=TODAY,
                         **options)  # type: ignore[arg-type]
    rendered = rp.render_rendered(passport, "html", language=language, second_language=second, plugins=pm,
                                  today=TODAY, **options)  # type: ignore[arg-type]
    return document, rendered.data.decode("utf-8")


def texts_in(markup: str, language: str, direction: str, *, inside: bool = False) -> dict[str, str]:
    """All text of each language on the page, white space squashed: of the language
    each piece is marked with, or with ``inside``, of every language it is inside."""
    parser = _Texts(language, direction)
    parser.feed(markup)
    found: dict[str, list[str]] = {}
    for (text, lang, _direction), within in zip(parser.pieces, parser.within, strict=True):
        for each in within if inside else {lang}:
            found.setdefault(each, []).append(text)
    return {lang: squash("".join(parts)) for lang, parts in found.items()}


def squash(text: str) -> str:
    """Without white space (the page breaks lines and puts elements between words)."""
    return "".join(text.split())


@pytest.mark.parametrize(("language", "second", "direction"),
                         [("fr", "en", "ltr"), ("en", "ar", "rtl"), ("ar", "en", "ltr"), ("zh-Hans", "en", "ltr")])
def test_every_second_language_text_is_marked_with_its_language(language: str, second: str, direction: str) -> None:
    document, markup = page(language, second)
    assert document.second is not None
    marked = texts_in(markup, language, document.direction, inside=True)
    wanted = [(where, text) for where, text in expected_texts(document) if where.endswith("(second language)")]
    assert len(wanted) > 20
    # Each line of a second-language text is inside an element marked lang=<second> (a
    # word in another script in it, the person's English name, inside its own too).
    missing = [where for where, text in wanted
               if any(squash(line) not in marked.get(second, "") for line in text.split("\n") if line.strip())]
    assert missing == []
    assert f'lang="{second}" dir="{direction}"' in markup


def test_the_first_language_texts_are_all_there_too() -> None:
    document, markup = page("fr", "en")
    # All the page's text in order, whatever its language (an untranslated guidance
    # title is English inside a French heading).
    parser = _Texts("fr", "ltr")
    parser.feed(markup)
    everything = squash("".join(text for text, _lang, _direction in parser.pieces))
    missing = [where for where, text in expected_texts(document) if not where.endswith("(second language)")
               and any(squash(line) not in everything for line in text.split("\n") if line.strip())]
    assert missing == []


def test_a_label_and_its_counterpart_share_a_line() -> None:
    _, markup = page("fr", "en")
    assert ("En cas d&#x27;urgence<span class=\"separator\" aria-hidden=\"true\"> / </span>"
            "<span lang=\"en\" dir=\"ltr\">In an emergency</span>") in markup
    assert "Date de naissance" in markup and "9 février 1984" in markup and "9 February 1984" in markup


def test_the_persons_own_text_is_written_once() -> None:
    passport = rp.load(ADRENAL)
    _, markup = page("fr", "en")
    _, single = page("fr", "fr")
    own = [passport.person.name, *(medication.name for medication in passport.medications)]
    # The name is also in the title, which has a counterpart ("Rare disease passport: ..."),
    # as in the bilingual PDF; every other own text is there as often as on a French page.
    assert markup.count(own[0]) == single.count(own[0]) + 1
    assert [markup.count(text) for text in own[1:]] == [single.count(text) for text in own[1:]]
    assert all(single.count(text) >= 1 for text in own)


def test_the_same_language_twice_gives_the_single_language_page() -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    passport = rp.load(ADRENAL)
    one = rp.render_rendered(passport, "html", language="fr", plugins=pm, today=TODAY).data
    both = rp.render_rendered(passport, "html", language="fr", second_language="fr", plugins=pm, today=TODAY).data
    assert one == both


def test_the_command_line_writes_a_bilingual_page(tmp_path: Path) -> None:
    from rarepassport.cli import main

    source = tmp_path / "morgan.json"
    source.write_bytes(ADRENAL.read_bytes())
    output = tmp_path / "out.html"
    assert main(["render", str(source), "--format", "html", "--language", "de", "--second-language", "en",
                 "--output", str(output)]) == 0
    marked = texts_in(output.read_text("utf-8"), "de", "ltr")
    assert squash("Im Notfall") in marked["de"] and squash("In an emergency") in marked["en"]


def test_a_dose_inside_arabic_text_keeps_its_order() -> None:
    # The daily dose is written in English inside an Arabic label and value: the browser's
    # bidi algorithm alone would show "mg on waking, ... at 5 10", the 10 away from its mg.
    _, markup = page("ar", "en")
    assert '<span dir="ltr">10 mg on waking, 5 mg at noon, 5 mg at 5 pm</span>' in markup
    _, single = page("ar", "ar")
    assert '<span dir="ltr">10 mg on waking, 5 mg at noon, 5 mg at 5 pm</span>' in single


def test_isolates_in_the_persons_text_cannot_close_an_element_of_the_page() -> None:
    import attrs

    pm = rp.make_plugin_manager(entry_points=False)
    passport = rp.load(ADRENAL)
    hostile = "ليلى \u2069</span>\u2066 5 mg \u2069\u2069 نعم"
    contact = attrs.evolve(passport.contacts[0], name=hostile)
    changed = attrs.evolve(passport, contacts=(contact, *passport.contacts[1:]))
    markup = rp.render_rendered(changed, "html", language="ar", plugins=pm, today=TODAY).data.decode("utf-8")
    # Every span the page opens, it closes; the person's "</span>" is text, and their own
    # isolates are left as written.
    assert markup.count("<span") == markup.count("</span>")
    assert "&lt;/span&gt;" in markup
    assert "\u2069\u2069 نعم" in markup
