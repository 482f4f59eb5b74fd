"""The wallet card in a right-to-left language: every line right-aligned, read back.

Issue 12 point 6 ("right-aligned RTL paragraphs in PDF and card"): an Arabic card drew
every line from the left edge, segment by segment, so a bold Arabic label landed *left*
of its value ("البنسلين (Anaphylaxis,الحساسية:"). Positions are read back from the real
card with PDFium (each character's box), the text with pypdf.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import pypdf

import rarepassport as rp
from helpers.positions import lines, word_left
from helpers.scripts import arabic_fonts, script_passport  # noqa: F401 (autouse fixture)
from rarepassport import render_rendered
from rarepassport.rendering._card import WALLET
from rarepassport.rendering._verify import skeleton

TODAY = dt.date(2026, 11, 27)
#: fpdf2's cell margin (1 mm at the card's unit) plus a glyph's side bearing, in mm.
SLACK = 1.6


@functools.cache
def card(language: str) -> bytes:
    return render_rendered(script_passport(language), "card", "emergency", language, today=TODAY).data


def test_every_line_of_an_arabic_card_ends_at_the_right_margin() -> None:
    right_edge = WALLET.width - WALLET.margin
    for page in (0, 1):
        rows = lines(card("ar"), page)
        assert len(rows) >= 4
        for left, right, _top, _words in rows:
            assert right_edge - SLACK <= right <= right_edge + 0.2, (page, left, right)


def test_an_arabic_label_is_right_of_its_value_on_the_card() -> None:
    rows = lines(card("ar"), 0)
    label_top, label = word_left(rows, "الحساسية")
    value_top, value = word_left(rows, "البنسلين")
    reaction_top, reaction = word_left(rows, "Anaphylaxis")
    assert label_top == value_top == reaction_top
    assert reaction < value < label
    text = pypdf.PdfReader(io.BytesIO(card("ar"))).pages[1].extract_text() or ""
    # In order, whatever the isolates around it: the phone number stays left to right.
    assert skeleton("+44 20 7946 0000") in skeleton(text)


def test_an_english_card_stays_left_aligned() -> None:
    for page in (0, 1):
        for left, right, _top, _words in lines(card("en"), page):
            assert WALLET.margin - 0.2 <= left <= WALLET.margin + SLACK, (page, left, right)


def test_english_runs_after_an_arabic_label_keep_their_order_across_lines() -> None:
    # The time-critical medicines are several runs ("Hydrocortisone ...; " then
    # "Fludrocortisone ..."), and the read-first summary is split for fitting. Each
    # isolated on its own, the bidi algorithm put them right to left: the hydrocortisone
    # times were read as fludrocortisone's ("Fludrocortisone: 100 micrograms · by mouth ·
    # on waking, noon, 5 pm"). They are one left-to-right isolate now.
    example = Path(__file__).resolve().parent.parent / "examples" / "conditions" / "adrenal-insufficiency.json"
    data = render_rendered(rp.load(example), "card", "emergency", "ar", today=TODAY).data
    rows = lines(data, 0)
    for first, then in (("Hydrocortisone:", "Fludrocortisone:"), ("Steroid", "vomiting"), ("micrograms", "day")):
        (first_top, first_left), (then_top, then_left) = word_left(rows, first), word_left(rows, then)
        assert (first_top, first_left) < (then_top, then_left), (first, then)
    # "on waking, noon, 5 pm" is hydrocortisone's: on a line after its name, and
    # fludrocortisone starts a line of its own below it (H145).
    hydro_top, _left = word_left(rows, "Hydrocortisone:")
    waking_top, _left = word_left(rows, "waking,")
    fludro_top, _left = word_left(rows, "Fludrocortisone:")
    assert hydro_top <= waking_top < fludro_top
