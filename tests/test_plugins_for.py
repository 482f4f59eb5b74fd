"""Which plugins apply to a passport: sections present, or diagnosis codes a section was registered for."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

import rarepassport as rp
from rarepassport import applicable_plugins
from rarepassport.cli import main
from rarepassport.hookspecs import hookimpl
from rarepassport.plugins_for import code_key, diagnosis_codes, matches_codes
from rarepassport.testing import example_passport, plugin_manager_with

CONDITIONS = Path(__file__).resolve().parents[1] / "examples" / "conditions"


@pytest.fixture(scope="module")
def plugins() -> rp.PluginManager:
    return plugin_manager_with()


def coded(*codes: tuple[str, str], plugins: rp.PluginManager) -> rp.Passport:
    return example_passport(
        plugins=plugins,
        diagnoses=[{"name": "Condition", "codes": [{"system": s, "code": c} for s, c in codes]}],
    )


# --- spelling codes the same way -----------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "key"),
    [
        ("ORPHA", "ORPHA:33069", "ORPHA:33069"),
        ("ORPHA", "33069", "ORPHA:33069"),
        ("OMIM", "omim:607208", "OMIM:607208"),
        ("ICD-10", "e27.1", "ICD-10:E27.1"),
        ("ICD-11", "8A61.11", "ICD-11:8A61.11"),
    ],
)
def test_codes_are_written_system_colon_code(system: str, code: str, key: str) -> None:
    assert code_key(rp.Coding(system=system, code=code)) == key


def test_icd10_code_matches_the_category_it_lies_in() -> None:
    assert matches_codes(["ICD-10:D66.0"], ["ICD-10:D66"])
    assert matches_codes(["ICD-10:E27.1"], ["ICD-10:E27"])


def test_a_category_does_not_match_a_narrower_registered_code() -> None:
    assert not matches_codes(["ICD-10:E27"], ["ICD-10:E27.1"])


def test_orphanet_codes_match_exactly_not_by_prefix() -> None:
    assert not matches_codes(["ORPHA:330"], ["ORPHA:33069"])
    assert not matches_codes(["ORPHA:33069"], ["ORPHA:330"])


def test_diagnosis_codes_gathers_every_code_of_every_diagnosis(plugins: rp.PluginManager) -> None:
    passport = rp.load(CONDITIONS / "haemophilia.json", plugins=plugins)
    assert diagnosis_codes(passport) == {"ORPHA:98878", "ICD-10:D66"}


# --- applicable plugins --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("example", "plugin"),
    [
        ("adrenal-insufficiency.json", "adrenal-insufficiency"),
        ("mcad-deficiency.json", "mcad-deficiency"),
        ("haemophilia.json", "haemophilia"),
        ("dravet-syndrome.json", "dravet-syndrome"),
    ],
)
def test_each_condition_example_gets_its_own_plugin_only(
    example: str, plugin: str, plugins: rp.PluginManager
) -> None:
    assert applicable_plugins(rp.load(CONDITIONS / example, plugins=plugins), plugins=plugins) == [plugin]


def test_a_diagnosis_code_alone_is_enough(plugins: rp.PluginManager) -> None:
    passport = coded(("OMIM", "OMIM:201450"), plugins=plugins)
    assert applicable_plugins(passport, plugins=plugins) == ["mcad-deficiency"]


def test_a_section_alone_is_enough(plugins: rp.PluginManager) -> None:
    passport = example_passport({"haemophilia": {"type": "B"}}, plugins=plugins)
    assert applicable_plugins(passport, plugins=plugins) == ["haemophilia"]


def test_several_conditions_give_several_plugins_in_registration_order(plugins: rp.PluginManager) -> None:
    passport = coded(("ORPHA", "ORPHA:33069"), ("ICD-10", "E27.1"), plugins=plugins)
    assert applicable_plugins(passport, plugins=plugins) == ["adrenal-insufficiency", "dravet-syndrome"]


def test_no_plugin_applies_to_an_unrelated_passport(plugins: rp.PluginManager) -> None:
    passport = coded(("ICD-10", "J45"), plugins=plugins)
    assert applicable_plugins(passport, plugins=plugins) == []


def test_outside_plugins_are_found_by_their_registered_codes() -> None:
    @attrs.frozen(kw_only=True)
    class Fabry:
        enzyme_therapy: str | None = rp.section_field("Enzyme replacement therapy.", default=None)

    @hookimpl
    def rarepassport_register_sections(sections: Any) -> None:
        sections.add("fabry", Fabry, title="Fabry disease", applies_to=["ORPHA:324"])

    outside = SimpleNamespace(__name__="fabry-plugin", rarepassport_register_sections=rarepassport_register_sections)
    manager = plugin_manager_with(outside)
    passport = coded(("ORPHA", "ORPHA:324"), plugins=manager)
    assert applicable_plugins(passport, plugins=manager) == ["fabry-plugin"]


# --- the command ---------------------------------------------------------------------------


def test_plugins_for_lists_only_the_applicable_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--for", str(CONDITIONS / "dravet-syndrome.json")]) == 0
    out = capsys.readouterr().out
    assert "dravet-syndrome" in out
    assert "extensions.dravet_syndrome: Dravet syndrome (for ORPHA:33069, OMIM:607208)" in out
    assert "haemophilia" not in out and "core-rules" not in out


def test_plugins_for_json_lists_only_the_applicable_plugins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "coded.json"
    path.write_text(json.dumps({
        "schema_version": "1.0",
        "person": {"name": "Alex Example", "date_of_birth": "1990-04-12"},
        "diagnoses": [{"name": "Haemophilia B", "codes": [{"system": "ORPHA", "code": "ORPHA:98879"}]}],
    }), encoding="utf-8")
    assert main(["plugins", "--for", str(path), "--format", "json"]) == 0
    assert [p["name"] for p in json.loads(capsys.readouterr().out)["results"][0]["plugins"]] == ["haemophilia"]


def test_plugins_for_an_unrelated_passport_says_none_applies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plain.json"
    path.write_text(json.dumps({"schema_version": "1.0",
                                "person": {"name": "Alex Example", "date_of_birth": "1990-04-12"}}))
    assert main(["plugins", "--for", str(path)]) == 0
    assert "none of the installed plugins applies to this passport" in capsys.readouterr().out
