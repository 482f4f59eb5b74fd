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
(read with PDFium, through the marked-content ids) has the same letters and digits;
text that is broken over lines or pages into several elements gets the language its
script says (`rarepassport.languages.text_language`, as the HTML page decides it).

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

from rarepassport.errors import Message, RenderError
from rarepassport.rendering._base import Rendered
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
        RenderError: When WeasyPrint is not installed, or the PDF does not show every
            text of the document as written (naming where, never the text).
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
        raise RenderError("WeasyPrint returned no PDF")
    data = _mark_languages(data, html.decode("utf-8"), document)
    problems = verify_pdf_text(data, expected_texts(document))
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise RenderError(f"the accessible PDF was not drawn as asked: {shown}")
    return Rendered(data=data, media_type="application/pdf", suffix=".pdf")


# --- the language of each structure element ------------------------------------------

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                   "track", "wbr"})


class _LangElements(HTMLParser):
    """The body's elements with a ``lang`` of their own, in document order, with their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[str]]] = []  # (lang, pieces of text)
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
             keys: Sequence[tuple[tuple[str, int], ...]], ends: Sequence[int]) -> list[tuple[str, int]]:
    """Which structure element each HTML element with a ``lang`` is: ``(lang, index)``.

    The most elements matched in reading order (an element the PDF does not have in its
    tree, such as a running header, is skipped rather than taking the place of a later
    one); after a match, the next is looked for after the matched element's subtree.
    """
    wanted_keys = {key for _lang, key in wanted}
    candidates = [index for index, key in enumerate(keys) if key in wanted_keys]
    count, size = len(wanted), len(candidates)
    # The first candidate at or after each element.
    following = [bisect.bisect_left(candidates, position) for position in range(len(keys) + 1)]
    # best[i][c]: most matches of wanted[i:] among candidates[c:].
    best = [[0] * (size + 1) for _ in range(count + 1)]
    for i in range(count - 1, -1, -1):
        for c in range(size - 1, -1, -1):
            score = max(best[i + 1][c], best[i][c + 1])
            index = candidates[c]
            if keys[index] == wanted[i][1]:
                score = max(score, 1 + best[i + 1][following[ends[index]]])
            best[i][c] = score
    found: list[tuple[str, int]] = []
    i = c = 0
    while i < count and c < size:
        index = candidates[c]
        if keys[index] == wanted[i][1] and best[i][c] == 1 + best[i + 1][following[ends[index]]]:
            found.append((wanted[i][0], index))
            i, c = i + 1, following[ends[index]]
        elif best[i][c] == best[i + 1][c]:
            i += 1
        else:
            c += 1
    return found


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
    wanted = [(lang, _key(_letters("".join(pieces), known))) for lang, pieces in parser.found]
    wanted = [(lang, key) for lang, key in wanted if key and lang != document.language]
    marked_texts = _marked_texts(data)
    pdf = pikepdf.open(io.BytesIO(data))
    with pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        page_numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        elements: list[tuple[Any, str]] = []  # pre-order: (element, its text)
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
            ends.append(slot + 1)
            kids = node.get("/K")
            parts = [visit(kid, page) for kid in (kids if isinstance(kids, pikepdf.Array) else [kids])] \
                if kids is not None else []
            text = "".join(parts)
            elements[slot] = (node, text)
            ends[slot] = len(elements)
            return text

        kids = root.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
            visit(kid, None)
        covered: set[int] = set()
        for lang, index in _matches(wanted, [_key(_letters(text, known)) for _node, text in elements], ends):
            elements[index][0].Lang = pikepdf.String(lang)
            covered.update(range(index, ends[index]))
        # What was not found whole (a paragraph broken over two pages is two elements):
        # each piece of text in another script gets the language its script says.
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
