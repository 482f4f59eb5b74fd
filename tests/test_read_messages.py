"""Reading problems, the parsers' descriptions of syntax errors and the system's reasons,
said in the user's language from the catalogues (``validation.read.*``, ``cli.reason.*``).

Each problem is a real file read through ``rarepassport validate`` and ``render`` (in
process, as the command line runs them) and through a translated report: the French,
German and Arabic text is shown, and never the "Not translated" marker.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import types
import warnings
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from rarepassport import limits
from rarepassport.cli import main
from rarepassport.labels import built_in_catalogue

#: The marker of a message shown in English, in each language tested.
MARKERS = {"fr": "Non traduit", "de": "Nicht übersetzt", "ar": "غير مترجم"}
PERSON = '"person": {"name": "Ada Example", "date_of_birth": "2001-04-05"}'

#: (file name, its bytes, the path of the problem, {language: what the message says}).
CASES: list[tuple[str, bytes, str, dict[str, str]]] = [
    ("long.json",
     json.dumps({"schema_version": "1.0", "person": {"name": "A" * (limits.MAX_STRING_LENGTH + 1)}}).encode(),
     "$.person.name",
     {"fr": f"texte de plus de {limits.MAX_STRING_LENGTH} caractères (voir rarepassport.limits)",
      "de": f"Text mit mehr als {limits.MAX_STRING_LENGTH} Zeichen",
      "ar": f"نص أطول من {limits.MAX_STRING_LENGTH} حرف"}),
    ("key.yaml", b'schema_version: "1.0"\nperson:\n  name: Ada Example\n  1: x\n', "$.person",
     {"fr": "une clé de cet objet est un nombre, pas du texte ; les clés doivent être du texte",
      "de": "ein Schlüssel dieses Objekts ist eine Zahl, kein Text",
      "ar": "أحد مفاتيح هذا الكائن رقمًا وليس نصًا"}),
    ("newline-key.json", b'{"schema_version": "1.0", "person": {"na\\nme": "Ada"}}', "$.person",
     {"fr": "une clé de cet objet contient le caractère de contrôle U+000A (au caractère 3) ; une clé tient sur "
            "une ligne",
      "de": "ein Schlüssel dieses Objekts enthält das Steuerzeichen U+000A (bei Zeichen 3)",
      "ar": "أحد مفاتيح هذا الكائن يحتوي على حرف التحكم U+000A"}),
    ("tag.yaml", b'schema_version: "1.0"\nperson:\n  name: !!binary QWRh\n', "$.person.name",
     {"fr": "cette étiquette YAML n'est pas permise dans un passeport ; utilisez des valeurs simples",
      "de": "dieses YAML-Tag ist in einem Pass nicht erlaubt",
      "ar": "وسم YAML هذا غير مسموح به في الجواز"}),
    ("tag-mismatch.yaml", b'schema_version: "1.0"\nweight_kg: !!int heavy\n', "$.weight_kg",
     {"fr": "la valeur ne correspond pas à son étiquette !!int",
      "de": "der Wert passt nicht zu seinem Tag !!int",
      "ar": "القيمة لا تطابق وسمها !!int"}),
    ("alias.yaml", b'schema_version: "1.0"\nperson:\n  name: *nobody\n', "$",
     {"fr": "YAML non valide : un alias (*nom) ne renvoie à aucune ancre (&nom)",
      "de": "kein gültiges YAML: ein Alias (*Name) verweist auf keinen Anker (&Name)",
      "ar": "YAML غير صالح: اسم مستعار (*name) لا يشير إلى أي مرساة (&name)"}),
    ("recursive.yaml", b'schema_version: "1.0"\nperson: &me\n  name: Ada\n  self: *me\n', "$.person.self",
     {"fr": "un alias renvoie à l'objet dans lequel il se trouve (un document récursif)",
      "de": "ein Alias verweist auf das Objekt, in dem er steht",
      "ar": "اسم مستعار يشير إلى الكائن الذي هو فيه"}),
    ("latin-1.json", b'{"schema_version": "1.0", "person": {"name": "Ad\xe9le"}}', "$",
     {"fr": "pas du texte UTF-8 : un caractère interrompu, à l'octet 48",
      "de": "kein UTF-8-Text: ein abgebrochenes Zeichen, bei Byte 48",
      "ar": "ليس نص UTF-8: حرف مبتور، عند البايت 48"}),
    ("surrogate.json", b'{"schema_version": "1.0", "person": {"name": "\\ud800"}}', "$",
     {"fr": "JSON non valide : un texte contient un demi-code de substitution isolé",
      "de": "kein gültiges JSON: ein Text enthält ein einzelnes Surrogat",
      "ar": "JSON غير صالح: يحتوي نص على بديل منفرد"}),
    ("surrogate.yaml", b'schema_version: "1.0"\nperson:\n  name: "Ada \\ud800"\n', "$.person.name",
     {"fr": "contient un demi-code de substitution isolé (U+D800, au caractère 5), qui n'est pas du texte",
      "de": "enthält ein einzelnes Surrogat (U+D800, bei Zeichen 5)",
      "ar": "يحتوي على بديل منفرد (U+D800، عند الحرف 5)"}),
    ("control.json", b'{"schema_version": "1.0", "person": {"name": "Ada\\u001b[2J"}}', "$.person.name",
     {"fr": "contient le caractère de contrôle U+001B (au caractère 4)",
      "de": "enthält das Steuerzeichen U+001B (bei Zeichen 4)",
      "ar": "يحتوي على حرف التحكم U+001B (عند الحرف 4)"}),
    ("twice.json", b'{"schema_version": "1.0", "allergies": [], "allergies": []}', "$",
     {"fr": "JSON non valide : la clé 'allergies' apparaît deux fois dans un même objet",
      "de": "kein gültiges JSON: der Schlüssel 'allergies' kommt in einem Objekt zweimal vor",
      "ar": "JSON غير صالح: يظهر المفتاح 'allergies' مرتين في كائن واحد"}),
    ("twice.yaml", b'schema_version: "1.0"\nallergies: []\nallergies: []\n', "$",
     {"fr": "YAML non valide : la clé 'allergies' apparaît deux fois dans un même objet",
      "de": "kein gültiges YAML: der Schlüssel 'allergies' kommt in einem Objekt zweimal vor",
      "ar": "YAML غير صالح: يظهر المفتاح 'allergies' مرتين في كائن واحد"}),
    ("version-number.json", ('{"schema_version": 1.0, ' + PERSON + "}").encode(), "$.schema_version",
     {"fr": 'texte attendu, comme "1.0", reçu un nombre ; écrivez-le entre guillemets',
      "de": 'Text wie "1.0" erwartet, erhalten: eine Zahl',
      "ar": 'المتوقع نص مثل "1.0"، والموجود رقمًا'}),
    ("comma.json", ('{"schema_version": "1.0" ' + PERSON + "}").encode(), "$",
     {"fr": "JSON non valide : une « , » (ou la fin de la liste ou de l'objet) était attendue",
      "de": "kein gültiges JSON: ein „,“ (oder das Ende der Liste oder des Objekts) wurde erwartet",
      "ar": "JSON غير صالح: كانت «,» متوقعة (أو نهاية القائمة أو الكائن)"}),
    ("tab.yaml", b'schema_version: "1.0"\nperson:\n\tname: Ada\n', "$",
     {"fr": "YAML non valide : un caractère de tabulation ; le YAML s'indente avec des espaces",
      "de": "kein gültiges YAML: ein Tabulatorzeichen; YAML wird mit Leerzeichen eingerückt",
      "ar": "YAML غير صالح: حرف جدولة؛ تُزاح أسطر YAML بالمسافات"}),
]
IDS = [name for name, *_ in CASES]


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("language", ["fr", "de", "ar"])
@pytest.mark.parametrize(("name", "data", "where", "said"), CASES, ids=IDS)
def test_validate_says_each_reading_problem_in_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, where: str, said: dict[str, str],
    language: str,
) -> None:
    path = _file(tmp_path, name, data)
    assert main(["validate", "--language", language, str(path)]) == 1
    out = capsys.readouterr().out
    # The issue's line starts with the catalogue's word for "error" in the language.
    error = built_in_catalogue(language)["cli.severity.error"]
    [line] = [line for line in out.splitlines() if line.lstrip().startswith(error + " ")]
    assert f"{where}: " in line
    assert said[language] in line
    assert MARKERS[language] not in out


@pytest.mark.parametrize(("name", "data", "where", "said"), CASES, ids=IDS)
def test_render_refuses_each_reading_problem_in_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, where: str, said: dict[str, str],
) -> None:
    path = _file(tmp_path, name, data)
    assert main(["render", "--language", "de", str(path), "-o", str(tmp_path / "out.pdf")]) == 1
    err = capsys.readouterr().err
    assert f"{where}: " in err and said["de"] in err
    assert MARKERS["de"] not in err
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize(("name", "data", "where", "said"), CASES, ids=IDS)
def test_a_translated_report_says_each_reading_problem_in_the_language(
    tmp_path: Path, name: str, data: bytes, where: str, said: dict[str, str],
) -> None:
    path = _file(tmp_path, name, data)
    [issue] = rp.validate(path, language="ar").issues
    assert issue.path == where
    assert said["ar"] in issue.message
    assert MARKERS["ar"] not in issue.message
    [english] = rp.validate(path).issues
    assert english.message_id is not None and english.message_id.startswith("validation.read.")


def test_a_problem_without_a_catalogue_entry_is_marked_not_translated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # PyYAML's description of an unusual error is not in the catalogues: it is shown in English, marked.
    path = _file(tmp_path, "directive.yaml", b"%YAML 2.0\n---\nschema_version: '1.0'\n")
    assert main(["validate", "--language", "fr", str(path)]) == 1
    out = capsys.readouterr().out
    assert "$: Non traduit : not valid YAML: " in out


# --- plugin sections' versions and migrations -----------------------------------------


def _diary_plugins(*, broken: bool = False) -> rp.PluginManager:
    """A plugin whose section ``diary`` is at version 3, migrated from 2 (a step that fails when ``broken``)."""
    import attrs

    @attrs.frozen(kw_only=True)
    class Diary:
        entries: tuple[str, ...] = rp.section_field("Entries.", default=(), converter=tuple)

    def upgrade(data: dict[str, Any]) -> dict[str, Any]:
        if broken:
            raise KeyError("entry")
        return data

    plugin = types.SimpleNamespace(
        __name__="diary",
        rarepassport_register_sections=rp.hookimpl(
            lambda sections: sections.add("diary", Diary, title="Diary", version="3")),
        rarepassport_register_migrations=rp.hookimpl(
            lambda migrations: migrations.add("diary", "2", "3", upgrade, summary="nothing changes")),
    )
    return rp.make_plugin_manager(plugins=[plugin], entry_points=False)


def _with_diary(version: str) -> dict[str, Any]:
    return {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2001-04-05"},
            "extensions": {"diary": {"schema_version": version, "entries": []}}}


@pytest.mark.parametrize(("version", "broken", "where", "said"), [
    ("9", False, "$.extensions.diary.schema_version",
     {"fr": "la section extensions.diary est écrite dans sa version 9, plus récente que ce que lit le plugin "
            "installé diary (jusqu'à 3) ; mettez à jour le plugin qui la fournit",
      "de": "der Abschnitt extensions.diary ist in seiner Version 9 geschrieben, neuer als das installierte Plugin "
            "diary liest (bis 3)",
      "ar": "القسم extensions.diary مكتوب بإصداره 9، وهو أحدث مما تقرؤه الإضافة المثبتة diary (حتى 3)"}),
    ("1", False, "$.extensions.diary.schema_version",
     {"fr": "la section extensions.diary est écrite dans sa version 1, et le plugin installé diary n'a pas de "
            "migration de celle-ci vers la version 3",
      "de": "das installierte Plugin diary hat keine Migration von ihr zur Version 3",
      "ar": "وليس لدى الإضافة المثبتة diary ترحيل منه إلى الإصدار 3"}),
    ("one", False, "$.extensions.diary.schema_version",
     {"fr": "version inconnue de la section extensions.diary ; le plugin installé diary lit la version 3",
      "de": "unbekannte Version des Abschnitts extensions.diary; das installierte Plugin diary liest Version 3",
      "ar": "إصدار غير معروف للقسم extensions.diary؛ تقرأ الإضافة المثبتة diary الإصدار 3"}),
    ("2", True, "$.extensions.diary",
     {"fr": "la migration de la section extensions.diary de la version 2 à 3 (plugin diary) a échoué : KeyError ; "
            "le passeport n'a pas été lu",
      "de": "die Migration des Abschnitts extensions.diary von Version 2 zu 3 (Plugin diary) ist fehlgeschlagen: "
            "KeyError",
      "ar": "فشل ترحيل القسم extensions.diary من الإصدار 2 إلى 3 (الإضافة diary): KeyError"}),
], ids=["newer", "no-migration", "unknown", "migration-failed"])
def test_a_plugin_sections_version_problem_is_said_in_the_language(
    version: str, broken: bool, where: str, said: dict[str, str],
) -> None:
    plugins = _diary_plugins(broken=broken)
    for language, text in said.items():
        [issue] = rp.validate(_with_diary(version), plugins=plugins, language=language).issues
        assert (issue.path, issue.code) == (where, "structure")
        assert text in issue.message
        assert MARKERS[language] not in issue.message
    # The English names the section and the plugin, never the unknown version as written.
    [english] = rp.validate(_with_diary(version), plugins=plugins).issues
    assert "extensions.diary" in english.message and "plugin diary" in english.message
    assert "one" not in english.message


def test_the_count_of_problems_not_listed_is_said_in_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PROBLEMS", 2)
    document = {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2001-04-05",
                                                    **{f"unknown_{index}": 1 for index in range(6)}}}
    issues = rp.validate(document, language="fr").issues
    assert issues[-1].message == "et 4 autres problèmes (non listés)"


# --- the parsers' own descriptions --------------------------------------------------------

#: Malformed JSON texts, each giving one of the parsers' descriptions of a syntax error.
MALFORMED_JSON = [
    "", "   ", "{", "[", '{"a" 1}', '{"a": 1 "b": 2}', "[1 2]", "[1,]", '{"a": 1,}', "x", "tru", "nul", "fals",
    '"abc', "[1] 2", "{} {}", "{1: 2}", "{'a': 1}", '"\\q"', '"\\u12"', '"a\x01b"', '"tab\there"', "NaN",
    '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', "[-]", "[07]", "[1.]", "[1e]", "[1e+]", "[.5]", "[+1]",
    '{"a": [1, 2}', '{"a": {"b": 1]', '{"a": 1, "a": 2}', '[1, 2] // comment', "[true false]",
]

_STANDARD_PARSER = textwrap.dedent("""
    import json, sys
    sys.modules["orjson"] = None  # as on a machine without rarepassport[fast]
    from rarepassport.errors import LoadError
    from rarepassport.formats import parse_text
    found = []
    for text in json.loads(sys.stdin.read()):
        try:
            parse_text(text, "json")
        except LoadError as exc:
            found.append([text, exc.problems[0].message_id, exc.problems[0].message])
        else:
            found.append([text, "parsed", ""])
    print(json.dumps(found))
""")


def _unmapped(found: list[list[str]]) -> list[tuple[str, str]]:
    return [(text, message) for text, message_id, message in found
            if message_id is None or not message_id.startswith("validation.read.")]


def test_every_description_of_pythons_json_parser_is_in_the_catalogues() -> None:
    result = subprocess.run([sys.executable, "-c", _STANDARD_PARSER], input=json.dumps(MALFORMED_JSON),
                            capture_output=True, text=True, check=True, env=_source_env())
    found = json.loads(result.stdout)
    assert [text for text, status, _ in found if status == "parsed"] == []
    assert _unmapped(found) == []


def test_every_description_of_orjsons_parser_is_in_the_catalogues() -> None:
    pytest.importorskip("orjson")
    from rarepassport.errors import LoadError
    from rarepassport.formats import parse_text

    found = []
    for text in MALFORMED_JSON:
        with pytest.raises(LoadError) as caught:
            parse_text(text, "json")
        found.append([text, caught.value.problems[0].message_id, caught.value.problems[0].message])
    assert _unmapped(found) == []


def _source_env() -> dict[str, str]:
    import os

    src = str(Path(rp.__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}


def test_a_description_never_quotes_the_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # PyYAML quotes the character it could not read; the message gives its code point only.
    path = _file(tmp_path, "at.yaml", b'schema_version: "1.0"\nperson:\n  name: @Secret\n')
    assert main(["validate", "--language", "fr", str(path)]) == 1
    out = capsys.readouterr().out
    assert "un caractère qui ne peut pas commencer une valeur (U+0040) ; mettez le texte entre guillemets" in out
    assert "'@'" not in out and "Secret" not in out


# --- the system's reasons, by errno ---------------------------------------------------------


def test_the_reason_a_file_cannot_be_read_is_said_in_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    plain = _file(tmp_path, "plain.json", b"{}")
    assert main(["validate", "--language", "de", str(tmp_path / "absent.json")]) == 2
    assert "absent.json: kann nicht gelesen werden: Datei oder Ordner nicht gefunden" in capsys.readouterr().err
    assert main(["validate", "--language", "fr", str(plain / "inside.json")]) == 2
    assert "inside.json: lecture impossible : N'est pas un dossier" in capsys.readouterr().err
    assert main(["validate", "--language", "ar", str(tmp_path)]) == 2
    assert "تتعذر القراءة: ليس ملفًا عاديًا (مجلد)" in capsys.readouterr().err
    assert main(["render", "--language", "fr", str(tmp_path / "absent.json"), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "Aucun fichier ou dossier de ce nom" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "absent.json")]) == 2  # English as the system says it
    assert "absent.json: cannot read: No such file or directory" in capsys.readouterr().err


# --- renderers' warnings --------------------------------------------------------------------


def _passport() -> rp.Passport:
    return rp.from_dict({"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2001-04-05"},
                         "review": {"updated_on": "2024-01-02"}})


def test_a_plugin_that_returns_the_wrong_thing_is_reported_in_the_documents_language() -> None:
    plugin = types.SimpleNamespace(__name__="careless",
                                   rarepassport_emergency_guidance=rp.hookimpl(lambda passport: [42]))
    plugins = rp.make_plugin_manager(plugins=[plugin], entry_points=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = rp.render(_passport(), "text", language="fr", plugins=plugins).decode()
    [message] = [str(w.message) for w in caught if issubclass(w.category, rp.RenderWarning)
                 and "careless" in str(w.message)]
    assert message == ("Le module careless a échoué dans le hook rarepassport_emergency_guidance (a renvoyé int, pas "
                       "Guidance)\u00a0; le contenu propre du passeport est complet.")
    assert "(a renvoyé int, pas Guidance)" in text  # the document's notes say it too, in its language


def test_a_label_that_cannot_be_filled_in_is_reported_in_the_documents_language() -> None:
    plugin = types.SimpleNamespace(__name__="typo", rarepassport_register_labels=rp.hookimpl(
        lambda labels: labels.add("de", {"phrase.updated_on": "Aktualisiert am {datum}"})))
    plugins = rp.make_plugin_manager(plugins=[plugin], entry_points=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rp.render(_passport(), "markdown", language="de", plugins=plugins)
    [message] = [str(w.message) for w in caught if issubclass(w.category, rp.RenderWarning)
                 and "phrase.updated_on" in str(w.message)]
    assert message == ("Bezeichnung phrase.updated_on in Sprache de konnte nicht ausgefüllt werden; Englisch wurde "
                       "verwendet.")


def test_a_key_written_twice_is_named_at_most_80_characters_long(tmp_path: Path) -> None:
    key = "k" * 5000
    path = _file(tmp_path, "long-key.json", json.dumps({"schema_version": "1.0"})[:-1].encode()
                 + f', "{key}": 1, "{key}": 2}}'.encode())
    [issue] = rp.validate(path, language="fr").issues
    assert issue.message.startswith(f"JSON non valide : la clé '{'k' * 80}…' apparaît deux fois")
    assert len(issue.message) < 300


def test_characters_no_font_can_draw_are_refused_in_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # U+E000 (private use) is in no font: render refuses, saying why and where, in German.
    path = _file(tmp_path, "glyph.json", (b'{"schema_version": "1.0", "person": {"name": "Ada \\ue000 Example", '
                                          b'"date_of_birth": "2001-04-05"}}'))
    assert main(["render", "-q", "--language", "de", str(path), "-o", str(tmp_path / "out.pdf")]) == 2
    err = capsys.readouterr().err
    assert (f"{path}: keine verfügbare Schrift kann einige Zeichen darstellen: installieren Sie eine Noto-Schrift "
            "für das Schriftsystem, geben Sie --font DATEI an") in err
    assert "  $.person.name: U+E000" in err
    assert "Ada" not in err.replace(str(path), "")
    assert not (tmp_path / "out.pdf").exists()
