"""Passports written in Chinese, Hindi, Arabic and Hebrew print exactly as written.

Each test renders a real PDF with the Noto fonts found on this machine (CI installs
Debian's fonts-noto-core and fonts-noto-cjk) and reads the text back with two
independent extractors, pypdf and poppler's ``pdftotext``. Phone numbers and doses
must come back character for character and in order; words in right-to-left scripts
may come back in logical or visual order (extractors differ), never with other
characters. Characters no font has are an error naming where they are, or, when the
user accepts it, a visible marker.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF

import rarepassport as rp
from helpers.scripts import system_fonts  # noqa: F401 (system_fonts: an autouse fixture)
from rarepassport import render_rendered
from rarepassport.rendering import MissingGlyphsError, Rendered, RenderError, _fonts
from rarepassport.rendering._verify import (
    MISSING_GLYPH_MARKER,
    extract_pdf_text,
    isolate_left_to_right,
    skeleton,
    verify_pdf_text,
)

TODAY = dt.date(2026, 11, 27)
SRC = Path(rp.__file__).resolve().parent.parent

PHONES = ("+44 20 7946 0000", "+966 50 123 4567", "+91 98765 43210")
DOSES = ("50 µg", "1.5 mg/m²", "≥ 38 °C", "½ tablet")

# What each passport is written in: a name, a diagnosis, an allergy substance and a
# protocol step in the script, each step with a dose or phone number inside it.
SCRIPTS: dict[str, dict[str, object]] = {
    "chinese": {
        "sample": "王",
        "name": "王小明",
        "diagnosis": "肾上腺皮质功能不全",
        "substance": "青霉素",
        "steps": ("立即注射氢化可的松 50 µg", "剂量 1.5 mg/m² 每天", "体温 ≥ 38 °C 时给 ½ tablet",
                  "请致电 +44 20 7946 0000"),
    },
    "hindi": {
        "sample": "अ",
        "name": "अनन्या शर्मा",
        "diagnosis": "अधिवृक्क अपर्याप्तता",
        "substance": "पेनिसिलिन",
        "steps": ("तुरंत 50 µg दें", "खुराक 1.5 mg/m² प्रतिदिन", "बुखार ≥ 38 °C हो तो ½ tablet दें",
                  "फ़ोन करें +91 98765 43210"),
    },
    "arabic": {
        "sample": "ل",
        "name": "ليلى حسن",
        "diagnosis": "قصور الغدة الكظرية",
        "substance": "البنسلين",
        "steps": ("أعط 50 µg فورا", "الجرعة 1.5 mg/m² يوميا", "إذا كانت الحرارة ≥ 38 °C أعط ½ tablet",
                  "اتصل على +966 50 123 4567"),
    },
    "hebrew": {
        "sample": "נ",
        "name": "נועה כהן",
        "diagnosis": "אי ספיקת יותרת הכליה",
        "substance": "פניצילין",
        "steps": ("תן 50 µg מיד", "מינון 1.5 mg/m² ביום", "בחום ≥ 38 °C תן ½ tablet",
                  "התקשרו +44 20 7946 0000"),
    },
}


def need_font_for(char: str) -> None:
    if not any(ord(char) in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip(f"no font on this machine draws U+{ord(char):04X} "
                    "(install Debian's fonts-noto-core and fonts-noto-cjk to run this)")


def poppler_text(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def both_extractions(rendered: Rendered) -> dict[str, str]:
    """The whole text of the PDF, whitespace-free, as pypdf and as poppler read it."""
    return {"pypdf": skeleton("\n".join(extract_pdf_text(rendered.data))),
            "pdftotext": skeleton(poppler_text(rendered.data))}


def script_passport(script: str) -> rp.Passport:
    words = SCRIPTS[script]
    steps = words["steps"]
    assert isinstance(steps, tuple)
    return rp.Passport(
        person=rp.Person(name=str(words["name"]), date_of_birth=dt.date(2015, 3, 2),
                         weight=rp.Weight(kg=18.5, measured_on=dt.date(2026, 10, 1))),
        diagnoses=(rp.Diagnosis(name=str(words["diagnosis"]), primary=True),),
        emergency=rp.Emergency(protocols=(rp.Protocol(title=str(words["diagnosis"]), steps=steps),)),
        medications=(rp.Medication(name="Hydrocortisone", dose="1.5 mg/m²", frequency="daily"),
                     rp.Medication(name="Fludrocortisone", dose="50 µg", reason=str(words["diagnosis"]))),
        allergies=(rp.Allergy(substance=str(words["substance"]), reaction="Anaphylaxis",
                              severity="life-threatening"),),
        contacts=(rp.Contact(name=str(words["name"]), role="emergency", phone=PHONES[0]),
                  rp.Contact(name="Omar", role="parent", phone=PHONES[1])),
        care_team=(rp.CareTeamMember(name="Dr Rao", role="consultant", phone=PHONES[2]),),
    )


def words_of(text: str) -> list[str]:
    return [skeleton(word) for word in text.split() if skeleton(word)]


def shown(haystack: str, word: str) -> bool:
    """A word is shown: as written, or (right-to-left words) in visual order."""
    return word in haystack or word[::-1] in haystack


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_a_passport_in_each_script_prints_every_phone_number_dose_and_word_as_written(script: str) -> None:
    need_font_for(str(SCRIPTS[script]["sample"]))
    rendered = render_rendered(script_passport(script), "pdf", today=TODAY)
    assert not any("U+" in warning for warning in rendered.warnings)
    right_to_left = script in ("arabic", "hebrew")
    for extractor, text in both_extractions(rendered).items():
        for exact in (*PHONES, *DOSES):
            if right_to_left and extractor == "pdftotext" and unicodedata.bidirectional(exact[0]) == "ON":
                # poppler reorders a neutral sign ("≥", "½") at the start of a left-to-
                # right run by its own reading of right-to-left lines (the page shows
                # "≥ 38 °C", and pypdf reads it so); the sign must still be there and
                # never mirrored ("≤").
                assert skeleton(exact[1:]) in text and exact[0] in text and "≤" not in text
                continue
            # Character for character and in order: no reversed digit groups, no "966+".
            assert skeleton(exact) in text, f"{exact!r} by {extractor}"
        for value in (SCRIPTS[script]["name"], SCRIPTS[script]["diagnosis"], SCRIPTS[script]["substance"]):
            for word in words_of(str(value)):
                assert shown(text, word), f"{script} word from the passport by {extractor}"
        for step in SCRIPTS[script]["steps"]:  # type: ignore[attr-defined]
            for word in words_of(step):
                assert shown(text, word), f"{script} protocol step by {extractor}"
        assert MISSING_GLYPH_MARKER not in text


@pytest.mark.parametrize("script", ["chinese", "hindi"])
def test_latin_letters_and_digits_beside_a_fallback_font_are_not_garbled(script: str) -> None:
    # The fpdf2 bug: a line that starts with a fallback-font character left the next
    # lines in the wrong font ("+44 flflLL 0LLfl▯0", "Ffy18s4g1hs1ufuA").
    need_font_for(str(SCRIPTS[script]["sample"]))
    rendered = render_rendered(script_passport(script), "pdf", today=TODAY)
    for extractor, text in both_extractions(rendered).items():
        for exact in ("Life-threatening", "Emergency contact", "Anaphylaxis", "Hydrocortisone", PHONES[0]):
            assert skeleton(exact) in text, f"{exact!r} by {extractor}"
        for number in ("1.", "2.", "3.", "4."):  # protocol step numbers
            assert number in text


@pytest.mark.parametrize("script", ["arabic", "hindi"])
def test_the_running_header_and_footer_show_the_name_shaped_on_every_page(script: str) -> None:
    # A page break inside a Latin paragraph draws the next header and the last footer
    # from inside that paragraph's cell; they once came out unshaped (an Arabic name
    # unjoined and backwards on every third page), which the read-back of the body
    # text, inside the margins, does not see.
    need_font_for(str(SCRIPTS[script]["sample"]))
    data = rp.to_dict(rp.load(SRC.parent / "examples" / "child-several-diagnoses.json"))
    data["person"]["name"] = SCRIPTS[script]["name"]
    rendered = render_rendered(rp.from_dict(data), "pdf", today=TODAY)
    pypdf_pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(rendered.data)).pages]
    poppler_pages = [page for page in poppler_text(rendered.data).split("\f") if page.strip()]
    assert len(pypdf_pages) == len(poppler_pages) >= 4
    for extractor, pages in (("pypdf", pypdf_pages), ("pdftotext", poppler_pages)):
        running = []
        for page in pages:
            lines = [line for line in page.splitlines() if line.strip()]
            # The header's first line and the footer, page numbers left out.
            running.append(tuple("".join(c for c in line if not c.isdigit()) for line in (lines[0], lines[-1])))
        assert all(shown("".join(running[0]), word) for word in words_of(str(SCRIPTS[script]["name"]))), extractor
        assert running == [running[0]] * len(running), extractor


def test_the_verification_catches_text_drawn_in_the_wrong_font_by_plain_fpdf2() -> None:
    need_font_for("王")
    cjk = next(face for face in _fonts.system_fallback_fonts()
               if ord("王") in _fonts._coverage(face.regular, face.collection_index))
    pdf = FPDF()
    pdf.add_font("main", "", str(_fonts.bundled_font().regular))
    pdf.add_font("main", "B", str(_fonts.bundled_font().bold))
    pdf.add_font("cjk", "", str(cjk.regular), collection_font_number=cjk.collection_index)
    pdf.set_fallback_fonts(["cjk"], exact_match=False)
    pdf.add_page()
    pdf.set_font("main", "B", 10)
    pdf.cell(40, 8, "Name")
    pdf.set_text_color(20, 20, 20)
    pdf.set_font("main", "", 10)
    pdf.cell(40, 8, "王小明")
    pdf.cell(60, 8, "Emergency contact +44 20 7946 0000")
    problems = verify_pdf_text(bytes(pdf.output()), [("$.contacts[0].phone", "+44 20 7946 0000")])
    assert problems == ["$.contacts[0].phone: the PDF does not show this text as written"]


def test_the_verification_catches_a_phone_number_reversed_in_right_to_left_text() -> None:
    need_font_for("ل")
    arabic = next(face for face in _fonts.system_fallback_fonts()
                  if ord("ل") in _fonts._coverage(face.regular, face.collection_index))
    step = "اتصل على +966 50 123 4567"
    for drawn, problems in ((step, 1), (isolate_left_to_right(step), 0)):
        pdf = FPDF()
        pdf.add_font("main", "", str(_fonts.bundled_font().regular))
        pdf.add_font("arabic", "", str(arabic.regular))
        pdf.set_fallback_fonts(["arabic"], exact_match=False)
        pdf.set_text_shaping(True)
        pdf.add_page()
        pdf.set_font("main", "", 10)
        pdf.cell(0, 8, drawn, align="R")
        # Without the isolates the bidi algorithm prints "4567 123 50 966+".
        assert len(verify_pdf_text(bytes(pdf.output()), [("step 4", step)])) == problems


def first_x_of(rendered: Rendered, word: str) -> tuple[float, float]:
    """Where a text run containing ``word`` starts (x in points) and the page width."""
    page = pypdf.PdfReader(io.BytesIO(rendered.data)).pages[0]
    found: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        if word in text:
            found.append(float(tm[4]) * float(cm[0]) + float(cm[4]))

    page.extract_text(visitor_text=visit)
    assert found
    return found[0], float(page.mediabox.width)


@pytest.mark.parametrize("script", ["arabic", "hebrew"])
def test_a_right_to_left_paragraph_is_right_aligned(script: str) -> None:
    need_font_for(str(SCRIPTS[script]["sample"]))
    diagnosis = str(SCRIPTS[script]["diagnosis"])
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           emergency=rp.Emergency(summary=diagnosis))
    rendered = render_rendered(passport, "pdf", today=TODAY)
    x, width = first_x_of(rendered, diagnosis.split()[0][:2])
    assert x > width / 2  # a short line drawn against the right margin


# --- characters no font can draw -------------------------------------------------------

NO_FONT = "\U0010fffd"  # a private-use code point: no font on any system draws it


def passport_with_an_undrawable_character() -> rp.Passport:
    return rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        allergies=(rp.Allergy(substance=f"Peni{NO_FONT}cillin", reaction="Anaphylaxis"),),
    )


def test_a_character_no_font_draws_is_an_error_naming_where_it_is() -> None:
    assert not any(ord(NO_FONT) in _fonts._coverage(face.regular, face.collection_index)
                   for face in _fonts.system_fallback_fonts())
    with pytest.raises(MissingGlyphsError) as raised:
        render_rendered(passport_with_an_undrawable_character(), "pdf", today=TODAY)
    message = str(raised.value)
    assert "section 'allergies'" in message and "row 1, column 1 (Substance)" in message
    assert "U+10FFFD" in message
    assert "Peni" not in message  # never the text itself


def test_the_card_refuses_an_undrawable_character_too() -> None:
    with pytest.raises(MissingGlyphsError):
        render_rendered(passport_with_an_undrawable_character(), "card", "emergency", today=TODAY)


def test_with_missing_glyphs_mark_the_character_is_a_visible_marker_and_a_warning_says_where() -> None:
    rendered = render_rendered(passport_with_an_undrawable_character(), "pdf", today=TODAY, missing_glyphs="mark")
    for extractor, text in both_extractions(rendered).items():
        assert skeleton(f"Peni{MISSING_GLYPH_MARKER}cillin") in text, extractor
        # The document says what the marker means.
        assert skeleton("marks a character that could not be printed") in text, extractor
    warning = next(w for w in rendered.warnings if "U+10FFFD" in w)
    assert "section 'allergies'" in warning and "Peni" not in warning


def test_an_unknown_missing_glyphs_value_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="missing_glyphs"):
        render_rendered(passport_with_an_undrawable_character(), "pdf", today=TODAY, missing_glyphs="ignore")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "rarepassport", *args], capture_output=True, text=True,
                          check=False, env=env)


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_the_cli_fails_on_an_undrawable_character_unless_allowed(tmp_path: Path, format: str) -> None:
    source = tmp_path / "passport.json"
    rp.dump(passport_with_an_undrawable_character(), source)
    out = tmp_path / "out.pdf"
    refused = run_cli("render", str(source), "--format", format, "-o", str(out))
    assert refused.returncode != 0
    assert "U+10FFFD" in refused.stderr and "Traceback" not in refused.stderr
    assert not out.exists()
    allowed = run_cli("render", str(source), "--format", format, "--allow-missing-glyphs", "-o", str(out))
    assert allowed.returncode == 0, allowed.stderr
    assert "U+10FFFD" in allowed.stderr  # the warning
    assert MISSING_GLYPH_MARKER in poppler_text(out.read_bytes())


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_a_card_in_each_script_prints_its_phone_numbers_allergy_and_name_as_written(script: str) -> None:
    need_font_for(str(SCRIPTS[script]["sample"]))
    passport = script_passport(script)
    rendered = render_rendered(passport, "card", today=TODAY)
    assert not any("U+" in warning for warning in rendered.warnings)
    for extractor, text in both_extractions(rendered).items():
        # The emergency contact's number, each character in order.
        for exact in (PHONES[0],):
            assert skeleton(exact) in text, f"{exact!r} on the {script} card by {extractor}"
        for value in (SCRIPTS[script]["name"], SCRIPTS[script]["substance"]):
            for word in words_of(str(value)):
                assert shown(text, word), f"{script} word on the card by {extractor}"
        assert MISSING_GLYPH_MARKER not in text


@pytest.mark.parametrize("language", ["zh-Hans", "ja"])
def test_a_phone_number_after_chinese_text_on_the_card_is_never_split_over_two_lines(language: str) -> None:
    # Chinese text has no spaces, and the phone number's spaces are no-break: the contact
    # "王小明：+44 20 7946 0000" was one word, which fpdf2 broke where it overflowed the
    # line, "+44 20 7946 000" on one line and "0" on the next (H173). A break is now
    # allowed where the Chinese text meets the number, which moves to the next line whole.
    from helpers.pdftext import poppler_text, pypdf_text
    from helpers.scripts import script_passport

    person = script_passport("zh-Hans")
    if not any(ord("王") in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip("no font for Chinese on this system")
    data = rp.render(person, "card", language=language, qr="emergency")
    for text in (poppler_text(data), pypdf_text(data)):
        lines = [line.replace("\u00a0", " ") for line in text.splitlines()]
        assert any("+44 20 7946 0000" in line for line in lines), lines
        assert not any(line.rstrip().endswith("7946 000") for line in lines), lines
