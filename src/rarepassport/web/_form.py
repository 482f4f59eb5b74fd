"""The editor's form, generated from the model's attrs fields and the registered plugin sections.

Three steps, each a pure function of the model classes:

* `form_sections` lists the form's top-level groups in the passport's order
  (emergency first, a condition plugin's emergency section right after it);
* `render_form` writes the HTML of a JSON-like passport document, each field named by
  its path (``allergies[0].substance``), with issues beside their fields;
* `parse_form` turns the posted fields back into the JSON-like document.

The form works on the document, not on a `Passport`: what a person typed is kept as
typed (a mistyped date stays in its field with the error beside it) until it validates.
"""

from __future__ import annotations

import datetime as _dt
import enum
import html
import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Union

import attrs

from rarepassport import labels as _labels
from rarepassport._dates import PartialDate
from rarepassport._report import Issue, IssueSeverity
from rarepassport.languages import candidates
from rarepassport.model import SCHEMA_VERSION, Emergency, Passport
from rarepassport.plugin_manager import PluginManager

__all__ = [
    "FieldKind",
    "FormSection",
    "apply_action",
    "field_id",
    "form_sections",
    "issue_target",
    "parse_form",
    "render_form",
    "ui",
]

#: Text fields drawn as a several-line box rather than one line.
_LONG = frozenset({
    "summary", "notes", "text", "when", "anaesthesia", "communication", "distress", "pain", "sensory",
    "mobility", "eating_and_drinking", "personal_care", "sleep", "decisions", "other", "details",
    "address", "contents", "treatment", "outcome",
})

#: Top-level fields the form does not show; their stored values are kept as they are.
CARRIED = ("schema_version", "id", "language")

#: The status fields drawn as explicit choices (radio buttons) before their list.
_STATUS_OF = {"medications": "medications_status", "allergies": "allergies_status"}

#: The core sections, in the passport's order, after the emergency ones.
_CORE_ORDER = (
    "allergies", "medications", "person", "diagnoses", "devices", "contacts", "care_team",
    "care_preferences", "history", "links", "additional_sections", "review",
)

def ui(key: str, language: str, plugins: PluginManager, /, **values: object) -> str:
    """One of the editor's own words (catalogue label ``phrase.editor_<key>``) in ``language``."""
    label_id = {"yes": "phrase.yes", "no": "phrase.no"}.get(key, f"{_labels.PHRASE_PREFIX}editor_{key}")
    return _labels.lookup(label_id, language, plugins.labels).format(**values)


# --- field kinds ------------------------------------------------------------------------


@attrs.frozen
class FieldKind:
    """What kind of input a field gets.

    Attributes:
        kind: ``text``, ``long``, ``bool``, ``choice_bool``, ``number``, ``date``,
            ``partial_date``, ``enum``, ``enum_list``, ``text_list``, ``object``,
            ``object_list`` or ``other``.
        optional: ``None`` is allowed.
        target: The enum or attrs class, for ``enum``, ``enum_list``, ``object``, ``object_list``.
    """

    kind: str
    optional: bool = False
    target: Any = None


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(args) == 1:
            return args[0], len(args) < len(typing.get_args(tp))
    return tp, False


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - a plugin's unresolvable annotation: fall back to attrs' types
        return {field.name: field.type for field in attrs.fields(cls)}


def field_kind(cls: type, field: attrs.Attribute[Any]) -> FieldKind:
    """The kind of input for a field of an attrs class."""
    tp, optional = _unwrap_optional(_hints(cls).get(field.name, field.type))
    origin = typing.get_origin(tp)
    if origin in (tuple, list, Sequence, typing.Sequence):
        args = [arg for arg in typing.get_args(tp) if arg is not Ellipsis]
        item = args[0] if args else str
        if isinstance(item, type) and issubclass(item, enum.Enum):
            return FieldKind("enum_list", target=item)
        if attrs.has(item):
            return FieldKind("object_list", target=item)
        return FieldKind("text_list")
    if not isinstance(tp, type):
        return FieldKind("other", optional)
    if issubclass(tp, enum.Enum):
        return FieldKind("enum", optional, tp)
    if tp is bool:
        has_default = field.default is not attrs.NOTHING and field.default is not None
        return FieldKind("bool" if has_default and not optional else "choice_bool", optional)
    if tp in (int, float):
        return FieldKind("number", optional)
    if tp is PartialDate:
        return FieldKind("partial_date", optional)
    if tp is _dt.date:
        return FieldKind("date", optional)
    if tp is str:
        return FieldKind("long" if field.name in _LONG else "text", optional)
    if attrs.has(tp):
        return FieldKind("object", optional, tp)
    return FieldKind("other", optional)


def _label_id(cls: type, field: attrs.Attribute[Any]) -> str:
    custom = field.metadata.get("label")
    return str(custom) if custom else f"{cls.__name__}.{field.name}"


#: The catalogue labels of the fields' help texts: ``help.<Class>.<field>`` (or
#: ``help.<label id>`` for a field with its own label id).
HELP_PREFIX = "help."

#: What stands for a new entry's index (and its number, counted from 1) in a list at a
#: nesting depth, in the ``<template>`` of an empty entry; editor.js puts the real ones in.
ROW_PLACEHOLDER = "__row{}__"
NUMBER_PLACEHOLDER = "__number{}__"


# --- sections ------------------------------------------------------------------------------


@attrs.frozen
class FormSection:
    """A top-level group of the form.

    Attributes:
        id: The anchor id of the group.
        title: Its heading.
        cls: The attrs class whose fields it shows (``Passport`` for core lists).
        path: The document path of the object shown (``""`` for the passport itself).
        fields: The names of the fields of ``cls`` it shows.
        plugin: The plugin's name, for a plugin section.
    """

    id: str
    title: str
    cls: type
    path: str
    fields: tuple[str, ...]
    plugin: str | None = None


def form_sections(plugins: PluginManager, language: str) -> list[FormSection]:
    """The form's groups: emergency, a plugin's emergency sections, then the core, then other plugins."""
    def label(label_id: str) -> str:
        return _labels.lookup(label_id, language, plugins.labels)

    def plugin_section(spec: Any) -> FormSection:
        title = plugins.labels.get(f"section.{spec.id}", language) or spec.title
        return FormSection(id=f"s-x-{spec.id}", title=title, cls=spec.cls, path=f"extensions.{spec.id}",
                           fields=tuple(f.name for f in attrs.fields(spec.cls)), plugin=spec.plugin)

    specs = [spec for spec in plugins.sections if attrs.has(spec.cls)]
    sections = [FormSection(id="s-emergency", title=label("section.emergency"), cls=Emergency, path="emergency",
                            fields=tuple(f.name for f in attrs.fields(Emergency)))]
    sections += [plugin_section(spec) for spec in specs if spec.emergency]
    for name in _CORE_ORDER:
        field = attrs.fields_dict(Passport)[name]
        kind = field_kind(Passport, field)
        if kind.kind == "object":
            sections.append(FormSection(id=f"s-{name}", title=label(f"section.{name}"), cls=kind.target,
                                        path=name, fields=tuple(f.name for f in attrs.fields(kind.target))))
        else:
            shown = (_STATUS_OF[name], name) if name in _STATUS_OF else (name,)
            sections.append(FormSection(id=f"s-{name}", title=label(f"section.{name}"), cls=Passport, path="",
                                        fields=shown))
    sections += [plugin_section(spec) for spec in specs if not spec.emergency]
    return sections


# --- names and ids ---------------------------------------------------------------------------


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def field_id(name: str) -> str:
    """The HTML id of the input named ``name`` (a document path)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", name).strip("-")


def issue_target(path: str, names: Iterable[str]) -> str | None:
    """The form name an issue at JSON path ``path`` belongs beside: the field, else its nearest shown parent.

    ``$.allergies[0].substance`` is the field ``allergies[0].substance``; an issue about a
    whole entry (``$.diagnoses[1]``) goes beside that entry's group. ``None`` when no part
    of the path is on the form.
    """
    known = set(names)
    name = path.removeprefix("$").removeprefix(".")
    name = re.sub(r"\['([^']*)'\]", r".\1", name).lstrip(".")
    while name:
        if name in known:
            return name
        cut = max(name.rfind("."), name.rfind("["))
        if cut <= 0:
            return name if name in known else None
        name = name[:cut]
    return None


# --- parsing ------------------------------------------------------------------------------------


class _Form:
    """The posted fields: ``get`` one value, ``getlist`` several (Starlette's FormData has both)."""

    def __init__(self, data: Any) -> None:
        self._data = data

    def get(self, name: str) -> str:
        value = self._data.get(name)
        return value if isinstance(value, str) else ""

    def getlist(self, name: str) -> list[str]:
        return [value for value in self._data.getlist(name) if isinstance(value, str)]

    def has(self, name: str) -> bool:
        return name in self._data


def _default_of(field: attrs.Attribute[Any]) -> Any:
    default = field.default
    if default is attrs.NOTHING or isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return attrs.NOTHING
    return default.value if isinstance(default, enum.Enum) else default


def _parse_value(form: _Form, cls: type, field: attrs.Attribute[Any], name: str, keep_empty: bool) -> Any:
    kind = field_kind(cls, field)
    raw = form.get(name)
    if kind.kind in ("text", "date", "partial_date", "enum"):
        text = raw.strip()
        return text or None
    if kind.kind == "long":
        text = raw.replace("\r\n", "\n").strip()
        return text or None
    if kind.kind == "number":
        text = raw.strip()
        # A decimal comma ("18,5") is read as a point; "1,500" is ambiguous (a thousands
        # separator?) and is kept as typed, so validation asks rather than guessing a weight.
        if re.fullmatch(r"-?\d+,\d{1,2}", text):
            text = text.replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return raw.strip()  # kept as typed: validation names the field
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    if kind.kind == "bool":
        return form.has(name)  # unchecked is False: left out when that is the default
    if kind.kind == "choice_bool":
        return {"true": True, "false": False}.get(raw)
    if kind.kind == "text_list":
        lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n")]
        return [line for line in lines if line] or None
    if kind.kind == "enum_list":
        return form.getlist(name) or None
    if kind.kind == "object":
        return _parse_object(form, kind.target, name, keep_empty) or None
    if kind.kind == "object_list":
        try:
            count = min(int(form.get(f"{name}#n") or 0), 1000)
        except ValueError:
            count = 0
        rows = [_parse_object(form, kind.target, f"{name}[{i}]", keep_empty) for i in range(count)]
        rows = [row for row in rows if keep_empty or row]
        return rows or None
    # A type the form has no input for (a plugin's own): its JSON, as written in the box.
    text = raw.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # kept as typed: validation names the field


def _parse_object(form: _Form, cls: type, path: str, keep_empty: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in attrs.fields(cls):
        value = _parse_value(form, cls, field, _join(path, field.name), keep_empty)
        if value is None or value == _default_of(field):
            continue
        out[field.name] = value
    return out


def parse_form(
    data: Any, plugins: PluginManager, *, original: Mapping[str, Any] | None = None, keep_empty: bool = False
) -> dict[str, Any]:
    """The JSON-like passport document a posted form describes.

    Args:
        data: The posted fields (Starlette's ``FormData``, or anything with ``get`` and ``getlist``).
        plugins: The plugin manager whose sections are on the form.
        original: The stored document: what the form does not show (``schema_version``,
            ``id``, ``language``, sections of plugins not installed) is kept from it.
        keep_empty: Keep entries with nothing filled in (while adding rows); on saving
            they are dropped, so an added but unused row is no error.
    """
    form = _Form(data)
    document: dict[str, Any] = {}
    original = original or {}
    document["schema_version"] = SCHEMA_VERSION
    for key in CARRIED:
        if key in original:
            document[key] = original[key]
    for section in form_sections(plugins, "en"):
        if section.plugin is not None:
            value = _parse_object(form, section.cls, section.path, keep_empty)
            if value:
                document.setdefault("extensions", {})[section.path.removeprefix("extensions.")] = value
            continue
        fields = attrs.fields_dict(Passport)
        if section.path:
            value = _parse_object(form, section.cls, section.path, keep_empty)
            if value:
                document[section.path] = value
            continue
        for name in section.fields:
            value = _parse_value(form, Passport, fields[name], name, keep_empty)
            if value is not None:
                document[name] = value
    old_extensions = original.get("extensions")
    if isinstance(old_extensions, Mapping):
        for key, value in old_extensions.items():
            if key not in plugins.sections:
                document.setdefault("extensions", {})[key] = value
    ordered = [f.name for f in attrs.fields(Passport)]
    return {key: document[key] for key in sorted(document, key=ordered.index) if key in ordered}


def _locate(document: dict[str, Any], path: str) -> tuple[dict[str, Any], str] | None:
    """The container and key of ``path`` (``a.b[1].c``) inside the document, creating dicts on the way."""
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    node: Any = document
    for part, after in zip(parts, [*parts[1:], None], strict=True):
        if after is None:
            return (node, part) if isinstance(node, dict) and not part.startswith("[") else None
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(node, list) or index >= len(node):
                return None
            node = node[index]
        else:
            if not isinstance(node, dict):
                return None
            default: Any = [] if after.startswith("[") else {}
            node = node.setdefault(part, default)
    return None


def apply_action(document: dict[str, Any], action: str) -> bool:
    """Apply a row button (``add:diagnoses``, ``remove:diagnoses[1]``, ``up:diagnoses[1]``) to the document.

    Returns:
        Whether the action was understood.
    """
    verb, _, path = action.partition(":")
    if verb == "add":
        place = _locate(document, path)
        if place is None:
            return False
        container, key = place
        rows = container.get(key)
        container[key] = [*(rows if isinstance(rows, list) else []), {}]
        return True
    match = re.fullmatch(r"(.+)\[(\d+)\]", path)
    if verb not in ("remove", "up") or match is None:
        return False
    place = _locate(document, match.group(1))
    if place is None:
        return False
    container, key = place
    rows = container.get(key)
    index = int(match.group(2))
    if not isinstance(rows, list) or index >= len(rows):
        return False
    if verb == "remove":
        del rows[index]
    elif index > 0:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    return True


# --- rendering --------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


@attrs.define
class _Writer:
    """Writes the form's HTML for one document, with the issues beside their fields."""

    plugins: PluginManager
    language: str
    issues: Mapping[str, list[Issue]]
    names: set[str] = attrs.field(factory=set)
    out: list[str] = attrs.field(factory=list)
    section_title: str = ""
    upload: str | None = None

    def label(self, label_id: str) -> str:
        return _labels.lookup(label_id, self.language, self.plugins.labels)

    def ui(self, key: str, **values: object) -> str:
        return ui(key, self.language, self.plugins, **values)

    def issue_html(self, name: str) -> tuple[str, list[str]]:
        """The issue paragraphs for ``name`` and their ids."""
        parts, ids = [], []
        for number, issue in enumerate(self.issues.get(name, [])):
            issue_id = f"{field_id(name)}-issue{number}"
            ids.append(issue_id)
            word = self.ui("error") if issue.severity is IssueSeverity.ERROR else self.ui("warning")
            css = "error" if issue.severity is IssueSeverity.ERROR else "warning"
            parts.append(f'<p class="{css}" id="{issue_id}"><strong>{_e(word)}:</strong> {_e(issue.message)}</p>')
        return "".join(parts), ids

    def help_html(self, cls: type, field: attrs.Attribute[Any]) -> str:
        """A field's description as help text (HTML), in the form's language when the catalogue has it.

        The translation is catalogue label ``help.<label id>`` (``help.Person.name``), used only
        while its English is the field's description as it is now; otherwise the English
        description is shown marked as English and as not yet translated.
        """
        description = str(field.metadata.get("description") or "")
        if not description:
            return ""
        label_id = f"{HELP_PREFIX}{_label_id(cls, field)}"
        registry = self.plugins.labels
        if registry.get_exact(label_id, "en") == description:
            for candidate in candidates(self.language):
                if candidate == "en":
                    break
                text = registry.get_exact(label_id, candidate)
                if text:
                    return _e(text)
        if candidates(self.language)[-1] == "en":
            return _e(description)
        return (f'<span lang="en">{_e(description)}</span> '
                f'<span class="untranslated">{_e(self.ui("untranslated"))}</span>')

    def enum_label(self, member: enum.Enum) -> str:
        return self.label(f"enum.{type(member).__name__}.{member.value}")

    def field(self, cls: type, field: attrs.Attribute[Any], name: str, value: Any) -> None:
        kind = field_kind(cls, field)
        if kind.kind == "object":
            self.group(kind.target, name, value if isinstance(value, Mapping) else {},
                       self.label(_label_id(cls, field)), field.metadata.get("description"))
            return
        if kind.kind == "object_list":
            self.rows(kind.target, name, value if isinstance(value, list) else [], self.label(_label_id(cls, field)))
            return
        self.names.add(name)
        fid = field_id(name)
        label = self.label(_label_id(cls, field))
        hint = {"text_list": self.ui("one_per_line"), "other": "JSON", "date": self.ui("date_help"),
                "partial_date": self.ui("partial_date_help"), "number": self.ui("number_help")}.get(kind.kind, "")
        help_text = " ".join(part for part in (self.help_html(cls, field), _e(hint)) if part)
        issues, issue_ids = self.issue_html(name)
        described = " ".join([f"{fid}-help", *issue_ids])
        invalid = ' aria-invalid="true"' if any(
            issue.severity is IssueSeverity.ERROR for issue in self.issues.get(name, [])) else ""
        required = "" if kind.optional or field.default is not attrs.NOTHING else " required-field"
        common = f'id="{fid}" name="{_e(name)}" aria-describedby="{described}"{invalid}'
        help_html = f'<p class="help" id="{fid}-help">{help_text}</p>'
        if kind.kind == "bool":
            checked = " checked" if value is True else ""
            self.out.append(f'<div class="field check{required}"><input type="checkbox" value="true" {common}'
                            f'{checked}><label for="{fid}">{_e(label)}</label>{help_html}{issues}</div>')
            return
        if kind.kind == "enum_list":
            chosen = [str(v) for v in value] if isinstance(value, list) else []
            # The chosen ones first, in their saved order (the order is kept), then the others.
            by_value = {str(member.value): member for member in kind.target}
            members = [by_value[v] for v in chosen if v in by_value]
            members += [member for member in kind.target if member not in members]
            boxes = "".join(
                f'<div class="check"><input type="checkbox" id="{fid}-{i}" name="{_e(name)}" '
                f'value="{_e(member.value)}"{" checked" if member.value in chosen else ""}>'
                f'<label for="{fid}-{i}">{_e(self.enum_label(member))}</label></div>'
                for i, member in enumerate(members))
            self.out.append(f'<fieldset class="field" id="{fid}" aria-describedby="{described}">'
                            f'<legend>{_e(label)}</legend>{help_html}{issues}{boxes}</fieldset>')
            return
        if kind.kind == "enum" and field.name.endswith("_status"):
            current = str(value) if value is not None else str(_default_of(field) or "")
            radios = "".join(
                f'<div class="check"><input type="radio" id="{fid}-{i}" name="{_e(name)}" '
                f'value="{_e(member.value)}"{" checked" if member.value == current else ""}>'
                f'<label for="{fid}-{i}">{_e(self.enum_label(member))}</label></div>'
                for i, member in enumerate(kind.target))
            self.out.append(f'<fieldset class="field status" id="{fid}" aria-describedby="{described}">'
                            f'<legend>{_e(label)}</legend>{help_html}{issues}{radios}</fieldset>')
            return
        control: str
        if kind.kind in ("enum", "choice_bool"):
            if kind.kind == "enum":
                choices = [(str(m.value), self.enum_label(m)) for m in kind.target]
                current = "" if value is None else str(value)
                blank = kind.optional or field.default is None or field.default is attrs.NOTHING
            else:
                choices = [("true", self.ui("yes")), ("false", self.ui("no"))]
                current = {True: "true", False: "false"}.get(value, "") if isinstance(value, bool) else str(value or "")
                blank = True
            if current and current not in {key for key, _ in choices}:
                choices.append((current, current))  # kept as typed: validation names it
            options = [f'<option value=""{" selected" if not current else ""}>{_e(self.ui("not_said"))}</option>'
                       ] if blank else []
            options += [f'<option value="{_e(key)}"{" selected" if key == current else ""}>{_e(text)}</option>'
                        for key, text in choices]
            control = f'<select {common}>{"".join(options)}</select>'
        elif kind.kind == "other":
            text = "" if value is None else json.dumps(value, ensure_ascii=False, indent=1)
            control = f'<textarea {common} rows="4" spellcheck="false">{_e(text)}</textarea>'
        elif kind.kind in ("long", "text_list"):
            text = "\n".join(str(v) for v in value) if isinstance(value, list) else ("" if value is None else value)
            rows = 4 if kind.kind == "text_list" else 3
            control = f'<textarea {common} rows="{rows}">{_e(text)}</textarea>'
        else:
            text = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            extra = ' inputmode="decimal"' if kind.kind == "number" else ""
            extra += ' autocomplete="off"'
            control = f'<input type="text" {common} value="{_e(text)}"{extra}>'
        if name == "person.photo" and self.upload:
            # A file chosen here is checked and kept on the next press of any button (photo upload).
            control += (f'<label for="{fid}-upload" class="upload">{_e(self.ui("photo_upload"))}</label>'
                        f'<p class="help" id="{fid}-upload-help">{_e(self.ui("photo_upload_help"))}</p>'
                        f'<input type="file" id="{fid}-upload" name="{_e(self.upload)}" '
                        f'accept="image/png,image/jpeg,image/webp" aria-describedby="{fid}-upload-help">')
        self.out.append(f'<div class="field{required}"><label for="{fid}">{_e(label)}</label>{help_html}{issues}'
                        f'{control}</div>')

    def fields(self, cls: type, path: str, value: Mapping[str, Any], only: Iterable[str] | None = None) -> None:
        wanted = list(only) if only is not None else [f.name for f in attrs.fields(cls)]
        fields = attrs.fields_dict(cls)
        for name in wanted:
            self.field(cls, fields[name], _join(path, name), value.get(name))

    def group(self, cls: type, path: str, value: Mapping[str, Any], legend: str, description: object) -> None:
        self.names.add(path)
        fid = field_id(path)
        issues, _ = self.issue_html(path)
        self.out.append(f'<fieldset class="group" id="{fid}"><legend>{_e(legend)}</legend>{issues}')
        self.fields(cls, path, value)
        self.out.append("</fieldset>")

    def rows(self, cls: type, path: str, rows: list[Any], legend: str) -> None:
        self.names.add(path)
        fid = field_id(path)
        issues, _ = self.issue_html(path)
        # A list that is the whole section has the section's heading: its legend is for screen readers only.
        hidden = ' class="vh"' if legend == self.section_title else ""
        self.out.append(f'<fieldset class="rows" id="{fid}"><legend{hidden}>{_e(legend)}</legend>{issues}'
                        f'<input type="hidden" name="{_e(path)}#n" value="{len(rows)}">')
        for index, row in enumerate(rows):
            self.row(cls, path, str(index), str(index + 1), row, legend, first=index == 0)
        # An empty entry for the editor's script to add without a round trip (editor.js); a browser
        # never posts what is inside a <template>, so without script nothing changes.
        depth = path.count("[")
        names, self.names = self.names, set()
        self.out.append(f'<template data-rows="{_e(path)}" data-index="{ROW_PLACEHOLDER.format(depth)}" '
                        f'data-number="{NUMBER_PLACEHOLDER.format(depth)}">')
        self.row(cls, path, ROW_PLACEHOLDER.format(depth), NUMBER_PLACEHOLDER.format(depth), {}, legend, first=False)
        self.out.append("</template>")
        self.names = names
        self.out.append(f'<button type="submit" class="secondary" name="_action" value="add:{_e(path)}">'
                        f'{_e(self.ui("add", list=legend))}</button></fieldset>')

    def row(self, cls: type, path: str, index: str, number: str, row: Any, legend: str, *, first: bool) -> None:
        row_path = f"{path}[{index}]"
        self.names.add(row_path)
        row_legend = f"{legend} {number}"
        row_issues, _ = self.issue_html(row_path)
        self.out.append(f'<fieldset class="row" id="{field_id(row_path)}"><legend>{_e(row_legend)}</legend>'
                        f'{row_issues}')
        self.fields(cls, row_path, row if isinstance(row, Mapping) else {})
        buttons = [f'<button type="submit" class="secondary" name="_action" value="remove:{_e(row_path)}">'
                   f'{_e(self.ui("remove"))}<span class="vh"> {_e(row_legend)}</span></button>']
        if not first:
            buttons.append(f'<button type="submit" class="secondary" name="_action" value="up:{_e(row_path)}">'
                           f'{_e(self.ui("move_up"))}<span class="vh"> {_e(row_legend)}</span></button>')
        self.out.append(f'<div class="buttons">{"".join(buttons)}</div></fieldset>')


def _value_at(document: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    node: Any = document
    for part in path.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def render_form(
    document: Mapping[str, Any],
    plugins: PluginManager,
    language: str,
    *,
    issues: Sequence[Issue] = (),
    hidden: Mapping[str, str] | None = None,
    action: str = "",
    notice: str = "",
    aside: str = "",
    on_name: Callable[[set[str]], None] | None = None,
    photo_upload: str | None = None,
) -> str:
    """The form's HTML (inside ``<main>``), with the error summary at the top.

    Args:
        document: The JSON-like passport document to show.
        plugins: The plugin manager whose sections are on the form.
        language: The language of the labels.
        issues: Validation issues, each shown beside its field and in the summary.
        hidden: Hidden fields of the form (the CSRF token).
        action: The URL the form posts to.
        notice: A status line (e.g. "Saved.").
        aside: HTML put after the summary (the download links).
        on_name: Called with the names of every field and group on the form.
        photo_upload: The name of a file field for a photo beside ``person.photo``
            (the form is then posted as ``multipart/form-data``); none when ``None``.
    """
    sections = form_sections(plugins, language)
    names = _all_names(document, plugins, sections)
    placed: dict[str, list[Issue]] = {}
    loose: list[Issue] = []
    for issue in issues:
        target = issue_target(issue.path, names)
        if target is None:
            loose.append(issue)
        else:
            placed.setdefault(target, []).append(issue)
    writer = _Writer(plugins, language, {**placed, "": loose}, upload=photo_upload)
    body = writer.out
    for section in sections:
        value = document if not section.path else _value_at(document, section.path)
        has_issue = any(name == section.path or name.startswith(section.path + ".") for name in placed) \
            if section.path else False
        if section.plugin is not None:
            opened = " open" if value or has_issue else ""
            body.append(f'<details class="section plugin" id="{section.id}"{opened}><summary><h2>'
                        f'{_e(section.title)}</h2></summary><p class="help">{_e(writer.ui("plugin_note"))}</p>')
            writer.fields(section.cls, section.path, value)
            body.append("</details>")
            continue
        writer.section_title = section.title
        body.append(f'<section class="section" id="{section.id}" aria-labelledby="{section.id}-h">'
                    f'<h2 id="{section.id}-h">{_e(section.title)}</h2>')
        writer.fields(section.cls, section.path, value, section.fields)
        body.append("</section>")
    if on_name is not None:
        on_name(writer.names)
    summary = _summary(writer, issues, placed, loose)
    hidden_html = "".join(f'<input type="hidden" name="{_e(k)}" value="{_e(v)}">' for k, v in (hidden or {}).items())
    status = f'<p class="notice" role="status">{_e(notice)}</p>' if notice else ""
    enctype = ' enctype="multipart/form-data"' if photo_upload else ""
    return (f'{status}{summary}<div class="layout">{aside}<form method="post" action="{_e(action)}"{enctype} '
            f'novalidate>{hidden_html}'
            f'<div class="buttons top"><button type="submit" name="_action" value="save">{_e(writer.ui("save"))}'
            f'</button></div>{"".join(body)}'
            f'<div class="buttons"><button type="submit" name="_action" value="save">{_e(writer.ui("save"))}'
            f'</button></div></form></div>')


def _all_names(document: Mapping[str, Any], plugins: PluginManager, sections: list[FormSection]) -> set[str]:
    """The names the form will have for this document (a dry run of the writer)."""
    writer = _Writer(plugins, "en", {})
    for section in sections:
        value = document if not section.path else _value_at(document, section.path)
        writer.fields(section.cls, section.path, value, section.fields if not section.plugin else None)
    return writer.names


def _summary(writer: _Writer, issues: Sequence[Issue], placed: Mapping[str, list[Issue]], loose: list[Issue]) -> str:
    if not issues:
        return ""
    errors = any(issue.severity is IssueSeverity.ERROR for issue in issues)
    title = writer.ui("problems") if errors else writer.ui("notes")
    items = []
    for name, found in placed.items():
        if not name:
            continue
        for number, issue in enumerate(found):
            items.append(f'<li class="{issue.severity.value}"><a href="#{field_id(name)}-issue{number}">'
                         f'{_e(issue.message)}</a> <span class="path">({_e(issue.path)})</span></li>')
    items += [f'<li class="{issue.severity.value}">{_e(issue.message)} <span class="path">({_e(issue.path)})</span>'
              f'</li>' for issue in loose]
    return (f'<div class="summary{" has-errors" if errors else ""}" id="summary" tabindex="-1" '
            f'aria-labelledby="summary-h"><h2 id="summary-h">{_e(title)}</h2><ul>{"".join(items)}</ul></div>')
