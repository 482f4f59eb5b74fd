"""A plugin's title or label with no translation in the output language is marked English.

A condition plugin may translate its section into a few languages only: in the others
its title and labels are shown in English (its ``section.<id>`` label, else the title it
registered). They are marked so, for a screen reader to read them in an English voice:
``Section.title_language`` and ``Field.label_language`` are ``"en"``, the HTML page puts
``lang="en"`` on them, the accessible (tagged) PDF ``/Lang (en)`` on their structure
element, and the essentials (the emergency part's first lines) mark the plugin's group
title too (``EssentialGroup.title_language``). A title in the output language is left
unmarked.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import types
from typing import Any

import attrs
import pytest

import rarepassport as rp
from rarepassport import render_rendered
from rarepassport.clinical import ClinicalClass
from rarepassport.document import Field
from rarepassport.testing import example_passport
from test_render_accessible_lang import languages_of

TODAY = dt.date(2026, 11, 27)
TITLE = "Rare example condition"
LABEL = "Rescue treatment"
FRENCH_TITLE = "Maladie rare d'exemple"


@attrs.frozen(kw_only=True)
class RareSection:
    rescue: str | None = rp.section_field("The rescue treatment.", default=None,
                                          clinical_class=ClinicalClass.EMERGENCY_TREATMENT)
    notes: str | None = rp.section_field("Anything else.", default=None)


def plugins(*, labels: dict[str, dict[str, str]] | None = None) -> rp.PluginManager:
    """A plugin with section ``rare``: English labels, and French ones given in ``labels``."""
    catalogue = labels if labels is not None else {
        "en": {"section.rare": TITLE, "RareSection.rescue": LABEL, "RareSection.notes": "Notes"},
        "fr": {"section.rare": FRENCH_TITLE, "RareSection.rescue": "Traitement de secours",
               "RareSection.notes": "Remarques"},
    }

    def register_labels(labels: Any) -> None:
        for language, entries in catalogue.items():
            labels.add(language, entries)

    plugin = types.SimpleNamespace(
        __name__="rare_example",
        rarepassport_register_sections=rp.hookimpl(
            lambda sections: sections.add("rare", RareSection, title=TITLE, emergency=True)),
        rarepassport_register_labels=rp.hookimpl(register_labels),
    )
    return rp.make_plugin_manager(plugins=[plugin], entry_points=False)


def passport(pm: rp.PluginManager) -> rp.Passport:
    return example_passport(
        {"rare": {"rescue": "Glucose gel by mouth", "notes": "Carries a card"}}, plugins=pm)


class _Langs(html.parser.HTMLParser):
    """Each text of a page with the ``lang`` of the nearest element that has one, and its tag."""

    VOID = frozenset({"br", "img", "meta", "hr", "input", "link", "wbr", "path"})

    def __init__(self, page_language: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = [("html", page_language)]
        self.found: list[tuple[str, str, str]] = []  # (text, lang, tag of the element holding it)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, lang or self.stack[-1][1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            tags = [tag for tag, _lang in self.stack]
            self.found.append((data.strip(), self.stack[-1][1], "h2" if "h2" in tags else tags[-1]))


def langs_of(page: str, language: str, text: str) -> list[tuple[str, str]]:
    parser = _Langs(language)
    parser.feed(page)
    return [(lang, tag) for found, lang, tag in parser.found if found == text]


def html_page(pm: rp.PluginManager, language: str) -> str:
    return rp.render_rendered(passport(pm), "html", "full", language, plugins=pm, today=TODAY).data.decode("utf-8")


@pytest.mark.parametrize("language", ["de", "ar", "zh-Hans"])
def test_an_untranslated_plugin_title_and_labels_are_marked_english_in_html(language: str) -> None:
    pm = plugins()
    document = rp.layout(passport(pm), language=language, plugins=pm, today=TODAY)
    [section] = [s for s in document.sections if s.id == "extensions.rare"]
    assert section.title == TITLE and section.title_language == "en"
    labels = {block.label: block.label_language for block in section.blocks if isinstance(block, Field)}
    assert labels == {LABEL: "en", "Notes": "en"}
    page = html_page(pm, language)
    assert ("en", "h2") in langs_of(page, language, TITLE)
    assert ("en", "dt") in langs_of(page, language, "Notes")


def test_a_translated_plugin_title_is_not_marked() -> None:
    pm = plugins()
    document = rp.layout(passport(pm), language="fr", plugins=pm, today=TODAY)
    [section] = [s for s in document.sections if s.id == "extensions.rare"]
    assert section.title == FRENCH_TITLE and section.title_language is None
    # The section's heading and the emergency part's line: both in the page's language.
    assert langs_of(html_page(pm, "fr"), "fr", FRENCH_TITLE) == [("fr", "dt"), ("fr", "h2")]
    # In English nothing is marked: the page is English.
    assert langs_of(html_page(pm, "en"), "en", TITLE) == [("en", "dt"), ("en", "h2")]
    assert 'lang="en"' not in html_page(pm, "en").split("<body", 1)[1]


def test_a_plugin_title_registered_without_any_label_is_marked_english() -> None:
    pm = plugins(labels={})
    document = rp.layout(passport(pm), language="es", plugins=pm, today=TODAY)
    [section] = [s for s in document.sections if s.id == "extensions.rare"]
    assert section.title == TITLE and section.title_language == "en"
    assert ("en", "h2") in langs_of(html_page(pm, "es"), "es", TITLE)


def test_the_essentials_mark_an_untranslated_plugin_group_title() -> None:
    pm = plugins()
    german = rp.layout(passport(pm), language="de", plugins=pm, today=TODAY)
    [group] = [g for g in german.essentials.groups if g.key.startswith("extensions.rare.")]
    assert group.title == TITLE and group.title_language == "en"
    # The emergency part's line for it is labelled with the title, marked English.
    [line] = [block for section in german.sections if section.id == "emergency" for block in section.blocks
              if isinstance(block, Field) and block.label == TITLE]
    assert line.label_language == "en"
    assert ("en", "dt") in langs_of(html_page(pm, "de"), "de", TITLE)
    french = rp.layout(passport(pm), language="fr", plugins=pm, today=TODAY)
    [group] = [g for g in french.essentials.groups if g.key.startswith("extensions.rare.")]
    assert group.title == FRENCH_TITLE and group.title_language is None


def test_the_accessible_pdf_tags_an_untranslated_plugin_title_english() -> None:
    pm = plugins()
    german = render_rendered(passport(pm), "accessible-pdf", "full", "de", plugins=pm, today=TODAY).data
    assert "en" in languages_of(german, TITLE)
    assert "en" in languages_of(german, "Notes")
    french = render_rendered(passport(pm), "accessible-pdf", "full", "fr", plugins=pm, today=TODAY).data
    assert languages_of(french, FRENCH_TITLE) and "en" not in languages_of(french, FRENCH_TITLE)


@attrs.frozen(kw_only=True)
class Dose:
    medicine: str = rp.section_field("The medicine.")
    amount: str | None = rp.section_field("How much.", default=None)


@attrs.frozen(kw_only=True)
class ListsSection:
    triggers: tuple[str, ...] = rp.section_field("What brings on a crisis.", default=())
    doses: tuple[Dose, ...] = rp.section_field("Rescue doses.", default=())


def lists_plugins() -> rp.PluginManager:
    """A plugin whose section has a list and a table; its labels in English and French."""
    english = {"section.lists": "Crisis plan", "ListsSection.triggers": "Crisis triggers",
               "ListsSection.doses": "Rescue doses", "Dose.medicine": "Medicine name", "Dose.amount": "Amount given"}
    french = {"section.lists": "Plan de crise", "ListsSection.triggers": "Déclencheurs",
              "ListsSection.doses": "Doses de secours", "Dose.medicine": "Nom du médicament",
              "Dose.amount": "Quantité donnée"}

    def register_labels(labels: Any) -> None:
        labels.add("en", english)
        labels.add("fr", french)

    plugin = types.SimpleNamespace(
        __name__="lists_example",
        rarepassport_register_sections=rp.hookimpl(
            lambda sections: sections.add("lists", ListsSection, title="Crisis plan")),
        rarepassport_register_labels=rp.hookimpl(register_labels),
    )
    return rp.make_plugin_manager(plugins=[plugin], entry_points=False)


def test_an_untranslated_plugin_list_label_and_table_headings_are_marked_english() -> None:
    pm = lists_plugins()
    person = example_passport({"lists": {"triggers": ["Fever", "Fasting"],
                                         "doses": [{"medicine": "Glucose gel", "amount": "one tube"}]}}, plugins=pm)
    german = rp.render_rendered(person, "html", "full", "de", plugins=pm, today=TODAY).data.decode("utf-8")
    marked = (("Crisis triggers", "p"), ("Rescue doses", "h3"), ("Medicine name", "th"), ("Amount given", "th"))
    for text, tag in marked:
        assert ("en", tag) in langs_of(german, "de", text), text
    french = rp.render_rendered(person, "html", "full", "fr", plugins=pm, today=TODAY).data.decode("utf-8")
    for text, tag in (("Déclencheurs", "p"), ("Doses de secours", "h3"), ("Nom du médicament", "th")):
        assert langs_of(french, "fr", text) == [("fr", tag)], text


def test_a_bilingual_page_marks_a_plugin_title_left_in_english_in_the_second_language() -> None:
    # French labels with German beneath: the plugin translated its title into French but
    # not German, so the German counterpart is its English title, marked English, never
    # claimed to be German.
    pm = plugins()
    page = rp.render_rendered(passport(pm), "html", "full", "fr", plugins=pm, today=TODAY,
                              second_language="de").data.decode("utf-8")
    marks = langs_of(page, "fr", TITLE)
    # Beside the section's heading and the emergency part's line for it (a span in its dt).
    assert sorted(marks) == [("en", "h2"), ("en", "span")], marks
    # With English second, the English title is in the second language itself.
    english = rp.render_rendered(passport(pm), "html", "full", "fr", plugins=pm, today=TODAY,
                                 second_language="en").data.decode("utf-8")
    assert ("en", "h2") in langs_of(english, "fr", TITLE)
