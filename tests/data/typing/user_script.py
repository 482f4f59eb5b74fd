"""A user's script, checked with mypy --strict by tests/test_docs_examples.py.

Each ``# type: ignore[...]`` marks a mistake the public types must catch: under
``--strict`` an ignore that is not needed is itself an error, so a type that became
too loose (``format: str``, ``section_field(...) -> Any``) fails the test.
"""

from __future__ import annotations

import datetime

import attrs

import rarepassport as rp


@attrs.frozen(kw_only=True)
class Details:
    therapy: str | None = rp.section_field("Therapy.", default=None)
    triggers: tuple[str, ...] = rp.section_field("Triggers.", default=(), converter=tuple)
    visits: int = rp.section_field("Visits.", default="many")  # type: ignore[assignment]


def main() -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)),
        diagnoses=(rp.Diagnosis(name="MCAD deficiency", diagnosed_on=rp.PartialDate(2015, 3)),),
        allergies_status=rp.AllergiesStatus.NONE_KNOWN,
    )
    rp.render(passport, format="pdf")
    rp.render(passport, "card", view="emergency")
    rp.render(passport, format="htm")  # type: ignore[arg-type]
    rp.render(passport, format=rp.BackendName("asciidoc"))
    for name in rp.available_formats():
        rp.render_rendered(passport, name)
    document = rp.layout(passport, view="emergency")
    rp.render_document(document, "text", width=60)
    rp.render_document(document, "txt")  # type: ignore[arg-type]
