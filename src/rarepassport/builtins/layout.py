"""Built-in plugin: the core sections' layout, registered like any plugin's layout step.

Each core section of the passport is one step registered through
``rarepassport_register_layouts``, in the order the document shows them: the emergency
first (summary, the owner's own protocols, plugins' emergency sections, general
guidance, things to avoid, red flags, allergies, time-critical medicines, advance
decisions), then everything else, ending with "About this passport". An outside
plugin places its own steps among these by id (``after="contacts"``), and cannot
replace them or go before the emergency summary.

The section builders live in `rarepassport.layouts` (``_emergency``, ``_sections``);
this module only names and orders them. Each step imports its builder when it first
runs, so building a plugin manager (``rarepassport validate``) loads no layout code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rarepassport.hookspecs import hookimpl
from rarepassport.model import Emergency, Passport

if TYPE_CHECKING:
    from rarepassport.document import Section
    from rarepassport.layouts import LayoutContext, LayoutInputs
    from rarepassport.registries import LayoutRegistry, LayoutStep

__all__ = ["CORE_STEPS"]


def _emergency_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _emergency
    return _emergency(context, inputs.emergency, inputs.essentials)


def _protocols_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _protocols
    return _protocols(context, inputs.emergency)


def _emergency_extensions_step(context: LayoutContext, inputs: LayoutInputs) -> Iterable[Section]:
    return inputs.emergency_extensions


def _guidance_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _guidance
    return _guidance(context, inputs.guidance, inputs.population, own_protocol=bool(inputs.emergency.protocols))


def _avoid_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _avoid
    return _avoid(context, inputs.emergency)


def _red_flags_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _red_flags
    return _red_flags(context, inputs.emergency)


def _allergies_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _allergies
    return _allergies(context, inputs.passport)


def _time_critical_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _time_critical
    return _time_critical(context, inputs.passport)


def _advance_decisions_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _advance_decisions
    return _advance_decisions(context, inputs.emergency)


def _person_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _person
    return _person(context, inputs.passport.person)


def _diagnoses_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _diagnoses
    return _diagnoses(context, inputs.passport)


def _medications_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._emergency import _medications
    return _medications(context, inputs.passport)


def _devices_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _simple_table_section
    return _simple_table_section(context, "devices", Passport, "devices", inputs.passport.devices)


def _anaesthesia_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _anaesthesia
    return _anaesthesia(context, inputs.emergency)


def _previous_emergencies_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _simple_table_section
    return _simple_table_section(
        context,
        "previous_emergencies",
        Emergency,
        "previous",
        inputs.emergency.previous,
        names=("date", "reason", "treatment", "outcome"),
    )


def _contacts_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.essentials import contacts_in_call_order
    from rarepassport.layouts._sections import _simple_table_section
    contacts = contacts_in_call_order(inputs.passport.contacts)
    return _simple_table_section(context, "contacts", Passport, "contacts", contacts)


def _care_team_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _care_team
    return _care_team(context, inputs.passport)


def _care_preferences_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _plain_section
    preferences = inputs.passport.care_preferences
    return _plain_section(context, "care_preferences", Passport, "care_preferences", preferences)


def _history_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _plain_section
    if not context.shows(Passport, "history"):
        return None
    return _plain_section(context, "history", Passport, "history", inputs.passport.history)


def _links_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _links
    return _links(context, inputs.passport)


def _additional_step(context: LayoutContext, inputs: LayoutInputs) -> Iterable[Section]:
    from rarepassport.layouts._sections import _additional
    return _additional(context, inputs.passport)


def _extensions_step(context: LayoutContext, inputs: LayoutInputs) -> Iterable[Section]:
    return inputs.other_extensions


def _review_step(context: LayoutContext, inputs: LayoutInputs) -> Section | None:
    from rarepassport.layouts._sections import _review
    return _review(context, inputs.passport, list(inputs.contributors), inputs.trust)


#: The core steps as ``(id, step, description)``, in document order. The emergency part
#: runs from ``emergency`` to ``advance-decisions``.
CORE_STEPS: tuple[tuple[str, LayoutStep, str], ...] = (
    ("emergency", _emergency_step, "Emergency summary, essentials and whom to call"),
    ("protocols", _protocols_step, "The owner's own emergency protocols"),
    ("emergency-extensions", _emergency_extensions_step, "Plugins' sections registered as emergency"),
    ("guidance", _guidance_step, "Plugins' general guidance, after the owner's protocol"),
    ("avoid", _avoid_step, "Things to avoid"),
    ("red-flags", _red_flags_step, "Red flags"),
    ("allergies", _allergies_step, "Allergies, or that none are known"),
    ("time-critical", _time_critical_step, "Time-critical medicines"),
    ("advance-decisions", _advance_decisions_step, "Advance decisions"),
    ("person", _person_step, "About the person"),
    ("diagnoses", _diagnoses_step, "Diagnoses and clinical features"),
    ("medications", _medications_step, "Medicines"),
    ("devices", _devices_step, "Devices"),
    ("anaesthesia", _anaesthesia_step, "Anaesthesia and procedures"),
    ("previous-emergencies", _previous_emergencies_step, "Previous emergencies"),
    ("contacts", _contacts_step, "Contacts, in the order to call them"),
    ("care-team", _care_team_step, "The care team"),
    ("care-preferences", _care_preferences_step, "Care preferences"),
    ("history", _history_step, "History"),
    ("links", _links_step, "Links to records"),
    ("additional", _additional_step, "Additional sections"),
    ("extensions", _extensions_step, "Plugins' other sections"),
    ("review", _review_step, "About this passport: review, contributors and versions"),
)


@hookimpl
def rarepassport_register_layouts(layouts: LayoutRegistry) -> None:
    """Register the core sections' layout steps, in document order."""
    for step_id, step, description in CORE_STEPS:
        layouts.add(step_id, step, description=description)
