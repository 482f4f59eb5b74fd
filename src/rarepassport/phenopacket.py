"""GA4GH Phenopacket (schema v2) export: the passport's phenotype and genetics.

A phenopacket is what a rare-disease research or diagnostic pipeline reads: the
person's sex and age, their clinical features as HPO terms, their diseases as Orphanet
or OMIM terms, and the genetic findings that explain them. Only what has an ontology
term can travel: features without an HPO id and diagnoses without an ORPHA or OMIM code
are left out (see [`NOT_CARRIED`][rarepassport.phenopacket.NOT_CARRIED]).

Features are labelled with the term labels of an HPO release when ``rarepassport[hpo]``
is installed (the person's own words go into the feature's ``description``); obsolete
terms are replaced and ids the release does not have are left out. Genes are identified
by the HGNC id the passport gives (``genetics[].hgnc``), else by the NCBI Gene id HPO
annotates them with, else by their symbol alone. [`explain`][rarepassport.phenopacket.explain]
says which of these happened, field by field.

By default the export is for research, without identity: no name, identifier, address
or contact, no date of birth (the age when the phenopacket is made is given instead, as
an ISO 8601 duration such as ``P11Y8M``), no free-text notes, and identifiers that are
random for each export (never derived from the passport's ``id``, so two exports cannot
be linked through it). ``identifiable=True`` (``rarepassport export phenopacket
--identifiable``) is for a clinical pipeline that must match the person: it adds the date
of birth and the feature notes and takes the phenopacket's id from the passport's.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from typing import Any

from rarepassport.errors import Message, MissingDependencyError
from rarepassport.model import Diagnosis, DiagnosisStatus, GeneticFinding, Passport, Sex, Zygosity
from rarepassport.ontology import HpoOntology, hpo_ontology

__all__ = ["NOT_CARRIED", "age_duration", "explain", "explain_messages", "to_phenopacket"]

JSON = dict[str, Any]

#: What a phenopacket does not carry, besides identifying details.
NOT_CARRIED: tuple[str, ...] = (
    "diagnoses[].features without an HPO id",
    "diagnoses without an ORPHA or OMIM code (except as an unsolved interpretation)",
    "suspected and provisional diagnoses as diseases (they are interpretations in progress)",
    "medications, allergies, devices, emergency, contacts, care team, care preferences, history",
    "name, identifiers, address, phone and email; the date of birth and the features' notes "
    "unless identifiable=True",
)

_SEX = {
    Sex.FEMALE: "FEMALE",
    Sex.MALE: "MALE",
    Sex.INTERSEX: "OTHER_SEX",
    Sex.OTHER: "OTHER_SEX",
    Sex.UNKNOWN: "UNKNOWN_SEX",
}

# Zygosity → Genotype Ontology (GENO) allelic state.
_ALLELIC_STATE = {
    Zygosity.HETEROZYGOUS: ("GENO:0000135", "heterozygous"),
    Zygosity.HOMOZYGOUS: ("GENO:0000136", "homozygous"),
    Zygosity.HEMIZYGOUS: ("GENO:0000134", "hemizygous"),
    Zygosity.COMPOUND_HETEROZYGOUS: ("GENO:0000402", "compound heterozygous"),
    Zygosity.UNKNOWN: ("GENO:0000137", "unspecified zygosity"),
}

_RESOURCES: dict[str, JSON] = {
    "HP": {"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
           "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_"},
    "ORPHA": {"id": "ordo", "name": "Orphanet Rare Disease Ontology",
              "url": "http://www.orpha.net/ontologies/ordo.owl", "namespacePrefix": "ORPHA",
              "iriPrefix": "http://www.orpha.net/ORDO/Orphanet_"},
    "OMIM": {"id": "omim", "name": "Online Mendelian Inheritance in Man", "url": "https://www.omim.org",
             "namespacePrefix": "OMIM", "iriPrefix": "https://www.omim.org/entry/"},
    "HGNC": {"id": "hgnc", "name": "HUGO Gene Nomenclature Committee", "url": "https://www.genenames.org",
             "namespacePrefix": "HGNC", "iriPrefix": "https://identifiers.org/hgnc:"},
    "NCBIGene": {"id": "ncbigene", "name": "NCBI Gene", "url": "https://www.ncbi.nlm.nih.gov/gene",
                 "namespacePrefix": "NCBIGene", "iriPrefix": "https://identifiers.org/ncbigene:"},
    "GENO": {"id": "geno", "name": "Genotype Ontology", "url": "http://purl.obolibrary.org/obo/geno.owl",
             "namespacePrefix": "GENO", "iriPrefix": "http://purl.obolibrary.org/obo/GENO_"},
}


def _feature_term(
    hpo_id: str, words: str, ontology: HpoOntology | None, where: str, notes: list[Message]
) -> tuple[str | None, str]:
    """The term a feature is exported as, and its label; ``(None, "")`` to leave it out."""
    if ontology is None:
        return hpo_id, words
    term = ontology.term(hpo_id)
    if term is None:
        notes.append(Message("phenopacket.note.not-a-term", "{where}: not a term of HPO {release}; the feature is "
                             "left out", where=where, release=ontology.release))
        return None, ""
    if term.obsolete:
        replacement = ontology.term(term.replaced_by) if term.replaced_by else None
        if replacement is None or replacement.obsolete:
            notes.append(Message("phenopacket.note.obsolete-left-out", "{where}: obsolete in HPO {release}, with no "
                                 "replacement; the feature is left out", where=where, release=ontology.release))
            return None, ""
        notes.append(Message("phenopacket.note.obsolete-replaced", "{where}: obsolete in HPO {release}, exported as "
                             "its replacement {replacement}", where=where, release=ontology.release,
                             replacement=replacement.id))
        term = replacement
    return term.id, term.label


def _gene(finding: GeneticFinding, ontology: HpoOntology | None, where: str, notes: list[Message],
          prefixes: set[str]) -> JSON:
    """A GeneDescriptor: the HGNC id when the passport has it, else the NCBI Gene id HPO knows."""
    if finding.hgnc:
        prefixes.add("HGNC")
        return {"valueId": finding.hgnc, "symbol": finding.gene}
    ncbi = ontology.ncbi_gene(finding.gene) if ontology is not None else None
    if ncbi is not None:
        prefixes.add("NCBIGene")
        notes.append(Message("phenopacket.note.gene-ncbi", "{where}.hgnc: not given; the gene is identified by its "
                             "NCBI Gene id from HPO's annotations", where=where))
        return {"valueId": ncbi, "symbol": finding.gene}
    notes.append(Message("phenopacket.note.gene-symbol", "{where}.hgnc: not given and not found; the gene is "
                         "identified by its symbol only", where=where))
    return {"valueId": finding.gene, "symbol": finding.gene}


def _disease_term(diagnosis: Diagnosis) -> JSON | None:
    """The diagnosis as an ontology class: its first Orphanet or OMIM code."""
    for code in diagnosis.codes:
        if code.system in ("ORPHA", "OMIM"):
            prefix = f"{code.system}:"
            term_id = code.code if code.code.startswith(prefix) else prefix + code.code
            return {"id": term_id, "label": code.display or diagnosis.name}
    return None


def age_duration(born: _dt.date, on: _dt.date) -> str:
    """The age on a day as an ISO 8601 duration of whole years and months (``P11Y8M``).

    A person born on the 31st is a month older on the last day of a shorter month.
    """
    months = (on.year - born.year) * 12 + (on.month - born.month)
    if on.day < born.day and not _is_last_day(on):
        months -= 1
    months = max(months, 0)
    return f"P{months // 12}Y{months % 12}M"


def _is_last_day(day: _dt.date) -> bool:
    return (day + _dt.timedelta(days=1)).month != day.month


def _timestamp(value: _dt.date | _dt.datetime) -> str:
    if isinstance(value, _dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
        return moment.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


def to_phenopacket(
    passport: Passport,
    *,
    today: _dt.date | _dt.datetime | None = None,
    plugins: object | None = None,
    identifiable: bool = False,
    hpo: bool | None = None,
) -> dict[str, Any]:
    """Export a passport's phenotype and genetics as a GA4GH Phenopacket v2.

    Args:
        passport: The passport.
        today: When the phenopacket is made (``metaData.created``, and the day the age
            is measured on); default now.
        plugins: Accepted so the function can serve as a registered exporter.
        identifiable: Add the date of birth and the features' free-text notes, and take
            the ids from the passport's ``id``. By default (``False``) the subject has
            its age (``timeAtLastEncounter``) instead of a date of birth, notes are left
            out and every id is random.
        hpo: Label features with the HPO release's term labels (the person's words
            become the feature's ``description``), replace obsolete terms, leave out ids
            the release does not have, and give genes without an HGNC id their NCBI Gene
            id: ``True`` needs ``rarepassport[hpo]``
            ([`MissingDependencyError`][rarepassport.errors.MissingDependencyError] otherwise),
            ``False`` uses the passport's words as labels, and ``None`` (default) uses the
            release when it is installed. [`explain`][rarepassport.phenopacket.explain]
            lists what was changed or left out.

    Returns:
        The phenopacket as a JSON-ready dict (protobuf JSON field names).

    Example:
        ```python
        packet = to_phenopacket(rarepassport.load("ada.json"))
        packet["interpretations"][0]["progressStatus"]   # "SOLVED"
        ```
    """
    del plugins
    return _export(passport, today=today, identifiable=identifiable, hpo=hpo, notes=[])


def explain(passport: Passport, *, hpo: bool | None = None) -> tuple[str, ...]:
    """What [`to_phenopacket`][rarepassport.phenopacket.to_phenopacket] changes or leaves out of
    this passport, each naming its field's JSON path (never its value).

    For example ``$.diagnoses[0].features[1].hpo: obsolete in HPO 2025-11-24, exported as its
    replacement HP:0008665``. The list is empty when everything travels as written.
    """
    return tuple(str(note) for note in explain_messages(passport, hpo=hpo))


def explain_messages(passport: Passport, *, hpo: bool | None = None) -> tuple[Message, ...]:
    """The notes of [`explain`][rarepassport.phenopacket.explain] as catalogue messages
    (``phenopacket.note.*``), for a program that says them in another language;
    ``str(note)`` is the English."""
    notes: list[Message] = []
    _export(passport, today=None, identifiable=False, hpo=hpo, notes=notes)
    return tuple(notes)


def _ontology(hpo: bool | None) -> HpoOntology | None:
    if hpo is False:
        return None
    try:
        return hpo_ontology()
    except MissingDependencyError:
        if hpo:
            raise
        return None


def _export(
    passport: Passport,
    *,
    today: _dt.date | _dt.datetime | None,
    identifiable: bool,
    hpo: bool | None,
    notes: list[Message],
) -> dict[str, Any]:
    ontology = _ontology(hpo)
    if ontology is None and any(f.hpo for d in passport.diagnoses for f in d.features):
        notes.append(Message("phenopacket.note.no-hpo", "HPO labels were not checked against an HPO release (pip "
                             "install 'rarepassport[hpo]'): features are labelled with the passport's words"))
    moment = today if today is not None else _dt.datetime.now(_dt.timezone.utc)
    created = _timestamp(moment)
    if isinstance(moment, _dt.datetime):
        day = (moment.astimezone(_dt.timezone.utc) if moment.tzinfo else moment).date()
    else:
        day = moment
    born = passport.person.date_of_birth
    if identifiable:
        packet_id = passport.id or str(uuid.uuid4())
        subject_id = f"{packet_id}-subject"
        subject: JSON = {"id": subject_id}
        if born is not None:  # not known: left out
            subject["dateOfBirth"] = _timestamp(born)
    else:
        # Random: a research export must not be linkable to the passport or to another export.
        packet_id = str(uuid.uuid4())
        subject_id = str(uuid.uuid4())
        subject = {"id": subject_id}
        if born is not None and born <= day:
            subject["timeAtLastEncounter"] = {"age": {"iso8601duration": age_duration(born, day)}}
    prefixes = {"HP"}
    subject["sex"] = _SEX.get(passport.person.sex, "UNKNOWN_SEX") if passport.person.sex else "UNKNOWN_SEX"

    features: list[JSON] = []
    seen: set[str] = set()
    for d_index, diagnosis in enumerate(passport.diagnoses):
        for f_index, feature in enumerate(diagnosis.features):
            if not feature.hpo:
                continue
            where = f"$.diagnoses[{d_index}].features[{f_index}].hpo"
            term_id, label = _feature_term(feature.hpo, feature.name, ontology, where, notes)
            if term_id is None or term_id in seen:
                continue
            seen.add(term_id)
            item: JSON = {"type": {"id": term_id, "label": label}}
            # The person's words stay beside the term's label; free-text notes may name
            # people and places, so they travel only in an identifiable export.
            described = [feature.name] if label.casefold() != feature.name.strip().casefold() else []
            if feature.notes and identifiable:
                described.append(feature.notes)
            if described:
                item["description"] = "; ".join(described)
            features.append(item)

    diseases: list[JSON] = []
    interpretations: list[JSON] = []
    for index, diagnosis in enumerate(passport.diagnoses):
        term = _disease_term(diagnosis)
        if term is not None and diagnosis.status is not DiagnosisStatus.UNDIAGNOSED:
            prefixes.add(term["id"].split(":", 1)[0])
        if term is not None and diagnosis.status is DiagnosisStatus.CONFIRMED:
            # `diseases` says the person has the disease: only a confirmed diagnosis goes
            # there. A suspected or provisional one is an interpretation in progress.
            # Phenopackets record the age of onset, which a diagnosis date is not: left out.
            disease: JSON = {"term": term}
            diseases.append(disease)
        solved = diagnosis.status is DiagnosisStatus.CONFIRMED
        uncertain = diagnosis.status in (DiagnosisStatus.SUSPECTED, DiagnosisStatus.PROVISIONAL)
        if not diagnosis.genetics and diagnosis.status is not DiagnosisStatus.UNDIAGNOSED and not uncertain:
            continue
        interpretation: JSON = {
            "id": f"{packet_id}-interpretation-{index + 1}",
            "progressStatus": "SOLVED" if solved and diagnosis.genetics else
            "UNSOLVED" if diagnosis.status is DiagnosisStatus.UNDIAGNOSED else "IN_PROGRESS",
            "summary": diagnosis.name,
        }
        if term is not None:
            genomic = []
            for g_index, finding in enumerate(diagnosis.genetics):
                interpretation_status = "CAUSATIVE" if solved else "CANDIDATE"
                if finding.variant:
                    descriptor: JSON = {
                        "id": f"{packet_id}-variant-{index + 1}-{g_index + 1}",
                        "geneContext": _gene(finding, ontology, f"$.diagnoses[{index}].genetics[{g_index}]",
                                             notes, prefixes),
                        "expressions": [{"syntax": "hgvs.c" if finding.variant.startswith("c.") else "hgvs",
                                         "value": finding.variant}],
                    }
                    state = _ALLELIC_STATE.get(finding.zygosity) if finding.zygosity else None
                    if state is not None:
                        descriptor["allelicState"] = {"id": state[0], "label": state[1]}
                        prefixes.add("GENO")
                    genomic.append({"subjectOrBiosampleId": subject_id,
                                    "interpretationStatus": interpretation_status,
                                    "variantInterpretation": {"acmgPathogenicityClassification": "NOT_PROVIDED",
                                                              "variationDescriptor": descriptor}})
                else:
                    genomic.append({"subjectOrBiosampleId": subject_id,
                                    "interpretationStatus": interpretation_status,
                                    "gene": _gene(finding, ontology, f"$.diagnoses[{index}].genetics[{g_index}]",
                                                  notes, prefixes)})
            interpretation["diagnosis"] = {"disease": term, **({"genomicInterpretations": genomic} if genomic else {})}
        interpretations.append(interpretation)

    if not any(d.status is not DiagnosisStatus.UNDIAGNOSED for d in passport.diagnoses) and not interpretations:
        # No diagnosis at all is the most unsolved case of all.
        interpretations.append({"id": f"{packet_id}-interpretation-1", "progressStatus": "UNSOLVED",
                                "summary": "No diagnosis yet"})

    from rarepassport._version import __version__

    packet: JSON = {"id": packet_id, "subject": subject}
    if features:
        packet["phenotypicFeatures"] = features
    if interpretations:
        packet["interpretations"] = interpretations
    if diseases:
        packet["diseases"] = diseases
    packet["metaData"] = {
        "created": created,
        "createdBy": f"rarepassport {__version__}",
        "resources": [{**_RESOURCES[prefix],
                       "version": ontology.release if prefix == "HP" and ontology is not None else "unspecified"}
                      for prefix in sorted(prefixes)],
        "phenopacketSchemaVersion": "2.0",
    }
    return packet
