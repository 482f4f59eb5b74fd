"""Emergency guidance that condition plugins contribute to a passport."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import attrs

from rarepassport.clinical import Population

__all__ = ["Guidance", "Population"]


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
