"""Fonts for the PDF and card backends: the bundled family, fallbacks, coverage checks.

The bundled DejaVu Sans draws Latin, Greek and Cyrillic in regular and bold. Other
scripts (Arabic, Hebrew, Devanagari, Chinese, Japanese, Korean, Thai...) need a
*fallback* font: one registered with :func:`register_font`, passed per render as
``fonts=[...]``, or found on the system (Noto and a few common families in the usual
font folders, plus the folders listed in ``RAREPASSPORT_FONT_DIRS``).

Fonts are added to each PDF with fpdf2's public ``add_font``, as *reduced faces*
(:func:`reduced_face`): small font files made once per process with fontTools' subsetter,
holding only the characters drawn so far, so that neither parsing nor subsetting a large
font is paid per render. :func:`pdf_class` works around an fpdf2 bug that drew text after
a fallback-font character with wrong glyphs; it relies on fpdf2 behaviour tested only in
:data:`TESTED_FPDF2` (a test fails on another fpdf2 version). The same class breaks plain
text into lines itself (``text_lines``, ``wrapped_text``, ``write_runs``: fpdf2's breaks,
each word measured once, lines drawn with ``cell``), since fpdf2's ``multi_cell`` and
``write`` measure a line again for every character. fontTools and fpdf2 are imported
only inside functions.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from fpdf import FPDF

    from rarepassport.document import Document, RenderNotice

__all__ = [
    "BUNDLED_FAMILY",
    "REDUCED_FACE_LIMIT",
    "TESTED_FPDF2",
    "FontFace",
    "bundled_font",
    "clear_font_cache",
    "install_fonts",
    "needs_text_shaping",
    "pdf_bytes",
    "pdf_class",
    "reduced_face",
    "register_font",
    "registered_fonts",
    "shaping_available",
    "system_fallback_fonts",
    "undrawable_characters",
]

#: The fpdf2 versions this module is tested with (``pyproject.toml`` pins the same range;
#: tests/test_font_cache.py fails when the installed fpdf2 is outside it).
TESTED_FPDF2 = ">=2.8.9,<2.9"

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
    from rarepassport.errors import Message, PassportError

    faces = [Path(path)] + ([Path(bold)] if bold is not None else [])
    for face in faces:
        if face.suffix.lower() not in _FONT_SUFFIXES:
            raise PassportError(Message("error.font.not-a-font-file",
                                        "font {path}: not a font file (use .ttf, .otf, .ttc or .otc)", path=face))
        if not face.is_file():
            raise PassportError(Message("error.font.not-found", "font {path}: file not found", path=face))
        if not _coverage(face, collection_index):
            raise PassportError(Message("error.font.unreadable",
                                        "font {path}: cannot be read as a font, or has no Unicode characters",
                                        path=face))
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
        from rarepassport.render import register_font
        register_font("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")
        ```
    """
    face = font_face(path, bold=bold, collection_index=collection_index)
    with _registered_lock:
        if face not in _registered:
            _registered.append(face)
    return face


def registered_fonts() -> tuple[FontFace, ...]:
    """The fallback fonts added with :func:`register_font`, in order."""
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


def coverage(path: Path, index: int = 0) -> frozenset[int]:
    """The code points the font file (face ``index`` of a collection) can draw; empty if unreadable."""
    return _coverage(path, index)


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
    found on the system, as :func:`install_fonts` would choose them. Whitespace and
    format characters (joiners, direction marks) need no glyph and are never listed.
    """
    main_coverage = _coverage(bundled_font().regular)
    # Each distinct character once (a card's texts hold thousands, a few dozen distinct).
    needed = {c for c in set("".join(texts)) if ord(c) not in main_coverage and not _is_invisible(c)}
    if not needed:
        return frozenset()
    for face in (*extra, *registered_fonts(), *system_fallback_fonts()):
        coverage = _coverage(face.regular, face.collection_index)
        needed = {c for c in needed if ord(c) not in coverage}
        if not needed:
            break
    return frozenset(needed)


# Any character of _SHAPED_RANGES (all in the Basic Multilingual Plane).
_SHAPED_CHARACTER = re.compile("[" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in _SHAPED_RANGES) + "]")


def _shaped_text(text: str) -> bool:
    """Whether one text has a character of a script that needs a shaping engine."""
    # Asked for every text drawn or measured in a document that shapes: an ASCII text
    # (most) is answered by str.isascii, any other by one compiled search (C speed).
    return not text.isascii() and _SHAPED_CHARACTER.search(text) is not None


def needs_text_shaping(texts: Iterable[str]) -> bool:
    """Whether any text is in a script that needs a shaping engine (e.g. Arabic)."""
    return any(_shaped_text(text) for text in texts)


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

    ``path`` is normally a reduced face from :func:`reduced_face` (a few hundred glyphs,
    parsed and subset in milliseconds); the original file is used only when no
    reduced face could be written.
    """
    if f"{family}{style}" in pdf.fonts:
        return
    pdf.add_font(family, style, str(path), collection_font_number=index)
    # fpdf2 opens the face with fontTools' default recalcBBoxes=True, so writing the
    # document decompiled and compiled again every glyph it embeds (about a third of a
    # wallet card). fontTools' own subsetter saves with recalcBBoxes=False: a glyph it
    # keeps is copied as it is (components renumbered), and the bounding boxes of
    # unchanged glyphs cannot change. ``FPDF.fonts`` and the face's ``ttfont`` (a
    # fontTools TTFont) are public attributes; if fpdf2 ever names them otherwise,
    # nothing changes but the speed.
    ttfont = getattr(pdf.fonts.get(f"{family}{style}"), "ttfont", None)
    if ttfont is not None and hasattr(ttfont, "recalcBBoxes"):
        ttfont.recalcBBoxes = False


# --- reduced faces: fonts done once per process ---------------------------------------
#
# fpdf2 parses every face added to a document (its whole glyph table) and subsets it
# again when the document is written, so a 20 MB Noto CJK collection cost about a second
# per render and the two DejaVu faces about a fifth of a Latin render. Instead, each
# process keeps, per font file, one *reduced face*: a small font file made with
# fontTools' subsetter holding only the characters this process has drawn from that
# font so far (for the bundled font, plus a base set of Latin, punctuation and symbols).
# Documents are given the reduced face through fpdf2's public ``add_font``; a document
# that needs a character the reduced face lacks rebuilds it once with the union, so a
# run of passports quickly stops paying anything for fonts. The union is capped so a
# rebuild never grows without bound. Reduced faces keep every layout feature (shaping
# of Arabic and Indic text) and drop only TrueType hinting, which PDF viewers ignore.

# Characters every reduced bundled face holds, so that what a backend draws beside the
# passport text (punctuation, bullets, arrows, the missing-glyph marker) is always there.
# Every document parses its reduced faces and fpdf2 subsets them again on output, both
# in proportion to the glyphs they hold: letters beyond Latin-1 (Latin Extended-A) and
# geometric shapes come only from the texts themselves (phrases included), so they are
# not in the base set but added with the first document that draws one.
_BASE_RANGES = (
    (0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x205E), (0x20AC, 0x20AC), (0x2122, 0x2122),
    (0x2190, 0x2199), (0x2212, 0x2212), (0x2260, 0x2265), (0x2713, 0x2718),
    (0xFFFD, 0xFFFD),
)
# The base set of a document that draws nothing but the texts given to install_fonts
# (the card, ``small_base=True``): printable ASCII, so that a step number or a date is
# always there. Parsing a face and subsetting it on output cost in proportion to its
# glyphs, and the full base set was three quarters of a Latin card's faces (about 5 ms
# of a wallet card's 50).
_SMALL_BASE_RANGES = ((0x20, 0x7E), (0xA0, 0xA0), (0x200B, 0x200B), (0xFFFD, 0xFFFD))
#: A reduced face holding more characters than this is rebuilt from only what the
#: current document needs (a rebuild costs about 2 ms per character for CJK fonts).
REDUCED_FACE_LIMIT = 1500

_reduced_lock = threading.Lock()
# (font file, face number, small base set) -> (characters held, reduced face).
_reduced: dict[tuple[str, int, bool], tuple[frozenset[int], Path]] = {}
_reduced_state: dict[str, Any] = {"dir": None, "pid": None, "serial": 0}


def _reduced_dir() -> Path:
    """This process's folder of reduced faces, removed when the process exits."""
    import atexit
    import shutil
    import tempfile

    pid = os.getpid()
    folder = _reduced_state["dir"]
    if folder is None or _reduced_state["pid"] != pid:
        # A forked worker keeps using the faces its parent made (the files live as long
        # as the parent) but writes new ones into a folder of its own.
        folder = Path(tempfile.mkdtemp(prefix="rarepassport-fonts-"))
        _reduced_state.update(dir=folder, pid=pid)

        def remove(path: Path = folder, owner: int = pid) -> None:
            if os.getpid() == owner:
                shutil.rmtree(path, ignore_errors=True)

        atexit.register(remove)
        # Worker processes of a multiprocessing pool leave through os._exit, which skips
        # atexit; multiprocessing runs its own finalizers first.
        from multiprocessing import util as multiprocessing_util

        multiprocessing_util.Finalize(None, remove, exitpriority=0)
    return Path(folder)


@functools.lru_cache(maxsize=16)
def _base_characters(path: Path, index: int, small: bool = False) -> frozenset[int]:
    if path != bundled_font().regular and path != bundled_font().bold:
        return frozenset()
    coverage = _coverage(path, index)
    ranges = _SMALL_BASE_RANGES if small else _BASE_RANGES
    return frozenset(code for low, high in ranges for code in range(low, high + 1) if code in coverage)


def _write_reduced(path: Path, index: int, codes: frozenset[int], target: Path) -> None:
    from fontTools import subset, ttLib  # type: ignore[import-untyped,unused-ignore]

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.legacy_kern = True
    options.hinting = False
    if not any(low <= code <= high for code in codes for low, high in _SHAPED_RANGES):
        # No character of this face needs a shaping engine, and fpdf2 draws unshaped
        # text from the character widths alone (it drops these tables from the PDF
        # too): the layout and vertical-writing tables, large in CJK fonts, would only
        # be parsed and subset again in every document.
        # The legacy kerning table too (fpdf2 kerns only through HarfBuzz, when it
        # shapes), and the MATH table fpdf2 drops on output.
        options.layout_features = []
        options.legacy_kern = False
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG", "kern", "MATH"]
    with _quiet_loggers("fontTools.subset", "fontTools.ttLib"):
        font = ttLib.TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False)
        try:
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=codes)
            subsetter.subset(font)
            partial = target.with_name(target.name + ".part")
            font.save(partial)
        finally:
            font.close()
    os.replace(partial, target)


def reduced_face(path: Path, codes: Iterable[int], index: int = 0, *, small_base: bool = False) -> tuple[Path, int]:
    """A font file holding (at least) the characters ``codes`` of ``path``, cached per process.

    Args:
        path: The font file (``.ttf``, ``.otf``, ``.ttc``, ``.otc``).
        codes: Code points the document will draw with this font.
        index: Face number inside a collection.
        small_base: For a document that draws only characters of ``codes``: the
            bundled font's face holds printable ASCII besides them, not the full base
            set (a face of its own, cached beside the other).

    Returns:
        The file and face number to give fpdf2's ``add_font``: a reduced face (face 0)
        when one could be made, else ``path`` and ``index`` themselves.
    """
    coverage = _coverage(path, index)
    wanted = frozenset(code for code in codes if code in coverage)
    key = (str(path), index, small_base)
    with _reduced_lock:
        held = _reduced.get(key)
        if held is not None and wanted <= held[0]:
            return held[1], 0
        base = _base_characters(path, index, small_base)
        union = wanted | (held[0] if held is not None else frozenset()) | base
        if len(union) > REDUCED_FACE_LIMIT:
            union = wanted | base
        try:
            folder = _reduced_dir()
            _reduced_state["serial"] += 1
            suffix = ".otf" if path.suffix.lower() in (".otf", ".otc") else ".ttf"
            target = folder / f"{_reduced_state['serial']}-{_family_for(path, index)}{suffix}"
            _write_reduced(path, index, union, target)
        except Exception:  # noqa: BLE001 - any failure: draw with the whole font, as before
            return path, index
        # Earlier reduced files stay until the process exits: another thread's document
        # may still be reading one.
        _reduced[key] = (union, target)
        return target, 0


def clear_font_cache() -> None:
    """Forget this process's reduced faces (the next render rebuilds them)."""
    with _reduced_lock:
        _reduced.clear()


@functools.lru_cache(maxsize=1)
def pdf_class() -> type[FPDF]:
    """The FPDF class every backend that draws glyphs must use (``pdf_class()(...)``).

    fpdf2 2.8.9 loses track of the page's font when a line *starts* with a character
    from a fallback font right after ``set_font`` or a page break: it selects the
    font inside a local ``q ... Q`` context, believes it selected it for the page, and
    the text that follows is drawn with the wrong font's glyph numbers (a phone number
    after a Chinese name printed as "+44 flflLL"). This subclass selects the font for
    the page through the public ``text()`` method (an empty string) before a text that
    needs a fallback font is drawn, and after every ``set_font`` and ``set_font_size``
    while such a text is being drawn (a page break inside it), so no such line ever
    starts without it.

    fpdf2 also looks every character of every text up in the fallback fonts once a
    document has any, and shapes every text once shaping is on. Both cost a passport
    with a few Chinese or Devanagari characters most of a render again, so each
    drawing or measuring call turns fallback fonts (public ``set_fallback_fonts``) and
    shaping (``set_text_shaping``) on for its own text only when that text needs them:
    fallback fonts when it has a character the bundled face given to this document
    lacks, shaping when it is in a script that needs it. A text the bundled face holds
    wholly is drawn and measured the same with or without fallback fonts.
    """
    from fpdf import FPDF

    class FallbackSafeFPDF(FPDF):
        """An FPDF whose page font is always selected before fallback-font text is drawn."""

        def set_font(self, family: str | None = None, style: Any = "", size: float = 0) -> None:
            super().set_font(family, style, size)
            if self._fallback_draws:
                self._select_font_on_page()

        def set_font_size(self, size: float) -> None:
            super().set_font_size(size)
            if self._fallback_draws:
                self._select_font_on_page()

        uses_fallback_fonts = False
        _fallback_families: tuple[str, ...] = ()
        _fallback_exact_match = True
        _fallback_on = False  # whether fpdf2 has the fallback fonts right now
        # Which font files the fallback faces come from (see _sources_key); None when unknown.
        _fallback_sources: int | None = None
        _fallback_draws = 0  # drawing calls under way whose text needs a fallback font

        def set_fallback_fonts(self, fallback_fonts: Any, exact_match: bool = True) -> None:
            families = tuple(fallback_fonts)
            super().set_fallback_fonts(families, exact_match=exact_match)
            self._fallback_families, self._fallback_exact_match = families, exact_match
            self._fallback_sources = None  # faces this module did not choose: widths not shared
            self.uses_fallback_fonts = self._fallback_on = bool(families)

        # Fallback faces not added yet: (face, characters, style). fpdf2 parses every
        # face added to a document and subsets it on output, used or not (a card draws
        # only the bold Chinese or Hindi name), so install_fonts leaves each fallback
        # face here and it is added the first time a text in its style needs one.
        _pending_faces: list[tuple[FontFace, frozenset[int], str]] | None = None

        def fallback_faces_when_needed(self, faces: Sequence[FontFace], used: Iterable[int]) -> None:
            """Use ``faces`` as fallback fonts, each style added when first needed."""
            codes = frozenset(used)
            self._pending_faces = [(face, codes, style) for face in faces for style in ("", "B")]
            self._fallback_families = tuple(face.family for face in faces)
            self._fallback_sources = _sources_key(faces)
            self._fallback_exact_match = False
            self.uses_fallback_fonts, self._fallback_on = bool(faces), False

        def _add_pending_faces(self, styles: Sequence[str]) -> None:
            pending = self._pending_faces
            if not pending or not any(style in styles for _face, _codes, style in pending):
                return
            for face, codes, style in [entry for entry in pending if entry[2] in styles]:
                path = face.regular if style == "" else face.bold or face.regular
                reduced, index = reduced_face(path, codes, face.collection_index)
                _add_font(self, face.family, style, reduced, index)
            self._pending_faces = [entry for entry in pending if entry[2] not in styles]
            if self._fallback_on:
                # fpdf2 lists the fallback faces when they are set: again, with the new ones.
                self._use_fallback_fonts(True)

        def _use_fallback_fonts(self, on: bool) -> None:
            if on and self._pending_faces and not any(
                    f"{family}{style}" in self.fonts for family in self._fallback_families for style in ("", "B")):
                self._add_pending_faces(("B",) if "B" in self.font_style else ("",))
            super().set_fallback_fonts(self._fallback_families if on else (), exact_match=self._fallback_exact_match)
            self._fallback_on = on

        def _needs_fallback(self, text: Any) -> bool:
            # Conservative: anything but a string of characters the bundled face given
            # to this document holds (in both weights) gets the fallback fonts.
            if not isinstance(text, str) or self.font_family != BUNDLED_FAMILY:
                return True
            return not self.main_face_characters.issuperset(text.replace("\n", ""))

        # Text shaping (HarfBuzz) is needed only for the texts in scripts that need it
        # (Arabic, Hebrew, Indic...), but fpdf2 applies it to every text once it is on,
        # which made a passport with one Devanagari name several times slower. With
        # shape_only_where_needed(), each drawing or measuring call turns shaping on for
        # its own text only when that text needs it; measuring and drawing the same text
        # therefore always agree.
        shaping_where_needed = False

        def shape_only_where_needed(self) -> None:
            self.shaping_where_needed = True

        _text_calls = 0  # nesting: a page break inside multi_cell draws header and footer

        @contextlib.contextmanager
        def _shaped_for(self, text: Any, *, draws: bool = True, styles: Sequence[str] | None = None) -> Iterator[None]:
            # The outermost call sets shaping and fallback fonts for its text and leaves
            # them so (the next call often wants the same). A call inside it (the header
            # and footer drawn by a page break) only turns them on, when its own text
            # needs them, and back off afterwards: the running header must shape an
            # Arabic name even when a Latin paragraph broke the page, and an Arabic
            # paragraph's other lines stay shaped after a Latin header.
            nested = self._text_calls > 0
            restore_shaping = restore_fallback = False
            if self.shaping_where_needed:
                wanted = isinstance(text, str) and _shaped_text(text)
                if wanted != (self.text_shaping is not None) and (wanted or not nested):
                    self.set_text_shaping(wanted)
                    restore_shaping = nested
            fallback = False
            if self.uses_fallback_fonts:
                fallback = self._needs_fallback(text)
                if fallback and self._pending_faces:
                    # Markdown may draw both weights; otherwise the current one.
                    self._add_pending_faces(styles or (("B",) if "B" in self.font_style else ("",)))
                if fallback != self._fallback_on and (fallback or not nested):
                    self._use_fallback_fonts(fallback)
                    restore_fallback = nested
            if fallback and draws:
                self._fallback_draws += 1
                self._select_font_on_page()
            self._text_calls += 1
            try:
                yield
            finally:
                self._text_calls -= 1
                if fallback and draws:
                    self._fallback_draws -= 1
                if restore_fallback:
                    self._use_fallback_fonts(False)
                if restore_shaping:
                    self.set_text_shaping(False)

        def _shapes(self, text: str) -> bool:
            """Whether a drawing or measuring call for ``text`` made now shapes it (see _shaped_for)."""
            if not self.shaping_where_needed:
                return self.text_shaping is not None
            return _shaped_text(text) or (self._text_calls > 0 and self.text_shaping is not None)

        def cell(self, w: Any = None, h: Any = None, text: Any = "", *args: Any, **kwargs: Any) -> Any:
            if not args and self._plain_cell(w, h, text, **kwargs):
                return False
            runs = self._shaped_runs(text, args, kwargs)
            if runs is not None:
                return self._cell_in_runs(w, h, runs, **kwargs)
            with self._shaped_for(text, styles=_styles_drawn(args, kwargs)):
                return super().cell(w, h, text, *args, **kwargs)

        def _plain_cell(self, w: Any, h: Any, text: Any, *, align: Any = "L", new_x: Any = "RIGHT",
                        new_y: Any = "TOP", **others: Any) -> bool:
            """Draw a one-line cell of plain text with fpdf2's public ``text()``; ``False`` if it cannot.

            fpdf2's ``cell`` parses its text into styled fragments, works out borders,
            links, colours and alignment, and writes them: most of a PDF's drawing time
            for lines that need none of it. A line of plain text in the bundled face
            (no fallback font, no shaping, no markdown, no page-number alias, no border,
            fill or link, default spacing and stretching) is drawn here at the baseline
            and x ``cell`` would use, with the same text operator, and the position moves
            as ``cell`` would move it. Anything else, and a line that would break the
            page, is left to ``cell`` (which also draws the page break's header and footer).
            """
            # Only options at their defaults (0, False, ""): anything asked for goes to fpdf2.
            if any(name not in _PLAIN_CELL_OFF or value for name, value in others.items()):
                return False
            if not isinstance(text, str) or align not in _PLAIN_ALIGNS or new_x not in _PLAIN_NEW_X \
                    or new_y not in _PLAIN_NEW_Y or self.font_family != BUNDLED_FAMILY \
                    or not self.main_face_characters.issuperset(text) or self._shapes(text) \
                    or self.underline or self.strikethrough or self.font_stretching != 100 \
                    or self.char_spacing != 0 or self.text_mode != _FILL or self.str_alias_nb_pages in text:
                return False
            height = self.font_size if h is None else h
            if self.will_page_break(height):
                return False
            # Left-aligned text in a cell of given width needs no measuring.
            width = self.get_string_width(text) if text and (w is None or align in ("R", "C")) else 0.0
            if w is None:
                w = width + 2 * self.c_margin
            elif w == 0:
                w = self.w - self.r_margin - self.x
            if text:
                if align == "R":
                    dx = w - self.c_margin - width
                elif align == "C":
                    dx = (w - width) / 2
                else:
                    dx = self.c_margin
                # fpdf2's own text(), not ours: shaping and fallback fonts stay as they are.
                FPDF.text(self, self.x + dx, self.y + 0.5 * height + 0.3 * self.font_size, text)
            if new_x == "RIGHT":
                self.x += w
            else:
                self.x = self.l_margin
            if new_y == "NEXT":
                self.y += height
            return True

        def _shaped_runs(self, text: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str] | None:
            """``text`` cut into runs that need shaping or a fallback font and runs that need
            neither, or ``None``.

            fpdf2 shapes a whole line once one character of it needs shaping, and draws
            each glyph of the bundled face in a shaped line positioned on its own
            (its widths are in 2,048 units per em, not fpdf2's 1,000), so a line with a
            Hindi or Arabic name beside its Latin text cost many times a Latin line to
            draw and to read back. A line with a Chinese name went to fpdf2's ``cell``
            whole, which parses every character into styled fragments and looks each up
            in the fallback fonts (the running header of every page of a PDF). A plain
            one-line cell of a left-to-right paragraph is drawn as one cell per run
            instead: the words that need shaping or a fallback font by fpdf2's ``cell``,
            the rest as plain text, end to end where the whole line would have been (see
            `_runs_in_visual_order` for when right-to-left words allow it). Unshaped
            widths are the sums of their characters' widths, so the runs end where the
            whole line would.
            """
            if not (self.shaping_where_needed or self.uses_fallback_fonts) or args or not isinstance(text, str) \
                    or not set(kwargs) <= _RUN_CELL_OPTIONS or "\n" in text or "U" in self.font_style \
                    or str(kwargs.get("new_x", "RIGHT")).upper().rpartition(".")[2] not in _RUN_CELL_X \
                    or str(kwargs.get("new_y", "TOP")).upper().rpartition(".")[2] not in _RUN_CELL_Y \
                    or str(kwargs.get("align", "L")).upper().rpartition(".")[2] not in _RUN_CELL_ALIGN:
                return None
            if self.shaping_where_needed and _shaped_text(text):
                return _runs_in_visual_order(text)
            if not self.uses_fallback_fonts or self.font_family != BUNDLED_FAMILY \
                    or self.str_alias_nb_pages in text \
                    or (self.text_shaping is not None and not self.shaping_where_needed) \
                    or any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text):
                # fpdf2 measures its page-number alias as it will be filled in, not as
                # written; shaped widths do not add up; unshaped right-to-left text is
                # left to fpdf2's bidi reading of the whole line.
                return None
            held = self.main_face_characters
            if held.issuperset(text):
                return None
            return _runs_in_visual_order(text, lambda word: not held.issuperset(word))

        def _cell_in_runs(self, w: Any, h: Any, runs: list[str], align: Any = "L", new_x: Any = "RIGHT",
                          new_y: Any = "TOP") -> bool:
            from fpdf.enums import Align, XPos, YPos

            align, new_x, new_y = Align.coerce(align), XPos.coerce(new_x), YPos.coerce(new_y)
            height = self.font_size if h is None else h
            left, page = self.x, self.page
            widths = [self.get_string_width(run) for run in runs]
            total = sum(widths)
            # As fpdf2's cell: no width is the text's own, 0 is up to the right margin.
            width = total + 2 * self.c_margin if w is None else w if w else self.w - self.r_margin - left
            if align == Align.R:
                x = left + width - self.c_margin - total
            elif align == Align.C:
                x = left + (width - total) / 2
            else:
                x = left + self.c_margin
            margin = self.c_margin
            self.c_margin = 0
            try:
                for run, run_width in zip(runs, widths, strict=True):
                    # The first run breaks the page if the line does not fit (fpdf2 keeps x).
                    self.set_x(x)
                    # A plain run as _plain_cell draws plain lines (fpdf2's text(), a
                    # fifth of its cell); one that needs shaping, a fallback font or a
                    # page break goes to fpdf2's cell.
                    if _shaped_text(run) or not self._plain_cell(run_width, height, run):
                        with self._shaped_for(run):
                            super().cell(run_width, height, run)
                    x += run_width
            finally:
                self.c_margin = margin
            top = self.y
            self.set_x(self.l_margin if new_x == XPos.LMARGIN else left + width if new_x == XPos.RIGHT else left)
            if new_y == YPos.NEXT:
                self.y = top + height
            return self.page != page

        def multi_cell(self, w: Any, h: Any = None, text: Any = "", *args: Any, **kwargs: Any) -> Any:
            if not args and self._plain_multi_cell(w, h, text, **kwargs):
                return False
            with self._shaped_for(text, styles=_styles_drawn(args, kwargs)):
                return super().multi_cell(w, h, text, *args, **kwargs)

        def _plain_multi_cell(self, w: Any, h: Any, text: Any, *, border: Any = 0, align: Any = "J",
                              fill: bool = False, padding: Any = 0, new_x: Any = "RIGHT", new_y: Any = "NEXT",
                              **others: Any) -> bool:
            """``multi_cell`` for plain text that fits on the page: lines from :meth:`text_lines`,
            the box with ``rect``/``line``, each line a cell; ``False`` (nothing drawn) if it cannot.

            The same geometry as fpdf2's ``multi_cell`` (box from the top-left corner,
            padding inside it, the cell margin only where there is no padding), without
            its line breaking, which measures a line again for every character. A box that
            would cross a page break, justified text, markdown, a dry run and every
            other option are left to fpdf2.
            """
            from fpdf.util import Padding

            if others or not isinstance(text, str) or align not in _PLAIN_ALIGNS \
                    or new_x not in _PLAIN_NEW_X or new_y != "NEXT" \
                    or not (border in (0, 1) or (isinstance(border, str) and set(border) <= set("LTRB"))):
                return False
            pad = Padding.new(padding)
            if (pad.left == 0) != (pad.right == 0):
                return False  # fpdf2 then applies the cell margin on one side only
            if w == 0:
                w = self.w - self.r_margin - self.x
            if h is None:
                h = self.font_size
            inner = w - pad.left - pad.right
            # text_lines keeps the cell margin on both sides; padding replaces it.
            lines = self.text_lines(text, inner + (2 * self.c_margin if pad.left else 0.0))
            if lines is None or self.will_page_break(pad.top + len(lines) * h + pad.bottom):
                return False
            left, top = self.x, self.y
            bottom = top + pad.top + len(lines) * h + pad.bottom
            if border == 1 or (isinstance(border, str) and set(border) >= set("LTRB")):
                border = 1
            right = left + w
            if fill or border == 1:
                self.rect(left, top, w, bottom - top, style=("DF" if border == 1 else "F") if fill else "D")
            if isinstance(border, str):
                sides = {"L": (left, top, left, bottom), "B": (left, bottom, right, bottom),
                         "R": (right, top, right, bottom), "T": (left, top, right, top)}
                for side, (x1, y1, x2, y2) in sides.items():
                    if side in border:
                        self.line(x1, y1, x2, y2)
            # A cell keeps c_margin on both sides: widen it by as much where padding stands instead.
            margin = self.c_margin if pad.left else 0.0
            self.y = top + pad.top
            for line in lines:
                self.x = left + pad.left - margin
                # Drawn as a space, as fpdf2's multi_cell draws a no-break space.
                self.cell(inner + 2 * margin, h, line.replace("\u00a0", " "), align=align,
                          new_x="LMARGIN", new_y="NEXT")
            self.y += pad.bottom
            self.x = self.l_margin if new_x == "LMARGIN" else left + pad.left + inner
            return True

        def write(self, h: Any = None, text: Any = "", *args: Any, **kwargs: Any) -> Any:
            with self._shaped_for(text, styles=_styles_drawn(args, kwargs)):
                return super().write(h, text, *args, **kwargs)

        def text(self, x: Any, y: Any, text: Any = "") -> None:
            with self._shaped_for(text):
                super().text(x, y, text)

        # Widths measured in this document, keyed by everything fpdf2's measure
        # depends on (font, style, size, stretching, spacing, shaping, text): line
        # breaking and the card's fitting measure the same words many times.
        _widths: dict[tuple[Any, ...], float] | None = None

        def get_string_width(self, s: Any, *args: Any, **kwargs: Any) -> Any:
            if args or kwargs or not isinstance(s, str):
                with self._shaped_for(s, draws=False, styles=_styles_drawn(args, kwargs)):
                    return super().get_string_width(s, *args, **kwargs)
            shaped = self._shapes(s)
            key = (self.font_family, self.font_style, self.font_size_pt, self.font_stretching,
                   self.char_spacing, shaped, s)
            widths = self._widths
            if widths is None:
                widths = self._widths = {}
            width = widths.get(key)
            if width is not None:
                return width
            # A text drawn wholly with the bundled font's face measures the same in every
            # document, so those widths are kept for the process too. So does a text
            # that needs a fallback font or shaping (a Hindi name, measured again at
            # every size a card tries and in every passport of a batch), given the same
            # font files and the same characters of it drawn from the fallback faces: a
            # reduced face (`reduced_face`) holding more characters draws and shapes
            # these the same.
            shared_key: tuple[Any, ...] | None = None
            if self.font_family == BUNDLED_FAMILY:
                held = self.main_face_characters
                if held.issuperset(s):
                    shared_key = key
                elif self._fallback_sources is not None and self.uses_fallback_fonts:
                    shared_key = (key, self._fallback_sources, "".join(sorted({c for c in s if c not in held})))
            if shared_key is not None:
                width = _shared_widths.get(shared_key)
            if width is None:
                with self._shaped_for(s, draws=False):
                    width = super().get_string_width(s)
                if shared_key is not None:
                    if len(_shared_widths) >= _SHARED_WIDTHS_LIMIT:
                        _shared_widths.clear()
                    _shared_widths[shared_key] = width
            widths[key] = width
            return width

        #: The characters of the bundled face this document was given (see install_fonts).
        main_face_characters: frozenset[str] = frozenset()

        def text_lines(self, text: str, width: float) -> list[str] | None:
            """``text`` broken into lines for a cell ``width`` wide, or ``None`` to let fpdf2 do it.

            The same breaks as fpdf2's ``multi_cell`` for plain text (at spaces, a word
            longer than the line broken where it overflows, a new line at each "\\n"),
            with each word measured once per document. Texts fpdf2 treats specially
            (shaped scripts, soft hyphens, other break characters, a final new line)
            return ``None``: the caller draws them with ``multi_cell``.
            """
            if not _plain_breakable(text) or self._shapes(text):
                return None
            room = width - 2 * self.c_margin
            space = self.get_string_width(" ")
            lines: list[str] = []
            paragraphs = text.split("\n")
            for number, paragraph in enumerate(paragraphs):
                line: list[str] = []
                used = 0.0
                words = paragraph.split(" ")
                for index, word in enumerate(words):
                    word_width = self.get_string_width(word)
                    if line and used + space + word_width <= room + _TOLERANCE:
                        line.append(word)
                        used += space + word_width
                        continue
                    if line and not word and index == len(words) - 1 and number == len(paragraphs) - 1:
                        # A final space that does not fit is dropped, with no line after it.
                        break
                    if line:
                        lines.append(" ".join(line))
                    line, used = [], 0.0
                    while word_width > room + _TOLERANCE and len(word) > 1:
                        # A word longer than the line breaks where it overflows.
                        cut = self._overflow_index(word, room)
                        lines.append(word[:cut])
                        word = word[cut:]
                        word_width = self.get_string_width(word)
                    line, used = [word], word_width
                lines.append(" ".join(line))
            return lines

        def _overflow_index(self, word: str, room: float) -> int:
            # The longest prefix that fits (at least one character), by bisection.
            low, high = 1, len(word)
            while low < high:
                middle = (low + high + 1) // 2
                if self.get_string_width(word[:middle]) <= room + _TOLERANCE:
                    low = middle
                else:
                    high = middle - 1
            return low

        def write_runs(self, height: float, runs: Sequence[tuple[bool, str]]) -> bool:
            """Draw ``runs`` (bold or not, text) as ``write`` would flow them, a ``cell`` per line.

            The runs flow on from the current x and wrap at spaces onto lines from the
            left margin, each word measured once per document; each line is one
            ``cell`` whose bold parts are marked with fpdf2's public ``markdown``
            option. Afterwards the position is at the start of the next line (as
            ``write`` followed by ``ln``). Returns ``False``, having drawn nothing,
            for texts that need fpdf2's own ``write`` (new lines, words longer than a
            line, shaped scripts, markdown markers, special break characters).
            """
            texts = [text for _bold, text in runs]
            joined = "".join(texts)
            if not joined or "  " in joined or _SPECIAL_BREAKS.intersection(joined) or "\n" in joined \
                    or joined.startswith(" ") or any(marker in joined for marker in _MARKDOWN_MARKERS) \
                    or self._shapes(joined):
                return False
            # Words as (space before it is bold, or None for the first; [(bold, piece), ...]).
            words: list[tuple[bool | None, list[tuple[bool, str]]]] = []
            pieces: list[tuple[bool, str]] = []
            space_before: bool | None = None
            for bold, text in runs:
                for index, part in enumerate(text.split(" ")):
                    if index:
                        if pieces:
                            words.append((space_before, pieces))
                        pieces, space_before = [], bold
                    if part:
                        pieces.append((bold, part))
            if pieces:
                words.append((space_before, pieces))
            family, style, size = self.font_family, self.font_style, self.font_size_pt
            widths: dict[tuple[bool, str], float] = {}
            for bold in (False, True):
                wanted = {piece for _space, word in words for piece in word if piece[0] is bold}
                wanted |= {(bold, " ") for space, _word in words if space is bold}
                if wanted:
                    self.set_font(family, "B" if bold else "", size)
                    for piece in wanted:
                        widths[piece] = self.get_string_width(piece[1])
            self.set_font(family, "", size)
            room = self.w - self.r_margin - self.x - 2 * self.c_margin
            lines: list[list[tuple[bool | None, list[tuple[bool, str]]]]] = [[]]
            used = 0.0
            for space, word in words:
                width = sum(widths[piece] for piece in word)
                if width > self.epw - 2 * self.c_margin + _TOLERANCE:
                    self.set_font(family, style, size)
                    return False  # a word longer than a line: fpdf2 breaks it
                gap = widths[(space, " ")] if space is not None and lines[-1] else 0.0
                if lines[-1] and used + gap + width > room + _TOLERANCE:
                    lines.append([])
                    room, used, gap = self.epw - 2 * self.c_margin, 0.0, 0.0
                elif not lines[-1] and used == 0.0 and len(lines) == 1 and width > room + _TOLERANCE:
                    # The first word does not fit after the current x: start on a new line.
                    lines.append([])
                    room = self.epw - 2 * self.c_margin
                lines[-1].append((space if lines[-1] else None, word))
                used += gap + width
            for number, line in enumerate(lines):
                marked = []
                for space, word in line:
                    if space is not None:
                        marked.append((space, " "))
                    marked.extend(word)
                merged = _merged(marked)
                if number:
                    self.set_x(self.l_margin)
                # A no-break space only keeps a dose or number on one line; it is drawn as
                # a space, as fpdf2's own line breaking draws it.
                if not self._plain_runs(height, [(bold, piece.replace("\u00a0", " ")) for bold, piece in merged],
                                        family, size):
                    text = "".join(f"**{piece}**" if bold else piece for bold, piece in merged)
                    self.cell(0, height, text.replace("\u00a0", " "), markdown=True, new_x="LMARGIN", new_y="NEXT")
            self.set_font(family, style, size)
            return True

        def _plain_runs(self, height: float, pieces: Sequence[tuple[bool, str]], family: str, size: float) -> bool:
            """One line of ``write_runs``, its bold and regular pieces each drawn with ``text()``
            where ``cell(0, height, ..., markdown=True, new_x="LMARGIN", new_y="NEXT")`` would
            draw them; ``False`` (nothing drawn) when a piece is not plain text or the line
            would break the page."""
            if family != BUNDLED_FAMILY or self.will_page_break(height) or self.underline or self.strikethrough \
                    or self.font_stretching != 100 or self.char_spacing != 0 or self.text_mode != _FILL:
                return False
            held = self.main_face_characters
            if any(not held.issuperset(piece) or self.str_alias_nb_pages in piece for _bold, piece in pieces):
                return False
            x = self.x + self.c_margin
            baseline = self.y + 0.5 * height + 0.3 * size / self.k
            for bold, piece in pieces:
                if piece:
                    style = "B" if bold else ""
                    if (self.font_family, self.font_style, self.font_size_pt) != (family, style, size):
                        self.set_font(family, style, size)  # only on a change: set_font is not free
                    FPDF.text(self, x, baseline, piece)
                    x += self.get_string_width(piece)
            if (self.font_family, self.font_style, self.font_size_pt) != (family, "", size):
                self.set_font(family, "", size)
            self.x = self.l_margin
            self.y += height
            return True

        def wrapped_text(self, width: float, height: float, text: str, *, align: str = "L") -> None:
            """``multi_cell(width, height, text, align, new_x="LMARGIN", new_y="NEXT")``, drawn line by line.

            Lines come from :meth:`text_lines` and are drawn with ``cell`` from the
            current x (a page break keeps it); texts it declines go to ``multi_cell``.
            """
            lines = self.text_lines(text, width)
            if lines is None:
                self.multi_cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT")
                return
            x = self.get_x()
            for line in lines:
                self.set_x(x)
                # Drawn as a space, as fpdf2's multi_cell draws a no-break space.
                self.cell(width, height, line.replace("\u00a0", " "), align=align, new_x="LMARGIN", new_y="NEXT")

        def _select_font_on_page(self) -> None:
            # Only documents with fallback fonts are affected. fpdf2's (undocumented)
            # flag saves an empty text object when the font is already selected; if
            # fpdf2 drops the flag, the font is selected every time, which is safe.
            if self.uses_fallback_fonts and self.page > 0 and self.font_family \
                    and not getattr(self, "current_font_is_set_on_page", False):
                # fpdf2's own text(), not ours: an empty text must not change shaping
                # or fallback fonts for the text about to be drawn.
                FPDF.text(self, 0, 0, "")

    return FallbackSafeFPDF


# What _plain_cell draws itself: cell's alignments and moves as our backends pass them.
_PLAIN_ALIGNS = frozenset({"", "L", "R", "C"})
_PLAIN_NEW_X = frozenset({"RIGHT", "LMARGIN"})
_PLAIN_NEW_Y = frozenset({"TOP", "NEXT"})
_PLAIN_CELL_OFF = frozenset({"border", "fill", "link", "center", "markdown"})
_FILL = 0  # fpdf2's TextMode.FILL (an IntEnum): text painted, not stroked
def _styles_drawn(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, ...] | None:
    """Both weights for a call that may draw markdown (or has positional options), else ``None``."""
    return ("", "B") if args or kwargs.get("markdown") else None


# The options of a cell drawn in runs (see _shaped_runs); any other goes to fpdf2 whole.
_RUN_CELL_OPTIONS = frozenset({"align", "new_x", "new_y"})
_RUN_CELL_X, _RUN_CELL_Y, _RUN_CELL_ALIGN = frozenset({"RIGHT", "LMARGIN", "LEFT"}), frozenset({"TOP", "NEXT"}), \
    frozenset({"L", "R", "C", ""})
_BIDI_CONTROLS = frozenset({"RLE", "RLO", "RLI", "LRE", "LRO", "LRI", "FSI", "PDF", "PDI"})
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"}) | _BIDI_CONTROLS


_STRONG_OR_NUMBER = frozenset({"L", "R", "AL", "EN", "AN"})


def _runs_in_visual_order(text: str, special: Callable[[str], bool] = _shaped_text) -> list[str] | None:
    """``text`` as runs of words that need shaping (or what ``special`` asks: a fallback
    font) and runs that do not, each of which, drawn on its own and placed end to end
    from the left, looks as the whole line drawn by the bidi algorithm does; ``None``
    when it cannot be cut so (or has one run).

    A run that needs shaping is a sequence of words (separated by spaces only) each
    with a character that needs shaping; the spaces around it go to the plain runs.
    When the text has right-to-left characters, it is cut only when the line's
    paragraph is left to right (its first strong character is a Latin letter or
    another left-to-right one), it has no bidi control nor Arabic-Indic digit, and
    every right-to-left character is inside a run that begins and ends with a
    right-to-left letter, holds no left-to-right letter and has left-to-right letters
    (or the line's end) as its nearest letters or digits on either side: there the
    bidi algorithm reverses that run alone and leaves everything else in logical
    order, so nothing moves across a run's edge (a digit or a sign beside Arabic
    would, and such lines are shaped whole, as before).
    """
    spans: list[list[int]] = []
    for match in re.finditer(r"[^ ]+", text):
        if special(match.group()):
            if spans and text[spans[-1][1]:match.start()].strip(" ") == "":
                spans[-1][1] = match.end()
            else:
                spans.append([match.start(), match.end()])
    if not spans or (len(spans) == 1 and spans[0] == [0, len(text)]):
        return None
    kinds = [unicodedata.bidirectional(char) for char in text]
    if any(kind in _RIGHT_TO_LEFT for kind in kinds):
        if any(kind in _BIDI_CONTROLS or kind == "AN" for kind in kinds) \
                or next((kind for kind in kinds if kind in ("L", "R", "AL")), "L") != "L":
            return None
        inside = [False] * len(text)
        for start, end in spans:
            span = kinds[start:end]
            if not any(kind in ("R", "AL") for kind in span):
                continue
            if span[0] not in ("R", "AL") or span[-1] not in ("R", "AL") or "L" in span:
                return None
            before = next((kind for kind in reversed(kinds[:start]) if kind in _STRONG_OR_NUMBER), "L")
            after = next((kind for kind in kinds[end:] if kind in _STRONG_OR_NUMBER), "L")
            if before != "L" or after != "L":
                return None
            inside[start:end] = [True] * (end - start)
        if any(kind in ("R", "AL") and not held for kind, held in zip(kinds, inside, strict=True)):
            return None
    runs: list[str] = []
    done = 0
    for start, end in spans:
        if start > done:
            runs.append(text[done:start])
        runs.append(text[start:end])
        done = end
    if done < len(text):
        runs.append(text[done:])
    return runs


# fpdf2 compares widths with a tolerance of its own; this keeps ours from breaking a line
# fpdf2 would keep whole (and the other way round) through rounding.
_TOLERANCE = 1e-9
# Characters after which fpdf2 may break a line or that it draws differently (soft
# hyphen, tab, form feed, breaking spaces other than U+0020): a text holding one is
# left to fpdf2's own line breaking.
_SPECIAL_BREAKS = frozenset(
    "\u00ad\t\f\r\u200b\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")


# What fpdf2's markdown option reads as markers: a text holding one is drawn without it.
_MARKDOWN_MARKERS = ("**", "__", "~~", "--", "\\", "[", "]")


def _merged(pieces: Sequence[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """Neighbouring pieces of the same weight joined into one."""
    merged: list[tuple[bool, str]] = []
    for bold, text in pieces:
        if merged and merged[-1][0] is bold:
            merged[-1] = (bold, merged[-1][1] + text)
        else:
            merged.append((bold, text))
    return merged


# Widths of texts drawn with the bundled face (and of those drawn partly with fallback
# faces, keyed by their font files too), shared by every document of the process.
_shared_widths: dict[tuple[Any, ...], float] = {}
_SHARED_WIDTHS_LIMIT = 200_000
# Each distinct list of fallback font files, as a small number for the width keys.
_sources_keys: dict[tuple[tuple[str, str, int], ...], int] = {}


def _sources_key(faces: Sequence[FontFace]) -> int:
    """A number standing for the font files of ``faces`` (in order), the same in every document."""
    sources = tuple((str(face.regular), str(face.bold or face.regular), face.collection_index) for face in faces)
    with _registered_lock:
        return _sources_keys.setdefault(sources, len(_sources_keys))


def _plain_breakable(text: str) -> bool:
    """Whether ``text`` breaks only at spaces and new lines (see ``text_lines``)."""
    return not _SPECIAL_BREAKS.intersection(text) and not text.endswith("\n")


def install_fonts(pdf: FPDF, texts: Iterable[str], extra: Sequence[FontFace] = (), *,
                  document: Document | None = None, small_base: bool = False) -> list[RenderNotice]:
    """Give ``pdf`` the bundled font and the fallbacks the text needs.

    Args:
        pdf: The document being drawn.
        texts: Every text that will be drawn (used to choose fallbacks and to warn).
        extra: Fallback fonts for this render only, tried before the registered ones.
        document: The document drawn, whose language the notices are in (English without it).
        small_base: ``texts`` hold every character the document draws (the card):
            the bundled face holds printable ASCII besides them, not the full base set
            of punctuation, symbols and Latin-1 that other backends draw by themselves.

    Returns:
        Notices for the reader: characters no font can draw (``missing_glyphs_blank``,
        as code points), and scripts that need the optional shaping engine
        (``shaping_unavailable``).
    """
    if document is None:
        from rarepassport.document import Document
        from rarepassport.model import View

        document = Document(title="", language="en", view=View.FULL, person_name="", date_of_birth="", sections=())
    # Each distinct character once: the texts (every phrase of the catalogue among them)
    # hold tens of thousands of characters but only a few hundred distinct ones.
    characters = set("".join(texts))
    main = bundled_font()
    used = {ord(c) for c in characters}
    held = _add_face(pdf, main, used, small_base=small_base)
    notices: list[RenderNotice] = []
    main_coverage = _coverage(main.regular)
    needed = {c for c in characters if ord(c) not in main_coverage and not _is_invisible(c)}
    fallbacks: list[FontFace] = []
    if needed:
        for face in (*extra, *registered_fonts(), *system_fallback_fonts()):
            coverage = _coverage(face.regular, face.collection_index)
            if coverage and any(ord(c) in coverage for c in needed) and face not in fallbacks:
                fallbacks.append(face)
                needed = {c for c in needed if ord(c) not in coverage}
            if not needed:
                break
        # fpdf2 turns to a fallback font only for a character the current face lacks, so
        # a fallback face needs only the characters one of the bundled faces given to
        # this document lacks: not the Latin letters and digits a Noto font also has
        # (a Chinese face of 5 glyphs instead of 85, parsed and subset in every render).
        if held is not None:
            used = {code for code in used if code not in held}
        when_needed = getattr(pdf, "fallback_faces_when_needed", None)
        if when_needed is not None:
            when_needed(fallbacks, used)
        else:
            for face in fallbacks:
                _add_face(pdf, face, used)
            if fallbacks:
                pdf.set_fallback_fonts([face.family for face in fallbacks], exact_match=False)
        if needed:
            chars = sorted(needed)
            form = "one" if len(chars) == 1 else "other"
            notice = document.notice(f"missing_glyphs_blank.{form}", count=len(chars),
                                     # "…", not English words: the count is said beside them.
                                     characters=describe_characters(chars[:12]) + (", …" if len(chars) > 12 else ""))
            notices.append(attrs.evolve(notice, code="missing_glyphs_blank"))
    if needs_text_shaping(characters):
        if shaping_available():
            only_where_needed = getattr(pdf, "shape_only_where_needed", None)
            if only_where_needed is not None:
                only_where_needed()
            else:
                pdf.set_text_shaping(True)
        else:
            notices.append(document.notice("shaping_unavailable"))
    return notices


def _add_face(pdf: FPDF, face: FontFace, used: set[int], *, small_base: bool = False) -> frozenset[int] | None:
    """Add the regular and bold faces of ``face``, reduced to the characters ``used``.

    Returns the characters both faces added hold (``None`` when the document already
    had both, or one could not be told).
    """
    # Bold text falls back to the regular face when there is no bold one.
    held: frozenset[int] | None = None
    for style, path in (("", face.regular), ("B", face.bold or face.regular)):
        if f"{face.family}{style}" in pdf.fonts:
            continue
        reduced, index = reduced_face(path, used, face.collection_index, small_base=small_base)
        _add_font(pdf, face.family, style, reduced, index)
        codes = _reduced_codes(path, face.collection_index, reduced, small_base)
        held = codes if held is None else held & codes
    if face.family == BUNDLED_FAMILY and held is not None and hasattr(pdf, "main_face_characters"):
        pdf.main_face_characters = frozenset(map(chr, held))
    return held


def _reduced_codes(path: Path, index: int, reduced: Path, small_base: bool = False) -> frozenset[int]:
    """The characters the face ``reduced`` (made by reduced_face from ``path``) holds."""
    with _reduced_lock:
        held = _reduced.get((str(path), index, small_base))
    if held is not None and held[1] == reduced:
        return held[0]
    return _coverage(path, index) if reduced == path else frozenset()


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
    :func:`install_fonts` already returns a notice naming the missing code points.
    """
    with _quiet_loggers("fpdf.output", "fpdf.fonts", "fontTools.subset", "fontTools.ttLib"):
        return bytes(pdf.output())
