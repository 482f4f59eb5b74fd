"""JSON and YAML text to plain data and back (``rarepassport.formats``).

Specification: the function docstrings: strict parsing (no duplicate keys, no NaN, no
over-long numbers, UTF-8 or a byte order mark), every problem with a JSON path, paths
that stay one printable line, canonical output. Hostile documents and the limits are in
tests/test_hostile_input.py; whole passports in tests/test_convert.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

import rarepassport as rp
import rarepassport.testing
from rarepassport import LoadError, PassportError, limits
from rarepassport.formats import (
    UNSAFE_CHARACTERS,
    _parse_tree_unwalked,
    check_tree,
    child_path,
    decode,
    dump_text,
    format_for,
    parse_text,
    parse_tree,
    text_problem,
    type_name,
)


@pytest.mark.parametrize(("name", "expected"), [
    ("a.json", "json"), ("a.yaml", "yaml"), ("A.YML", "yaml"), ("a.yaml.json", "json"), ("a", "json"),
    ("yaml", "json"),
])
def test_the_format_comes_from_the_file_suffix(name: str, expected: str) -> None:
    assert format_for(name) == expected


@pytest.mark.parametrize(("key", "path"), [
    ("person", "$.person"), ("x_deep-1", "$.x_deep-1"), ("two words", '$["two words"]'),
    ("line\nbreak", '$["line\\nbreak"]'), ("\x1b[2J", '$["\\u001b[2J"]'), ("é", '$["\\u00e9"]'),
    ("1st", '$["1st"]'),
])
def test_a_child_path_is_one_printable_line(key: str, path: str) -> None:
    assert child_path("$", key) == path
    assert child_path("$", key).isprintable() and child_path("$", key).isascii()


def test_a_very_long_key_is_cut_in_its_path() -> None:
    path = child_path("$.extensions", "k " * 100)
    assert path.startswith('$.extensions["k k') and path.endswith('…"]')
    assert len(path) < 110


@pytest.mark.parametrize(("value", "name"), [
    (None, "null"), (True, "true/false"), (3, "a number"), (2.5, "a number"), ("x", "text"), ([], "a list"),
    ({}, "an object"), (b"x", "bytes"),
])
def test_types_are_named_as_a_reader_of_json_calls_them(value: object, name: str) -> None:
    assert type_name(value) == name


@pytest.mark.parametrize("raw", [
    "{\"name\": \"Zoë\"}".encode(), b"\xef\xbb\xbf" + "{\"name\": \"Zoë\"}".encode(),
    b"\xff\xfe" + "{\"name\": \"Zoë\"}".encode("utf-16-le"), b"\xfe\xff" + "{\"name\": \"Zoë\"}".encode("utf-16-be"),
    b"\xff\xfe\x00\x00" + "{\"name\": \"Zoë\"}".encode("utf-32-le"),
])
def test_bytes_are_utf_8_or_carry_a_byte_order_mark(raw: bytes) -> None:
    assert decode(raw) == '{"name": "Zoë"}'
    assert parse_text(raw, "json") == {"name": "Zoë"}


def test_bytes_that_are_not_utf_8_are_refused_naming_the_byte() -> None:
    with pytest.raises(LoadError, match=r"\$: not UTF-8 text: invalid continuation byte at byte 12"):
        decode('{"name": "Zoë"}'.encode("latin-1"))


@pytest.mark.parametrize(("text", "fragment"), [
    ('{"a": 1, "a": 2}', "the key 'a' appears twice in one object"),
    ('{"a": NaN}', "not valid JSON"),
    ('{"a": Infinity}', "not valid JSON"),
    ('{"a": 1,}', "not valid JSON"),
    ('{"a": ' + "9" * 400 + "}", "digits"),
])
def test_json_is_read_strictly(text: str, fragment: str) -> None:
    with pytest.raises(LoadError) as caught:
        parse_text(text, "json")
    assert fragment in str(caught.value)
    assert "$" in str(caught.value)


@pytest.mark.parametrize("as_bytes", [False, True], ids=["text", "bytes"])
def test_a_key_written_twice_is_refused_even_beside_an_escaped_colon(as_bytes: bool) -> None:
    """Colons written as escapes (``\\u003a``) must not hide a key that parsing dropped (here
    the first list of medicines, and its two colons)."""
    text = (
        '{"schema_version": "1.0", "person": {"name": "Ada", "date_of_birth": "2015-03-02"}, '
        '"medications": [{"name": "Hydrocortisone"}], "medications": [], '
        '"summary": "Note\\u003a stress dose\\u003a double"}'
    )
    with pytest.raises(LoadError, match="the key 'medications' appears twice"):
        rp.loads(text.encode() if as_bytes else text)


@pytest.mark.parametrize("raw", [
    '{"a": [1, 2.5, -3, true, null, "Zoë 😀", {"b": "line\\nbreak\\ttab"}]}'.encode(),
    b'{"a": 123456789012345678901234}',
    b'{"a": 1e300, "b": -12345678901234567890}',
    b'{"path": "C:\\\\bin", "bell": "\\u0007", "del": "\x7f", "nel": "\xc2\x85"}',
    b'{"key\\nwith a newline": 1}',
    b'{"a": "\\ud83d\\ude00", "b": "\\u0041"}',
])
def test_the_fast_path_for_json_bytes_reads_what_the_general_path_reads(raw: bytes) -> None:
    tree, checked = parse_tree(raw, "json")
    assert tree == parse_text(raw.decode("utf-8"), "json")
    if checked:
        assert check_tree(tree) == []


@pytest.mark.parametrize("digits", [19, 20, 25, 40])
def test_a_long_whole_number_is_kept_exactly_or_refused_never_rounded(digits: int) -> None:
    """``limits.MAX_NUMBER_DIGITS`` bounds a whole number; below it the number is read as written."""
    text = '{"a": ' + "9" * digits + "}"
    try:
        data = parse_text(text, "json")
    except LoadError as error:
        assert digits > 30 and "30 digits" in str(error)
    else:
        assert digits <= 30 and data == {"a": int("9" * digits)} and isinstance(data["a"], int)


def test_a_json_error_has_its_line_and_column() -> None:
    with pytest.raises(LoadError) as caught:
        parse_text('{\n  "a": 1,\n  "b": oops\n}', "json")
    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.column) == ("$", 3, 8)


def test_yaml_is_read_as_plain_data_with_dates_left_as_text() -> None:
    assert parse_text("person:\n  name: Ada\n  date_of_birth: 2015-03-02\nweight: 21.5\n", "yaml") == {
        "person": {"name": "Ada", "date_of_birth": "2015-03-02"}, "weight": 21.5}


def test_a_yaml_error_has_its_line() -> None:
    with pytest.raises(LoadError) as caught:
        parse_text("person:\n  name: [Ada\n", "yaml")
    [problem] = caught.value.problems
    assert problem.message.startswith("not valid YAML") and problem.line is not None


def test_an_unknown_format_or_a_non_text_is_refused() -> None:
    with pytest.raises(PassportError, match="unknown format 'toml'"):
        parse_text("a = 1", "toml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got dict"):
        parse_text({"a": 1}, "json")  # type: ignore[arg-type]


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_dumped_text_reads_back_the_same_and_keeps_unicode(format: str) -> None:
    data = {"person": {"name": "أميرة حداد", "date_of_birth": "2015-03-02"}, "notes": ["王芳", "line\nbreak"],
            "weight": 21.5, "ok": True, "none": None}
    text = dump_text(data, format)  # type: ignore[arg-type]
    assert "أميرة حداد" in text and "\\u" not in text
    assert parse_text(text, format) == data  # type: ignore[arg-type]


def test_json_is_written_canonically() -> None:
    assert dump_text({"b": 1, "a": [1, 2]}, "json") == '{\n  "b": 1,\n  "a": [\n    1,\n    2\n  ]\n}\n'
    with pytest.raises(PassportError, match="not finite") as raised:
        dump_text({"a": float("nan")}, "json")
    assert raised.value.message_id == "error.format.not-finite"  # said in the user's language by the editor


def test_a_text_problem_names_the_character_by_code_point_and_place() -> None:
    assert text_problem("Ada\tLovelace\n", 100) is None
    assert text_problem("Ada\x1b[2J", 100) == ("holds the control character U+001B (at character 4); only newline and "
                                              "tab are allowed in text")
    assert text_problem("a\ud800", 100) == "holds a lone surrogate (U+D800, at character 2), which is not text"
    assert text_problem("abcd", 3) == "text longer than 3 characters (see rarepassport.limits)"
    assert UNSAFE_CHARACTERS.search("\r") and not UNSAFE_CHARACTERS.search("\n\t")


def test_check_tree_names_each_problem_by_path() -> None:
    problems = check_tree({"person": {"name": "Ada\x07", "line\nkey": 1}, "list": [1, "\x9b"]})
    assert {problem.path: problem.message[:30] for problem in problems} == {
        "$.person.name": "holds the control character U+",
        "$.person": "a key of this object holds the",  # the key itself would break the path's line
        "$.list[1]": "holds the control character U+",
    }
    assert check_tree({"person": {"name": "Ada"}, "list": [1, 2.5, None, True]}) == []


# --- load's fast path: the reader proves what the tree walk would check ------------------
# JSON bytes read by orjson skip the walk of the depth, keys and floats when the passport
# reader accepts the document (it takes only field names as keys, records nest no deeper
# than the model's classes, and what it hands to a hook is checked on its own). Text goes
# the general way, with the walk: both must refuse the same documents with the same problems.


@attrs.frozen
class _Notes:
    """A plugin section with free-form data (read by cattrs' hook, not by the reader)."""

    tags: dict[str, str] = rp.section_field("Free-form tags.", factory=dict)
    level: float | None = rp.section_field("A number.", default=None)
    levels: tuple[float, ...] = rp.section_field("Numbers.", factory=tuple)


@attrs.frozen
class _Nested:
    """A plugin section that nests in itself, as deep as a document goes."""

    name: str | None = rp.section_field("A name.", default=None)
    inner: tuple[_Nested, ...] = rp.section_field("The same again.", factory=tuple)


class _NotesPlugin:
    @rp.hookimpl
    def rarepassport_register_sections(self, sections: Any) -> None:
        sections.add("notes", _Notes, title="Notes")
        sections.add("nested", _Nested, title="Nested")


def _passport_bytes(**extensions: object) -> bytes:
    person = {"name": "Alex Example", "date_of_birth": "2001-02-03"}
    document: dict[str, Any] = {"schema_version": rp.SCHEMA_VERSION, "person": person, "extensions": extensions}
    return json.dumps(document).encode()


def _nested(depth: int) -> dict[str, Any]:
    section: dict[str, Any] = {"name": "leaf"}
    for _ in range(depth):
        section = {"inner": [section]}
    return section


def _problems(read: Any) -> list[tuple[str, str]] | None:
    try:
        read()
    except LoadError as error:
        return [(problem.path, problem.message) for problem in error.problems]
    return None


_HEAD = b'{"schema_version": "1.0", "person": {"name": "A", "date_of_birth": "2001-02-03"'


@pytest.mark.parametrize("raw", [
    _passport_bytes(notes={"tags": {"line\nbreak": "x"}}),
    _passport_bytes(notes={"tags": {"tab\there": "x"}}),
    _passport_bytes(notes={"tags": {"k" * 201: "x"}}),
    _passport_bytes(notes={"tags": {"fine": "x"}}),
    _passport_bytes(notes={"level": 1.5, "levels": [2.5, 3]}),
    _HEAD + b'}, "extensions": {"notes": {"level": 123456789012345678901234}}}',
    _HEAD + b'}, "extensions": {"notes": {"level": ' + b"9" * 40 + b"}}}",
    _HEAD + b'}, "extensions": {"notes": {"levels": [1, ' + b"9" * 25 + b"]}}}",
    _HEAD + b', "weight": {"kg": 123456789012345678901234}}}',
    _HEAD + b', "weight": {"kg": ' + b"1" * 35 + b"}}}",
    _HEAD + b', "weight": {"kg": 1e300}}}',
    _HEAD + b', "line\\nbreak": 1}}',
    _passport_bytes(nested=_nested(10)),
    _passport_bytes(nested=_nested(40)),
    _passport_bytes(nested=_nested(60)),
    _passport_bytes(nested=_nested(100)),
])
def test_json_bytes_are_refused_as_json_text_is(raw: bytes) -> None:
    """The fast path for bytes (no walk when the reader proves the tree) reads and refuses
    exactly what the general path for text reads and refuses, with the same paths."""
    plugins = rp.testing.plugin_manager_with(_NotesPlugin())
    from_bytes = _problems(lambda: rp.loads(raw, plugins=plugins))
    from_text = _problems(lambda: rp.loads(raw.decode(), plugins=plugins))
    assert from_bytes == from_text
    if from_text is None:
        assert rp.to_dict(rp.loads(raw, plugins=plugins), plugins=plugins) == \
            rp.to_dict(rp.loads(raw.decode(), plugins=plugins), plugins=plugins)


def test_a_long_key_deep_in_free_form_data_is_refused_with_its_path() -> None:
    plugins = rp.testing.plugin_manager_with(_NotesPlugin())
    with pytest.raises(LoadError) as caught:
        rp.loads(_passport_bytes(notes={"tags": {"ok": "x", "line\nbreak": "y"}}), plugins=plugins)
    assert [problem.path for problem in caught.value.problems] == ["$.extensions.notes.tags"]
    assert "U+000A" in str(caught.value)


def test_a_document_nested_beyond_the_limit_is_refused_from_bytes() -> None:
    plugins = rp.testing.plugin_manager_with(_NotesPlugin())
    with pytest.raises(LoadError, match="nested too deeply"):
        rp.loads(_passport_bytes(nested=_nested(limits.MAX_DEPTH)), plugins=plugins)


def test_the_largest_example_is_read_without_the_walk_and_round_trips() -> None:
    raw = (Path(__file__).parent.parent / "examples" / "child-several-diagnoses.json").read_bytes()
    tree, known = _parse_tree_unwalked(raw, "json")
    assert known == "walk-left" and check_tree(tree) == []
    passport = rp.loads(raw)
    assert passport == rp.loads(raw.decode())
    assert rp.loads(rp.dumps(passport).encode()) == passport
