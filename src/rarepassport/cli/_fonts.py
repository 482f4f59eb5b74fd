"""``rarepassport fonts``: which scripts the installed fonts can draw, and whether text is shaped."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["SCRIPT_SAMPLES", "register", "script_coverage"]

#: A script's name, sample letters, and the shipped label languages written in it.
SCRIPT_SAMPLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Latin", "AaŁłŵŷ", ("en", "cy", "de", "es", "fr", "it", "pl", "pt")),
    ("Greek", "ΑαΩω", ()),
    ("Cyrillic", "АаЖж", ()),
    ("Arabic", "عربي", ("ar",)),
    ("Hebrew", "עברית", ()),
    ("Devanagari", "हिन्दी", ("hi",)),
    ("Bengali", "বাংলা", ()),
    ("Tamil", "தமிழ்", ()),
    ("Thai", "ไทย", ()),
    ("Han (Chinese)", "中文汉字", ("zh-Hans",)),
    ("Japanese kana", "かなカナ", ()),
    ("Hangul (Korean)", "한국어", ()),
)


def script_coverage() -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Each script with the file name of the first font that draws its sample (or ``None``)."""
    from rarepassport.rendering._fonts import bundled_font, coverage, registered_fonts, system_fallback_fonts

    faces = [bundled_font(), *registered_fonts(), *system_fallback_fonts()]
    covered = [(face.regular.name, coverage(face.regular, face.collection_index)) for face in faces]
    result = []
    for name, sample, languages in SCRIPT_SAMPLES:
        letters = {ord(char) for char in sample}
        font = next((file for file, chars in covered if letters <= chars), None)
        result.append((name, font, languages))
    return result


def register(commands: Any) -> None:
    """Add the ``fonts`` command to the CLI's sub-parsers."""
    fonts = commands.add_parser("fonts", help="which scripts the installed fonts cover, and whether text is shaped")
    fonts.set_defaults(handler=_cmd_fonts)


def _cmd_fonts(args: argparse.Namespace) -> int:
    from rarepassport.cli._common import say, text
    from rarepassport.rendering._fonts import shaping_available

    say(text("cli.fonts.heading"))
    missing_needed = []
    for name, font, languages in script_coverage():
        used_by = text("cli.fonts.used-by", languages=", ".join(languages)) if languages else ""
        say(f"  {name:16} {font or text('cli.fonts.not-covered')}{used_by}")
        if font is None and languages:
            missing_needed.append(name)
    if shaping_available():
        say(text("cli.fonts.shaping"))
    else:
        say(text("cli.fonts.no-shaping"))
        say(text("cli.fonts.no-shaping-advice"))
    if missing_needed:
        say(text("cli.fonts.needed", scripts=", ".join(missing_needed)))
        return 1
    return 0 if shaping_available() else 1
