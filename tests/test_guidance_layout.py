"""Guidance that knows whom it is for, and plugin sections that stay where they belong.

Every test reads a real output back: a PDF through pypdf and poppler's ``pdftotext``,
HTML and Markdown as text.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import attrs
import pytest

import rarepassport as rp
from helpers.conditions import CONDITIONS, TODAY, read_json, write
from rarepassport import hookimpl, layout, section_field
from rarepassport.clinical import ClinicalClass
from rarepassport.document import Alert, ListBlock, Section
from rarepassport.layouts import layout_fields
from rarepassport.plugins import adrenal_insufficiency as adrenal
from rarepassport.plugins import dravet_syndrome, haemophilia, mcad_deficiency
from rarepassport.testing import pdf_text, plugin_manager_with

ADRENAL = CONDITIONS / "adrenal-insufficiency.json"
NO_PROTOCOL = "No personal emergency protocol recorded: ask the specialist team."
ADULT_DOSE = "100 mg hydrocortisone IV or IM immediately"
CHILD_TITLE = "General guidance: Adrenal crisis in children: emergency hydrocortisone"
ADULT_TITLE = "General guidance: Adrenal crisis in adults: emergency treatment"
ADULT_WITHHELD = (
    "General guidance for adults (Adrenal crisis in adults: emergency treatment) is not shown: this "
    "passport is for a child. Follow the person's own protocol or ask their specialist team."
)
REPLACES_OWN = "It does not replace the person's own protocol above."

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def plugins() -> rp.PluginManager:
    return plugin_manager_with()


def words(text: str) -> str:
    return " ".join(text.split())


def poppler_text(tmp_path: Path, pdf: bytes) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdf_words(tmp_path: Path, pdf: bytes) -> tuple[str, str]:
    """The PDF's words as pypdf and as poppler extract them."""
    return words(pdf_text(pdf)), words(poppler_text(tmp_path, pdf))


def three_year_old_without_protocol() -> dict[str, Any]:
    data = read_json(ADRENAL)
    data["person"]["date_of_birth"] = "2023-06-01"  # 3 on TODAY
    data["emergency"]["protocols"] = []
    data["extensions"]["adrenal_insufficiency"]["emergency_hydrocortisone_dose"] = "50 mg hydrocortisone IM"
    return data


def text_of(passport: rp.Passport, fmt: str, plugins: rp.PluginManager, view: str = "full") -> str:
    out = rp.render(passport, format=fmt, view=view, plugins=plugins, today=TODAY).decode("utf-8")
    return html.unescape(re.sub(r"<[^>]+>", " ", out)) if fmt == "html" else out


# --- whom guidance is for ------------------------------------------------------------------


@needs_pdftotext
def test_a_young_child_without_protocol_gets_the_notice_first_and_only_child_guidance(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    passport = rp.load(write(tmp_path, three_year_old_without_protocol()), plugins=plugins)
    pdf = rp.render(passport, format="pdf", plugins=plugins, today=TODAY)
    for text in pdf_words(tmp_path, pdf):
        notice = text.find(NO_PROTOCOL)
        assert -1 < notice < text.find("Read this first") < text.find(CHILD_TITLE)
        assert notice < text.find("General guidance")
        assert "under 1 year, 25 mg; 1 to 5 years, 50 mg; 6 years and over, 100 mg" in text
        assert ADULT_WITHHELD in text
        assert ADULT_TITLE not in text and ADULT_DOSE not in text
        # There is no protocol "above": that phrasing must not be used.
        assert REPLACES_OWN not in text
        assert "It is not the person's own protocol: none is recorded." in text


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_a_young_child_never_sees_the_adult_dose_in_any_text_format(
    tmp_path: Path, plugins: rp.PluginManager, fmt: str
) -> None:
    passport = rp.load(write(tmp_path, three_year_old_without_protocol()), plugins=plugins)
    text = words(text_of(passport, fmt, plugins).replace("\\", ""))
    assert -1 < text.find(NO_PROTOCOL) < text.find("Adrenal crisis in children")
    assert ADULT_DOSE not in text


@needs_pdftotext
def test_an_adult_with_a_protocol_sees_the_adult_guidance_after_it(tmp_path: Path, plugins: rp.PluginManager) -> None:
    passport = rp.load(ADRENAL, plugins=plugins)
    pdf = rp.render(passport, format="pdf", plugins=plugins, today=TODAY)
    for text in pdf_words(tmp_path, pdf):
        assert -1 < text.find("My adrenal crisis protocol") < text.find(ADULT_TITLE)
        assert ADULT_DOSE in text and REPLACES_OWN in text
        assert CHILD_TITLE not in text
        assert (
            "General guidance for children (Adrenal crisis in children: emergency hydrocortisone) is not shown"
        ) in text
        assert NO_PROTOCOL not in text


def test_with_an_unknown_age_all_guidance_is_shown_saying_whom_it_is_for(plugins: rp.PluginManager) -> None:
    # A date of birth after "today" gives no age: nothing is withheld, each says its population.
    passport = rp.load(ADRENAL, plugins=plugins)
    document = layout(passport, plugins=plugins, today=dt.date(1980, 1, 1))
    section = document.section("guidance")
    assert section is not None
    texts = [getattr(block, "text", "") for block in section.blocks]
    assert CHILD_TITLE in texts and ADULT_TITLE in texts
    assert any("for children (UK)" in text for text in texts)
    assert any("for adults (UK)" in text for text in texts)
    assert not any(isinstance(block, Alert) for block in section.blocks)


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_source_version_population_check_and_review_status_are_printed(
    tmp_path: Path, plugins: rp.PluginManager, fmt: str
) -> None:
    passport = rp.load(write(tmp_path, three_year_old_without_protocol()), plugins=plugins)
    text = words(text_of(passport, fmt, plugins).replace("\\", ""))
    assert (
        "Mushtaq et al., Arch Dis Child 2023;108:871-878), 12 April 2023, version 2023, for children (UK); "
        "last checked 1 December 2026; not reviewed by a clinician"
    ) in text


def test_guidance_with_no_check_date_says_so(plugins: rp.PluginManager) -> None:
    passport = rp.load(CONDITIONS / "haemophilia.json", plugins=plugins)
    section = layout(passport, plugins=plugins, today=TODAY).section("guidance")
    assert section is not None
    lines = [getattr(block, "text", "") for block in section.blocks]
    assert any(
        "version 3, for adults and children (international); no record of when it was last checked against "
        "the source; not reviewed by a clinician" in line
        for line in lines
    )


def test_guidance_for_children_is_withheld_from_an_adult_with_mcad(tmp_path: Path, plugins: rp.PluginManager) -> None:
    # The BIMDG letter is written for "this child": it must not read as an adult's plan.
    data = read_json(CONDITIONS / "mcad-deficiency.json")
    data["person"]["date_of_birth"] = "1990-01-01"
    passport = rp.load(write(tmp_path, data), plugins=plugins)
    text = words(text_of(passport, "markdown", plugins).replace("\\", ""))
    assert "General guidance for children (MCAD deficiency: illness, vomiting or not eating) is not shown" in text
    assert "Never use glucose-free maintenance fluids" not in text


def test_mcad_child_sees_never_glucose_free_maintenance_fluids(tmp_path: Path, plugins: rp.PluginManager) -> None:
    passport = rp.load(CONDITIONS / "mcad-deficiency.json", plugins=plugins)
    pdf = rp.render(passport, format="pdf", plugins=plugins, today=TODAY)
    assert "Never use glucose-free maintenance fluids" in words(pdf_text(pdf))


@needs_pdftotext
def test_haemophilia_pdf_carries_the_emicizumab_caution(tmp_path: Path, plugins: rp.PluginManager) -> None:
    passport = rp.load(CONDITIONS / "haemophilia.json", plugins=plugins)
    pdf = rp.render(passport, format="pdf", plugins=plugins, today=TODAY)
    for text in pdf_words(tmp_path, pdf):
        assert "emicizumab can cause thrombotic microangiopathy and thrombosis" in text
        assert "emicizumab makes them falsely normal" in text


@needs_pdftotext
def test_dravet_pdf_says_to_call_emergency_services_if_the_first_dose_fails(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    passport = rp.load(CONDITIONS / "dravet-syndrome.json", plugins=plugins)
    pdf = rp.render(passport, format="pdf", plugins=plugins, today=TODAY)
    for text in pdf_words(tmp_path, pdf):
        assert "If the seizure does not stop after the first dose of rescue medicine" in text
        assert "call emergency services" in text


# --- About this passport --------------------------------------------------------------------


@needs_pdftotext
def test_about_this_passport_names_each_contributing_plugin_with_its_version(
    tmp_path: Path, plugins: rp.PluginManager
) -> None:
    passport = rp.load(ADRENAL, plugins=plugins)
    pdf = rp.render(passport, format="pdf", plugins=plugins, today=TODAY)
    for text in pdf_words(tmp_path, pdf):
        about = text.rfind("About this passport")
        assert about > -1
        tail = text[about:]
        assert "Condition plugins that added to this passport" in tail
        assert f"adrenal-insufficiency {rp.__version__}" in tail
        # Plugins that added nothing to this passport are not named.
        assert "haemophilia" not in tail and "mcad-deficiency" not in tail


def test_a_plugin_without_a_known_version_is_named_as_such(plugins: rp.PluginManager) -> None:
    passport = rp.load(ADRENAL, plugins=plugins)
    manager = plugin_manager_with(CopiedExample())
    document = layout(passport, plugins=manager, today=TODAY)
    review = document.section("review")
    assert review is not None
    lists = [block for block in review.blocks if isinstance(block, ListBlock)]
    assert lists and f"adrenal-insufficiency {rp.__version__}" in lists[-1].items


# --- a plugin copying the documented layout_section example ----------------------------------


@attrs.frozen(kw_only=True)
class RescueSection:
    """A plugin section with an emergency dose and an emphasised list."""

    rescue_dose: str | None = section_field(
        "The rescue dose as prescribed.", default=None, emphasis=True,
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    rescue_steps: tuple[str, ...] = section_field(
        "The rescue steps, one per line.", default=(), converter=tuple, emphasis=True,
    )


class CopiedExample:
    """Registers an emergency section and lays it out like docs/plugins/hooks.md shows."""

    __name__ = "copied-example"

    @hookimpl
    def rarepassport_register_sections(self, sections: Any) -> None:
        sections.add("rescue", RescueSection, title="Rescue", emergency=True)

    @hookimpl
    def rarepassport_layout_section(self, section: Any, data: Any, passport: Any, context: Any) -> Section | None:
        if section.id != "rescue":
            return None
        # As in the documentation: a Section without emergency=True.
        return Section(id="extensions.rescue", title="Rescue", blocks=layout_fields(context, data))


def with_rescue(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["extensions"]["rescue"] = {
        "rescue_dose": "Example rescue dose 1",
        "rescue_steps": ["Give the rescue dose", "Call the specialist team"],
    }
    return data


def test_a_copied_layout_example_keeps_its_section_in_the_emergency_part(tmp_path: Path) -> None:
    manager = plugin_manager_with(CopiedExample())
    passport = rp.load(write(tmp_path, with_rescue(read_json(ADRENAL))), plugins=manager)
    document = layout(passport, view="emergency", plugins=manager, today=TODAY)
    ids = [section.id for section in document.sections]
    rescue = document.section("extensions.rescue")
    assert rescue is not None and rescue.emergency
    assert ids.index("protocols") < ids.index("extensions.rescue") < ids.index("guidance")
    html_out = rp.render(passport, format="html", view="emergency", plugins=manager, today=TODAY).decode()
    assert re.search(r'<section[^>]*class="[^"]*emergency[^"]*"[^>]*>\s*<h2[^>]*>Rescue</h2>', html_out)


def test_an_emphasised_list_field_is_strong_in_html_and_markdown(tmp_path: Path) -> None:
    manager = plugin_manager_with(CopiedExample())
    passport = rp.load(write(tmp_path, with_rescue(read_json(ADRENAL))), plugins=manager)
    html_out = rp.render(passport, format="html", plugins=manager, today=TODAY).decode()
    assert "<li><strong>Give the rescue dose</strong></li>" in html_out
    markdown = rp.render(passport, format="markdown", plugins=manager, today=TODAY).decode()
    assert "- **Give the rescue dose**" in markdown
    text = rp.render(passport, format="text", plugins=manager, today=TODAY).decode()
    assert "! - Give the rescue dose" in text


def test_mcad_emergency_regimen_is_drawn_strongly(plugins: rp.PluginManager) -> None:
    passport = rp.load(CONDITIONS / "mcad-deficiency.json", plugins=plugins)
    html_out = rp.render(passport, format="html", plugins=plugins, today=TODAY).decode()
    assert "<li><strong>Start at the first sign of illness, vomiting or poor eating.</strong></li>" in html_out
    markdown = rp.render(passport, format="markdown", plugins=plugins, today=TODAY).decode()
    assert "- **Start at the first sign of illness, vomiting or poor eating.**" in markdown


# --- clinical classes the lead's card and QR read -------------------------------------------------


def clinical_class(cls: type, name: str) -> ClinicalClass | None:
    value = attrs.fields_dict(cls)[name].metadata.get("clinical_class")
    return value if isinstance(value, ClinicalClass) else None


@pytest.mark.parametrize(
    ("cls", "name", "expected"),
    [
        (haemophilia.Haemophilia, "treatment_centre", ClinicalClass.SPECIALIST_CONTACT),
        (haemophilia.TreatmentCentre, "phone", ClinicalClass.SPECIALIST_CONTACT),
        (haemophilia.TreatmentCentre, "out_of_hours_phone", ClinicalClass.SPECIALIST_CONTACT),
        (haemophilia.Haemophilia, "factor_product", ClinicalClass.EMERGENCY_TREATMENT),
        (haemophilia.Haemophilia, "factor_dose", ClinicalClass.EMERGENCY_TREATMENT),
        (haemophilia.Haemophilia, "inhibitor", ClinicalClass.EMERGENCY_TREATMENT),
        (haemophilia.Haemophilia, "inhibitor_treatment", ClinicalClass.EMERGENCY_TREATMENT),
        (adrenal.AdrenalInsufficiency, "emergency_hydrocortisone_dose", ClinicalClass.EMERGENCY_TREATMENT),
        (mcad_deficiency.McadDeficiency, "emergency_regimen", ClinicalClass.EMERGENCY_TREATMENT),
        (mcad_deficiency.McadDeficiency, "metabolic_centre", ClinicalClass.SPECIALIST_CONTACT),
        (dravet_syndrome.RescuePlan, "dose", ClinicalClass.EMERGENCY_TREATMENT),
        (dravet_syndrome.DravetSyndrome, "medicines_to_avoid", ClinicalClass.AVOID),
        (dravet_syndrome.RescuePlan, "call_ambulance", ClinicalClass.RED_FLAG),
    ],
)
def test_emergency_fields_declare_their_clinical_class(cls: type, name: str, expected: ClinicalClass) -> None:
    assert clinical_class(cls, name) is expected


@pytest.mark.parametrize(
    "cls",
    [
        adrenal.AdrenalInsufficiency, mcad_deficiency.McadDeficiency, mcad_deficiency.MetabolicCentre,
        haemophilia.Haemophilia, haemophilia.TreatmentCentre, dravet_syndrome.DravetSyndrome,
        dravet_syndrome.RescuePlan,
    ],
)
def test_every_emphasised_plugin_field_is_emergency_treatment(cls: type) -> None:
    for field in attrs.fields(cls):
        if field.metadata.get("emphasis"):
            assert field.metadata.get("clinical_class") is ClinicalClass.EMERGENCY_TREATMENT, field.name


def test_every_built_in_guidance_item_is_sourced_dated_and_unreviewed() -> None:
    items = [
        *adrenal.GUIDANCE_ITEMS, mcad_deficiency.GUIDANCE, haemophilia.GUIDANCE,
        haemophilia.EMICIZUMAB_GUIDANCE, dravet_syndrome.GUIDANCE,
    ]
    for item in items:
        assert item.source and item.url and item.published_on is not None and item.jurisdiction
        assert item.reviewed_by is None and item.reviewed_on is None
        assert item.last_checked_on in (None, dt.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (dt.date(2010, 11, 28), "child"),  # 16 tomorrow
        (dt.date(2010, 11, 27), "adult"),  # 16 today
        (dt.date(2026, 11, 28), None),  # born after "today": age unknown
        (None, None),
    ],
)
def test_a_person_is_a_child_until_their_sixteenth_birthday(born: dt.date | None, expected: str | None) -> None:
    from rarepassport.guidance import population_on

    result = population_on(born, TODAY)
    assert (result.value if result is not None else None) == expected
