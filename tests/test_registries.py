"""The registries a plugin's registration hooks fill (``rarepassport.registries``).

Specification: the docstrings of `rarepassport.RuleRegistry`, `rarepassport.BackendRegistry`,
`rarepassport.ExporterRegistry` and `rarepassport.LabelRegistry` (docs/plugins/hooks.md).
Section registration and how a failing plugin is reported are in
tests/test_plugin_robustness.py; these tests fill the registries as a plugin does, through
a real plugin manager.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import rarepassport
from rarepassport import (
    BackendRegistry,
    ExporterRegistry,
    LabelRegistry,
    PluginError,
    PluginFailure,
    RuleRegistry,
    View,
    hookimpl,
)


def _manager(*plugins: object) -> rarepassport.PluginManager:
    return rarepassport.make_plugin_manager(entry_points=False, plugins=plugins)


class Braille:
    """A plugin with a backend, an exporter, a rule and labels."""

    @hookimpl
    def rarepassport_register_backends(self, backends: BackendRegistry) -> None:
        backends.add("braille", lambda document, **options: None, media_type="text/plain", suffix=".brf",
                     description="Grade 2 braille", default_view="emergency")

    @hookimpl
    def rarepassport_register_exporters(self, exporters: ExporterRegistry) -> None:
        exporters.add("csv", lambda passport, **options: b"", media_type="text/csv", suffix=".csv")

    @hookimpl
    def rarepassport_register_rules(self, rules: RuleRegistry) -> None:
        rules.add(lambda passport, context: (), code="braille-check", description="Checks nothing")

    @hookimpl
    def rarepassport_register_labels(self, labels: LabelRegistry) -> None:
        labels.add("fr", {"section.allergies": "Allergies (braille)"})


def test_a_plugin_s_entries_are_registered_under_its_name() -> None:
    manager = _manager(Braille())
    [plugin] = [info.name for info in manager.plugins() if info.source == "explicit"]
    backend = manager.backends["braille"]
    assert (backend.plugin, backend.media_type, backend.suffix, backend.default_view) == (
        plugin, "text/plain", ".brf", View.EMERGENCY)
    assert manager.exporters["csv"].plugin == plugin
    assert [rule.plugin for rule in manager.rules if rule.code == "braille-check"] == [plugin]
    assert manager.failures == []


def test_names_are_kept_in_registration_order_after_the_built_ins() -> None:
    manager = _manager(Braille())
    assert manager.backends.names()[-1] == "braille"
    assert {"pdf", "card", "html", "markdown", "text"} <= set(manager.backends.names())
    assert "braille" in manager.backends and "nothing" not in manager.backends
    assert len(manager.backends) == len(list(manager.backends)) == len(manager.backends.names())
    assert manager.exporters.names() == ["fhir-ips", "phenopacket", "csv"]


def test_a_backend_name_taken_by_a_built_in_is_refused_naming_both_plugins() -> None:
    class Thief:
        @hookimpl
        def rarepassport_register_backends(self, backends: BackendRegistry) -> None:
            backends.add("pdf", lambda document, **options: None, media_type="application/pdf", suffix=".pdf")

    manager = _manager(Thief())
    [failure] = manager.failures
    assert failure.hook == "rarepassport_register_backends"
    assert "backend 'pdf'" in failure.message and "already registered by plugin builtin-backends" in failure.message
    assert manager.backends["pdf"].plugin == "builtin-backends"  # the built-in is kept


def test_an_exporter_name_is_unique_too() -> None:
    registry = ExporterRegistry()
    registry.add("csv", lambda passport, **options: b"", media_type="text/csv", suffix=".csv")
    with pytest.raises(PluginError, match=r"exporter 'csv' .* is already registered"):
        registry.add("csv", lambda passport, **options: b"", media_type="text/csv", suffix=".csv")
    assert len(registry) == 1


def test_a_default_view_that_is_not_a_view_is_refused_listing_the_views() -> None:
    with pytest.raises(PluginError, match="default_view 'wallet' is not a view; the views are: ") as caught:
        BackendRegistry().add("x", lambda document, **options: None, media_type="a/b", suffix=".x",
                              default_view="wallet")
    assert all(view.value in str(caught.value) for view in View)


def test_a_rule_must_be_callable() -> None:
    registry = RuleRegistry()
    not_callable: Any = "check everything"
    with pytest.raises(PluginError, match=r"rule 'x' .* is not callable"):
        registry.add(not_callable, code="x")
    assert len(registry) == 0


def test_labels_added_later_override_earlier_ones_for_the_same_id() -> None:
    labels = LabelRegistry()
    labels.add("fr", {"a": "un", "b": "deux"})
    labels.add("fr", {"a": "UN"})
    assert labels.get_exact("a", "fr") == "UN" and labels.get_exact("b", "fr") == "deux"
    assert labels.ids("fr") == {"a", "b"}
    assert labels.languages() == ["fr"]


def test_a_label_falls_back_to_shorter_tags_then_english_but_get_exact_does_not() -> None:
    labels = LabelRegistry()
    labels.add("en", {"a": "one", "b": "two"})
    labels.add("zh", {"a": "一"})
    assert labels.get("a", "zh-Hans-CN") == "一"
    assert labels.get("b", "zh-Hans-CN") == "two"
    assert labels.get_exact("a", "zh-Hans-CN") is None
    assert labels.get("c", "zh") is None
    assert labels.has_language("zh") and not labels.has_language("zh-Hans")


def test_a_plugin_s_label_overrides_a_built_in_one() -> None:
    manager = _manager(Braille())
    assert manager.labels.get("section.allergies", "fr") == "Allergies (braille)"
    assert _manager().labels.get("section.allergies", "fr") != "Allergies (braille)"


def test_catalogue_folders_are_registered_by_language_and_read_only_when_needed(tmp_path: Path) -> None:
    (tmp_path / "messages.pot").write_text('msgctxt "x.a"\nmsgid "A"\nmsgstr ""\n', encoding="utf-8")
    (tmp_path / "de.po").write_text('msgctxt "x.a"\nmsgid "A"\nmsgstr "Ä"\n', encoding="utf-8")
    labels = LabelRegistry()
    assert labels.add_catalogues(tmp_path) == ["en", "de"]
    assert [catalogue.path.name for catalogue in labels.catalogues()] == ["messages.pot", "de.po"]
    assert labels.has_language("de")
    assert (labels.get("x.a", "de-AT"), labels.get("x.a", "en")) == ("Ä", "A")


def test_a_failure_reads_as_plugin_version_hook_and_message() -> None:
    assert str(PluginFailure("fabry", "boom", version="1.2", hook="rarepassport_register_rules")) == (
        "plugin fabry 1.2 in hook rarepassport_register_rules: boom")
    assert str(PluginFailure("fabry", "could not be imported")) == "plugin fabry: could not be imported"
