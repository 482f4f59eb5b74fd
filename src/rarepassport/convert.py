"""Reading and writing passports: JSON and YAML text, dicts and files.

One cattrs converter per plugin manager, built once, turns documents into model objects
and back. Reading gathers *every* problem before it fails, each with its JSON path;
writing is canonical (defaults and empty lists left out, keys in model order).
Text is parsed by [`rarepassport.formats`][] and files are read and written
(atomically) by [`rarepassport.files`][]; this module turns the plain data into model
objects (cattrs), translates cattrs' errors into problems with paths, and migrates older
documents.
"""

from __future__ import annotations

import datetime as _dt
import enum
import errno
import functools
import math
import os
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from rarepassport import limits, migrations
from rarepassport._catalogues import core_error
from rarepassport._dates import PartialDate, parse_date
from rarepassport.errors import LoadError, PassportError, Problem
from rarepassport.files import read_input, write_atomic
from rarepassport.formats import (
    Format,
    _free_value_fine,
    _is_photo,
    _parse_tree_unwalked,
    check_tree,
    child_path,
    dump_text,
    format_for,
    parse_text,
    parse_tree,
    type_name,
)
from rarepassport.model import _IDEMPOTENT_ON_TYPED, Passport, _type_hints

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import SectionRegistry

__all__ = [
    "Format",
    "Passphrase",
    "check_built_passport",
    "check_tree",
    "dump",
    "dumps",
    "dumps_document",
    "format_for",
    "from_dict",
    "load",
    "loads",
    "make_converter",
    "make_passport_reader",
    "open_encrypted",
    "parse_document",
    "passport_nesting",
    "read_input",
    "to_dict",
    "write_atomic",
]

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


# --- strict scalar hooks ------------------------------------------------------------
# cattrs would happily turn 42 into "42" or "no" into True; a passport must not.




def _structure_str(value: object, cls: type) -> str:
    if cls is not str:
        member: str = _structure_enum(value, cls)
        return member
    if not isinstance(value, str):
        # YAML reads unquoted codes and phone numbers (code: 130020) as numbers.
        got = type_name(value)
        # YAML reads unquoted codes and phone numbers (code: 130020) as numbers.
        kind = "expected-text-quotes" if got == "a number" else "expected-text"
        raise core_error(TypeError, f"validation.structure.{kind}", got_type=got)
    return value


def _structure_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise core_error(TypeError, "validation.structure.expected-boolean", got_type=type_name(value))
    return value


def _structure_int(value: object, cls: type) -> int:
    if cls is not int:
        member: int = _structure_enum(value, cls)
        return member
    if isinstance(value, bool) or not isinstance(value, int):
        raise core_error(TypeError, "validation.structure.expected-whole-number", got_type=type_name(value))
    return value


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise core_error(TypeError, "validation.structure.expected-number", got_type=type_name(value))
    if not math.isfinite(value):
        raise core_error(ValueError, "validation.structure.expected-finite-number")
    return float(value)


def _structure_date(value: object, _: type) -> _dt.date:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise core_error(TypeError, "validation.structure.date-got-number")
    return parse_date(_structure_str(value, str))


def _structure_partial_date(value: object, _: type) -> PartialDate:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # YAML reads an unquoted year (diagnosed_on: 2016) as a number.
        raise core_error(TypeError, "validation.structure.partial-date-got-number")
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
        closest = _closest_value(value, by_value)
        if closest is None:
            raise core_error(ValueError, "validation.structure.not-allowed", allowed=allowed) from None
        raise core_error(
            ValueError, "validation.structure.not-allowed-hint", allowed=allowed, suggestion=closest
        ) from None


def _closest_value(value: object, by_value: Mapping[Any, enum.Enum]) -> str | None:
    # "Emergency", "intolerence", "next of kin": suggest the allowed word. Only an
    # allowed value is ever quoted back, never what the passport says.
    if not isinstance(value, str):
        return None
    words = [str(allowed) for allowed in by_value]
    typed = value.strip().lower().replace(" ", "-").replace("_", "-")
    if typed in words:
        return repr(typed)
    import difflib  # only when a value is wrong (start-up time)

    close = difflib.get_close_matches(typed, words, n=1, cutoff=0.75)
    return repr(close[0]) if close else None


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

    Usually you want [`PluginManager.converter`][rarepassport.PluginManager.converter], which builds it once.
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
                raise core_error(TypeError, "validation.structure.expected-list", got_type=type_name(value))
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
            raise core_error(TypeError, "validation.structure.expected-object", got_type=type_name(value))
        result: dict[str, Any] = {}
        errors: list[Exception] = []
        for key, data in value.items():
            if key not in sections:
                known = ", ".join(sections.ids()) or "none"
                exc: Exception = _UnknownExtension(
                    f"no installed plugin provides extension {key!r}; install the plugin "
                    f"that provides it, or remove the section (installed: {known})"
                )
                exc.message_id = "validation.structure.unknown-extension"  # type: ignore[attr-defined]
                exc.arguments = {"section": repr(key), "installed": known}  # type: ignore[attr-defined]
                _add_note(exc, [cattrs.AttributeValidationNote(f"extension {key}", key, object)])
                errors.append(exc)
                continue
            spec = sections[key]
            cls = spec.cls
            # A section at version 1 has no schema_version (as its JSON Schema says): one
            # is an unknown field there, reported as any other.
            if isinstance(data, dict) and "schema_version" in data and spec.version != "1":
                if data["schema_version"] != spec.version:
                    # from_dict and load migrate first; this is data handed straight to the converter.
                    exc = ValueError(f"its schema_version is not {spec.version}, the version plugin {spec.plugin} "
                                     "reads; read the passport with rarepassport.load or from_dict, which upgrade it")
                    _add_note(exc, [cattrs.AttributeValidationNote(f"extension {key}", key, cls)])
                    errors.append(exc)
                    continue
                data = {name: value for name, value in data.items() if name != "schema_version"}
            try:
                result[key] = converter.structure(data, cls)
            except Exception as exc:  # noqa: BLE001 - gathered and re-raised as one group
                _add_note(exc, [cattrs.AttributeValidationNote(f"extension {key}", key, cls)])
                errors.append(exc)
        if errors:
            raise ClassValidationError("while reading extensions", errors, dict)
        return result

    def extensions_unstructure(value: Mapping[str, Any]) -> dict[str, Any]:
        result = {}
        for key, data in value.items():
            spec = sections[key] if key in sections else None  # noqa: SIM401 - a registry, not a dict
            unstructured = converter.unstructure(data, unstructure_as=spec.cls if spec is not None else None)
            if spec is not None and spec.version != "1" and isinstance(unstructured, dict):
                # From version 2 on a section says which version of its shape it is written in.
                unstructured = {"schema_version": spec.version, **unstructured}
            result[key] = unstructured
        return result

    def attrs_structure_hook(cls: type) -> Callable[[object, type], Any]:
        overrides: dict[str, Any] = {}
        if cls is Passport:
            overrides["extensions"] = override(struct_hook=extensions_structure)
        inner: Callable[..., Any] = make_dict_structure_fn(cls, converter, **overrides)

        def structure(value: object, _: type) -> Any:
            if not isinstance(value, dict):
                raise core_error(TypeError, "validation.structure.expected-object", got_type=type_name(value))
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


# --- the fast path of reading ----------------------------------------------------------------
# cattrs' detailed structuring gathers every error with its path, and pays for it on every
# value of every passport: a hook call per field, a try block per list item, an exception
# group per record. Most documents have no error at all. The reader below builds the same
# objects with code generated once per class (exact type tests for text, flags and enum
# values inline; the converter's own hooks for everything else) and gives up at the first
# thing it does not expect; the caller then structures the document again with the
# detailed converter, so errors, their paths and their messages are cattrs' as before.


def _cached_reading(hook: Callable[[Any, Any], Any], tp: Any) -> Callable[[str], Any]:
    @functools.lru_cache(maxsize=4096)
    def read(text: str) -> Any:
        return hook(text, tp)

    return read


class _NotFast(Exception):
    """The fast reader met something it leaves to the detailed converter."""


_MISSING = object()
#: attrs.Factory as a class (its type stub is an overloaded function).
_FACTORY: Any = attrs.Factory


def make_passport_reader(
    converter: cattrs.Converter, sections: SectionRegistry, *, nesting: int | object | None = _MISSING
) -> Callable[[dict[str, Any]], Any]:
    """A function building a [`Passport`][rarepassport.Passport] from a well-formed document, quickly.

    It raises (any exception) on the first value it does not expect; structure the
    document with ``converter`` then, which reports every problem with its path. What
    it returns is what ``converter.structure(document, Passport)`` returns. attrs
    classes (the model's and the plugin sections') are read by code generated here, the
    other values by the converter's hooks as they are when this is called.
    ``nesting`` is [`passport_nesting`][rarepassport.convert.passport_nesting] of
    ``sections``, when the caller has worked it out already.
    """
    # What the reader hands to a hook as it is (a number, free-form plugin data) is
    # checked as check_tree would (_free_value_fine), at the deepest a value can sit in
    # the records, so that a document the reader accepts is within every limit.
    deepest = passport_nesting(sections) if nesting is _MISSING else typing.cast("int | None", nesting)

    def free(value: Any) -> None:
        if deepest is None or not _free_value_fine(value, deepest):
            raise _NotFast

    namespace: dict[str, Any] = {"NotFast": _NotFast, "MISSING": _MISSING, "tuple": tuple, "list": list,
                                 "type": type, "str": str, "bool": bool, "dict": dict, "len": len,
                                 "PLAIN": _PLAIN, "free": free}
    names: dict[type, str] = {}

    def bind(value: Any) -> str:
        name = f"v{len(namespace)}"
        namespace[name] = value
        return name

    def reader_of(cls: type) -> str:
        """The namespace name of the reader of attrs class ``cls``, generated on first use."""
        if cls in names:
            return names[cls]
        name = names[cls] = f"read_{len(names)}_{cls.__name__}"
        namespace[name] = _generated_reader(cls) or _hook_reader(cls)
        return name

    def _hook_reader(cls: type) -> Callable[[Any], Any]:
        hook = converter.get_structure_hook(cls)

        def read(value: Any) -> Any:
            free(value)
            return hook(value, cls)

        return read

    def value_code(tp: Any, var: str, lines: list[str], indent: str) -> str:
        """Append the lines that check ``var``; return the expression of its structured value."""
        # Inline only where the converter's hook is ours (a program may register its own).
        inlinable = tp in (str, bool) or _is_enum(tp)
        ours = converter.get_structure_hook(tp) if inlinable else None
        if tp is str and ours is _structure_str:
            lines.append(f"{indent}if type({var}) is not str: raise NotFast")
            return var
        if tp is bool and ours is _structure_bool:
            lines.append(f"{indent}if type({var}) is not bool: raise NotFast")
            return var
        if _is_enum(tp) and ours in (_structure_str, _structure_enum) and all(
            type(member.value) is str for member in tp
        ):
            by_value = bind(_enum_values(tp)[0])
            lines.append(f"{indent}{var} = {by_value}.get({var}) if type({var}) is str else None")
            lines.append(f"{indent}if {var} is None: raise NotFast")
            return var
        if tp is _dt.date or tp is PartialDate:
            # Dates repeat (a passport's own, and across a batch); both kinds are immutable.
            lines.append(f"{indent}if type({var}) is not str: raise NotFast")
            return f"{bind(_cached_reading(converter.get_structure_hook(tp), tp))}({var})"
        if _is_attrs_class(tp):
            return f"{reader_of(tp)}({var})"
        if _is_homogeneous_tuple(tp):
            item_type = typing.get_args(tp)[0]
            make = "list" if typing.get_origin(tp) is list else "tuple"
            lines.append(f"{indent}if type({var}) is not list: raise NotFast")
            if item_type is str:
                lines.append(f"{indent}for item in {var}:")
                lines.append(f"{indent}    if type(item) is not str: raise NotFast")
                return f"{make}({var})"
            if _is_attrs_class(item_type) and item_type is not PartialDate:
                return f"{make}([{reader_of(item_type)}(item) for item in {var}])"
            hook, item = bind(converter.get_structure_hook(item_type)), bind(item_type)
            lines.append(f"{indent}for item in {var}:")
            lines.append(f"{indent}    if type(item) not in PLAIN: free(item)")
            return f"{make}([{hook}(item, {item}) for item in {var}])"
        if _is_optional(tp):
            inner = next(arg for arg in typing.get_args(tp) if arg is not type(None))
            inner_lines: list[str] = []
            expression = value_code(inner, var, inner_lines, indent + "    ")
            lines.append(f"{indent}if {var} is not None:")
            lines.extend(inner_lines)
            if expression != var:
                lines.append(f"{indent}    {var} = {expression}")
            elif not inner_lines:
                lines.append(f"{indent}    pass")
            return var
        hook = bind(converter.get_structure_hook(tp))
        lines.append(f"{indent}if type({var}) not in PLAIN: free({var})")
        return f"{hook}({var}, {bind(tp)})"

    def given_or_default(key: str, var: str, made: str, lines: list[str]) -> None:
        """Code setting ``var`` to the object's ``key``, or to ``made`` where it has none."""
        lines.append(f"    if {key!r} not in o:")
        lines.append(f"        {var} = {made}")
        lines.append("    else:")
        lines.append(f"        {var} = o[{key!r}]")

    def read_value(cls: type, key: str, var: str, hints: Mapping[str, Any], lines: list[str], indent: str) -> None:
        """Code counting ``key`` as read and turning ``var`` into the field's type."""
        lines.append(f"{indent}n += 1")
        if cls is Passport and key == "extensions":
            expression = f"{bind(read_extensions)}({var})"
        else:
            expression = value_code(hints.get(key, Any), var, lines, indent)
        if expression != var:
            lines.append(f"{indent}{var} = {expression}")

    def _generated_reader(cls: type) -> Callable[[Any], Any] | None:
        try:
            hints = _type_hints(cls)
        except Exception:  # noqa: BLE001 - a plugin class whose hints do not resolve: cattrs reads it
            return None
        fields = attrs.fields(cls)
        if any(not field.init or field.alias != field.name for field in fields):
            return None
        setters = _slot_setters(cls, fields, hints)
        if setters is not None:
            return _direct_reader(cls, fields, hints, setters)
        # Every field is passed to the class, an absent one as its default (attrs converts
        # a default as it converts a value given), so the call builds no dict to unpack.
        lines = ["def read(o):", "    if type(o) is not dict: raise NotFast", "    n = 0"]
        arguments: list[str] = []
        passed_if_given: list[tuple[str, str]] = []
        for index, field in enumerate(fields):
            key, var = field.name, f"a{index}"
            # "in" then a subscript: most fields of most records are absent, and a
            # containment test costs less than a call of dict.get.
            body_indent = "        "
            if field.default is attrs.NOTHING:
                lines.append(f"    if {key!r} not in o: raise NotFast")
                lines.append(f"    {var} = o[{key!r}]")
                body_indent = "    "
            elif isinstance(field.default, _FACTORY) and field.default.takes_self:
                # A default made from the object itself: an absent value is left out of the call.
                passed_if_given.append((key, var))
                lines.append(f"    {var} = MISSING")
                lines.append(f"    if {key!r} in o:")
                lines.append(f"        {var} = o[{key!r}]")
            else:
                default = field.default
                made = f"{bind(default.factory)}()" if isinstance(default, _FACTORY) else bind(default)
                given_or_default(key, var, made, lines)
            read_value(cls, key, var, hints, lines, body_indent)
            if (key, var) not in passed_if_given:
                arguments.append(f"{key}={var}")
        lines.append("    if n != len(o): raise NotFast")
        call = f"{bind(cls)}({', '.join(arguments)}"
        if passed_if_given:
            # The fields whose default is made from the others: each passed only when given.
            lines.append("    given = {}")
            for key, var in passed_if_given:
                lines.append(f"    if {var} is not MISSING: given[{key!r}] = {var}")
            call += ", **given"
        lines.append(f"    return {call})")
        scope: dict[str, Any] = {}
        # Our own generated code, as attrs and cattrs generate theirs.
        code = compile("\n".join(lines), f"<rarepassport fast reader {cls.__qualname__}>", "exec")
        exec(code, namespace, scope)  # noqa: S102
        reader: Callable[[Any], Any] = scope["read"]
        return reader

    def typed(tp: Any) -> bool:
        """Whether the value the reader builds for ``tp`` is surely of type ``tp`` (so a
        converter of `rarepassport.model._IDEMPOTENT_ON_TYPED` would give it back)."""
        if _is_optional(tp):
            return typed(next(arg for arg in typing.get_args(tp) if arg is not type(None)))
        if _is_homogeneous_tuple(tp):
            item = typing.get_args(tp)[0]
            # A tuple of records: what their readers build (a tuple is what _as_tuple needs).
            return typing.get_origin(tp) is tuple and (item is str or _is_attrs_class(item) or typed(item))
        if tp is _dt.date:
            return converter.get_structure_hook(tp) is _structure_date
        if tp is PartialDate:
            return converter.get_structure_hook(tp) is _structure_partial_date
        if _is_enum(tp):
            # Read inline (see value_code): a member of ``tp``, or the reader gives up.
            return converter.get_structure_hook(tp) in (_structure_str, _structure_enum) and all(
                type(member.value) is str for member in tp
            )
        return tp in (str, bool) and converter.get_structure_hook(tp) in (_structure_str, _structure_bool)

    def _slot_setters(cls: type, fields: Any, hints: Mapping[str, Any]) -> list[Callable[[Any, Any], None]] | None:
        """The slot setters of each field of ``cls``, when setting the slots builds what
        ``cls(**values)`` builds from the reader's values; else ``None``.

        That holds for a slotted class whose ``__init__`` does nothing but set each field:
        no ``__attrs_pre_init__`` or ``__attrs_post_init__``, no validator, no slot but its
        fields' (no cached hash), and each converter one of the model's that gives back a
        value of the field's type (`rarepassport.model._IDEMPOTENT_ON_TYPED`) given one.
        Anything else (a plugin's own converter or validator) is read through ``__init__``.
        """
        if any("__new__" in klass.__dict__ for klass in cls.__mro__[:-1]) or \
                hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
            return None
        slots: set[str] = set()
        for klass in cls.__mro__[:-1]:
            if "__slots__" not in klass.__dict__:
                return None  # instances have a __dict__: __init__ may put anything there
            own = klass.__dict__["__slots__"]
            slots.update((own,) if isinstance(own, str) else own)
        slots.discard("__weakref__")
        if slots != {field.name for field in fields}:
            return None
        setters = []
        for field in fields:
            if field.validator is not None or field.on_setattr not in (None, attrs.setters.NO_OP):
                return None
            if field.converter is not None and not (
                field.converter in _IDEMPOTENT_ON_TYPED and typed(hints.get(field.name, Any))
            ):
                return None
            descriptor = next((klass.__dict__[field.name] for klass in cls.__mro__ if field.name in klass.__dict__),
                              None)
            if not isinstance(descriptor, types.MemberDescriptorType):
                return None
            setters.append(descriptor.__set__)
        return setters

    def _direct_reader(
        cls: type, fields: Any, hints: Mapping[str, Any], setters: list[Callable[[Any, Any], None]]
    ) -> Callable[[Any], Any]:
        # What the reader below builds through ``cls(...)``, built by setting each slot: a
        # frozen attrs class's __init__ sets each field the same way (object.__setattr__),
        # after a call with keywords and a call of each converter that the values the
        # reader made need not (see _slot_setters).
        lines = ["def read(o):", "    if type(o) is not dict: raise NotFast", "    n = 0"]
        sets: list[str] = []
        for index, field in enumerate(fields):
            key, var = field.name, f"a{index}"
            body_indent = "        "
            setter = bind(setters[index])
            if field.default is attrs.NOTHING:
                lines.append(f"    if {key!r} not in o: raise NotFast")
                lines.append(f"    {var} = o[{key!r}]")
                body_indent = "    "
                sets.append(f"    {setter}(r, {var})")
            elif isinstance(field.default, _FACTORY) and field.default.takes_self:
                # A default made from the object itself, as attrs makes it: from the fields before it.
                lines.append(f"    {var} = MISSING")
                lines.append(f"    if {key!r} in o:")
                lines.append(f"        {var} = o[{key!r}]")
                made = f"{bind(field.default.factory)}(r)"
                if field.converter is not None:
                    made = f"{bind(field.converter)}({made})"
                sets.append(f"    {setter}(r, {made} if {var} is MISSING else {var})")
            else:
                made = default_code(field)
                given_or_default(key, var, made, lines)
                sets.append(f"    {setter}(r, {var})")
            read_value(cls, key, var, hints, lines, body_indent)
        lines.append("    if n != len(o): raise NotFast")
        lines.append(f"    r = {bind(object.__new__)}({bind(cls)})")
        lines.extend(sets)
        lines.append("    return r")
        scope: dict[str, Any] = {}
        # Our own generated code, as attrs and cattrs generate theirs.
        code = compile("\n".join(lines), f"<rarepassport fast reader {cls.__qualname__}>", "exec")
        exec(code, namespace, scope)  # noqa: S102
        reader: Callable[[Any], Any] = scope["read"]
        return reader

    def default_code(field: Any) -> str:
        """Code making ``field``'s default as attrs makes it: attrs converts a default as
        it converts a value given, and a factory's record is built as `default_maker` builds it."""
        default = field.default
        if isinstance(default, _FACTORY):
            made = f"{bind(default_maker(default.factory))}()"
            return f"{bind(field.converter)}({made})" if field.converter is not None else made
        return bind(field.converter(default) if field.converter is not None else default)

    def default_maker(factory: Any) -> Callable[[], Any]:
        """``factory``, or for a record class built by setting its slots, a function
        building what ``factory()`` builds the same way (a passport with no emergency,
        history, care preferences or review has four such records)."""
        if not _is_attrs_class(factory) or factory is PartialDate:
            return typing.cast("Callable[[], Any]", factory)
        try:
            hints = _type_hints(factory)
        except Exception:  # noqa: BLE001 - a plugin class whose hints do not resolve: its own __init__
            return typing.cast("Callable[[], Any]", factory)
        fields = attrs.fields(factory)
        setters = _slot_setters(factory, fields, hints) if all(
            field.init and field.alias == field.name and field.default is not attrs.NOTHING
            and not (isinstance(field.default, _FACTORY) and field.default.takes_self)
            for field in fields
        ) else None
        if setters is None:
            return typing.cast("Callable[[], Any]", factory)
        lines = ["def make():", f"    r = {bind(object.__new__)}({bind(factory)})"]
        for field, setter in zip(fields, setters, strict=True):
            lines.append(f"    {bind(setter)}(r, {default_code(field)})")
        lines.append("    return r")
        scope: dict[str, Any] = {}
        # Our own generated code, as attrs and cattrs generate theirs.
        code = compile("\n".join(lines), f"<rarepassport default {factory.__qualname__}>", "exec")
        exec(code, namespace, scope)  # noqa: S102
        maker: Callable[[], Any] = scope["make"]
        return maker

    def read_extensions(value: Any) -> dict[str, Any]:
        # The fast twin of extensions_structure in make_converter: anything it would
        # report (an unknown section, another schema_version) is left to it.
        if type(value) is not dict:
            raise _NotFast
        result: dict[str, Any] = {}
        for key, data in value.items():
            if key not in sections:
                raise _NotFast
            spec = sections[key]
            if isinstance(data, dict) and "schema_version" in data and spec.version != "1":
                if data["schema_version"] != spec.version:
                    raise _NotFast
                data = {name: item for name, item in data.items() if name != "schema_version"}
            cls = spec.cls
            if _is_attrs_class(cls):
                result[key] = namespace[reader_of(cls)](data)
            else:
                free(data)
                result[key] = converter.structure(data, cls)
        return result

    passport_reader: Callable[[dict[str, Any]], Any] = namespace[reader_of(Passport)]
    return passport_reader


#: Values a reader hands to a hook with no check: within every limit whatever they hold
#: (an int from a parser has at most 64 bits, or was checked by `check_tree`).
_PLAIN = frozenset((str, int, bool, type(None)))


def passport_nesting(sections: SectionRegistry) -> int | None:
    """How many levels of objects and lists a document the passport reader accepts can
    have, counting the free-form values it hands to hooks as none (they are checked on
    their own, from this depth); ``None`` when records nest in themselves.
    """
    return _nesting(Passport, frozenset(), sections, {})


def _nesting(tp: Any, seen: frozenset[type], sections: SectionRegistry, done: dict[type, int]) -> int | None:
    # ``done``: the classes worked out, each once (a class nesting in itself makes the
    # whole answer None, so a class's own answer does not depend on the way it was reached).
    if _is_optional(tp):
        tp = next(arg for arg in typing.get_args(tp) if arg is not type(None))
    if _is_homogeneous_tuple(tp):
        item = typing.get_args(tp)[0]
        if _is_attrs_class(item) and item is not PartialDate:
            inner = _nesting(item, seen, sections, done)
            return None if inner is None else 1 + inner
        return 1  # a list of texts, or of values each read by a hook (checked as free)
    if not _is_attrs_class(tp) or tp is PartialDate:
        return 0  # a text, flag, enum or date; or a value read by a hook, checked as free
    if tp in done:
        return done[tp]
    if tp in seen:
        return None
    try:
        hints = _type_hints(tp)
    except Exception:  # noqa: BLE001 - read by cattrs' hook: checked as a free value
        return 0
    fields = attrs.fields(tp)
    if any(not field.init or field.alias != field.name for field in fields):
        return 0  # read by cattrs' hook: checked as a free value
    deepest = 0
    for field in fields:
        if tp is Passport and field.name == "extensions":
            # The extensions object, and in it each section (an attrs class, registries check).
            levels = [_nesting(spec.cls, seen | {tp}, sections, done) for spec in sections]
            inner = None if None in levels else 1 + max((level or 0 for level in levels), default=0)
        else:
            inner = _nesting(hints.get(field.name, Any), seen | {tp}, sections, done)
        if inner is None:
            return None
        deepest = max(deepest, inner)
    done[tp] = 1 + deepest
    return done[tp]


def _add_note(exc: BaseException, notes: list[Any]) -> None:
    # cattrs reads the path of a nested failure from the exception's notes.
    setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), *notes])  # noqa: B010 - __notes__ is 3.11+


class _UnknownExtension(ValueError):
    """An ``extensions`` key that no installed plugin registered."""


# --- turning cattrs' exception groups into problems with paths ------------------------------


def _did_you_mean(key: str, allowed: list[str]) -> str | None:
    if key in _SYNONYMS and _SYNONYMS[key] in allowed:
        return repr(_SYNONYMS[key])
    import difflib  # only when a key is unknown (start-up time)

    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return repr(close[0]) if close else None


def _problem(path: str, message_id: str, **arguments: str) -> Problem:
    error = core_error(ValueError, message_id, **arguments)
    return Problem(path=path, message=str(error), message_id=message_id, arguments=arguments)


def _unknown_field(path: str, key: str, allowed: list[str]) -> Problem:
    suggestion = _did_you_mean(key, allowed)
    message_id = "validation.structure.unknown-field" + ("-hint" if suggestion is not None else "")
    where = {"field": repr(key)}
    if path == "$":
        message_id += ".passport"
    else:
        where["object"] = _json_name(path)
    if suggestion is not None:
        where["suggestion"] = suggestion
    return _problem(child_path(path, key), message_id, **where)


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
        return [_unknown_field(path, key, allowed) for key in sorted(exc.extra_fields)]
    if isinstance(exc, KeyError):
        field = exc.args[0] if exc.args else "?"
        return [_problem(path, "validation.structure.required-field", field=repr(field))]
    if isinstance(exc, (TypeError, ValueError)):
        return [
            Problem(path=path, message=str(exc), message_id=getattr(exc, "message_id", None),
                    arguments=getattr(exc, "arguments", {}))
        ]
    return [Problem(path=path, message=f"{type(exc).__name__}: {exc}")]


# --- public API -----------------------------------------------------------------------------


def _migrate(data: dict[str, Any], plugins: PluginManager) -> dict[str, Any]:
    return _migrated(data, plugins)[0]


def _migrated(data: dict[str, Any], plugins: PluginManager) -> tuple[dict[str, Any], bool]:
    """The document brought up to date, and whether any migration step changed it."""
    # Looked up at each call, so a program (or a test) may install its own registry.
    core = migrations.CORE_MIGRATIONS.migrate(data)
    sections = plugins.migrations.migrate(core.document)
    return sections.document, bool(core.steps or sections.steps)


def is_well_typed(passport: Passport, plugins: PluginManager) -> bool:
    """True when ``plugins`` read ``passport`` from a document, so every value has its type.

    The manager remembers (weakly, in `PluginManager.read_passports`) the passports
    its converter built; there is no module-level state. Passports built in Python may
    hold anything; [`rarepassport.validate`][] checks those value by value.
    """
    return plugins.read_passports.get(id(passport)) is passport


def from_dict(data: Mapping[str, Any], *, plugins: PluginManager) -> Passport:
    """The step behind [`rarepassport.from_dict`][] (documented there); ``plugins`` is required here."""
    return _from_tree(data, plugins, checked=False)


def _from_tree(data: Mapping[str, Any], plugins: PluginManager, *, checked: bool) -> Passport:
    # ``checked``: the parser has found the tree within every check of check_tree.
    if not isinstance(data, Mapping):
        raise LoadError([_problem("$", "validation.structure.passport-not-object", got_type=type_name(data))])
    if not checked:
        shape = check_tree(data, long_text=_is_photo)
        if shape:
            raise LoadError(shape)
    migrated = _migrate(dict(data), plugins)
    try:
        passport: Passport = plugins.passport_reader(migrated)
    except Exception:  # noqa: BLE001 - the fast path gives up; the detailed converter says why
        try:
            passport = plugins.converter.structure(migrated, Passport)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a LoadError with paths
            raise LoadError([_with_hint(problem) for problem in _problems(exc, "$")]) from None
    plugins.read_passports[id(passport)] = passport
    return passport


# People write "allergies": "none" (or "NKDA", "nil"); the status fields say that.
# Their hints are the catalogue's validation.structure.none-as-text.allergies / .medications.
_NONE_HINTS = frozenset(("$.allergies", "$.medications"))


def _with_hint(problem: Problem) -> Problem:
    if problem.path not in _NONE_HINTS or problem.message_id != "validation.structure.expected-list" or \
            problem.arguments.get("got_type") != "text":
        return problem
    return _problem(problem.path, f"validation.structure.none-as-text.{problem.path[2:]}")


def check_built_passport(passport: Passport, *, plugins: PluginManager) -> None:
    """Refuse a passport built in Python whose text could not have been read.

    A passport read from a document was checked as it was read. One built in Python may
    hold lone surrogates (which no encoder can write, so every backend would fail) or
    control characters (which could rewrite a terminal or a report); writing,
    rendering and exporting refuse those with the same problems reading gives.

    Raises:
        LoadError: Naming each field, never its value.
    """
    if is_well_typed(passport, plugins):
        return
    problems = check_tree(to_dict(passport, plugins=plugins), long_text=_is_photo)
    if problems:
        raise LoadError(problems)


def to_dict(passport: Passport, *, plugins: PluginManager) -> dict[str, Any]:
    """The step behind [`rarepassport.to_dict`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"expected a rarepassport.Passport, got {type(passport).__name__}")
    result: dict[str, Any] = plugins.converter.unstructure(passport, Passport)
    return result


def loads(text: str | bytes, *, format: Format = "json", plugins: PluginManager) -> Passport:
    """The step behind [`rarepassport.loads`][] (documented there); ``plugins`` is required here."""
    data, known = _parse_tree_unwalked(text, format)
    if known == "walk-left":
        passport = _read_unwalked(data, plugins)
        if passport is not None:
            return passport
        # Not proved by the reader: read as before (a float beyond 2**63 may be a whole
        # number orjson rounded, which the standard parser reads again), with the walk.
        data, checked = parse_tree(text, format)
        return _from_tree(data, plugins, checked=checked)
    return _from_tree(data, plugins, checked=known == "checked")


def _read_unwalked(data: dict[str, Any], plugins: PluginManager) -> Passport | None:
    """The passport of a document whose texts and sizes are known to be fine, when the
    fast reader proves the rest of `check_tree` (depth, keys and floats); else ``None``.

    The reader accepts a key only as a field name (or a registered section's id),
    nests records no deeper than [`passport_nesting`][rarepassport.convert.passport_nesting],
    and checks what it hands to a hook as it is; so a document it reads is one the walk
    would pass. A document that migrations would change is walked as it was read,
    before they see it.
    """
    nesting = plugins.passport_nesting
    if nesting is None or nesting > limits.MAX_DEPTH:
        return None
    # A document of an older version (or with a section of its own version) is walked
    # before any migration sees it, as before.
    if data.get("schema_version") != migrations.CORE_MIGRATIONS.current:
        return None
    extensions = data.get("extensions")
    if type(extensions) is dict and any(
        type(section) is dict and "schema_version" in section for section in extensions.values()
    ):
        return None
    if extensions is None:
        # Nothing for a migration to change: the core is at its current version and no
        # plugin section is there.
        migrated = data
    else:
        try:
            migrated, changed = _migrated(data, plugins)
        except Exception:  # noqa: BLE001 - a migration's refusal: the general way says why
            return None
        if changed:
            return None
    try:
        passport: Passport = plugins.passport_reader(migrated)
    except Exception:  # noqa: BLE001 - the fast path gives up; the general way says why
        return None
    plugins.read_passports[id(passport)] = passport
    return passport


def parse_document(text: str | bytes, *, format: Format = "json") -> Any:
    """The document tree (dicts, lists, text, numbers) of JSON or YAML text.

    Read as [`rarepassport.loads`][] reads a passport (same encodings, limits and
    messages, see [`rarepassport.formats.parse_text`][]), but not turned into a
    passport: for a FHIR Bundle or any other document.

    Raises:
        LoadError: For malformed text, with line and column.
    """
    return parse_text(text, format)


def dumps_document(data: Any, *, format: Format = "json") -> str:
    """A document tree as JSON (two-space indent) or YAML text, every character kept."""
    return dump_text(data, format)


#: A passphrase, or a function that asks for one only when the file is encrypted.
Passphrase = str | bytes | Callable[[], str | bytes]


def open_encrypted(data: bytes, passphrase: Passphrase | None, source: str) -> tuple[bytes, Format | None]:
    """The plaintext of ``data`` when it is an encrypted passport file, and the format
    of that plaintext (JSON when it starts with ``{``, else YAML); ``data`` and ``None``
    when it is not encrypted.

    Raises:
        PassphraseRequiredError: The file is encrypted and ``passphrase`` is ``None``.
        EncryptionError: See [`rarepassport.decrypt_bytes`][].
    """
    from rarepassport import encryption
    from rarepassport.errors import Message, PassphraseRequiredError

    if not encryption.is_encrypted(data):
        return data, None
    if passphrase is None:
        raise PassphraseRequiredError(Message("error.encryption.passphrase-required",
                                              "the file is encrypted; give the passphrase (passphrase=...)"),
                                      source=source)
    secret = passphrase() if callable(passphrase) else passphrase
    plain = encryption.decrypt_bytes(data, secret, source=source)
    first = plain.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return plain, "json" if first in (b"{", b"[", b"") else "yaml"


def load(path: str | os.PathLike[str], *, plugins: PluginManager, passphrase: Passphrase | None = None) -> Passport:
    """The step behind [`rarepassport.load`][] (documented there); ``plugins`` is required here."""
    from rarepassport.encryption import OVERHEAD_BYTES

    _check_path_argument(path, "load")
    too_large = OSError(errno.EFBIG, f"larger than {limits.MAX_FILE_BYTES} bytes (see rarepassport.limits)",
                        os.fspath(path))
    try:
        # An encrypted file may be longer than its plaintext by the container's overhead.
        data = read_input(path, limit=limits.MAX_FILE_BYTES + OVERHEAD_BYTES)
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            raise too_large from None
        raise
    data, fmt = open_encrypted(data, passphrase, os.fspath(path))
    if fmt is None and len(data) > limits.MAX_FILE_BYTES:
        raise too_large
    try:
        return loads(data, format=fmt or format_for(path), plugins=plugins)
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


def dumps(passport: Passport, *, format: Format = "json", plugins: PluginManager) -> str:
    """The step behind [`rarepassport.dumps`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"expected a rarepassport.Passport, got {type(passport).__name__}")
    if format not in ("json", "yaml"):
        raise PassportError(f"unknown format {format!r}; use 'json' or 'yaml'")
    check_built_passport(passport, plugins=plugins)
    return dump_text(to_dict(passport, plugins=plugins), format)


def dump(
    passport: Passport,
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    plugins: PluginManager,
) -> None:
    """The step behind [`rarepassport.dump`][] (documented there); ``plugins`` is required here."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"dump() writes to the path of a file, not {type(path).__name__}")
    text = dumps(passport, format=format if format is not None else format_for(path), plugins=plugins)
    write_atomic(path, text.encode("utf-8"))
