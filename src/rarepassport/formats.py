"""Reading JSON and YAML text into plain data, strictly, and writing it back.

Untrusted text becomes dicts, lists and scalars here, before any model class sees it:
UTF-8/16/32 decoding, duplicate keys refused, YAML held to the safe core schema with
aliases bounded, numbers and nesting bounded ([`rarepassport.limits`][]), and a tree
check ([`check_tree`][rarepassport.formats.check_tree]) that refuses control characters, lone surrogates and
oversized values with the path of each. Every problem is a
[`LoadError`][rarepassport.errors.LoadError] with a JSON path, never a traceback.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from rarepassport import limits
from rarepassport._catalogues import core_text
from rarepassport.errors import LoadError, Message, PassportError, Problem

__all__ = [
    "UNSAFE_CHARACTERS",
    "Format",
    "check_tree",
    "child_path",
    "decode",
    "dump_text",
    "format_for",
    "parse_text",
    "parse_tree",
    "text_problem",
    "type_name",
]

#: A text format a passport can be written in.
Format = Literal["json", "yaml"]


def type_name(value: object) -> str:
    """How a JSON value's type is named in messages: ``text``, ``a number``, ``a list``, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# --- bounds and text checks, before any work -------------------------------------------------

# C0 controls other than tab and newline, DEL, C1 controls (ESC, BEL, BS, CR and CSI can
# rewrite what a terminal shows), lone surrogates (which UTF-8 cannot carry, so every
# backend would fail on them later) and the two bidirectional overrides, LRO and RLO
# (U+202D, U+202E): a browser or PDF viewer that honours them shows the characters after
# them in the reverse order, so a dose stored as "01 mg" reads "10 mg" (hazard H135).
# Marks, embeddings and isolates (U+200E, U+200F, U+061C, U+202A-U+202C, U+2066-U+2069)
# move whole runs but never reverse the characters inside one: Arabic text uses them.
#: Characters no passport text may hold: C0/C1 controls but tab and newline, lone
#: surrogates, and the bidirectional overrides LRO and RLO.
UNSAFE_CHARACTERS = _BAD_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202d\u202e\ud800-\udfff]")
_BIDI_OVERRIDES = frozenset((0x202D, 0x202E))
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def child_path(path: str, key: str) -> str:
    """The JSON path of ``key`` in the object at ``path``, quoted when not a plain name.

    A key may hold anything (a newline, an escape sequence); quoting it with JSON
    escapes keeps every path one printable line.
    """
    if _PLAIN_KEY.match(key):
        return f"{path}.{key}"
    return f"{path}[{_quote(key)}]"


def _quote(text: str) -> str:
    quoted = json.dumps(text[:80], ensure_ascii=True)
    return quoted if len(text) <= 80 else quoted[:-1] + '…"'


#: A problem's catalogue entry (``validation.read.<kind>``) and the values of its placeholders.
Fault = tuple[str, dict[str, str]]


def _read_problem(path: str, fault: Fault, line: int | None = None, column: int | None = None) -> Problem:
    """A reading problem with its catalogue id, its English from the catalogue."""
    kind, arguments = fault
    message_id = f"validation.read.{kind}"
    return Problem(path, core_text(message_id, **arguments), line, column, message_id=message_id,
                   arguments=arguments)


def _text_fault(text: str, limit: int) -> Fault | None:
    if len(text) > limit:
        return "text-too-long", {"limit": str(limit)}
    bad = _BAD_CHARACTERS.search(text)
    if bad is None:
        return None
    code = ord(bad.group())
    where = {"code": f"{code:04X}", "position": str(bad.start() + 1)}
    if 0xD800 <= code <= 0xDFFF:
        return "lone-surrogate", where
    if code in _BIDI_OVERRIDES:
        return "bidi-override", where
    return "control-character", where


def _text_problem(text: str, limit: int) -> str | None:
    fault = _text_fault(text, limit)
    return None if fault is None else core_text(f"validation.read.{fault[0]}", **fault[1])


_BAD_KEY_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202d\u202e\ud800-\udfff]")


def _looks_fine(data: object, depth: int = 0) -> bool:
    """Whether ``data`` is surely within every check of [`check_tree`][rarepassport.formats.check_tree].

    The fast path of every load: plain types only, no paths built. Recursion is safe
    here because it stops at [`MAX_DEPTH`][rarepassport.limits]. Anything unusual
    (a long text such as a photo, a tuple, a Mapping that is not a dict) answers False
    and is looked at again, slowly, with paths.
    """
    max_depth, max_values, max_list = limits.MAX_DEPTH, limits.MAX_VALUES, limits.MAX_LIST_LENGTH
    max_text, max_bits = limits.MAX_STRING_LENGTH, int(limits.MAX_NUMBER_DIGITS * 3.33) + 1
    bad_text, bad_key = _BAD_CHARACTERS.search, _BAD_KEY_CHARACTERS.search
    count = 0

    def fine(container: Any, depth: int) -> bool:
        nonlocal count
        if depth >= max_depth or count > max_values:
            return False
        if type(container) is dict:
            for key in container:
                if type(key) is not str or len(key) > 200 or (not key.isprintable() and bad_key(key)):
                    return False
            items = container.values()
        elif len(container) > max_list:
            return False
        else:
            items = container
        count += len(items)
        for item in items:
            kind = type(item)
            if kind is str:
                # isprintable() is false for every bad character (and for newline and
                # some good ones), and fast: the regex runs only when it is false.
                if len(item) > max_text or (not item.isprintable() and bad_text(item)):
                    return False
            elif kind is dict or kind is list:
                if not fine(item, depth + 1):
                    return False
            elif kind is int:
                if item.bit_length() > max_bits:
                    return False
            elif kind is not float and kind is not bool and item is not None:
                return False
        return True

    return type(data) in (dict, list) and fine(data, depth) and count <= max_values


def _free_value_fine(value: object, depth: int) -> bool:
    """Whether a value a reader hands to a converter hook as it is (a number, free-form
    plugin data) is surely within every check of [`check_tree`][rarepassport.formats.check_tree],
    at a depth of at most ``depth``; texts' characters are taken as checked (see
    `_parse_tree_unwalked`).

    A float beyond 2**63 (orjson's reading of a whole number beyond 64 bits) answers
    False, as does anything that is not JSON's, so the caller looks again, slowly.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return -9.2e18 < value < 9.2e18  # type: ignore[operator]
    return (kind is dict or kind is list) and _looks_fine(value, depth) and not _has_huge_float(value)


def _key_fault(key: str) -> Fault | None:
    fault = _text_fault(key, 200)
    if fault is not None:
        return f"key-{fault[0]}", fault[1]
    # A newline or tab in a key would break a report's one-issue-per-line.
    for index, char in enumerate(key):
        if char in "\n\t":
            return "key-line-break", {"code": f"{ord(char):04X}", "position": str(index + 1)}
    return None


def check_tree(data: object, root: str = "$", *, long_text: Callable[[str], bool] | None = None) -> list[Problem]:
    """Problems with a parsed document's shape, found without recursion.

    Checks the limits of [`rarepassport.limits`][] (depth, values, list length, text
    length, digits) and that keys are text and texts hold no control characters or lone
    surrogates. A self-referencing dict is stopped by the depth limit. Stops after
    [`MAX_PROBLEMS`][rarepassport.limits] problems.

    Args:
        data: The parsed document.
        root: The path of ``data`` itself.
        long_text: Paths whose text may be as long as a ``data:`` photo.
    """
    if _looks_fine(data):
        return []
    return _tree_problems(data, root, long_text)


def _tree_problems(data: object, root: str, long_text: Callable[[str], bool] | None) -> list[Problem]:
    """The slow path of [`check_tree`][rarepassport.formats.check_tree]: every problem, each with its path."""
    problems: list[Problem] = []
    max_depth, max_values, max_list = limits.MAX_DEPTH, limits.MAX_VALUES, limits.MAX_LIST_LENGTH
    max_text, max_bits = limits.MAX_STRING_LENGTH, int(limits.MAX_NUMBER_DIGITS * 3.33) + 1
    values = 0
    stack: list[tuple[object, str, int]] = [(data, root, 0)]
    while stack and len(problems) <= limits.MAX_PROBLEMS:
        value, path, depth = stack.pop()
        values += 1
        if values > max_values:
            problems.append(_limit_problem(root, "too-many-values", max_values))
            break
        if isinstance(value, Mapping):
            if depth >= max_depth:
                problems.append(_deep_problem(path))
                continue
            children = []
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append(_read_problem(path, ("key-not-text", {"key_type": type_name(key)})))
                    continue
                key_fault = _key_fault(key)
                if key_fault is not None:
                    problems.append(_read_problem(path, key_fault))
                    continue
                children.append((item, child_path(path, key), depth + 1))
            stack.extend(reversed(children))
        elif isinstance(value, (list, tuple)):
            if depth >= max_depth:
                problems.append(_deep_problem(path))
                continue
            if len(value) > max_list:
                problems.append(_limit_problem(path, "list-too-long", max_list))
                continue
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            limit = limits.photo_uri_length() if long_text is not None and long_text(path) else max_text
            fault = _text_fault(value, limit)
            if fault is not None:
                problems.append(_read_problem(path, fault))
        elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > max_bits:
            problems.append(_limit_problem(path, "number-too-long", limits.MAX_NUMBER_DIGITS))
    return problems



def _is_photo(path: str) -> bool:
    return path == "$.person.photo"



def _decode(raw: bytes) -> str:
    """Bytes as text: UTF-8 (with or without a byte order mark) or UTF-16/32 with one."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if raw.startswith(bom):
            raw, encoding = raw[len(bom) :], codec
            break
    else:
        encoding = "utf-8"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        name = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1]
        kind = _DECODING_REASONS.get(exc.reason)
        if kind is None:  # a reason this release does not know: as Python gives it, untranslated
            raise LoadError([Problem("$", f"not {name} text: {exc.reason} at byte {exc.start}")]) from None
        raise LoadError([_read_problem("$", (kind, {"encoding": name, "byte": str(exc.start)}))]) from None


#: Python's UTF-8/16/32 decoders' reasons, each with its catalogue entry (``validation.read.*``).
_DECODING_REASONS = {
    "invalid start byte": "not-unicode.invalid-start-byte",
    "invalid continuation byte": "not-unicode.invalid-continuation-byte",
    "unexpected end of data": "not-unicode.truncated",
    "truncated data": "not-unicode.truncated",
    "illegal encoding": "not-unicode.surrogate",
    "illegal UTF-16 surrogate": "not-unicode.surrogate",
    "code point in surrogate code point range(0xd800, 0xe000)": "not-unicode.surrogate",
    "code point not in range(0x110000)": "not-unicode.out-of-range",
}



class _YamlRefused(ValueError):
    """A YAML document outside what a passport may be, with the problems found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("refused")
        self.problems = problems


# The tags of YAML's core schema, which mean what JSON means; anything else (!!binary,
# !!timestamp, !!set, !!python/…) has no place in a passport.
_YAML = "tag:yaml.org,2002:"
_CORE_TAGS = frozenset(_YAML + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))
_SCALAR_TAGS = frozenset(_YAML + name for name in ("int", "float", "bool", "null"))


def _yaml_check(loader: Any, root: Any) -> None:
    """Refuse a composed YAML document before it is built into Python objects.

    Counts every value as it would be after aliases are expanded (memoised per node, so
    a 30 KB alias bomb is measured in microseconds, not built), and checks tags, that
    keys are text, and that a tagged value fits its tag (``!!int abc``).
    """
    import yaml

    problems: list[Problem] = []

    def where(node: Any) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    sizes: dict[int, int] = {}
    # Iterative post-order walk over the node graph: (node, path, depth, children done).
    stack: list[tuple[Any, str, int, bool]] = [(root, "$", 0, False)]
    on_path: set[int] = set()
    while stack:
        node, path, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            if isinstance(node, yaml.MappingNode):
                sizes[key] = 1 + sum(sizes.get(id(k), 1) + sizes.get(id(v), 1) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                sizes[key] = 1 + sum(sizes.get(id(item), 1) for item in node.value)
            else:
                sizes[key] = 1
            if sizes[key] > limits.MAX_VALUES:
                raise _YamlRefused([_limit_problem("$", "too-many-values-aliases", limits.MAX_VALUES)])
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise _YamlRefused([_read_problem(path, ("yaml.recursive-alias", {}), *where(node))])
        if node.tag not in _CORE_TAGS and node.tag != _YAML + "merge":
            problems.append(_read_problem(path, ("yaml.tag", {}), *where(node)))
            sizes[key] = 1
            continue
        if isinstance(node, yaml.ScalarNode):
            if node.tag in _SCALAR_TAGS:
                implicit = loader.resolve(yaml.ScalarNode, node.value, (True, False))
                if implicit != node.tag and not (node.tag == _YAML + "float" and implicit == _YAML + "int"):
                    problems.append(_read_problem(path, ("yaml.tag-mismatch", {"tag": node.tag[len(_YAML):]}),
                                                  *where(node)))
            if node.tag == _YAML + "int" and len(node.value) > limits.MAX_NUMBER_DIGITS + 2:
                problems.append(_limit_problem(path, "number-too-long", limits.MAX_NUMBER_DIGITS, *where(node)))
            sizes[key] = 1
            continue
        if depth >= limits.MAX_DEPTH:
            raise _YamlRefused([_deep_problem(path, *where(node))])
        on_path.add(key)
        stack.append((node, path, depth, True))
        if isinstance(node, yaml.SequenceNode):
            if len(node.value) > limits.MAX_LIST_LENGTH:
                problems.append(_limit_problem(path, "list-too-long", limits.MAX_LIST_LENGTH, *where(node)))
                continue
            stack.extend((item, f"{path}[{index}]", depth + 1, False) for index, item in enumerate(node.value))
        else:
            for key_node, value_node in node.value:
                if key_node.tag == _YAML + "merge":
                    stack.append((value_node, path, depth + 1, False))
                    continue
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _YAML + "str":
                    kind = "a list or an object" if not isinstance(key_node, yaml.ScalarNode) else (
                        "null" if key_node.tag == _YAML + "null" else
                        "true/false" if key_node.tag == _YAML + "bool" else
                        "a number" if key_node.tag in (_YAML + "int", _YAML + "float") else None)
                    fault: Fault = ("yaml.key-not-text", {"key_type": kind}) if kind is not None else \
                        ("yaml.key-not-text-other", {})
                    problems.append(_read_problem(path, fault, *where(key_node)))
                    continue
                stack.append((value_node, child_path(path, key_node.value), depth + 1, False))
        if len(problems) > limits.MAX_PROBLEMS:
            break
    if problems:
        raise _YamlRefused(problems)


class _TextLoader:
    """YAML loading without timestamp resolution: dates stay text, as in JSON.

    Only YAML's core schema (the values JSON has) is read; each document is checked
    (tags, keys, size after alias expansion, depth) before it is built.
    """

    _loader: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._loader is None:
            import yaml

            class Loader(yaml.SafeLoader):
                def construct_document(self, node: Any) -> Any:
                    _yaml_check(self, node)
                    return super().construct_document(node)

                def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                    # PyYAML keeps the last of two equal keys: a list written twice
                    # would lose the first one's medicines without a word.
                    seen: set[Any] = set()
                    for key_node, _ in node.value:
                        if key_node.tag == "tag:yaml.org,2002:merge":
                            continue
                        key = self.construct_object(key_node, deep=deep)
                        if isinstance(key, str) and key in seen:
                            error = yaml.constructor.ConstructorError(
                                None, None, _duplicate_message(key), key_node.start_mark
                            )
                            error.duplicate_key = key  # type: ignore[attr-defined]
                            raise error
                        seen.add(key)
                    return super().construct_mapping(node, deep=deep)

            Loader.yaml_implicit_resolvers = {
                key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
                for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
            }
            cls._loader = Loader
        return cls._loader


class _TextDumper:
    """YAML writing that keeps every character of the text through a round trip."""

    _dumper: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._dumper is None:
            import yaml

            class Dumper(yaml.SafeDumper):
                pass

            def represent_str(dumper: Any, data: str) -> Any:
                # PyYAML writes NEL, LS and PS raw in plain and single-quoted text and
                # reads them back as line breaks folded to spaces; double quotes escape them.
                style = '"' if any(char in data for char in "\x85\u2028\u2029") else None
                return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

            Dumper.add_representer(str, represent_str)
            cls._dumper = Dumper
        return cls._dumper


def _import_yaml() -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - depends on the extra being installed
        raise LoadError([_read_problem("$", ("yaml-needed", {}))]) from None
    return yaml


def _duplicate_message(key: str) -> str:
    return f"the key {key!r} appears twice in one object; merge them into one (only the last would be kept)"


def _duplicate_problem(key: str, format: Format, line: int | None = None, column: int | None = None) -> Problem:
    # A key is a field name, but one written twice may be anything, of any length: at most 80 characters.
    shown = repr(key if len(key) <= 80 else key[:80] + "…")
    return _read_problem("$", (f"{format}.duplicate-key", {"key": shown}), line, column)


class _DuplicateKeyError(ValueError):
    """A JSON object with the same key twice, which JSON parsers resolve silently."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


class _NumberTooLong(ValueError):
    """A JSON number with more digits than any passport value has."""


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > limits.MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text[:0])
    return int(text)


def _parse_constant(name: str) -> float:
    # Python's json reads NaN and Infinity, which are not JSON.
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


#: The JSON parsers' descriptions of a syntax error (Python's json, and orjson's when it
#: is installed), each with the catalogue entry that says it in every language; a
#: description not listed is given as the parser wrote it, marked as not translated.
_JSON_SYNTAX = {
    "Expecting value": "validation.read.json.expected-value",
    "unexpected character, expected a JSON value": "validation.read.json.expected-value",
    "Expecting property name enclosed in double quotes": "validation.read.json.expected-key",
    "unexpected character, expected a string key": "validation.read.json.expected-key",
    "Expecting ':' delimiter": "validation.read.json.expected-colon",
    "unexpected character, expected ':' after key": "validation.read.json.expected-colon",
    "Expecting ',' delimiter": "validation.read.json.expected-comma",
    "unexpected character, expected ',' or ']'": "validation.read.json.expected-comma",
    "unexpected character, expected ',' or '}'": "validation.read.json.expected-comma",
    "Extra data": "validation.read.json.extra-data",
    "unexpected content after document": "validation.read.json.extra-data",
    "Unterminated string starting at": "validation.read.json.unterminated-string",
    "unexpected end of data": "validation.read.json.unexpected-end",
    "Invalid control character at": "validation.read.json.control-character",
    "unexpected control character in string": "validation.read.json.control-character",
    "Invalid \\escape": "validation.read.json.invalid-escape",
    "invalid escaped sequence in string": "validation.read.json.invalid-escape",
    "invalid escape in string": "validation.read.json.invalid-escape",
    "Invalid \\uXXXX escape": "validation.read.json.invalid-unicode-escape",
    "Illegal trailing comma before end of object": "validation.read.json.trailing-comma",
    "Illegal trailing comma before end of array": "validation.read.json.trailing-comma",
    "trailing comma is not allowed": "validation.read.json.trailing-comma",
    "invalid literal, expected 'true'": "validation.read.json.invalid-literal",
    "invalid literal, expected 'false'": "validation.read.json.invalid-literal",
    "invalid literal, expected 'null'": "validation.read.json.invalid-literal",
    "no digit after sign": "validation.read.json.number-no-digit",
    "no digit after decimal point": "validation.read.json.number-no-digit",
    "no digit after exponent sign": "validation.read.json.number-no-digit",
    "number with leading zero is not allowed": "validation.read.json.number-leading-zero",
    "Input is a zero-length, empty document": "validation.read.json.empty",
}
#: The same for descriptions that end with what they found (Python's pure-Python scanner).
_JSON_SYNTAX_STARTS = {
    "Invalid control character ": "validation.read.json.control-character",
    "Invalid \\escape: ": "validation.read.json.invalid-escape",
}
_NOT_A_JSON_VALUE = re.compile(r"^(NaN|-?Infinity) is not a JSON value$")


def _json_syntax_problem(text: str, exc: json.JSONDecodeError) -> Problem:
    """A JSON syntax error said from the catalogue, or as the parser wrote it, untranslated."""
    arguments: dict[str, str] = {}
    message_id: str | None
    if not text.strip():
        message_id = "validation.read.json.empty"
    elif (constant := _NOT_A_JSON_VALUE.match(exc.msg)) is not None:
        message_id, arguments = "validation.read.json.not-a-value", {"name": constant.group(1)}
    else:
        message_id = _JSON_SYNTAX.get(exc.msg) or next(
            (found for start, found in _JSON_SYNTAX_STARTS.items() if exc.msg.startswith(start)), None)
    if message_id is None:
        return Problem("$", f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)
    return Problem("$", core_text(message_id, **arguments), exc.lineno, exc.colno, message_id=message_id,
                   arguments=arguments)


#: PyYAML's descriptions of a syntax error (a pattern of its ``problem``), each with the
#: catalogue entry that says it in every language; what a description quotes of the
#: document (a character) is given as its code point, never as it is.
_YAML_PATTERNS = (
    (r"^mapping values are not allowed here$", "validation.read.yaml.mapping-values"),
    (r"^could not find expected ':'$", "validation.read.yaml.expected-colon"),
    (r"^found character '\\t' that cannot start any token$", "validation.read.yaml.tab"),
    (r"^found character (.+) that cannot start any token$", "validation.read.yaml.bad-character"),
    (r"^found undefined alias ", "validation.read.yaml.undefined-alias"),
    (r"^found unknown escape character ", "validation.read.yaml.unknown-escape"),
    (r"^found unexpected end of stream$", "validation.read.yaml.unclosed-quote"),
    (r"^expected <block end>, but found ", "validation.read.yaml.indentation"),
    (r"^invalid indentation or unclosed '\[' or '\{'$", "validation.read.yaml.indentation-or-unclosed"),
    (r"^expected ',' or '\]', but got ", "validation.read.yaml.expected-comma-or-bracket"),
    (r"^expected ',' or '\}', but got ", "validation.read.yaml.expected-comma-or-brace"),
    (r"^expected the node content, but found ", "validation.read.yaml.expected-value"),
    (r"^(block )?sequence entries are not allowed here$", "validation.read.yaml.sequence-entries"),
    (r"^but found another document$", "validation.read.yaml.several-documents"),
)
_YAML_SYNTAX = tuple((re.compile(pattern), message_id) for pattern, message_id in _YAML_PATTERNS)


def _code_point(quoted: str) -> str:
    """``U+0040`` for the repr of a one-character string PyYAML quotes (``'@'``), else ``?``."""
    import ast

    try:
        char = ast.literal_eval(quoted)
    except (ValueError, SyntaxError):
        return "?"
    return f"U+{ord(char):04X}" if isinstance(char, str) and len(char) == 1 else "?"


def _yaml_syntax_problem(exc: Any) -> Problem:
    """A YAML syntax error said from the catalogue, or as PyYAML wrote it, untranslated."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    key = getattr(exc, "duplicate_key", None)
    if isinstance(key, str):
        return _duplicate_problem(key, "yaml", line, column)
    character = getattr(exc, "character", None)  # a ReaderError: a character YAML does not allow
    if getattr(exc, "reason", None) == "special characters are not allowed" and character is not None:
        code = character if isinstance(character, int) else ord(character[:1] or "?")
        return _read_problem("$", ("yaml.unacceptable-character", {"character": f"U+{code:04X}"}))
    problem = getattr(exc, "problem", None) or str(exc)
    for pattern, message_id in _YAML_SYNTAX:
        found = pattern.match(str(problem))
        if found is not None:
            arguments = {"character": _code_point(found.group(1))} if pattern.groups == 1 and \
                message_id.endswith("bad-character") else {}
            return Problem("$", core_text(message_id, **arguments), line, column, message_id=message_id,
                           arguments=arguments)
    return Problem("$", f"not valid YAML: {problem}", line, column)


def _has_huge_float(data: Any) -> bool:
    """Whether parsed JSON holds a float beyond a 64-bit integer's range (2**63)."""
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif kind is float and not -9.2e18 < value < 9.2e18:
            return True
    return False


@functools.lru_cache(maxsize=1)
def _json_loads() -> Callable[[str], Any]:
    """orjson's parser when it is installed (``rarepassport[fast]``), else the standard one.

    Both refuse an object with a key written twice (raising ``_DuplicateKeyError``):
    parsers keep the last value, and a list written twice would lose the first one's
    medicines without a word.
    """
    standard = functools.partial(
        json.loads, object_pairs_hook=_no_duplicates, parse_int=_parse_int, parse_constant=_parse_constant
    )
    try:
        import orjson
    except ImportError:
        return standard

    def loads(text: str) -> Any:
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            if "surrogate" in exc.msg:
                raise _LoneSurrogate from None
            raise
        try:
            written = orjson.dumps(data)
        except orjson.JSONEncodeError:
            # Nested deeper than orjson writes (255 levels; it reads 1,024): the standard
            # parser reads it, and the depth limit refuses it with its path.
            return standard(text)
        if _may_hide_a_key(text.count(":"), written, "\\u003" in text):
            standard(text)
        # orjson reads a whole number beyond 64 bits as a rounded float; the standard
        # parser keeps it exact or refuses it (MAX_NUMBER_DIGITS). Only texts holding a
        # number that large (or a float written as one) are read again.
        if _has_huge_float(data):
            return standard(text)
        return data

    return loads


def _may_hide_a_key(colons: int, written: bytes, escaped_colon: bool) -> bool:
    """Whether a JSON text may have had a key written twice, which its parse dropped.

    The text has one ':' per key written plus those inside strings; the parsed document
    written back has the same, less those of every key it dropped. A colon written as an
    escape (``\\u003a``) is one the text lacks and the document has, so it could hide a
    dropped key: such texts are parsed again, slowly, as are those with fewer colons.
    """
    return escaped_colon or colons > _colons(written)


def _colons(data: bytes) -> int:
    """How many ``:`` bytes ``data`` holds: what ``data.count(b":")`` says, counted by
    `bytes.replace`, which CPython runs with memchr (on the 19 KB example, 11 µs against
    26 µs for `bytes.count`)."""
    return len(data) - len(data.replace(b":", b""))


#: What orjson writes for a character `check_tree` refuses in a text: an escape other
#: than newline, tab, quote and backslash (``\\b``, ``\\f``, ``\\r``, ``\\u00XX``: the C0
#: controls) once escaped backslashes are taken out, DEL, and the UTF-8 of a C1 control.
_WRITTEN_ESCAPE = re.compile(rb"\\[bfru]")
_WRITTEN_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_WRITTEN_OVERRIDE = re.compile(rb"\xe2\x80[\xad\xae]")


def _written_control(written: bytes) -> bool:
    if b"\x7f" in written or (b"\xc2" in written and _WRITTEN_C1.search(written) is not None):
        return True
    # A bidirectional override, LRO or RLO, in UTF-8 (E2 80 AD, E2 80 AE). A search for
    # one byte runs with memchr; one for several bytes costs 25-45 µs on the 19 KB
    # example even when absent, so it runs only when every byte of an override is there.
    if b"\xe2" in written and (b"\xad" in written or b"\xae" in written) and \
            _WRITTEN_OVERRIDE.search(written) is not None:
        return True
    # Left to right, a pair of backslashes is one escaped backslash; what is left of a
    # run of them starts the next escape.
    return b"\\" in written and _WRITTEN_ESCAPE.search(written.replace(b"\\\\", b"")) is not None


#: What `_parse_tree_unwalked` knows of a
#: tree: it passes [`check_tree`][rarepassport.formats.check_tree] (``"checked"``), it
#: does once its depth, keys and floats are shown to be within the limits
#: (``"walk-left"``), or nothing (``"unchecked"``).
_TreeCheck = Literal["checked", "walk-left", "unchecked"]


def _read_json_fast(raw: bytes, walk: bool = True) -> tuple[Any, _TreeCheck] | None:
    """UTF-8 JSON bytes parsed by orjson, and how far the tree is known to pass `check_tree`.

    ``None`` when orjson is not installed, or the bytes hold anything the standard path
    must look at: what orjson refuses (its messages differ, so the slow path says why),
    a key that may be written twice, a whole number beyond 64 bits (orjson rounds it).
    With ``walk`` false, a document whose texts, sizes and counts are known to be fine
    is given as ``"walk-left"`` without the walk of its depth, keys and floats.
    """
    try:
        import orjson
    except ImportError:
        return None
    try:
        data = orjson.loads(raw)
        written = orjson.dumps(data)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return None
    # (A backslash is found at C speed; most documents have none, so no escape to look for.)
    if _may_hide_a_key(_colons(raw), written, b"\\" in raw and b"\\u003" in raw):
        return None
    if not walk and type(data) is dict and _orjson_texts_fine(written, len(raw)):
        return data, "walk-left"
    if _orjson_tree_fine(data, written, len(raw)):
        return data, "checked"
    if _has_huge_float(data):
        return None
    return data, "unchecked"


def _orjson_texts_fine(written: bytes, size: int) -> bool:
    """Whether everything of `check_tree` but the depth, the keys and the floats is
    surely fine in a document orjson read from ``size`` bytes and wrote as ``written``:
    no text holds a refused character, and the size bounds every text, list and count."""
    return not (
        size > limits.MAX_STRING_LENGTH or size > limits.MAX_VALUES or size > 2 * limits.MAX_LIST_LENGTH
        or int(limits.MAX_NUMBER_DIGITS * 3.33) + 1 < 64 or _written_control(written)
    )


def _orjson_tree_fine(data: Any, written: bytes, size: int) -> bool:
    """Whether a document orjson read from ``size`` bytes, and wrote as ``written``, is
    surely within every check of [`check_tree`][rarepassport.formats.check_tree].

    orjson's output tells at once whether any text holds a character the check refuses,
    and a document of ``size`` bytes cannot hold a text, a list or a count of values
    larger than that; what is left to walk is the depth, the keys and the floats (a
    float beyond 2**63 may be a whole number orjson rounded). Anything unusual answers
    False, and the general check looks again.
    """
    if not _orjson_texts_fine(written, size):
        return _looks_fine(data) and not _has_huge_float(data)
    if type(data) is dict:
        dicts: list[Any] = [data]
        lists: list[Any] = []
    elif type(data) is list:
        dicts, lists = [], [data]
    else:
        return False
    bad_key = _BAD_KEY_CHARACTERS.search
    # Level by level, each level at once (one join of its keys, one list of its values,
    # one set of their types): the depth of a level is the depth of every container in
    # it.
    depth = 0
    while dicts or lists:
        if depth >= limits.MAX_DEPTH:
            return False
        if dicts:
            keys = "".join(_chain(dicts))
            if not keys.isprintable() and bad_key(keys):
                return False
            if len(keys) > 200 and max(map(len, _chain(dicts))) > 200:
                return False
            values = [*_chain(map(dict.values, dicts)), *_chain(lists)]
        else:
            values = list(_chain(lists))
        kinds = set(map(type, values))
        if kinds <= _JSON_SCALARS:
            break
        if not kinds <= _JSON_TYPES:
            return False
        if float in kinds and not all(-9.2e18 < number < 9.2e18 for number in filter(_IS_FLOAT, values)):
            return False
        dicts = [value for value in values if type(value) is dict] if dict in kinds else []
        lists = [value for value in values if type(value) is list] if list in kinds else []
        depth += 1
    return True


_chain = itertools.chain.from_iterable
_JSON_SCALARS = frozenset((str, int, bool, type(None)))
_JSON_TYPES = _JSON_SCALARS | {dict, list, float}
_IS_FLOAT = functools.partial(type.__instancecheck__, float)


class _LoneSurrogate(ValueError):
    """A JSON text escaping half of a UTF-16 surrogate pair (``"\\ud800"``)."""


#: The English of the limits' problems (the same text as their ``validation.read.*`` entries).
_LIMIT_MESSAGES = {
    "too-many-values": "the document has more than {limit} values (see rarepassport.limits)",
    "too-many-values-aliases": "the document has more than {limit} values once its aliases are expanded "
                               "(see rarepassport.limits)",
    "list-too-long": "a list of more than {limit} items (see rarepassport.limits)",
    "number-too-long": "a number of more than {limit} digits (see rarepassport.limits)",
    "number-too-large": "a number of more than {limit} digits, or too large (see rarepassport.limits)",
    "too-deep": "nested too deeply: more than {limit} levels (see rarepassport.limits)",
}


def _limit_problem(path: str, kind: str, limit: int, line: int | None = None, column: int | None = None) -> Problem:
    """A problem of a limit of rarepassport.limits, with its catalogue id (``validation.read.<kind>``)."""
    return Problem(path, _LIMIT_MESSAGES[kind].format(limit=limit), line, column,
                   message_id=f"validation.read.{kind}", arguments={"limit": str(limit)})


def _deep_problem(path: str, line: int | None = None, column: int | None = None) -> Problem:
    return _limit_problem(path, "too-deep", limits.MAX_DEPTH, line, column)


def _number_too_long() -> LoadError:
    return LoadError([_limit_problem("$", "number-too-large", limits.MAX_NUMBER_DIGITS)])


def _too_deep() -> LoadError:
    return LoadError([_deep_problem("$")])


def parse_tree(text: str | bytes, format: Format) -> tuple[Any, bool]:
    """`parse_text`, and whether the tree is known to pass [`check_tree`][rarepassport.formats.check_tree].

    UTF-8 JSON bytes are read by orjson (when installed) and checked in the same pass;
    anything out of the ordinary goes the general way, whose errors are the ones
    `parse_text` gives.
    """
    data, known = _parse_tree(text, format, walk=True)
    return data, known == "checked"


def _parse_tree_unwalked(text: str | bytes, format: Format) -> tuple[Any, _TreeCheck]:
    """[`parse_tree`][rarepassport.formats.parse_tree], leaving out the walk of a JSON
    document's depth, keys and floats when everything else is known to be fine
    (``"walk-left"``): a reader that accepts only field names as keys, scalars where its
    hooks read, and records nested less deeply than the limit proves the rest
    (`rarepassport.convert.loads`); one that does not must call
    [`check_tree`][rarepassport.formats.check_tree]."""
    return _parse_tree(text, format, walk=False)


def _parse_tree(text: str | bytes, format: Format, *, walk: bool) -> tuple[Any, _TreeCheck]:
    if format == "json" and type(text) is bytes and len(text) <= limits.MAX_FILE_BYTES:
        fast = _read_json_fast(text, walk)
        if fast is not None:
            return fast
    return _parse(text, format), "unchecked"


def _parse(text: str | bytes, format: Format) -> Any:
    if format not in ("json", "yaml"):
        raise PassportError(f"unknown format {format!r}; use 'json' or 'yaml'")
    if isinstance(text, bytes):
        text = _decode(text)
    elif not isinstance(text, str):
        raise TypeError(f"expected JSON or YAML text (str or bytes), got {type(text).__name__}")
    if len(text) > limits.MAX_FILE_BYTES:
        raise LoadError([Problem("$", f"the document is larger than {limits.MAX_FILE_BYTES} bytes "
                                      "(see rarepassport.limits)", message_id="validation.read.too-large",
                                 arguments={"limit": str(limits.MAX_FILE_BYTES)})])
    if format == "yaml":
        yaml = _import_yaml()
        try:
            return yaml.load(text, Loader=_TextLoader.get())
        except _YamlRefused as exc:
            raise LoadError(exc.problems) from None
        except RecursionError:
            raise _too_deep() from None
        except yaml.YAMLError as exc:
            raise LoadError([_yaml_syntax_problem(exc)]) from None
        except (ValueError, TypeError, OverflowError):
            # A value PyYAML's constructors cannot build; the checks above should have
            # named it, this keeps anything they missed from being a traceback.
            raise LoadError([_read_problem("$", ("yaml.unreadable-value", {}))]) from None
    try:
        data = _json_loads()(text)
    except json.JSONDecodeError as exc:  # orjson's error is a subclass, with line and column too
        if "depth" in exc.msg:
            raise _too_deep() from None
        if "infinity" in exc.msg:  # orjson: a number too large for a float
            raise _number_too_long() from None
        raise LoadError([_json_syntax_problem(text, exc)]) from None
    except RecursionError:
        raise _too_deep() from None
    except _LoneSurrogate:
        raise LoadError([_read_problem("$", ("json.lone-surrogate", {}))]) from None
    except _NumberTooLong:
        raise _number_too_long() from None
    except _DuplicateKeyError as exc:
        key = exc.args[0] if isinstance(exc.args[0], str) else "?"
        raise LoadError([_duplicate_problem(key, "json")]) from None
    return data




def parse_text(text: str | bytes, format: Format) -> Any:
    """JSON or YAML text (or bytes, decoded) as plain data, checked as above.

    Raises:
        LoadError: For text that is not valid, or breaks a limit; each problem has a path.
        PassportError: For an unknown ``format``.
        TypeError: When ``text`` is neither ``str`` nor ``bytes``.
    """
    return _parse(text, format)


def dump_text(data: Any, format: Format) -> str:
    """Plain data as canonical JSON (two-space indents, UTF-8 kept) or YAML text."""
    if format == "yaml":
        yaml = _import_yaml()
        text: str = yaml.dump(data, Dumper=_TextDumper.get(), allow_unicode=True, sort_keys=False, width=100)
        return text
    try:
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    except ValueError:
        raise PassportError(Message(
            "error.format.not-finite",
            "the passport holds a number that is not finite (NaN or infinity), which JSON cannot write",
        )) from None


def format_for(path: str | os.PathLike[str]) -> Format:
    """The format a file name implies: ``yaml`` for ``.yaml``/``.yml``, else ``json``."""
    return "yaml" if Path(path).suffix.lower() in (".yaml", ".yml") else "json"


def decode(raw: bytes) -> str:
    """Bytes as text: UTF-8 (with or without a byte order mark) or UTF-16/32 with one."""
    return _decode(raw)


def text_problem(text: str, limit: int) -> str | None:
    """What is wrong with one text value (control characters, lone surrogates, length), or ``None``."""
    return _text_problem(text, limit)
