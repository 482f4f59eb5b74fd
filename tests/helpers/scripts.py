"""What the tests of other scripts share: the machine's own fallback fonts, and a
fictional passport whose own text is in Chinese, Hindi or Arabic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

import rarepassport as rp
from rarepassport.rendering import _fonts


@pytest.fixture(autouse=True)
def system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The fallback fonts this machine has (the Noto fonts on CI). Autouse in every
    test module that imports it."""
    monkeypatch.delenv(_fonts.SYSTEM_FONTS_ENV, raising=False)
    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


def script_passport(language: str) -> rp.Passport:
    """A fictional passport whose own text is in the language's script (``zh-Hans``, ``hi``,
    ``ar``), or the same passport in English (``en``)."""
    words = {
        "zh-Hans": ("王小明", "肾上腺皮质功能不全", "青霉素", "立即注射氢化可的松 100 mg"),
        "hi": ("अनन्या शर्मा", "अधिवृक्क अपर्याप्तता", "पेनिसिलिन", "तुरंत 100 mg हाइड्रोकार्टिसोन दें"),
        "ar": ("ليلى حسن", "قصور الغدة الكظرية", "البنسلين", "أعط 100 mg هيدروكورتيزون فورا"),
        # The same passport in English, to compare a right-to-left layout with.
        "en": ("Layla Hassan", "Adrenal insufficiency", "Penicillin", "Give 100 mg hydrocortisone at once"),
    }[language]
    name, diagnosis, substance, step = words
    return rp.Passport(
        language=language,
        person=rp.Person(name=name, date_of_birth=dt.date(2015, 3, 2)),
        diagnoses=(rp.Diagnosis(name=diagnosis, primary=True),),
        emergency=rp.Emergency(protocols=(rp.Protocol(title=diagnosis, steps=(step,)),)),
        medications=(rp.Medication(name="Hydrocortisone", dose="5 mg", frequency="three times a day",
                                   time_critical=True),),
        allergies=(rp.Allergy(substance=substance, reaction="Anaphylaxis", severity="life-threatening"),),
        contacts=(rp.Contact(name=name, role="emergency", phone="+44 20 7946 0000"),),
        review=rp.Review(updated_on=dt.date(2026, 10, 1), next_review_due=dt.date(2027, 10, 1)),
    )


@pytest.fixture(autouse=True)
def arabic_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own fallback fonts, or a skip where none draws Arabic. Autouse in
    every test module that imports it."""
    monkeypatch.delenv(_fonts.SYSTEM_FONTS_ENV, raising=False)
    _fonts.system_fallback_fonts.cache_clear()
    if not any(ord("ل") in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip("no font on this machine draws Arabic (install Debian's fonts-noto-core to run this)")
    yield
    _fonts.system_fallback_fonts.cache_clear()
