"""Helpers the backends that draw with fpdf2 (pdf, card, lock screen) share."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from typing import Any

from rarepassport.errors import PassportError, RenderError
from rarepassport.rendering._fonts import FontFace, font_face
from rarepassport.rendering._verify import NO_BREAK, unbroken

__all__ = [
    "EMERGENCY_RED",
    "GRAPHIC_GREY",
    "NO_BREAK",
    "ON_EMERGENCY_RED",
    "Colour",
    "align_for",
    "css_colour",
    "extra_faces",
    "isolated_runs",
    "item_without_joiner",
    "items_on_own_lines",
    "marked_bold",
    "unbroken",
    "viewer_preferences",
]

Colour = tuple[int, int, int]

# The palette every backend shares, so the card, the PDF, the lock screen and the HTML
# page show the same emergency red. Contrasts (WCAG 2.2) are checked in tests/test_contrast.py.
#: The emergency red: bands, emergency section titles, notices. White text on it is
#: 9.1 : 1 (AAA asks for 7 : 1), and it is 9.1 : 1 as text on white.
EMERGENCY_RED: Colour = (150, 0, 0)
#: Text drawn on the emergency red.
ON_EMERGENCY_RED: Colour = (255, 255, 255)
#: Rules, borders, fold lines: 4.5 : 1 on white (graphics need 3 : 1).
GRAPHIC_GREY: Colour = (118, 118, 118)


def css_colour(colour: Colour) -> str:
    """``colour`` as a CSS hex colour, e.g. ``#960000``."""
    return "#{:02x}{:02x}{:02x}".format(*colour)

def align_for(text: str) -> str:
    """``"R"`` for a paragraph that reads right to left (Arabic, Hebrew), else ``"L"``.

    The paragraph's direction is that of its first strong character outside
    directional isolates, as the bidi algorithm (and fpdf2) decides it.
    """
    from rarepassport.rendering._verify import is_right_to_left

    return "R" if is_right_to_left(text) else "L"


def isolated_runs(texts: Sequence[str]) -> list[str]:
    """The runs of one right-to-left paragraph, each kept in its own direction.

    A run with right-to-left letters keeps its left-to-right parts left to right
    (`isolate_left_to_right`: "+966 50 123 4567" inside Arabic). A run with none (a
    phone number, "Hydrocortisone: 5 mg", an English sentence after an Arabic label) is
    isolated whole, its final full stop included, as the PDF isolates a left-to-right
    value after a right-to-left label: seen with the Arabic label before it, the bidi
    algorithm would otherwise print its groups of digits in reverse order and its full
    stop at the far end of the line. Spaces at a run's ends stay outside, where a line
    may break.
    """
    from rarepassport.rendering._verify import isolate_left_to_right

    def rtl(text: str) -> bool:
        return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)

    def strong(text: str) -> bool:
        return any(unicodedata.bidirectional(char) in ("L", "EN", "AN") for char in text)

    out = list(texts)
    index = 0
    while index < len(out):
        if rtl(out[index]):
            # After other runs of the paragraph, a leading left-to-right run is isolated too.
            out[index] = isolate_left_to_right(out[index], leading=any(strong(text) or rtl(text)
                                                                       for text in out[:index]))
            index += 1
            continue
        # Consecutive runs without right-to-left letters (a list of medicines written as
        # several runs, an English sentence split for fitting) form one isolate: each
        # isolated on its own, the bidi algorithm would put them in right-to-left order.
        end = index
        while end + 1 < len(out) and not rtl(out[end + 1]):
            end += 1
        if any(strong(text) for text in out[index:end + 1]):
            first = next(i for i in range(index, end + 1) if out[i].strip(" "))
            last = next(i for i in range(end, index - 1, -1) if out[i].strip(" "))
            head = out[first]
            lead = len(head) - len(head.lstrip(" "))
            out[first] = f"{head[:lead]}\u2066{head[lead:]}"
            tail = out[last]
            trail = len(tail) - len(tail.rstrip(" "))
            out[last] = f"{tail[:len(tail) - trail]}\u2069{tail[len(tail) - trail:]}"
        index = end + 1
    return out


def items_on_own_lines(texts: Sequence[str], starts: Sequence[bool]) -> list[str]:
    """The runs of a right-to-left paragraph, each further list item on a new line.

    ``starts`` marks the runs that begin a further item of a run-on group (the second
    medicine, the "+N more": `Span.starts_item`). In a right-to-left paragraph a line's
    runs are laid out right to left, so when a left-to-right item wraps, the next item
    lands on the same line, left of the first item's end: read left to right,
    "Midazolam …: As written; twice a day (8 am and 8 pm)" gives one medicine's times to
    the other (hazard H145). Each item on its own line keeps an item's words with its
    own, and the "; " that joined them is dropped (the line break parts them). A
    paragraph without left-to-right letters reads right to left throughout and is left
    as it is.
    """
    out = list(texts)
    if not any(unicodedata.bidirectional(char) == "L" for text in texts for char in text):
        return out
    for index, start in enumerate(starts):
        if start and index and out[index].strip():
            # The line break parts the items: the "; " between them is not drawn.
            out[index] = "\n" + item_without_joiner(out[index])
    return out


def item_without_joiner(text: str) -> str:
    """A further item's run without the "; " (or space) that joined it to the one before."""
    # The run may begin with an isolate opened before the joiner (`isolated_runs`).
    opening = ""
    while text[:1] in (" ", "\u2066", "\u2067", "\u2068") and text:
        opening += text[0].strip(" ")
        text = text[1:]
    return opening + (text[1:].lstrip(" ") if text.startswith(";") else text)


# What fpdf2's markdown option reads as markers (and its escape character).
_MARKDOWN_MARKERS = ("**", "__", "~~", "--", "\\", "[", "]")


def marked_bold(runs: Sequence[tuple[bool, str]]) -> tuple[str, bool, bool]:
    """Runs (bold or not, text) as one text for fpdf2's ``markdown=True``, bold parts in ``**``.

    Returns ``(text, markdown, bold)``. With runs of one weight, or a text that itself
    holds what markdown would read as markers ("**", "--", "[", a backslash), the text
    is plain (``markdown`` false) and drawn in one weight, ``bold`` when any run is:
    drawn in one weight rather than misread.
    """
    plain = "".join(text for _bold, text in runs)
    weights = {bold for bold, text in runs if text.strip()}
    if len(weights) < 2 or "*" in plain or any(marker in plain for marker in _MARKDOWN_MARKERS):
        return plain, False, True in weights
    merged: list[tuple[bool, str]] = []
    for bold, text in runs:
        if merged and merged[-1][0] is bold:
            merged[-1] = (bold, merged[-1][1] + text)
        elif text:
            merged.append((bold, text))
    return "".join(f"**{text}**" if bold else text for bold, text in merged), True, False


def extra_faces(fonts: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[FontFace]:
    """The font files given with ``fonts=`` (``--font``), each checked and parsed."""
    if isinstance(fonts, str | os.PathLike):
        fonts = [fonts]
    faces = []
    for path in fonts:
        try:
            faces.append(font_face(path))
        except PassportError as exc:
            error = RenderError(f"font file (fonts= option, --font on the command line): {exc}")
            if exc.message_id is not None:
                # Said in another language as the font's own message (which names the file).
                error.message_id, error.arguments = exc.message_id, exc.arguments
            raise error from exc
    return faces


def viewer_preferences(document: object) -> Any:
    """``/ViewerPreferences``: viewers show the document title, not the file name.

    (fpdf2 2.8 writes ``/Direction`` without its leading slash, an invalid PDF, so the
    right-to-left reading order of Arabic documents is not declared there.)
    """
    from fpdf import ViewerPreferences

    return ViewerPreferences(display_doc_title=True)
