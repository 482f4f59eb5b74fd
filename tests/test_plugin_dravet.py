"""The built-in Dravet syndrome plugin: section, rules, guidance and rendering, through real files."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from helpers.conditions import guidance, read_json, validate_file, write
from rarepassport.plugins import dravet_syndrome as dravet
from rarepassport.testing import plugin_manager_with

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "conditions" / "dravet-syndrome.json"
PLUGIN_CODES = {"dravet-rescue-plan", "dravet-sodium-channel-blocker"}


def example_data() -> dict[str, Any]:
    return read_json(EXAMPLE)


@pytest.fixture(scope="module")
def plugins() -> rp.PluginManager:
    return plugin_manager_with()


def without_dravet(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    del data["extensions"]
    data["diagnoses"] = [{"name": "Asthma", "codes": [{"system": "ICD-10", "code": "J45"}]}]
    return data


# --- the section ---------------------------------------------------------------------


def test_example_file_loads_the_section_as_its_class(plugins: rp.PluginManager) -> None:
    passport = rp.load(EXAMPLE, plugins=plugins)
    section = passport.extensions["dravet_syndrome"]
    assert isinstance(section, dravet.DravetSyndrome)
    assert section.rescue_plan is not None and section.rescue_plan.medicine == "Buccal midazolam"
    assert dravet.Trigger.FEVER in section.triggers


def test_section_is_registered_for_the_verified_codes(plugins: rp.PluginManager) -> None:
    spec = plugins.sections["dravet_syndrome"]
    assert spec.plugin == "dravet-syndrome"
    assert spec.applies_to == ("ORPHA:33069", "OMIM:607208")


def test_unknown_trigger_is_a_load_error_at_its_path(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["dravet_syndrome"]["triggers"] = ["fever", "moonlight"]
    with pytest.raises(rp.LoadError) as caught:
        rp.load(write(tmp_path, data), plugins=plugins)
    assert [p.path for p in caught.value.problems] == ["$.extensions.dravet_syndrome.triggers[1]"]


# --- rules ---------------------------------------------------------------------------


def test_missing_rescue_plan_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["dravet_syndrome"]["rescue_plan"]
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [
        ("$.extensions.dravet_syndrome.rescue_plan", "dravet-rescue-plan")
    ]


def test_rescue_plan_without_dose_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["dravet_syndrome"]["rescue_plan"]["dose"]
    report = validate_file(tmp_path, data, plugins)
    assert [i.path for i in report.errors] == ["$.extensions.dravet_syndrome.rescue_plan.dose"]


def test_rescue_plan_without_when_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["dravet_syndrome"]["rescue_plan"]["when"] = "  "
    report = validate_file(tmp_path, data, plugins)
    assert [i.path for i in report.errors] == ["$.extensions.dravet_syndrome.rescue_plan.when"]


def test_coded_diagnosis_without_the_section_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [("$.extensions.dravet_syndrome", "dravet-rescue-plan")]


def test_sodium_channel_blocker_in_medicines_is_a_warning(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["medications"].append({"name": "Lamotrigine", "dose": "25 mg"})
    report = validate_file(tmp_path, data, plugins)
    assert report.ok
    [issue] = [i for i in report.warnings if i.code == "dravet-sodium-channel-blocker"]
    assert issue.path == "$.medications[3].name"
    assert "Lamotrigine" not in issue.message


def test_sodium_channel_blocker_is_not_flagged_without_dravet(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = without_dravet(example_data())
    data["medications"].append({"name": "Carbamazepine", "dose": "100 mg"})
    report = validate_file(tmp_path, data, plugins)
    assert not report.codes() & PLUGIN_CODES


# --- guidance ------------------------------------------------------------------------


def test_guidance_is_given_for_a_passport_with_the_section(plugins: rp.PluginManager) -> None:
    passport = rp.load(EXAMPLE, plugins=plugins)
    assert guidance(passport, plugins) == [dravet.GUIDANCE]


def test_guidance_is_given_for_a_coded_diagnosis_alone(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]
    passport = rp.load(write(tmp_path, data), plugins=plugins)
    assert guidance(passport, plugins) == [dravet.GUIDANCE]


def test_no_guidance_for_a_passport_without_dravet(tmp_path: Path, plugins: rp.PluginManager) -> None:
    passport = rp.load(write(tmp_path, without_dravet(example_data())), plugins=plugins)
    assert guidance(passport, plugins) == []


def test_guidance_names_its_sources_and_date() -> None:
    assert "Dravet Syndrome UK" in dravet.GUIDANCE.source
    assert "NICE guideline NG217" in dravet.GUIDANCE.source
    assert "Epilepsy Foundation" in dravet.GUIDANCE.source
    assert dravet.GUIDANCE.source_date == dt.date(2022, 4, 27)
    assert dravet.GUIDANCE.last_checked_on == dt.date(2026, 12, 1)
    assert dravet.GUIDANCE.url == "https://www.dravet.org.uk/emergency-medication-treatment/"


def test_guidance_says_to_call_emergency_services_when_the_first_rescue_dose_fails() -> None:
    steps = dravet.GUIDANCE.steps
    assert ("If the seizure does not stop after the first dose of rescue medicine, given as the person's "
            "rescue plan says, call emergency services.") in steps
    # Neutral: the number differs by country.
    assert not any(number in " ".join(steps) for number in ("999", "112", "911"))


def test_guidance_defers_to_the_persons_own_protocol_for_the_dose() -> None:
    text = " ".join(dravet.GUIDANCE.steps)
    assert "rescue medicine in the person's own protocol" in text
    assert " mg" not in text


# --- rendering -----------------------------------------------------------------------

