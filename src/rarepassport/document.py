"""The layout-neutral document that layout produces and every backend draws.

Layout decides *what* is shown, in which order and with which words; a backend only
decides how a block looks. A backend that can draw these six block types can draw any
passport, including sections that plugins add.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from rarepassport import labels as _labels
from rarepassport.essentials import LABEL_VALUE, Essentials, join_label, label_parts
from rarepassport.model import View

__all__ = [
    "SYMBOLS",
    "Alert",
    "AlertLevel",
    "Block",
    "Document",
    "Field",
    "Heading",
    "ListBlock",
    "Paragraph",
    "RenderNotice",
    "SecondLanguage",
    "Section",
    "Table",
]


# Typed converters: with a bare ``converter=tuple`` mypy cannot check what callers pass.
def _languages(value: Iterable[str | None]) -> tuple[str | None, ...]:
    return tuple(value)


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _rows(rows: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)


def _indexes(values: Iterable[int]) -> frozenset[int]:
    return frozenset(values)


def _blocks(values: Iterable[Block]) -> tuple[Block, ...]:
    return tuple(values)


def _sections(values: Iterable[Section]) -> tuple[Section, ...]:
    return tuple(values)


def _phrases(values: Mapping[str, str]) -> dict[str, str]:
    return dict(values)


def _params(values: Mapping[str, str | int]) -> dict[str, str | int]:
    return dict(values)


#: The symbols an easy-read document may draw beside a section title, each named for
#: what it shows; every backend that draws symbols can draw each of these.
SYMBOLS: tuple[str, ...] = (
    "warning",  # a triangle with an exclamation mark
    "steps",  # a numbered list
    "info",  # an "i" in a circle
    "no",  # a circle struck through
    "flag",
    "flower",  # for allergies
    "clock",
    "signed-page",  # a page with a tick
    "person",
    "cross",  # the medical cross
    "pill",
    "device",  # a box with a heartbeat line
    "bed",
    "calendar",
    "phone",
    "people",
    "heart",
    "book",
    "link",
    "tick",  # a tick in a circle
)


@attrs.frozen(kw_only=True)
class RenderNotice:
    """A drawing problem a backend reports, with a code a program can act on.

    Made with [`Document.notice`][rarepassport.Document.notice], so its text is in the
    document's language; [`Rendered.warnings`][rarepassport.Rendered] holds the texts and
    [`Rendered.notices`][rarepassport.Rendered] these.

    Attributes:
        code: What happened, e.g. ``missing_glyphs_marked``; its text is the catalogue's
            ``phrase.notice.<code>``.
        params: The values of the text's placeholders: counts, code points, JSON paths
            and option names, never a passport value.
        text: The notice in the document's language.
    """

    code: str
    params: Mapping[str, str | int] = attrs.field(factory=dict, converter=_params, hash=False)
    text: str = ""


class AlertLevel(str, enum.Enum):
    """How prominent an alert is."""

    CRITICAL = "critical"
    """Read first: emergency summary, life-threatening allergies."""
    WARNING = "warning"
    """Take care: things to avoid, overdue review."""
    INFO = "info"
    """Worth knowing."""


@attrs.frozen(kw_only=True)
class Heading:
    """A heading inside a section (the section's own title is not a block).

    Attributes:
        text: The heading.
        level: 3 for a heading inside a section.
        language: BCP 47 tag of the text when it is not the document's language
            (guidance shown untranslated), else ``None``.
        part: The part of ``text`` that is in ``language`` when the rest is in the
            document's (an untranslated guidance title inside the translated
            "Recommandations générales : …"); ``None`` when the whole text is.
        second: The same block's texts in the document's second language
            (``second_language=``), for a bilingual document; a text written the same
            in both, or the person's own text, is ``""`` there. ``None`` in a
            document in one language.
    """

    text: str
    level: int = 3
    language: str | None = None
    part: str | None = None
    second: Heading | None = None


@attrs.frozen(kw_only=True)
class Paragraph:
    """Running text.

    Attributes:
        text: The text.
        language: BCP 47 tag of the text when it is not the document's language
            (guidance shown untranslated), else ``None``.
        second: The same block's texts in the document's second language
            (``second_language=``), for a bilingual document; a text written the same
            in both, or the person's own text, is ``""`` there. ``None`` in a
            document in one language.
    """

    text: str
    language: str | None = None
    second: Paragraph | None = None


@attrs.frozen(kw_only=True)
class Field:
    """A labelled value, e.g. *Date of birth: 2 March 2015*.

    Attributes:
        label: The translated label.
        value: The value, already written for people (dates spelled out, enums worded).
        label_id: The label's id in the catalogue, e.g. ``Person.date_of_birth``.
        emphasis: Draw it more strongly (time-critical medicines, severe allergies).
        second: The same block's texts in the document's second language
            (``second_language=``), for a bilingual document; a text written the same
            in both, or the person's own text, is ``""`` there. ``None`` in a
            document in one language.
        label_language: BCP 47 tag of the label when it is not in the document's
            language (``"en"`` for a plugin's label or title with no translation in
            it), else ``None``; HTML marks the label with it.
    """

    label: str
    value: str
    label_id: str = ""
    emphasis: bool = False
    second: Field | None = None
    label_language: str | None = None


@attrs.frozen(kw_only=True)
class ListBlock:
    """A list of short items, e.g. red flags or protocol steps.

    Attributes:
        items: The items, already written for people.
        ordered: Numbered steps rather than bullets.
        label: The list's translated label, if any.
        emphasis: Draw the items strongly (a plugin's emergency regimen, step by step).
        language: BCP 47 tag of the items when not the document's language, else ``None``.
        label_language: BCP 47 tag of ``label`` when it is not in the document's
            language (``"en"`` for a plugin's label with no translation in it), else
            ``None``; HTML marks the label with it.
        second: The same block's texts in the document's second language
            (``second_language=``), for a bilingual document; a text written the same
            in both, or the person's own text, is ``""`` there. ``None`` in a
            document in one language.
    """

    items: tuple[str, ...] = attrs.field(converter=_strings)
    ordered: bool = False
    label: str | None = None
    emphasis: bool = False
    language: str | None = None
    second: ListBlock | None = None
    label_language: str | None = None


@attrs.frozen(kw_only=True)
class Table:
    """A table with a header row, e.g. medications.

    Backends repeat the header when a table splits across pages.
    """

    columns: tuple[str, ...] = attrs.field(converter=_strings)
    rows: tuple[tuple[str, ...], ...] = attrs.field(converter=_rows)
    caption: str | None = None
    emphasis_rows: frozenset[int] = attrs.field(factory=frozenset, converter=_indexes)
    """Indexes of rows to draw more strongly (e.g. time-critical medicines)."""
    second: Table | None = None
    """The same block's texts in the second language, as for a Field's ``second``."""
    column_languages: tuple[str | None, ...] = attrs.field(default=(), converter=_languages)
    """Per column, the BCP 47 tag of its heading when it is not in the document's
    language (``"en"`` for a plugin's field label with no translation in it), else
    ``None``; empty when every heading is in the document's language. HTML marks the
    heading with it."""


@attrs.frozen(kw_only=True)
class Alert:
    """A box that must stand out."""

    text: str
    level: AlertLevel = AlertLevel.WARNING
    title: str | None = None
    second: Alert | None = None
    """The same block's texts in the second language, as for a Field's ``second``."""


#: Every kind of block a backend must be able to draw.
Block = Heading | Paragraph | Field | ListBlock | Table | Alert


@attrs.frozen(kw_only=True)
class Section:
    """A titled part of the document.

    Attributes:
        id: Stable id: the core section name (``emergency``, ``medications``...) or
            ``extensions.<id>`` for a plugin section.
        title: The translated title.
        blocks: The section's content.
        emergency: Part of what to read first (drawn more prominently).
        plugin: The plugin that contributed the section, if any.
        second_title: The title in the document's second language, or ``None``.
        symbol: The name of the symbol an easy-read document draws beside the title
            (one of `rarepassport.document.SYMBOLS`, e.g. ``pill``), or
            ``None`` for none; layout sets it only for easy read.
        title_language: BCP 47 tag of the title when it is not in the document's
            language, else ``None``: ``"en"`` for a plugin section's title that has no
            translation in the document's language (shown in English). HTML marks the
            title with it (``lang="en"``), and so the accessible PDF (``/Lang``).
        second_title_language: ``title_language`` of ``second_title`` in the second
            language's layout (``"en"`` for a plugin's title with no translation in the
            second language), else ``None``.
    """

    id: str
    title: str
    blocks: tuple[Block, ...] = attrs.field(converter=_blocks)
    emergency: bool = False
    plugin: str | None = None
    second_title: str | None = None
    symbol: str | None = None
    title_language: str | None = None
    second_title_language: str | None = None


@attrs.frozen(kw_only=True)
class SecondLanguage:
    """The document-wide texts of a bilingual document in its second language.

    Made by layout for ``second_language=``; each block carries its own texts in the
    second language (``second``). A text written the same in both languages is ``""``
    (or ``None``) here, so it is drawn once.

    Attributes:
        language: BCP 47 tag of the second language.
        direction: ``ltr`` or ``rtl``: how it is written.
        title: The document title.
        date_of_birth: The date of birth as the second language writes it.
        updated_on: "Updated ...", or ``None``.
        reviewed_on: "Reviewed by ... on ...", or ``None``.
        notes: The second language's text of each of the document's notes
            (``Document.warnings``), keyed by the note; a note without one is not here.
        phrases: Every fixed phrase in the second language, as ``Document.phrases``.
        separator: What goes between a text and its second-language counterpart on
            one line (``" / "``, as on the bilingual card).
    """

    language: str
    direction: str = "ltr"
    title: str = ""
    date_of_birth: str = ""
    updated_on: str | None = None
    reviewed_on: str | None = None
    notes: Mapping[str, str] = attrs.field(factory=dict, converter=_phrases, hash=False)
    phrases: Mapping[str, str] = attrs.field(factory=dict, converter=_phrases, hash=False)
    separator: str = " / "


def _filled(text: str, values: Mapping[str, object]) -> str:
    """A phrase with its ``{placeholders}`` filled in."""
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation with a misspelt {placeholder} must not stop a rendering.
        return f"{text} ({', '.join(str(value) for value in values.values())})"


@attrs.frozen(kw_only=True)
class Document:
    """A laid-out passport: what every backend draws.

    Attributes:
        title: Document title, e.g. *Rare disease passport: Ada Example*.
        language: BCP 47 tag of the text.
        view: The view it was laid out for.
        person_name: The person's name, for running headers.
        date_of_birth: The date of birth, written for people.
        updated_on: "Updated 2 March 2026", or ``None``.
        reviewed_on: "Reviewed by ... on ...", or ``None``.
        photo: The photo as a path or ``data:`` URI, when the view shows it.
        sections: The sections, in reading order (emergency first).
        warnings: Things a reader must know about the document itself, e.g. a
            review date that has passed.
        phrases: Every fixed phrase (``phrase.*`` label) in the document's language,
            keyed by label id, so backends print words from the label catalogue and
            never hard-code them; read them with [`phrase`][rarepassport.Document.phrase].
        essentials: The emergency essentials in clinical priority order (see
            [`rarepassport.essentials`][]): what a wallet card, an emergency QR code
            or the emergency part of a document shows first.
        content_language: BCP 47 tag of the person's own text (the passport's
            ``language``), which may differ from the labels' ``language``; backends mark
            the person's text with it (see :func:`rarepassport.languages.text_language`).
            ``None`` when it is the document's language.
        direction: ``ltr`` or ``rtl``: how the labels' language is written.
        second: For a bilingual document (``second_language=``), the document-wide
            texts in the second language; each section and block carries its own.
            ``None`` in one language.
        easy_read: Laid out for easy read: the fixed phrases and section titles in
            their easy-read wording, a symbol beside each section title. Backends that
            print draw it in large print.
    """

    title: str
    language: str
    view: View
    person_name: str
    date_of_birth: str
    sections: tuple[Section, ...] = attrs.field(converter=_sections)
    updated_on: str | None = None
    reviewed_on: str | None = None
    photo: str | None = None
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    phrases: Mapping[str, str] = attrs.field(factory=dict, converter=_phrases, hash=False)
    essentials: Essentials | None = None
    content_language: str | None = None
    direction: str = "ltr"
    second: SecondLanguage | None = None
    easy_read: bool = False

    def phrase(self, id: str, /, **values: object) -> str:
        """A fixed phrase, with ``{placeholders}`` filled in.

        Args:
            id: The phrase's label id, with or without its ``phrase.`` prefix,
                e.g. ``"page_of"``.
            **values: Values for its placeholders, e.g. ``page=1, pages=3``.

        Returns:
            The phrase, or the id itself when layout did not provide it.
        """
        key = id if id.startswith("phrase.") else f"phrase.{id}"
        return _filled(self.phrases.get(key, key), values)

    @property
    def _label_value(self) -> str:
        return self.phrases.get(f"{_labels.PHRASE_PREFIX}label_value") or LABEL_VALUE

    def label_value(self, label: str, value: str) -> str:
        """A value after its label, joined as the document's language writes it.

        The join is the catalogue's ``phrase.label_value``: ``Date of birth: 2 March 2015``,
        in French ``Date de naissance : 2 mars 2015``, in Chinese ``出生日期：2015年3月2日``.
        Every backend joins a label and a value with this (or with
        [`label_parts`][rarepassport.Document.label_parts] to draw the label in bold).
        """
        return join_label(self._label_value, label, value)

    def label_parts(self, label: str) -> tuple[str, str]:
        """What comes before and after a value labelled ``label`` (see `label_value`).

        Returns:
            ``(before, after)``, e.g. ``("Date de naissance : ", "")`` in French.
        """
        return label_parts(self._label_value, label)

    def label_lead(self, label: str) -> str:
        """The text written before a value labelled ``label``, e.g. ``"Date de naissance : "``."""
        return self.label_parts(label)[0]

    def label_alone(self, label: str) -> str:
        """A label that introduces what follows on the next lines, e.g. ``"Allergies:"``."""
        return self.label_value(label, "").strip()

    def notice(self, code: str, /, **params: str | int) -> RenderNotice:
        """A backend's notice, its text the catalogue's ``phrase.notice.<code>`` in the document's language.

        Args:
            code: The notice's code, e.g. ``missing_glyphs_marked``.
            **params: Values for the text's placeholders (counts, code points, JSON
                paths; never passport values).

        Returns:
            The notice; in English when layout did not provide the phrase.
        """
        key = f"{_labels.PHRASE_PREFIX}notice.{code}"
        if key not in self.phrases:
            text = _labels.lookup(key, "en")
            try:
                text = text.format(**params)
            except (KeyError, IndexError, ValueError):
                text = f"{text} ({', '.join(str(value) for value in params.values())})"
        else:
            text = self.phrase(key, **params)
        return RenderNotice(code=code, params=params, text=text)

    def second_phrase(self, id: str, /, **values: object) -> str:
        """A fixed phrase in the second language (see `phrase`), or ``""`` when the
        document has none or the phrase reads the same in both languages."""
        if self.second is None:
            return ""
        key = id if id.startswith("phrase.") else f"phrase.{id}"
        text = _filled(self.second.phrases[key], values) if key in self.second.phrases else ""
        return "" if text == self.phrase(key, **values) else text

    def in_both(self, text: str, second: str | None) -> str:
        """``text`` and its second-language counterpart on one line (``Urgence / Emergency``).

        ``text`` alone when there is no counterpart, or it is the same.
        """
        if self.second is None or not second or second == text:
            return text
        if not text:
            return second
        if self.second.direction != self.direction:
            # Each language keeps its own direction on the shared line (an English label
            # after an Arabic one keeps its closing bracket at its own end).
            second = f"\u2068{second}\u2069"
        return f"{text}{self.second.separator}{second}"

    def with_second_language_inline(self) -> Document:
        """This document in one run of text per block: each label or heading followed by
        its second-language counterpart on the same line (*Urgence / Emergency*), each
        paragraph and alert text by its counterpart on the next line; for a backend that draws plain
        text (``markdown``, ``text``). Unchanged when the document is in one language.
        """
        second = self.second
        if second is None:
            return self
        both = self.in_both

        def beneath(text: str, other: str | None) -> str:
            return f"{text}\n{other}" if other and other != text else text

        def merged(block: Block) -> Block:
            other = block.second
            if other is None:
                return block
            if isinstance(block, Heading) and isinstance(other, Heading):
                return attrs.evolve(block, text=both(block.text, other.text), second=None)
            if isinstance(block, Paragraph) and isinstance(other, Paragraph):
                return attrs.evolve(block, text=beneath(block.text, other.text), second=None)
            if isinstance(block, Field) and isinstance(other, Field):
                return attrs.evolve(block, label=both(block.label, other.label),
                                    value=both(block.value, other.value), second=None)
            if isinstance(block, ListBlock) and isinstance(other, ListBlock):
                items = block.items if len(other.items) != len(block.items) else tuple(
                    both(item, counterpart) for item, counterpart in zip(block.items, other.items, strict=True))
                return attrs.evolve(block, label=both(block.label or "", other.label) or None, items=items,
                                    second=None)
            if isinstance(block, Table) and isinstance(other, Table):
                rows = block.rows if len(other.rows) != len(block.rows) else tuple(
                    tuple(both(cell, counterpart) for cell, counterpart in zip(row, others, strict=False))
                    + row[len(others):] for row, others in zip(block.rows, other.rows, strict=True))
                return attrs.evolve(block, caption=both(block.caption or "", other.caption) or None, rows=rows,
                                    columns=tuple(both(column, counterpart) for column, counterpart
                                                  in zip(block.columns, other.columns, strict=True)), second=None)
            if isinstance(block, Alert) and isinstance(other, Alert):
                return attrs.evolve(block, title=both(block.title or "", other.title) or None,
                                    text=beneath(block.text, other.text), second=None)
            return block  # pragma: no cover - a block's counterpart is of its own type

        phrases = dict(self.phrases)
        for key in ("date_of_birth", "please_note"):
            phrases[f"phrase.{key}"] = both(self.phrase(key), self.second_phrase(key))
        return attrs.evolve(
            self,
            title=both(self.title, second.title),
            date_of_birth=both(self.date_of_birth, second.date_of_birth),
            updated_on=both(self.updated_on, second.updated_on) if self.updated_on else None,
            reviewed_on=both(self.reviewed_on, second.reviewed_on) if self.reviewed_on else None,
            warnings=tuple(both(note, second.notes.get(note)) for note in self.warnings),
            phrases=phrases,
            sections=tuple(attrs.evolve(section, title=both(section.title, section.second_title), second_title=None,
                                        blocks=tuple(merged(block) for block in section.blocks))
                           for section in self.sections),
            second=None,
        )

    def section(self, id: str) -> Section | None:
        """The section with this id, or ``None``."""
        return next((s for s in self.sections if s.id == id), None)
