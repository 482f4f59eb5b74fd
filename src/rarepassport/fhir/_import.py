"""FHIR R4 IPS document Bundle → passport, reporting everything it could not map."""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import math
import re
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport._dates import PartialDate
from rarepassport.convert import check_tree
from rarepassport.errors import FhirImportError, Problem
from rarepassport.fhir import _common as c
from rarepassport.model import (
    AdditionalSection,
    AdvanceDecision,
    AllergiesStatus,
    Allergy,
    AllergyKind,
    Avoid,
    CarePreferences,
    CareTeamMember,
    Coding,
    CompletedBy,
    Contact,
    ContactRole,
    Device,
    Diagnosis,
    DiagnosisStatus,
    Emergency,
    Feature,
    GeneticFinding,
    History,
    Identifier,
    Immunisation,
    Medication,
    MedicationsStatus,
    Passport,
    Person,
    Procedure,
    Protocol,
    Review,
    ReviewedBy,
    Severity,
    Sex,
    Weight,
    Zygosity,
)

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager

JSON = dict[str, Any]

__all__ = ["FhirImportError", "ImportResult", "Unmapped", "from_ips"]


@attrs.frozen
class Unmapped:
    """An element of the FHIR document that has no place in the passport.

    Attributes:
        path: Its FHIR path, e.g. ``Bundle.entry[3].resource.onsetDateTime``.
        reason: Why it was not mapped (never the element's value).
    """

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@attrs.frozen
class ImportResult:
    """What `from_ips` made of a FHIR document.

    Attributes:
        passport: The passport.
        unmapped: Every element that could not be mapped, with its FHIR path.
    """

    passport: Passport
    unmapped: tuple[Unmapped, ...] = ()

    @property
    def report(self) -> str:
        """The unmapped elements, one per line (empty when everything mapped)."""
        return "\n".join(str(item) for item in self.unmapped)


def _fail(path: str, message: str) -> FhirImportError:
    return FhirImportError([Problem(path, message)])


_IGNORED = frozenset({"resourceType", "id", "meta", "text", "implicitRules", "language"})


class _Res:
    """A FHIR object being read; remembers which keys were read, to report the rest."""

    __slots__ = ("data", "path", "used")

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def get(self, key: str) -> Any:
        self.used.add(key)
        self.used.add("_" + key)
        return self.data.get(key)

    def text(self, key: str) -> str | None:
        value = self.get(key)
        return value if isinstance(value, str) and value else None

    def items(self, key: str) -> list[Any]:
        value = self.get(key)
        return value if isinstance(value, list) else []

    def sub(self, key: str) -> _Res | None:
        value = self.get(key)
        return _Res(value, f"{self.path}.{key}") if isinstance(value, Mapping) else None

    def subs(self, key: str) -> Iterator[_Res]:
        for index, value in enumerate(self.items(key)):
            if isinstance(value, Mapping):
                yield _Res(value, f"{self.path}.{key}[{index}]")

    def leftovers(self) -> list[str]:
        return [key for key in self.data if key not in self.used and key not in _IGNORED]


_NONE_KNOWN = re.compile(r"^\s*no\s+known\b", re.IGNORECASE)


def _says_none_known(concept: Any) -> bool:
    """Whether a concept's words say that none is known ("No known food allergy")."""
    text = _concept_text(concept)
    return text is not None and _NONE_KNOWN.match(text) is not None


def _display_only(reference: Any) -> str | None:
    """The ``display`` of a Reference that names something without pointing to a resource."""
    if isinstance(reference, Mapping) and not isinstance(reference.get("reference"), str):
        display = reference.get("display")
        if isinstance(display, str) and display.strip():
            return display.strip()
    return None


def _as_list(value: Any) -> list[Any]:
    """A JSON array as a list; anything else (a malformed element) as an empty list."""
    return value if isinstance(value, list) else []


def _name_text(name: Any, *, with_prefix: bool = False) -> str | None:
    """A HumanName in words: its text, else prefix, given names and family name."""
    if not isinstance(name, Mapping):
        return None
    text = name.get("text")
    if isinstance(text, str) and text:
        return text
    parts = [*(_as_list(name.get("prefix")) if with_prefix else []), *_as_list(name.get("given")),
             name.get("family")]
    joined = " ".join(part for part in parts if isinstance(part, str) and part)
    return joined or None


def _concept_text(concept: Any) -> str | None:
    """The words of a CodeableConcept: its text, else the first display or code."""
    if not isinstance(concept, Mapping):
        return None
    text = concept.get("text")
    if isinstance(text, str) and text:
        return text
    for item in _as_list(concept.get("coding")):
        if isinstance(item, Mapping):
            for key in ("display", "code"):
                if isinstance(item.get(key), str) and item[key]:
                    return str(item[key])
    return None


def _codes(concept: Any) -> set[tuple[str, str]]:
    if not isinstance(concept, Mapping):
        return set()
    return {(str(item.get("system")), str(item.get("code")))
            for item in _as_list(concept.get("coding")) if isinstance(item, Mapping)}


def _our_coding(item: Mapping[str, Any]) -> Coding | None:
    system_uri, code = item.get("system"), item.get("code")
    if not isinstance(code, str) or not code:
        return None
    display = item.get("display") if isinstance(item.get("display"), str) else None
    if not isinstance(system_uri, str) or not system_uri:
        return None
    system = c.SYSTEM_ALIASES.get(system_uri) or c.SYSTEM_ALIASES.get(system_uri.rstrip("/"))
    if system is None:
        # A code system we do not know travels as it came: an absolute URI.
        return Coding(system=system_uri, code=code, display=display)
    prefix = c.PREFIXED_SYSTEMS.get(system)
    if prefix and not code.startswith(prefix):
        code = prefix + code
    return Coding(system=system, code=code, display=display)


def _our_codings(concept: Any) -> tuple[Coding, ...]:
    if not isinstance(concept, Mapping):
        return ()
    result = []
    for item in _as_list(concept.get("coding")):
        if isinstance(item, Mapping):
            coding = _our_coding(item)
            if coding is not None:
                result.append(coding)
    return tuple(result)


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _partial(value: Any) -> PartialDate | None:
    if not isinstance(value, str):
        return None
    match = _DATE.match(value)
    if match is None:
        return None
    try:
        return PartialDate.parse(match.group(0))
    except ValueError:
        return None


def _full_date(value: Any) -> _dt.date | None:
    partial = _partial(value)
    if partial is None or partial.precision != "day":
        return None
    return partial.earliest()


def _marked_absent(data: Mapping[str, Any], key: str) -> bool:
    """Whether primitive ``key`` carries a data-absent-reason in its ``_key`` element."""
    element = data.get("_" + key)
    return isinstance(element, Mapping) and any(
        isinstance(ext, Mapping) and ext.get("url") == c.DAR_URL for ext in _as_list(element.get("extension")))


class _TextOfHtml(HTMLParser):
    """Collects the words of an XHTML narrative, one line per block element."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _div_text(narrative: Any) -> str | None:
    """The plain text of a Narrative's ``div``, or None when it has no words."""
    div = narrative.get("div") if isinstance(narrative, Mapping) else None
    if not isinstance(div, str):
        return None
    parser = _TextOfHtml()
    parser.feed(div)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = "\n".join(line for line in lines if line)
    return text or None


def _ext_map(res: _Res) -> dict[str, list[Mapping[str, Any]]]:
    found: dict[str, list[Mapping[str, Any]]] = {}
    for item in res.items("extension"):
        if isinstance(item, Mapping) and isinstance(item.get("url"), str):
            found.setdefault(item["url"], []).append(item)
    return found


def _extension_value(ext: Mapping[str, Any]) -> Any:
    for key, value in ext.items():
        if key.startswith("value"):
            return value
    return None


class _Importer:
    def __init__(self, bundle: Mapping[str, Any]) -> None:
        self.unmapped: list[Unmapped] = []
        self.by_ref: dict[str, tuple[int, Mapping[str, Any]]] = {}
        self.consumed: set[int] = set()
        self.entries: list[Mapping[str, Any]] = []
        self._index(bundle)

    # --- bookkeeping -----------------------------------------------------------------

    def note(self, path: str, reason: str) -> None:
        self.unmapped.append(Unmapped(path, reason))

    def done(self, res: _Res, what: str = "no place in the passport") -> None:
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
            self.note(f"{res.path}.status", f"not imported: the {kind}'s status says it is not current, "
                                              "did not happen or was entered in error")
            return False
        if status not in c.KNOWN_STATUSES.get(kind, frozenset()):
            self.note(f"{res.path}.status", "a status code FHIR does not define; imported as current")
        return True

    def extensions(self, res: _Res, known: set[str]) -> dict[str, list[Mapping[str, Any]]]:
        found = _ext_map(res)
        for url in found:
            if url not in known:
                self.note(f"{res.path}.extension", f"extension {url} is not mapped")
        return found

    def _index(self, bundle: Mapping[str, Any]) -> None:
        entries = bundle.get("entry")
        if not isinstance(entries, list) or not entries:
            raise _fail("Bundle.entry", "the bundle has no entries; an IPS document needs a Composition and a Patient")
        for index, entry in enumerate(entries):
            path = f"Bundle.entry[{index}]"
            if not isinstance(entry, Mapping) or not isinstance(entry.get("resource"), Mapping):
                raise _fail(f"{path}.resource", "every entry needs a resource object")
            resource = entry["resource"]
            kind = resource.get("resourceType")
            if not isinstance(kind, str):
                raise _fail(f"{path}.resource.resourceType", "every resource needs a resourceType")
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

    def resolve(self, reference: Any, path: str, *, required: bool = True) -> _Res | None:
        """The resource a Reference points to, read from this bundle."""
        ref = reference.get("reference") if isinstance(reference, Mapping) else None
        if not isinstance(ref, str):
            if required:
                raise _fail(path, "the reference has no 'reference' to a resource in the bundle")
            return None
        found = self.lookup(ref)
        if found is None:
            raise _fail(f"{path}.reference", "the reference does not resolve to any entry of the bundle")
        index, resource = found
        self.consumed.add(index)
        return _Res(resource, f"Bundle.entry[{index}].resource")

    # --- the document ----------------------------------------------------------------

    def run(self) -> Passport:
        composition_index = next(
            (i for i, r in enumerate(self.entries) if r.get("resourceType") == "Composition"), None)
        if composition_index is None:
            raise _fail("Bundle.entry", "no Composition: an IPS document starts with a Composition")
        self.consumed.add(composition_index)
        comp = _Res(self.entries[composition_index], f"Bundle.entry[{composition_index}].resource")
        patient = self.resolve(comp.get("subject"), f"{comp.path}.subject")
        assert patient is not None
        if patient.data.get("resourceType") != "Patient":
            raise _fail(f"{comp.path}.subject", "the Composition's subject must be a Patient")
        person, contacts, gp_refs = self.person(patient)

        ext = self.extensions(comp, {c.EXT + "created-on", c.EXT + "updated-on", c.EXT + "next-review-due"})
        passport_id = None
        identifier = comp.get("identifier")
        if isinstance(identifier, Mapping) and identifier.get("system") == c.PASSPORT_ID_SYSTEM:
            passport_id = identifier.get("value") if isinstance(identifier.get("value"), str) else None
        elif identifier is not None:
            self.note(f"{comp.path}.identifier", "the document's identifier is not kept")
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
        referenced = self.referenced()
        for index, resource in enumerate(self.entries):
            if index in self.consumed:
                continue
            kind = resource.get("resourceType")
            if index in referenced:
                self.note(f"Bundle.entry[{index}].resource",
                          f"{kind} was not imported: only elements that are not imported refer to it")
            else:
                self.note(f"Bundle.entry[{index}].resource",
                          f"{kind} was not imported: no section cites it as an entry")
        return passport

    bundle_language: str | None = None

    # --- patient -----------------------------------------------------------------------

    def person(self, res: _Res) -> tuple[Person, list[Contact], list[Any]]:
        ext = self.extensions(res, {c.EXT + "sex", c.INTERPRETER_URL, c.PRONOUNS_URL})
        birth = res.get("birthDate")
        if birth is None and isinstance(res.data.get("_birthDate"), Mapping):
            raise _fail(f"{res.path}.birthDate", "the Patient's birthDate is recorded as absent (data-absent-reason); "
                                                 "a passport needs the date of birth")
        if birth is None:
            raise _fail(f"{res.path}.birthDate", "the Patient has no birthDate; a passport needs the date of birth")
        date_of_birth = _full_date(birth)
        if date_of_birth is None:
            raise _fail(f"{res.path}.birthDate",
                        "the birthDate is not a full date (YYYY-MM-DD); a passport needs day, month and year")
        name, preferred = None, None
        for index, item in enumerate(res.items("name")):
            if not isinstance(item, Mapping):
                continue
            text = _name_text(item)
            if text is None:
                continue
            use = item.get("use")
            if use in ("usual", "nickname") and preferred is None and name is not None:
                preferred = text
            elif name is None and use not in ("usual", "nickname", "old", "maiden"):
                name = text
            elif use in ("usual", "nickname") and preferred is None:
                preferred = text
            else:
                self.note(f"{res.path}.name[{index}]", "only one full and one preferred name are kept")
        if name is None:
            name = preferred
            preferred = None
        if name is None:
            raise _fail(f"{res.path}.name", "the Patient has no name; a passport needs the person's name")
        sex: Sex | None = None
        gender = res.text("gender")
        if gender is not None:
            sex = {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.OTHER, "unknown": Sex.UNKNOWN}.get(gender)
        if c.EXT + "sex" in ext and _extension_value(ext[c.EXT + "sex"][0]) == "intersex":
            sex = Sex.INTERSEX
        pronouns = None
        if c.PRONOUNS_URL in ext:
            for sub in _as_list(ext[c.PRONOUNS_URL][0].get("extension")):
                if isinstance(sub, Mapping) and sub.get("url") == "value":
                    pronouns = _concept_text(sub.get("valueCodeableConcept"))
        interpreter = bool(c.INTERPRETER_URL in ext and _extension_value(ext[c.INTERPRETER_URL][0]) is True)
        identifiers = []
        reverse_ids = {uri: short for short, uri in c.IDENTIFIER_URIS.items()}
        for item in res.subs("identifier"):
            value, system = item.text("value"), item.text("system")
            type_text = _concept_text(item.get("type"))
            item.get("use")
            if value is None:
                self.note(item.path, "an identifier without a value is not kept")
                continue
            our_system = reverse_ids.get(system, system) if system else type_text
            if our_system is None:
                self.note(item.path, "an identifier without a system is not kept")
                continue
            identifiers.append(Identifier(system=our_system, value=value))
            self.done(item)
        phone, email = self.telecom(res)
        address = None
        for index, item in enumerate(res.items("address")):
            text = _address_text(item)
            if address is None and text:
                address = text
            else:
                self.note(f"{res.path}.address[{index}]", "only one address is kept")
        languages = []
        for item in res.subs("communication"):
            text = _concept_text(item.get("language"))
            item.get("preferred")
            if text:
                languages.append(text)
        photo = None
        for index, item in enumerate(res.items("photo")):
            if photo is None and isinstance(item, Mapping) and isinstance(item.get("data"), str):
                photo = f"data:{item.get('contentType') or 'application/octet-stream'};base64,{item['data']}"
                continue
            if isinstance(item, Mapping) and "url" in item and "data" not in item:
                # A URL in a received bundle could name a file on this computer; rendering
                # would embed it. Only a photo carried in the bundle itself is kept.
                self.note(f"{res.path}.photo[{index}].url", "a photo given by URL is not imported "
                          "(only a photo with inline data is kept)")
                continue
            self.note(f"{res.path}.photo[{index}]", "only one photo is kept")
        contacts = [self.contact(item) for item in res.subs("contact")]
        gp_refs = res.items("generalPractitioner")
        res.get("active")
        self.done(res)
        person = Person(
            name=name, preferred_name=preferred, date_of_birth=date_of_birth, sex=sex, pronouns=pronouns,
            identifiers=tuple(identifiers), address=address, phone=phone, email=email,
            languages=tuple(languages), interpreter_needed=interpreter, photo=photo,
        )
        return person, contacts, gp_refs

    def telecom(self, res: _Res) -> tuple[str | None, str | None]:
        phone = email = None
        for item in res.subs("telecom"):
            system, value = item.text("system"), item.text("value")
            item.get("use")
            item.get("rank")
            if system == "phone" and phone is None and value:
                phone = value
            elif system == "email" and email is None and value:
                email = value
            else:
                self.note(item.path, "only one phone number and one email address are kept")
        return phone, email

    def contact(self, res: _Res) -> Contact:
        ext = self.extensions(res, {c.EXT + "notes"})
        notes = _extension_value(ext[c.EXT + "notes"][0]) if c.EXT + "notes" in ext else None
        role: ContactRole | None = None
        relationship: str | None = None
        for concept in res.items("relationship"):
            if not isinstance(concept, Mapping):
                continue
            for system, code in _codes(concept):
                role = role or _ROLE_FROM_CODE.get((system, code))
            text = concept.get("text")
            if isinstance(text, str) and relationship is None:
                relationship = text
            elif role is None and relationship is None:
                relationship = _concept_text(concept)
        name = _name_text(res.get("name"))
        if name is None:
            organization = res.get("organization")
            name = organization.get("display") if isinstance(organization, Mapping) else None
        phone, email = self.telecom(res)
        address = _address_text(res.get("address"))
        self.done(res)
        return Contact(name=name or "(name not given)", relationship=relationship, role=role, phone=phone,
                       email=email, address=address, notes=notes if isinstance(notes, str) else None)

    def practitioner(self, reference: Any, path: str) -> CareTeamMember:
        display = _display_only(reference)
        if display is not None:
            # Other systems often name a professional without a resource for them.
            return CareTeamMember(name=display)
        res = self.resolve(reference, path)
        assert res is not None
        kind = res.data.get("resourceType")
        role = speciality = organisation = phone = email = address = None
        name = None
        if kind == "PractitionerRole":
            role = _concept_text(next(iter(res.items("code")), None))
            speciality = _concept_text(next(iter(res.items("specialty")), None))
            phone, email = self.telecom(res)
            if _display_only(res.data.get("organization")) is not None:
                organisation = _display_only(res.get("organization"))
            elif res.get("organization") is not None:
                org = self.resolve(res.get("organization"), f"{res.path}.organization")
                assert org is not None
                organisation = org.text("name")
                org.get("name")
                self.done(org)
            if _display_only(res.data.get("practitioner")) is not None:
                name = _display_only(res.get("practitioner"))
            elif res.get("practitioner") is not None:
                person = self.resolve(res.get("practitioner"), f"{res.path}.practitioner")
                assert person is not None
                name = _human_name(person.items("name"))
                address = _address_text(next(iter(person.items("address")), None))
                if phone is None and email is None:
                    phone, email = self.telecom(person)
                self.done(person)
            self.done(res)
        elif kind == "Practitioner":
            name = _human_name(res.items("name"))
            address = _address_text(next(iter(res.items("address")), None))
            phone, email = self.telecom(res)
            self.done(res)
        elif kind == "Organization":
            organisation = res.text("name")
            phone, email = self.telecom(res)
            self.done(res)
        else:
            self.note(res.path, f"a {kind} cannot be a member of the care team")
        return CareTeamMember(name=name or organisation or "(name not given)", role=role, speciality=speciality,
                              organisation=organisation if name else None, phone=phone, email=email,
                              address=address)

    def general_practitioners(self, refs: list[Any], path: str) -> list[CareTeamMember]:
        members = []
        for index, ref in enumerate(refs):
            member = self.practitioner(ref, f"{path}.generalPractitioner[{index}]")
            members.append(attrs.evolve(member, role=member.role or "GP"))
        return members

    # --- review ------------------------------------------------------------------------

    def review(self, comp: _Res, ext: dict[str, list[Mapping[str, Any]]]) -> Review:
        def date_ext(name: str) -> _dt.date | None:
            items = ext.get(c.EXT + name)
            return _full_date(_extension_value(items[0])) if items else None

        completed_by = None
        for index, author in enumerate(comp.items("author")):
            path = f"{comp.path}.author[{index}]"
            res = self.resolve(author, path, required=False)
            if res is None:
                self.note(path, "an author given only by name is not kept")
                continue
            kind = res.data.get("resourceType")
            if kind == "RelatedPerson" and completed_by is None:
                res.get("patient")
                name = _human_name(res.items("name"))
                relationship = _concept_text(next(iter(res.items("relationship")), None))
                completed_by = CompletedBy(name=name or "(name not given)", relationship=relationship)
                self.done(res)
            elif kind == "Device" and any(isinstance(d, Mapping) and d.get("name") == "rarepassport"
                                          for d in _as_list(res.data.get("deviceName"))):
                continue
            else:
                self.note(path, f"the author ({kind}) is not kept; the passport records who completed it")
        reviewed_by = None
        for index, attester in enumerate(comp.items("attester")):
            path = f"{comp.path}.attester[{index}]"
            if not isinstance(attester, Mapping):
                continue
            date = _full_date(attester.get("time"))
            if reviewed_by is not None or date is None or attester.get("party") is None:
                self.note(path, "only one professional attester with a time and a party is kept")
                continue
            member = self.practitioner(attester.get("party"), f"{path}.party")
            reviewed_by = ReviewedBy(name=member.name, role=member.role, organisation=member.organisation,
                                     date=date)
        return Review(completed_by=completed_by, created_on=date_ext("created-on"),
                      updated_on=date_ext("updated-on"), reviewed_by=reviewed_by,
                      next_review_due=date_ext("next-review-due"))

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
                self.note(section.path, "plugin sections are exported as narrative only and not imported")
                section.get("entry")
                continue
            if section.items("section"):
                self.note(f"{section.path}.section", "sub-sections are not imported")
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
                    self.note(path, "an entry given only by name, without a resource, is not imported")
                    continue
                res = self.resolve(entry, path)
                assert res is not None
                if res.data.get("resourceType") == "List":
                    # Some systems cite a List of the section's resources instead of each one.
                    for item_index, item in enumerate(res.items("entry")):
                        target = self.resolve(item.get("item") if isinstance(item, Mapping) else None,
                                              f"{res.path}.entry[{item_index}].item")
                        assert target is not None
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
            handler = handlers.get(kind)
            if handler is None:
                self.note(res.path, f"{kind} resources are not mapped to the passport")
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
        self.note(f"{section.path}.text", "the section has a narrative and no entries; its text is imported "
                                          "as an additional section, uncoded")

    def condition(self, res: _Res, section_code: str) -> None:
        codes = _codes(res.get("code"))
        if codes & c.ABSENT_PROBLEM_CODES:
            for key in ("clinicalStatus", "verificationStatus", "category", "subject"):
                res.get(key)
            self.done(res)
            return
        verification = _codes(res.get("verificationStatus"))
        ver_code = next((code for system, code in verification if system == c.CONDITION_VERIFICATION), None)
        if ver_code in ("refuted", "entered-in-error"):
            self.note(res.path, "a refuted or entered-in-error condition is not imported")
            return
        clinical = next((code for system, code in _codes(res.get("clinicalStatus"))
                         if system == c.CONDITION_CLINICAL), None)
        if clinical not in (None, "active", "recurrence", "relapse"):
            self.note(f"{res.path}.clinicalStatus", "the passport lists current conditions; "
                      "the clinical status (not active) is not kept")
        ext = self.extensions(res, {c.ASSERTED_DATE_URL, c.EXT + "primary", c.EXT + "undiagnosed"})
        status = c.VERIFICATION_TO_STATUS.get(ver_code or "confirmed", DiagnosisStatus.CONFIRMED)
        if c.EXT + "undiagnosed" in ext:
            status = DiagnosisStatus.UNDIAGNOSED
        name = _concept_text(res.get("code")) or "(condition without a name)"
        diagnosed_on = _partial(_extension_value(ext[c.ASSERTED_DATE_URL][0])) if c.ASSERTED_DATE_URL in ext \
            else None
        if diagnosed_on is None and res.get("recordedDate") is not None:
            self.note(f"{res.path}.recordedDate", "the recorded date is not the diagnosis date; not kept")
        asserter = res.get("asserter")
        diagnosed_by = None
        if isinstance(asserter, Mapping):
            diagnosed_by = asserter.get("display") if isinstance(asserter.get("display"), str) else None
            if diagnosed_by is None and asserter.get("reference"):
                diagnosed_by = self.practitioner(asserter, f"{res.path}.asserter").name
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
                assert target is not None
                if _codes(target.get("code")) & {(c.LOINC, c.GENETIC_VARIANT[0])}:
                    genetics.append(self.genetic(target))
                else:
                    self.note(target.path, "evidence other than genetic findings is not imported")
            self.done(item)
        summary, notes_text = _notes(res)
        for key in ("clinicalStatus", "verificationStatus", "category", "subject"):
            res.get(key)
        for key in ("onsetDateTime", "onsetString", "onsetAge", "onsetPeriod", "onsetRange", "severity",
                    "bodySite"):
            if key in res.data:
                res.get(key)
                self.note(f"{res.path}.{key}", "not part of the passport model; not kept")
        self.done(res)
        self.diagnoses.append(Diagnosis(
            name=name, status=status, primary=c.EXT + "primary" in ext,
            codes=_our_codings(res.data.get("code")), diagnosed_on=diagnosed_on,
            diagnosed_by=diagnosed_by, summary=summary, features=tuple(features), genetics=tuple(genetics),
            notes=notes_text,
        ))

    def genetic(self, res: _Res) -> GeneticFinding:
        self.genetic_refs.add(id(res.data))
        gene = variant = inheritance = None
        zygosity: Zygosity | None = None
        for item in res.subs("component"):
            code = {code for system, code in _codes(item.get("code")) if system == c.LOINC}
            value = item.get("valueCodeableConcept")
            text = _concept_text(value)
            if c.GENE_STUDIED[0] in code:
                gene = text
            elif c.DNA_CHANGE[0] in code:
                variant = text
            elif c.ALLELIC_STATE[0] in code:
                zygosity = _zygosity(value)
            elif c.INHERITANCE[0] in code:
                inheritance = text
            else:
                self.note(item.path, "this component of a genetic finding is not kept")
            self.done(item)
        _, notes = _notes(res)
        for key in ("status", "category", "code", "subject", "valueCodeableConcept", "effectiveDateTime"):
            res.get(key)
        self.done(res)
        return GeneticFinding(gene=gene or "(gene not given)", variant=variant, zygosity=zygosity,
                              inheritance=inheritance, notes=notes)

    def allergy(self, res: _Res, section_code: str) -> None:
        codes = _codes(res.get("code"))
        for key in ("clinicalStatus", "verificationStatus", "patient", "category", "recordedDate"):
            res.get(key)
        if codes & c.ABSENT_ALLERGY_CODES:
            self.allergy_flags.add("none")
            self.done(res)
            return
        if codes & c.UNKNOWN_ALLERGY_CODES:
            self.done(res)
            return
        if codes & c.PARTIAL_NO_ALLERGY_CODES or _says_none_known(res.data.get("code")):
            self.note(res.path, "a statement that no allergy of one kind is known is neither an allergy nor "
                                "'no known allergies'; not imported")
            return
        verification = _codes(res.data.get("verificationStatus"))
        if (c.ALLERGY_VERIFICATION, "refuted") in verification \
                or (c.ALLERGY_VERIFICATION, "entered-in-error") in verification:
            self.note(res.path, "a refuted or entered-in-error allergy is not imported")
            return
        if {code for system, code in _codes(res.data.get("clinicalStatus"))
                if system == c.ALLERGY_CLINICAL} & c.ALLERGY_NOT_ACTIVE:
            # Kept: avoiding a substance needlessly is safer than giving it.
            self.note(f"{res.path}.clinicalStatus", "the allergy is recorded as inactive or resolved; "
                      "it is imported as an allergy, check it")
        type_code = res.text("type")
        if type_code is None and isinstance(res.data.get("type"), Mapping):
            # FHIR R5 writes the type as a CodeableConcept.
            type_code = next((code for _, code in sorted(_codes(res.data["type"]))), None)
        kind = {"allergy": AllergyKind.ALLERGY, "intolerance": AllergyKind.INTOLERANCE}.get(type_code or "")
        reaction_text: str | None = None
        severity: Severity | None = None
        for index, reaction in enumerate(res.subs("reaction")):
            if index > 0:
                self.note(reaction.path, "only the first reaction is kept")
                continue
            manifestations = [_concept_text(m) for m in reaction.items("manifestation")]
            texts = [m for m in manifestations if m]
            reaction_text = "; ".join(texts) if texts else None
            severity = {"mild": Severity.MILD, "moderate": Severity.MODERATE,
                        "severe": Severity.SEVERE}.get(reaction.text("severity") or "")
            reaction.get("substance")
            self.done(reaction)
        if res.text("criticality") == "high" and severity in (None, Severity.SEVERE):
            severity = Severity.LIFE_THREATENING if severity is Severity.SEVERE else severity
        if res.text("criticality") == "high" and severity is None:
            self.note(f"{res.path}.criticality", "a high criticality without a reaction severity is not kept")
        self.done(res)
        self.allergies.append(Allergy(
            substance=_concept_text(res.data.get("code")) or "(substance not given)", reaction=reaction_text,
            severity=severity, kind=kind, codes=_our_codings(res.data.get("code")),
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
            if concept is None:
                raise _fail(f"{res.path}.medicationReference.reference",
                            "the reference does not resolve to a contained resource")
        elif concept is None and _display_only(reference) is not None:
            concept = {"text": _display_only(reference)}
        elif concept is None and reference is not None:
            referenced = self.resolve(reference, f"{res.path}.medicationReference")
            assert referenced is not None
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
                self.note(dosage.path, "only the first dosage is kept")
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
                self.done(timing, "structured timing is not kept; the passport keeps the frequency as text")
            if dose is None and dosage.items("doseAndRate"):
                dose = _dose_text(dosage.items("doseAndRate")[0])
                if dose is None:
                    # Never a made-up dose (true read as 1): say it was left out.
                    self.note(f"{dosage.path}.doseAndRate[0]", "a dose that is not a number with a unit is not kept")
            else:
                dosage.get("doseAndRate") if dose is not None and "doseAndRate" in dosage.data else None
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
            device = self.resolve(res.get("device"), f"{res.path}.device")
            assert device is not None
            for item in device.items("deviceName"):
                if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                    name = name or item["name"]
            name = name or _concept_text(device.get("type"))
            if _codes(device.data.get("type")) & c.NO_KNOWN_DEVICES or _says_none_known(device.data.get("type")):
                self.note(res.path, "a statement that no devices are known is not a device; not imported")
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
            self.note(res.path, "a statement that no procedures are known is not a procedure; not imported")
            return
        date = _partial(res.get("performedDateTime"))
        if date is None and "performedPeriod" in res.data:
            period = res.get("performedPeriod")
            date = _partial(period.get("start")) if isinstance(period, Mapping) else None
        if date is None and "performedString" in res.data:
            # A date written as text ("2019-05") is read when it starts with one.
            date = _partial(res.get("performedString"))
            if date is None and not _marked_absent(res.data, "performedString"):
                self.note(f"{res.path}.performedString", "a procedure date given as free text is not kept")
        for key in ("performedAge", "performedRange"):
            if key in res.data:
                res.get(key)
                self.note(f"{res.path}.{key}", "a procedure date given as an age or range is not kept")
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
            self.note(res.path, "a statement that no vaccinations are known is not a vaccination; not imported")
            return
        date = _partial(res.get("occurrenceDateTime"))
        if date is None and res.data.get("occurrenceString") is not None:
            # A date written as text ("2019-05") is read when it starts with one.
            date = _partial(res.get("occurrenceString"))
            if date is None and not _marked_absent(res.data, "occurrenceString"):
                self.note(f"{res.path}.occurrenceString", "a vaccination date given as free text is not kept")
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
        if (c.LOINC, c.BODY_WEIGHT[0]) in codes:
            quantity = res.get("valueQuantity")
            kg = _number(quantity.get("value")) if isinstance(quantity, Mapping) else None
            if isinstance(quantity, Mapping) and kg is None:
                # A weight of true, "12" or {} would be a made-up dose basis: never coerced.
                self.note(f"{res.path}.valueQuantity.value", "a weight that is not a number is not kept")
            elif kg is not None and isinstance(quantity, Mapping) \
                    and quantity.get("code", quantity.get("unit")) in ("kg", None):
                self.weight = Weight(kg=kg, measured_on=_full_date(res.data.get("effectiveDateTime")))
            else:
                self.note(f"{res.path}.valueQuantity", "a weight not given in kg is not kept")
        elif (c.LOINC, c.BLOOD_GROUP[0]) in codes:
            self.blood_group = res.text("valueString") or _concept_text(res.get("valueCodeableConcept"))
        elif (c.LOINC, c.GENETIC_VARIANT[0]) in codes:
            self.note(res.path, "a genetic finding not cited by a condition is not imported")
            return
        elif any(system == c.CARE_PREFERENCE for system, _ in codes):
            field = next(code for system, code in codes if system == c.CARE_PREFERENCE)
            value = res.text("valueString")
            if field in _PREFERENCE_FIELDS and value:
                self.preferences.setdefault(field, []).append(value)
            else:
                self.note(res.path, "an unknown care preference is not kept")
        elif any(system == c.ADDITIONAL_SECTION for system, _ in codes):
            title = res.data["code"].get("text") if isinstance(res.data.get("code"), Mapping) else None
            value = res.text("valueString")
            if title and value:
                self.additional.append(AdditionalSection(title=title, text=value))
        else:
            self.note(res.path, "this observation has no place in the passport")
            return
        self.done(res)

    def flag(self, res: _Res, section_code: str) -> None:
        ext = self.extensions(res, {c.EXT + "reason"})
        kinds = {code for concept in res.items("category") for system, code in _codes(concept)
                 if system == c.FLAG_KIND}
        text = _concept_text(res.get("code"))
        for key in ("status", "subject", "period", "author"):
            res.get(key)
        self.done(res)
        if not text:
            self.note(res.path, "a flag without text is not kept")
            return
        if "avoid" in kinds:
            reason = _extension_value(ext[c.EXT + "reason"][0]) if c.EXT + "reason" in ext else None
            self.avoid.append(Avoid(what=text, reason=reason if isinstance(reason, str) else None))
        elif "red-flag" in kinds:
            self.red_flags.append(text)
        elif "anaesthesia" in kinds and self.anaesthesia is None:
            self.anaesthesia = text
        else:
            # An alert from another system is what to read first: it joins the summary.
            self.summary.append(text)

    def care_plan(self, res: _Res, section_code: str) -> None:
        steps = []
        for item in res.subs("activity"):
            detail = item.sub("detail")
            if detail is not None and detail.text("description"):
                steps.append(str(detail.text("description")))
                for key in ("status", "kind", "code"):
                    detail.get(key)
                self.done(detail)
            elif detail is not None:
                self.note(detail.path, "an activity without a description is not kept")
            self.done(item)
        source_notes = [n.get("text") for n in res.items("note") if isinstance(n, Mapping)]
        author = res.get("author")
        approved_by = author.get("display") if isinstance(author, Mapping) else None
        if isinstance(author, Mapping) and approved_by is None and author.get("reference"):
            approved_by = self.practitioner(author, f"{res.path}.author").name
        for key in ("status", "intent", "category", "subject"):
            res.get(key)
        protocol = Protocol(
            title=res.text("title") or res.text("description") or "(protocol without a title)",
            when=res.text("description") if res.text("title") else None,
            steps=tuple(steps), source="\n".join(s for s in source_notes if isinstance(s, str)) or None,
            approved_by=approved_by if isinstance(approved_by, str) else None,
            approved_on=_full_date(res.get("created")),
        )
        self.done(res)
        self.protocols.append(protocol)

    def document_reference(self, res: _Res, section_code: str) -> None:
        if section_code not in (c.SECTION_ADVANCE_DIRECTIVES, ""):
            self.note(res.path, "documents outside the advance directives section are not imported")
            return
        summary = res.text("description")
        for item in res.subs("content"):
            attachment = item.sub("attachment")
            if attachment is not None:
                data = attachment.text("data")
                if summary is None and data:
                    try:
                        summary = base64.b64decode(data).decode("utf-8")
                    except (binascii.Error, UnicodeDecodeError):
                        self.note(f"{attachment.path}.data", "the attachment is not UTF-8 text")
                for key in ("contentType", "title", "url"):
                    attachment.get(key)
                self.done(attachment)
            self.done(item)
        custodian = res.get("custodian")
        where = custodian.get("display") if isinstance(custodian, Mapping) else None
        for key in ("status", "subject", "date", "category", "docStatus"):
            res.get(key)
        kind = _concept_text(res.get("type"))
        self.done(res)
        self.advance_decisions.append(AdvanceDecision(
            kind=kind or "Advance directive", summary=summary or "(no summary)",
            where_held=where if isinstance(where, str) else None,
        ))

    def consent(self, res: _Res, section_code: str) -> None:
        """An advance directive written as a Consent (as IPS 2.0 does): an advance decision."""
        if res.text("status") in ("rejected", "inactive", "entered-in-error", "draft"):
            self.note(f"{res.path}.status", "a Consent that is not in force is not imported")
            return
        categories = [text for text in (_concept_text(item) for item in res.items("category")) if text]
        provision_text = None
        provision = res.sub("provision")
        if provision is not None:
            texts = [text for text in (_concept_text(item) for item in provision.items("code")) if text]
            provision_text = "; ".join(texts) or None
            provision.get("type")
            self.done(provision)
        scope = _concept_text(res.get("scope"))
        for key in ("status", "patient"):
            res.get(key)
        self.done(res)
        self.advance_decisions.append(AdvanceDecision(
            kind=categories[0] if categories else "Advance directive",
            summary=provision_text or scope or "(no summary)",
        ))

    def care_team(self, res: _Res, section_code: str) -> None:
        for item in res.subs("participant"):
            ext = self.extensions(item, {c.EXT + "lead", c.EXT + "expert-in", c.EXT + "notes"})
            member = self.practitioner(item.get("member"), f"{item.path}.member")
            notes = _extension_value(ext[c.EXT + "notes"][0]) if c.EXT + "notes" in ext else None
            role_text = _concept_text(next(iter(item.items("role")), None))
            self.care_team_members.append(attrs.evolve(
                member,
                role=member.role or role_text,
                lead=c.EXT + "lead" in ext,
                expert_in=tuple(str(_extension_value(e)) for e in ext.get(c.EXT + "expert-in", [])),
                notes=notes if isinstance(notes, str) else None,
            ))
            self.done(item)
        for key in ("status", "subject", "name"):
            res.get(key)
        self.done(res)

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

    weight: Weight | None = None
    blood_group: str | None = None


_PREFERENCE_FIELDS = frozenset(field.name for field in attrs.fields(CarePreferences))

_ROLE_FROM_CODE: dict[tuple[str, str], ContactRole] = {
    (c.V2_0131, "C"): ContactRole.EMERGENCY,
    (c.V2_0131, "EP"): ContactRole.EMERGENCY,
    (c.V2_0131, "N"): ContactRole.NEXT_OF_KIN,
    (c.V2_0131, "O"): ContactRole.OTHER,
    (c.V3_ROLE, "PRN"): ContactRole.PARENT,
    (c.V3_ROLE, "MTH"): ContactRole.PARENT,
    (c.V3_ROLE, "FTH"): ContactRole.PARENT,
    (c.CONTACT_ROLE, "carer"): ContactRole.CARER,
}


def _human_name(names: list[Any]) -> str | None:
    for item in names:
        text = _name_text(item, with_prefix=True)
        if text:
            return text
    return None


def _address_text(address: Any) -> str | None:
    if not isinstance(address, Mapping):
        return None
    if isinstance(address.get("text"), str) and address["text"]:
        return str(address["text"])
    parts = [*_as_list(address.get("line")), address.get("city"), address.get("district"),
             address.get("state"), address.get("postalCode"), address.get("country")]
    text = ", ".join(part for part in parts if isinstance(part, str) and part)
    return text or None


def _notes(res: _Res) -> tuple[str | None, str | None]:
    """(summary, notes) from ``note``: our summary note is marked, others are notes."""
    summary, notes = None, []
    for item in res.items("note"):
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
            continue
        kinds = [e.get("valueCode") for e in _as_list(item.get("extension")) if isinstance(e, Mapping)
                 and e.get("url") == c.NOTE_KIND]
        if "summary" in kinds and summary is None:
            summary = item["text"]
        else:
            notes.append(item["text"])
    return summary, "\n\n".join(notes) if notes else None


_PERIOD_UNITS = {"s": "second", "min": "minute", "h": "hour", "d": "day", "wk": "week", "mo": "month", "a": "year"}


def _repeat_text(repeat: Any) -> str | None:
    """A simple ``Timing.repeat`` in words: ``3 times per 1 d`` → ``3 times a day``."""
    if not isinstance(repeat, Mapping) or set(repeat) - {"frequency", "period", "periodUnit"}:
        return None
    frequency, period, unit = repeat.get("frequency", 1), repeat.get("period"), repeat.get("periodUnit")
    if not _is_whole(frequency) or _number(period) is None or not isinstance(unit, str) \
            or unit not in _PERIOD_UNITS:
        return None
    times = "once" if frequency == 1 else "twice" if frequency == 2 else f"{frequency} times"
    every = f"a {_PERIOD_UNITS[unit]}" if period == 1 else f"every {period:g} {_PERIOD_UNITS[unit]}s"
    return f"{times} {every}"


def _dose_text(dose_and_rate: Any) -> str | None:
    if not isinstance(dose_and_rate, Mapping):
        return None
    quantity = dose_and_rate.get("doseQuantity")
    if isinstance(quantity, Mapping) and quantity.get("value") is not None:
        unit = quantity.get("unit") or quantity.get("code") or ""
        value = _number(quantity["value"])
        # true is not 1 mg: a dose that is not a number is left for the caller to report.
        return f"{value:g} {unit}".strip() if value is not None and isinstance(unit, str) else None
    return None


def _number(value: Any) -> float | None:
    """A FHIR decimal as a float; ``None`` for anything else (true/false, text, objects)
    and for numbers too large to be a float. Never coerced: ``true`` is not 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _zygosity(value: Any) -> Zygosity | None:
    for system, code in _codes(value):
        for zygosity, (answer, _) in c.ZYGOSITY_LOINC.items():
            if system == c.LOINC and code == answer:
                return zygosity
    text = _concept_text(value)
    if text:
        normalised = text.strip().lower().replace(" ", "-")
        for zygosity in Zygosity:
            if zygosity.value == normalised:
                return zygosity
    return None


def _is_attachment_data(path: str) -> bool:
    return path.endswith(".data")


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
        raise _fail("Bundle", "not a FHIR Bundle: expected a JSON object with \"resourceType\": \"Bundle\"")
    # Depth, size, keys and text first: a self-referencing dict, 10,000 levels or a
    # million items are refused here, before any element is read.
    shape = check_tree(bundle, "Bundle", long_text=_is_attachment_data)
    if shape:
        raise FhirImportError(shape)
    try:
        importer = _Importer(bundle)
        if bundle.get("type") != "document":
            importer.note("Bundle.type", "the bundle is not of type document; read as one anyway")
        if isinstance(bundle.get("language"), str):
            importer.bundle_language = bundle["language"]
        passport = importer.run()
    except FhirImportError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        # Every element is type-checked where it is read; this is the last line of
        # defence so that malformed input never ends in a traceback.
        raise _fail("Bundle", f"the bundle has a malformed element ({type(exc).__name__}); "
                              "check it with a FHIR validator") from None
    if importer.weight is not None or importer.blood_group is not None:
        passport = attrs.evolve(passport, person=attrs.evolve(
            passport.person, weight=importer.weight, blood_group=importer.blood_group))
    return ImportResult(passport=passport, unmapped=tuple(importer.unmapped))
