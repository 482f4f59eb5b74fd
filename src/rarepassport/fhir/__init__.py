"""HL7 FHIR R4 International Patient Summary (IPS): export and import.

[`to_ips`][rarepassport.to_ips] writes a passport as an IPS document Bundle; `from_ips` reads an
IPS document (ours or another system's) back, listing everything it could not map.
`bulk_resources` and `bulk_patient_bundles` write and read FHIR Bulk Data NDJSON
(one resource per line, grouped back by patient). `definitions` gives the
StructureDefinitions, CodeSystems and NamingSystem of every extension and system the
export uses. `ips_subset` says exactly what survives the trip:
``from_ips(to_ips(p)).passport == ips_subset(p)``.

Nothing here is imported by ``import rarepassport``; the module needs only the
standard library and the model. ``rarepassport.fhir.to_ips`` is
[`rarepassport.to_ips`][] (the API function, which turns ``plugins=None`` into the
default plugin manager), reached lazily so that this package never imports the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from rarepassport.fhir import _common
from rarepassport.fhir._bulk import BulkGroup, bulk_input_path, bulk_patient_bundles, bulk_resources
from rarepassport.fhir._common import photo_attachment
from rarepassport.fhir._definitions import definitions
from rarepassport.fhir._import import FhirImportError, ImportResult, Unmapped, from_ips
from rarepassport.model import (
    AllergiesStatus,
    Coding,
    Criticality,
    Emergency,
    History,
    MedicationsStatus,
    Passport,
    Severity,
)

if TYPE_CHECKING:
    from rarepassport.api import to_ips

__all__ = [
    "NOT_CARRIED",
    "BulkGroup",
    "FhirImportError",
    "ImportResult",
    "Unmapped",
    "bulk_input_path",
    "bulk_patient_bundles",
    "bulk_resources",
    "definitions",
    "from_ips",
    "ips_subset",
    "not_carried",
    "to_ips",
]

#: Passport fields the IPS export does not carry (in FHIR terms, they have no
#: resource in a patient summary). Plugin sections are exported as narrative only.
#: Signed checks travel as Provenance resources; ``attestations`` here stands for one
#: whose signature is not a compact JWS at all (malformed: it could never verify).
NOT_CARRIED: tuple[str, ...] = (
    "links",
    "diagnoses[].links",
    "emergency.previous",
    "emergency.open_access",
    "history.admissions",
    "extensions",
    "person.photo",
    "attestations",
)


def not_carried(passport: Passport) -> list[str]:
    """The fields of [`NOT_CARRIED`][rarepassport.fhir.NOT_CARRIED] that hold data in this passport.

    An export of this passport leaves them out (plugin sections travel only as
    narrative); tell the user rather than let them vanish unnoticed.
    """
    present = {
        "links": bool(passport.links),
        "diagnoses[].links": any(diagnosis.links for diagnosis in passport.diagnoses),
        "emergency.previous": bool(passport.emergency.previous),
        "emergency.open_access": passport.emergency.open_access is not None,
        "history.admissions": bool(passport.history.admissions),
        "extensions": bool(passport.extensions),
        "person.photo": bool(passport.person.photo) and photo_attachment(passport.person.photo) is None,
        "attestations": _common.carried_attestations(passport.attestations) != passport.attestations,
    }
    return [name for name in NOT_CARRIED if present.get(name, False)]


def _normal_coding(code: Coding) -> Coding:
    system, value = _common.our_coding(code.system, code.code)
    return Coding(system=system, code=value, display=code.display)


def _normal_codes(codes: tuple[Coding, ...]) -> tuple[Coding, ...]:
    return tuple(_normal_coding(code) for code in codes)


def ips_subset(passport: Passport) -> Passport:
    """The part of a passport an IPS round trip keeps, written as import writes it.

    Fields in [`NOT_CARRIED`][rarepassport.fhir.NOT_CARRIED] are emptied; code systems given as a URI that
    rarepassport knows get their short name (``http://snomed.info/sct`` →
    ``SNOMED-CT``), Orphanet and OMIM codes their prefix (``558`` → ``ORPHA:558``),
    and ``listed``/``none`` statuses that contradict their list are read as FHIR
    would carry them.

    Args:
        passport: Any passport.

    Returns:
        A passport equal to ``from_ips(to_ips(passport)).passport``.
    """
    diagnoses = tuple(
        attrs.evolve(diagnosis, links=(), codes=_normal_codes(diagnosis.codes)) for diagnosis in passport.diagnoses
    )
    medications = tuple(attrs.evolve(m, codes=_normal_codes(m.codes)) for m in passport.medications)
    allergies = tuple(
        attrs.evolve(
            a,
            codes=_normal_codes(a.codes),
            # Export gives a life-threatening allergy a high criticality for receivers.
            criticality=Criticality.HIGH
            if a.criticality is None and a.severity is Severity.LIFE_THREATENING
            else a.criticality,
        )
        for a in passport.allergies
    )
    medications_status = passport.medications_status
    if medications:
        medications_status = MedicationsStatus.LISTED
    elif medications_status is MedicationsStatus.LISTED:
        medications_status = MedicationsStatus.UNKNOWN
    allergies_status = passport.allergies_status
    if allergies:
        allergies_status = AllergiesStatus.LISTED
    elif allergies_status is AllergiesStatus.LISTED:
        allergies_status = AllergiesStatus.UNKNOWN
    emergency: Emergency = attrs.evolve(passport.emergency, previous=(), open_access=None)
    history = History(procedures=passport.history.procedures, immunisations=passport.history.immunisations)
    return attrs.evolve(
        passport,
        diagnoses=diagnoses,
        medications=medications,
        medications_status=medications_status,
        allergies=allergies,
        allergies_status=allergies_status,
        emergency=emergency,
        history=history,
        links=(),
        extensions={},
        attestations=_common.carried_attestations(passport.attestations),
        person=attrs.evolve(
            passport.person, photo=passport.person.photo if photo_attachment(passport.person.photo) else None
        ),
    )


def __getattr__(name: str) -> object:
    # The one documented lazy import upwards (see the import-linter contract): the
    # public ``to_ips`` lives in the API module, where ``plugins=None`` is resolved.
    if name == "to_ips":
        from rarepassport import api

        return api.to_ips
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
