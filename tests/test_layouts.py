"""Specification of layout: views, order, wording, dates, plugins (all data fictional)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import rarepassport as rp
from rarepassport import hookimpl, layout, section_field
from rarepassport.document import Alert, AlertLevel, Document, Field, Heading, ListBlock, Paragraph, Section, Table
from rarepassport.guidance import Guidance
from rarepassport.layouts import LayoutContext, layout_fields
from rarepassport.model import View, field_views
from rarepassport.rendering import RenderError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TODAY = dt.date(2026, 11, 27)
ALL_VIEWS = list(View)


@pytest.fixture(scope="module")
def pm() -> rp.PluginManager:
    return rp.make_plugin_manager(entry_points=False)


def document_text(document: Document) -> str:
    """Every string a backend could draw from the Document, one per line."""
    parts: list[str] = [document.title, document.person_name, document.date_of_birth]
    parts += [text for text in (document.updated_on, document.reviewed_on, document.photo) if text]
    parts += document.warnings
    for section in document.sections:
        parts.append(section.title)
        parts += block_strings(section.blocks)
    return "\n".join(parts)


def block_strings(blocks: tuple[Any, ...]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, (Heading, Paragraph)):
            yield block.text
        elif isinstance(block, Field):
            yield f"{block.label}: {block.value}"
        elif isinstance(block, ListBlock):
            yield from ([block.label] if block.label else [])
            yield from block.items
        elif isinstance(block, Table):
            yield from block.columns
            for row in block.rows:
                yield from row
        elif isinstance(block, Alert):
            yield from ([block.title] if block.title else [])
            yield block.text


# --- a passport where every text field holds a marker naming it ----------------------


def mark(cls: type, name: str) -> str:
    return f"<<{cls.__name__}.{name}>>"


def marked(cls: type, **given: Any) -> Any:
    """An instance of a model class with every string field set to its marker."""
    values: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name in given:
            values[field.name] = given[field.name]
        # Types are strings until something calls attrs.resolve_types on the class.
        elif field.type in ("str", "str | None", str, str | None):
            values[field.name] = mark(cls, field.name)
        elif field.type in ("tuple[str, ...]", tuple[str, ...]):
            values[field.name] = (mark(cls, field.name),)
    return cls(**values)


def marked_passport() -> rp.Passport:
    m = marked
    return rp.Passport(
        id="<<Passport.id>>",
        person=m(rp.Person, date_of_birth=dt.date(2015, 3, 2), sex=rp.Sex.FEMALE, interpreter_needed=True,
                 identifiers=(m(rp.Identifier),), weight=rp.Weight(kg=20.5, measured_on=dt.date(2026, 9, 1))),
        diagnoses=(m(rp.Diagnosis, primary=True, codes=(m(rp.Coding),), features=(m(rp.Feature),),
                     genetics=(m(rp.GeneticFinding, zygosity=rp.Zygosity.HETEROZYGOUS),), links=(m(rp.Link),),
                     diagnosed_on=rp.PartialDate(year=2016, month=5)),),
        emergency=m(rp.Emergency, protocols=(m(rp.Protocol, approved_on=dt.date(2026, 1, 1)),),
                    avoid=(m(rp.Avoid),), previous=(m(rp.PreviousEmergency, date=rp.PartialDate(year=2020)),),
                    open_access=m(rp.OpenAccess), advance_decisions=(m(rp.AdvanceDecision),)),
        medications=(m(rp.Medication, codes=(m(rp.Coding),), started_on=rp.PartialDate(year=2019)),
                     m(rp.Medication, time_critical=True, name="<<Medication.name time-critical>>")),
        allergies=(m(rp.Allergy, severity=rp.Severity.MILD, codes=(m(rp.Coding),)),),
        devices=(m(rp.Device, since=rp.PartialDate(year=2018)),),
        contacts=(m(rp.Contact, role=rp.ContactRole.PARENT),),
        care_team=(m(rp.CareTeamMember, lead=True),),
        history=rp.History(procedures=(m(rp.Procedure),), admissions=(m(rp.Admission),),
                           immunisations=(m(rp.Immunisation),)),
        care_preferences=m(rp.CarePreferences),
        links=(m(rp.Link),),
        additional_sections=(m(rp.AdditionalSection),),
        review=rp.Review(completed_by=m(rp.CompletedBy), created_on=dt.date(2025, 1, 1),
                         updated_on=dt.date(2026, 1, 5), next_review_due=dt.date(2027, 1, 5),
                         reviewed_by=m(rp.ReviewedBy, date=dt.date(2026, 1, 5))),
    )


#: Fields that are about the file, not the person: no view prints them.
NOT_PRINTED = {"<<Passport.id>>"}


def expected_markers(obj: Any, view: View, shown: bool = True) -> Iterator[tuple[str, bool]]:
    """(marker, should it be in the view) for every marker in the passport."""
    cls = type(obj)
    for field in attrs.fields(cls):
        visible = shown and view in field_views(cls, field.name)
        value = getattr(obj, field.name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, str) and item.startswith("<<"):
                yield item, visible
            elif attrs.has(type(item)) and not isinstance(item, rp.PartialDate):
                yield from expected_markers(item, view, visible)


@pytest.mark.parametrize("view", ALL_VIEWS, ids=[v.value for v in ALL_VIEWS])
def test_a_view_shows_exactly_the_fields_that_belong_to_it(view: View, pm: rp.PluginManager) -> None:
    passport = marked_passport()
    text = document_text(layout(passport, view, plugins=pm, today=TODAY))
    expected = dict(expected_markers(passport, view))
    leaked = sorted(marker for marker, visible in expected.items() if not visible and marker in text)
    missing = sorted(marker for marker, visible in expected.items()
                     if visible and marker not in text and marker not in NOT_PRINTED)
    assert leaked == []
    assert missing == []


def test_education_view_has_no_identifiers_genetics_or_history(pm: rp.PluginManager) -> None:
    text = document_text(layout(marked_passport(), "education", plugins=pm, today=TODAY))
    for marker in ("<<Identifier.value>>", "<<GeneticFinding.gene>>", "<<Procedure.name>>", "<<Admission.reason>>"):
        assert marker not in text


def test_unknown_view_is_a_clear_error_listing_the_views(pm: rp.PluginManager) -> None:
    with pytest.raises(RenderError, match=r"unknown view 'paramedic'.*emergency"):
        layout(marked_passport(), "paramedic", plugins=pm)


# --- dates and words ------------------------------------------------------------------


@pytest.fixture
def context(pm: rp.PluginManager) -> LayoutContext:
    return LayoutContext(view=View.FULL, language="en", plugins=pm, today=TODAY)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (dt.date(2015, 3, 2), "2 March 2015"),
        (dt.date(2015, 12, 31), "31 December 2015"),
        (rp.PartialDate(year=2016, month=5, day=14), "14 May 2016"),
        (rp.PartialDate(year=2016, month=5), "May 2016"),
        (rp.PartialDate(year=2016), "2016"),
    ],
)
def test_dates_are_written_with_the_month_in_words(context: LayoutContext, value: Any, written: str) -> None:
    assert context.format_date(value) == written


def test_date_of_birth_on_the_document_is_unambiguous(pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)))
    assert layout(passport, plugins=pm).date_of_birth == "2 March 2015"


def test_partial_diagnosis_date_is_written_as_month_and_year(pm: rp.PluginManager) -> None:
    text = document_text(layout(marked_passport(), plugins=pm, today=TODAY))
    assert "Diagnosed: May 2016" in text


def test_enum_values_are_worded_from_the_catalogue(context: LayoutContext) -> None:
    assert context.format_enum(rp.Severity.LIFE_THREATENING) == "Life-threatening"
    assert context.format_enum(rp.ContactRole.NEXT_OF_KIN) == "Next of kin"


def test_every_enum_value_of_the_model_has_a_label() -> None:
    from rarepassport.labels import ENGLISH
    from rarepassport.model import __all__ as names

    classes = [getattr(rp.model, name) for name in names]
    enums = [cls for cls in classes if isinstance(cls, type) and issubclass(cls, enum.Enum)]
    missing = [f"enum.{cls.__name__}.{member.value}" for cls in enums for member in cls
               if f"enum.{cls.__name__}.{member.value}" not in ENGLISH]
    assert missing == []


def test_every_model_field_has_a_label() -> None:
    from rarepassport.labels import ENGLISH
    from rarepassport.model import __all__ as names

    classes = [getattr(rp.model, name) for name in names]
    missing = [f"{cls.__name__}.{field.name}" for cls in classes
               if isinstance(cls, type) and attrs.has(cls) and cls not in (rp.PartialDate, rp.Passport)
               for field in attrs.fields(cls) if f"{cls.__name__}.{field.name}" not in ENGLISH]
    assert missing == []


# --- order and emphasis -----------------------------------------------------------------


def ids(document: Document) -> list[str]:
    return [section.id for section in document.sections]


def test_emergency_sections_come_first_in_the_documented_order(pm: rp.PluginManager) -> None:
    order = ids(layout(marked_passport(), plugins=pm, today=TODAY))
    assert order[:7] == ["emergency", "protocols", "avoid", "red_flags", "allergies",
                         "time_critical_medicines", "advance_decisions"]
    assert order[-1] == "review"
    assert order.index("diagnoses") < order.index("medications") < order.index("devices") \
        < order.index("contacts") < order.index("care_team") < order.index("care_preferences") \
        < order.index("history") < order.index("links") < order.index("additional_sections.0")


def test_emergency_summary_is_a_critical_alert_at_the_top(pm: rp.PluginManager) -> None:
    first = layout(marked_passport(), plugins=pm, today=TODAY).sections[0]
    assert first.emergency
    assert first.blocks[0] == Alert(text="<<Emergency.summary>>", level=AlertLevel.CRITICAL, title="Read this first")


class GuidancePlugin:
    @hookimpl
    def rarepassport_emergency_guidance(self, passport: rp.Passport) -> list[Guidance]:
        return [Guidance(title="Fictional crisis", text="General fictional advice.",
                         source="Fictional Society guideline", source_date=dt.date(2025, 1, 1))]


def test_plugin_guidance_follows_the_owners_protocol_and_names_its_source() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[GuidancePlugin()])
    document = layout(marked_passport(), plugins=pm, today=TODAY)
    order = ids(document)
    assert order.index("protocols") < order.index("guidance")
    guidance = document.section("guidance")
    assert guidance is not None
    text = "\n".join(block_strings(guidance.blocks))
    assert "General guidance: Fictional crisis" in text
    assert "Source: Fictional Society guideline, 1 January 2025" in text
    protocols = document.section("protocols")
    assert protocols is not None and "<<Protocol.steps>>" in "\n".join(block_strings(protocols.blocks))


def test_life_threatening_allergy_is_a_critical_alert_and_an_emphasised_row(pm: rp.PluginManager) -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        allergies=(rp.Allergy(substance="Peanut", severity=rp.Severity.LIFE_THREATENING),
                   rp.Allergy(substance="Plaster", severity=rp.Severity.MILD)),
    )
    section = layout(passport, plugins=pm).section("allergies")
    assert section is not None
    assert Alert(text="Life-threatening allergy: Peanut", level=AlertLevel.CRITICAL) in section.blocks
    table = next(block for block in section.blocks if isinstance(block, Table))
    assert table.rows[0][:1] == ("Peanut",) and "Life-threatening" in table.rows[0]
    assert table.emphasis_rows == frozenset({0})


@pytest.mark.parametrize(
    ("status", "expected"),
    [(rp.AllergiesStatus.NONE_KNOWN, Paragraph(text="No known allergies")),
     (rp.AllergiesStatus.UNKNOWN, Alert(text="Allergies not recorded", level=AlertLevel.WARNING))],
)
def test_allergy_status_is_said_when_no_allergies_are_listed(
    pm: rp.PluginManager, status: rp.AllergiesStatus, expected: Any
) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           allergies_status=status)
    section = layout(passport, plugins=pm).section("allergies")
    assert section is not None and section.blocks == (expected,)


def test_time_critical_medicines_come_first_emphasised_and_are_not_repeated(pm: rp.PluginManager) -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        medications=(rp.Medication(name="Movicol"), rp.Medication(name="Hydrocortisone", time_critical=True)),
    )
    document = layout(passport, plugins=pm)
    critical, others = document.section("time_critical_medicines"), document.section("medications")
    assert critical is not None and others is not None
    critical_table = next(block for block in critical.blocks if isinstance(block, Table))
    other_table = next(block for block in others.blocks if isinstance(block, Table))
    assert [row[0] for row in critical_table.rows] == ["Hydrocortisone"]
    assert critical_table.emphasis_rows == frozenset({0})
    assert [row[0] for row in other_table.rows] == ["Movicol"]
    assert ids(document).index("time_critical_medicines") < ids(document).index("medications")


def test_lead_clinician_is_listed_first(pm: rp.PluginManager) -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        care_team=(rp.CareTeamMember(name="Dr Second"), rp.CareTeamMember(name="Dr Lead", lead=True)),
    )
    section = layout(passport, plugins=pm).section("care_team")
    assert section is not None
    table = section.blocks[0]
    assert isinstance(table, Table)
    assert [row[0] for row in table.rows] == ["Dr Lead (lead clinician)", "Dr Second"]


def test_empty_sections_are_left_out(pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           allergies_status=rp.AllergiesStatus.NONE_KNOWN,
                           medications_status=rp.MedicationsStatus.NONE)
    document = layout(passport, plugins=pm)
    # The emergency section stays: it says at a glance that no diagnosis is recorded.
    assert ids(document) == ["emergency", "allergies", "medications"]
    [field] = [b for b in document.sections[0].blocks if isinstance(b, rp.document.Field)
               and b.label == "Diagnoses"]
    assert field.value == "No diagnosis recorded"


# --- review ---------------------------------------------------------------------------------


def test_overdue_review_warns_on_the_document_and_in_an_alert(pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           review=rp.Review(next_review_due=dt.date(2026, 6, 1)))
    document = layout(passport, plugins=pm, today=TODAY)
    assert any("due for review on 1 June 2026" in warning for warning in document.warnings)
    review = document.section("review")
    assert review is not None
    assert any(isinstance(b, Alert) and "1 June 2026" in b.text for b in review.blocks)


def test_review_not_yet_due_gives_no_warning(pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           review=rp.Review(next_review_due=dt.date(2027, 6, 1)))
    assert layout(passport, plugins=pm, today=TODAY).warnings == ()


@pytest.mark.parametrize("view", ["emergency", "education", "social"])
def test_a_partial_view_says_it_is_partial(view: str, pm: rp.PluginManager) -> None:
    review = layout(marked_passport(), view, plugins=pm, today=TODAY).section("review")
    assert review is not None
    assert "More in the full passport" in review.blocks[0].text  # type: ignore[union-attr]


def test_the_full_view_does_not_say_it_is_partial(pm: rp.PluginManager) -> None:
    assert "More in the full passport" not in document_text(layout(marked_passport(), plugins=pm, today=TODAY))


def test_updated_and_reviewed_dates_are_on_the_document(pm: rp.PluginManager) -> None:
    document = layout(marked_passport(), plugins=pm, today=TODAY)
    assert document.updated_on == "Updated on 5 January 2026"
    assert document.reviewed_on == (
        "Reviewed by <<ReviewedBy.name>>, <<ReviewedBy.role>>, <<ReviewedBy.organisation>> on 5 January 2026"
        " (typed in; no verified signature)"
    )


# --- labels ---------------------------------------------------------------------------------


class LabelPlugin:
    @hookimpl
    def rarepassport_register_labels(self, labels: Any) -> None:
        labels.add("en", {"section.allergies": "Allergies and reactions"})
        # Dutch: a language rarepassport ships no catalogue of, so the fallback shows.
        labels.add("nl", {"section.red_flags": "Alarmsignalen", "phrase.date_of_birth": "Geboortedatum"})


def test_a_plugin_can_reword_a_label() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[LabelPlugin()])
    section = layout(marked_passport(), plugins=pm, today=TODAY).section("allergies")
    assert section is not None and section.title == "Allergies and reactions"


def test_another_language_uses_its_labels_and_falls_back_to_english() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[LabelPlugin()])
    document = layout(marked_passport(), language="nl-BE", plugins=pm, today=TODAY)
    assert document.language == "nl-BE"
    assert document.section("red_flags").title == "Alarmsignalen"  # type: ignore[union-attr]
    assert document.section("protocols").title == "Emergency protocols"  # type: ignore[union-attr]
    assert document.phrase("date_of_birth") == "Geboortedatum"


class BadTranslationPlugin:
    @hookimpl
    def rarepassport_register_labels(self, labels: Any) -> None:
        labels.add("de", {"phrase.updated_on": "Aktualisiert am {datum}"})


def test_a_translation_with_a_wrong_placeholder_falls_back_to_english_with_a_warning() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[BadTranslationPlugin()])
    document = layout(marked_passport(), language="de", plugins=pm, today=TODAY)
    assert document.updated_on == "Updated on 5. Januar 2026"  # the date is still German (CLDR)
    assert any("phrase.updated_on" in warning for warning in document.warnings)


def test_document_carries_the_fixed_phrases_backends_print(pm: rp.PluginManager) -> None:
    document = layout(marked_passport(), plugins=pm, today=TODAY)
    assert document.phrase("page_of", page=2, pages=5) == "Page 2 of 5"
    assert document.phrase("more_in_full") == "More in the full passport"


# --- plugin sections ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class FictionalDetails:
    factor_product: str = section_field("Factor concentrate used.")
    inhibitor: bool = section_field("Inhibitor present.", default=False)
    trough_levels: tuple[str, ...] = section_field("Trough levels.", default=(), converter=tuple)
    home_treatment_notes: str | None = section_field("Full-view only notes.", default=None, views=())


class SectionPlugin:
    @hookimpl
    def rarepassport_register_sections(self, sections: Any) -> None:
        sections.add("fictional", FictionalDetails, title="Fictional bleeding disorder",
                     views=("emergency", "education"))


def passport_with_section(pm: rp.PluginManager) -> rp.Passport:
    data = {
        "schema_version": "1.0",
        "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
        "emergency": {"summary": "Core summary stays."},
        "extensions": {"fictional": {"factor_product": "Fictionalfactor", "inhibitor": True,
                                     "trough_levels": ["5% on Monday"],
                                     "home_treatment_notes": "Only in the full view"}},
    }
    return rp.from_dict(data, plugins=pm)


def test_plugin_section_is_laid_out_from_its_field_metadata() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[SectionPlugin()])
    section = layout(passport_with_section(pm), plugins=pm).section("extensions.fictional")
    assert section is not None
    assert section.title == "Fictional bleeding disorder"
    assert section.plugin == "SectionPlugin"
    assert Field(label="Factor product", value="Fictionalfactor", label_id="FictionalDetails.factor_product") \
        in section.blocks
    assert Field(label="Inhibitor", value="Yes", label_id="FictionalDetails.inhibitor") in section.blocks
    assert ListBlock(items=("5% on Monday",), label="Trough levels") in section.blocks


def test_plugin_section_fields_follow_their_views() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[SectionPlugin()])
    passport = passport_with_section(pm)
    emergency = document_text(layout(passport, "emergency", plugins=pm))
    assert "Fictionalfactor" in emergency
    assert "Only in the full view" not in emergency
    assert "Only in the full view" in document_text(layout(passport, "full", plugins=pm))


def test_plugin_section_is_left_out_of_views_it_was_not_registered_for() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[SectionPlugin()])
    assert layout(passport_with_section(pm), "social", plugins=pm).section("extensions.fictional") is None


class OwnLayoutPlugin(SectionPlugin):
    @hookimpl
    def rarepassport_layout_section(self, section: Any, data: Any, passport: Any, context: LayoutContext) -> Section:
        return Section(id="ignored", title=section.title,
                       blocks=[Paragraph(text=f"Uses {data.factor_product}"),
                               *layout_fields(context, data, exclude=("factor_product",))])


def test_plugin_can_lay_out_its_own_section() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[OwnLayoutPlugin()])
    section = layout(passport_with_section(pm), plugins=pm).section("extensions.fictional")
    assert section is not None
    assert section.blocks[0] == Paragraph(text="Uses Fictionalfactor")
    assert section.id == "extensions.fictional"


class BrokenLayoutPlugin(SectionPlugin):
    @hookimpl
    def rarepassport_layout_section(self, section: Any, data: Any, passport: Any, context: Any) -> Section:
        raise ValueError(f"cannot handle {data.factor_product}")

    @hookimpl
    def rarepassport_emergency_guidance(self, passport: rp.Passport) -> list[Guidance]:
        raise RuntimeError(passport.person.name)


def test_a_plugin_whose_hooks_raise_loses_no_core_content() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[BrokenLayoutPlugin()])
    document = layout(passport_with_section(pm), plugins=pm)
    text = document_text(document)
    assert "Core summary stays." in text
    assert document.section("extensions.fictional") is not None  # laid out from metadata instead
    assert "Fictionalfactor" in text


def test_a_failing_plugin_hook_is_named_in_a_warning_without_the_data() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[BrokenLayoutPlugin()])
    warnings = layout(passport_with_section(pm), plugins=pm).warnings
    joined = "\n".join(warnings)
    assert "BrokenLayoutPlugin" in joined
    assert "rarepassport_layout_section" in joined and "rarepassport_emergency_guidance" in joined
    assert "Fictionalfactor" not in joined and "Ada Example" not in joined


# --- the example passports ------------------------------------------------------------------------


EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("**/*") if p.suffix in (".json", ".yaml", ".yml")
                       and "plugins" not in p.relative_to(EXAMPLES).parts)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[str(p.relative_to(EXAMPLES)) for p in EXAMPLE_FILES])
def test_every_example_lays_out_in_every_view_without_plugin_failures(path: Path, pm: rp.PluginManager) -> None:
    passport = rp.load(path, plugins=pm)
    for view in View:
        document = layout(passport, view, plugins=pm, today=TODAY)
        assert not [w for w in document.warnings if "failed in hook" in w]
        emergency = [s.emergency for s in document.sections]
        # Emergency sections are one block at the top.
        assert emergency == sorted(emergency, reverse=True)


def test_layout_of_a_dict_is_a_clear_type_error(pm: rp.PluginManager) -> None:
    with pytest.raises(TypeError, match=r"rarepassport\.Passport, not dict"):
        layout({"person": {"name": "Ada"}}, plugins=pm)  # type: ignore[arg-type]
