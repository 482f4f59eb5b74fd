"""Rendering: turn a passport into bytes in a chosen format.

``render()`` lays a passport out for a view (see :func:`rarepassport.layout.layout`)
and hands the :class:`~rarepassport.document.Document` to a *backend*, found by name
among the backends plugins registered (``pdf``, ``card``, ``html``, ``markdown``,
``text`` are built in). Backends only draw; every decision about what is shown was
made by layout, so a field outside the view can never reach the output.

``render()`` validates the passport first (:func:`rarepassport.validate`): errors and
warnings are returned on :attr:`Rendered.issues` and written into the document's notes
("Please note" on the first page), so a reader of the printout knows what is wrong;
``strict=True`` refuses a passport with errors instead.

Example:
    ```python
    import rarepassport
    from rarepassport.render import render

    passport = rarepassport.load("ada.json")
    html = render(passport, format="html", view="emergency")
    ```
"""

from __future__ import annotations

import datetime as _dt
import inspect
import warnings as _warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport._report import Issue, IssueSeverity, Report
from rarepassport.errors import PassportError
from rarepassport.render._fonts import register_font

if TYPE_CHECKING:
    from rarepassport._plugins import BackendSpec, PluginManager
    from rarepassport.document import Document
    from rarepassport.model import Passport, View

__all__ = [
    "DrawnTextMismatchError",
    "InvalidPassportError",
    "MissingGlyphsError",
    "RenderError",
    "RenderWarning",
    "Rendered",
    "available_formats",
    "register_font",
    "render",
    "render_document",
    "render_rendered",
]


class RenderError(PassportError, ValueError):
    """A passport could not be rendered as asked: unknown format, view or option."""


class InvalidPassportError(RenderError):
    """``strict=True`` was asked for and the passport has validation errors.

    The message says how many errors there are and the path and code of the first;
    never a field value.

    Attributes:
        issues: Every issue validation found (errors, warnings and hints).
    """

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        errors = [issue for issue in self.issues if issue.severity is IssueSeverity.ERROR]
        count = len(errors)
        first = f"; first: {errors[0].path} [{errors[0].code}]" if errors else ""
        super().__init__(
            f"the passport has {count} validation error{'s' if count != 1 else ''}{first}; "
            "fix them (see rarepassport.validate) or render with strict=False"
        )


class MissingGlyphsError(RenderError):
    """No available font can draw some characters of the passport.

    Raised by the ``pdf`` and ``card`` backends unless they are given
    ``missing_glyphs="mark"`` (``--allow-missing-glyphs`` on the command line), which
    draws a visible marker instead. The message names where each character is (a
    JSON path or a section and label) and its code point, never the text.

    Attributes:
        places: ``(where, characters)`` pairs.
    """

    def __init__(self, places: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.places = tuple((where, tuple(chars)) for where, chars in places)
        from rarepassport.render._fonts import describe_characters

        lines = [f"{where}: {describe_characters(chars, limit=6)}" for where, chars in self.places[:10]]
        if len(self.places) > 10:
            lines.append(f"... and {len(self.places) - 10} more places")
        super().__init__(
            "no available font can draw some characters (install a Noto font for the script, pass "
            "fonts=[path] (--font), or accept a visible marker with missing_glyphs='mark' "
            "(--allow-missing-glyphs)):\n  " + "\n  ".join(lines)
        )


class DrawnTextMismatchError(RenderError):
    """The text read back from a drawn PDF is not what layout asked for.

    Each problem names where the text is (never the text itself).

    Attributes:
        problems: One line per text that was not found as written.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        shown = list(self.problems[:20]) + ([f"... and {len(self.problems) - 20} more"]
                                            if len(self.problems) > 20 else [])
        super().__init__("the drawn PDF does not show every text as written (please report this as a bug):\n  "
                         + "\n  ".join(shown))


class RenderWarning(UserWarning):
    """Something a reader of the rendered passport must know (e.g. review overdue).

    Never carries field values, only what kind of problem and where.
    """


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _issues(values: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Rendered:
    """What a backend returns.

    Attributes:
        data: The rendered bytes.
        media_type: MIME type, e.g. ``text/html; charset=utf-8``.
        suffix: File suffix with its dot, e.g. ``.html``.
        warnings: Warnings about the document and how it was drawn, validation
            problems first (as written in the document's notes).
        issues: What validation found when the passport was rendered with
            :func:`render` or :func:`render_rendered` (empty from
            :func:`render_document`, which draws a document without validating).
    """

    data: bytes
    media_type: str
    suffix: str
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    issues: tuple[Issue, ...] = attrs.field(default=(), converter=_issues)


def _manager(plugins: PluginManager | None) -> PluginManager:
    if plugins is not None:
        return plugins
    from rarepassport._plugins import default_plugin_manager

    return default_plugin_manager()


def available_formats(plugins: PluginManager | None = None) -> list[str]:
    """The names of the formats that can be rendered, in registration order.

    Args:
        plugins: The plugin manager; the default one when ``None``.
    """
    return _manager(plugins).backends.names()


def _backend(format: str, plugins: PluginManager) -> BackendSpec:
    if format not in plugins.backends:
        names = ", ".join(plugins.backends.names()) or "none are installed"
        raise RenderError(f"unknown format {format!r}; available formats: {names}")
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
            takes = ", ".join(accepted) if accepted else "no options"
            raise RenderError(f"format {spec.name!r} has no option {name!r}; it takes: {takes}")


def render_document(
    document: Document, format: str, *, plugins: PluginManager | None = None, **options: Any
) -> Rendered:
    """Draw a laid-out document with a backend.

    Args:
        document: The document from :func:`rarepassport.layout.layout`.
        format: A backend name, see :func:`available_formats`.
        plugins: The plugin manager; the default one when ``None``.
        **options: Options of the backend (e.g. ``width=`` for ``text``).

    Returns:
        The bytes with their media type, suffix and every warning (the document's
        own first, then the backend's).

    Raises:
        RenderError: For an unknown format, an option the backend does not take, or
            a backend that does not return a :class:`Rendered`.
    """
    manager = _manager(plugins)
    spec = _backend(format, manager)
    _check_options(spec, options)
    result = spec.render(document, **options)
    if isinstance(result, bytes):
        # Be lenient with simple outside backends that return bare bytes.
        result = Rendered(data=result, media_type=spec.media_type, suffix=spec.suffix)
    if not isinstance(result, Rendered):
        raise RenderError(
            f"backend {format!r} from plugin {spec.plugin} returned {type(result).__name__}, "
            "not rarepassport.render.Rendered"
        )
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


def _render_validated(
    passport: Passport,
    format: str,
    view: View | str | None,
    language: str | None,
    *,
    plugins: PluginManager,
    today: _dt.date | None,
    report: Report,
    options: dict[str, Any],
) -> tuple[Rendered, tuple[str, ...]]:
    """Lay out, add the validation notes and draw; return the result and the notes."""
    from rarepassport.layout import layout

    spec = _backend(format, plugins)
    document = layout(passport, _view_for(spec, view), language, plugins=plugins, today=today)
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
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
    strict: bool = False,
    **options: Any,
) -> Rendered:
    """Like :func:`render`, but return the :class:`Rendered` (bytes, type, warnings, issues).

    Warnings are returned, not emitted. See :func:`render` for the arguments.
    """
    from rarepassport.convert import check_built_passport
    from rarepassport.model import Passport
    from rarepassport.validate import validate

    if not isinstance(passport, Passport):
        raise TypeError(f"render() draws a rarepassport.Passport, not {type(passport).__name__}; read "
                        "a document with rarepassport.load() or loads() first")
    if language is not None and not isinstance(language, str):
        raise RenderError(f"language must be a language tag such as 'en', not {type(language).__name__}")
    manager = _manager(plugins)
    _backend(format, manager)  # fail on an unknown format before validating
    check_built_passport(passport, plugins=manager)  # no lone surrogate or ESC reaches a backend
    report = validate(passport, plugins=manager, today=today)
    if strict and not report.ok:
        raise InvalidPassportError(report.issues)
    rendered, _notes = _render_validated(
        passport, format, view, language, plugins=manager, today=today, report=report, options=options
    )
    return rendered


def render(
    passport: Passport,
    format: str = "pdf",
    view: View | str | None = None,
    language: str | None = None,
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
    strict: bool = False,
    **options: Any,
) -> bytes:
    """Validate a passport, then render it for a view, in a format.

    Each warning (a validation error or warning, an overdue review, a plugin that
    failed) is emitted as a :class:`RenderWarning` through :func:`warnings.warn`; the
    output is still complete. Validation errors and warnings are also written into
    the document's notes ("Please note"), naming the fields by path and the checks by
    code, so a reader of the printout sees them.

    Args:
        passport: The passport.
        format: A backend name: ``pdf``, ``card``, ``html``, ``markdown``, ``text`` or
            one a plugin added (see :func:`available_formats`).
        view: ``full``, ``emergency``, ``education`` or ``social``; ``None`` (the
            default) is the format's default view: ``emergency`` for ``card``,
            ``full`` for the others.
        language: BCP 47 tag of the labels; default the passport's ``language``.
        plugins: The plugin manager; the default one when ``None``.
        today: The date to validate against and check the review date against;
            default today.
        strict: Raise :class:`InvalidPassportError` instead of rendering when
            validation finds errors.
        **options: Options of the backend.

    Returns:
        The rendered bytes.

    Raises:
        RenderError: For an unknown format or view, or a bad option.
        InvalidPassportError: With ``strict=True``, when the passport has
            validation errors.
    """
    rendered = render_rendered(
        passport, format, view, language, plugins=plugins, today=today, strict=strict, **options
    )
    for message in rendered.warnings:
        _warnings.warn(message, RenderWarning, stacklevel=2)
    return rendered.data
