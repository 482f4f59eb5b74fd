"""The easy-read symbols, drawn as vector shapes.

Each symbol of `rarepassport.document.SYMBOLS` is one SVG path in a 24 x 24 box,
filled with one colour (even-odd rule, so holes are holes). The HTML page inlines it as
``<svg>``; the PDF draws the same path through fpdf2's SVG support, so both show the
same shapes and nothing is fetched or taken from a font. A symbol is decorative: the
section title beside it stays the words a screen reader reads.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["SYMBOL_PATHS", "symbol_svg"]

def _circle(cx: float, cy: float, r: float) -> str:
    """A circle as a path of two arcs."""
    return f"M{cx - r} {cy}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"


def _ring(cx: float, cy: float, r: float, width: float) -> str:
    """A ring: a circle with a hole (the even-odd rule makes the inner circle a hole)."""
    return _circle(cx, cy, r) + _circle(cx, cy, r - width)


#: The shape of each symbol: an SVG path in a 24 x 24 box, filled even-odd.
SYMBOL_PATHS: Mapping[str, str] = {
    # A triangle with an exclamation mark.
    "warning": "M12 1.5L23.5 22H.5ZM12 5.6L4.1 19.8H19.9Z" "M10.8 9H13.2L12.8 15.2H11.2Z" + _circle(12, 17.4, 1.25),
    # A numbered list: three dots and three lines.
    "steps": _circle(3.5, 5, 2) + _circle(3.5, 12, 2) + _circle(3.5, 19, 2)
    + "M8 3.8H22V6.2H8ZM8 10.8H22V13.2H8ZM8 17.8H22V20.2H8Z",
    # An "i" in a circle.
    "info": _ring(12, 12, 11, 2.2) + _circle(12, 7, 1.6) + "M10.6 10H13.4V18.5H10.6Z",
    # A circle struck through.
    # (The bar ends follow the inner circle, so they meet the ring without overlapping it.)
    "no": _ring(12, 12, 11, 2.6)
    + "M7.13 5.15L18.85 16.87A8.4 8.4 0 0 1 16.87 18.85L5.15 7.13A8.4 8.4 0 0 1 7.13 5.15Z",
    # A flag on a pole.
    "flag": "M3 1.5H5.4V23H3ZM6.4 2.5H21L17.5 7.5L21 12.5H6.4Z",
    # A flower: a centre and five petals (pollen, for allergies).
    "flower": _circle(12, 10, 2.4) + _circle(12, 4.6, 2.8) + _circle(17.2, 8.4, 2.8) + _circle(15.2, 14.4, 2.8)
    + _circle(8.8, 14.4, 2.8) + _circle(6.8, 8.4, 2.8) + "M11.65 12.6H12.35V23H11.65Z",
    # A clock at three o'clock.
    "clock": _ring(12, 12, 11, 2.2) + "M10.9 5H13.1V11H18V13.2H10.9Z",
    # A page with a tick.
    "signed-page": "M3.5 1H16L20.5 5.5V23H3.5ZM5.7 3.2V20.8H18.3V6.4H15.1V3.2Z"
    + "M7 13.2L8.6 11.6L11 14L15.6 9.4L17.2 11L11 17.2Z",
    # A person: head and shoulders.
    "person": _circle(12, 6.5, 5) + "M2.5 23C2.5 16 6.5 13 12 13S21.5 16 21.5 23Z",
    # The medical cross.
    "cross": "M8.5 1.5H15.5V8.5H22.5V15.5H15.5V22.5H8.5V15.5H1.5V8.5H8.5Z",
    # A capsule, lying diagonally, with its two halves apart.
    "pill": "M4.2 13.2L13.2 4.2A5.1 5.1 0 0 1 20.4 11.4L11.4 20.4A5.1 5.1 0 0 1 4.2 13.2Z"
    "M10 9.7L14.3 14L11.4 16.9L10.2 18.1A2.6 2.6 0 0 1 5.9 13.8Z",
    # A box with a heartbeat line (a device or implant).
    "device": "M1.5 4H22.5V20H1.5ZM3.7 6.2V17.8H20.3V6.2Z"
    "M4.5 11.6H8L10 7.5L13 14.6L14.8 10.6H19.5V12.2H15.6L13 17L10 10.6L8.8 13.2H4.5Z",
    # A bed with a pillow (asleep for an operation).
    "bed": "M1.5 4H3.9V14H22.5V20H20.1V17.5H3.9V20H1.5Z" + _circle(7.5, 10.5, 2.4)
    + "M11 8.5H20A2.5 2.5 0 0 1 22.5 11V13H11Z",
    # A calendar.
    "calendar": "M2 4H22V22H2ZM4.2 9.5V19.8H19.8V9.5Z"
    "M6 1.5H8.4V4H6ZM15.6 1.5H18V4H15.6Z"
    "M6 11.5H9V14.5H6ZM10.5 11.5H13.5V14.5H10.5ZM15 11.5H18V14.5H15ZM6 16H9V19H6Z",
    # A mobile phone.
    "phone": "M6 1H18V23H6ZM8.2 3.6V18H15.8V3.6Z" + _circle(12, 20.4, 1.2),
    # Two people.
    "people": _circle(8, 6.5, 3.8) + _circle(18, 7.5, 3)
    + "M.5 22C.5 15.5 3.5 12.2 8 12.2S15.5 15.5 15.5 22Z"
    "M17 21.5H23.5C23.5 16.5 21.5 13.2 18 13.2C17 13.2 16.3 13.4 15.9 13.6C16.6 15.6 17 18 17 21.5Z",
    # A heart.
    "heart": "M12 22L3 13A5.5 5.5 0 0 1 12 5.2A5.5 5.5 0 0 1 21 13Z",
    # An open book.
    "book": "M1.5 4.5C5 3.5 9 3.8 11 5.5V21C9 19.5 5 19.3 1.5 20.3Z"
    "M22.5 4.5C19 3.5 15 3.8 13 5.5V21C15 19.5 19 19.3 22.5 20.3Z",
    # Two links of a chain.
    "link": "M9.6 16.6L7 19.2A3.4 3.4 0 0 1 2.2 14.4L6.4 10.2A3.4 3.4 0 0 1 11.2 10.2L12.8 8.6"
    "A5.6 5.6 0 0 0 4.8 8.6L.6 12.8A5.6 5.6 0 0 0 8.6 20.8L11.2 18.2Z"
    "M14.4 7.4L17 4.8A3.4 3.4 0 0 1 21.8 9.6L17.6 13.8A3.4 3.4 0 0 1 12.8 13.8L11.2 15.4"
    "A5.6 5.6 0 0 0 19.2 15.4L23.4 11.2A5.6 5.6 0 0 0 15.4 3.2L12.8 5.8Z",
    # A tick in a circle.
    "tick": _ring(12, 12, 11, 2.2) + "M6 12.4L7.8 10.6L10.6 13.4L16.2 7.8L18 9.6L10.6 17Z",
}


def symbol_svg(name: str, colour: tuple[int, int, int] | str, *, size: str = "24", attributes: str = "") -> str:
    """A symbol as a standalone SVG element.

    Args:
        name: One of `SYMBOL_PATHS`.
        colour: Its fill: an RGB triple, or a CSS colour such as ``currentColor``.
        size: Its width and height (an SVG length, e.g. ``"24"`` or ``"1.3em"``).
        attributes: Further attributes for the ``<svg>`` element, e.g. ``aria-hidden``.

    Returns:
        The ``<svg>`` element, with the namespace so it is also a standalone SVG file.
    """
    fill = colour if isinstance(colour, str) else "#{:02x}{:02x}{:02x}".format(*colour)
    extra = f" {attributes}" if attributes else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{size}" height="{size}"{extra}>'
        f'<path fill="{fill}" fill-rule="evenodd" d="{SYMBOL_PATHS[name]}"/></svg>'
    )
