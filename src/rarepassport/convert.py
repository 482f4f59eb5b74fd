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
import functools
import json
import math
import os
import tempfile
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

from rarepassport._dates import PartialDate, parse_date
from rarepassport.errors import LoadError, PassportError, Problem
from rarepassport.model import SCHEMA_VERSION, Passport

if TYPE_CHECKING:
    from rarepassport._plugins import PluginManager, SectionRegistry

__all__ = [
    "Format",
    "dump",
    "dumps",
    "from_dict",
    "load",
    "loads",
    "make_converter",
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
                path=f"{path}.{key}",
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
        if _version_key(version) > _version_key(SCHEMA_VERSION):
            message = (
                f"this passport is written in format version {version}, newer than this "
                f"rarepassport understands ({SCHEMA_VERSION}); upgrade rarepassport"
            )
        else:
            message = f"unknown format version {version!r}; this rarepassport reads version {SCHEMA_VERSION}"
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


def to_dict(passport: Passport, *, plugins: PluginManager | None = None) -> dict[str, Any]:
    """The canonical JSON-ready dict of a passport (defaults left out)."""
    result: dict[str, Any] = _manager(plugins).converter.unstructure(passport, Passport)
    return result


class _TextLoader:
    """YAML loading without timestamp resolution: dates stay text, as in JSON."""

    _loader: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._loader is None:
            import yaml

            class Loader(yaml.SafeLoader):
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


@functools.lru_cache(maxsize=1)
def _json_loads() -> Callable[[str | bytes], Any]:
    """orjson's parser when it is installed (``rarepassport[fast]``), else the standard one.

    Both refuse an object with a key written twice (raising ``_DuplicateKeyError``):
    parsers keep the last value, and a list written twice would lose the first one's
    medicines without a word.
    """
    try:
        import orjson
    except ImportError:
        return functools.partial(json.loads, object_pairs_hook=_no_duplicates)

    def loads(text: str | bytes) -> Any:
        data = orjson.loads(text)
        # The text has one ':' per key written plus those inside strings; the parsed
        # document written back has the same, less those of every key it dropped.
        # Only when it has fewer, parse again, slowly, to name the repeated key.
        raw = text.encode("utf-8") if isinstance(text, str) else text
        if raw.count(b":") > orjson.dumps(data).count(b":"):
            json.loads(raw, object_pairs_hook=_no_duplicates)
        return data

    return loads


def _parse(text: str | bytes, format: Format) -> Any:
    if format == "yaml":
        yaml = _import_yaml()
        try:
            return yaml.load(text, Loader=_TextLoader.get())
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            column = mark.column + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise LoadError([Problem("$", f"not valid YAML: {problem}", line, column)]) from None
    try:
        data = _json_loads()(text)
    except json.JSONDecodeError as exc:  # orjson's error is a subclass, with line and column too
        raise LoadError([Problem("$", f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)]) from None
    except UnicodeDecodeError as exc:
        raise LoadError([Problem("$", f"not UTF-8 text: {exc.reason} at byte {exc.start}")]) from None
    except _DuplicateKeyError as exc:
        raise LoadError([Problem("$", f"not valid JSON: {_duplicate_message(exc.args[0])}")]) from None
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


def format_for(path: str | os.PathLike[str]) -> Format:
    """The format a file name implies: ``yaml`` for ``.yaml``/``.yml``, else ``json``."""
    return "yaml" if Path(path).suffix.lower() in (".yaml", ".yml") else "json"


def load(path: str | os.PathLike[str], *, plugins: PluginManager | None = None) -> Passport:
    """Read a passport file; ``.yaml``/``.yml`` are YAML, anything else JSON.

    Raises:
        LoadError: For any problem in the file, naming the file.
        OSError: When the file cannot be read.
    """
    data = Path(path).read_bytes()
    try:
        return loads(data, format=format_for(path), plugins=plugins)
    except LoadError as exc:
        raise exc.with_source(os.fspath(path)) from None


def dumps(passport: Passport, *, format: Format = "json", plugins: PluginManager | None = None) -> str:
    """Write a passport as canonical JSON (or YAML) text.

    The text is minimal and stable: defaults and empty lists are left out and keys
    follow the model's order, so ``loads(dumps(p)) == p`` and diffs stay readable.
    """
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


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes to ``path`` so that readers see the old file or the new, never half.

    The data goes to a temporary file in the same folder, is flushed to disk, and is
    renamed over the target. An existing file keeps its permissions; a new file is
    readable by its owner only, since passports hold health data.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp_name, target.stat().st_mode & 0o7777)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def dump(
    passport: Passport,
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    plugins: PluginManager | None = None,
) -> None:
    """Write a passport to a file, atomically.

    Args:
        passport: The passport.
        path: Where to write; ``.yaml``/``.yml`` give YAML unless ``format`` says.
        format: ``"json"`` or ``"yaml"``; default from the suffix.
        plugins: The plugin manager whose sections the passport uses.
    """
    text = dumps(passport, format=format or format_for(path), plugins=plugins)
    write_atomic(path, text.encode("utf-8"))
