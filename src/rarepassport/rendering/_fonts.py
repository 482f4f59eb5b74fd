"""Fonts for the PDF and card backends: the bundled family, fallbacks, coverage checks.

The bundled DejaVu Sans draws Latin, Greek and Cyrillic in regular and bold. Other
scripts (Arabic, Hebrew, Devanagari, Chinese, Japanese, Korean, Thai...) need a
*fallback* font: one registered with [`register_font`][rarepassport.rendering.register_font], passed per render as
``fonts=[...]``, or found on the system (Noto and a few common families in the usual
font folders, plus the folders listed in ``RAREPASSPORT_FONT_DIRS``).

Fonts are added to each PDF with fpdf2's public ``add_font``; `pdf_class` works
around an fpdf2 bug that drew text after a fallback-font character with wrong glyphs.
fontTools and fpdf2 are imported only inside functions.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = [
    "BUNDLED_FAMILY",
    "FontFace",
    "bundled_font",
    "install_fonts",
    "needs_text_shaping",
    "pdf_bytes",
    "pdf_class",
    "register_font",
    "registered_fonts",
    "shaping_available",
    "system_fallback_fonts",
    "undrawable_characters",
]

#: fpdf2 family name of the bundled font (lower case: fpdf2 keys fonts by it).
BUNDLED_FAMILY = "rpsans"

_FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

#: Environment variable: extra folders (separated by os.pathsep) searched for fallback fonts.
FONT_DIRS_ENV = "RAREPASSPORT_FONT_DIRS"
#: Environment variable: set to ``0`` to search only ``RAREPASSPORT_FONT_DIRS``, not the
#: system font folders (reproducible output, tests).
SYSTEM_FONTS_ENV = "RAREPASSPORT_SYSTEM_FONTS"

# File names of fonts worth using as fallbacks, most specific first. Noto covers
# nearly every script; the others are what common Linux, macOS and Windows
# installations ship for Arabic, Hebrew, Indic and CJK text.
_SYSTEM_FALLBACK_NAMES = (
    "NotoSansArabic-Regular.ttf",
    "NotoNaskhArabic-Regular.ttf",
    "NotoSansHebrew-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSansBengali-Regular.ttf",
    "NotoSansTamil-Regular.ttf",
    "NotoSansThai-Regular.ttf",
    "NotoSansEthiopic-Regular.ttf",
    "NotoSansArmenian-Regular.ttf",
    "NotoSansGeorgian-Regular.ttf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "NotoSansJP-Regular.otf",
    "NotoSansKR-Regular.otf",
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "Arial Unicode.ttf",
    "arialuni.ttf",
    "msyh.ttc",
    "simsun.ttc",
)

# Scripts that need a shaping engine (joining, reordering or right-to-left).
_SHAPED_RANGES = (
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac, Thaana, NKo...
    (0x0900, 0x0DFF),  # Indic scripts
    (0x0E00, 0x0FFF),  # Thai, Lao, Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms
    (0xFE70, 0xFEFF),
)


@attrs.frozen
class FontFace:
    """A font family a PDF can draw with.

    Attributes:
        family: The family name used inside the PDF (lower case).
        regular: Path of the regular face.
        bold: Path of the bold face; ``None`` draws bold text with the regular face.
        collection_index: Face number inside a ``.ttc``/``.otc`` collection.
    """

    family: str
    regular: Path
    bold: Path | None = None
    collection_index: int = 0


def bundled_font() -> FontFace:
    """The bundled DejaVu Sans family (Latin, Greek, Cyrillic; regular and bold)."""
    return FontFace(
        family=BUNDLED_FAMILY,
        regular=_FONT_DIR / "DejaVuSans.ttf",
        bold=_FONT_DIR / "DejaVuSans-Bold.ttf",
    )


_registered: list[FontFace] = []
_registered_lock = threading.Lock()


def _family_for(path: Path, index: int = 0) -> str:
    # fpdf2 finds a fallback family by stripping "B" and "I" from its font keys, so the
    # name must be lower case and free of those letters in upper case.
    stem = "".join(ch for ch in path.stem.lower() if ch.isalnum())
    return f"fb{stem}{index}"


def font_face(path: str | os.PathLike[str], *, bold: str | os.PathLike[str] | None = None,
              collection_index: int = 0) -> FontFace:
    """Describe a font file as a fallback face, checking that it can be read.

    Args:
        path: A ``.ttf``, ``.otf``, ``.ttc`` or ``.otc`` file.
        bold: Its bold face, if there is one.
        collection_index: Face number inside a font collection.

    Raises:
        rarepassport.errors.PassportError: When a file is missing or is not a font.
    """
    from rarepassport.errors import PassportError

    faces = [Path(path)] + ([Path(bold)] if bold is not None else [])
    for face in faces:
        if face.suffix.lower() not in _FONT_SUFFIXES:
            raise PassportError(f"font {face}: not a font file (use .ttf, .otf, .ttc or .otc)")
        if not face.is_file():
            raise PassportError(f"font {face}: file not found")
        if not _coverage(face, collection_index):
            raise PassportError(f"font {face}: cannot be read as a font, or has no Unicode characters")
    return FontFace(
        family=_family_for(faces[0], collection_index),
        regular=faces[0],
        bold=faces[1] if len(faces) > 1 else None,
        collection_index=collection_index,
    )


def register_font(path: str | os.PathLike[str], *, bold: str | os.PathLike[str] | None = None,
                  collection_index: int = 0) -> FontFace:
    """Add a fallback font for every later PDF and card render in this process.

    Use it for scripts the bundled DejaVu Sans cannot draw, e.g. a Noto font for
    Arabic or Chinese. Characters are looked up in the bundled font first, then in the
    registered fonts in registration order, then in fonts found on the system. To use
    a font for one render only, pass ``fonts=[path]`` to it instead.

    Args:
        path: A ``.ttf``, ``.otf``, ``.ttc`` or ``.otc`` file.
        bold: Its bold face, if there is one.
        collection_index: Face number inside a font collection.

    Returns:
        The registered face.

    Raises:
        rarepassport.errors.PassportError: When the file is missing or not a font.

    Example:
        ```python
        from rarepassport.rendering import register_font
        register_font("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")
        ```
    """
    face = font_face(path, bold=bold, collection_index=collection_index)
    with _registered_lock:
        if face not in _registered:
            _registered.append(face)
    return face


def registered_fonts() -> tuple[FontFace, ...]:
    """The fallback fonts added with [`register_font`][rarepassport.rendering.register_font], in order."""
    with _registered_lock:
        return tuple(_registered)


def _font_dirs() -> list[Path]:
    dirs = [Path(d) for d in os.environ.get(FONT_DIRS_ENV, "").split(os.pathsep) if d]
    if os.environ.get(SYSTEM_FONTS_ENV, "").lower() in ("0", "false", "no"):
        return dirs
    if sys.platform == "win32":  # pragma: no cover - platform specific
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
    elif sys.platform == "darwin":  # pragma: no cover - platform specific
        dirs += [Path("/System/Library/Fonts"), Path("/Library/Fonts"), Path.home() / "Library/Fonts"]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
                 Path.home() / ".local/share/fonts"]
    return dirs


@functools.lru_cache(maxsize=1)
def system_fallback_fonts() -> tuple[FontFace, ...]:
    """Fallback fonts found on this system (searched once per process).

    Looks for Noto and other wide-coverage fonts by file name in the folders listed
    in ``RAREPASSPORT_FONT_DIRS`` and in the system font folders (unless
    ``RAREPASSPORT_SYSTEM_FONTS=0``). Call ``system_fallback_fonts.cache_clear()``
    after changing either variable.
    """
    wanted = {name.lower(): rank for rank, name in enumerate(_SYSTEM_FALLBACK_NAMES)}
    found: dict[int, Path] = {}
    for folder in _font_dirs():
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                rank = wanted.get(name.lower())
                if rank is not None and rank not in found:
                    found[rank] = Path(root) / name
    faces = []
    for _rank, path in sorted(found.items()):
        bold = _bold_sibling(path)
        faces.append(FontFace(family=_family_for(path), regular=path, bold=bold))
    return tuple(faces)


def _bold_sibling(path: Path) -> Path | None:
    if "Regular" not in path.name:
        return None
    sibling = path.with_name(path.name.replace("Regular", "Bold"))
    return sibling if sibling.is_file() else None


@functools.lru_cache(maxsize=64)
def _coverage(path: Path, index: int = 0) -> frozenset[int]:
    """The code points a font file can draw (empty when it cannot be read)."""
    from fontTools import ttLib  # type: ignore[import-untyped,unused-ignore]

    try:
        font = ttLib.TTFont(path, fontNumber=index, lazy=True)
        cmap = font.getBestCmap() or {}
        font.close()
    except Exception:  # noqa: BLE001 - any unreadable font means "covers nothing"
        return frozenset()
    return frozenset(cmap)


def _is_invisible(char: str) -> bool:
    # Whitespace and format characters (joiners, direction marks) need no glyph.
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def describe_characters(chars: Sequence[str], limit: int = 12) -> str:
    """Code points as ``U+0627, U+4E2D`` (never the text itself)."""
    shown = ", ".join(f"U+{ord(c):04X}" for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


def undrawable_characters(texts: Iterable[str], extra: Sequence[FontFace] = ()) -> frozenset[str]:
    """The characters of ``texts`` that no available font can draw.

    Available: the bundled font, then ``extra``, the registered fonts and the fonts
    found on the system, as `install_fonts` would choose them. Whitespace and
    format characters (joiners, direction marks) need no glyph and are never listed.
    """
    main_coverage = _coverage(bundled_font().regular)
    needed = {c for text in texts for c in text if ord(c) not in main_coverage and not _is_invisible(c)}
    if not needed:
        return frozenset()
    for face in (*extra, *registered_fonts(), *system_fallback_fonts()):
        coverage = _coverage(face.regular, face.collection_index)
        needed = {c for c in needed if ord(c) not in coverage}
        if not needed:
            break
    return frozenset(needed)


def needs_text_shaping(texts: Iterable[str]) -> bool:
    """Whether any text is in a script that needs a shaping engine (e.g. Arabic)."""
    for text in texts:
        for char in text:
            code = ord(char)
            if code >= 0x0590 and any(low <= code <= high for low, high in _SHAPED_RANGES):
                return True
    return False


@functools.lru_cache(maxsize=1)
def shaping_available() -> bool:
    """Whether uharfbuzz is installed, so fpdf2 can shape Arabic, Hebrew, Indic text."""
    try:
        import uharfbuzz  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def _add_font(pdf: FPDF, family: str, style: str, path: Path, index: int = 0) -> None:
    """Add a font face to ``pdf`` with fpdf2's public ``add_font`` (once per family and style).

    An earlier version copied a parsed font between documents through fpdf2's private
    attributes; when fpdf2 changed them, text in fallback fonts was drawn with wrong
    glyphs. Parsing is paid per document instead (a few tens of milliseconds).
    """
    if f"{family}{style}" in pdf.fonts:
        return
    pdf.add_font(family, style, str(path), collection_font_number=index)


@functools.lru_cache(maxsize=1)
def pdf_class() -> type[FPDF]:
    """The FPDF class every backend that draws glyphs must use (``pdf_class()(...)``).

    fpdf2 2.8.9 loses track of the page's font when a line *starts* with a character
    from a fallback font right after ``set_font`` or a page break: it selects the
    font inside a local ``q ... Q`` context, believes it selected it for the page, and
    the text that follows is drawn with the wrong font's glyph numbers (a phone number
    after a Chinese name printed as "+44 flflLL"). This subclass selects the font for
    the page through the public ``text()`` method (an empty string) after every
    ``set_font`` and ``set_font_size``, so no line ever starts without it.
    """
    from fpdf import FPDF

    class FallbackSafeFPDF(FPDF):
        """An FPDF whose page font is always selected before text is drawn."""

        def set_font(self, family: str | None = None, style: Any = "", size: float = 0) -> None:
            super().set_font(family, style, size)
            self._select_font_on_page()

        def set_font_size(self, size: float) -> None:
            super().set_font_size(size)
            self._select_font_on_page()

        uses_fallback_fonts = False

        def set_fallback_fonts(self, fallback_fonts: Any, exact_match: bool = True) -> None:
            super().set_fallback_fonts(fallback_fonts, exact_match=exact_match)
            self.uses_fallback_fonts = bool(fallback_fonts)

        def _select_font_on_page(self) -> None:
            # Only documents with fallback fonts are affected. fpdf2's (undocumented)
            # flag saves an empty text object when the font is already selected; if
            # fpdf2 drops the flag, the font is selected every time, which is safe.
            if self.uses_fallback_fonts and self.page > 0 and self.font_family \
                    and not getattr(self, "current_font_is_set_on_page", False):
                self.text(0, 0, "")

    return FallbackSafeFPDF


def install_fonts(pdf: FPDF, texts: Iterable[str], extra: Sequence[FontFace] = ()) -> list[str]:
    """Give ``pdf`` the bundled font and the fallbacks the text needs.

    Args:
        pdf: The document being drawn.
        texts: Every text that will be drawn (used to choose fallbacks and to warn).
        extra: Fallback fonts for this render only, tried before the registered ones.

    Returns:
        Warnings for the reader: characters no font can draw (as code points), and
        scripts that need the optional shaping engine.
    """
    texts = list(texts)
    main = bundled_font()
    _add_font(pdf, main.family, "", main.regular)
    if main.bold is not None:
        _add_font(pdf, main.family, "B", main.bold)
    warnings: list[str] = []
    main_coverage = _coverage(main.regular)
    needed = {c for text in texts for c in text if ord(c) not in main_coverage and not _is_invisible(c)}
    fallbacks: list[FontFace] = []
    if needed:
        for face in (*extra, *registered_fonts(), *system_fallback_fonts()):
            coverage = _coverage(face.regular, face.collection_index)
            if coverage and any(ord(c) in coverage for c in needed) and face not in fallbacks:
                fallbacks.append(face)
                needed = {c for c in needed if ord(c) not in coverage}
            if not needed:
                break
        for face in fallbacks:
            _add_font(pdf, face.family, "", face.regular, face.collection_index)
            # Bold text falls back to the regular face when there is no bold one.
            _add_font(pdf, face.family, "B", face.bold or face.regular, face.collection_index)
        if fallbacks:
            pdf.set_fallback_fonts([face.family for face in fallbacks], exact_match=False)
        if needed:
            chars = sorted(needed)
            warnings.append(
                f"no available font can draw {len(chars)} character(s): {describe_characters(chars)}; "
                "they would be left blank (call rarepassport.rendering._verify.check_glyphs before "
                "drawing). Install a Noto font for the script, or pass fonts=[path] "
                "or call rarepassport.rendering.register_font(path)"
            )
    if needs_text_shaping(texts):
        if shaping_available():
            pdf.set_text_shaping(True)
        else:
            warnings.append(
                "the passport has text in a script that needs shaping (e.g. Arabic, Hebrew, "
                "Devanagari); install uharfbuzz (pip install uharfbuzz) to draw it joined and "
                "in the right direction"
            )
    return warnings


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextlib.contextmanager
def _quiet_loggers(*names: str) -> Iterator[None]:
    drop = _DropAll()
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addFilter(drop)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(drop)


def pdf_bytes(pdf: FPDF) -> bytes:
    """The finished PDF, without fpdf2's and fontTools' own log messages.

    fpdf2 logs the very characters a font lacks, which are passport text (health data
    must not reach logs), and fontTools logs subsetting details nobody can act on.
    `install_fonts` already returns a warning naming the missing code points.
    """
    with _quiet_loggers("fpdf.output", "fpdf.fonts", "fontTools.subset", "fontTools.ttLib"):
        return bytes(pdf.output())
