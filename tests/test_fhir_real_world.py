"""Specification of the IPS import on documents rarepassport did not write.

The bundles in ``tests/data/fhir/real-world/`` are published examples of the HL7
International Patient Summary IG, of HL7 affiliates and of public connectathon sets
(EHR vendors, national programmes; see the README there). Each must import without a
traceback, keep the facts a passport needs, report by FHIR path what it could not map,
and export again as a valid FHIR bundle.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rarepassport
from helpers.pdftext import poppler_text, pypdf_text
from rarepassport import cli, to_dict
from rarepassport.errors import PassportError
from rarepassport.fhir import FhirImportError, ImportResult, from_ips, ips_subset, to_ips
from rarepassport.model import AllergiesStatus, MedicationsStatus, Passport

REAL = Path(__file__).parent / "data" / "fhir" / "real-world"
TODAY = datetime.date(2026, 11, 27)
NO_BIRTH_DATE = "Bundle-aups-section-emptyreason.json"
#: A Patient with every identifying element marked absent (no name): refused, naming it.
NO_NAME = "BR_may2024_connectathon.json"
IMPORTABLE = sorted(path.name for path in REAL.glob("*.json") if path.name != NO_NAME)


def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REAL / name).read_text(encoding="utf-8"))
    return data


def _import(name: str) -> ImportResult:
    return from_ips(_read(name))


def _reasons_for(result: ImportResult, path: str) -> list[str]:
    return [item.reason for item in result.unmapped if item.path == path]


# --- every published example --------------------------------------------------------------------


def test_the_examples_are_small_and_few() -> None:
    files = list(REAL.glob("*.json"))
    assert 1 <= len(files) <= 60
    assert sum(path.stat().st_size for path in files) < 3_000_000


#: Codes the publishers wrote malformed; import keeps them as they came (never a changed
#: code) and validation names them.
MALFORMED_CODES = {
    ("Bundle-gravitate-Alicia.json", "$.medications[5].codes[2].code"),  # ATC "A03ku92"
    ("CA_DAVE_DEBRONKART_VERTO.json", "$.allergies[0].codes[0].system"),  # system "ips_demo", not a URI
}
#: Dates the publishers wrote impossible (a pacemaker fitted seven years before the
#: child's birth); import keeps them as they came and validation names them.
IMPOSSIBLE_DATES = {("US_MEDITECH_ips_3.json", "$.history.procedures[2].date")}


@pytest.mark.parametrize("name", IMPORTABLE)
def test_example_imports_into_a_structurally_valid_passport(name: str) -> None:
    passport = _import(name).passport
    report = rarepassport.validate(to_dict(passport), today=TODAY)
    assert [issue for issue in report if issue.code == "structure"] == []
    errors = [issue for issue in report if issue.severity.value == "error"]
    assert {(name, issue.path) for issue in errors} <= MALFORMED_CODES | IMPOSSIBLE_DATES
    assert all(issue.code == "code-format" for issue in errors if (name, issue.path) in MALFORMED_CODES)


@pytest.mark.parametrize(
    ("name", "person", "diagnoses", "allergies", "medications", "allergies_status", "medications_status"),
    [
        # One of Martha's two conditions is in remission and one of Patricia's four is
        # resolved: left out of the current diagnoses and reported.
        ("Bundle-IPS-examples-Bundle-01.json", "Martha DeLarosa", 1, 1, 2,
         AllergiesStatus.LISTED, MedicationsStatus.LISTED),
        ("Bundle-bundle-minimal.json", "Martha DeLarosa", 1, 1, 1, AllergiesStatus.LISTED, MedicationsStatus.LISTED),
        ("Bundle-bundle-no-info-required-sections.json", "James Judge", 0, 0, 0,
         AllergiesStatus.UNKNOWN, MedicationsStatus.UNKNOWN),
        ("Bundle-bundle-ips-all-sections.json", "Patricia JORDANA", 3, 1, 2,
         AllergiesStatus.LISTED, MedicationsStatus.LISTED),
        ("Bundle-aups-basicsummary.json", "Mia Leanne Banks", 0, 3, 1,
         AllergiesStatus.LISTED, MedicationsStatus.LISTED),
        ("Bundle-aups-noknownx.json", "Charlotte MORRIS", 0, 0, 0,
         AllergiesStatus.NONE_KNOWN, MedicationsStatus.NONE),
        ("Bundle-aups-patient-story.json", "Shawn Martin", 6, 0, 0,
         AllergiesStatus.UNKNOWN, MedicationsStatus.UNKNOWN),
        ("Bundle-aups-gpvisit-retrieval.json", "Jeramy EZRA BANKS", 5, 0, 7,
         AllergiesStatus.NONE_KNOWN, MedicationsStatus.LISTED),
        # Connectathon documents: both Epic ones and MEDITECH's were refused whole for the
        # CR LF line ends in their notes.
        ("US_Epic_Connectathon_Sept.json", "Sept JWJ Connectathon", 3, 3, 2,
         AllergiesStatus.LISTED, MedicationsStatus.LISTED),
        ("hl7_connectathon_may_2025_epic_example2.json", "Automation FHIR", 4, 2, 3,
         AllergiesStatus.LISTED, MedicationsStatus.LISTED),
        ("US_MEDITECH_ips_3.json", "Jane Annie NO EDITS Clarkson", 6, 2, 2,
         AllergiesStatus.LISTED, MedicationsStatus.LISTED),
        ("UK_NHSx_IPS_Example_01-modified.json", "Horace SKELLY", 4, 1, 2,
         AllergiesStatus.LISTED, MedicationsStatus.LISTED),
        ("Bundle-NZPSNoClinicalInfoBundle.json", "Ariana Ngata", 0, 0, 0,
         AllergiesStatus.NONE_KNOWN, MedicationsStatus.NONE),
        # Its one medicine request is 'completed': left out, so no medicines are known to be current.
        ("CA-IPS-Bundle1Example.json", "Duck Donald", 1, 1, 0, AllergiesStatus.LISTED, MedicationsStatus.UNKNOWN),
    ],
)
def test_example_keeps_its_key_facts(
    name: str,
    person: str,
    diagnoses: int,
    allergies: int,
    medications: int,
    allergies_status: AllergiesStatus,
    medications_status: MedicationsStatus,
) -> None:
    passport = _import(name).passport
    assert passport.person.name == person
    assert (len(passport.diagnoses), len(passport.allergies), len(passport.medications)) == (
        diagnoses, allergies, medications)
    assert (passport.allergies_status, passport.medications_status) == (allergies_status, medications_status)


@pytest.mark.parametrize("name", IMPORTABLE)
def test_example_reports_what_it_could_not_map_by_fhir_path(name: str) -> None:
    result = _import(name)
    assert result.unmapped
    # Bundle.type: a searchset read as a document says so (US_MEDITECH_ips_3.json).
    assert all(re.match(r"^Bundle(\.entry\[\d+\]\.resource|\.type$)", item.path) for item in result.unmapped)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("name", IMPORTABLE)
def test_unmapped_report_never_contains_the_patients_details(name: str) -> None:
    bundle = _read(name)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    # Names, birth date, identifier and telecom values, addresses: not the codes around them.
    parts = [patient.get("name"), patient.get("birthDate"), patient.get("address"),
             [item.get("value") for item in patient.get("identifier", []) + patient.get("telecom", [])]]
    # "FHIR": Epic's test patient is called "Automation FHIR", and the report names FHIR paths.
    details = {value for value in _strings(parts) if len(value) >= 4} - {"home", "work", "usual", "official", "FHIR"}
    report = _import(name).report
    assert details
    assert [value for value in details if value in report] == []


@pytest.mark.parametrize("name", IMPORTABLE)
def test_reexported_example_is_accepted_by_fhir_resources(name: str) -> None:
    bundle = to_ips(_import(name).passport, today=TODAY)
    Bundle.model_validate(bundle)


@pytest.mark.parametrize("name", IMPORTABLE)
def test_reexported_example_imports_back_to_the_same_passport(name: str) -> None:
    passport = _import(name).passport
    assert from_ips(to_ips(passport, today=TODAY)).passport == ips_subset(passport)


@pytest.mark.parametrize("name", IMPORTABLE)
def test_cli_imports_example_and_lists_unmapped_elements(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "passport.json"
    assert cli.main(["import", "fhir", str(REAL / name), "-o", str(out)]) == 0
    assert rarepassport.load(out) == _import(name).passport
    assert "elements not imported" in capsys.readouterr().err


# --- what the examples exercise -------------------------------------------------------------------


def test_medication_referenced_as_a_bundle_entry_gives_its_name_and_codes() -> None:
    medication = _import("Bundle-IPS-examples-Bundle-01.json").passport.medications[0]
    bundle = _read("Bundle-IPS-examples-Bundle-01.json")
    referenced = bundle["entry"][7]["resource"]
    assert bundle["entry"][5]["resource"]["medicationReference"]["reference"] == bundle["entry"][7]["fullUrl"]
    assert medication.name == referenced["code"]["coding"][0]["display"]
    assert medication.codes


def test_medication_contained_in_its_statement_gives_its_name() -> None:
    bundle = _read("Bundle-aups-basicsummary.json")
    statement = bundle["entry"][8]["resource"]
    assert statement["medicationReference"]["reference"].startswith("#")
    medication = _import("Bundle-aups-basicsummary.json").passport.medications[0]
    assert medication.name == statement["contained"][0]["code"]["text"]


def test_several_reaction_manifestations_are_all_kept() -> None:
    allergy = _import("Bundle-aups-basicsummary.json").passport.allergies[0]
    assert allergy.reaction == "Abdominal pain; Abdominal bloating; Diarrhoea"


def test_condition_with_several_codings_keeps_them_all() -> None:
    allergy = _import("Bundle-bundle-ips-all-sections.json").passport.allergies[0]
    assert [(code.system, code.code) for code in allergy.codes] == [("SNOMED-CT", "764146007"), ("ATC", "J01CA")]


def test_immunizations_procedures_and_devices_are_read() -> None:
    passport = _import("Bundle-bundle-ips-all-sections.json").passport
    assert len(passport.history.immunisations) == 8
    assert str(passport.history.immunisations[0].date) == "2024-04-10"
    assert [(p.name, str(p.date)) for p in passport.history.procedures] == [("Total hip replacement", "2000-04-28")]
    assert [d.name for d in passport.devices] == ["Hip prosthesis, device (physical object)"]


def test_medication_request_gives_dose_route_frequency_and_reason() -> None:
    ventolin = _import("Bundle-aups-gpvisit-retrieval.json").passport.medications[0]
    assert (ventolin.name, ventolin.route, ventolin.frequency, ventolin.reason) == (
        "Ventolin", "Respiratory tract route", "4 times a day", "COPD")
    assert ventolin.dose == "2 puffs, 4 times per day, and as needed"


def test_vaccination_date_marked_absent_gives_no_date_and_no_report() -> None:
    result = _import("Bundle-aups-gpvisit-retrieval.json")
    assert [i.date for i in result.passport.history.immunisations] == [None, None, None]
    assert not [item for item in result.unmapped if "occurrence" in item.path]


def test_no_known_food_allergy_is_not_an_allergy_and_is_reported() -> None:
    bundle = _read("Bundle-IPS-examples-Bundle-01.json")
    assert bundle["entry"][19]["resource"]["code"]["coding"][0]["code"] == "429625007"
    result = _import("Bundle-IPS-examples-Bundle-01.json")
    assert [a.codes[0].code for a in result.passport.allergies] == ["373270004"]
    assert result.passport.allergies_status is AllergiesStatus.LISTED
    assert _reasons_for(result, "Bundle.entry[19].resource")


def test_only_a_partial_no_known_allergy_leaves_allergies_unknown() -> None:
    bundle = _read("Bundle-IPS-examples-Bundle-01.json")
    section = bundle["entry"][0]["resource"]["section"][2]
    section["entry"] = [{"reference": bundle["entry"][19]["fullUrl"]}]
    passport = from_ips(bundle).passport
    assert (passport.allergies, passport.allergies_status) == ((), AllergiesStatus.UNKNOWN)


def test_no_known_procedures_statement_is_not_a_procedure() -> None:
    bundle = _read("Bundle-bundle-ips-all-sections.json")
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Procedure")
    bundle["entry"][index]["resource"]["code"] = {"coding": [
        {"system": "http://snomed.info/sct", "code": "787480003", "display": "No known procedures (situation)"}]}
    result = from_ips(bundle)
    assert result.passport.history.procedures == ()
    assert _reasons_for(result, f"Bundle.entry[{index}].resource")


def test_as_needed_for_a_reason_gives_as_needed_and_the_reason() -> None:
    bundle = _read("Bundle-aups-gpvisit-retrieval.json")
    request = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationRequest")
    del request["reasonCode"]
    request["dosageInstruction"][0]["asNeededCodeableConcept"] = {"text": "Shortness of breath"}
    ventolin = from_ips(bundle).passport.medications[0]
    assert (ventolin.as_needed, ventolin.reason) == (True, "Shortness of breath")


def test_stopped_medication_is_not_imported_and_is_reported() -> None:
    stopped = _read("Bundle-bundle-ips-all-sections.json")["entry"][9]["resource"]
    assert stopped["status"] == "stopped"
    result = _import("Bundle-bundle-ips-all-sections.json")
    assert _reasons_for(result, "Bundle.entry[9].resource.status")
    assert not any(m.name.startswith("cilazapril") for m in result.passport.medications)


def test_advance_directive_consent_becomes_an_advance_decision() -> None:
    decisions = _import("Bundle-bundle-ips-all-sections.json").passport.emergency.advance_decisions
    assert [(d.kind, d.summary) for d in decisions] == [("Do Not Resuscitate", "Not for resuscitation")]


def test_foreign_alert_flag_joins_the_emergency_summary() -> None:
    assert _import("Bundle-bundle-ips-all-sections.json").passport.emergency.summary == "Shellfish free diet"


def test_narrative_only_section_becomes_an_additional_section_and_is_reported() -> None:
    result = _import("Bundle-aups-patient-story.json")
    (section,) = result.passport.additional_sections
    assert section.title == "Patient Story"
    assert section.text
    assert _reasons_for(result, "Bundle.entry[0].resource.section[3].text")


def test_patient_worded_problems_keep_their_text() -> None:
    names = [d.name for d in _import("Bundle-aups-patient-story.json").passport.diagnoses]
    assert "Trouble with my digestion" in names


def test_resource_cited_only_by_unmapped_elements_is_reported_as_such() -> None:
    result = _import("Bundle-IPS-examples-Bundle-01.json")
    assert _reasons_for(result, "Bundle.entry[12].resource") == [
        "Observation was not imported: only elements that are not imported refer to it"]


def test_birth_date_marked_absent_imports_as_not_known_and_is_reported() -> None:
    result = _import(NO_BIRTH_DATE)
    assert result.passport.person.date_of_birth is None
    assert result.passport.person.name  # identity otherwise kept
    [note] = [u for u in result.unmapped if u.path == "Bundle.entry[1].resource.birthDate"]
    assert "data-absent-reason" in note.reason


def test_a_patient_whose_name_is_marked_absent_is_refused_naming_it() -> None:
    with pytest.raises(FhirImportError) as caught:
        _import(NO_NAME)
    assert [problem.path for problem in caught.value.problems] == ["Bundle.entry[2].resource.name"]


def test_a_document_without_birth_date_imports_renders_not_known_and_exports_it_as_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.json"
    assert cli.main(["import", "fhir", str(REAL / NO_BIRTH_DATE), "-o", str(out)]) == 0
    assert "Bundle.entry[1].resource.birthDate" in capsys.readouterr().err  # the report names it
    assert json.loads(out.read_text())["person"]["date_of_birth"] is None
    passport = rarepassport.load(out)
    pdf = rarepassport.render(passport, format="pdf")
    for text in (pypdf_text(pdf), poppler_text(pdf)):
        assert re.search(r"Date of birth:?\s*Not known", text), "the PDF must say the date of birth is not known"
    assert re.search(r"Date of birth:?\s*Not known", poppler_text(rarepassport.render(passport, format="card")))
    # Exported again, the Patient says the birth date is absent, as IPS allows, and imports back.
    bundle = rarepassport.to_ips(passport)
    Bundle.model_validate(bundle)
    [patient] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert "birthDate" not in patient
    assert patient["_birthDate"]["extension"][0]["valueCode"] == "unknown"
    assert from_ips(bundle).passport.person.date_of_birth is None


# --- variations other systems write ---------------------------------------------------------------


def test_absolute_full_urls_with_relative_references_give_the_same_passport() -> None:
    bundle = _read("Bundle-IPS-examples-Bundle-01.json")
    urls = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        urls[entry["fullUrl"]] = f"{resource['resourceType']}/{resource['id']}"
        entry["fullUrl"] = f"https://fhir.example.org/r4/{resource['resourceType']}/{resource['id']}"
    text = json.dumps(bundle)
    for old, new in urls.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    assert from_ips(json.loads(text)).passport == _import("Bundle-IPS-examples-Bundle-01.json").passport


def test_absolute_references_with_a_version_resolve() -> None:
    bundle = _read("Bundle-IPS-examples-Bundle-01.json")
    section = bundle["entry"][0]["resource"]["section"][0]
    condition = bundle["entry"][4]["resource"]
    section["entry"][0]["reference"] = f"https://fhir.example.org/r4/Condition/{condition['id']}/_history/3"
    assert from_ips(bundle).passport.diagnoses == _import("Bundle-IPS-examples-Bundle-01.json").passport.diagnoses


def test_medication_reference_with_only_a_display_gives_the_medicine_name() -> None:
    bundle = _read("Bundle-IPS-examples-Bundle-01.json")
    bundle["entry"][5]["resource"]["medicationReference"] = {"display": "Fictional tablets 5 mg"}
    assert from_ips(bundle).passport.medications[0].name == "Fictional tablets 5 mg"


def test_attester_given_only_by_name_becomes_the_reviewer() -> None:
    bundle = _read("Bundle-bundle-ips-all-sections.json")
    attester = bundle["entry"][0]["resource"]["attester"][0]
    attester["party"] = {"display": "Dr Fictional Reviewer"}
    reviewed_by = from_ips(bundle).passport.review.reviewed_by
    assert reviewed_by is not None
    assert reviewed_by.name == "Dr Fictional Reviewer"


def test_section_entry_given_only_by_name_is_reported_not_refused() -> None:
    bundle = _read("Bundle-bundle-minimal.json")
    bundle["entry"][0]["resource"]["section"][0]["entry"].append({"display": "Something told in words"})
    result = from_ips(bundle)
    assert len(result.passport.diagnoses) == 1
    assert _reasons_for(result, "Bundle.entry[0].resource.section[0].entry[1]")


def test_section_citing_a_list_imports_the_lists_resources() -> None:
    bundle = _read("Bundle-IPS-examples-Bundle-01.json")
    allergies = bundle["entry"][0]["resource"]["section"][2]
    bundle["entry"].append({"fullUrl": "urn:uuid:4b1f0d8e-0000-4000-8000-000000000001", "resource": {
        "resourceType": "List", "status": "current", "mode": "snapshot",
        "entry": [{"item": reference} for reference in allergies["entry"]]}})
    allergies["entry"] = [{"reference": "urn:uuid:4b1f0d8e-0000-4000-8000-000000000001"}]
    result = from_ips(bundle)
    assert result.passport.allergies == _import("Bundle-IPS-examples-Bundle-01.json").passport.allergies
    assert not [item for item in result.unmapped if item.path.startswith("Bundle.entry[20]")]


def test_r5_codeable_reference_medication_and_coded_allergy_type_are_read() -> None:
    bundle = _read("Bundle-aups-basicsummary.json")
    statement, allergy = bundle["entry"][8]["resource"], bundle["entry"][6]["resource"]
    statement["medication"] = {"reference": statement.pop("medicationReference")}
    allergy["type"] = {"coding": [{"system": "http://hl7.org/fhir/allergy-intolerance-type", "code": "intolerance"}]}
    passport = from_ips(bundle).passport
    original = _import("Bundle-aups-basicsummary.json").passport
    assert passport.medications == original.medications
    assert passport.allergies == original.allergies


def _status_changed(kind: str, status: str) -> tuple[ImportResult, str]:
    bundle = _read("Bundle-bundle-ips-all-sections.json")
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == kind)
    bundle["entry"][index]["resource"]["status"] = status
    return from_ips(bundle), f"Bundle.entry[{index}].resource.status"


def test_immunization_not_done_is_not_imported() -> None:
    result, path = _status_changed("Immunization", "not-done")
    assert len(result.passport.history.immunisations) == 7
    assert _reasons_for(result, path)


def test_procedure_entered_in_error_is_not_imported() -> None:
    result, path = _status_changed("Procedure", "entered-in-error")
    assert result.passport.history.procedures == ()
    assert _reasons_for(result, path)


def test_unknown_status_code_is_imported_as_current_and_reported() -> None:
    # The first statement was "stopped"; with a status FHIR does not define it is kept.
    result, path = _status_changed("MedicationStatement", "being-thought-about")
    assert len(result.passport.medications) == 3
    assert _reasons_for(result, path) == ["a status code FHIR does not define; imported as current"]


def test_resolved_allergy_is_kept_and_reported() -> None:
    bundle = _read("Bundle-bundle-ips-all-sections.json")
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "AllergyIntolerance")
    bundle["entry"][index]["resource"]["clinicalStatus"]["coding"][0]["code"] = "resolved"
    result = from_ips(bundle)
    assert len(result.passport.allergies) == 1
    assert _reasons_for(result, f"Bundle.entry[{index}].resource.clinicalStatus")


def test_vaccination_date_given_as_text_is_read_when_it_starts_with_a_date() -> None:
    bundle = _read("Bundle-bundle-ips-all-sections.json")
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Immunization")
    resource = bundle["entry"][index]["resource"]
    del resource["occurrenceDateTime"]
    resource["occurrenceString"] = "2019-05 (from the family's records)"
    assert str(from_ips(bundle).passport.history.immunisations[0].date) == "2019-05"


def test_vaccination_date_as_free_text_is_reported() -> None:
    bundle = _read("Bundle-bundle-ips-all-sections.json")
    index = next(i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Immunization")
    resource = bundle["entry"][index]["resource"]
    del resource["occurrenceDateTime"]
    resource["occurrenceString"] = "as a child"
    result = from_ips(bundle)
    assert result.passport.history.immunisations[0].date is None
    assert _reasons_for(result, f"Bundle.entry[{index}].resource.occurrenceString")
    assert "as a child" not in result.report


def test_patient_without_a_name_is_refused_naming_the_element() -> None:
    bundle = _read("Bundle-bundle-minimal.json")
    del bundle["entry"][1]["resource"]["name"]
    with pytest.raises(FhirImportError) as caught:
        from_ips(bundle)
    assert caught.value.problems[0].path == "Bundle.entry[1].resource.name"


# --- malformed variants of the real examples --------------------------------------------------------


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "text":  # narratives are many paths and are never read as data
                found.extend(_paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*path, index)))
    return found


_FUZZED = {name: _read(name) for name in ("Bundle-IPS-examples-Bundle-01.json", "Bundle-bundle-ips-all-sections.json",
                                          "Bundle-aups-basicsummary.json")}
_FUZZ_PATHS = {name: _paths(bundle) for name, bundle in _FUZZED.items()}
_JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                  st.just([]), st.just({}), st.just([{}]), st.just({"reference": "#x"}), st.just("urn:uuid:x"))


@st.composite
def _mutations(draw: st.DrawFn) -> tuple[str, list[tuple[tuple[Any, ...], Any]]]:
    name = draw(st.sampled_from(sorted(_FUZZED)))
    changes = draw(st.lists(st.tuples(st.sampled_from(_FUZZ_PATHS[name]), st.one_of(st.just("delete"), _JUNK)),
                            min_size=1, max_size=4))
    return name, changes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutations())
def test_malformed_real_example_gives_a_passport_or_an_import_error(
    mutation: tuple[str, list[tuple[tuple[Any, ...], Any]]],
) -> None:
    name, changes = mutation
    bundle = copy.deepcopy(_FUZZED[name])
    for path, value in changes:
        parent: Any = bundle
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this element
    try:
        result = from_ips(bundle)
    except PassportError as error:
        assert isinstance(error, FhirImportError)
        assert error.problems[0].path.startswith("Bundle")
    else:
        assert isinstance(result.passport, Passport)


# --- files that are not FHIR JSON ---------------------------------------------------------------------


def test_cli_import_of_fhir_xml_says_only_json_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "bundle.xml"
    bundle.write_text('<?xml version="1.0"?>\n<Bundle xmlns="http://hl7.org/fhir"><type value="document"/></Bundle>\n',
                      encoding="utf-8")
    assert cli.main(["import", "fhir", str(bundle)]) == 2
    err = capsys.readouterr().err
    assert "FHIR XML" in err
    assert len(err.strip().splitlines()) == 1


def test_cli_import_of_absurdly_nested_json_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "deep.json"
    bundle.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert cli.main(["import", "fhir", str(bundle)]) == 2
    err = capsys.readouterr().err
    assert "nested too deeply" in err
    assert len(err.strip().splitlines()) == 1
