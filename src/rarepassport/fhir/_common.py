"""Constants shared by the IPS export and import: code systems, section codes, URLs.

One table per decision, read in both directions, so that what export writes, import
reads back.
"""

from __future__ import annotations

import re
from typing import Any

from rarepassport.model import Attestation, DiagnosisStatus, Sex, Zygosity

#: Base of the extensions, code systems and identifiers rarepassport defines.
BASE = "https://rarepassport.readthedocs.io/fhir"
EXT = f"{BASE}/StructureDefinition/"
CS = f"{BASE}/CodeSystem/"
#: System of ``Composition.identifier`` carrying the passport's ``id``.
PASSPORT_ID_SYSTEM = f"{BASE}/passport-id"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
DAR_URL = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
EMPTY_REASON_SYSTEM = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
INTERPRETER_URL = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
PRONOUNS_URL = "http://hl7.org/fhir/StructureDefinition/individual-pronouns"
ASSERTED_DATE_URL = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
VERIFICATION_SIGNATURE = "1.2.840.10065.1.12.1.5"
JOSE = "application/jose"
V2_0131 = "http://terminology.hl7.org/CodeSystem/v2-0131"
V3_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"

#: Our short code-system names and their canonical FHIR URIs (HL7 Terminology, THO).
SYSTEM_URIS: dict[str, str] = {
    "ORPHA": "http://www.orpha.net",
    "OMIM": "https://omim.org",
    "HPO": "http://human-phenotype-ontology.org",
    "ICD-10": "http://hl7.org/fhir/sid/icd-10",
    "ICD-11": "http://id.who.int/icd/release/11/mms",
    "SNOMED-CT": SNOMED,
    "LOINC": LOINC,
    "ATC": "http://www.whocc.no/atc",
    "dm+d": "https://dmd.nhs.uk",
    "RxNorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
}

#: URIs other systems use for the same code systems, read on import.
SYSTEM_ALIASES: dict[str, str] = {
    **{uri: name for name, uri in SYSTEM_URIS.items()},
    "http://www.orpha.net/": "ORPHA",
    "https://www.orpha.net": "ORPHA",
    "http://www.omim.org": "OMIM",
    "https://www.omim.org": "OMIM",
    "http://omim.org": "OMIM",
    "http://purl.obolibrary.org/obo/hp.owl": "HPO",
    "http://purl.obolibrary.org/obo/hp": "HPO",
    "https://hpo.jax.org": "HPO",
    "https://snomed.info/sct": "SNOMED-CT",
    "http://www.snomed.org/": "SNOMED-CT",
    "https://loinc.org": "LOINC",
    "http://www.whocc.no/atc/": "ATC",
    "https://www.whocc.no/atc": "ATC",
    "http://id.who.int/icd/release/11": "ICD-11",
    "http://id.who.int/icd11/mms": "ICD-11",
}

#: Systems whose FHIR codes are written without our ``PREFIX:`` (``ORPHA:558`` → ``558``).
PREFIXED_SYSTEMS = {"ORPHA": "ORPHA:", "OMIM": "OMIM:"}
#: The spellings of those prefixes found in other systems' codes (``orphanet:558``,
#: ``Orphanet_558``, ``MIM:154700``): read as the bare code, never doubled.
_PREFIX_SPELLINGS = {
    "ORPHA": re.compile(r"^\s*(?:orpha(?:net)?|orpha\.net)\s*[:_ ]\s*(?=\S)", re.IGNORECASE),
    "OMIM": re.compile(r"^\s*(?:omim|mim)\s*[:#_ ]\s*(?=\S)", re.IGNORECASE),
}

#: OIDs of code systems that have a canonical FHIR URI (HL7 Terminology, THO "URIs and
#: OIDs"): read as that URI, so SNOMED CT by its OID is SNOMED CT. Other OIDs are kept
#: as ``urn:oid:`` URIs. ICD-10-CM is not ICD-10: it keeps its own URI.
OID_URIS: dict[str, str] = {
    "urn:oid:2.16.840.1.113883.6.96": SNOMED,
    "urn:oid:2.16.840.1.113883.6.1": LOINC,
    "urn:oid:2.16.840.1.113883.6.8": UCUM,
    "urn:oid:2.16.840.1.113883.6.88": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "urn:oid:2.16.840.1.113883.6.3": "http://hl7.org/fhir/sid/icd-10",
    "urn:oid:2.16.840.1.113883.6.90": "http://hl7.org/fhir/sid/icd-10-cm",
    "urn:oid:2.16.840.1.113883.6.103": "http://hl7.org/fhir/sid/icd-9-cm",
    "urn:oid:2.16.840.1.113883.6.73": "http://www.whocc.no/atc",
    "urn:oid:2.16.840.1.113883.12.292": "http://hl7.org/fhir/sid/cvx",
    "urn:oid:2.16.840.1.113883.6.69": "http://hl7.org/fhir/sid/ndc",
    "urn:oid:2.16.840.1.113883.6.174": "https://omim.org",
}


def our_coding(system: str, code: str) -> tuple[str, str]:
    """A code system and code as the passport writes them; both directions use it.

    A known system gets its short name (``http://snomed.info/sct`` or its OID →
    ``SNOMED-CT``) and Orphanet and OMIM codes exactly one prefix (``558``,
    ``orphanet:558`` → ``ORPHA:558``). Any other system is kept as it came.
    """
    uri = OID_URIS.get(system, system)
    short = SYSTEM_ALIASES.get(uri) or SYSTEM_ALIASES.get(uri.rstrip("/"))
    if short is None:
        short = uri if uri in SYSTEM_URIS else None
    if short is None:
        return uri, code
    prefix = PREFIXED_SYSTEMS.get(short)
    if prefix is not None and not code.startswith(prefix):
        code = prefix + _PREFIX_SPELLINGS[short].sub("", code)
    return short, code

#: Identifier systems: our short names and their FHIR NamingSystem URIs.
IDENTIFIER_URIS: dict[str, str] = {
    "nhs-number": "https://fhir.nhs.uk/Id/nhs-number",
    "chi-number": "https://fhir.nhs.uk/Id/chi-number",
}

# IPS section codes (LOINC).
SECTION_PROBLEMS = "11450-4"
SECTION_ALLERGIES = "48765-2"
SECTION_MEDICATIONS = "10160-0"
SECTION_IMMUNIZATIONS = "11369-6"
SECTION_RESULTS = "30954-2"
SECTION_PROCEDURES = "47519-4"
SECTION_DEVICES = "46264-8"
SECTION_VITAL_SIGNS = "8716-3"
SECTION_PLAN_OF_CARE = "18776-5"
SECTION_ADVANCE_DIRECTIVES = "42348-3"
SECTION_ALERTS = "104605-1"
SECTION_PATIENT_STORY = "81338-6"
#: Not an IPS section; the LOINC code C-CDA uses for care teams.
SECTION_CARE_TEAM = "85847-2"
IPS_DOCUMENT = "60591-5"

#: IPS 2.0 profiles the export claims in ``meta.profile``: only those whose rules
#: (cardinalities, required codes, invariants) every exported resource of the type meets.
_IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
IPS_PROFILES: dict[str, str] = {
    "Bundle": f"{_IPS}Bundle-uv-ips",
    "Composition": f"{_IPS}Composition-uv-ips",
    "Patient": f"{_IPS}Patient-uv-ips",
    "AllergyIntolerance": f"{_IPS}AllergyIntolerance-uv-ips",
    "Condition": f"{_IPS}Condition-uv-ips",
    "MedicationStatement": f"{_IPS}MedicationStatement-uv-ips",
    "Flag": f"{_IPS}Flag-alert-uv-ips",
    "Device": f"{_IPS}Device-uv-ips",
    "DeviceUseStatement": f"{_IPS}DeviceUseStatement-uv-ips",
    "Procedure": f"{_IPS}Procedure-uv-ips",
    "Immunization": f"{_IPS}Immunization-uv-ips",
    "Practitioner": f"{_IPS}Practitioner-uv-ips",
    "PractitionerRole": f"{_IPS}PractitionerRole-uv-ips",
    "Organization": f"{_IPS}Organization-uv-ips",
}
#: Observations claim a profile by what they are, not by their type: a laboratory
#: result (blood group, genetic finding) the IPS Results profile, a body weight FHIR's
#: vital-signs profile, which IPS uses; care preferences none.
RESULTS_PROFILE = f"{_IPS}Observation-results-laboratory-pathology-uv-ips"
BODY_WEIGHT_PROFILE = "http://hl7.org/fhir/StructureDefinition/bodyweight"


SECTION_TITLES: dict[str, str] = {
    SECTION_ALERTS: "Alerts",
    SECTION_PROBLEMS: "Problem list",
    SECTION_ALLERGIES: "Allergies and intolerances",
    SECTION_MEDICATIONS: "Medication summary",
    SECTION_DEVICES: "Medical devices",
    SECTION_PROCEDURES: "History of procedures",
    SECTION_IMMUNIZATIONS: "Immunizations",
    SECTION_RESULTS: "Results",
    SECTION_VITAL_SIGNS: "Vital signs",
    SECTION_PLAN_OF_CARE: "Plan of care",
    SECTION_ADVANCE_DIRECTIVES: "Advance directives",
    SECTION_PATIENT_STORY: "Patient story",
    SECTION_CARE_TEAM: "Care team",
}

#: LOINC displays of the section codes, as the IPS 2.0 package (hl7.fhir.uv.ips 2.0.0,
#: its example Bundles) gives them. The care team code is not an IPS section.
SECTION_DISPLAYS: dict[str, str] = {
    SECTION_ALERTS: "Alert",
    SECTION_PROBLEMS: "Problem list - Reported",
    SECTION_ALLERGIES: "Allergies and adverse reactions Document",
    SECTION_MEDICATIONS: "History of Medication use Narrative",
    SECTION_DEVICES: "History of medical device use",
    SECTION_PROCEDURES: "History of Procedures Document",
    SECTION_IMMUNIZATIONS: "History of Immunization note",
    SECTION_RESULTS: "Relevant diagnostic tests/laboratory data note",
    SECTION_VITAL_SIGNS: "Vital signs note",
    SECTION_PLAN_OF_CARE: "Plan of care note",
    SECTION_ADVANCE_DIRECTIVES: "Advance healthcare directives",
    SECTION_PATIENT_STORY: "Patient Goals, preferences, and priorities for care experience",
    SECTION_CARE_TEAM: "Patient Care team information",
}

# "Known absent" codes of IPS 2.0 (SNOMED CT), for required sections with nothing in them.
NO_KNOWN_ALLERGY = ("716186003", "No known allergy")
NO_KNOWN_MEDICATIONS = ("787481004", "No known medications")
NO_CURRENT_PROBLEMS = ("160245001", "No current problems or disability")
# IPS 1.x spelled the same facts in its own code system; import reads both.
IPS_ABSENT_SYSTEM = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"
ABSENT_ALLERGY_CODES = {(SNOMED, NO_KNOWN_ALLERGY[0]), (SNOMED, "160244002"),
                        (IPS_ABSENT_SYSTEM, "no-known-allergies")}
#: "No known drug / food / environmental allergy": they rule out one kind of allergy
#: only, so they are neither an allergy nor "no known allergies" (the IPS examples use
#: "no known food allergy" next to a penicillin allergy).
PARTIAL_NO_ALLERGY_CODES = {(SNOMED, "409137002"), (SNOMED, "429625007"), (SNOMED, "428607008"),
                            (IPS_ABSENT_SYSTEM, "no-known-medication-allergies")}
#: IPS 2.0 "No known procedures / device use / immunizations" (SNOMED CT situations).
NO_KNOWN_PROCEDURES = {(SNOMED, "787480003"), (IPS_ABSENT_SYSTEM, "no-known-procedures"),
                       (IPS_ABSENT_SYSTEM, "no-procedure-info")}
NO_KNOWN_DEVICES = {(SNOMED, "787483001"), (IPS_ABSENT_SYSTEM, "no-known-devices"),
                    (IPS_ABSENT_SYSTEM, "no-device-info")}
NO_KNOWN_IMMUNIZATIONS = {(SNOMED, "787482006"), (IPS_ABSENT_SYSTEM, "no-known-immunizations"),
                          (IPS_ABSENT_SYSTEM, "no-immunization-info")}
UNKNOWN_ALLERGY_CODES = {(IPS_ABSENT_SYSTEM, "no-allergy-info")}
ABSENT_MEDICATION_CODES = {(SNOMED, NO_KNOWN_MEDICATIONS[0]), (IPS_ABSENT_SYSTEM, "no-known-medications")}
UNKNOWN_MEDICATION_CODES = {(IPS_ABSENT_SYSTEM, "no-medication-info")}
ABSENT_PROBLEM_CODES = {(SNOMED, NO_CURRENT_PROBLEMS[0]), (IPS_ABSENT_SYSTEM, "no-known-problems"),
                        (IPS_ABSENT_SYSTEM, "no-problem-info")}

#: Statuses that say a resource is not (or no longer) true of the person: a passport
#: lists current medicines and devices and what was actually done, so these are not
#: imported (and are reported). Statuses not listed here and not in
#: `KNOWN_STATUSES` are imported, conservatively, and reported.
NOT_CURRENT_STATUSES: dict[str, frozenset[str]] = {
    # A medicine on hold, only intended, or of unknown status is not one the person
    # is taking now: listing it as current could have it given in an emergency.
    "MedicationStatement": frozenset({"stopped", "completed", "not-taken", "entered-in-error", "on-hold",
                                      "intended", "unknown"}),
    "MedicationRequest": frozenset({"stopped", "completed", "cancelled", "entered-in-error", "on-hold", "draft",
                                    "unknown"}),
    "Immunization": frozenset({"not-done", "entered-in-error"}),
    "Procedure": frozenset({"not-done", "entered-in-error", "preparation", "stopped"}),
    # A device on hold may still be implanted (and matter for an MRI): kept.
    "DeviceUseStatement": frozenset({"completed", "stopped", "entered-in-error", "intended"}),
    "Flag": frozenset({"inactive", "entered-in-error"}),
}
#: The other status codes FHIR R4 defines for these resources (imported without a note).
KNOWN_STATUSES: dict[str, frozenset[str]] = {
    "MedicationStatement": frozenset({"active"}),
    "MedicationRequest": frozenset({"active"}),
    "Immunization": frozenset({"completed"}),
    "Procedure": frozenset({"completed", "in-progress", "on-hold", "unknown"}),
    "DeviceUseStatement": frozenset({"active", "on-hold"}),
    "Flag": frozenset({"active"}),
}
#: Condition clinical statuses that say it is no longer true of the person.
CONDITION_NOT_CURRENT = frozenset({"inactive", "remission", "resolved"})
#: AllergyIntolerance clinical statuses that no longer apply; the allergy is kept (safer
#: to avoid a substance needlessly than to give it) and the status reported.
ALLERGY_NOT_ACTIVE = frozenset({"inactive", "resolved"})

SEX_TO_GENDER: dict[Sex, str] = {
    Sex.FEMALE: "female",
    Sex.MALE: "male",
    Sex.INTERSEX: "other",
    Sex.OTHER: "other",
    Sex.UNKNOWN: "unknown",
}

#: Diagnosis status → Condition.verificationStatus. ``undiagnosed`` also gets our
#: extension, since FHIR has no code for "a condition without a name".
STATUS_TO_VERIFICATION: dict[DiagnosisStatus, str] = {
    DiagnosisStatus.CONFIRMED: "confirmed",
    DiagnosisStatus.SUSPECTED: "unconfirmed",
    DiagnosisStatus.PROVISIONAL: "provisional",
    DiagnosisStatus.UNDIAGNOSED: "unconfirmed",
}
VERIFICATION_TO_STATUS: dict[str, DiagnosisStatus] = {
    "confirmed": DiagnosisStatus.CONFIRMED,
    "unconfirmed": DiagnosisStatus.SUSPECTED,
    "provisional": DiagnosisStatus.PROVISIONAL,
    "differential": DiagnosisStatus.SUSPECTED,
}

#: Zygosity → LOINC answer of 53034-5 "Allelic state" (mosaic and unknown have none).
ZYGOSITY_LOINC: dict[Zygosity, tuple[str, str]] = {
    Zygosity.HETEROZYGOUS: ("LA6706-1", "Heterozygous"),
    Zygosity.HOMOZYGOUS: ("LA6705-3", "Homozygous"),
    Zygosity.HEMIZYGOUS: ("LA6707-9", "Hemizygous"),
    Zygosity.COMPOUND_HETEROZYGOUS: ("LA26217-1", "Compound heterozygous"),
}

# LOINC codes of observations.
BODY_WEIGHT = ("29463-7", "Body weight")
BLOOD_GROUP = ("882-1", "ABO and Rh group [Type] in Blood")
GENETIC_VARIANT = ("69548-6", "Genetic variant assessment")
GENE_STUDIED = ("48018-6", "Gene studied [ID]")
#: The HGNC code system, as the Genomics Reporting IG binds gene-studied values to it.
HGNC = "http://www.genenames.org/geneId"
DNA_CHANGE = ("48004-6", "DNA change (c.HGVS)")
ALLELIC_STATE = ("53034-5", "Allelic state")
INHERITANCE = ("79742-3", "Inheritance pattern based on family history")

# Our own code systems.
FLAG_KIND = f"{CS}emergency-flag"
CARE_PREFERENCE = f"{CS}care-preference"
ADDITIONAL_SECTION = f"{CS}additional-section"
CONTACT_ROLE = f"{CS}contact-role"
NOTE_KIND = f"{EXT}note-kind"
PLUGIN_SECTION = f"{CS}plugin-section"

JSON = dict[str, Any]


def coding(system: str, code: str, display: str | None = None) -> JSON:
    """A FHIR Coding, leaving out an empty display."""
    result: JSON = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> JSON:
    """A CodeableConcept with one coding."""
    result: JSON = {"coding": [coding(system, code, display)]}
    if text:
        result["text"] = text
    return result


def text_concept(text: str) -> JSON:
    """A CodeableConcept with text only."""
    return {"text": text}


def data_absent(code: str = "unknown") -> JSON:
    """The ``_element`` of a required primitive whose value is not known."""
    return {"extension": [{"url": DAR_URL, "valueCode": code}]}


# A photo travels only inside the bundle, as an attachment's data: a file path means
# nothing to the receiving system, and importing one would let a bundle name a file on
# the receiver's computer.
_DATA_PHOTO = re.compile(r"^data:([A-Za-z0-9.+/-]+);base64,([A-Za-z0-9+/=]*)$")


_DETACHED_JWS = re.compile(r"^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$")


def carried_attestations(attestations: tuple[Attestation, ...]) -> tuple[Attestation, ...]:
    """The signed checks the IPS export carries: those whose signature is a compact JWS.

    A signature that is not even ``header..signature`` in base64url is malformed (it
    could never verify); there is no JWS to put in a Provenance, so it is left out and
    listed by ``not_carried``.
    """
    return tuple(attestation for attestation in attestations if _DETACHED_JWS.match(attestation.signature))


def photo_attachment(photo: str | None) -> dict[str, str] | None:
    """The FHIR ``Attachment`` of a ``data:`` photo; ``None`` for a path or other text."""
    match = _DATA_PHOTO.match(photo or "")
    return {"contentType": match.group(1), "data": match.group(2)} if match else None
