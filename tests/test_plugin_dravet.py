"""The built-in Dravet syndrome plugin: section, rules, guidance and rendering, through real files."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from rarepassport.guidance import Guidance
from rarepassport.plugins import dravet_syndrome as dravet
from rarepassport.testing import pdf_text, plugin_manager_with, round_trip

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "conditions" / "dravet-syndrome.json"
TODAY = dt.date(2026, 11, 27)
PLUGIN_CODES = {"dravet-rescue-plan", "dravet-sodium-channel-blocker"}


@pytest.fixture(scope="module")
def plugins() -> rp.PluginManager:
    return plugin_manager_with()


def example_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "passport.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def validate_file(tmp_path: Path, data: dict[str, Any], plugins: rp.PluginManager) -> rp.Report:
    return rp.validate(write(tmp_path, data), plugins=plugins, today=TODAY)


def guidance(passport: rp.Passport, plugins: rp.PluginManager) -> list[Guidance]:
    results = plugins.hook.rarepassport_emergency_guidance(passport=passport)
    return [item for result in results for item in result]


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


def test_example_round_trips_losslessly(plugins: rp.PluginManager) -> None:
    passport = rp.load(EXAMPLE, plugins=plugins)
    assert round_trip(passport, plugins=plugins) == passport
    assert rp.to_dict(passport, plugins=plugins)["extensions"] == example_data()["extensions"]


def test_example_validates_without_errors_or_dravet_issues(plugins: rp.PluginManager) -> None:
    report = rp.validate(EXAMPLE, plugins=plugins, today=TODAY)
    assert report.ok
    assert not report.codes() & PLUGIN_CODES


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


def test_example_file_is_written_in_canonical_form(plugins: rp.PluginManager) -> None:
    # The example shows exactly what rarepassport writes, like the top-level examples.
    assert rp.dumps(rp.load(EXAMPLE, plugins=plugins), plugins=plugins) == EXAMPLE.read_text(encoding="utf-8")


def test_example_has_no_issues_at_all(plugins: rp.PluginManager) -> None:
    assert list(rp.validate(EXAMPLE, plugins=plugins, today=TODAY)) == []


def test_example_conforms_to_the_json_schema(plugins: rp.PluginManager) -> None:
    import jsonschema

    from rarepassport.schema import json_schema

    jsonschema.validate(example_data(), json_schema(plugins=plugins))


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
    assert dravet.GUIDANCE.source_date == dt.date(2026, 11, 27)
    assert dravet.GUIDANCE.url == "https://www.dravet.org.uk/"


def test_guidance_defers_to_the_persons_own_protocol_for_the_dose() -> None:
    text = " ".join(dravet.GUIDANCE.steps)
    assert "rescue medicine in the person's own protocol" in text
    assert " mg" not in text


# --- rendering -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_own_protocol_comes_before_guidance_in_text_output(fmt: str, plugins: rp.PluginManager) -> None:
    from rarepassport.render import render

    passport = rp.load(EXAMPLE, plugins=plugins)
    text = html.unescape(render(passport, format=fmt, plugins=plugins, today=TODAY).decode("utf-8"))
    own, general = text.find("Ash's seizure protocol"), text.find(dravet.GUIDANCE.title)
    assert -1 < own < general
    assert "Dravet Syndrome UK" in text


def test_pdf_shows_own_protocol_then_guidance(plugins: rp.PluginManager) -> None:
    from rarepassport.render import render


    passport = rp.load(EXAMPLE, plugins=plugins)
    words = " ".join(pdf_text(render(passport, format="pdf", plugins=plugins, today=TODAY)).split())
    own, general = words.find("seizure protocol"), words.find("Dravet syndrome: prolonged seizures")
    assert -1 < own < general
    assert "Buccal midazolam" in words
