"""The built-in MCAD deficiency plugin: section, rules, guidance and rendering, through real files."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from helpers.conditions import TODAY, guidance, read_json, validate_file, write
from rarepassport.plugins import mcad_deficiency as mcad
from rarepassport.testing import plugin_manager_with

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "conditions" / "mcad-deficiency.json"
PLUGIN_CODES = {"mcad-emergency-regimen", "mcad-metabolic-centre", "mcad-regimen-date"}
SECTION = "$.extensions.mcad_deficiency"


def example_data() -> dict[str, Any]:
    return read_json(EXAMPLE)


@pytest.fixture(scope="module")
def plugins() -> rp.PluginManager:
    return plugin_manager_with()


def plugin_issues(report: rp.Report) -> list[tuple[str, str, str]]:
    return [(i.severity.value, i.path, i.code) for i in report if i.code in PLUGIN_CODES]


# --- the section ---------------------------------------------------------------------


def test_example_file_loads_the_section_as_its_class(plugins: rp.PluginManager) -> None:
    section = rp.load(EXAMPLE, plugins=plugins).extensions["mcad_deficiency"]
    assert isinstance(section, mcad.McadDeficiency)
    assert section.fasting_limits == (mcad.FastingLimit(age="from 4 years", max_hours=12.0,
                                                        notes="overnight, as written by the metabolic team"),)
    assert section.emergency_regimen_dated == dt.date(2026, 5, 11)


def test_section_is_registered_for_the_verified_codes_only(plugins: rp.PluginManager) -> None:
    spec = plugins.sections["mcad_deficiency"]
    assert (spec.plugin, spec.applies_to) == ("mcad-deficiency", ("ORPHA:42", "OMIM:201450", "SNOMED-CT:128596003"))


def test_the_snomed_code_has_a_valid_check_digit() -> None:
    from rarepassport.codes import snomed_ok

    assert snomed_ok("128596003")


@pytest.mark.parametrize(("system", "code"), [("ORPHA", "ORPHA:42"), ("SNOMED-CT", "128596003")])
def test_guidance_is_given_for_the_orphanet_or_snomed_code_alone(
    tmp_path: Path, plugins: rp.PluginManager, system: str, code: str
) -> None:
    data = example_data()
    del data["extensions"]
    data["diagnoses"][0]["codes"] = [{"system": system, "code": code}]
    passport = rp.load(write(tmp_path, data), plugins=plugins)
    assert guidance(passport, plugins) == [mcad.GUIDANCE]
    assert "mcad-emergency-regimen" in rp.validate(passport, plugins=plugins, today=TODAY).codes()


def test_guidance_names_the_triggers_and_never_glucose_free_maintenance_fluids() -> None:
    text = mcad.GUIDANCE.text
    for trigger in ("illness", "vomiting", "diarrhoea", "fasting or not eating", "surgery"):
        assert trigger in text
    assert ("Never use glucose-free maintenance fluids: maintenance fluid must contain glucose (the BIMDG "
            "guideline gives 10% glucose with 0.45% sodium chloride).") in mcad.GUIDANCE.steps


def test_fasting_limit_hours_must_be_a_number(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["mcad_deficiency"]["fasting_limits"][0]["max_hours"] = "twelve"
    with pytest.raises(rp.LoadError) as caught:
        rp.load(write(tmp_path, data), plugins=plugins)
    assert [p.path for p in caught.value.problems] == [f"{SECTION}.fasting_limits[0].max_hours"]


# --- rules ---------------------------------------------------------------------------


def test_missing_emergency_regimen_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["mcad_deficiency"]["emergency_regimen"] = []
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [(f"{SECTION}.emergency_regimen", "mcad-emergency-regimen")]


def test_coded_diagnosis_without_the_section_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [(SECTION, "mcad-emergency-regimen")]


def test_missing_metabolic_centre_is_a_warning(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["mcad_deficiency"]["metabolic_centre"]
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == [
        ("warning", f"{SECTION}.metabolic_centre", "mcad-metabolic-centre")
    ]


def test_metabolic_centre_without_any_phone_is_a_warning(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    centre = data["extensions"]["mcad_deficiency"]["metabolic_centre"]
    del centre["phone"], centre["out_of_hours_phone"]
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == [
        ("warning", f"{SECTION}.metabolic_centre.phone", "mcad-metabolic-centre")
    ]


def test_regimen_letter_over_a_year_old_is_a_warning(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["mcad_deficiency"]["emergency_regimen_dated"] = "2025-11-26"
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == [
        ("warning", f"{SECTION}.emergency_regimen_dated", "mcad-regimen-date")
    ]


def test_regimen_letter_exactly_a_year_old_is_not_flagged(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["mcad_deficiency"]["emergency_regimen_dated"] = "2025-11-27"
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == []


def test_undated_regimen_is_a_hint(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["mcad_deficiency"]["emergency_regimen_dated"]
    assert plugin_issues(validate_file(tmp_path, data, plugins)) == [
        ("info", f"{SECTION}.emergency_regimen_dated", "mcad-regimen-date")
    ]


# --- guidance ------------------------------------------------------------------------


def test_guidance_is_given_for_a_passport_with_the_section(plugins: rp.PluginManager) -> None:
    assert guidance(rp.load(EXAMPLE, plugins=plugins), plugins) == [mcad.GUIDANCE]


def test_guidance_is_given_for_a_coded_diagnosis_alone(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]
    assert guidance(rp.load(write(tmp_path, data), plugins=plugins), plugins) == [mcad.GUIDANCE]


def test_no_guidance_for_a_passport_without_mcad(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = copy.deepcopy(example_data())
    del data["extensions"]
    data["diagnoses"][0]["codes"] = [{"system": "OMIM", "code": "OMIM:201475"}]
    assert guidance(rp.load(write(tmp_path, data), plugins=plugins), plugins) == []


def test_guidance_names_its_source_and_date_and_gives_no_dose() -> None:
    assert "British Inherited Metabolic Disease Group" in mcad.GUIDANCE.source
    assert mcad.GUIDANCE.source_date == dt.date(2010, 12, 1)
    text = " ".join(mcad.GUIDANCE.steps)
    assert "ml/kg" not in text and "mg/kg" not in text
    assert "person's own hospital protocol" in text


# --- rendering -----------------------------------------------------------------------

