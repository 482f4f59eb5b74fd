"""The wallet card carries condition plugins' emergency details and the right contact."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import rarepassport as rp
from rarepassport.testing import pdf_text

CONDITIONS = Path(__file__).parent.parent / "examples" / "conditions"


def card_words(passport: rp.Passport) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rp.RenderWarning)
        data = rp.render(passport, format="card")
    return " ".join(pdf_text(data).split())


def test_card_shows_the_emergency_hydrocortisone_dose_of_an_adrenal_passport() -> None:
    passport = rp.load(CONDITIONS / "adrenal-insufficiency.json")
    section = passport.extensions["adrenal_insufficiency"]
    words = card_words(passport)
    assert "Emergency hydrocortisone dose" in words
    assert " ".join(section.emergency_hydrocortisone_dose.split()) in words


def test_card_shows_the_rescue_medicine_of_a_dravet_passport() -> None:
    passport = rp.load(CONDITIONS / "dravet-syndrome.json")
    words = card_words(passport)
    document = rp.layout(passport, view="emergency")
    [section] = [s for s in document.sections if s.id == "extensions.dravet_syndrome"]
    first_field = next(b for b in section.blocks if isinstance(b, rp.document.Field))
    assert " ".join(first_field.value.split()) in words


def test_emergency_contact_is_listed_first_whatever_the_owner_order() -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        contacts=[
            rp.Contact(name="Uncle Bob Example", role="other", phone="07700 900001"),
            rp.Contact(name="Aunt Cat Example", role="carer", phone="07700 900002"),
            rp.Contact(name="Mum Dee Example", role="emergency", phone="07700 900003"),
        ],
    )
    document = rp.layout(passport, view="emergency")
    contacts = document.section("contacts")
    assert contacts is not None
    table = next(b for b in contacts.blocks if isinstance(b, rp.document.Table))
    assert [row[0] for row in table.rows] == ["Mum Dee Example", "Aunt Cat Example", "Uncle Bob Example"]
    words = card_words(passport)
    assert "Mum Dee Example" in words
    assert "Uncle Bob Example" not in words


def test_card_carries_red_flags_and_devices_when_there_is_room() -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        emergency=rp.Emergency(red_flags=["Blue lips", "Floppy and hard to wake"]),
        devices=[rp.Device(name="Gastrostomy button", purpose="Feeding and medicines")],
    )
    words = card_words(passport)
    assert "Blue lips; Floppy and hard to wake" in words
    assert "Gastrostomy button" in words


def test_a_card_with_nothing_for_its_back_says_so() -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)))
    document = rp.layout(passport, view="emergency")
    assert document.phrase("card_no_emergency_details") in card_words(passport)


def test_list_items_that_are_sentences_are_not_joined_with_semicolons() -> None:
    passport = rp.load(CONDITIONS / "mcad-deficiency.json")
    words = card_words(passport)
    assert ".;" not in words


def test_card_keeps_a_medicine_and_its_dose_route_and_times_apart() -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        medications=[rp.Medication(name="Hydrocortisone", dose="10 mg, 5 mg, 5 mg", route="by mouth",
                                   frequency="on waking, noon, 5 pm", time_critical=True)],
    )
    assert "Hydrocortisone: 10 mg, 5 mg, 5 mg · by mouth · on waking, noon, 5 pm" in card_words(passport)
