"""Lines of plain text are drawn with fpdf2's ``text()``, where and as fpdf2's ``cell`` draws them.

Issue 13, point 2. fpdf2's ``cell`` and ``multi_cell`` parse each text into styled
fragments and ``multi_cell`` measures a line again for every character it adds: most of
a PDF's drawing time. ``rendering/_fonts.py`` draws a line of plain text in the bundled
face with ``text()`` at the baseline and x ``cell`` uses, and a box of such lines with
``rect``/``line`` and those lines. The timing lives in benchmarks/; these tests pin that
the fast path is taken and that it puts every glyph where fpdf2 would.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any

import fpdf
import pypdf
import pytest

import rarepassport as rp
from rarepassport import render_rendered
from rarepassport.rendering import _fonts

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "child-several-diagnoses.json"

_SHOWN = re.compile(rb"BT ([\d.]+) ([\d.]+) Td (?:[\d.]+ [\d.]+ [\d.]+ rg )?(\((?:\\.|[^\\)])*\)) Tj ET")


def _page_content(pdf: Any) -> bytes:
    pdf.set_compression(False)
    data = bytes(pdf.output())
    return pypdf.PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()


def _draw_lines(pdf: Any) -> tuple[list[tuple[bytes, ...]], tuple[float, float]]:
    _fonts.install_fonts(pdf, ["Plain line, L R C: Ωμέγα 1.5 mg fit right", "A boxed title that wraps"])
    pdf.add_page()
    pdf.set_font(_fonts.BUNDLED_FAMILY, "", 10.5)
    pdf.set_text_color(20, 20, 20)
    for align in ("L", "R", "C"):
        pdf.cell(80, 5, f"Plain line, {align} Ωμέγα 1.5 mg", align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, "right", align="R")
    pdf.set_x(pdf.l_margin)
    pdf.cell(None, 5, "fit", new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(230, 236, 245)
    pdf.set_font(_fonts.BUNDLED_FAMILY, "B", 13.5)
    pdf.multi_cell(0, 7, "A boxed title that wraps " * 6, fill=True, padding=(0.5, 2.5), align="L",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 7, "A boxed title", border="LTR", fill=True, padding=(2.5, 2.5, 0.5, 2.5), align="L",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(60, 7, "A title that wraps right", align="R", new_x="LMARGIN", new_y="NEXT")
    position = (round(pdf.x, 6), round(pdf.y, 6))
    return _SHOWN.findall(_page_content(pdf)), position


def test_a_plain_line_or_box_puts_each_text_where_fpdf2_s_cell_and_multi_cell_put_it() -> None:
    ours, our_position = _draw_lines(_fonts.pdf_class()(unit="mm", format="A4"))
    theirs, their_position = _draw_lines(fpdf.FPDF(unit="mm", format="A4"))
    assert len(ours) >= 9
    assert ours == theirs  # the same text, at the same start, line by line
    assert our_position == their_position  # and the next one starts where fpdf2's would


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts = {"cell": 0, "multi_cell": 0}
    for name in counts:
        original = getattr(fpdf.FPDF, name)

        def counted(self: Any, *args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            if not kwargs.get("dry_run"):
                counts[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(fpdf.FPDF, name, counted)
    return counts


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_a_passport_s_lines_are_drawn_without_fpdf2_s_cell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                         format: str) -> None:
    # Before: 739 cells and 35 multi_cells for the 794 lines of this PDF, 30 and 2 for its card.
    passport = rp.load(EXAMPLE)
    counts = _counting(monkeypatch)
    data = render_rendered(passport, format, "full" if format == "pdf" else None).data
    reader = pypdf.PdfReader(io.BytesIO(data))
    lines = sum(page.get_contents().get_data().count(b"Tj") for page in reader.pages)
    assert lines > 30
    # What is left to fpdf2: the footer's "Page X of Y" and a line that breaks the page.
    assert counts["cell"] <= 2 * len(reader.pages)
    assert counts["multi_cell"] <= 2
    path = tmp_path / "drawn.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert passport.person.name in text
