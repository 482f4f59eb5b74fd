"""Passport → FHIR R4 International Patient Summary (IPS) document Bundle."""

from __future__ import annotations

import base64
import datetime as _dt
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.convert import check_built_passport
from rarepassport.document import Field, ListBlock, Paragraph, Section, Table
from rarepassport.errors import PluginWarning
from rarepassport.fhir import _common as c
from rarepassport.fhir._narrative import check_div, narrative, section_xhtml
from rarepassport.layouts import layout
from rarepassport.model import (
    AllergiesStatus,
    CarePreferences,
    CareTeamMember,
    Coding,
    DiagnosisStatus,
    MedicationsStatus,
    Passport,
    Severity,
    Sex,
)

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import PluginFailure

JSON = dict[str, Any]


def fhir_coding(code: Coding) -> JSON:
    """Our Coding as a FHIR Coding: short system names (and OIDs FHIR lists) become their
    canonical URIs, so a re-export never carries a non-canonical system on."""
    short, value = c.our_coding(code.system, code.code)
    system = c.SYSTEM_URIS.get(short, short)
    prefix = c.PREFIXED_SYSTEMS.get(short)
    if prefix and value.startswith(prefix):
        value = value[len(prefix):]
    return c.coding(system, value, code.display)


def codeable(text: str, codes: Iterable[Coding] = ()) -> JSON:
    """A CodeableConcept: the passport's own words as text, its codes as codings."""
    result: JSON = {}
    codings = [fhir_coding(code) for code in codes]
    if codings:
        result["coding"] = codings
    result["text"] = text
    return result


def _ext(name: str, **value: Any) -> JSON:
    return {"url": c.EXT + name, **value}


def _note(text: str, kind: str | None = None) -> JSON:
    note: JSON = {"text": text}
    if kind:
        note["extension"] = [{"url": c.NOTE_KIND, "valueCode": kind}]
    return note


def _telecom(phone: str | None, email: str | None) -> list[JSON]:
    telecom = []
    if phone:
        telecom.append({"system": "phone", "value": phone})
    if email:
        telecom.append({"system": "email", "value": email})
    return telecom


def _timestamp(today: _dt.date | _dt.datetime | None) -> str:
    if today is None:
        moment = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    elif isinstance(today, _dt.datetime):
        moment = today if today.tzinfo else today.replace(tzinfo=_dt.timezone.utc)
    else:
        moment = _dt.datetime(today.year, today.month, today.day, tzinfo=_dt.timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")


def _is_gp_or_lead(member: CareTeamMember) -> bool:
    role = (member.role or "").strip().lower()
    return member.lead or role in {"gp", "general practitioner", "family doctor"}


def _dated(key: str, value: object | None) -> JSON:
    """A required ``<key>DateTime``: the date, or a data-absent-reason when unknown."""
    if value is None:
        return {f"_{key}DateTime": c.data_absent()}
    return {f"{key}DateTime": str(value)}


def _profile(kind: str) -> JSON:
    """``meta.profile`` for the resources that meet an IPS 2.0 profile; nothing for others."""
    profile = c.IPS_PROFILES.get(kind)
    return {"meta": {"profile": [profile]}} if profile else {}


class _Bundle:
    """Collects the resources of one document, each with a ``urn:uuid`` full URL."""

    def __init__(self, seed: str | None) -> None:
        self._namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"{c.BASE}/{seed}") if seed else None
        self.entries: list[JSON] = []
        self._count = 0

    def new_id(self) -> str:
        self._count += 1
        if self._namespace is None:
            return str(uuid.uuid4())
        # A stable passport id gives stable resource ids, so re-exports diff cleanly.
        return str(uuid.uuid5(self._namespace, str(self._count)))

    def add(self, resource: JSON) -> str:
        """Add a resource; returns the reference to it."""
        resource_id = self.new_id()
        kind = resource.pop("resourceType")
        ordered = {"resourceType": kind, "id": resource_id, **_profile(kind), **resource}
        # Same dict object, so the caller can still add to it (the Patient's GPs).
        resource.clear()
        resource.update(ordered)
        self.entries.append({"fullUrl": f"urn:uuid:{resource_id}", "resource": resource})
        return f"urn:uuid:{resource_id}"


@attrs.define
class _IpsSection:
    code: str
    entries: list[str] = attrs.field(factory=list)
    narrative: list[Section] = attrs.field(factory=list)
    empty_reason: str | None = None
    title: str | None = None
    code_system: str = c.LOINC
    display: str | None = None
    div: str | None = None

    def to_fhir(self) -> JSON:
        title = self.title or c.SECTION_TITLES[self.code]
        section: JSON = {
            "title": title,
            "code": c.concept(self.code_system, self.code, self.display or c.SECTION_DISPLAYS.get(self.code)),
            "text": narrative(self.div or section_xhtml(self.narrative, fallback=title + ": no information")),
        }
        if self.entries:
            section["entry"] = [{"reference": ref} for ref in self.entries]
        elif self.empty_reason:
            section["emptyReason"] = c.concept(c.EMPTY_REASON_SYSTEM, self.empty_reason,
                                               {"unavailable": "Unavailable", "nilknown": "Nil Known"}.get(
                                                   self.empty_reason))
        return section


def _own_section(id: str, title: str, blocks: list[Any]) -> Section:
    """A narrative section drawn from data, until layout gives one for this part."""
    return Section(id=id, title=title, blocks=tuple(b for b in blocks if b is not None))


def _text(value: object | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(getattr(value, "value", value))


def _table(columns: list[str], rows: Sequence[Sequence[object]], emphasis: Iterable[int] = ()) -> Table:
    return Table(columns=columns, rows=[[_text(v) for v in row] for row in rows], emphasis_rows=frozenset(emphasis))


def _layout_sections(passport: Passport, plugins: PluginManager) -> dict[str, Section]:
    """Layout's sections by id: the narratives say what the passport says, in its words."""
    document = layout(passport, view="full", plugins=plugins)
    return {section.id: section for section in document.sections}


def _warn_plugin_failed(failure: PluginFailure) -> None:
    warnings.warn(f"{failure}; its section is exported as narrative only", PluginWarning, stacklevel=4)


class _Exporter:
    def __init__(self, passport: Passport, plugins: PluginManager) -> None:
        self.p = passport
        self.plugins = plugins
        self.bundle = _Bundle(passport.id)
        self.layout = _layout_sections(passport, plugins)
        self.patient = ""

    def narrative_for(self, ids: str | Sequence[str], fallback: Section) -> list[Section]:
        """Layout's sections with these ids, or ``fallback`` when layout has none of them."""
        wanted = [ids] if isinstance(ids, str) else list(ids)
        found = [self.layout[id] for id in wanted if id in self.layout]
        return found or [fallback]

    # --- people ------------------------------------------------------------------

    def practitioner_role(self, name: str, *, role: str | None = None, speciality: str | None = None,
                          organisation: str | None = None, phone: str | None = None,
                          email: str | None = None, address: str | None = None) -> str:
        practitioner: JSON = {"resourceType": "Practitioner", "name": [{"text": name}]}
        if address:
            practitioner["address"] = [{"text": address}]
        practitioner_ref = self.bundle.add(practitioner)
        resource: JSON = {"resourceType": "PractitionerRole", "practitioner": {"reference": practitioner_ref}}
        if organisation:
            org_ref = self.bundle.add({"resourceType": "Organization", "name": organisation})
            resource["organization"] = {"reference": org_ref}
        if role:
            resource["code"] = [c.text_concept(role)]
        if speciality:
            resource["specialty"] = [c.text_concept(speciality)]
        telecom = _telecom(phone, email)
        if telecom:
            resource["telecom"] = telecom
        return self.bundle.add(resource)

    def patient_resource(self) -> JSON:
        person = self.p.person
        patient: JSON = {"resourceType": "Patient"}
        extensions: list[JSON] = []
        if person.sex is Sex.INTERSEX:
            extensions.append(_ext("sex", valueCode=person.sex.value))
        if person.interpreter_needed:
            extensions.append({"url": c.INTERPRETER_URL, "valueBoolean": True})
        if person.pronouns:
            extensions.append({"url": c.PRONOUNS_URL, "extension": [
                {"url": "value", "valueCodeableConcept": c.text_concept(person.pronouns)}]})
        if extensions:
            patient["extension"] = extensions
        identifiers = []
        for identifier in person.identifiers:
            system = c.IDENTIFIER_URIS.get(identifier.system)
            if system is None and ":" in identifier.system:
                system = identifier.system
            entry: JSON = {"system": system} if system else {"type": c.text_concept(identifier.system)}
            entry["value"] = identifier.value
            identifiers.append(entry)
        if identifiers:
            patient["identifier"] = identifiers
        names: list[JSON] = [{"use": "official", "text": person.name}]
        if person.preferred_name:
            names.append({"use": "usual", "text": person.preferred_name})
        patient["name"] = names
        telecom = _telecom(person.phone, person.email)
        if telecom:
            patient["telecom"] = telecom
        if person.sex is not None:
            patient["gender"] = c.SEX_TO_GENDER[person.sex]
        if person.date_of_birth is not None:
            patient["birthDate"] = person.date_of_birth.isoformat()
        else:  # IPS: birthDate is required, or marked absent with a reason
            patient["_birthDate"] = {"extension": [{"url": c.DAR_URL, "valueCode": "unknown"}]}
        if person.address:
            patient["address"] = [{"text": person.address}]
        attachment = c.photo_attachment(person.photo)
        if attachment is not None:
            patient["photo"] = [attachment]
        contacts = [self.contact(contact) for contact in self.p.contacts]
        if contacts:
            patient["contact"] = contacts
        if person.languages:
            patient["communication"] = [
                {"language": c.text_concept(language), **({"preferred": True} if index == 0 else {})}
                for index, language in enumerate(person.languages)
            ]
        return patient

    def contact(self, contact: Any) -> JSON:
        result: JSON = {}
        if contact.notes:
            result["extension"] = [_ext("notes", valueString=contact.notes)]
        relationship: JSON = {}
        if contact.role is not None:
            relationship["coding"] = [_ROLE_CODINGS[contact.role.value]]
        if contact.relationship:
            relationship["text"] = contact.relationship
        if relationship:
            result["relationship"] = [relationship]
        result["name"] = {"text": contact.name}
        telecom = _telecom(contact.phone, contact.email)
        if telecom:
            result["telecom"] = telecom
        if contact.address:
            result["address"] = {"text": contact.address}
        return result

    # --- sections ---------------------------------------------------------------------

    def problems(self) -> _IpsSection:
        section = _IpsSection(c.SECTION_PROBLEMS)
        rows = []
        for diagnosis in self.p.diagnoses:
            extensions: list[JSON] = []
            if diagnosis.diagnosed_on is not None:
                extensions.append({"url": c.ASSERTED_DATE_URL, "valueDateTime": str(diagnosis.diagnosed_on)})
            if diagnosis.primary:
                extensions.append(_ext("primary", valueBoolean=True))
            if diagnosis.status is DiagnosisStatus.UNDIAGNOSED:
                extensions.append(_ext("undiagnosed", valueBoolean=True))
            condition: JSON = {"resourceType": "Condition"}
            if extensions:
                condition["extension"] = extensions
            condition["clinicalStatus"] = c.concept(c.CONDITION_CLINICAL, "active", "Active")
            verification = c.STATUS_TO_VERIFICATION[diagnosis.status]
            condition["verificationStatus"] = c.concept(c.CONDITION_VERIFICATION, verification)
            condition["category"] = [c.concept(c.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")]
            condition["code"] = codeable(diagnosis.name, diagnosis.codes)
            condition["subject"] = {"reference": self.patient}
            if diagnosis.diagnosed_by:
                condition["asserter"] = {"display": diagnosis.diagnosed_by}
            evidence = []
            for feature in diagnosis.features:
                item: JSON = {}
                if feature.notes:
                    item["extension"] = [_ext("notes", valueString=feature.notes)]
                hpo = [c.coding(c.SYSTEM_URIS["HPO"], feature.hpo)] if feature.hpo else []
                item["code"] = [{**({"coding": hpo} if hpo else {}), "text": feature.name}]
                evidence.append(item)
            for finding in diagnosis.genetics:
                evidence.append({"detail": [{"reference": self.genetic_observation(finding)}]})
            if evidence:
                condition["evidence"] = evidence
            notes = []
            if diagnosis.summary:
                notes.append(_note(diagnosis.summary, "summary"))
            if diagnosis.notes:
                notes.append(_note(diagnosis.notes))
            if notes:
                condition["note"] = notes
            section.entries.append(self.bundle.add(condition))
            codes = ", ".join(f"{code.system} {code.code}" for code in diagnosis.codes)
            rows.append([diagnosis.name, diagnosis.status, codes, diagnosis.diagnosed_on])
        if not self.p.diagnoses:
            section.empty_reason = "unavailable"
            return section
        section.narrative = self.narrative_for("diagnoses", _own_section(
            "diagnoses", "Problem list", [_table(["Condition", "Status", "Codes", "Diagnosed"], rows)]))
        return section

    def genetic_observation(self, finding: Any) -> str:
        components: list[JSON] = [{"code": c.concept(c.LOINC, *c.GENE_STUDIED),
                                   "valueCodeableConcept": c.text_concept(finding.gene)}]
        if finding.variant:
            components.append({"code": c.concept(c.LOINC, *c.DNA_CHANGE),
                               "valueCodeableConcept": c.text_concept(finding.variant)})
        if finding.zygosity is not None:
            answer = c.ZYGOSITY_LOINC.get(finding.zygosity)
            value = (c.concept(c.LOINC, answer[0], answer[1], finding.zygosity.value) if answer
                     else c.text_concept(finding.zygosity.value))
            components.append({"code": c.concept(c.LOINC, *c.ALLELIC_STATE), "valueCodeableConcept": value})
        if finding.inheritance:
            components.append({"code": c.concept(c.LOINC, *c.INHERITANCE),
                               "valueCodeableConcept": c.text_concept(finding.inheritance)})
        observation: JSON = {
            "resourceType": "Observation",
            "status": "final",
            "category": [c.concept(c.OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
            "code": c.concept(c.LOINC, *c.GENETIC_VARIANT),
            "subject": {"reference": self.patient},
            **_dated("effective", None),
            "valueCodeableConcept": c.concept(c.LOINC, "LA9633-4", "Present"),
        }
        if finding.notes:
            observation["note"] = [_note(finding.notes)]
        observation["component"] = components
        reference = self.bundle.add(observation)
        self.result_refs.append(reference)
        self.result_rows.append(["Genetic finding", " ".join(filter(None, [finding.gene, finding.variant]))])
        return reference

    def allergies(self) -> _IpsSection:
        section = _IpsSection(c.SECTION_ALLERGIES)
        status = self.p.allergies_status
        rows = []
        for allergy in self.p.allergies:
            resource: JSON = {
                "resourceType": "AllergyIntolerance",
                "clinicalStatus": c.concept(c.ALLERGY_CLINICAL, "active", "Active"),
                "verificationStatus": c.concept(c.ALLERGY_VERIFICATION, "confirmed", "Confirmed"),
            }
            if allergy.kind is not None:
                resource["type"] = allergy.kind.value
            if allergy.categories:
                resource["category"] = [category.value for category in allergy.categories]
            if allergy.criticality is not None:
                resource["criticality"] = allergy.criticality.value
            elif allergy.severity is Severity.LIFE_THREATENING:
                # A receiver that alerts on criticality must alert on a life-threatening allergy.
                resource["criticality"] = "high"
            resource["code"] = codeable(allergy.substance, allergy.codes)
            resource["patient"] = {"reference": self.patient}
            if allergy.reaction is not None or allergy.severity is not None:
                manifestation = (c.text_concept(allergy.reaction) if allergy.reaction
                                 else c.data_absent())
                reaction: JSON = {"manifestation": [manifestation]}
                if allergy.severity is Severity.LIFE_THREATENING:
                    # FHIR's worst reaction severity is "severe"; our extension says more.
                    reaction["extension"] = [{"url": c.EXT + "life-threatening", "valueBoolean": True}]
                if allergy.severity is not None:
                    reaction["severity"] = ("severe" if allergy.severity is Severity.LIFE_THREATENING
                                            else allergy.severity.value)
                resource["reaction"] = [reaction]
            section.entries.append(self.bundle.add(resource))
            rows.append([allergy.substance, allergy.reaction, allergy.severity, allergy.kind])
        if status is AllergiesStatus.NONE_KNOWN and not self.p.allergies:
            section.entries.append(self.bundle.add({
                "resourceType": "AllergyIntolerance",
                "clinicalStatus": c.concept(c.ALLERGY_CLINICAL, "active", "Active"),
                "verificationStatus": c.concept(c.ALLERGY_VERIFICATION, "confirmed", "Confirmed"),
                "code": c.concept(c.SNOMED, *c.NO_KNOWN_ALLERGY),
                "patient": {"reference": self.patient},
            }))
            section.narrative = self.narrative_for("allergies", _own_section("allergies", "Allergies", [
                Paragraph(text="No known allergies.")]))
            return section
        if not self.p.allergies:
            section.empty_reason = "unavailable"
            section.narrative = self.narrative_for("allergies", _own_section("allergies", "Allergies", [
                Paragraph(text="No information about allergies.")]))
            return section
        severe = [i for i, a in enumerate(self.p.allergies)
                  if a.severity in (Severity.SEVERE, Severity.LIFE_THREATENING)]
        section.narrative = self.narrative_for("allergies", _own_section("allergies", "Allergies", [
            _table(["Substance", "Reaction", "Severity", "Kind"], rows, severe)]))
        return section

    def medications(self) -> _IpsSection:
        section = _IpsSection(c.SECTION_MEDICATIONS)
        rows = []
        for medication in self.p.medications:
            resource: JSON = {"resourceType": "MedicationStatement"}
            if medication.time_critical:
                resource["extension"] = [_ext("time-critical", valueBoolean=True)]
            resource["status"] = "active"
            resource["medicationCodeableConcept"] = codeable(medication.name, medication.codes)
            resource["subject"] = {"reference": self.patient}
            if medication.started_on is not None:
                resource["effectivePeriod"] = {"start": str(medication.started_on)}
            else:
                resource.update(_dated("effective", None))
            if medication.reason:
                resource["reasonCode"] = [c.text_concept(medication.reason)]
            if medication.notes:
                resource["note"] = [_note(medication.notes)]
            dosage: JSON = {}
            if medication.dose:
                dosage["text"] = medication.dose
            if medication.frequency:
                dosage["timing"] = {"code": c.text_concept(medication.frequency)}
            if medication.as_needed:
                dosage["asNeededBoolean"] = True
            if medication.route:
                dosage["route"] = c.text_concept(medication.route)
            if dosage:
                resource["dosage"] = [dosage]
            section.entries.append(self.bundle.add(resource))
            rows.append([medication.name, medication.dose, medication.route, medication.frequency,
                         medication.reason, medication.time_critical])
        status = self.p.medications_status
        if status is MedicationsStatus.NONE and not self.p.medications:
            section.entries.append(self.bundle.add({
                "resourceType": "MedicationStatement",
                "status": "active",
                "medicationCodeableConcept": c.concept(c.SNOMED, *c.NO_KNOWN_MEDICATIONS),
                "subject": {"reference": self.patient},
                **_dated("effective", None),
            }))
            section.narrative = self.narrative_for("medications", _own_section("medications", "Medications", [
                Paragraph(text="No medicines.")]))
            return section
        if not self.p.medications:
            section.empty_reason = "unavailable"
            section.narrative = self.narrative_for("medications", _own_section("medications", "Medications", [
                Paragraph(text="No information about medicines.")]))
            return section
        critical = [i for i, m in enumerate(self.p.medications) if m.time_critical]
        own = _own_section("medications", "Medications", [
            _table(["Medicine", "Dose", "Route", "Frequency", "Reason", "Time-critical"], rows, critical)])
        section.narrative = self.narrative_for(["time_critical_medicines", "medications"], own)
        return section

    def devices(self) -> _IpsSection | None:
        if not self.p.devices:
            return None
        section = _IpsSection(c.SECTION_DEVICES)
        rows = []
        for device in self.p.devices:
            resource: JSON = {"resourceType": "Device", "deviceName": [{"name": device.name,
                                                                         "type": "user-friendly-name"}]}
            if device.details:
                resource["note"] = [_note(device.details)]
            resource["patient"] = {"reference": self.patient}
            device_ref = self.bundle.add(resource)
            statement: JSON = {"resourceType": "DeviceUseStatement", "status": "active",
                               "subject": {"reference": self.patient}}
            # IPS asks when the device was in use; "not known" is said explicitly.
            statement.update(_dated("timing", device.since))
            statement["device"] = {"reference": device_ref}
            if device.purpose:
                statement["reasonCode"] = [c.text_concept(device.purpose)]
            if device.notes:
                statement["note"] = [_note(device.notes)]
            section.entries.append(self.bundle.add(statement))
            rows.append([device.name, device.purpose, device.details, device.since])
        section.narrative = self.narrative_for("devices", _own_section("devices", "Devices", [
            _table(["Device", "Purpose", "Details", "Since"], rows)]))
        return section

    def procedures(self) -> _IpsSection | None:
        procedures = self.p.history.procedures
        if not procedures:
            return None
        section = _IpsSection(c.SECTION_PROCEDURES)
        for procedure in procedures:
            resource: JSON = {"resourceType": "Procedure", "status": "completed",
                              "code": c.text_concept(procedure.name), "subject": {"reference": self.patient},
                              **_dated("performed", procedure.date)}
            if procedure.notes:
                resource["note"] = [_note(procedure.notes)]
            section.entries.append(self.bundle.add(resource))
        section.narrative = [_own_section("history.procedures", "Procedures", [
            _table(["Procedure", "Date", "Notes"], [[p.name, p.date, p.notes] for p in procedures])])]
        return section

    def immunizations(self) -> _IpsSection | None:
        immunisations = self.p.history.immunisations
        if not immunisations:
            return None
        section = _IpsSection(c.SECTION_IMMUNIZATIONS)
        for immunisation in immunisations:
            section.entries.append(self.bundle.add({
                "resourceType": "Immunization", "status": "completed",
                "vaccineCode": c.text_concept(immunisation.name), "patient": {"reference": self.patient},
                **({"occurrenceDateTime": str(immunisation.date)} if immunisation.date is not None
                   # FHIR needs an occurrence; "unknown", flagged as absent data, says it honestly.
                   else {"occurrenceString": "unknown", "_occurrenceString": c.data_absent()}),
            }))
        section.narrative = [_own_section("history.immunisations", "Immunisations", [
            _table(["Vaccine", "Date"], [[i.name, i.date] for i in immunisations])])]
        return section

    def vital_signs(self) -> _IpsSection | None:
        weight = self.p.person.weight
        if weight is None:
            return None
        section = _IpsSection(c.SECTION_VITAL_SIGNS)
        section.entries.append(self.bundle.add({
            "resourceType": "Observation", "status": "final",
            "category": [c.concept(c.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")],
            "code": c.concept(c.LOINC, *c.BODY_WEIGHT),
            "subject": {"reference": self.patient},
            **_dated("effective", weight.measured_on),
            "valueQuantity": {"value": weight.kg, "unit": "kg", "system": c.UCUM, "code": "kg"},
        }))
        section.narrative = [_own_section("person.weight", "Weight", [
            Field(label="Weight", value=f"{weight.kg:g} kg"
                  + (f" (measured {weight.measured_on.isoformat()})" if weight.measured_on else ""))])]
        return section

    def results(self) -> _IpsSection | None:
        blood_group = self.p.person.blood_group
        if blood_group:
            self.result_refs.insert(0, self.bundle.add({
                "resourceType": "Observation", "status": "final",
                "category": [c.concept(c.OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
                "code": c.concept(c.LOINC, *c.BLOOD_GROUP),
                "subject": {"reference": self.patient},
                **_dated("effective", None),
                "valueString": blood_group,
            }))
            self.result_rows.insert(0, ["Blood group", blood_group])
        if not self.result_refs:
            return None
        section = _IpsSection(c.SECTION_RESULTS, entries=self.result_refs)
        section.narrative = [_own_section("results", "Results", [_table(["Result", "Value"], self.result_rows)])]
        return section

    def alerts(self) -> _IpsSection | None:
        emergency = self.p.emergency
        section = _IpsSection(c.SECTION_ALERTS)
        items: list[tuple[str, str, str | None]] = []
        if emergency.summary:
            items.append(("emergency-summary", emergency.summary, None))
        items.extend(("avoid", avoid.what, avoid.reason) for avoid in emergency.avoid)
        items.extend(("red-flag", flag, None) for flag in emergency.red_flags)
        if emergency.anaesthesia:
            items.append(("anaesthesia", emergency.anaesthesia, None))
        if not items:
            return None
        for kind, text, reason in items:
            flag: JSON = {"resourceType": "Flag"}
            if reason:
                flag["extension"] = [_ext("reason", valueString=reason)]
            flag.update({
                "status": "active",
                "category": [c.concept(c.FLAG_CATEGORY, "clinical", "Clinical"),
                             c.concept(c.FLAG_KIND, kind, _FLAG_DISPLAYS[kind])],
                "code": c.text_concept(text),
                "subject": {"reference": self.patient},
            })
            section.entries.append(self.bundle.add(flag))
        blocks: list[Any] = []
        if emergency.summary:
            blocks.append(Paragraph(text=emergency.summary))
        if emergency.avoid:
            blocks.append(ListBlock(label="Avoid", items=[
                a.what + (f" ({a.reason})" if a.reason else "") for a in emergency.avoid]))
        if emergency.red_flags:
            blocks.append(ListBlock(label="Red flags", items=emergency.red_flags))
        if emergency.anaesthesia:
            blocks.append(Field(label="Anaesthesia", value=emergency.anaesthesia))
        section.narrative = self.narrative_for(
            ["emergency", "avoid", "red_flags", "anaesthesia"], _own_section("emergency", "Alerts", blocks))
        return section

    def plan_of_care(self) -> _IpsSection | None:
        protocols = self.p.emergency.protocols
        if not protocols:
            return None
        section = _IpsSection(c.SECTION_PLAN_OF_CARE)
        blocks: list[Any] = []
        for protocol in protocols:
            plan: JSON = {"resourceType": "CarePlan", "status": "active", "intent": "plan",
                          "category": [c.concept(c.FLAG_KIND, "emergency-protocol", "Emergency protocol")],
                          "title": protocol.title}
            if protocol.when:
                plan["description"] = protocol.when
            plan["subject"] = {"reference": self.patient}
            if protocol.approved_on is not None:
                plan["created"] = protocol.approved_on.isoformat()
            if protocol.approved_by:
                plan["author"] = {"display": protocol.approved_by}
            if protocol.steps:
                plan["activity"] = [{"detail": {"status": "not-started", "description": step}}
                                    for step in protocol.steps]
            if protocol.source:
                plan["note"] = [_note(protocol.source, "source")]
            section.entries.append(self.bundle.add(plan))
            blocks.append(Paragraph(text=protocol.title + (f": {protocol.when}" if protocol.when else "")))
            if protocol.steps:
                blocks.append(ListBlock(items=protocol.steps, ordered=True))
        section.narrative = self.narrative_for(
            "protocols", _own_section("emergency.protocols", "Emergency protocols", blocks))
        return section

    def advance_directives(self) -> _IpsSection | None:
        decisions = self.p.emergency.advance_decisions
        if not decisions:
            return None
        section = _IpsSection(c.SECTION_ADVANCE_DIRECTIVES)
        for decision in decisions:
            document: JSON = {
                "resourceType": "DocumentReference", "status": "current",
                "type": c.text_concept(decision.kind), "subject": {"reference": self.patient},
                "description": decision.summary,
                "content": [{"attachment": {
                    "contentType": "text/plain;charset=utf-8",
                    "data": base64.b64encode(decision.summary.encode("utf-8")).decode("ascii"),
                }}],
            }
            if decision.where_held:
                document["custodian"] = {"display": decision.where_held}
            section.entries.append(self.bundle.add(document))
        section.narrative = self.narrative_for("advance_decisions", _own_section(
            "emergency.advance_decisions", "Advance decisions",
            [_table(["Kind", "Summary", "Where held"], [[d.kind, d.summary, d.where_held] for d in decisions])]))
        return section

    def patient_story(self) -> _IpsSection | None:
        preferences = self.p.care_preferences
        section = _IpsSection(c.SECTION_PATIENT_STORY)
        blocks: list[Any] = []
        for field in attrs.fields(CarePreferences):
            value = getattr(preferences, field.name)
            values = list(value) if isinstance(value, tuple) else ([value] if value else [])
            label = field.name.replace("_", " ").capitalize()
            for item in values:
                section.entries.append(self.bundle.add({
                    "resourceType": "Observation", "status": "final",
                    "code": c.concept(c.CARE_PREFERENCE, field.name, label),
                    "subject": {"reference": self.patient}, "valueString": item,
                }))
            if values:
                blocks.append(ListBlock(label=label, items=values) if isinstance(value, tuple)
                              else Field(label=label, value=values[0]))
        for extra in self.p.additional_sections:
            section.entries.append(self.bundle.add({
                "resourceType": "Observation", "status": "final",
                "code": c.concept(c.ADDITIONAL_SECTION, "additional-section", "Additional section",
                                  extra.title),
                "subject": {"reference": self.patient}, "valueString": extra.text,
            }))
            blocks.append(Field(label=extra.title, value=extra.text))
        if not section.entries:
            return None
        ids = ["care_preferences", *(f"additional_sections.{i}" for i in range(len(self.p.additional_sections)))]
        section.narrative = self.narrative_for(ids, _own_section("care_preferences", "Patient story", blocks))
        return section

    def care_team(self) -> tuple[_IpsSection | None, list[str]]:
        members = self.p.care_team
        if not members:
            return None, []
        participants = []
        general_practitioners = []
        for member in members:
            role_ref = self.practitioner_role(
                member.name, role=member.role, speciality=member.speciality, organisation=member.organisation,
                phone=member.phone, email=member.email, address=member.address)
            if _is_gp_or_lead(member):
                general_practitioners.append(role_ref)
            extensions: list[JSON] = []
            if member.lead:
                extensions.append(_ext("lead", valueBoolean=True))
            extensions.extend(_ext("expert-in", valueString=item) for item in member.expert_in)
            if member.notes:
                extensions.append(_ext("notes", valueString=member.notes))
            participant: JSON = {"extension": extensions} if extensions else {}
            participant["member"] = {"reference": role_ref}
            participants.append(participant)
        team_ref = self.bundle.add({"resourceType": "CareTeam", "status": "active",
                                    "subject": {"reference": self.patient}, "participant": participants})
        section = _IpsSection(c.SECTION_CARE_TEAM, entries=[team_ref])
        section.narrative = self.narrative_for("care_team", _own_section("care_team", "Care team", [
            _table(["Name", "Role", "Speciality", "Organisation", "Phone"],
                   [[m.name, m.role, m.speciality, m.organisation, m.phone] for m in members],
                   [i for i, m in enumerate(members) if m.lead])]))
        return section, general_practitioners

    def plugin_sections(self) -> list[_IpsSection]:
        sections = []
        manager = self.plugins
        for key, data in self.p.extensions.items():
            spec = manager.sections[key] if key in manager.sections else None  # noqa: SIM401 - a registry
            custom = None
            if spec is not None:
                # The first answer is used; a failing plugin is skipped (the section is
                # exported as narrative only) and reported as a PluginWarning.
                answers = manager.call_each("rarepassport_fhir_section", on_failure=_warn_plugin_failed,
                                            section=spec, data=data, passport=self.p,
                                            patient_reference=self.patient)
                custom = next((answer for _plugin, answer in answers), None)
            title = spec.title if spec is not None else key
            ips = _IpsSection(key, title=title, code_system=c.PLUGIN_SECTION, display=title)
            if custom:
                ips.title = custom.get("title", title)
                for resource in custom.get("resources", ()):
                    ips.entries.append(self.bundle.add(dict(resource)))
                if custom.get("div"):
                    ips.div = check_div(custom["div"], f"plugin section {key!r}")
            if ips.div is None:
                laid_out = self.layout.get(f"extensions.{key}")
                ips.narrative = [laid_out] if laid_out is not None else [_plugin_fallback(key, title, data)]
            sections.append(ips)
        return sections

    # --- the document -------------------------------------------------------------------

    def composition(self, sections: list[_IpsSection], timestamp: str) -> JSON:
        review = self.p.review
        extensions: list[JSON] = []
        if review.created_on is not None:
            extensions.append(_ext("created-on", valueDate=review.created_on.isoformat()))
        if review.updated_on is not None:
            extensions.append(_ext("updated-on", valueDate=review.updated_on.isoformat()))
        if review.next_review_due is not None:
            extensions.append(_ext("next-review-due", valueDate=review.next_review_due.isoformat()))
        if review.completed_by is not None:
            related: JSON = {"resourceType": "RelatedPerson", "patient": {"reference": self.patient},
                             "name": [{"text": review.completed_by.name}]}
            if review.completed_by.relationship:
                related["relationship"] = [c.text_concept(review.completed_by.relationship)]
            author = self.bundle.add(related)
        else:
            author = self.bundle.add({"resourceType": "Device",
                                      "deviceName": [{"name": "rarepassport", "type": "manufacturer-name"}],
                                      "type": c.text_concept("Software that wrote this summary")})
        composition: JSON = {"resourceType": "Composition"}
        if extensions:
            composition["extension"] = extensions
        if self.p.id:
            composition["identifier"] = {"system": c.PASSPORT_ID_SYSTEM, "value": self.p.id}
        composition.update({
            "status": "final",
            "type": c.concept(c.LOINC, c.IPS_DOCUMENT, "Patient summary Document"),
            "subject": {"reference": self.patient},
            "date": timestamp,
            "author": [{"reference": author}],
            "title": f"Rare disease passport: {self.p.person.name}",
        })
        if review.reviewed_by is not None:
            reviewer = review.reviewed_by
            party = self.practitioner_role(reviewer.name, role=reviewer.role, organisation=reviewer.organisation)
            composition["attester"] = [{"mode": "professional", "time": reviewer.date.isoformat(),
                                        "party": {"reference": party}}]
        composition["section"] = [section.to_fhir() for section in sections]
        return composition

    def build(self, timestamp: str) -> JSON:
        self.result_refs: list[str] = []
        self.result_rows: list[list[object]] = []
        # The Composition comes first in the bundle but refers to everything: reserve
        # its place and fill it in last.
        composition_id = self.bundle.new_id()
        patient = self.patient_resource()
        self.patient = self.bundle.add(patient)
        care_team, general_practitioners = self.care_team()
        if general_practitioners:
            patient["generalPractitioner"] = [{"reference": ref} for ref in general_practitioners]
        candidates: list[_IpsSection | None] = [
            self.alerts(), self.problems(), self.allergies(), self.medications(), self.devices(),
            self.procedures(), self.immunizations(), self.vital_signs(), self.results(), self.plan_of_care(),
            self.advance_directives(), self.patient_story(), care_team, *self.plugin_sections(),
        ]
        sections = [section for section in candidates if section is not None]
        composition = {"resourceType": "Composition", "id": composition_id, **_profile("Composition")}
        if self.p.language:
            composition["language"] = self.p.language
        built = self.composition(sections, timestamp)
        composition.update({k: v for k, v in built.items() if k != "resourceType"})
        entries = [{"fullUrl": f"urn:uuid:{composition_id}", "resource": composition}, *self.bundle.entries]
        bundle_id = self.bundle.new_id()
        bundle: JSON = {"resourceType": "Bundle", "id": bundle_id, **_profile("Bundle")}
        if self.p.language:
            bundle["language"] = self.p.language
        bundle.update({
            "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{bundle_id}"},
            "type": "document",
            "timestamp": timestamp,
            "entry": entries,
        })
        return bundle


_ROLE_CODINGS: dict[str, JSON] = {
    "emergency": c.coding(c.V2_0131, "C", "Emergency Contact"),
    "next-of-kin": c.coding(c.V2_0131, "N", "Next-of-Kin"),
    "parent": c.coding(c.V3_ROLE, "PRN", "parent"),
    "carer": c.coding(c.CONTACT_ROLE, "carer", "Carer"),
    "other": c.coding(c.V2_0131, "O", "Other"),
}

_FLAG_DISPLAYS = {
    "emergency-summary": "Emergency summary",
    "avoid": "Avoid",
    "red-flag": "Red flag",
    "anaesthesia": "Anaesthesia",
}


def _plugin_fallback(key: str, title: str, data: object) -> Section:
    """A plain narrative of a plugin section: each field with a value, in order."""
    blocks: list[Any] = []
    if attrs.has(type(data)):
        for field in attrs.fields(type(data)):  # type: ignore[arg-type]
            value = getattr(data, field.name)
            if value in (None, (), [], "", False):
                continue
            label = field.name.replace("_", " ").capitalize()
            if isinstance(value, (tuple, list)):
                blocks.append(ListBlock(label=label, items=[_text(item) for item in value]))
            else:
                blocks.append(Field(label=label, value=_text(value)))
    elif isinstance(data, Mapping):
        blocks.extend(Field(label=str(k), value=_text(v)) for k, v in data.items())
    return Section(id=f"extensions.{key}", title=title, blocks=tuple(blocks), plugin=key)


def to_ips(
    passport: Passport,
    *,
    plugins: PluginManager,
    today: _dt.date | _dt.datetime | None = None,
) -> dict[str, Any]:
    """The step behind [`rarepassport.to_ips`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"to_ips() exports a rarepassport.Passport, not {type(passport).__name__}; "
                        "load a document with rarepassport.load() or loads() first")
    check_built_passport(passport, plugins=plugins)
    return _Exporter(passport, plugins).build(_timestamp(today))


