"""Outside plugins found through real installs: the Fabry example and a broken one.

The module fixture pip-installs ``examples/plugins/rarepassport-fabry`` and
``examples/plugins/rarepassport-broken`` as real packages — built from their
``pyproject.toml`` with their entry points — into a temporary folder put on
``sys.path`` (and ``PYTHONPATH`` for subprocesses), and takes them away afterwards: the
environment is left as it was found.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import rarepassport
from rarepassport import cli, json_schema
from rarepassport.errors import LoadError
from rarepassport.plugin_manager import PluginManager, make_plugin_manager

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "plugins"
FABRY_DIR = EXAMPLES / "rarepassport-fabry"
BROKEN_DIR = EXAMPLES / "rarepassport-broken"
FABRY_PASSPORT = FABRY_DIR / "examples" / "sam-fabry.json"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module", autouse=True)
def installed_example_plugins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Install both example plugins into a temporary site folder, for this module only."""
    site = tmp_path_factory.mktemp("site-packages")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--target", str(site), str(FABRY_DIR), str(BROKEN_DIR)],
        check=True,
        capture_output=True,
    )
    old_pythonpath = os.environ.get("PYTHONPATH")
    sys.path.insert(0, str(site))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), old_pythonpath]))
    importlib.invalidate_caches()
    rarepassport.default_plugin_manager.cache_clear()
    try:
        yield site
    finally:
        sys.path.remove(str(site))
        if old_pythonpath is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old_pythonpath
        for name in [name for name in sys.modules if name.startswith(("rarepassport_fabry", "rarepassport_broken"))]:
            del sys.modules[name]
        importlib.invalidate_caches()
        rarepassport.default_plugin_manager.cache_clear()


def test_the_example_plugins_are_not_installed_outside_the_temporary_folder(
    installed_example_plugins: Path,
) -> None:
    for dist in ("rarepassport-fabry", "rarepassport-broken"):
        location = Path(str(importlib.metadata.distribution(dist).locate_file("")))
        assert location == installed_example_plugins


@pytest.fixture
def outside_plugins() -> PluginManager:
    """A plugin manager that loads installed plugins, as users get by default."""
    return make_plugin_manager()


def _run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- discovery ------------------------------------------------------------------------------


def test_fabry_is_found_through_its_entry_point_with_its_version(outside_plugins: PluginManager) -> None:
    infos = {info.name: info for info in outside_plugins.plugins()}
    assert (infos["fabry"].version, infos["fabry"].source) == ("0.2.0", "entry-point")


def test_fabry_registers_its_section(outside_plugins: PluginManager) -> None:
    spec = outside_plugins.sections["fabry"]
    assert (spec.plugin, spec.title, "ORPHA:324" in spec.applies_to) == ("fabry", "Fabry disease", True)


def test_plugin_that_fails_to_import_is_reported_with_name_version_and_message(
    outside_plugins: PluginManager,
) -> None:
    [failure] = [f for f in outside_plugins.failures if f.plugin == "broken"]
    assert (failure.version, failure.hook) == ("0.0.1", None)
    assert "fails on import on purpose" in failure.message


def test_plugin_that_fails_to_import_does_not_stop_the_others(outside_plugins: PluginManager) -> None:
    names = {info.name for info in outside_plugins.plugins()}
    assert "fabry" in names and "broken" not in names


def test_disable_variable_loads_no_outside_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAREPASSPORT_DISABLE_PLUGINS", "1")
    plugins = make_plugin_manager()
    assert not [info for info in plugins.plugins() if info.source == "entry-point"]
    assert not plugins.failures


def test_block_variable_blocks_a_plugin_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAREPASSPORT_BLOCK_PLUGINS", "fabry")
    plugins = make_plugin_manager()
    assert "fabry" not in {info.name for info in plugins.plugins()}
    assert "fabry" not in plugins.sections


def test_blocked_argument_blocks_a_plugin_by_name() -> None:
    plugins = make_plugin_manager(blocked=["fabry"])
    assert "fabry" not in {info.name for info in plugins.plugins()}


def test_blocking_the_broken_plugin_silences_its_failure() -> None:
    plugins = make_plugin_manager(blocked=["broken"])
    assert not [f for f in plugins.failures if f.plugin == "broken"]


# --- a passport with the plugin's section -------------------------------------------------


def test_passport_with_the_section_loads_into_the_plugin_class(outside_plugins: PluginManager) -> None:
    import rarepassport_fabry

    passport = rarepassport.load(FABRY_PASSPORT, plugins=outside_plugins)
    section = passport.extensions["fabry"]
    assert isinstance(section, rarepassport_fabry.FabrySection)
    assert section.pain_crisis_triggers == ("heat", "fever", "exercise")


def test_passport_with_the_section_round_trips(outside_plugins: PluginManager) -> None:
    passport = rarepassport.load(FABRY_PASSPORT, plugins=outside_plugins)
    text = rarepassport.dumps(passport, plugins=outside_plugins)
    assert rarepassport.loads(text, plugins=outside_plugins) == passport
    assert json.loads(text)["extensions"] == json.loads(FABRY_PASSPORT.read_text())["extensions"]


def test_the_plugin_rule_runs_in_validation(outside_plugins: PluginManager) -> None:
    report = rarepassport.validate(FABRY_PASSPORT, plugins=outside_plugins)
    [issue] = [i for i in report if i.code == "fabry-treatment-stated"]
    assert (issue.path, issue.severity.value) == ("$.extensions.fabry.treatment", "warning")


def test_section_without_its_plugin_fails_to_load_naming_the_extension() -> None:
    plugins = make_plugin_manager(blocked=["fabry"])
    with pytest.raises(LoadError) as caught:
        rarepassport.load(FABRY_PASSPORT, plugins=plugins)
    [problem] = caught.value.problems
    assert problem.path == "$.extensions.fabry"
    assert "no installed plugin provides extension 'fabry'" in problem.message


def test_plugin_section_appears_in_the_json_schema(outside_plugins: PluginManager) -> None:
    schema = json_schema(plugins=outside_plugins)
    text = json.dumps(schema)
    assert "fabry" in json.dumps(schema["properties"]["extensions"])
    assert "pain_crisis_triggers" in text


def test_passport_with_the_section_is_valid_against_the_json_schema(outside_plugins: PluginManager) -> None:
    import jsonschema

    schema = json_schema(plugins=outside_plugins)
    jsonschema.Draft202012Validator(schema).validate(json.loads(FABRY_PASSPORT.read_text()))


@pytest.fixture(scope="module")
def rendered_words() -> dict[str, str]:
    """The Fabry example rendered once in every format, as whitespace-normalised text."""
    from rarepassport.testing import pdf_text, render_all_formats

    outside_plugins = make_plugin_manager()
    passport = rarepassport.load(FABRY_PASSPORT, plugins=outside_plugins)
    outputs = render_all_formats(passport, outside_plugins)
    # The lock screen is a picture of the emergency essentials: its page is lockscreen-pdf.
    return {
        fmt: " ".join((pdf_text(data) if data.startswith(b"%PDF") else data.decode("utf-8")).split())
        for (fmt, _view), data in outputs.items()
        if fmt != "lockscreen"
    }


def test_the_section_is_rendered_in_every_page_format(rendered_words: dict[str, str]) -> None:
    words = rendered_words
    # The wallet card has room for the emergency essentials only; it is checked below.
    pages = {fmt: text for fmt, text in words.items() if fmt not in ("card", "lockscreen-pdf")}
    assert {"pdf", "html", "markdown", "text"} <= set(pages)
    missing = [fmt for fmt, text in pages.items() if "Example Lysosomal Disorders Unit" not in text]
    assert not missing, f"the Fabry section is missing from {missing}"


def test_the_section_uses_the_plugin_labels_in_every_page_format(rendered_words: dict[str, str]) -> None:
    words = rendered_words
    missing = [fmt for fmt, text in words.items()
               if fmt not in ("card", "lockscreen-pdf") and "Pain crisis triggers" not in text]
    assert not missing, f"the plugin's label is missing from {missing}"


def test_a_passport_with_the_section_renders_a_wallet_card(rendered_words: dict[str, str]) -> None:
    words = rendered_words
    assert "Sam Example" in words["card"]


# --- the command line ---------------------------------------------------------------------


def test_cli_plugins_lists_fabry_with_its_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run_cli(capsys, "plugins")
    assert status == 0
    assert "fabry 0.2.0 [entry-point]" in out
    assert "section extensions.fabry: Fabry disease" in out


def test_cli_plugins_lists_the_broken_plugin_under_failures(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run_cli(capsys, "plugins")
    failures = out.split("Failures:", 1)[1]
    assert "plugin broken 0.0.1: failed to load: RuntimeError" in failures


def test_cli_plugins_json_reports_plugins_and_failures(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run_cli(capsys, "plugins", "--format", "json")
    (payload,) = json.loads(out)["results"]
    assert {"name": "fabry", "version": "0.2.0"}.items() <= next(
        p for p in payload["plugins"] if p["name"] == "fabry"
    ).items()
    assert [f["version"] for f in payload["failures"] if f["plugin"] == "broken"] == ["0.0.1"]


def test_cli_block_plugin_option_blocks_it(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run_cli(capsys, "--block-plugin", "fabry", "plugins")
    assert "fabry" not in out


def test_cli_validate_runs_the_plugin_rule(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run_cli(capsys, "validate", str(FABRY_PASSPORT))
    assert status == 0
    assert "$.extensions.fabry.treatment" in out and "[fabry-treatment-stated]" in out


def test_cli_validate_without_the_plugin_names_the_missing_extension(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run_cli(capsys, "--block-plugin", "fabry", "validate", str(FABRY_PASSPORT))
    assert status == 1
    assert "$.extensions.fabry" in out and "no installed plugin provides extension 'fabry'" in out


def test_example_plugin_own_tests_pass() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(FABRY_DIR / "tests")],
        capture_output=True,
        text=True,
        cwd=FABRY_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]


# --- the plugin authors' documentation --------------------------------------------------------


def test_every_hook_has_a_section_on_the_hooks_page() -> None:
    from rarepassport import hookspecs

    hooks = {name for name in vars(hookspecs) if name.startswith("rarepassport_")}
    page = (ROOT / "docs" / "plugins" / "hooks.md").read_text(encoding="utf-8")
    headings = {line.removeprefix("## ").strip() for line in page.splitlines() if line.startswith("## ")}
    assert hooks - headings == set()


# --- a plugin versions its own section (issue 14, point 7) ------------------------------------


def _old_fabry_file(tmp_path: Path, **section: object) -> Path:
    """The Fabry example as plugin 0.1 wrote it: section version 1 (no schema_version),
    the treatment under its old name ``enzyme_therapy``."""
    data = json.loads(FABRY_PASSPORT.read_text(encoding="utf-8"))
    fabry = {key: value for key, value in data["extensions"]["fabry"].items() if key != "schema_version"}
    data["extensions"]["fabry"] = {"enzyme_therapy": "Agalsidase beta every two weeks", **fabry, **section}
    path = tmp_path / "sam-0.1.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def _values(value: object) -> list[str]:
    if isinstance(value, dict):
        return sorted(item for key, child in value.items() if key != "schema_version" for item in _values(child))
    if isinstance(value, list):
        return sorted(item for child in value for item in _values(child))
    return [json.dumps(value)]


def test_an_old_fabry_section_is_upgraded_on_load_losing_nothing(outside_plugins: PluginManager,
                                                                 tmp_path: Path) -> None:
    old = _old_fabry_file(tmp_path)
    passport = rarepassport.load(old, plugins=outside_plugins)
    section = passport.extensions["fabry"]
    assert section.treatment == "Agalsidase beta every two weeks"
    written = json.loads(rarepassport.dumps(passport, plugins=outside_plugins))["extensions"]["fabry"]
    assert written["schema_version"] == "2" and "enzyme_therapy" not in written
    before = json.loads(old.read_text(encoding="utf-8"))["extensions"]["fabry"]
    assert _values(written) == _values(before)  # every value kept, none added
    # The step is reported, naming the section, the plugin and the paths (never values).
    migrated = rarepassport.migrate_document(json.loads(old.read_text()), plugins=outside_plugins)
    [step] = migrated.steps
    assert (step.section, step.plugin, step.source, step.target) == ("fabry", "fabry", "1", "2")
    assert step.changed == ("$.extensions.fabry.enzyme_therapy", "$.extensions.fabry.treatment")
    assert str(step) == ("section extensions.fabry (plugin fabry) 1 -> 2: enzyme_therapy is now treatment (an oral "
                         "therapy is a treatment too) (changed: $.extensions.fabry.enzyme_therapy, "
                         "$.extensions.fabry.treatment)")
    assert "Agalsidase" not in str(step)
    # A section already at version 2 needs no step.
    assert rarepassport.migrate_document(json.loads(FABRY_PASSPORT.read_text()), plugins=outside_plugins).steps == ()


def test_a_newer_fabry_section_is_refused_naming_the_section_and_plugin(outside_plugins: PluginManager,
                                                                        tmp_path: Path) -> None:
    data = json.loads(FABRY_PASSPORT.read_text(encoding="utf-8"))
    data["extensions"]["fabry"]["schema_version"] = "3"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        rarepassport.load(newer, plugins=outside_plugins)
    [problem] = caught.value.problems
    assert problem.path == "$.extensions.fabry.schema_version"
    assert problem.message == ("section extensions.fabry is written in its version 3, newer than the installed "
                               "plugin fabry 0.2.0 reads (up to 2); upgrade the plugin that provides it")
    # An unknown version is never echoed (it could be anything, up to the whole section).
    data["extensions"]["fabry"]["schema_version"] = "Sam's own words"
    newer.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        rarepassport.load(newer, plugins=outside_plugins)
    assert "own words" not in str(caught.value) and "extensions.fabry" in str(caught.value)
    # Two sections set against each other: the old one (version 1 with both names) is refused, not merged.
    both = _old_fabry_file(tmp_path, treatment="Migalastat")
    with pytest.raises(LoadError) as caught:
        rarepassport.load(both, plugins=outside_plugins)
    [problem] = caught.value.problems
    assert problem.path == "$.extensions.fabry" and "from version 1 to 2 (plugin fabry) failed" in problem.message
    assert "Migalastat" not in str(caught.value) and "Agalsidase" not in str(caught.value)


def test_upgrade_command_upgrades_the_plugin_section_and_refuses_a_newer_one(tmp_path: Path) -> None:
    old = _old_fabry_file(tmp_path)
    new = tmp_path / "sam-0.2.json"
    done = subprocess.run([sys.executable, "-m", "rarepassport", "upgrade", str(old), "-o", str(new)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "section extensions.fabry (plugin fabry) 1 -> 2: enzyme_therapy is now treatment" in done.stderr
    written = json.loads(new.read_text(encoding="utf-8"))
    assert written["extensions"]["fabry"]["schema_version"] == "2"
    assert written["extensions"]["fabry"]["treatment"] == "Agalsidase beta every two weeks"
    # In French, the plugin's own translation of its step (label migration.fabry.2).
    french = subprocess.run([sys.executable, "-m", "rarepassport", "--language", "fr", "upgrade", str(old)],
                            capture_output=True, text=True)
    assert french.returncode == 0, french.stderr
    assert ("section extensions.fabry (extension fabry) 1 -> 2 : enzyme_therapy s'appelle désormais treatment"
            in french.stderr), french.stderr
    assert "(modifié : $.extensions.fabry.enzyme_therapy, $.extensions.fabry.treatment)" in french.stderr
    again = subprocess.run([sys.executable, "-m", "rarepassport", "upgrade", str(new)], capture_output=True, text=True)
    assert again.returncode == 0 and "nothing to upgrade" in again.stderr
    data = json.loads(FABRY_PASSPORT.read_text(encoding="utf-8"))
    data["extensions"]["fabry"]["schema_version"] = "7"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data), encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "rarepassport", "upgrade", str(newer)],
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "$.extensions.fabry.schema_version" in refused.stderr and "plugin fabry 0.2.0" in refused.stderr


def test_a_signed_check_stays_valid_when_only_the_section_version_is_raised(outside_plugins: PluginManager,
                                                                           tmp_path: Path) -> None:
    # A check signed when the section had no schema_version (plugin 0.1, no renamed field
    # filled in) is still valid after the plugin raised the version: the version is not content.
    private, public = rarepassport.generate_key()
    keyring = rarepassport.Keyring(keys={public["kid"]: public})
    passport = rarepassport.load(FABRY_PASSPORT, plugins=outside_plugins)
    signed = rarepassport.sign(passport, private, name="Dr Lee", sections=["extensions.fabry"], plugins=outside_plugins)
    data = json.loads(rarepassport.dumps(signed, plugins=outside_plugins))
    del data["extensions"]["fabry"]["schema_version"]  # as plugin 0.1 wrote it
    reread = rarepassport.from_dict(data, plugins=outside_plugins)
    assert rarepassport.verify(reread, keyring, plugins=outside_plugins).status is rarepassport.TrustStatus.TRUSTED
    # Content that moved in the migration is a change: the check says so.
    data["extensions"]["fabry"]["enzyme_therapy"] = "Agalsidase beta"
    moved = rarepassport.from_dict(data, plugins=outside_plugins)
    check = rarepassport.verify(moved, keyring, plugins=outside_plugins).checks[0]
    assert check.status is rarepassport.TrustStatus.MODIFIED and check.changed == ("$.extensions.fabry",)


def test_the_versioned_section_schema_takes_its_version(outside_plugins: PluginManager) -> None:
    import jsonschema

    schema = json_schema(plugins=outside_plugins)
    fabry = schema["properties"]["extensions"]["properties"]["fabry"]
    assert fabry["properties"]["schema_version"]["const"] == "2"
    data = json.loads(FABRY_PASSPORT.read_text(encoding="utf-8"))
    data["extensions"]["fabry"]["schema_version"] = "3"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


# --- easy read: a plugin's own plain wordings, never the person's -------------------------

#: The person's own protocol: the words layout must never replace, even in easy read.
OWN_PROTOCOL = ("Give his usual pain relief as written in his care plan.",
                "Call the Example Lysosomal Disorders Unit before any infusion.")


def _fabry_with_protocol(plugins: PluginManager) -> rarepassport.Passport:
    import attrs

    passport = rarepassport.load(FABRY_PASSPORT, plugins=plugins)
    protocol = rarepassport.Protocol(title="Pain attack", steps=OWN_PROTOCOL)
    return attrs.evolve(passport, emergency=attrs.evolve(passport.emergency, protocols=(protocol,)))


def _texts(document: rarepassport.Document, section_id: str) -> list[str]:
    section = document.section(section_id)
    assert section is not None, section_id
    found: list[str] = []
    for block in section.blocks:
        for name in ("text", "label", "value"):
            value = getattr(block, name, None)
            if isinstance(value, str) and value:
                found.append(value)
        found.extend(getattr(block, "items", ()))
        for row in getattr(block, "rows", ()):
            found.extend(row)
        found.extend(getattr(block, "columns", ()))
    return found


def test_a_plugin_gives_easy_read_wordings_for_its_labels_and_its_guidance(outside_plugins: PluginManager) -> None:
    import rarepassport_fabry

    passport = _fabry_with_protocol(outside_plugins)
    normal = rarepassport.layout(passport, plugins=outside_plugins, today=TODAY)
    easy = rarepassport.layout(passport, plugins=outside_plugins, today=TODAY, easy_read=True)
    written = rarepassport_fabry.emergency_guidance()
    plain_steps = (
        "Follow the person's own emergency plan first.",
        "Believe the person's pain: a pain attack can be very bad even when you see little.",
        "New weakness, or new problems speaking or seeing, may be a stroke, at any age.",
        "A racing or pounding heart, or fainting, may be a heart rhythm problem.",
        "Contact the person's Fabry specialist centre.",
    )
    easy_guidance, normal_guidance = _texts(easy, "guidance"), _texts(normal, "guidance")
    assert any(text.endswith(": Fabry disease: what to know in an emergency") for text in easy_guidance)
    assert set(plain_steps) <= set(easy_guidance)
    assert written.text not in easy_guidance
    assert not (set(written.steps) - set(plain_steps)) & set(easy_guidance)
    # Without easy read, the guidance as the plugin wrote it.
    assert written.text in normal_guidance and set(written.steps) <= set(normal_guidance)
    # Its own section's labels too.
    assert "What starts a pain attack" in _texts(easy, "extensions.fabry")
    assert "Pain crisis triggers" in _texts(normal, "extensions.fabry")
    # The person's own protocol is word for word the same.
    assert set(OWN_PROTOCOL) <= set(_texts(easy, "protocols"))
    text = rarepassport.render_rendered(passport, "text", plugins=outside_plugins, today=TODAY,
                                        easy_read=True).data.decode()
    assert all(step in " ".join(text.split()) for step in (*plain_steps, *OWN_PROTOCOL))


def test_easy_read_in_a_language_without_the_plugins_plain_version_keeps_the_guidance_as_written(
    outside_plugins: PluginManager,
) -> None:
    import rarepassport_fabry

    passport = _fabry_with_protocol(outside_plugins)
    easy = rarepassport.layout(passport, language="fr", plugins=outside_plugins, today=TODAY, easy_read=True)
    written = rarepassport_fabry.emergency_guidance()
    texts = _texts(easy, "guidance")
    # Never the English easy-read version in a French page: the guidance as written,
    # marked English, and said to be untranslated.
    assert written.text in texts and set(written.steps) <= set(texts)
    assert not any("pain attack can be very bad" in text for text in texts)
    assert any(text.startswith("Non traduit") for text in texts)
