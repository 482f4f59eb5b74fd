"""Rendering: turn a passport into bytes in a chosen format.

``render()`` lays a passport out for a view (see :func:`rarepassport.layout.layout`)
and hands the :class:`~rarepassport.document.Document` to a *backend*, found by name
among the backends plugins registered (``pdf``, ``card``, ``html``, ``markdown``,
``text`` are built in). Backends only draw; every decision about what is shown was
made by layout, so a field outside the view can never reach the output.

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

from rarepassport.errors import PassportError
from rarepassport.render._fonts import register_font

if TYPE_CHECKING:
    from rarepassport._plugins import BackendSpec, PluginManager
    from rarepassport.document import Document
    from rarepassport.model import Passport, View

__all__ = [
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


class RenderWarning(UserWarning):
    """Something a reader of the rendered passport must know (e.g. review overdue).

    Never carries field values, only what kind of problem and where.
    """


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Rendered:
    """What a backend returns.

    Attributes:
        data: The rendered bytes.
        media_type: MIME type, e.g. ``text/html; charset=utf-8``.
        suffix: File suffix with its dot, e.g. ``.html``.
        warnings: Warnings about the document and how it was drawn.
    """

    data: bytes
    media_type: str
    suffix: str
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)


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


def render_rendered(
    passport: Passport,
    format: str = "pdf",
    view: View | str = "full",
    language: str | None = None,
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
    **options: Any,
) -> Rendered:
    """Like :func:`render`, but return the :class:`Rendered` (bytes, type, warnings).

    Warnings are returned, not emitted. See :func:`render` for the arguments.
    """
    from rarepassport.convert import check_built_passport
    from rarepassport.layout import layout
    from rarepassport.model import Passport

    if not isinstance(passport, Passport):
        raise TypeError(f"render() draws a rarepassport.Passport, not {type(passport).__name__}; read "
                        "a document with rarepassport.load() or loads() first")
    if language is not None and not isinstance(language, str):
        raise RenderError(f"language must be a language tag such as 'en', not {type(language).__name__}")
    manager = _manager(plugins)
    _backend(format, manager)  # fail on an unknown format before laying out
    check_built_passport(passport, plugins=manager)  # no lone surrogate or ESC reaches a backend
    document = layout(passport, view, language, plugins=manager, today=today)
    return render_document(document, format, plugins=manager, **options)


def render(
    passport: Passport,
    format: str = "pdf",
    view: View | str = "full",
    language: str | None = None,
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
    **options: Any,
) -> bytes:
    """Render a passport for a view, in a format.

    Each warning (an overdue review, a plugin that failed) is emitted as a
    :class:`RenderWarning` through :func:`warnings.warn`; the output is still complete.

    Args:
        passport: The passport.
        format: A backend name: ``pdf``, ``card``, ``html``, ``markdown``, ``text`` or
            one a plugin added (see :func:`available_formats`).
        view: ``full``, ``emergency``, ``education`` or ``social``.
        language: BCP 47 tag of the labels; default the passport's ``language``.
        plugins: The plugin manager; the default one when ``None``.
        today: The date to check the review date against; default today.
        **options: Options of the backend.

    Returns:
        The rendered bytes.

    Raises:
        RenderError: For an unknown format or view, or a bad option.
    """
    rendered = render_rendered(passport, format, view, language, plugins=plugins, today=today, **options)
    for message in rendered.warnings:
        _warnings.warn(message, RenderWarning, stacklevel=2)
    return rendered.data
