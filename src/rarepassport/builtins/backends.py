"""Built-in plugin: the render backends, registered like any plugin's.

Each backend module is imported only when it is first used, so building a plugin
manager loads no PDF library or fonts.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rarepassport.hookspecs import hookimpl

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rarepassport.document import Document
    from rarepassport.registries import BackendRegistry
    from rarepassport.rendering import Rendered


def _check_arguments(document: object, **options: object) -> None:
    """Refuse arguments of the wrong type with a RenderError naming the option, so that
    a misused API never fails with an AttributeError from deep inside a backend."""
    from rarepassport.document import Document
    from rarepassport.errors import Message
    from rarepassport.rendering import RenderError

    if not isinstance(document, Document):
        raise RenderError(Message("error.render.not-a-document",
                                  "expected a laid-out rarepassport.Document, got {type}",
                                  type=type(document).__name__))
    for name, value in options.items():
        if name in ("large_print", "high_contrast", "sheet"):
            ok = isinstance(value, bool)
            expected = Message("error.render.option-type.bool", "option {option} must be true or false, not {type}",
                               option=name, type=type(value).__name__)
        elif name in ("qr", "base_dir"):
            ok = value is None or isinstance(value, str) or (name == "base_dir" and isinstance(value, os.PathLike))
            expected = Message("error.render.option-type.text", "option {option} must be text, not {type}",
                               option=name, type=type(value).__name__) if name == "qr" else Message(
                "error.render.option-type.folder", "option {option} must be a folder path, not {type}",
                option=name, type=type(value).__name__)
        elif name == "fonts":
            items = [value] if isinstance(value, (str, os.PathLike)) else value
            ok = isinstance(items, (list, tuple)) and all(isinstance(item, (str, os.PathLike)) for item in items)
            expected = Message("error.render.option-type.fonts",
                               "option {option} must be a list of font file paths, not {type}",
                               option=name, type=type(value).__name__)
        else:
            continue
        if not ok:
            raise RenderError(expected)


# Thin wrappers so that the backend modules are imported only when used.
def render_html(document: Document, *, large_print: bool = False, high_contrast: bool = False) -> Rendered:
    """Render as one self-contained HTML file (see `rarepassport.rendering._html`)."""
    from rarepassport.rendering._html import render_html as _render

    _check_arguments(document, large_print=large_print, high_contrast=high_contrast)
    return _render(document, large_print=large_print, high_contrast=high_contrast)


def render_accessible_pdf(document: Document, *, large_print: bool = False, high_contrast: bool = False) -> Rendered:
    """Render as a tagged PDF/UA-1, the HTML page laid out by WeasyPrint (see `rarepassport.rendering._accessible`)."""
    from rarepassport.rendering._accessible import render_accessible_pdf as _render
    from rarepassport.rendering._html import render_html as _html

    _check_arguments(document, large_print=large_print, high_contrast=high_contrast)
    # No easy-read symbols: WeasyPrint would tag each as a figure with no alternative
    # text (PDF/UA asks one of every figure), and a decorative symbol has none to give.
    import attrs

    plain = attrs.evolve(document, sections=[attrs.evolve(s, symbol=None) for s in document.sections])
    page = _html(plain, large_print=large_print, high_contrast=high_contrast)
    return _render(document, html=page.data)


def render_markdown(document: Document) -> Rendered:
    """Render as Markdown (see `rarepassport.rendering._markdown`)."""
    from rarepassport.rendering._markdown import render_markdown as _render

    _check_arguments(document)
    return _render(document)


def render_text(document: Document, *, width: int = 78) -> Rendered:
    """Render as plain text wrapped at ``width`` columns (see `rarepassport.rendering._text`)."""
    from rarepassport.rendering._text import render_text as _render

    _check_arguments(document)
    return _render(document, width=width)


def render_pdf(
    document: Document,
    *,
    size: str = "a4",
    large_print: bool = False,
    high_contrast: bool = False,
    qr: str | None = None,
    fonts: Sequence[str | os.PathLike[str]] = (),
    base_dir: str | os.PathLike[str] | None = None,
    missing_glyphs: str = "error",
) -> Rendered:
    """Render as a printable PDF (see `rarepassport.rendering._pdf.render_pdf`)."""
    from rarepassport.rendering._pdf import render_pdf as _render

    _check_arguments(document, large_print=large_print, high_contrast=high_contrast, qr=qr, fonts=fonts,
                     base_dir=base_dir)
    return _render(
        document,
        size=size,
        large_print=large_print,
        high_contrast=high_contrast,
        qr=qr,
        fonts=fonts,
        base_dir=base_dir,
        missing_glyphs=missing_glyphs,
    )


def render_card(
    document: Document,
    *,
    sheet: bool = False,
    large_print: bool = False,
    qr: str | None = None,
    fonts: Sequence[str | os.PathLike[str]] = (),
    missing_glyphs: str = "error",
) -> Rendered:
    """Render as a two-sided wallet card (see `rarepassport.rendering._card.render_card`).

    ``large_print=True`` draws a folded A6 card with no text under 14 pt instead.
    ``missing_glyphs`` is the pdf backend's option: ``"error"`` (default) or ``"mark"``.
    """
    from rarepassport.rendering._card import render_card as _render

    _check_arguments(document, sheet=sheet, large_print=large_print, qr=qr, fonts=fonts)
    return _render(document, sheet=sheet, large_print=large_print, qr=qr, fonts=fonts,
                   missing_glyphs=missing_glyphs)


def render_lockscreen(
    document: Document,
    *,
    size: str = "iphone-15",
    theme: str = "light",
    qr: str | None = "emergency",
    fonts: Sequence[str | os.PathLike[str]] = (),
) -> Rendered:
    """Render as a phone's lock-screen PNG (see `rarepassport.rendering._lockscreen.render_lockscreen`)."""
    from rarepassport.rendering._lockscreen import render_lockscreen as _render

    return _render(document, size=size, theme=theme, qr=qr, fonts=fonts, output="png")


def render_lockscreen_pdf(
    document: Document,
    *,
    size: str = "iphone-15",
    theme: str = "light",
    qr: str | None = "emergency",
    fonts: Sequence[str | os.PathLike[str]] = (),
) -> Rendered:
    """The lock-screen page as a one-page PDF, the page the PNG is rasterised from."""
    from rarepassport.rendering._lockscreen import render_lockscreen as _render

    return _render(document, size=size, theme=theme, qr=qr, fonts=fonts, output="pdf")


@hookimpl
def rarepassport_register_backends(backends: BackendRegistry) -> None:
    """Register the pdf, card, lockscreen, lockscreen-pdf, html, accessible-pdf, markdown and text backends."""
    backends.add(
        "pdf",
        render_pdf,
        media_type="application/pdf",
        suffix=".pdf",
        description="Printable passport on A4, A5 or Letter, with bookmarks and page headers",
        bilingual=True,
    )
    backends.add(
        "card",
        render_card,
        media_type="application/pdf",
        suffix=".pdf",
        description="Wallet card (85.60 x 53.98 mm), front and back, from the emergency view",
        default_view="emergency",
        bilingual=True,
    )
    # A lock screen is seen by anyone who picks the phone up: its default view is the
    # emergency view.
    backends.add(
        "lockscreen",
        render_lockscreen,
        media_type="image/png",
        suffix=".png",
        description="Phone lock-screen image (PNG) of the emergency essentials, from the emergency view",
        default_view="emergency",
        bilingual=True,
    )
    backends.add(
        "lockscreen-pdf",
        render_lockscreen_pdf,
        media_type="application/pdf",
        suffix=".pdf",
        description="The lock-screen image's page as a one-page PDF",
        default_view="emergency",
        bilingual=True,
    )
    backends.add(
        "html",
        render_html,
        media_type="text/html; charset=utf-8",
        suffix=".html",
        description="One self-contained HTML page, printable on A4",
        bilingual=True,
    )
    backends.add(
        "accessible-pdf",
        render_accessible_pdf,
        media_type="application/pdf",
        suffix=".pdf",
        description="Tagged PDF (PDF/UA-1) for screen readers, from the HTML page; needs rarepassport[accessible]",
    )
    backends.add(
        "markdown",
        render_markdown,
        media_type="text/markdown; charset=utf-8",
        suffix=".md",
        description="Markdown, for wikis and notes",
        bilingual=True,
    )
    backends.add(
        "text",
        render_text,
        media_type="text/plain; charset=utf-8",
        suffix=".txt",
        description="Plain text for email and messages, wrapped at 78 columns",
        bilingual=True,
    )
