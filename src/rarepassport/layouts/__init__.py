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
* for easy read (``easy_read=True``) every label with an easy-read wording in the
  catalogue (``easyread.<id>``) is worded so and each section gets its symbol
  (`rarepassport.layouts._easy_read`); the person's text and the order stay as they are;
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
from rarepassport.errors import Message, RenderError
from rarepassport.essentials import bilingual, build_essentials
from rarepassport.guidance import population_on
from rarepassport.languages import LanguageChoice, choose, direction, display_name, normalise
from rarepassport.model import Emergency, Passport, Person, Review, View
from rarepassport.redaction import redact

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.signing import Keyring
from rarepassport.layouts._bilingual import bilingual_document
from rarepassport.layouts._context import LayoutContext, LayoutInputs, layout_fields
from rarepassport.layouts._easy_read import with_symbols
from rarepassport.layouts._emergency import _collect_guidance, _without_own_protocol
from rarepassport.layouts._sections import _extensions
from rarepassport.layouts._trust import trust_statement

__all__ = ["CORE_LAYOUT_PLUGIN", "LayoutContext", "LayoutInputs", "layout", "layout_fields"]

#: The built-in plugin that lays out the core sections (`rarepassport.builtins.layout`).
CORE_LAYOUT_PLUGIN = "core-layout"


def _view(view: View | str) -> View:
    try:
        return View(view)
    except ValueError:
        names = ", ".join(v.value for v in View)
        raise RenderError(Message("error.render.unknown-view", "unknown view {view}; the views are: {names}",
                                  view=repr(str(view)), names=names)) from None


def layout(
    passport: Passport,
    view: View | str = "full",
    language: str | None = None,
    *,
    plugins: PluginManager,
    today: _dt.date | None = None,
    second_language: str | None = None,
    trust: Keyring | None = None,
    easy_read: bool = False,
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
        easy_read=_easy_read_option(easy_read),
    )
    if choice.fallback:
        _warn_language_fallback(context, choice, where="--language" if language else "$.language")
    # Verified here, in the same call that words it: the page never says "verified" from an
    # earlier check. On the passport as signed: before redaction, which empties what the
    # view leaves out and would read as a change since signing.
    statement = trust_statement(context, passport, trust)
    signed = passport
    # Redact first: nothing below (sections, essentials, QR, metadata) can see a value
    # outside the view, whatever it reads.
    passport = redact(passport, context.view, plugins=plugins)
    emergency = passport.emergency if context.shows(Passport, "emergency") else Emergency()
    person = passport.person
    essentials = attrs.evolve(
        build_essentials(context, passport), trust=statement.short, trust_alarming=statement.alarming
    )
    guidance = _collect_guidance(context, passport)
    emergency_extensions = _extensions(context, passport, emergency=True)
    other_extensions = _extensions(context, passport, emergency=False)
    inputs = LayoutInputs(
        passport=passport,
        emergency=emergency,
        essentials=essentials,
        guidance=tuple(guidance),
        population=population_on(person.date_of_birth, context.today),
        emergency_extensions=tuple(emergency_extensions),
        other_extensions=tuple(other_extensions),
        contributors=tuple(
            [
                *(section.plugin for section in (*emergency_extensions, *other_extensions) if section.plugin),
                *(item.plugin for item in guidance if item.plugin),
            ]
        ),
        trust=statement,
    )
    candidates = _run_steps(context, inputs)
    sections = _without_own_protocol(context, emergency, candidates)
    sections = list(with_symbols(sections, easy_read=context.easy_read))
    review = passport.review
    updated = review.updated_on if context.shows(Review, "updated_on") else None
    document = Document(
        title=context.phrase(f"title.{context.view.value}", name=person.name),
        language=context.language,
        view=context.view,
        person_name=person.name,
        date_of_birth=essentials.date_of_birth,
        sections=sections,
        updated_on=context.phrase("updated_on", date=context.format_date(updated)) if updated else None,
        reviewed_on=statement.long,
        photo=person.photo if context.shows(Person, "photo") else None,
        warnings=context.warnings,
        phrases=_labels.phrases(context.language, plugins.labels, easy_read=context.easy_read),
        essentials=essentials,
        content_language=_content_language(passport, context.language),
        direction=direction(context.language),
        easy_read=context.easy_read,
    )
    return _in_second_language(context, document, signed, second_language, trust)


def _easy_read_option(easy_read: object) -> bool:
    if not isinstance(easy_read, bool):
        raise RenderError(Message("error.render.easy-read", "option easy_read must be true or false, not {type}",
                                  type=type(easy_read).__name__))
    return easy_read


def _run_steps(context: LayoutContext, inputs: LayoutInputs) -> list[Section]:
    """Every registered layout step, in order, each answer checked.

    The core steps are the built-in plugin ``core-layout``'s; without them (blocked, or
    failed to load) there is no passport to show, and layout refuses rather than
    produce a document that reads as complete. A built-in step that raises is a bug
    in rarepassport and is raised. An outside plugin's step that raises or returns
    something other than sections costs only its own contribution, with a warning on
    the Document naming the plugin and the step (never the data), the policy of
    [`PluginManager.call_each`][rarepassport.PluginManager.call_each].
    """
    registry = context.plugins.layouts
    if not any(spec.plugin == CORE_LAYOUT_PLUGIN for spec in registry):
        raise RenderError(Message(
            "error.render.core-layout-missing", "the core sections' layout (built-in plugin {plugin}) is blocked or "
            "failed to load, so nothing of the passport could be shown; do not block it",
            plugin=repr(CORE_LAYOUT_PLUGIN)))
    sections: list[Section] = []
    for spec in registry:
        builtin = context.plugins.is_builtin(spec.plugin)
        hook = f"rarepassport_register_layouts ({spec.id})"
        try:
            result = spec.step(context, inputs)
            answer = [] if result is None else [result] if isinstance(result, Section) else list(result)
        except Exception as exc:
            if builtin:
                raise
            context.warn(context.phrase("plugin_failed", plugin=spec.plugin, hook=hook, error=type(exc).__name__))
            continue
        wrong = next((item for item in answer if not isinstance(item, Section)), None)
        if wrong is not None:
            if builtin:
                raise TypeError(f"layout step {spec.id!r} returned {type(wrong).__name__}, not Section")
            error = context.phrase("plugin_returned_not_section", type=type(wrong).__name__)
            context.warn(context.phrase("plugin_failed", plugin=spec.plugin, hook=hook, error=error))
            continue
        if not builtin:
            taken = {section.id for section in sections}
            if any(section.id in taken for section in answer):
                error = context.phrase("plugin_returned_duplicate_section")
                context.warn(context.phrase("plugin_failed", plugin=spec.plugin, hook=hook, error=error))
                continue
            answer = [section if section.plugin else attrs.evolve(section, plugin=spec.plugin) for section in answer]
        sections.extend(answer)
    return sections


def _choose_language(language: str | None, passport: Passport, plugins: PluginManager) -> LanguageChoice:
    """The labels' language: the argument, else the passport's, normalised by CLDR (``FR`` is ``fr``)."""
    return choose(language or passport.language or "en", plugins.labels.has_language)


def _in_second_language(context: LayoutContext, document: Document, passport: Passport,
                        second_language: str | None, trust: Keyring | None) -> Document:
    """The document with its labels also in ``second_language``; unchanged without one,
    or when it is the labels' language already.

    The passport is laid out a second time, in the second language, from the same
    passport and view: the essentials get their labels in both (see
    [`rarepassport.essentials.bilingual`][]) and every section and block its
    counterpart (see `rarepassport.layouts._bilingual`), for a backend that draws both.
    """
    if second_language is None:
        return document
    if not isinstance(second_language, str):
        raise RenderError(Message("error.render.second-language-type",
                                  "second_language must be a language tag such as 'en', not {type}",
                                  type=type(second_language).__name__))
    choice = choose(second_language, context.plugins.labels.has_language)
    if choice.fallback:
        _warn_language_fallback(context, choice, where="--second-language")
        document = attrs.evolve(document, warnings=context.warnings)
    if choice.tag == context.language:
        return document
    second = layout(passport, context.view, choice.tag, plugins=context.plugins, today=context.today, trust=trust,
                    easy_read=context.easy_read)
    document = bilingual_document(document, second)
    if document.essentials is not None and second.essentials is not None:
        document = attrs.evolve(document, essentials=bilingual(document.essentials, second.essentials))
    return document


def _warn_language_fallback(context: LayoutContext, choice: LanguageChoice, *, where: str) -> None:
    """Say that the labels are in English because the language asked for has none.

    The document is then marked ``en``, never with a language its labels are not in.
    The warning names the language by its CLDR name and canonical tag, never the text
    as given (a tag CLDR does not know is not repeated).
    """
    if choice.known:
        tag = normalise(choice.requested) or choice.requested
        context.warn(context.phrase("language_fallback", language=display_name(tag, "en"), tag=tag, where=where))
    else:
        context.warn(context.phrase("language_unknown", where=where))


def _content_language(passport: Passport, document_language: str) -> str | None:
    """The passport's own language (normalised), or ``None`` when the labels are in it."""
    tag = normalise(passport.language or "en") or "und"
    return None if tag.split("-")[0] == document_language.split("-")[0] else tag
