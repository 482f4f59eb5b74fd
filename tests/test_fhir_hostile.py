"""FHIR exchange with hostile or careless bundles: types checked, photos inline only,
bounded, and every exported narrative well-formed XHTML.

Values of the wrong type are reported per field by their FHIR path and never coerced
(``"value": true`` is not 1 kg); a bundle that refers to itself terminates.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import enum
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import pytest
from PIL import Image

import rarepassport as rp
from helpers.examples import example_files
from rarepassport.fhir import FhirImportError, from_ips, to_ips

DATA = Path(__file__).parent / "data" / "fhir"
RICH = DATA / "rich_passport.json"
TODAY = dt.date(2026, 11, 27)
WEIGHT_LOINC = "29463-7"


def bundle_of(passport: rp.Passport) -> dict[str, Any]:
    return copy.deepcopy(to_ips(passport, today=TODAY))


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def weight_observation(bundle: dict[str, Any]) -> dict[str, Any]:
    return next(
        obs for obs in resources(bundle, "Observation")
        if any(coding.get("code") == WEIGHT_LOINC for coding in obs["code"].get("coding", []))
    )


@pytest.fixture
def rich() -> rp.Passport:
    return rp.load(RICH)


# --- numbers are numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, "12", {"value": 12}, [12], None])
def test_a_weight_that_is_not_a_number_is_reported_never_coerced(rich: rp.Passport, value: object) -> None:
    assert rich.person.weight is not None
    bundle = bundle_of(rich)
    weight_observation(bundle)["valueQuantity"]["value"] = value
    result = from_ips(bundle)
    assert result.passport.person.weight is None
    assert any(item.path.endswith("valueQuantity.value") for item in result.unmapped), result.unmapped


def test_a_weight_too_large_for_a_float_is_refused(rich: rp.Passport) -> None:
    bundle = bundle_of(rich)
    weight_observation(bundle)["valueQuantity"]["value"] = 10**400
    with pytest.raises(FhirImportError, match="digits"):
        from_ips(bundle)


def test_a_dose_quantity_of_true_is_not_one_unit(rich: rp.Passport) -> None:
    bundle = bundle_of(rich)
    statement = resources(bundle, "MedicationStatement")[0]
    statement["dosage"] = [{"doseAndRate": [{"doseQuantity": {"value": True, "unit": "mg"}}]}]
    result = from_ips(bundle)
    doses = [medication.dose for medication in result.passport.medications]
    assert "1 mg" not in doses
    assert any("doseAndRate" in item.path for item in result.unmapped)


# --- photos ------------------------------------------------------------------------------------


def test_a_photo_url_is_not_imported_and_is_reported(rich: rp.Passport) -> None:
    bundle = bundle_of(rich)
    resources(bundle, "Patient")[0]["photo"] = [{"url": "/home/someone/private.png"}]
    result = from_ips(bundle)
    assert result.passport.person.photo is None
    assert any(item.path.endswith("photo[0].url") for item in result.unmapped)


def test_an_inline_photo_travels_both_ways(rich: rp.Passport) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    passport = attrs.evolve(rich, person=attrs.evolve(rich.person, photo=uri))
    patient = resources(bundle_of(passport), "Patient")[0]
    assert patient["photo"] == [{"contentType": "image/png", "data": uri.split(",", 1)[1]}]
    assert from_ips(bundle_of(passport)).passport.person.photo == uri


def test_a_photo_path_is_not_exported(rich: rp.Passport) -> None:
    passport = attrs.evolve(rich, person=attrs.evolve(rich.person, photo="ada.png"))
    assert "photo" not in resources(bundle_of(passport), "Patient")[0]


# --- bounded -----------------------------------------------------------------------------------------


def test_a_self_referencing_bundle_terminates(rich: rp.Passport) -> None:
    bundle = bundle_of(rich)
    patient = resources(bundle, "Patient")[0]
    patient["extension"] = [patient]
    with pytest.raises(FhirImportError, match="nested too deeply"):
        from_ips(bundle)


def test_resources_that_refer_to_each_other_terminate(rich: rp.Passport) -> None:
    bundle = bundle_of(rich)
    first, second = resources(bundle, "Observation")[:2]
    first["hasMember"] = [{"reference": f"Observation/{second['id']}"}]
    second["hasMember"] = [{"reference": f"Observation/{first['id']}"}]
    from_ips(bundle)  # ends, with whatever it could not map reported


def test_a_ten_thousand_deep_bundle_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"resourceType": "Bundle", "entry": ' + "[" * 10_000 + "]" * 10_000 + "}")
    from rarepassport.cli import main

    assert main(["import", "fhir", str(path)]) == 2
    assert "nested too deeply" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["Ada\x1b[2J", "Ada \u202e01\u202c"], ids=["escape", "right-to-left override"])
def test_control_characters_in_a_bundle_are_refused_with_their_path(rich: rp.Passport, text: str) -> None:
    bundle = bundle_of(rich)
    resources(bundle, "Patient")[0]["name"][0]["text"] = text
    code = "U+001B" if "\x1b" in text else "U+202E"  # an override shows "01" as "10" (H135)
    with pytest.raises(FhirImportError) as refused:
        from_ips(bundle)
    assert any(code in problem.message and ".name[0].text" in problem.path for problem in refused.value.problems)


# --- narratives are well-formed XHTML ------------------------------------------------------------------


def narratives(bundle: dict[str, Any]) -> list[str]:
    divs = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for section in resource.get("section", []):
            divs.append(section["text"]["div"])
        if isinstance(resource.get("text"), dict):
            divs.append(resource["text"]["div"])
    return divs


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.name)
def test_every_narrative_of_every_example_is_well_formed_xhtml(path: Path) -> None:
    divs = narratives(to_ips(rp.load(path), today=TODAY))
    assert divs
    for div in divs:
        ET.fromstring(div)


def _with_controls(value: Any) -> Any:
    """Every text of a passport with ESC, BEL, BS, NUL, a C1 control and U+FFFF."""
    if isinstance(value, str) and not isinstance(value, enum.Enum):
        return f"{value}\x1b[31m\x07\x08\x00\x9b\uffff" if value else value
    if isinstance(value, tuple):
        return tuple(_with_controls(item) for item in value)
    if attrs.has(type(value)):
        changes = {f.name: _with_controls(getattr(value, f.name)) for f in attrs.fields(type(value))
                   if f.init and f.name not in ("schema_version", "language", "photo")}
        return attrs.evolve(value, **changes)
    return value


def test_narratives_stay_well_formed_whatever_characters_the_blocks_hold(rich: rp.Passport) -> None:
    # to_ips refuses such a passport (see below); the narrative writer holds on its own.
    from rarepassport import layout
    from rarepassport.fhir._narrative import section_xhtml

    document = layout(_with_controls(rich), "full")
    divs = [section_xhtml([section], fallback="none") for section in document.sections]
    assert len(divs) > 10
    for div in divs:
        ET.fromstring(div)
    assert any("\ufffd" in div for div in divs)


@pytest.mark.parametrize("text", ["A\ud800", "A\x1b[2J", "A\x07"], ids=["surrogate", "escape", "bell"])
def test_to_ips_of_a_built_passport_with_unreadable_text_names_the_field(rich: rp.Passport, text: str) -> None:
    hostile = attrs.evolve(rich, person=attrs.evolve(rich.person, preferred_name=text))
    with pytest.raises(rp.LoadError) as refused:
        to_ips(hostile, today=TODAY)
    assert [problem.path for problem in refused.value.problems] == ["$.person.preferred_name"]
    assert text not in str(refused.value)
