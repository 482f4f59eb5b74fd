"""Reading conditions, genetic findings, allergies, medicines, devices, procedures, vaccinations and observations."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rarepassport.errors import Message
from rarepassport.fhir import _common as c
from rarepassport.model import (
    AdditionalSection,
    Allergy,
    AllergyCategory,
    AllergyKind,
    Criticality,
    Device,
    Diagnosis,
    DiagnosisStatus,
    Feature,
    GeneticFinding,
    Immunisation,
    Medication,
    Procedure,
    Severity,
    Weight,
    Zygosity,
)

if TYPE_CHECKING:
    pass
from rarepassport.fhir._import_patient import _PatientReader
from rarepassport.fhir._read import (
    _PREFERENCE_FIELDS,
    _as_list,
    _codes,
    _concept_text,
    _display_only,
    _dose_text,
    _extension_value,
    _full_date,
    _marked_absent,
    _named,
    _notes,
    _number,
    _our_codings,
    _partial,
    _repeat_text,
    _Res,
    _says_none_known,
    _status_code,
    _zygosity,
)

JSON = dict[str, Any]


class _ClinicalReader(_PatientReader):
    def status(self, res: _Res, key: str, system: str) -> str | None:
        """The code of a Condition's or an AllergyIntolerance's status element; a code read
        from a wrong system URI is reported."""
        res.get(key)
        code, canonical = _status_code(res.data.get(key), system)
        if code is not None and not canonical:
            self.note(f"{res.path}.{key}", Message("fhir.unmapped.status-system", "the status '{code}' is written "
                                                   "with a system other than {system}; read as that code system's "
                                                   "code", code=code, system=system))
        return code

    def condition(self, res: _Res, section_code: str) -> None:
        codes = _codes(res.get("code"))
        if codes & c.ABSENT_PROBLEM_CODES:
            for key in ("clinicalStatus", "verificationStatus", "category", "subject"):
                res.get(key)
            self.done(res)
            return
        if _says_none_known(res.data.get("code")):
            # "No known problems" written as text is a statement about the list, not a diagnosis.
            self.note(res.path, Message("fhir.unmapped.no-known-problems",
                                        "a statement that no problems are known is not a diagnosis; not imported"))
            return
        ver_code = self.status(res, "verificationStatus", c.CONDITION_VERIFICATION)
        if ver_code == "refuted":
            self.note(res.path, Message("fhir.unmapped.refuted-condition", "a refuted condition is not imported"))
            return
        clinical = self.status(res, "clinicalStatus", c.CONDITION_CLINICAL)
        if clinical in c.CONDITION_NOT_CURRENT:
            # The passport's diagnoses are what is true now, and no output could show
            # "resolved" beside one: left out, and listed for the person to decide.
            self.note(f"{res.path}.clinicalStatus", Message("fhir.unmapped.condition-not-current", "not imported: "
                                                            "the condition's clinical status is '{status}'; the "
                                                            "passport lists current conditions only",
                                                            status=clinical))
            return
        if clinical is None and res.data.get("clinicalStatus") is not None:
            self.note(f"{res.path}.clinicalStatus", Message("fhir.unmapped.unknown-clinical-status",
                "a clinical status FHIR does not define; imported as current"))
        ext = self.extensions(res, {c.ASSERTED_DATE_URL, c.EXT + "primary", c.EXT + "undiagnosed"})
        status = c.VERIFICATION_TO_STATUS.get(ver_code or "confirmed", DiagnosisStatus.CONFIRMED)
        if c.EXT + "undiagnosed" in ext:
            status = DiagnosisStatus.UNDIAGNOSED
        name = _concept_text(res.get("code")) or "(condition without a name)"
        diagnosed_on = _partial(_extension_value(ext[c.ASSERTED_DATE_URL][0])) if c.ASSERTED_DATE_URL in ext \
            else None
        if diagnosed_on is None and res.get("recordedDate") is not None:
            self.note(f"{res.path}.recordedDate", Message("fhir.unmapped.recorded-date",
                                                          "the recorded date is not the diagnosis date; not kept"))
        asserter = res.get("asserter")
        diagnosed_by = None
        if isinstance(asserter, Mapping):
            diagnosed_by = asserter.get("display") if isinstance(asserter.get("display"), str) else None
            if diagnosed_by is None and asserter.get("reference"):
                member = self.practitioner(asserter, f"{res.path}.asserter")
                diagnosed_by = member.name if member is not None else None
        features, genetics = [], []
        for item in res.subs("evidence"):
            item_ext = self.extensions(item, {c.EXT + "notes"})
            notes = _extension_value(item_ext[c.EXT + "notes"][0]) if c.EXT + "notes" in item_ext else None
            for concept in item.items("code"):
                text = _concept_text(concept)
                hpo = next((code for system, code in _codes(concept) if c.SYSTEM_ALIASES.get(system) == "HPO"), None)
                if text:
                    features.append(Feature(name=text, hpo=hpo, notes=notes if isinstance(notes, str) else None))
            for d_index, detail in enumerate(item.items("detail")):
                target = self.resolve(detail, f"{item.path}.detail[{d_index}]")
                if target is None:
                    continue
                if _codes(target.get("code")) & {(c.LOINC, c.GENETIC_VARIANT[0])}:
                    genetics.append(self.genetic(target))
                else:
                    self.note(target.path, Message("fhir.unmapped.other-evidence",
                                                   "evidence other than genetic findings is not imported"))
            self.done(item)
        summary, notes_text = _notes(res)
        for key in ("clinicalStatus", "verificationStatus", "category", "subject"):
            res.get(key)
        for key in ("onsetDateTime", "onsetString", "onsetAge", "onsetPeriod", "onsetRange", "severity",
                    "bodySite"):
            if key in res.data:
                res.get(key)
                self.note(f"{res.path}.{key}", Message("fhir.unmapped.not-in-model",
                                                       "not part of the passport model; not kept"))
        self.done(res)
        self.diagnoses.append(Diagnosis(
            name=name, status=status, primary=c.EXT + "primary" in ext,
            codes=_our_codings(res.data.get("code")), diagnosed_on=diagnosed_on,
            diagnosed_by=diagnosed_by, summary=summary, features=tuple(features), genetics=tuple(genetics),
            notes=notes_text,
        ))

    def genetic(self, res: _Res) -> GeneticFinding:
        self.genetic_refs.add(id(res.data))
        gene = variant = inheritance = hgnc = None
        zygosity: Zygosity | None = None
        for item in res.subs("component"):
            code = {code for system, code in _codes(item.get("code")) if system == c.LOINC}
            value = item.get("valueCodeableConcept")
            text = _concept_text(value)
            if c.GENE_STUDIED[0] in code:
                gene = text
                hgnc = _hgnc_id(value)
            elif c.DNA_CHANGE[0] in code:
                variant = text
            elif c.ALLELIC_STATE[0] in code:
                zygosity = _zygosity(value)
            elif c.INHERITANCE[0] in code:
                inheritance = text
            else:
                self.note(item.path, Message("fhir.unmapped.genetic-component",
                                             "this component of a genetic finding is not kept"))
            self.done(item)
        _, notes = _notes(res)
        for key in ("status", "category", "code", "subject", "valueCodeableConcept", "effectiveDateTime"):
            res.get(key)
        _unknown_performer(res)
        self.done(res)
        return GeneticFinding(gene=gene or "(gene not given)", hgnc=hgnc, variant=variant, zygosity=zygosity,
                              inheritance=inheritance, notes=notes)

    def allergy(self, res: _Res, section_code: str) -> None:
        codes = _codes(res.get("code"))
        for key in ("clinicalStatus", "verificationStatus", "patient", "recordedDate"):
            res.get(key)
        if codes & c.ABSENT_ALLERGY_CODES or _says_no_known_allergies(res.data.get("code")):
            self.allergy_flags.add("none")
            self.done(res)
            return
        if codes & c.UNKNOWN_ALLERGY_CODES:
            self.done(res)
            return
        if codes & c.PARTIAL_NO_ALLERGY_CODES or _says_none_known(res.data.get("code")):
            self.note(res.path, Message("fhir.unmapped.no-known-allergy-of-kind",
                                        "a statement that no allergy of one kind is known is neither an allergy nor "
                                        "'no known allergies'; not imported"))
            return
        if self.status(res, "verificationStatus", c.ALLERGY_VERIFICATION) == "refuted":
            self.note(res.path, Message("fhir.unmapped.refuted-allergy", "a refuted allergy is not imported"))
            return
        if self.status(res, "clinicalStatus", c.ALLERGY_CLINICAL) in c.ALLERGY_NOT_ACTIVE:
            # Kept: avoiding a substance needlessly is safer than giving it.
            self.note(f"{res.path}.clinicalStatus", Message("fhir.unmapped.inactive-allergy",
                                                            "the allergy is recorded as inactive or resolved; "
                                                            "it is imported as an allergy, check it"))
        type_code = res.text("type")
        if type_code is None and isinstance(res.data.get("type"), Mapping):
            # FHIR R5 writes the type as a CodeableConcept.
            type_code = next((code for _, code in sorted(_codes(res.data["type"]))), None)
        kind = {"allergy": AllergyKind.ALLERGY, "intolerance": AllergyKind.INTOLERANCE}.get(type_code or "")
        categories: list[AllergyCategory] = []
        for index, item in enumerate(res.items("category")):
            category = _CATEGORIES.get(item) if isinstance(item, str) else None
            if category is None:
                self.note(f"{res.path}.category[{index}]", Message("fhir.unmapped.unknown-allergy-category",
                    "not an AllergyIntolerance category FHIR defines; not kept"))
            else:
                categories.append(category)
        criticality: Criticality | None = None
        if res.get("criticality") is not None:
            criticality = _CRITICALITIES.get(res.data["criticality"]) if isinstance(
                res.data["criticality"], str) else None
            if criticality is None:
                self.note(f"{res.path}.criticality", Message("fhir.unmapped.unknown-criticality",
                                                             "not a criticality FHIR defines; not kept"))
        # Every reaction is kept: an anaphylaxis recorded second must not disappear
        # behind a mild rash recorded first. The passport holds one severity: the worst.
        reactions: list[str] = []
        severities: list[Severity] = []
        for reaction in res.subs("reaction"):
            for manifestation in reaction.items("manifestation"):
                text = _concept_text(manifestation)
                if text and text not in reactions:
                    reactions.append(text)
            reaction_ext = self.extensions(reaction, {c.EXT + "life-threatening"})
            severity = {"mild": Severity.MILD, "moderate": Severity.MODERATE,
                        "severe": Severity.SEVERE}.get(reaction.text("severity") or "")
            if severity is Severity.SEVERE and any(
                    _extension_value(item) is True for item in reaction_ext.get(c.EXT + "life-threatening", [])):
                severity = Severity.LIFE_THREATENING
            if severity is None and reaction.data.get("severity") is not None:
                self.note(f"{reaction.path}.severity", Message("fhir.unmapped.unknown-reaction-severity",
                                                               "not a reaction severity FHIR defines; not kept"))
            if severity is not None:
                severities.append(severity)
            reaction.get("substance")
            self.done(reaction)
        severity_kept = max(severities, key=_SEVERITY_ORDER.index) if severities else None
        if len(set(severities)) > 1:
            self.note(f"{res.path}.reaction", Message("fhir.unmapped.reaction-severities",
                                                      "the reactions have different severities; every reaction is kept "
                                                      "and the most severe is the allergy's severity"))
        self.done(res)
        self.allergies.append(Allergy(
            substance=_concept_text(res.data.get("code")) or "(substance not given)",
            reaction="; ".join(reactions) or None, severity=severity_kept, kind=kind,
            codes=_our_codings(res.data.get("code")), criticality=criticality, categories=tuple(categories),
        ))

    def medication(self, res: _Res, section_code: str) -> None:
        concept = res.get("medicationCodeableConcept")
        reference = res.get("medicationReference")
        medication = res.get("medication")
        if concept is None and reference is None and isinstance(medication, Mapping):
            # FHIR R5 writes medication[x] as a CodeableReference.
            concept, reference = medication.get("concept"), medication.get("reference")
        contained_id = reference.get("reference") if isinstance(reference, Mapping) else None
        if concept is None and isinstance(contained_id, str) and contained_id.startswith("#"):
            # A Medication contained in the statement itself (common in IPS examples).
            for index, item in enumerate(res.items("contained")):
                if isinstance(item, Mapping) and item.get("id") == contained_id[1:]:
                    med = _Res(item, f"{res.path}.contained[{index}]")
                    concept = med.get("code")
                    for key in ("form", "ingredient", "status"):
                        med.get(key)
                    self.done(med)
            if concept is None and _named(reference) is not None:
                concept = {"text": _named(reference)}
                self.note(f"{res.path}.medicationReference.reference", Message(
                    "fhir.unmapped.medicine-by-display",
                    "the reference does not resolve to a contained resource; the medicine is imported by its "
                    "display name"))
            elif concept is None:
                self.note(f"{res.path}.medicationReference.reference", Message(
                    "fhir.unmapped.medicine-without-name",
                    "the reference does not resolve to a contained resource; a medicine without a name is not "
                    "imported"))
                return
        elif concept is None and _display_only(reference) is not None:
            concept = {"text": _display_only(reference)}
        elif concept is None and reference is not None:
            named = _named(reference)
            referenced = self.resolve(reference, f"{res.path}.medicationReference", instead=(
                "medicine-by-name" if named else
                "unnamed-medicine-not-imported"))
            if referenced is None and named is None:
                return
            if referenced is None:
                concept = {"text": named}
            else:
                concept = referenced.get("code")
                for key in ("form", "ingredient", "status"):
                    referenced.get(key)
                self.done(referenced)
        codes = _codes(concept)
        for key in ("status", "subject", "intent", "authoredOn", "requester", "_effectiveDateTime",
                    "informationSource", "dateAsserted"):
            res.get(key)
        if codes & (c.ABSENT_MEDICATION_CODES | c.UNKNOWN_MEDICATION_CODES):
            # The date a "no medicines" statement was made has no place in the passport.
            res.get("effectiveDateTime")
            res.get("effectivePeriod")
        if codes & c.ABSENT_MEDICATION_CODES:
            self.medication_flags.add("none")
            self.done(res)
            return
        if codes & c.UNKNOWN_MEDICATION_CODES:
            self.done(res)
            return
        if _NO_KNOWN_MEDICATIONS.match(_concept_text(concept) or "") and not _our_codings(concept):
            # "No known current medications" written as text: the list's status, not a medicine.
            self.medication_flags.add("none")
            self.note(res.path, Message("fhir.unmapped.no-medicines-in-words",
                                        "a statement in words that no medicines are known is read as "
                                        "'no medicines', not as a medicine"))
            return
        if _says_none_known(concept):
            self.note(res.path, Message("fhir.unmapped.no-known-medicine-of-kind",
                                        "a statement that no medicine of some kind is known is not a medicine; "
                                        "not imported"))
            return
        if not self.is_current(res):
            return
        ext = self.extensions(res, {c.EXT + "time-critical"})
        started_on = None
        period = res.get("effectivePeriod")
        if isinstance(period, Mapping):
            started_on = _partial(period.get("start"))
        elif res.get("effectiveDateTime") is not None:
            started_on = _partial(res.data.get("effectiveDateTime"))
        reason = "; ".join(filter(None, (_concept_text(r) for r in res.items("reasonCode")))) or None
        _, notes = _notes(res)
        dose = route = frequency = None
        as_needed = False
        dosage_key = "dosageInstruction" if "dosageInstruction" in res.data else "dosage"
        for index, dosage in enumerate(res.subs(dosage_key)):
            if index > 0:
                self.note(dosage.path, Message("fhir.unmapped.first-dosage", "only the first dosage is kept"))
                continue
            dose = dosage.text("text")
            route = _concept_text(dosage.get("route"))
            as_needed = dosage.get("asNeededBoolean") is True
            if dosage.get("asNeededCodeableConcept") is not None:
                # "As needed for pain": as needed, and the condition is the reason.
                as_needed = True
                reason = reason or _concept_text(dosage.data["asNeededCodeableConcept"])
            timing = dosage.sub("timing")
            if timing is not None:
                frequency = _concept_text(timing.get("code"))
                if frequency is None and timing.get("repeat") is not None:
                    frequency = _repeat_text(timing.data["repeat"])
                    if frequency is None:
                        timing.used.discard("repeat")
                self.done(timing, Message("fhir.unmapped.structured-timing",
                                          "structured timing is not kept; the passport keeps the frequency as text"))
            # The dose as the sender structured it travels beside its text, never instead
            # of it: "1 tablet" next to "Take as directed" is part of the instruction.
            structured = []
            for dose_and_rate in dosage.subs("doseAndRate"):
                quantity = _dose_text(dose_and_rate.data)
                if quantity is not None:
                    structured.append(quantity)
                elif "doseQuantity" in dose_and_rate.data or "doseRange" in dose_and_rate.data:
                    # Never a made-up dose (true read as 1): say it was left out.
                    self.note(dose_and_rate.path, Message("fhir.unmapped.dose-not-quantity",
                                                          "a dose that is not a number with a unit is not kept"))
                for key in ("doseQuantity", "doseRange", "type"):
                    dose_and_rate.get(key)
                self.done(dose_and_rate, Message("fhir.unmapped.rate",
                                                 "a rate is not kept; the passport keeps the dose"))
            structured_text = "; ".join(structured) or None
            if dose is None:
                dose = structured_text
            elif structured_text and _squashed(structured_text) not in _squashed(dose):
                dose = f"{dose} ({structured_text})"
            dosage.get("sequence")
            self.done(dosage)
        self.done(res)
        self.medications.append(Medication(
            name=_concept_text(concept) or "(medicine not named)", dose=dose, route=route, frequency=frequency,
            reason=reason, as_needed=as_needed, time_critical=c.EXT + "time-critical" in ext,
            started_on=started_on, notes=notes, codes=_our_codings(concept),
        ))

    def device(self, res: _Res, section_code: str) -> None:
        if not self.is_current(res):
            return
        name = purpose = details = None
        if _display_only(res.data.get("device")) is not None:
            name = _display_only(res.get("device"))
        elif res.get("device") is not None:
            named = _named(res.data.get("device"))
            device = self.resolve(res.get("device"), f"{res.path}.device", instead=(
                "device-by-name" if named else "unnamed-device-not-imported"))
            if device is None and named is None:
                return
            if device is None:
                name = named
            else:
                for item in device.items("deviceName"):
                    if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                        name = name or item["name"]
                name = name or _concept_text(device.get("type"))
                if _codes(device.data.get("type")) & c.NO_KNOWN_DEVICES \
                        or _says_none_known(device.data.get("type")):
                    self.note(res.path, Message("fhir.unmapped.no-known-devices",
                                                "a statement that no devices are known is not a device; not imported"))
                    return
                _, details = _notes(device)
                for key in ("patient", "status", "type"):
                    device.get(key)
                self.done(device)
        purpose = "; ".join(filter(None, (_concept_text(r) for r in res.items("reasonCode")))) or None
        since = _partial(res.get("timingDateTime"))
        _, notes = _notes(res)
        for key in ("status", "subject"):
            res.get(key)
        self.done(res)
        self.devices.append(Device(name=name or "(device not named)", purpose=purpose, details=details,
                                   since=since, notes=notes))

    def procedure(self, res: _Res, section_code: str) -> None:
        if not self.is_current(res):
            return
        if _codes(res.data.get("code")) & c.NO_KNOWN_PROCEDURES or _says_none_known(res.data.get("code")):
            self.note(res.path, Message("fhir.unmapped.no-known-procedures",
                                        "a statement that no procedures are known is not a procedure; not imported"))
            return
        date = _partial(res.get("performedDateTime"))
        if date is None and "performedPeriod" in res.data:
            period = res.get("performedPeriod")
            date = _partial(period.get("start")) if isinstance(period, Mapping) else None
        if date is None and "performedString" in res.data:
            # A date written as text ("2019-05") is read when it starts with one.
            date = _partial(res.get("performedString"))
            if date is None and not _marked_absent(res.data, "performedString"):
                self.note(f"{res.path}.performedString", Message("fhir.unmapped.procedure-date-text",
                                                                 "a procedure date given as free text is not kept"))
        for key in ("performedAge", "performedRange"):
            if key in res.data:
                res.get(key)
                self.note(f"{res.path}.{key}", Message("fhir.unmapped.procedure-date-age",
                                                       "a procedure date given as an age or range is not kept"))
        _, notes = _notes(res)
        name = _concept_text(res.get("code"))
        for key in ("status", "subject"):
            res.get(key)
        self.done(res)
        self.procedures.append(Procedure(name=name or "(procedure not named)", date=date, notes=notes))

    def immunization(self, res: _Res, section_code: str) -> None:
        if not self.is_current(res):
            return
        if _codes(res.data.get("vaccineCode")) & c.NO_KNOWN_IMMUNIZATIONS \
                or _says_none_known(res.data.get("vaccineCode")):
            self.note(res.path, Message("fhir.unmapped.no-known-vaccinations",
                "a statement that no vaccinations are known is not a vaccination; not imported"))
            return
        date = _partial(res.get("occurrenceDateTime"))
        if date is None and res.data.get("occurrenceString") is not None:
            # A date written as text ("2019-05") is read when it starts with one.
            date = _partial(res.get("occurrenceString"))
            if date is None and not _marked_absent(res.data, "occurrenceString"):
                self.note(f"{res.path}.occurrenceString", Message("fhir.unmapped.vaccination-date-text",
                                                                  "a vaccination date given as free text is not kept"))
        name = _concept_text(res.get("vaccineCode"))
        for key in ("status", "patient", "primarySource"):
            res.get(key)
        self.done(res)
        self.immunisations.append(Immunisation(name=name or "(vaccine not named)", date=date))

    def observation(self, res: _Res, section_code: str) -> None:
        if id(res.data) in self.genetic_refs:
            return
        codes = _codes(res.get("code"))
        for key in ("status", "subject", "category", "effectiveDateTime"):
            res.get(key)
        _unknown_performer(res)
        if (c.LOINC, c.BODY_WEIGHT[0]) in codes:
            quantity = res.get("valueQuantity")
            kg = _number(quantity.get("value")) if isinstance(quantity, Mapping) else None
            if isinstance(quantity, Mapping) and kg is None:
                # A weight of true, "12" or {} would be a made-up dose basis: never coerced.
                self.note(f"{res.path}.valueQuantity.value", Message("fhir.unmapped.weight-not-number",
                                                                     "a weight that is not a number is not kept"))
            elif kg is not None and isinstance(quantity, Mapping) \
                    and quantity.get("code", quantity.get("unit")) in ("kg", None):
                self.weight = Weight(kg=kg, measured_on=_full_date(res.data.get("effectiveDateTime")))
            else:
                self.note(f"{res.path}.valueQuantity", Message("fhir.unmapped.weight-not-kg",
                                                               "a weight not given in kg is not kept"))
        elif (c.LOINC, c.BLOOD_GROUP[0]) in codes:
            self.blood_group = res.text("valueString") or _concept_text(res.get("valueCodeableConcept"))
        elif (c.LOINC, c.GENETIC_VARIANT[0]) in codes:
            self.note(res.path, Message("fhir.unmapped.uncited-genetic-finding",
                                        "a genetic finding not cited by a condition is not imported"))
            return
        elif any(system == c.CARE_PREFERENCE for system, _ in codes):
            field = next(code for system, code in codes if system == c.CARE_PREFERENCE)
            value = res.text("valueString")
            if field in _PREFERENCE_FIELDS and value:
                self.preferences.setdefault(field, []).append(value)
            else:
                self.note(res.path, Message("fhir.unmapped.unknown-care-preference",
                                            "an unknown care preference is not kept"))
        elif any(system == c.ADDITIONAL_SECTION for system, _ in codes):
            title = res.data["code"].get("text") if isinstance(res.data.get("code"), Mapping) else None
            value = res.text("valueString")
            if title and value:
                self.additional.append(AdditionalSection(title=title, text=value))
        else:
            self.note(res.path, Message("fhir.unmapped.observation", "this observation has no place in the passport"))
            return
        self.done(res)


_CATEGORIES = {category.value: category for category in AllergyCategory}
_CRITICALITIES = {criticality.value: criticality for criticality in Criticality}
_NO_KNOWN_MEDICATIONS = re.compile(
    r"^\s*(?:no|nil)\s+known\s+(?:current\s+)?(?:medications?|medicines?|drugs)\s*\.?\s*$", re.IGNORECASE)
_SEVERITY_ORDER = [Severity.MILD, Severity.MODERATE, Severity.SEVERE, Severity.LIFE_THREATENING]
# "No known drug allergy" rules out one kind only (see PARTIAL_NO_ALLERGY_CODES).
_NO_KNOWN_ALLERGIES = re.compile(r"^\s*(?:no|nil)\s+known\s+allerg(?:y|ies)\s*\.?\s*$", re.IGNORECASE)


def _says_no_known_allergies(concept: Any) -> bool:
    """Whether an allergy's words say "No known allergies" (of any kind), as text only."""
    text = _concept_text(concept)
    return text is not None and _NO_KNOWN_ALLERGIES.match(text) is not None


def _squashed(text: str) -> str:
    return " ".join(text.lower().split())


def _unknown_performer(res: _Res) -> None:
    """Read a ``performer`` that only says it is unknown (as the IPS Results profile asks
    our exports to): it carries nothing, so nothing is lost. Any other performer is
    left to be reported: the passport has no place for who did a test."""
    performers = res.data.get("performer")
    if isinstance(performers, list) and performers and all(
            isinstance(item, Mapping) and set(item) == {"extension"}
            and all(isinstance(e, Mapping) and e.get("url") == c.DAR_URL for e in item["extension"])
            for item in performers):
        res.get("performer")


def _hgnc_id(concept: Any) -> str | None:
    """The HGNC id of a gene-studied value as written (``HGNC:10585``; a bare number, as
    some systems write it, is given its prefix), or None. A malformed one is kept as
    written, for validation to report, never dropped or guessed at."""
    for coding in _as_list(concept.get("coding")) if isinstance(concept, Mapping) else ():
        code = coding.get("code") if isinstance(coding, Mapping) else None
        if str(coding.get("system", "")).rstrip("/") == c.HGNC and isinstance(code, str) and code.strip():
            value = code.strip()
            return f"HGNC:{value}" if value.isdigit() else value
    return None
