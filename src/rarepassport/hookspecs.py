"""The hooks a rarepassport plugin can implement.

A plugin is a module (or any object) with functions named after these hooks and
decorated with [`rarepassport.hookimpl`][]. Registration hooks receive a *registry*
object and call its ``add`` method: the registry checks what it is given, so clashes
and mistakes are reported in one place, with the plugin's name.

Outside plugins are found through the ``rarepassport`` entry-point group::

    [project.entry-points.rarepassport]
    fabry = "rarepassport_fabry"

Every hook is optional: implement only the ones you need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from rarepassport.document import Section
    from rarepassport.guidance import Guidance
    from rarepassport.layouts import LayoutContext
    from rarepassport.migrations import SectionMigrationRegistry
    from rarepassport.model import Passport
    from rarepassport.registries import (
        BackendRegistry,
        ExporterRegistry,
        LabelRegistry,
        LayoutRegistry,
        RuleRegistry,
        SectionRegistry,
        SectionSpec,
    )

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

#: The pluggy project name, also the entry-point group plugins are found through.
PROJECT_NAME = "rarepassport"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorator that marks a function as an implementation of a hook.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def rarepassport_register_sections(sections: SectionRegistry) -> None:
    """Add sections under the passport's ``extensions``.

    A section is a frozen attrs class; its fields' metadata (``description``,
    ``views``) feed the JSON Schema and the layout exactly as the core sections' do.
    The section's data is then written in passports as ``extensions.<id>``.

    Args:
        sections: Call ``sections.add(...)`` once per section.

    Example:
        ```python
        import attrs
        from rarepassport import hookimpl, section_field

        @attrs.frozen(kw_only=True)
        class FabryDetails:
            enzyme_therapy: str | None = section_field("Enzyme replacement therapy.", default=None)

        @hookimpl
        def rarepassport_register_sections(sections):
            sections.add("fabry", FabryDetails, title="Fabry disease",
                         applies_to=["ORPHA:324"])
        ```
    """


@hookspec
def rarepassport_register_migrations(migrations: SectionMigrationRegistry) -> None:
    """Add the migrations of your sections from their older versions.

    When a release of a plugin changes the shape of its section (renames a field, turns
    text into a list), it registers the section with the new ``version=`` and a step
    from each older version here. Passports written for the older release are then
    upgraded as they are read, losing nothing; ``rarepassport upgrade FILE`` lists each
    step. A section's data with no ``schema_version`` is at version 1; data newer than
    the installed plugin reads is refused, naming the section.

    Args:
        migrations: Call ``migrations.add(section_id, source, target, upgrade,
            summary=...)`` once per step; ``upgrade(data)`` gets a copy of the section's
            data (a JSON-like dict) and returns the upgraded data.

    Example:
        ```python
        def treatment_renamed(data):
            if "enzyme_therapy" in data:
                data["treatment"] = data.pop("enzyme_therapy")
            return data

        @hookimpl
        def rarepassport_register_migrations(migrations):
            migrations.add("fabry", "1", "2", treatment_renamed,
                           summary="enzyme_therapy is now treatment (oral therapy too)")
        ```
    """


@hookspec
def rarepassport_register_rules(rules: RuleRegistry) -> None:
    """Add validation rules that a JSON Schema cannot express.

    A rule is a function ``rule(passport, context) -> Iterable[Issue]``; ``context``
    is a [`rarepassport.RuleContext`][] (today's date, helpers). Rules must not
    raise on odd data; if one does, the error becomes an issue naming the plugin.

    Args:
        rules: Call ``rules.add(rule, code=..., description=...)`` once per rule.

    Example:
        ```python
        from rarepassport import Issue, IssueSeverity, hookimpl

        def needs_enzyme_therapy(passport, context):
            section = passport.extensions.get("fabry")
            if section is not None and not section.enzyme_therapy:
                yield Issue(path="$.extensions.fabry.enzyme_therapy",
                            code="fabry-no-therapy", severity=IssueSeverity.WARNING,
                            message="say which enzyme therapy is given, or 'none'")

        @hookimpl
        def rarepassport_register_rules(rules):
            rules.add(needs_enzyme_therapy, code="fabry-no-therapy",
                      description="Fabry passports name the enzyme therapy.")
        ```
    """


@hookspec
def rarepassport_register_backends(backends: BackendRegistry) -> None:
    """Add render backends: things that turn a laid-out Document into bytes.

    Args:
        backends: Call ``backends.add(name, render, media_type=..., suffix=...)``.
            ``render(document, **options)`` returns a
            [`rarepassport.rendering.Rendered`][rarepassport.Rendered] (bytes plus warnings).

    Example:
        ```python
        @hookimpl
        def rarepassport_register_backends(backends):
            backends.add("rtf", render_rtf, media_type="application/rtf", suffix=".rtf",
                         description="Rich Text Format for word processors")
        ```
    """


@hookspec
def rarepassport_register_exporters(exporters: ExporterRegistry) -> None:
    """Add exporters: mappings from a passport to another format (FHIR, ...).

    Args:
        exporters: Call ``exporters.add(name, export, media_type=..., suffix=...)``;
            ``export(passport, plugins=...)`` returns bytes.

    Example:
        ```python
        import csv, io

        def export_medicines_csv(passport, plugins=None):
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["name", "dose", "frequency", "time_critical"])
            for m in passport.medications:
                writer.writerow([m.name, m.dose or "", m.frequency or "", m.time_critical])
            return out.getvalue().encode("utf-8")

        @hookimpl
        def rarepassport_register_exporters(exporters):
            exporters.add("medicines-csv", export_medicines_csv, media_type="text/csv",
                          suffix=".csv", description="The medicines list for a pharmacy")
        ```
    """


@hookspec
def rarepassport_register_labels(labels: LabelRegistry) -> None:
    """Add or translate labels: the words layout puts on the page.

    Args:
        labels: Call ``labels.add_catalogues(folder)`` for a folder of gettext
            catalogues (``messages.pot`` and ``<tag>.po``, the label id as ``msgctxt``),
            or ``labels.add(language, {label_id: text, ...})``. Label ids are
            ``Class.field`` for fields (``Medication.time_critical``) and
            ``section.<id>`` for section titles.

    Example:
        ```python
        @hookimpl
        def rarepassport_register_labels(labels):
            labels.add_catalogues(Path(__file__).parent / "locale")
            labels.add("fr", {"section.emergency": "En cas d'urgence"})
        ```
    """


@hookspec
def rarepassport_register_layouts(layouts: LayoutRegistry) -> None:
    """Add a layout step: a section of the document built from the passport.

    The core sections (the emergency summary, protocols, allergies, ... "About this
    passport") are laid out by the built-in plugin ``core-layout`` through this same
    hook, so its steps are the places a new one can go. Most plugins need
    ``rarepassport_layout_section`` instead, which lays out their own ``extensions``
    section; this hook is for a section built from core data.

    Args:
        layouts: Call ``layouts.add(id, step, after=..., before=...)``; ``step(context,
            inputs)`` returns a ``Section``, several or ``None``
            ([`LayoutInputs`][rarepassport.LayoutInputs] holds the passport and what
            layout worked out from it). ``make_plugin_manager().layouts.ids()`` lists
            the steps' ids in document order.

    Example:
        ```python
        from rarepassport.document import Paragraph, Section

        def school_contacts(context, inputs):
            teachers = [c.name for c in inputs.passport.contacts if c.relationship == "teacher"]
            if not teachers or not context.shows(type(inputs.passport), "contacts"):
                return None
            # section.school is a label the plugin registers (rarepassport_register_labels)
            title = context.label("section.school")
            return Section(id="school", title=title, blocks=[Paragraph(text=", ".join(teachers))])

        @hookimpl
        def rarepassport_register_layouts(layouts):
            layouts.add("school", school_contacts, after="contacts")
        ```
    """


@hookspec
def rarepassport_emergency_guidance(passport: Passport) -> Iterable[Guidance] | None:
    """Give general emergency guidance that applies to this passport.

    Return nothing when the passport is not for your condition. Guidance is shown
    after the owner's own protocols, with its source and date; it never replaces them.

    Example:
        ```python
        @hookimpl
        def rarepassport_emergency_guidance(passport):
            if "fabry" in passport.extensions:
                return [Guidance(title="Fabry disease: pain crisis", text="...",
                                 source="...", source_date=datetime.date(2025, 1, 1))]
            return None
        ```
    """


@hookspec(firstresult=True)
def rarepassport_layout_section(
    section: SectionSpec, data: object, passport: Passport, context: LayoutContext
) -> Section | None:
    """Lay out a plugin's ``extensions`` section yourself.

    Return ``None`` (the default) to let rarepassport lay it out from the section
    class's field metadata, which suits most sections. The first non-``None`` answer
    is used. Only the fields in ``context.view`` may appear in what you return.

    Args:
        section: The section's registration.
        data: The section's data (an instance of ``section.cls``).
        passport: The whole passport.
        context: View, language, labels and date formatting.

    Example:
        ```python
        from rarepassport.document import Alert, AlertLevel, Section
        from rarepassport.layouts import layout_fields

        @hookimpl
        def rarepassport_layout_section(section, data, passport, context):
            if section.id != "fabry":
                return None
            blocks = layout_fields(context, data, exclude=["pain_crisis_plan"])
            # Only what the view shows: context.shows() reads the field's views.
            if data.pain_crisis_plan and context.shows(type(data), "pain_crisis_plan"):
                blocks.insert(0, Alert(text=data.pain_crisis_plan, level=AlertLevel.CRITICAL))
            return Section(id="extensions.fabry", title=section.title, blocks=blocks)
        ```
    """


@hookspec(firstresult=True)
def rarepassport_fhir_section(
    section: SectionSpec, data: object, passport: Passport, patient_reference: str
) -> Mapping[str, Any] | None:
    """Map a plugin's ``extensions`` section into the FHIR IPS export yourself.

    Return ``None`` (the default) and the section is exported as a narrative-only
    Composition section (the laid-out text of the section, coded
    ``https://rarepassport.readthedocs.io/fhir/CodeSystem/plugin-section#<id>``).
    The first non-``None`` answer is used.

    Args:
        section: The section's registration.
        data: The section's data (an instance of ``section.cls``).
        passport: The whole passport.
        patient_reference: The reference to use for the Patient, e.g. in
            ``"subject": {"reference": patient_reference}``.

    Returns:
        A mapping with any of: ``title`` (section title), ``resources`` (a list of FHIR
        resource dicts; each is given an id and a ``urn:uuid`` entry and becomes a
        section entry), ``div`` (the section's XHTML narrative, a ``<div>`` with the
        XHTML namespace, every value escaped).

    Example:
        ```python
        @hookimpl
        def rarepassport_fhir_section(section, data, passport, patient_reference):
            if section.id != "fabry":
                return None
            return {"resources": [{
                "resourceType": "Observation", "status": "final",
                "code": {"text": "Enzyme replacement therapy"},
                "subject": {"reference": patient_reference},
                "valueString": data.enzyme_therapy,
            }]}
        ```
    """
