"""FHIR Bulk Data NDJSON: batch export (one file per resource type) and import by patient.

Issue 13, point 4 (``rarepassport batch`` exports and imports). Through real files: N
passports exported to NDJSON, every line checked as a FHIR resource by ``fhir.resources``
(the FHIR R4B models, the independent validator tests/test_fhir_export.py uses), then
imported back and compared with what an IPS round trip keeps (``ips_subset``).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

import rarepassport
from rarepassport import batch
from rarepassport.fhir import bulk_patient_bundles, bulk_resources, from_ips, ips_subset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "examples" / name for name in
            ("child-several-diagnoses.json", "adult-undiagnosed.json", "non-english.json", "minimal.json")]
NAMES = ("Oliver Brennan", "Amara Okafor", "Jonas Lindqvist")


def _passports() -> list[dict[str, Any]]:
    """Seven distinct passports: the examples, and the largest with three other people."""
    out = [json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES]
    base = out[0]
    for index, name in enumerate(NAMES):
        data = copy.deepcopy(base)
        data["id"] = f"6a0e4b2c-0000-4000-8000-00000000000{index}"
        data["person"]["name"] = name
        out.append(data)
    return out


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "passports"
    folder.mkdir()
    for index, data in enumerate(_passports()):
        (folder / f"p{index}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def _lines(folder: Path) -> dict[str, list[dict[str, Any]]]:
    return {path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            for path in sorted(folder.glob("*.ndjson"))}


def test_every_ndjson_line_is_one_valid_resource_of_its_file_type(sources: Path, tmp_path: Path) -> None:
    summary = batch.run_batch([sources], tmp_path / "bulk", action="export", format="fhir-ndjson", progress=False)
    assert summary.failed == 0 and summary.ok == 7
    files = _lines(tmp_path / "bulk")
    assert len(files["Patient"]) == 7 and len(files["Composition"]) == 7
    assert not [p for p in (tmp_path / "bulk").iterdir() if p.name.startswith(".")]  # no partial file left
    ids: set[str] = set()
    for kind, resources in files.items():
        model = get_fhir_model_class(kind)
        for resource in resources:
            assert resource["resourceType"] == kind
            model.model_validate(resource)  # raises on anything FHIR R4B does not allow
            ids.add(f"{kind}/{resource['id']}")
            text = json.dumps(resource)
            assert "urn:uuid:" + resource["id"] not in text  # references stand alone: Type/id
    assert sum(len(r) for r in files.values()) == len(ids)  # no id twice
    manifest = json.loads(summary.manifest.read_text(encoding="utf-8"))
    assert {entry["url"]: entry["count"] for entry in manifest["ndjson"]} == {
        f"{kind}.ndjson": len(resources) for kind, resources in files.items()}


def test_a_bulk_export_imports_back_to_what_an_ips_round_trip_keeps(sources: Path, tmp_path: Path) -> None:
    batch.run_batch([sources], tmp_path / "bulk", action="export", format="fhir-ndjson", progress=False)
    summary = batch.run_batch([tmp_path / "bulk"], tmp_path / "back", action="import", format="fhir-ndjson",
                              progress=False)
    assert summary.failed == 0 and summary.ok == 7 and summary.notes == ()
    back = {rarepassport.load(tmp_path / "back" / result.output).person.name: rarepassport.load(
        tmp_path / "back" / result.output) for result in summary.results if result.output}
    for data in _passports():
        original = rarepassport.from_dict(data)
        assert back[original.person.name] == ips_subset(original)


def test_without_compositions_each_patient_still_gets_their_own_records(sources: Path, tmp_path: Path) -> None:
    # Another system's bulk export has no Composition: sections are made per resource type.
    batch.run_batch([sources], tmp_path / "bulk", action="export", format="fhir-ndjson", progress=False)
    (tmp_path / "bulk" / "Composition.ndjson").unlink()
    summary = batch.run_batch([tmp_path / "bulk"], tmp_path / "back", action="import", format="fhir-ndjson",
                              progress=False)
    assert summary.failed == 0
    for result in summary.results:
        got = rarepassport.load(tmp_path / "back" / str(result.output))
        original = next(ips_subset(rarepassport.from_dict(d)) for d in _passports()
                        if d["person"]["name"] == got.person.name)
        assert (got.person, got.diagnoses, got.allergies, got.medications) == (
            original.person, original.diagnoses, original.allergies, original.medications)


def test_a_resource_of_another_patient_is_never_pulled_into_a_bundle() -> None:
    resources: list[dict[str, Any]] = []
    for path in EXAMPLES[:2]:
        resources += bulk_resources(rarepassport.to_ips(rarepassport.load(path)))
    first, second = (r for r in resources if r["resourceType"] == "Patient")
    # One of the first patient's conditions wrongly cites the second patient's allergy.
    condition = next(r for r in resources if r["resourceType"] == "Condition"
                     and r["subject"]["reference"] == f"Patient/{first['id']}")
    allergy = next(r for r in resources if r["resourceType"] == "AllergyIntolerance"
                   and r["patient"]["reference"] == f"Patient/{second['id']}")
    condition.setdefault("evidence", []).append({"detail": [{"reference": f"AllergyIntolerance/{allergy['id']}"}]})
    groups, left = bulk_patient_bundles(resources)
    assert left == {}
    bundle = next(g.bundle for g in groups if g.patient == f"Patient/{first['id']}")
    assert bundle is not None
    inside = {f"{e['resource']['resourceType']}/{e['resource'].get('id')}" for e in bundle["entry"]}
    assert f"AllergyIntolerance/{allergy['id']}" not in inside
    assert f"Patient/{second['id']}" not in inside
    result = from_ips(bundle)
    assert result.passport.allergies == ips_subset(rarepassport.load(EXAMPLES[0])).allergies


def test_bad_lines_and_orphans_are_reported_and_the_rest_imported(sources: Path, tmp_path: Path) -> None:
    batch.run_batch([sources], tmp_path / "bulk", action="export", format="fhir-ndjson", progress=False)
    with (tmp_path / "bulk" / "Observation.ndjson").open("a", encoding="utf-8") as out:
        out.write('{"resourceType": "Observation", "id": "orphan", "status": "final", '
                  '"code": {"text": "x"}, "subject": {"reference": "Patient/nobody"}}\n')
        out.write("{not json\n")
        out.write('{"resourceType": "Observation"}\n')
    summary = batch.run_batch([tmp_path / "bulk"], tmp_path / "back", action="import", format="fhir-ndjson",
                              progress=False)
    assert summary.ok == 7 and summary.failed == 2
    failed = [r for r in summary.results if r.status == "failed"]
    assert [r.source.rsplit(":", 1)[1] for r in failed] == [str(n) for n in _count_lines_before_bad(tmp_path)]
    assert all("not json" not in (r.error or "") for r in failed)  # no input text in errors
    assert summary.notes == ("1 Observation resource(s) name no Patient of the input and were not imported",)


def _count_lines_before_bad(tmp_path: Path) -> list[int]:
    total = len((tmp_path / "bulk" / "Observation.ndjson").read_text(encoding="utf-8").splitlines())
    return [total - 1, total]


def test_two_passports_with_one_id_never_merge_into_one_patient(sources: Path, tmp_path: Path) -> None:
    twin = json.loads((sources / "p4.json").read_text(encoding="utf-8"))
    twin["person"]["name"] = "Someone Else"
    (sources / "p9.json").write_text(json.dumps(twin), encoding="utf-8")
    summary = batch.run_batch([sources], tmp_path / "bulk", action="export", format="fhir-ndjson", progress=False)
    failed = [r for r in summary.results if r.status == "failed"]
    assert [Path(r.source).name for r in failed] == ["p9.json"]
    assert "same id" in (failed[0].error or "") and "Someone" not in (failed[0].error or "")
    names = [p["name"][0]["text"] if "text" in p["name"][0] else p["name"][0].get("family")
             for p in _lines(tmp_path / "bulk")["Patient"]]
    assert len(names) == 7


def test_a_second_export_leaves_no_stale_file_of_the_first(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "bulk"
    batch.run_batch([sources], out, action="export", format="fhir-ndjson", progress=False)
    assert (out / "Immunization.ndjson").exists()
    only_minimal = tmp_path / "minimal"
    only_minimal.mkdir()
    (only_minimal / "m.json").write_text((sources / "p3.json").read_text(encoding="utf-8"), encoding="utf-8")
    batch.run_batch([only_minimal], out, action="export", format="fhir-ndjson", progress=False)
    assert not (out / "Immunization.ndjson").exists()
    assert sorted(p.name for p in out.glob("*.ndjson")) == sorted(
        e["url"] for e in json.loads((out / "manifest.json").read_text())["ndjson"])


def test_ips_bundles_out_and_back_in_a_zip(sources: Path, tmp_path: Path) -> None:
    summary = batch.run_batch([sources], tmp_path / "ips.zip", action="export", format="fhir", progress=False)
    assert summary.ok == 7
    with zipfile.ZipFile(tmp_path / "ips.zip") as archive:
        names = sorted(n for n in archive.namelist() if n != "manifest.json")
        assert names == [f"p{i}.json" for i in range(7)]
        Bundle = get_fhir_model_class("Bundle")
        for name in names:
            Bundle.model_validate(json.loads(archive.read(name)))
    back = batch.run_batch([tmp_path / "ips.zip"], tmp_path / "back", action="import", format="fhir", progress=False)
    assert back.ok == 7 and back.failed == 0
    for index, data in enumerate(_passports()):
        got = rarepassport.load(tmp_path / "back" / f"p{index}.json")
        assert got == ips_subset(rarepassport.from_dict(data))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rarepassport", *args], capture_output=True, text=True)


def test_the_batch_command_exports_and_imports_with_the_json_report(sources: Path, tmp_path: Path) -> None:
    result = _cli("batch", str(sources), "-o", str(tmp_path / "bulk"), "--export", "fhir-ndjson")
    assert result.returncode == 0, result.stderr
    (tmp_path / "bulk" / "Extra.ndjson").write_text("{broken\n", encoding="utf-8")
    result = _cli("--output-format", "json", "batch", str(tmp_path / "bulk"), "-o", str(tmp_path / "back"),
                  "--import", "fhir-ndjson")
    assert result.returncode == 1  # one line failed, the rest imported
    report = json.loads(result.stdout)
    assert report["command"] == "batch"
    statuses = sorted(r["status"] for r in report["results"])
    assert statuses == ["error"] + ["ok"] * 7
    bad = next(r for r in report["results"] if r["status"] == "error")
    assert bad["file"].endswith("Extra.ndjson:1") and "broken" not in bad["error"]
    assert len(list((tmp_path / "back").glob("Patient-*.json"))) == 7
    assert not [p for p in (tmp_path / "back").iterdir() if p.name.startswith(".")]  # atomic: no partial files
    result = _cli("batch", str(sources), "-o", str(tmp_path / "x"), "--export", "fhir", "--import", "fhir")
    assert result.returncode == 2 and "not both" in result.stderr


def test_a_resource_given_twice_with_different_content_fails_its_patient_alone() -> None:
    first = bulk_resources(rarepassport.to_ips(rarepassport.load(EXAMPLES[0])))
    second = bulk_resources(rarepassport.to_ips(rarepassport.load(EXAMPLES[1])))
    allergy = next(r for r in first if r["resourceType"] == "AllergyIntolerance")
    changed = copy.deepcopy(allergy)
    changed["criticality"] = "low" if allergy.get("criticality") != "low" else "high"
    groups, _ = bulk_patient_bundles([*first, changed, *second])
    by_patient = {group.patient: group for group in groups}
    owner = allergy["patient"]["reference"]
    assert by_patient[owner].bundle is None
    assert f"AllergyIntolerance/{allergy['id']}" in (by_patient[owner].error or "")
    assert [g.error for g in groups if g.patient != owner] == [None]  # the other patient is imported
    # The same resource twice, identical, is one resource.
    groups, _ = bulk_patient_bundles([*first, copy.deepcopy(allergy), *second])
    assert all(group.error is None for group in groups)


def test_two_documents_of_one_patient_are_not_mixed_into_one_passport() -> None:
    resources = bulk_resources(rarepassport.to_ips(rarepassport.load(EXAMPLES[0])))
    again = copy.deepcopy(next(r for r in resources if r["resourceType"] == "Composition"))
    again["id"] = "another-document"
    groups, _ = bulk_patient_bundles([*resources, again])
    assert groups[0].bundle is None and "2 Compositions" in (groups[0].error or "")
