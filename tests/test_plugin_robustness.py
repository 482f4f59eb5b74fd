"""A plugin's mistakes are reported with its name, and never take the rest down with them.

The plugins here are small classes registered directly (``plugins=[...]``), each with one
mistake a plugin author could really make.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

import rarepassport
from rarepassport import Issue, IssueSeverity, hookimpl, section_field
from rarepassport.errors import PluginError
from rarepassport.guidance import Guidance
from rarepassport.plugin_manager import PluginManager
from rarepassport.registries import RuleRegistry, SectionRegistry
from rarepassport.testing import example_passport, plugin_manager_with


@attrs.frozen(kw_only=True)
class PumpSection:
    """A fictional plugin section."""

    pump: str | None = section_field("The pump used.", default=None)


class PumpPlugin:
    """A well-behaved plugin, to show that the others' failures leave it alone."""

    @staticmethod
    @hookimpl
    def rarepassport_register_sections(sections: SectionRegistry) -> None:
        sections.add("pump", PumpSection, title="Pump")


def _manager(*plugins: object) -> PluginManager:
    return plugin_manager_with(*plugins, strict=False)


def _failures_of(manager: PluginManager, plugin: str) -> list[str]:
    return [str(failure) for failure in manager.failures if failure.plugin == plugin]


# --- mistakes in hook names and signatures --------------------------------------------------


class MisspeltHook:
    @staticmethod
    @hookimpl
    def rarepassport_register_rule(rules: RuleRegistry) -> None:
        """Singular 'rule': a typo the library must point out."""


def test_misspelt_hook_is_reported_with_a_suggestion() -> None:
    manager = _manager(MisspeltHook)
    assert _failures_of(manager, "MisspeltHook") == [
        "plugin MisspeltHook: unknown hook 'rarepassport_register_rule'; "
        "did you mean 'rarepassport_register_rules'?"
    ]


class WrongSignature:
    @staticmethod
    @hookimpl
    def rarepassport_register_sections(registry: SectionRegistry) -> None:
        """The argument must be called ``sections``, as in the hook specification."""


def test_hook_with_a_signature_that_does_not_match_the_spec_is_reported() -> None:
    manager = _manager(WrongSignature, PumpPlugin)
    [message] = _failures_of(manager, "WrongSignature")
    assert "rarepassport_register_sections" in message and "registry" in message


def test_plugin_with_a_wrong_signature_is_not_loaded_but_others_are() -> None:
    manager = _manager(WrongSignature, PumpPlugin)
    names = {info.name for info in manager.plugins()}
    assert "WrongSignature" not in names and "pump" in manager.sections


# --- registration hooks that fail -----------------------------------------------------------


class RaisingRegistration:
    @staticmethod
    @hookimpl
    def rarepassport_register_sections(sections: SectionRegistry) -> None:
        raise ValueError("bug in the plugin")


def test_registration_hook_that_raises_is_reported_naming_plugin_and_hook() -> None:
    manager = _manager(RaisingRegistration, PumpPlugin)
    [failure] = [f for f in manager.failures if f.plugin == "RaisingRegistration"]
    assert failure.hook == "rarepassport_register_sections"
    assert failure.message == "ValueError: bug in the plugin"


def test_registration_hook_that_raises_does_not_stop_the_other_plugins() -> None:
    manager = _manager(RaisingRegistration, PumpPlugin)
    assert "pump" in manager.sections


class SecondPump:
    @staticmethod
    @hookimpl
    def rarepassport_register_sections(sections: SectionRegistry) -> None:
        sections.add("pump", PumpSection, title="Another pump")


def test_section_id_taken_by_another_plugin_is_refused_naming_both() -> None:
    manager = _manager(PumpPlugin, SecondPump)
    [message] = _failures_of(manager, "SecondPump")
    assert "section id 'pump' from plugin SecondPump is already registered by plugin PumpPlugin" in message
    assert manager.sections["pump"].title == "Pump"


class CoreFieldClash:
    @staticmethod
    @hookimpl
    def rarepassport_register_sections(sections: SectionRegistry) -> None:
        sections.add("medications", PumpSection, title="My medications")


def test_section_id_that_is_a_core_field_is_refused() -> None:
    manager = _manager(CoreFieldClash)
    [message] = _failures_of(manager, "CoreFieldClash")
    assert "section id 'medications' from plugin CoreFieldClash clashes with a core passport field" in message
    assert "medications" not in manager.sections


class MalformedSectionId:
    @staticmethod
    @hookimpl
    def rarepassport_register_sections(sections: SectionRegistry) -> None:
        sections.add("My Section", PumpSection, title="Mine")


def test_malformed_section_id_is_refused_with_the_rule_for_ids() -> None:
    manager = _manager(MalformedSectionId)
    [message] = _failures_of(manager, "MalformedSectionId")
    assert "must be lower-case letters" in message


# --- rules that raise -------------------------------------------------------------------------


def _crashing_rule(passport: rarepassport.Passport, context: object) -> Iterator[Issue]:
    raise ZeroDivisionError("a bug in the rule")
    yield  # pragma: no cover - makes this a generator, as real rules are


def _pump_rule(passport: rarepassport.Passport, context: object) -> Iterator[Issue]:
    if "pump" in passport.extensions:
        yield Issue(path="$.extensions.pump", code="pump-checked", severity=IssueSeverity.INFO, message="ok")


class CrashingRule:
    @staticmethod
    @hookimpl
    def rarepassport_register_rules(rules: RuleRegistry) -> None:
        rules.add(_crashing_rule, code="crashing-rule")
        rules.add(_pump_rule, code="pump-checked")


def test_rule_that_raises_becomes_an_error_issue_naming_plugin_and_rule() -> None:
    manager = plugin_manager_with(CrashingRule)
    report = rarepassport.validate(example_passport(plugins=manager), plugins=manager)
    [issue] = [i for i in report if i.code == "rule-failed"]
    assert issue.severity is IssueSeverity.ERROR
    assert "'crashing-rule'" in issue.message and "CrashingRule" in issue.message


def test_rule_that_raises_does_not_stop_the_other_rules() -> None:
    manager = plugin_manager_with(CrashingRule, PumpPlugin)
    passport = example_passport({"pump": {"pump": "insulin"}}, plugins=manager)
    assert "pump-checked" in rarepassport.validate(passport, plugins=manager).codes()


def test_rule_failure_message_does_not_leak_the_exception_text() -> None:
    # Exception text may quote field values (health data); the issue names only the type.
    manager = plugin_manager_with(CrashingRule)
    report = rarepassport.validate(example_passport(plugins=manager), plugins=manager)
    assert not [i for i in report if "a bug in the rule" in i.message]


# --- layout and guidance hooks that raise ------------------------------------------------------


class CrashingGuidance:
    @staticmethod
    @hookimpl
    def rarepassport_emergency_guidance(passport: rarepassport.Passport) -> list[Guidance]:
        raise RuntimeError("guidance bug")


class CrashingLayout:
    @staticmethod
    @hookimpl
    def rarepassport_layout_section(section: Any, data: object, passport: Any, context: Any) -> None:
        raise RuntimeError("layout bug")


CORE_CONTENT = {
    "emergency": {"summary": "Give the emergency injection and call an ambulance."},
    "medications": [{"name": "Exampleol", "time_critical": True}],
}


def _render_text(manager: PluginManager, passport: rarepassport.Passport) -> tuple[str, list[str]]:
    """The passport as plain text (whitespace normalised) and the warnings rendering gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = rarepassport.render(passport, format="text", plugins=manager)
    return " ".join(data.decode("utf-8").split()), [str(w.message) for w in caught]


@pytest.mark.parametrize("crashing", [CrashingGuidance, CrashingLayout], ids=["guidance", "layout"])
def test_crashing_layout_or_guidance_hook_keeps_the_core_content(crashing: type) -> None:
    manager = plugin_manager_with(crashing, PumpPlugin)
    passport = example_passport({"pump": {"pump": "Example pump"}}, plugins=manager, **CORE_CONTENT)
    text, _ = _render_text(manager, passport)
    for expected in ("Alex Example", "Give the emergency injection and call an ambulance.", "Exampleol"):
        assert expected in text


@pytest.mark.parametrize(
    ("crashing", "hook"),
    [(CrashingGuidance, "rarepassport_emergency_guidance"), (CrashingLayout, "rarepassport_layout_section")],
    ids=["guidance", "layout"],
)
def test_crashing_layout_or_guidance_hook_is_reported_naming_plugin_and_hook(crashing: type, hook: str) -> None:
    manager = plugin_manager_with(crashing, PumpPlugin)
    passport = example_passport({"pump": {"pump": "Example pump"}}, plugins=manager, **CORE_CONTENT)
    _, messages = _render_text(manager, passport)
    assert [m for m in messages if crashing.__name__ in m and hook in m]
    # The exception text may quote passport values, so it must not reach the warning.
    assert not [m for m in messages if "bug" in m]


def test_crashing_layout_hook_still_shows_the_plugin_section_data() -> None:
    manager = plugin_manager_with(CrashingLayout, PumpPlugin)
    passport = example_passport({"pump": {"pump": "Example pump"}}, plugins=manager)
    text, _ = _render_text(manager, passport)
    assert "Example pump" in text


class CrashingFhirSection:
    @staticmethod
    @hookimpl
    def rarepassport_fhir_section(section: Any, data: object, passport: Any, patient_reference: str) -> None:
        raise RuntimeError("fhir bug Example pump")


def test_a_crashing_fhir_hook_is_skipped_and_reported_and_the_section_still_exported() -> None:
    """The one failure policy (PluginManager.call_each): skip, report, use the default."""
    from rarepassport.fhir import to_ips

    manager = plugin_manager_with(CrashingFhirSection, PumpPlugin)
    passport = example_passport({"pump": {"pump": "Example pump"}}, plugins=manager)
    with pytest.warns(rarepassport.PluginWarning) as caught:
        bundle = to_ips(passport, plugins=manager)
    [message] = [str(w.message) for w in caught if issubclass(w.category, rarepassport.PluginWarning)]
    assert "CrashingFhirSection" in message and "rarepassport_fhir_section" in message
    assert "RuntimeError" in message and "bug" not in message and "Example pump" not in message
    composition = bundle["entry"][0]["resource"]
    [section] = [s for s in composition["section"] if s["code"]["coding"][0]["code"] == "pump"]
    assert "Example pump" in section["text"]["div"]


def test_call_each_yields_every_answer_and_reports_each_failure_without_its_message() -> None:
    manager = plugin_manager_with(CrashingGuidance, PumpPlugin)
    failures: list[rarepassport.PluginFailure] = []
    passport = example_passport(plugins=manager)
    answers = list(manager.call_each("rarepassport_emergency_guidance", on_failure=failures.append,
                                     passport=passport))
    assert [f.plugin for f in failures] == ["CrashingGuidance"]
    assert failures[0].hook == "rarepassport_emergency_guidance"
    assert failures[0].message == "raised RuntimeError"
    # The built-in condition plugins still answered.
    assert all(isinstance(plugin, str) for plugin, _ in answers)


# --- rarepassport.testing for plugin authors ---------------------------------------------------


def test_plugin_manager_with_raises_on_any_plugin_failure() -> None:
    with pytest.raises(PluginError, match="unknown hook 'rarepassport_register_rule'"):
        plugin_manager_with(MisspeltHook)


def test_plugin_manager_with_ignores_installed_plugins() -> None:
    manager = plugin_manager_with(PumpPlugin)
    assert not [info for info in manager.plugins() if info.source == "entry-point"]


def test_example_passport_carries_the_plugin_section() -> None:
    manager = plugin_manager_with(PumpPlugin)
    passport = example_passport({"pump": {"pump": "insulin"}}, plugins=manager)
    assert passport.extensions["pump"] == PumpSection(pump="insulin")

