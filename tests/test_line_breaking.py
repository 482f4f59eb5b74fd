"""Our line breaker breaks plain text where fpdf2's own would, and what it draws reads back.

Issue 13, point 2. fpdf2's ``multi_cell`` and ``write`` measure a line again for every
character; the PDF class breaks plain text itself (``text_lines``, ``wrapped_text``,
``write_runs`` in rendering/_fonts.py), measuring each word once. These tests pin that
the breaks are fpdf2's (its dry run is the reference), that the texts it must leave to
fpdf2 are left, and that a wrapped labelled field reads back whole (pypdf and
pdftotext). The timing lives in benchmarks/.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pypdf
import pytest

import rarepassport as rp
from rarepassport.rendering import _fonts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "child-several-diagnoses.json"

SYNTHETIC = [
    "Supercalifragilisticexpialidocious" * 4,  # longer than any line: broken where it overflows
    "a\n\nb c d e",
    "Anna Example  ·  Date of birth: 3 May 2019",  # runs of spaces
    "  lead  and trail  ",
    "word " * 40,  # a final space that does not fit
    " \n x \n  y",
    "Mixed Ünïcödé — dash-separated-words/and/slashes 07700 900123",
]


def _pdf() -> Any:
    texts = [text for text in _texts() if text]
    pdf = _fonts.pdf_class()(unit="mm", format="A4")
    _fonts.install_fonts(pdf, texts)
    pdf.add_page()
    pdf.set_auto_page_break(False)
    return pdf


def _texts() -> list[str]:
    from rarepassport.rendering._pdf import document_texts

    document = rp.layout(rp.load(EXAMPLE), "full")
    return sorted({text for text in document_texts(document) if text} | set(SYNTHETIC))


def test_breaks_are_fpdf2s_own_for_every_text_of_the_largest_example() -> None:
    pdf = _pdf()
    compared = 0
    for style in ("", "B"):
        for size in (7.5, 10.5, 14):
            pdf.set_font(_fonts.BUNDLED_FAMILY, style, size)
            for text in _texts():
                for width in (25, 60, 178):
                    ours = pdf.text_lines(text, width)
                    assert ours is not None, "a plain text was left to fpdf2"
                    theirs = pdf.multi_cell(width, 5, text, dry_run=True, output="LINES")
                    assert ours == [str(line) for line in theirs], (style, size, width, len(text))
                    compared += 1
    assert compared > 1000


@pytest.mark.parametrize("text", ["soft\u00adhyphen", "tab\there", "final newline\n", "thin\u2009space"])
def test_texts_fpdf2_breaks_its_own_way_are_left_to_it(text: str) -> None:
    pdf = _pdf()
    pdf.set_font(_fonts.BUNDLED_FAMILY, "", 10)
    assert pdf.text_lines(text, 40) is None
    assert pdf.write_runs(5, [(True, "Label: "), (False, text)]) is False


@pytest.mark.parametrize("text", ["**not bold**", "BP 120--80", "__x__", "~~y~~", "a\\b", "[see](notes)"])
def test_a_field_with_markdown_markers_is_never_drawn_through_markdown(text: str) -> None:
    # A wrapped field's bold label goes through fpdf2's markdown option; a value holding
    # a marker would lose characters or change weight, so it is left to write().
    pdf = _pdf()
    pdf.set_font(_fonts.BUNDLED_FAMILY, "", 10)
    assert pdf.write_runs(5, [(True, "Label: "), (False, text)]) is False


def test_a_wrapped_labelled_field_reads_back_whole_with_pypdf_and_pdftotext() -> None:
    value = "takes hydrocortisone 10 mg three times a day and doubles it when unwell " * 4
    pdf = _pdf()
    pdf.set_font(_fonts.BUNDLED_FAMILY, "", 10)
    assert pdf.write_runs(5, [(True, "Usual treatment: "), (False, value.strip())]) is True
    data = bytes(pdf.output())
    expected = " ".join(f"Usual treatment: {value}".split())
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert " ".join(text.split()) == expected
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    assert " ".join(result.stdout.decode().split()) == expected
    # More than one line: the field did wrap.
    assert len([line for line in text.splitlines() if line.strip()]) > 1
