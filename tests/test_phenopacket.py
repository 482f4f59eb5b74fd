"""Specification of the GA4GH Phenopacket v2 export (rarepassport.phenopacket).

Every phenopacket is read back by the ``phenopackets`` package's protobuf classes, the
reference implementation of the schema, so an unknown field or a wrong enum value fails.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.json_format import Parse
from hypothesis import HealthCheck, given, settings
from phenopackets import Phenopacket

import rarepassport
from helpers.strategies import passports
from rarepassport import cli
from rarepassport.model import (
    Coding,
    Diagnosis,
    DiagnosisStatus,
    Feature,
    GeneticFinding,
    Passport,
    Person,
    Sex,
    Zygosity,
)
from rarepassport.phenopacket import to_phenopacket

RICH = Path(__file__).parent / "data" / "fhir" / "rich_passport.json"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = datetime.date(2026, 11, 27)


def _parse(packet: dict[str, Any]) -> Phenopacket:
    return Parse(json.dumps(packet), Phenopacket())


def _person(**kwargs: Any) -> Person:
    return Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2), **kwargs)


@pytest.fixture(scope="module")
def rich_packet() -> dict[str, Any]:
    return to_phenopacket(rarepassport.load(RICH), today=TODAY)


def test_rich_passport_gives_a_phenopacket_the_schema_accepts(rich_packet: dict[str, Any]) -> None:
    message = _parse(rich_packet)
    assert message.meta_data.phenopacket_schema_version == "2.0"


def test_every_example_gives_a_phenopacket_the_schema_accepts(example_path: Path) -> None:
    _parse(to_phenopacket(rarepassport.load(example_path), today=TODAY))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(passports())
def test_any_passport_gives_a_phenopacket_the_schema_accepts(passport: Passport) -> None:
    _parse(to_phenopacket(passport, today=TODAY))


def test_subject_has_an_age_and_sex_but_no_date_of_birth(rich_packet: dict[str, Any]) -> None:
    # TODAY is 27 November 2026; born 2 March 2015.
    assert rich_packet["subject"]["timeAtLastEncounter"] == {"age": {"iso8601duration": "P11Y8M"}}
    assert rich_packet["subject"]["sex"] == "FEMALE"
    assert "dateOfBirth" not in rich_packet["subject"]
    assert "2015-03-02" not in json.dumps(rich_packet)
    assert _parse(rich_packet).subject.time_at_last_encounter.age.iso8601duration == "P11Y8M"


def test_ids_are_random_and_not_derived_from_the_passport_id() -> None:
    passport = rarepassport.load(RICH)
    assert passport.id
    first, second = to_phenopacket(passport, today=TODAY), to_phenopacket(passport, today=TODAY)
    for packet in (first, second):
        assert passport.id not in json.dumps(packet)
    assert first["id"] != second["id"] and first["subject"]["id"] != second["subject"]["id"]


def test_feature_notes_are_left_out_without_identity() -> None:
    passport = Passport(person=_person(), diagnoses=(Diagnosis(
        name="Dravet syndrome", features=(Feature(name="Seizures", hpo="HP:0001250", notes="At St Anne's school"),)),))
    assert "St Anne" not in json.dumps(to_phenopacket(passport, today=TODAY))
    assert "St Anne" in json.dumps(to_phenopacket(passport, today=TODAY, identifiable=True))


def test_an_identifiable_export_has_the_date_of_birth_and_the_passport_id(rich_packet: dict[str, Any]) -> None:
    passport = rarepassport.load(RICH)
    packet = to_phenopacket(passport, today=TODAY, identifiable=True)
    assert packet["subject"]["dateOfBirth"] == "2015-03-02T00:00:00Z"
    assert "timeAtLastEncounter" not in packet["subject"]
    assert packet["id"] == passport.id and packet["subject"]["id"] == f"{passport.id}-subject"
    _parse(packet)


@pytest.mark.parametrize(("born", "on", "age"), [
    (datetime.date(2015, 3, 2), datetime.date(2026, 3, 2), "P11Y0M"),
    (datetime.date(2015, 3, 2), datetime.date(2026, 3, 1), "P10Y11M"),
    (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), "P0Y1M"),
    (datetime.date(2026, 1, 31), datetime.date(2026, 2, 27), "P0Y0M"),
    (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28), "P1Y0M"),
    (datetime.date(2026, 11, 27), datetime.date(2026, 11, 27), "P0Y0M"),
])
def test_age_is_whole_years_and_months(born: datetime.date, on: datetime.date, age: str) -> None:
    from rarepassport.phenopacket import age_duration

    assert age_duration(born, on) == age


@pytest.mark.parametrize(("sex", "expected"), [
    (Sex.MALE, "MALE"), (Sex.INTERSEX, "OTHER_SEX"), (Sex.OTHER, "OTHER_SEX"), (Sex.UNKNOWN, "UNKNOWN_SEX"),
    (None, "UNKNOWN_SEX"),
])
def test_sex_maps_to_the_phenopacket_sex(sex: Sex | None, expected: str) -> None:
    packet = to_phenopacket(Passport(person=_person(sex=sex)), today=TODAY)
    assert packet["subject"]["sex"] == expected


def test_features_with_hpo_ids_become_phenotypic_features(rich_packet: dict[str, Any]) -> None:
    assert rich_packet["phenotypicFeatures"] == [
        {"type": {"id": "HP:0001943", "label": "Hypoglycaemia when unwell"}},
        {"type": {"id": "HP:0001263", "label": "Global developmental delay"}},
    ]
    identifiable = to_phenopacket(rarepassport.load(RICH), today=TODAY, identifiable=True)
    assert identifiable["phenotypicFeatures"][0]["description"] == "Worse with vomiting"


def test_features_without_hpo_ids_are_left_out(rich_packet: dict[str, Any]) -> None:
    labels = [feature["type"]["label"] for feature in rich_packet["phenotypicFeatures"]]
    assert "Lethargy" not in labels


def test_orphanet_code_makes_the_disease(rich_packet: dict[str, Any]) -> None:
    assert rich_packet["diseases"] == [{"term": {"id": "ORPHA:42", "label": "MCAD deficiency"}}]


def test_confirmed_diagnosis_with_variant_is_solved_with_a_causative_variant(rich_packet: dict[str, Any]) -> None:
    interpretation = rich_packet["interpretations"][0]
    assert interpretation["progressStatus"] == "SOLVED"
    [genomic] = interpretation["diagnosis"]["genomicInterpretations"]
    assert genomic["interpretationStatus"] == "CAUSATIVE"
    descriptor = genomic["variantInterpretation"]["variationDescriptor"]
    assert descriptor["geneContext"]["symbol"] == "ACADM"
    assert descriptor["expressions"] == [{"syntax": "hgvs.c", "value": "c.985A>G"}]
    assert descriptor["allelicState"] == {"id": "GENO:0000136", "label": "homozygous"}


def test_suspected_diagnosis_with_a_gene_only_is_in_progress_with_a_candidate_gene() -> None:
    diagnosis = Diagnosis(name="Dravet syndrome", status=DiagnosisStatus.SUSPECTED,
                          codes=(Coding(system="OMIM", code="OMIM:607208"),),
                          genetics=(GeneticFinding(gene="SCN1A", zygosity=Zygosity.HETEROZYGOUS),))
    packet = to_phenopacket(Passport(person=_person(), diagnoses=(diagnosis,)), today=TODAY)
    [interpretation] = packet["interpretations"]
    assert interpretation["progressStatus"] == "IN_PROGRESS"
    assert interpretation["diagnosis"]["genomicInterpretations"] == [
        {"subjectOrBiosampleId": packet["subject"]["id"], "interpretationStatus": "CANDIDATE",
         "gene": {"valueId": "SCN1A", "symbol": "SCN1A"}}]
    _parse(packet)


@pytest.mark.parametrize("status", [DiagnosisStatus.SUSPECTED, DiagnosisStatus.PROVISIONAL])
def test_a_diagnosis_not_confirmed_is_not_a_disease_but_an_interpretation_in_progress(
        status: DiagnosisStatus) -> None:
    diagnosis = Diagnosis(name="Marfan syndrome", status=status, codes=(Coding(system="ORPHA", code="ORPHA:558"),))
    packet = to_phenopacket(Passport(person=_person(), diagnoses=(diagnosis,)), today=TODAY)
    assert "diseases" not in packet
    [interpretation] = packet["interpretations"]
    assert interpretation["progressStatus"] == "IN_PROGRESS"
    assert interpretation["diagnosis"]["disease"]["id"] == "ORPHA:558"
    _parse(packet)


def test_a_confirmed_diagnosis_is_a_disease() -> None:
    diagnosis = Diagnosis(name="Marfan syndrome", codes=(Coding(system="ORPHA", code="ORPHA:558"),))
    packet = to_phenopacket(Passport(person=_person(), diagnoses=(diagnosis,)), today=TODAY)
    assert [disease["term"]["id"] for disease in packet["diseases"]] == ["ORPHA:558"]


def test_undiagnosed_condition_gives_an_unsolved_interpretation() -> None:
    diagnosis = Diagnosis(name="Syndrome without a name", status=DiagnosisStatus.UNDIAGNOSED,
                          features=(Feature(name="Seizures", hpo="HP:0001250"),))
    packet = to_phenopacket(Passport(person=_person(), diagnoses=(diagnosis,)), today=TODAY)
    assert [i["progressStatus"] for i in packet["interpretations"]] == ["UNSOLVED"]
    assert "diseases" not in packet


def test_passport_with_no_diagnosis_gives_an_unsolved_interpretation() -> None:
    packet = to_phenopacket(Passport(person=_person()), today=TODAY)
    assert [i["progressStatus"] for i in packet["interpretations"]] == ["UNSOLVED"]


def test_undiagnosed_example_is_unsolved() -> None:
    packet = to_phenopacket(rarepassport.load(EXAMPLES / "adult-undiagnosed.json"), today=TODAY)
    assert "UNSOLVED" in [i["progressStatus"] for i in packet["interpretations"]]


def test_metadata_names_creator_and_every_ontology_used(rich_packet: dict[str, Any]) -> None:
    meta = rich_packet["metaData"]
    assert meta["created"] == "2026-11-27T00:00:00Z"
    assert meta["createdBy"].startswith("rarepassport ")
    assert {r["namespacePrefix"] for r in meta["resources"]} == {"HP", "ORPHA", "GENO"}


def test_phenopacket_holds_nothing_that_identifies_the_person(rich_packet: dict[str, Any]) -> None:
    text = json.dumps(rich_packet)
    for value in ("Ada Example", "9434765919", "Example Street", "family@example.org"):
        assert value not in text


def test_phenopacket_exporter_is_registered() -> None:
    exporter = rarepassport.default_plugin_manager().exporters["phenopacket"]
    data = exporter.export(rarepassport.load(RICH), plugins=rarepassport.default_plugin_manager())
    _parse(json.loads(data))


def test_cli_export_phenopacket_writes_a_phenopacket(tmp_path: Path) -> None:
    out = tmp_path / "packet.json"
    assert cli.main(["export", "phenopacket", str(RICH), "-o", str(out)]) == 0
    packet = json.loads(out.read_text(encoding="utf-8"))
    _parse(packet)
    assert "dateOfBirth" not in packet["subject"]


def test_cli_export_phenopacket_identifiable_has_the_date_of_birth(tmp_path: Path) -> None:
    out = tmp_path / "packet.json"
    assert cli.main(["export", "phenopacket", str(RICH), "--identifiable", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["subject"]["dateOfBirth"] == "2015-03-02T00:00:00Z"


def test_cli_identifiable_is_refused_for_other_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "fhir", str(RICH), "--identifiable", "-o", str(tmp_path / "b.json")]) == 2
    assert "phenopacket export only" in capsys.readouterr().err
