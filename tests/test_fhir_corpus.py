"""Specification: each published IPS document imports exactly as its expectation file says.

``tests/data/fhir/real-world/expected/<bundle>`` holds, for each bundle of the corpus,
the passport the import must give (``imported``, in the canonical JSON form) and every
element it must report (``reported``: FHIR path and reason), or the error it must be
refused with (``refused``). Nothing else may change: a change to the importer that
alters one word of any imported passport, or one line of any report, fails here and
is reviewed by updating the file (``python tests/test_fhir_corpus.py --update``, then
reading the diff as a clinician would).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from rarepassport import to_dict
from rarepassport.fhir import FhirImportError, from_ips

REAL = Path(__file__).parent / "data" / "fhir" / "real-world"
EXPECTED = REAL / "expected"
BUNDLES = sorted(path.name for path in REAL.glob("*.json"))


def outcome(name: str) -> dict[str, Any]:
    """What importing one bundle gives, in the expectation files' form."""
    bundle = json.loads((REAL / name).read_text(encoding="utf-8"))
    try:
        result = from_ips(bundle)
    except FhirImportError as error:
        return {"refused": [[problem.path, problem.message] for problem in error.problems]}
    return {
        "imported": to_dict(result.passport),
        "reported": [[item.path, item.reason] for item in result.unmapped],
    }


def test_every_bundle_has_an_expectation_file_and_every_file_a_bundle() -> None:
    assert sorted(path.name for path in EXPECTED.glob("*.json")) == BUNDLES


@pytest.mark.parametrize("name", BUNDLES)
def test_the_bundle_imports_exactly_as_expected(name: str) -> None:
    expected = json.loads((EXPECTED / name).read_text(encoding="utf-8"))
    assert outcome(name) == expected


@pytest.mark.parametrize("name", BUNDLES)
def test_nothing_in_the_bundle_is_dropped_without_a_report(name: str) -> None:
    """Every resource of the bundle is either imported (cited by a section and read) or
    named in the report: a silent drop would show as neither."""
    result = outcome(name)
    if "refused" in result:
        return
    bundle = json.loads((REAL / name).read_text(encoding="utf-8"))
    reported = {path for path, _ in result["reported"]}
    cited = set()
    for section in bundle["entry"][0]["resource"].get("section", []):
        cited.update(entry.get("reference") for entry in section.get("entry", []))
    for index, entry in enumerate(bundle["entry"]):
        path = f"Bundle.entry[{index}].resource"
        if index == 0 or entry["resource"]["resourceType"] == "Patient":
            continue
        named = any(p == path or p.startswith(path + ".") for p in reported)
        assert named or entry.get("fullUrl") in cited or _referenced(bundle, entry), path


def _referenced(bundle: dict[str, Any], entry: dict[str, Any]) -> bool:
    resource = entry["resource"]
    names = {entry.get("fullUrl"), f"{resource['resourceType']}/{resource.get('id')}"}
    text = json.dumps(bundle)
    return any(name and f'"{name}"' in text.replace(json.dumps(entry), "") for name in names)


def _update() -> None:
    EXPECTED.mkdir(exist_ok=True)
    for name in BUNDLES:
        text = json.dumps(outcome(name), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        (EXPECTED / name).write_text(text, encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    _update()
