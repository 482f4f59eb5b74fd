"""Reading flags, care plans, advance directives, consents and care teams."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.errors import Message
from rarepassport.fhir import _common as c
from rarepassport.model import (
    AdvanceDecision,
    Avoid,
    Protocol,
)

if TYPE_CHECKING:
    pass
from rarepassport.fhir._import_clinical import _ClinicalReader
from rarepassport.fhir._read import (
    _codes,
    _concept_text,
    _extension_value,
    _full_date,
    _Res,
)

JSON = dict[str, Any]


class _EmergencyReader(_ClinicalReader):
    def flag(self, res: _Res, section_code: str) -> None:
        if not self.is_current(res):
            # An inactive alert read as current would head the emergency summary.
            return
        ext = self.extensions(res, {c.EXT + "reason"})
        kinds = {code for concept in res.items("category") for system, code in _codes(concept)
                 if system == c.FLAG_KIND}
        text = _concept_text(res.get("code"))
        for key in ("status", "subject", "period", "author"):
            res.get(key)
        self.done(res)
        if not text:
            self.note(res.path, Message("fhir.unmapped.flag-without-text", "a flag without text is not kept"))
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
                self.note(detail.path, Message("fhir.unmapped.activity-without-description",
                                               "an activity without a description is not kept"))
            self.done(item)
        source_notes = [n.get("text") for n in res.items("note") if isinstance(n, Mapping)]
        author = res.get("author")
        approved_by = author.get("display") if isinstance(author, Mapping) else None
        if isinstance(author, Mapping) and approved_by is None and author.get("reference"):
            member = self.practitioner(author, f"{res.path}.author")
            approved_by = member.name if member is not None else None
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
            self.note(res.path, Message("fhir.unmapped.document-outside-directives",
                                        "documents outside the advance directives section are not imported"))
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
                        self.note(f"{attachment.path}.data", Message("fhir.unmapped.attachment-not-utf8",
                                                                     "the attachment is not UTF-8 text"))
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
            self.note(f"{res.path}.status", Message("fhir.unmapped.consent-not-in-force",
                                                    "a Consent that is not in force is not imported"))
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
            if member is None:
                self.done(item)
                continue
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
