"""Markdown backend: CommonMark with GitHub-style tables.

Every value is escaped so that passport text can never become a link, an image,
HTML or a heading: a name such as ``[click](javascript:...)`` or ``<script>`` is shown
exactly as typed, and nothing else.
"""

from __future__ import annotations

import re

from rarepassport.document import (
    Alert,
    AlertLevel,
    Block,
    Document,
    Field,
    Heading,
    ListBlock,
    Paragraph,
    Table,
)
from rarepassport.rendering._base import Rendered

__all__ = ["escape_markdown", "render_markdown"]

# Characters that can start inline markup anywhere in a line: emphasis, code, links
# and images ([ and ] suffice: "(" alone never makes a link), table cells, and the
# {attributes}, ~strike~, ^sup^ and $math$ of common extensions.
_INLINE = re.compile(r"([\\`*_{}\[\]#|~^$])")
# "&" only matters where it would start a character reference such as "&lt;".
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What makes a line a block (list, quote, setext underline, ordered list) at its start.
_LINE_START = re.compile(r"^([-+=>])|^(\d{1,9})([.)])(?=\s|$)")


def _neutralise_line_start(line: str) -> str:
    # Leading spaces would make an indented code block; markers would make a list or quote.
    line = line.lstrip()
    return _LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", line)


def escape_markdown(text: str, *, inline: bool = False, line_start: bool = True) -> str:
    """Escape text so that Markdown shows it literally and nothing else.

    ``<`` becomes ``&lt;`` (so no raw HTML or autolink can form), an ``&`` that would
    start a character reference becomes ``&amp;``, punctuation that starts inline
    markup is backslash-escaped, and, where the text starts a Markdown line, block
    markers (``-``, ``+``, ``>``, ``1.``, leading spaces) are neutralised. Everything
    else is left alone so the Markdown stays readable as plain text.

    Args:
        text: Any text from the passport.
        inline: Fold line breaks into spaces (table cells, list items, headings).
        line_start: The text begins a Markdown line (paragraph, list item, quote),
            so block markers at the start of its lines must be neutralised.

    Returns:
        The escaped text.
    """
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;")
    text = _INLINE.sub(r"\\\1", text)
    lines = [line.strip() for line in text.splitlines()]
    if inline:
        joined = " ".join(line for line in lines if line)
        return _neutralise_line_start(joined) if line_start else joined
    return "\n".join(_neutralise_line_start(line) if line_start else line for line in lines)


def _inline(text: str) -> str:
    """Escape text that sits inside a line (after a label, in a cell, in a heading)."""
    return escape_markdown(text, inline=True, line_start=False)


def _paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for part in text.split("\n\n"):
        escaped = escape_markdown(part.strip("\n"))
        if escaped.strip():
            # A trailing backslash is CommonMark's hard line break: keep the owner's line breaks.
            out.append("\\\n".join(line for line in escaped.split("\n") if line.strip()))
    return out


def _labelled(document: Document, label: str, value: str) -> str:
    """``value`` after its bold label, joined as the document's language writes it (escaped)."""
    before, after = document.label_parts(label)
    lead = before.rstrip()
    if lead != before or not lead:
        # "**Date of birth:** 2 March 2015", "**Date de naissance :** 2 mars 2015".
        bold = f"**{_inline(lead)}**" if lead else ""
        return f"{bold}{before[len(lead):]}{_inline(value)}{_inline(after)}"
    # No space after the lead ("出生日期：2015年3月2日"): CommonMark would not close a bold
    # run ending in punctuation before a letter, so only the label itself is bold.
    start, found, end = before.partition(label)
    if not found or not label:
        return f"{_inline(before)}{_inline(value)}{_inline(after)}"
    return f"{_inline(start)}**{_inline(label)}**{_inline(end)}{_inline(value)}{_inline(after)}"


def _field(field: Field, document: Document) -> str:
    if field.emphasis and field.value:
        return f"**{_inline(document.label_value(field.label, field.value))}**"
    return _labelled(document, field.label, field.value)


def _block(block: Block, document: Document) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * min(max(block.level, 3), 6) + " " + _inline(block.text)]
    if isinstance(block, Paragraph):
        return _paragraphs(block.text)
    if isinstance(block, Field):
        return [_field(block, document)]
    if isinstance(block, ListBlock):
        items = [
            (f"{n}. " if block.ordered else "- ") + (f"**{text}**" if block.emphasis else text)
            for n, text in enumerate((escape_markdown(item, inline=True) for item in block.items), start=1)
        ]
        head = [f"**{_inline(block.label)}**", ""] if block.label else []
        return ["\n".join([*head, *items])] if items else head[:1]
    if isinstance(block, Table):
        return [_table(block)]
    if isinstance(block, Alert):
        strong = block.level is AlertLevel.CRITICAL
        lines = []
        if block.title:
            lines += [f"> **{_inline(block.title)}**", ">"]
        for n, part in enumerate(_paragraphs(block.text)):
            if n:
                lines.append(">")
            body = f"**{part}**" if strong and "\n" not in part else part
            lines += [f"> {line}" for line in body.split("\n")]
        return ["\n".join(lines)]
    # A block type this backend does not know: keep its text rather than lose it.
    return _paragraphs(str(getattr(block, "text", block)))  # pragma: no cover


def _table(table: Table) -> str:
    def cell(text: str, strong: bool) -> str:
        escaped = _inline(text)
        return f"**{escaped}**" if strong and escaped else escaped

    lines = [f"*{_inline(table.caption)}*", ""] if table.caption else []
    lines.append("| " + " | ".join(cell(c, False) for c in table.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    for index, row in enumerate(table.rows):
        strong = index in table.emphasis_rows
        lines.append("| " + " | ".join(cell(value, strong) for value in row) + " |")
    return "\n".join(lines)


def _section(blocks: tuple[Block, ...], document: Document) -> list[str]:
    parts: list[str] = []
    fields: list[str] = []
    for block in blocks:
        # Consecutive fields share one paragraph, one per line, like a form.
        if isinstance(block, Field):
            fields.append(_field(block, document))
            continue
        if fields:
            parts.append("\\\n".join(fields))
            fields = []
        parts += _block(block, document)
    if fields:
        parts.append("\\\n".join(fields))
    return parts


def render_markdown(document: Document) -> Rendered:
    """Render a Document as Markdown (UTF-8).

    Args:
        document: The laid-out passport.

    Returns:
        CommonMark with GitHub-style tables; every value escaped. A bilingual document
        (``second_language=``) has each label followed by its second-language
        counterpart (*Urgence / Emergency*) and each sentence by its counterpart on the
        next line.
    """
    document = document.with_second_language_inline()
    parts = [f"# {_inline(document.title)}"]
    header = []
    if document.date_of_birth:
        header.append(_labelled(document, document.phrase("date_of_birth"), document.date_of_birth))
    header += [
        escape_markdown(text, inline=True) for text in (document.updated_on, document.reviewed_on) if text
    ]
    if header:
        parts.append("\\\n".join(header))
    if document.warnings:
        lines = [f"> **{_inline(document.phrase('please_note'))}**", ">"]
        lines += [f"> - {escape_markdown(warning, inline=True)}" for warning in document.warnings]
        parts.append("\n".join(lines))
    for section in document.sections:
        parts.append(f"## {_inline(section.title)}")
        parts += _section(section.blocks, document)
    text = "\n\n".join(parts) + "\n"
    return Rendered(data=text.encode("utf-8"), media_type="text/markdown; charset=utf-8", suffix=".md")
