"""The card backend: ID-1 size, front and back content, shrinking, overflow, sheet, QR.

Every test renders a real PDF and reads it back with pypdf.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pypdf
import pytest

import rarepassport as rp
from helpers.stress import make_stress_passport
from rarepassport import render_rendered
from rarepassport.rendering import Rendered, _fonts
from rarepassport.rendering._card import MAX_FONT_SIZE, MIN_FONT_SIZE

TODAY = dt.date(2026, 11, 27)
# ISO/IEC 7810 ID-1 in points: 85.60 mm × 53.98 mm.
CARD_WIDTH_PT, CARD_HEIGHT_PT = 242.65, 153.01


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the bundled font, whatever this machine has installed: reproducible tests."""
    monkeypatch.setenv(_fonts.SYSTEM_FONTS_ENV, "0")
    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


def small_passport() -> rp.Passport:
    """A fictional passport whose emergency essentials fit on a card."""
    return rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), address="4 Larkspur Road"),
        diagnoses=(rp.Diagnosis(name="Congenital adrenal hyperplasia", primary=True,
                                genetics=(rp.GeneticFinding(gene="CYP21A2"),)),),
        emergency=rp.Emergency(
            summary="Needs hydrocortisone by injection at once if vomiting or drowsy.",
            protocols=(rp.Protocol(title="Adrenal crisis",
                                   steps=("Inject hydrocortisone 100 mg.", "Call 999: say adrenal crisis.")),),
            avoid=(rp.Avoid(what="Etomidate", reason="suppresses cortisol"),),
        ),
        medications=(
            rp.Medication(name="Hydrocortisone", dose="5 mg", frequency="three times a day", time_critical=True),
            rp.Medication(name="Vitamin D", dose="400 units"),
        ),
        allergies=(rp.Allergy(substance="Penicillin", reaction="hives", severity=rp.Severity.SEVERE),),
        contacts=(rp.Contact(name="Grace Example", relationship="mother", role=rp.ContactRole.EMERGENCY,
                             phone="07700 900123"),),
        care_team=(rp.CareTeamMember(name="Dr Jane Okafor", role="consultant", lead=True, phone="020 7946 0000"),
                   rp.CareTeamMember(name="Dr Sam Lee", role="GP")),
    )


def card(passport: rp.Passport, **options: object) -> Rendered:
    return render_rendered(passport, "card", "emergency", today=TODAY, **options)


def read(rendered: Rendered) -> pypdf.PdfReader:
    assert rendered.data.startswith(b"%PDF")
    return pypdf.PdfReader(io.BytesIO(rendered.data))


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def texts(rendered: Rendered) -> list[str]:
    return [squashed(page.extract_text() or "") for page in read(rendered).pages]


def test_a_card_is_two_pages_of_exactly_id1_size() -> None:
    reader = read(card(small_passport()))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(CARD_WIDTH_PT, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(CARD_HEIGHT_PT, abs=0.1)


def test_the_front_has_name_birth_date_diagnoses_allergies_and_time_critical_medicines() -> None:
    front = texts(card(small_passport()))[0]
    for value in ("Ada Example", "2 March 2015", "Congenital adrenal hyperplasia", "Needs hydrocortisone",
                  "Penicillin", "Hydrocortisone"):
        assert squashed(value) in front


def test_the_back_has_protocol_steps_avoid_one_contact_and_the_lead_clinician() -> None:
    back = texts(card(small_passport()))[1]
    for value in ("Inject hydrocortisone 100 mg.", "Call 999: say adrenal crisis.", "Etomidate", "Grace Example",
                  "07700 900123", "Dr Jane Okafor"):
        assert squashed(value) in back
    assert "DrSamLee" not in back  # only the lead clinician


def test_a_card_shows_nothing_outside_the_emergency_view() -> None:
    text = "".join(texts(card(small_passport())))
    assert "Larkspur" not in text  # address: full view only
    assert "CYP21A2" not in text  # genetics: full view only
    assert "VitaminD" not in text  # not time-critical: not a card item


def test_a_card_that_fits_has_no_warning_and_no_more_note() -> None:
    rendered = card(small_passport())
    assert rendered.warnings == ()
    assert "Moreinthefullpassport" not in "".join(texts(rendered))


def test_an_overfull_card_says_on_the_card_what_was_left_off_class_by_class() -> None:
    rendered = card(make_stress_passport(), missing_glyphs="mark")
    text = "".join(texts(rendered))
    assert "Moreinthefullpassport" in text
    # The class that could not be shown whole says how much of it is missing.
    assert re.search(r"\+\d+more(steps)?—seepassport", text)
    assert not any("wallet card" in w for w in rendered.warnings)  # said on the card, not on stderr


def test_text_is_shrunk_but_never_below_the_minimum_size() -> None:
    rendered = card(make_stress_passport(), missing_glyphs="mark")
    sizes: list[float] = []
    for page in read(rendered).pages:
        content = page.get_contents()
        assert content is not None
        sizes += [float(s) for s in re.findall(rb"/F\d+ ([\d.]+) Tf", content.get_data())]
    assert min(sizes) >= MIN_FONT_SIZE


def test_a_slightly_long_card_is_shrunk_instead_of_cut() -> None:
    passport = small_passport()
    steps = tuple(f"Step {n}: keep her warm and check glucose every hour." for n in range(1, 10))
    longer = rp.Passport(**{**{f: getattr(passport, f) for f in ("person", "diagnoses", "medications",
                                                                  "allergies", "contacts", "care_team")},
                            "emergency": rp.Emergency(protocols=(rp.Protocol(title="Crisis", steps=steps),))})
    rendered = card(longer)
    assert rendered.warnings == ()
    back = texts(rendered)[1]
    assert all(squashed(step) in back for step in steps)
    content = read(rendered).pages[1].get_contents()
    assert content is not None
    body_sizes = {float(s) for s in re.findall(rb"/F\d+ ([\d.]+) Tf", content.get_data())} - {9.0}  # 9: top band
    assert MIN_FONT_SIZE <= min(body_sizes) < MAX_FONT_SIZE


def test_a_step_that_does_not_fit_takes_the_later_steps_of_its_protocol_with_it() -> None:
    steps = ("Inject hydrocortisone 100 mg.", "Long step. " * 200, "Tell the Okafor team.")
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        emergency=rp.Emergency(protocols=(rp.Protocol(title="Crisis", steps=steps),)),
    )
    rendered = card(passport)
    back = texts(rendered)[1]
    assert "Injecthydrocortisone100mg." in back
    assert "TelltheOkaforteam." not in back  # step 3 never without step 2
    assert "+2moresteps—seepassport" in back


def test_sheet_puts_front_and_back_on_one_a4_page() -> None:
    reader = read(card(small_passport(), sheet=True))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.1)
    text = squashed(page.extract_text() or "")
    assert "AdaExample" in text and "Injecthydrocortisone100mg." in text
    assert "Cutalongthemarks" in text  # how to make the card


def test_sheet_draws_cut_marks() -> None:
    page = read(card(small_passport(), sheet=True)).pages[0]
    content = page.get_contents()
    assert content is not None
    # Eight cut marks at the outer corners, two at the fold, and the fold line itself.
    assert len(re.findall(rb" l S", content.get_data())) >= 11


def test_a_qr_code_goes_on_the_back() -> None:
    reader = read(card(small_passport(), qr="emergency"))
    assert len(reader.pages[0].images) == 0
    assert len(reader.pages[1].images) == 1


def test_an_emergency_qr_too_long_for_the_card_is_shortened_and_says_so_in_the_code() -> None:
    from rarepassport.rendering._qr import CARD_QR_BYTES, CARD_QR_LIMIT, emergency_qr_text

    document = rp.layout(make_stress_passport(), "emergency", today=TODAY)
    content = emergency_qr_text(document, CARD_QR_LIMIT, most_bytes=CARD_QR_BYTES)
    assert content.shortened and content.text.endswith("More in the full passport")
    assert len(content.text) <= CARD_QR_LIMIT and len(content.text.encode("utf-8")) <= CARD_QR_BYTES
    assert len(read(card(make_stress_passport(), qr="emergency", missing_glyphs="mark")).pages[1].images) == 1
