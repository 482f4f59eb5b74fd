"""Layout steps: the core sections are registered through the hook an outside plugin uses.

Specification: ``rarepassport_register_layouts`` and `rarepassport.builtins.layout`
(docs/plugins/hooks.md, "rarepassport_register_layouts").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import rarepassport as rp
from rarepassport import LayoutContext, LayoutInputs, LayoutRegistry, Passport, Section, hookimpl
from rarepassport.builtins.layout import CORE_STEPS
from rarepassport.document import Paragraph

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "child-several-diagnoses.json"
TODAY = dt.date(2026, 11, 27)
TEACHER = "Ms Fictional Teacher-Zeta"


def _with_teacher(passport: Passport) -> Passport:
    teacher = rp.Contact(name=TEACHER, relationship="teacher", phone="01632 960999")
    return attrs.evolve(passport, contacts=(*passport.contacts, teacher))


def _school(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    if not context.shows(Passport, "contacts"):
        return None
    teachers = [c.name for c in inputs.passport.contacts if c.relationship == "teacher"]
    if not teachers:
        return None
    return Section(id="school", title=context.label("section.school"), blocks=(Paragraph(text=", ".join(teachers)),))


class SchoolPlugin:
    """An outside plugin adding a section built from core data, placed after the contacts."""

    def __init__(self, **place: str) -> None:
        self.place = place

    @hookimpl
    def rarepassport_register_labels(self, labels: rp.LabelRegistry) -> None:
        labels.add("en", {"section.school": "At school"})
        labels.add("fr", {"section.school": "À l'école"})

    @hookimpl
    def rarepassport_register_layouts(self, layouts: LayoutRegistry) -> None:
        layouts.add("school", _school, **self.place)


def _manager(*plugins: object, blocked: tuple[str, ...] = ()) -> rp.PluginManager:
    return rp.make_plugin_manager(entry_points=False, plugins=plugins, blocked=blocked)


def _ids(document: rp.Document) -> list[str]:
    return [section.id for section in document.sections]


def test_the_core_sections_are_the_built_in_plugins_steps_in_document_order() -> None:
    pm = _manager()
    assert pm.layouts.ids() == [step_id for step_id, _step, _description in CORE_STEPS]
    assert {spec.plugin for spec in pm.layouts} == {"core-layout"}
    assert pm.is_builtin("core-layout") and not pm.is_builtin("SchoolPlugin")
    # The emergency summary opens the document and "About this passport" closes it.
    document = rp.layout(rp.load(EXAMPLE, plugins=pm), plugins=pm, today=TODAY)
    assert document.sections[0].id == "emergency" and document.sections[-1].id == "review"


def test_a_plugin_step_appears_where_it_was_placed_in_every_backend() -> None:
    pm = _manager(SchoolPlugin(after="contacts"))
    passport = _with_teacher(rp.load(EXAMPLE, plugins=pm))
    ids = _ids(rp.layout(passport, plugins=pm, today=TODAY))
    assert ids[ids.index("contacts") + 1] == "school"
    markdown = rp.render(passport, format="markdown", plugins=pm).decode()
    school = markdown.index("## At school")
    assert markdown.index("## Contacts") < school < markdown.index("## ", school + 1)
    assert TEACHER in markdown[school : markdown.index("## ", school + 1)]
    french = rp.render(passport, format="text", language="fr", plugins=pm).decode()
    assert "À l'école" in french and TEACHER in french


def test_a_plugin_step_with_no_place_goes_just_before_about_this_passport() -> None:
    pm = _manager(SchoolPlugin())
    assert pm.layouts.ids()[-2:] == ["school", "review"]
    ids = _ids(rp.layout(_with_teacher(rp.load(EXAMPLE, plugins=pm)), plugins=pm, today=TODAY))
    assert ids[-2:] == ["school", "review"]


def test_a_plugin_step_shows_nothing_outside_the_view() -> None:
    pm = _manager(SchoolPlugin(after="contacts"))
    passport = _with_teacher(rp.load(EXAMPLE, plugins=pm))
    shown = {view: "school" in _ids(rp.layout(passport, view, plugins=pm, today=TODAY)) for view in rp.View}
    contacts_views = {view for view in rp.View if view in rp.field_views(Passport, "contacts")}
    assert {view for view, yes in shown.items() if yes} == contacts_views


@pytest.mark.parametrize(
    ("place", "refusal"),
    [
        ({"before": "emergency"}, "nothing goes before 'emergency'"),
        ({"after": "no-such-step"}, "there is no step 'no-such-step'"),
        ({"after": "contacts", "before": "review"}, "not both"),
    ],
)
def test_a_step_placed_where_it_cannot_go_is_refused_naming_the_plugin(place: dict[str, str], refusal: str) -> None:
    pm = _manager(SchoolPlugin(**place))
    assert "school" not in pm.layouts.ids()
    [failure] = pm.failures
    assert failure.plugin == "SchoolPlugin" and failure.hook == "rarepassport_register_layouts"
    assert refusal in failure.message


class ReplaceAllergies:
    """A plugin trying to lay out the allergies itself: refused, the core step stays."""

    @hookimpl
    def rarepassport_register_layouts(self, layouts: LayoutRegistry) -> None:
        layouts.add("allergies", lambda context, inputs: None)


def test_no_plugin_can_replace_a_core_step() -> None:
    pm = _manager(ReplaceAllergies())
    assert [spec.plugin for spec in pm.layouts if spec.id == "allergies"] == ["core-layout"]
    [failure] = pm.failures
    assert "already registered by plugin core-layout" in failure.message
    document = rp.layout(rp.load(EXAMPLE, plugins=pm), plugins=pm, today=TODAY)
    assert "allergies" in _ids(document)


def test_a_malformed_step_id_or_a_step_that_is_not_callable_is_refused() -> None:
    registry = LayoutRegistry()
    with pytest.raises(rp.PluginError, match="lower case"):
        registry.add("School Page", _school)
    with pytest.raises(rp.PluginError, match="not callable"):
        registry.add("school", "not a function")  # type: ignore[arg-type]
    assert len(registry) == 0


class BadSteps:
    """Steps that raise, return the wrong thing, or take a core section's id."""

    @hookimpl
    def rarepassport_register_layouts(self, layouts: LayoutRegistry) -> None:
        def raises(context: LayoutContext, inputs: LayoutInputs) -> Section:
            raise KeyError(inputs.passport.person.name)  # the message quotes passport data

        def wrong(context: LayoutContext, inputs: LayoutInputs) -> object:
            return inputs.passport.person.name

        def clash(context: LayoutContext, inputs: LayoutInputs) -> Section:
            return Section(id="allergies", title="Allergies (fake)", blocks=(Paragraph(text="None"),))

        layouts.add("raises", raises, after="emergency")
        layouts.add("wrong", wrong, after="allergies")  # type: ignore[arg-type]
        layouts.add("clash", clash, after="medications")


def test_a_failing_plugin_step_costs_only_its_own_contribution_with_a_warning_naming_it() -> None:
    core = _manager()
    pm = _manager(BadSteps())
    assert not pm.failures
    passport = rp.load(EXAMPLE, plugins=pm)
    expected = rp.layout(passport, plugins=core, today=TODAY)
    document = rp.layout(passport, plugins=pm, today=TODAY)
    assert document.sections == expected.sections  # nothing of the passport lost, nothing fake added
    warnings = [w for w in document.warnings if w not in expected.warnings]
    assert len(warnings) == 3
    for step in ("raises", "wrong", "clash"):
        assert any("BadSteps" in w and f"rarepassport_register_layouts ({step})" in w for w in warnings)
    assert not any(passport.person.name in w for w in warnings)


def test_blocking_the_core_layout_is_refused_rather_than_drawing_an_empty_passport() -> None:
    pm = _manager(blocked=("core-layout",))
    passport = rp.load(EXAMPLE, plugins=pm)
    with pytest.raises(rp.RenderError, match="core-layout"):
        rp.layout(passport, plugins=pm)
    with pytest.raises(rp.RenderError, match="core-layout"):
        rp.render(passport, format="text", plugins=pm)
