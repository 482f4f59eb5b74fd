"""Hostile input: every document that is not a passport is refused cleanly and fast.

The corpus in ``tests/data/hostile/`` holds one small file per hostile family with its
expected outcome in ``expected.json`` (the problem's JSON path and a fragment of its
message). Inputs too big to commit (alias bombs, 10,000-deep nesting, 5,000-digit
numbers) are made here at run time. Each test would fail with a traceback, a hang or a
wrong "valid" without the checks of ``rarepassport.convert`` and ``rarepassport.limits``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import rarepassport as rp
from rarepassport import limits, render_document
from rarepassport.cli import main
from rarepassport.convert import check_tree, read_input

HOSTILE = Path(__file__).parent / "data" / "hostile"
EXPECTED: dict[str, dict[str, str]] = json.loads((HOSTILE / "expected.json").read_text())

VALID = {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"}}


def _refusal(data: bytes, name: str) -> rp.LoadError:
    with pytest.raises(rp.LoadError) as refused:
        rp.loads(data, format="yaml" if name.endswith(".yaml") else "json")
    return refused.value


# --- the corpus ------------------------------------------------------------------------------


def test_every_corpus_file_has_an_expected_outcome() -> None:
    files = {path.name for path in HOSTILE.iterdir() if path.name != "expected.json"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_document_is_refused_naming_where(name: str) -> None:
    expected = EXPECTED[name]
    error = _refusal((HOSTILE / name).read_bytes(), name)
    assert any(
        problem.path.startswith(expected["path"]) and expected["message"] in problem.message
        for problem in error.problems
    ), error.problems


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validating_a_hostile_file_on_the_command_line_is_one_clean_report(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["validate", str(HOSTILE / name)])
    out, err = capsys.readouterr()
    assert status == 1
    assert "INVALID" in out and "Traceback" not in out + err
    # Nothing that a terminal acts on reaches it, and no value of the document is echoed.
    assert not any(char in out + err for char in "\x1b\x07\x08\r\x00\x9b")
    assert "943 476 5919" not in out + err and "/etc/passwd" not in out
    # One issue per line: the key holding a newline must not forge a report line.
    assert "$.forged" not in "\n".join(line for line in out.splitlines() if not line.startswith("  error"))


def test_a_document_that_is_a_json_string_is_not_validated_as_a_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps(VALID))
    pointer = tmp_path / "pointer.json"
    pointer.write_text(json.dumps(str(other)))
    assert main(["validate", str(pointer)]) == 1
    assert "must be a JSON object" in capsys.readouterr().out


def test_an_unknown_schema_version_is_not_echoed() -> None:
    error = _refusal((HOSTILE / "json-schema-version-secret.json").read_bytes(), "x.json")
    assert "943" not in str(error) and "Ada" not in str(error)


# --- documents are objects; a str is a path -------------------------------------------------------


def test_load_refuses_a_str_holding_a_document_without_quoting_it() -> None:
    text = json.dumps(VALID)
    with pytest.raises(TypeError, match="loads") as refused:
        rp.load(text)
    assert "Ada" not in str(refused.value)
    with pytest.raises(TypeError):
        rp.validate(text)


@pytest.mark.parametrize("value", [5, None, ["a"], b"{}"])
def test_load_refuses_what_is_not_a_path(value: object) -> None:
    with pytest.raises(TypeError, match="path"):
        rp.load(value)  # type: ignore[arg-type]


# --- bounded resources --------------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_before_it_is_expanded() -> None:
    lines = ['schema_version: "1.0"', 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = "\n".join(lines).encode()
    assert len(bomb) < 30_000  # about 9**10 values once expanded
    error = _refusal(bomb, "bomb.yaml")
    assert any("aliases are expanded" in problem.message for problem in error.problems)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("[" * 10_000 + "]" * 10_000, "deep.json"),
        ('{"a":' * 10_000 + "1" + "}" * 10_000, "deep.json"),
        # Deeper than orjson writes (255 levels) but not than it reads (1,024).
        ('{"a":' * 300 + "1" + "}" * 300, "deep.json"),
        ("[" * 10_000 + "]" * 10_000, "deep.yaml"),
        ("a:\n" + "".join(" " * i + "- \n" for i in range(1, 3000)), "deep.yaml"),
    ],
)
def test_deep_nesting_is_a_clear_error_not_a_recursion_error(text: str, name: str) -> None:
    error = _refusal(text.encode(), name)
    assert any("nested too deeply" in problem.message for problem in error.problems)


def test_deep_nesting_given_as_text_is_a_clear_error_not_a_type_error() -> None:
    with pytest.raises(rp.LoadError, match="nested too deeply"):
        rp.loads('{"a":' * 300 + "1" + "}" * 300)


def test_deep_nesting_in_a_dict_is_refused_with_its_path() -> None:
    data: dict[str, object] = {}
    inner = data
    for _ in range(10_000):
        inner["a"] = {}
        inner = inner["a"]  # type: ignore[assignment]
    report = rp.validate({**VALID, "extensions": data})
    assert not report.ok
    assert any("nested too deeply" in issue.message for issue in report)


def test_a_self_referencing_dict_terminates() -> None:
    loop: dict[str, object] = {**VALID}
    loop["extensions"] = loop
    assert any("nested too deeply" in issue.message for issue in rp.validate(loop))


@pytest.mark.parametrize("name", ["big.json", "big.yaml"])
def test_a_five_thousand_digit_number_is_refused(name: str) -> None:
    text = json.dumps(VALID)[:-1] + ', "links": [' + "9" * 5000 + "]}"
    error = _refusal(text.encode(), name)
    assert any("digits" in problem.message for problem in error.problems)


def test_a_list_longer_than_the_limit_is_refused_before_each_item_is_read() -> None:
    document = {**VALID, "allergies": [5] * (limits.MAX_LIST_LENGTH + 1)}
    error = _refusal(json.dumps(document).encode(), "x.json")
    assert [problem.path for problem in error.problems] == ["$.allergies"]


def test_the_number_of_problems_listed_is_limited_and_the_rest_counted() -> None:
    document = {**VALID, "allergies": [5] * 5_000}
    error = _refusal(json.dumps(document).encode(), "x.json")
    assert len(error.problems) == limits.MAX_PROBLEMS + 1
    assert error.problems[-1].message == f"and {5_000 - limits.MAX_PROBLEMS} more problems (not listed)"


def test_a_text_longer_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_STRING_LENGTH", 50)
    document = {**VALID, "person": {**VALID["person"], "address": "x" * 51}}  # type: ignore[dict-item]
    error = _refusal(json.dumps(document).encode(), "x.json")
    assert [problem.path for problem in error.problems] == ["$.person.address"]


def test_limits_are_read_when_checked_so_a_program_can_raise_them(monkeypatch: pytest.MonkeyPatch) -> None:
    deep: list[object] = []
    for _ in range(80):
        deep = [deep]
    assert check_tree(deep)
    monkeypatch.setattr(limits, "MAX_DEPTH", 100)
    assert check_tree(deep) == []


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(VALID))
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10)
    with pytest.raises(OSError, match="larger than 10 bytes") as refused:
        rp.load(path)
    assert refused.value.filename == str(path)


# --- special files are not read ------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_validating_dev_zero_ends_at_once_with_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/dev/zero"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    with pytest.raises(OSError, match="not a regular file"):
        rp.load("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "passport.json"
    os.mkfifo(fifo)
    assert main(["validate", str(fifo)]) == 2
    assert "not a regular file" in capsys.readouterr().err
    with pytest.raises(OSError, match="not a regular file"):
        read_input(fifo)


def test_a_folder_is_refused_as_a_passport(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="folder"):
        rp.load(tmp_path)


# --- text is text on the command line --------------------------------------------------------------------


def test_a_file_name_with_an_escape_sequence_is_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "\x1b[2Jada\x07.json"
    path.write_text(json.dumps(VALID))
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "\\x1b[2Jada\\x07.json: valid" in out


def test_new_with_an_undecodable_name_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    # What Python makes of the argument b"\xff" (PEP 383): a lone surrogate.
    assert main(["new", "--name", b"\xff".decode("utf-8", "surrogateescape")]) == 2
    assert "--name" in capsys.readouterr().err


# --- API misuse is an error of ours ---------------------------------------------------------------------------


@pytest.fixture
def passport() -> rp.Passport:
    return rp.from_dict(VALID)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda p: rp.render(VALID), TypeError),  # type: ignore[arg-type]
        (lambda p: rp.render("ada.json"), TypeError),  # type: ignore[arg-type]
        (lambda p: rp.render(p, qr=5), rp.RenderError),
        (lambda p: rp.render(p, "card", qr=5), rp.RenderError),
        (lambda p: rp.render(p, "card", sheet="yes"), rp.RenderError),
        (lambda p: rp.render(p, fonts=5), rp.RenderError),
        (lambda p: rp.render(p, "html", language=5), rp.RenderError),
        (lambda p: render_document(VALID, "text"), rp.RenderError),  # type: ignore[arg-type]
        (lambda p: rp.dumps(VALID), TypeError),  # type: ignore[arg-type]
        (lambda p: rp.to_dict(VALID), TypeError),  # type: ignore[arg-type]
        (lambda p: rp.dumps(p, format="xml"), rp.PassportError),  # type: ignore[arg-type]
        (lambda p: rp.loads(5), TypeError),  # type: ignore[arg-type]
        (lambda p: rp.loads("{}", format="xml"), rp.PassportError),  # type: ignore[arg-type]
    ],
    ids=[
        "render-dict", "render-str", "render-qr-int", "card-qr-int", "card-sheet-str", "pdf-fonts-int",
        "html-language-int", "render-document-dict", "dumps-dict", "to-dict-dict", "dumps-xml", "loads-int",
        "loads-xml",
    ],
)
def test_a_wrong_argument_is_a_clear_error_not_an_attribute_error(
    passport: rp.Passport, call: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        call(passport)  # type: ignore[operator]


def test_dump_with_an_unknown_format_writes_nothing(passport: rp.Passport, tmp_path: Path) -> None:
    with pytest.raises(rp.PassportError, match="xml"):
        rp.dump(passport, tmp_path / "ada.json", format="xml")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_to_ips_of_a_dict_is_a_type_error() -> None:
    from rarepassport.fhir import to_ips

    with pytest.raises(TypeError, match="Passport"):
        to_ips(VALID)  # type: ignore[arg-type]


@pytest.fixture
def standard_json(monkeypatch: pytest.MonkeyPatch) -> object:
    """Read JSON with Python's own parser, as without the ``fast`` extra (orjson)."""
    from rarepassport import formats

    monkeypatch.setitem(__import__("sys").modules, "orjson", None)
    formats._json_loads.cache_clear()
    yield
    formats._json_loads.cache_clear()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (json.dumps(VALID)[:-1] + ', "links": [' + "9" * 5000 + "]}", "digits"),
        ("[" * 10_000 + "]" * 10_000, "nested too deeply"),
        ('{"schema_version": "1.0", "person": {"name": "\\ud800"}}', "lone surrogate"),
        ('{"schema_version": "1.0", "person": {"weight": {"kg": NaN}}}', "not valid JSON"),
    ],
    ids=["digits", "depth", "surrogate", "nan"],
)
def test_without_orjson_the_same_documents_are_refused(standard_json: object, text: str, fragment: str) -> None:
    error = _refusal(text.encode(), "x.json")
    assert any(fragment in problem.message for problem in error.problems), error.problems


@pytest.mark.parametrize("format", ["pdf", "card", "html", "markdown", "text"])
@pytest.mark.parametrize(
    "text", ["Ada\ud800", "Ada\x1b[2J", "Ada\x08\x08\x08Bob"], ids=["surrogate", "escape", "backspace"]
)
def test_a_built_passport_with_unreadable_text_is_refused_by_every_backend(format: str, text: str) -> None:
    import datetime as dt

    passport = rp.Passport(person=rp.Person(name=text, date_of_birth=dt.date(2015, 3, 2)))
    with pytest.raises(rp.LoadError) as refused:
        rp.render(passport, format)
    assert [problem.path for problem in refused.value.problems] == ["$.person.name"]


def test_dumps_refuses_what_loads_would_refuse() -> None:
    import datetime as dt

    passport = rp.Passport(person=rp.Person(name="Ada\x1b[2J", date_of_birth=dt.date(2015, 3, 2)))
    with pytest.raises(rp.LoadError, match=r"\$\.person\.name"):
        rp.dumps(passport)


def test_validate_of_a_built_passport_with_a_control_character_names_the_field() -> None:
    import datetime as dt

    passport = rp.Passport(person=rp.Person(name="Ada\x1b[2J", date_of_birth=dt.date(2015, 3, 2)))
    report = rp.validate(passport)
    assert not report.ok
    assert [issue.path for issue in report.errors] == ["$.person.name"]
    assert "\x1b" not in " ".join(issue.message for issue in report.errors)


# --- bidirectional overrides (hazard H135) ---------------------------------------------------


def _with_dose(dose: str) -> dict[str, object]:
    return {**VALID, "medications": [{"name": "Hydrocortisone", "dose": dose}]}


@pytest.mark.parametrize("override", ["\u202e", "\u202d"], ids=["RLO", "LRO"])
@pytest.mark.parametrize("how", ["json-utf8", "json-escaped", "yaml"])
def test_a_bidirectional_override_in_a_text_is_refused_with_its_field(override: str, how: str) -> None:
    # "\u202e01\u202c mg" is stored as 01 mg and shown by a browser as "10 mg".
    data = _with_dose(f"{override}01\u202c mg")
    raw = {
        "json-utf8": json.dumps(data, ensure_ascii=False).encode(),  # the orjson fast path
        "json-escaped": json.dumps(data).encode(),
        "yaml": json.dumps(data, ensure_ascii=False).encode(),  # YAML reads JSON
    }[how]
    refused = _refusal(raw, "passport.yaml" if how == "yaml" else "passport.json")
    assert [problem.path for problem in refused.problems] == ["$.medications[0].dose"]
    message = refused.problems[0].message
    assert f"U+{ord(override):04X}" in message and "bidirectional override" in message
    assert "01" not in message.replace("(01 as 10)", "")  # the value is never echoed


def test_a_bidirectional_override_in_a_key_is_refused() -> None:
    data = {**VALID, "extensions": {"my\u202eplugin": {}}}
    refused = _refusal(json.dumps(data, ensure_ascii=False).encode(), "passport.json")
    assert refused.problems[0].path == "$.extensions"
    assert "U+202E" in refused.problems[0].message and "key" in refused.problems[0].message


@pytest.mark.parametrize("format", ["pdf", "card", "html", "markdown", "text"])
def test_a_built_passport_with_a_bidirectional_override_is_refused_by_every_backend(format: str) -> None:
    import datetime as dt

    passport = rp.Passport(person=rp.Person(name="Ada", date_of_birth=dt.date(2015, 3, 2)),
                           medications=(rp.Medication(name="Hydrocortisone", dose="\u202e01\u202c mg"),))
    with pytest.raises(rp.LoadError) as refused:
        rp.render(passport, format)
    assert [problem.path for problem in refused.value.problems] == ["$.medications[0].dose"]


def test_marks_embeddings_and_isolates_that_arabic_text_uses_are_kept() -> None:
    # They move whole runs, never reverse the characters inside one: allowed, kept as written.
    name = "\u2067\u0623\u0645\u0644 \u062d\u0633\u0646\u2069 \u200f(\u202bAmal\u202c)\u061c"
    passport = rp.loads(json.dumps({**VALID, "person": {**VALID["person"], "name": name}}, ensure_ascii=False))
    assert passport.person.name == name
    assert rp.loads(rp.dumps(passport)).person.name == name


def test_the_command_line_renders_no_passport_with_an_override_even_when_allowed_invalid(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "passport.json"
    source.write_text(json.dumps(_with_dose("\u202e01\u202c mg"), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.html"
    assert main(["render", str(source), "--format", "html", "--allow-invalid", "-o", str(out)]) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "$.medications[0].dose" in err and "U+202E" in err and "\u202e" not in err


def test_the_command_line_shows_an_override_in_a_file_name_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "passport\u202egpj.json"  # would show as "passportnosj.jpg"
    source.write_text(json.dumps(VALID), encoding="utf-8")
    assert main(["validate", str(source)]) == 0
    shown = capsys.readouterr().out
    assert "passport\\u202egpj.json" in shown and "\u202e" not in shown
