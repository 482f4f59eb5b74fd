"""A large, multilingual, entirely fictional passport for stress tests.

Rendering, layout, FHIR and benchmark code use it to check that nothing breaks or is
silently cut when a passport is much longer than usual, and that right-to-left
(Arabic) and CJK (Chinese) text survives every step::

    from stress import make_stress_passport

    passport = make_stress_passport()

(pytest puts ``tests/`` on ``sys.path`` because ``tests/conftest.py`` lives there; the
``stress_passport`` fixture in ``conftest.py`` returns the same passport.)

The passport is valid: it loads, round-trips and passes :func:`rarepassport.validate`
without errors, so a failure in a test that uses it points at the code under test.
Everything in it is invented; codes are well formed but chosen not to match any
built-in condition plugin, so no plugin section is required.
"""

from __future__ import annotations

import datetime as _dt

from rarepassport.model import (
    AdditionalSection,
    Admission,
    Allergy,
    AllergyKind,
    Avoid,
    CarePreferences,
    CareTeamMember,
    Coding,
    CompletedBy,
    Contact,
    ContactRole,
    Device,
    Diagnosis,
    Emergency,
    Feature,
    GeneticFinding,
    History,
    Identifier,
    Immunisation,
    Link,
    LinkKind,
    Medication,
    OpenAccess,
    PartialDate,
    Passport,
    Person,
    Procedure,
    Protocol,
    Review,
    ReviewedBy,
    Severity,
    Sex,
    Weight,
)

__all__ = [
    "ARABIC_NAME",
    "CHINESE_NAME",
    "STRESS_DIAGNOSES",
    "STRESS_MEDICATIONS",
    "STRESS_PROTOCOL_CHARS",
    "make_stress_passport",
]

#: Number of diagnoses in the stress passport.
STRESS_DIAGNOSES = 20
#: Number of medications in the stress passport.
STRESS_MEDICATIONS = 60
#: Minimum length, in characters, of the long protocol's steps taken together.
STRESS_PROTOCOL_CHARS = 5000

#: The person's name (Arabic script, right to left).
ARABIC_NAME = "ليلى حسن المصري"
#: A contact's name (Chinese).
CHINESE_NAME = "王小明"

_ARABIC_TEXT = (
    "إذا كانت ليلى مريضة أو تتقيأ أو لا تأكل، ابدأ خطة الطوارئ فوراً واتصل بالفريق الطبي. "
    "لا تنتظر نتائج التحاليل قبل بدء العلاج."
)
_CHINESE_TEXT = "如果她生病、呕吐或不能进食，请立即开始紧急方案，并联系她的医疗团队。不要等待化验结果再开始治疗。"
_ENGLISH_TEXT = (
    "If she is unwell, vomiting or not eating, start the emergency plan at once and call "
    "her specialist team. Do not wait for blood results before starting treatment."
)
_TEXTS = (_ENGLISH_TEXT, _ARABIC_TEXT, _CHINESE_TEXT)

_MEDICINES = (
    ("Hydroxocobalamin", "1 mg", "intramuscular injection", "every 3 months", "B03BA03"),
    ("Levetiracetam", "500 mg", "by mouth", "twice a day", "N03AX14"),
    ("Omeprazole", "20 mg", "by mouth", "once a day", "A02BC01"),
    ("Salbutamol", "100 micrograms per puff", "inhaled", "when wheezy", "R03AC02"),
    ("Colecalciferol", "1000 units", "by mouth", "once a day", "A11CC05"),
    ("Movicol (macrogol)", "1 sachet", "by mouth", "once a day", "A06AD65"),
    ("Melatonin", "2 mg", "by mouth", "at bedtime", "N05CH01"),
    ("Paracetamol", "500 mg", "by mouth", "up to four times a day", "N02BE01"),
    ("Cetirizine", "10 mg", "by mouth", "once a day", "R06AE07"),
    ("Baclofen", "10 mg", "by gastrostomy", "three times a day", "M03BX01"),
)

_CONDITIONS = (
    ("Fictional metabolic disorder", "متلازمة استقلابية خيالية", "虚构的代谢疾病"),
    ("Fictional neuromuscular disorder", "اضطراب عصبي عضلي خيالي", "虚构的神经肌肉疾病"),
)


def _diagnosis(index: int) -> Diagnosis:
    english, arabic, chinese = _CONDITIONS[index % len(_CONDITIONS)]
    name = (english, arabic, chinese)[index % 3] + f" {index + 1}"
    return Diagnosis(
        name=name,
        primary=index == 0,
        codes=(
            # Well-formed codes outside every built-in plugin's list (see module docstring).
            Coding(system="ORPHA", code=f"ORPHA:{900100 + index}", display=name),
            Coding(system="ICD-10", code=f"E88.{index % 10}"),
        ),
        diagnosed_on=PartialDate(year=2011 + index % 14, month=1 + index % 12),
        diagnosed_by="د. سارة يوسف" if index % 2 else "陈静医生",
        summary=_TEXTS[index % 3],
        features=tuple(
            Feature(name=f"Feature {index + 1}.{n + 1}", hpo=f"HP:{1250 + 10 * index + n:07d}")
            for n in range(3)
        ),
        genetics=(GeneticFinding(gene=f"GENE{index + 1}", variant=f"c.{100 + index}A>G"),)
        if index % 4 == 0
        else (),
        notes=_TEXTS[(index + 1) % 3],
    )


def _medication(index: int) -> Medication:
    name, dose, route, frequency, atc = _MEDICINES[index % len(_MEDICINES)]
    return Medication(
        name=f"{name} ({index + 1})",
        dose=dose,
        route=route,
        frequency=frequency,
        reason=("Fictional condition", "حالة خيالية", "虚构疾病")[index % 3],
        as_needed=index % 5 == 0,
        time_critical=index % 7 == 0,
        started_on=PartialDate(year=2012 + index % 14),
        notes=_TEXTS[index % 3] if index % 6 == 0 else None,
        codes=(Coding(system="ATC", code=atc),),
    )


def _long_protocol_steps() -> tuple[str, ...]:
    """Steps whose total length is at least :data:`STRESS_PROTOCOL_CHARS`."""
    steps: list[str] = []
    index = 0
    while sum(len(step) for step in steps) < STRESS_PROTOCOL_CHARS:
        steps.append(f"Step {index + 1}. {_TEXTS[index % 3]}")
        index += 1
    return tuple(steps)


def make_stress_passport() -> Passport:
    """Build the stress passport.

    Returns:
        A valid passport with :data:`STRESS_DIAGNOSES` diagnoses,
        :data:`STRESS_MEDICATIONS` medications, a protocol of at least
        :data:`STRESS_PROTOCOL_CHARS` characters, and Arabic and Chinese names and text
        in most sections. Built fresh on each call; passports are immutable, so sharing
        one between tests is also safe.
    """
    return Passport(
        id="stress-0001",
        person=Person(
            name=ARABIC_NAME,
            preferred_name="ليلى",
            date_of_birth=_dt.date(2010, 1, 15),
            sex=Sex.FEMALE,
            identifiers=(Identifier(system="nhs-number", value="999 135 7920"),),
            address="١٢ شارع المثال، القاهرة",
            phone="07700 900111",
            languages=("العربية", "中文", "English"),
            interpreter_needed=True,
            weight=Weight(kg=38.5, measured_on=_dt.date(2026, 10, 1)),
            blood_group="AB RhD positive",
        ),
        diagnoses=tuple(_diagnosis(index) for index in range(STRESS_DIAGNOSES)),
        emergency=Emergency(
            summary=" ".join(_TEXTS),
            protocols=(
                Protocol(
                    title="Long emergency protocol / بروتوكول طوارئ طويل / 长紧急方案",
                    when=_ARABIC_TEXT,
                    steps=_long_protocol_steps(),
                    source="Fictional specialist team letter",
                    approved_by="Dr Fictional Consultant",
                    approved_on=_dt.date(2026, 9, 1),
                ),
                Protocol(title="短方案", steps=(_CHINESE_TEXT,)),
            ),
            avoid=tuple(Avoid(what=f"Avoid {n + 1}", reason=_TEXTS[n % 3]) for n in range(6)),
            red_flags=tuple(f"{_TEXTS[n % 3][:60]} ({n + 1})" for n in range(8)),
            anaesthesia=_ENGLISH_TEXT,
            open_access=OpenAccess(hospital="مستشفى المثال", ward="病房 7", phone="0113 496 0999"),
        ),
        medications=tuple(_medication(index) for index in range(STRESS_MEDICATIONS)),
        allergies=(
            Allergy(substance="Penicillin", reaction="طفح جلدي", severity=Severity.SEVERE, kind=AllergyKind.ALLERGY),
            Allergy(substance="花生", reaction="呼吸困难", severity=Severity.LIFE_THREATENING),
        ),
        devices=tuple(
            Device(
                name=f"Device {n + 1}", purpose=_TEXTS[n % 3], details="MRI conditional", since=PartialDate(year=2020)
            )
            for n in range(5)
        ),
        contacts=(
            Contact(name=CHINESE_NAME, relationship="父亲", role=ContactRole.EMERGENCY, phone="07700 900222"),
            Contact(name="فاطمة حسن", relationship="الأم", role=ContactRole.PARENT, phone="07700 900333"),
        ),
        care_team=tuple(
            CareTeamMember(
                name=("陈静医生", "د. سارة يوسف", "Dr Fictional Person")[n % 3] + f" {n + 1}",
                role="consultant",
                organisation="Fictional Hospital",
                phone=f"0113 496 0{100 + n}",
                lead=n == 0,
            )
            for n in range(10)
        ),
        history=History(
            procedures=tuple(Procedure(name=f"Procedure {n + 1}", date=PartialDate(year=2015 + n)) for n in range(5)),
            admissions=tuple(Admission(reason=_TEXTS[n % 3], date=PartialDate(year=2016 + n)) for n in range(5)),
            immunisations=(Immunisation(name="Influenza", date=PartialDate(year=2026, month=10)),),
        ),
        care_preferences=CarePreferences(
            communication=_ARABIC_TEXT,
            communication_aids=("Picture board", "图片卡"),
            distress=_CHINESE_TEXT,
            important_to_me=("عائلتي", "我的猫"),
        ),
        links=(Link(url="https://records.example.org/stress", title="Record", kind=LinkKind.RECORD),),
        additional_sections=(
            AdditionalSection(title="ملاحظات", text=_ARABIC_TEXT),
            AdditionalSection(title="备注", text=_CHINESE_TEXT),
        ),
        review=Review(
            completed_by=CompletedBy(name="فاطمة حسن", relationship="mother"),
            created_on=_dt.date(2025, 1, 1),
            updated_on=_dt.date(2026, 10, 1),
            reviewed_by=ReviewedBy(name="Dr Fictional Consultant", date=_dt.date(2026, 10, 5)),
            next_review_due=_dt.date(2027, 10, 5),
        ),
    )
