"""Validation and command-line messages in the user's language, from the gettext catalogues.

Each issue keeps its path, code and severity in every language; only the message changes.
The command line takes ``--language`` or, without it, the environment (``LANG`` ...).
Subprocess tests run the real ``rarepassport`` command and read its output.
"""

from __future__ import annotations

import ast
import json
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from rarepassport import Issue, IssueSeverity, Passport, RuleContext, hookimpl
from rarepassport.labels import BUILT_IN_LANGUAGES
from rarepassport.registries import RuleRegistry

SRC = Path(rp.__file__).resolve().parent
TRANSLATED = tuple(tag for tag in BUILT_IN_LANGUAGES if tag != "en")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: A passport with a rule error (a blank required name), a structure-free document.
BAD_RULES = {
    "schema_version": "1.0",
    "person": {"name": "Ada Example", "date_of_birth": "2001-04-05"},
    "allergies": [{"substance": "  "}],
}
#: A passport with a structure error: an unknown field with a close known one.
BAD_STRUCTURE = {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_brith": "2001-04-05"}}


def builtin_manager() -> rp.PluginManager:
    return rp.make_plugin_manager(entry_points=False)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, with the language variables of the test's choosing only."""
    base = {key: value for key, value in os.environ.items()
            if key not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run(
        [sys.executable, "-m", "rarepassport", *args],
        capture_output=True, text=True, check=False, env={**base, **(env or {})},
    )


def write(tmp_path: Path, data: dict[str, Any], name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- the library --------------------------------------------------------------------------


def test_a_report_in_french_has_the_same_paths_codes_and_severities_as_in_english() -> None:
    manager = builtin_manager()
    english = rp.validate(BAD_RULES, plugins=manager)
    french = rp.validate(BAD_RULES, plugins=manager, language="fr")
    assert [(i.path, i.code, i.severity) for i in french] == [(i.path, i.code, i.severity) for i in english]
    [blank] = [i for i in french if i.code == "required-text-empty"]
    assert blank.path == "$.allergies[0].substance"
    assert blank.message == "substance est obligatoire et ne doit pas être vide ; remplissez-le ou retirez l'entrée"
    assert blank.message_id == "validation.required-text-empty"


def test_english_messages_stay_as_they_were() -> None:
    report = rp.validate(BAD_RULES, plugins=builtin_manager())
    [blank] = [i for i in report if i.code == "required-text-empty"]
    assert blank.message == "substance is required and must not be blank; fill it in or remove the entry"
    assert dict(blank.arguments) == {"field": "substance"}


def test_structure_errors_are_translated_with_the_field_path() -> None:
    report = rp.validate(BAD_STRUCTURE, plugins=builtin_manager(), language="de")
    messages = {issue.path: issue.message for issue in report}
    assert messages["$.person.date_of_brith"] == \
        "unbekanntes Feld 'date_of_brith' in person; meinten Sie 'date_of_birth'?"
    assert messages["$.person.date_of_birth"] == "das Pflichtfeld 'date_of_birth' fehlt"
    assert {issue.code for issue in report} == {"structure"}


def test_the_type_a_value_has_is_named_in_the_language_too() -> None:
    data = {**BAD_RULES, "allergies": "none"}
    [issue] = rp.validate(data, plugins=builtin_manager(), language="fr")
    assert issue.path == "$.allergies"
    assert issue.message.startswith("liste attendue, reçu : du texte ; listez chaque allergie")
    [german] = rp.validate({**BAD_RULES, "allergies": 3}, plugins=builtin_manager(), language="de")
    assert german.message == "Liste erwartet, erhalten: eine Zahl"


def test_a_language_without_a_catalogue_gives_the_english_report() -> None:
    manager = builtin_manager()
    assert rp.validate(BAD_RULES, plugins=manager, language="xx") == rp.validate(BAD_RULES, plugins=manager)


def test_a_regional_tag_uses_its_language_catalogue() -> None:
    report = rp.validate(BAD_RULES, plugins=builtin_manager(), language="fr-CA")
    assert any(issue.message.startswith("substance est obligatoire") for issue in report)


def test_no_message_holds_a_value_of_the_passport_in_any_language() -> None:
    secret = "Zebediah-Quuxworth"
    data = {
        "schema_version": "1.0",
        "person": {"name": secret, "date_of_birth": "2001-04-05", "identifiers": [
            {"system": "nhs-number", "value": "1234567890"}]},
        "diagnoses": [{"name": secret, "codes": [{"system": "ORPHA", "code": secret}]}],
        "allergies": [{"substance": secret, "severity": secret}],
    }
    for language in ("en", *TRANSLATED):
        for issue in rp.validate(data, plugins=builtin_manager(), language=language):
            assert secret not in issue.message, (language, issue)
            assert "1234567890" not in issue.message, (language, issue)


# --- plugins' rule messages -------------------------------------------------------------


def test_a_condition_plugins_rule_message_comes_from_its_own_catalogue() -> None:
    data = json.loads((EXAMPLES / "conditions" / "adrenal-insufficiency.json").read_text(encoding="utf-8"))
    del data["extensions"]["adrenal_insufficiency"]["emergency_hydrocortisone_dose"]
    report = rp.validate(data, plugins=builtin_manager(), language="es")
    [issue] = [i for i in report if i.code == "adrenal-emergency-dose"]
    assert issue.path == "$.extensions.adrenal_insufficiency.emergency_hydrocortisone_dose"
    assert issue.message == ("falta la dosis de hidrocortisona de urgencia; escriba la dosis y la vía prescritas "
                             "a esta persona por su equipo")
    assert issue.message_id == "validation.adrenal-emergency-dose"


def _plain_rule(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    yield Issue(path="$.person", code="plain-rule", severity=IssueSeverity.INFO, message="a plain English hint")


def _catalogued_rule(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    yield context.issue("$.person.name", "catalogued-rule", IssueSeverity.INFO, "validation.example-hint",
                        field="name")


class OutsidePlugin:
    """A plugin with one message written as plain text and one in an English-only catalogue."""

    @staticmethod
    @hookimpl
    def rarepassport_register_labels(labels: rp.LabelRegistry) -> None:
        labels.add("en", {"validation.example-hint": "{field} could say more"})

    @staticmethod
    @hookimpl
    def rarepassport_register_rules(rules: RuleRegistry) -> None:
        rules.add(_plain_rule, code="plain-rule")
        rules.add(_catalogued_rule, code="catalogued-rule")


def test_an_untranslated_plugin_message_is_shown_in_english_marked_as_not_translated() -> None:
    manager = rp.make_plugin_manager(entry_points=False, plugins=[OutsidePlugin()])
    report = rp.validate(BAD_RULES, plugins=manager, language="fr")
    messages = {issue.code: issue.message for issue in report}
    assert messages["plain-rule"] == "Non traduit : a plain English hint"
    assert messages["catalogued-rule"] == "Non traduit : name could say more"
    english = {issue.code: issue.message for issue in rp.validate(BAD_RULES, plugins=manager)}
    assert english["catalogued-rule"] == "name could say more"
    assert english["plain-rule"] == "a plain English hint"


def test_a_plugin_can_translate_its_rule_message() -> None:
    class Translated(OutsidePlugin):
        @staticmethod
        @hookimpl
        def rarepassport_register_labels(labels: rp.LabelRegistry) -> None:
            labels.add("en", {"validation.example-hint": "{field} could say more"})
            labels.add("pl", {"validation.example-hint": "{field} mogłoby powiedzieć więcej"})

    manager = rp.make_plugin_manager(entry_points=False, plugins=[Translated()])
    messages = {issue.code: issue.message for issue in rp.validate(BAD_RULES, plugins=manager, language="pl")}
    assert messages["catalogued-rule"] == "name mogłoby powiedzieć więcej"


# --- every message is in every catalogue --------------------------------------------------


def _issue_calls() -> Iterator[tuple[Path, str, ast.expr]]:
    """``(file, code, message id expression)`` of every ``context.issue(...)`` in the package."""
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "issue" \
                    and len(node.args) >= 4 and isinstance(node.args[1], ast.Constant):
                yield path, str(node.args[1].value), node.args[3]


def _id_pattern(expression: ast.expr) -> re.Pattern[str]:
    if isinstance(expression, ast.Constant):
        return re.compile(re.escape(str(expression.value)))
    assert isinstance(expression, ast.JoinedStr), ast.dump(expression)
    parts = [re.escape(str(part.value)) if isinstance(part, ast.Constant) else "[a-z-]+"
             for part in expression.values]
    return re.compile("".join(parts))


def test_every_validation_message_has_its_english_and_all_ten_translations() -> None:
    registry = builtin_manager().labels
    english_ids = {label_id for label_id in registry.ids("en") if label_id.startswith("validation.")}
    calls = list(_issue_calls())
    assert len(calls) > 40  # the core rules and the four condition plugins
    for path, code, expression in calls:
        pattern = _id_pattern(expression)
        matching = {label_id for label_id in english_ids if pattern.fullmatch(label_id)}
        assert matching, f"{path.name}: issue {code} has no catalogue message {pattern.pattern}"
        for label_id in matching:
            assert label_id.startswith(f"validation.{code}"), (label_id, code)
            english = registry.get_exact(label_id, "en")
            assert english is not None
            for language in TRANSLATED:
                text = registry.get_exact(label_id, language)
                assert text, f"{label_id} has no {language} translation"
                assert placeholders(text) == placeholders(english), (label_id, language)


def test_every_message_id_a_core_problem_can_carry_is_in_every_catalogue() -> None:
    # The structure messages are raised below the catalogue layer, by id.
    registry = builtin_manager().labels
    sources = [SRC / "convert.py", SRC / "_dates.py", SRC / "validation.py", SRC / "builtins" / "rules.py",
               SRC / "formats.py", SRC / "migrations.py"]
    found = {match for source in sources
             for match in re.findall(r'"(validation\.[a-z.-]+[a-z])"', source.read_text(encoding="utf-8"))}
    assert "validation.structure.required-field" in found
    for label_id in found:
        for language in ("en", *TRANSLATED):
            assert registry.get_exact(label_id, language), f"{label_id} missing in {language}"


def test_no_core_or_condition_rule_writes_a_message_of_its_own() -> None:
    files = [SRC / "builtins" / "rules.py", *sorted((SRC / "plugins").glob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Issue":
                pytest.fail(f"{path.name}:{node.lineno} builds an Issue with its own message; use context.issue")


# --- the command line -------------------------------------------------------------------


def test_validate_language_fr_prints_french_messages_naming_the_field(tmp_path: Path) -> None:
    result = run_cli("validate", "--language", "fr", str(write(tmp_path, BAD_RULES)))
    assert result.returncode == 1
    assert "NON VALIDE (1 erreur" in result.stdout
    assert ("$.allergies[0].substance: substance est obligatoire et ne doit pas être vide ; remplissez-le ou "
            "retirez l'entrée [required-text-empty]") in result.stdout


def test_validate_takes_the_language_from_lang(tmp_path: Path) -> None:
    result = run_cli("validate", str(write(tmp_path, BAD_STRUCTURE)), env={"LANG": "de_DE.UTF-8"})
    assert result.returncode == 1
    assert "UNGÜLTIG (2 Fehler)" in result.stdout
    assert "$.person.date_of_brith: unbekanntes Feld 'date_of_brith' in person; meinten Sie 'date_of_birth'?" \
        in result.stdout


def test_language_option_wins_over_the_environment(tmp_path: Path) -> None:
    result = run_cli("validate", "--language", "it", str(write(tmp_path, BAD_STRUCTURE)),
                     env={"LANG": "de_DE.UTF-8", "LC_ALL": "pl_PL.UTF-8"})
    assert "NON VALIDO (2 errori)" in result.stdout


def test_c_locale_gives_english(tmp_path: Path) -> None:
    result = run_cli("validate", str(write(tmp_path, BAD_STRUCTURE)), env={"LANG": "C.UTF-8"})
    assert "INVALID (2 errors)" in result.stdout


def test_json_report_keeps_the_codes_with_messages_in_the_language(tmp_path: Path) -> None:
    result = run_cli("validate", "--language", "zh-Hans", "--format", "json", str(write(tmp_path, BAD_RULES)))
    [file_result] = json.loads(result.stdout)["results"]
    [issue] = [i for i in file_result["issues"] if i["code"] == "required-text-empty"]
    assert issue == {
        "path": "$.allergies[0].substance",
        "code": "required-text-empty",
        "severity": "error",
        "message": "substance 为必填项，不能为空；请填写或删除该条目",
    }


def test_refusals_and_status_lines_follow_the_language(tmp_path: Path) -> None:
    existing = tmp_path / "schema.json"
    existing.write_text("{}", encoding="utf-8")
    refused = run_cli("schema", "-o", str(existing), env={"LANGUAGE": "es"})
    assert refused.returncode == 2
    assert refused.stderr == f"rarepassport: {existing} ya existe; use --force para sustituirlo\n"
    written = run_cli("schema", "-o", str(tmp_path / "new.json"), env={"LC_MESSAGES": "pt_PT.UTF-8"})
    assert written.stderr == f"rarepassport: escrito {tmp_path / 'new.json'}\n"


def test_cannot_read_is_said_in_the_language(tmp_path: Path) -> None:
    result = run_cli("validate", "--language", "de", str(tmp_path / "absent.json"))
    assert result.returncode == 2
    assert "absent.json: kann nicht gelesen werden:" in result.stderr


def test_render_refuses_an_invalid_passport_in_the_language(tmp_path: Path) -> None:
    result = run_cli("render", "--language", "fr", str(write(tmp_path, BAD_RULES)), "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert "NON VALIDE (1 erreur" in result.stderr
    assert "non rendu ; corrigez les erreurs, ou utilisez --allow-invalid" in result.stderr
    assert "$.allergies[0].substance: substance est obligatoire" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_privacy_notice_after_encrypting_is_in_the_language(tmp_path: Path) -> None:
    source = write(tmp_path, BAD_RULES, "ada.json")
    result = run_cli("encrypt", str(source),
                     env={"LANG": "de_DE.UTF-8", "RAREPASSPORT_PASSPHRASE": "a long test phrase"})
    assert result.returncode == 0, result.stderr
    assert result.stderr == (f"rarepassport: {source}.rpenc geschrieben; die unverschlüsselte Datei {source} ist noch "
                             "da: löschen Sie sie, wenn sie nicht auf diesem Computer bleiben soll\n")


def test_errors_and_status_lines_of_batch_edit_labels_fonts_and_plugin_follow_the_language(tmp_path: Path) -> None:
    both = run_cli("batch", str(tmp_path), "-o", str(tmp_path / "out"), "--validate-only", "--export", "fhir",
                   env={"LANGUAGE": "fr"})
    assert both.returncode == 2
    assert both.stderr == "rarepassport: donnez --validate-only ou --export, pas les deux\n"
    stdin = run_cli("edit", "-", "--language", "de", "--no-browser")
    assert stdin.returncode == 2
    assert stdin.stderr == "rarepassport: der Editor bearbeitet eine Datei: geben Sie ihren Namen an, nicht '-'\n"
    # The tag of `labels missing` is what is listed, not the messages' language (that is LANG's here).
    complete = run_cli("labels", "missing", "fr", env={"LANG": "de_DE.UTF-8"})
    assert complete.returncode == 0
    assert complete.stdout == "In fr fehlt keine Beschriftung.\n"
    listed = run_cli("labels", env={"LANGUAGE": "fr"})
    assert listed.stdout.startswith("Langues des libellés (balise, nom, statut, libellés manquants) :\n")
    assert "  de       allemand                 brouillon assisté par machine" in listed.stdout
    fonts = run_cli("fonts", env={"LANGUAGE": "de"})
    assert fonts.stdout.startswith("Schriftsysteme, die die Schriften von PDF, Karte und Sperrbildschirm darstellen "
                                   "können:\n")
    (tmp_path / "in-use").mkdir()
    (tmp_path / "in-use" / "notes.txt").write_text("mine", encoding="utf-8")
    in_use = run_cli("plugin", "new", "fabry", str(tmp_path / "in-use"), env={"LANGUAGE": "fr"})
    assert in_use.returncode == 2
    assert in_use.stderr == (f"rarepassport: {tmp_path / 'in-use'} existe déjà et n'est pas vide ; choisissez un autre "
                             "dossier, ou utilisez --force pour y remplacer les fichiers du squelette\n")


def test_reading_problems_below_the_fields_are_said_in_the_language(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0", "person": {', encoding="utf-8")
    syntax = run_cli("validate", "--language", "fr", str(broken))
    assert syntax.returncode == 1
    assert re.search(r"\$: JSON non valide : .+ \(ligne 1, colonne \d+\) \[syntax\]", syntax.stdout + syntax.stderr)
    newer = write(tmp_path, {**BAD_RULES, "schema_version": "9.0"}, "newer.json")
    version = run_cli("validate", str(newer), env={"LANG": "de_DE.UTF-8"})
    assert version.returncode == 1
    assert "$.schema_version: dieser Pass ist in Formatversion 9.0 geschrieben, neuer als dieses rarepassport" \
        in version.stdout + version.stderr
    assert "Nicht übersetzt" not in version.stdout + version.stderr
    english = run_cli("validate", "--language", "en", str(newer))
    assert "$.schema_version: this passport is written in format version 9.0, newer than" in english.stdout


def test_a_limit_of_the_reader_is_said_in_the_language(tmp_path: Path) -> None:
    from rarepassport import limits

    too_long = {**BAD_RULES, "allergies": [{"substance": "Peanut"}] * (limits.MAX_LIST_LENGTH + 1)}
    french = rp.validate(too_long, language="fr")
    assert [(issue.path, issue.message) for issue in french.issues] == [
        ("$.allergies", f"une liste de plus de {limits.MAX_LIST_LENGTH} éléments (voir rarepassport.limits)")]
    assert rp.validate(too_long).issues[0].message == (f"a list of more than {limits.MAX_LIST_LENGTH} items "
                                                       "(see rarepassport.limits)")
    huge = tmp_path / "huge.json"
    huge.write_text('{"schema_version": "1.0", "weight_kg": 1' + "0" * 400 + "}", encoding="utf-8")
    german = run_cli("validate", "--language", "de", str(huge))
    assert german.returncode == 1
    assert (f"$: eine Zahl mit mehr als {limits.MAX_NUMBER_DIGITS} Ziffern oder zu groß (siehe rarepassport.limits)"
            in german.stdout)


def test_verify_says_a_passport_is_unsigned_in_the_language(tmp_path: Path) -> None:
    source = write(tmp_path, BAD_RULES, "ada.json")
    result = run_cli("verify", str(source), env={"LANGUAGE": "de"})
    assert f"{source}: keine Bestätigung: nicht von einer Fachperson geprüft\n" in result.stdout


def test_a_missing_format_version_is_said_in_the_language() -> None:
    unversioned = {key: value for key, value in BAD_RULES.items() if key != "schema_version"}
    issues = rp.validate(unversioned, language="fr").issues
    assert [(issue.path, issue.message) for issue in issues] == [
        ("$.schema_version", "le champ obligatoire 'schema_version' manque ; ajoutez \"schema_version\": \"1.0\"")]
