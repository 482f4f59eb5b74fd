"""What every backend returns, shared by the backends and the rendering step."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from rarepassport._report import Issue
from rarepassport.document import RenderNotice

__all__ = ["Rendered"]


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _issues(values: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(values)


def _notices(values: Iterable[RenderNotice]) -> tuple[RenderNotice, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class Rendered:
    """What a backend returns.

    Attributes:
        data: The rendered bytes.
        media_type: MIME type, e.g. ``text/html; charset=utf-8``.
        suffix: File suffix with its dot, e.g. ``.html``.
        warnings: Warnings about the document and how it was drawn, validation
            problems first (as written in the document's notes), all in the
            document's language.
        notices: The backend's own notices about drawing (characters no font has,
            text shaping unavailable, a photo not drawn), each with a ``code`` and its
            ``params`` for programs; their texts are also in ``warnings``.
        issues: What validation found when the passport was rendered with
            [`render`][rarepassport.render] or [`render_rendered`][rarepassport.render_rendered] (empty from
            [`render_document`][rarepassport.render_document], which draws a document without validating).
    """

    data: bytes
    media_type: str
    suffix: str
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    issues: tuple[Issue, ...] = attrs.field(default=(), converter=_issues)
    notices: tuple[RenderNotice, ...] = attrs.field(default=(), converter=_notices)

    @classmethod
    def drawn(cls, data: bytes, media_type: str, suffix: str, notices: Iterable[RenderNotice]) -> Rendered:
        """What a backend returns: ``notices`` and, as ``warnings``, their texts."""
        notices = tuple(notices)
        return cls(data=data, media_type=media_type, suffix=suffix, notices=notices,
                   warnings=tuple(dict.fromkeys(notice.text for notice in notices)))
