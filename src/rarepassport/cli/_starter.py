"""The starter passport that ``rarepassport new`` writes for a person to fill in.

It is generated from the model, so it always shows every section and field of the
current format: optional fields are ``null``, lists of records hold one blank record,
and required dates hold ``"YYYY-MM-DD"`` so that ``rarepassport validate`` points at
each one until it is filled in.
"""

from __future__ import annotations

import datetime as _dt
import enum
import typing
from typing import Any

import attrs

from rarepassport._dates import PartialDate
from rarepassport.model import SCHEMA_VERSION, Passport, Person

__all__ = ["starter_document"]

_DATE_PLACEHOLDER = "YYYY-MM-DD"


def _blank(tp: Any, *, required: bool) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp in (_dt.date, PartialDate):
        return _DATE_PLACEHOLDER if required else None
    if origin is tuple:
        item = args[0]
        return [_blank_record(item)] if attrs.has(item) and item is not PartialDate else []
    if args and type(None) in args:  # X | None: optional records too, they may need numbers
        return None
    if attrs.has(tp):
        return _blank_record(tp)
    if tp is str:
        return ""
    if tp is bool:
        return False
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp)).value
    return None


def _blank_record(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    record: dict[str, Any] = {}
    for field in attrs.fields(cls):
        required = field.default is attrs.NOTHING
        if not required and getattr(field.default, "takes_self", False):
            continue  # derived defaults (list statuses): leave them to be worked out
        if field.name == "extensions":
            continue
        value = _blank(hints[field.name], required=required)
        if not required and not attrs.has(hints[field.name]) and field.default not in (attrs.NOTHING, None, ()):
            default = field.default.factory() if hasattr(field.default, "factory") else field.default
            value = default.value if isinstance(default, enum.Enum) else default
        record[field.name] = value
    return record


def starter_document(name: str = "Your Name") -> dict[str, Any]:
    """A passport document with every section, ready to be filled in.

    Args:
        name: The person's name to put in.

    Returns:
        A JSON-ready dict. It does not load until the required dates are filled in.
    """
    document = _blank_record(Passport)
    document["schema_version"] = SCHEMA_VERSION
    document["language"] = "en"
    person = _blank_record(Person)
    person["name"] = name
    document["person"] = person
    return document
