"""The ``accessible-pdf`` backend: a tagged PDF (PDF/UA-1) made by WeasyPrint from the HTML.

fpdf2, which draws the ``pdf`` format, has no public API for a structure tree, so the
passport's accessible PDF is the HTML page (the same words, in the same order, with
its headings, lists, tables, ``lang`` and ``dir``) laid out by WeasyPrint as PDF/UA-1:

* a structure tree in reading order: headings, paragraphs, lists, tables (with header
  cells), figures with their alternative text, links;
* the document's language (``/Lang``) and title, shown by viewers instead of the file
  name (``DisplayDocTitle``), and XMP metadata with the PDF/UA identifier.

WeasyPrint is an optional dependency (``pip install 'rarepassport[accessible]'``, with
Pango from the system). It is given nothing to fetch: the page is self-contained and
any other address (a file, the network) is refused, so no local file the passport did
not name is read.

WeasyPrint does not carry an element's ``lang`` into the structure tree, so the text
in another language than the document's (an Arabic name in a French passport, guidance
shown untranslated) would be read in the document's voice. `_mark_languages` adds
``/Lang`` to the structure elements afterwards with pikepdf: each HTML element with a
``lang`` is found in the structure tree, in reading order, as the element whose text
(read with PDFium, through the marked-content ids) has the same letters and digits.
An element inside another with a ``lang`` is looked for inside what the outer one was
found as. A text broken over two pages is two elements, one per page: it is found as
the run of elements whose own texts, read on, have its letters, and each piece gets its
language. Text found in neither way gets the language its script says
(`rarepassport.languages.text_language`, as the HTML page decides it).

What was drawn is read back (pypdf) and checked against what layout asked for, as for
the ``pdf`` format: a text missing from the PDF is an error naming where it is.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import logging
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from rarepassport.errors import DrawnTextMismatchError, Message, RenderError
from rarepassport.rendering._base import Rendered
from rarepassport.rendering._text_map import repair_text_map
from rarepassport.rendering._verify import expected_texts, verify_pdf_text

if TYPE_CHECKING:
    from rarepassport.document import Document

__all__ = ["PDF_VARIANT", "render_accessible_pdf"]

#: The PDF variant WeasyPrint writes: PDF/UA-1 (ISO 14289-1), tagged, with XMP metadata.
PDF_VARIANT = "pdf/ua-1"


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Drop a library's log records for the duration: WeasyPrint logs CSS it skips and
    addresses it refused, which may name a passport's file; rarepassport logs no values."""
    def drop(_record: logging.LogRecord) -> bool:
        return False

    logger = logging.getLogger(name)
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def render_accessible_pdf(document: Document, *, html: bytes) -> Rendered:
    """Lay out ``html`` (the HTML backend's page for ``document``) as a tagged PDF/UA-1.

    Args:
        document: The laid-out passport the page was made from; its texts are checked
            in the PDF.
        html: The self-contained HTML page.

    Raises:
        RenderError: When WeasyPrint is not installed.
        DrawnTextMismatchError: When the PDF does not show every text of the document as
            written (naming where, never the text).
    """
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError:
        raise RenderError(Message(
            "error.render.needs-weasyprint", "the accessible-pdf format needs WeasyPrint: pip install "
            "'rarepassport[accessible]' (and Pango, e.g. Debian's libpango-1.0-0 and libpangoft2-1.0-0)")) from None
    except OSError as exc:  # WeasyPrint is installed, its system libraries are not
        raise RenderError(Message(
            "error.render.weasyprint-libraries", "WeasyPrint could not load its system libraries ({error}); install "
            "Pango, e.g. Debian's libpango-1.0-0 and libpangoft2-1.0-0", error=type(exc).__name__)) from None
    # Only data: URIs, which the page itself carries; no file and no network address.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)
    page = weasyprint.HTML(string=html.decode("utf-8"), url_fetcher=fetcher)
    with _quiet("weasyprint"):
        data = page.write_pdf(pdf_variant=PDF_VARIANT)
    if not isinstance(data, bytes):  # write_pdf() with no target returns the bytes
        raise RenderError(Message("error.render.weasyprint-no-pdf", "WeasyPrint returned no PDF"))
    page_html = html.decode("utf-8")
    expected = expected_texts(document)
    data = repair_text_map(data, [*_text_nodes(page_html), *(text for _where, text in expected)])
    data = _mark_languages(data, page_html, document)
    problems = verify_pdf_text(data, expected)
    if problems:
        raise DrawnTextMismatchError(problems)
    return Rendered(data=data, media_type="application/pdf", suffix=".pdf")


class _TextNodes(HTMLParser):
    """The text nodes of a page's body, as WeasyPrint lays each out (whitespace collapsed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _text_nodes(html: str) -> list[str]:
    parser = _TextNodes()
    parser.feed(html)
    parser.close()
    return parser.texts


# --- the language of each structure element ------------------------------------------

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr"})


class _LangElements(HTMLParser):
    """The body's elements with a ``lang`` of their own, in document order, with their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[str]]] = []  # (lang, pieces of text)
        self.parents: list[int | None] = []  # per found element: the found element it is inside
        self.open: list[int | None] = []  # per open element: its index in found, or None
        self.in_body = False
        self.skipping = 0  # inside <head>, <style>, <script>, <title>
        self.text: list[str] = []  # all the body's text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("head", "style", "script", "title", "template"):
            self.skipping += 1
        if tag == "body":
            self.in_body = True
        if tag in _VOID:
            return
        lang = dict(attrs).get("lang")
        if self.in_body and not self.skipping and lang:
            self.parents.append(next((index for index in reversed(self.open) if index is not None), None))
            self.found.append((lang, []))
            self.open.append(len(self.found) - 1)
        else:
            self.open.append(None)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "script", "title", "template"):
            self.skipping = max(self.skipping - 1, 0)
        if tag in _VOID:
            return
        if self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if not self.in_body or self.skipping:
            return
        self.text.append(data)
        for index in self.open:
            if index is not None:
                self.found[index][1].append(data)


def _letters(text: str, known: frozenset[str]) -> Counter[str]:
    """The letters and digits of ``text`` that the page has, in any order.

    Any order: PDF keeps right-to-left text in visual order. Only characters the page
    has: a shaped glyph with no character of its own (a Devanagari conjunct) extracts
    as whatever its font's map says.
    """
    return Counter(char for char in unicodedata.normalize("NFKC", text) if char.isalnum() and char in known)


def _key(letters: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(letters.items()))


def _matches(wanted: Sequence[tuple[str, tuple[tuple[str, int], ...]]],
             keys: Sequence[tuple[tuple[str, int], ...]], ends: Sequence[int],
             lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Which structure element each HTML element with a ``lang`` is: ``(wanted index, element index)``.

    The most elements matched in reading order among the elements ``lo`` to ``hi`` (an
    element the PDF does not have in its tree, such as a running header, is skipped
    rather than taking the place of a later one); after a match, the next is looked for
    after the matched element's subtree.
    """
    hi = len(keys) if hi is None else hi
    wanted_keys = {key for _lang, key in wanted}
    candidates = [index for index in range(lo, hi) if keys[index] in wanted_keys]
    count, size = len(wanted), len(candidates)
    # The first candidate at or after each element of the range.
    following = [bisect.bisect_left(candidates, position) for position in range(lo, hi + 1)]

    def after(index: int) -> int:
        return following[min(ends[index], hi) - lo]

    # best[i][c]: most matches of wanted[i:] among candidates[c:].
    best = [[0] * (size + 1) for _ in range(count + 1)]
    for i in range(count - 1, -1, -1):
        for c in range(size - 1, -1, -1):
            score = max(best[i + 1][c], best[i][c + 1])
            index = candidates[c]
            if keys[index] == wanted[i][1]:
                score = max(score, 1 + best[i + 1][after(index)])
            best[i][c] = score
    found: list[tuple[int, int]] = []
    i = c = 0
    while i < count and c < size:
        index = candidates[c]
        if keys[index] == wanted[i][1] and best[i][c] == 1 + best[i + 1][after(index)]:
            found.append((i, index))
            i, c = i + 1, after(index)
        elif best[i][c] == best[i + 1][c]:
            i += 1
        else:
            c += 1
    return found


def _pieces(letters: Counter[str], own: Sequence[Counter[str]], lo: int, hi: int) -> range | None:
    """The elements ``lo`` to ``hi`` whose own text, read on in reading order, is exactly
    ``letters`` (a paragraph broken over two pages is two elements, one per page): the
    range from the first to the last of them, or ``None``.

    Between the pieces there may be elements without text of their own (the page's
    containers, repeated on the next page), never another text.
    """
    texts = [index for index in range(lo, hi) if own[index]]
    for start, first in enumerate(texts):
        left = letters.copy()
        for index in texts[start:]:
            piece = own[index]
            if any(left[char] < number for char, number in piece.items()):
                break
            left.subtract(piece)
            if not +left:
                return range(first, index + 1) if index != first else None
    return None


def _marked_texts(data: bytes) -> list[dict[int, str]]:
    """Per page, the text of each marked-content id (MCID), read with PDFium."""
    import ctypes

    import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped,unused-ignore]

    pages: list[dict[int, str]] = []
    pdf = pdfium.PdfDocument(data)
    try:
        for page in pdf:
            textpage = page.get_textpage()
            texts: dict[int, str] = {}
            for obj in page.get_objects(max_depth=4):
                if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj)
                size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
                if mcid < 0 or size <= 2:
                    continue
                buffer = (ctypes.c_ushort * (size // 2))()
                pdfium_c.FPDFTextObj_GetText(obj, textpage, buffer, size)
                texts[mcid] = texts.get(mcid, "") + bytes(buffer)[: size - 2].decode("utf-16-le", "replace")
            pages.append(texts)
    finally:
        pdf.close()
    return pages


def _mark_languages(data: bytes, html: str, document: Document) -> bytes:
    """``data`` with ``/Lang`` on the structure elements whose HTML element has a ``lang``."""
    try:
        import pikepdf
    except ImportError:
        raise RenderError(Message(
            "error.render.needs-pikepdf", "the accessible-pdf format needs pikepdf: pip install "
            "'rarepassport[accessible]'")) from None

    from rarepassport.languages import text_language

    parser = _LangElements()
    parser.feed(html)
    parser.close()
    known = frozenset("".join(parser.text))
    # An element is wanted when its language is not the one it is inside (the
    # document's, or its enclosing element's: English guidance in a French page, an
    # Arabic name inside it, a French word inside that again).
    langs = [lang for lang, _pieces in parser.found]
    inside = [document.language if parent is None else langs[parent] for parent in parser.parents]
    letters = [_letters("".join(pieces), known) for _lang, pieces in parser.found]
    wanted = [index for index, (lang, found) in enumerate(zip(langs, letters, strict=True))
              if found and lang != inside[index]]
    wanted_set = set(wanted)
    # Each wanted element's nearest wanted ancestor, which it is looked for inside.
    nearest: dict[int, int | None] = {}
    for index in wanted:
        parent = parser.parents[index]
        while parent is not None and parent not in wanted_set:
            parent = parser.parents[parent]
        nearest[index] = parent
    children: dict[int | None, list[int]] = {}
    for index in wanted:
        children.setdefault(nearest[index], []).append(index)
    marked_texts = _marked_texts(data)
    pdf = pikepdf.open(io.BytesIO(data))
    with pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        page_numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        elements: list[tuple[Any, str]] = []  # pre-order: (element, its text)
        own: list[Counter[str]] = []  # the letters of each element's own marked content
        ends: list[int] = []  # where each element's subtree ends in elements

        def visit(node: Any, page: int | None) -> str:
            if isinstance(node, int):
                return marked_texts[page].get(node, "") if page is not None and page < len(marked_texts) else ""
            if not isinstance(node, pikepdf.Dictionary):
                return ""
            if node.get("/Type") == "/MCR":  # a marked-content reference
                pg = node.get("/Pg")
                number = page_numbers.get(pg.objgen) if pg is not None else page
                return visit(int(node.get("/MCID", -1)), number)
            if "/S" not in node:
                return ""
            pg = node.get("/Pg")
            if pg is not None:
                page = page_numbers.get(pg.objgen, page)
            slot = len(elements)
            elements.append((node, ""))
            own.append(Counter())
            ends.append(slot + 1)
            kids = node.get("/K")
            parts: list[str] = []
            mine: list[str] = []
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
                part = visit(kid, page)
                parts.append(part)
                if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR"):
                    mine.append(part)
            text = "".join(parts)
            elements[slot] = (node, text)
            own[slot] = _letters("".join(mine), known)
            ends[slot] = len(elements)
            return text

        kids = root.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
            visit(kid, None)
        keys = [_key(_letters(text, known)) for _node, text in elements]
        covered: set[int] = set()

        def mark(index: int, lang: str) -> None:
            elements[index][0].Lang = pikepdf.String(lang)
            covered.update(range(index, ends[index]))

        # counts[i]: how many elements before the i-th have text of their own.
        counts = [0]
        for letters_of in own:
            counts.append(counts[-1] + (1 if letters_of else 0))

        def within(index: int, run: range) -> bool:
            """Whether every text under an element is in ``run``, and it has one."""
            first, last = index, ends[index]
            return (counts[last] > counts[first]
                    and counts[max(run.start, first)] == counts[first]
                    and counts[last] == counts[min(run.stop, last)])

        def find(nodes: list[int], lo: int, hi: int) -> None:
            """Find ``nodes`` (HTML elements, in order) among the elements ``lo`` to ``hi``,
            and each one's own wanted elements inside what it was found as."""
            matched = dict(_matches([(langs[node], _key(letters[node])) for node in nodes], keys, ends, lo, hi))
            # A node not found whole is looked for after the one before, before the next found.
            limits = [hi] * len(nodes)
            limit = hi
            for position in range(len(nodes) - 1, -1, -1):
                limits[position] = limit
                if position in matched:
                    limit = matched[position]
            cursor = lo
            for position, node in enumerate(nodes):
                index = matched.get(position)
                if index is not None:
                    mark(index, langs[node])
                    find(children.get(node, []), index + 1, ends[index])
                    cursor = min(ends[index], hi)
                    continue
                # Not found whole: a text broken over pages is several elements, one per
                # page; every piece is in the element's language.
                run = _pieces(letters[node], own, cursor, limits[position])
                if run is None:
                    find(children.get(node, []), cursor, limits[position])
                    continue
                index = cursor
                while index < run.stop:
                    if within(index, run):
                        mark(index, langs[node])
                        index = ends[index]
                    else:
                        index += 1
                find(children.get(node, []), run.start, min(ends[run.stop - 1], hi))
                cursor = run.stop

        find(children.get(None, []), 0, len(elements))
        # What was not found (a text WeasyPrint drew in another way): each piece of text
        # in another script gets the language its script says.
        content = document.content_language or document.language
        for index, (node, text) in enumerate(elements):
            kids = node.get("/K")
            holds_text = isinstance(kids, pikepdf.Array) and any(isinstance(kid, int) for kid in kids)
            if index in covered or not holds_text or _inside_marked(node):
                continue
            found = text_language(text, content, document.language)
            if found:
                node.Lang = pikepdf.String(found)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _inside_marked(node: Any) -> bool:
    """Whether an element or one of its ancestors already has a ``/Lang``."""
    seen = 0
    while node is not None and seen < 200:
        if "/Lang" in node:
            return True
        parent = node.get("/P")
        node = parent if parent is not None and "/S" in parent else None
        seen += 1
    return False
