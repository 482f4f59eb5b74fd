"""The built-in haemophilia plugin: section, rules, guidance and rendering, through real files."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from helpers.conditions import TODAY, guidance, read_json, validate_file, write
from rarepassport.plugins import haemophilia
from rarepassport.testing import plugin_manager_with

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "conditions" / "haemophilia.json"
PLUGIN_CODES = {"haemophilia-factor-product", "haemophilia-nsaid", "haemophilia-inhibitor-treatment",
                "haemophilia-severity-level", "haemophilia-treatment-centre"}
SECTION = "$.extensions.haemophilia"


def example_data() -> dict[str, Any]:
    return read_json(EXAMPLE)


@pytest.fixture(scope="module")
def plugins() -> rp.PluginManager:
    return plugin_manager_with()


def plugin_issues(report: rp.Report) -> list[tuple[str, str, str]]:
    return [(i.severity.value, i.path, i.code) for i in report if i.code in PLUGIN_CODES]


def without_haemophilia(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    del data["extensions"]
    data["diagnoses"] = [{"name": "Asthma", "codes": [{"system": "ICD-10", "code": "J45"}]}]
    return data


# --- the section ---------------------------------------------------------------------


def test_example_file_loads_the_section_as_its_class(plugins: rp.PluginManager) -> None:
    section = rp.load(EXAMPLE, plugins=plugins).extensions["haemophilia"]
    assert isinstance(section, haemophilia.Haemophilia)
    assert (section.type, section.severity, section.inhibitor) == (
        haemophilia.HaemophiliaType.A, haemophilia.HaemophiliaSeverity.SEVERE, haemophilia.InhibitorStatus.NONE)
    assert section.baseline_factor_level == 0.5


def test_section_is_registered_for_the_verified_codes(plugins: rp.PluginManager) -> None:
    spec = plugins.sections["haemophilia"]
    assert spec.plugin == "haemophilia"
    assert spec.applies_to == ("ORPHA:98878", "ORPHA:98879", "OMIM:306700", "OMIM:306900",
                               "ICD-10:D66", "ICD-10:D67")


def test_type_other_than_a_or_b_is_a_load_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["haemophilia"]["type"] = "C"
    with pytest.raises(rp.LoadError) as caught:
        rp.load(write(tmp_path, data), plugins=plugins)
    assert [p.path for p in caught.value.problems] == [f"{SECTION}.type"]


# --- rules ---------------------------------------------------------------------------


def test_missing_factor_product_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["haemophilia"]["factor_product"]
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [(f"{SECTION}.factor_product", "haemophilia-factor-product")]


def test_coded_diagnosis_without_the_section_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]
    data["diagnoses"][0]["codes"] = [{"system": "ICD-10", "code": "D67"}]
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [(SECTION, "haemophilia-factor-product")]


def test_nsaid_in_medicines_is_a_warning_without_its_name_in_the_message(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    data = example_data()
    data["medications"].append({"name": "Ibuprofen 200 mg tablets", "as_needed": True})
    report = validate_file(tmp_path, data, plugins)
    assert report.ok
    [issue] = [i for i in report if i.code == "haemophilia-nsaid"]
    assert (issue.severity, issue.path) == (rp.IssueSeverity.WARNING, "$.medications[2].name")
    assert "Ibuprofen" not in issue.message


def test_aspirin_is_flagged_too(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["medications"] = [{"name": "Aspirin", "dose": "75 mg"}]
    assert [i.path for i in validate_file(tmp_path, data, plugins) if i.code == "haemophilia-nsaid"] == [
        "$.medications[0].name"
    ]


def test_paracetamol_is_not_flagged(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    assert data["medications"][1]["name"] == "Paracetamol"
    assert "haemophilia-nsaid" not in validate_file(tmp_path, data, plugins).codes()


def test_nsaids_of_people_without_haemophilia_are_not_flagged(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = without_haemophilia(example_data())
    data["medications"] = [{"name": "Naproxen", "dose": "250 mg"}]
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == []


def test_inhibitor_without_treatment_plan_is_a_warning(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["haemophilia"]["inhibitor"] = "present"
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == [
        ("warning", f"{SECTION}.inhibitor_treatment", "haemophilia-inhibitor-treatment")
    ]


def test_inhibitor_with_treatment_plan_is_not_flagged(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["haemophilia"]["inhibitor"] = "present"
    data["extensions"]["haemophilia"]["inhibitor_treatment"] = "Bypassing agent as in my plan"
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == []


@pytest.mark.parametrize(("level", "severity"), [(0.5, "moderate"), (3, "severe"), (12, "moderate"), (2, "mild")])
def test_severity_that_does_not_match_the_factor_level_is_a_warning(
    level: float, severity: str, tmp_path: Path, plugins: rp.PluginManager
) -> None:
    data = example_data()
    data["extensions"]["haemophilia"].update(baseline_factor_level=level, severity=severity)
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == [
        ("warning", f"{SECTION}.severity", "haemophilia-severity-level")
    ]


@pytest.mark.parametrize(("level", "severity"), [(0.9, "severe"), (1, "moderate"), (5, "mild"), (39, "mild")])
def test_severity_matching_the_factor_level_is_not_flagged(
    level: float, severity: str, tmp_path: Path, plugins: rp.PluginManager
) -> None:
    data = example_data()
    data["extensions"]["haemophilia"].update(baseline_factor_level=level, severity=severity)
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == []


def test_missing_treatment_centre_is_a_warning(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["haemophilia"]["treatment_centre"]
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == [
        ("warning", f"{SECTION}.treatment_centre", "haemophilia-treatment-centre")
    ]


# --- guidance ------------------------------------------------------------------------


def test_guidance_is_given_for_a_passport_with_the_section(plugins: rp.PluginManager) -> None:
    assert guidance(rp.load(EXAMPLE, plugins=plugins), plugins) == [
        haemophilia.GUIDANCE, haemophilia.EMICIZUMAB_GUIDANCE
    ]


def test_no_emicizumab_caution_for_haemophilia_b(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["haemophilia"]["type"] = "B"
    assert guidance(rp.load(write(tmp_path, data), plugins=plugins), plugins) == [haemophilia.GUIDANCE]


def test_emicizumab_caution_names_the_laboratory_and_bypassing_agent_hazards() -> None:
    item = haemophilia.EMICIZUMAB_GUIDANCE
    steps = " ".join(item.steps)
    assert "aPTT" in steps and "one-stage factor VIII" in steps and "falsely normal" in steps
    assert "activated prothrombin complex concentrate (aPCC)" in steps
    assert "thrombotic microangiopathy and thrombosis" in steps
    assert "contact the haemophilia treatment centre" in steps
    assert "HEMLIBRA" in item.source and item.last_checked_on == dt.date(2026, 12, 1)
    assert "U/kg" not in steps and "IU" not in steps


def test_guidance_is_given_for_an_icd10_subcode_alone(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]
    data["diagnoses"][0]["codes"] = [{"system": "ICD-10", "code": "D66.0"}]
    assert haemophilia.GUIDANCE in guidance(rp.load(write(tmp_path, data), plugins=plugins), plugins)


def test_no_guidance_for_a_passport_without_haemophilia(tmp_path: Path, plugins: rp.PluginManager) -> None:
    passport = rp.load(write(tmp_path, without_haemophilia(example_data())), plugins=plugins)
    assert guidance(passport, plugins) == []


def test_guidance_names_its_source_and_date_and_what_to_avoid() -> None:
    assert "World Federation of Hemophilia" in haemophilia.GUIDANCE.source
    assert haemophilia.GUIDANCE.source_date == dt.date(2020, 8, 3)
    steps = " ".join(haemophilia.GUIDANCE.steps)
    assert "intramuscular injections" in steps and "aspirin and NSAIDs" in steps
    assert "IU" not in steps


# --- rendering -----------------------------------------------------------------------


def test_rules_do_not_fail_on_a_section_given_as_a_plain_dict(plugins: rp.PluginManager) -> None:
    # Built in Python without the converter: the rules must report, never crash.
    passport = rp.Passport(person=rp.load(EXAMPLE, plugins=plugins).person,
                           extensions={"haemophilia": {"type": "A"}})
    assert "rule-failed" not in rp.validate(passport, plugins=plugins, today=TODAY).codes()
