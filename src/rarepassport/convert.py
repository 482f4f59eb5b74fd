"""Reading and writing passports: JSON and YAML text, dicts and files.

One cattrs converter per plugin manager, built once, turns documents into model objects
and back. Reading gathers *every* problem before it fails, each with its JSON path;
writing is canonical (defaults and empty lists left out, keys in model order) and
atomic (a temporary file renamed into place), so a failed write never leaves a
half-written passport behind.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import enum
import errno
import functools
import json
import math
import os
import re
import signal
import stat
import tempfile
import threading
import types
import typing
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from rarepassport import limits
from rarepassport._dates import PartialDate, parse_date
from rarepassport.errors import LoadError, PassportError, Problem
from rarepassport.model import SCHEMA_VERSION, Passport

if TYPE_CHECKING:
    from rarepassport._plugins import PluginManager, SectionRegistry

__all__ = [
    "Format",
    "check_built_passport",
    "check_tree",
    "dump",
    "dumps",
    "dumps_document",
    "from_dict",
    "load",
    "loads",
    "make_converter",
    "parse_document",
    "read_input",
    "to_dict",
    "write_atomic",
]

#: A text format a passport can be written in.
Format = Literal["json", "yaml"]

# Misspellings and synonyms people are likely to write, with the field they meant.
# difflib finds typos; these find the words that look nothing like the field name.
_SYNONYMS: dict[str, str] = {
    "nickname": "preferred_name",
    "known_as": "preferred_name",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "birthdate": "date_of_birth",
    "gender": "sex",
    "nhs_number": "identifiers",
    "telephone": "phone",
    "mobile": "phone",
    "meds": "medications",
    "drugs": "medications",
    "conditions": "diagnoses",
    "diagnosis": "diagnoses",
    "allergy": "allergies",
    "doctors": "care_team",
    "team": "care_team",
    "emergency_contacts": "contacts",
    "dose_instructions": "dose",
    "description": "summary",
}

#: Older document versions and the function that brings each one up to date.
#: Each takes and returns a dict; they are applied in order until SCHEMA_VERSION.
MIGRATIONS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {}


# --- strict scalar hooks ------------------------------------------------------------
# cattrs would happily turn 42 into "42" or "no" into True; a passport must not.


def _type_name(value: object) -> str:
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


def _structure_str(value: object, cls: type) -> str:
    if cls is not str:
        member: str = _structure_enum(value, cls)
        return member
    if not isinstance(value, str):
        # YAML reads unquoted codes and phone numbers (code: 130020) as numbers.
        hint = "; write it in quotes" if _type_name(value) == "a number" else ""
        raise TypeError(f"expected text, got {_type_name(value)}{hint}")
    return value


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {_type_name(value)}")
    return value


def _structure_int(value: object, cls: type) -> int:
    if cls is not int:
        member: int = _structure_enum(value, cls)
        return member
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, got {_type_name(value)}")
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {_type_name(value)}")
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return float(value)


def _structure_date(value: object, _: type) -> _dt.date:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise TypeError('expected a date written as YYYY-MM-DD, e.g. "2015-03-02", got a number')
    return parse_date(_structure_str(value, str))


def _structure_partial_date(value: object, _: type) -> PartialDate:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # YAML reads an unquoted year (diagnosed_on: 2016) as a number.
        raise TypeError(
            "expected a date written as YYYY, YYYY-MM or YYYY-MM-DD, got a number; "
            'write it as text, e.g. "2016" (in YAML, put it in quotes)'
        )
    return PartialDate.parse(_structure_str(value, str))


def _is_enum(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, enum.Enum)


@functools.cache
def _enum_values(cls: type[enum.Enum]) -> tuple[dict[Any, enum.Enum], str]:
    by_value = {member.value: member for member in cls}
    return by_value, ", ".join(repr(value) for value in by_value)


def _structure_enum(value: Any, cls: Any) -> Any:
    by_value, allowed = _enum_values(cls)
    try:
        return by_value[value]
    except (KeyError, TypeError):
        raise ValueError(f"not an allowed value; use one of {allowed}{_closest_value(value, by_value)}") from None


def _closest_value(value: object, by_value: Mapping[Any, enum.Enum]) -> str:
    # "Emergency", "intolerence", "next of kin": suggest the allowed word. Only an
    # allowed value is ever quoted back, never what the passport says.
    if not isinstance(value, str):
        return ""
    words = [str(allowed) for allowed in by_value]
    typed = value.strip().lower().replace(" ", "-").replace("_", "-")
    if typed in words:
        return f"; did you mean {typed!r}?"
    close = difflib.get_close_matches(typed, words, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def _enum_hook(cls: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    return _structure_enum


def _unstructure_str(value: str) -> str:
    # Our enums subclass str, and cattrs dispatches on the MRO first, so enum members
    # arrive here; write their plain value, which yaml.safe_dump can represent.
    return str(value.value) if isinstance(value, enum.Enum) else value


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = typing.get_args(cls)
    origin = typing.get_origin(cls)
    return (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or (origin is list and len(args) == 1)


def _is_optional(cls: Any) -> bool:
    args = typing.get_args(cls)
    return len(args) == 2 and type(None) in args and typing.get_origin(cls) in (typing.Union, types.UnionType)


def _is_attrs_class(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls)


def make_converter(sections: SectionRegistry) -> cattrs.Converter:
    """Build the converter for passports with these plugin sections.

    Usually you want :attr:`PluginManager.converter`, which builds it once.
    """
    converter = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True, detailed_validation=True)
    # cattrs dispatches on the MRO first, so these hooks also receive str- and
    # int-valued enums; they hand those to the enum hook.
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(_dt.date, _structure_date)
    converter.register_unstructure_hook(_dt.date, _dt.date.isoformat)
    converter.register_structure_hook(PartialDate, _structure_partial_date)
    converter.register_unstructure_hook(PartialDate, PartialDate.isoformat)
    converter.register_structure_hook_factory(_is_enum, _enum_hook)
    converter.register_unstructure_hook(str, _unstructure_str)

    def tuple_hook(cls: Any) -> Callable[[object, type], Sequence[Any]]:
        item_type = typing.get_args(cls)[0]
        item_hook = converter.get_structure_hook(item_type)
        make = list if typing.get_origin(cls) is list else tuple

        def structure(value: object, _: type) -> Sequence[Any]:
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"expected a list, got {_type_name(value)}")
            items, errors = [], []
            for index, item in enumerate(value):
                try:
                    items.append(item_hook(item, item_type))
                except Exception as exc:  # noqa: BLE001 - gathered and re-raised as one group
                    _add_note(exc, [cattrs.IterableValidationNote(f"item {index}", index, item_type)])
                    errors.append(exc)
            if errors:
                raise IterableValidationError("while reading a list", errors, cls)
            return make(items)

        return structure

    converter.register_structure_hook_factory(_is_homogeneous_tuple, tuple_hook)

    def optional_hook(cls: Any) -> Callable[[object, type], Any]:
        # cattrs' generic Optional handling looks the inner hook up on every call;
        # passports are mostly optional fields, so resolve it once.
        inner_type = next(arg for arg in typing.get_args(cls) if arg is not type(None))
        if inner_type is str:

            def structure_text(value: object, _: type) -> str | None:
                if value is None or type(value) is str:
                    return value
                return _structure_str(value, str)

            return structure_text
        inner = converter.get_structure_hook(inner_type)

        def structure(value: object, _: type) -> Any:
            return None if value is None else inner(value, inner_type)

        return structure

    converter.register_structure_hook_factory(_is_optional, optional_hook)

    def extensions_structure(value: object, _: type) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {_type_name(value)}")
        result: dict[str, Any] = {}
        errors: list[Exception] = []
        for key, data in value.items():
            if key not in sections:
                known = ", ".join(sections.ids()) or "none"
                exc: Exception = _UnknownExtension(
                    f"no installed plugin provides extension {key!r}; install the plugin "
                    f"that provides it, or remove the section (installed: {known})"
                )
                _add_note(exc, [cattrs.AttributeValidationNote(f"extension {key}", key, object)])
                errors.append(exc)
                continue
            cls = sections[key].cls
            try:
                result[key] = converter.structure(data, cls)
            except Exception as exc:  # noqa: BLE001 - gathered and re-raised as one group
                _add_note(exc, [cattrs.AttributeValidationNote(f"extension {key}", key, cls)])
                errors.append(exc)
        if errors:
            raise ClassValidationError("while reading extensions", errors, dict)
        return result

    def extensions_unstructure(value: Mapping[str, Any]) -> dict[str, Any]:
        return {
            key: converter.unstructure(data, unstructure_as=sections[key].cls if key in sections else None)
            for key, data in value.items()
        }

    def attrs_structure_hook(cls: type) -> Callable[[object, type], Any]:
        overrides: dict[str, Any] = {}
        if cls is Passport:
            overrides["extensions"] = override(struct_hook=extensions_structure)
        inner: Callable[..., Any] = make_dict_structure_fn(cls, converter, **overrides)

        def structure(value: object, _: type) -> Any:
            if not isinstance(value, dict):
                raise TypeError(f"expected an object, got {_type_name(value)}")
            return inner(value, cls)

        return structure

    def attrs_unstructure_hook(cls: type) -> Callable[[Any], dict[str, Any]]:
        overrides: dict[str, Any] = {}
        if cls is Passport:
            overrides["schema_version"] = override(omit_if_default=False)
            overrides["extensions"] = override(unstruct_hook=extensions_unstructure)
        inner: Callable[..., Any] = make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True, **overrides)
        # cattrs writes always-present fields first; the canonical form keeps the
        # model's order so that files read like the documentation.
        order = [field.name for field in attrs.fields(cls)]
        always = [
            field.name
            for field in attrs.fields(cls)
            if field.default is attrs.NOTHING
            or (
                overrides.get(field.name) is not None
                and getattr(overrides[field.name], "omit_if_default", None) is False
            )
        ]
        if order[: len(always)] == always:
            return inner

        def unstructure(value: Any) -> dict[str, Any]:
            data = inner(value)
            return {name: data[name] for name in order if name in data}

        return unstructure

    converter.register_structure_hook_factory(_is_attrs_class, attrs_structure_hook)
    converter.register_unstructure_hook_factory(_is_attrs_class, attrs_unstructure_hook)
    return converter


def _add_note(exc: BaseException, notes: list[Any]) -> None:
    # cattrs reads the path of a nested failure from the exception's notes.
    setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), *notes])  # noqa: B010 - __notes__ is 3.11+


class _UnknownExtension(ValueError):
    """An ``extensions`` key that no installed plugin registered."""


# --- turning cattrs' exception groups into problems with paths ------------------------------


def _did_you_mean(key: str, allowed: list[str]) -> str:
    if key in _SYNONYMS and _SYNONYMS[key] in allowed:
        return f"; did you mean {_SYNONYMS[key]!r}?"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _json_name(path: str) -> str:
    """The last key of a path, for messages: ``$.person`` → ``person``."""
    if path == "$":
        return "the passport"
    last = path.rsplit(".", 1)[-1]
    return last.split("[", 1)[0] if not last.startswith("[") else last


def _problems(exc: BaseException, path: str) -> list[Problem]:
    if isinstance(exc, ClassValidationError):
        problems = []
        with_notes, without_notes = exc.group_exceptions()
        for sub, note in with_notes:
            problems.extend(_problems(sub, f"{path}.{note.name}"))
        for sub in without_notes:
            problems.extend(_problems(sub, path))
        return problems
    if isinstance(exc, IterableValidationError):
        problems = []
        indexed, unindexed = exc.group_exceptions()
        for sub, index_note in indexed:
            problems.extend(_problems(sub, f"{path}[{index_note.index}]"))
        for sub in unindexed:
            problems.extend(_problems(sub, path))
        return problems
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = [field.name for field in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        return [
            Problem(
                path=child_path(path, key),
                message=f"unknown field {key!r} in {_json_name(path)}{_did_you_mean(key, allowed)}",
            )
            for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, KeyError):
        field = exc.args[0] if exc.args else "?"
        return [Problem(path=path, message=f"required field {field!r} is missing")]
    if isinstance(exc, (TypeError, ValueError)):
        return [Problem(path=path, message=str(exc))]
    return [Problem(path=path, message=f"{type(exc).__name__}: {exc}")]


# --- bounds and text checks, before any work -------------------------------------------------

# C0 controls other than tab and newline, DEL, C1 controls (ESC, BEL, BS, CR and CSI can
# rewrite what a terminal shows) and lone surrogates (which UTF-8 cannot carry, so every
# backend would fail on them later).
_BAD_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
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


def _text_problem(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"text longer than {limit} characters (see rarepassport.limits)"
    bad = _BAD_CHARACTERS.search(text)
    if bad is None:
        return None
    code = ord(bad.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"holds a lone surrogate (U+{code:04X}, at character {bad.start() + 1}), which is not text"
    return (
        f"holds the control character U+{code:04X} (at character {bad.start() + 1}); only "
        "newline and tab are allowed in text"
    )


_BAD_KEY_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _looks_fine(data: object) -> bool:
    """Whether ``data`` is surely within every check of :func:`check_tree`.

    The fast path of every load: plain types only, no paths built. Recursion is safe
    here because it stops at :data:`~rarepassport.limits.MAX_DEPTH`. Anything unusual
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

    return type(data) in (dict, list) and fine(data, 0) and count <= max_values


def _key_problem(key: str) -> str | None:
    # A newline or tab in a key would break a report's one-issue-per-line.
    for index, char in enumerate(key):
        if char in "\n\t":
            return f"holds the control character U+{ord(char):04X} (at character {index + 1}); a key is one line"
    return None


def check_tree(data: object, root: str = "$", *, long_text: Callable[[str], bool] | None = None) -> list[Problem]:
    """Problems with a parsed document's shape, found without recursion.

    Checks the limits of :mod:`rarepassport.limits` (depth, values, list length, text
    length, digits) and that keys are text and texts hold no control characters or lone
    surrogates. A self-referencing dict is stopped by the depth limit. Stops after
    :data:`~rarepassport.limits.MAX_PROBLEMS` problems.

    Args:
        data: The parsed document.
        root: The path of ``data`` itself.
        long_text: Paths whose text may be as long as a ``data:`` photo.
    """
    if _looks_fine(data):
        return []
    return _tree_problems(data, root, long_text)


def _tree_problems(data: object, root: str, long_text: Callable[[str], bool] | None) -> list[Problem]:
    """The slow path of :func:`check_tree`: every problem, each with its path."""
    problems: list[Problem] = []
    max_depth, max_values, max_list = limits.MAX_DEPTH, limits.MAX_VALUES, limits.MAX_LIST_LENGTH
    max_text, max_bits = limits.MAX_STRING_LENGTH, int(limits.MAX_NUMBER_DIGITS * 3.33) + 1
    values = 0
    stack: list[tuple[object, str, int]] = [(data, root, 0)]
    while stack and len(problems) <= limits.MAX_PROBLEMS:
        value, path, depth = stack.pop()
        values += 1
        if values > max_values:
            problems.append(Problem(root, f"the document has more than {max_values} values (see rarepassport.limits)"))
            break
        if isinstance(value, Mapping):
            if depth >= max_depth:
                problems.append(Problem(path, _deep_message()))
                continue
            children = []
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append(
                        Problem(path, f"a key of this object is {_type_name(key)}, not text; keys must be text "
                                "(in YAML, put the key in quotes)")
                    )
                    continue
                key_problem = _text_problem(key, 200) or _key_problem(key)
                if key_problem is not None:
                    problems.append(Problem(path, f"a key of this object {key_problem}"))
                    continue
                children.append((item, child_path(path, key), depth + 1))
            stack.extend(reversed(children))
        elif isinstance(value, (list, tuple)):
            if depth >= max_depth:
                problems.append(Problem(path, _deep_message()))
                continue
            if len(value) > max_list:
                problems.append(Problem(path, f"a list of more than {max_list} items (see rarepassport.limits)"))
                continue
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            limit = limits.photo_uri_length() if long_text is not None and long_text(path) else max_text
            problem = _text_problem(value, limit)
            if problem is not None:
                problems.append(Problem(path, problem))
        elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > max_bits:
            problems.append(
                Problem(path, f"a number of more than {limits.MAX_NUMBER_DIGITS} digits (see rarepassport.limits)")
            )
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
        raise LoadError([Problem("$", f"not {name} text: {exc.reason} at byte {exc.start}")]) from None


def read_input(path: str | os.PathLike[str], *, limit: int | None = None) -> bytes:
    """The bytes of an input file, refusing what is not a regular file or is too large.

    A device (``/dev/zero``), a FIFO or a socket is refused without reading from it
    (a FIFO is opened without waiting for a writer); a file larger than
    :data:`rarepassport.limits.MAX_FILE_BYTES` is refused before it is read.

    Raises:
        OSError: When the file cannot be read, is not a regular file or is too large;
            ``filename`` is the path given.
    """
    name = os.fspath(path)
    if isinstance(name, bytes) or "\x00" in name:
        raise OSError(errno.EINVAL, "the file name holds a NUL byte", "(file name)")
    most = limits.MAX_FILE_BYTES if limit is None else limit
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
            raise OSError(errno.EINVAL, f"not a regular file ({kind})", name)
        if info.st_size > most:
            raise OSError(errno.EFBIG, f"larger than {most} bytes (see rarepassport.limits)", name)
        chunks, size = [], 0
        while size <= most:
            chunk = os.read(fd, min(1 << 20, most + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > most:  # grew while being read
            raise OSError(errno.EFBIG, f"larger than {most} bytes (see rarepassport.limits)", name)
        return b"".join(chunks)
    finally:
        os.close(fd)


# --- public API -----------------------------------------------------------------------------


def _manager(plugins: PluginManager | None) -> PluginManager:
    if plugins is not None:
        return plugins
    from rarepassport._plugins import default_plugin_manager

    return default_plugin_manager()


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    if "schema_version" not in data:
        raise LoadError(
            [
                Problem(
                    "$.schema_version",
                    f'required field \'schema_version\' is missing; add "schema_version": "{SCHEMA_VERSION}"',
                )
            ]
        )
    version = data["schema_version"]
    while version != SCHEMA_VERSION:
        if not isinstance(version, str):  # a list or object would not even hash
            message = f'expected text such as "{SCHEMA_VERSION}", got {_type_name(version)}; write it in quotes'
            raise LoadError([Problem("$.schema_version", message)])
        if version in MIGRATIONS:
            version, migrate = MIGRATIONS[version]
            data = migrate(dict(data))
            data["schema_version"] = version
            continue
        if len(version) <= 20 and _version_key(version) > _version_key(SCHEMA_VERSION):
            message = (
                f"this passport is written in format version {version}, newer than this "
                f"rarepassport understands ({SCHEMA_VERSION}); upgrade rarepassport"
            )
        else:
            # Never echo the value: it may hold anything, up to the whole document.
            message = f"unknown format version; this rarepassport reads version {SCHEMA_VERSION}"
        raise LoadError([Problem("$.schema_version", message)])
    return data


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (-1,)


# Passports this module built: the converter checked every value's type, so
# validation need not check them again. Weak, so that nothing is kept alive; keyed by
# id because passports with an ``extensions`` dict cannot be hashed.
_WELL_TYPED: weakref.WeakValueDictionary[int, Passport] = weakref.WeakValueDictionary()


def is_well_typed(passport: Passport) -> bool:
    """True when ``passport`` was built by reading a document, so every value has its type.

    Passports built in Python may hold anything; :func:`rarepassport.validate` checks
    those value by value.
    """
    return _WELL_TYPED.get(id(passport)) is passport


def from_dict(data: Mapping[str, Any], *, plugins: PluginManager | None = None) -> Passport:
    """Build a passport from a JSON-like dict.

    Args:
        data: The document, as :func:`json.loads` would give it.
        plugins: The plugin manager whose sections may appear under ``extensions``.

    Returns:
        The passport.

    Raises:
        LoadError: Listing every problem found, each with its JSON path.
    """
    if not isinstance(data, Mapping):
        raise LoadError([Problem("$", f"a passport must be a JSON object, got {_type_name(data)}")])
    shape = check_tree(data, long_text=_is_photo)
    if shape:
        raise LoadError(shape)
    migrated = _migrate(dict(data))
    converter = _manager(plugins).converter
    try:
        passport: Passport = converter.structure(migrated, Passport)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a LoadError with paths
        raise LoadError([_with_hint(problem) for problem in _problems(exc, "$")]) from None
    _WELL_TYPED[id(passport)] = passport
    return passport


# People write "allergies": "none" (or "NKDA", "nil"); the status fields say that.
_NONE_HINTS = {
    "$.allergies": 'list each allergy as {"substance": ...}; to say there are none, leave '
    '"allergies" out and write "allergies_status": "none-known"',
    "$.medications": 'list each medicine as {"name": ...}; to say there are none, leave '
    '"medications" out and write "medications_status": "none"',
}


def _with_hint(problem: Problem) -> Problem:
    hint = _NONE_HINTS.get(problem.path)
    if hint is None or not problem.message.startswith("expected a list, got text"):
        return problem
    return attrs.evolve(problem, message=f"{problem.message}; {hint}")


def check_built_passport(passport: Passport, *, plugins: PluginManager | None = None) -> None:
    """Refuse a passport built in Python whose text could not have been read.

    A passport read from a document was checked as it was read. One built in Python may
    hold lone surrogates (which no encoder can write, so every backend would fail) or
    control characters (which could rewrite a terminal or a report); writing,
    rendering and exporting refuse those with the same problems reading gives.

    Raises:
        LoadError: Naming each field, never its value.
    """
    if is_well_typed(passport):
        return
    problems = check_tree(to_dict(passport, plugins=plugins), long_text=_is_photo)
    if problems:
        raise LoadError(problems)


def to_dict(passport: Passport, *, plugins: PluginManager | None = None) -> dict[str, Any]:
    """The canonical JSON-ready dict of a passport (defaults left out)."""
    if not isinstance(passport, Passport):
        raise TypeError(f"expected a rarepassport.Passport, got {type(passport).__name__}")
    result: dict[str, Any] = _manager(plugins).converter.unstructure(passport, Passport)
    return result


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
                raise _YamlRefused(
                    [Problem("$", f"the document has more than {limits.MAX_VALUES} values once its aliases "
                              "are expanded (see rarepassport.limits)")]
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise _YamlRefused([Problem(path, "an alias refers to the object it is in (a recursive document)",
                                        *where(node))])
        if node.tag not in _CORE_TAGS and node.tag != _YAML + "merge":
            problems.append(Problem(path, "this YAML tag is not allowed in a passport; use plain values",
                                    *where(node)))
            sizes[key] = 1
            continue
        if isinstance(node, yaml.ScalarNode):
            if node.tag in _SCALAR_TAGS:
                implicit = loader.resolve(yaml.ScalarNode, node.value, (True, False))
                if implicit != node.tag and not (node.tag == _YAML + "float" and implicit == _YAML + "int"):
                    problems.append(Problem(path, f"the value does not fit its tag !!{node.tag[len(_YAML):]}",
                                            *where(node)))
            if node.tag == _YAML + "int" and len(node.value) > limits.MAX_NUMBER_DIGITS + 2:
                problems.append(Problem(path, f"a number of more than {limits.MAX_NUMBER_DIGITS} digits "
                                        "(see rarepassport.limits)", *where(node)))
            sizes[key] = 1
            continue
        if depth >= limits.MAX_DEPTH:
            raise _YamlRefused([Problem(path, _deep_message(), *where(node))])
        on_path.add(key)
        stack.append((node, path, depth, True))
        if isinstance(node, yaml.SequenceNode):
            if len(node.value) > limits.MAX_LIST_LENGTH:
                problems.append(Problem(path, f"a list of more than {limits.MAX_LIST_LENGTH} items "
                                        "(see rarepassport.limits)", *where(node)))
                continue
            stack.extend((item, f"{path}[{index}]", depth + 1, False) for index, item in enumerate(node.value))
        else:
            for key_node, value_node in node.value:
                if key_node.tag == _YAML + "merge":
                    stack.append((value_node, path, depth + 1, False))
                    continue
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _YAML + "str":
                    kind = "a list or object" if not isinstance(key_node, yaml.ScalarNode) else (
                        "null" if key_node.tag == _YAML + "null" else
                        "true/false" if key_node.tag == _YAML + "bool" else
                        "a number" if key_node.tag in (_YAML + "int", _YAML + "float") else "not text")
                    problems.append(Problem(path, f"a key of this object is {kind}, not text; keys must be "
                                            "text (put the key in quotes)", *where(key_node)))
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
                            raise yaml.constructor.ConstructorError(
                                None, None, _duplicate_message(key), key_node.start_mark
                            )
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
        raise LoadError([Problem("$", "reading YAML needs PyYAML: pip install 'rarepassport[yaml]'")]) from None
    return yaml


def _duplicate_message(key: str) -> str:
    return f"the key {key!r} appears twice in one object; merge them into one (only the last would be kept)"


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
        # The text has one ':' per key written plus those inside strings; the parsed
        # document written back has the same, less those of every key it dropped.
        # Only when it has fewer, parse again, slowly, to name the repeated key.
        if text.count(":") > orjson.dumps(data).count(b":"):
            standard(text)
        return data

    return loads


class _LoneSurrogate(ValueError):
    """A JSON text escaping half of a UTF-16 surrogate pair (``"\\ud800"``)."""


def _deep_message() -> str:
    return f"nested too deeply: more than {limits.MAX_DEPTH} levels (see rarepassport.limits)"


def _number_too_long() -> LoadError:
    message = f"a number of more than {limits.MAX_NUMBER_DIGITS} digits, or too large (see rarepassport.limits)"
    return LoadError([Problem("$", message)])


def _too_deep() -> LoadError:
    return LoadError([Problem("$", _deep_message())])


def _parse(text: str | bytes, format: Format) -> Any:
    if format not in ("json", "yaml"):
        raise PassportError(f"unknown format {format!r}; use 'json' or 'yaml'")
    if isinstance(text, bytes):
        text = _decode(text)
    elif not isinstance(text, str):
        raise TypeError(f"expected JSON or YAML text (str or bytes), got {type(text).__name__}")
    if len(text) > limits.MAX_FILE_BYTES:
        raise LoadError([Problem("$", f"the document is larger than {limits.MAX_FILE_BYTES} bytes "
                                      "(see rarepassport.limits)")])
    if format == "yaml":
        yaml = _import_yaml()
        try:
            return yaml.load(text, Loader=_TextLoader.get())
        except _YamlRefused as exc:
            raise LoadError(exc.problems) from None
        except RecursionError:
            raise _too_deep() from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            column = mark.column + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise LoadError([Problem("$", f"not valid YAML: {problem}", line, column)]) from None
        except (ValueError, TypeError, OverflowError):
            # A value PyYAML's constructors cannot build; the checks above should have
            # named it, this keeps anything they missed from being a traceback.
            raise LoadError([Problem("$", "not valid YAML: a value cannot be read")]) from None
    try:
        data = _json_loads()(text)
    except json.JSONDecodeError as exc:  # orjson's error is a subclass, with line and column too
        if "depth" in exc.msg:
            raise _too_deep() from None
        if "infinity" in exc.msg:  # orjson: a number too large for a float
            raise _number_too_long() from None
        raise LoadError([Problem("$", f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)]) from None
    except RecursionError:
        raise _too_deep() from None
    except _LoneSurrogate:
        raise LoadError([Problem("$", "not valid JSON: a text holds a lone surrogate (\\ud800-\\udfff)")]) from None
    except _NumberTooLong:
        raise _number_too_long() from None
    except _DuplicateKeyError as exc:
        key = exc.args[0] if isinstance(exc.args[0], str) else "?"
        raise LoadError([Problem("$", f"not valid JSON: {_duplicate_message(key)}")]) from None
    return data



def loads(text: str | bytes, *, format: Format = "json", plugins: PluginManager | None = None) -> Passport:
    """Read a passport from JSON or YAML text.

    Args:
        text: The document.
        format: ``"json"`` (default) or ``"yaml"`` (needs ``rarepassport[yaml]``).
        plugins: The plugin manager whose sections may appear under ``extensions``.

    Raises:
        LoadError: For malformed text (with line and column) or any problem in the
            document (with its JSON path); every problem is listed.
    """
    return from_dict(_parse(text, format), plugins=plugins)


def parse_document(text: str | bytes, *, format: Format = "json") -> Any:
    """The document tree (dicts, lists, text, numbers) of JSON or YAML text.

    Read as :func:`loads` reads a passport (same encodings, limits and messages), but
    not turned into a passport: for a FHIR Bundle or any other document.

    Raises:
        LoadError: For malformed text, with line and column.
    """
    return _parse(text, format)


def dumps_document(data: Any, *, format: Format = "json") -> str:
    """A document tree as JSON (two-space indent) or YAML text, every character kept."""
    if format == "yaml":
        yaml = _import_yaml()
        text: str = yaml.dump(data, Dumper=_TextDumper.get(), allow_unicode=True, sort_keys=False)
        return text
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_for(path: str | os.PathLike[str]) -> Format:
    """The format a file name implies: ``yaml`` for ``.yaml``/``.yml``, else ``json``."""
    return "yaml" if Path(path).suffix.lower() in (".yaml", ".yml") else "json"


def load(path: str | os.PathLike[str], *, plugins: PluginManager | None = None) -> Passport:
    """Read a passport file; ``.yaml``/``.yml`` are YAML, anything else JSON.

    Args:
        path: The *path* of the file, never the document's text (read text with
            :func:`loads`). Only a regular file is read: a device, FIFO or socket is
            refused without reading from it, as is a file larger than
            :data:`rarepassport.limits.MAX_FILE_BYTES`.
        plugins: The plugin manager whose sections may appear under ``extensions``.

    Raises:
        LoadError: For any problem in the file, naming the file.
        OSError: When the file cannot be read, or is not a regular file.
        TypeError: When ``path`` is not a path, or is a ``str`` holding a document.
    """
    _check_path_argument(path, "load")
    data = read_input(path)
    try:
        return loads(data, format=format_for(path), plugins=plugins)
    except LoadError as exc:
        raise exc.with_source(os.fspath(path)) from None


def _check_path_argument(path: object, function: str) -> None:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{function}() takes the path of a passport file, not {type(path).__name__}")
    if isinstance(path, str) and ("\n" in path or path.lstrip().startswith(("{", "[", '"', "schema_version"))):
        # A str is always a path: text that looks like a document is a mistake, and
        # must not end up quoted whole in a "file not found" message.
        raise TypeError(f"{function}() takes the path of a passport file, and this looks like a document's "
                        "text; read text with rarepassport.loads()")


def dumps(passport: Passport, *, format: Format = "json", plugins: PluginManager | None = None) -> str:
    """Write a passport as canonical JSON (or YAML) text.

    The text is minimal and stable: defaults and empty lists are left out and keys
    follow the model's order, so ``loads(dumps(p)) == p`` and diffs stay readable.
    """
    if not isinstance(passport, Passport):
        raise TypeError(f"expected a rarepassport.Passport, got {type(passport).__name__}")
    if format not in ("json", "yaml"):
        raise PassportError(f"unknown format {format!r}; use 'json' or 'yaml'")
    check_built_passport(passport, plugins=plugins)
    data = to_dict(passport, plugins=plugins)
    if format == "yaml":
        yaml = _import_yaml()
        text: str = yaml.dump(data, Dumper=_TextDumper.get(), allow_unicode=True, sort_keys=False, width=100)
        return text
    try:
        return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    except ValueError:
        raise PassportError(
            "the passport holds a number that is not finite (NaN or infinity), which JSON cannot write"
        ) from None


_TEMP_SUFFIX = ".rarepassport.tmp"


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes to ``path`` so that readers see the old file or the new, never half.

    The data goes to a temporary file in the same folder, created readable by its owner
    only, is flushed to disk, and is renamed over the target. An existing file keeps
    its permissions; a new file is readable by its owner only, since passports hold
    health data.

    - A symbolic link is followed: the file it points to is replaced, atomically, and
      the link stays a link.
    - A device (``/dev/null``), FIFO or other special file is written through, never
      replaced by a regular file; a FIFO with no reader is an error, not a wait.
    - The temporary file is removed on every failure and on SIGINT or SIGTERM; one left
      by a process that was killed outright (``kill -9``, power cut) is removed by the
      next write to the same file. Errors name ``path``, never the temporary file.

    Raises:
        OSError: When the file cannot be written; ``filename`` is ``path``.
    """
    name = os.fspath(path)
    if not isinstance(name, str) or "\x00" in name:
        raise OSError(errno.EINVAL, "the file name holds a NUL byte", "(file name)")
    real = Path(os.path.realpath(name))
    try:
        info: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, name) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OSError(errno.EISDIR, "is a folder", name)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(name, real, data)
        return
    _remove_stale_temporaries(real)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{real.name}.{os.getpid()}.", suffix=_TEMP_SUFFIX, dir=real.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, name) from None
    try:
        with _RemovedOnSignal(tmp_name), os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if info is not None:
                os.chmod(tmp_name, info.st_mode & 0o7777)
            os.replace(tmp_name, real)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, name) from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _write_through(name: str, real: Path, data: bytes) -> None:
    # O_NONBLOCK so that a FIFO with no reader fails at once (ENXIO) instead of waiting.
    try:
        fd = os.open(real, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        reason = "a pipe with no reader" if exc.errno == errno.ENXIO else exc.strerror
        raise OSError(exc.errno, reason, name) from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, name) from None
    finally:
        os.close(fd)


def _remove_stale_temporaries(real: Path) -> None:
    """Remove temporary files of earlier writes to ``real`` whose process is gone."""
    prefix = f".{real.name}."
    try:
        candidates = [entry for entry in os.scandir(real.parent) if entry.name.startswith(prefix)]
    except OSError:
        return
    for entry in candidates:
        parts = entry.name[len(prefix) :].split(".", 1)
        if not entry.name.endswith(_TEMP_SUFFIX) or len(parts) != 2 or not parts[0].isdigit():
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid() or _process_alive(int(parts[0])):
                continue
            os.unlink(entry.path)
        except OSError:
            continue


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return True  # not ours to judge
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class _RemovedOnSignal:
    """Remove a temporary file if SIGINT or SIGTERM arrives, then let the signal act."""

    _SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))

    def __init__(self, tmp_name: str) -> None:
        self.tmp_name = tmp_name
        self.saved: dict[int, Any] = {}

    def __enter__(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; KeyboardInterrupt still cleans up
        for signum in self._SIGNALS:
            try:
                self.saved[signum] = signal.signal(signum, self._handle)
            except (ValueError, OSError):  # pragma: no cover - e.g. an embedded interpreter
                continue

    def __exit__(self, *exc_info: object) -> None:
        for signum, previous in self.saved.items():
            signal.signal(signum, previous)
        self.saved.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        Path(self.tmp_name).unlink(missing_ok=True)
        previous = self.saved.pop(signum, signal.SIG_DFL)
        signal.signal(signum, previous)
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            os.kill(os.getpid(), signum)  # end the way this signal would have ended us


def dump(
    passport: Passport,
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    plugins: PluginManager | None = None,
) -> None:
    """Write a passport to a file, atomically (see :func:`write_atomic`).

    Args:
        passport: The passport.
        path: Where to write; ``.yaml``/``.yml`` give YAML unless ``format`` says.
        format: ``"json"`` or ``"yaml"``; default from the suffix.
        plugins: The plugin manager whose sections the passport uses.

    Raises:
        PassportError: For an unknown ``format``.
        TypeError: When ``passport`` is not a Passport or ``path`` not a path.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"dump() writes to the path of a file, not {type(path).__name__}")
    text = dumps(passport, format=format if format is not None else format_for(path), plugins=plugins)
    write_atomic(path, text.encode("utf-8"))
