"""Schema evolution: older format versions upgraded step by step with a report of what
changed, newer ones refused naming the version this library reads; the ``upgrade``
command. Specification: issue 14, point 7.

Format 1.0 is the only version so far, so the steps are tested with a registry of two
made-up older versions (0.8 and 0.9), installed for the test only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from rarepassport import migrations

SRC = Path(__file__).resolve().parents[1] / "src"
EXAMPLE = SRC / "rarepassport" / "data" / "example-passport.json"


def rename_nickname(data: dict[str, Any]) -> dict[str, Any]:
    data["person"]["preferred_name"] = data["person"].pop("nickname")
    return data


def drugs_to_medications(data: dict[str, Any]) -> dict[str, Any]:
    data["medications"] = [{"name": name} for name in data.pop("drugs", [])]
    return data


def old_registry() -> rp.MigrationRegistry:
    registry = rp.MigrationRegistry(versions={"0.8": "0.0.1", "0.9": "0.0.2", "1.0": "0.1.0"})
    registry.add("0.8", "0.9", drugs_to_medications, summary="drugs (names) became medications (objects)")
    registry.add("0.9", "1.0", rename_nickname, summary="person.nickname is now person.preferred_name")
    return registry


OLD = {"schema_version": "0.8", "person": {"name": "Ada Example", "nickname": "Ady", "date_of_birth": "2015-03-02"},
       "drugs": ["Hydrocortisone"]}


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> rp.MigrationRegistry:
    installed = old_registry()
    monkeypatch.setattr(migrations, "CORE_MIGRATIONS", installed)
    return installed


def test_an_old_document_is_upgraded_step_by_step_with_a_report(registry: rp.MigrationRegistry) -> None:
    migrated = rp.migrate_document(OLD)
    assert [(step.source, step.target) for step in migrated.steps] == [("0.8", "0.9"), ("0.9", "1.0")]
    assert migrated.steps[0].changed == ("$.drugs", "$.medications")
    assert migrated.steps[1].changed == ("$.person.nickname", "$.person.preferred_name")
    assert str(migrated.steps[1]) == ("format 0.9 -> 1.0: person.nickname is now person.preferred_name "
                                      "(changed: $.person.nickname, $.person.preferred_name)")
    assert migrated.document["schema_version"] == "1.0"


def test_the_report_names_paths_never_values(registry: rp.MigrationRegistry) -> None:
    text = " ".join(str(step) for step in rp.migrate_document(OLD).steps)
    assert "Ady" not in text and "Hydrocortisone" not in text


def test_migration_does_not_change_the_document_given(registry: rp.MigrationRegistry) -> None:
    before = json.dumps(OLD)
    rp.migrate_document(OLD)
    assert json.dumps(OLD) == before


def test_load_upgrades_an_old_document(registry: rp.MigrationRegistry, tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps(OLD))
    passport = rp.load(path)
    assert passport.person.preferred_name == "Ady"
    assert [m.name for m in passport.medications] == ["Hydrocortisone"]
    assert passport.schema_version == rp.SCHEMA_VERSION


def test_a_current_document_needs_no_step() -> None:
    data = json.loads(EXAMPLE.read_text())
    migrated = rp.migrate_document(data)
    assert migrated.steps == () and migrated.document == data


def test_every_example_is_at_the_current_version_and_every_version_is_known() -> None:
    assert list(migrations.SCHEMA_VERSIONS)[-1] == rp.SCHEMA_VERSION
    examples = Path(__file__).resolve().parents[1] / "examples"
    for path in sorted(examples.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "person" in data:
            assert rp.migrate_document(data).steps == (), path


def test_a_newer_document_is_refused_naming_the_versions() -> None:
    with pytest.raises(rp.LoadError) as caught:
        rp.migrate_document({"schema_version": "1.1", "person": {}})
    [problem] = caught.value.problems
    assert problem.path == "$.schema_version"
    assert f"newer than this rarepassport ({rp.__version__}) reads (up to 1.0)" in problem.message
    assert "a release that reads format 1.1" in problem.message


def test_an_unknown_version_is_refused_without_echoing_it() -> None:
    with pytest.raises(rp.LoadError) as caught:
        rp.migrate_document({"schema_version": "version-of-Ada-Example", "person": {}})
    assert "Ada" not in str(caught.value) and "known versions: 1.0" in str(caught.value)


def test_an_old_version_with_no_migration_is_refused(registry: rp.MigrationRegistry) -> None:
    with pytest.raises(rp.LoadError, match="unknown format version"):
        rp.migrate_document({**OLD, "schema_version": "0.5"})


def test_a_migration_loop_is_refused() -> None:
    registry = rp.MigrationRegistry(versions={"0.9": "0", "1.0": "0"})
    with pytest.raises(ValueError, match="newer version"):
        registry.add("0.9", "0.8", rename_nickname, summary="back")


def test_a_second_migration_from_one_version_is_refused() -> None:
    registry = old_registry()
    with pytest.raises(ValueError, match="already registered"):
        registry.add("0.9", "1.0", rename_nickname, summary="again")


# --- the upgrade command ---------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "rarepassport", *args], capture_output=True, text=True,
                          check=False, env=env, stdin=subprocess.DEVNULL)


def test_upgrade_of_a_current_passport_says_there_is_nothing_to_do(tmp_path: Path) -> None:
    done = run_cli("upgrade", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert "already format version 1.0; nothing to upgrade" in done.stderr
    assert done.stdout == ""


def test_upgrade_refuses_a_newer_passport_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({**json.loads(EXAMPLE.read_text()), "schema_version": "2.0"}))
    done = run_cli("upgrade", str(path), "-o", str(tmp_path / "out.json"))
    assert done.returncode == 2
    assert "$.schema_version" in done.stderr and "newer than this rarepassport" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out.json").exists()


def test_upgrade_lists_each_step_and_writes_the_upgraded_passport(
    registry: rp.MigrationRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process, so that the test's registry is the one installed.
    from rarepassport.cli import main

    source = tmp_path / "old.json"
    source.write_text(json.dumps(OLD))
    out = tmp_path / "new.json"
    assert main(["upgrade", str(source), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "format 0.8 -> 0.9: drugs (names) became medications (objects)" in err
    assert "format 0.9 -> 1.0" in err
    upgraded = json.loads(out.read_text())
    assert upgraded["schema_version"] == "1.0" and upgraded["person"]["preferred_name"] == "Ady"
    assert json.loads(source.read_text()) == OLD  # the input is never replaced


def test_upgrade_says_each_step_in_the_language_of_the_messages(
    registry: rp.MigrationRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The words around the step are the catalogue's (cli.upgrade.step-format); a summary
    # with no translation (no label migration.format.<version>) is English, said to be.
    import argparse

    from rarepassport.cli import main
    from rarepassport.cli._common import set_message_language
    from rarepassport.labels import built_in_catalogue

    source = tmp_path / "old.json"
    source.write_text(json.dumps(OLD))
    try:
        assert main(["--language", "fr", "upgrade", str(source), "-o", str(tmp_path / "new.json")]) == 0
    finally:
        set_message_language(argparse.Namespace(language="en"))
    err = capsys.readouterr().err
    summary = built_in_catalogue("fr")["validation.untranslated"].format(
        message="drugs (names) became medications (objects)")
    assert built_in_catalogue("fr")["cli.upgrade.step-format"].format(
        source="0.8", target="0.9", summary=summary, changed="$.drugs, $.medications") in err
    assert "changed:" not in err and "format 0.9 -> 1.0:" not in err


def test_a_plugin_step_is_said_with_its_label_in_the_language() -> None:
    # The plugin translates its step's summary with the label migration.<section>.<version>.
    import argparse
    import types

    from rarepassport.cli._common import set_message_language
    from rarepassport.cli._upgrade import step_text
    from rarepassport.labels import built_in_catalogue

    labels = types.SimpleNamespace(__name__="diary_labels", rarepassport_register_labels=rp.hookimpl(
        lambda labels: labels.add("de", {"migration.diary.3": "writer heißt jetzt author"})))
    plugins = _section_plugins(labels)
    old = {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
           "extensions": {"diary": {"schema_version": "2", "writer": "Mum"}}}
    [step] = rp.migrate_document(old, plugins=plugins).steps
    assert step.label_id == "migration.diary.3"
    assert step_text(step, plugins) == (
        "section extensions.diary (plugin diary) 2 -> 3: writer is now author "
        "(changed: $.extensions.diary.writer, $.extensions.diary.author)")
    try:
        set_message_language(argparse.Namespace(language="de"))
        german = step_text(step, plugins)
        set_message_language(argparse.Namespace(language="fr"))
        french = step_text(step, plugins)
    finally:
        set_message_language(argparse.Namespace(language="en"))
    assert german == built_in_catalogue("de")["cli.upgrade.step-section"].format(
        section="diary", plugin="diary", source="2", target="3", summary="writer heißt jetzt author",
        changed="$.extensions.diary.writer, $.extensions.diary.author")
    # No French label: the English summary, said to be untranslated.
    assert built_in_catalogue("fr")["validation.untranslated"].format(message="writer is now author") in french


# --- plugin sections versioned on their own ---------------------------------------------------


def _section_plugins(*extra: object, version: str = "3") -> Any:
    """A plugin with a section ``diary`` at ``version``, migrated 1 -> 2 -> 3, plus ``extra``."""
    import types

    import attrs

    @attrs.frozen(kw_only=True)
    class Diary:
        entries: tuple[str, ...] = rp.section_field("Entries.", default=(), converter=tuple)
        author: str | None = rp.section_field("Who writes it.", default=None)

    def text_to_list(data: dict[str, Any]) -> dict[str, Any]:
        data["entries"] = [data.pop("entry")] if "entry" in data else []
        return data

    def writer_to_author(data: dict[str, Any]) -> dict[str, Any]:
        if "writer" in data:
            data["author"] = data.pop("writer")
        return data

    plugin = types.SimpleNamespace(
        __name__="diary",
        rarepassport_register_sections=rp.hookimpl(
            lambda sections: sections.add("diary", Diary, title="Diary", version=version)),
        rarepassport_register_migrations=rp.hookimpl(lambda migrations: (
            migrations.add("diary", "1", "2", text_to_list, summary="entry (text) became entries (a list)"),
            migrations.add("diary", "2", "3", writer_to_author, summary="writer is now author"))),
    )
    return rp.make_plugin_manager(plugins=[plugin, *extra], entry_points=False)


def test_a_plugin_section_is_upgraded_through_each_of_its_versions() -> None:
    plugins = _section_plugins()
    old = {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
           "extensions": {"diary": {"entry": "Slept well", "writer": "Mum"}}}
    migrated = rp.migrate_document(old, plugins=plugins)
    assert [(s.section, s.source, s.target) for s in migrated.steps] == [("diary", "1", "2"), ("diary", "2", "3")]
    assert migrated.steps[0].changed == ("$.extensions.diary.entry", "$.extensions.diary.entries")
    assert migrated.document["extensions"]["diary"] == {"entries": ["Slept well"], "author": "Mum",
                                                         "schema_version": "3"}
    assert old["extensions"]["diary"] == {"entry": "Slept well", "writer": "Mum"}  # the given one is unchanged
    passport = rp.from_dict(old, plugins=plugins)
    assert passport.extensions["diary"].entries == ("Slept well",)
    assert rp.to_dict(passport, plugins=plugins)["extensions"]["diary"] == {
        "schema_version": "3", "entries": ["Slept well"], "author": "Mum"}
    # From version 2 on a step starts from what the data says.
    middle = {**old, "extensions": {"diary": {"schema_version": "2", "entries": ["x"], "writer": "Dad"}}}
    assert [s.source for s in rp.migrate_document(middle, plugins=plugins).steps] == ["2"]


def test_a_section_at_version_1_writes_no_version_and_refuses_a_newer_one() -> None:
    plugins = _section_plugins(version="1")  # the steps to 2 and 3 go above the section's version: refused
    assert [f.hook for f in plugins.failures] == ["rarepassport_register_migrations"] * 2
    passport = rp.from_dict({"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
                             "extensions": {"diary": {"entries": ["x"]}}}, plugins=plugins)
    assert "schema_version" not in rp.to_dict(passport, plugins=plugins)["extensions"]["diary"]
    # As in its JSON Schema, a version-1 section has no schema_version field.
    with pytest.raises(rp.LoadError) as caught:
        rp.from_dict({"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
                      "extensions": {"diary": {"schema_version": "1"}}}, plugins=plugins)
    assert caught.value.problems[0].path == "$.extensions.diary.schema_version"
    assert "unknown field 'schema_version'" in caught.value.problems[0].message
    assert "schema_version" not in rp.json_schema(plugins=plugins)["properties"]["extensions"]["properties"][
        "diary"].get("properties", {})
    with pytest.raises(rp.LoadError) as caught:
        rp.from_dict({"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
                      "extensions": {"diary": {"schema_version": "2"}}}, plugins=plugins)
    assert caught.value.problems[0].path == "$.extensions.diary.schema_version"
    assert "newer than the installed plugin diary" in caught.value.problems[0].message


def test_only_the_sections_own_plugin_may_migrate_it() -> None:
    import types

    intruder = types.SimpleNamespace(
        __name__="intruder",
        rarepassport_register_migrations=rp.hookimpl(lambda migrations: (
            migrations.add("diary", "3", "4", lambda data: {}, summary="wipes the diary"),
            migrations.add("nobody", "1", "2", lambda data: data, summary="a section no plugin has"))),
    )
    plugins = _section_plugins(intruder)
    messages = [str(f) for f in plugins.failures]
    assert any("plugin intruder added a migration of section 'diary'" in m for m in messages)
    assert any("migration of section 'nobody', which no plugin registered" in m for m in messages)
    assert [s.source for s in plugins.migrations] == ["1", "2"]


def test_a_section_class_may_not_have_a_schema_version_field() -> None:
    import types

    import attrs

    @attrs.frozen
    class Bad:
        schema_version: str = "1"

    plugin = types.SimpleNamespace(__name__="bad", rarepassport_register_sections=rp.hookimpl(
        lambda sections: sections.add("bad", Bad, title="Bad")))
    plugins = rp.make_plugin_manager(plugins=[plugin], entry_points=False)
    assert "bad" not in plugins.sections
    assert any("may not be called 'schema_version'" in str(f) for f in plugins.failures)


def test_a_sections_version_is_not_content_a_check_can_cover() -> None:
    plugins = _section_plugins()
    passport = rp.from_dict({"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
                             "extensions": {"diary": {"entry": "Slept well"}}}, plugins=plugins)
    private, _ = rp.generate_key()
    with pytest.raises(rp.SigningError, match="not part of the passport's content"):
        rp.sign(passport, private, name="Dr Lee", sections=["extensions.diary.schema_version"], plugins=plugins)
    signed = rp.sign(passport, private, name="Dr Lee", sections=["extensions.diary"], plugins=plugins)
    assert rp.verify(signed, plugins=plugins).status is rp.TrustStatus.UNTRUSTED  # valid, key not trusted
