"""Lines a reader must see (table rules, borders, cut marks, the fold line) have at least
3 : 1 contrast against the white page (WCAG 1.4.11), read from the drawn PDFs' content."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
import pytest

import rarepassport as rp
from rarepassport import render_rendered

TODAY = dt.date(2026, 11, 27)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "adult-several-conditions.yaml"
_STROKE_RGB = re.compile(rb"(?<![\d.])([\d.]+) ([\d.]+) ([\d.]+) RG")
_STROKE_GREY = re.compile(rb"(?<![\d.])([\d.]+) G(?![A-Za-z])")


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(rgb: tuple[float, float, float]) -> float:
    return 1.05 / (luminance(rgb) + 0.05)


def stroke_colours(data: bytes) -> set[tuple[float, float, float]]:
    colours: set[tuple[float, float, float]] = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        content = page.get_contents()
        assert content is not None
        stream = content.get_data()
        colours |= {(float(r), float(g), float(b)) for r, g, b in _STROKE_RGB.findall(stream)}
        colours |= {(float(v),) * 3 for v in _STROKE_GREY.findall(stream)}  # type: ignore[misc]
    return colours


@pytest.mark.parametrize(
    ("format", "options"), [("pdf", {}), ("pdf", {"large_print": True}), ("card", {"sheet": True})]
)
def test_every_drawn_line_has_3_to_1_contrast_on_white(format: str, options: dict[str, object]) -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    data = render_rendered(rp.load(EXAMPLE), format, plugins=pm, today=TODAY, **options).data
    colours = stroke_colours(data)
    assert colours
    faint = sorted(c for c in colours if contrast_with_white(c) < 3)
    assert faint == []
