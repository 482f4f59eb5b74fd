"""Trust on the page: what the passport's signed checks say, verified in the same call.

A claim that a professional checked the passport is only ever written after its
signature was checked here, against the reader's keyring: a valid signature from a key
the reader does not trust, a section edited since signing, a damaged signature and a
typed-in reviewer with no signature are each said as such, never as "verified".
"""

from __future__ import annotations

from rarepassport.document import Alert, AlertLevel, Block, Paragraph
from rarepassport.layouts._context import LayoutContext, TrustStatement, _has_label, _reviewer_who
from rarepassport.model import Attestation, Passport, Review
from rarepassport.signing import WHOLE_PASSPORT, AttestationCheck, Keyring, TrustStatus, verify

__all__ = ["TrustStatement", "trust_statement"]


def _what(context: LayoutContext, scope: tuple[str, ...]) -> str:
    return ", ".join(_section_name(context, path) for path in scope)


def _section_name(context: LayoutContext, path: str) -> str:
    if path == WHOLE_PASSPORT:
        return context.phrase("trust.whole")
    names = path.split(".")[1:]
    if names[0] == "extensions" and len(names) > 1 and names[1] in context.plugins.sections:
        return str(context.plugins.sections[names[1]].title)
    label_id = f"section.{names[-1]}"
    return context.label(label_id) if _has_label(context, label_id) else path


def _who(attestation: Attestation) -> str:
    signer = attestation.signer
    details = ", ".join(part for part in (signer.role, signer.organisation) if part)
    return f"{signer.name} ({details})" if details else signer.name


def _line(context: LayoutContext, check: AttestationCheck) -> str:
    attestation = check.attestation
    if check.status is TrustStatus.MALFORMED:
        return context.phrase("trust.malformed")
    values = {
        "what": _what(context, attestation.scope),
        "who": _who(attestation),
        "date": context.format_date(attestation.reviewed_on),
    }
    if check.status is TrustStatus.MODIFIED:
        sections = ", ".join(_section_name(context, path) for path in check.changed)
        return context.phrase("trust.modified", sections=sections, **values)
    if check.status is TrustStatus.UNTRUSTED:
        name = "trust.revoked" if check.revoked else "trust.expired" if check.expired else "trust.untrusted"
        return context.phrase(name, **values)
    return context.phrase("trust.verified", **values)


def trust_statement(context: LayoutContext, passport: Passport, trust: Keyring | None) -> TrustStatement:
    """Check the passport's attestations against ``trust`` and word the result for the page.

    Warnings for the Document (a check that no longer applies, a signature that cannot
    be checked) name the attestation's JSON path and the changed sections' paths, never
    a value.
    """
    checks = verify(passport, trust, plugins=context.plugins).checks
    lines: list[str] = []
    blocks: list[Block] = []
    title = context.phrase("trust.title")
    for check in checks:
        line = _line(context, check)
        lines.append(line)
        if check.status is TrustStatus.TRUSTED:
            blocks.append(Paragraph(text=line))
        else:
            blocks.append(Alert(text=line, level=AlertLevel.WARNING, title=title))
        if check.status is TrustStatus.MODIFIED:
            context.warn(context.phrase("trust.warning_modified", path=check.path, sections=", ".join(check.changed)))
        elif check.status is TrustStatus.MALFORMED:
            context.warn(context.phrase("trust.warning_malformed", path=check.path))
    trusted = [check for check in checks if check.status is TrustStatus.TRUSTED]
    reviewer = passport.review.reviewed_by
    shown = context.shows(Passport, "review") and context.shows(Review, "reviewed_by")
    typed_in = reviewer is not None and shown and not any(
        check.attestation.signer.name == reviewer.name for check in trusted
    )
    if typed_in:
        assert reviewer is not None
        who, date = _reviewer_who(context, reviewer), context.format_date(reviewer.date)
        typed = context.phrase("trust.typed", who=who, date=date)
        lines.append(typed)
        blocks.append(Paragraph(text=typed))
    if not lines:
        # On every page (header and footer); the review section keeps to what it has.
        lines.append(context.phrase("trust.unsigned"))
    short, alarming = _short(context, checks, typed_in=typed_in)
    return TrustStatement(long="; ".join(lines), short=short, alarming=alarming, blocks=tuple(blocks))


def _short(context: LayoutContext, checks: tuple[AttestationCheck, ...], *, typed_in: bool) -> tuple[str, bool]:
    modified = [check for check in checks if check.status is TrustStatus.MODIFIED]
    if modified:
        date = context.format_date(modified[0].attestation.reviewed_on)
        return context.phrase("trust.short_modified", date=date), True
    if any(check.status is TrustStatus.MALFORMED for check in checks):
        return context.phrase("trust.short_unverified"), True
    trusted = [check for check in checks if check.status is TrustStatus.TRUSTED]
    if trusted:
        attestation = trusted[0].attestation
        date = context.format_date(attestation.reviewed_on)
        # The card names what was checked: a check of the protocols is not a check of the whole card.
        what = _what(context, attestation.scope)
        return context.phrase("trust.short_verified", what=what, who=attestation.signer.name, date=date), False
    if checks or typed_in:
        # A typed-in reviewer: the card must not say "not checked" where the page names a
        # reviewer, nor "checked": the check is there, unverified.
        return context.phrase("trust.short_unverified"), False
    return context.phrase("trust.short_unsigned"), False
