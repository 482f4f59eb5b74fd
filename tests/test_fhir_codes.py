"""Specification: codes keep their identity through an IPS import and export.

ICD-10-CM is not ICD-10; SNOMED CT given by its OID is SNOMED CT; an Orphanet code has
exactly one ``ORPHA:`` prefix however the sender spelled it; a system rarepassport does
not know stays the absolute URI it came as, and every one of them round-trips.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import rarepassport
from rarepassport import to_dict
from rarepassport.fhir import from_ips, ips_subset, to_ips
from rarepassport.model import Coding, Diagnosis, Passport, Person
from test_fhir_clinical_meaning import condition, document

TODAY = datetime.date(2026, 11, 27)


def imported_codes(*codings: dict[str, Any]) -> list[tuple[str, str]]:
    result = from_ips(document(condition(code={"text": "A condition", "coding": list(codings)})))
    [diagnosis] = result.passport.diagnoses
    return [(code.system, code.code) for code in diagnosis.codes]


def passport_with(*codes: Coding) -> Passport:
    return Passport(person=Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)),
                    diagnoses=(Diagnosis(name="A condition", codes=codes),))


def exported_codings(passport: Passport) -> list[tuple[str, str]]:
    bundle = to_ips(passport, today=TODAY)
    [resource] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Condition"]
    return [(item["system"], item["code"]) for item in resource["code"]["coding"]]


def test_icd_10_cm_is_not_relabelled_icd_10() -> None:
    codes = imported_codes({"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E27.1"})
    assert codes == [("http://hl7.org/fhir/sid/icd-10-cm", "E27.1")]


def test_icd_10_cm_is_re_exported_as_icd_10_cm() -> None:
    passport = from_ips(document(condition(code={"text": "x", "coding": [
        {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E27.1"}]}))).passport
    assert exported_codings(passport) == [("http://hl7.org/fhir/sid/icd-10-cm", "E27.1")]


@pytest.mark.parametrize(
    ("oid", "system"),
    [
        ("urn:oid:2.16.840.1.113883.6.96", "SNOMED-CT"),
        ("urn:oid:2.16.840.1.113883.6.1", "LOINC"),
        ("urn:oid:2.16.840.1.113883.6.3", "ICD-10"),
        ("urn:oid:2.16.840.1.113883.6.88", "RxNorm"),
        ("urn:oid:2.16.840.1.113883.6.73", "ATC"),
        ("urn:oid:2.16.840.1.113883.6.90", "http://hl7.org/fhir/sid/icd-10-cm"),
    ],
)
def test_a_system_given_by_its_oid_is_read_as_its_canonical_system(oid: str, system: str) -> None:
    assert imported_codes({"system": oid, "code": "X1"}) == [(system, "X1")]


def test_a_code_given_by_oid_is_exported_under_the_canonical_uri() -> None:
    passport = passport_with(Coding(system="urn:oid:2.16.840.1.113883.6.96", code="22298006"))
    assert exported_codings(passport) == [("http://snomed.info/sct", "22298006")]


def test_an_oid_fhir_does_not_list_is_kept_as_it_came() -> None:
    assert imported_codes({"system": "urn:oid:2.16.724.4.8.10.200.10", "code": "42"}) \
        == [("urn:oid:2.16.724.4.8.10.200.10", "42")]


@pytest.mark.parametrize("code", ["558", "ORPHA:558", "orphanet:558", "Orphanet_558", "ORPHANET:558", "orpha:558"])
def test_an_orphanet_code_gets_exactly_one_prefix(code: str) -> None:
    assert imported_codes({"system": "http://www.orpha.net", "code": code}) == [("ORPHA", "ORPHA:558")]


@pytest.mark.parametrize("code", ["154700", "OMIM:154700", "MIM:154700", "mim#154700"])
def test_an_omim_code_gets_exactly_one_prefix(code: str) -> None:
    assert imported_codes({"system": "https://omim.org", "code": code}) == [("OMIM", "OMIM:154700")]


def test_an_imported_orphanet_code_is_valid_in_the_passport() -> None:
    passport = from_ips(document(condition(code={"text": "x", "coding": [
        {"system": "http://www.orpha.net", "code": "orphanet:558"}]}))).passport
    report = rarepassport.validate(to_dict(passport), today=TODAY)
    assert [issue for issue in report if "codes" in issue.path] == []


@pytest.mark.parametrize(
    "coding",
    [
        Coding(system="ORPHA", code="ORPHA:558", display="Marfan syndrome"),
        Coding(system="OMIM", code="OMIM:154700"),
        Coding(system="HPO", code="HP:0001166"),
        Coding(system="ICD-10", code="E27.1"),
        Coding(system="ICD-11", code="5A74.0"),
        Coding(system="SNOMED-CT", code="22298006"),
        Coding(system="LOINC", code="2160-0"),
        Coding(system="ATC", code="H02AB09"),
        Coding(system="dm+d", code="39720311000001101"),
        Coding(system="RxNorm", code="5492"),
        Coding(system="http://hl7.org/fhir/sid/icd-10-cm", code="E27.1"),
        Coding(system="https://example.org/local-codes", code="LP-204"),
        Coding(system="urn:oid:1.2.3.999", code="7"),
    ],
    ids=lambda coding: coding.system,
)
def test_every_coding_system_round_trips(coding: Coding) -> None:
    passport = passport_with(coding)
    back = from_ips(to_ips(passport, today=TODAY)).passport
    assert back == ips_subset(passport)
    assert back.diagnoses[0].codes == (coding,)
