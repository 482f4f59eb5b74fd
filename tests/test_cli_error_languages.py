"""Errors and notes of the library that commands show, in the user's language.

The library raises its errors in English (``str(error)``) with the catalogue entry of
their message (``error.message_id``, ``error.arguments``, from a
[`rarepassport.errors.Message`][]); the command line says them in the language of its
messages (``--language`` or ``LANGUAGE``/``LANG``). Each test runs the real command in a
subprocess, in French or German, and checks that the translation is printed and the
English is not. The last tests check every such message against the catalogue.
"""

from __future__ import annotations

import ast
import json
import os
import pickle
import string
import subprocess
import sys
from pathlib import Path

import pytest

import rarepassport as rp
from rarepassport.encryption import decrypt_bytes, encrypt_bytes
from rarepassport.errors import EncryptionError, HealthLinkError, Message, PassportError, SigningError
from rarepassport.health_links import decode_health_link
from rarepassport.labels import BUILT_IN_LANGUAGES, ENGLISH, built_in_catalogue

SRC = Path(rp.__file__).resolve().parent
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MINIMAL = EXAMPLES / "minimal.json"


def run_cli(*args: str, language: str, extra_path: Path | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command with ``LANGUAGE`` set to ``language`` (and no other language variable)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env["LANGUAGE"] = language
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "rarepassport", *args], capture_output=True, text=True,
                          check=False, env=env, cwd=cwd)


# --- encryption -----------------------------------------------------------------------------


def test_decrypting_a_file_that_is_not_encrypted_is_refused_in_french(tmp_path: Path) -> None:
    result = run_cli("decrypt", str(MINIMAL), "-o", str(tmp_path / "out.json"), language="fr")
    assert result.returncode == 2
    assert "minimal.json: pas un fichier de passeport chiffré (il ne commence pas par les octets magiques" \
        in result.stderr
    assert "not an encrypted passport file" not in result.stderr


def test_a_wrong_passphrase_is_said_in_german(tmp_path: Path) -> None:
    sealed = tmp_path / "ada.json.rpenc"
    sealed.write_bytes(encrypt_bytes(MINIMAL.read_bytes(), "the right long phrase", cost=14))
    (tmp_path / "phrase").write_text("a wrong long phrase\n", encoding="utf-8")
    result = run_cli("validate", str(sealed), "--passphrase-file", str(tmp_path / "phrase"), language="de")
    assert result.returncode == 2
    assert "falsche Passphrase, oder die verschlüsselte Datei wurde verändert" in result.stderr
    assert "wrong passphrase" not in result.stderr


# --- keys and signatures --------------------------------------------------------------------


def test_a_trusted_key_file_that_is_not_a_key_is_refused_in_german(tmp_path: Path) -> None:
    not_a_key = tmp_path / "clinic.json"
    not_a_key.write_text('{"keys": 5}', encoding="utf-8")
    result = run_cli("verify", str(MINIMAL), "--trust", str(not_a_key), language="de")
    assert result.returncode == 2
    assert f"{not_a_key}: $.keys muss eine Liste von JSON Web Keys sein" in result.stderr
    assert "must be a list" not in result.stderr


def test_signing_with_a_file_that_is_not_a_private_key_is_refused_in_french(tmp_path: Path) -> None:
    key = tmp_path / "clinic.pem"
    key.write_text("not a key\n", encoding="utf-8")
    result = run_cli("sign", str(MINIMAL), "--key", str(key), "--name", "Dr Example", "--role", "consultant",
                     "-o", str(tmp_path / "signed.json"), language="fr")
    assert result.returncode == 2, result.stderr
    assert f"{key} : pas une clé privée PEM (ou mauvaise phrase secrète)" in result.stderr
    assert "not a PEM private key" not in result.stderr


# --- FHIR and phenopacket export notes, a passport that cannot be read --------------------------


def test_the_fhir_export_note_on_fields_the_ips_cannot_carry_is_in_french(tmp_path: Path) -> None:
    result = run_cli("export", "fhir", str(EXAMPLES / "child-several-diagnoses.json"), "-o",
                     str(tmp_path / "ips.json"), language="fr")
    assert result.returncode == 0, result.stderr
    assert "remarque : l'IPS n'a pas de place pour links" in result.stderr
    assert "the IPS has no place" not in result.stderr


def test_the_phenopacket_export_notes_are_in_german(tmp_path: Path) -> None:
    result = run_cli("export", "phenopacket", str(EXAMPLES / "child-several-diagnoses.json"), "--no-hpo", "-o",
                     str(tmp_path / "packet.json"), language="de")
    assert result.returncode == 0, result.stderr
    assert "HPO-Bezeichnungen wurden nicht mit einer HPO-Version geprüft" in result.stderr
    assert "HPO labels were not checked" not in result.stderr


def test_the_elements_an_import_leaves_out_are_listed_in_french(tmp_path: Path) -> None:
    bundle = tmp_path / "ips.json"
    exported = run_cli("export", "fhir", str(EXAMPLES / "child-several-diagnoses.json"), "-o", str(bundle),
                       language="en")
    assert exported.returncode == 0, exported.stderr
    result = run_cli("import", "fhir", str(bundle), "-o", str(tmp_path / "back.json"), language="fr")
    assert result.returncode == 0, result.stderr
    assert ": les sections des extensions sont exportées en texte narratif seulement et ne sont pas importées" \
        in result.stderr
    assert "plugin sections are exported" not in result.stderr


def test_the_notes_on_references_that_cannot_be_followed_are_in_french(tmp_path: Path) -> None:
    bundle = tmp_path / "ips.json"
    exported = run_cli("export", "fhir", str(MINIMAL), "-o", str(bundle), language="en")
    assert exported.returncode == 0, exported.stderr
    document = json.loads(bundle.read_text(encoding="utf-8"))
    composition = document["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    # One entry names no resource of the bundle, the other has no 'reference' at all.
    composition["section"][0]["entry"] = [{"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"},
                                          {"identifier": {"value": "elsewhere"}}]
    bundle.write_text(json.dumps(document), encoding="utf-8")
    result = run_cli("import", "fhir", str(bundle), "-o", str(tmp_path / "back.json"), language="fr")
    assert result.returncode == 0, result.stderr
    assert "la référence ne renvoie à aucune entrée du bundle ; l'entrée est ignorée" in result.stderr
    assert "la référence n'a pas de « reference » vers une ressource du bundle ; l'entrée est ignorée" \
        in result.stderr
    assert "does not resolve" not in result.stderr and "the entry is skipped" not in result.stderr


def test_the_notes_on_references_keep_their_english_and_message_ids() -> None:
    from rarepassport.fhir import from_ips, to_ips

    bundle = to_ips(rp.load(MINIMAL))
    bundle["entry"][0]["resource"]["section"][0]["entry"] = [{"reference": "urn:uuid:nowhere"}]
    imported = from_ips(bundle)
    note = next(item for item in imported.unmapped if item.path.endswith(".entry[0].reference"))
    assert note.message_id == "fhir.unmapped.reference-unresolved.entry-skipped"
    assert note.reason == "the reference does not resolve to any entry of the bundle; the entry is skipped"


def test_a_document_that_is_not_a_bundle_is_refused_in_german(tmp_path: Path) -> None:
    patient = tmp_path / "patient.json"
    patient.write_text('{"resourceType": "Patient"}', encoding="utf-8")
    result = run_cli("import", "fhir", str(patient), language="de")
    assert result.returncode == 2
    assert 'Bundle: kein FHIR-Bundle: erwartet wird ein JSON-Objekt mit "resourceType": "Bundle"' in result.stderr
    assert "not a FHIR Bundle" not in result.stderr


def test_upgrade_says_a_passport_that_cannot_be_read_in_french(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": ', encoding="utf-8")
    result = run_cli("upgrade", str(broken), language="fr")
    assert result.returncode == 2
    assert f"{broken}: 1 problème trouvé\n" in result.stderr
    assert "problem found" not in result.stderr


# --- SMART Health Links ---------------------------------------------------------------------


def test_a_health_link_to_a_plain_http_address_is_refused_in_french(tmp_path: Path) -> None:
    result = run_cli("shl", str(MINIMAL), "--url-base", "http://example.org/shl", "--out", str(tmp_path / "shl"),
                     language="fr")
    assert result.returncode == 2
    assert "la base d'url doit être une adresse https:// (http://localhost seulement pour les essais)" \
        in result.stderr
    assert "must be an https://" not in result.stderr


# --- batch --------------------------------------------------------------------------------------


def test_batch_says_why_a_passport_failed_in_german_and_keeps_the_manifest_english(tmp_path: Path) -> None:
    sources = tmp_path / "in"
    sources.mkdir()
    (sources / "broken.json").write_text('{"a": ', encoding="utf-8")
    result = run_cli("batch", str(sources), "--validate-only", "-o", str(tmp_path / "out"), language="de")
    assert result.returncode == 1
    assert "LoadError: 1 Problem gefunden" in result.stderr
    assert "problem found" not in result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["items"][0]["error"].startswith("LoadError: 1 problem found")


def test_batch_notes_on_resources_of_no_patient_are_in_french_and_english_in_the_manifest(tmp_path: Path) -> None:
    bulk = tmp_path / "AllergyIntolerance.ndjson"
    bulk.write_text(json.dumps({"resourceType": "AllergyIntolerance", "id": "a1",
                                "patient": {"reference": "Patient/nobody"}}) + "\n", encoding="utf-8")
    result = run_cli("batch", "--import", "fhir-ndjson", str(bulk), "-o", str(tmp_path / "out"), language="fr")
    assert result.returncode == 0, result.stderr
    assert "1 ressource(s) AllergyIntolerance ne nomment aucun Patient de l'entrée" in result.stderr
    assert "name no Patient" not in result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notes"] == ["1 AllergyIntolerance resource(s) name no Patient of the input and were not imported"]


# --- plugin failures ------------------------------------------------------------------------


def outside_plugin(tmp_path: Path, name: str, source: str) -> Path:
    """A folder for ``PYTHONPATH`` (of the subprocess only) holding the outside plugin
    ``rarepassport_<name>`` (module text ``source``), found through its entry point."""
    site = tmp_path / "site"
    package = site / f"rarepassport_{name}"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(source, encoding="utf-8")
    info = site / f"rarepassport_{name}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: rarepassport-{name}\nVersion: 0.1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[rarepassport]\n{name} = rarepassport_{name}\n", encoding="utf-8")
    return site


@pytest.fixture
def misspelt_plugin(tmp_path: Path) -> Path:
    """An outside plugin whose hook name is misspelt."""
    return outside_plugin(tmp_path, "misspelt", "from rarepassport import hookimpl\n\n\n"
                          "@hookimpl\ndef rarepassport_register_sectons(sections):\n    pass\n")


def test_a_plugin_failure_is_listed_in_french(misspelt_plugin: Path) -> None:
    result = run_cli("plugins", language="fr", extra_path=misspelt_plugin)
    assert result.returncode == 0, result.stderr
    assert ("extension misspelt 0.1.0 : hook inconnu 'rarepassport_register_sectons' ; vouliez-vous dire "
            "'rarepassport_register_sections' ?") in result.stdout
    assert "unknown hook" not in result.stdout


@pytest.fixture
def misplaced_plugin(tmp_path: Path) -> Path:
    """An outside plugin whose layout step asks to go before the emergency summary and
    whose backend names a view that does not exist."""
    return outside_plugin(
        tmp_path, "misplaced",
        "from rarepassport import hookimpl\n\n\n"
        "@hookimpl\ndef rarepassport_register_layouts(layouts):\n"
        "    layouts.add('school-plan', lambda context, inputs: None, before='emergency')\n\n\n"
        "@hookimpl\ndef rarepassport_register_backends(backends):\n"
        "    backends.add('note', lambda document: b'', media_type='text/plain', suffix='.txt',"
        " default_view='kitchen')\n")


def test_a_plugin_s_registration_errors_are_listed_in_french(misplaced_plugin: Path) -> None:
    result = run_cli("plugins", language="fr", extra_path=misplaced_plugin)
    assert result.returncode == 0, result.stderr
    assert ("l'étape de mise en page 'school-plan' du module misplaced : rien ne vient avant 'emergency', "
            "le résumé d'urgence") in result.stdout
    assert "default_view 'kitchen' n'est pas une vue ; les vues sont : full, emergency" in result.stdout
    assert "nothing goes before" not in result.stdout and "is not a view" not in result.stdout


@pytest.mark.parametrize(("args", "language", "said"), [
    (("--format", "lockscreen", "--size", "10x10"), "fr",
     "option size '10x10' : un écran de verrouillage est en portrait, large de 320 à 8000 pixels"),
    (("--format", "lockscreen", "--theme", "pink"), "de",
     "die Option theme muss eine von light, dark, high-contrast sein, nicht 'pink'"),
    (("--qr", "link:ftp://files.example/passport"), "zh_CN",
     "选项 qr：链接必须以 https:// 或 http:// 开头"),
    (("--qr", "sometimes"), "ar", "يجب أن يكون الخيار qr إما 'emergency' أو 'link:https://...'"),
])
def test_a_render_option_the_backend_refuses_is_said_in_the_language(
        tmp_path: Path, args: tuple[str, ...], language: str, said: str) -> None:
    result = run_cli("render", str(MINIMAL), *args, "-o", str(tmp_path / "out"), language=language)
    assert result.returncode == 2
    assert said in result.stderr
    assert "option qr" not in result.stderr and "lock screen" not in result.stderr and "must be" not in result.stderr


def test_a_font_file_that_is_not_there_is_said_in_german(tmp_path: Path) -> None:
    missing = tmp_path / "NotoSansArabic.ttf"
    result = run_cli("render", str(MINIMAL), "--font", str(missing), "-o", str(tmp_path / "out.pdf"), language="de")
    assert result.returncode == 2
    assert f"Schrift {missing}: Datei nicht gefunden" in result.stderr
    assert "file not found" not in result.stderr
    with pytest.raises(rp.RenderError) as raised:
        rp.render_rendered(rp.load(MINIMAL), "pdf", fonts=[str(missing)])
    assert str(raised.value) == f"font file (fonts= option, --font on the command line): font {missing}: file not found"
    assert raised.value.message_id == "error.font.not-found"
    assert dict(raised.value.arguments) == {"path": str(missing)}


def test_render_option_errors_keep_their_english_and_give_their_message_id() -> None:
    passport = rp.load(MINIMAL)
    cases = [
        (dict(format="lockscreen", size="10x10"), "error.render.lockscreen-size-bounds",
         {"value": "'10x10'", "minimum": "320", "maximum": "8000"},
         "option size '10x10': a lock screen is portrait, 320 to 8000 pixels wide"),
        (dict(format="pdf", qr="sometimes"), "error.render.qr-option", {},
         "option qr must be 'emergency' or 'link:https://...'"),
        (dict(format="pdf", easy_read="yes"), "error.render.easy-read", {"type": "str"},
         "option easy_read must be true or false, not str"),
        (dict(format="pdf", large_print="yes"), "error.render.option-type.bool",
         {"option": "large_print", "type": "str"}, "option large_print must be true or false, not str"),
        (dict(format="text", colour="red"), "error.render.unknown-option",
         {"format": "'text'", "option": "'colour'", "takes": "width"}, "format 'text' has no option 'colour'"),
        (dict(format="pdf", missing_glyphs="ignore"), "error.render.missing-glyphs-option",
         {"choices": "error, mark", "value": "'ignore'"}, "option missing_glyphs must be one of error, mark"),
    ]
    for options, message_id, arguments, english in cases:
        with pytest.raises(rp.RenderError) as raised:
            rp.render_rendered(passport, **options)  # type: ignore[arg-type]
        assert raised.value.message_id == message_id, options
        assert dict(raised.value.arguments) == arguments, options
        assert str(raised.value).startswith(english), options


def test_redacting_for_an_unknown_view_gives_the_render_s_message_id() -> None:
    with pytest.raises(rp.RenderError) as raised:
        rp.redact(rp.load(MINIMAL), "paramedic")
    assert raised.value.message_id == "error.render.unknown-view"
    assert raised.value.arguments["view"] == "'paramedic'"
    assert str(raised.value).startswith("unknown view 'paramedic'; the views are: full, emergency")


def test_a_plugin_section_field_with_no_json_schema_is_a_failure_with_its_message_id() -> None:
    import attrs

    @attrs.frozen
    class Pump:
        rate: complex = 0j

    class PumpPlugin:
        @rp.hookimpl
        def rarepassport_register_sections(self, sections: object) -> None:
            sections.add("pump", Pump, title="Pump")  # type: ignore[attr-defined]

    [failure] = rp.make_plugin_manager(entry_points=False, plugins=[PumpPlugin()]).failures
    assert failure.message_id == "error.plugin.section-field-type"
    assert dict(failure.arguments) == {"id": "'pump'", "plugin": "PumpPlugin", "field": "Pump.rate", "type": "complex"}
    assert failure.message.startswith("section 'pump' from plugin PumpPlugin: field Pump.rate has a type with no JSON "
                                      "Schema (complex)")


def test_registry_errors_keep_their_english_and_give_their_message_id() -> None:
    from rarepassport.errors import PluginError
    from rarepassport.registries import LayoutRegistry

    with pytest.raises(PluginError) as raised:
        LayoutRegistry().add("School Plan", lambda context, inputs: None)
    assert raised.value.message_id == "error.plugin.layout-step-id"
    assert dict(raised.value.arguments) == {"id": "'School Plan'", "plugin": "(unknown)"}
    assert str(raised.value) == ("layout step 'School Plan' from plugin (unknown): the id must be lower case letters "
                                 "and digits, words joined by - or _")


def test_the_english_of_a_plugin_failure_and_of_an_error_is_unchanged() -> None:
    with pytest.raises(HealthLinkError) as raised:
        decode_health_link("https://viewer.example/")
    assert str(raised.value) == "not a SMART Health Link (expected shlink:/ or a viewer address with #shlink:/)"
    assert raised.value.message_id == "error.shl.not-a-link.viewer"
    with pytest.raises(EncryptionError) as sealed:
        decrypt_bytes(b"{}", "x", source="ada.json")
    assert str(sealed.value).startswith("ada.json: not an encrypted passport file")
    assert (sealed.value.message_id, dict(sealed.value.arguments)) == ("error.encryption.not-encrypted", {})


def test_an_error_keeps_its_message_id_when_given_a_source() -> None:
    error = EncryptionError(Message("error.encryption.truncated", "the encrypted file is truncated: {count} of its "
                                    "bytes are missing", count=3))
    named = error.with_source("ada.json.rpenc")
    assert str(named) == "ada.json.rpenc: the encrypted file is truncated: 3 of its bytes are missing"
    assert (named.message_id, dict(named.arguments)) == ("error.encryption.truncated", {"count": "3"})
    assert isinstance(SigningError(Message("error.signing.signer-name", "the signer's name is required")),
                      PassportError)


def test_an_error_with_a_message_survives_pickling_as_worker_processes_send_it() -> None:
    error = EncryptionError(Message("error.encryption.trailing", "the encrypted file has {count} unexpected bytes "
                                    "after its end; the file is damaged", count=2), source="ada.json.rpenc")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.message_id, dict(copy.arguments)) == (str(error), "error.encryption.trailing",
                                                                  {"count": "2"})


# --- characters no font can draw -----------------------------------------------------------

NO_FONT = "\U0010fffd"  # a private-use code point: no font on any system draws it


def _undrawable(tmp_path: Path, allergies: int = 1) -> Path:
    import datetime as dt

    person = rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2))
    passport = rp.Passport(language="en", person=person, allergies=tuple(
        rp.Allergy(substance=f"Peni{NO_FONT}cillin {number}", reaction="Anaphylaxis") for number in range(allergies)))
    source = tmp_path / "passport.json"
    rp.dump(passport, source)
    return source


def test_where_characters_no_font_draws_are_is_said_in_french_when_the_render_is_refused(tmp_path: Path) -> None:
    result = run_cli("render", str(_undrawable(tmp_path, allergies=12)), "-o", str(tmp_path / "out.pdf"),
                     language="fr")
    assert result.returncode == 2
    assert "aucune police disponible ne peut dessiner certains caractères" in result.stderr
    assert "section 'allergies', bloc 1 (tableau), ligne 1, colonne 1 (Substance)\u00a0: U+10FFFD" in result.stderr
    assert "... et " in result.stderr and " autres endroits" in result.stderr
    for english in ("block", "(table)", "row ", "more places", "Peni"):
        assert english not in result.stderr


def test_the_notice_of_characters_drawn_as_a_marker_is_in_chinese(tmp_path: Path) -> None:
    result = run_cli("render", str(_undrawable(tmp_path)), "--allow-missing-glyphs", "--language", "zh-Hans",
                     "-o", str(tmp_path / "out.pdf"), language="en")
    assert result.returncode == 0, result.stderr
    assert "没有可用字体能绘制 1 个字符：U+10FFFD；它显示为" in result.stderr
    assert "部分 'allergies'，第 1 块（表格），第 1 行，第 1 列（过敏原）" in result.stderr
    for english in ("no available font", "block", "(table)", "row ", "character(s)"):
        assert english not in result.stderr


# --- every message against the catalogue ------------------------------------------------------


def _source_messages() -> list[tuple[str, str, set[str], str]]:
    """Every ``Message(id, English, **values)`` written in the package, with the helpers that
    build one from a prefix (``_fail("expired", ...)`` for ``error.shl.expired``)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        prefixes: dict[str, str] = {}
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "Message"
                        and call.args and isinstance(call.args[0], ast.JoinedStr)):
                    first = call.args[0].values[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        prefixes[function.name] = first.value
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                continue
            prefix = "" if call.func.id == "Message" else prefixes.get(call.func.id)
            if prefix is None or len(call.args) < 2:
                continue
            ident, english = call.args[0], call.args[1]
            if isinstance(ident, ast.Constant) and isinstance(english, ast.Constant) and isinstance(english.value, str):
                names = {keyword.arg for keyword in call.keywords if keyword.arg}
                found.append((prefix + ident.value, english.value, names, f"{path.name}:{call.lineno}"))
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_package_writes_messages_of_every_family() -> None:
    ids = {ident for ident, *_ in _source_messages()}
    for family in ("error.encryption.", "error.shl.", "error.signing.", "error.plugin.", "error.batch.",
                   "phenopacket.note.", "fhir.import.", "fhir.unmapped."):
        assert any(ident.startswith(family) for ident in ids), family


def test_every_message_of_the_package_is_the_catalogue_english_with_its_placeholders() -> None:
    for ident, english, names, where in _source_messages():
        assert ident in ENGLISH, f"{where}: {ident} is not in messages.pot"
        assert ENGLISH[ident] == english, f"{where}: {ident}'s English differs from the catalogue's"
        assert _placeholders(english) == names, f"{where}: {ident} is given other values than its placeholders"


def test_every_message_of_the_package_is_translated_with_the_same_placeholders() -> None:
    ids = {ident for ident, *_ in _source_messages()} | {"error.load.problems-found.one",
                                                          "error.load.problems-found.other"}
    for language in BUILT_IN_LANGUAGES:
        if language == "en":
            continue
        catalogue = built_in_catalogue(language)
        for ident in ids:
            assert ident in catalogue, f"{language}: {ident} is not translated"
            assert _placeholders(catalogue[ident]) == _placeholders(ENGLISH[ident]), f"{language}: {ident}"


# --- the read-back's "please report this as a bug" errors --------------------------------------


def french(message_id: str, **values: object) -> str:
    """The French catalogue's text of ``message_id``, filled in (read through the labels API)."""
    return built_in_catalogue("fr")[message_id].format(**values)


@pytest.fixture
def misdrawing_plugin(tmp_path: Path) -> Path:
    """An outside plugin whose backend finds that its drawing does not read back as asked."""
    return outside_plugin(
        tmp_path, "misdrawing",
        "from rarepassport import DrawnTextMismatchError, hookimpl\n\n\n"
        "def render(document, **options):\n"
        "    raise DrawnTextMismatchError(['page 1, line %d' % n for n in range(23)])\n\n\n"
        "@hookimpl\ndef rarepassport_register_backends(backends):\n"
        "    backends.add('note', render, media_type='application/pdf', suffix='.pdf')\n")


def test_a_backend_s_read_back_error_is_said_in_french_with_its_places(tmp_path: Path,
                                                                         misdrawing_plugin: Path) -> None:
    result = run_cli("render", str(MINIMAL), "--format", "note", "--language", "fr", "-o", str(tmp_path / "out.pdf"),
                     language="en", extra_path=misdrawing_plugin)
    assert result.returncode == 2
    heading = french("error.render.drawn-text-mismatch")
    assert f"minimal.json: {heading}\n  page 1, line 0\n" in result.stderr
    assert "page 1, line 19\n" in result.stderr and "page 1, line 20\n" not in result.stderr
    assert french("error.render.more-problems", count=3) in result.stderr
    assert "does not show every text" not in result.stderr and "more" not in result.stderr


def test_the_real_read_back_s_places_are_said_in_french(tmp_path: Path) -> None:
    import argparse

    from rarepassport.cli._common import error_text, set_message_language
    from rarepassport.errors import DrawnTextMismatchError
    from rarepassport.rendering._verify import Place, expected_texts, place_text, verify_pdf_text

    passport = rp.load(MINIMAL)
    document = rp.layout(passport, "full")
    where = next(where for where, _text in expected_texts(document)
                 if isinstance(where, Place) and where.message is not None and "{section}" in where.message.english)
    drawn = rp.render_rendered(passport, "pdf").data
    problems = verify_pdf_text(drawn, [(where, "Zebrafish antibody text not on the page")])
    assert problems == [f"{where}: the PDF does not show this text as written"]  # str() stays English
    error = DrawnTextMismatchError(problems)
    assert error.message_id == "error.render.drawn-text-mismatch"
    try:
        set_message_language(argparse.Namespace(language="fr"))
        said = error_text(error)
    finally:
        set_message_language(argparse.Namespace(language="en"))
    place = place_text(where, french)
    assert place != str(where)  # the place itself is said in French
    assert said == french("error.render.drawn-text-mismatch") + "\n  " + french("phrase.place.not-drawn", place=place)


def test_the_lock_screen_s_bug_errors_have_their_catalogue_messages() -> None:
    ids = {ident for ident, *_ in _source_messages()}
    assert {"error.render.lockscreen-not-drawn", "error.render.lockscreen-covered",
            "error.render.lockscreen-into-qr", "error.render.weasyprint-no-pdf",
            "error.render.drawn-text-mismatch", "phrase.place.not-drawn"} <= ids


# --- keys and signature checks: cryptography's words never reach the user ----------------------------


@pytest.mark.parametrize(("key", "message_id"), [
    ({"kty": "RSA", "n": "AQAB", "e": "AQAB"}, "error.signing.jwk-type"),
    ({"kty": "OKP", "crv": "Ed25519", "x": "not base64url!"}, "error.signing.jwk-members"),
    ({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}, "error.signing.jwk-p256-size"),
    # 32 zero bytes each: the right size, but (0, 0) is not a point of P-256 (cryptography refuses it).
    ({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, "error.signing.jwk-invalid"),
])
def test_a_trusted_key_that_is_not_a_usable_jwk_is_refused_in_french(
        tmp_path: Path, key: dict[str, str], message_id: str) -> None:
    trusted = tmp_path / "clinic.json"
    trusted.write_text(json.dumps({"keys": [key]}), encoding="utf-8")
    result = run_cli("verify", str(MINIMAL), "--trust", str(trusted), language="fr")
    assert result.returncode == 2
    assert f"rarepassport: {trusted}: $.keys[0]: {french(message_id)}\n" in result.stderr
    with pytest.raises(SigningError) as raised:
        rp.load_keyring([trusted])
    assert raised.value.message_id == message_id
    assert str(raised.value) == f"{trusted}: $.keys[0]: {ENGLISH[message_id]}"


def test_the_verify_report_is_said_in_french_and_its_status_words_kept(tmp_path: Path) -> None:
    pem, jwk = rp.generate_key()
    public = tmp_path / "clinic.pub.jwk"
    public.write_text(json.dumps(jwk), encoding="utf-8")
    signed = tmp_path / "signed.json"
    rp.dump(rp.sign(rp.load(MINIMAL), pem, name="Dr Example", role="consultant"), signed)
    check = rp.verify(rp.load(signed), rp.load_keyring([public])).checks[0]
    assert (check.message_id, check.reason) == ("signing.check.trusted", ENGLISH["signing.check.trusted"])

    def line(status: str, reason_id: str) -> str:
        return french("cli.verify.check", file=signed, path=check.path, status=status, scope="$", signer="Dr Example",
                      date=check.attestation.reviewed_on.isoformat(), key=check.attestation.key_id,
                      reason=french(reason_id)) + "\n"

    untrusted = run_cli("verify", str(signed), language="fr")
    assert untrusted.returncode == 3, untrusted.stderr
    assert untrusted.stdout == line("untrusted", "signing.check.not-trusted")
    trusted = run_cli("verify", str(signed), "--trust", str(public), language="fr")
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout == line("trusted", "signing.check.trusted")
    assert "signed by" not in trusted.stdout and "the signature is valid" not in trusted.stdout


# --- the command line's own last lines: plugins listing, keygen, -v --------------------------


def test_the_plugins_listing_and_the_verbose_lines_are_in_french(tmp_path: Path) -> None:
    listing = run_cli("--language", "fr", "plugins", language="en")
    assert listing.returncode == 0, listing.stderr
    plugins = rp.make_plugin_manager()
    section = next(section for section in plugins.sections if section.id == "adrenal_insufficiency")
    applies = french("cli.plugins.applies-to", conditions=", ".join(section.applies_to))
    # The section's title is its label section.<id> in French, not the English it was registered with.
    title = plugins.labels.get_exact("section.adrenal_insufficiency", "fr")
    assert title and title != section.title
    line = french("cli.plugins.section", id=section.id, title=title, applies=applies)
    assert f"\n  {line}\n" in listing.stdout
    assert section.title not in listing.stdout
    assert "(for " not in listing.stdout
    rendered = run_cli("render", str(MINIMAL), "--language", "fr", "-v", "-o", str(tmp_path / "out.txt"),
                       "--format", "text", language="en")
    assert rendered.returncode == 0, rendered.stderr
    assert french("cli.render.drawing", file=MINIMAL, format="text", view="full") in rendered.stderr
    assert french("cli.verbose.plugins-loaded", names="").rstrip() in rendered.stderr
    assert "plugins loaded" not in rendered.stderr and "drawing " not in rendered.stderr


def test_keygen_says_the_key_id_in_german(tmp_path: Path) -> None:
    result = run_cli("keygen", "--out", str(tmp_path / "clinic"), language="de")
    assert result.returncode == 0, result.stderr
    kid = json.loads((tmp_path / "clinic.pub.jwk").read_text(encoding="utf-8"))["kid"]
    assert result.stdout == built_in_catalogue("de")["cli.keygen.key-id"].format(kid=kid) + "\n"


@pytest.fixture
def failing_fhir_plugin(tmp_path: Path) -> Path:
    """An outside plugin whose FHIR section hook raises for every section."""
    return outside_plugin(
        tmp_path, "brokenfhir",
        "from rarepassport import hookimpl\n\n\n"
        "@hookimpl\ndef rarepassport_fhir_section(section, data, passport, patient_reference):\n"
        "    raise KeyError('boom')\n")


def test_a_plugin_s_failing_export_hook_is_one_line_in_french(tmp_path: Path, failing_fhir_plugin: Path) -> None:
    result = run_cli("--language", "fr", "export", "fhir", str(EXAMPLES / "conditions" / "adrenal-insufficiency.json"),
                     "-o", str(tmp_path / "ips.json"), language="en", extra_path=failing_fhir_plugin)
    assert result.returncode == 0, result.stderr
    failure = french("cli.plugin-failure.hook", plugin="brokenfhir 0.1.0", hook="rarepassport_fhir_section",
                     message=french("error.plugin.raised", error="KeyError"))
    assert f"{french('cli.export.plugin-failed', failure=failure)}\n" in result.stderr
    assert "PluginWarning" not in result.stderr and "exported as narrative only" not in result.stderr
