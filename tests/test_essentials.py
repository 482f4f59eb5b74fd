"""Emergency essentials: what a card or QR code carries, decided once from the Document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import rarepassport as rp
from rarepassport.essentials import BACK, FRONT, card_items

CONDITIONS = Path(__file__).parent.parent / "examples" / "conditions"


def test_an_emphasised_plugin_field_is_more_urgent_than_the_rest_of_its_section() -> None:
    document = rp.layout(rp.load(CONDITIONS / "adrenal-insufficiency.json"), view="emergency")
    items = [i for i in card_items(document) if i.group == "extensions.adrenal_insufficiency"]
    dose = next(i for i in items if i.lead.startswith("Emergency hydrocortisone dose"))
    others = [i for i in items if i is not dose and not i.strong]
    assert dose.strong and dose.side == BACK
    assert others and all(dose.priority < other.priority for other in others)


def test_front_holds_who_and_what_back_holds_what_to_do() -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        diagnoses=[rp.Diagnosis(name="Dravet syndrome", primary=True)],
        emergency=rp.Emergency(protocols=[rp.Protocol(title="Seizure", steps=["Give rescue medicine"])]),
        contacts=[rp.Contact(name="Sam Example", role="emergency", phone="07700 900123")],
    )
    sides = {item.group: item.side for item in card_items(rp.layout(passport, view="emergency"))}
    assert sides["diagnoses"] == FRONT
    assert sides["protocols"] == BACK and sides["contacts"] == BACK


def test_only_what_the_emergency_view_shows_can_become_an_essential() -> None:
    passport = rp.load(CONDITIONS / "haemophilia.json")
    document = rp.layout(passport, view="emergency")
    shown = {section.id for section in document.sections}
    assert {item.group for item in card_items(document)} <= shown
