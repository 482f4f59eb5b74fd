"""Redaction: the passport a view is allowed to see, and nothing else.

[`redact`][rarepassport.redact] returns a copy of a passport in which every field outside
a view is empty (its default), at every depth: core sections, list items, and the
sections plugins added under ``extensions`` (a plugin section outside the view is left
out whole; inside it, each field's own ``views`` apply). Layout redacts first, so every
backend and every output of a view (PDF text, metadata and outline, HTML, Markdown,
text, the card, the QR payload) is drawn from the redacted passport only, and
``to_ips(..., view=...)`` exports the same.

Which fields belong to which view is the ``views`` metadata of each field
([`field_views`][rarepassport.field_views]); ``full`` keeps everything. Two fields outside
every view but ``full`` are kept because they are not about the person:
``schema_version`` and ``language`` (the language the content is written in, which
chooses the labels).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.errors import Message, RenderError
from rarepassport.model import Passport, View, field_views

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager

__all__ = ["KEPT_IN_EVERY_VIEW", "redact"]

#: ``(class, field)`` pairs kept in every view although their metadata says ``full``:
#: they describe the document, not the person.
KEPT_IN_EVERY_VIEW: frozenset[tuple[type, str]] = frozenset({(Passport, "schema_version"), (Passport, "language")})


def _default(field: attrs.Attribute[Any], owner: Any) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return default.factory(owner) if default.takes_self else default.factory()
    return default


def _redact_value(value: Any, view: View, plugins: PluginManager) -> Any:
    if attrs.has(type(value)):
        return _redact_object(value, view, plugins)
    if isinstance(value, tuple):
        items = tuple(_redact_value(item, view, plugins) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def _redact_extensions(extensions: Mapping[str, Any], view: View, plugins: PluginManager) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for section_id, section in extensions.items():
        # A section no plugin registered has no views to go by: it is left out.
        if section_id in plugins.sections and view in plugins.sections[section_id].views:
            kept[section_id] = _redact_value(section, view, plugins)
    return kept


def _redact_object(obj: Any, view: View, plugins: PluginManager) -> Any:
    cls = type(obj)
    changes: dict[str, Any] = {}
    for field in attrs.fields(cls):
        value = getattr(obj, field.name)
        if (cls, field.name) in KEPT_IN_EVERY_VIEW:
            continue
        if view not in field_views(cls, field.name):
            if field.default is attrs.NOTHING:
                # A required field outside the view: the object cannot exist without it,
                # so it is refused rather than leaked (model and plugin tests keep this empty).
                raise ValueError(f"{cls.__name__}.{field.name} is required but outside the {view.value} view")
            changes[field.name] = _default(field, obj)
        elif cls is Passport and field.name == "extensions":
            changes[field.name] = _redact_extensions(value, view, plugins)
        else:
            redacted = _redact_value(value, view, plugins)
            if redacted is not value:
                changes[field.name] = redacted
    if not changes:
        return obj
    # Fields are set through __init__ (by their init alias), so converters and
    # validators run as for any passport built from Python.
    values = {field.alias: changes.get(field.name, getattr(obj, field.name)) for field in attrs.fields(cls)
              if field.init}
    return cls(**values)


def redact(passport: Passport, view: View | str, *, plugins: PluginManager) -> Passport:
    """The step behind [`rarepassport.redact`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"redact() takes a rarepassport.Passport, not {type(passport).__name__}")
    try:
        chosen = View(view)
    except ValueError:
        names = ", ".join(v.value for v in View)
        raise RenderError(Message("error.render.unknown-view", "unknown view {view}; the views are: {names}",
                                  view=repr(str(view)), names=names)) from None
    if chosen is View.FULL:
        return passport
    redacted: Passport = _redact_object(passport, chosen, plugins)
    return redacted
