"""Layout: turn a passport, a view and a language into a [`Document`][rarepassport.Document].

Every decision about *what* is shown is made here, once, for every backend:

* the view filters fields before anything is laid out, using the ``views`` metadata
  of every field (core and plugin), so a field outside the view never reaches a
  Document and no backend can leak it;
* the order puts the emergency first: the emergency summary, the owner's own
  protocols, then general guidance from plugins (after, never instead of, the
  owner's protocol), things to avoid, red flags, allergies and time-critical
  medicines, then everything else;
* with no protocol of the owner's own, the emergency part opens by saying so; general
  guidance says whom it is for, where it applies, when it was last checked and
  whether a clinician reviewed it, and guidance for another population (adult
  guidance for a child under 16) is replaced by a note, never shown as applying;
* "About this passport" names the condition plugins that contributed, with versions;
* empty sections are left out, dates are written unambiguously (``2 March 2015``,
  ``May 2016``, ``2016``) and enum values are worded from the label catalogue;
* plugin sections under ``extensions`` are laid out by their plugin's
  ``rarepassport_layout_section`` hook or, failing that, from their field metadata;
  a plugin hook that raises costs only its own contribution, with a warning on the
  Document naming the plugin and hook (never the data).

Example:
    ```python
    import rarepassport

    document = rarepassport.layout(passport, view="emergency")
    for section in document.sections:
        print(section.title)
    ```
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

import attrs

from rarepassport import labels as _labels
from rarepassport.document import Document, Section
from rarepassport.errors import RenderError
from rarepassport.essentials import build_essentials, contacts_in_call_order
from rarepassport.guidance import population_on
from rarepassport.languages import LanguageChoice, choose, direction, display_name, normalise
from rarepassport.model import Emergency, Passport, Person, Review, View

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.signing import Keyring
from rarepassport.layouts._context import LayoutContext, layout_fields
from rarepassport.layouts._emergency import (
    _advance_decisions,
    _allergies,
    _avoid,
    _collect_guidance,
    _emergency,
    _guidance,
    _medications,
    _protocols,
    _red_flags,
    _time_critical,
    _without_own_protocol,
)
from rarepassport.layouts._sections import (
    _additional,
    _anaesthesia,
    _care_team,
    _diagnoses,
    _extensions,
    _links,
    _person,
    _plain_section,
    _review,
    _simple_table_section,
)
from rarepassport.layouts._trust import trust_statement

__all__ = ["LayoutContext", "layout", "layout_fields"]


def _view(view: View | str) -> View:
    try:
        return View(view)
    except ValueError:
        names = ", ".join(v.value for v in View)
        raise RenderError(f"unknown view {str(view)!r}; the views are: {names}") from None


def layout(
    passport: Passport,
    view: View | str = "full",
    language: str | None = None,
    *,
    plugins: PluginManager,
    today: _dt.date | None = None,
    trust: Keyring | None = None,
) -> Document:
    """The step behind [`rarepassport.layout`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"layout() lays out a rarepassport.Passport, not {type(passport).__name__}; read "
                        "a document with rarepassport.load() or loads() first")
    choice = _choose_language(language, passport, plugins)
    context = LayoutContext(
        view=_view(view),
        language=choice.tag,
        plugins=plugins,
        today=today or _dt.date.today(),
    )
    if choice.fallback:
        _warn_language_fallback(context, choice, from_passport=not language)
    emergency = passport.emergency if context.shows(Passport, "emergency") else Emergency()
    # Verified here, in the same call that words it: the page never says "verified" from an earlier check.
    statement = trust_statement(context, passport, trust)
    essentials = attrs.evolve(
        build_essentials(context, passport), trust=statement.short, trust_alarming=statement.alarming
    )
    person = passport.person
    history_shown = context.shows(Passport, "history")
    guidance = _collect_guidance(context, passport)
    population = population_on(person.date_of_birth, context.today)
    emergency_extensions = _extensions(context, passport, emergency=True)
    other_extensions = _extensions(context, passport, emergency=False)
    contributors = [
        *(section.plugin for section in (*emergency_extensions, *other_extensions) if section.plugin),
        *(item.plugin for item in guidance if item.plugin),
    ]
    candidates: list[Section | None] = [
        _emergency(context, emergency, essentials),
        _protocols(context, emergency),
        *emergency_extensions,
        _guidance(context, guidance, population, own_protocol=bool(emergency.protocols)),
        _avoid(context, emergency),
        _red_flags(context, emergency),
        _allergies(context, passport),
        _time_critical(context, passport),
        _advance_decisions(context, emergency),
        _person(context, person),
        _diagnoses(context, passport),
        _medications(context, passport),
        _simple_table_section(context, "devices", Passport, "devices", passport.devices),
        _anaesthesia(context, emergency),
        _simple_table_section(
            context,
            "previous_emergencies",
            Emergency,
            "previous",
            emergency.previous,
            names=("date", "reason", "treatment", "outcome"),
        ),
        _simple_table_section(context, "contacts", Passport, "contacts", contacts_in_call_order(passport.contacts)),
        _care_team(context, passport),
        _plain_section(context, "care_preferences", Passport, "care_preferences", passport.care_preferences),
        _plain_section(context, "history", Passport, "history", passport.history) if history_shown else None,
        _links(context, passport),
        *_additional(context, passport),
        *other_extensions,
        _review(context, passport, contributors, statement),
    ]
    sections = _without_own_protocol(context, emergency, [section for section in candidates if section is not None])
    review = passport.review
    updated = review.updated_on if context.shows(Review, "updated_on") else None
    return Document(
        title=context.phrase(f"title.{context.view.value}", name=person.name),
        language=context.language,
        view=context.view,
        person_name=person.name,
        date_of_birth=context.format_date(person.date_of_birth)
        if context.shows(Person, "date_of_birth")
        else "",
        sections=sections,
        updated_on=context.phrase("updated_on", date=context.format_date(updated)) if updated else None,
        reviewed_on=statement.long,
        photo=person.photo if context.shows(Person, "photo") else None,
        warnings=context.warnings,
        phrases=_labels.phrases(context.language, plugins.labels),
        essentials=essentials,
        content_language=_content_language(passport, context.language),
        direction=direction(context.language),
    )


def _choose_language(language: str | None, passport: Passport, plugins: PluginManager) -> LanguageChoice:
    """The labels' language: the argument, else the passport's, normalised by CLDR (``FR`` is ``fr``)."""
    return choose(language or passport.language or "en", plugins.labels.has_language)


def _warn_language_fallback(context: LayoutContext, choice: LanguageChoice, *, from_passport: bool) -> None:
    """Say that the labels are in English because the language asked for has none.

    The document is then marked ``en``, never with a language its labels are not in.
    The warning names the language by its CLDR name and canonical tag, never the text
    as given (a tag CLDR does not know is not repeated).
    """
    where = "$.language" if from_passport else "--language"
    if choice.known:
        tag = normalise(choice.requested) or choice.requested
        context.warn(context.phrase("language_fallback", language=display_name(tag, "en"), tag=tag, where=where))
    else:
        context.warn(context.phrase("language_unknown", where=where))


def _content_language(passport: Passport, document_language: str) -> str | None:
    """The passport's own language (normalised), or ``None`` when the labels are in it."""
    tag = normalise(passport.language or "en") or "und"
    return None if tag.split("-")[0] == document_language.split("-")[0] else tag
