"""Language tags, writing direction and scripts, through Babel's CLDR data.

A passport's output language comes from a BCP 47 tag that people type: ``FR``,
``pt-br``, ``zh-CN``, ``iw``. :func:`normalise` gives the canonical tag (``fr``,
``pt-BR``, ``zh-Hans-CN``, ``he-IL``) or ``None`` for a tag CLDR does not know;
:func:`choose` then picks the label catalogue to use, and says when there is none, so a
document is never marked with a language its labels are not in.

Babel is imported only when a function here is called, so ``import rarepassport``
stays light.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from babel import Locale

__all__ = [
    "LanguageChoice",
    "babel_locale",
    "candidates",
    "choose",
    "direction",
    "display_name",
    "normalise",
    "script_of",
    "script_of_language",
    "script_runs",
    "text_language",
]

#: Languages written in more than one script, whose catalogue is chosen by script: a
#: bare ``zh`` (or ``zh-CN``, ``zh-SG``) is Simplified Chinese, ``zh-TW`` Traditional.
_SCRIPT_MATTERS = frozenset(("zh", "sr", "pa", "uz", "az", "bs", "mn"))


@functools.cache
def _parse(tag: str) -> Locale | None:
    from babel import Locale, UnknownLocaleError

    text = tag.strip().replace("_", "-")
    if not text or not all(part.isascii() and part.isalnum() for part in text.split("-")):
        return None
    try:
        locale = Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        # CLDR has no data for the region or variant (``fr-XK``): try the language alone.
        try:
            locale = Locale.parse(text.split("-")[0], sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            return None
    if locale.script is None and locale.language in _SCRIPT_MATTERS:
        from babel.core import get_global

        likely = str(get_global("likely_subtags").get(locale.language, ""))
        parts = likely.split("_")
        if len(parts) >= 2 and len(parts[1]) == 4:
            locale = Locale(locale.language, territory=locale.territory, script=parts[1], variant=locale.variant)
    return locale


def normalise(tag: str) -> str | None:
    """The canonical BCP 47 form of a tag, or ``None`` when CLDR does not know the language.

    Case is normalised and aliases resolved: ``FR`` → ``fr``, ``pt-br`` → ``pt-BR``,
    ``zh-CN`` → ``zh-Hans-CN``, ``iw`` → ``he-IL``, ``en_gb`` → ``en-GB``.
    """
    locale = _parse(tag)
    if locale is None:
        return None
    parts = (locale.language, locale.script, locale.territory, locale.variant)
    return "-".join(str(part) for part in parts if part)


@functools.lru_cache(maxsize=256)  # asked at every label lookup
def candidates(tag: str) -> tuple[str, ...]:
    """The catalogue tags to try for a tag, most specific first: ``zh-Hans-CN``, ``zh-Hans``, ``zh``."""
    parts = tag.split("-")
    return tuple("-".join(parts[:n]) for n in range(len(parts), 0, -1))


@attrs.frozen
class LanguageChoice:
    """Which language a document's labels are in.

    Attributes:
        requested: The tag asked for, as given.
        tag: The document's language: the normalised tag when there is a catalogue for it
            (or for its base language), else ``en``. HTML ``lang`` and PDF ``/Lang`` use it.
        catalogue: The catalogue tag the labels come from (``fr`` for ``fr-CA``).
        known: Whether CLDR knows the requested language at all.
    """

    requested: str
    tag: str
    catalogue: str
    known: bool
    #: Whether English is used because the requested language has no catalogue.
    fallback: bool = False


def choose(tag: str, has_catalogue: Callable[[str], bool]) -> LanguageChoice:
    """Choose the labels' language for a requested tag.

    Args:
        tag: The requested tag (``--language``, or the passport's ``language``).
        has_catalogue: Whether labels exist for exactly a (normalised) tag.

    Returns:
        The choice; English (``tag="en"``) when neither the tag nor a shorter form of it
        has a catalogue, so a document never claims a language its labels are not in.
    """
    normal = normalise(tag)
    if normal is None:
        return LanguageChoice(requested=tag, tag="en", catalogue="en", known=False, fallback=True)
    if normal.split("-")[0] == "en":
        return LanguageChoice(requested=tag, tag=normal, catalogue="en", known=True)
    for candidate in candidates(normal):
        if has_catalogue(candidate):
            return LanguageChoice(requested=tag, tag=normal, catalogue=candidate, known=True)
    return LanguageChoice(requested=tag, tag="en", catalogue="en", known=True, fallback=True)


def babel_locale(tag: str) -> Locale:
    """The Babel ``Locale`` for dates and numbers in a language (English is ``en-GB``'s).

    Bare ``en`` writes dates the British way (``2 March 2015``), which cannot be misread;
    an unknown tag gets English.
    """
    normal = normalise(tag)
    if normal is None or normal == "en":
        normal = "en-GB"
    locale = _parse(normal) or _parse("en-GB")
    assert locale is not None
    return locale


def direction(tag: str) -> str:
    """``rtl`` for a language written right to left (Arabic, Hebrew, Urdu...), else ``ltr``."""
    locale = _parse(tag)
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"


def display_name(tag: str, in_language: str) -> str:
    """The name of the language ``tag`` written in ``in_language``: ``anglais`` for ``en`` in ``fr``."""
    locale = _parse(tag)
    where = babel_locale(in_language)
    if locale is None:
        return tag
    name = locale.get_display_name(where)
    return str(name) if name else tag


#: Unicode script names (the first word of a character's name) to ISO 15924 codes.
_SCRIPTS = {
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "DEVANAGARI": "Deva",
    "BENGALI": "Beng",
    "GURMUKHI": "Guru",
    "GUJARATI": "Gujr",
    "TAMIL": "Taml",
    "TELUGU": "Telu",
    "KANNADA": "Knda",
    "MALAYALAM": "Mlym",
    "THAI": "Thai",
    "HANGUL": "Hang",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "CJK": "Hani",
    "ETHIOPIC": "Ethi",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "SINHALA": "Sinh",
}

#: The script each built-in and common language is written in.
_LANGUAGE_SCRIPTS = {
    "ar": "Arab", "fa": "Arab", "ur": "Arab", "ps": "Arab", "ku": "Arab", "he": "Hebr", "yi": "Hebr",
    "ru": "Cyrl", "uk": "Cyrl", "bg": "Cyrl", "sr": "Cyrl", "mk": "Cyrl", "be": "Cyrl", "kk": "Cyrl",
    "el": "Grek", "hi": "Deva", "mr": "Deva", "ne": "Deva", "bn": "Beng", "pa": "Guru", "gu": "Gujr",
    "ta": "Taml", "te": "Telu", "kn": "Knda", "ml": "Mlym", "th": "Thai", "ko": "Hang", "ja": "Jpan",
    "zh": "Hani", "am": "Ethi", "ka": "Geor", "hy": "Armn", "si": "Sinh",
}


def _char_script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return _SCRIPTS.get(name.split(" ")[0])


def script_of(text: str) -> str | None:
    """The ISO 15924 code of the script most letters of ``text`` are in, or ``None`` (no letters).

    ``"Amira Haddad"`` is ``Latn``, ``"أميرة حداد"`` is ``Arab``, ``"王芳"`` is ``Hani``.
    """
    counts: dict[str, int] = {}
    for char in text:
        script = _char_script(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else None


#: Characters that end a run of one script: the directional isolates (LRI, RLI, FSI,
#: PDI), so that a run marked in HTML never straddles the boundary of an isolate.
_ISOLATES = frozenset("\u2066\u2067\u2068\u2069")
#: Joiners, which belong to the letters around them (Persian, Devanagari conjuncts).
_JOINERS = frozenset("\u200c\u200d")


def _joins(char: str) -> bool:
    """Whether a character belongs to the letter before it: a combining mark or a joiner."""
    return char in _JOINERS or unicodedata.category(char).startswith("M")


def script_runs(text: str) -> list[tuple[int, int, str]]:
    """The runs of ``text`` written in one script: ``(start, end, ISO 15924 code)``, in order.

    A run starts and ends with a letter (a combining mark or joiner right after its
    last letter is part of it: a Devanagari vowel sign, Arabic harakat). Spaces,
    digits and punctuation between two letters of the same script are inside the run
    ("فاطمة حداد" is one run); those between runs of two scripts, or at either end,
    are in none (in "Call Fatima (فاطمة) first" the brackets are not Arabic). Han
    and kana form one Japanese run (``Jpan``). A directional isolate ends a run.
    Letters are told apart by the same script data as `script_of`.
    """
    runs: list[tuple[int, int, str]] = []
    start = end = 0
    current: str | None = None  # the script of the run being read
    for index, char in enumerate(text):
        if char in _ISOLATES:
            if current is not None:
                runs.append((start, end, current))
            current = None
            continue
        script = _char_script(char)
        if script is None:
            if current is not None and end == index and _joins(char):
                end = index + 1
            continue
        if current is not None and (script == current or {script, current} == {"Hani", "Jpan"}):
            end = index + 1
            current = "Jpan" if "Jpan" in (script, current) else current
            continue
        if current is not None:
            runs.append((start, end, current))
        start, end, current = index, index + 1, script
    if current is not None:
        runs.append((start, end, current))
    return _balanced(text, runs)


def _balanced(text: str, runs: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``runs`` with no bracket whose partner is outside: "(نعم)" not "نعم)".

    A run reaches out to the partner over the spaces and punctuation beside it
    ("दैनिक खुराक (निर्धारित अनुसार)" whole, its closing bracket after the last letter);
    when letters of another run or a directional isolate are in the way, the run is cut
    at the bracket, the letters on each side of it runs of their own.
    """
    # Brackets are Unicode's opening and closing punctuation (Ps, Pe: "(", "（", "【"),
    # each closing one paired with the last one opened.
    pairs: list[tuple[int, int]] = []
    opened: list[int] = []
    for index, char in enumerate(text):
        kind = unicodedata.category(char)
        if kind == "Ps":
            opened.append(index)
        elif kind == "Pe" and opened:
            pairs.append((opened.pop(), index))
    isolates = [index for index, char in enumerate(text) if char in _ISOLATES]

    def settle(start: int, end: int, script: str, low: int, high: int) -> list[tuple[int, int, str]]:
        for first, last in pairs:
            if start <= first < end <= last:  # opened inside, closed after
                if last < high:
                    return settle(start, last + 1, script, low, high)
                # Cut at the bracket: the letters on each side are runs of their own.
                return settle(start, first, script, low, high) + settle(first + 1, end, script, low, high)
            if first < start <= last < end:  # closed inside, opened before
                if first >= low:
                    return settle(first, end, script, low, high)
                return settle(start, last, script, low, high) + settle(last + 1, end, script, low, high)
        # After a cut, the run starts and ends with a letter (a mark after it) or a bracket.
        while start < end and not (_char_script(text[start]) or unicodedata.category(text[start]) == "Ps"):
            start += 1
        while end > start and not (_char_script(text[end - 1]) or unicodedata.category(text[end - 1]) == "Pe"
                                   or _joins(text[end - 1])):
            end -= 1
        return [(start, end, script)] if any(_char_script(char) for char in text[start:end]) else []

    out: list[tuple[int, int, str]] = []
    for number, (start, end, script) in enumerate(runs):
        # Never over the run before or after, nor over a directional isolate.
        low = max([out[-1][1] if out else 0, *(index + 1 for index in isolates if index < start)])
        high = min([runs[number + 1][0] if number + 1 < len(runs) else len(text),
                    *(index for index in isolates if index >= end)])
        out += settle(start, end, script, low, high)
    return out


def script_of_language(tag: str) -> str:
    """The script a language is usually written in (``Latn`` unless known otherwise)."""
    normal = normalise(tag) or tag
    parts = normal.split("-")
    explicit = next((part for part in parts[1:] if len(part) == 4 and part.isalpha()), None)
    if explicit in ("Hans", "Hant"):
        return "Hani"
    if explicit:
        return explicit
    return _LANGUAGE_SCRIPTS.get(parts[0].lower(), "Latn")


def text_language(text: str, content_language: str, document_language: str) -> str | None:
    """The ``lang`` to mark a piece of text with, or ``None`` when it is in the document's script.

    Text in the document's script is left to the document's language: a value in a
    French page may mix French words from the catalogue ("Modérée", "3 mars 2015") with
    the person's English, so marking it English would be a false claim. Text in another
    script is the person's own: it is marked with the passport's (content) language when
    that is written in this script (an English name in an Arabic page is ``en``), else
    as undetermined language in its script (``und-Arab``), which is never a false claim.
    """
    script = script_of(text)
    if script is None or script == script_of_language(document_language):
        return None
    return content_language if script == script_of_language(content_language) else f"und-{script}"
