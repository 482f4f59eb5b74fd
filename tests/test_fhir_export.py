"""Specification of the FHIR IPS export: rarepassport.fhir.to_ips and `export fhir`.

Every bundle is checked twice: by ``fhir.resources`` (the FHIR R4B models, an
independent implementation of the base specification) and by ``ips_problems`` below,
for the IPS rules those models do not know.
"""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import attrs
import pytest
from fhir.resources.R4B.bundle import Bundle

import rarepassport
from rarepassport import cli, hookimpl, layout, make_plugin_manager, section_field
from rarepassport.document import Field
from rarepassport.errors import PluginError
from rarepassport.fhir import to_ips
from rarepassport.labels import built_in_catalogue
from rarepassport.model import (
    AllergiesStatus,
    CareTeamMember,
    Medication,
    MedicationsStatus,
    Passport,
    Person,
)

DATA = Path(__file__).parent / "data" / "fhir"
RICH = DATA / "rich_passport.json"
TODAY = datetime.date(2026, 11, 27)
XHTML = "http://www.w3.org/1999/xhtml"
LOINC = "http://loinc.org"
REQUIRED_SECTIONS = {"11450-4", "48765-2", "10160-0"}
PLUGIN_SECTION = "https://rarepassport.readthedocs.io/fhir/CodeSystem/plugin-section"


# --- the IPS rules fhir.resources does not check ----------------------------------------


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def ips_problems(bundle: dict[str, Any]) -> list[str]:
    """Every way the bundle breaks an IPS document rule (empty when it follows them all)."""
    problems = []
    if bundle.get("type") != "document":
        problems.append("Bundle.type is not document")
    if not bundle.get("identifier", {}).get("value"):
        problems.append("Bundle.identifier missing")
    if not bundle.get("timestamp"):
        problems.append("Bundle.timestamp missing")
    entries = bundle["entry"]
    full_urls = [entry["fullUrl"] for entry in entries]
    if len(set(full_urls)) != len(full_urls):
        problems.append("fullUrls are not unique")
    for entry in entries:
        if entry["fullUrl"] != f"urn:uuid:{entry['resource']['id']}":
            problems.append(f"{entry['fullUrl']} does not match its resource id")
    composition = entries[0]["resource"]
    if composition["resourceType"] != "Composition":
        return [*problems, "the first entry is not the Composition"]
    if {"system": LOINC, "code": "60591-5"} not in [
        {"system": c["system"], "code": c["code"]} for c in composition["type"]["coding"]
    ]:
        problems.append("Composition.type is not LOINC 60591-5")
    for key in ("status", "subject", "date", "author", "title"):
        if not composition.get(key):
            problems.append(f"Composition.{key} missing")
    subject = composition["subject"]["reference"]
    by_url = {entry["fullUrl"]: entry["resource"] for entry in entries}
    if by_url.get(subject, {}).get("resourceType") != "Patient":
        problems.append("Composition.subject is not the Patient")
    codes = set()
    for index, section in enumerate(composition["section"]):
        coding = section["code"]["coding"][0]
        if coding["system"] not in (LOINC, PLUGIN_SECTION):
            problems.append(f"section[{index}] has no LOINC code")
        codes.add(coding["code"])
        text = section.get("text", {})
        if text.get("status") != "generated" or not text.get("div", "").startswith(f'<div xmlns="{XHTML}"'):
            problems.append(f"section[{index}] has no generated XHTML narrative")
        else:
            ET.fromstring(text["div"])  # well-formed, or this raises
        if not section.get("entry") and not section.get("emptyReason") and coding["code"] in REQUIRED_SECTIONS:
            problems.append(f"required section[{index}] has neither entries nor emptyReason")
        if section.get("entry") and section.get("emptyReason"):
            problems.append(f"section[{index}] has entries and an emptyReason")
    for missing in sorted(REQUIRED_SECTIONS - codes):
        problems.append(f"required section {missing} missing")
    for reference in _references(bundle):
        if reference not in by_url:
            problems.append(f"reference {reference} does not resolve inside the bundle")
    return problems


def _export(passport: Passport, **kwargs: Any) -> dict[str, Any]:
    return to_ips(passport, today=TODAY, **kwargs)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _section(bundle: dict[str, Any], code: str) -> dict[str, Any]:
    composition = bundle["entry"][0]["resource"]
    return next(s for s in composition["section"] if s["code"]["coding"][0]["code"] == code)


def _entries(bundle: dict[str, Any], section: dict[str, Any]) -> list[dict[str, Any]]:
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    return [by_url[item["reference"]] for item in section.get("entry", [])]


@pytest.fixture(scope="module")
def rich() -> Passport:
    return rarepassport.load(RICH)


@pytest.fixture(scope="module")
def rich_bundle(rich: Passport) -> dict[str, Any]:
    return _export(rich)


def _minimal(**kwargs: Any) -> Passport:
    return Passport(person=Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)), **kwargs)


# --- independent validation ------------------------------------------------------------------


def test_every_example_exports_a_bundle_that_fhir_resources_accepts(example_path: Path) -> None:
    bundle = _export(rarepassport.load(example_path))
    Bundle.model_validate(bundle)


def test_every_example_bundle_follows_the_ips_document_rules(example_path: Path) -> None:
    assert ips_problems(_export(rarepassport.load(example_path))) == []


def test_rich_passport_bundle_is_valid_and_follows_ips_rules(rich_bundle: dict[str, Any]) -> None:
    Bundle.model_validate(rich_bundle)
    assert ips_problems(rich_bundle) == []


def test_bundle_survives_json_text(rich_bundle: dict[str, Any]) -> None:
    text = json.dumps(rich_bundle, ensure_ascii=False)
    Bundle.model_validate_json(text)


# --- document header -----------------------------------------------------------------------------


def test_composition_is_first_with_the_ips_document_code(rich_bundle: dict[str, Any]) -> None:
    composition = rich_bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["type"]["coding"][0]["code"] == "60591-5"
    assert composition["status"] == "final"


def test_timestamp_and_composition_date_are_today(rich_bundle: dict[str, Any]) -> None:
    assert rich_bundle["timestamp"] == "2026-11-27T00:00:00Z"
    assert rich_bundle["entry"][0]["resource"]["date"] == "2026-11-27T00:00:00Z"


def test_same_passport_id_gives_the_same_resource_ids(rich: Passport) -> None:
    first = [e["fullUrl"] for e in _export(rich)["entry"]]
    second = [e["fullUrl"] for e in _export(rich)["entry"]]
    assert first == second


def test_reviewer_is_a_professional_attester(rich_bundle: dict[str, Any]) -> None:
    attester = rich_bundle["entry"][0]["resource"]["attester"][0]
    assert attester["mode"] == "professional"
    assert attester["time"] == "2026-10-10"


# --- patient -----------------------------------------------------------------------------------------


def test_patient_has_name_birth_date_and_gender(rich_bundle: dict[str, Any]) -> None:
    patient = _resources(rich_bundle, "Patient")[0]
    assert patient["name"][0] == {"use": "official", "text": "Ada Example"}
    assert patient["name"][1] == {"use": "usual", "text": "Ada"}
    assert patient["birthDate"] == "2015-03-02"
    assert patient["gender"] == "female"


def test_nhs_number_uses_the_nhs_identifier_system(rich_bundle: dict[str, Any]) -> None:
    patient = _resources(rich_bundle, "Patient")[0]
    assert patient["identifier"] == [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}]


def test_contacts_become_patient_contacts_with_relationship_codes(rich_bundle: dict[str, Any]) -> None:
    contact = _resources(rich_bundle, "Patient")[0]["contact"][0]
    assert contact["name"] == {"text": "Grace Example"}
    assert contact["relationship"][0]["text"] == "mother"
    assert contact["relationship"][0]["coding"][0]["code"] == "PRN"


def test_languages_and_interpreter_need_are_carried(rich_bundle: dict[str, Any]) -> None:
    patient = _resources(rich_bundle, "Patient")[0]
    assert [c["language"]["text"] for c in patient["communication"]] == ["English", "Welsh"]
    assert patient["communication"][0]["preferred"] is True
    assert {"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired",
            "valueBoolean": True} in patient["extension"]


def test_gp_and_lead_clinician_are_general_practitioners() -> None:
    passport = _minimal(care_team=(
        CareTeamMember(name="Dr Lead", role="consultant", lead=True),
        CareTeamMember(name="Dr Family", role="GP"),
        CareTeamMember(name="Nurse Other", role="specialist nurse"),
    ))
    bundle = _export(passport)
    patient = _resources(bundle, "Patient")[0]
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    roles = [by_url[ref["reference"]] for ref in patient["generalPractitioner"]]
    names = [by_url[role["practitioner"]["reference"]]["name"][0]["text"] for role in roles]
    assert names == ["Dr Lead", "Dr Family"]


# --- sections ---------------------------------------------------------------------------------------


def test_diagnosis_codes_use_fhir_code_system_uris(rich_bundle: dict[str, Any]) -> None:
    condition = _entries(rich_bundle, _section(rich_bundle, "11450-4"))[0]
    assert condition["code"]["coding"] == [
        {"system": "http://www.orpha.net", "code": "42", "display": "MCAD deficiency"},
        {"system": "https://omim.org", "code": "201450"},
    ]
    assert condition["code"]["text"] == "Medium-chain acyl-CoA dehydrogenase deficiency"


def test_features_are_condition_evidence_with_hpo_codes(rich_bundle: dict[str, Any]) -> None:
    condition = _entries(rich_bundle, _section(rich_bundle, "11450-4"))[0]
    first = condition["evidence"][0]["code"][0]
    assert first["coding"] == [{"system": "http://human-phenotype-ontology.org", "code": "HP:0001943"}]
    assert first["text"] == "Hypoglycaemia when unwell"


def test_genetic_finding_is_a_variant_observation_cited_by_its_condition(rich_bundle: dict[str, Any]) -> None:
    condition = _entries(rich_bundle, _section(rich_bundle, "11450-4"))[0]
    reference = condition["evidence"][2]["detail"][0]["reference"]
    by_url = {e["fullUrl"]: e["resource"] for e in rich_bundle["entry"]}
    observation = by_url[reference]
    assert observation["code"]["coding"][0]["code"] == "69548-6"
    components = {c["code"]["coding"][0]["code"]: c["valueCodeableConcept"] for c in observation["component"]}
    assert components["48018-6"]["text"] == "ACADM"
    assert components["48004-6"]["text"] == "c.985A>G"
    assert components["53034-5"]["coding"][0]["code"] == "LA6705-3"


def test_a_genes_hgnc_id_travels_as_an_hgnc_coding_and_comes_back() -> None:
    from rarepassport.fhir import from_ips
    from rarepassport.model import Diagnosis, GeneticFinding

    finding = GeneticFinding(gene="SCN1A", hgnc="HGNC:10585", variant="c.2589+3A>T")
    passport = attrs.evolve(_minimal(), diagnoses=(Diagnosis(name="Dravet syndrome", genetics=(finding,)),))
    bundle = _export(passport)
    Bundle.model_validate(bundle)
    [observation] = [e["resource"] for e in bundle["entry"]
                     if e["resource"]["resourceType"] == "Observation"
                     and e["resource"]["code"]["coding"][0]["code"] == "69548-6"]
    [gene] = [c["valueCodeableConcept"] for c in observation["component"]
              if c["code"]["coding"][0]["code"] == "48018-6"]
    assert gene == {"coding": [{"system": "http://www.genenames.org/geneId", "code": "HGNC:10585",
                                "display": "SCN1A"}], "text": "SCN1A"}
    [back] = from_ips(bundle).passport.diagnoses[0].genetics
    assert (back.gene, back.hgnc, back.variant) == ("SCN1A", "HGNC:10585", "c.2589+3A>T")
    # Other systems write the number alone; it is read as the same id.
    gene["coding"][0]["code"] = "10585"
    assert from_ips(bundle).passport.diagnoses[0].genetics[0].hgnc == "HGNC:10585"
    # A malformed id is kept as written, for validation to report: never dropped or guessed at.
    gene["coding"][0]["code"] = "HGNC:SCN1A"
    imported = from_ips(bundle).passport
    assert imported.diagnoses[0].genetics[0].hgnc == "HGNC:SCN1A"
    assert any(i.path == "$.diagnoses[0].genetics[0].hgnc" for i in rarepassport.validate(imported))


def test_diagnosis_status_maps_to_verification_status(rich_bundle: dict[str, Any]) -> None:
    confirmed, undiagnosed = _entries(rich_bundle, _section(rich_bundle, "11450-4"))
    assert confirmed["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert undiagnosed["verificationStatus"]["coding"][0]["code"] == "unconfirmed"


def test_passport_without_diagnoses_has_a_problem_section_with_an_empty_reason() -> None:
    section = _section(_export(_minimal()), "11450-4")
    assert "entry" not in section
    assert section["emptyReason"]["coding"][0]["code"] == "unavailable"


def test_no_known_allergies_use_the_ips_no_known_allergy_code() -> None:
    bundle = _export(_minimal(allergies_status=AllergiesStatus.NONE_KNOWN))
    [allergy] = _entries(bundle, _section(bundle, "48765-2"))
    assert allergy["code"]["coding"][0] == {"system": "http://snomed.info/sct", "code": "716186003",
                                            "display": "No known allergy"}


def test_unknown_allergies_give_an_empty_reason_not_an_empty_section() -> None:
    section = _section(_export(_minimal()), "48765-2")
    assert section["emptyReason"]["coding"][0]["code"] == "unavailable"
    assert "Allergies not recorded" in section["text"]["div"]  # the layout's words, as every output says it


def test_no_medicines_use_the_ips_no_known_medications_code() -> None:
    bundle = _export(_minimal(medications_status=MedicationsStatus.NONE))
    [statement] = _entries(bundle, _section(bundle, "10160-0"))
    assert statement["medicationCodeableConcept"]["coding"][0]["code"] == "787481004"


def test_unknown_medicines_give_an_empty_reason() -> None:
    section = _section(_export(_minimal()), "10160-0")
    assert section["emptyReason"]["coding"][0]["code"] == "unavailable"


def test_medication_carries_dose_route_frequency_and_reason(rich_bundle: dict[str, Any]) -> None:
    statement = _entries(rich_bundle, _section(rich_bundle, "10160-0"))[0]
    assert statement["dosage"][0] == {"text": "100 mg", "timing": {"code": {"text": "twice daily"}},
                                      "route": {"text": "by mouth"}}
    assert statement["reasonCode"] == [{"text": "Carnitine deficiency"}]
    assert statement["effectivePeriod"] == {"start": "2016"}


def test_time_critical_medicine_carries_the_time_critical_extension() -> None:
    bundle = _export(_minimal(medications=(Medication(name="Hydrocortisone", time_critical=True),)))
    [statement] = _entries(bundle, _section(bundle, "10160-0"))
    assert statement["extension"] == [
        {"url": "https://rarepassport.readthedocs.io/fhir/StructureDefinition/time-critical", "valueBoolean": True}
    ]


def test_life_threatening_allergy_is_severe_with_high_criticality(rich_bundle: dict[str, Any]) -> None:
    peanut = _entries(rich_bundle, _section(rich_bundle, "48765-2"))[1]
    assert peanut["criticality"] == "high"
    assert peanut["reaction"][0]["severity"] == "severe"


def test_device_is_a_device_use_statement_citing_its_device(rich_bundle: dict[str, Any]) -> None:
    [statement] = _entries(rich_bundle, _section(rich_bundle, "46264-8"))
    assert statement["resourceType"] == "DeviceUseStatement"
    by_url = {e["fullUrl"]: e["resource"] for e in rich_bundle["entry"]}
    device = by_url[statement["device"]["reference"]]
    assert device["deviceName"][0]["name"] == "Gastrostomy button"


def test_emergency_summary_things_to_avoid_and_red_flags_are_alert_flags(rich_bundle: dict[str, Any]) -> None:
    flags = _entries(rich_bundle, _section(rich_bundle, "104605-1"))
    assert [f["resourceType"] for f in flags] == ["Flag"] * 6
    assert [f["code"]["text"] for f in flags] == [
        "If unwell and not eating, start the emergency regimen and come to hospital.",
        "Prolonged fasting", "Propofol", "Drowsiness", "Seizure", "Start dextrose infusion before any fast.",
    ]


def test_emergency_protocol_is_a_care_plan_with_its_steps_in_order(rich_bundle: dict[str, Any]) -> None:
    [plan] = _entries(rich_bundle, _section(rich_bundle, "18776-5"))
    assert plan["resourceType"] == "CarePlan"
    assert plan["title"] == "Emergency regimen"
    assert [a["detail"]["description"] for a in plan["activity"]] == [
        "Give glucose polymer drink every 2 hours", "If vomiting, go to A&E"]


def test_advance_decision_is_a_document_reference(rich_bundle: dict[str, Any]) -> None:
    [document] = _entries(rich_bundle, _section(rich_bundle, "42348-3"))
    assert document["resourceType"] == "DocumentReference"
    assert document["type"] == {"text": "Treatment escalation plan"}


def test_care_preferences_are_the_patient_story(rich_bundle: dict[str, Any]) -> None:
    observations = _entries(rich_bundle, _section(rich_bundle, "81338-6"))
    assert [o["code"]["coding"][0]["code"] for o in observations] == [
        "communication", "communication_aids", "pain", "likes", "likes", "additional-section"]


def test_sections_with_nothing_to_say_are_left_out() -> None:
    composition = _export(_minimal())["entry"][0]["resource"]
    assert [s["code"]["coding"][0]["code"] for s in composition["section"]] == ["11450-4", "48765-2", "10160-0"]


# --- narrative -----------------------------------------------------------------------------------------


def test_every_narrative_escapes_values(rich_bundle: dict[str, Any]) -> None:
    div = _section(rich_bundle, "11450-4")["text"]["div"]
    assert "&lt;risk&gt; &amp; &quot;crisis&quot;" in div
    assert "<risk>" not in div
    ET.fromstring(div)


def test_problem_narrative_is_drawn_from_the_laid_out_diagnoses(
    rich: Passport, rich_bundle: dict[str, Any]
) -> None:
    laid_out = layout(rich, view="full").section("diagnoses")
    assert laid_out is not None
    div = _section(rich_bundle, "11450-4")["text"]["div"]
    fields = [block for block in laid_out.blocks if isinstance(block, Field)]
    assert fields
    for field in fields:
        assert f"<b>{escape(field.label)}</b>" in div
        assert escape(field.value) in div


def test_narrative_shows_what_the_entries_say(rich_bundle: dict[str, Any]) -> None:
    div = _section(rich_bundle, "10160-0")["text"]["div"]
    assert "Carnitine" in div and "Paracetamol" in div


# --- plugin sections ------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Fabry:
    enzyme_therapy: str | None = section_field("Enzyme replacement therapy.", default=None)


class _FabryPlugin:
    """A plugin section with no FHIR mapping of its own."""

    @hookimpl
    def rarepassport_register_sections(self, sections: Any) -> None:
        sections.add("fabry", _Fabry, title="Fabry disease")


class _FabryFhirPlugin(_FabryPlugin):
    """The same section, mapped to an Observation through rarepassport_fhir_section."""

    @hookimpl
    def rarepassport_fhir_section(self, section: Any, data: Any, passport: Any, patient_reference: str) -> Any:
        return {"resources": [{"resourceType": "Observation", "status": "final",
                               "code": {"text": "Enzyme replacement therapy"},
                               "subject": {"reference": patient_reference},
                               "valueString": data.enzyme_therapy}]}


def test_plugin_section_is_exported_as_a_narrative_section() -> None:
    plugins = make_plugin_manager(entry_points=False, plugins=[_FabryPlugin()])
    passport = _minimal(extensions={"fabry": _Fabry(enzyme_therapy="Agalsidase beta")})
    bundle = _export(passport, plugins=plugins)
    section = _section(bundle, "fabry")
    assert section["code"]["coding"][0]["system"] == PLUGIN_SECTION
    assert section["title"] == "Fabry disease"
    assert "Agalsidase beta" in section["text"]["div"]
    assert ips_problems(bundle) == []


def test_plugin_can_map_its_section_to_resources_through_the_hook() -> None:
    plugins = make_plugin_manager(entry_points=False, plugins=[_FabryFhirPlugin()])
    passport = _minimal(extensions={"fabry": _Fabry(enzyme_therapy="Agalsidase beta")})
    bundle = _export(passport, plugins=plugins)
    [observation] = _entries(bundle, _section(bundle, "fabry"))
    assert observation["valueString"] == "Agalsidase beta"
    assert ips_problems(bundle) == []
    Bundle.model_validate(bundle)


# --- exporter registry and command line --------------------------------------------------------------------


def test_fhir_ips_exporter_is_registered_and_returns_json_bytes(rich: Passport) -> None:
    exporter = rarepassport.default_plugin_manager().exporters["fhir-ips"]
    data = exporter.export(rich, plugins=rarepassport.default_plugin_manager())
    assert json.loads(data)["resourceType"] == "Bundle"
    assert exporter.media_type == "application/fhir+json"


def test_cli_export_fhir_writes_a_valid_bundle(tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    assert cli.main(["export", "fhir", str(RICH), "-o", str(out)]) == 0
    bundle = json.loads(out.read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)
    assert ips_problems(bundle) == []


def test_cli_export_refuses_to_overwrite_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    passport = tmp_path / "ada.json"
    passport.write_bytes(RICH.read_bytes())
    assert cli.main(["export", "fhir", str(passport), "-o", str(passport)]) == 2
    assert "refusing to overwrite the input" in capsys.readouterr().err
    assert passport.read_bytes() == RICH.read_bytes()


def test_cli_export_of_an_invalid_passport_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0", "person": {"name": "Ada"}}', encoding="utf-8")
    assert cli.main(["export", "fhir", str(broken), "-o", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "$.person" in err


def test_cli_export_unknown_format_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "fhir-r2", str(RICH)]) == 2
    assert "unknown export format" in capsys.readouterr().err


def test_cli_export_says_which_fields_the_ips_cannot_carry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rarepassport.cli import main

    source = tmp_path / "p.json"
    source.write_text(json.dumps({
        "schema_version": "1.0",
        "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
        "links": [{"url": "https://example.org/record"}],
        "history": {"admissions": [{"reason": "Chest infection"}]},
    }))
    assert main(["export", "fhir", str(source), "-o", str(tmp_path / "b.json")]) == 0
    err = capsys.readouterr().err
    assert "links" in err and "history.admissions" in err
    assert "emergency.previous" not in err
    assert "example.org" not in err and "Chest infection" not in err


class _FabryDivPlugin(_FabryPlugin):
    """The same section with a narrative ``div`` of the plugin's own."""

    def __init__(self, div: object) -> None:
        self.div = div

    @hookimpl
    def rarepassport_fhir_section(self, section: Any, data: Any, passport: Any, patient_reference: str) -> Any:
        return {"div": self.div}


def test_a_plugin_narrative_that_is_well_formed_basic_xhtml_is_kept() -> None:
    div = f'<div xmlns="{XHTML}"><p><b>Therapy:</b> every <i>two</i> weeks</p></div>'
    plugins = make_plugin_manager(entry_points=False, plugins=[_FabryDivPlugin(div)])
    passport = _minimal(extensions={"fabry": _Fabry(enzyme_therapy="Agalsidase beta")})
    bundle = _export(passport, plugins=plugins)
    assert _section(bundle, "fabry")["text"]["div"] == div
    assert ips_problems(bundle) == []


@pytest.mark.parametrize(
    ("div", "reason"),
    [
        ("<p>no div</p>", "root element"),
        ('<div xmlns="http://www.w3.org/1999/xhtml"><p>unclosed</div>', "well-formed"),
        ("<div><p>no namespace</p></div>", "root element"),
        ('<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></div>', "<script>"),
        ('<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">a</p></div>', "onclick"),
        ('<div xmlns="http://www.w3.org/1999/xhtml"><a href=" javascript:x()">a</a></div>', "script link"),
        ('<div xmlns="http://www.w3.org/1999/xhtml"><img src="file:///etc/passwd" alt="x"/></div>', "data: URI"),
        ('<div xmlns="http://www.w3.org/1999/xhtml"><p>bell \x07</p></div>', "control characters"),
        ('<div xmlns="http://www.w3.org/1999/xhtml">  <p> </p></div>', "no text"),
        ('<!DOCTYPE d [<!ENTITY a "aaaa">]><div xmlns="http://www.w3.org/1999/xhtml">&a;</div>', "entities"),
        (42, "not text"),
    ],
)
def test_a_plugin_narrative_that_fhir_does_not_allow_is_refused_naming_the_section(div: object, reason: str) -> None:
    plugins = make_plugin_manager(entry_points=False, plugins=[_FabryDivPlugin(div)])
    passport = _minimal(extensions={"fabry": _Fabry(enzyme_therapy="Agalsidase beta")})
    with pytest.raises(PluginError) as caught:
        _export(passport, plugins=plugins)
    message = str(caught.value)
    assert "plugin section 'fabry'" in message
    assert reason in message
    assert "Agalsidase" not in message and "alert" not in message


@pytest.mark.parametrize(
    ("status", "field", "phrase"),
    [({"allergies_status": AllergiesStatus.NONE_KNOWN}, "48765-2", "phrase.no_known_allergies"),
     ({"allergies_status": AllergiesStatus.UNKNOWN}, "48765-2", "phrase.allergies_not_recorded"),
     ({"medications_status": MedicationsStatus.NONE}, "10160-0", "phrase.no_medicines"),
     ({"medications_status": MedicationsStatus.UNKNOWN}, "10160-0", "phrase.medicines_not_recorded")],
)
def test_an_empty_required_section_is_narrated_in_the_passports_language(
        status: dict[str, Any], field: str, phrase: str) -> None:
    passport = Passport(language="fr", person=Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)),
                        **status)
    composition = _export(passport)["entry"][0]["resource"]
    [section] = [s for s in composition["section"] if s["code"]["coding"][0]["code"] == field]
    assert built_in_catalogue("fr")[phrase] in section["text"]["div"]


#: The section displays of the IPS 2.0 package's example Bundles (npm hl7.fhir.uv.ips 2.0.0).
IPS_SECTION_DISPLAYS = {
    "11450-4": "Problem list - Reported", "10160-0": "History of Medication use Narrative",
    "48765-2": "Allergies and adverse reactions Document", "18776-5": "Plan of care note",
    "30954-2": "Relevant diagnostic tests/laboratory data note", "11369-6": "History of Immunization note",
    "47519-4": "History of Procedures Document", "46264-8": "History of medical device use",
    "8716-3": "Vital signs note", "104605-1": "Alert", "42348-3": "Advance healthcare directives",
    "81338-6": "Patient Goals, preferences, and priorities for care experience",
}


def test_section_codes_carry_the_loinc_displays_the_ips_package_gives(rich_bundle: dict[str, Any]) -> None:
    codings = [coding for section in rich_bundle["entry"][0]["resource"]["section"]
               for coding in section["code"]["coding"] if coding["code"] in IPS_SECTION_DISPLAYS]
    assert len(codings) >= 8
    assert {coding["code"]: coding["display"] for coding in codings} == {
        coding["code"]: IPS_SECTION_DISPLAYS[coding["code"]] for coding in codings}
