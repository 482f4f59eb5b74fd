"""Contrast, read from what the backends draw.

Lines a reader must see (table rules, borders, cut marks, the fold line) have at least
3 : 1 contrast against the white page (WCAG 1.4.11); every text, white on the emergency
red included, has at least 7 : 1 against what it is drawn on (WCAG 1.4.6, AAA).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import ContentStream

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


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


Rgb = tuple[float, float, float]
WHITE: Rgb = (1.0, 1.0, 1.0)


def texts_on_backgrounds(data: bytes) -> set[tuple[Rgb, Rgb]]:
    """(text colour, colour of what it is drawn on) for every text the PDF shows.

    What it is drawn on is the last filled rectangle under the start of the text (the
    page is white where there is none), read from the content streams.
    """
    found: set[tuple[Rgb, Rgb]] = set()
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page in reader.pages:
        fill: Rgb = (0.0, 0.0, 0.0)
        saved: list[Rgb] = []
        pending: list[tuple[float, float, float, float]] = []
        filled: list[tuple[float, float, float, float, Rgb]] = []
        x = y = 0.0
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                saved.append(fill)
            elif operator == b"Q":
                fill = saved.pop()
            elif operator == b"rg":
                fill = (float(operands[0]), float(operands[1]), float(operands[2]))
            elif operator == b"g":
                fill = (float(operands[0]),) * 3  # type: ignore[assignment]
            elif operator == b"re":
                left, bottom, width, height = (float(value) for value in operands)
                pending.append((min(left, left + width), min(bottom, bottom + height),
                                max(left, left + width), max(bottom, bottom + height)))
            elif operator in (b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*"):
                filled += [(*box, fill) for box in pending]
                pending = []
            elif operator in (b"S", b"s", b"n"):
                pending = []
            elif operator == b"Td":
                x, y = float(operands[0]), float(operands[1])
            elif operator == b"Tm":
                x, y = float(operands[4]), float(operands[5])
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                under = [colour for x0, y0, x1, y1, colour in filled if x0 <= x + 0.5 <= x1 and y0 <= y + 1 <= y1]
                found.add((fill, under[-1] if under else WHITE))
    return found


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


EMERGENCY_RED_FILLS = [
    ("pdf", {}), ("pdf", {"large_print": True}), ("card", {}), ("card", {"sheet": True}),
    ("lockscreen-pdf", {}), ("lockscreen-pdf", {"theme": "dark"}),
]


@pytest.mark.parametrize(
    ("format", "options"),
    [*EMERGENCY_RED_FILLS, ("pdf", {"high_contrast": True}), ("lockscreen-pdf", {"theme": "high-contrast"})],
)
def test_every_text_has_7_to_1_contrast_with_what_it_is_drawn_on(format: str, options: dict[str, object]) -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    data = render_rendered(rp.load(EXAMPLE), format, plugins=pm, today=TODAY, **options).data
    pairs = texts_on_backgrounds(data)
    assert len(pairs) >= 2
    low = sorted((round(contrast(text, back), 2), text, back) for text, back in pairs if contrast(text, back) < 7)
    assert low == []


@pytest.mark.parametrize(("format", "options"), EMERGENCY_RED_FILLS)
def test_white_text_is_drawn_on_the_emergency_red(format: str, options: dict[str, object]) -> None:
    """The check above sees the band and the emergency bar (a red fill under white text)."""
    pm = rp.make_plugin_manager(entry_points=False)
    data = render_rendered(rp.load(EXAMPLE), format, plugins=pm, today=TODAY, **options).data
    backgrounds = {back for text, back in texts_on_backgrounds(data) if text == WHITE}
    assert any(r > 0.4 and g < 0.1 and b < 0.1 for r, g, b in backgrounds)


def test_html_shows_the_same_emergency_red_as_the_card() -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    passport = rp.load(EXAMPLE)
    card = render_rendered(passport, "card", plugins=pm, today=TODAY).data
    band = {back for text, back in texts_on_backgrounds(card) if text == WHITE}
    page = render_rendered(passport, "html", plugins=pm, today=TODAY).data.decode()
    found = re.search(r"--critical: #([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", page)
    assert found is not None
    red = tuple(round(int(part, 16) / 255, 4) for part in found.groups())
    assert band == {red}
    assert contrast(red, WHITE) >= 7  # type: ignore[arg-type]
