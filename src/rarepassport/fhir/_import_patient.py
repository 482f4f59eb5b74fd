"""Reading the Patient, its contacts, professionals and the document's review."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.errors import Message
from rarepassport.fhir import _common as c
from rarepassport.model import (
    CareTeamMember,
    CompletedBy,
    Contact,
    ContactRole,
    Identifier,
    Person,
    Review,
    ReviewedBy,
    Sex,
)

if TYPE_CHECKING:
    pass
from rarepassport.fhir._import_base import _ImporterBase
from rarepassport.fhir._read import (
    _ROLE_FROM_CODE,
    _address_text,
    _as_list,
    _codes,
    _concept_text,
    _display_only,
    _extension_value,
    _fail,
    _full_date,
    _human_name,
    _name_text,
    _named,
    _Res,
)

JSON = dict[str, Any]


class _PatientReader(_ImporterBase):
    # --- patient -----------------------------------------------------------------------

    def person(self, res: _Res) -> tuple[Person, list[Contact], list[Any]]:
        ext = self.extensions(res, {c.EXT + "sex", c.INTERPRETER_URL, c.PRONOUNS_URL})
        # Degrade, never refuse: without a usable birth date the passport says the date
        # of birth is not known (null), which validation reports, and so does this import.
        birth = res.get("birthDate")
        absent = res.get("_birthDate")
        date_of_birth = _full_date(birth) if birth is not None else None
        if birth is None and isinstance(absent, Mapping):
            self.note(f"{res.path}.birthDate", Message("fhir.unmapped.birth-date-absent",
                                                       "marked absent (data-absent-reason): the passport says the date "
                                                       "of birth is not known"))
        elif birth is None:
            self.note(f"{res.path}.birthDate", Message("fhir.unmapped.no-birth-date",
                "the Patient has no birthDate: the passport says the date of birth "
                "is not known"))
        elif date_of_birth is None:
            self.note(f"{res.path}.birthDate", Message("fhir.unmapped.birth-date-partial",
                "not a full date (YYYY-MM-DD): the passport says the date of birth "
                "is not known; add it by hand"))
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
                self.note(f"{res.path}.name[{index}]", Message("fhir.unmapped.one-name-each",
                                                               "only one full and one preferred name are kept"))
        if name is None:
            name = preferred
            preferred = None
        if name is None:
            raise _fail(f"{res.path}.name", Message("fhir.import.patient-without-name",
                                                    "the Patient has no name; a passport needs the person's name"))
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
                self.note(item.path, Message("fhir.unmapped.identifier-without-value",
                                             "an identifier without a value is not kept"))
                continue
            our_system = reverse_ids.get(system, system) if system else type_text
            if our_system is None:
                self.note(item.path, Message("fhir.unmapped.identifier-without-system",
                                             "an identifier without a system is not kept"))
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
                self.note(f"{res.path}.address[{index}]", Message("fhir.unmapped.one-address",
                                                                  "only one address is kept"))
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
                self.note(f"{res.path}.photo[{index}].url", Message("fhir.unmapped.photo-by-url",
                                                                    "a photo given by URL is not imported "
                                                                    "(only a photo with inline data is kept)"))
                continue
            self.note(f"{res.path}.photo[{index}]", Message("fhir.unmapped.one-photo", "only one photo is kept"))
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
                self.note(item.path, Message("fhir.unmapped.one-phone-email",
                                             "only one phone number and one email address are kept"))
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

    def practitioner(self, reference: Any, path: str) -> CareTeamMember | None:
        """The professional a Reference names; ``None`` (reported) when it names no one.

        A reference that does not resolve keeps its display name: the professional is
        not clinical content, and their name is still worth having.
        """
        display = _display_only(reference)
        if display is not None:
            # Other systems often name a professional without a resource for them.
            return CareTeamMember(name=display)
        named = _named(reference)
        res = self.resolve(reference, path, instead="display-name-kept" if named else
                           "professional-not-imported")
        if res is None:
            return CareTeamMember(name=named) if named else None
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
                org = self.resolve(res.get("organization"), f"{res.path}.organization",
                                   instead="organisation-name-kept")
                if org is None:
                    organisation = _named(res.data.get("organization"))
                else:
                    organisation = org.text("name")
                    org.get("name")
                    self.done(org)
            if _display_only(res.data.get("practitioner")) is not None:
                name = _display_only(res.get("practitioner"))
            elif res.get("practitioner") is not None:
                person = self.resolve(res.get("practitioner"), f"{res.path}.practitioner",
                                      instead="practitioner-name-kept")
                if person is None:
                    name = _named(res.data.get("practitioner"))
                else:
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
            self.note(res.path, Message("fhir.unmapped.not-care-team", "a {kind} cannot be a member of the care team",
                                        kind=str(kind)))
        return CareTeamMember(name=name or organisation or "(name not given)", role=role, speciality=speciality,
                              organisation=organisation if name else None, phone=phone, email=email,
                              address=address)

    def general_practitioners(self, refs: list[Any], path: str) -> list[CareTeamMember]:
        members = []
        for index, ref in enumerate(refs):
            member = self.practitioner(ref, f"{path}.generalPractitioner[{index}]")
            if member is None:
                continue
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
            if not isinstance(author, Mapping) or not isinstance(author.get("reference"), str):
                self.note(path, Message("fhir.unmapped.author-by-name", "an author given only by name is not kept"))
                continue
            res = self.resolve(author, path, instead="author-not-kept")
            if res is None:
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
                self.note(path, Message("fhir.unmapped.author-kind", "the author ({kind}) is not kept; the passport "
                                        "records who completed it", kind=str(kind)))
        reviewed_by = None
        for index, attester in enumerate(comp.items("attester")):
            path = f"{comp.path}.attester[{index}]"
            if not isinstance(attester, Mapping):
                continue
            date = _full_date(attester.get("time"))
            if reviewed_by is not None or date is None or attester.get("party") is None:
                self.note(path, Message("fhir.unmapped.one-attester",
                                        "only one professional attester with a time and a party is kept"))
                continue
            member = self.practitioner(attester.get("party"), f"{path}.party")
            if member is None:
                continue
            reviewed_by = ReviewedBy(name=member.name, role=member.role, organisation=member.organisation,
                                     date=date)
        return Review(completed_by=completed_by, created_on=date_ext("created-on"),
                      updated_on=date_ext("updated-on"), reviewed_by=reviewed_by,
                      next_review_due=date_ext("next-review-due"))
