"""A label and its value are joined as the document's language writes it, in every backend.

The join is one catalogue phrase, ``phrase.label_value``: ``Date of birth: 2 March 2015``
in English, ``Date de naissance : 2 mars 2015`` in French (a no-break space before the
colon), ``出生日期：2015年3月2日`` in Chinese. No backend writes its own ``": "``. Each
backend's output is read back as a reader gets it: PDFs with pypdf and poppler's
``pdftotext``, the QR code with zxing-cpp, HTML, Markdown and text as written.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image

import rarepassport as rp
from rarepassport.document import Table
from rarepassport.rendering._verify import extract_pdf_text

TODAY = dt.date(2026, 12, 1)
SRC = Path(rp.__file__).resolve().parent

FRENCH_JOIN = "Date de naissance : 2 mars 2015"
ENGLISH_STYLE = "Date de naissance:"


def passport(language: str) -> rp.Passport:
    return rp.Passport(
        language=language,
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        diagnoses=[rp.Diagnosis(name="Congenital adrenal hyperplasia", primary=True)],
        allergies=[rp.Allergy(substance="Penicillin", reaction="anaphylaxis", severity="life-threatening")],
        # Enough columns that an A5 page stacks the table: one "Column : value" line each.
        medications=[rp.Medication(name="Hydrocortisone", dose="5 mg", route="intramuscular",
                                   frequency="three times a day", reason="Adrenal insufficiency",
                                   started_on=dt.date(2016, 1, 1), notes="Double when feverish", time_critical=True)],
        contacts=[rp.Contact(name="Sam Example", relationship="father", role="emergency", phone="+44 20 7946 0000")],
        review=rp.Review(updated_on=dt.date(2026, 11, 11)),
    )


def spaced(text: str) -> str:
    """No-break and narrow spaces as spaces, runs of white space as one (extractors differ)."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def poppler(data: bytes) -> str:
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler-utils is installed in CI
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdf_texts(data: bytes) -> dict[str, str]:
    """The PDF's text as pypdf and as poppler read it."""
    return {"pypdf": "\n".join(extract_pdf_text(data)), "pdftotext": poppler(data)}


def qr_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    [image] = [Image.open(io.BytesIO(image.data)).convert("L") for page in reader.pages for image in page.images]
    [code] = zxingcpp.read_barcodes(image)
    return code.text


def render(language: str, format: str, **options: object) -> rp.Rendered:
    return rp.render_rendered(passport(language), format, today=TODAY, **options)


# --- French ---------------------------------------------------------------------


@pytest.mark.parametrize("format", ["html", "markdown", "text"])
def test_a_french_text_format_writes_the_french_join(format: str) -> None:
    text = spaced(render("fr", format).data.decode("utf-8"))
    # Markdown puts the label and its colon in bold: "**Date de naissance :** 2 mars 2015".
    assert FRENCH_JOIN in text.replace("**", "").replace("<strong>", "").replace("</strong>", "")
    assert ENGLISH_STYLE not in text


def test_french_html_gives_narrow_screens_the_french_join_before_each_table_cell() -> None:
    page = render("fr", "html").data.decode("utf-8")
    labels = re.findall(r'data-label="([^"]*)"', page)
    assert labels and all(label.endswith("\u00a0: ") for label in labels)
    # The colon comes from the catalogue, not from the style sheet.
    assert 'attr(data-label) ":' not in page


def test_a_french_pdf_writes_the_french_join_in_its_header_and_running_header() -> None:
    rendered = render("fr", "pdf")
    for extractor, text in pdf_texts(rendered.data).items():
        assert spaced(text).count(FRENCH_JOIN) >= 2, extractor  # under the title, and atop each page
        assert ENGLISH_STYLE not in spaced(text), extractor


def test_a_french_a5_pdf_stacks_its_tables_with_the_french_join() -> None:
    # On A5 the medicines table is one record per row: "Médicament : Hydrocortisone".
    rendered = render("fr", "pdf", size="a5")
    document = rp.layout(passport("fr"), "full", today=TODAY)
    [table] = [block for section in document.sections for block in section.blocks
               if isinstance(block, Table) and "Hydrocortisone" in block.rows[0]]
    joined = spaced(f"{table.columns[0]} : Hydrocortisone")
    for extractor, text in pdf_texts(rendered.data).items():
        assert joined in spaced(text), extractor
        assert f"{table.columns[0]}:" not in spaced(text), extractor


def test_a_french_wallet_card_writes_the_french_join() -> None:
    rendered = render("fr", "card")
    for extractor, text in pdf_texts(rendered.data).items():
        assert squashed(FRENCH_JOIN) in squashed(text), extractor
        assert "naissance :" in spaced(text) and "naissance:" not in spaced(text), extractor


def test_a_french_lock_screen_writes_the_french_join() -> None:
    rendered = render("fr", "lockscreen-pdf")
    for extractor, text in pdf_texts(rendered.data).items():
        assert squashed(FRENCH_JOIN) in squashed(text), extractor
        assert "naissance :" in spaced(text) and "naissance:" not in spaced(text), extractor


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_a_french_emergency_qr_code_writes_the_french_join_on_every_line(format: str) -> None:
    lines = qr_text(render("fr", format, qr="emergency").data).splitlines()
    assert "Date de naissance\u00a0: 2 mars 2015" in lines
    labelled = [line for line in lines if ":" in line]
    assert labelled and all("\u00a0:" in line for line in labelled), lines


# --- Chinese --------------------------------------------------------------------


def chinese_date_of_birth() -> tuple[str, str]:
    document = rp.layout(passport("zh-Hans"), "full", today=TODAY)
    return document.phrase("date_of_birth"), document.date_of_birth


@pytest.mark.parametrize("format", ["html", "markdown", "text"])
def test_a_chinese_text_format_joins_with_a_full_width_colon(format: str) -> None:
    label, value = chinese_date_of_birth()
    text = render("zh-Hans", format).data.decode("utf-8").replace("**", "")
    text = text.replace("<strong>", "").replace("</strong>", "")
    assert f"{label}：{value}" in text
    assert f"{label}:" not in text


def test_chinese_markdown_closes_its_bold_label_before_the_full_width_colon() -> None:
    # "**出生日期：**2015…" would not be bold in CommonMark: the run ends in punctuation.
    label, value = chinese_date_of_birth()
    assert f"**{label}**：{value}" in render("zh-Hans", "markdown").data.decode("utf-8")


def test_a_chinese_pdf_card_and_qr_code_join_with_a_full_width_colon() -> None:
    label, value = chinese_date_of_birth()
    for format in ("pdf", "card"):
        rendered = render("zh-Hans", format, qr="emergency")
        for extractor, text in pdf_texts(rendered.data).items():
            assert squashed(f"{label}：{value}") in squashed(text), (format, extractor)
            assert f"{label}:" not in text, (format, extractor)
        assert f"{label}：{value}" in qr_text(rendered.data).splitlines()


# --- English stays as it was -------------------------------------------------------


def test_english_keeps_the_colon_and_space() -> None:
    document = rp.layout(passport("en"), "full", today=TODAY)
    assert document.label_value("Date of birth", "2 March 2015") == "Date of birth: 2 March 2015"
    assert document.label_parts("Dose") == ("Dose: ", "")
    assert "Date of birth: 2 March 2015" in render("en", "text").data.decode("utf-8")


def test_a_document_without_the_phrase_joins_in_english() -> None:
    document = rp.Document(title="T", language="en", view=rp.View.FULL, person_name="A", date_of_birth="",
                           sections=())
    assert document.label_value("Dose", "5 mg") == "Dose: 5 mg"
    assert document.label_lead("Dose") == "Dose: "


def test_a_join_missing_a_placeholder_falls_back_to_the_english_join() -> None:
    document = rp.Document(title="T", language="xx", view=rp.View.FULL, person_name="A", date_of_birth="",
                           sections=(), phrases={"phrase.label_value": "{label} -"})
    assert document.label_value("Dose", "5 mg") == "Dose: 5 mg"


# --- no backend joins on its own -----------------------------------------------------


def _joins_in(path: Path) -> list[str]:
    """f-strings that write ``{a}: {b}`` or end ``{a}:``, outside error messages."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_raise = {id(node) for r in ast.walk(tree) if isinstance(r, ast.Raise) for node in ast.walk(r)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr) or id(node) in in_raise:
            continue
        parts = node.values
        for index, part in enumerate(parts):
            if not (isinstance(part, ast.Constant) and index and isinstance(parts[index - 1], ast.FormattedValue)):
                continue
            text = str(part.value)
            last = index == len(parts) - 1
            if (text.strip() == ":" and not last and isinstance(parts[index + 1], ast.FormattedValue)) \
                    or (text in (":", ": ") and last) or text.startswith(":**") or text.startswith(":</"):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_backend_layout_or_essentials_code_joins_a_label_and_a_value_itself() -> None:
    sources = [*sorted((SRC / "rendering").glob("*.py")), *sorted((SRC / "layouts").glob("*.py")),
               SRC / "essentials.py"]
    found = [join for path in sources for join in _joins_in(path)]
    assert found == []
    assert 'attr(data-label) "' not in (SRC / "rendering" / "_html.py").read_text(encoding="utf-8")


def test_the_guard_finds_a_hard_coded_join(tmp_path: Path) -> None:
    path = tmp_path / "backend.py"
    path.write_text('label, value = "a", "b"\nline = f"{label}: {value}"\nhead = f"**{label}:** {value}"\n'
                    'raise ValueError(f"{label}: {value}")\n', encoding="utf-8")
    assert _joins_in(path) == ["backend.py:2", "backend.py:3"]
