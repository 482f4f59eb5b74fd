"""Hazard H145: in a right-to-left document, a list's items never share a line.

An Arabic card drew its time-critical medicines as one right-to-left paragraph:
"Levetiracetam …: 250 mg · by mouth · twice a day (8 am and 8 pm); Midazolam …". When
the first item wrapped, its end ("twice a day (8 am and 8 pm)") and the next item
("Midazolam …: As written") shared the second line, laid out right to left: read left
to right, the line said "Midazolam oromucosal solution: As written; twice a day (8 am
and 8 pm)", one medicine's times beside the other's name. The A4 PDF's emergency
section did the same with its diagnoses, allergies and medicines. Each item now starts
a line of its own. Positions are read back from the real documents with PDFium.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest

import rarepassport as rp
from helpers.pdftext import poppler_text, pypdf_text
from helpers.positions import lines
from helpers.scripts import arabic_fonts  # noqa: F401 (autouse fixture)
from rarepassport import render_rendered
from rarepassport.labels import built_in_catalogue
from rarepassport.rendering._verify import skeleton

TODAY = dt.date(2026, 11, 27)

#: Words only the first medicine has, and only the second: fictional, but shaped like the real case.
FIRST = ("Alfacalcidol", "nanograms", "breakfast", "supper")
SECOND = ("Buccolam", "oromucosal", "rescue", "instructions")
#: The first diagnosis (the main one, marked so in Arabic) and the second.
MAIN = ("Autoimmune", "polyendocrine", "syndrome")
OTHER = ("Chronic", "mucocutaneous", "candidiasis")


def passport() -> rp.Passport:
    """An English passport, drawn with Arabic labels (a family travelling, say)."""
    return rp.Passport(
        language="en",
        person=rp.Person(name="Layla Hassan", date_of_birth=dt.date(2015, 3, 2)),
        diagnoses=(rp.Diagnosis(name="Autoimmune polyendocrine syndrome type 1 (APS-1)", primary=True),
                   rp.Diagnosis(name="Chronic mucocutaneous candidiasis")),
        medications=(
            rp.Medication(name="Alfacalcidol oral drops", dose="500 nanograms", route="by mouth",
                          frequency="twice a day (with breakfast and with supper)", time_critical=True),
            rp.Medication(name="Buccolam oromucosal solution", dose="As in the rescue plan",
                          frequency="once; a second dose only if the instructions say so",
                          as_needed=True, time_critical=True),
        ),
        contacts=(rp.Contact(name="Samir Hassan", role="emergency", phone="+44 20 7946 0000"),),
        review=rp.Review(updated_on=dt.date(2026, 10, 1), next_review_due=dt.date(2027, 10, 1)),
    )


@functools.cache
def rendered(fmt: str) -> bytes:
    view = "full" if fmt == "pdf" else "emergency"
    return render_rendered(passport(), fmt, view, "ar", today=TODAY).data


def rows_with(data: bytes, words: tuple[str, ...]) -> set[float]:
    """The tops of the first page's lines that hold any of ``words``."""
    keys = [skeleton(word) for word in words]
    return {top for _left, _right, top, found in lines(data, 0)
            if any(key in text for _l, text in found for key in keys)}


@pytest.mark.parametrize("fmt", ["card", "lockscreen-pdf", "pdf"])
def test_two_medicines_never_share_a_line(fmt: str) -> None:
    data = rendered(fmt)
    first, second = rows_with(data, FIRST), rows_with(data, SECOND)
    assert first and second, "both medicines are drawn"
    # The first medicine wraps (else this would not test anything) ...
    assert len(first) >= 2 or fmt == "pdf"
    # ... and no line holds words of both.
    assert not first & second, fmt
    # Both medicines' words are drawn, whatever order an extractor reads a
    # right-to-left page in.
    for text in (pypdf_text(data), poppler_text(data)):
        for word in (*FIRST, *SECOND, "500"):
            assert skeleton(word) in skeleton(text), word


@pytest.mark.parametrize("fmt", ["card", "pdf"])
def test_the_main_condition_mark_stays_with_its_diagnosis(fmt: str) -> None:
    data = rendered(fmt)
    main, other = rows_with(data, MAIN), rows_with(data, OTHER)
    assert main and other
    assert not main & other, fmt
    # "(main condition)" in Arabic is on a line of the first diagnosis or one of its own,
    # never on a line of the second.
    marked = rows_with(data, (built_in_catalogue("ar")["phrase.primary"].split()[-1],))
    assert marked, "the main-condition mark is drawn"
    assert not marked & other, fmt


def test_a_left_to_right_document_still_runs_its_items_on() -> None:
    # English labels: one left-to-right paragraph, items joined by "; " on shared lines.
    data = render_rendered(passport(), "card", "emergency", "en", today=TODAY).data
    text = skeleton(pypdf_text(data))
    assert skeleton("(with breakfast and with supper); Buccolam") in text
