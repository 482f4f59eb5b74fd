"""Every printed character verified: glyph coverage before drawing, the drawn text after.

Two checks for the backends that draw glyphs (``pdf`` and ``card``):

1. Before drawing, `check_glyphs` finds the characters no available font can
   draw and names *where* they are (never the text). By default that is a
   [`MissingGlyphsError`][rarepassport.errors.MissingGlyphsError]; with ``missing_glyphs="mark"``
   each such character is replaced by a visible marker (`MISSING_GLYPH_MARKER`)
   and a warning says so, so nothing is ever silently blank.
2. After drawing, `verify_pdf_text` extracts the text back from the PDF bytes
   (PDFium through pypdfium2, or pypdf for right-to-left text; both
   imported lazily) and checks that every text the document asked for is there,
   after `skeleton` normalisation.

Right-to-left text is prepared for drawing by `isolate_left_to_right`: phone
numbers, doses and other left-to-right runs inside Arabic or Hebrew text are wrapped
in Unicode directional isolates, so they print left to right ("+966 50 123 4567",
never "4567 123 50 966+").

How the comparison is exact without being flaky:

* Whitespace is ignored (extractors add spaces from glyph positions and turn line
  breaks into spaces or newlines); drawing never adds or removes other characters.
  Except between two digits (H172): there whitespace must be read where the text has it
  and none where it has none ("100 mg" is not "10 0 mg", "0121 496 0500" not
  "01214 960500"); at a line break, or between two drawn pieces with no whitespace
  read, either is accepted (`_grouped_as_asked`).
* Unicode is compared in NFC; ligatures and Arabic presentation forms (what a shaped
  glyph may extract as) are folded to their letters; format characters (direction
  marks, isolates, joiners, soft hyphens) are dropped; a soft hyphen may print as "-".
* In a document without right-to-left text every text must appear whole, in order and
  at word boundaries at both ends (`_Spaced.separates`): no "10 mg" inside "110 mg",
  "5 mg" inside "0.5 mg" or "Latex" inside "Latexes"; a text's own edge that is a sign
  ("(8 am)", "Na+") needs none, nor do Chinese, Japanese, Korean and Indic characters.
* Brackets are compared as written (")8 am(" is not "(8 am)"); in a text that reads
  right to left a bracket written beside a right-to-left word or Arabic-Indic number
  must be on its side of it (`_brackets_beside`).
* Extractors give the runs of a line with right-to-left text in logical or in visual
  order, reverse Arabic-Indic digits, mirror brackets and move neutral signs. So in a
  document with right-to-left text (read back with pypdf, one piece per text-showing
  operation, where a word may end), a text is found whole at word boundaries, or in
  parts (any text with right-to-left letters): each maximal left-to-right run ("100 mg
  by mouth on waking", "+966 50 123 4567") whole and in order, each right-to-left word
  (and each run of Arabic-Indic digits) whole in either order, both at word boundaries
  (no "10" inside "100", no "mg" inside "mgx", no "حسن" inside "حسنين"), and each
  neutral sign around them on its own; all within a window around the first part of
  the length of the text and 120 characters (the same line or the lines next to it),
  never anywhere on the page. A word boundary is whitespace, a format character, the
  end of a drawn piece, or a change between left-to-right letters and digits,
  right-to-left letters, Arabic-Indic digits and signs, never beside a decimal point or
  comma between digits ("5 mg" is not found inside "0.5 mg").
* Running headers and footers are left out by position, so a paragraph that flows
  onto the next page is still found whole.

Known limits: after each Indic character two extra ASCII characters are allowed (fpdf2's
stand-in code for a shaped glyph with no character of its own), and word boundaries are
not checked beside Indic or Chinese, Japanese and Korean characters; an Arabic word with
a lam-alef ligature (لا) is found when the ligature and the rest of the word are each
found whole near each other (pypdf may extract the ligature glyph at one end of the
word); in a document without right-to-left text each text is looked for anywhere in the
document, so a very short text (a lone "2") is found even if it was drawn elsewhere; a
long text (60 characters or more) split by a page break is accepted when its words
appear in order, each at word boundaries, with gaps of at most 2,000 characters (the
rest of a table row and the repeated header row); the brackets around a left-to-right
run inside right-to-left text are looked for near it, not on their sides; a
left-to-right run inside right-to-left text wrapped over lines is found as its pieces in
order (a dose or phone number never split), only other text between them.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs

from rarepassport.document import (
    Alert,
    Block,
    Document,
    Field,
    Heading,
    ListBlock,
    Paragraph,
    RenderNotice,
    Section,
    Table,
)
from rarepassport.errors import Message

if TYPE_CHECKING:
    from rarepassport.rendering._fonts import FontFace

__all__ = [
    "MISSING_GLYPHS_OPTIONS",
    "MISSING_GLYPH_MARKER",
    "NO_BREAK",
    "Place",
    "characters_text",
    "check_glyphs",
    "check_missing_glyphs_option",
    "expected_texts",
    "extract_pdf_text",
    "is_right_to_left",
    "isolate_left_to_right",
    "map_document_text",
    "missing_glyphs_notice",
    "missing_in_order",
    "not_drawn",
    "place_text",
    "places_text",
    "read_pdf_text",
    "skeleton",
    "unbroken",
    "verify_pdf_text",
]

#: Drawn in place of a character no font can draw, with ``missing_glyphs="mark"``
#: (U+FFFD REPLACEMENT CHARACTER, which the bundled DejaVu Sans draws).
MISSING_GLYPH_MARKER = "\ufffd"

#: The values of the ``missing_glyphs`` option of the pdf and card backends.
MISSING_GLYPHS_OPTIONS = ("error", "mark")

_LRI, _PDI = "\u2066", "\u2069"
_RTL_CLASSES = frozenset({"R", "AL"})
_LTR_CLASSES = frozenset({"L", "EN", "AN"})
# Left-to-right runs up to this length inside right-to-left text are kept on one line
# (their spaces become no-break spaces): a phone number or dose is never split.
_KEEP_TOGETHER = 40


# A phone number or a dose broken across two lines is easily misread: their spaces
# are drawn as no-break spaces, so a line breaks before or after them, never inside.
_PHONE = re.compile(r"\+?\(?\d[\d ()-]{4,}\d")
_DOSE = re.compile(r"(\d) (?=(mg|mcg|µg|g|kg|ml|mL|units?|IU|mmol|%)\b)")
NO_BREAK = "\u00a0"


def unbroken(text: str) -> str:
    """``text`` with the spaces inside phone numbers and doses made no-break spaces."""
    text = _PHONE.sub(lambda match: match.group(0).replace(" ", NO_BREAK), text)
    return _DOSE.sub(lambda match: match.group(1) + NO_BREAK, text)


# --- where each text is ---------------------------------------------------------


class Place(str):
    """Where a text of a document is, said in English (the string itself), with its
    catalogue message (``phrase.place.*``) to say it in another language (`place_text`).

    A plain string where a place is a JSON path (``$.person.name``), the same in every
    language.
    """

    message: Message | None
    inner: Place | None

    def __new__(cls, english: str, message: Message | None = None, inner: Place | None = None) -> Place:
        place = super().__new__(cls, english)
        place.message, place.inner = message, inner
        return place


def _place(id: str, english: str, /, **values: object) -> Place:
    message = Message(id, english, **values)
    return Place(str(message), message)


def _in_second_language(where: str) -> str:
    """``where`` in a bilingual document's second language (``... (second language)``)."""
    inner = where if isinstance(where, Place) else Place(where)
    message = Message("phrase.place.second-language", "{place} (second language)", place=where)
    return Place(str(message), message, inner)


def not_drawn(where: str) -> Place:
    """The read-back's problem for a text not found where ``where`` says: said in English,
    with its catalogue message (``phrase.place.not-drawn``) and the place inside it."""
    inner = where if isinstance(where, Place) else Place(where)
    message = Message("phrase.place.not-drawn", "{place}: the PDF does not show this text as written", place=where)
    return Place(str(message), message, inner)


def place_text(where: str, say: Callable[..., str]) -> str:
    """``where`` (from `expected_texts`) in another language.

    Args:
        where: A `Place`, or a JSON path (given back as it is).
        say: ``say(message_id, **values)`` gives a catalogue message in the language,
            e.g. [`Document.phrase`][rarepassport.Document.phrase].
    """
    if not isinstance(where, Place) or where.message is None:
        return str(where)
    values = dict(where.message.arguments)
    if where.inner is not None:
        values["place"] = place_text(where.inner, say)
    return say(where.message.id, **values)



def _block_texts(section: Section, number: int, block: Block) -> Iterator[tuple[str, str]]:
    # Named by section id, block number and catalogue label, never by a value: a
    # heading or a list label can be a protocol's title, written by the person.
    here = {"section": repr(section.id), "block": number}
    if isinstance(block, Heading):
        yield _place("phrase.place.heading", "section {section}, block {block} (heading)", **here), block.text
    elif isinstance(block, Paragraph):
        yield _place("phrase.place.paragraph", "section {section}, block {block} (paragraph)", **here), block.text
    elif isinstance(block, Field):
        name = block.label_id or block.label
        yield _place("phrase.place.field-label", "section {section}, block {block} (field {field}), label",
                     **here, field=name), block.label
        yield _place("phrase.place.field-value", "section {section}, block {block} (field {field}), value",
                     **here, field=name), block.value
    elif isinstance(block, ListBlock):
        if block.label:
            yield _place("phrase.place.list-label", "section {section}, block {block} (list), label",
                         **here), block.label
        for index, item in enumerate(block.items, 1):
            yield _place("phrase.place.list-item", "section {section}, block {block} (list), item {item}",
                         **here, item=index), item
    elif isinstance(block, Table):
        if block.caption:
            yield _place("phrase.place.table-caption", "section {section}, block {block} (table), caption",
                         **here), block.caption
        for index, column in enumerate(block.columns, 1):
            yield _place("phrase.place.column-heading",
                         "section {section}, block {block} (table), column {column} heading",
                         **here, column=index), column
        for row_number, row in enumerate(block.rows, 1):
            for index, cell in enumerate(row[: len(block.columns)], 1):
                yield _place("phrase.place.table-cell",
                             "section {section}, block {block} (table), row {row}, column {column} ({heading})",
                             **here, row=row_number, column=index, heading=block.columns[index - 1]), cell
    elif isinstance(block, Alert):
        if block.title:
            yield _place("phrase.place.alert-title", "section {section}, block {block} (alert), title",
                         **here), block.title
        yield _place("phrase.place.alert-text", "section {section}, block {block} (alert), text", **here), block.text
    if block.second is not None:
        # A bilingual document: a second-language label dropped is as wrong as a first.
        for where, text in _block_texts(section, number, block.second):
            yield _in_second_language(where), text


def expected_texts(document: Document, *, phrases: bool = False) -> list[tuple[str, str]]:
    """Every text of a document with where it is, in reading order.

    Args:
        document: The laid-out passport.
        phrases: Include every fixed phrase of the catalogue (for glyph checks: any
            of them may be drawn); not for checking a drawing, which uses a few.

    Returns:
        ``(where, text)`` pairs; ``where`` is a JSON path (``$.person.name``) or a
        section, block and label, never a passport value. Empty texts are left out.
    """
    title = _place("phrase.place.document-title", "document title")
    updated = _place("phrase.place.updated-on", "updated on")
    found: list[tuple[str, str]] = [
        (title, document.title),
        ("$.person.name", document.person_name),
        ("$.person.date_of_birth", document.date_of_birth),
    ]
    if document.updated_on:
        found.append((updated, document.updated_on))
    if document.reviewed_on:
        found.append(("$.review", document.reviewed_on))
    notes = [_place("phrase.place.document-note", "document note {number}", number=number)
             for number in range(1, len(document.warnings) + 1)]
    found.extend(zip(notes, document.warnings, strict=True))
    second = document.second
    if second is not None:
        found.extend((_in_second_language(where), text or "") for where, text in (
            (title, second.title),
            ("$.person.date_of_birth", second.date_of_birth),
            (updated, second.updated_on),
            ("$.review", second.reviewed_on),
        ))
        found.extend((_in_second_language(where), second.notes.get(text, ""))
                     for where, text in zip(notes, document.warnings, strict=True))
    if phrases:
        found.extend((_place("phrase.place.phrase", "phrase {key}", key=key), text)
                     for key, text in document.phrases.items())
        if second is not None:
            found.extend((_in_second_language(_place("phrase.place.phrase", "phrase {key}", key=key)), text)
                         for key, text in second.phrases.items())
    for section in document.sections:
        where = _place("phrase.place.section-title", "section {section}, title", section=repr(section.id))
        found.append((where, section.title))
        if section.second_title:
            found.append((_in_second_language(where), section.second_title))
        for number, block in enumerate(section.blocks, 1):
            found.extend(_block_texts(section, number, block))
    return [(where, text) for where, text in found if text]


# --- changing every text of a document ------------------------------------------


def _map_block(block: Block, change: Callable[[str], str],
               field_value: Callable[[str, str], str] | None = None) -> Block:
    if block.second is not None:
        block = attrs.evolve(block, second=_map_block(block.second, change, field_value))  # type: ignore[arg-type]
    if isinstance(block, Heading | Paragraph):
        return attrs.evolve(block, text=change(block.text))
    if isinstance(block, Field):
        value = change(block.value) if field_value is None else field_value(block.label, block.value)
        return attrs.evolve(block, label=change(block.label), value=value)
    if isinstance(block, ListBlock):
        return attrs.evolve(block, items=tuple(change(item) for item in block.items),
                            label=change(block.label) if block.label else block.label)
    if isinstance(block, Table):
        return attrs.evolve(block, columns=tuple(change(c) for c in block.columns),
                            rows=tuple(tuple(change(cell) for cell in row) for row in block.rows),
                            caption=change(block.caption) if block.caption else block.caption)
    if isinstance(block, Alert):
        return attrs.evolve(block, text=change(block.text),
                            title=change(block.title) if block.title else block.title)
    return block  # pragma: no cover - every block type is handled above


_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")


def _in_template(change: Callable[[str], str]) -> Callable[[str], str]:
    """``change`` applied to a phrase's words, never inside its ``{placeholders}``: an
    isolate put into ``{page}`` would leave an Arabic "Page 1 of 3" unfillable."""
    def changed(template: str) -> str:
        return "".join(part if _PLACEHOLDER.fullmatch(part) else change(part) if part else part
                       for part in _PLACEHOLDER.split(template))
    return changed


def map_document_text(document: Document, change: Callable[[str], str], *,
                      field_value: Callable[[str, str], str] | None = None) -> Document:
    """A copy of ``document`` with ``change`` applied to every text a backend draws
    (to the phrases' words, not their placeholders); a field's value with
    ``field_value(label, value)`` instead, when given (a backend that draws the value
    after its label on one line)."""
    template = _in_template(change)
    sections = tuple(
        attrs.evolve(section, title=change(section.title),
                     second_title=change(section.second_title) if section.second_title else section.second_title,
                     blocks=tuple(_map_block(block, change, field_value) for block in section.blocks))
        for section in document.sections
    )
    second = document.second
    if second is not None:
        second = attrs.evolve(
            second, title=change(second.title), date_of_birth=change(second.date_of_birth),
            updated_on=change(second.updated_on) if second.updated_on else second.updated_on,
            reviewed_on=change(second.reviewed_on) if second.reviewed_on else second.reviewed_on,
            notes={change(note): change(text) for note, text in second.notes.items()},
            phrases={key: template(text) for key, text in second.phrases.items()},
        )
    return attrs.evolve(
        document,
        title=change(document.title),
        person_name=change(document.person_name),
        date_of_birth=change(document.date_of_birth),
        updated_on=change(document.updated_on) if document.updated_on else document.updated_on,
        reviewed_on=change(document.reviewed_on) if document.reviewed_on else document.reviewed_on,
        warnings=tuple(change(text) for text in document.warnings),
        phrases={key: template(text) for key, text in document.phrases.items()},
        sections=sections,
        second=second,
    )


# --- glyph coverage ---------------------------------------------------------------


def check_glyphs(
    document: Document, extra: Sequence[FontFace] = (), *, missing_glyphs: str = "error"
) -> tuple[Document, list[RenderNotice]]:
    """Check that some available font can draw every character of ``document``.

    Call it before drawing; draw the document it returns. This is the one call the
    pdf and card backends need for their ``missing_glyphs`` option.

    Args:
        document: The laid-out passport.
        extra: Fallback fonts for this render (the ``fonts=`` option).
        missing_glyphs: ``"error"`` (default): raise when a character cannot be drawn.
            ``"mark"``: draw `MISSING_GLYPH_MARKER` in its place and warn.

    Returns:
        The document to draw (with markers when ``"mark"``) and notices (code
        ``missing_glyphs_marked``), in the document's language.

    Raises:
        rarepassport.rendering.MissingGlyphsError: With ``"error"``, naming where each
            character is and its code point (never the text).
        rarepassport.rendering.RenderError: For another value of ``missing_glyphs``.
    """
    from rarepassport.errors import MissingGlyphsError
    from rarepassport.rendering._fonts import undrawable_characters

    check_missing_glyphs_option(missing_glyphs)
    texts = expected_texts(document, phrases=True)
    missing = undrawable_characters((text for _where, text in texts), extra)
    if not missing:
        return document, []
    places: list[tuple[str, tuple[str, ...]]] = []
    for where, text in texts:
        chars = tuple(sorted({char for char in text if char in missing}))
        if chars:
            places.append((where, chars))
    if missing_glyphs == "error":
        raise MissingGlyphsError(places)
    marked = map_document_text(
        document, lambda text: "".join(MISSING_GLYPH_MARKER if char in missing else char for char in text)
    )
    # The document itself says what the marker means, in its own language.
    note = document.phrase("missing_glyphs_note", marker=MISSING_GLYPH_MARKER)
    marked = attrs.evolve(marked, warnings=(*marked.warnings, note))
    return marked, [missing_glyphs_notice(document, sorted(missing), places)]


def check_missing_glyphs_option(missing_glyphs: object) -> None:
    """Refuse a ``missing_glyphs`` option that is not one of `MISSING_GLYPHS_OPTIONS`."""
    from rarepassport.errors import RenderError

    if missing_glyphs not in MISSING_GLYPHS_OPTIONS:
        raise RenderError(Message("error.render.missing-glyphs-option",
                                  "option missing_glyphs must be one of {choices}, not {value}",
                                  choices=", ".join(MISSING_GLYPHS_OPTIONS), value=repr(missing_glyphs)))


def missing_glyphs_notice(document: Document, missing: Sequence[str],
                          places: Sequence[tuple[str, tuple[str, ...]]]) -> RenderNotice:
    """The notice that ``missing`` characters are drawn as `MISSING_GLYPH_MARKER`, naming up
    to six places, all in the document's language (`place_text`), the count in its plural form."""
    params: dict[str, str | int] = {"count": len(missing), "characters": characters_text(missing),
                                    "marker": MISSING_GLYPH_MARKER, "places": places_text(document, places)}
    form = "one" if len(missing) == 1 else "other"
    return attrs.evolve(document.notice(f"missing_glyphs_marked.{form}", **params), code="missing_glyphs_marked")


def characters_text(chars: Sequence[str], limit: int = 12) -> str:
    """Code points as ``U+0627, U+4E2D``, the first ``limit`` then ``…`` (the same in every
    language: the count is said beside them)."""
    from rarepassport.errors import describe_characters

    return describe_characters(chars[:limit]) + (", …" if len(chars) > limit else "")


def places_text(document: Document, places: Sequence[tuple[str, tuple[str, ...]]], limit: int = 6) -> str:
    """The first ``limit`` places of ``places`` in the document's language, then ``…``."""
    separator = _phrase(document, "phrase.place.separator")
    shown = [place_text(where, lambda id, **values: _phrase(document, id, **values)) for where, _ in places[:limit]]
    return separator.join(shown + (["…"] if len(places) > limit else []))


def _phrase(document: Document, id: str, /, **values: object) -> str:
    """``document.phrase``, in English when the document was made without the phrase."""
    from rarepassport import labels

    if id in document.phrases:
        return document.phrase(id, **values)
    return labels.lookup(id, "en").format_map({key: str(value) for key, value in values.items()})


# --- right-to-left text -------------------------------------------------------------


def _direction(char: str) -> str:
    return unicodedata.bidirectional(char)


def is_right_to_left(text: str) -> bool:
    """Whether a paragraph reads right to left: its first strong character is R or AL.

    Characters inside directional isolates are skipped, as the bidi algorithm (and
    fpdf2) does.
    """
    depth = 0
    for char in text:
        kind = _direction(char)
        if kind in ("LRI", "RLI", "FSI"):
            depth += 1
        elif kind == "PDI":
            depth = max(depth - 1, 0)
        elif depth:
            continue
        elif kind in _RTL_CLASSES:
            return True
        if kind == "L":
            return False
    return False


# Every character of bidi class R or AL is in one of these blocks (a test checks it
# against the whole Unicode database): text without any is left to right, found
# without asking each character's class.
_MAYBE_RTL = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")


def _has_rtl(text: str) -> bool:
    return _MAYBE_RTL.search(text) is not None and any(_direction(char) in _RTL_CLASSES for char in text)


def _segments(text: str) -> list[tuple[bool, str]]:
    """Split a text into right-to-left and left-to-right runs: ``(is_rtl, run)``.

    A run goes from its first to its last strong character (R/AL for right-to-left;
    L, European or Arabic digits for left-to-right); the neutral characters between
    two runs (spaces, brackets, colons) belong to neither.
    """
    return [(rtl, text[start:end]) for rtl, start, end in _runs(text)]


def _directional_spans(text: str) -> list[tuple[bool, int, int]]:
    """``(rtl, start, end)`` of each run of one direction, from its first to its last
    strong character (Arabic-Indic digits count as left to right)."""
    runs: list[tuple[bool, int, int]] = []  # (rtl, start, end)
    for index, char in enumerate(text):
        kind = _direction(char)
        if kind in _RTL_CLASSES:
            rtl = True
        elif kind in _LTR_CLASSES:
            rtl = False
        else:
            continue
        if runs and runs[-1][0] == rtl:
            runs[-1] = (rtl, runs[-1][1], index + 1)
        else:
            runs.append((rtl, index, index + 1))
    return runs


def _runs(text: str) -> list[tuple[bool, int, int]]:
    runs = _directional_spans(text)
    widened: list[tuple[bool, int, int]] = []
    for run in runs:
        rtl, start, end = _widen(text, *run)
        if widened:
            start = max(start, widened[-1][2])
        widened.append((rtl, start, end))
    return widened


def _widen(text: str, rtl: bool, start: int, end: int) -> tuple[bool, int, int]:
    """Take into a left-to-right run the signs that belong to its numbers.

    "+" of "+966", "≥ " of "≥ 38 °C", "%" of "50%", the brackets around "(mg/kg)":
    left outside, the bidi algorithm would put them on the other side of the number
    (and mirror "≥" into "≤") in right-to-left text.
    """
    if rtl:
        return rtl, start, end
    run = text[start:end]
    while start > 0:
        before = text[start - 1]
        if not before.isspace() and (_direction(before) in ("ES", "ET", "CS")
                                     or unicodedata.category(before) in ("Sm", "No")
                                     or (before in "([" and _BRACKET_PAIRS[before] in run)):
            start -= 1
        elif before == " " and start > 1 and unicodedata.category(text[start - 2]) in ("Sm", "No"):
            start -= 2
        else:
            break
    run = text[start:end]
    while end < len(text):
        after = text[end]
        if not after.isspace() and (_direction(after) == "ET" or unicodedata.category(after) == "No"
                                    or (after in ")]" and _OPENERS[after] in run)):
            end += 1
        else:
            break
    return rtl, start, end


_BRACKET_PAIRS = {"(": ")", "[": "]"}
_OPENERS = {")": "(", "]": "["}


def isolate_left_to_right(text: str, *, leading: bool = False) -> str:
    """Keep left-to-right runs inside right-to-left text left to right.

    The Unicode bidi algorithm prints "+966 50 123 4567" inside Arabic text as
    "4567 123 50 966+" (each group of digits is its own run). Each left-to-right run
    (from its first to its last strong character) is wrapped in LEFT-TO-RIGHT ISOLATE
    ... POP DIRECTIONAL ISOLATE, and a short one keeps its spaces unbreakable so a
    phone number or dose is never split over two lines. Text without right-to-left
    characters is returned unchanged.

    A leading left-to-right run is left as it is (it makes a paragraph left to right)
    unless ``leading``: for a text drawn after other text of a right-to-left paragraph
    (a value after an Arabic label on the card), where the bidi algorithm would split
    it at the brackets around it ("Latex (Hives and wheeze, شديدة)" printed as "Hives
    and wheeze) Latex", the reaction first).
    """
    if not _has_rtl(text):
        return text
    out: list[str] = []
    position = 0
    for number, (rtl, run) in enumerate(_segments(text)):
        start = text.index(run, position)
        out.append(text[position:start])
        if rtl or (number == 0 and not leading):
            # A leading left-to-right run is left as it is: it makes the paragraph
            # left to right (fpdf2 looks for the first strong character outside
            # isolates), and before any right-to-left text its digits are in order.
            out.append(run)
        else:
            keep = run.replace(" ", "\u00a0") if len(run) <= _KEEP_TOGETHER else _NUMBER_GROUPS.sub(
                lambda match: match.group().replace(" ", "\u00a0"), run)
            out.append(f"{_LRI}{keep}{_PDI}")
        position = start + len(run)
    out.append(text[position:])
    return "".join(out)


# --- normalising and matching -------------------------------------------------------

_BRACKETS = {")": "(", "]": "[", "}": "{", "\u00bb": "\u00ab", "\u203a": "\u2039"}
_CLOSING = {opening: closing for closing, opening in _BRACKETS.items()}
_OPENING_BRACKETS = frozenset(_CLOSING)
_SOFT_HYPHEN = "\u00ad"


def _fold(char: str) -> str:
    code = ord(char)
    # Ligatures and Arabic/Hebrew presentation forms: what a shaped glyph extracts as.
    if 0xFB00 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return unicodedata.normalize("NFKC", char)
    return _BRACKETS.get(char, char)


class _SkeletonTable(dict[int, str]):
    """What `skeleton` makes of each character, worked out once per character and process."""

    def __init__(self, *, keep_soft_hyphens: bool, fold_brackets: bool = True,
                 marking_separators: bool = False) -> None:
        super().__init__()
        self.keep_soft_hyphens = keep_soft_hyphens
        self.fold_brackets = fold_brackets
        self.marking_separators = marking_separators

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if self.marking_separators and _SEPARATORS.fullmatch(char):
            # Where words may begin and end (`_Spaced.of`): whitespace and line breaks
            # marked apart, for the digits either side of them (`_digit_gaps`).
            value = "\2" if char in _LINE_BREAKS else "\1" if _is_space(char) else "\0"
        elif char == _SOFT_HYPHEN and self.keep_soft_hyphens:
            value = char
        elif char.isspace() or unicodedata.category(char) in ("Cf", "Cc"):
            value = ""
        elif not self.fold_brackets and char in _BRACKETS:
            value = char
        else:
            value = _fold(char)
        self[code] = value
        return value


# ``str.translate`` looks each character up in C; only a character not seen before
# goes through `_SkeletonTable.__missing__` (a document's haystack has some 20,000).
_SKELETON = _SkeletonTable(keep_soft_hyphens=False)
_SKELETON_KEEPING_SOFT_HYPHENS = _SkeletonTable(keep_soft_hyphens=True)


# For `_Spaced.of`: the separators of words (`_SEPARATORS`) marked with NUL.
_SPACED = _SkeletonTable(keep_soft_hyphens=False, marking_separators=True)
_SPACED_AS_DRAWN = _SkeletonTable(keep_soft_hyphens=False, fold_brackets=False, marking_separators=True)


def _brackets_drawn(text: str) -> str:
    """The brackets of ``text`` in order, each as written (not folded as by `skeleton`)."""
    return "".join(char for char in text if char in _BRACKET_CHARACTERS)


_BRACKET_CHARACTERS = frozenset(_BRACKETS) | frozenset(_BRACKETS.values())
_CLOSERS = re.compile("[" + re.escape("".join(_BRACKETS)) + "]")


@functools.lru_cache(maxsize=4096)
def _part_brackets(part: str) -> str:
    """The brackets a match of ``part`` must have, in order, as written."""
    return _brackets_drawn(part)


def skeleton(text: str, *, keep_soft_hyphens: bool = False) -> str:
    """Text reduced to what drawing must preserve, for comparing with extracted text.

    NFC; no whitespace; no format characters (direction marks and isolates, joiners;
    soft hyphens unless ``keep_soft_hyphens``) and no control characters (pypdf gives
    the raw code of a shaped glyph with no Unicode of its own, such as a Devanagari
    vowel sign drawn as part of a cluster, as a control character); ligatures and
    presentation forms
    folded to their letters; closing brackets folded to opening ones (extractors
    mirror them in right-to-left text).
    """
    table = _SKELETON_KEEPING_SOFT_HYPHENS if keep_soft_hyphens else _SKELETON
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).translate(table))


# fpdf2 gives a shaped Indic glyph that has no character of its own (the vowel sign
# "ि" drawn before its consonant, a reph, some conjuncts) a stand-in code in the PDF's
# text layer, which pypdf extracts as one or two ASCII characters after an Indic letter
# ("नि#दान" for "निदान"). The picture is right; up to two such extra characters are
# allowed after each Indic character (never in place of one), as few as the match
# needs: after a text's last letter they would take the start of the next word.
_STAND_IN = "[!-~\x00-\x1f]{0,2}?"


def _escaped(piece: str) -> str:
    out = []
    for char in piece:
        out.append(re.escape(char))
        if "\u0900" <= char <= "\u0dff":
            out.append(_STAND_IN)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _pattern(part: str) -> re.Pattern[str] | str:
    """What ``part`` is looked for as: its skeleton, or a pattern when it needs one.

    A soft hyphen prints as "-" where fpdf2 breaks the line there, else as nothing; an
    Indic letter may be followed by fpdf2's stand-in codes. Any other text is looked
    for as it is, with ``str.find`` (compiling a pattern for each of a document's
    texts cost more than the search).
    """
    text = skeleton(part, keep_soft_hyphens=True)
    if _SOFT_HYPHEN not in text and not _INDIC.search(text):
        return text
    return re.compile("-?".join(_escaped(piece) for piece in text.split(_SOFT_HYPHEN)))


@functools.lru_cache(maxsize=1024)
def _drawn_pattern(part: str) -> re.Pattern[str]:
    """`_pattern` of a text with brackets (a pattern), its brackets as written."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", part).translate(_SKELETON_AS_WRITTEN))
    return re.compile("-?".join(_escaped(piece) for piece in text.split(_SOFT_HYPHEN)))


_SKELETON_AS_WRITTEN = _SkeletonTable(keep_soft_hyphens=True, fold_brackets=False)
_INDIC = re.compile("[\u0900-\u0dff]")


def _search(haystack: str, part: str, start: int = 0, end: int | None = None) -> int | None:
    """Where the first match of ``part`` in ``haystack[start:end]`` ends, or None."""
    wanted = _pattern(part)
    if isinstance(wanted, str):
        found = haystack.find(wanted, start, len(haystack) if end is None else end)
        return None if found < 0 else found + len(wanted)
    match = wanted.search(haystack, start, len(haystack) if end is None else end)
    return None if match is None else match.end()


# Groups of digits separated by spaces, each group a whole word: "+966 50 123 4567".
_NUMBER_GROUPS = re.compile(r"(?<!\S)\+?[0-9]+(?:[ \u00a0][0-9]+)+(?!\S)")


# Lam followed by an alef is drawn as one ligature glyph (لا, لأ, لإ, لآ), which pypdf
# may extract at one end of the word rather than in its place ("أولا" as "لا" + "أو").
_LAM_ALEF = re.compile("\u0644[\u064b-\u065f\u0670]*[\u0627\u0623\u0625\u0622]")


def _only_signs(text: str) -> bool:
    """Whether a text has no letter or digit (", -"): such a text is found anywhere, in
    either order (pypdf reverses signs with right-to-left text beside them)."""
    return not any(_direction(char) in (*_RTL_CLASSES, *_LTR_CLASSES) for char in text)


def _found_signs(haystack: str, text: str) -> bool:
    return _search(haystack, text) is not None or _search(haystack, text[::-1]) is not None


def _found_whole(spaced: _Spaced, text: str) -> bool:
    """Whether a text of a document without right-to-left text is in ``spaced``: whole,
    in order and at word boundaries at both ends (`_Spaced.separates`), or a long text
    split by a page break as its words in order, each at word boundaries
    (`_found_in_pieces`)."""
    if _only_signs(text):
        return _found_signs(spaced.text, text)
    return spaced.find(text, 0, len(spaced.text), strict=True) is not None \
        or _found_in_pieces(spaced, text, strict=True)


# --- matching text with right-to-left letters -------------------------------------------
#
# Extractors give the runs of a line with right-to-left text in visual or logical order,
# reverse Arabic-Indic digits, move neutral signs and mirror brackets, so such a text
# cannot be looked for whole. It is cut into parts (`_near_parts`), each looked for at
# word boundaries in a haystack that remembers where words and drawn pieces of text
# ended (`_Spaced`), and all near one another (`_found_near`).

#: How a part is looked for: a left-to-right run whole and in order; a right-to-left
#: word (or a run of Arabic-Indic digits) whole, in logical or visual order; a neutral
#: sign anywhere in the window. Runs and words at word boundaries.
_RUN, _WORD, _SIGN = "run", "word", "sign"
#: A right-to-left word with a bracket written beside it: the word as `_WORD`, each
#: bracket on its side (`_brackets_beside`).
_BRACKETED = "bracketed"
# Beyond the length of the text itself, how far from its first part the others may be:
# the signs and spaces extractors move, the other texts of a table row drawn between
# the lines of a wrapped cell.
_NEAR = 120


@attrs.frozen
class _Spaced:
    """A haystack (`skeleton` of the extracted text) and where words may begin and end.

    ``breaks[i]`` is true when whitespace, a format character or the end of one drawn
    piece of text (one text-showing operation of the PDF) lay before ``text[i]``.
    """

    text: str
    breaks: bytes
    #: ``starts[i]`` is true when a drawn piece of text begins at ``text[i]``.
    starts: bytes
    #: Where ``text`` holds a closing bracket folded to its opening one (`skeleton`).
    closers: frozenset[int]
    #: ``gaps[i]`` says what lay before ``text[i]`` when it and the character before
    #: it are both digits (`_digit_gaps`): `_TOUCHING`, `_SPACE` or `_EITHER`
    #: (0 elsewhere).
    gaps: bytes = b""

    @classmethod
    def of(cls, pieces: Iterable[str]) -> _Spaced:
        text: list[str] = []
        breaks, starts = bytearray(), bytearray()
        closers: set[int] = set()
        digit_gaps: dict[int, int] = {}
        size = 0
        # The separators read since the last character kept, across pieces (pypdf gives
        # the spaces it infers between drawn pieces as pieces of their own).
        carried = ""
        for piece in pieces:
            # One translation per piece, the separators marked (a line break with STX,
            # other whitespace with SOH, the rest with NUL), then cut at them.
            marked = unicodedata.normalize("NFC", unicodedata.normalize("NFC", piece).translate(_SPACED))
            if _DIGIT.search(marked):
                _digit_gaps(marked, size, text[-1][-1] if text else "", carried, digit_gaps)
            ending = marked[len(marked.rstrip(_MARKS)):]
            carried = carried + ending if len(ending) == len(marked) else ending
            if "\1" in marked or "\2" in marked:
                marked = marked.replace("\1", "\0").replace("\2", "\0")
            tokens = [token for token in marked.split("\0") if token]
            if not tokens:
                continue
            joined = "".join(tokens)
            if _CLOSERS.search(piece):
                drawn = unicodedata.normalize("NFC", unicodedata.normalize("NFC", piece).translate(
                    _SPACED_AS_DRAWN)).replace("\0", "").replace("\1", "").replace("\2", "")
                if len(drawn) == len(joined):
                    closers.update(size + index for index, (a, b) in enumerate(zip(joined, drawn, strict=True))
                                   if a != b)
            for token in tokens:
                breaks += b"\x01" + bytes(len(token) - 1)
            starts += b"\x01" + bytes(len(joined) - 1)
            text.append(joined)
            size += len(joined)
        breaks.append(1)
        starts.append(1)
        gaps = bytearray(size + 1)
        for index, gap in digit_gaps.items():
            gaps[index] = gap
        return cls("".join(text), bytes(breaks), bytes(starts), frozenset(closers), bytes(gaps))

    def drawn(self, start: int, end: int) -> str:
        """``text[start:end]`` with its closing brackets as drawn (not folded)."""
        piece = self.text[start:end]
        if not self.closers or not any(char in _OPENING_BRACKETS for char in piece):
            return piece
        return "".join(_CLOSING[char] if start + index in self.closers else char
                       for index, char in enumerate(piece))

    def boundary(self, index: int) -> bool:
        """Whether a word may begin or end before ``self.text[index]``: after a break,
        or where the kind of character changes (`_kind`); never before a mark, nor beside
        a decimal point or comma between digits (`in_number`)."""
        if self.breaks[index]:
            return True
        if self.in_number(index):
            return False
        if _NO_WORD_BOUNDARIES.match(self.text[index]) or _NO_WORD_BOUNDARIES.match(self.text[index - 1]):
            return True
        after = _kind(self.text[index])
        if after == "m":
            return False
        before = index - 1
        while before > 0 and _kind(self.text[before]) == "m" and not self.breaks[before]:
            before -= 1
        return after == "" or _kind(self.text[before]) != after

    def in_number(self, index: int) -> bool:
        """Whether a decimal point or comma between two digits is just before or at
        ``text[index]``: "5" of "0.5", "0" of "10,5" begin or end no word there."""
        text, breaks = self.text, self.breaks
        for point in (index - 1, index):
            if 1 <= point < len(text) - 1 and text[point] in _NUMBER_JOINERS and not breaks[point] \
                    and not breaks[point + 1] and text[point - 1].isdecimal() and text[point + 1].isdecimal():
                return True
        return False

    def separates(self, index: int, *, start: bool) -> bool:
        """Whether a text of a document without right-to-left text may begin (``start``)
        or end before ``self.text[index]``: a word boundary at that end of it.

        There is one after a break (whitespace, the end of a page or drawn piece), beside
        a Chinese, Japanese, Korean or Indic character (see `_NO_WORD_BOUNDARIES`), where
        the text's own edge is a sign ("(8 am)", "+44 20 ...", "Na+"), or where a sign
        that is not part of a word or number stands beside it. There is none between two
        letters or digits ("10 mg" in "110 mg", "Latex" in "Latexes"), nor at a sign
        that joins them: a decimal point or comma between digits ("5 mg" in "0.5 mg",
        "000" in "1,000"), a hyphen or apostrophe between letters or digits ("Latex" in
        "Latex-free", "456" in "0123-456"), nor after a plus or minus sign just before a
        number ("5 °C" in "-5 °C").
        """
        text, breaks = self.text, self.breaks
        if index <= 0 or index >= len(text) or breaks[index]:
            return True
        inside, outside = (text[index], text[index - 1]) if start else (text[index - 1], text[index])
        if not _wordy(inside) or _NO_WORD_BOUNDARIES.match(inside) or _NO_WORD_BOUNDARIES.match(outside):
            return True
        if _wordy(outside):
            return False
        further = index - 2 if start else index + 1
        joined = 0 <= further < len(text) and not breaks[index - 1 if start else index + 1] \
            and _wordy(text[further]) and not _NO_WORD_BOUNDARIES.match(text[further])
        if outside in _NUMBER_JOINERS and joined and inside.isdecimal() and text[further].isdecimal():
            return False
        if outside in _WORD_JOINERS and joined:
            return False
        return not (start and outside in _NUMBER_SIGNS and inside.isdecimal())

    def find(self, part: str, start: int, end: int, *, open_start: bool = False,
             open_end: bool = False, strict: bool = False, any_brackets: bool = False) -> tuple[int, int] | None:
        """The first match of ``part`` in ``text[start:end]`` at word boundaries (not
        needed at an ``open_`` end), as ``(start, end)``, or None: `boundary` ones, or
        with ``strict`` (a document without right-to-left text) `separates` ones. Its
        brackets must be the ones of ``part`` as written, unless ``any_brackets``."""
        wanted = _pattern(part)
        start, end = max(start, 0), min(end, len(self.text))
        brackets = "" if any_brackets else _part_brackets(part)

        gaps = _asked_gaps(part)

        def whole(first: int, stop: int) -> bool:
            # "100 mg" drawn "10 0 mg": the digits grouped as written (`_grouped_as_asked`).
            if gaps and not _grouped_as_asked(gaps, self.gaps[first + 1:stop].replace(b"\0", b"")):
                return False
            # "(8 am)" drawn ")8 am(": each bracket as written, where it was written (with
            # a pattern, not counting fpdf2's stand-in codes, which may be brackets).
            if brackets and (_brackets_drawn(self.drawn(first, stop)) != brackets if isinstance(wanted, str)
                             else _drawn_pattern(part).fullmatch(self.drawn(first, stop)) is None):
                return False
            if strict:
                return (open_start or self.separates(first, start=True)) and \
                    (open_end or self.separates(stop, start=False))
            return (open_start or self.boundary(first)) and (open_end or self.boundary(stop))

        if isinstance(wanted, str):
            if not wanted:
                return None
            found = self.text.find(wanted, start, end)
            while found >= 0:
                stop = found + len(wanted)
                if whole(found, stop):
                    return found, stop
                found = self.text.find(wanted, found + 1, end)
            return None
        for match in wanted.finditer(self.text, start, end):
            if whole(match.start(), match.end()):
                return match.start(), match.end()
        return None


# --- how digits are grouped (H172) ---------------------------------------------------
#
# The comparison drops whitespace, so "100 mg" drawn "10 0 mg" or "0121 496 0500" drawn
# "01214 960500" would match. Between two digits (nothing but whitespace or format
# characters between them) the read-back must have whitespace exactly where the text
# has it. What lay between two such digits of the haystack (`_Spaced.gaps`):
_TOUCHING = 1  # nothing, or only format characters (isolates, direction marks)
_SPACE = 2  # whitespace (a space, a no-break or narrow no-break space, a tab)
# Either is accepted: a line break (a number wrapped over two lines where it has no
# space: the digits are drawn in order, H14 is about where lines break), or one drawn
# piece ended and the next began with no whitespace read between them (the extractor
# does not say whether the glyphs were apart).
_EITHER = 3
_LINE_BREAKS = frozenset("\n\r\v\f\u2028\u2029")
_MARKS = "\0\1\2"  # what `_SPACED` marks separators with

_DIGIT = re.compile(r"\d")
# Two digits with only separators (marked by `_SPACED`) between them.
_DIGIT_GAP = re.compile("(?<=\\d)[\0\1\2]*(?=\\d)")
_FIRST_KEPT = re.compile("[^\0\1\2]")


def _is_space(char: str) -> bool:
    """Whitespace as drawn: not the control characters Python also calls whitespace
    (U+001C-U+001F, which pypdf may give for a shaped glyph's stand-in code)."""
    return char.isspace() and (char in "\t\n\v\f\r" or unicodedata.category(char) != "Cc")


def _gap(separators: str) -> int:
    """What the separators between two digits (marked by `_SPACED`) say."""
    return _EITHER if "\2" in separators else _SPACE if "\1" in separators else _TOUCHING


def _digit_gaps(marked: str, offset: int, previous: str, carried: str, gaps: dict[int, int]) -> None:
    """Record in ``gaps`` what lay between each two digits of a piece (``marked``, its
    separators marked by `_SPACED`), by where the second digit is in the haystack (the
    piece's text begins at ``offset``); also between the last character of the pieces
    before (``previous``) and this piece's first, across pieces (``carried``: the
    separators read since it)."""
    first = _FIRST_KEPT.search(marked)
    if first is None:
        return
    if previous.isdecimal() and marked[first.start()].isdecimal():
        across = _gap(carried + marked[:first.start()])
        gaps[offset] = _EITHER if across == _TOUCHING else across
    separators, counted = 0, 0
    for match in _DIGIT_GAP.finditer(marked):
        at = match.start()
        separators += sum(marked.count(mark, counted, at) for mark in _MARKS)
        counted = at
        gaps[offset + at - separators] = _gap(match.group())


@functools.lru_cache(maxsize=4096)
def _asked_gaps(part: str) -> bytes:
    """What lies between each two digits of ``part`` (`_TOUCHING` or `_SPACE`), in order."""
    marked = unicodedata.normalize("NFC", unicodedata.normalize("NFC", part).translate(_SPACED))
    return bytes(_TOUCHING if _gap(match.group()) == _TOUCHING else _SPACE for match in _DIGIT_GAP.finditer(marked))


def _grouped_as_asked(asked: bytes, read: bytes) -> bool:
    """Whether digits read with the gaps ``read`` (nonzero `_Spaced.gaps` of a match, in
    order) are grouped as ``asked`` (`_asked_gaps`): whitespace where the text has it,
    none where it has none; a line break, or the end of a drawn piece, may be either. A
    match with other pairs of digits than the text (fpdf2's stand-in codes after a
    Devanagari digit) is not compared."""
    if asked == read or len(asked) != len(read):
        return True
    return all(gap in (_EITHER, wanted) for wanted, gap in zip(asked, read, strict=True))


# Signs that are part of a number or word when a digit or letter stands on both sides
# of them, and the signs of a number just before its digits (`_Spaced.separates`).
_NUMBER_JOINERS = frozenset(".,\u066b\u066c")
_WORD_JOINERS = frozenset("-'\u2019\u2010\u2011")
_NUMBER_SIGNS = frozenset("+-\u2212\u00b1")


def _wordy(char: str) -> bool:
    """A letter, digit or mark: part of a word."""
    return unicodedata.category(char)[0] in "LNM"


# What separates words in extracted text: whitespace, and the format characters
# (directional isolates and marks, joiners) and control characters `skeleton` drops.
_SEPARATORS = re.compile("[\\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]+")


# Where a word may begin or end is not checked beside Indic characters (pypdf gives a
# stray vowel sign after some shaped clusters, "पेनिसिलिनि") nor beside Chinese, Japanese
# or Korean ones (written without spaces between words).
_NO_WORD_BOUNDARIES = re.compile("[\u0900-\u0dff\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
                                 "\uff00-\uffef\U00020000-\U0003ffff]")


@functools.lru_cache(maxsize=4096)
def _kind(char: str) -> str:
    """Which kind of word a character belongs to: ``"l"`` left-to-right letters and
    European digits, ``"r"`` right-to-left letters, ``"a"`` Arabic-Indic digits, ``"m"``
    a mark (of its letter's kind); ``""`` a sign, which is a word of its own."""
    kind = _direction(char)
    if kind in ("L", "EN"):
        return "l"
    if kind in _RTL_CLASSES:
        return "r"
    if kind == "AN":
        return "a"
    if kind == "NSM":
        return "m"
    return ""


def _near_parts(text: str) -> list[tuple[str, str]]:
    """What must be found for a text with right-to-left letters, or any text of a
    document with right-to-left text when it is not found whole: ``(mode, part)`` pairs.

    * each maximal left-to-right run (from its first to its last strong character:
      "100 mg by mouth on waking", "+44 20 7946 0000") whole and in order (`_RUN`);
      one of Arabic-Indic digits in either order, as pypdf reverses them (`_WORD`);
    * each right-to-left word in logical or visual order (`_WORD`);
    * each neutral sign around them (brackets, colons, "+" and "≥" before a number) on
      its own (`_SIGN`), brackets counting as either bracket.
    """
    parts: list[tuple[str, str]] = []
    position = 0
    for rtl, start, end in _strong_runs(text):
        parts.extend(_signs(text[position:start]))
        run = text[start:end]
        if rtl or any(_direction(char) == "AN" for char in run):
            # A slash between two words ("وحدة دولية/دسل") is a sign of its own:
            # WeasyPrint draws each side of it as a piece of its own.
            for match in re.finditer(r"[^\s/]+" if rtl else r"\S+", run):
                word = match.group()
                if run[match.end():match.end() + 1] == "/":
                    parts.extend(_signs("/"))
                # The signs at a word's edges ("حسن," "(الحالة") are moved by the
                # extractors' reading of the line: looked for on their own.
                letters = [index for index, char in enumerate(word) if _kind(char)] if rtl else [0, len(word) - 1]
                if not letters:
                    parts.extend(_signs(word))
                    continue
                first, last = letters[0], letters[-1] + 1
                parts.extend(_signs(word[:first] + word[last:]))
                parts.append(_word_part(text, word[first:last], start + match.start() + first,
                                        start + match.start() + last))
        else:
            parts.append((_RUN, run))
        position = end
    parts.extend(_signs(text[position:]))
    return parts


def _word_part(text: str, word: str, start: int, end: int) -> tuple[str, str]:
    """A right-to-left word (or Arabic-Indic number) at ``text[start:end]``: `_WORD`, or
    `_BRACKETED` with the bracket written just before or after it ("(٨", "صباحًا)"),
    as ``opening NUL word NUL closing``."""
    opening = text[start - 1] if start > 0 and text[start - 1] in _BRACKET_CHARACTERS else ""
    closing = text[end] if end < len(text) and text[end] in _BRACKET_CHARACTERS else ""
    if not opening and not closing:
        return _WORD, word
    return _BRACKETED, f"{opening}\0{word}\0{closing}"


def _signs(text: str) -> list[tuple[str, str]]:
    return [(_SIGN, _BRACKETS.get(sign, sign)) for sign in text if skeleton(sign)]


def _strong_runs(text: str) -> list[tuple[bool, int, int]]:
    """The right-to-left and left-to-right runs of a text, each from its first to its
    last strong character (Arabic-Indic digits are left-to-right here)."""
    runs = _directional_spans(text)
    # A mark after a run's last letter ("عادةً") belongs to it.
    for number, (rtl, start, end) in enumerate(runs):
        while end < len(text) and _direction(text[end]) == "NSM":
            end += 1
        runs[number] = (rtl, start, end)
    return runs


def _found_near(haystack: _Spaced, text: str) -> bool:
    """Whether every part of ``text`` (`_near_parts`) is in ``haystack``, each at word
    boundaries, all within a window around the first part's place: the same line or
    the lines next to it, never anywhere on the page."""
    parts = _near_parts(text)
    if not parts:
        return True
    if not is_right_to_left(text):
        # Drawn as (or in) a left-to-right paragraph, whose brackets beside right-to-left
        # words the extractors give elsewhere: those are looked for as signs only.
        parts = [(_WORD, part.split("\0")[1]) if mode == _BRACKETED else (mode, part) for mode, part in parts]
    reach = len(skeleton(text)) + _NEAR
    # The first part that is not a sign is the anchor: where it is found, the others
    # must be found around it.
    anchor = next((index for index, (mode, _part) in enumerate(parts) if mode != _SIGN), 0)
    mode, part = parts[anchor]
    others = parts[:anchor] + parts[anchor + 1:]
    for start, end in _places(haystack, mode, part, 0, len(haystack.text)):
        low, high = start - reach, end + reach
        if all(_part_place(haystack, other_mode, other, low, high) is not None for other_mode, other in others):
            return True
    return False


def _places(haystack: _Spaced, mode: str, part: str, low: int, high: int) -> Iterator[tuple[int, int]]:
    """Every place (start, end) a part is found in ``haystack.text[low:high]``, left to right."""
    position = low
    while True:
        found = _part_place(haystack, mode, part, position, high)
        if found is None:
            return
        yield found
        position = found[0] + 1


def _part_place(haystack: _Spaced, mode: str, part: str, low: int, high: int) -> tuple[int, int] | None:
    """The first place a part is found in ``haystack.text[low:high]`` as its mode asks."""
    if mode == _SIGN:
        return haystack.find(part, low, high, open_start=True, open_end=True, any_brackets=True)
    if mode == _BRACKETED:
        opening, word, closing = part.split("\0")
        position = low
        while (found := _part_place(haystack, _WORD, word, position, high)) is not None:
            if _brackets_beside(haystack, word, found, opening, closing):
                return found
            position = found[0] + 1
        return None
    found = haystack.find(part, low, high)
    if mode == _WORD:
        if found is not None:
            return found
        found = haystack.find(part[::-1], low, high)
        if found is not None or not _LAM_ALEF.search(part):
            return found
        return _ligature_place(haystack, part, low, high)
    # A run: whole or wrapped over lines, whichever comes first; the same run may be
    # whole elsewhere (a diagnosis in the emergency summary and in its own section).
    wrapped = _wrapped_place(haystack, part, low, high)
    if wrapped is None or (found is not None and found[0] <= wrapped[0]):
        return found
    return wrapped


def _brackets_beside(haystack: _Spaced, word: str, place: tuple[int, int], opening: str, closing: str) -> bool:
    """Whether a right-to-left word found at ``place`` has the brackets written beside
    it on the sides they were written: "(٨ صباحًا)" drawn ")٨ صباحًا(" (each bracket
    facing away from its words) is not.

    pypdf gives each drawn piece of right-to-left text in logical order and the pieces
    of a line in visual order (left to right), each character as written: a bracket
    written before a word is just before it in its piece, or, the word being the first
    of its piece, the first character of the next piece (drawn to its right); one
    written after it is just after it, or, the word being the last of its piece, the
    last character of the piece before. A word found in visual order (the whole line
    reversed) has the bracket written before it on its right, the one after on its left.
    """
    start, end = place
    text, starts = haystack.text, haystack.starts

    def at(index: int) -> str:
        return haystack.drawn(index, index + 1) if 0 <= index < len(text) else ""

    logical = skeleton(word)
    orders = [visual for visual, form in ((False, logical), (True, logical[::-1])) if text[start:end] == form]
    for visual in orders or [False, True]:
        if visual:
            if (not opening or at(end) == opening) and (not closing or at(start - 1) == closing):
                return True
            continue
        opened = not opening or (at(start - 1) == opening and not starts[start]) or (
            bool(starts[start]) and at(starts.find(b"\x01", start + 1)) == opening)
        closed = not closing or (at(end) == closing and not starts[end]) or (
            bool(starts[end]) and at(starts.rfind(b"\x01", 0, start + 1) - 1) == closing)
        if opened and closed:
            return True
    return False


def _ligature_place(haystack: _Spaced, word: str, low: int, high: int) -> tuple[int, int] | None:
    """A right-to-left word with a lam-alef ligature, whose ligature pypdf may give at one
    end of the word: the ligatures and the rest each found whole, side by side."""
    pieces = [*_LAM_ALEF.findall(word), *(piece for piece in _LAM_ALEF.split(word) if piece)]
    places = []
    for piece in pieces:
        found = haystack.find(piece, low, high, open_start=True, open_end=True)
        if found is None:
            found = haystack.find(piece[::-1], low, high, open_start=True, open_end=True)
        if found is None:
            return None
        places.append(found)
    return min(start for start, _end in places), max(end for _start, end in places)


def _wrapped_place(haystack: _Spaced, run: str, low: int, high: int) -> tuple[int, int] | None:
    """A left-to-right run wrapped over lines: its pieces (`_unbreakable`) in order, each
    whole at word boundaries, with only other text of the paragraph between them."""
    pieces = _unbreakable(run)
    if len(pieces) < 2:
        return None
    for first in _places(haystack, _RUN, pieces[0], low, high):
        position, ok = first[1], True
        for piece in pieces[1:]:
            found = haystack.find(piece, position, high)
            if found is None:
                ok = False
                break
            position = found[1]
        if ok:
            return first[0], position
    return None


def _unbreakable(run: str) -> list[str]:
    """The pieces a left-to-right run may be wrapped between: its words, but a phone
    number, a group of numbers or a dose ("100 mg") whole, as the backends keep them on
    one line (`unbroken`)."""
    kept = _NUMBER_GROUPS.sub(lambda match: match.group().replace(" ", "\u00a0"), unbroken(run))
    pieces = []
    for piece in kept.split(" "):
        # A sign at the edge of a piece ("(syndrome") may be moved where the line breaks.
        letters = [index for index, char in enumerate(piece) if _kind(char)]
        if letters:
            pieces.append(piece[letters[0]:letters[-1] + 1].replace("\u00a0", " "))
    return pieces


# A long text can be split where a page breaks inside it: a table row taller than a
# page continues on the next page after the other cells of the row and the repeated
# header row. Such a text is found when its words appear in order with short gaps.
_LONG_TEXT = 60
_MAX_GAP = 2000
_PIECE_LOOKS = 20_000


def _found_in_pieces(spaced: _Spaced, text: str, *, strict: bool = False) -> bool:
    """Whether a long text is in ``spaced`` as its words in order, each at word
    boundaries (`_Spaced.find`), with gaps of at most `_MAX_GAP` characters.

    Each next word is taken where it first comes after the one before. Tries begin at
    each place of the first word, left to right; a later try reaches each word no
    earlier than an earlier one, so a word missing from the page, or not after where a
    try reached, ends the search at once, and a word reached at the same place as by an
    earlier try goes on as that one did. At most `_PIECE_LOOKS` words are looked for in
    all (on a page of one word repeated every try gets far): beyond that the text counts
    as not shown, the safe direction.
    """
    words = [word for word in text.split() if skeleton(word)]
    if len(skeleton(text)) < _LONG_TEXT or len(words) < 2:
        return False
    size = len(spaced.text)
    # Where each word's last possible place ends (without the word-boundary check).
    last = []
    for word in words:
        wanted = _pattern(word)
        if isinstance(wanted, str):
            at = spaced.text.rfind(wanted)
            last.append(-1 if at < 0 else at + len(wanted))
        else:
            last.append(size)
    if min(last) < 0:
        return False
    dead_ends: set[tuple[int, int]] = set()
    position = 0
    looks = 0
    while (first := spaced.find(words[0], position, size, strict=strict)) is not None:
        reached, ok = first[1], True
        tried: list[tuple[int, int]] = []
        for number, word in enumerate(words[1:], 1):
            looks += 1
            if looks > _PIECE_LOOKS:
                return False
            if reached + len(skeleton(word)) > last[number]:
                return False  # every later try reaches this word later still
            if (number, reached) in dead_ends:
                ok = False
                break
            tried.append((number, reached))
            found = spaced.find(word, reached, reached + _MAX_GAP + len(skeleton(word)), strict=strict)
            if found is None:
                ok = False
                break
            reached = found[1]
        if ok:
            return True
        dead_ends.update(tried)
        position = first[0] + 1
    return False


# --- extracting ------------------------------------------------------------------------


def _readable_fonts(reader: Any) -> None:
    """Let pypdf read fpdf2's CFF (OpenType) fonts, e.g. Noto Sans CJK.

    fpdf2 gives such a font an embedded CMap stream as its encoding, two bytes per
    code; pypdf does not read embedded CMaps and decodes one byte at a time
    ("\\x00王"). Telling this in-memory copy that the codes are two bytes wide
    (``Identity-H``) is enough: the text comes from the font's ToUnicode map, which
    is keyed by those codes. The PDF that is written is never changed.
    """
    from pypdf.generic import NameObject, StreamObject

    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for reference in fonts.get_object().values():
            font = reference.get_object()
            encoding = font.get("/Encoding")
            if font.get("/Subtype") == "/Type0" and encoding is not None \
                    and isinstance(encoding.get_object(), StreamObject):
                font[NameObject("/Encoding")] = NameObject("/Identity-H")


def extract_pdf_text(pdf_bytes: bytes, *, margins: tuple[float, float] | None = None) -> list[str]:
    """The text of each page of a PDF, in drawing order (pypdf).

    Args:
        pdf_bytes: The PDF.
        margins: ``(top, bottom)`` in millimetres: text whose baseline is within
            this distance of the top or bottom edge (running headers and footers)
            is left out.
    """
    return list(_pypdf_page_texts(pdf_bytes, margins=margins).values())


@overload
def _drawn_pieces(pdf_bytes: bytes, *, margins: tuple[float, float] | None = None) -> list[list[str]]: ...


@overload
def _drawn_pieces(pdf_bytes: bytes, *, margins: tuple[float, float] | None = None,
                  only: set[int]) -> dict[int, list[str]]: ...


def _drawn_pieces(pdf_bytes: bytes, *, margins: tuple[float, float] | None = None,
                  only: set[int] | None = None) -> list[list[str]] | dict[int, list[str]]:
    """The text of each page of a PDF as pypdf reads it, one string per text-showing
    operation (in drawing order), those in the ``margins`` bands left out (see
    `extract_pdf_text`). fpdf2 draws each run of one direction and font on its own, so
    where one piece ends a word may end. With ``only``, just those pages (numbered from
    0), by number."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    _readable_fonts(reader)
    pages = []
    chosen: dict[int, list[str]] = {}
    for number, page in enumerate(reader.pages):
        if only is not None and number not in only:
            continue
        height = float(page.mediabox.height)
        top, bottom = (m * 72 / 25.4 for m in margins) if margins is not None else (-1e9, -1e9)
        parts: list[str] = []

        def keep(text: str, cm: Any, tm: Any, _font: Any, _size: Any, parts: list[str] = parts,
                 height: float = height, top: float = top, bottom: float = bottom) -> None:
            if not text.strip():
                parts.append(text)
                return
            baseline = float(tm[5]) * float(cm[3]) + float(cm[5])
            if bottom <= baseline <= height - top:
                parts.append(text)

        page.extract_text(visitor_text=keep)
        pages.append(parts)
        chosen[number] = parts
    return pages if only is None else chosen


# What PDFium gives for a hyphen it takes for a word broken at the end of a line: the
# text page stores it as U+FFFE in the page's text (U+0002 in its character list). The
# glyph drawn is "-".
_PDFIUM_HYPHENS = str.maketrans({"\ufffe": "-", "\u0002": "-"})


def read_pdf_text(pdf_bytes: bytes, *, margins: tuple[float, float] | None = None) -> list[str]:
    """The text of each page of a PDF, as PDFium (pypdfium2) reads it: the renderers' read-back.

    PDFium's text extraction is compiled code, independent of fpdf2 (and of pypdf and
    poppler, which the tests read outputs back with), and several times faster than
    pypdf's. What it gives differently from pypdf: a hyphen that ends a line before a
    letter comes back as a special code (given back here as the "-" that was drawn);
    ligature characters (U+FB00-FB06) as their letters and a no-break space sometimes
    as a space (`skeleton` folds and drops those anyway). For text that fpdf2 shapes
    `verify_pdf_text` uses pypdf instead (see there).

    Args:
        pdf_bytes: The PDF.
        margins: ``(top, bottom)`` in millimetres: text whose baseline is within this
            distance of the top or bottom edge (running headers and footers) is left out.
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]

    document = pdfium.PdfDocument(pdf_bytes)
    try:
        return [_page_text(page, page.get_textpage(), margins) for page in document]
    finally:
        document.close()


def _page_text(page: Any, textpage: Any, margins: tuple[float, float] | None) -> str:
    """PDFium's text of one page (see `read_pdf_text`)."""
    if margins is None:
        text = textpage.get_text_range(errors="replace")
    else:
        height = page.get_height()
        top, bottom = (m * 72 / 25.4 for m in margins)
        text = _body_text(textpage, bottom, height - top)
    return str(text).translate(_PDFIUM_HYPHENS)


def _body_text(textpage: Any, low: float, high: float) -> str:
    """The text of a page whose baselines lie between ``low`` and ``high`` (points from the bottom).

    Reading every character's position through ctypes costs more than the whole
    extraction, so the running header (drawn first on a page) and footer (drawn last)
    are cut off the ends of the page's text, and the text objects in between are
    checked to lie in the body; a page where one does not is read character by
    character.
    """
    import ctypes

    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped,unused-ignore]

    x, y = ctypes.c_double(), ctypes.c_double()

    def baseline(index: int) -> float:
        pdfium_c.FPDFText_GetCharOrigin(textpage, index, ctypes.byref(x), ctypes.byref(y))
        return y.value

    count = textpage.count_chars()
    first = 0
    while first < count and not low <= baseline(first) <= high:
        first += 1
    last = count - 1
    while last >= first and not low <= baseline(last) <= high:
        last -= 1
    if last < first:
        return ""
    # Each rectangle is the glyph boxes of one text object: one in a band means text
    # drawn in the header or footer band between body text.
    for index in range(textpage.count_rects(first, last - first + 1)):
        _left, bottom, _right, top = textpage.get_rect(index)
        if bottom > high or top < low:
            return "".join(textpage.get_text_range(index, 1, errors="replace")
                           for index in range(first, last + 1) if low <= baseline(index) <= high)
    return str(textpage.get_text_range(first, last - first + 1, errors="replace"))


def verify_pdf_text(
    pdf_bytes: bytes, expected: Iterable[tuple[str, str]], *, margins: tuple[float, float] | None = None
) -> list[str]:
    """Check that a PDF shows every expected text.

    The PDF is read back with PDFium (`read_pdf_text`), and with pypdf
    (`extract_pdf_text`) where a script that fpdf2 shapes is drawn (Arabic, Hebrew,
    Devanagari and the other Indic scripts): fpdf2 places each shaped glyph on its own,
    its marks raised or shifted, and PDFium, which rebuilds lines from the positions of
    glyphs, then gives a word's letters and marks out of order ("ستخدمُي" for
    "يُستخدم", a Devanagari vowel sign before its consonant); pypdf gives them in the
    order they were drawn. A document with right-to-left text is read by pypdf on the
    pages where PDFium finds such characters and by PDFium on the others; one with
    shaped text only (Devanagari) by PDFium, as any other document, and a text not
    found there again in PDFium's reading of the pages with such characters text
    object by text object in drawing order (`_shaped_pages`: no line rebuilt from
    positions, as pypdf reads them). A text not found is looked for again in pypdf's
    reading of every page. Either way the same texts are checked by the same rules,
    each in readings of the glyphs drawn.

    Args:
        pdf_bytes: The PDF as written.
        expected: ``(where, text)`` pairs, e.g. from `expected_texts`: the
            text as layout asked for it (before any bidi isolates were added).
        margins: ``(top, bottom)`` bands in millimetres holding running headers and
            footers, left out of the comparison (see `read_pdf_text`).

    Returns:
        One problem per text not found, naming where it is (never the text).
    """
    from rarepassport.rendering._fonts import needs_text_shaping

    wanted = [(where, text) for where, text in expected if skeleton(text)]
    everything = "".join(text for _where, text in wanted)
    # Every right-to-left or shaped script is beyond U+0590: most documents have no
    # character there, which one ``max`` finds.
    shaped = max(everything, default="\0") >= "\u0590" and (_has_rtl(everything) or needs_text_shaping((everything,)))
    missing = []
    if _has_rtl(everything):
        # Only where right-to-left text is drawn can a text come back with its runs and
        # signs moved; elsewhere a text must be found whole, or "100 mg" drawn as "10 mg"
        # would pass because "100" and "mg" are each somewhere on the page.
        spaced = _Spaced.of(piece for page in _right_to_left_pages(pdf_bytes, margins) for piece in page)
        missing = [(where, text) for where, text in wanted if not _found_in_right_to_left_document(spaced, text)]
        if missing:
            # Every page as pypdf draws it: where PDFium lost or reordered text.
            spaced = _Spaced.of(piece for page in _drawn_pieces(pdf_bytes, margins=margins) for piece in page)
            missing = [(where, text) for where, text in missing
                       if not _found_in_right_to_left_document(spaced, text)]
        return [not_drawn(where) for where, _text in missing]
    # Whole, in order and at word boundaries: "10 mg" is not found inside "110 mg".
    haystack = _Spaced.of(read_pdf_text(pdf_bytes, margins=margins))
    missing = [(where, text) for where, text in wanted if not _found_whole(haystack, text)]
    if missing and shaped:
        # PDFium may give a shaped cluster with a mark before its letter: a text not
        # found so is looked for in each page's text objects in drawing order (reading
        # them costs as much again as the page's text, so only when a text is missing).
        haystack = _Spaced.of(_shaped_pages(pdf_bytes, margins))
        missing = [(where, text) for where, text in missing if not _found_whole(haystack, text)]
    if missing:
        # PDFium reads a page line by line across columns, so a value wrapped beside its
        # wrapped label comes back interleaved with it; pypdf reads in drawing order.
        # A text PDFium did not give whole must be there whole in drawing order.
        drawn = _Spaced.of(extract_pdf_text(pdf_bytes, margins=margins))
        missing = [(where, text) for where, text in missing if not _found_whole(drawn, text)]
    return [not_drawn(where) for where, _text in missing]


def missing_in_order(page_text: str, texts: Iterable[tuple[str, str]]) -> str | None:
    """Where the first of ``texts`` is that ``page_text`` does not show, each text looked
    for whole and at word boundaries (as by `verify_pdf_text` in a document without
    right-to-left text) after the end of the one before; None when all are there.

    For a page drawn in reading order without right-to-left text (the lock screen):
    ``texts`` are ``(where, text)`` pairs in the order they were drawn.
    """
    haystack = _Spaced.of([page_text.translate(_PDFIUM_HYPHENS)])
    position = 0
    for where, text in texts:
        if not skeleton(text):
            continue
        found = haystack.find(text, position, len(haystack.text), strict=not _only_signs(text),
                              open_start=_only_signs(text), open_end=_only_signs(text))
        if found is None:
            return where
        position = found[1]
    return None


def _pdfium_pages(pdf_bytes: bytes, margins: tuple[float, float] | None) -> tuple[list[str], set[int]]:
    """PDFium's text of each page (`read_pdf_text`), and the numbers (from 0) of the
    pages where it gives a right-to-left character or one of a script fpdf2 shapes:
    those PDFium may give with letters and marks reordered, to be read by pypdf."""
    from rarepassport.rendering._fonts import needs_text_shaping

    pages = read_pdf_text(pdf_bytes, margins=margins)
    return pages, {index for index, text in enumerate(pages) if _has_rtl(text) or needs_text_shaping((text,))}


# In a text object's text PDFium gives a hyphen it takes for a word broken at the end of
# a line as U+0002, the code fpdf2 may also give a shaped Indic glyph with no character
# of its own (`_STAND_IN`): the one after an Indic letter or another such code is left.
_OBJECT_HYPHEN = re.compile("(?<![\u0900-\u0dff\x00-\x1f])\x02")


def _shaped_pages(pdf_bytes: bytes, margins: tuple[float, float] | None) -> list[str]:
    """The text of each page of a document with shaped text and no right-to-left text:
    PDFium's (`read_pdf_text`), but, on each page `_pdfium_pages` picks, the text of
    each of its text objects in drawing order (`_object_texts`).

    PDFium rebuilds a page's lines from glyph positions and may give a shaped cluster
    with a mark before its letter; the text of one text object is its characters in
    the order they were drawn, as pypdf reads them, at a fraction of pypdf's cost. A
    page where a text is not found this way gives texts not found, which
    `verify_pdf_text` then looks for in pypdf's reading of every page.
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]

    from rarepassport.rendering._fonts import needs_text_shaping

    # One PDFium reading: each page's text, and its text objects' where it picks them
    # (as `_pdfium_pages` then `_object_texts` would, each opening the document again).
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            text = _page_text(page, textpage, margins)
            if _has_rtl(text) or needs_text_shaping((text,)):
                text = _page_object_texts(page, textpage, margins)
            pages.append(text)
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def _object_texts(pdf_bytes: bytes, *, margins: tuple[float, float] | None, only: set[int]) -> dict[int, str]:
    """PDFium's text of each text object of the pages numbered ``only`` (from 0), in
    drawing order, joined (a space between objects); an object whose baseline lies in
    the ``margins`` bands (see `extract_pdf_text`) is left out."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]

    document = pdfium.PdfDocument(pdf_bytes)
    chosen: dict[int, str] = {}
    try:
        for number in sorted(only):
            page = document[number]
            textpage = page.get_textpage()
            chosen[number] = _page_object_texts(page, textpage, margins)
            textpage.close()
            page.close()
        return chosen
    finally:
        document.close()


def _page_object_texts(page: Any, textpage: Any, margins: tuple[float, float] | None) -> str:
    """The text of each text object of one page, in drawing order, joined (see `_object_texts`)."""
    import ctypes

    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped,unused-ignore]

    matrix = pdfium_c.FS_MATRIX()
    buffer = ctypes.create_string_buffer(1024)
    height = page.get_height()
    top, bottom = (m * 72 / 25.4 for m in margins) if margins is not None else (-1e9, -1e9)
    parts: list[str] = []
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        size = pdfium_c.FPDFTextObj_GetText(obj, textpage.raw, None, 0)
        if size <= 2:  # the terminating zero only: an empty text
            continue
        if size > len(buffer):
            buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDFTextObj_GetText(obj, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
        text = buffer.raw[:size - 2].decode("utf-16-le", errors="replace")
        if margins is not None and text.strip():
            pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
            if not bottom <= matrix.f <= height - top:
                continue
        parts.append(text)
    return _OBJECT_HYPHEN.sub("-", " ".join(parts).replace("\ufffe", "-"))


def _right_to_left_pages(pdf_bytes: bytes, margins: tuple[float, float] | None) -> list[list[str]]:
    """The text of each page of a document with right-to-left text, as pieces (see
    `_drawn_pieces`): pypdf's pieces on each page `_pdfium_pages` picks, PDFium's text
    of the page (one piece) on the others."""
    pages, shaped = _pdfium_pages(pdf_bytes, margins)
    by_pypdf = _drawn_pieces(pdf_bytes, margins=margins, only=shaped) if shaped else {}
    return [by_pypdf.get(index, [text]) for index, text in enumerate(pages)]


def _pypdf_page_texts(pdf_bytes: bytes, *, margins: tuple[float, float] | None,
                      only: set[int] | None = None) -> dict[int, str]:
    """pypdf's text (in drawing order) of the pages numbered ``only`` (from 0; every
    page when ``None``): see `extract_pdf_text`."""
    if margins is not None:
        if only is None:
            return dict(enumerate("".join(pieces) for pieces in _drawn_pieces(pdf_bytes, margins=margins)))
        return {index: "".join(pieces)
                for index, pieces in _drawn_pieces(pdf_bytes, margins=margins, only=only).items()}
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    _readable_fonts(reader)
    numbers = range(len(reader.pages)) if only is None else sorted(only)
    return {index: reader.pages[index].extract_text() for index in numbers}


def _found_in_right_to_left_document(spaced: _Spaced, text: str) -> bool:
    """Whether a text of a document with right-to-left text is in ``spaced``.

    A text without right-to-left letters is found whole, at word boundaries (a long
    one split by a page break as its words in order, `_found_in_pieces`); failing that
    (a sign moved by an extractor's bidi reading of a shaped line, "'/quoted'"), and
    for a text with right-to-left letters, its runs, words and signs near one another
    (`_found_near`). A text of several lines (a right-to-left document's list, an item
    a line, H145) is found line by line: each line is its own bidi paragraph, which an
    extractor may give in a different order from the text's runs across lines.
    """
    if "\n" in text:
        return all(_found_in_right_to_left_document(spaced, line) for line in text.split("\n") if skeleton(line))
    if not _has_rtl(text):
        if all(_kind(char) in ("", "m") for char in text):
            # Only signs (", -"): pypdf reverses them with right-to-left text beside them.
            return _found_signs(spaced.text, text)
        if spaced.find(text, 0, len(spaced.text)) is not None or _found_in_pieces(spaced, text):
            return True
    return _found_near(spaced, text)
