"""Passport → FHIR R4 International Patient Summary (IPS) document Bundle."""

from __future__ import annotations

import base64
import datetime as _dt
import uuid
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.convert import check_built_passport
from rarepassport.document import Block, Field, Heading, ListBlock, Paragraph, Section, Table
from rarepassport.errors import PluginWarning
from rarepassport.fhir import _common as c
from rarepassport.fhir._narrative import Narrator, check_div, narrative
from rarepassport.layouts import LayoutContext, layout, layout_fields
from rarepassport.model import (
    AllergiesStatus,
    Attestation,
    CarePreferences,
    CareTeamMember,
    Coding,
    Diagnosis,
    DiagnosisStatus,
    History,
    MedicationsStatus,
    Passport,
    Person,
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


#: IPS asks who is responsible for a result (Results profile, ``performer`` 1..*); a
#: passport does not say which laboratory found a blood group or a variant, so it is
#: given as unknown the way IPS allows for required data that is missing.
_UNKNOWN_PERFORMER: JSON = {"performer": [c.data_absent()]}


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

    def add(self, resource: JSON, div: str | None = None, *, status: str = "generated",
            profile: str | None = None) -> str:
        """Add a resource with its narrative ``div``; returns the reference to it.

        ``profile`` overrides the IPS profile of the resource type (``""``: none).
        """
        resource_id = self.new_id()
        kind = resource.pop("resourceType")
        claimed = _profile(kind) if profile is None else ({"meta": {"profile": [profile]}} if profile else {})
        text = {"text": narrative(div, status)} if div is not None and "text" not in resource else {}
        ordered = {"resourceType": kind, "id": resource_id, **claimed, **text, **resource}
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
    #: What the narrative says when its sections show nothing: layout's own words
    #: ("No diagnosis recorded"), in the document's language.
    fallback: list[Block] = attrs.field(factory=list)
    empty_reason: str | None = None
    title: str | None = None
    code_system: str = c.LOINC
    display: str | None = None
    div: str | None = None

    def to_fhir(self, narrator: Narrator) -> JSON:
        title = self.title or c.SECTION_TITLES[self.code]
        section: JSON = {
            "title": title,
            "code": c.concept(self.code_system, self.code, self.display or c.SECTION_DISPLAYS.get(self.code)),
            "text": narrative(self.div or narrator.section_div(self.narrative, fallback=self.fallback)),
        }
        if self.entries:
            section["entry"] = [{"reference": ref} for ref in self.entries]
        elif self.empty_reason:
            section["emptyReason"] = c.concept(c.EMPTY_REASON_SYSTEM, self.empty_reason,
                                               {"unavailable": "Unavailable", "nilknown": "Nil Known"}.get(
                                                   self.empty_reason))
        return section


def _narrator(passport: Passport, plugins: PluginManager, language: str | None,
              today: _dt.date | _dt.datetime | None) -> Narrator:
    """The passport laid out in the full view: every narrative is read from it."""
    day = today.date() if isinstance(today, _dt.datetime) else today
    document = layout(passport, view="full", language=language, plugins=plugins, today=day)
    context = LayoutContext(view=document.view, language=document.language, plugins=plugins,
                            today=day or _dt.date.today())
    return Narrator(document, context)


def _warn_plugin_failed(failure: PluginFailure) -> None:
    warnings.warn(PluginWarning(f"{failure}; its section is exported as narrative only", failure=failure),
                  stacklevel=4)


class _Exporter:
    def __init__(self, passport: Passport, plugins: PluginManager, narrator: Narrator, language: str | None) -> None:
        self.p = passport
        self.plugins = plugins
        self.bundle = _Bundle(passport.id)
        self.laid = narrator
        self.patient = ""
        # The bundle's language: the one asked for (its narratives are in it), else the passport's.
        self.language = narrator.document.language if language else passport.language

    def label(self, cls: type, name: str) -> str:
        """A field's label in the narratives' language."""
        return self.laid.context.field_label(cls, name)

    def row_div(self, section_ids: Sequence[str], key: str, obj: object, *, with_notes: bool = False) -> str | None:
        """The narrative of one item: its row in the laid-out tables of these sections.

        With ``with_notes``, the section's paragraphs come first (a time-critical
        medicine's row with the note that says so). ``obj`` is laid out from its fields
        when the Document shows no row for it.
        """
        found = self.laid.row(self.laid.sections(section_ids), key)
        if found is None:
            return self.laid.div(self.laid.fields_of(obj))
        section, table = found
        notes = [block for block in section.blocks if isinstance(block, Paragraph)] if with_notes else []
        return self.laid.div([*notes, table])

    # --- people ------------------------------------------------------------------

    def practitioner_role(self, name: str, div: str | None, *, role: str | None = None,
                          speciality: str | None = None, organisation: str | None = None,
                          organisation_label: str = "", phone: str | None = None,
                          email: str | None = None, address: str | None = None) -> str:
        practitioner: JSON = {"resourceType": "Practitioner", "name": [{"text": name}]}
        if address:
            practitioner["address"] = [{"text": address}]
        practitioner_ref = self.bundle.add(practitioner, div)
        resource: JSON = {"resourceType": "PractitionerRole", "practitioner": {"reference": practitioner_ref}}
        if organisation:
            org_div = self.laid.div([Table(columns=[organisation_label], rows=[[organisation]])])
            org_ref = self.bundle.add({"resourceType": "Organization", "name": organisation}, org_div)
            resource["organization"] = {"reference": org_ref}
        if role:
            resource["code"] = [c.text_concept(role)]
        if speciality:
            resource["specialty"] = [c.text_concept(speciality)]
        telecom = _telecom(phone, email)
        if telecom:
            resource["telecom"] = telecom
        return self.bundle.add(resource, div)

    def patient_div(self) -> str | None:
        document = self.laid.document
        birth = Field(label=self.label(Person, "date_of_birth"), value=document.date_of_birth,
                      label_id="Person.date_of_birth") if document.date_of_birth else None
        person = self.laid.section("person")
        contacts = self.laid.section("contacts")
        blocks: list[Block | None] = [birth, *(person.blocks if person else ())]
        if contacts is not None:
            blocks += [Heading(text=contacts.title), *contacts.blocks]
        return self.laid.div(blocks, title=document.person_name)

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
        laid_out = self.laid.section("diagnoses")
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
            # The diagnosis as laid out: its heading (the main one says so) and everything under it.
            heading = (f"{diagnosis.name} ({self.laid.document.phrase('primary')})" if diagnosis.primary
                       else diagnosis.name)
            part = self.laid.under_heading(laid_out, heading) or self.laid.under_heading(laid_out, diagnosis.name)
            genetics = self.laid.under_heading(part, self.label(Diagnosis, "genetics"), level=4)
            evidence = []
            for feature in diagnosis.features:
                item: JSON = {}
                if feature.notes:
                    item["extension"] = [_ext("notes", valueString=feature.notes)]
                hpo = [c.coding(c.SYSTEM_URIS["HPO"], feature.hpo)] if feature.hpo else []
                item["code"] = [{**({"coding": hpo} if hpo else {}), "text": feature.name}]
                evidence.append(item)
            for finding in diagnosis.genetics:
                evidence.append({"detail": [{"reference": self.genetic_observation(finding, part, genetics)}]})
            if evidence:
                condition["evidence"] = evidence
            notes = []
            if diagnosis.summary:
                notes.append(_note(diagnosis.summary, "summary"))
            if diagnosis.notes:
                notes.append(_note(diagnosis.notes))
            if notes:
                condition["note"] = notes
            div = self.laid.div(part.blocks) if part is not None else self.laid.div(
                [Heading(text=diagnosis.name), *self.laid.fields_of(diagnosis)])
            section.entries.append(self.bundle.add(condition, div))
        if not self.p.diagnoses:
            section.empty_reason = "unavailable"
        section.narrative = self.laid.sections(["diagnoses"])
        # Nothing recorded: the words the emergency part of every output says it in.
        said = self.laid.field("emergency", "essentials.diagnosis")
        section.fallback = [said or Paragraph(text=self.laid.document.phrase("essentials.no_diagnosis"))]
        return section

    def genetic_observation(self, finding: Any, part: Section | None, genetics: Section | None) -> str:
        components: list[JSON] = [{"code": c.concept(c.LOINC, *c.GENE_STUDIED),
                                   "valueCodeableConcept": (c.concept(c.HGNC, finding.hgnc, finding.gene, finding.gene)
                                                            if finding.hgnc else c.text_concept(finding.gene))}]
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
            **_UNKNOWN_PERFORMER,
            "valueCodeableConcept": c.concept(c.LOINC, "LA9633-4", "Present"),
        }
        if finding.notes:
            observation["note"] = [_note(finding.notes)]
        observation["component"] = components
        found = self.laid.row([genetics], finding.gene)
        heading = Heading(text=part.title) if part is not None else None
        div = (self.laid.div([heading, found[1]]) if found is not None
               else self.laid.div([heading, *self.laid.fields_of(finding)]))
        reference = self.bundle.add(observation, div, profile=c.RESULTS_PROFILE)
        self.result_refs.append(reference)
        if found is not None:
            self.result_blocks += [block for block in (heading, found[1]) if block is not None]
        return reference

    def allergies(self) -> _IpsSection:
        section = _IpsSection(c.SECTION_ALLERGIES)
        status = self.p.allergies_status
        laid_out = self.laid.sections(["allergies"])
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
            section.entries.append(self.bundle.add(resource, self.row_div(["allergies"], allergy.substance, allergy)))
        section.narrative = laid_out
        if status is AllergiesStatus.NONE_KNOWN and not self.p.allergies:
            section.entries.append(self.bundle.add({
                "resourceType": "AllergyIntolerance",
                "clinicalStatus": c.concept(c.ALLERGY_CLINICAL, "active", "Active"),
                "verificationStatus": c.concept(c.ALLERGY_VERIFICATION, "confirmed", "Confirmed"),
                "code": c.concept(c.SNOMED, *c.NO_KNOWN_ALLERGY),
                "patient": {"reference": self.patient},
            }, self.laid.div([block for s in laid_out for block in s.blocks]
                             or [Paragraph(text=self.laid.document.phrase("no_known_allergies"))])))
            section.fallback = [Paragraph(text=self.laid.document.phrase("no_known_allergies"))]
        elif not self.p.allergies:
            section.empty_reason = "unavailable"
            section.fallback = [Paragraph(text=self.laid.document.phrase("allergies_not_recorded"))]
        return section

    def medications(self) -> _IpsSection:
        section = _IpsSection(c.SECTION_MEDICATIONS)
        laid_out = ["time_critical_medicines", "medications"]
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
            div = self.row_div(laid_out if medication.time_critical else ["medications", *laid_out],
                               medication.name, medication, with_notes=medication.time_critical)
            section.entries.append(self.bundle.add(resource, div))
        section.narrative = self.laid.sections(laid_out)
        status = self.p.medications_status
        if status is MedicationsStatus.NONE and not self.p.medications:
            said = Paragraph(text=self.laid.document.phrase("no_medicines"))
            section.entries.append(self.bundle.add({
                "resourceType": "MedicationStatement",
                "status": "active",
                "medicationCodeableConcept": c.concept(c.SNOMED, *c.NO_KNOWN_MEDICATIONS),
                "subject": {"reference": self.patient},
                **_dated("effective", None),
            }, self.laid.div([block for s in section.narrative for block in s.blocks] or [said])))
            section.fallback = [said]
        elif not self.p.medications:
            section.empty_reason = "unavailable"
            section.fallback = [Paragraph(text=self.laid.document.phrase("medicines_not_recorded"))]
        return section

    def devices(self) -> _IpsSection | None:
        if not self.p.devices:
            return None
        section = _IpsSection(c.SECTION_DEVICES)
        for device in self.p.devices:
            div = self.row_div(["devices"], device.name, device)
            resource: JSON = {"resourceType": "Device", "deviceName": [{"name": device.name,
                                                                         "type": "user-friendly-name"}]}
            if device.details:
                resource["note"] = [_note(device.details)]
            resource["patient"] = {"reference": self.patient}
            device_ref = self.bundle.add(resource, div)
            statement: JSON = {"resourceType": "DeviceUseStatement", "status": "active",
                               "subject": {"reference": self.patient}}
            # IPS asks when the device was in use; "not known" is said explicitly.
            statement.update(_dated("timing", device.since))
            statement["device"] = {"reference": device_ref}
            if device.purpose:
                statement["reasonCode"] = [c.text_concept(device.purpose)]
            if device.notes:
                statement["note"] = [_note(device.notes)]
            section.entries.append(self.bundle.add(statement, div))
        section.narrative = self.laid.sections(["devices"])
        return section

    def history_part(self, name: str) -> Section | None:
        """The part of the laid-out history under one field's heading (procedures...)."""
        return self.laid.under_heading(self.laid.section("history"), self.label(History, name))

    def procedures(self) -> _IpsSection | None:
        procedures = self.p.history.procedures
        if not procedures:
            return None
        section = _IpsSection(c.SECTION_PROCEDURES)
        part = self.history_part("procedures")
        for procedure in procedures:
            resource: JSON = {"resourceType": "Procedure", "status": "completed",
                              "code": c.text_concept(procedure.name), "subject": {"reference": self.patient},
                              **_dated("performed", procedure.date)}
            if procedure.notes:
                resource["note"] = [_note(procedure.notes)]
            found = self.laid.row([part], procedure.name)
            div = self.laid.div([found[1]] if found else self.laid.fields_of(procedure))
            section.entries.append(self.bundle.add(resource, div))
        section.narrative = [part] if part is not None else []
        section.fallback = [block for p in procedures for block in self.laid.fields_of(p)]
        return section

    def immunizations(self) -> _IpsSection | None:
        immunisations = self.p.history.immunisations
        if not immunisations:
            return None
        section = _IpsSection(c.SECTION_IMMUNIZATIONS)
        part = self.history_part("immunisations")
        for immunisation in immunisations:
            found = self.laid.row([part], immunisation.name)
            div = self.laid.div([found[1]] if found else self.laid.fields_of(immunisation))
            section.entries.append(self.bundle.add({
                "resourceType": "Immunization", "status": "completed",
                "vaccineCode": c.text_concept(immunisation.name), "patient": {"reference": self.patient},
                **({"occurrenceDateTime": str(immunisation.date)} if immunisation.date is not None
                   # FHIR needs an occurrence; "unknown", flagged as absent data, says it honestly.
                   else {"occurrenceString": "unknown", "_occurrenceString": c.data_absent()}),
            }, div))
        section.narrative = [part] if part is not None else []
        section.fallback = [block for i in immunisations for block in self.laid.fields_of(i)]
        return section

    def person_field(self, name: str) -> list[Block]:
        """The laid-out field of the person (weight, blood group), or the field laid out alone."""
        said = self.laid.field("person", f"Person.{name}")
        if said is not None:
            return [said]
        return [block for block in self.laid.fields_of(self.p.person)
                if isinstance(block, Field) and block.label_id == f"Person.{name}"]

    def vital_signs(self) -> _IpsSection | None:
        weight = self.p.person.weight
        if weight is None:
            return None
        section = _IpsSection(c.SECTION_VITAL_SIGNS)
        said = self.person_field("weight")
        section.entries.append(self.bundle.add({
            "resourceType": "Observation", "status": "final",
            "category": [c.concept(c.OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")],
            "code": c.concept(c.LOINC, *c.BODY_WEIGHT),
            "subject": {"reference": self.patient},
            **_dated("effective", weight.measured_on),
            "valueQuantity": {"value": weight.kg, "unit": "kg", "system": c.UCUM, "code": "kg"},
        }, self.laid.div(said), profile=c.BODY_WEIGHT_PROFILE))
        section.fallback = said
        return section

    def results(self) -> _IpsSection | None:
        blood_group = self.p.person.blood_group
        if blood_group:
            said = self.person_field("blood_group")
            self.result_refs.insert(0, self.bundle.add({
                "resourceType": "Observation", "status": "final",
                "category": [c.concept(c.OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
                "code": c.concept(c.LOINC, *c.BLOOD_GROUP),
                "subject": {"reference": self.patient},
                **_dated("effective", None),
                **_UNKNOWN_PERFORMER,
                "valueString": blood_group,
            }, self.laid.div(said), profile=c.RESULTS_PROFILE))
            self.result_blocks[:0] = said
        if not self.result_refs:
            return None
        section = _IpsSection(c.SECTION_RESULTS, entries=self.result_refs)
        # The blood group as "About me" shows it, each genetic finding as its diagnosis does.
        section.narrative = [Section(id="results", title="", blocks=self.result_blocks)]
        return section

    def alerts(self) -> _IpsSection | None:
        emergency = self.p.emergency
        section = _IpsSection(c.SECTION_ALERTS)
        laid = self.laid
        opening = laid.section("emergency")
        items: list[tuple[str, str, str | None, str | None]] = []
        if emergency.summary:
            said = next((b for b in (opening.blocks if opening else ()) if getattr(b, "text", None)
                         == emergency.summary), None)
            items.append(("emergency-summary", emergency.summary, None,
                          laid.div([said or Paragraph(text=emergency.summary)])))
        for avoid in emergency.avoid:
            items.append(("avoid", avoid.what, avoid.reason, self.row_div(["avoid"], avoid.what, avoid)))
        red_flags = laid.section("red_flags")
        for flag_text in emergency.red_flags:
            items.append(("red-flag", flag_text, None, laid.div(
                [ListBlock(items=[flag_text])], title=red_flags.title if red_flags else None)))
        if emergency.anaesthesia:
            anaesthesia = laid.section("anaesthesia")
            items.append(("anaesthesia", emergency.anaesthesia, None, laid.div(
                [Paragraph(text=emergency.anaesthesia)], title=anaesthesia.title if anaesthesia else None)))
        if not items:
            return None
        for kind, text, reason, div in items:
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
            section.entries.append(self.bundle.add(flag, div))
        section.narrative = laid.sections(["emergency", "avoid", "red_flags", "anaesthesia"])
        return section

    def plan_of_care(self) -> _IpsSection | None:
        protocols = self.p.emergency.protocols
        if not protocols:
            return None
        section = _IpsSection(c.SECTION_PLAN_OF_CARE)
        laid_out = self.laid.section("protocols")
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
            part = self.laid.under_heading(laid_out, protocol.title)
            div = self.laid.div(part.blocks if part is not None
                                else [Heading(text=protocol.title), *self.laid.fields_of(protocol)])
            section.entries.append(self.bundle.add(plan, div))
        section.narrative = self.laid.sections(["protocols"])
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
            section.entries.append(self.bundle.add(
                document, self.row_div(["advance_decisions"], decision.kind, decision)))
        section.narrative = self.laid.sections(["advance_decisions"])
        return section

    def preference_div(self, name: str, item: str) -> str | None:
        """One care preference as laid out: its field, or its list's label and this item."""
        laid_out = self.laid.section("care_preferences")
        label = self.label(CarePreferences, name)
        for block in laid_out.blocks if laid_out else ():
            if isinstance(block, Field) and block.label_id == f"CarePreferences.{name}":
                return self.laid.div([block])
            if isinstance(block, ListBlock) and block.label == label:
                return self.laid.div([ListBlock(items=[item])], title=label)
        return self.laid.div([Field(label=label, value=item)])

    def patient_story(self) -> _IpsSection | None:
        preferences = self.p.care_preferences
        section = _IpsSection(c.SECTION_PATIENT_STORY)
        for field in attrs.fields(CarePreferences):
            value = getattr(preferences, field.name)
            values = list(value) if isinstance(value, tuple) else ([value] if value else [])
            display = field.name.replace("_", " ").capitalize()
            for item in values:
                section.entries.append(self.bundle.add({
                    "resourceType": "Observation", "status": "final",
                    "code": c.concept(c.CARE_PREFERENCE, field.name, display),
                    "subject": {"reference": self.patient}, "valueString": item,
                }, self.preference_div(field.name, item)))
        for index, extra in enumerate(self.p.additional_sections):
            laid_out = self.laid.section(f"additional_sections.{index}")
            section.entries.append(self.bundle.add({
                "resourceType": "Observation", "status": "final",
                "code": c.concept(c.ADDITIONAL_SECTION, "additional-section", "Additional section",
                                  extra.title),
                "subject": {"reference": self.patient}, "valueString": extra.text,
            }, self.laid.div(laid_out.blocks if laid_out else [Paragraph(text=extra.text)], title=extra.title)))
        if not section.entries:
            return None
        section.narrative = self.laid.sections(
            ["care_preferences", *(f"additional_sections.{i}" for i in range(len(self.p.additional_sections)))])
        return section

    def care_team(self) -> tuple[_IpsSection | None, list[str]]:
        members = self.p.care_team
        if not members:
            return None, []
        participants = []
        general_practitioners = []
        organisation_label = self.label(CareTeamMember, "organisation")
        for member in members:
            role_ref = self.practitioner_role(
                member.name, self.row_div(["care_team"], member.name, member), role=member.role,
                speciality=member.speciality, organisation=member.organisation,
                organisation_label=organisation_label, phone=member.phone, email=member.email,
                address=member.address)
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
        laid_out = self.laid.sections(["care_team"])
        team_ref = self.bundle.add({"resourceType": "CareTeam", "status": "active",
                                    "subject": {"reference": self.patient}, "participant": participants},
                                   self.laid.div([block for s in laid_out for block in s.blocks]
                                                 or [block for m in members for block in self.laid.fields_of(m)]))
        section = _IpsSection(c.SECTION_CARE_TEAM, entries=[team_ref])
        section.narrative = laid_out
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
            laid_out = self.laid.section(f"extensions.{key}")
            # Outside the view (or unregistered): laid out from its fields by layout all the same.
            ips.narrative = [laid_out] if laid_out is not None else []
            ips.fallback = self.laid.fields_of(data)
            if custom:
                ips.title = custom.get("title", title)
                if custom.get("div"):
                    ips.div = check_div(custom["div"], f"plugin section {key!r}")
                # A resource the plugin gives without a narrative is narrated by its whole
                # section: "additional", since that says more than the resource holds.
                div = ips.div or self.laid.section_div(ips.narrative, fallback=ips.fallback)
                for resource in custom.get("resources", ()):
                    # Not ours to vouch for: no IPS profile is claimed for it.
                    ips.entries.append(self.bundle.add(dict(resource), div, status="additional", profile=""))
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
            completed_by = self.laid.field("review", "Review.completed_by")
            author = self.bundle.add(related, self.laid.div(
                [completed_by] if completed_by else self.laid.fields_of(review.completed_by)))
        else:
            # The software as its author: not a medical device, so no IPS device profile.
            author = self.bundle.add({"resourceType": "Device",
                                      "deviceName": [{"name": "rarepassport", "type": "manufacturer-name"}],
                                      "type": c.text_concept("Software that wrote this summary")},
                                     self.laid.div([Paragraph(text=self.laid.document.phrase("made_with"))]),
                                     profile="")
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
            "title": self.laid.document.title,
        })
        if review.reviewed_by is not None:
            reviewer = review.reviewed_by
            said = self.laid.document.reviewed_on
            div = self.laid.div([Paragraph(text=said)] if said else self.laid.fields_of(reviewer))
            party = self.practitioner_role(reviewer.name, div, role=reviewer.role,
                                           organisation=reviewer.organisation,
                                           organisation_label=self.label(type(reviewer), "organisation"))
            composition["attester"] = [{"mode": "professional", "time": reviewer.date.isoformat(),
                                        "party": {"reference": party}}]
        composition["section"] = [section.to_fhir(self.laid) for section in sections]
        return composition

    # --- signed checks ------------------------------------------------------------------

    def attestation_records(self) -> list[JSON]:
        """Each attestation as the passport file holds it: what its signature was made over."""
        records = self.plugins.converter.unstructure(self.p.attestations, tuple[Attestation, ...])
        return list(records)

    def provenance(self, attestation: Attestation, record: JSON, composition: str,
                   sections: Sequence[_IpsSection]) -> None:
        """A professional's signed check as a Provenance: who, when, what, and the JWS itself.

        ``signature.data`` holds the JWS in compact form *with* its payload, the RFC 8785
        canonical JSON of the attestation without its signature, exactly what the
        passport's detached JWS signs: any JOSE library verifies it with the signer's
        public key, and import reads the attestation back from it unchanged.
        """
        signer = attestation.signer
        div = self.laid.div(layout_fields(self.laid.context, attestation,
                                          exclude=("key_id", "public_key", "digests", "signature")))
        who = self.practitioner_role(signer.name, self.laid.div(self.laid.fields_of(signer)), role=signer.role,
                                     organisation=signer.organisation,
                                     organisation_label=self.label(type(signer), "organisation"))
        targets = [composition]
        by_code = {section.code: section for section in sections}
        for path in attestation.scope:
            for code in _SCOPE_SECTIONS.get(path, ()):
                section = by_code.get(code)
                targets.extend(ref for ref in (section.entries if section else ()) if ref not in targets)
        recorded = f"{attestation.reviewed_on.isoformat()}T00:00:00Z"  # the check records its day only
        resource: JSON = {
            "resourceType": "Provenance",
            "target": [{"reference": ref} for ref in targets],
            "occurredDateTime": attestation.reviewed_on.isoformat(),
            "recorded": recorded,
            "agent": [{"type": c.concept(c.PROVENANCE_PARTICIPANT, "attester", "Attester"),
                       "who": {"reference": who}}],
            "signature": [{
                "type": [c.coding(c.SIGNATURE_TYPE, c.VERIFICATION_SIGNATURE, "Verification Signature")],
                "when": recorded,
                "who": {"reference": who},
                "targetFormat": "application/json",
                "sigFormat": "application/jose",
                "data": base64.b64encode(_attached_jws(record).encode("ascii")).decode("ascii"),
            }],
        }
        self.bundle.add(resource, div, profile="")

    def composition_div(self) -> str | None:
        """The document's title, when it was updated and reviewed, and its warnings."""
        document = self.laid.document
        said = [document.updated_on, document.reviewed_on, *document.warnings]
        return self.laid.div([Paragraph(text=text) for text in said if text], title=document.title)

    def build(self, timestamp: str) -> JSON:
        self.result_refs: list[str] = []
        self.result_blocks: list[Block] = []
        # The Composition comes first in the bundle but refers to everything: reserve
        # its place and fill it in last.
        composition_id = self.bundle.new_id()
        patient = self.patient_resource()
        self.patient = self.bundle.add(patient, self.patient_div())
        care_team, general_practitioners = self.care_team()
        if general_practitioners:
            patient["generalPractitioner"] = [{"reference": ref} for ref in general_practitioners]
        candidates: list[_IpsSection | None] = [
            self.alerts(), self.problems(), self.allergies(), self.medications(), self.devices(),
            self.procedures(), self.immunizations(), self.vital_signs(), self.results(), self.plan_of_care(),
            self.advance_directives(), self.patient_story(), care_team, *self.plugin_sections(),
        ]
        sections = [section for section in candidates if section is not None]
        for section in sections:
            # Each section is titled as the passport titles what it carries, in its language.
            if section.title is None and section.code in _SECTION_TITLE_LABELS:
                section.title = self.laid.context.label(_SECTION_TITLE_LABELS[section.code])
        composition = {"resourceType": "Composition", "id": composition_id, **_profile("Composition")}
        if self.language:
            composition["language"] = self.language
        composition["text"] = narrative(self.composition_div() or "")
        built = self.composition(sections, timestamp)
        composition.update({k: v for k, v in built.items() if k != "resourceType"})
        carried = c.carried_attestations(self.p.attestations)
        for attestation, record in zip(self.p.attestations, self.attestation_records(), strict=True):
            if attestation in carried:
                self.provenance(attestation, record, f"urn:uuid:{composition_id}", sections)
        entries = [{"fullUrl": f"urn:uuid:{composition_id}", "resource": composition}, *self.bundle.entries]
        bundle_id = self.bundle.new_id()
        bundle: JSON = {"resourceType": "Bundle", "id": bundle_id, **_profile("Bundle")}
        if self.language:
            bundle["language"] = self.language
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

#: The label that titles each IPS section: the laid-out section (or part) it carries.
_SECTION_TITLE_LABELS = {
    c.SECTION_ALERTS: "section.emergency",
    c.SECTION_PROBLEMS: "section.diagnoses",
    c.SECTION_ALLERGIES: "section.allergies",
    c.SECTION_MEDICATIONS: "section.medications",
    c.SECTION_DEVICES: "section.devices",
    c.SECTION_PROCEDURES: "History.procedures",
    c.SECTION_IMMUNIZATIONS: "History.immunisations",
    c.SECTION_VITAL_SIGNS: "phrase.fhir.vital_signs",
    c.SECTION_RESULTS: "phrase.fhir.results",
    c.SECTION_PLAN_OF_CARE: "section.protocols",
    c.SECTION_ADVANCE_DIRECTIVES: "section.advance_decisions",
    c.SECTION_PATIENT_STORY: "section.care_preferences",
    c.SECTION_CARE_TEAM: "section.care_team",
}

#: The IPS sections whose entries a signed check of a passport path covers (its
#: Provenance targets them besides the Composition). Paths not listed target the
#: Composition only; the JWS names the paths exactly.
_SCOPE_SECTIONS: dict[str, tuple[str, ...]] = {
    "$.diagnoses": (c.SECTION_PROBLEMS,),
    "$.allergies": (c.SECTION_ALLERGIES,),
    "$.medications": (c.SECTION_MEDICATIONS,),
    "$.devices": (c.SECTION_DEVICES,),
    "$.history": (c.SECTION_PROCEDURES, c.SECTION_IMMUNIZATIONS),
    "$.history.procedures": (c.SECTION_PROCEDURES,),
    "$.history.immunisations": (c.SECTION_IMMUNIZATIONS,),
    "$.emergency": (c.SECTION_ALERTS, c.SECTION_PLAN_OF_CARE, c.SECTION_ADVANCE_DIRECTIVES),
    "$.emergency.protocols": (c.SECTION_PLAN_OF_CARE,),
    "$.emergency.advance_decisions": (c.SECTION_ADVANCE_DIRECTIVES,),
    "$.care_team": (c.SECTION_CARE_TEAM,),
    "$.care_preferences": (c.SECTION_PATIENT_STORY,),
}


def _attached_jws(record: JSON) -> str:
    """The attestation's compact JWS with its payload put back (``header.payload.signature``)."""
    from rarepassport.signing import canonical_json

    header, _, signature = str(record["signature"]).partition("..")
    payload = canonical_json({name: value for name, value in record.items() if name != "signature"})
    encoded = base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")
    return f"{header}.{encoded}.{signature}"


_FLAG_DISPLAYS = {
    "emergency-summary": "Emergency summary",
    "avoid": "Avoid",
    "red-flag": "Red flag",
    "anaesthesia": "Anaesthesia",
}


def to_ips(
    passport: Passport,
    *,
    plugins: PluginManager,
    today: _dt.date | _dt.datetime | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """The step behind [`rarepassport.to_ips`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"to_ips() exports a rarepassport.Passport, not {type(passport).__name__}; "
                        "load a document with rarepassport.load() or loads() first")
    check_built_passport(passport, plugins=plugins)
    narrator = _narrator(passport, plugins, language, today)
    return _Exporter(passport, plugins, narrator, language).build(_timestamp(today))


