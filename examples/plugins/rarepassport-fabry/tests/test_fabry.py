"""Tests of the Fabry plugin, written as a plugin author would with rarepassport.testing."""

from __future__ import annotations

import datetime as dt

import attrs
import rarepassport_fabry

from rarepassport.testing import (
    example_passport,
    pdf_text,
    plugin_manager_with,
    render_all_formats,
    round_trip,
)
from rarepassport import validate

FABRY_DIAGNOSIS = {"name": "Fabry disease", "codes": [{"system": "ORPHA", "code": "ORPHA:324"}]}


def test_registers_without_failures() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    assert "fabry" in plugins.sections


def test_section_is_read_into_its_class() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    data = {"fabry": {"treatment": "none", "pain_crisis_triggers": ["heat"]}}
    passport = example_passport(data, plugins=plugins)
    assert passport.extensions["fabry"] == rarepassport_fabry.FabrySection(
        treatment="none", pain_crisis_triggers=("heat",)
    )


def test_section_survives_a_round_trip() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    passport = example_passport({"fabry": {"heart": "Pacemaker since 2024"}}, plugins=plugins)
    assert round_trip(passport, plugins=plugins) == passport


def test_missing_treatment_is_warned_about() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    passport = example_passport({"fabry": {"kidneys": "Normal function"}}, plugins=plugins)
    issues = [i for i in validate(passport, plugins=plugins) if i.code == "fabry-treatment-stated"]
    assert [(i.path, i.severity.value) for i in issues] == [("$.extensions.fabry.treatment", "warning")]


def test_treatment_none_satisfies_the_rule() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    passport = example_passport({"fabry": {"treatment": "none"}}, plugins=plugins)
    assert "fabry-treatment-stated" not in validate(passport, plugins=plugins).codes()


def test_guidance_is_given_for_a_fabry_diagnosis() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    passport = example_passport(diagnoses=[FABRY_DIAGNOSIS], plugins=plugins)
    guidance = rarepassport_fabry.rarepassport_emergency_guidance(passport)
    assert guidance == [rarepassport_fabry.emergency_guidance()]


def test_guidance_is_not_given_to_other_passports() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    passport = example_passport(plugins=plugins)
    assert rarepassport_fabry.rarepassport_emergency_guidance(passport) is None


def test_guidance_names_a_dated_source_and_gives_no_doses() -> None:
    guidance = rarepassport_fabry.emergency_guidance()
    words = " ".join((guidance.text, *guidance.steps)).lower()
    assert guidance.source and guidance.url and guidance.source_date <= dt.date(2026, 11, 27)
    assert not any(unit in words.split() for unit in ("mg", "mg/kg", "ml", "units"))


def test_french_labels_cover_every_field() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    for field in attrs.fields(rarepassport_fabry.FabrySection):
        assert plugins.labels.get(f"FabrySection.{field.name}", "fr") != plugins.labels.get(
            f"FabrySection.{field.name}", "en"
        )


def test_section_is_in_every_page_format() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    passport = example_passport({"fabry": {"specialist_centre": "Example Unit"}}, plugins=plugins)
    for (fmt, _view), data in render_all_formats(passport, plugins).items():
        if fmt in ("card", "lockscreen", "lockscreen-pdf"):  # the emergency essentials only
            continue
        text = pdf_text(data) if data.startswith(b"%PDF") else data.decode("utf-8")
        assert "Example Unit" in " ".join(text.split()), fmt


def test_education_view_leaves_out_heart_details() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    data = {"fabry": {"heart": "Example pacemaker", "specialist_centre": "Example Unit"}}
    passport = example_passport(data, plugins=plugins)
    outputs = render_all_formats(passport, plugins, views=("education",))
    text = outputs[("text", "education")].decode("utf-8")
    assert "Example Unit" in text and "Example pacemaker" not in text


def test_a_section_written_for_plugin_0_1_is_upgraded() -> None:
    plugins = plugin_manager_with(rarepassport_fabry)
    old = {"fabry": {"enzyme_therapy": "Agalsidase beta", "heart": "Pacemaker since 2024"}}
    passport = example_passport(old, plugins=plugins)
    assert passport.extensions["fabry"] == rarepassport_fabry.FabrySection(
        treatment="Agalsidase beta", heart="Pacemaker since 2024"
    )
