"""Dates as passports write them: full ISO dates and partial dates.

People often know only the year a condition was diagnosed or a device fitted, so
several fields accept a *partial date*: ``"2016"``, ``"2016-05"`` or ``"2016-05-14"``.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re

import attrs

from rarepassport._catalogues import core_error

__all__ = ["PartialDate", "parse_date"]

# [0-9], not \d: Python's \d also matches other scripts' digits (Arabic-Indic "٢٠١٦"),
# which JSON Schema validators in other languages refuse. The code uses fullmatch,
# since Python's $ also matches before a final newline ("2016\n").
_FULL_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")

#: JSON Schema pattern of a partial date (the same grammar as `_PARTIAL_DATE`).
PARTIAL_DATE_PATTERN = _PARTIAL_DATE.pattern
#: JSON Schema pattern of a full date.
FULL_DATE_PATTERN = _FULL_DATE.pattern


def parse_date(text: str) -> _dt.date:
    """Parse a strict ISO 8601 calendar date (``YYYY-MM-DD``).

    Args:
        text: The date as written in a passport file.

    Returns:
        The date.

    Raises:
        ValueError: If ``text`` is not a real calendar date in ``YYYY-MM-DD`` form.
    """
    match = _FULL_DATE.fullmatch(text)
    if match is None:
        raise core_error(ValueError, "validation.structure.date-format")
    year, month, day = (int(part) for part in match.groups())
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise core_error(ValueError, "validation.structure.not-a-real-date") from None


@attrs.frozen(order=False)
class PartialDate:
    """A date of which perhaps only the year, or the year and month, is known.

    Attributes:
        year: Four-digit year.
        month: Month 1-12, or ``None`` when only the year is known.
        day: Day of the month, or ``None`` when not known; needs ``month``.

    Example:
        >>> PartialDate.parse("2016-05")
        PartialDate(year=2016, month=5, day=None)
        >>> str(PartialDate(year=2016))
        '2016'
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is None:
            if self.day is not None:
                raise ValueError("a partial date with a day needs a month")
            return
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not between 1 and 12")
        if self.day is not None:
            _dt.date(self.year, self.month, self.day)  # raises ValueError when not real

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

        Raises:
            ValueError: If the text is not one of those forms or not a real date.
        """
        match = _PARTIAL_DATE.fullmatch(text)
        if match is None:
            raise core_error(ValueError, "validation.structure.partial-date-format")
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None
        try:
            return cls(year=year, month=month, day=day)
        except ValueError:
            raise core_error(ValueError, "validation.structure.not-a-real-date") from None

    @classmethod
    def from_date(cls, value: _dt.date) -> PartialDate:
        """Make a complete partial date from a `datetime.date`."""
        return cls(year=value.year, month=value.month, day=value.day)

    def isoformat(self) -> str:
        """The ISO 8601 form: ``2016``, ``2016-05`` or ``2016-05-14``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text

    def __str__(self) -> str:
        return self.isoformat()

    @property
    def precision(self) -> str:
        """``"year"``, ``"month"`` or ``"day"``."""
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    def earliest(self) -> _dt.date:
        """The first day the date could stand for."""
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> _dt.date:
        """The last day the date could stand for."""
        month = self.month or 12
        day = self.day or _days_in_month(self.year, month)
        return _dt.date(self.year, month, day)


@functools.lru_cache(maxsize=1024)
def _days_in_month(year: int, month: int) -> int:
    # Validation asks this of every partial date; calendar.monthrange works out a weekday too.
    return calendar.monthrange(year, month)[1]
