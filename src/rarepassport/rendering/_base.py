"""What every backend returns, shared by the backends and the rendering step."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from rarepassport._report import Issue

__all__ = ["Rendered"]


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
            [`render`][rarepassport.render] or [`render_rendered`][rarepassport.render_rendered] (empty from
            [`render_document`][rarepassport.render_document], which draws a document without validating).
    """

    data: bytes
    media_type: str
    suffix: str
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    issues: tuple[Issue, ...] = attrs.field(default=(), converter=_issues)
