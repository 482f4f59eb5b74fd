"""The layout context, field helpers and the plugin-hook caller every section uses."""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport import labels as _labels
from rarepassport._dates import PartialDate
from rarepassport.clinical import Population
from rarepassport.document import (
    Block,
    Field,
    Heading,
    ListBlock,
    Paragraph,
    Section,
    Table,
)
from rarepassport.essentials import Essentials, join_label
from rarepassport.guidance import Guidance
from rarepassport.model import (
    Coding,
    Emergency,
    Link,
    Passport,
    View,
    field_views,
)

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import PluginFailure

__all__ = ["LayoutContext", "LayoutInputs", "TrustStatement", "layout_fields"]


@attrs.frozen(kw_only=True)
class TrustStatement:
    """What the page says about who checked the passport.

    Attributes:
        long: The full statement, every check in one line (pages' header and footer).
        short: The card's short form.
        alarming: The short form warns (a check that no longer applies or cannot be checked).
        blocks: The blocks of the review section, one per check.
    """

    long: str
    short: str
    alarming: bool = False
    blocks: tuple[Block, ...] = ()


@attrs.frozen(kw_only=True)
class LayoutInputs:
    """What every layout step is given besides the context: the passport and what layout worked out.

    Worked out once, before any step runs, so every step sees the same decisions (the
    essentials, the guidance that applies, the plugins' sections).

    Attributes:
        passport: The whole passport. A step shows only what ``context.shows`` allows.
        emergency: ``passport.emergency`` when the view shows it, else an empty one.
        essentials: What matters most in the first minutes, in clinical priority order.
        guidance: Every plugin's general guidance for this passport.
        population: Child or adult on the context's day, when the date of birth tells.
        emergency_extensions: Plugin sections registered as emergency, laid out.
        other_extensions: The other plugin sections, laid out.
        contributors: The plugins whose sections or guidance the document carries.
        trust: What the page says about who checked the passport, verified when layout
            began (`rarepassport.layouts._trust`); ``None`` when not worked out.
    """

    passport: Passport
    emergency: Emergency
    essentials: Essentials
    guidance: tuple[Guidance, ...]
    population: Population | None
    emergency_extensions: tuple[Section, ...]
    other_extensions: tuple[Section, ...]
    contributors: tuple[str, ...]
    trust: TrustStatement | None = None


def _label_id(cls: type, name: str) -> str:
    field = attrs.fields_dict(cls)[name]
    custom = field.metadata.get("label")
    return str(custom) if custom else f"{cls.__name__}.{name}"


@attrs.define(kw_only=True)
class LayoutContext:
    """What layout, and a plugin laying out its own section, need to know.

    Attributes:
        view: The view being laid out; only fields in it may be shown.
        language: BCP 47 tag of the labels.
        plugins: The plugin manager (labels, sections, hooks).
        today: The date overdue reviews are measured against.
        easy_read: Laid out for easy read: every label with an easy-read wording
            (``easyread.<id>`` in the catalogue) is worded so, the others as usual.
        warnings: Warnings for the Document; add with [`warn`][rarepassport.LayoutContext.warn]. Never put field
            values in them.
    """

    view: View
    language: str
    plugins: PluginManager
    today: _dt.date
    easy_read: bool = False
    warnings: list[str] = attrs.field(factory=list)

    def label(self, label_id: str, /, **values: object) -> str:
        """The text of a label in this context's language, placeholders filled.

        Args:
            label_id: E.g. ``Medication.dose``, ``section.allergies``, ``phrase.yes``.
            **values: Values for ``{placeholders}`` in the label.
        """
        text = _labels.lookup(label_id, self.language, self.plugins.labels, easy_read=self.easy_read)
        if not values:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A plugin's translation with a misspelt {placeholder}: use English, say which label.
            self.warn(self._bad_label_warning(label_id))
            return _labels.lookup(label_id, "en").format(**values)

    def _bad_label_warning(self, label_id: str) -> str:
        """The warning that ``label_id`` could not be filled in, in this language when its own entry can be."""
        values = {"id": label_id, "language": self.language}
        try:
            return _labels.lookup("phrase.bad_label", self.language, self.plugins.labels).format(**values)
        except (KeyError, IndexError, ValueError):
            return _labels.lookup("phrase.bad_label", "en").format(**values)

    def phrase(self, phrase_id: str, /, **values: object) -> str:
        """A fixed phrase: ``phrase("yes")`` is ``label("phrase.yes")``."""
        return self.label(f"{_labels.PHRASE_PREFIX}{phrase_id}", **values)

    def label_value(self, label: str, value: str) -> str:
        """A value after its label, joined as this context's language writes it (``phrase.label_value``)."""
        return join_label(self.phrase("label_value"), label, value)

    def has_label(self, label_id: str) -> bool:
        """Whether a label exists in this context's language, a plugin's or the built-in catalogue."""
        return _has_label(self, label_id)

    def field_label(self, cls: type, name: str) -> str:
        """The label of a field of a model or plugin class."""
        return self.label(_label_id(cls, name))

    def label_language(self, label_id: str) -> str | None:
        """The language `label` gives ``label_id`` in when it is not this context's:
        ``"en"`` when neither this language nor a shorter tag of it has the label (a
        plugin's title or field label nobody translated, shown in English), else ``None``.

        Renderers mark such a text with its language (``lang="en"`` in HTML, ``/Lang``
        in the accessible PDF), so a screen reader reads it in an English voice.
        """
        from rarepassport.languages import candidates

        if self.language.split("-")[0] == "en":
            return None
        registry = self.plugins.labels
        ids = (f"{_labels.EASY_READ_PREFIX}{label_id}", label_id) if self.easy_read else (label_id,)
        for tag in candidates(self.language):
            if any(registry.get_exact(wanted, tag) is not None for wanted in ids):
                return None
        return "en"

    def field_label_language(self, cls: type, name: str) -> str | None:
        """`label_language` of a field's label."""
        return self.label_language(_label_id(cls, name))

    def shows(self, cls: type, name: str) -> bool:
        """Whether the field ``name`` of ``cls`` belongs to this context's view."""
        return self.view in field_views(cls, name)

    def warn(self, message: str) -> None:
        """Add a warning to the Document (no field values, please)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def format_date(self, value: _dt.date | PartialDate | None) -> str:
        """Write a date unambiguously, with the month as a word, through Babel's CLDR data.

        ``2 March 2015``, ``2 mars 2015``, ``2. März 2015``, ``2015年3月2日`` (CLDR's long
        form); ``May 2016`` or ``2016`` for a partial date.

        Args:
            value: A full or partial date; ``None`` gives ``""``.
        """
        if value is None:
            return ""
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):
            value = PartialDate.from_date(value)
        from babel.dates import format_date, format_skeleton

        from rarepassport.languages import babel_locale

        locale = babel_locale(self.language)
        day = _dt.date(value.year, value.month or 1, value.day or 1)
        if value.month is None:
            return format_skeleton("y", day, locale=locale)
        if value.day is None:
            return format_skeleton("yMMMM", day, locale=locale)
        return format_date(day, "long", locale=locale)

    def format_enum(self, value: enum.Enum) -> str:
        """The word for an enum value, e.g. ``Severity.LIFE_THREATENING`` → "Life-threatening"."""
        return self.label(f"enum.{type(value).__name__}.{value.value}")

    def format_number(self, value: float) -> str:
        """A number as the language writes it (CLDR): ``21.6`` in English, ``21,6`` in Spanish."""
        from babel.numbers import format_decimal

        from rarepassport.languages import babel_locale

        return format_decimal(value, format="#,##0.###", locale=babel_locale(self.language), group_separator=False)

    def format_value(self, value: object) -> str:
        """Write any field value for people, showing only what is in the view.

        Dates are spelled out, enums worded, booleans are Yes/No, codes are
        ``ORPHA:558 (Marfan syndrome)``, lists are joined with ``; `` and nested
        objects are written as ``Label: value`` pairs.
        """
        if value is None:
            return ""
        if isinstance(value, bool):
            return self.phrase("yes") if value else self.phrase("no")
        if isinstance(value, enum.Enum):
            return self.format_enum(value)
        if isinstance(value, (_dt.date, PartialDate)):
            return self.format_date(value)
        if isinstance(value, float):
            return self.format_number(value)
        if isinstance(value, str):
            return value
        if isinstance(value, Coding):
            return _coding_text(value)
        if isinstance(value, Link):
            return _link_text(value, self)
        if isinstance(value, Mapping):
            return "; ".join(
                self.label_value(_labels.humanise(str(key)), self.format_value(item))
                for key, item in value.items()
                if not _is_empty(item)
            )
        if isinstance(value, (tuple, list, set, frozenset)):
            return "; ".join(text for text in (self.format_value(item) for item in value) if text)
        cls = type(value)
        if attrs.has(cls):
            parts = []
            for field in attrs.fields(cls):
                item = getattr(value, field.name)
                if not self.shows(cls, field.name) or _skip(field, item):
                    continue
                parts.append(self.label_value(self.field_label(cls, field.name), self.format_value(item)))
            return ", ".join(parts)
        return str(value)


def _coding_text(coding: Coding) -> str:
    # Codes such as ORPHA:558 carry their system already; others need it named.
    code = coding.code if ":" in coding.code else f"{coding.system} {coding.code}"
    return f"{code} ({coding.display})" if coding.display else code


def _link_text(link: Link, context: LayoutContext) -> str:
    title = link.title if link.title and context.shows(Link, "title") else None
    return context.label_value(title, link.url) if title else link.url


def _is_empty(value: object) -> bool:
    return (
        value is None
        or value == ""
        or (isinstance(value, (tuple, list, Mapping, set, frozenset)) and not value)
    )


def _skip(field: attrs.Attribute[Any], value: object) -> bool:
    """Whether a value says nothing worth printing.

    A boolean left at its default (``as_needed: false``) is noise; one set against
    its default is information, so it is shown.
    """
    if _is_empty(value):
        return True
    if isinstance(value, bool):
        default = field.default if not isinstance(field.default, attrs.Factory) else None  # type: ignore[arg-type]
        return value is default or (default is attrs.NOTHING and not value)
    return False


# --- generic building blocks ----------------------------------------------------------


def _table(
    context: LayoutContext,
    cls: type,
    items: Sequence[Any],
    names: Iterable[str] | None = None,
    *,
    cells: Mapping[str, Callable[[Any], str]] | None = None,
    emphasis: Callable[[Any], bool] | None = None,
    caption: str | None = None,
) -> Table | None:
    """A table of model objects: one column per field in the view that has a value."""
    if not items:
        return None
    cells = cells or {}
    wanted = [name for name in (names or attrs.fields_dict(cls)) if context.shows(cls, name)]

    def cell(item: Any, name: str) -> str:
        if name in cells:
            return cells[name](item)
        value = getattr(item, name)
        field = attrs.fields_dict(cls)[name]
        return "" if _skip(field, value) else context.format_value(value)

    grid = [[cell(item, name) for name in wanted] for item in items]
    # Keep a column only when some row has something in it, so tables stay narrow.
    keep = [i for i, name in enumerate(wanted) if i == 0 or any(row[i] for row in grid)]
    languages = [context.label_language(_label_id(cls, wanted[i])) for i in keep]
    return Table(
        columns=[context.field_label(cls, wanted[i]) for i in keep],
        column_languages=languages if any(languages) else (),
        rows=[[row[i] for i in keep] for row in grid],
        caption=caption,
        emphasis_rows={i for i, item in enumerate(items) if emphasis is not None and emphasis(item)},
    )


def layout_fields(
    context: LayoutContext,
    obj: object,
    *,
    exclude: Iterable[str] = (),
    level: int = 3,
) -> list[Block]:
    """Lay out an attrs object from its field metadata, showing only fields in the view.

    This is what plugin sections get when their plugin does not lay them out; a
    plugin's own ``rarepassport_layout_section`` may call it too.

    * a list of objects becomes a heading and a table;
    * a list of text becomes a labelled list;
    * a nested object becomes a heading and its own fields;
    * anything else becomes a labelled field.

    Args:
        context: The layout context (view, labels, dates).
        obj: An attrs instance (a plugin section's data, or a core object).
        exclude: Field names to leave out (already shown elsewhere).
        level: Heading level of nested headings.

    Returns:
        The blocks, in field order; empty values are left out.
    """
    if isinstance(obj, Mapping):
        # Data of a section whose class could not be used: write it as plain fields.
        return [
            Field(label=_labels.humanise(str(key)), value=context.format_value(value))
            for key, value in obj.items()
            if not _is_empty(value)
        ]
    cls = type(obj)
    if not attrs.has(cls):
        return [Paragraph(text=context.format_value(obj))] if not _is_empty(obj) else []
    excluded = set(exclude)
    blocks: list[Block] = []
    for field in attrs.fields(cls):
        if field.name in excluded or not context.shows(cls, field.name):
            continue
        value = getattr(obj, field.name)
        if _skip(field, value):
            continue
        label_id = _label_id(cls, field.name)
        label = context.label(label_id)
        if (
            isinstance(value, (tuple, list))
            and all(attrs.has(type(item)) for item in value)
            and not all(isinstance(item, (Coding, Link)) for item in value)
        ):
            item_cls = type(value[0])
            table = _table(context, item_cls, [v for v in value if type(v) is item_cls])
            if table is not None:
                blocks += [Heading(text=label, level=level, language=context.label_language(label_id)), table]
        elif isinstance(value, (tuple, list, set, frozenset)):
            items = [context.format_value(item) for item in value]
            blocks.append(
                ListBlock(
                    items=[item for item in items if item],
                    label=label,
                    emphasis=bool(field.metadata.get("emphasis", False)),
                    label_language=context.label_language(label_id),
                )
            )
        elif attrs.has(type(value)) and not isinstance(value, (Coding, Link, PartialDate)):
            inner = layout_fields(context, value, level=level + 1)
            if inner:
                blocks += [Heading(text=label, level=level, language=context.label_language(label_id)), *inner]
        else:
            blocks.append(
                Field(
                    label=label,
                    value=context.format_value(value),
                    label_id=label_id,
                    emphasis=bool(field.metadata.get("emphasis", False)),
                    label_language=context.label_language(label_id),
                )
            )
    return blocks


def _section(
    context: LayoutContext,
    id: str,
    blocks: Sequence[Block | None],
    *,
    emergency: bool = False,
    title: str | None = None,
    plugin: str | None = None,
    title_language: str | None = None,
) -> Section | None:
    kept = [block for block in blocks if block is not None]
    if not kept:
        return None
    return Section(
        id=id,
        title=title if title is not None else context.label(f"section.{id}"),
        blocks=kept,
        emergency=emergency,
        plugin=plugin,
        title_language=title_language if title is not None else context.label_language(f"section.{id}"),
    )


def _field(context: LayoutContext, obj: object, name: str, *, emphasis: bool = False) -> Field | None:
    cls: Any = type(obj)
    value = getattr(obj, name)
    if not context.shows(cls, name) or _skip(attrs.fields_dict(cls)[name], value):
        return None
    label_id = _label_id(cls, name)
    return Field(
        label=context.label(label_id), value=context.format_value(value), label_id=label_id, emphasis=emphasis,
        label_language=context.label_language(label_id),
    )


# --- plugin hooks, called one plugin at a time --------------------------------------


def _call_each(context: LayoutContext, hook_name: str, /, **kwargs: Any) -> Iterable[tuple[str, Any]]:
    """Call a hook plugin by plugin, in pluggy's order, yielding ``(plugin, result)``.

    A plugin that raises is skipped with a warning naming it and the hook (only the
    exception's type: its message may quote passport data).
    """
    def warn(failure: PluginFailure) -> None:
        error = failure.message.removeprefix("raised ")
        context.warn(context.phrase("plugin_failed", plugin=failure.plugin, hook=hook_name, error=error))

    yield from context.plugins.call_each(hook_name, on_failure=warn, **kwargs)


def _reviewer_who(context: LayoutContext, reviewer: Any) -> str:
    """A reviewer's name, with the role and organisation the view shows: "Dr A, consultant, X"."""
    parts = (
        reviewer.name,
        reviewer.role if context.shows(type(reviewer), "role") else None,
        reviewer.organisation if context.shows(type(reviewer), "organisation") else None,
    )
    return ", ".join(part for part in parts if part)


def _has_label(context: LayoutContext, label_id: str) -> bool:
    return context.plugins.labels.get(label_id, context.language) is not None or label_id in _labels.ENGLISH
