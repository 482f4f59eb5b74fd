"""XHTML narratives of Composition sections, drawn from layout's document blocks.

Every IPS section must carry a narrative a person can read when the receiving system
understands none of the coded entries. The narrative is drawn from the same
layout-neutral [`Section`][rarepassport.document.Section] the PDF and HTML backends draw,
so that it says what the passport says, in the same words. Every value is escaped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from html import escape as _html_escape
from typing import Any

from rarepassport.document import Alert, Block, Field, Heading, ListBlock, Paragraph, Section, Table
from rarepassport.errors import PluginError

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
