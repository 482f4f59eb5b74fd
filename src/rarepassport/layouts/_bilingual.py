"""A bilingual document: one layout's texts paired with the same layout in a second language.

For ``second_language=``: the passport is laid out twice, once per language, from the
same passport and view, and every text of the first is given its counterpart from the
second, so that a backend draws both (*Urgence / Emergency*). Which texts are given a
counterpart is decided here, once, for every backend:

* section titles, headings, field labels, list labels, table captions and column
  headings, alert titles: whenever the second language words them differently;
* values (field values, list items, table cells, paragraphs, alert texts): only when
  they are mostly the catalogue's or the library's words, that is when the two
  languages' texts share fewer than half of their words: a date (*2 mars 2015* /
  *2 March 2015*), an enum word, a fixed phrase, translated guidance. The person's own
  text is the same in both layouts and comes once, as written; so does a value that is
  the person's text with a word of the catalogue inside it (*Maladie d'Addison
  (confirmée)*).

A counterpart is taken only from the block in the same place of the section with the
same id, and only when the two sections hold the same kinds of block in the same order
(a field only from the field of the same label id, a list or table only of the same
length): a text is never paired with another block's. A block without a counterpart
is drawn in the first language alone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import attrs

from rarepassport.document import (
    Alert,
    Block,
    Document,
    Field,
    Heading,
    ListBlock,
    Paragraph,
    SecondLanguage,
    Section,
    Table,
)
from rarepassport.languages import direction

__all__ = ["bilingual_document"]

#: Two texts that begin or end with this many words in common are the person's text
#: with a word of the catalogue before or after it: written once.
_SHARED_WORDS = 3
_WORD = re.compile(r"\w+")


def _counterpart(first: str | None, second: str | None) -> str:
    """The second language's text, or ``""`` when it is written the same, or is the
    person's own text with a catalogue word before or after it (*Maladie d'Addison
    (maladie principale)* / *Maladie d'Addison (main condition)*), written once."""
    if not first or not second or first == second:
        return ""
    # Words and numbers, not punctuation: the two languages join a label and a value
    # differently (": " and "："), which is no reason to write the person's text twice.
    words, others = _WORD.findall(first), _WORD.findall(second)
    if words == others:
        return ""
    if len(words) >= _SHARED_WORDS <= len(others) and (
            words[:_SHARED_WORDS] == others[:_SHARED_WORDS] or words[-_SHARED_WORDS:] == others[-_SHARED_WORDS:]):
        return ""
    return second


def _pair_block(first: Block, second: Block) -> Block:
    """``first`` with ``second`` as its counterpart, or ``first`` alone when they do not match."""
    paired: Block | None = None
    if isinstance(first, Heading) and isinstance(second, Heading):
        paired = Heading(text=_counterpart(first.text, second.text), level=first.level)
    elif isinstance(first, Paragraph) and isinstance(second, Paragraph):
        paired = Paragraph(text=_counterpart(first.text, second.text))
    elif isinstance(first, Field) and isinstance(second, Field) and first.label_id == second.label_id:
        paired = Field(label=_counterpart(first.label, second.label), value=_counterpart(first.value, second.value),
                       label_id=first.label_id, label_language=second.label_language)
    elif isinstance(first, ListBlock) and isinstance(second, ListBlock):
        items = tuple(_counterpart(a, b) for a, b in zip(first.items, second.items, strict=True)) \
            if len(first.items) == len(second.items) else ()
        paired = ListBlock(items=items, ordered=first.ordered, label=_counterpart(first.label, second.label) or None,
                           label_language=second.label_language)
    elif isinstance(first, Table) and isinstance(second, Table) and len(first.columns) == len(second.columns):
        same_shape = len(first.rows) == len(second.rows) and all(
            len(a) == len(b) for a, b in zip(first.rows, second.rows, strict=True))
        rows = tuple(tuple(_counterpart(a, b) for a, b in zip(row, other, strict=True))
                     for row, other in zip(first.rows, second.rows, strict=True)) if same_shape else ()
        paired = Table(columns=tuple(_counterpart(a, b) for a, b in zip(first.columns, second.columns, strict=True)),
                       rows=rows, caption=_counterpart(first.caption, second.caption) or None,
                       column_languages=second.column_languages)
    elif isinstance(first, Alert) and isinstance(second, Alert) and first.level is second.level:
        paired = Alert(text=_counterpart(first.text, second.text), level=first.level,
                       title=_counterpart(first.title, second.title) or None)
    if paired is None or not _has_text(paired):
        return first
    return attrs.evolve(first, second=paired)  # type: ignore[arg-type]  # paired is of first's own type


def _has_text(block: Block) -> bool:
    if isinstance(block, Heading | Paragraph):
        return bool(block.text)
    if isinstance(block, Field):
        return bool(block.label or block.value)
    if isinstance(block, ListBlock):
        return bool(block.label or any(block.items))
    if isinstance(block, Table):
        return bool(block.caption or any(block.columns) or any(any(row) for row in block.rows))
    return bool(block.title or block.text)


def _texts(block: Block) -> tuple[object, ...]:
    """What a block says, for finding the blocks that read the same in both layouts."""
    if isinstance(block, Heading | Paragraph):
        return (block.text,)
    if isinstance(block, Field):
        return (block.label, block.value)
    if isinstance(block, ListBlock):
        return (block.label, block.items)
    if isinstance(block, Table):
        return (block.caption, block.columns, block.rows)
    return (block.title, block.text)


def _kind(block: Block) -> tuple[object, ...]:
    """What a block is, whatever its language: blocks are paired only with their own kind."""
    if isinstance(block, Field):
        return ("field", block.label_id)
    if isinstance(block, Heading):
        return ("heading", block.level)
    if isinstance(block, Alert):
        return ("alert", block.level)
    if isinstance(block, ListBlock | Table):
        return (type(block).__name__, len(block.items) if isinstance(block, ListBlock) else len(block.columns))
    return (type(block).__name__,)


def _counterparts(first: Sequence[Block], second: Sequence[Block]) -> dict[int, Block]:
    """For each block of ``first`` that has one, its counterpart in ``second``, by index.

    Blocks that read the same in both layouts (the person's text, guidance shown as its
    source wrote it) are fixed points. Between two fixed points the blocks are paired
    one to one when both runs hold the same kinds of block in the same order; when one
    run has blocks the other has not (a note that guidance is untranslated), only when
    they can be at one end only. Otherwise, none is: a text is never given another
    block's counterpart.
    """
    matcher = difflib.SequenceMatcher(None, [(type(b).__name__, _texts(b)) for b in first],
                                      [(type(b).__name__, _texts(b)) for b in second], autojunk=False)
    pairs: dict[int, Block] = {}
    done_first = done_second = 0
    for start_first, start_second, size in matcher.get_matching_blocks():
        run_first = first[done_first:start_first]
        run_second = second[done_second:start_second]
        kinds_first = [_kind(block) for block in run_first]
        kinds_second = [_kind(block) for block in run_second]
        shortest = min(len(run_first), len(run_second))
        offsets: tuple[int, int] | None = None
        if kinds_first == kinds_second:
            offsets = (0, 0)
        elif shortest:
            at_start = kinds_first[:shortest] == kinds_second[:shortest]
            at_end = kinds_first[len(run_first) - shortest:] == kinds_second[len(run_second) - shortest:]
            if at_start != at_end:
                offsets = (0, 0) if at_start else (len(run_first) - shortest, len(run_second) - shortest)
        if offsets is not None:
            for index in range(shortest):
                pairs[done_first + offsets[0] + index] = run_second[offsets[1] + index]
        done_first, done_second = start_first + size, start_second + size
    return pairs


def _pair_section(first: Section, second: Section | None) -> Section:
    if second is None:
        return first
    pairs = _counterparts(first.blocks, second.blocks)
    blocks = tuple(_pair_block(block, pairs[index]) if index in pairs else block
                   for index, block in enumerate(first.blocks))
    second_title = _counterpart(first.title, second.title) or None
    return attrs.evolve(first, blocks=blocks, second_title=second_title,
                        second_title_language=second.title_language if second_title else None)


def bilingual_document(first: Document, second: Document, separator: str = " / ") -> Document:
    """``first`` with the texts of ``second`` (the same passport and view laid out in another
    language) as counterparts, as the module docstring says.

    Args:
        first: The document in the output language.
        second: The same document in the second language.
        separator: What goes between a text and its counterpart on one line.

    Returns:
        ``first``, its blocks carrying ``second`` and its ``second`` set.
    """
    counterparts = {section.id: section for section in second.sections}
    notes = {a: _counterpart(a, b) for a, b in zip(first.warnings, second.warnings, strict=True)} \
        if len(first.warnings) == len(second.warnings) else {}
    return attrs.evolve(
        first,
        sections=tuple(_pair_section(section, counterparts.get(section.id)) for section in first.sections),
        second=SecondLanguage(
            language=second.language,
            direction=direction(second.language),
            title=_counterpart(first.title, second.title),
            date_of_birth=_counterpart(first.date_of_birth, second.date_of_birth),
            updated_on=_counterpart(first.updated_on, second.updated_on) or None,
            reviewed_on=_counterpart(first.reviewed_on, second.reviewed_on) or None,
            notes={note: text for note, text in notes.items() if text},
            phrases=second.phrases,
            separator=separator,
        ),
    )
