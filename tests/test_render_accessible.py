"""The accessible-pdf format: a tagged PDF/UA-1 whose structure tree follows the document.

Specification: `rarepassport.rendering._accessible` and docs/rendering.md ("Accessible
PDF"). The structure tree is read back with pikepdf, independently of WeasyPrint, and
the text with pypdf and poppler.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

import rarepassport as rp
from helpers.pdftext import poppler_text, pypdf_text
from rarepassport.rendering._accessible import render_accessible_pdf

PASSPORT = {
    "schema_version": "1.0",
    "language": "fr",
    "person": {"name": "Camille Fictive", "date_of_birth": "2012-05-09"},
    "diagnoses": [{"name": "Insuffisance surrénalienne", "status": "confirmed"}],
    "emergency": {"summary": "Injecter l'hydrocortisone sans attendre."},
    "allergies": [{"substance": "Pénicilline", "reaction": "urticaire", "severity": "severe"}],
    "medications": [
        {"name": "Hydrocortisone", "dose": "5 mg trois fois par jour", "time_critical": True},
        {"name": "Fludrocortisone", "dose": "50 microgrammes le matin"},
    ],
    "contacts": [{"name": "Claude Fictive", "relationship": "père", "role": "parent", "phone": "01632 960123"}],
    "links": [{"title": "Dossier", "url": "https://example.org/dossier"}],
}


@pytest.fixture(scope="module")
def passport() -> rp.Passport:
    return rp.from_dict(PASSPORT)


@pytest.fixture(scope="module")
def pdf(passport: rp.Passport) -> bytes:
    return rp.render(passport, format="accessible-pdf")


def _elements(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under ``node``, depth first, in reading order."""
    kids = node.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def _types(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [str(element.S) for element in _elements(document.Root.StructTreeRoot)]


def test_the_pdf_is_tagged_in_the_documents_language_with_its_title_shown(pdf: bytes, passport: rp.Passport) -> None:
    document = rp.layout(passport)
    with pikepdf.open(io.BytesIO(pdf)) as tagged:
        root = tagged.Root
        assert bool(root.MarkInfo.Marked)
        assert str(root.Lang) == "fr"
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert str(tagged.docinfo.Title) == document.title
        assert "/StructTreeRoot" in root
        with tagged.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"  # the PDF/UA identifier


def test_the_structure_tree_has_headings_tables_lists_and_links_for_the_document(
    pdf: bytes, passport: rp.Passport
) -> None:
    document = rp.layout(passport)
    types = _types(pdf)
    headings = [t for t in types if t in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]
    assert len(headings) >= len(document.sections)  # a heading per section at least
    assert "/Table" in types and "/TH" in types and "/TD" in types  # the medicines
    assert "/Link" in types  # the link to the record is a link
    with pikepdf.open(io.BytesIO(pdf)) as tagged:
        uris = [str(annot.A.URI) for page in tagged.pages for annot in page.get("/Annots", [])
                if annot.get("/Subtype") == "/Link" and "/A" in annot]
    assert "https://example.org/dossier" in uris


def test_every_word_layout_asked_for_is_in_the_pdf_in_order(pdf: bytes, passport: rp.Passport) -> None:
    document = rp.layout(passport)
    for text in (pypdf_text(pdf), poppler_text(pdf)):
        flat = " ".join(text.split())
        at = 0
        for section in document.sections:  # each title found after the one before
            at = flat.find(section.title, at)
            assert at != -1, section.id
            at += len(section.title)
        for value in ("01632 960123", "5 mg trois fois par jour", "Pénicilline", "Camille Fictive"):
            assert value in flat


def test_a_pdf_that_does_not_show_the_document_is_an_error_naming_where(passport: rp.Passport) -> None:
    document = rp.layout(passport)
    other = rp.render(rp.from_dict({**PASSPORT, "contacts": []}), format="html")
    with pytest.raises(rp.DrawnTextMismatchError, match=r"does not show every text as written(?s:.)*contacts") \
            as caught:
        render_accessible_pdf(document, html=other)
    assert "01632" not in str(caught.value)  # names where, never the value


def test_nothing_outside_the_page_is_fetched_or_logged(
    passport: rp.Passport, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the PDF")
    page = rp.render(passport, format="html").replace(
        b"</body>", f'<img alt="x" src="{secret.as_uri()}"><img alt="y" src="https://example.org/x.png"></body>'.encode()
    )
    data = render_accessible_pdf(rp.layout(passport), html=page).data
    assert b"not for the PDF" not in data and b"x.png" not in data
    # WeasyPrint's log (which would name the refused file) is not passed on.
    assert not [record for record in caplog.records if record.name.startswith("weasyprint")]


def test_without_weasyprint_the_format_names_the_extra_to_install(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    rp.dump(rp.from_dict(PASSPORT), path)
    script = (
        "import sys; sys.modules['weasyprint'] = None\n"
        "import rarepassport as rp\n"
        f"try:\n    rp.render(rp.load({str(path)!r}), format='accessible-pdf')\n"
        "except rp.RenderError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    assert "pip install 'rarepassport[accessible]'" in out.stdout
