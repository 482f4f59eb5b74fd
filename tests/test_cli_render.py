"""The ``render`` and ``demo`` commands: outputs, options, warnings, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

import rarepassport as rp
from helpers.stress import make_stress_passport
from rarepassport.cli import main

PASSPORT = {
    "schema_version": "1.0",
    "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
    "diagnoses": [{"name": "Congenital adrenal hyperplasia"}],
    "emergency": {"protocols": [{"title": "Adrenal crisis", "steps": ["Inject hydrocortisone 100 mg."]}]},
    "contacts": [{"name": "Grace Example", "role": "emergency", "phone": "07700 900123"}],
}


@pytest.fixture
def ada(tmp_path: Path) -> Path:
    path = tmp_path / "ada.json"
    path.write_text(json.dumps(PASSPORT))
    return path


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(page.extract_text() or "" for page in reader.pages)


def test_render_writes_a_pdf_to_the_output_file(ada: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.pdf"
    assert main(["render", str(ada), "-o", str(out)]) == 0
    assert "Ada Example" in pdf_text(out)
    assert f"wrote {out}" in capsys.readouterr().err


def test_render_without_output_writes_next_to_the_passport(ada: Path) -> None:
    assert main(["render", str(ada)]) == 0
    assert (ada.parent / "ada.pdf").read_bytes().startswith(b"%PDF")
    assert main(["render", str(ada), "--format", "card"]) == 0
    assert len(pypdf.PdfReader(ada.parent / "ada-card.pdf").pages) == 2
    assert main(["render", str(ada), "--format", "html", "--view", "social"]) == 0
    assert (ada.parent / "ada-social.html").exists()


def test_render_to_standard_output_with_a_dash(ada: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["render", str(ada), "--format", "text", "-o", "-"]) == 0
    assert b"Ada Example" in capsysbinary.readouterr().out


def test_render_pdf_options_reach_the_backend(ada: Path, tmp_path: Path) -> None:
    out = tmp_path / "big.pdf"
    assert main(["render", str(ada), "--size", "letter", "--large-print", "--high-contrast",
                 "--qr", "link:https://passport.example.org/ada", "-o", str(out)]) == 0
    page = pypdf.PdfReader(out).pages[0]
    assert float(page.mediabox.width) == pytest.approx(612, abs=0.1)
    assert len(page.images) == 1


def test_render_card_sheet_is_one_a4_page(ada: Path, tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["render", str(ada), "--format", "card", "--sheet", "-o", str(out)]) == 0
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    assert "Inject hydrocortisone" in pdf_text(out)


def test_an_overfull_card_says_what_was_left_off_on_the_card_not_on_stderr(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "stress.json"
    rp.dump(make_stress_passport(), source)
    out = tmp_path / "card.pdf"
    assert main(["render", str(source), "--format", "card", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "wallet card is full" not in err
    from rarepassport.testing import pdf_text

    assert "see passport" in " ".join(pdf_text(out.read_bytes()).split())


def test_render_refuses_to_overwrite_its_input(ada: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = ada.read_bytes()
    assert main(["render", str(ada), "--format", "text", "-o", str(ada)]) == 2
    assert "refusing to overwrite the input" in capsys.readouterr().err
    assert ada.read_bytes() == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "html", "--size", "a5"], "--size applies only to --format pdf"),
        (["--format", "pdf", "--sheet"], "--sheet applies only to --format card"),
        (["--format", "rtf"], "unknown format 'rtf'"),
        (["--qr", "link:ftp://example.org"], "qr"),
    ],
)
def test_render_usage_errors_exit_2_with_one_line(ada: Path, arguments: list[str], message: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(ada), *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_render_an_unreadable_passport_exits_1_listing_each_problem_as_validate_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema_version": "1.0", "person": {"name": "Ada"}}))
    assert main(["render", str(bad), "--allow-invalid"]) == 1
    err = capsys.readouterr().err
    assert "INVALID (1 error): not rendered; it cannot be read as a passport" in err
    assert "  error   $.person.date_of_birth: required field 'date_of_birth' is missing [structure]" in err
    assert "Traceback" not in err
    assert not (tmp_path / "bad.pdf").exists()


def test_render_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err


def test_demo_writes_the_example_and_its_pdf_card_and_html(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "passport-demo"
    assert main(["demo", str(folder)]) == 0
    names = {path.name for path in folder.iterdir()}
    assert names == {"example-passport.json", "passport.pdf", "wallet-card.pdf", "wallet-card-sheet.pdf",
                     "lock-screen.png", "passport.html"}
    passport = rp.load(folder / "example-passport.json")
    assert passport.person.name in pdf_text(folder / "passport.pdf")
    assert len(pypdf.PdfReader(io.BytesIO((folder / "wallet-card.pdf").read_bytes())).pages) == 2
    assert passport.person.name in (folder / "passport.html").read_text(encoding="utf-8")
    assert str(folder / "passport.pdf") in capsys.readouterr().out


def test_demo_does_not_replace_files_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", str(folder)]) == 0
    (folder / "example-passport.json").write_text("{}")
    assert main(["demo", str(folder)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (folder / "example-passport.json").read_text() == "{}"
    assert main(["demo", str(folder), "--force"]) == 0
    assert rp.load(folder / "example-passport.json").person.name
