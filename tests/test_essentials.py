"""Emergency essentials: one clinical priority model, built from the passport, for card and QR.

Each test states one rule of the priority order documented in ``rarepassport.essentials``
and checks it on the essentials and on a real rendered card read back from the PDF.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import rarepassport as rp
from rarepassport import render_rendered
from rarepassport.clinical import CLINICAL_ORDER, ClinicalClass
from rarepassport.essentials import BACK, FRONT, Essentials, fit
from rarepassport.rendering._qr import emergency_qr_text
from rarepassport.testing import pdf_text

TODAY = dt.date(2026, 12, 1)
CONDITIONS = Path(__file__).parent.parent / "examples" / "conditions"


def person(**extra: object) -> rp.Person:
    return rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), **extra)  # type: ignore[arg-type]


def essentials_of(passport: rp.Passport) -> Essentials:
    essentials = rp.layout(passport, view="emergency", today=TODAY).essentials
    assert essentials is not None
    return essentials


def group(essentials: Essentials, klass: ClinicalClass) -> list[str]:
    return [item.text for g in essentials.groups if g.clinical_class is klass for item in g.items]


def card_text(passport: rp.Passport, **options: object) -> list[str]:
    """The card's two sides as extracted text, whitespace squashed."""
    data = render_rendered(passport, "card", "emergency", today=TODAY, **options).data
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def many_allergies() -> rp.Passport:
    return rp.Passport(
        person=person(),
        allergies=[
            rp.Allergy(substance="Sticking plaster", reaction="red skin", severity="mild", kind="intolerance"),
            rp.Allergy(substance="Latex", reaction="rash", severity="moderate"),
            rp.Allergy(substance="Peanut", reaction="wheeze"),
            rp.Allergy(substance="Penicillin", reaction="anaphylaxis", severity="life-threatening"),
            rp.Allergy(substance="Ibuprofen", reaction="swelling", severity="severe"),
        ],
    )


def test_groups_follow_the_documented_clinical_order() -> None:
    essentials = essentials_of(rp.load(Path(rp.__file__).parent / "data" / "example-passport.json"))
    ranks = [CLINICAL_ORDER.index(g.clinical_class) for g in essentials.groups]
    assert ranks == sorted(ranks)


def test_allergies_are_ordered_by_severity_never_by_entry_order() -> None:
    texts = group(essentials_of(many_allergies()), ClinicalClass.ALLERGY)
    substances = [text.split(" (")[0] for text in texts]
    # Life-threatening, severe, unknown severity, moderate, then a mild intolerance.
    assert substances == ["Penicillin", "Ibuprofen", "Peanut", "Latex", "Sticking plaster"]


def test_a_card_with_a_life_threatening_and_a_mild_allergy_never_shows_only_the_mild_one() -> None:
    passport = rp.Passport(
        person=person(),
        emergency=rp.Emergency(summary="Long summary sentence about what to do first. " * 30),
        allergies=[
            rp.Allergy(substance="Sticking plaster", severity="mild"),
            rp.Allergy(substance="Penicillin", reaction="anaphylaxis", severity="life-threatening"),
        ],
    )
    front = card_text(passport)[0]
    if "Sticking plaster" in front:
        assert "Penicillin" in front
    # And the QR code, however small, never lists the mild one before the severe one.
    document = rp.layout(passport, view="emergency", today=TODAY)
    for limit in (200, 400, 900, 3000):
        text = emergency_qr_text(document, limit).text
        if "Sticking plaster" in text:
            assert text.index("Penicillin") < text.index("Sticking plaster")


def test_a_shortened_class_says_how_many_items_are_missing() -> None:
    document = rp.layout(many_allergies(), view="emergency", today=TODAY)
    text = emergency_qr_text(document, 220).text
    line = next(line for line in text.splitlines() if line.startswith("Allergies:"))
    assert "Penicillin" in line
    assert "more — see passport" in line
    shown = line.count(";") + 1
    assert f"+{5 - shown} more — see passport" in line


def test_nothing_less_urgent_is_shown_after_a_class_that_was_shortened() -> None:
    essentials = essentials_of(rp.load(CONDITIONS / "mcad-deficiency.json"))
    groups = list(essentials.groups)
    budget = sum(len(g.items) for g in groups) // 2

    def fits(trial: list[rp.essentials.EssentialGroup]) -> bool:
        return sum(len(g.items) for g in trial) <= budget

    shown = fit(groups, fits)
    shortened = [i for i, g in enumerate(shown) if g.omitted]
    assert shortened == [len(shown) - 1]  # only the last shown group, and nothing after it
    assert [g.key for g in shown] == [g.key for g in groups[: len(shown)]]


def test_diagnosis_status_is_said_plainly() -> None:
    passport = rp.Passport(
        person=person(),
        diagnoses=[
            rp.Diagnosis(name="Mitochondrial disease", status="suspected", primary=True),
            rp.Diagnosis(name="Global developmental delay and seizures", status="undiagnosed"),
        ],
    )
    texts = group(essentials_of(passport), ClinicalClass.DIAGNOSIS)
    assert texts[0] == "Mitochondrial disease (suspected) (main condition)"
    assert texts[1] == "Undiagnosed condition: Global developmental delay and seizures"
    assert "Mitochondrial disease (suspected)" in card_text(passport)[0]


def test_a_person_with_no_diagnosis_entry_gets_a_card_that_says_so() -> None:
    front = card_text(rp.Passport(person=person()))[0]
    assert "No diagnosis recorded" in front


def test_specialist_team_open_access_and_weight_reach_the_card() -> None:
    passport = rp.Passport(
        person=person(weight=rp.Weight(kg=21.5, measured_on=dt.date(2026, 10, 1))),
        emergency=rp.Emergency(open_access=rp.OpenAccess(hospital="Anytown Children's Hospital", ward="Ward 7",
                                                          phone="0113 496 0123")),
        care_team=[
            rp.CareTeamMember(name="Dr Okafor", role="GP", phone="020 7946 0001"),
            rp.CareTeamMember(name="Metabolic team", role="24-hour on-call team", phone="020 7946 0999"),
        ],
    )
    front, back = card_text(passport)
    assert "21.5 kg (measured 1 October 2026)" in front
    assert "Open access: Anytown Children's Hospital, Ward 7: 0113 496 0123" in back
    assert "Metabolic team (24-hour on-call team): 020 7946 0999" in back
    assert "Dr Okafor" not in back  # a GP who is neither lead nor 24-hour is not the one to call


def test_an_adults_weight_is_shown_only_when_a_dose_is_per_kg() -> None:
    adult = rp.Person(name="Bo Example", date_of_birth=dt.date(1980, 1, 1), weight=rp.Weight(kg=80))
    assert group(essentials_of(rp.Passport(person=adult)), ClinicalClass.WEIGHT) == []
    per_kg = rp.Passport(person=adult, emergency=rp.Emergency(
        protocols=[rp.Protocol(title="Crisis", steps=["Give 10 mg/kg of the rescue medicine."])]))
    assert group(essentials_of(per_kg), ClinicalClass.WEIGHT) == ["80 kg"]


def test_a_medicine_without_a_route_never_puts_another_column_in_its_place() -> None:
    passport = rp.Passport(
        person=person(),
        medications=[rp.Medication(name="Hydrocortisone", dose="5 mg", reason="adrenal insufficiency",
                                   frequency="three times a day", time_critical=True)],
    )
    assert group(essentials_of(passport), ClinicalClass.TIME_CRITICAL) == [
        "Hydrocortisone: 5 mg · three times a day"
    ]


def test_a_second_protocol_left_off_is_named_on_the_card() -> None:
    steps = [f"Step {n} of the first protocol, written out in full for the team." for n in range(1, 9)]
    passport = rp.Passport(
        person=person(),
        emergency=rp.Emergency(protocols=[
            rp.Protocol(title="Metabolic crisis", steps=steps),
            rp.Protocol(title="Prolonged seizure", steps=["Give buccal midazolam."]),
        ]),
    )
    back = card_text(passport)[1]
    assert "Prolonged seizure" in back  # named, at least, when its steps do not fit


def test_things_to_avoid_come_before_red_flags_and_further_protocols() -> None:
    passport = rp.load(Path(rp.__file__).parent / "data" / "example-passport.json")
    keys = [g.clinical_class for g in essentials_of(passport).groups]
    assert keys.index(ClinicalClass.AVOID) < keys.index(ClinicalClass.RED_FLAG)
    assert keys.index(ClinicalClass.RED_FLAG) < keys.index(ClinicalClass.FURTHER_PROTOCOL)


def test_a_plugin_field_reaches_the_card_through_its_declared_class() -> None:
    passport = rp.load(CONDITIONS / "adrenal-insufficiency.json")
    treatment = [g for g in essentials_of(passport).groups if g.clinical_class is ClinicalClass.EMERGENCY_TREATMENT]
    assert treatment and treatment[0].items[0].strong
    assert treatment[0].items[0].path.startswith("$.extensions.adrenal_insufficiency.")


def test_both_sides_carry_name_and_date_of_birth_and_the_front_its_dates() -> None:
    passport = rp.Passport(
        person=person(),
        emergency=rp.Emergency(protocols=[rp.Protocol(title="Crisis", steps=["Call 999."])]),
        review=rp.Review(updated_on=dt.date(2026, 3, 2), next_review_due=dt.date(2027, 3, 2)),
    )
    front, back = card_text(passport)
    for side in (front, back):
        assert "Ada Example" in side and "Date of birth: 2 March 2015" in side
    assert "Updated on 2 March 2026" in front and "Review due 2 March 2027" in front
    assert "overdue" not in front.lower()


def test_an_overdue_card_says_so_on_its_front() -> None:
    passport = rp.Passport(person=person(), review=rp.Review(next_review_due=dt.date(2025, 1, 10)))
    front = card_text(passport)[0]
    assert "Review overdue since 10 January 2025" in front


def test_a_long_name_wraps_in_the_band_and_is_never_cut() -> None:
    name = "Alexandra-Maria Konstantinopoulou-Fitzwilliam de la Cruz Example"
    passport = rp.Passport(person=rp.Person(name=name, date_of_birth=dt.date(2015, 3, 2)))
    for side in card_text(passport):
        assert name in side


@pytest.mark.parametrize("side, klass", [(FRONT, ClinicalClass.ALLERGY), (BACK, ClinicalClass.EMERGENCY_CONTACT)])
def test_each_class_has_its_side(side: str, klass: ClinicalClass) -> None:
    from rarepassport.essentials import CARD_SIDES

    assert CARD_SIDES[klass] == side


def test_the_card_shows_nothing_outside_the_emergency_view() -> None:
    passport = rp.Passport(
        person=person(address="4 Larkspur Road"),
        diagnoses=[rp.Diagnosis(name="CAH", genetics=[rp.GeneticFinding(gene="CYP21A2")])],
    )
    text = " ".join(card_text(passport))
    assert "Larkspur" not in text and "CYP21A2" not in text
    assert "Larkspur" not in pdf_text(render_rendered(passport, "card", today=TODAY).data)


def test_the_first_section_of_every_document_shows_the_essentials_in_clinical_order() -> None:
    passport = many_allergies()
    for view in ("full", "emergency", "education", "social"):
        document = rp.layout(passport, view=view, today=TODAY)
        first = document.sections[0]
        assert first.id == "emergency"
        fields = [b for b in first.blocks if isinstance(b, rp.document.Field)]
        allergies = next(f for f in fields if f.label == "Allergies")
        assert allergies.value.startswith("Penicillin (anaphylaxis, life-threatening); Ibuprofen")
        assert allergies.emphasis
    pdf = render_rendered(passport, "pdf", "full", today=TODAY).data
    first_page = pdf_text(pdf).split("\f")[0] if "\f" in pdf_text(pdf) else pdf_text(pdf)
    assert "Penicillin (anaphylaxis, life-threatening)" in " ".join(first_page.split())


def test_a_card_of_a_passport_with_errors_says_so_on_both_sides() -> None:
    passport = rp.Passport(person=person(identifiers=[rp.Identifier(system="nhs-number", value="123 456 7890")]))
    assert not rp.validate(passport).ok
    front, back = card_text(passport)
    for side in (front, back):
        assert "Not valid: 1 error(s) found — check against the full passport" in side
    assert "Not valid" not in " ".join(card_text(rp.Passport(person=person())))
