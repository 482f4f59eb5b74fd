"""FHIR Bulk Data NDJSON: IPS documents out as one resource per line, and back in by patient.

The FHIR Bulk Data Access specification (``$export``) writes one NDJSON file per
resource type, one resource per line, each resource standing alone: references name
``Type/id``, never a bundle's ``urn:uuid:`` full URL. [`bulk_resources`][rarepassport.fhir.bulk_resources]
turns one IPS document Bundle into such resources (the Composition too, so that an
export of ours reads back section by section), and
[`bulk_patient_bundles`][rarepassport.fhir.bulk_patient_bundles] groups the resources
of a bulk export — ours or another system's — by the Patient each refers to, into one
document Bundle per patient that `rarepassport.fhir.from_ips` reads.

A resource that names a different patient is never pulled into a patient's bundle,
even when one of that patient's resources refers to it: one person's record must not
take in another's. Messages name resource types, ids and FHIR paths, never values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from rarepassport.fhir import _common as c

__all__ = ["BulkGroup", "bulk_input_path", "bulk_patient_bundles", "bulk_resources"]

JSON = dict[str, Any]

#: The elements through which a resource names the patient it is about.
_PATIENT_KEYS = ("subject", "patient", "beneficiary")

#: The IPS section a resource of each type goes into when the input has no Composition.
_SECTION_OF: dict[str, str] = {
    "Condition": c.SECTION_PROBLEMS,
    "AllergyIntolerance": c.SECTION_ALLERGIES,
    "MedicationStatement": c.SECTION_MEDICATIONS,
    "MedicationRequest": c.SECTION_MEDICATIONS,
    "Immunization": c.SECTION_IMMUNIZATIONS,
    "Procedure": c.SECTION_PROCEDURES,
    "DeviceUseStatement": c.SECTION_DEVICES,
    "Observation": c.SECTION_RESULTS,
    "Flag": c.SECTION_ALERTS,
    "CarePlan": c.SECTION_PLAN_OF_CARE,
    "DocumentReference": c.SECTION_ADVANCE_DIRECTIVES,
    "Consent": c.SECTION_ADVANCE_DIRECTIVES,
    "CareTeam": c.SECTION_CARE_TEAM,
}


def _walk_references(value: Any, rewrite: Mapping[str, str] | None = None) -> Iterable[str]:
    """Every ``reference`` string under ``value``; with ``rewrite``, replaced in place."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("reference")
            if isinstance(ref, str):
                if rewrite is not None and ref in rewrite:
                    item["reference"] = rewrite[ref]
                yield item["reference"]
            stack.extend(v for k, v in item.items() if k != "reference")
        elif isinstance(item, list):
            stack.extend(item)


def bulk_resources(bundle: Mapping[str, Any]) -> list[JSON]:
    """The resources of an IPS document Bundle as a FHIR Bulk Data export writes them.

    Each is a copy in which every reference to another entry's ``urn:uuid:`` full URL
    names it as ``Type/id`` instead, so each line stands on its own. The Composition is
    kept: it says which section each resource belongs to.

    Args:
        bundle: A document Bundle, e.g. from [`to_ips`][rarepassport.to_ips].

    Returns:
        The resources, in the bundle's order.
    """
    entries = [entry for entry in bundle.get("entry", ()) if isinstance(entry, Mapping)]
    rewrite: dict[str, str] = {}
    for entry in entries:
        resource = entry.get("resource")
        url = entry.get("fullUrl")
        if isinstance(resource, Mapping) and isinstance(url, str) and isinstance(resource.get("id"), str):
            rewrite[url] = f"{resource['resourceType']}/{resource['id']}"
    resources = [json.loads(json.dumps(entry["resource"])) for entry in entries
                 if isinstance(entry.get("resource"), Mapping)]
    for resource in resources:
        for _ in _walk_references(resource, rewrite):
            pass
    return resources


def _relative(reference: str) -> str:
    """``Type/id`` of a relative or absolute reference (``…/Patient/1/_history/2`` → ``Patient/1``)."""
    parts = reference.rstrip("/").split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    return "/".join(parts[-2:]) if len(parts) >= 2 else reference


def _patient_of(resource: Mapping[str, Any]) -> str | None:
    """``Patient/id`` that a resource is about, if it names one."""
    for key in _PATIENT_KEYS:
        value = resource.get(key)
        ref = value.get("reference") if isinstance(value, Mapping) else None
        if isinstance(ref, str) and _relative(ref).startswith("Patient/"):
            return _relative(ref)
    return None


@attrs.frozen
class BulkGroup:
    """The resources of one patient of a bulk export, as a document Bundle.

    Attributes:
        patient: ``Patient/id``.
        bundle: A document Bundle for `rarepassport.fhir.from_ips` (``None``
            when ``error`` says why there is none).
        error: Why this patient cannot be imported (names types and ids, never values).
        made_composition: Whether the input had no Composition for this patient and one
            was made, one section per resource type.
    """

    patient: str
    bundle: JSON | None = attrs.field(repr=False)
    error: str | None = None
    made_composition: bool = False


def bulk_input_path(bundle: Mapping[str, Any], path: str) -> str:
    """An import's FHIR path (``Bundle.entry[3].resource.status``) in terms of a bulk
    input (``Flag/x.status``), for a bundle from :func:`bulk_patient_bundles`."""
    if path.startswith("Bundle.entry["):
        index_text, _, rest = path[len("Bundle.entry["):].partition("]")
        entries = bundle.get("entry") or []
        if index_text.isdigit() and int(index_text) < len(entries):
            resource = entries[int(index_text)].get("resource") or {}
            kind, rid = resource.get("resourceType"), resource.get("id")
            name = f"{kind}/{rid}" if isinstance(rid, str) else f"{kind} (made for the import)"
            return name + rest.removeprefix(".resource")
    return path


def _composition(patient: str, members: list[JSON]) -> JSON:
    sections: dict[str, list[JSON]] = {}
    for resource in members:
        code = _SECTION_OF.get(str(resource.get("resourceType")))
        if code is not None and _patient_of(resource) == patient:
            sections.setdefault(code, []).append({"reference": f"{resource['resourceType']}/{resource['id']}"})
    return {
        "resourceType": "Composition",
        "status": "final",
        "type": {"coding": [{"system": c.LOINC, "code": c.IPS_DOCUMENT}]},
        "subject": {"reference": patient},
        "section": [
            {"code": {"coding": [{"system": c.LOINC, "code": code}]}, "entry": entries}
            for code, entries in sections.items()
        ],
    }


def bulk_patient_bundles(resources: Iterable[Mapping[str, Any]]) -> tuple[list[BulkGroup], dict[str, int]]:
    """Group the resources of a FHIR Bulk Data export by patient, one document Bundle each.

    A patient's bundle holds its Patient, every resource whose ``subject``, ``patient``
    or ``beneficiary`` names it (and every Provenance whose targets are all that
    patient's), and what those refer to (practitioners, organisations,
    medications, devices), followed transitively — but never a resource that names
    another patient, nor another Patient. When the patient has a Composition (an export
    of ours), it leads the bundle; otherwise one is made with a section per resource type.

    Args:
        resources: Every resource of the export, from all its NDJSON files.

    Returns:
        The groups, in the order the Patients came, and the count by type of the
        resources that belong to no patient's bundle.
    """
    by_ref: dict[str, JSON] = {}
    clashes: set[str] = set()
    order: list[str] = []
    for resource in resources:
        kind, rid = resource.get("resourceType"), resource.get("id")
        if not isinstance(kind, str) or not isinstance(rid, str):
            continue
        key = f"{kind}/{rid}"
        if key in by_ref:
            if by_ref[key] != resource:
                clashes.add(key)
            continue
        by_ref[key] = dict(resource)
        order.append(key)
    owner = {key: _patient_of(resource) for key, resource in by_ref.items()}
    for key, resource in by_ref.items():
        if key.startswith("Provenance/") and owner[key] is None:
            # A signed check names no patient; it belongs with what it targets, when
            # that is one patient's record (our Composition and its entries).
            targets = resource.get("target")
            patients = {owner.get(_relative(t["reference"])) for t in (targets if isinstance(targets, list) else [])
                        if isinstance(t, Mapping) and isinstance(t.get("reference"), str)}
            if len(patients) == 1 and None not in patients:
                owner[key] = patients.pop()
    members_of: dict[str, list[str]] = {}
    for key in order:
        patient = owner[key]
        if patient is not None:
            members_of.setdefault(patient, []).append(key)
    used: set[str] = set()
    groups: list[BulkGroup] = []
    for patient in (key for key in order if key.startswith("Patient/")):
        keys = [patient, *members_of.get(patient, ())]
        seen = set(keys)
        index = 0
        while index < len(keys):
            for ref in _walk_references(by_ref[keys[index]]):
                target = _relative(ref)
                if target in seen or target not in by_ref:
                    continue
                if target.startswith("Patient/") or owner[target] not in (None, patient):
                    continue  # another person's record: never pulled in
                seen.add(target)
                keys.append(target)
            index += 1
        used.update(keys)
        clashing = sorted(clashes & set(keys))
        if clashing:
            groups.append(BulkGroup(patient=patient, bundle=None, error=(
                f"{', '.join(clashing[:5])} appear(s) more than once in the input with different content; "
                "which one is this patient's cannot be told")))
            continue
        compositions = [key for key in keys if key.startswith("Composition/")]
        if len(compositions) > 1:
            groups.append(BulkGroup(patient=patient, bundle=None, error=(
                f"{len(compositions)} Compositions name this patient ({', '.join(compositions[:5])}); "
                "import them one document at a time")))
            continue
        members = [by_ref[key] for key in keys]
        made = not compositions
        if made:
            ordered = [_composition(patient, members), *members]
        else:
            ordered = [by_ref[compositions[0]], *(r for k, r in zip(keys, members, strict=True)
                                                  if k != compositions[0])]
        bundle = {"resourceType": "Bundle", "type": "document",
                  "entry": [{"resource": resource} for resource in ordered]}
        groups.append(BulkGroup(patient=patient, bundle=bundle, made_composition=made))
    left: dict[str, int] = {}
    for key in order:
        if key not in used:
            kind = key.split("/", 1)[0]
            left[kind] = left.get(kind, 0) + 1
    return groups, left
