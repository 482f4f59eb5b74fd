"""Fit order: a class of which not one item fits gives its room to the next, and is named.

On the bundled example the lock screen showed the diagnoses and summary, then the MCAD
plugin's title over "+4 more — see passport", and left the penicillin allergy and the
time-critical medicines off. Now a class shortened to no item is not drawn as a title
over a count: the next class has the room, and every ending names it; a shorter ending
naming left-off allergies and time-critical medicines comes before the plain "More in
the full passport". Lock screens are read back with pypdf and poppler's ``pdftotext``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

import rarepassport as rp
from rarepassport.clinical import ClinicalClass
from rarepassport.essentials import EssentialGroup, Essentials, fit
from rarepassport.rendering import _fonts

BUNDLED = Path(rp.__file__).parent / "data" / "example-passport.json"
TODAY = dt.date(2026, 12, 1)
FIRST_MINUTES = (ClinicalClass.ALLERGY, ClinicalClass.TIME_CRITICAL)


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the bundled font, whatever this machine has installed: reproducible tests."""
    monkeypatch.setenv(_fonts.SYSTEM_FONTS_ENV, "0")
    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


@pytest.fixture(scope="module")
def essentials() -> Essentials:
    essentials = rp.layout(rp.load(BUNDLED), view="emergency", today=TODAY).essentials
    assert essentials is not None
    return essentials


def by_class(essentials: Essentials, klass: ClinicalClass) -> EssentialGroup:
    return next(group for group in essentials.groups if group.clinical_class is klass)


def lock_screen_text(size: str) -> str:
    """The bundled example's lock screen as pypdf and poppler read it, whitespace collapsed, joined."""
    data = rp.render(rp.load(BUNDLED), "lockscreen-pdf", today=TODAY, size=size)
    by_pypdf = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text() or ""
    by_poppler = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                                check=True).stdout.decode("utf-8")
    texts = [" ".join(text.replace("\u00a0", " ").split()) for text in (by_pypdf, by_poppler)]
    assert texts[0] == texts[1] or all(texts), "both readers read the page"
    return texts[1]


def ending_names(text: str) -> list[str]:
    """The classes the lock screen's last line names as left off."""
    match = re.search(r"Also in the full passport: (.*?)(?: and more)? Scan for emergency details", text)
    assert match, "the screen ends naming what the full passport also holds"
    return match.group(1).split("; ")


# --- fit ---------------------------------------------------------------------------


def test_a_class_of_which_no_item_fits_gives_its_room_to_the_next(essentials: Essentials) -> None:
    groups = list(essentials.groups)
    treatment = by_class(essentials, ClinicalClass.EMERGENCY_TREATMENT)
    allergy = by_class(essentials, ClinicalClass.ALLERGY)
    ahead = groups[:groups.index(treatment)]

    def size(trial: list[EssentialGroup]) -> int:
        return sum(len(item.lead) + len(item.text) for group in trial for item in group.items)

    # Room for what comes first and the allergies, not for the treatment's first item.
    budget = size([*ahead, allergy])
    assert size([treatment.shortened(1)]) > size([allergy])

    def fits(trial: list[EssentialGroup]) -> bool:
        return size(trial) <= budget

    shown = fit(groups, fits)
    keys = [group.key for group in shown]
    assert treatment.key not in keys  # no title over "+4 more"
    assert allergy.key in keys and not shown[keys.index(allergy.key)].omitted
    assert all(group.items for group in shown)
    # Still strict after that: only the last shown group may be shortened.
    assert [index for index, group in enumerate(shown) if group.omitted] in ([], [len(shown) - 1])


def test_a_class_that_gave_its_room_is_named_by_every_ending_offered(essentials: Essentials) -> None:
    groups = list(essentials.groups)
    treatment = by_class(essentials, ClinicalClass.EMERGENCY_TREATMENT)
    shown = [group for group in groups[:groups.index(treatment)]] + [by_class(essentials, ClinicalClass.ALLERGY)]
    endings = essentials.endings(groups, shown)
    assert essentials.more_in_full not in endings
    for ending in endings:
        assert treatment.title in ending and "Time-critical medicines" in ending


def test_before_the_plain_ending_a_shorter_one_names_the_allergies_and_medicines_left_off(
        essentials: Essentials) -> None:
    groups = list(essentials.groups)
    shown = groups[:2]  # diagnoses and summary only
    assert essentials.endings(groups, shown) == (
        essentials.ending(groups, shown),
        essentials.also_in_full_and_more.format(sections="MCAD deficiency; Allergies; Time-critical medicines"),
        essentials.more_in_full,
    )


def test_with_every_urgent_class_shown_the_plain_ending_is_still_offered(essentials: Essentials) -> None:
    groups = list(essentials.groups)
    last_urgent = groups.index(by_class(essentials, ClinicalClass.TIME_CRITICAL))
    assert essentials.endings(groups, groups[:last_urgent + 1])[-1] == essentials.more_in_full


# --- the bundled example's lock screen --------------------------------------------------


# iPhone 15: not one item of the MCAD regimen, the allergies or the medicines fits under
# the summary; 1179 x 2900: the allergies do. (On the iPhone 15 Pro Max the regimen's
# first sentence fits, in clinical order before the allergies, and no room is left to
# name them: the plain ending, as before.)
@pytest.mark.parametrize("size", ["iphone-15", "1179x2900"])
def test_the_bundled_lock_screen_shows_or_names_the_allergy_and_time_critical_medicines(
        size: str, essentials: Essentials) -> None:
    text = lock_screen_text(size)
    named = ending_names(text)
    for klass in FIRST_MINUTES:
        group = by_class(essentials, klass)
        assert group.items[0].text in text or group.title in named, klass.value
    # The ending is accurate: every class it names has something the screen does not show.
    for title in named:
        assert any(group.items[0].text not in text for group in essentials.groups if group.title == title), title


def test_a_screen_with_room_for_the_allergies_but_not_the_mcad_regimen_shows_the_allergies(
        essentials: Essentials) -> None:
    # 1179 x 2900: room under the summary for the allergies, not for the first sentence
    # of the MCAD emergency regimen; the screen used to show its title over "+4 more".
    text = lock_screen_text("1179x2900")
    allergy = by_class(essentials, ClinicalClass.ALLERGY)
    assert f"Allergies: {allergy.items[0].text}" in text
    assert by_class(essentials, ClinicalClass.EMERGENCY_TREATMENT).items[0].text not in text
    assert not re.search(r"MCAD deficiency \+\d+ more — see passport", text)
    named = ending_names(text)
    assert "MCAD deficiency" in named and "Time-critical medicines" in named


ADRENAL = Path(__file__).resolve().parent.parent / "examples" / "conditions" / "adrenal-insufficiency.json"


@pytest.mark.parametrize("size", ["iphone-15", "1179x2900"])
def test_the_adrenal_lock_screen_always_shows_the_owners_emergency_dose(size: str) -> None:
    # An intermediate version of the room-giving rule dropped this dose from the phone
    # (found in review): the owner's emergency treatment must never lose its room.
    passport = rp.load(ADRENAL)
    essentials = rp.layout(passport, view="emergency", today=TODAY).essentials
    assert essentials is not None
    dose = by_class(essentials, ClinicalClass.EMERGENCY_TREATMENT).items[0].text
    data = rp.render(passport, "lockscreen-pdf", today=TODAY, size=size)
    by_pypdf = " ".join((pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text() or "").split())
    by_poppler = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                                         check=True).stdout.decode("utf-8").split())
    assert dose in by_poppler and dose in by_pypdf
