"""The label catalogue: every word rarepassport itself puts on a page.

There is one catalogue, keyed by *label id*:

* ``section.<id>``: section titles (``section.emergency``, ``section.medications``);
* ``Class.field``: field labels (``Medication.time_critical``, ``Person.date_of_birth``);
* ``enum.<EnumClass>.<value>``: enum words (``enum.Severity.life-threatening``);
* ``phrase.<name>``: fixed phrases, some with ``{placeholders}``
  (``phrase.page_of`` is ``"Page {page} of {pages}"``);
* ``month.<1-12>``: month names, used to write dates unambiguously.

English is the reference catalogue ([`ENGLISH`][rarepassport.labels], below). Spanish and French
have one source each, `rarepassport._labels_es` and `rarepassport._labels_fr`,
with exactly the same ids and ``{placeholders}`` (machine-assisted, not yet reviewed by
a native speaker or a clinician). All three are registered by the built-in plugin
`rarepassport.builtins.backends` through the ``rarepassport_register_labels`` hook,
the same way a plugin adds a language or rewords a label; layout looks labels up
through [`rarepassport.layouts.LayoutContext`][rarepassport.LayoutContext] and never holds words of its own.
A label missing in a language falls back to its base language (``pt`` for ``pt-BR``),
then English; [`missing`][rarepassport.labels.missing] lists what a language still lacks.

Backends get the fixed phrases they print (page numbers, "More in the full
passport", ...) from [`rarepassport.document.Document.phrases`][rarepassport.Document], which layout fills
with every ``phrase.*`` label in the document's language. A backend therefore never
imports this module and never hard-codes a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rarepassport.registries import LabelRegistry

__all__ = [
    "BUILT_IN_LANGUAGES",
    "ENGLISH",
    "PHRASE_PREFIX",
    "built_in_catalogue",
    "humanise",
    "lookup",
    "missing",
    "phrases",
]

#: Languages whose catalogue ships with rarepassport (plugins can add more).
BUILT_IN_LANGUAGES: tuple[str, ...] = ("en", "es", "fr")

#: Prefix of the fixed phrases that layout copies into every Document.
PHRASE_PREFIX = "phrase."

#: The English catalogue. Plugins override or translate entries through
#: ``rarepassport_register_labels``; nothing else in rarepassport holds English words.
ENGLISH: Mapping[str, str] = {
    # --- section titles ---------------------------------------------------------
    "section.emergency": "In an emergency",
    "section.protocols": "Emergency protocols",
    "section.guidance": "General emergency guidance",
    "section.avoid": "Things to avoid",
    "section.red_flags": "Red flags: get urgent help",
    "section.allergies": "Allergies",
    "section.time_critical_medicines": "Time-critical medicines",
    "section.advance_decisions": "Advance decisions and care plans",
    "section.person": "About me",
    "section.diagnoses": "Diagnoses",
    "section.medications": "Medicines",
    "section.devices": "Devices and implants",
    "section.anaesthesia": "Anaesthesia",
    "section.previous_emergencies": "Previous emergencies",
    "section.contacts": "Contacts",
    "section.care_team": "Care team",
    "section.care_preferences": "How I like to be cared for",
    "section.history": "History",
    "section.links": "Links",
    "section.review": "About this passport",
    # --- fixed phrases ----------------------------------------------------------
    "phrase.title.full": "Rare disease passport: {name}",
    "phrase.title.emergency": "Emergency information: {name}",
    "phrase.title.education": "Passport for school and college: {name}",
    "phrase.title.social": "Passport for family and carers: {name}",
    "phrase.date_of_birth": "Date of birth",
    "phrase.page_of": "Page {page} of {pages}",
    "phrase.more_in_full": "More in the full passport",
    "phrase.updated_on": "Updated on {date}",
    "phrase.reviewed_by": "Reviewed by {name} on {date}",
    "phrase.read_first": "Read this first",
    "phrase.decimal_mark": ".",
    "phrase.card_back_title": "In an emergency",
    "phrase.card_no_emergency_details": "No emergency details are recorded: see the full passport.",
    "phrase.please_note": "Please note",
    "phrase.contents": "Contents",
    "phrase.yes": "Yes",
    "phrase.no": "No",
    "phrase.none": "None",
    "phrase.lead": "lead clinician",
    "phrase.primary": "main condition",
    "phrase.as_needed": "when needed",
    "phrase.no_known_allergies": "No known allergies",
    "phrase.allergies_not_recorded": "Allergies not recorded",
    "phrase.no_medicines": "Takes no regular medicines",
    "phrase.medicines_not_recorded": "Medicines not recorded",
    "phrase.time_critical_note": "Give on time: these must not be missed or delayed.",
    "phrase.life_threatening_allergy": "Life-threatening allergy: {substance}",
    "phrase.see_time_critical": "Time-critical medicines are listed above.",
    "phrase.guidance_note": (
        "General guidance for everyone with the condition, from a published source. "
        "It does not replace the person's own protocol above."
    ),
    "phrase.guidance_title": "General guidance: {title}",
    "phrase.guidance_source": "Source: {source}, {date}",
    "phrase.guidance_from_plugin": "Added by plugin {plugin}",
    # --- guidance that knows whom it is for (issue 8) ---------------------
    "phrase.guidance_note_no_protocol": (
        "General guidance for everyone with the condition, from a published source. "
        "It is not the person's own protocol: none is recorded."
    ),
    "phrase.no_own_protocol": "No personal emergency protocol recorded: ask the specialist team.",
    "phrase.guidance_version": "version {version}",
    "phrase.guidance_for.adult": "for adults",
    "phrase.guidance_for.child": "for children",
    "phrase.guidance_for.all": "for adults and children",
    "phrase.guidance_where": "{population} ({jurisdiction})",
    "phrase.guidance_checked": "last checked {date}",
    "phrase.guidance_not_checked": "no record of when it was last checked against the source",
    "phrase.guidance_reviewed": "reviewed by {name} on {date}",
    "phrase.guidance_reviewed_undated": "reviewed by {name}",
    "phrase.guidance_not_reviewed": "not reviewed by a clinician",
    "phrase.guidance_withheld.adult": (
        "General guidance for adults ({title}) is not shown: this passport is for a child. "
        "Follow the person's own protocol or ask their specialist team."
    ),
    "phrase.guidance_withheld.child": (
        "General guidance for children ({title}) is not shown: this passport is for an adult. "
        "Follow the person's own protocol or ask their specialist team."
    ),
    "phrase.plugins_used": "Condition plugins that added to this passport",
    "phrase.plugin_version": "{plugin} {version}",
    "phrase.plugin_version_unknown": "{plugin} (version not known)",
    "phrase.review_overdue": (
        "This passport was due for review on {date}. Check the details with the person or their care team."
    ),
    "phrase.review_overdue_title": "Review overdue",
    "phrase.validation_errors": (
        "This passport failed validation with {count} error(s): it may be wrong or incomplete. "
        "Check these fields with the person or their care team before relying on them: {issues}."
    ),
    "phrase.validation_warnings": "Validation found {count} thing(s) to check: {issues}.",
    "phrase.validation_issue": "{path} ({code})",
    "phrase.validation_more": "and {count} more",
    "phrase.weight_measured": "{kg} kg (measured {date})",
    "phrase.weight": "{kg} kg",
    "phrase.approved": "Approved by {name} on {date}",
    "phrase.approved_by": "Approved by {name}",
    "phrase.approved_on": "Approved on {date}",
    # --- emergency essentials (card, QR code, lock screen) -------------------------
    "phrase.essentials.more": "+{count} more — see passport",
    "phrase.essentials.more_steps": "+{count} more steps — see passport",
    "phrase.essentials.continued": "(continued in the passport)",
    "phrase.essentials.no_diagnosis": "No diagnosis recorded",
    "phrase.essentials.undiagnosed": "Undiagnosed condition: {name}",
    "phrase.essentials.with_status": "{name} ({status})",
    "phrase.essentials.open_access": "Open access: {place}",
    "phrase.essentials.specialist": "Specialist team",
    "phrase.essentials.call": "Emergency contact",
    "phrase.essentials.also_in_full": "Also in the full passport: {sections}",
    "phrase.essentials.invalid": "Not valid: {count} error(s) found — check against the full passport",
    "phrase.essentials.summary_continued": "{title} (continued)",
    "phrase.essentials.review_due": "Review due {date}",
    "phrase.essentials.overdue": "Review overdue since {date}: check details with the care team",
    "phrase.scan_for_more": "Scan for the full passport",
    "phrase.scan_for_emergency": "Scan for emergency details",
    "phrase.card_sheet_help": "Cut along the marks, fold on the dotted line, then laminate or put in a card holder.",
    "phrase.made_with": "Made with rarepassport",
    "phrase.missing_glyphs_note": (
        "{marker} marks a character that could not be printed "
        "(no font has it): see the digital passport or ask the person"
    ),
    "phrase.view_note.emergency": "Emergency view: some details are left out.",
    "phrase.view_note.education": "For school and college: some details are left out.",
    "phrase.view_note.social": "For family and carers: some details are left out.",
    "phrase.lockscreen.heading": "Emergency medical information",
    "phrase.date.day": "{day} {month} {year}",
    "phrase.date.month": "{month} {year}",
    "phrase.date.year": "{year}",
    "phrase.identifier.nhs-number": "NHS number",
    "phrase.identifier.chi-number": "CHI number",
    "phrase.plugin_failed": (
        "Plugin {plugin} failed in hook {hook} ({error}); the passport's own content is complete."
    ),
    "phrase.bad_label": "Label {id} in language {language} could not be filled in; English was used.",
    "phrase.unknown_extension": "Extension section {id} has no plugin installed and is not shown.",
    # --- months -------------------------------------------------------------
    "month.1": "January",
    "month.2": "February",
    "month.3": "March",
    "month.4": "April",
    "month.5": "May",
    "month.6": "June",
    "month.7": "July",
    "month.8": "August",
    "month.9": "September",
    "month.10": "October",
    "month.11": "November",
    "month.12": "December",
    # --- enum words ---------------------------------------------------------
    "enum.View.full": "Full",
    "enum.View.emergency": "Emergency",
    "enum.View.education": "Education",
    "enum.View.social": "Social",
    "enum.Sex.female": "Female",
    "enum.Sex.male": "Male",
    "enum.Sex.intersex": "Intersex",
    "enum.Sex.other": "Other",
    "enum.Sex.unknown": "Unknown",
    "enum.DiagnosisStatus.confirmed": "Confirmed",
    "enum.DiagnosisStatus.suspected": "Suspected",
    "enum.DiagnosisStatus.provisional": "Provisional",
    "enum.DiagnosisStatus.undiagnosed": "Undiagnosed (syndrome without a name)",
    "enum.MedicationsStatus.listed": "Listed",
    "enum.MedicationsStatus.none": "None",
    "enum.MedicationsStatus.unknown": "Not recorded",
    "enum.AllergiesStatus.listed": "Listed",
    "enum.AllergiesStatus.none-known": "No known allergies",
    "enum.AllergiesStatus.unknown": "Not recorded",
    "enum.Severity.mild": "Mild",
    "enum.Severity.moderate": "Moderate",
    "enum.Severity.severe": "Severe",
    "enum.Severity.life-threatening": "Life-threatening",
    "enum.AllergyKind.allergy": "Allergy",
    "enum.AllergyKind.intolerance": "Intolerance",
    "enum.ContactRole.emergency": "Emergency contact",
    "enum.ContactRole.parent": "Parent",
    "enum.ContactRole.carer": "Carer",
    "enum.ContactRole.next-of-kin": "Next of kin",
    "enum.ContactRole.other": "Other",
    "enum.LinkKind.record": "Record",
    "enum.LinkKind.guideline": "Guideline",
    "enum.LinkKind.patient-group": "Patient group",
    "enum.LinkKind.information": "Information",
    "enum.LinkKind.other": "Other",
    "enum.Zygosity.heterozygous": "Heterozygous",
    "enum.Zygosity.homozygous": "Homozygous",
    "enum.Zygosity.hemizygous": "Hemizygous",
    "enum.Zygosity.compound-heterozygous": "Compound heterozygous",
    "enum.Zygosity.mosaic": "Mosaic",
    "enum.Zygosity.unknown": "Unknown",
    # --- fields -------------------------------------------------------------
    "AdditionalSection.title": "Title",
    "AdditionalSection.text": "Text",
    "Admission.reason": "Reason",
    "Admission.date": "Date",
    "Admission.hospital": "Hospital",
    "Admission.notes": "Notes",
    "AdvanceDecision.kind": "Kind",
    "AdvanceDecision.summary": "What it says",
    "AdvanceDecision.where_held": "Where it is kept",
    "Allergy.substance": "Substance",
    "Allergy.reaction": "Reaction",
    "Allergy.severity": "Severity",
    "Allergy.kind": "Kind",
    "Allergy.codes": "Codes",
    "Avoid.what": "Avoid",
    "Avoid.reason": "Why",
    "CarePreferences.communication": "Communication",
    "CarePreferences.communication_aids": "Communication aids",
    "CarePreferences.mobility": "Mobility",
    "CarePreferences.sensory": "Sight, hearing and senses",
    "CarePreferences.eating_and_drinking": "Eating and drinking",
    "CarePreferences.personal_care": "Personal care",
    "CarePreferences.pain": "How I show pain",
    "CarePreferences.distress": "Distress, and what helps",
    "CarePreferences.sleep": "Sleep",
    "CarePreferences.decisions": "Decisions and consent",
    "CarePreferences.reasonable_adjustments": "Reasonable adjustments",
    "CarePreferences.important_to_me": "What is important to me",
    "CarePreferences.likes": "Likes",
    "CarePreferences.dislikes": "Dislikes",
    "CarePreferences.other": "Anything else",
    "CareTeamMember.name": "Name",
    "CareTeamMember.role": "Role",
    "CareTeamMember.speciality": "Speciality",
    "CareTeamMember.organisation": "Organisation",
    "CareTeamMember.phone": "Phone",
    "CareTeamMember.email": "Email",
    "CareTeamMember.address": "Address",
    "CareTeamMember.lead": "Lead clinician",
    "CareTeamMember.expert_in": "Expert in",
    "CareTeamMember.notes": "Notes",
    "Coding.system": "System",
    "Coding.code": "Code",
    "Coding.display": "Meaning",
    "CompletedBy.name": "Completed by",
    "CompletedBy.relationship": "Relationship",
    "Contact.name": "Name",
    "Contact.relationship": "Relationship",
    "Contact.role": "Role",
    "Contact.phone": "Phone",
    "Contact.email": "Email",
    "Contact.address": "Address",
    "Contact.notes": "Notes",
    "Device.name": "Device",
    "Device.purpose": "Purpose",
    "Device.details": "Details",
    "Device.since": "Since",
    "Device.notes": "Notes",
    "Diagnosis.name": "Condition",
    "Diagnosis.status": "Status",
    "Diagnosis.primary": "Main condition",
    "Diagnosis.codes": "Codes",
    "Diagnosis.diagnosed_on": "Diagnosed",
    "Diagnosis.diagnosed_by": "Diagnosed by",
    "Diagnosis.summary": "About the condition",
    "Diagnosis.features": "Features",
    "Diagnosis.genetics": "Genetics",
    "Diagnosis.notes": "Notes",
    "Diagnosis.links": "Links",
    "Emergency.summary": "Read this first",
    "Emergency.protocols": "Protocols",
    "Emergency.avoid": "Things to avoid",
    "Emergency.red_flags": "Red flags",
    "Emergency.previous": "Previous emergencies",
    "Emergency.anaesthesia": "Anaesthesia",
    "Emergency.open_access": "Open access",
    "Emergency.advance_decisions": "Advance decisions",
    "Feature.name": "Feature",
    "Feature.hpo": "HPO term",
    "Feature.notes": "Notes",
    "GeneticFinding.gene": "Gene",
    "GeneticFinding.variant": "Variant",
    "GeneticFinding.zygosity": "Zygosity",
    "GeneticFinding.inheritance": "Inheritance",
    "GeneticFinding.notes": "Notes",
    "History.procedures": "Procedures and operations",
    "History.admissions": "Hospital admissions",
    "History.immunisations": "Immunisations",
    "Identifier.system": "System",
    "Identifier.value": "Identifier",
    "Immunisation.name": "Vaccine",
    "Immunisation.date": "Date",
    "Link.url": "Web address",
    "Link.title": "Title",
    "Link.kind": "Kind",
    "Medication.name": "Medicine",
    "Medication.dose": "Dose",
    "Medication.route": "Route",
    "Medication.frequency": "How often",
    "Medication.reason": "What for",
    "Medication.as_needed": "When needed",
    "Medication.time_critical": "Time-critical",
    "Medication.started_on": "Started",
    "Medication.notes": "Notes",
    "Medication.codes": "Codes",
    "OpenAccess.hospital": "Open access hospital",
    "OpenAccess.ward": "Ward",
    "OpenAccess.phone": "Ward phone",
    "OpenAccess.notes": "Open access notes",
    "Passport.diagnoses": "Diagnoses",
    "Passport.medications": "Medicines",
    "Passport.medications_status": "Medicines",
    "Passport.allergies": "Allergies",
    "Passport.allergies_status": "Allergies",
    "Person.name": "Name",
    "Person.preferred_name": "Likes to be called",
    "Person.date_of_birth": "Date of birth",
    "Person.sex": "Sex",
    "Person.pronouns": "Pronouns",
    "Person.identifiers": "Identifiers",
    "Person.address": "Address",
    "Person.phone": "Phone",
    "Person.email": "Email",
    "Person.languages": "Languages",
    "Person.interpreter_needed": "Interpreter needed",
    "Person.weight": "Weight",
    "Person.blood_group": "Blood group",
    "Person.photo": "Photo",
    "PreviousEmergency.reason": "What happened",
    "PreviousEmergency.date": "When",
    "PreviousEmergency.treatment": "Treatment",
    "PreviousEmergency.outcome": "Outcome",
    "Procedure.name": "Procedure",
    "Procedure.date": "Date",
    "Procedure.notes": "Notes",
    "Protocol.title": "Protocol",
    "Protocol.when": "When to use it",
    "Protocol.steps": "Steps",
    "Protocol.source": "Source",
    "Protocol.approved_by": "Approved by",
    "Protocol.approved_on": "Approved on",
    "Review.completed_by": "Completed by",
    "Review.created_on": "First written",
    "Review.updated_on": "Last updated",
    "Review.reviewed_by": "Reviewed by",
    "Review.next_review_due": "Next review due",
    "ReviewedBy.name": "Reviewed by",
    "ReviewedBy.role": "Role",
    "ReviewedBy.organisation": "Organisation",
    "ReviewedBy.date": "Reviewed on",
    "Weight.kg": "Weight (kg)",
    "Weight.measured_on": "Measured on",
    # --- issue 11: FHIR import keeps criticality and category --------------------------
    "Allergy.criticality": "Risk of a serious reaction",
    "Allergy.categories": "Type of substance",
    "enum.Criticality.low": "Low",
    "enum.Criticality.high": "High",
    "enum.Criticality.unable-to-assess": "Not assessed",
    "enum.AllergyCategory.food": "Food",
    "enum.AllergyCategory.medication": "Medicine",
    "enum.AllergyCategory.environment": "Environment",
    "enum.AllergyCategory.biologic": "Biological product",
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def humanise(label_id: str) -> str:
    """A readable stand-in for a label missing from the catalogue.

    Plugin fields without a catalogue entry still get a sensible label, e.g.
    ``FabryDetails.enzyme_therapy`` becomes ``Enzyme therapy``.

    Args:
        label_id: Any label id.

    Returns:
        The last part of the id, with ``_`` and ``-`` as spaces and the first
        letter capitalised.
    """
    last = label_id.rsplit(".", 1)[-1]
    words = _CAMEL.sub(" ", last).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:].lower() if words else label_id


def lookup(label_id: str, language: str, registry: LabelRegistry | None = None) -> str:
    """The text of a label in a language.

    Looks in the plugin manager's label registry (which has the built-in English
    labels plus every plugin's additions and translations), falling back to the
    base language, then English, then [`humanise`][rarepassport.labels.humanise].

    Args:
        label_id: The label's id, e.g. ``Medication.dose``.
        language: A BCP 47 tag such as ``en`` or ``pt-BR``.
        registry: The registry of a plugin manager, or ``None`` for English only.

    Returns:
        The label text (never empty unless the catalogue says so on purpose).
    """
    if registry is not None:
        text = registry.get(label_id, language)
        if text is not None:
            return text
    text = ENGLISH.get(label_id)
    return text if text is not None else humanise(label_id)


def phrases(language: str, registry: LabelRegistry | None = None) -> dict[str, str]:
    """Every fixed phrase (``phrase.*``) in a language, for [`Document.phrases`][rarepassport.Document].

    Args:
        language: A BCP 47 tag.
        registry: The registry of a plugin manager, or ``None`` for English only.

    Returns:
        A dict from phrase id (with its ``phrase.`` prefix) to text.
    """
    ids = {label_id for label_id in ENGLISH if label_id.startswith(PHRASE_PREFIX)}
    if registry is not None:
        # A plugin may add phrases of its own for its backend; include them too.
        for lang in {language, language.split("-")[0], "en"}:
            ids.update(k for k in registry.ids(lang) if k.startswith(PHRASE_PREFIX))
    return {label_id: lookup(label_id, language, registry) for label_id in sorted(ids)}


def built_in_catalogue(language: str) -> Mapping[str, str]:
    """The catalogue rarepassport ships for one of [`BUILT_IN_LANGUAGES`][rarepassport.labels].

    The Spanish and French catalogues are imported only when asked for, so
    ``import rarepassport`` stays light.

    Args:
        language: ``en``, ``es`` or ``fr``.

    Returns:
        The catalogue, keyed by label id.

    Raises:
        KeyError: For a language rarepassport has no catalogue of.
    """
    if language == "en":
        return ENGLISH
    if language == "es":
        from rarepassport._labels_es import SPANISH

        return SPANISH
    if language == "fr":
        from rarepassport._labels_fr import FRENCH

        return FRENCH
    raise KeyError(language)


def missing(language: str, registry: LabelRegistry | None = None) -> list[str]:
    """The label ids English has that ``language`` would show in English.

    A check for translators and plugin authors: every id listed here falls back to
    English when rendering in ``language``. Ids a plugin registered in English are
    included, so a condition plugin's labels are checked too.

    Args:
        language: A BCP 47 tag; its base language counts (``es-MX`` uses ``es``).
        registry: The registry of a plugin manager, or ``None`` for the built-in
            catalogues only.

    Returns:
        The missing ids, sorted.
    """
    base = language.split("-")[0]
    if registry is None:
        have = set(built_in_catalogue(base)) if base in BUILT_IN_LANGUAGES else set()
        wanted = set(ENGLISH)
    else:
        have = registry.ids(language) | registry.ids(base)
        wanted = set(ENGLISH) | registry.ids("en")
    return [] if base == "en" else sorted(wanted - have)
