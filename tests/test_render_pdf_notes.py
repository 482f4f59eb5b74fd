"""The PDF passport shows notes about the document itself before its content."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

import rarepassport as rp
from rarepassport.testing import pdf_text


def overdue_passport() -> rp.Passport:
    return rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        emergency=rp.Emergency(summary="Give the emergency regimen at once."),
        review=rp.Review(next_review_due=dt.date(2020, 1, 1)),
    )


def test_an_overdue_review_is_noted_on_the_first_page_before_the_emergency_section() -> None:
    passport = overdue_passport()
    document = rp.layout(passport)
    assert document.warnings, "layout should warn about the overdue review"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rp.RenderWarning)
        text = " ".join(pdf_text(rp.render(passport, format="pdf")).split())
    note = document.phrase("please_note")
    assert note in text
    assert text.index(note) < text.index("Give the emergency regimen at once.")


@pytest.mark.parametrize("size", ["a4", "a5", "letter"])
def test_page_sizes_render_without_library_warnings(size: str) -> None:
    passport = overdue_passport()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rp.render(passport, format="pdf", size=size)
    assert [w for w in caught if not issubclass(w.category, rp.RenderWarning)] == []
