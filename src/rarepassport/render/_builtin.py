"""The built-in backends and the English labels, registered like any plugin's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rarepassport.hookspecs import hookimpl

if TYPE_CHECKING:
    from rarepassport._plugins import BackendRegistry, LabelRegistry
    from rarepassport.document import Document
    from rarepassport.render import Rendered


# Thin wrappers so that the backend modules are imported only when used.
def render_html(document: Document) -> Rendered:
    """Render as one self-contained HTML file (see :mod:`rarepassport.render._html`)."""
    from rarepassport.render._html import render_html as _render

    return _render(document)


def render_markdown(document: Document) -> Rendered:
    """Render as Markdown (see :mod:`rarepassport.render._markdown`)."""
    from rarepassport.render._markdown import render_markdown as _render

    return _render(document)


def render_text(document: Document, *, width: int = 78) -> Rendered:
    """Render as plain text wrapped at ``width`` columns (see :mod:`rarepassport.render._text`)."""
    from rarepassport.render._text import render_text as _render

    return _render(document, width=width)


@hookimpl
def rarepassport_register_backends(backends: BackendRegistry) -> None:
    """Register the html, markdown and text backends."""
    backends.add(
        "html",
        render_html,
        media_type="text/html; charset=utf-8",
        suffix=".html",
        description="One self-contained HTML page, printable on A4",
    )
    backends.add(
        "markdown",
        render_markdown,
        media_type="text/markdown; charset=utf-8",
        suffix=".md",
        description="Markdown, for wikis and notes",
    )
    backends.add(
        "text",
        render_text,
        media_type="text/plain; charset=utf-8",
        suffix=".txt",
        description="Plain text for email and messages, wrapped at 78 columns",
    )


@hookimpl
def rarepassport_register_labels(labels: LabelRegistry) -> None:
    """Register the English label catalogue (built-ins register first, so plugins override it)."""
    from rarepassport.labels import ENGLISH

    labels.add("en", ENGLISH)
