"""The glyph-to-text map of the accessible PDF, made right where one glyph stands for several texts.

A PDF gives each font a ``ToUnicode`` map from the codes it draws to the text they stand
for; text extraction, copying and screen readers all read the text through it.
WeasyPrint, which writes the accessible PDF, draws each glyph with its glyph id as its
code and maps that code to the text of the first cluster it drew the glyph in. In
scripts whose letters join or reorder, the same glyph ends clusters of different texts:
Devanagari "क" drawn first in "कि" (the vowel sign is drawn before it) gives every later
"क" back as "कि", and a word's marks come back on the wrong letter. The Hindi passport's
accessible PDF read "पासपोर्ल" for "पासपोर्ट".

`repair_text_map` gives every drawn glyph the text it stands for *where it is drawn*:

1. Each run of glyphs a text object draws in one font is looked for in the same font's
   shaping (HarfBuzz, the shaper Pango uses) of the page's own texts, which the caller
   gives: a run found where it starts and ends on cluster boundaries, with one reading
   wherever it is found, gets each cluster's text on one of its glyphs, as WeasyPrint
   places it (the last glyph of a left-to-right cluster, the first of a right-to-left
   one) and nothing on the others.
2. Where the text a glyph needs differs from what its code is mapped to, the glyph is
   drawn with a new code, mapped to that text and, through the font's ``CIDToGIDMap``,
   to the same glyph (with the same width): the page looks the same, and reads right.

The font shaped is the system font the PDF's subset was cut from: found by family name
and confirmed glyph by glyph (advance widths and outline boxes of every glyph drawn). A
run that cannot be placed, a font that cannot be found, a map or font of another form:
all are left as they were, so the read-back check that follows reports any text that
still reads wrong. Nothing is ever guessed.
"""

from __future__ import annotations

import functools
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["repair_text_map"]

_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_SPACES = re.compile(r"\s+")
#: The largest code a two-byte (Identity-H) font can use.
_MAX_CODE = 0xFFFF


def repair_text_map(data: bytes, texts: Iterable[str]) -> bytes:
    """``data`` (a PDF WeasyPrint wrote) with each drawn glyph mapped to the text it stands for.

    Args:
        data: The PDF.
        texts: The texts the PDF shows (the HTML page's text nodes): each is shaped in
            each font whose map is in doubt, to learn which text each glyph run stands for.

    Returns:
        The repaired PDF, or ``data`` itself when nothing needed repair or could be
        repaired (HarfBuzz, pikepdf or fontTools missing; no font found).
    """
    try:
        import pikepdf
        import uharfbuzz  # type: ignore[import-untyped,unused-ignore]  # noqa: F401  (shaping tells a run's text)
        from fontTools import ttLib  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except ImportError:
        return data
    candidates = _candidate_texts(texts)
    if not candidates:
        return data
    pdf = pikepdf.open(io.BytesIO(data))
    try:
        fonts: dict[tuple[int, int], _Font] = {}
        streams: list[_Stream] = []
        for page in pdf.pages:
            _collect(pdf, page.obj, page.obj.get("/Resources"), fonts, streams, pikepdf, is_page=True, seen=set())
        # Where a font maps a glyph to several letters or none, its glyphs end clusters;
        # where text runs right to left, a bracket is drawn with its mirror's glyph.
        mirrored = any(unicodedata.bidirectional(char) in ("R", "AL") for text in candidates for char in text)
        doubtful = {key: font for key, font in fonts.items() if font.clustered or mirrored}
        if not doubtful:
            return data
        runs = [run for stream in streams for run in stream.runs if run.font in doubtful]
        changed = False
        for key, font in doubtful.items():
            font_runs = [run for run in runs if run.font == key]
            if font_runs and font.repair(font_runs, candidates, pikepdf):
                changed = True
        if not changed:
            return data
        for stream in streams:
            stream.write(pdf, pikepdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
    finally:
        pdf.close()


def _candidate_texts(texts: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        collapsed = _SPACES.sub(" ", text).strip()
        if collapsed:
            seen.setdefault(collapsed, None)
    return list(seen)


# --- fonts ---------------------------------------------------------------------------


class _Font:
    """A Type0 font with Identity-H codes equal to glyph ids, and its ToUnicode map."""

    def __init__(self, obj: Any, descendant: Any, to_unicode: dict[int, str], family: str) -> None:
        self.pdf: Any = None
        self.fonts: dict[tuple[int, int], _Font] = {}
        self.obj = obj
        self.descendant = descendant
        self.to_unicode = to_unicode
        self.family = family
        self.clustered = any(len(text) != 1 for text in to_unicode.values())
        self._shapes: list[tuple[bytes, list[str]]] | None = None

    def repair(self, runs: Sequence[_Run], candidates: Sequence[str], pikepdf: Any) -> bool:
        """Give each run's glyphs the codes that read as the text they stand for."""
        used = sorted({gid for run in runs for gid in run.gids})
        source = _source_font(self.family, bytes(self.descendant.FontDescriptor.FontFile2.read_bytes()), tuple(used))
        if source is None:
            return False
        shapes = _shapes(source, tuple(candidates))
        wanted: list[tuple[_Run, list[str]]] = []
        for run in runs:
            reading = _reading(run, shapes, self.fonts)
            if reading is not None and any(self.to_unicode.get(gid) != text
                                           for gid, text in zip(run.gids, reading, strict=True)):
                wanted.append((run, reading))
        if not wanted:
            return False
        widths = _widths(self.descendant)
        next_code = max([*self.to_unicode, *used, *widths]) + 1
        codes: dict[tuple[int, str], int] = {}
        for run, reading in wanted:
            new = []
            for gid, text in zip(run.gids, reading, strict=True):
                if self.to_unicode.get(gid) == text:
                    new.append(gid)
                    continue
                code = codes.get((gid, text))
                if code is None:
                    if next_code > _MAX_CODE:
                        return False
                    code = codes[(gid, text)] = next_code
                    next_code += 1
                new.append(code)
            run.codes = new
        self._write(codes, widths, pikepdf)
        return True

    def _write(self, codes: dict[tuple[int, str], int], widths: dict[int, float], pikepdf: Any) -> None:
        top = max(codes.values())
        gid_of = list(range(top + 1))
        for (gid, _text), code in codes.items():
            gid_of[code] = gid
        self.descendant.CIDToGIDMap = pikepdf.Stream(
            self.pdf, b"".join(gid.to_bytes(2, "big") for gid in gid_of))
        default = float(self.descendant.get("/DW", 1000))
        extra = pikepdf.Array()
        for (gid, _text), code in sorted(codes.items(), key=lambda item: item[1]):
            extra.append(code)
            extra.append(pikepdf.Array([widths.get(gid, default)]))
        self.descendant.W = pikepdf.Array([*self.descendant.get("/W", pikepdf.Array()), *extra])
        mapping = dict(self.to_unicode)
        for (_gid, text), code in codes.items():
            mapping[code] = text
        self.obj.ToUnicode = pikepdf.Stream(self.pdf, _cmap(mapping))
        descriptor = self.descendant.FontDescriptor
        if "/CIDSet" in descriptor:  # one bit per code present (PDF/A)
            bits = bytearray((top // 8) + 1)
            old = bytes(descriptor.CIDSet.read_bytes())
            bits[: len(old)] = old
            for code in codes.values():
                bits[code // 8] |= 0x80 >> (code % 8)
            descriptor.CIDSet = pikepdf.Stream(self.pdf, bytes(bits))


def _font(obj: Any, pikepdf: Any) -> _Font | None:
    """`_Font` for a font dictionary of the one form this repairs, else None."""
    try:
        if obj.get("/Subtype") != "/Type0" or obj.get("/Encoding") != "/Identity-H" or "/ToUnicode" not in obj:
            return None
        descendant = obj.DescendantFonts[0]
        if descendant.get("/Subtype") != "/CIDFontType2" or descendant.get("/CIDToGIDMap") != "/Identity":
            return None
        descriptor = descendant.FontDescriptor
        if "/FontFile2" not in descriptor:
            return None
        family = str(descriptor.get("/FontFamily", ""))
        cmap = bytes(obj.ToUnicode.read_bytes())
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, pikepdf.PdfError):
        return None
    if not family or b"bfrange" in cmap:
        return None
    mapping: dict[int, str] = {}
    for block in _BFCHAR.findall(cmap):
        for code, text in _PAIR.findall(block):
            try:
                mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
            except (ValueError, UnicodeDecodeError):
                return None
    return _Font(obj, descendant, mapping, family) if mapping else None


def _widths(descendant: Any) -> dict[int, float]:
    """The ``/W`` array as {code: width}."""
    widths: dict[int, float] = {}
    items = list(descendant.get("/W", []))
    i = 0
    while i < len(items):
        first = int(items[i])
        if i + 1 < len(items) and hasattr(items[i + 1], "__len__") and not isinstance(items[i + 1], (int, float)):
            for offset, width in enumerate(items[i + 1]):
                widths[first + offset] = float(width)
            i += 2
        elif i + 2 < len(items):
            for code in range(first, int(items[i + 1]) + 1):
                widths[code] = float(items[i + 2])
            i += 3
        else:
            break
    return widths


def _cmap(mapping: dict[int, str]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange",
             b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        for code, text in batch:
            lines.append(f"<{code:04x}> <{text.encode('utf-16-be').hex()}>".encode())
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


@functools.lru_cache(maxsize=1)
def _font_files() -> tuple[Path, ...]:
    from rarepassport.rendering._fonts import _font_dirs

    found = []
    for folder in _font_dirs():
        if folder.is_dir():
            for root, _dirs, files in os.walk(folder):
                found += [Path(root) / name for name in files if name.lower().endswith((".ttf", ".otf", ".ttc"))]
    return tuple(sorted(found))


@functools.lru_cache(maxsize=32)
def _source_font(family: str, subset: bytes, used: tuple[int, ...]) -> tuple[Path, int] | None:
    """The system font (file, face index) the subset was cut from, checked glyph by glyph."""
    from fontTools import ttLib

    try:
        cut = ttLib.TTFont(io.BytesIO(subset), lazy=True)
        cut_metrics = cut["hmtx"].metrics
        cut_glyf = cut["glyf"]
        order = cut.getGlyphOrder()
        wanted = {gid: (cut_metrics.get(order[gid]), _box(cut_glyf, order[gid])) for gid in used if gid < len(order)}
    except Exception:  # noqa: BLE001 - an unreadable subset means "no source found"
        return None
    if len(wanted) != len(used):
        return None
    key = family.replace(" ", "").lower()
    files = _font_files()
    # Files named after the family first, the closest name first ("NotoSans-Bold.ttf"
    # before "NotoSansDevanagari-Bold.ttf" for "Noto Sans").
    named = sorted((path for path in files if path.name.lower().startswith(key)), key=lambda path: len(path.name))
    for path in [*named, *(path for path in files if path not in named)]:
        faces = 1
        if path.suffix.lower() == ".ttc":
            try:
                faces = len(ttLib.TTCollection(path, lazy=True).fonts)
            except Exception:  # noqa: BLE001, S112 - an unreadable collection is not the source
                continue
        for index in range(faces):
            if _same_glyphs(path, index, family, wanted):
                return path, index
    return None


def _box(glyf: Any, name: str) -> tuple[int, ...] | None:
    glyph = glyf[name]
    if getattr(glyph, "numberOfContours", 0) == 0:
        return None
    return (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax)


def _same_glyphs(path: Path, index: int, family: str, wanted: dict[int, Any]) -> bool:
    from fontTools import ttLib

    try:
        font = ttLib.TTFont(path, fontNumber=index, lazy=True)
        try:
            names = {record.toUnicode() for record in font["name"].names if record.nameID in (1, 16)}
            if family not in names or "glyf" not in font:
                return False
            order = font.getGlyphOrder()
            metrics = font["hmtx"].metrics
            glyf = font["glyf"]
            return all(gid < len(order) and (metrics.get(order[gid]), _box(glyf, order[gid])) == want
                       for gid, want in wanted.items())
        finally:
            font.close()
    except Exception:  # noqa: BLE001 - an unreadable font is not the source
        return False


@functools.lru_cache(maxsize=32)
def _shapes(source: tuple[Path, int], texts: tuple[str, ...]) -> list[_Shaped]:
    """Each text shaped in the source font: glyph ids as bytes, each glyph's cluster and text."""
    import uharfbuzz as hb  # type: ignore[import-untyped,unused-ignore]

    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(source[0])), source[1]))
    shaped = []
    for text in texts:
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(font, buffer)
        infos = buffer.glyph_infos
        if not infos:
            continue
        rtl = buffer.direction == "rtl"
        clusters = [info.cluster for info in infos]
        starts = sorted(set(clusters))
        end_of = {start: (starts[i + 1] if i + 1 < len(starts) else len(text)) for i, start in enumerate(starts)}
        reading = []
        for i, cluster in enumerate(clusters):
            # WeasyPrint's place for a cluster's text: its last glyph left to right, its
            # first right to left; the cluster's other glyphs stand for nothing.
            if rtl:
                neighbour = clusters[i - 1] if i > 0 else None
            else:
                neighbour = clusters[i + 1] if i + 1 < len(clusters) else None
            reading.append(text[cluster:end_of[cluster]] if neighbour != cluster else "")
        shaped.append(_Shaped(b"".join(info.codepoint.to_bytes(2, "big") for info in infos), clusters, reading, rtl))
    return shaped


class _Shaped:
    __slots__ = ("clusters", "glyphs", "reading", "rtl")

    def __init__(self, glyphs: bytes, clusters: list[int], reading: list[str], rtl: bool) -> None:
        self.glyphs = glyphs
        self.clusters = clusters
        self.reading = reading
        self.rtl = rtl


def _readings(gids: Sequence[int], shapes: Sequence[_Shaped]) -> dict[bool, list[str] | None]:
    """The text of each glyph of the run, by direction shaped in (True: right to left).

    A direction whose places disagree has None. A bracket alone is the usual case of two
    directions: "(" drawn left to right is ")" drawn mirrored right to left.
    """
    needle = b"".join(gid.to_bytes(2, "big") for gid in gids)
    found: dict[bool, list[str] | None] = {}
    for shaped in shapes:
        at = shaped.glyphs.find(needle)
        while at >= 0:
            start, end = at // 2, at // 2 + len(gids)
            clusters = shaped.clusters
            # Whole clusters only: no cluster of the shaped text crosses either end of the run.
            if at % 2 == 0 and (start == 0 or clusters[start - 1] != clusters[start]) and (
                    end == len(clusters) or clusters[end - 1] != clusters[end]):
                piece = shaped.reading[start:end]
                if shaped.rtl not in found:
                    found[shaped.rtl] = piece
                elif found[shaped.rtl] != piece:
                    found[shaped.rtl] = None
            at = shaped.glyphs.find(needle, at + 1)
    return found


def _reading(run: _Run, shapes: Sequence[_Shaped], fonts: dict[tuple[int, int], _Font]) -> list[str] | None:
    """The text of each glyph of the run: one reading wherever it is found, or the one
    for the direction its neighbours in the line are written in."""
    found = _readings(run.gids, shapes)
    if not found or None in found.values():
        return None
    distinct = {tuple(piece) for piece in found.values() if piece is not None}
    if len(distinct) == 1:
        return next(iter(found.values()))
    sides = {_direction(neighbour, fonts) for neighbour in (run.before, run.after) if neighbour is not None}
    sides.discard(None)
    if len(sides) != 1:
        return None
    return found.get(sides.pop() == "rtl")


def _direction(run: _Run, fonts: dict[tuple[int, int], _Font]) -> str | None:
    """"rtl" or "ltr" for the first strong letter a run reads as now, else None."""
    font = fonts.get(run.font)
    if font is None:
        return None
    for gid in run.gids:
        for char in font.to_unicode.get(gid, ""):
            kind = unicodedata.bidirectional(char)
            if kind in ("R", "AL"):
                return "rtl"
            if kind == "L":
                return "ltr"
    return None


# --- content streams -------------------------------------------------------------------


class _Run:
    """Glyphs one text object draws in one font, in order, and where each code sits."""

    def __init__(self, font: tuple[int, int]) -> None:
        self.font = font
        self.gids: list[int] = []
        self.places: list[tuple[int, int | None, int]] = []  # (op index, array index or None, glyph index)
        self.codes: list[int] | None = None
        #: The runs drawn just before and after it in the same text object (line).
        self.before: _Run | None = None
        self.after: _Run | None = None


class _Stream:
    def __init__(self, owner: Any, ops: list[Any], is_page: bool) -> None:
        self.owner = owner
        self.ops = ops
        self.is_page = is_page
        self.runs: list[_Run] = []

    def write(self, pdf: Any, pikepdf: Any) -> None:
        changed = [run for run in self.runs if run.codes is not None]
        if not changed:
            return
        ops = [[list(op.operands), op.operator] for op in self.ops]
        for run in changed:
            assert run.codes is not None
            strings: dict[tuple[int, int | None], list[int]] = {}
            for (op_index, array_index, glyph_index), code in zip(run.places, run.codes, strict=True):
                key = (op_index, array_index)
                if key not in strings:
                    operand = ops[op_index][0][-1] if array_index is None else ops[op_index][0][-1][array_index]
                    raw = bytes(operand)
                    strings[key] = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
                strings[key][glyph_index] = code
            for (op_index, array_index), new_codes in strings.items():
                value = pikepdf.String(b"".join(code.to_bytes(2, "big") for code in new_codes))
                if array_index is None:
                    ops[op_index][0][-1] = value
                else:
                    array = list(ops[op_index][0][-1])
                    array[array_index] = value
                    ops[op_index][0][-1] = pikepdf.Array(array)
        content = pikepdf.unparse_content_stream([(operands, operator) for operands, operator in ops])
        if self.is_page:
            self.owner.Contents = pikepdf.Stream(pdf, content)
        else:
            self.owner.write(content)


def _collect(pdf: Any, owner: Any, resources: Any, fonts: dict[tuple[int, int], _Font], streams: list[_Stream],
             pikepdf: Any, *, is_page: bool, seen: set[tuple[int, int]]) -> None:
    if resources is None:
        return
    by_name: dict[str, tuple[int, int]] = {}
    for name, obj in dict(resources.get("/Font", {})).items():
        key = obj.objgen
        if key not in fonts:
            font = _font(obj, pikepdf)
            if font is None:
                continue
            font.pdf = pdf
            font.fonts = fonts
            fonts[key] = font
        by_name[str(name)] = key
    try:
        ops = list(pikepdf.parse_content_stream(owner))
    except pikepdf.PdfError:
        return
    stream = _Stream(owner, ops, is_page)
    current: tuple[int, int] | None = None
    run: _Run | None = None
    last: _Run | None = None  # the line's run before this one
    for index, op in enumerate(ops):
        operator = str(op.operator)
        if operator in ("BT", "ET"):
            run = last = None
        elif operator == "Tf":
            current = by_name.get(str(op.operands[0]))
            run = None
        elif operator in ("TJ", "Tj", "'", '"') and current is not None:
            if run is None:
                run = _Run(current)
                stream.runs.append(run)
                if last is not None:
                    run.before, last.after = last, run
                last = run
            operand = op.operands[-1]
            items = [(None, operand)] if operator != "TJ" else list(enumerate(operand))
            for array_index, item in items:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    for glyph_index in range(len(raw) // 2):
                        run.gids.append(int.from_bytes(raw[2 * glyph_index:2 * glyph_index + 2], "big"))
                        run.places.append((index, array_index, glyph_index))
        elif operator in ("TJ", "Tj", "'", '"'):  # drawn in a font of another form
            run = last = None
        elif operator == "Do":
            xobjects = resources.get("/XObject", {})
            target = xobjects.get(str(op.operands[0])) if xobjects else None
            if target is not None and target.get("/Subtype") == "/Form" and target.objgen not in seen:
                seen.add(target.objgen)
                _collect(pdf, target, target.get("/Resources", resources), fonts, streams, pikepdf,
                         is_page=False, seen=seen)
    if stream.runs:
        streams.append(stream)
