"""The JSON Schema (draft 2020-12) of passports, derived from the model.

The schema is built from the same attrs classes and field metadata that the loader
uses, so it cannot drift from them: field names and types from the classes and their
type hints, ``title`` from the label catalogue, ``description`` from field metadata
and class docstrings, ``required`` from the fields without a default, and ``x-views``
from each field's views. Plugin sections appear under ``extensions``, each derived
from its registered class the same way (or taken from the schema the plugin gave).

Nothing here imports jsonschema: the schema is plain data. Check a document with it::

    import jsonschema, rarepassport
    validator = jsonschema.Draft202012Validator(
        rarepassport.json_schema(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    errors = list(validator.iter_errors(document))
"""

from __future__ import annotations

import copy
import datetime as _dt
import enum
import inspect
import re
import types
import typing
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport._dates import FULL_DATE_PATTERN, PARTIAL_DATE_PATTERN, PartialDate
from rarepassport.errors import Message, PluginError
from rarepassport.model import SCHEMA_VERSION, Passport, View, _type_hints, field_views

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import SectionRegistry, SectionSpec

__all__ = ["SCHEMA_DIALECT", "SCHEMA_ID", "build_schema", "json_schema"]

#: The JSON Schema dialect of the passport schema.
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: The ``$id`` of the passport schema of this format version.
SCHEMA_ID = f"https://rarepassport.readthedocs.io/schema/{SCHEMA_VERSION}/passport.schema.json"

# Partial dates: the loader's grammar (PARTIAL_DATE_PATTERN) narrowed to what it
# accepts. A year alone or a year and month need a real month; a full date must be a
# real calendar day, which only the "date" format can say. The maxLength bounds
# matter: Python's `$` (used by the reference validator) also matches before a final
# newline, so without them "2016\n" would pass in Python while the loader refuses it.
_YEAR_ONLY = {"pattern": "^[0-9]{4}$", "maxLength": 4}
_YEAR_MONTH = {"pattern": "^[0-9]{4}-(?:0[1-9]|1[0-2])$", "maxLength": 7}
_REAL_DAY = {"pattern": "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", "format": "date"}

_NULL: dict[str, Any] = {"type": "null"}
_SECTION_HEADERS = re.compile(
    r"^(?:Args|Arguments|Attributes|Example|Examples|Note|Notes|Raises|Returns|Yields):\s*$", re.MULTILINE
)


def json_schema(*, plugins: PluginManager) -> dict[str, Any]:
    """The step behind [`rarepassport.json_schema`][] (documented there); ``plugins`` is required here."""
    return copy.deepcopy(_schema_of(plugins))


# One schema per plugin manager, dropped with the manager (managers are cheap to make
# in tests, so a strong cache would keep every one alive).
_SCHEMAS: weakref.WeakKeyDictionary[PluginManager, dict[str, Any]] = weakref.WeakKeyDictionary()


def _schema_of(plugins: PluginManager) -> dict[str, Any]:
    """The manager's schema, built on first use; shared, so never hand it out unchanged."""
    schema = _SCHEMAS.get(plugins)
    if schema is None:
        schema = _SCHEMAS[plugins] = build_schema(plugins.sections)
    return schema


def build_schema(sections: SectionRegistry) -> dict[str, Any]:
    """Build the passport schema for these plugin sections.

    Usually you want [`json_schema`][rarepassport.json_schema], which builds it once per plugin manager.

    Args:
        sections: The plugin sections to put under ``extensions``.

    Returns:
        The schema as a JSON-ready dict.

    Raises:
        PluginError: When a section class has a field type with no JSON Schema.
    """
    builder = _Builder()
    root: dict[str, Any] = {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID}
    root.update(builder.class_schema(Passport, extensions=_extensions_schema(builder, sections)))
    root["title"] = "Rare-disease patient passport"
    root["$defs"] = dict(sorted(builder.defs.items()))
    return root


def _extensions_schema(builder: _Builder, sections: SectionRegistry) -> dict[str, Any]:
    properties = {spec.id: _section_schema(builder, spec) for spec in sections}
    # Unknown extension keys are an error, as in the loader: a section whose plugin is
    # not installed cannot be checked, shown or kept safely.
    return {"type": "object", "properties": properties, "additionalProperties": False}


def check_section(spec: SectionSpec) -> None:
    """Raise [`PluginError`][rarepassport.errors.PluginError] when a section's class has no JSON Schema.

    Called when a plugin registers the section, so that the plugin is refused then,
    with a message naming the field, rather than when a schema is first asked for.
    """
    _section_schema(_Builder(), spec)


def _section_schema(builder: _Builder, spec: SectionSpec) -> dict[str, Any]:
    annotations: dict[str, Any] = {"title": spec.title}
    description = spec.description or _docstring(spec.cls)
    if description:
        annotations["description"] = description
    annotations["x-views"] = _views(spec.views)
    annotations["x-plugin"] = spec.plugin
    if spec.applies_to:
        annotations["x-applies-to"] = list(spec.applies_to)
    if spec.schema is not None:
        # The plugin's own schema, as given: its annotations win over ours.
        return {**annotations, **copy.deepcopy(dict(spec.schema))}
    try:
        reference = builder.type_schema(spec.cls)
    except _UnsupportedType as exc:
        raise PluginError(Message(
            "error.plugin.section-field-type", "section {id} from plugin {plugin}: field {field} has a type with no "
            "JSON Schema ({type}); use str, bool, int, float, datetime.date, PartialDate, an Enum, a Literal, an "
            "attrs class, tuple[X, ...], list[X], dict[str, X] or X | None, or pass schema= to sections.add()",
            id=repr(spec.id), plugin=spec.plugin, field=exc.where, type=exc.type_name)) from None
    if spec.version != "1":
        # From version 2 on, the data says which version of the section it is written in.
        # The class's own schema forbids other keys, so this section's is a copy with one more.
        name = reference["$ref"].rsplit("/", 1)[1]
        inline = copy.deepcopy(builder.defs[name])
        inline["properties"] = {"schema_version": {
            "const": spec.version,
            "description": f"The version of this section's shape ({spec.version}); data of an older version "
                           "is upgraded as it is read, and a newer one is refused.",
        }, **inline.get("properties", {})}
        return {**inline, **annotations}
    return {**reference, **annotations}


class _UnsupportedType(Exception):
    def __init__(self, where: str, type_name: str) -> None:
        super().__init__(where, type_name)
        self.where = where
        self.type_name = type_name


def _views(views: frozenset[View]) -> list[str]:
    return [view.value for view in View if view in views]


def _docstring(cls: type) -> str | None:
    """The class docstring up to its first Google-style section, as plain Markdown."""
    # cls.__doc__, not inspect.getdoc: getdoc would hand an undocumented class the
    # docstring of its base (object's, for a plain attrs class).
    raw = cls.__dict__.get("__doc__")
    if not raw:
        return None
    text = _SECTION_HEADERS.split(inspect.cleandoc(raw), maxsplit=1)[0].strip()
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", text)  # Sphinx roles → code
    text = text.replace("``", "`")
    text = re.sub(r"::$", ":", text, flags=re.MULTILINE)
    return text or None


def _humanise(name: str) -> str:
    return name.replace("_", " ").strip().capitalize()


def _class_title(cls: type) -> str:
    # "CareTeamMember" → "Care team member"
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", cls.__name__)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else cls.__name__


def _field_default(field: attrs.Attribute[Any]) -> tuple[bool, object]:
    """Whether a field has a default with a plain JSON spelling, and that spelling."""
    default: object = field.default
    if default is attrs.NOTHING:
        return False, None
    if hasattr(default, "factory") and hasattr(default, "takes_self"):  # an attrs.Factory
        if default.takes_self:
            return False, None  # depends on other fields, e.g. medications_status
        default = default.factory()
    if isinstance(default, enum.Enum):
        return True, default.value
    if default is None or isinstance(default, (bool, int, float, str)):
        return True, default
    if isinstance(default, tuple) and not default:
        return True, []
    if isinstance(default, dict) and not default:
        return True, {}
    return False, None


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


class _Builder:
    """Walks model classes and collects their schemas in ``$defs``."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self._names: dict[type, str] = {}

    def _reference(
        self, cls: type, build: typing.Callable[[], dict[str, Any]], name: str | None = None
    ) -> dict[str, Any]:
        known = self._names.get(cls)
        if known is not None:
            name = known
        else:
            name = name or cls.__name__
            if name in self.defs:
                # Two classes of one name (a plugin's "Contact", say): the later one is
                # named in full so neither shadows the other.
                name = f"{cls.__module__}.{cls.__qualname__}"
            self._names[cls] = name
            self.defs[name] = {}  # placeholder first, so a class that refers to itself ends
            self.defs[name] = build()
        return {"$ref": f"#/$defs/{name}"}

    def type_schema(self, tp: Any, where: str = "?") -> dict[str, Any]:
        """The schema of a type hint, with nested classes and enums in ``$defs``."""
        if tp is None or isinstance(tp, str):
            raise _UnsupportedType(where, "no type, or a type given as text")
        if tp is Any or tp is object:
            return {}
        if tp is type(None):
            return dict(_NULL)
        if _is_union(tp):
            # Only "X or null": the loader has no rule to choose between two types.
            options = [arg for arg in typing.get_args(tp) if arg is not type(None)]
            if len(options) != 1:
                raise _UnsupportedType(where, repr(tp))
            return _nullable(self.type_schema(options[0], where))
        origin = typing.get_origin(tp)
        if origin is typing.Literal:
            return {"enum": list(typing.get_args(tp))}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is str:
            return {"type": "string"}
        if tp is _dt.date:
            return self._reference(_dt.date, _date_schema, "Date")
        if tp is PartialDate:
            return self._reference(PartialDate, _partial_date_schema)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self._reference(tp, lambda: _enum_schema(tp))
        if isinstance(tp, type) and attrs.has(tp):
            return self._reference(tp, lambda: self.class_schema(tp))
        args = typing.get_args(tp)
        # Lists are tuple[X, ...] (the model's choice) or list[X] (a plugin's); the
        # loader reads both strictly, so text is never taken for a list of letters.
        if (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or (origin is list and len(args) == 1):
            return {"type": "array", "items": self.type_schema(args[0], f"{where}[]")}
        if origin in (dict, Mapping) and len(args) == 2 and args[0] is str:
            return {"type": "object", "additionalProperties": self.type_schema(args[1], f"{where}.*")}
        raise _UnsupportedType(where, getattr(tp, "__name__", None) or repr(tp))

    def class_schema(self, cls: type, *, extensions: dict[str, Any] | None = None) -> dict[str, Any]:
        """The object schema of an attrs class (``extensions`` replaces Passport's field)."""
        try:
            hints = _type_hints(cls)
        except NameError as exc:  # a forward reference the class's module cannot resolve
            raise _UnsupportedType(cls.__name__, f"unresolvable type hint: {exc}") from None
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            where = f"{cls.__name__}.{field.name}"
            if cls is Passport and field.name == "extensions" and extensions is not None:
                value_schema = dict(extensions)
            else:
                # attrs.make_class classes have no annotations, only Attribute.type.
                value_schema = self.type_schema(hints.get(field.name, field.type), where)
            properties[field.name] = {**value_schema, **self._annotations(cls, field)}
            if field.default is attrs.NOTHING:
                required.append(field.name)
        if cls is Passport:
            # The loader needs the version to know how to read the rest (and migrate
            # older documents), so it is required although the class has a default.
            properties["schema_version"] = {
                **properties["schema_version"],
                "const": SCHEMA_VERSION,
                "default": SCHEMA_VERSION,
            }
            required.insert(0, "schema_version")
        schema: dict[str, Any] = {"type": "object", "title": _class_title(cls)}
        description = _docstring(cls)
        if description:
            schema["description"] = description
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def _annotations(self, cls: type, field: attrs.Attribute[Any]) -> dict[str, Any]:
        # Titles come from the JSON names, not the label catalogue: render labels are
        # worded for headings (the status fields share their list's label) and may be
        # reworded by plugins, and the schema must not change with them.
        annotations: dict[str, Any] = {"title": _humanise(field.name)}
        description = field.metadata.get("description")
        if description:
            annotations["description"] = description
        has_default, default = _field_default(field)
        if has_default:
            annotations["default"] = default
        annotations["x-views"] = _views(field_views(cls, field.name))
        return annotations


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or ``null``: the loader reads ``null`` as "not given" for optional fields."""
    if set(schema) == {"type"} and isinstance(schema["type"], str):
        return {"type": [schema["type"], "null"]}
    return {"anyOf": [schema, dict(_NULL)]}


def _date_schema() -> dict[str, Any]:
    return {
        "title": "Date",
        "description": "A calendar date written as YYYY-MM-DD (ISO 8601), e.g. 2015-03-02.",
        "type": "string",
        "pattern": FULL_DATE_PATTERN,
        "format": "date",
        "examples": ["2015-03-02"],
    }


def _partial_date_schema() -> dict[str, Any]:
    return {
        "title": "Partial date",
        "description": (
            "A date of which perhaps only the year, or the year and month, is known: "
            "YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601), e.g. 2016, 2016-05, 2016-05-14."
        ),
        "type": "string",
        "pattern": PARTIAL_DATE_PATTERN,
        "anyOf": [dict(_YEAR_ONLY), dict(_YEAR_MONTH), dict(_REAL_DAY)],
        "not": {"pattern": "^0000"},
        "examples": ["2016", "2016-05", "2016-05-14"],
    }


def _enum_schema(cls: type[enum.Enum]) -> dict[str, Any]:
    values = [member.value for member in cls]
    schema: dict[str, Any] = {"title": _class_title(cls)}
    description = _docstring(cls)
    if description:
        schema["description"] = description
    if all(isinstance(value, str) for value in values):
        schema["type"] = "string"
    schema["enum"] = values
    return schema
