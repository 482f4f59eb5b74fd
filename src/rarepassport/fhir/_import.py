"""FHIR R4 IPS document Bundle → passport, reporting everything it could not map.

The importer is one class built in layers, one module per family of resources:
`_import_base` (bookkeeping), `_import_patient`, `_import_clinical`,
`_import_emergency`; this module reads the document and its sections."""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.convert import check_tree, make_converter
from rarepassport.fhir import _common as c
from rarepassport.model import (
    AdditionalSection,
    AdvanceDecision,
    AllergiesStatus,
    Allergy,
    Attestation,
    Avoid,
    CarePreferences,
    CareTeamMember,
    Device,
    Diagnosis,
    Emergency,
    History,
    Immunisation,
    Medication,
    MedicationsStatus,
    Passport,
    Procedure,
    Protocol,
)

if TYPE_CHECKING:
    import cattrs

    from rarepassport.plugin_manager import PluginManager
from rarepassport.errors import FhirImportError, Message
from rarepassport.fhir._import_emergency import _EmergencyReader
from rarepassport.fhir._read import (
    ImportResult,
    Unmapped,
    _codes,
    _concept_text,
    _display_only,
    _div_text,
    _fail,
    _is_attachment_data,
    _Res,
)

JSON = dict[str, Any]

__all__ = ["FhirImportError", "ImportResult", "Unmapped", "from_ips"]


class _Importer(_EmergencyReader):
    # --- the document ----------------------------------------------------------------

    def run(self) -> Passport:
        composition_index = next(
            (i for i, r in enumerate(self.entries) if r.get("resourceType") == "Composition"), None)
        if composition_index is None:
            raise _fail("Bundle.entry", Message("fhir.import.no-composition",
                                                "no Composition: an IPS document starts with a Composition"))
        self.consumed.add(composition_index)
        comp = _Res(self.entries[composition_index], f"Bundle.entry[{composition_index}].resource")
        patient = self.resolve(comp.get("subject"), f"{comp.path}.subject", identity=True)
        assert patient is not None
        if patient.data.get("resourceType") != "Patient":
            raise _fail(f"{comp.path}.subject", Message("fhir.import.subject-not-patient",
                                                        "the Composition's subject must be a Patient"))
        person, contacts, gp_refs = self.person(patient)

        ext = self.extensions(comp, {c.EXT + "created-on", c.EXT + "updated-on", c.EXT + "next-review-due"})
        passport_id = None
        identifier = comp.get("identifier")
        if isinstance(identifier, Mapping) and identifier.get("system") == c.PASSPORT_ID_SYSTEM:
            passport_id = identifier.get("value") if isinstance(identifier.get("value"), str) else None
        elif identifier is not None:
            self.note(f"{comp.path}.identifier", Message("fhir.unmapped.document-identifier",
                                                         "the document's identifier is not kept"))
        language = comp.text("language") or self.bundle_language or "en"
        for key in ("status", "type", "date", "title", "confidentiality", "custodian"):
            comp.get(key)

        review = self.review(comp, ext)
        self.sections(comp)
        comp.get("section")
        self.done(comp)

        care_team = self.care_team_members or self.general_practitioners(gp_refs, patient.path)
        passport = Passport(
            id=passport_id,
            language=language,
            person=person,
            diagnoses=tuple(self.diagnoses),
            emergency=Emergency(
                summary="\n".join(self.summary) if self.summary else None,
                protocols=tuple(self.protocols),
                avoid=tuple(self.avoid),
                red_flags=tuple(self.red_flags),
                anaesthesia=self.anaesthesia,
                advance_decisions=tuple(self.advance_decisions),
            ),
            medications=tuple(self.medications),
            medications_status=self.medications_status(),
            allergies=tuple(self.allergies),
            allergies_status=self.allergies_status(),
            devices=tuple(self.devices),
            contacts=tuple(contacts),
            care_team=tuple(care_team),
            history=History(procedures=tuple(self.procedures), immunisations=tuple(self.immunisations)),
            care_preferences=self.care_preferences(),
            additional_sections=tuple(self.additional),
            review=review,
        )
        attestations = self.attestations()
        if attestations:
            passport = attrs.evolve(passport, attestations=tuple(attestations))
        referenced = self.referenced()
        for index, resource in enumerate(self.entries):
            if index in self.consumed:
                continue
            kind = resource.get("resourceType")
            if index in referenced:
                self.note(f"Bundle.entry[{index}].resource",
                          Message("fhir.unmapped.only-unmapped-refer", "{kind} was not imported: only elements that "
                                  "are not imported refer to it", kind=str(kind)))
            else:
                self.note(f"Bundle.entry[{index}].resource",
                          Message("fhir.unmapped.uncited", "{kind} was not imported: no section cites it as an entry",
                                  kind=str(kind)))
        return passport


    # --- signed checks -------------------------------------------------------------------

    def attestations(self) -> list[Attestation]:
        """The signed checks, read back from the JWS of each Provenance that carries one.

        The JWS (``signature.data``, ``sigFormat`` application/jose) holds the whole
        attestation as its payload; the Provenance's other elements (agent, dates,
        targets) are what FHIR readers see and are not needed. Whether the signature
        is valid is for [`rarepassport.verify`][] to say, as for a passport file.
        """
        found: list[Attestation] = []
        for index, resource in enumerate(self.entries):
            if index in self.consumed or resource.get("resourceType") != "Provenance":
                continue
            path = f"Bundle.entry[{index}].resource"
            signatures = resource.get("signature")
            ours = [(k, sig) for k, sig in enumerate(signatures if isinstance(signatures, list) else [])
                    if isinstance(sig, Mapping) and sig.get("sigFormat") == c.JOSE]
            if not ours:
                continue  # another system's Provenance: reported below as not imported
            self.consumed.add(index)
            for k, sig in ours:
                attestation = self._attestation(sig.get("data"), f"{path}.signature[{k}].data")
                if attestation is not None:
                    found.append(attestation)
            agents = resource.get("agent")
            for agent in agents if isinstance(agents, list) else []:
                if isinstance(agent, Mapping):
                    self._consume_party(agent.get("who"))
        return found

    def _attestation(self, data: object, path: str) -> Attestation | None:
        try:
            compact = base64.b64decode(str(data), validate=True).decode("ascii")
            header, payload, signature = compact.split(".")
            record = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            if not isinstance(record, dict) or "signature" in record:
                raise ValueError("not an attestation")
            record["signature"] = f"{header}..{signature}"
            attestation: Attestation = _attestation_converter().structure(record, Attestation)
        except Exception:  # noqa: BLE001 - any unreadable signature is reported, never raised
            self.note(path, Message("fhir.unmapped.foreign-signature",
                                    "a signature (application/jose) that is not a rarepassport attestation's JWS; "
                                    "the check is not imported"))
            return None
        return attestation

    def _consume_party(self, reference: object) -> None:
        """The signer's PractitionerRole and its Practitioner and Organization: read with the check."""
        ref = reference.get("reference") if isinstance(reference, Mapping) else None
        found = self.lookup(ref) if isinstance(ref, str) else None
        if found is None:
            return
        index, resource = found
        self.consumed.add(index)
        if resource.get("resourceType") == "PractitionerRole":
            for key in ("practitioner", "organization"):
                inner = resource.get(key)
                inner_ref = inner.get("reference") if isinstance(inner, Mapping) else None
                inner_found = self.lookup(inner_ref) if isinstance(inner_ref, str) else None
                if inner_found is not None:
                    self.consumed.add(inner_found[0])

    # --- sections ----------------------------------------------------------------------

    def sections(self, comp: _Res) -> None:
        self.diagnoses: list[Diagnosis] = []
        self.allergies: list[Allergy] = []
        self.allergy_flags: set[str] = set()
        self.medications: list[Medication] = []
        self.medication_flags: set[str] = set()
        self.devices: list[Device] = []
        self.procedures: list[Procedure] = []
        self.immunisations: list[Immunisation] = []
        self.summary: list[str] = []
        self.avoid: list[Avoid] = []
        self.red_flags: list[str] = []
        self.anaesthesia: str | None = None
        self.protocols: list[Protocol] = []
        self.advance_decisions: list[AdvanceDecision] = []
        self.care_team_members: list[CareTeamMember] = []
        self.preferences: dict[str, list[str]] = {}
        self.additional: list[AdditionalSection] = []
        self.genetic_refs: set[int] = set()
        pending: list[tuple[str, _Res, str]] = []
        for section in comp.subs("section"):
            codes = _codes(section.get("code"))
            section_code = next((code for system, code in codes if system == c.LOINC), None)
            for key in ("title", "text", "emptyReason", "code", "author", "focus", "mode", "orderedBy"):
                section.get(key)
            if any(system == c.PLUGIN_SECTION for system, _ in codes):
                self.note(section.path, Message("fhir.unmapped.plugin-section",
                                                "plugin sections are exported as narrative only and not imported"))
                section.get("entry")
                continue
            if section.items("section"):
                self.note(f"{section.path}.section", Message("fhir.unmapped.sub-sections",
                                                             "sub-sections are not imported"))
            empty = _codes(section.get("emptyReason"))
            if section_code == c.SECTION_ALLERGIES and (c.EMPTY_REASON_SYSTEM, "nilknown") in empty:
                self.allergy_flags.add("none")
            if section_code == c.SECTION_MEDICATIONS and (c.EMPTY_REASON_SYSTEM, "nilknown") in empty:
                self.medication_flags.add("none")
            if not section.data.get("entry") and not section.data.get("emptyReason"):
                self.narrative_only(section, section_code or "")
            for e_index, entry in enumerate(section.items("entry")):
                path = f"{section.path}.entry[{e_index}]"
                if _display_only(entry) is not None:
                    self.note(path, Message("fhir.unmapped.entry-by-name",
                                            "an entry given only by name, without a resource, is not imported"))
                    continue
                res = self.resolve(entry, path, instead="entry-skipped")
                if res is None:
                    continue
                if res.data.get("resourceType") == "List":
                    # Some systems cite a List of the section's resources instead of each one.
                    for item_index, item in enumerate(res.items("entry")):
                        target = self.resolve(item.get("item") if isinstance(item, Mapping) else None,
                                              f"{res.path}.entry[{item_index}].item", instead="item-skipped")
                        if target is None:
                            continue
                        pending.append((str(target.data.get("resourceType")), target, section_code or ""))
                    for key in ("status", "mode", "title", "code", "subject", "date", "emptyReason"):
                        res.get(key)
                    self.done(res)
                    continue
                pending.append((str(res.data.get("resourceType")), res, section_code or ""))
            self.done(section)
        # Conditions first: they claim the genetic findings they cite, wherever those sit.
        order = {"Condition": 0}
        pending.sort(key=lambda item: order.get(item[0], 1))
        handlers = {
            "Condition": self.condition,
            "AllergyIntolerance": self.allergy,
            "MedicationStatement": self.medication,
            "MedicationRequest": self.medication,
            "DeviceUseStatement": self.device,
            "Procedure": self.procedure,
            "Immunization": self.immunization,
            "Observation": self.observation,
            "Flag": self.flag,
            "CarePlan": self.care_plan,
            "DocumentReference": self.document_reference,
            "CareTeam": self.care_team,
            "Consent": self.consent,
        }
        seen: set[str] = set()
        for kind, res, section_code in pending:
            if res.path in seen:
                continue
            seen.add(res.path)
            if self.entered_in_error(res):
                continue
            handler = handlers.get(kind)
            if handler is None:
                self.note(res.path, Message("fhir.unmapped.resource-type", "{kind} resources are not mapped to the "
                                            "passport", kind=str(kind)))
                continue
            handler(res, section_code)

    def narrative_only(self, section: _Res, section_code: str) -> None:
        """A section with a narrative and nothing coded: its words become an additional section.

        Other systems write, for example, the IPS "Patient story" this way; its text is
        the only place the information is.
        """
        text = _div_text(section.data.get("text"))
        if not text:
            return
        title = section.text("title") or c.SECTION_TITLES.get(section_code) or _concept_text(
            section.data.get("code")) or "Section"
        self.additional.append(AdditionalSection(title=title, text=text))
        self.note(f"{section.path}.text", Message("fhir.unmapped.narrative-only-section",
                                                  "the section has a narrative and no entries; its text is imported "
                                                  "as an additional section, uncoded"))

    # --- statuses and preferences ------------------------------------------------------

    def allergies_status(self) -> AllergiesStatus:
        if self.allergies:
            return AllergiesStatus.LISTED
        return AllergiesStatus.NONE_KNOWN if "none" in self.allergy_flags else AllergiesStatus.UNKNOWN

    def medications_status(self) -> MedicationsStatus:
        if self.medications:
            return MedicationsStatus.LISTED
        return MedicationsStatus.NONE if "none" in self.medication_flags else MedicationsStatus.UNKNOWN

    def care_preferences(self) -> CarePreferences:
        values: dict[str, Any] = {}
        for field in attrs.fields(CarePreferences):
            items = self.preferences.get(field.name)
            if not items:
                continue
            if field.default == ():
                values[field.name] = tuple(items)
            else:
                values[field.name] = "\n".join(items)
        return CarePreferences(**values)



#: How ``check_tree`` names a carriage return in a text.
_CARRIAGE_RETURN = "holds the control character U+000D "


@functools.lru_cache(maxsize=1)
def _attestation_converter() -> cattrs.Converter:
    """The passport converter, for attestations only (they hold no plugin section)."""
    from rarepassport.registries import SectionRegistry

    return make_converter(SectionRegistry())


def _unix_line_ends(value: Any) -> Any:
    """A copy of a parsed JSON tree with CR LF and lone CR line ends made LF.

    Only called on a tree ``check_tree`` found within its depth limit, so the
    recursion is bounded.
    """
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, Mapping):
        return {key: _unix_line_ends(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unix_line_ends(item) for item in value]
    return value


def from_ips(bundle: Mapping[str, Any], *, plugins: PluginManager | None = None) -> ImportResult:
    """Read an IPS document Bundle (ours or another system's) into a passport.

    Resources may come in any order and be referenced by ``urn:uuid:`` full URLs or
    ``Type/id``; codings in systems rarepassport does not know are kept with their
    absolute URI. Whatever has no place in a passport is listed in
    `ImportResult.unmapped` with its FHIR path, never dropped silently.

    Args:
        bundle: The Bundle as a JSON-ready dict.
        plugins: Accepted for symmetry with [`to_ips`][rarepassport.to_ips]; plugin sections are
            exported as narrative only and are not read back.

    Returns:
        The passport and the list of unmapped elements.

    Raises:
        FhirImportError: When the input is not an IPS document (not a Bundle, no
            Composition, a reference that does not resolve, no Patient birth date),
            naming the FHIR path.
    """
    del plugins  # plugin sections are not imported (documented)
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise _fail("Bundle", Message("fhir.import.not-a-bundle",
                                      "not a FHIR Bundle: expected a JSON object with \"resourceType\": \"Bundle\""))
    # Depth, size, keys and text first: a self-referencing dict, 10,000 levels or a
    # million items are refused here, before any element is read.
    shape = check_tree(bundle, "Bundle", long_text=_is_attachment_data)
    if shape and all(problem.message.startswith(_CARRIAGE_RETURN) for problem in shape):
        # Windows line ends (CR LF, or a lone CR) in notes and narratives, as several EHRs
        # write them: the same line breaks as LF, so they are read as LF, not refused.
        # The tree is already known to be within every limit (depth, size) here.
        bundle = _unix_line_ends(bundle)
        shape = check_tree(bundle, "Bundle", long_text=_is_attachment_data)
    if shape:
        raise FhirImportError(shape)
    try:
        importer = _Importer(bundle)
        kind = bundle.get("type")
        if kind != "document":
            # A searchset or collection may carry a patient summary (servers answer
            # $summary that way); anything else is not one.
            holds_ips = any(r.get("resourceType") == "Composition"
                            and (c.LOINC, c.IPS_DOCUMENT) in _codes(r.get("type")) for r in importer.entries)
            if kind not in ("searchset", "collection") or not holds_ips:
                raise _fail("Bundle.type", Message("fhir.import.not-a-summary",
                    "not a patient summary: a bundle that is not of type document is read "
                    "only when it is a searchset or collection holding a Composition of "
                    "type 60591-5 (Patient summary Document)"))
            importer.note("Bundle.type", Message("fhir.unmapped.not-a-document", "the bundle is a {kind}, not a "
                                                 "document; read as a document because it holds a Patient summary "
                                                 "Composition (60591-5)", kind=str(kind)))
        if isinstance(bundle.get("language"), str):
            importer.bundle_language = bundle["language"]
        passport = importer.run()
    except FhirImportError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        # Every element is type-checked where it is read; this is the last line of
        # defence so that malformed input never ends in a traceback.
        raise _fail("Bundle", Message("fhir.import.malformed", "the bundle has a malformed element ({error}); "
                                      "check it with a FHIR validator", error=type(exc).__name__)) from None
    if importer.weight is not None or importer.blood_group is not None:
        passport = attrs.evolve(passport, person=attrs.evolve(
            passport.person, weight=importer.weight, blood_group=importer.blood_group))
    return ImportResult(passport=passport, unmapped=tuple(importer.unmapped))
