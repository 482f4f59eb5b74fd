"""XHTML narratives of Composition sections, drawn from layout's document blocks.

Every IPS section must carry a narrative a person can read when the receiving system
understands none of the coded entries. The narrative is drawn from the same
layout-neutral [`Section`][rarepassport.document.Section] the PDF and HTML backends draw,
so that it says what the passport says, in the same words. Every value is escaped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from html import escape as _html_escape
from typing import Any

import attrs

from rarepassport.document import Alert, Block, Document, Field, Heading, ListBlock, Paragraph, Section, Table
from rarepassport.errors import PluginError
from rarepassport.essentials import LABEL_VALUE, label_parts
from rarepassport.layouts import LayoutContext, layout_fields

XHTML_NS = "http://www.w3.org/1999/xhtml"

# Characters XML 1.0 cannot hold at all, even escaped (C0 controls but tab, newline and
# carriage return; lone surrogates; U+FFFE and U+FFFF), and C1 controls: each is shown
# as a visible replacement so that every narrative stays well-formed XHTML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Text as XHTML character data: markup escaped, characters XML forbids replaced."""
    return _html_escape(_NOT_XML.sub("\ufffd", text))


def _label_value(template: str, label: str, value: str) -> str:
    """``Label: value`` as the language joins them (the one join every output uses,
    `rarepassport.essentials.label_parts`), the label in bold; ``value`` is escaped XHTML."""
    before, after = label_parts(escape(template), f"<b>{escape(label)}</b>")
    return f"{before}{value}{after}"


def _table_xhtml(table: Table) -> str:
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    head = "".join(f"<th>{escape(column)}</th>" for column in table.columns)
    rows = []
    for index, row in enumerate(table.rows):
        cells = "".join(
            f"<td><b>{escape(cell)}</b></td>" if index in table.emphasis_rows and cell else f"<td>{escape(cell)}</td>"
            for cell in row
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _block(block: Block, join: str = LABEL_VALUE) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 3), 6)
        return f"<h{level}>{escape(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Field):
        value = escape(block.value)
        if block.emphasis:
            value = f"<b>{value}</b>"
        return f"<p>{_label_value(join, block.label, value)}</p>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        label = f"<p><b>{escape(block.label)}</b></p>" if block.label else ""
        return f"{label}<{tag}>{items}</{tag}>"
    if isinstance(block, Table):
        return _table_xhtml(block)
    if isinstance(block, Alert):
        title = f"<b>{escape(block.title)}</b> " if block.title else ""
        return f"<p>{title}{escape(block.text)}</p>"
    # A block type this module does not know yet still says something readable.
    return f"<p>{escape(str(getattr(block, 'text', '')))}</p>"


def _div(parts: Iterable[str], direction: str = "ltr") -> str:
    # Right-to-left labels (Arabic) are laid out right to left by any viewer: FHIR's
    # XHTML allows ``dir``.
    attributes = ' dir="rtl"' if direction == "rtl" else ""
    return f'<div xmlns="{XHTML_NS}"{attributes}>{"".join(parts)}</div>'


def section_xhtml(sections: Iterable[Section], *, fallback: Sequence[Block] = (), join: str = LABEL_VALUE,
                  direction: str = "ltr") -> str:
    """The XHTML ``div`` of a Composition section's narrative.

    Args:
        sections: Laid-out sections whose blocks make up the narrative (several when
            one IPS section gathers parts of several passport sections).
        fallback: What to say when the sections have nothing to show, in the
            document's language, e.g. layout's "No diagnosis recorded".
        join: How the language joins a label and its value (``phrase.label_value``).
        direction: ``rtl`` for labels written right to left.

    Returns:
        A ``<div xmlns="http://www.w3.org/1999/xhtml">`` element as text.
    """
    sections = list(sections)
    parts = []
    for section in sections:
        # One IPS section may gather several laid-out sections: keep their headings.
        if len(sections) > 1 and section.title and section.blocks:
            parts.append(f"<h3>{escape(section.title)}</h3>")
        parts.extend(_block(block, join) for block in section.blocks)
    if not parts:
        parts = [_block(block, join) for block in fallback]
    return _div(parts, direction)


def narrative(div: str, status: str = "generated") -> dict[str, Any]:
    """A FHIR ``Narrative`` generated from the passport.

    ``additional`` says the narrative holds more than the resource's own elements (a
    plugin's resource narrated by its whole section).
    """
    return {"status": status, "div": div}


def _matches(text: str, key: str) -> bool:
    """Whether a laid-out cell or heading names ``key``: itself, or with a note, "Ada (lead)"."""
    return text == key or text.startswith(key + " (")


@attrs.define
class Narrator:
    """The laid-out document of one passport, read back for FHIR narratives.

    Each resource's narrative is the part of the Document that shows it (its table
    row, its heading and what follows, its field), so a receiving system shows the
    words, labels and dates the PDF shows. A part is taken once: two allergies to the
    same substance are the table's two rows, in order.

    Attributes:
        document: The passport laid out (view and language of the export).
        context: A layout context in the same view and language, for labels and for
            laying out an object layout's Document does not show.
    """

    document: Document
    context: LayoutContext
    # Rows (and headings, row -1) already narrated, by block object: a part under a
    # heading shares its blocks with the section.
    _taken: set[tuple[int, int]] = attrs.field(factory=set, init=False)

    @property
    def join(self) -> str:
        """How the language joins a label and its value."""
        return self.document.phrases.get("phrase.label_value", LABEL_VALUE)

    def section(self, id: str) -> Section | None:
        """The laid-out section with this id."""
        return self.document.section(id)

    def sections(self, ids: Iterable[str]) -> list[Section]:
        """The laid-out sections with these ids, in the order given, those present."""
        found = (self.document.section(id) for id in ids)
        return [section for section in found if section is not None]

    def under_heading(self, section: Section | None, key: str, *, level: int = 3) -> Section | None:
        """A heading naming ``key`` and the blocks under it, as a section of their own.

        Args:
            section: Where to look.
            key: The heading's text, or its start before a note in brackets.
            level: The heading's level; the part ends at the next heading of this
                level or above.
        """
        if section is None:
            return None
        blocks = section.blocks
        headings = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level <= level]
        for exact in (True, False):
            for position, (start, heading) in enumerate(headings):
                if heading.level != level or (id(heading), -1) in self._taken:
                    continue
                if not (heading.text == key if exact else _matches(heading.text, key)):
                    continue
                # Taken once, like a row: two diagnoses of the same name are the two parts, in order.
                self._taken.add((id(heading), -1))
                end = headings[position + 1][0] if position + 1 < len(headings) else len(blocks)
                return Section(id=section.id, title=heading.text, blocks=blocks[start:end])
        return None

    def field(self, section_id: str, label_id: str) -> Field | None:
        """The laid-out field with this label id in a section."""
        section = self.document.section(section_id)
        blocks = section.blocks if section is not None else ()
        return next((b for b in blocks if isinstance(b, Field) and b.label_id == label_id), None)

    def row(self, sections: Iterable[Section | None], key: str) -> tuple[Section, Table] | None:
        """The first row not yet taken whose first cell names ``key``, as a one-row table.

        Columns empty in that row are left out, so the narrative stays short. Returns
        the section the row is in and the table, or ``None``.
        """
        candidates = [s for s in sections if s is not None]
        for exact in (True, False):
            for section in candidates:
                for block in section.blocks:
                    if not isinstance(block, Table):
                        continue
                    for row_index, row in enumerate(block.rows):
                        where = (id(block), row_index)
                        if not row or where in self._taken:
                            continue
                        if (row[0] == key) if exact else _matches(row[0], key):
                            self._taken.add(where)
                            keep = [i for i, cell in enumerate(row) if i == 0 or cell]
                            return section, Table(
                                columns=[block.columns[i] for i in keep], rows=[[row[i] for i in keep]],
                                emphasis_rows={0} if row_index in block.emphasis_rows else ())
        return None

    def fields_of(self, obj: object) -> list[Block]:
        """An object layout's Document does not show, laid out from its fields by layout."""
        return layout_fields(self.context, obj)

    def div(self, blocks: Iterable[Block | None], *, title: str | None = None) -> str | None:
        """A resource's ``div`` from laid-out blocks; ``None`` when there is nothing to say."""
        parts = [_block(block, self.join) for block in blocks if block is not None]
        if title:
            parts.insert(0, f"<p><b>{escape(title)}</b></p>")
        return _div(parts, self.document.direction) if parts else None

    def section_div(self, sections: Iterable[Section], *, fallback: Sequence[Block] = ()) -> str:
        """A Composition section's ``div`` (see [`section_xhtml`][])."""
        return section_xhtml(sections, fallback=fallback, join=self.join, direction=self.document.direction)


# FHIR's txt-1 rule: a narrative holds only basic HTML formatting, no scripts, forms,
# event handlers or external content (https://hl7.org/fhir/R4/narrative.html).
_ALLOWED_ELEMENTS = frozenset({
    "a", "abbr", "acronym", "b", "big", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "kbd", "li", "ol", "p", "pre", "q", "samp", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "ul", "var"
})
_ALLOWED_ATTRIBUTES = frozenset({
    "abbr", "accesskey", "align", "alt", "axis", "bgcolor", "border", "cellhalign",
    "cellpadding", "cellspacing", "cellvalign", "char", "charoff", "charset", "cite", "class",
    "colspan", "compact", "coords", "dir", "frame", "headers", "height", "href", "hreflang",
    "hspace", "id", "lang", "longdesc", "name", "nowrap", "rel", "rev", "rowspan", "rules",
    "scope", "shape", "span", "src", "start", "style", "summary", "tabindex", "title", "type",
    "valign", "value", "vspace", "width"
})
_MAX_DIV_CHARACTERS = 1_000_000


def check_div(div: str, where: str) -> str:
    """A narrative ``div`` from outside (a plugin), checked as FHIR allows it.

    Well-formed XHTML with a single ``div`` root in the XHTML namespace, only the basic
    formatting elements and attributes of FHIR's rule txt-1, no ``on*`` handlers, no
    ``javascript:`` links, images only from ``data:`` or ``#`` references (a narrative
    must not fetch anything), and some text (txt-2).

    Args:
        div: The narrative as text.
        where: What supplied it, for the message, e.g. ``"plugin section 'fabry'"``.

    Returns:
        ``div`` unchanged when it passes.

    Raises:
        PluginError: Naming ``where`` and what is wrong, never quoting the content.
    """
    def refuse(reason: str) -> PluginError:
        return PluginError(f"{where}: its FHIR narrative 'div' is not allowed: {reason}")

    if not isinstance(div, str):
        raise refuse(f"it is {type(div).__name__}, not text")
    if len(div) > _MAX_DIV_CHARACTERS:
        raise refuse(f"longer than {_MAX_DIV_CHARACTERS} characters")
    if _NOT_XML.search(div):
        raise refuse("it holds characters XML cannot carry (control characters or lone surrogates)")
    if "<!DOCTYPE" in div.upper() or "<!ENTITY" in div.upper():
        raise refuse("document type declarations and entities are not allowed")
    try:
        # No DOCTYPE (so no entities) can reach the parser: refused just above.
        root = ET.fromstring(div)  # noqa: S314
    except ET.ParseError as error:
        raise refuse(f"not well-formed XHTML ({error})") from None
    prefix = "{" + XHTML_NS + "}"
    if root.tag != prefix + "div":
        raise refuse(f"the root element must be a <div> in the XHTML namespace {XHTML_NS}")
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(prefix):
            raise refuse("every element must be in the XHTML namespace")
        name = element.tag[len(prefix):]
        if name not in _ALLOWED_ELEMENTS:
            raise refuse(f"element <{name}> is not basic HTML formatting (FHIR rule txt-1)")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            if local.lower().startswith("on") or local not in _ALLOWED_ATTRIBUTES:
                raise refuse(f"attribute {local!r} on <{name}> is not allowed (FHIR rule txt-1)")
            if local in {"href", "src", "longdesc", "cite"}:
                target = re.sub(r"\s+", "", value).lower()
                if target.startswith(("javascript:", "vbscript:")):
                    raise refuse(f"attribute {local!r} on <{name}> holds a script link")
                if name == "img" and local == "src" and not target.startswith(("data:", "#")):
                    raise refuse("an <img> must use a data: URI or a # reference, not fetch a file")
    if not "".join(root.itertext()).strip() and root.find(f".//{prefix}img") is None:
        raise refuse("it has no text (FHIR rule txt-2)")
    return div
