"""A bilingual card (``second_language=``, ``--second-language``): the labels of the
emergency essentials in two languages, the first first (*Allergies / Alergias*), the
values once. Cards are read back with poppler's ``pdftotext`` and pypdf.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

import rarepassport as rp
from helpers.stress import make_stress_passport
from rarepassport import render_rendered

TODAY = dt.date(2026, 11, 27)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ADRENAL = EXAMPLES / "conditions" / "adrenal-insufficiency.json"


def card(language: str, second: str | None, **options: object) -> bytes:
    pm = rp.make_plugin_manager(entry_points=False)
    return render_rendered(rp.load(ADRENAL), "card", language=language, plugins=pm, today=TODAY,
                           second_language=second, **options).data


def pdftotext(data: bytes, tmp_path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
    source = tmp_path / "card.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True, text=True).stdout


def squashed(text: str) -> str:
    """Without white space or the bidirectional isolates extractors keep."""
    return re.sub(r"[\s\u2066-\u2069\u202a-\u202e]+", "", text)


def pypdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_french_and_english_card_has_each_label_in_both_languages(tmp_path: Path) -> None:
    data = card("fr", "en")
    for text in (pdftotext(data, tmp_path), pypdf_text(data)):
        flat = squashed(text)
        assert "Datedenaissance/Dateofbirth:9février1984/9February1984" in flat
        assert "Diagnostics/Diagnoses:" in flat
        assert "Contactd'urgence/Emergencycontact:" in flat
        # The ending in both languages; naming in French a class that gave its room (essentials.fit).
        assert re.search("(Plusd'informationsdanslepasseportcomplet|Aussidanslepasseportcomplet:.+etplus)"
                         "/Moreinthefullpassport", flat)


def test_a_bilingual_card_says_what_was_left_off_in_both_languages(tmp_path: Path) -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    data = render_rendered(make_stress_passport(), "card", language="fr", plugins=pm, today=TODAY,
                           second_language="en", missing_glyphs="mark").data
    flat = squashed(pdftotext(data, tmp_path))
    assert re.search(r"\+(\d+)étapesdeplus—voirlepasseport/\+\1moresteps—seepassport", flat)
    assert "Plusd'informationsdanslepasseportcomplet/Moreinthefullpassport" in flat


def test_values_are_written_once(tmp_path: Path) -> None:
    flat = squashed(pdftotext(card("fr", "en"), tmp_path))
    assert flat.count("+442079460000") == 1  # the specialist team's number
    assert flat.count("MorganExample") == 2  # the name, once on each side
    assert "(maladieprincipale)" in flat and "(maincondition)" not in flat  # words inside a value: once


def test_a_value_that_is_wholly_a_fixed_phrase_is_in_both_languages(tmp_path: Path) -> None:
    flat = squashed(pdftotext(card("fr", "en"), tmp_path))
    assert "Allergies:Aucuneallergieconnue/Noknownallergies" in flat


def test_the_date_of_birth_is_written_in_both_languages(tmp_path: Path) -> None:
    """Who the card is for must be checked by a reader of either language."""
    assert "Dateofbirth:9février1984/9February1984" in squashed(pdftotext(card("fr", "en"), tmp_path))
    flat = squashed(pdftotext(card("ar", "en"), tmp_path))
    assert "9February1984" in flat


def test_an_arabic_and_english_card_has_arabic_and_english_labels(tmp_path: Path) -> None:
    data = card("ar", "en")
    flat = squashed(pdftotext(data, tmp_path))
    assert "Emergencycontact" in flat and "Moreinthefullpassport" in flat
    # The Arabic label of the emergency contact (جهة اتصال الطوارئ), read back in logical order.
    assert "جهةاتصالالطوارئ" in flat
    assert "+442079460000" in flat  # a phone number in Arabic text stays left to right
    assert pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]["/Lang"] == "ar"


def test_english_first_then_spanish(tmp_path: Path) -> None:
    flat = squashed(pdftotext(card("en", "es"), tmp_path))
    assert "Dateofbirth/Fechadenacimiento:" in flat
    assert "Emergencycontact/Contactodeurgencia:" in flat


def test_the_same_second_language_changes_nothing() -> None:
    assert squashed(pypdf_text(card("fr", "fr"))) == squashed(pypdf_text(card("fr", None)))


def test_a_second_language_without_labels_says_so_and_is_not_claimed() -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    rendered = render_rendered(rp.load(ADRENAL), "card", language="fr", plugins=pm, today=TODAY,
                               second_language="sw")
    assert any("--second-language" in warning for warning in rendered.warnings)
    flat = squashed(pypdf_text(rendered.data))
    assert "Datedenaissance/Dateofbirth" in flat  # English labels, as for any language without a catalogue


def test_a_bilingual_large_print_card_keeps_14_points(tmp_path: Path) -> None:
    data = card("fr", "en", large_print=True)
    sizes = [float(size) for page in pypdf.PdfReader(io.BytesIO(data)).pages
             for size in re.findall(rb"/F\d+ ([\d.]+) Tf", page.get_contents().get_data())]  # type: ignore[union-attr]
    assert min(sizes) >= 14
    assert "Datedenaissance/Dateofbirth" in squashed(pdftotext(data, tmp_path))


def test_the_lock_screen_is_bilingual_too() -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    data = render_rendered(rp.load(ADRENAL), "lockscreen-pdf", language="fr", plugins=pm, today=TODAY,
                           second_language="en").data
    assert "Datedenaissance/Dateofbirth" in squashed(pypdf_text(data))


def test_the_command_line_draws_a_bilingual_card(tmp_path: Path) -> None:
    from rarepassport.cli import main

    source = tmp_path / "morgan.json"
    source.write_bytes(ADRENAL.read_bytes())
    assert main(["render", str(source), "--format", "card", "--language", "fr", "--second-language", "en"]) == 0
    written = tmp_path / "morgan-card-fr-and-en.pdf"
    assert "Datedenaissance/Dateofbirth" in squashed(pdftotext(written.read_bytes(), tmp_path))


def test_the_command_line_refuses_a_second_language_for_the_accessible_pdf(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rarepassport.cli import main

    source = tmp_path / "morgan.json"
    source.write_bytes(ADRENAL.read_bytes())
    assert main(["render", str(source), "--format", "accessible-pdf", "--second-language", "en"]) != 0
    assert "--second-language applies only to --format pdf, card" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [source]


def test_layout_gives_bilingual_essentials_and_single_language_sections() -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    document = rp.layout(rp.load(ADRENAL), "emergency", "en", plugins=pm, today=TODAY, second_language="es")
    assert document.essentials is not None
    assert document.essentials.date_of_birth_label == "Date of birth / Fecha de nacimiento"
    assert all(" / " not in section.title for section in document.sections)


def test_second_language_must_be_a_tag() -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    with pytest.raises(rp.RenderError, match="second_language"):
        rp.layout(rp.load(ADRENAL), "emergency", "en", plugins=pm, second_language=3)  # type: ignore[arg-type]


def test_a_label_without_its_counterpart_is_never_paired_with_another_items_label() -> None:
    from rarepassport.clinical import ClinicalClass
    from rarepassport.essentials import EssentialGroup, EssentialItem, Essentials, bilingual

    def essentials(title: str, lead: str, path: str) -> Essentials:
        item = EssentialItem(text="Sam: 07700 900123", lead=lead, path=path)
        group = EssentialGroup(key="emergency-contact", clinical_class=ClinicalClass.EMERGENCY_CONTACT,
                               title=title, items=(item,))
        return Essentials(name="Ada", date_of_birth="", date_of_birth_label="", groups=(group,))

    first = essentials("Contact d'urgence", "Appeler", "$.contacts[0]")
    second = essentials("Emergency contact", "Call", "$.contacts[1]")  # another item
    merged = bilingual(first, second).groups[0]
    assert merged.title == "Contact d'urgence / Emergency contact"
    assert merged.items[0].lead == "Appeler"
