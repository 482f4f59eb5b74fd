"""Rendering: turn a passport into bytes in a chosen format.

``rarepassport.render()`` lays a passport out for a view (see [`rarepassport.layout`][])
and hands the [`Document`][rarepassport.Document] to a *backend*, found by name
among the backends plugins registered (``pdf``, ``card``, ``html``, ``markdown``,
``text`` are built in). Backends only draw; every decision about what is shown was
made by layout, so a field outside the view can never reach the output.

``rarepassport.render()`` validates the passport first ([`rarepassport.validate`][]): errors and
warnings are returned on [`Rendered.issues`][rarepassport.Rendered] and written into the document's notes
("Please note" on the first page), so a reader of the printout knows what is wrong;
``strict=True`` refuses a passport with errors instead.

Example:
    ```python
    import rarepassport

    passport = rarepassport.load("ada.json")
    html = rarepassport.render(passport, format="html", view="emergency")
    ```
"""

from __future__ import annotations

import datetime as _dt
import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport._report import Issue, IssueSeverity, Report
from rarepassport.convert import check_built_passport
from rarepassport.errors import (
    DrawnTextMismatchError,
    InvalidPassportError,
    Message,
    MissingGlyphsError,
    RenderError,
    RenderWarning,
)
from rarepassport.layouts import layout
from rarepassport.model import Passport
from rarepassport.rendering._base import Rendered
from rarepassport.rendering._fonts import register_font
from rarepassport.validation import validate

if TYPE_CHECKING:
    from rarepassport.document import Document
    from rarepassport.model import View
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import BackendSpec
    from rarepassport.signing import Keyring

__all__ = [
    "DrawnTextMismatchError",
    "InvalidPassportError",
    "MissingGlyphsError",
    "RenderError",
    "RenderWarning",
    "Rendered",
    "available_formats",
    "register_font",
    "render_document",
    "render_rendered",
    "render_validated",
]


def available_formats(plugins: PluginManager) -> list[str]:
    """The step behind [`rarepassport.available_formats`][] (documented there); ``plugins`` is required here."""
    return plugins.backends.names()


def _backend(format: str, plugins: PluginManager) -> BackendSpec:
    if format not in plugins.backends:
        names = ", ".join(plugins.backends.names())
        if not names:
            raise RenderError(Message("error.render.unknown-format.none",
                                      "unknown format {format}; available formats: none are installed",
                                      format=repr(format)))
        raise RenderError(Message("error.render.unknown-format", "unknown format {format}; available formats: {names}",
                                  format=repr(format), names=names))
    spec: BackendSpec = plugins.backends[format]
    return spec


def _check_options(spec: BackendSpec, options: dict[str, Any]) -> None:
    try:
        signature = inspect.signature(spec.render)
    except (TypeError, ValueError):  # pragma: no cover - builtins without signatures
        return
    params = list(signature.parameters.values())
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return
    accepted = [p.name for p in params[1:] if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for name in options:
        if name not in accepted:
            if not accepted:
                raise RenderError(Message("error.render.unknown-option.none",
                                          "format {format} has no option {option}; it takes: no options",
                                          format=repr(spec.name), option=repr(name)))
            raise RenderError(Message("error.render.unknown-option", "format {format} has no option {option}; "
                                      "it takes: {takes}", format=repr(spec.name), option=repr(name),
                                      takes=", ".join(accepted)))


def render_document(
    document: Document, format: str, *, plugins: PluginManager, **options: Any
) -> Rendered:
    """The step behind [`rarepassport.render_document`][] (documented there); ``plugins`` is required here."""
    manager = plugins
    spec = _backend(format, manager)
    _check_options(spec, options)
    result = spec.render(document, **options)
    if isinstance(result, bytes):
        # Be lenient with simple outside backends that return bare bytes.
        result = Rendered(data=result, media_type=spec.media_type, suffix=spec.suffix)
    if not isinstance(result, Rendered):
        raise RenderError(Message(
            "error.render.backend-result",
            "backend {format} from plugin {plugin} returned {type}, not rarepassport.rendering.Rendered",
            format=repr(format), plugin=spec.plugin, type=type(result).__name__))
    merged = tuple(dict.fromkeys((*document.warnings, *result.warnings)))
    return attrs.evolve(result, warnings=merged)


#: At most this many issues of a severity are named in the document's notes; the rest
#: are counted ("and 3 more"): the notes sit above the emergency information.
_NOTED_ISSUES = 8


def _validation_notes(document: Document, issues: Iterable[Issue]) -> tuple[str, ...]:
    """The notes that tell a reader of the document what validation found.

    One note for the errors and one for the warnings (hints are left out), each
    naming the fields by JSON path and the checks by code, never their values, in the
    document's language.

    Args:
        document: The laid-out document, for its language's phrases.
        issues: The validation issues.

    Returns:
        The notes, errors first; empty when there are no errors or warnings.
    """
    notes = []
    issues = tuple(issues)
    kinds = ((IssueSeverity.ERROR, "validation_errors"), (IssueSeverity.WARNING, "validation_warnings"))
    for severity, phrase in kinds:
        found = [issue for issue in issues if issue.severity is severity]
        if not found:
            continue
        named = [document.phrase("validation_issue", path=i.path, code=i.code) for i in found[:_NOTED_ISSUES]]
        if len(found) > _NOTED_ISSUES:
            named.append(document.phrase("validation_more", count=len(found) - _NOTED_ISSUES))
        notes.append(document.phrase(phrase, count=len(found), issues="; ".join(named)))
    return tuple(notes)


def _view_for(spec: BackendSpec, view: View | str | None) -> View | str:
    return spec.default_view if view is None else view


def render_validated(
    passport: Passport,
    format: str,
    view: View | str | None,
    language: str | None,
    *,
    plugins: PluginManager,
    today: _dt.date | None,
    report: Report,
    options: dict[str, Any],
    second_language: str | None = None,
    trust: Keyring | None = None,
    easy_read: bool = False,
) -> tuple[Rendered, tuple[str, ...]]:
    """Lay out, add the notes of an already made validation ``report`` and draw.

    For a program that validates once and renders several times (the command line):
    returns the result and the notes written into the document, so that it can tell
    them apart from the drawing's own warnings.
    """
    spec = _backend(format, plugins)
    if second_language is not None and not spec.bilingual:
        takes = ", ".join(name for name in plugins.backends.names() if plugins.backends[name].bilingual)
        raise RenderError(Message("error.render.not-bilingual", "format {format} cannot draw a second language; "
                                  "second_language applies only to: {takes}", format=repr(spec.name), takes=takes))
    document = layout(passport, _view_for(spec, view), language, plugins=plugins, today=today,
                      second_language=second_language, trust=trust, easy_read=easy_read)
    notes = _validation_notes(document, report.issues)
    if notes:
        document = attrs.evolve(document, warnings=(*notes, *document.warnings))
    errors = sum(1 for issue in report.issues if issue.severity is IssueSeverity.ERROR)
    if errors and document.essentials is not None:
        # Small formats have no room for the notes: they say in one line that the
        # passport has errors, so a card printed with --allow-invalid is never trusted blindly.
        notice = document.phrase("essentials.invalid", count=errors)
        essentials = attrs.evolve(document.essentials, notices=(notice, *document.essentials.notices))
        document = attrs.evolve(document, essentials=essentials)
    rendered = render_document(document, format, plugins=plugins, **options)
    return attrs.evolve(rendered, issues=report.issues), notes


def render_rendered(
    passport: Passport,
    format: str = "pdf",
    view: View | str | None = None,
    language: str | None = None,
    *,
    plugins: PluginManager,
    today: _dt.date | None = None,
    strict: bool = False,
    second_language: str | None = None,
    trust: Keyring | None = None,
    easy_read: bool = False,
    **options: Any,
) -> Rendered:
    """The step behind [`rarepassport.render_rendered`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"render() draws a rarepassport.Passport, not {type(passport).__name__}; read "
                        "a document with rarepassport.load() or loads() first")
    if language is not None and not isinstance(language, str):
        raise RenderError(Message("error.render.language-type", "language must be a language tag such as 'en', "
                                  "not {type}", type=type(language).__name__))
    manager = plugins
    _backend(format, manager)  # fail on an unknown format before validating
    check_built_passport(passport, plugins=manager)  # no lone surrogate or ESC reaches a backend
    report = validate(passport, plugins=manager, today=today)
    if strict and not report.ok:
        raise InvalidPassportError(report.issues)
    rendered, _notes = render_validated(
        passport, format, view, language, plugins=manager, today=today, report=report, options=options,
        second_language=second_language, trust=trust, easy_read=easy_read,
    )
    return rendered
