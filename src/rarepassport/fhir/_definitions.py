"""The FHIR artefacts rarepassport's IPS bundles cite: one table, published from here.

Every extension and code system (and the passport-id identifier system) an exported
bundle uses is defined below, once. `definitions` turns the table into FHIR R4
``StructureDefinition``, ``CodeSystem`` and ``NamingSystem`` resources; the
documentation site renders one page per artefact from the same resources, at the
URL the bundles cite, and a test checks that every URL in every exported bundle is
among them.
"""

from __future__ import annotations

from typing import Any

import attrs

from rarepassport.fhir import _common as c
from rarepassport.model import CarePreferences

JSON = dict[str, Any]

__all__ = ["Artefact", "artefacts", "definitions"]

#: The date the artefacts were last changed (their ``date`` element).
DATE = "2026-12-01"
_FHIR_VERSION = "4.0.1"
_PUBLISHER = "rarepassport"


@attrs.frozen(kw_only=True)
class _Extension:
    name: str
    title: str
    description: str
    contexts: tuple[str, ...]
    value_type: str
    repeats: bool = False


@attrs.frozen(kw_only=True)
class _CodeSystem:
    name: str
    url: str
    title: str
    description: str
    concepts: tuple[tuple[str, str, str], ...] = ()
    #: ``complete``, or ``not-present`` when the codes are not fixed (plugin section ids).
    content: str = "complete"


_EXTENSIONS = (
    _Extension(name="sex", title="Sex for clinical purposes",
               description="The person's sex for clinical purposes when FHIR's administrative gender has no "
                           "code for it: `intersex`.",
               contexts=("Patient",), value_type="code"),
    _Extension(name="notes", title="Notes",
               description="Free-text notes on a contact, a clinical feature or a care-team member.",
               contexts=("Patient.contact", "Condition.evidence", "CareTeam.participant"), value_type="string"),
    _Extension(name="primary", title="Main condition",
               description="This condition is the person's main diagnosis, the one the passport is about.",
               contexts=("Condition",), value_type="boolean"),
    _Extension(name="undiagnosed", title="Undiagnosed condition",
               description="A condition without a name (a 'syndrome without a name'), described by its "
                           "features; the verification status is `unconfirmed`.",
               contexts=("Condition",), value_type="boolean"),
    _Extension(name="life-threatening", title="Life-threatening reaction",
               description="The reaction was life-threatening. FHIR's worst reaction severity is `severe`; "
                           "this says more. The allergy also has `criticality: high` unless another was given.",
               contexts=("AllergyIntolerance.reaction",), value_type="boolean"),
    _Extension(name="time-critical", title="Time-critical medicine",
               description="The medicine must not be delayed or missed (for example hydrocortisone in "
                           "adrenal insufficiency); a missed dose is an emergency.",
               contexts=("MedicationStatement",), value_type="boolean"),
    _Extension(name="reason", title="Reason to avoid",
               description="Why something is to be avoided, on an alert Flag of the kind `avoid`.",
               contexts=("Flag",), value_type="string"),
    _Extension(name="lead", title="Lead clinician",
               description="This care-team member is the person's lead clinician (at most one).",
               contexts=("CareTeam.participant",), value_type="boolean"),
    _Extension(name="expert-in", title="Expert in",
               description="A condition or area this care-team member is an expert in; one per area.",
               contexts=("CareTeam.participant",), value_type="string", repeats=True),
    _Extension(name="created-on", title="Passport first written",
               description="The date the passport was first written.",
               contexts=("Composition",), value_type="date"),
    _Extension(name="updated-on", title="Passport last updated",
               description="The date the passport was last updated.",
               contexts=("Composition",), value_type="date"),
    _Extension(name="next-review-due", title="Next review due",
               description="The date by which the passport should next be reviewed by a professional.",
               contexts=("Composition",), value_type="date"),
    _Extension(name="note-kind", title="Kind of note",
               description="What an annotation holds: `summary` (a condition's summary for people) or "
                           "`source` (where an emergency protocol comes from).",
               contexts=("Annotation",), value_type="code"),
)

_CODE_SYSTEMS = (
    _CodeSystem(
        name="emergency-flag", url=c.FLAG_KIND, title="Emergency information kinds",
        description="What an alert Flag (or an emergency CarePlan) of a passport holds.",
        concepts=(
            ("emergency-summary", "Emergency summary", "What to read first in an emergency."),
            ("avoid", "Avoid", "Something to avoid (a medicine, a procedure, a situation)."),
            ("red-flag", "Red flag", "A sign that needs urgent action."),
            ("anaesthesia", "Anaesthesia", "What anaesthetists need to know."),
            ("emergency-protocol", "Emergency protocol", "The person's own emergency protocol."),
        ),
    ),
    _CodeSystem(
        name="care-preference", url=c.CARE_PREFERENCE, title="Care preferences",
        description="The kinds of everyday care preference a passport records, one Observation per item; "
                    "the codes are the field names of the passport model's `care_preferences`.",
        concepts=tuple((field.name, field.name.replace("_", " ").capitalize(),
                        str(field.metadata.get("description", "")))
                       for field in attrs.fields(CarePreferences)),
    ),
    _CodeSystem(
        name="additional-section", url=c.ADDITIONAL_SECTION, title="Additional sections",
        description="A free-text section the person added; its title is the Observation's `code.text`.",
        concepts=(("additional-section", "Additional section", "A free-text section with its own title."),),
    ),
    _CodeSystem(
        name="contact-role", url=c.CONTACT_ROLE, title="Contact roles",
        description="Contact roles HL7's tables have no code for.",
        concepts=(("carer", "Carer", "Someone who looks after the person, paid or unpaid."),),
    ),
    _CodeSystem(
        name="plugin-section", url=c.PLUGIN_SECTION, title="Plugin sections",
        description="Sections added by condition plugins; each code is the plugin section's id "
                    "(for example `haemophilia`). They travel as narrative only.",
        content="not-present",
    ),
)


@attrs.frozen(kw_only=True)
class Artefact:
    """One published artefact: its FHIR resource and where it lives.

    Attributes:
        url: Its canonical URL, the one bundles cite.
        page: Its documentation page, relative to the site root (``fhir/...md``).
        resource: The FHIR R4 resource (StructureDefinition, CodeSystem or NamingSystem).
    """

    url: str
    page: str
    resource: JSON


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("+", "-").split("-"))


def _structure_definition(ext: _Extension) -> JSON:
    url = c.EXT + ext.name
    return {
        "resourceType": "StructureDefinition",
        "id": ext.name,
        "url": url,
        "version": DATE,
        "name": _pascal(ext.name),
        "title": ext.title,
        "status": "active",
        "date": DATE,
        "publisher": _PUBLISHER,
        "description": ext.description,
        "fhirVersion": _FHIR_VERSION,
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": context} for context in ext.contexts],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {"element": [
            {"id": "Extension", "path": "Extension", "short": ext.title, "definition": ext.description,
             "min": 0, "max": "*" if ext.repeats else "1"},
            {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
            {"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
            {"id": "Extension.value[x]", "path": "Extension.value[x]", "min": 1,
             "type": [{"code": ext.value_type}]},
        ]},
    }


def _code_system(system: _CodeSystem) -> JSON:
    resource: JSON = {
        "resourceType": "CodeSystem",
        "id": system.name,
        "url": system.url,
        "version": DATE,
        "name": _pascal(system.name),
        "title": system.title,
        "status": "active",
        "date": DATE,
        "publisher": _PUBLISHER,
        "description": system.description,
        "caseSensitive": True,
        "content": system.content,
    }
    if system.concepts:
        resource["count"] = len(system.concepts)
        resource["concept"] = [{"code": code, "display": display, "definition": definition or display}
                               for code, display, definition in system.concepts]
    return resource


def _naming_system() -> JSON:
    return {
        "resourceType": "NamingSystem",
        "id": "passport-id",
        "name": "PassportId",
        "status": "active",
        "kind": "identifier",
        "date": DATE,
        "publisher": _PUBLISHER,
        "description": "The `id` of a rarepassport passport, carried as `Composition.identifier`: the same "
                       "passport exported again keeps the same identifier.",
        "uniqueId": [{"type": "uri", "value": c.PASSPORT_ID_SYSTEM, "preferred": True}],
    }


def artefacts() -> tuple[Artefact, ...]:
    """Every artefact the IPS export cites, with its canonical URL and documentation page."""
    result = [Artefact(url=c.EXT + ext.name, page=f"fhir/StructureDefinition/{ext.name}.md",
                       resource=_structure_definition(ext)) for ext in _EXTENSIONS]
    result += [Artefact(url=system.url, page=f"fhir/CodeSystem/{system.name}.md", resource=_code_system(system))
               for system in _CODE_SYSTEMS]
    result.append(Artefact(url=c.PASSPORT_ID_SYSTEM, page="fhir/passport-id.md", resource=_naming_system()))
    return tuple(result)


def definitions() -> dict[str, JSON]:
    """The FHIR resources defining every extension, code system and identifier system
    an exported IPS bundle uses, by canonical URL.

    Returns:
        A new dict on each call; the resources are FHIR R4 JSON-ready dicts.
    """
    return {artefact.url: artefact.resource for artefact in artefacts()}
