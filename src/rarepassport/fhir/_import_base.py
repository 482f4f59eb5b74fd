"""The importer's bookkeeping: the bundle's index, references, and the report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rarepassport.errors import Message
from rarepassport.fhir import _common as c
from rarepassport.model import (
    AdditionalSection,
    AdvanceDecision,
    Allergy,
    Avoid,
    CareTeamMember,
    Device,
    Diagnosis,
    Immunisation,
    Medication,
    Procedure,
    Protocol,
    Weight,
)

if TYPE_CHECKING:
    pass
from rarepassport.fhir._read import (
    Unmapped,
    _codes,
    _ext_map,
    _fail,
    _Res,
)

JSON = dict[str, Any]


#: Why a key of a resource that was read was not imported, unless the reader says more.
_NO_PLACE = Message("fhir.unmapped.no-place", "no place in the passport")

#: The two notes on a reference that cannot be followed (it has no ``reference``, or it
#: names no entry of the bundle), for each thing that happens instead; `Importer.resolve`
#: takes the key. Catalogue messages (``fhir.unmapped.reference-*``) written out whole, so
#: that each is said in the messages' language.
_UNRESOLVED: dict[str, tuple[Message, Message]] = {
    "not-imported": (
        Message("fhir.unmapped.reference-missing.not-imported",
            "the reference has no 'reference' to a resource in the bundle; what it names is not imported"),
        Message("fhir.unmapped.reference-unresolved.not-imported",
            "the reference does not resolve to any entry of the bundle; what it names is not imported"),
    ),
    "display-name-kept": (
        Message("fhir.unmapped.reference-missing.display-name-kept",
            "the reference has no 'reference' to a resource in the bundle; its display name is kept"),
        Message("fhir.unmapped.reference-unresolved.display-name-kept",
            "the reference does not resolve to any entry of the bundle; its display name is kept"),
    ),
    "professional-not-imported": (
        Message("fhir.unmapped.reference-missing.professional-not-imported",
            "the reference has no 'reference' to a resource in the bundle; the professional is not imported"),
        Message("fhir.unmapped.reference-unresolved.professional-not-imported",
            "the reference does not resolve to any entry of the bundle; the professional is not imported"),
    ),
    "organisation-name-kept": (
        Message("fhir.unmapped.reference-missing.organisation-name-kept",
            "the reference has no 'reference' to a resource in the bundle; the organisation's display name is kept"),
        Message("fhir.unmapped.reference-unresolved.organisation-name-kept",
            "the reference does not resolve to any entry of the bundle; the organisation's display name is kept"),
    ),
    "practitioner-name-kept": (
        Message("fhir.unmapped.reference-missing.practitioner-name-kept",
            "the reference has no 'reference' to a resource in the bundle; the practitioner's display name is kept"),
        Message("fhir.unmapped.reference-unresolved.practitioner-name-kept",
            "the reference does not resolve to any entry of the bundle; the practitioner's display name is kept"),
    ),
    "author-not-kept": (
        Message("fhir.unmapped.reference-missing.author-not-kept",
            "the reference has no 'reference' to a resource in the bundle; the author is not kept"),
        Message("fhir.unmapped.reference-unresolved.author-not-kept",
            "the reference does not resolve to any entry of the bundle; the author is not kept"),
    ),
    "entry-skipped": (
        Message("fhir.unmapped.reference-missing.entry-skipped",
            "the reference has no 'reference' to a resource in the bundle; the entry is skipped"),
        Message("fhir.unmapped.reference-unresolved.entry-skipped",
            "the reference does not resolve to any entry of the bundle; the entry is skipped"),
    ),
    "item-skipped": (
        Message("fhir.unmapped.reference-missing.item-skipped",
            "the reference has no 'reference' to a resource in the bundle; the item is skipped"),
        Message("fhir.unmapped.reference-unresolved.item-skipped",
            "the reference does not resolve to any entry of the bundle; the item is skipped"),
    ),
    "medicine-by-name": (
        Message("fhir.unmapped.reference-missing.medicine-by-name",
            "the reference has no 'reference' to a resource in the bundle; "
            "the medicine is imported by its display name"),
        Message("fhir.unmapped.reference-unresolved.medicine-by-name",
            "the reference does not resolve to any entry of the bundle; the medicine is imported by its display name"),
    ),
    "unnamed-medicine-not-imported": (
        Message("fhir.unmapped.reference-missing.unnamed-medicine-not-imported",
            "the reference has no 'reference' to a resource in the bundle; a medicine without a name is not imported"),
        Message("fhir.unmapped.reference-unresolved.unnamed-medicine-not-imported",
            "the reference does not resolve to any entry of the bundle; a medicine without a name is not imported"),
    ),
    "device-by-name": (
        Message("fhir.unmapped.reference-missing.device-by-name",
            "the reference has no 'reference' to a resource in the bundle; the device is imported by its display name"),
        Message("fhir.unmapped.reference-unresolved.device-by-name",
            "the reference does not resolve to any entry of the bundle; the device is imported by its display name"),
    ),
    "unnamed-device-not-imported": (
        Message("fhir.unmapped.reference-missing.unnamed-device-not-imported",
            "the reference has no 'reference' to a resource in the bundle; a device without a name is not imported"),
        Message("fhir.unmapped.reference-unresolved.unnamed-device-not-imported",
            "the reference does not resolve to any entry of the bundle; a device without a name is not imported"),
    ),
}


class _ImporterBase:

    # The passport being built, filled in by the readers of each resource family.
    diagnoses: list[Diagnosis]
    allergies: list[Allergy]
    allergy_flags: set[str]
    medications: list[Medication]
    medication_flags: set[str]
    devices: list[Device]
    procedures: list[Procedure]
    immunisations: list[Immunisation]
    summary: list[str]
    avoid: list[Avoid]
    red_flags: list[str]
    anaesthesia: str | None
    protocols: list[Protocol]
    advance_decisions: list[AdvanceDecision]
    care_team_members: list[CareTeamMember]
    preferences: dict[str, list[str]]
    additional: list[AdditionalSection]
    genetic_refs: set[int]
    weight: Weight | None = None
    blood_group: str | None = None
    bundle_language: str | None = None

    def __init__(self, bundle: Mapping[str, Any]) -> None:
        self.unmapped: list[Unmapped] = []
        self.by_ref: dict[str, tuple[int, Mapping[str, Any]]] = {}
        self.consumed: set[int] = set()
        self.entries: list[Mapping[str, Any]] = []
        self._index(bundle)

    # --- bookkeeping -----------------------------------------------------------------

    def note(self, path: str, reason: str | Message) -> None:
        if isinstance(reason, Message):
            self.unmapped.append(Unmapped(path, str(reason), message_id=reason.id, arguments=dict(reason.arguments)))
        else:
            self.unmapped.append(Unmapped(path, reason))

    def done(self, res: _Res, what: str | Message = _NO_PLACE) -> None:
        for key in res.leftovers():
            self.note(f"{res.path}.{key}", what)

    def is_current(self, res: _Res) -> bool:
        """Whether a resource's ``status`` lets it into the passport; reports it when not.

        Stopped or completed medicines, vaccinations and procedures not done, and
        anything entered in error are left out. A status code FHIR does not define is
        read conservatively, as current, and reported.
        """
        kind = str(res.data.get("resourceType"))
        status = res.text("status")
        if status is None:
            return True
        if status in c.NOT_CURRENT_STATUSES.get(kind, frozenset()):
            # The code is one of FHIR's own (a closed list), never the person's data.
            self.note(f"{res.path}.status", Message("fhir.unmapped.status-not-current", "not imported: the {kind}'s "
                                                    "status is '{status}', so it is not current, did not happen or "
                                                    "was entered in error", kind=kind, status=status))
            return False
        if status not in c.KNOWN_STATUSES.get(kind, frozenset()):
            self.note(f"{res.path}.status", Message("fhir.unmapped.unknown-status",
                                                    "a status code FHIR does not define; imported as current"))
        return True

    def entered_in_error(self, res: _Res) -> bool:
        """Whether a resource of any type is marked entered in error; reports it when so.

        Such a record was never true of the person: not even a "no known allergy"
        entered in error may set a status.
        """
        verification = res.data.get("verificationStatus")
        marked = res.data.get("status") == "entered-in-error" or any(
            code == "entered-in-error" for _, code in _codes(verification))
        if marked:
            where = "status" if res.data.get("status") == "entered-in-error" else "verificationStatus"
            self.note(f"{res.path}.{where}", Message("fhir.unmapped.entered-in-error",
                                                     "not imported: the {kind} was entered in error",
                                                     kind=str(res.data.get("resourceType"))))
        return marked

    def extensions(self, res: _Res, known: set[str]) -> dict[str, list[Mapping[str, Any]]]:
        found = _ext_map(res)
        for url in found:
            if url not in known:
                self.note(f"{res.path}.extension", Message("fhir.unmapped.extension", "extension {url} is not mapped",
                                                           url=url))
        return found

    def _index(self, bundle: Mapping[str, Any]) -> None:
        entries = bundle.get("entry")
        if not isinstance(entries, list) or not entries:
            raise _fail("Bundle.entry", Message("fhir.import.no-entries",
                "the bundle has no entries; an IPS document needs a Composition and a Patient"))
        for index, entry in enumerate(entries):
            path = f"Bundle.entry[{index}]"
            if not isinstance(entry, Mapping) or not isinstance(entry.get("resource"), Mapping):
                raise _fail(f"{path}.resource", Message("fhir.import.entry-without-resource",
                                                        "every entry needs a resource object"))
            resource = entry["resource"]
            kind = resource.get("resourceType")
            if not isinstance(kind, str):
                raise _fail(f"{path}.resource.resourceType", Message("fhir.import.resource-without-type",
                                                                     "every resource needs a resourceType"))
            self.entries.append(resource)
            full_url = entry.get("fullUrl")
            if isinstance(full_url, str):
                self.by_ref[full_url] = (index, resource)
            if isinstance(resource.get("id"), str):
                self.by_ref[f"{kind}/{resource['id']}"] = (index, resource)
                if isinstance(full_url, str) and full_url.endswith(f"{kind}/{resource['id']}"):
                    self.by_ref.setdefault(full_url, (index, resource))

    def lookup(self, ref: str) -> tuple[int, Mapping[str, Any]] | None:
        """The (index, resource) a reference string names in this bundle, if any."""
        found = self.by_ref.get(ref)
        if found is None and "/" in ref and not ref.startswith("urn:"):
            # An absolute URL ending in Type/id (or Type/id/_history/n) still names the
            # bundle's resource.
            parts = ref.rstrip("/").split("/")
            if len(parts) >= 4 and parts[-2] == "_history":
                parts = parts[:-2]
            found = self.by_ref.get("/".join(parts[-2:]))
        return found

    def referenced(self) -> set[int]:
        """Indices of the entries some other resource of the bundle refers to."""
        found: set[int] = set()
        stack: list[Any] = list(self.entries)
        while stack:
            value = stack.pop()
            if isinstance(value, Mapping):
                ref = value.get("reference")
                if isinstance(ref, str):
                    target = self.lookup(ref)
                    if target is not None:
                        found.add(target[0])
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
        return found

    def resolve(self, reference: Any, path: str, *, required: bool = True, identity: bool = False,
                instead: str = "not-imported") -> _Res | None:
        """The resource a Reference points to, read from this bundle.

        Only a reference the document's identity hangs on (``identity``: the
        Composition's subject) ends the import when it does not resolve. Any other is
        reported, with what happens ``instead`` (a key of `_UNRESOLVED`), and gives ``None``: one dangling
        reference must not cost the person the rest of their summary.
        """
        ref = reference.get("reference") if isinstance(reference, Mapping) else None
        if not isinstance(ref, str):
            if identity:
                raise _fail(path, Message("fhir.import.reference-missing",
                                          "the reference has no 'reference' to a resource in the bundle"))
            if required:
                self.note(path, _UNRESOLVED[instead][0])
            return None
        found = self.lookup(ref)
        if found is None:
            if identity:
                raise _fail(f"{path}.reference", Message("fhir.import.reference-unresolved",
                                                         "the reference does not resolve to any entry of the bundle"))
            self.note(f"{path}.reference", _UNRESOLVED[instead][1])
            return None
        index, resource = found
        self.consumed.add(index)
        return _Res(resource, f"Bundle.entry[{index}].resource")
