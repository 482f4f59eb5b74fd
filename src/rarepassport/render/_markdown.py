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
from rarepassport.render import Rendered

__all__ = ["escape_markdown", "render_markdown"]

# Characters that start inline markup anywhere in a line.
_INLINE = re.compile(r"([\\`*_{}\[\]()#!|~^$])")
# What makes a line a block (heading, list, quote, rule, setext underline) at its start.
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))")


def escape_markdown(text: str, *, inline: bool = False) -> str:
    """Escape text so that Markdown shows it literally.

    ``&``, ``<`` and ``>`` become character references (so no raw HTML can form),
    ASCII punctuation that starts inline markup is backslash-escaped, and block
    markers at the start of a line (``-``, ``+``, ``>``, ``1.``) are neutralised.

    Args:
        text: Any text from the passport.
        inline: Also fold line breaks into spaces (for table cells and list items).

    Returns:
        The escaped text.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE.sub(r"\\\1", text)
    lines = [
        _LINE_START.sub(
            lambda m: "\\" + m.group(2) if not m.group(2).isdigit() else m.group(2) + "\\", line.lstrip()
        )
        for line in text.splitlines()
    ]
    if inline:
        return " ".join(line for line in lines if line)
    return "\n".join(lines)


def _paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for part in text.split("\n\n"):
        escaped = escape_markdown(part.strip("\n"))
        if escaped.strip():
            # A trailing backslash is CommonMark's hard line break: keep the owner's line breaks.
            out.append("\\\n".join(line for line in escaped.split("\n") if line.strip()))
    return out


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * min(max(block.level, 3), 6) + " " + escape_markdown(block.text, inline=True)]
    if isinstance(block, Paragraph):
        return _paragraphs(block.text)
    if isinstance(block, Field):
        label, value = escape_markdown(block.label, inline=True), escape_markdown(block.value, inline=True)
        return [f"**{label}: {value}**" if block.emphasis else f"**{label}:** {value}"]
    if isinstance(block, ListBlock):
        items = [
            (f"{n}. " if block.ordered else "- ") + escape_markdown(item, inline=True)
            for n, item in enumerate(block.items, start=1)
        ]
        head = [f"**{escape_markdown(block.label, inline=True)}**", ""] if block.label else []
        return ["\n".join([*head, *items])] if items else head[:1]
    if isinstance(block, Table):
        return [_table(block)]
    if isinstance(block, Alert):
        strong = block.level is AlertLevel.CRITICAL
        lines = []
        if block.title:
            lines.append(f"> **{escape_markdown(block.title, inline=True)}**")
            lines.append(">")
        for n, part in enumerate(_paragraphs(block.text)):
            if n:
                lines.append(">")
            body = f"**{part}**" if strong and "\n" not in part else part
            lines += [f"> {line}" for line in body.split("\n")]
        return ["\n".join(lines)]
    return [escape_markdown(str(getattr(block, "text", block)))]  # pragma: no cover


def _table(table: Table) -> str:
    def cell(text: str, strong: bool) -> str:
        escaped = escape_markdown(text, inline=True)
        return f"**{escaped}**" if strong and escaped else escaped

    lines = [f"*{escape_markdown(table.caption, inline=True)}*", ""] if table.caption else []
    lines.append("| " + " | ".join(cell(c, False) for c in table.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    for index, row in enumerate(table.rows):
        strong = index in table.emphasis_rows
        lines.append("| " + " | ".join(cell(value, strong) for value in row) + " |")
    return "\n".join(lines)


def render_markdown(document: Document) -> Rendered:
    """Render a Document as Markdown (UTF-8).

    Args:
        document: The laid-out passport.

    Returns:
        CommonMark with GitHub-style tables.
    """
    parts = [f"# {escape_markdown(document.title, inline=True)}"]
    header = []
    if document.date_of_birth:
        header.append(
            f"**{escape_markdown(document.phrase('date_of_birth'))}:** "
            f"{escape_markdown(document.date_of_birth, inline=True)}"
        )
    header += [
        escape_markdown(text, inline=True) for text in (document.updated_on, document.reviewed_on) if text
    ]
    if header:
        parts.append("\\\n".join(header))
    if document.warnings:
        lines = [f"> **{escape_markdown(document.phrase('please_note'), inline=True)}**", ">"]
        lines += [f"> - {escape_markdown(warning, inline=True)}" for warning in document.warnings]
        parts.append("\n".join(lines))
    for section in document.sections:
        parts.append(f"## {escape_markdown(section.title, inline=True)}")
        for block in section.blocks:
            parts += _block(block)
    text = "\n\n".join(parts) + "\n"
    return Rendered(data=text.encode("utf-8"), media_type="text/markdown; charset=utf-8", suffix=".md")
