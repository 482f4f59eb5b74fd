"""Specification: an IPS import degrades, never refuses, for faults that do not touch identity.

A dangling reference to a professional, a medicine or a section entry costs only what
it names, and is reported; only a document that cannot be a patient summary (not a
Bundle, no Composition, no Patient) is refused, saying why.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from rarepassport.fhir import FhirImportError, from_ips
from test_fhir_clinical_meaning import allergy, document, medication, reasons


def with_gp(bundle: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any]:
    bundle = copy.deepcopy(bundle)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient["generalPractitioner"] = [reference]
    return bundle



def test_an_unresolvable_gp_reference_keeps_its_display_name() -> None:
    result = from_ips(with_gp(document(), {"reference": "Practitioner/not-here", "display": "Dr Rhiannon Sample"}))
    [member] = result.passport.care_team
    assert (member.name, member.role) == ("Dr Rhiannon Sample", "GP")
    assert reasons(result, "Bundle.entry[1].resource.generalPractitioner[0].reference")


def test_an_unresolvable_gp_reference_without_a_display_is_reported_and_skipped() -> None:
    result = from_ips(with_gp(document(), {"reference": "Practitioner/not-here"}))
    assert result.passport.care_team == ()
    assert reasons(result, "Bundle.entry[1].resource.generalPractitioner[0].reference")


def test_a_dangling_section_entry_is_reported_and_the_rest_imported() -> None:
    bundle = document(allergy(), medication())
    bundle["entry"][0]["resource"]["section"][1]["entry"].append({"reference": "urn:uuid:not-here"})
    result = from_ips(bundle)
    assert [a.substance for a in result.passport.allergies] == ["Penicillin"]
    assert [m.name for m in result.passport.medications] == ["Hydrocortisone 10 mg tablet"]
    assert reasons(result, "Bundle.entry[0].resource.section[1].entry[1].reference")


def test_a_dangling_medication_reference_keeps_its_display_name() -> None:
    statement = medication(medicationReference={"reference": "Medication/not-here", "display": "Hydrocortisone"})
    del statement["medicationCodeableConcept"]
    result = from_ips(document(statement))
    assert [m.name for m in result.passport.medications] == ["Hydrocortisone"]
    assert reasons(result, "Bundle.entry[2].resource.medicationReference.reference")


def test_a_dangling_medication_reference_without_a_name_is_reported_not_invented() -> None:
    statement = medication(medicationReference={"reference": "#not-contained"})
    del statement["medicationCodeableConcept"]
    result = from_ips(document(statement))
    assert result.passport.medications == ()
    assert reasons(result, "Bundle.entry[2].resource.medicationReference.reference")


@pytest.mark.parametrize("kind", ["searchset", "collection"])
def test_a_searchset_or_collection_with_a_patient_summary_is_read_with_a_note(kind: str) -> None:
    bundle = {**document(allergy()), "type": kind}
    result = from_ips(bundle)
    assert [a.substance for a in result.passport.allergies] == ["Penicillin"]
    assert reasons(result, "Bundle.type")


@pytest.mark.parametrize("kind", ["searchset", "collection"])
def test_a_searchset_or_collection_without_a_patient_summary_is_refused(kind: str) -> None:
    bundle = document(allergy())
    bundle["type"] = kind
    bundle["entry"][0]["resource"]["type"] = {"coding": [{"system": "http://loinc.org", "code": "11488-4"}]}
    with pytest.raises(FhirImportError) as caught:
        from_ips(bundle)
    assert caught.value.problems[0].path == "Bundle.type"


@pytest.mark.parametrize("kind", ["transaction", "batch", "history", "message"])
def test_a_bundle_of_another_type_is_refused_saying_why(kind: str) -> None:
    with pytest.raises(FhirImportError) as caught:
        from_ips({**document(allergy()), "type": kind})
    assert "60591-5" in caught.value.problems[0].message


def test_a_dangling_subject_is_refused() -> None:
    bundle = document()
    bundle["entry"][0]["resource"]["subject"] = {"reference": "urn:uuid:not-here"}
    with pytest.raises(FhirImportError) as caught:
        from_ips(bundle)
    assert caught.value.problems[0].path == "Bundle.entry[0].resource.subject.reference"


@pytest.mark.parametrize("line_end", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_windows_line_ends_in_notes_are_read_as_line_breaks_not_refused(line_end: str) -> None:
    # Epic's and MEDITECH's connectathon documents write CR LF in notes, narratives and
    # addresses (tests/data/fhir/real-world/): the same line breaks, so read as LF.
    statement = medication(note=[{"text": f"Take with food.{line_end}Double on sick days."}])
    result = from_ips(document(statement))
    [imported] = result.passport.medications
    assert imported.notes == "Take with food.\nDouble on sick days."
    assert "\\r" not in repr(result.passport)

