"""Dates as passports write them (``rarepassport._dates``): full and partial ISO dates.

Specification: the docstrings of `rarepassport.PartialDate` and ``parse_date`` (MODEL.md:
"a partial date is YYYY, YYYY-MM or YYYY-MM-DD").
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from rarepassport import PartialDate
from rarepassport._dates import FULL_DATE_PATTERN, PARTIAL_DATE_PATTERN, parse_date


@pytest.mark.parametrize(("text", "precision"), [("2016", "year"), ("2016-05", "month"), ("2016-05-14", "day")])
def test_a_partial_date_reads_back_as_written(text: str, precision: str) -> None:
    date = PartialDate.parse(text)
    assert str(date) == date.isoformat() == text
    assert date.precision == precision


def test_earliest_and_latest_are_the_first_and_last_day_the_date_can_mean() -> None:
    assert PartialDate.parse("2016").earliest() == dt.date(2016, 1, 1)
    assert PartialDate.parse("2016").latest() == dt.date(2016, 12, 31)
    assert PartialDate.parse("2024-02").latest() == dt.date(2024, 2, 29)  # a leap year
    assert PartialDate.parse("2023-02").latest() == dt.date(2023, 2, 28)
    day = PartialDate.parse("2016-05-14")
    assert day.earliest() == day.latest() == dt.date(2016, 5, 14)


def test_from_date_gives_a_complete_date() -> None:
    date = PartialDate.from_date(dt.date(2015, 3, 2))
    assert (date.year, date.month, date.day, date.precision) == (2015, 3, 2, "day")
    assert str(date) == "2015-03-02"


def test_a_small_year_keeps_four_digits() -> None:
    assert str(PartialDate(year=7, month=1)) == "0007-01"


@pytest.mark.parametrize("text", [
    "16", "2016-5", "2016-13", "2016-00", "2015-02-29", "2016-04-31", "2016\n", " 2016", "2016/05",
    "\u0662\u0660\u0661\u0666",  # Arabic-Indic digits: Python's \d takes them, JSON Schema validators do not
    "0000",
])
def test_a_partial_date_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected a date|not a real calendar date"):
        PartialDate.parse(text)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"year": 2016, "day": 3}, "needs a month"),
    ({"year": 2016, "month": 13}, "not between 1 and 12"),
    ({"year": 10_000}, "out of range"),
    ({"year": 2023, "month": 2, "day": 29}, "day is out of range"),
])
def test_a_partial_date_built_in_python_is_checked_too(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PartialDate(**kwargs)


def test_a_full_date_must_be_a_real_day_written_in_full() -> None:
    assert parse_date("2015-03-02") == dt.date(2015, 3, 2)
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    with pytest.raises(ValueError, match="not a real calendar date"):
        parse_date("2023-02-29")
    for text in ("2016-05", "2016", "2015-3-2", "2015-03-02\n", "02/03/2015"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_date(text)


@pytest.mark.parametrize("text", ["2016", "2016-05", "2016-05-14", "2016\n", "\u0662\u0660\u0661\u0666", "2016-5"])
def test_the_schema_patterns_agree_with_the_parsers(text: str) -> None:
    """The JSON Schema publishes these patterns: a validator in any language must accept what Python does."""
    def python_accepts(parse: object) -> bool:
        try:
            parse(text)  # type: ignore[operator]
        except ValueError:
            return False
        return True

    # ECMA-262 semantics: ``$`` only at the very end and [0-9] only ASCII, i.e. re.ASCII + fullmatch.
    assert (re.fullmatch(PARTIAL_DATE_PATTERN, text, flags=re.ASCII) is not None) == python_accepts(PartialDate.parse)
    assert (re.fullmatch(FULL_DATE_PATTERN, text, flags=re.ASCII) is not None) == python_accepts(parse_date)
