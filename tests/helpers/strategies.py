"""Hypothesis strategies that generate passports from the model itself.

The strategies walk the attrs classes and their type hints, so a field added to the
model (or to a plugin section) is generated without touching this file. What they
make is *structurally* valid: every passport loads, dumps and matches the JSON
Schema. It is not clinically plausible (codes are random text, an NHS number fails its
check digit), so do not expect ``validate()`` to find no issues.

Use them from any test module (pytest puts ``tests/`` on ``sys.path``)::

    from hypothesis import given
    from strategies import passports

    @given(passports())
    def test_renders_any_passport(passport): ...

    @given(passports(plugins=pm))        # with the sections pm registered
    def test_with_sections(passport): ...
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import types
import typing
from collections.abc import Mapping, MutableSequence, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from rarepassport import SCHEMA_VERSION, PartialDate, Passport, PluginManager, SectionSpec

__all__ = [
    "MAX_ITEMS",
    "for_class",
    "for_type",
    "partial_dates",
    "passports",
    "section_data",
    "texts",
]

#: Most items generated in any list: enough to show order and indexing, small for speed.
MAX_ITEMS = 2
#: The range of every generated date.
MIN_DATE, MAX_DATE = _dt.date(1900, 1, 1), _dt.date(2100, 12, 31)

# Any Unicode a person might type, with extra weight on scripts that break naive
# code: Arabic (right-to-left), CJK, emoji (outside the BMP), and combining marks.
_CHARACTERS = st.one_of(
    # Control characters other than newline and tab are refused on reading (they could
    # rewrite a terminal or a report), so a passport that round-trips holds none.
    st.characters(codec="utf-8", exclude_categories=("Cc",), include_characters="\n\t"),
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # combining marks
)


def texts(*, max_size: int = 12) -> st.SearchStrategy[str]:
    """Any Unicode text a passport may hold, short for speed.

    No lone surrogates (which UTF-8 cannot carry) and no control characters other than
    newline and tab (which reading refuses).
    """
    return st.text(_CHARACTERS, max_size=max_size)


def partial_dates() -> st.SearchStrategy[PartialDate]:
    """Partial dates of year, month and day precision within the sane date range."""
    return st.builds(
        lambda day, precision: PartialDate(
            year=day.year,
            month=day.month if precision != "year" else None,
            day=day.day if precision == "day" else None,
        ),
        st.dates(MIN_DATE, MAX_DATE),
        st.sampled_from(["year", "month", "day"]),
    )


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


Overrides = Mapping[str, st.SearchStrategy[Any]]


def for_type(tp: Any, *, overrides: Overrides | None = None) -> st.SearchStrategy[Any]:
    """A strategy for values of a model type hint.

    Args:
        tp: A type hint as the model writes it: ``str``, ``bool``, ``int``, ``float``,
            ``datetime.date``, ``PartialDate``, an Enum, an attrs class, a tuple, list
            or mapping of those, a ``Literal``, or ``X | None``.
        overrides: Strategies for particular fields, keyed ``"ClassName.field"``.

    Raises:
        TypeError: For a type hint the model does not use.
    """
    overrides = overrides or {}
    if _is_union(tp):
        return st.one_of(*(for_type(arg, overrides=overrides) for arg in typing.get_args(tp)))
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is type(None):
        return st.none()
    if origin is typing.Literal:
        return st.sampled_from(args)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(min_value=-(10**6), max_value=10**6)
    if tp is float:
        # Weights and doses: positive, finite, with decimals.
        return st.floats(min_value=0.0, max_value=1000.0, allow_nan=False, allow_infinity=False)
    if tp is str:
        return texts()
    if tp is _dt.date:
        return st.dates(MIN_DATE, MAX_DATE)
    if tp is PartialDate:
        return partial_dates()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if isinstance(tp, type) and attrs.has(tp):
        return for_class(tp, overrides=overrides)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(for_type(args[0], overrides=overrides), max_size=MAX_ITEMS).map(tuple)
    if origin in (list, Sequence, MutableSequence) and len(args) == 1:
        return st.lists(for_type(args[0], overrides=overrides), max_size=MAX_ITEMS)
    if origin in (dict, Mapping) and len(args) == 2 and args[0] is str:
        return st.dictionaries(texts(max_size=6), for_type(args[1], overrides=overrides), max_size=MAX_ITEMS)
    raise TypeError(f"no strategy for type {tp!r}")


def for_class(cls: type, *, overrides: Overrides | None = None) -> st.SearchStrategy[Any]:
    """Instances of an attrs class, every field generated from its type hint.

    Fields with a default are sometimes left out, so defaults (including defaults that
    depend on other fields, like ``medications_status``) are exercised as well.

    Args:
        cls: A frozen attrs class of the model or of a plugin section.
        overrides: Strategies for particular fields, keyed ``"ClassName.field"``.
    """
    if not overrides:
        return _for_class_cached(cls)
    return _build_for_class(cls, overrides)


@functools.cache
def _for_class_cached(cls: type) -> st.SearchStrategy[Any]:
    return _build_for_class(cls, {})


def _build_for_class(cls: type, overrides: Overrides) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for field in attrs.fields(cls):
        key = f"{cls.__name__}.{field.name}"
        if key in overrides:
            strategy = overrides[key]
        elif key in _DEFAULT_OVERRIDES:
            strategy = _DEFAULT_OVERRIDES[key]
        else:
            strategy = for_type(hints[field.name], overrides=overrides)
        (required if field.default is attrs.NOTHING else optional)[field.name] = strategy
    return st.fixed_dictionaries(required, optional=optional).map(lambda kwargs: cls(**kwargs))


# Fields whose type alone allows values the loader refuses.
_DEFAULT_OVERRIDES: dict[str, st.SearchStrategy[Any]] = {
    "Passport.schema_version": st.just(SCHEMA_VERSION),
    # Plugin sections come from passports(plugins=...), never from the type hint.
    "Passport.extensions": st.just({}),
}


def section_data(spec: SectionSpec, *, overrides: Overrides | None = None) -> st.SearchStrategy[Any]:
    """Instances of a plugin section's class, as they sit in ``Passport.extensions``.

    Args:
        spec: The section, e.g. ``plugins.sections["fabry"]``.
        overrides: Strategies for particular fields, keyed ``"ClassName.field"``.
    """
    return for_class(spec.cls, overrides=overrides)


def passports(
    *, plugins: PluginManager | None = None, overrides: Overrides | None = None
) -> st.SearchStrategy[Passport]:
    """Arbitrary structurally valid passports.

    Args:
        plugins: When given, ``extensions`` holds any subset of this manager's
            sections (pass the same manager to ``to_dict``/``dumps``). Without it,
            passports have no extensions.
        overrides: Strategies for particular fields, keyed ``"ClassName.field"``,
            e.g. ``{"Person.name": st.just("Ada Example")}``.
    """
    overrides = dict(overrides or {})
    if plugins is not None and len(plugins.sections) and "Passport.extensions" not in overrides:
        overrides["Passport.extensions"] = st.fixed_dictionaries(
            {}, optional={spec.id: section_data(spec, overrides=overrides) for spec in plugins.sections}
        )
    return typing.cast("st.SearchStrategy[Passport]", for_class(Passport, overrides=overrides))
