"""Specification: an IPS import keeps clinical meaning, or reports what it left out.

Never changed: a criticality, a second reaction, a category, a status. Each test
builds the smallest IPS document that shows one behaviour (a fictional patient) and
reads the passport and the report back.
"""

from __future__ import annotations

import datetime
import warnings
from typing import Any

import pytest

import rarepassport
from rarepassport.fhir import ImportResult, from_ips, ips_subset, to_ips
from rarepassport.model import (
    AllergiesStatus,
    Allergy,
    AllergyCategory,
    Criticality,
    MedicationsStatus,
    Passport,
    Person,
    Severity,
)

TODAY = datetime.date(2026, 11, 27)
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
SECTIONS = {"AllergyIntolerance": "48765-2", "Condition": "11450-4", "MedicationStatement": "10160-0",
            "MedicationRequest": "10160-0", "Flag": "104605-1", "Immunization": "11369-6",
            "Procedure": "47519-4"}


def document(*resources: dict[str, Any]) -> dict[str, Any]:
    """An IPS document with one Patient and each resource cited by its section."""
    entries: list[dict[str, Any]] = [{"fullUrl": "urn:uuid:patient", "resource": {
        "resourceType": "Patient", "name": [{"family": "Example", "given": ["Ada"]}],
        "birthDate": "2015-03-02"}}]
    sections: dict[str, list[dict[str, str]]] = {}
    for index, resource in enumerate(resources):
        url = f"urn:uuid:r{index}"
        entries.append({"fullUrl": url, "resource": resource})
        sections.setdefault(SECTIONS[resource["resourceType"]], []).append({"reference": url})
    composition = {
        "resourceType": "Composition", "status": "final",
        "type": {"coding": [{"system": LOINC, "code": "60591-5"}]}, "subject": {"reference": "urn:uuid:patient"},
        "date": "2026-11-01", "title": "Patient summary",
        "section": [{"title": code, "code": {"coding": [{"system": LOINC, "code": code}]}, "entry": refs}
                    for code, refs in sections.items()],
    }
    return {"resourceType": "Bundle", "type": "document",
            "entry": [{"fullUrl": "urn:uuid:composition", "resource": composition}, *entries]}


def reasons(result: ImportResult, path: str) -> list[str]:
    return [item.reason for item in result.unmapped if item.path == path]


def allergy(**fields: Any) -> dict[str, Any]:
    return {"resourceType": "AllergyIntolerance", "code": {"text": "Penicillin"},
            "patient": {"reference": "urn:uuid:patient"}, **fields}


def medication(name: str = "Hydrocortisone 10 mg tablet", **fields: Any) -> dict[str, Any]:
    return {"resourceType": "MedicationStatement", "status": "active", "medicationCodeableConcept": {"text": name},
            "subject": {"reference": "urn:uuid:patient"}, **fields}


def condition(name: str = "Congenital adrenal hyperplasia", **fields: Any) -> dict[str, Any]:
    return {"resourceType": "Condition", "code": {"text": name}, "subject": {"reference": "urn:uuid:patient"},
            **fields}


def reaction(text: str, severity: str) -> dict[str, Any]:
    return {"manifestation": [{"text": text}], "severity": severity}


# --- allergies: criticality, every reaction, category --------------------------------------------


def test_high_criticality_is_kept_when_the_first_reaction_is_mild() -> None:
    result = from_ips(document(allergy(criticality="high", reaction=[reaction("Rash", "mild")])))
    [kept] = result.passport.allergies
    assert (kept.criticality, kept.severity) == (Criticality.HIGH, Severity.MILD)


def test_every_reaction_is_kept_and_the_worst_severity_is_the_allergys() -> None:
    result = from_ips(document(allergy(reaction=[reaction("Rash", "mild"), reaction("Anaphylaxis", "severe")])))
    [kept] = result.passport.allergies
    assert (kept.reaction, kept.severity) == ("Rash; Anaphylaxis", Severity.SEVERE)
    assert reasons(result, "Bundle.entry[2].resource.reaction")  # the differing severities are said


def test_allergy_category_is_kept() -> None:
    [kept] = from_ips(document(allergy(category=["medication", "biologic"]))).passport.allergies
    assert kept.categories == (AllergyCategory.MEDICATION, AllergyCategory.BIOLOGIC)


def test_an_unknown_category_or_criticality_is_reported_not_guessed() -> None:
    result = from_ips(document(allergy(category=["pollen"], criticality="very")))
    [kept] = result.passport.allergies
    assert (kept.categories, kept.criticality) == ((), None)
    assert reasons(result, "Bundle.entry[2].resource.category[0]")
    assert reasons(result, "Bundle.entry[2].resource.criticality")


def test_criticality_and_category_round_trip() -> None:
    passport = Passport(person=Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)), allergies=(
        Allergy(substance="Peanut", reaction="Hives", severity=Severity.MILD, criticality=Criticality.HIGH,
                categories=(AllergyCategory.FOOD,)),
        Allergy(substance="Wasp venom", severity=Severity.LIFE_THREATENING),
    ))
    back = from_ips(to_ips(passport, today=TODAY)).passport
    assert back == ips_subset(passport)
    assert back.allergies[0].criticality is Criticality.HIGH
    assert back.allergies[1].severity is Severity.LIFE_THREATENING


def test_high_criticality_is_shown_on_the_emergency_text() -> None:
    passport = Passport(person=Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)), allergies=(
        Allergy(substance="Peanut", reaction="Hives", severity=Severity.MILD, criticality=Criticality.HIGH),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = rarepassport.render(passport, "text", view="emergency", today=TODAY).decode()
    assert "Risk of a serious reaction" in text
    assert "High" in text


# --- entered in error: never imported, of any type -------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "where"),
    [
        (allergy(code={"coding": [{"system": SNOMED, "code": "716186003"}]},
                 verificationStatus={"coding": [{"system": ALLERGY_VERIFICATION, "code": "entered-in-error"}]}),
         "verificationStatus"),
        (allergy(verificationStatus={"coding": [{"system": ALLERGY_VERIFICATION, "code": "entered-in-error"}]}),
         "verificationStatus"),
        (condition(verificationStatus={"coding": [{"code": "entered-in-error"}]}), "verificationStatus"),
        (medication(status="entered-in-error"), "status"),
        ({"resourceType": "Flag", "status": "entered-in-error", "code": {"text": "Give steroids"}}, "status"),
        ({"resourceType": "Immunization", "status": "entered-in-error", "vaccineCode": {"text": "MMR"}}, "status"),
        ({"resourceType": "Procedure", "status": "entered-in-error", "code": {"text": "Appendicectomy"}}, "status"),
    ],
    ids=["no-known-allergy", "allergy", "condition", "medication", "flag", "immunization", "procedure"],
)
def test_an_entered_in_error_record_is_never_imported_and_is_reported(resource: dict[str, Any], where: str) -> None:
    result = from_ips(document(resource))
    passport = result.passport
    assert passport.allergies == () and passport.diagnoses == () and passport.medications == ()
    assert passport.emergency.summary is None and passport.history == type(passport.history)()
    assert passport.allergies_status is AllergiesStatus.UNKNOWN
    assert reasons(result, f"Bundle.entry[2].resource.{where}")


# --- flags and conditions that are no longer true ----------------------------------------------------


def test_an_inactive_flag_is_not_a_current_emergency_summary() -> None:
    result = from_ips(document({"resourceType": "Flag", "status": "inactive", "code": {"text": "Give steroids"}}))
    assert result.passport.emergency.summary is None
    assert reasons(result, "Bundle.entry[2].resource.status")


@pytest.mark.parametrize("status", ["resolved", "inactive", "remission"])
def test_a_condition_no_longer_current_is_left_out_and_reported(status: str) -> None:
    result = from_ips(document(condition(clinicalStatus={"coding": [{"system": CONDITION_CLINICAL,
                                                                     "code": status}]})))
    assert result.passport.diagnoses == ()
    assert reasons(result, "Bundle.entry[2].resource.clinicalStatus")


@pytest.mark.parametrize("status", ["active", "recurrence", "relapse"])
def test_a_current_condition_is_imported(status: str) -> None:
    result = from_ips(document(condition(clinicalStatus={"coding": [{"system": CONDITION_CLINICAL,
                                                                     "code": status}]})))
    assert [d.name for d in result.passport.diagnoses] == ["Congenital adrenal hyperplasia"]


# --- medication status -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["on-hold", "intended", "unknown", "stopped", "completed", "not-taken"])
def test_a_medicine_not_taken_now_is_left_out_and_reported(status: str) -> None:
    result = from_ips(document(medication(status=status)))
    assert result.passport.medications == ()
    assert result.passport.medications_status is MedicationsStatus.UNKNOWN
    [reason] = reasons(result, "Bundle.entry[2].resource.status")
    assert f"'{status}'" in reason


@pytest.mark.parametrize("status", ["on-hold", "draft", "unknown", "cancelled"])
def test_a_medication_request_not_in_force_is_left_out_and_reported(status: str) -> None:
    request = {"resourceType": "MedicationRequest", "status": status, "intent": "order",
               "medicationCodeableConcept": {"text": "Hydrocortisone"}, "subject": {"reference": "urn:uuid:patient"}}
    result = from_ips(document(request))
    assert result.passport.medications == ()
    assert reasons(result, "Bundle.entry[2].resource.status")


def test_an_active_medicine_is_imported() -> None:
    [kept] = from_ips(document(medication())).passport.medications
    assert kept.name == "Hydrocortisone 10 mg tablet"


# --- doses as a person writes them ------------------------------------------------------------------


def dose_of(*dose_and_rate: dict[str, Any], text: str | None = None) -> str | None:
    dosage: dict[str, Any] = {"doseAndRate": list(dose_and_rate)}
    if text is not None:
        dosage["text"] = text
    [kept] = from_ips(document(medication(dosage=[dosage]))).passport.medications
    return kept.dose


@pytest.mark.parametrize(
    ("quantity", "written"),
    [
        ({"value": 1.2e6, "unit": "units"}, "1200000 units"),
        ({"value": 5e-05, "system": "http://unitsofmeasure.org", "code": "g"}, "0.00005 g"),
        ({"value": 10.0, "unit": "mg"}, "10 mg"),
        ({"value": 2.50, "unit": "mL"}, "2.5 mL"),
        ({"value": 0.5, "system": "http://unitsofmeasure.org", "code": "mg"}, "0.5 mg"),
        ({"value": 100, "system": "http://unitsofmeasure.org", "code": "ug"}, "100 micrograms"),
        ({"value": 400, "system": "http://unitsofmeasure.org", "code": "[iU]"}, "400 international units"),
        ({"value": 1, "system": "http://unitsofmeasure.org", "code": "{tablet}"}, "1 tablet"),
        ({"value": 12345678901234567890, "unit": "units"}, "12345678901234567890 units"),
    ],
)
def test_a_dose_quantity_is_written_as_a_person_writes_it(quantity: dict[str, Any], written: str) -> None:
    assert dose_of({"doseQuantity": quantity}) == written


def test_a_dose_range_is_kept() -> None:
    assert dose_of({"doseRange": {"low": {"value": 1, "unit": "tablet"},
                                  "high": {"value": 2, "unit": "tablet"}}}) == "1–2 tablet"


def test_a_dose_quantity_beside_the_dosage_text_is_kept_with_it() -> None:
    assert dose_of({"doseQuantity": {"value": 10, "unit": "mg"}}, text="Take as directed") \
        == "Take as directed (10 mg)"


def test_a_dose_quantity_the_text_already_says_is_not_repeated() -> None:
    assert dose_of({"doseQuantity": {"value": 10, "unit": "mg"}}, text="10 mg") == "10 mg"


def test_a_dose_range_and_its_text_are_kept_together() -> None:
    assert dose_of({"doseRange": {"low": {"value": 5, "unit": "mg"}, "high": {"value": 10, "unit": "mg"}}},
                   text="Take with food") == "Take with food (5–10 mg)"


@pytest.mark.parametrize("quantity", [{"value": 1}, {"value": 1, "system": "http://unitsofmeasure.org", "code": "1"}])
def test_a_dose_without_a_unit_is_reported_not_shown(quantity: dict[str, Any]) -> None:
    dosage = {"text": "once daily", "doseAndRate": [{"doseQuantity": quantity}]}
    result = from_ips(document(medication(dosage=[dosage])))
    assert result.passport.medications[0].dose == "once daily"
    assert reasons(result, "Bundle.entry[2].resource.dosage[0].doseAndRate[0]")


def test_a_rate_is_reported() -> None:
    dosage = {"doseAndRate": [{"doseQuantity": {"value": 10, "unit": "mg"},
                               "rateQuantity": {"value": 1, "unit": "mL/h"}}]}
    result = from_ips(document(medication(dosage=[dosage])))
    assert result.passport.medications[0].dose == "10 mg"
    assert reasons(result, "Bundle.entry[2].resource.dosage[0].doseAndRate[0].rateQuantity")


# --- "No known ..." written as text -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["No known current medications", "No known medications", "nil known medicines"])
def test_no_known_medications_in_words_is_the_status_not_a_medicine(text: str) -> None:
    result = from_ips(document(medication(name=text)))
    assert result.passport.medications == ()
    assert result.passport.medications_status is MedicationsStatus.NONE
    assert reasons(result, "Bundle.entry[2].resource")


@pytest.mark.parametrize("text", ["No known problems", "No known current problems", "no known conditions"])
def test_no_known_problems_in_words_is_not_a_diagnosis(text: str) -> None:
    result = from_ips(document(condition(name=text)))
    assert result.passport.diagnoses == ()
    assert reasons(result, "Bundle.entry[2].resource")


def test_no_known_allergies_in_words_is_the_status_not_an_allergy() -> None:
    result = from_ips(document(allergy(code={"text": "No known allergies"})))
    assert result.passport.allergies == ()
    assert result.passport.allergies_status is AllergiesStatus.NONE_KNOWN


def test_no_known_drug_allergy_in_words_is_neither_an_allergy_nor_none_known() -> None:
    result = from_ips(document(allergy(code={"text": "No known drug allergy"})))
    assert result.passport.allergies == ()
    assert result.passport.allergies_status is AllergiesStatus.UNKNOWN
    assert reasons(result, "Bundle.entry[2].resource")


#: How publishers miswrite the system of a required status binding: the value set's URL
#: (US_Interoperability_Institute_Louis_Daniel_Saunders-IPS.json), FHIR STU3's URI, none.
WRONG_STATUS_SYSTEMS = ["http://hl7.org/fhir/ValueSet/{name}", "http://hl7.org/fhir/{name}", None]


def _status(system: str | None, name: str, code: str) -> dict[str, Any]:
    coding = {"code": code} if system is None else {"system": system.format(name=name), "code": code}
    return {"coding": [coding]}


@pytest.mark.parametrize("system", WRONG_STATUS_SYSTEMS)
def test_a_resolved_condition_whose_status_system_is_miswritten_is_not_made_current(system: str | None) -> None:
    result = from_ips(document(condition(clinicalStatus=_status(system, "condition-clinical", "resolved"))))
    assert result.passport.diagnoses == ()
    assert reasons(result, "Bundle.entry[2].resource.clinicalStatus")


@pytest.mark.parametrize("system", WRONG_STATUS_SYSTEMS)
def test_a_refuted_condition_or_allergy_whose_status_system_is_miswritten_is_not_imported(system: str | None) -> None:
    result = from_ips(document(
        condition(verificationStatus=_status(system, "condition-ver-status", "refuted")),
        allergy(verificationStatus=_status(system, "allergyintolerance-verification", "refuted"))))
    assert (result.passport.diagnoses, result.passport.allergies) == ((), ())
    assert reasons(result, "Bundle.entry[2].resource") == ["a refuted condition is not imported"]
    assert reasons(result, "Bundle.entry[3].resource") == ["a refuted allergy is not imported"]



def test_an_allergen_is_named_by_any_codings_display_before_a_bare_code() -> None:
    code = {"coding": [{"system": "http://snomed.info/sct", "code": "91935009"},
                       {"system": "http://example.org/local-allergens", "code": "PNT", "display": "Peanut"}]}
    [imported] = from_ips(document(allergy(code=code))).passport.allergies
    assert imported.substance == "Peanut"


def test_an_allergen_given_only_by_a_code_is_named_with_its_system_not_a_bare_number() -> None:
    # Verto Health's connectathon document (tests/data/fhir/real-world/CA_DAVE_DEBRONKART_VERTO.json).
    code = {"coding": [{"system": "http://snomed.info/sct", "code": "418770003"}]}
    [imported] = from_ips(document(allergy(code=code))).passport.allergies
    assert imported.substance == "SNOMED-CT 418770003"
    assert [(item.system, item.code) for item in imported.codes] == [("SNOMED-CT", "418770003")]
