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

What was drawn is read back (pypdf) and checked against what layout asked for, as for
the ``pdf`` format: a text missing from the PDF is an error naming where it is.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rarepassport.errors import RenderError
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
        raise RenderError(
            "the accessible-pdf format needs WeasyPrint: pip install 'rarepassport[accessible]' "
            "(and Pango, e.g. Debian's libpango-1.0-0 and libpangoft2-1.0-0)"
        ) from None
    except OSError as exc:  # WeasyPrint is installed, its system libraries are not
        raise RenderError(
            f"WeasyPrint could not load its system libraries ({type(exc).__name__}); install Pango, "
            "e.g. Debian's libpango-1.0-0 and libpangoft2-1.0-0"
        ) from None
    # Only data: URIs, which the page itself carries; no file and no network address.
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)
    page = weasyprint.HTML(string=html.decode("utf-8"), url_fetcher=fetcher)
    with _quiet("weasyprint"):
        data = page.write_pdf(pdf_variant=PDF_VARIANT)
    if not isinstance(data, bytes):  # write_pdf() with no target returns the bytes
        raise RenderError("WeasyPrint returned no PDF")
    problems = verify_pdf_text(data, expected_texts(document))
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise RenderError(f"the accessible PDF was not drawn as asked: {shown}")
    return Rendered(data=data, media_type="application/pdf", suffix=".pdf")
