"""XHTML narratives of Composition sections, drawn from layout's document blocks.

Every IPS section must carry a narrative a person can read when the receiving system
understands none of the coded entries. The narrative is drawn from the same
layout-neutral :class:`~rarepassport.document.Section` the PDF and HTML backends draw,
so that it says what the passport says, in the same words. Every value is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape as _html_escape
from typing import Any

from rarepassport.document import Alert, Block, Field, Heading, ListBlock, Paragraph, Section, Table

XHTML_NS = "http://www.w3.org/1999/xhtml"

# Characters XML 1.0 cannot hold at all, even escaped (C0 controls but tab, newline and
# carriage return; lone surrogates; U+FFFE and U+FFFF), and C1 controls: each is shown
# as a visible replacement so that every narrative stays well-formed XHTML.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    """Text as XHTML character data: markup escaped, characters XML forbids replaced."""
    return _html_escape(_NOT_XML.sub("\ufffd", text))


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h3>{escape(block.text)}</h3>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Field):
        value = escape(block.value)
        if block.emphasis:
            value = f"<b>{value}</b>"
        return f"<p><b>{escape(block.label)}:</b> {value}</p>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        label = f"<p><b>{escape(block.label)}</b></p>" if block.label else ""
        return f"{label}<{tag}>{items}</{tag}>"
    if isinstance(block, Table):
        caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
        head = "".join(f"<th>{escape(column)}</th>" for column in block.columns)
        rows = []
        for index, row in enumerate(block.rows):
            cells = "".join(
                f"<td><b>{escape(cell)}</b></td>" if index in block.emphasis_rows and cell
                else f"<td>{escape(cell)}</td>"
                for cell in row
            )
            rows.append(f"<tr>{cells}</tr>")
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    if isinstance(block, Alert):
        title = f"<b>{escape(block.title)}</b> " if block.title else ""
        return f"<p>{title}{escape(block.text)}</p>"
    # A block type this module does not know yet still says something readable.
    return f"<p>{escape(str(getattr(block, 'text', '')))}</p>"


def section_xhtml(sections: Iterable[Section], *, fallback: str) -> str:
    """The XHTML ``div`` of a Composition section's narrative.

    Args:
        sections: Laid-out sections whose blocks make up the narrative (several when
            one IPS section gathers parts of several passport sections).
        fallback: Text for a section with nothing to show, e.g. "No known allergies".

    Returns:
        A ``<div xmlns="http://www.w3.org/1999/xhtml">`` element as text.
    """
    sections = list(sections)
    parts = []
    for section in sections:
        # One IPS section may gather several laid-out sections: keep their headings.
        if len(sections) > 1 and section.title and section.blocks:
            parts.append(f"<h3>{escape(section.title)}</h3>")
        parts.extend(_block(block) for block in section.blocks)
    if not parts:
        parts = [f"<p>{escape(fallback)}</p>"]
    return f'<div xmlns="{XHTML_NS}">{"".join(parts)}</div>'


def narrative(div: str) -> dict[str, Any]:
    """A FHIR ``Narrative`` generated from the passport."""
    return {"status": "generated", "div": div}
