"""Specification: every FHIR narrative is read from the laid-out passport, in its language.

Each ``Composition.section.text`` and each resource's ``text`` of an exported IPS
bundle says what layout's Document (the PDF's words) says for that part, with the
labels, dates and "none known" / "none recorded" statements of the passport's language
(or the language given to ``to_ips``), never a separately worded English text. The
narratives are checked here by reading the bundle back: XHTML parsed by the standard
library against FHIR's basic-formatting rule (txt-1) and for text (txt-2), and the
bundle by ``fhir.resources`` (an independent implementation of FHIR R4B).
"""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html import escape, unescape
from pathlib import Path
from typing import Any

import attrs
import pytest
from fhir.resources.R4B.bundle import Bundle

import rarepassport
from rarepassport import Passport, Person, hookimpl, layout, make_plugin_manager, section_field
from rarepassport.document import Table
from rarepassport.fhir import to_ips
from rarepassport.labels import built_in_catalogue
from rarepassport.model import AllergiesStatus, MedicationsStatus
from test_fhir_export import ips_problems

RICH = Path(__file__).parent / "data" / "fhir" / "rich_passport.json"
TODAY = datetime.date(2026, 11, 27)
XHTML = "{http://www.w3.org/1999/xhtml}"
#: FHIR R4's basic formatting elements (https://hl7.org/fhir/R4/narrative.html, txt-1),
#: written out here so that the check does not trust the exporter's own list.
BASIC_HTML = {
    "a", "abbr", "acronym", "b", "big", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
    "ol", "p", "pre", "q", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "tt", "ul", "var",
}
#: The English texts the export wrote before its narratives came from layout.
OLD_ENGLISH = ("No medicines.", "No known allergies.", "No information about", ": no information",
               "Software that wrote", "Problem list", "Emergency protocols", "Time-critical", "Red flags")


def _catalogue_words(language: str) -> set[str]:
    """Every label text of a catalogue, cut at its {placeholders}, as it appears escaped."""
    words = set()
    for text in built_in_catalogue(language).values():
        for piece in re.split(r"\{[^}]*\}", text):
            piece = piece.strip(" \u00a0:;,.()")
            if len(piece) >= 4:
                words.add(escape(piece))
    return words


def _narratives(bundle: dict[str, Any], *, labelled: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """(where, narrative) of every section and every resource of the bundle.

    With ``labelled``, only those that layout labels: an additional section of the
    person's own is, on paper as here, their title and their text and nothing else.
    """
    found = []
    composition = bundle["entry"][0]["resource"]
    for section in composition["section"]:
        found.append((f"section {section['code']['coding'][0]['code']}", section["text"]))
    for entry in bundle["entry"]:
        resource = entry["resource"]
        code = resource.get("code")
        if labelled and isinstance(code, dict) and code.get("coding", [{}])[0].get("code") == "additional-section":
            continue
        found.append((resource["resourceType"], resource.get("text", {})))
    return found


def _fhir_allows(div: str) -> list[str]:
    """What in a narrative ``div`` breaks FHIR's txt-1/txt-2 rules (empty when nothing)."""
    root = ET.fromstring(div)
    problems = [] if root.tag == f"{XHTML}div" else ["the root is not an XHTML div"]
    for element in root.iter():
        name = element.tag.removeprefix(XHTML)
        if name not in BASIC_HTML:
            problems.append(f"<{name}> is not basic formatting")
        # Only the direction of right-to-left text (FHIR's XHTML allows it), no style or handler.
        problems += [f"attribute {key} on <{name}>" for key, value in element.attrib.items()
                     if (name, key, value) != ("div", "dir", "rtl")]
    if not "".join(root.itertext()).strip():
        problems.append("no text")
    return problems


def _cells(div: str, tag: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(rf"<{tag}>(.*?)</{tag}>", div)]


@pytest.fixture(scope="module")
def rich() -> Passport:
    return rarepassport.load(RICH)


@pytest.fixture(scope="module", params=["fr", "ar"])
def translated(request: pytest.FixtureRequest, rich: Passport) -> tuple[str, Passport, dict[str, Any]]:
    passport = attrs.evolve(rich, language=request.param)
    return request.param, passport, to_ips(passport, today=TODAY)


def test_every_section_and_resource_has_a_generated_narrative_fhir_allows(
        translated: tuple[str, Passport, dict[str, Any]]) -> None:
    _, _, bundle = translated
    for where, text in _narratives(bundle):
        assert text.get("status") == "generated", where
        assert _fhir_allows(text["div"]) == [], where
    assert ips_problems(bundle) == []
    Bundle.model_validate(bundle)


def test_every_narrative_speaks_the_passports_language(translated: tuple[str, Passport, dict[str, Any]]) -> None:
    language, _passport, bundle = translated
    words = _catalogue_words(language)
    english = _catalogue_words("en")
    for where, text in _narratives(bundle, labelled=True):
        said = [word for word in words if word in text["div"]]
        if language == "ar":
            # Arabic labels are never also English words: each narrative shows one.
            said = [word for word in said if word not in english]
        assert said, f"{where} says nothing in the catalogue of {language}"


def test_no_narrative_has_an_english_label_or_the_old_english_fallbacks(
        translated: tuple[str, Passport, dict[str, Any]]) -> None:
    language, _passport, bundle = translated
    ours = set(built_in_catalogue(language).values())
    # A label as a label: a header cell, a bold label or a heading of its own.
    english_labels = {text for text in built_in_catalogue("en").values() if text not in ours and "{" not in text}
    for where, text in _narratives(bundle):
        div = text["div"]
        assert not [old for old in OLD_ENGLISH if old in div], where
        shown = {*_cells(div, "th"), *_cells(div, "b"), *_cells(div, "h3"), *_cells(div, "h4")}
        assert shown & english_labels == set(), where


def test_every_section_is_titled_in_the_passports_language(translated: tuple[str, Passport, dict[str, Any]]) -> None:
    language, _passport, bundle = translated
    catalogue = built_in_catalogue(language)
    titles = {s["code"]["coding"][0]["code"]: s["title"] for s in bundle["entry"][0]["resource"]["section"]}
    assert len(titles) == 13
    assert titles["48765-2"] == catalogue["section.allergies"]
    assert titles["11369-6"] == catalogue["History.immunisations"]
    assert titles["30954-2"] == catalogue["phrase.fhir.results"]
    assert set(titles.values()) <= set(catalogue.values())


def test_the_bundle_is_in_the_passports_language(translated: tuple[str, Passport, dict[str, Any]]) -> None:
    language, passport, bundle = translated
    composition = bundle["entry"][0]["resource"]
    assert bundle["language"] == composition["language"] == language
    assert composition["title"] == layout(passport, view="full").title
    # Arabic narratives are marked right to left, others not.
    rtl = {text["div"].startswith(f'<div xmlns="{XHTML[1:-1]}" dir="rtl">') for _, text in _narratives(bundle)}
    assert rtl == {language == "ar"}


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _first_column(passport: Passport, *section_ids: str) -> list[str]:
    document = layout(passport, view="full", today=TODAY)
    return [row[0] for id in section_ids if (section := document.section(id)) is not None
            for block in section.blocks if isinstance(block, Table) for row in block.rows]


def test_each_allergy_and_medicine_is_narrated_by_its_row_of_the_laid_out_table(
        translated: tuple[str, Passport, dict[str, Any]]) -> None:
    _, passport, bundle = translated
    allergies = [_cells(r["text"]["div"], "td")[0] for r in _resources(bundle, "AllergyIntolerance")]
    assert sorted(allergies) == sorted(_first_column(passport, "allergies")) == ["Peanut", "Penicillin"]
    medicines = [_cells(r["text"]["div"], "td")[0] for r in _resources(bundle, "MedicationStatement")]
    assert sorted(medicines) == sorted(_first_column(passport, "time_critical_medicines", "medications"))
    assert sorted(medicines) == ["Carnitine", "Paracetamol"]


def test_a_resource_narrative_shows_the_laid_out_words_of_its_row(rich: Passport) -> None:
    passport = attrs.evolve(rich, language="fr")
    bundle = to_ips(passport, today=TODAY)
    [peanut] = [r for r in _resources(bundle, "AllergyIntolerance") if r["code"]["text"] == "Peanut"]
    french = built_in_catalogue("fr")
    assert _cells(peanut["text"]["div"], "th") == [french["Allergy.substance"], french["Allergy.severity"]]
    assert _cells(peanut["text"]["div"], "td") == ["Peanut", french["enum.Severity.life-threatening"]]
    [procedure] = _resources(bundle, "Procedure")
    assert "14 juin 2019" in procedure["text"]["div"]  # the date as layout writes it in French


def test_the_section_narratives_are_the_laid_out_sections(rich: Passport) -> None:
    passport = attrs.evolve(rich, language="fr")
    bundle = to_ips(passport, today=TODAY)
    document = layout(passport, view="full", today=TODAY)
    sections = {s["code"]["coding"][0]["code"]: s["text"]["div"] for s in bundle["entry"][0]["resource"]["section"]}
    # Procedures and immunisations: the parts of the history under their headings.
    french = built_in_catalogue("fr")
    assert f"<h3>{escape(french['History.procedures'])}</h3>" in sections["47519-4"]
    assert escape(french["History.immunisations"]) in sections["11369-6"]
    assert escape(french["History.admissions"]) not in sections["47519-4"] + sections["11369-6"]
    # Results: the blood group as "About me" shows it, the variant as its diagnosis does.
    assert "Groupe sanguin" in sections["30954-2"] and "ACADM" in sections["30954-2"]
    protocols = document.section("protocols")
    assert protocols is not None and escape(protocols.title) not in sections["18776-5"]
    assert all(escape(block.text) in sections["18776-5"] for block in protocols.blocks if hasattr(block, "text"))


@pytest.mark.parametrize(("language", "status", "code", "phrase"), [
    ("ar", {}, "11450-4", "phrase.essentials.no_diagnosis"),
    ("fr", {"allergies_status": AllergiesStatus.NONE_KNOWN}, "48765-2", "phrase.no_known_allergies"),
    ("zh-Hans", {"allergies_status": AllergiesStatus.UNKNOWN}, "48765-2", "phrase.allergies_not_recorded"),
    ("ar", {"medications_status": MedicationsStatus.NONE}, "10160-0", "phrase.no_medicines"),
    ("fr", {"medications_status": MedicationsStatus.UNKNOWN}, "10160-0", "phrase.medicines_not_recorded"),
])
def test_an_empty_section_says_so_in_the_words_of_the_layout(
        language: str, status: dict[str, Any], code: str, phrase: str) -> None:
    passport = Passport(language=language, person=Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)),
                        **status)
    bundle = to_ips(passport, today=TODAY)
    [section] = [s for s in bundle["entry"][0]["resource"]["section"] if s["code"]["coding"][0]["code"] == code]
    said = escape(built_in_catalogue(language)[phrase])
    assert said in section["text"]["div"]
    # The "no known" entry says it as well.
    for reference in section.get("entry", []):
        [resource] = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference["reference"]]
        assert said in resource["text"]["div"]


def test_the_language_given_to_to_ips_is_the_narratives_language(rich: Passport) -> None:
    bundle = to_ips(rich, today=TODAY, language="ar")
    assert bundle["language"] == "ar"
    arabic = built_in_catalogue("ar")
    patient = _resources(bundle, "Patient")[0]
    assert escape(arabic["Person.date_of_birth"]) in patient["text"]["div"]
    [section] = [s for s in bundle["entry"][0]["resource"]["section"] if s["code"]["coding"][0]["code"] == "48765-2"]
    assert escape(arabic["Allergy.substance"]) in section["text"]["div"]


@attrs.frozen(kw_only=True)
class _Fabry:
    enzyme_therapy: str | None = section_field("Enzyme replacement therapy.", default=None)


class _FabryResourcePlugin:
    """A plugin section mapped to an Observation that has no narrative of its own."""

    @hookimpl
    def rarepassport_register_sections(self, sections: Any) -> None:
        sections.add("fabry", _Fabry, title="Fabry disease")

    @hookimpl
    def rarepassport_fhir_section(self, section: Any, data: Any, passport: Any, patient_reference: str) -> Any:
        return {"resources": [{"resourceType": "Observation", "status": "final", "code": {"text": "ERT"},
                               "subject": {"reference": patient_reference}, "valueString": data.enzyme_therapy}]}


def test_a_plugin_resource_without_a_narrative_is_narrated_by_its_section_as_additional() -> None:
    plugins = make_plugin_manager(entry_points=False, plugins=[_FabryResourcePlugin()])
    passport = Passport(person=Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)),
                        extensions={"fabry": _Fabry(enzyme_therapy="Agalsidase beta")})
    bundle = to_ips(passport, plugins=plugins, today=TODAY)
    [observation] = _resources(bundle, "Observation")
    # The section says more than the resource holds: FHIR's "additional".
    assert observation["text"]["status"] == "additional"
    assert "Agalsidase beta" in observation["text"]["div"]
    assert "meta" not in observation  # a plugin's resource: no IPS profile claimed for it
    assert ips_problems(bundle) == []
    Bundle.model_validate(bundle)


def test_two_diagnoses_of_the_same_name_are_each_narrated_by_their_own_part() -> None:
    passport = rarepassport.loads(json.dumps({
        "schema_version": "1.0", "language": "fr",
        "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
        "diagnoses": [
            {"name": "Epilepsy", "status": "suspected",
             "genetics": [{"gene": "SCN1A"}, {"gene": "SCN2A"}]},
            {"name": "Epilepsy", "status": "confirmed", "primary": True},
        ],
    }))
    bundle = to_ips(passport, today=TODAY)
    french = built_in_catalogue("fr")
    suspected, confirmed = _resources(bundle, "Condition")
    assert escape(french["enum.DiagnosisStatus.suspected"]) in suspected["text"]["div"]
    assert escape(french["enum.DiagnosisStatus.confirmed"]) not in suspected["text"]["div"]
    assert escape(french["enum.DiagnosisStatus.confirmed"]) in confirmed["text"]["div"]
    assert escape(french["phrase.primary"]) in confirmed["text"]["div"]
    genes = [_cells(o["text"]["div"], "td")[0] for o in _resources(bundle, "Observation")]
    assert genes == ["SCN1A", "SCN2A"]
