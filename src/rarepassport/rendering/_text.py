"""Plain-text backend: for email, messages and anywhere formatting is lost.

Draws only the Document: every word comes from layout or ``Document.phrases``.
Tables become one record per row, because columns do not survive email clients.
"""

from __future__ import annotations

import re
import unicodedata

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
from rarepassport.errors import Message, RenderError
from rarepassport.rendering._base import Rendered

__all__ = ["render_text"]

_MIN_WIDTH = 30
_ADDRESS = re.compile(r"://|@|^www\.")


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _cells(text: str) -> int:
    """Columns the text takes in a terminal or monospaced email: CJK characters take two."""
    return sum(2 if _is_wide(char) else 1 for char in text)


# A token is a run of non-space, non-wide characters, or a single wide character
# (Chinese and Japanese have no spaces; a line may break between any two characters).
_TOKEN = re.compile(r"(\s*)([^\s\u1100-\uffff]+|[\u1100-\uffff])")


def _tokens(line: str) -> list[tuple[bool, str]]:
    """``(space before, token)`` pairs; runs of narrow non-wide characters are merged."""
    tokens: list[tuple[bool, str]] = []
    for match in _TOKEN.finditer(line):
        space, token = bool(match.group(1)), match.group(2)
        if tokens and not space and not _is_wide(token[0]) and not _is_wide(tokens[-1][1][-1]):
            tokens[-1] = (tokens[-1][0], tokens[-1][1] + token)
        else:
            tokens.append((space, token))
    return tokens


def _wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """Wrap each line of ``text`` at ``width`` columns.

    Breaks at spaces, and between CJK characters; a word too long for a line is
    split, except web and email addresses, which stay whole so they still work.
    """
    rest = first if rest is None else rest
    lines: list[str] = []
    prefix = first
    for raw in text.splitlines() or [""]:
        current, used = prefix, _cells(prefix)
        empty = True
        for space, token in _tokens(raw):
            gap = 1 if space and not empty else 0
            size = _cells(token)
            if not empty and used + gap + size > width:
                lines.append(current.rstrip())
                current, used, gap, empty = rest, _cells(rest), 0, True
            if used + size > width and size > 1 and empty and not _ADDRESS.search(token):
                # Split an over-long word (not an address) to fit the line. Walk it once
                # from a moving start: slicing off the rest each time made a long word
                # quadratic (a 100 KB word took seconds).
                start = 0
                while used + size > width and size > 1:
                    cut, taken = start, 0
                    while cut < len(token) and used + taken + _cells(token[cut]) <= width:
                        taken += _cells(token[cut])
                        cut += 1
                    if cut == start:
                        break
                    lines.append(current + token[start:cut])
                    start, size = cut, size - taken
                    current, used = rest, _cells(rest)
                token = token[start:]
            current += " " * gap + token
            used += gap + size
            empty = False
        lines.append(current.rstrip())
        prefix = rest
    return lines


def _underline(text: str, char: str, width: int) -> list[str]:
    lines = _wrap(text, width)
    return [*lines, char * max(3, min(max(_cells(line) for line in lines), width))]


def _block(block: Block, width: int, document: Document) -> list[str]:
    if isinstance(block, Heading):
        return _underline(block.text, "~", width) if block.level <= 3 else _wrap(block.text, width)
    if isinstance(block, Paragraph):
        out: list[str] = []
        for number, part in enumerate(block.text.split("\n\n")):
            if number:
                out.append("")
            out += _wrap(part, width)
        return out
    if isinstance(block, Field):
        mark = "! " if block.emphasis else ""
        return _wrap(mark + document.label_value(block.label, block.value), width, "", "    ")
    if isinstance(block, ListBlock):
        out = [document.label_alone(block.label)] if block.label else []
        for number, item in enumerate(block.items, start=1):
            bullet = f"{number}. " if block.ordered else "- "
            # Plain text has no bold: an emphasised list is marked like an emphasised field.
            bullet = f"! {bullet}" if block.emphasis else bullet
            out += _wrap(item, width, bullet, " " * len(bullet))
        return out
    if isinstance(block, Table):
        return _table(block, width, document)
    if isinstance(block, Alert):
        mark = "!!! " if block.level is AlertLevel.CRITICAL else "! "
        out = _wrap(block.title, width, mark) if block.title else []
        out += _wrap(block.text, width, mark)
        return out
    # A block type this backend does not know: show its text rather than lose it.
    return _wrap(str(getattr(block, "text", block)), width)  # pragma: no cover


def _table(table: Table, width: int, document: Document) -> list[str]:
    out = _wrap(table.caption, width) if table.caption else []
    for index, row in enumerate(table.rows):
        mark = "! " if index in table.emphasis_rows else "- "
        first, *others = row or ("",)
        out += _wrap(first, width, mark, "    ")
        for column, value in zip(table.columns[1:], others, strict=False):
            if value:
                out += _wrap(document.label_value(column, value), width, "    ", "      ")
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
        raise RenderError(Message("error.render.text-width",
                                  "option width for format 'text' must be a whole number of at least {minimum}",
                                  minimum=_MIN_WIDTH))
    # A bilingual document: each label then its second-language counterpart, each
    # sentence then its counterpart on the next line.
    document = document.with_second_language_inline()
    lines = _underline(document.title, "=", width)
    if document.date_of_birth:
        lines += _wrap(document.label_value(document.phrase("date_of_birth"), document.date_of_birth), width)
    for extra in (document.updated_on, document.reviewed_on):
        if extra:
            lines += _wrap(extra, width)
    if document.warnings:
        lines += ["", f"! {document.label_alone(document.phrase('please_note'))}"]
        for warning in document.warnings:
            lines += _wrap(warning, width, "! - ", "!   ")
    for section in document.sections:
        title = section.title.upper() if section.emergency else section.title
        lines += ["", "", *_underline(title, "=" if section.emergency else "-", width)]
        previous: Block | None = None
        for block in section.blocks:
            # Consecutive fields read as a form: one per line, no blank line between.
            gap = [] if isinstance(block, Field) and isinstance(previous, Field) else [""]
            lines += [*gap, *_block(block, width, document)]
            previous = block
    text = "\n".join(line.rstrip() for line in lines) + "\n"
    return Rendered(data=text.encode("utf-8"), media_type="text/plain; charset=utf-8", suffix=".txt")
