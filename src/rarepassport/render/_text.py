"""Plain-text backend: for email, messages and anywhere formatting is lost.

Draws only the Document: every word comes from layout or ``Document.phrases``.
Tables become one record per row, because columns do not survive email clients.
"""

from __future__ import annotations

import textwrap

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
from rarepassport.render import Rendered, RenderError

__all__ = ["render_text"]

_MIN_WIDTH = 30


def _wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """Wrap each line of ``text``; long words (URLs, codes) are never broken."""
    rest = first if rest is None else rest
    lines: list[str] = []
    prefix = first
    for raw in text.splitlines() or [""]:
        wrapped = textwrap.wrap(
            raw,
            width=width,
            initial_indent=prefix,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [prefix.rstrip()]
        lines += wrapped
        prefix = rest
    return lines


def _underline(text: str, char: str) -> list[str]:
    return [text, char * min(max(len(text), 3), 78)]


def _block(block: Block, width: int) -> list[str]:
    if isinstance(block, Heading):
        return _underline(block.text, "~") if block.level <= 3 else [block.text]
    if isinstance(block, Paragraph):
        out: list[str] = []
        for number, part in enumerate(block.text.split("\n\n")):
            if number:
                out.append("")
            out += _wrap(part, width)
        return out
    if isinstance(block, Field):
        mark = "! " if block.emphasis else ""
        return _wrap(f"{mark}{block.label}: {block.value}", width, "", "    ")
    if isinstance(block, ListBlock):
        out = [f"{block.label}:"] if block.label else []
        for number, item in enumerate(block.items, start=1):
            bullet = f"{number}. " if block.ordered else "- "
            out += _wrap(item, width, bullet, " " * len(bullet))
        return out
    if isinstance(block, Table):
        return _table(block, width)
    if isinstance(block, Alert):
        mark = "!!! " if block.level is AlertLevel.CRITICAL else "! "
        out = _wrap(block.title, width, mark) if block.title else []
        out += _wrap(block.text, width, mark)
        return out
    # A block type this backend does not know: show its text rather than lose it.
    return _wrap(str(getattr(block, "text", block)), width)  # pragma: no cover


def _table(table: Table, width: int) -> list[str]:
    out = _wrap(table.caption, width) if table.caption else []
    for index, row in enumerate(table.rows):
        mark = "! " if index in table.emphasis_rows else "- "
        first, *others = row or ("",)
        out += _wrap(first, width, mark, "    ")
        for column, value in zip(table.columns[1:], others, strict=False):
            if value:
                out += _wrap(f"{column}: {value}", width, "    ", "      ")
    return out


def render_text(document: Document, *, width: int = 78) -> Rendered:
    """Render a Document as plain UTF-8 text wrapped at ``width`` columns.

    Args:
        document: The laid-out passport.
        width: Column to wrap at (at least 30).

    Returns:
        The text, ending with a newline.

    Raises:
        RenderError: When ``width`` is not a whole number of at least 30.
    """
    if isinstance(width, bool) or not isinstance(width, int) or width < _MIN_WIDTH:
        raise RenderError(f"option width for format 'text' must be a whole number of at least {_MIN_WIDTH}")
    lines = _underline(document.title, "=")
    if document.date_of_birth:
        lines.append(f"{document.phrase('date_of_birth')}: {document.date_of_birth}")
    for extra in (document.updated_on, document.reviewed_on):
        if extra:
            lines += _wrap(extra, width)
    if document.warnings:
        lines += ["", f"! {document.phrase('please_note')}:"]
        for warning in document.warnings:
            lines += _wrap(warning, width, "! - ", "!   ")
    for section in document.sections:
        title = section.title.upper() if section.emergency else section.title
        lines += ["", "", *_underline(title, "=" if section.emergency else "-")]
        for block in section.blocks:
            lines += ["", *_block(block, width)]
    text = "\n".join(line.rstrip() for line in lines) + "\n"
    return Rendered(data=text.encode("utf-8"), media_type="text/plain; charset=utf-8", suffix=".txt")
