"""How the PDF passport and the wallet card look: positions read back from the real output.

Every test renders a real PDF and reads where each run of text was drawn (and at
which size, in which font) with pypdf's ``visitor_text``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pypdf
import pytest

import rarepassport as rp
from helpers.stress import make_stress_passport
from rarepassport import render_rendered
from rarepassport.rendering import Rendered, _fonts

TODAY = dt.date(2026, 11, 27)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CONDITIONS = sorted((EXAMPLES / "conditions").glob("*.json"))
ALL_EXAMPLES = sorted([*EXAMPLES.glob("*.json"), *EXAMPLES.glob("*.yaml"), *CONDITIONS])
MM = 72 / 25.4


@attrs.frozen
class Run:
    """A run of text as drawn: where (points, from the bottom left), how big, which font."""

    x: float
    y: float
    size: float
    font: str
    text: str


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the bundled font, whatever this machine has installed: reproducible tests."""
    monkeypatch.setenv(_fonts.SYSTEM_FONTS_ENV, "0")
    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


def runs(page: pypdf.PageObject) -> list[Run]:
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        base = str(font.get("/BaseFont", "")) if font else ""
        found.append(Run(x, y, size * (tm[3] or 1) * (cm[3] or 1), base, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def pages(rendered: Rendered) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(rendered.data)).pages)


def load(path: Path) -> rp.Passport:
    return rp.load(path)


@pytest.mark.parametrize("options", [{"size": "a4"}, {"size": "a5"}, {"size": "letter"},
                                     {"large_print": True}, {"qr": "emergency"}], ids=str)
def test_no_pdf_text_starts_outside_the_page(options: dict[str, Any]) -> None:
    rendered = render_rendered(make_stress_passport(), "pdf", "full", today=TODAY, missing_glyphs="mark", **options)
    for number, page in enumerate(pages(rendered), 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        for run in runs(page):
            assert 0 <= run.x < width and 0 <= run.y < height, (number, run.text)


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("size", ["a4", "a5"])
def test_no_page_ends_with_a_heading(path: Path, size: str) -> None:
    rendered = render_rendered(load(path), "pdf", "full", today=TODAY, size=size)
    body = 10.5 if size == "a4" else 9.5
    reader = pages(rendered)
    for number, page in enumerate(reader[:-1], 1):
        # Header and footer are in 7.5 pt, tables in smaller type than body text,
        # headings in larger.
        content = [run for run in runs(page) if run.size > 8]
        last = min(content, key=lambda run: run.y)
        assert last.size <= body, f"page {number} ends with the heading {last.text!r}"


def test_the_running_header_stays_above_the_content_of_every_page() -> None:
    rendered = render_rendered(make_stress_passport(), "pdf", "full", today=TODAY, missing_glyphs="mark")
    for page in pages(rendered)[1:]:
        drawn = runs(page)
        height = float(page.mediabox.height)
        header = [run for run in drawn if run.size < 8 and run.y > height / 2]
        content = [run for run in drawn if run.size >= 8]
        assert header and content
        # Content baselines sit at least a line below the header's last baseline.
        assert max(run.y for run in content) < min(run.y for run in header) - 10


def card_runs(passport: rp.Passport, **options: Any) -> tuple[list[list[Run]], Rendered]:
    # The stress passport has Chinese, which the bundled font alone cannot draw: marked.
    rendered = render_rendered(passport, "card", "emergency", today=TODAY, missing_glyphs="mark", **options)
    return [runs(page) for page in pages(rendered)], rendered


@pytest.mark.parametrize("path", [*ALL_EXAMPLES, None], ids=lambda p: p.name if p else "stress")
def test_no_card_text_starts_outside_the_card(path: Path | None) -> None:
    passport = load(path) if path else make_stress_passport()
    sides, rendered = card_runs(passport)
    for side, page in zip(sides, pages(rendered), strict=True):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        for run in side:
            assert 0 < run.x < width - 5 and 0 < run.y < height, run.text


@pytest.mark.parametrize("path", [*ALL_EXAMPLES, None], ids=lambda p: p.name if p else "stress")
def test_a_card_side_that_leaves_text_off_is_filled_to_its_foot(path: Path | None) -> None:
    passport = load(path) if path else make_stress_passport()
    sides, rendered = card_runs(passport)
    for side, page in zip(sides, pages(rendered), strict=True):
        if not any("Moreinthefullpassport" in "".join(run.text.split()) for run in side):
            continue
        lowest = min(run.y for run in side)
        body = min(run.size for run in side)
        # 2.8 mm margin, then at most about one line (plus its spacing) left over.
        assert lowest < 2.8 * MM + body * 2.6, "a side that says 'More in the full passport' has room left"
        assert float(page.mediabox.height) > lowest


def test_a_card_with_little_on_it_prints_it_larger_than_a_full_one() -> None:
    sparse, _ = card_runs(load(EXAMPLES / "conditions" / "haemophilia.json"))
    full, _ = card_runs(make_stress_passport())
    assert min(run.size for run in sparse[0]) > min(run.size for run in full[0]) + 1


def test_the_adrenal_card_shows_the_emergency_hydrocortisone_dose_in_bold_on_the_back() -> None:
    sides, _ = card_runs(load(EXAMPLES / "conditions" / "adrenal-insufficiency.json"))
    back = sides[1]
    bold = " ".join(run.text for run in back if "Bold" in run.font)
    assert "100 mg hydrocortisone IM" in bold
    label = next(run for run in back if run.text.startswith("Emergency hydrocortisone dose"))
    title = next(run for run in back if run.text.startswith("Adrenal insufficiency"))
    # A line of its own under the condition's title, not run on after other fields.
    assert label.x == pytest.approx(title.x) and label.y < title.y


@pytest.mark.parametrize(("path", "dose"), [
    ("haemophilia.json", "3000 IU IV"),
    ("dravet-syndrome.json", "7.5 mg into the side of the mouth"),
], ids=["haemophilia", "dravet"])
def test_a_condition_plugins_dose_is_bold_on_the_card(path: str, dose: str) -> None:
    sides, _ = card_runs(load(EXAMPLES / "conditions" / path))
    bold = " ".join(run.text for run in sides[1] if "Bold" in run.font)
    assert dose in bold


def test_the_daily_dose_is_not_in_bold_on_the_card() -> None:
    sides, _ = card_runs(load(EXAMPLES / "conditions" / "adrenal-insufficiency.json"))
    bold = " ".join(run.text for run in sides[1] if "Bold" in run.font)
    assert "Emergency hydrocortisone dose" in bold  # the emergency dose is bold...
    assert "10 mg on waking" not in bold  # ...the daily dose never is


def test_a_thing_to_avoid_is_followed_by_its_reason_in_brackets_on_the_card() -> None:
    full = load(EXAMPLES / "conditions" / "haemophilia.json")
    passport = attrs.evolve(full, extensions={}, care_team=(), contacts=(),
                            emergency=attrs.evolve(full.emergency, protocols=()))
    sides, _ = card_runs(passport)
    back = " ".join(run.text for run in sides[1])
    assert "Intramuscular injections (risk of muscle bleeding)" in back


def test_the_card_sheet_keeps_its_text_inside_the_two_card_outlines() -> None:
    sides, rendered = card_runs(load(EXAMPLES / "conditions" / "adrenal-insufficiency.json"), sheet=True)
    page = pages(rendered)[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    left = (width - 2 * 85.6 * MM) / 2
    top = height - 25 * MM
    cards = [run for run in sides[0] if run.y > top - 53.98 * MM]
    assert cards
    for run in cards:
        assert left < run.x < width - left and run.y < top, run.text


def test_a_line_introducing_a_table_is_kept_on_the_page_of_the_table() -> None:
    for size in ("a4", "a5", "letter"):
        rendered = render_rendered(make_stress_passport(), "pdf", "full", today=TODAY, size=size,
                                   missing_glyphs="mark")
        for number, page in enumerate(pages(rendered)[:-1], 1):
            content = [run for run in runs(page) if run.size > 8]
            last = min(content, key=lambda run: run.y)
            assert not last.text.startswith("Give on time"), (size, number)


def test_the_emergency_hydrocortisone_dose_is_bold_in_the_pdf_and_the_daily_dose_is_not() -> None:
    rendered = render_rendered(load(EXAMPLES / "conditions" / "adrenal-insufficiency.json"), "pdf", "full",
                               today=TODAY)
    drawn = [run for page in pages(rendered) for run in runs(page)]
    # The label and its value may share a drawn line: find the runs by the dose itself.
    emergency = [run for run in drawn if "100 mg hydrocortisone IM" in run.text]
    daily = [run for run in drawn if "10 mg on waking, 5 mg at noon" in run.text]
    assert emergency and all("Bold" in run.font for run in emergency)
    assert daily and all("Bold" not in run.font for run in daily)


def test_printed_html_pages_carry_the_title_and_page_number() -> None:
    weasyprint = pytest.importorskip("weasyprint")
    rendered = render_rendered(make_stress_passport(), "html", "full", today=TODAY)
    pdf = weasyprint.HTML(string=rendered.data.decode()).write_pdf()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    assert total > 2
    second = reader.pages[1].extract_text()
    assert "Rare disease passport:" in second
    assert f"2 / {total}" in second


def test_a_table_too_wide_for_a5_is_drawn_as_one_record_per_row_without_broken_words() -> None:
    rendered = render_rendered(load(EXAMPLES / "child-several-diagnoses.json"), "pdf", "full", today=TODAY,
                               size="a5")
    drawn = [run.text for page in pages(rendered) for run in runs(page)]
    assert "Medicine: Levetiracetam oral solution" in drawn  # on one line, not in pieces
    assert "April 2021" in drawn  # "Started" on a line of its own, not "Ap / ril / 20 / 21"


def test_a_table_that_fits_on_a4_stays_a_table() -> None:
    rendered = render_rendered(load(EXAMPLES / "child-several-diagnoses.json"), "pdf", "full", today=TODAY)
    drawn = [run.text for page in pages(rendered) for run in runs(page)]
    assert "Started" in drawn and "Started:" not in drawn  # a column heading, not a field label
