"""Plugins' emergency guidance is translatable; untranslated guidance says so, in the output language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import rarepassport as rp
from rarepassport import hookimpl, render_rendered
from rarepassport.document import Heading, ListBlock, Paragraph
from rarepassport.guidance import Guidance

TODAY = dt.date(2026, 11, 27)
ADRENAL = Path(__file__).resolve().parent.parent / "examples" / "conditions" / "adrenal-insufficiency.json"

FICTIONAL = Guidance(
    id="fictional.crisis",
    title="Fictional crisis",
    text="Keep the person warm.",
    steps=("Call for help.", "Stay with the person."),
    source="Fictional Society guidance",
    source_date=dt.date(2024, 1, 1),
)


class FictionalGuidance:
    def __init__(self, translations: dict[str, str]) -> None:
        self.translations = translations

    @hookimpl
    def rarepassport_emergency_guidance(self, passport: Any) -> list[Guidance]:
        return [FICTIONAL]

    @hookimpl
    def rarepassport_register_labels(self, labels: Any) -> None:
        labels.add("fr", self.translations)


FRENCH = {
    "guidance.fictional.crisis.title": "Crise fictive",
    "guidance.fictional.crisis.text": "Garder la personne au chaud.",
    "guidance.fictional.crisis.step.1": "Appeler à l'aide.",
    "guidance.fictional.crisis.step.2": "Rester avec la personne.",
}


def words(text: str) -> str:
    """No-break spaces (French typography before a colon) as plain spaces."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def guidance_blocks(translations: dict[str, str], language: str = "fr") -> list[Any]:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[FictionalGuidance(translations)])
    passport = rp.Passport(person=rp.Person(name="Ana Ejemplo", date_of_birth=dt.date(1990, 3, 2)))
    section = rp.layout(passport, language=language, plugins=pm, today=TODAY).section("guidance")
    assert section is not None
    return list(section.blocks)


def test_fully_translated_guidance_is_shown_in_the_output_language() -> None:
    blocks = guidance_blocks(FRENCH)
    texts = [words(getattr(block, "text", "")) for block in blocks]
    assert "Recommandations générales : Crise fictive" in texts
    assert "Garder la personne au chaud." in texts
    [steps] = [block for block in blocks if isinstance(block, ListBlock)]
    assert steps.items == ("Appeler à l'aide.", "Rester avec la personne.")
    assert steps.language is None
    assert not [text for text in texts if text and text.startswith("Non traduit")]


def test_partly_translated_guidance_is_shown_as_written_never_mixed() -> None:
    partial = {key: text for key, text in FRENCH.items() if not key.endswith("step.2")}
    blocks = guidance_blocks(partial)
    [steps] = [block for block in blocks if isinstance(block, ListBlock)]
    assert steps.items == FICTIONAL.steps
    assert steps.language == "en"
    [text] = [block for block in blocks if isinstance(block, Paragraph) and block.text == FICTIONAL.text]
    assert text.language == "en"
    [heading] = [block for block in blocks if isinstance(block, Heading)]
    assert heading.language == "en"


def test_untranslated_guidance_is_marked_as_such_in_the_output_language() -> None:
    texts = [words(getattr(block, "text", "")) for block in guidance_blocks({})]
    assert (
        "Non traduit : ces recommandations générales sont présentées en anglais, telles que la source les a rédigées."
        in texts
    )


def test_guidance_in_its_own_language_has_no_note() -> None:
    blocks = guidance_blocks({}, language="en")
    assert all(getattr(block, "language", None) is None for block in blocks)
    assert not [b for b in blocks if isinstance(b, Paragraph) and "translated" in b.text.lower()]


def test_built_in_guidance_in_a_french_passport_says_it_is_not_translated() -> None:
    data = render_rendered(rp.load(ADRENAL), "markdown", language="fr", plugins=rp.make_plugin_manager(
        entry_points=False), today=TODAY).data.decode("utf-8")
    assert "Non traduit : ces recommandations générales sont présentées en anglais" in words(data)
    assert "Give the emergency hydrocortisone dose in this person's own protocol" in data


def test_only_the_untranslated_title_of_a_heading_is_marked_english_in_html() -> None:
    # "Recommandations générales :" is French: a screen reader must not read it in English.
    pm = rp.make_plugin_manager(entry_points=False, plugins=[FictionalGuidance({})])
    passport = rp.Passport(person=rp.Person(name="Ana Ejemplo", date_of_birth=dt.date(1990, 3, 2)))
    page = render_rendered(passport, "html", language="fr", plugins=pm, today=TODAY).data.decode("utf-8")
    [heading] = [line for line in page.split("\n") if "Fictional crisis" in line and "<h" in line]
    assert heading.startswith("<h3>Recommandations générales")
    assert '<span lang="en" dir="ltr">Fictional crisis</span></h3>' in heading
