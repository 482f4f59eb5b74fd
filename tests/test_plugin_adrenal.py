"""The built-in adrenal insufficiency plugin: section, rules, guidance and rendering, through real files."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from helpers.conditions import TODAY, guidance, read_json, validate_file, write
from rarepassport.clinical import Population
from rarepassport.plugins import adrenal_insufficiency as adrenal
from rarepassport.testing import plugin_manager_with

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "conditions" / "adrenal-insufficiency.json"
PLUGIN_CODES = {"adrenal-emergency-dose", "adrenal-kit-contents", "adrenal-daily-steroid",
                "adrenal-steroid-time-critical"}
SECTION = "$.extensions.adrenal_insufficiency"


def example_data() -> dict[str, Any]:
    return read_json(EXAMPLE)


@pytest.fixture(scope="module")
def plugins() -> rp.PluginManager:
    return plugin_manager_with()


def without_adrenal(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    del data["extensions"]
    data["diagnoses"] = [{"name": "Asthma", "codes": [{"system": "ICD-10", "code": "J45"}]}]
    return data


# --- the section ---------------------------------------------------------------------


def test_example_file_loads_the_section_as_its_class(plugins: rp.PluginManager) -> None:
    section = rp.load(EXAMPLE, plugins=plugins).extensions["adrenal_insufficiency"]
    assert isinstance(section, adrenal.AdrenalInsufficiency)
    assert section.cause is adrenal.AdrenalCause.PRIMARY
    assert section.emergency_kit is not None and section.emergency_kit.carried is True


def test_section_is_registered_for_the_verified_codes(plugins: rp.PluginManager) -> None:
    spec = plugins.sections["adrenal_insufficiency"]
    assert spec.plugin == "adrenal-insufficiency"
    assert spec.applies_to == ("ORPHA:101959", "OMIM:240200", "ICD-10:E25.0", "ICD-10:E27.1", "ICD-10:E27.2",
                               "ICD-10:E27.3", "ICD-10:E27.4", "ICD-10:E23.0")


def test_congenital_adrenal_hyperplasia_code_alone_asks_for_the_emergency_dose(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    data = example_data()
    del data["extensions"]
    data["diagnoses"][0]["codes"] = [{"system": "ICD-10", "code": "E25.0"}]
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [(SECTION, "adrenal-emergency-dose")]
    assert guidance(rp.load(write(tmp_path, data), plugins=plugins), plugins) == list(adrenal.GUIDANCE_ITEMS)


def test_hypopituitarism_code_alone_asks_with_a_warning_not_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    # E23.0 is where ICD-10 puts ACTH deficiency, but it also covers people who need no steroids.
    data = example_data()
    del data["extensions"]
    data["diagnoses"][0]["codes"] = [{"system": "ICD-10", "code": "E23.0"}]
    data["medications"] = []
    data["medications_status"] = "none"
    report = validate_file(tmp_path, data, plugins)
    assert "adrenal-emergency-dose" not in {i.code for i in report.errors}
    assert (SECTION, "adrenal-emergency-dose") in {(i.path, i.code) for i in report.warnings}
    assert guidance(rp.load(write(tmp_path, data), plugins=plugins), plugins) == []


def test_hypopituitarism_with_hydrocortisone_gets_the_adrenal_guidance(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    data = example_data()
    del data["extensions"]
    data["diagnoses"][0]["codes"] = [{"system": "ICD-10", "code": "E23.0"}]
    assert guidance(rp.load(write(tmp_path, data), plugins=plugins), plugins) == list(adrenal.GUIDANCE_ITEMS)


def test_unknown_cause_is_a_load_error_at_its_path(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["adrenal_insufficiency"]["cause"] = "tired glands"
    with pytest.raises(rp.LoadError) as caught:
        rp.load(write(tmp_path, data), plugins=plugins)
    assert [p.path for p in caught.value.problems] == [f"{SECTION}.cause"]


# --- rules ---------------------------------------------------------------------------


def test_missing_emergency_hydrocortisone_dose_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["adrenal_insufficiency"]["emergency_hydrocortisone_dose"]
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [
        (f"{SECTION}.emergency_hydrocortisone_dose", "adrenal-emergency-dose")
    ]


def test_blank_emergency_dose_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    data["extensions"]["adrenal_insufficiency"]["emergency_hydrocortisone_dose"] = " "
    assert "adrenal-emergency-dose" in {i.code for i in validate_file(tmp_path, data, plugins).errors}


def test_coded_diagnosis_without_the_section_is_an_error(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.errors] == [(SECTION, "adrenal-emergency-dose")]


def test_one_passports_condition_codes_are_never_answered_for_the_next(plugins: rp.PluginManager) -> None:
    # H158: whether a passport has a condition's code is answered once per passport and
    # kept for the next question about it. Passports read one after the other, equal
    # in all but their codes, must each get their own answer: the error, the warning,
    # or nothing.
    def read(code: str) -> rp.Passport:
        data = example_data()
        del data["extensions"]
        data["diagnoses"][0]["codes"] = [{"system": "ICD-10", "code": code}]
        if code == "E23.0":
            data["medications"] = []
            data["medications_status"] = "none"
        return rp.loads(json.dumps(data).encode(), plugins=plugins)

    def adrenal_issues(passport: rp.Passport) -> list[tuple[str, str]]:
        report = rp.validate(passport, plugins=plugins, today=TODAY)
        return [(i.severity.value, i.code) for i in report if i.code == "adrenal-emergency-dose"]

    error, warning = [("error", "adrenal-emergency-dose")], [("warning", "adrenal-emergency-dose")]
    for _ in range(2):
        for code, expected in (("E25.0", error), ("J45", []), ("E23.0", warning), ("E27.1", error), ("J45", [])):
            assert adrenal_issues(read(code)) == expected, code
    # And the first one again, after others: its own answer.
    again = read("E25.0")
    assert adrenal_issues(read("J45")) == []
    assert adrenal_issues(again) == error


def test_carried_kit_without_contents_is_a_warning(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["adrenal_insufficiency"]["emergency_kit"]["contents"]
    report = validate_file(tmp_path, data, plugins)
    assert report.ok
    assert [(i.path, i.code) for i in report.warnings] == [
        (f"{SECTION}.emergency_kit.contents", "adrenal-kit-contents")
    ]


def test_unnamed_daily_steroid_is_a_warning_when_no_steroid_is_listed(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    data = example_data()
    del data["extensions"]["adrenal_insufficiency"]["daily_steroid"]
    data["medications"] = []
    report = validate_file(tmp_path, data, plugins)
    assert [(i.path, i.code) for i in report.warnings] == [(f"{SECTION}.daily_steroid", "adrenal-daily-steroid")]


def test_daily_steroid_in_the_medicines_list_is_enough(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]["adrenal_insufficiency"]["daily_steroid"]
    assert "adrenal-daily-steroid" not in validate_file(tmp_path, data, plugins).codes()


def test_replacement_steroid_not_marked_time_critical_is_a_warning(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    data = example_data()
    data["medications"][0]["time_critical"] = False
    report = validate_file(tmp_path, data, plugins)
    [issue] = report.warnings
    assert (issue.path, issue.code) == ("$.medications[0].time_critical", "adrenal-steroid-time-critical")
    assert "Hydrocortisone" not in issue.message


def test_steroids_of_people_without_adrenal_insufficiency_are_not_flagged(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    data = without_adrenal(example_data())
    data["medications"] = [{"name": "Prednisolone", "dose": "30 mg"}]
    assert not validate_file(tmp_path, data, plugins).codes() & PLUGIN_CODES


# --- guidance ------------------------------------------------------------------------


def test_guidance_is_given_for_a_passport_with_the_section(plugins: rp.PluginManager) -> None:
    assert guidance(rp.load(EXAMPLE, plugins=plugins), plugins) == [adrenal.CHILD_GUIDANCE, adrenal.ADULT_GUIDANCE]


def test_guidance_is_given_for_a_coded_diagnosis_alone(tmp_path: Path, plugins: rp.PluginManager) -> None:
    data = example_data()
    del data["extensions"]
    data["diagnoses"][0]["codes"] = [{"system": "ICD-10", "code": "E27.2"}]
    assert guidance(rp.load(write(tmp_path, data), plugins=plugins), plugins) == list(adrenal.GUIDANCE_ITEMS)


def test_no_guidance_for_a_passport_without_adrenal_insufficiency(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    passport = rp.load(write(tmp_path, without_adrenal(example_data())), plugins=plugins)
    assert guidance(passport, plugins) == []


def test_guidance_names_its_sources_and_date() -> None:
    assert "Society for Endocrinology" in adrenal.GUIDANCE.source
    assert "Steroid Emergency Card" in adrenal.GUIDANCE.source
    assert adrenal.GUIDANCE.source_date == dt.date(2020, 8, 1)
    assert adrenal.GUIDANCE.url == "https://www.endocrinology.org/adrenal-crisis/"


def test_adult_guidance_states_only_the_sources_adult_dose_and_puts_the_own_protocol_first() -> None:
    item = adrenal.ADULT_GUIDANCE
    assert item.population is Population.ADULT and item.jurisdiction == "UK"
    assert item.steps[0] == "Give the emergency hydrocortisone dose in this person's own protocol, without delay."
    assert "for adults" in item.steps[1] and "100 mg hydrocortisone IV or IM" in item.steps[1]
    assert item.time_critical == ("hydrocortisone", "prednisolone")


def test_child_guidance_gives_the_bsped_doses_by_age_after_the_own_dose() -> None:
    item = adrenal.CHILD_GUIDANCE
    assert item.population is Population.CHILD
    assert "British Society for Paediatric Endocrinology and Diabetes" in item.source
    assert item.url == "https://bsped.org.uk/clinical-resources/bsped-adrenal-insufficiency-consensus-guidelines"
    assert item.published_on == dt.date(2023, 4, 12)
    assert item.steps[0] == "Give the emergency hydrocortisone dose in the child's own protocol, without delay."
    # The published table: IM hydrocortisone (or first IV dose) in the community, by age.
    assert "under 1 year, 25 mg; 1 to 5 years, 50 mg; 6 years and over, 100 mg" in item.steps[1]


def test_every_adrenal_guidance_item_is_dated_checked_and_marked_unreviewed() -> None:
    for item in adrenal.GUIDANCE_ITEMS:
        assert item.last_checked_on == dt.date(2026, 12, 1)
        assert item.reviewed_by is None and item.published_on is not None


# --- rendering -----------------------------------------------------------------------

