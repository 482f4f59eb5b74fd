"""``rarepassport fonts``: which scripts the installed fonts can draw, and whether text is shaped."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["SCRIPT_SAMPLES", "register", "script_coverage", "script_name"]

#: A script's ISO 15924 code, sample letters, and the shipped label languages written in it.
SCRIPT_SAMPLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Latn", "AaŁłŵŷ", ("en", "cy", "de", "es", "fr", "it", "pl", "pt")),
    ("Grek", "ΑαΩω", ()),
    ("Cyrl", "АаЖж", ()),
    ("Arab", "عربي", ("ar",)),
    ("Hebr", "עברית", ()),
    ("Deva", "हिन्दी", ("hi",)),
    ("Beng", "বাংলা", ()),
    ("Taml", "தமிழ்", ()),
    ("Thai", "ไทย", ()),
    ("Hani", "中文汉字", ("zh-Hans",)),
    ("Hrkt", "かなカナ", ()),
    ("Hang", "한국어", ()),
)


def script_name(code: str, language: str) -> str:
    """A script's name in a language, from Babel's CLDR data (``Deva``: *Devanagari*,
    *Dévanagari*, *天城文*), with a capital letter to start a line. CLDR leaves out a name
    a language writes as English does (German *Thai*): English's is used then, and the
    code itself when CLDR has no name for it at all."""
    from rarepassport.languages import babel_locale

    name = babel_locale(language).scripts.get(code) or babel_locale("en").scripts.get(code)
    return name[:1].upper() + name[1:] if name else code


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: wide (CJK) letters take two, marks none."""
    import unicodedata

    return sum(0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
               for char in text)


def script_coverage() -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Each script (its ISO 15924 code) with the file name of the first font that draws its
    sample (or ``None``), and the shipped label languages written in it."""
    from rarepassport.rendering._fonts import bundled_font, coverage, registered_fonts, system_fallback_fonts

    faces = [bundled_font(), *registered_fonts(), *system_fallback_fonts()]
    covered = [(face.regular.name, coverage(face.regular, face.collection_index)) for face in faces]
    result = []
    for code, sample, languages in SCRIPT_SAMPLES:
        letters = {ord(char) for char in sample}
        font = next((file for file, chars in covered if letters <= chars), None)
        result.append((code, font, languages))
    return result


def register(commands: Any) -> None:
    """Add the ``fonts`` command to the CLI's sub-parsers."""
    fonts = commands.add_parser("fonts", help="which scripts the installed fonts cover, and whether text is shaped")
    fonts.set_defaults(handler=_cmd_fonts)


def _cmd_fonts(args: argparse.Namespace) -> int:
    from rarepassport.cli._common import current_language, say, text
    from rarepassport.rendering._fonts import shaping_available

    say(text("cli.fonts.heading"))
    missing_needed = []
    found = script_coverage()
    # The scripts' names in the messages' language, from CLDR (never a table of English).
    names = {code: script_name(code, current_language()) for code, _font, _languages in found}
    width = max(_columns(name) for name in names.values()) + 1
    for code, font, languages in found:
        used_by = text("cli.fonts.used-by", languages=", ".join(languages)) if languages else ""
        padding = " " * (width - _columns(names[code]))
        say(f"  {names[code]}{padding} {font or text('cli.fonts.not-covered')}{used_by}")
        if font is None and languages:
            missing_needed.append(names[code])
    if shaping_available():
        say(text("cli.fonts.shaping"))
    else:
        say(text("cli.fonts.no-shaping"))
        say(text("cli.fonts.no-shaping-advice"))
    if missing_needed:
        say(text("cli.fonts.needed", scripts=", ".join(missing_needed)))
        return 1
    return 0 if shaping_available() else 1
