"""Emergency guidance that condition plugins contribute to a passport."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import attrs

from rarepassport.clinical import Population

__all__ = ["ADULT_AGE", "Guidance", "Population", "population_on"]

#: The age from which a person counts as an adult for guidance. UK adult and child
#: sources meet here (the NHS Steroid Emergency Card's adult guidance is for 16 and
#: over); a source for "children and young people" up to 18 is still ``child``.
ADULT_AGE = 16


def _str_tuple(items: Iterable[str]) -> tuple[str, ...]:
    # A typed converter: mypy cannot infer the element type through ``converter=tuple``.
    return tuple(items)


@attrs.frozen(kw_only=True)
class Guidance:
    """General emergency guidance for a condition, from a named public source.

    Guidance is always shown *after* the passport owner's own protocols and never
    replaces them: it is what applies to everyone with the condition, while the
    owner's protocol is what their own team wrote for them.

    Attributes:
        title: Short heading, e.g. "Adrenal crisis: emergency treatment".
        text: The guidance, paraphrased from the source; never invented doses.
        source: The publication it paraphrases, e.g. "Society for Endocrinology
            Adrenal Crisis guidance".
        source_date: When the source was published or last checked.
        applies_to: Codes of the conditions it applies to (``ORPHA:95``...).
        steps: The guidance as ordered steps, when it is a procedure.
        url: Where to read the source.
        plugin: The plugin that contributed it (filled in by rarepassport).
        population: Whom the source is written for: ``adult``, ``child`` or ``all``.
            Guidance for adults is never shown as if it applied to a child.
        jurisdiction: Where the source applies, e.g. ``UK`` or ``international``.
        version: The source's own version or edition, e.g. ``2023``.
        published_on: When the source was published (``source_date`` when not given).
        last_checked_on: When the plugin's authors last checked the paraphrase against
            the source.
        reviewed_by: The clinician who reviewed the paraphrase, if one did.
        reviewed_on: When they reviewed it.
        time_critical: Names of medicines the source says must not be missed or
            delayed (matched case-insensitively against a passport's medicine names),
            so that validation can flag one that is not marked ``time_critical``.
        id: A stable id that makes the guidance translatable: layout looks up the
            labels ``guidance.<id>.title``, ``guidance.<id>.text`` and
            ``guidance.<id>.step.<n>`` (from 1) in the output language, and uses them
            only when every one is translated. Otherwise the guidance is shown as
            written, marked with its ``language`` and with a note saying it is not
            translated, in the output language.
        language: BCP 47 tag of the language ``title``, ``text`` and ``steps`` are in.
    """

    title: str
    text: str
    source: str
    source_date: _dt.date
    applies_to: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    steps: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    url: str | None = None
    plugin: str | None = None
    population: Population = attrs.field(default=Population.ALL, converter=Population)
    jurisdiction: str | None = None
    version: str | None = None
    published_on: _dt.date | None = None
    last_checked_on: _dt.date | None = None
    reviewed_by: str | None = None
    reviewed_on: _dt.date | None = None
    time_critical: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    id: str | None = None
    language: str = "en"

    def label_ids(self) -> tuple[str, ...]:
        """The label ids a translation of this guidance needs (none without an ``id``)."""
        if self.id is None:
            return ()
        ids = [f"guidance.{self.id}.title"]
        if self.text:
            ids.append(f"guidance.{self.id}.text")
        ids.extend(f"guidance.{self.id}.step.{n}" for n in range(1, len(self.steps) + 1))
        return tuple(ids)

    def is_for(self, population: Population | None) -> bool:
        """Whether this guidance may be shown as applying to a person of ``population``.

        Guidance for ``all`` applies to everyone. When the person's population is not
        known (``None``) it is shown too, and layout states whom it is written for;
        otherwise adult guidance is never shown as applying to a child, nor child
        guidance to an adult.
        """
        return population is None or self.population in (Population.ALL, population)


def population_on(date_of_birth: _dt.date | None, day: _dt.date) -> Population | None:
    """Whether a person born on ``date_of_birth`` is a child or an adult on ``day``.

    Args:
        date_of_birth: The date of birth; ``None`` when it is not known.
        day: The day to judge on (a layout's ``today``).

    Returns:
        ``Population.CHILD`` under `ADULT_AGE`, ``Population.ADULT`` from it, or
        ``None`` when the age cannot be known (no date of birth, or one after ``day``).
    """
    if date_of_birth is None or date_of_birth > day:
        return None
    age = day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    return Population.CHILD if age < ADULT_AGE else Population.ADULT
