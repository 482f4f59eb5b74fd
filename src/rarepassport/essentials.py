"""Emergency essentials: what matters most in the first minutes, in clinical order.

The wallet card, the emergency QR code and any other small format (a lock-screen
image, an SMS) carry the same thing: the *essentials*, built here, once, directly from
the [`Passport`][rarepassport.Passport] and the registered plugins, never by reading a
laid-out table back. Layout builds them for every document
([`rarepassport.document.Document.essentials`][rarepassport.Document]), so a backend only fits and draws.

Each line belongs to one `ClinicalClass`, and the classes
are kept in one clinical priority order (`CLINICAL_ORDER`):

======================  ==========================================================
class                   what, and the order inside the class
======================  ==========================================================
identity                name and date of birth (always shown, never left off)
diagnosis               the main condition first, then confirmed, provisional,
                        suspected and undiagnosed ones, each status said plainly
summary                 the emergency summary's first sentences (up to
                        [`SUMMARY_HEAD_CHARACTERS`][rarepassport.essentials]); the rest comes last
emergency-treatment     the owner's emergency dose or regimen: condition-plugin fields
                        of this class, the emphasised dose first
allergy                 life-threatening, severe, unknown severity, moderate, mild;
                        allergies before intolerances of the same severity
time-critical           medicines that must not be missed or delayed
specialist-contact      the open-access ward, 24-hour teams, the lead clinician
emergency-contact       one person to call (emergency role first, then parents,
                        carers and next of kin)
weight                  with its date, for a child or when a dose is per kg
protocol                the owner's first protocol: when to use it, then each step
avoid                   drugs, procedures and situations to avoid
red-flag                signs that need urgent help
further-protocol        the owner's other protocols
device                  devices and implants
anaesthesia             notes for anaesthesia
context                 anything else a plugin asks to show, then the rest of the summary
======================  ==========================================================

When a format cannot hold everything, [`fit`][rarepassport.essentials.fit] keeps whole classes in that order;
the first class that does not fit whole is shortened from its least urgent end and
says so ("Allergies: Penicillin (anaphylaxis) +2 more — see passport"), and nothing of
a less urgent class is shown after it. A class of which not even one item fits gives
its room to the classes after it rather than a title over a count, and the format ends
naming it ("Also in the full passport: MCAD deficiency; ..."). A list that is shown is
never one that reads as complete when it is not.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.clinical import CLINICAL_ORDER, ClinicalClass
from rarepassport.model import (
    AllergiesStatus,
    AllergyKind,
    CareTeamMember,
    Coding,
    Contact,
    ContactRole,
    Criticality,
    Diagnosis,
    DiagnosisStatus,
    Emergency,
    Link,
    Medication,
    PartialDate,
    Passport,
    Person,
    Protocol,
    Severity,
    Weight,
)

if TYPE_CHECKING:
    from rarepassport.layouts import LayoutContext

__all__ = [
    "BACK",
    "CARD_SIDES",
    "FRONT",
    "EssentialGroup",
    "EssentialItem",
    "Essentials",
    "Line",
    "Span",
    "bilingual",
    "build_essentials",
    "contacts_in_call_order",
    "fit",
    "join_label",
    "label_parts",
    "lines",
    "weight_text",
]

#: How a label and its value are joined when no catalogue says otherwise (English).
LABEL_VALUE = "{label}: {value}"


def label_parts(template: str, label: str) -> tuple[str, str]:
    """What is written before and after a value labelled ``label``.

    Args:
        template: The language's ``phrase.label_value``, e.g. ``"{label} : {value}"``
            in French or ``"{label}：{value}"`` in Chinese; with each placeholder once.
        label: The label.

    Returns:
        ``(before, after)``: for French ``("Date de naissance : ", "")``. A template
        without exactly one ``{label}`` and one ``{value}`` gives the English join.
    """
    if template.count("{label}") != 1 or template.count("{value}") != 1:
        template = LABEL_VALUE
    before, _, after = template.partition("{value}")
    return before.replace("{label}", label), after.replace("{label}", label)


def join_label(template: str, label: str, value: str) -> str:
    """``value`` labelled ``label`` as the language writes it (see `label_parts`)."""
    before, after = label_parts(template, label)
    return f"{before}{value}{after}"


#: The two sides of a wallet card.
FRONT, BACK = "front", "back"

#: Which side of a wallet card each class goes on: who the person is and what they
#: have on the front; what to do, whom to call and what to avoid on the back.
CARD_SIDES: Mapping[ClinicalClass, str] = {
    ClinicalClass.IDENTITY: FRONT,
    ClinicalClass.DIAGNOSIS: FRONT,
    ClinicalClass.SUMMARY: FRONT,
    ClinicalClass.ALLERGY: FRONT,
    ClinicalClass.TIME_CRITICAL: FRONT,
    ClinicalClass.WEIGHT: FRONT,
    ClinicalClass.DEVICE: FRONT,
    ClinicalClass.EMERGENCY_TREATMENT: BACK,
    ClinicalClass.SPECIALIST_CONTACT: BACK,
    ClinicalClass.EMERGENCY_CONTACT: BACK,
    ClinicalClass.PROTOCOL: BACK,
    ClinicalClass.AVOID: BACK,
    ClinicalClass.RED_FLAG: BACK,
    ClinicalClass.FURTHER_PROTOCOL: BACK,
    ClinicalClass.ANAESTHESIA: BACK,
    ClinicalClass.CONTEXT: BACK,
}

#: Small formats show the emergency summary's first sentences, up to this many
#: characters (at least one sentence), in its place; the rest comes last (``context``).
SUMMARY_HEAD_CHARACTERS = 160

#: A child's emergency doses are per kilogram: below this age the weight is shown.
CHILD_WEIGHT_AGE = 18

_RANK = {klass: index for index, klass in enumerate(CLINICAL_ORDER)}


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _items(values: Iterable[EssentialItem]) -> tuple[EssentialItem, ...]:
    return tuple(values)


def _groups(values: Iterable[EssentialGroup]) -> tuple[EssentialGroup, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class EssentialItem:
    """One line, or one part of a line, of the essentials.

    Attributes:
        text: What it says, written for people (dates spelled out, enums worded).
        path: The JSON path it comes from, e.g. ``$.allergies[2]``, so a drawing
            problem can name the field.
        lead: A label written before the text, e.g. ``Emergency hydrocortisone dose``.
        number: The step number of a protocol step.
        strong: Draw it in bold (an emergency dose, a life-threatening allergy).
    """

    text: str
    path: str
    lead: str = ""
    number: int | None = None
    strong: bool = False


@attrs.frozen(kw_only=True)
class EssentialGroup:
    """The items of one clinical class from one source, under one title.

    Attributes:
        key: A stable id, e.g. ``allergy``, ``protocol.0``, ``extensions.haemophilia.emergency-treatment``.
        clinical_class: Its place in the clinical priority order.
        title: The translated title, e.g. *Allergies*; ``""`` for none.
        items: The items, most urgent first.
        run_on: Items are written one after another in one paragraph
            (*Allergies: a; b*); otherwise one a line under the title.
        sentences: Items are sentences of one text, joined with spaces.
        omitted: How many of the class's items were left off by [`fit`][rarepassport.essentials.fit].
        more: The phrase that says so, ``{count}`` filled in, e.g.
            *+2 more — see passport*; ``""`` when nothing was left off.
        title_language: BCP 47 tag of the title when it is not in the essentials'
            language, else ``None``: ``"en"`` for a plugin section's title with no
            translation in it (shown in English).
    """

    key: str
    clinical_class: ClinicalClass
    title: str
    items: tuple[EssentialItem, ...] = attrs.field(converter=_items)
    title_language: str | None = None
    run_on: bool = True
    sentences: bool = False
    omitted: int = 0
    more: str = ""
    more_template: str = attrs.field(default="", repr=False)
    label_value: str = attrs.field(default=LABEL_VALUE, repr=False)
    """How the language joins an item's lead and text, and the title and the items (``phrase.label_value``)."""

    @property
    def side(self) -> str:
        """The side of a wallet card the group goes on."""
        return CARD_SIDES[self.clinical_class]

    @property
    def numbered(self) -> bool:
        """Whether the items are protocol steps."""
        return any(item.number is not None for item in self.items)

    def shortened(self, keep: int) -> EssentialGroup:
        """The group with only its first ``keep`` items, saying how many were left off."""
        total = len(self.items) + self.omitted
        keep = max(0, min(keep, len(self.items)))
        omitted = total - keep
        more = self.more_template.format(count=omitted) if omitted else ""
        return attrs.evolve(self, items=self.items[:keep], omitted=omitted, more=more)

    def text(self, separator: str = "; ", *, own_lines: bool = False) -> str:
        """The group's items as one run-on text, with its "+N more" phrase if any.

        With ``own_lines``, each item and the "+N more" phrase on a line of its own
        (``"\n"`` between them): what a right-to-left document draws when items hold
        left-to-right text, so that a wrapped item's end and the next item never share a
        line in right-to-left order (hazard H145).
        """
        if own_lines:
            parts = [join_label(self.label_value, item.lead, item.text) if item.lead else item.text
                     for item in self.items]
            return "\n".join([*parts, self.more] if self.more else parts)
        text = ""
        for item in self.items:
            part = join_label(self.label_value, item.lead, item.text) if item.lead else item.text
            if text:
                # Sentences follow each other; short items are kept apart by the separator.
                text += " " if self.sentences or text[-1] in ".!?:;" else separator
            text += part
        if self.more:
            text = f"{text} {self.more}" if text else self.more
        return text


@attrs.frozen(kw_only=True)
class Essentials:
    """The emergency essentials of a passport, in clinical priority order.

    Attributes:
        name: The person's name.
        date_of_birth: The date of birth, written for people (``""`` outside the view).
        date_of_birth_label: The label for it, e.g. *Date of birth*.
        updated_on: "Updated on 2 March 2026", or ``None``.
        review_due: "Review due 1 March 2027", or ``None``.
        overdue: The overdue notice when the review date has passed, else ``None``.
        groups: Every group, most urgent first.
        more_in_full: The phrase that ends a shortened format ("More in the full passport").
        also_in_full: The same, naming what was left off (``{sections}``).
        also_in_full_and_more: The same, naming some of it ("Also in the full passport:
            {sections} and more"), for the classes that gave their room to the next.
        notices: Notices about the passport itself that every small format shows in
            red before anything else, e.g. that it has validation errors.
        label_value: How the language joins a label and its value
            (``phrase.label_value``, e.g. ``"{label} : {value}"`` in French).
        trust: The short form of who checked it, verified when it was laid out ("Checked by
            Dr … , 2 March 2026: signature verified", "Not checked by a professional"), or ``None``.
        trust_alarming: ``trust`` warns: a signed check no longer applies or cannot be checked.
    """

    name: str
    date_of_birth: str
    date_of_birth_label: str
    groups: tuple[EssentialGroup, ...] = attrs.field(converter=_groups)
    updated_on: str | None = None
    review_due: str | None = None
    overdue: str | None = None
    more_in_full: str = ""
    notices: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    also_in_full: str = attrs.field(default="{sections}", repr=False)
    also_in_full_and_more: str = attrs.field(default="{sections}", repr=False)
    label_value: str = attrs.field(default=LABEL_VALUE, repr=False)
    trust: str | None = None
    trust_alarming: bool = False

    def endings(self, groups: Sequence[EssentialGroup], shown: Sequence[EssentialGroup]) -> tuple[str, ...]:
        """The lines that may end a format showing ``shown`` of ``groups``, best first.

        ``("",)`` when nothing was left off. Otherwise the line naming everything left
        off entirely, then the plain "More in the full passport" for when that is too
        long. Before the plain line comes a shorter one naming the first minutes'
        classes left off (diagnoses, summary, emergency treatment, allergies,
        time-critical medicines: "Also in the full passport: Allergies and more"). A
        class left off entirely ahead of one that is shown (it gave its room, see
        [`fit`][rarepassport.essentials.fit]) is named by every line offered, and the
        plain line is then not offered.
        """
        if not left_off(groups, shown):
            return ("",)
        named = self.ending(groups, shown)
        titles = list(dict.fromkeys(_left_off_titles(groups, shown)))
        passed = _left_off_titles(groups, shown, passed_over=True)
        # The first minutes' classes (allergies, time-critical medicines...) left off are
        # named by the shorter line; a class that gave its room is named by every line.
        shorter = list(dict.fromkeys(_left_off_titles(groups, shown, passed_over=True, most_urgent=True)))
        endings = [named]
        if shorter and shorter != titles:
            endings.append(self.also_in_full_and_more.format(sections="; ".join(shorter)))
        if not passed:
            # Never at the cost of what is shown: without the room to name them, the
            # plain line (what is shown stays, an emergency dose before any name).
            endings.append(self.more_in_full)
        return tuple(dict.fromkeys(endings))

    def ending(self, groups: Sequence[EssentialGroup], shown: Sequence[EssentialGroup]) -> str:
        """The line that ends a format showing ``shown`` of ``groups``; ``""`` when complete.

        It names the groups left off entirely (a second protocol, the red flags), so a
        reader knows what the passport has that the card does not.
        """
        missing = left_off(groups, shown)
        if not missing:
            return ""
        titles = _left_off_titles(groups, shown)
        if not titles:
            return self.more_in_full
        return self.also_in_full.format(sections="; ".join(dict.fromkeys(titles)))

    def side(self, side: str) -> tuple[EssentialGroup, ...]:
        """The groups of one side of a wallet card, most urgent first."""
        return tuple(group for group in self.groups if group.side == side)

    @property
    def identity_lines(self) -> tuple[str, ...]:
        """Name and date of birth, labelled, as text lines."""
        return (self.name, self.date_of_birth_line) if self.date_of_birth else (self.name,)

    @property
    def date_of_birth_line(self) -> str:
        """The date of birth after its label, as the language joins them; ``""`` outside the view."""
        if not self.date_of_birth:
            return ""
        return join_label(self.label_value, self.date_of_birth_label, self.date_of_birth)

    @property
    def currency_lines(self) -> tuple[str, ...]:
        """Notices, the overdue notice, when it was updated and when it is due for review."""
        return tuple(line for line in (*self.notices, self.overdue, self.updated_on, self.review_due) if line)


def fit(groups: Sequence[EssentialGroup], fits: Callable[[list[EssentialGroup]], bool]) -> list[EssentialGroup]:
    """The groups to show when not everything fits, in strict clinical priority.

    Whole groups are kept in order while they fit. The first group that does not fit
    whole is shortened to as many of its items as fit and says how many were left off;
    nothing less urgent is shown after it, so the format never shows a later class
    while an earlier one is partly shown.

    A group of which not even one item fits gives its room to the groups after it,
    fitted the same way, and the format's ending names it ("Also in the full passport:
    ...", see `Essentials.endings`, which then never offers the plain "More in the
    full passport"). So an emergency treatment too long for a lock screen leaves room
    for the allergies after it instead of a title over a count. Only when no group
    after it can use the room is it kept as its title and "+N more".

    Args:
        groups: Groups, most urgent first.
        fits: Whether a list of groups fits the format (it must be monotonic: fewer
            items never fit worse).

    Returns:
        The groups to draw; the last may be shortened.
    """
    return _fit(groups, fits, [], title_over_count=True)


def _fit(groups: Sequence[EssentialGroup], fits: Callable[[list[EssentialGroup]], bool],
         kept: list[EssentialGroup], *, title_over_count: bool) -> list[EssentialGroup]:
    """`fit` after ``kept``; a group that shows no item is kept as its title only with ``title_over_count``."""
    kept = list(kept)
    for index, group in enumerate(groups):
        if fits([*kept, group]):
            kept.append(group)
            continue
        if len(group.items) < 2 or not fits([*kept, group.shortened(1)]):
            # Not one item fits: the groups after it have the room, fitted the same way
            # (the ending names this one). Only when none of them can show an item is
            # the group kept as its title and "+N more", which says what the ending would.
            rest = _fit(groups[index + 1:], fits, kept, title_over_count=False)
            if len(rest) > len(kept):
                return rest
            if title_over_count and fits([*kept, group.shortened(0)]):
                kept.append(group.shortened(0))
            break
        # Largest number of leading items that fits, found by binary search.
        low, high = 1, len(group.items) - 1  # low: known to fit
        while low < high:
            middle = (low + high + 1) // 2
            if fits([*kept, group.shortened(middle)]):
                low = middle
            else:
                high = middle - 1
        kept.append(group.shortened(low))
        break
    return kept


#: Classes named in the ending whenever they are left off, however short it must be.
_FIRST_MINUTES = frozenset({ClinicalClass.DIAGNOSIS, ClinicalClass.SUMMARY, ClinicalClass.EMERGENCY_TREATMENT,
                            ClinicalClass.ALLERGY, ClinicalClass.TIME_CRITICAL})


def _left_off_titles(groups: Sequence[EssentialGroup], shown: Sequence[EssentialGroup], *,
                     passed_over: bool = False, most_urgent: bool = False) -> list[str]:
    """Titles of the groups left off entirely, most urgent first.

    With ``passed_over``, only those ahead of a group that is shown (they gave it their
    room); with ``most_urgent`` as well, those and the first minutes' classes.
    """
    shown_keys = {group.key for group in shown}
    last = max((index for index, group in enumerate(groups) if group.key in shown_keys), default=-1)
    return [
        group.title for index, group in enumerate(groups)
        if group.key not in shown_keys and group.title
        and (not passed_over or index < last or (most_urgent and group.clinical_class in _FIRST_MINUTES))
    ]


@attrs.frozen
class Span:
    """A run of text in one weight, with the JSON path it comes from.

    ``starts_item`` marks a run that begins a further item of a run-on group (the second
    allergy, the "+N more"): a right-to-left small format starts it on a new line.
    """

    text: str
    strong: bool
    path: str
    starts_item: bool = False


@attrs.frozen
class Line:
    """A paragraph of a small format: spans flowing one into the next.

    Attributes:
        spans: The text, in order.
        number: A protocol step's number (``"3."``), drawn hanging beside the text.
        alert: Draw it as a notice (the "+N more" and "Also in the full passport" lines).
    """

    spans: tuple[Span, ...]
    number: str = ""
    alert: bool = False


def lines(groups: Sequence[EssentialGroup], ending: str = "") -> list[Line]:
    """The words of ``groups`` as the paragraphs every small format draws, then ``ending``.

    One place decides them for the card, the lock screen and any other small format: a
    run-on group is one paragraph (*Allergies: a; b +2 more — see passport*); any other
    group has its title on a line, then one line per item (a step beside its number, a
    plugin field after its bold label), then its "+N more" line.
    """
    result: list[Line] = []
    for group in groups:
        path = group.items[0].path if group.items else f"essentials.{group.key}"
        join = group.label_value
        if group.run_on:
            before, after = label_parts(join, group.title) if group.title else ("", "")
            spans = [Span(before, True, path)] if before else []
            previous = ""
            for item in group.items:
                text = join_label(join, item.lead, item.text) if item.lead else item.text
                # Sentences follow each other; short items are kept apart by "; ".
                joiner = "" if not previous else " " if group.sentences or previous[-1] in ".!?:;" else "; "
                spans.append(Span(joiner + text, item.strong, item.path, starts_item=bool(previous)))
                previous = text
            if group.more:
                spans.append(Span((" " if group.items else "") + group.more, True, path,
                                  starts_item=bool(group.items)))
            if after:
                spans.append(Span(after, True, path))
            result.append(Line(tuple(spans)))
            continue
        if group.title:
            result.append(Line((Span(group.title, True, path),)))
        for item in group.items:
            if item.number is not None:
                result.append(Line((Span(item.text, item.strong, item.path),), number=f"{item.number}."))
            elif item.lead:
                before, after = label_parts(join, item.lead)
                spans = [Span(before, True, item.path), Span(item.text, item.strong, item.path)]
                result.append(Line(tuple([*spans, Span(after, True, item.path)] if after else spans)))
            else:
                result.append(Line((Span(item.text, item.strong, item.path),)))
        if group.more:
            result.append(Line((Span(group.more, True, path),), alert=True))
    if ending:
        result.append(Line((Span(ending, True, "essentials"),), alert=True))
    return result


def left_off(groups: Sequence[EssentialGroup], shown: Sequence[EssentialGroup]) -> dict[str, int]:
    """How many items of each group key were left off (for reports, never values)."""
    counts = {group.key: len(group.items) + group.omitted for group in groups}
    for group in shown:
        counts[group.key] -= len(group.items)
    return {key: count for key, count in counts.items() if count}


def _both(first: str, second: str, separator: str) -> str:
    """``first / second``; one of them alone when the other is empty or the same."""
    if not first or not second or first == second:
        return first or second
    return f"{first}{separator}{second}"


_WORD = re.compile(r"[^\W\d_]{2,}")


def _all_catalogue_words(first: str, second: str) -> bool:
    """Whether two layouts of one item share no word: then the whole text is the
    catalogue's (*Aucune allergie connue* / *No known allergies*), not the person's,
    whose words are the same in every language."""
    words = {word.casefold() for word in _WORD.findall(first)}
    return first != second and not words & {word.casefold() for word in _WORD.findall(second)}


def bilingual(first: Essentials, second: Essentials, separator: str = " / ") -> Essentials:
    """``first`` with its labels also in the language of ``second``: values once.

    For a card read abroad (``second_language=``): group titles, the labels before a
    value (*Allergies / Alergias*), the date-of-birth label, the "+N more — see
    passport" and "More in the full passport" phrases and the overdue notice are given
    in both languages, the first first; so is the date of birth, the check of who the
    card is for, when the two languages write it differently (a reader of the second
    language may not read the first's month names or script), and an item that is
    wholly a fixed phrase (*Aucune allergie connue / No known allergies*: the two
    languages' texts share no word). The other values (the person's text, the words
    inside them such as a diagnosis's status) come once, from ``first``. Both
    must be built from the same passport and view, so their groups and items match; a
    group or item that has no counterpart keeps its first-language label alone.

    Args:
        first: The essentials in the output language.
        second: The same essentials in the second language.
        separator: What goes between the two languages' words.

    Returns:
        Essentials with bilingual labels, to draw like any other.
    """
    counterparts = {group.key: group for group in second.groups}

    def group_in_both(group: EssentialGroup) -> EssentialGroup:
        other = counterparts.get(group.key)
        if other is None:
            return group
        items = tuple(
            attrs.evolve(item, lead=_both(item.lead, other_item.lead, separator),
                         text=_both(item.text, other_item.text, separator)
                         if _all_catalogue_words(item.text, other_item.text) else item.text)
            if other_item.path == item.path else item
            for item, other_item in zip(group.items, other.items, strict=False)
        ) + group.items[len(other.items):]
        return attrs.evolve(
            group, title=_both(group.title, other.title, separator), items=items,
            more_template=_both(group.more_template, other.more_template, separator),
            more=_both(group.more, other.more, separator),
        )

    return attrs.evolve(
        first,
        date_of_birth_label=_both(first.date_of_birth_label, second.date_of_birth_label, separator),
        # Each date kept whole on its line: the line breaks between the two.
        date_of_birth=_both(first.date_of_birth.replace(" ", "\u00a0"),
                            second.date_of_birth.replace(" ", "\u00a0"), separator)
        if first.date_of_birth != second.date_of_birth else first.date_of_birth,
        groups=tuple(group_in_both(group) for group in first.groups),
        overdue=_both(first.overdue or "", second.overdue or "", separator) or None,
        more_in_full=_both(first.more_in_full, second.more_in_full, separator),
        also_in_full=_both(first.also_in_full, second.more_in_full, separator),
        also_in_full_and_more=_both(first.also_in_full_and_more, second.more_in_full, separator),
    )


# --- building ------------------------------------------------------------------------


_CALL_ORDER = {ContactRole.EMERGENCY: 0, ContactRole.PARENT: 1, ContactRole.CARER: 1, ContactRole.NEXT_OF_KIN: 1}


def contacts_in_call_order(contacts: Sequence[Contact]) -> list[Contact]:
    """Emergency contacts first, then parents, carers and next of kin, then others.

    Within each group the owner's order is kept; whoever reads one line (a wallet card,
    a paramedic) calls the right person.
    """
    return sorted(contacts, key=lambda contact: _CALL_ORDER.get(contact.role, 2) if contact.role else 2)


_SEVERITY_RANK = {
    Severity.LIFE_THREATENING: 0,
    Severity.SEVERE: 1,
    None: 2,  # unknown severity: treat as possibly serious
    Severity.MODERATE: 3,
    Severity.MILD: 4,
}
_STATUS_RANK = {
    DiagnosisStatus.CONFIRMED: 0,
    DiagnosisStatus.PROVISIONAL: 1,
    DiagnosisStatus.SUSPECTED: 2,
    DiagnosisStatus.UNDIAGNOSED: 3,
}
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
_PER_KG = re.compile(r"(/|\bper\s+)\s*kg\b|mg/kg|ml/kg", re.IGNORECASE)
_TWENTY_FOUR = re.compile(r"\b24\s*(h|hr|hrs|hour|hours|/7)\b|24-hour|24 hour|out of hours|on-call|on call", re.I)


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def _join(parts: Iterable[str | None], separator: str = ", ") -> str:
    return separator.join(part.strip() for part in parts if part and part.strip())


class _Builder:
    def __init__(self, context: LayoutContext, passport: Passport) -> None:
        self.context = context
        self.passport = passport
        self.groups: list[EssentialGroup] = []
        #: The language of a group's title when not the context's (a plugin's untranslated title), by key.
        self.title_languages: dict[str, str] = {}
        self.more = context.phrase("essentials.more")
        self.label_value = context.phrase("label_value")

    def join(self, label: str, value: str) -> str:
        """``value`` after ``label``, as the language joins them."""
        return join_label(self.label_value, label, value)

    def shows(self, cls: type, name: str) -> bool:
        return self.context.shows(cls, name)

    def add(self, key: str, klass: ClinicalClass, title: str, items: Sequence[EssentialItem], *,
            run_on: bool = True, sentences: bool = False, more: str | None = None) -> None:
        if items:
            self.groups.append(EssentialGroup(
                key=key, clinical_class=klass, title=title, items=items, run_on=run_on,
                sentences=sentences, more_template=self.more if more is None else more,
                label_value=self.label_value, title_language=self.title_languages.get(key),
            ))

    # -- classes --

    def diagnoses(self) -> None:
        context, passport = self.context, self.passport
        if not self.shows(Passport, "diagnoses"):
            return
        title = context.label("section.diagnoses")
        if not passport.diagnoses:
            self.add("diagnosis", ClinicalClass.DIAGNOSIS, title,
                     [EssentialItem(text=context.phrase("essentials.no_diagnosis"), path="$.diagnoses")])
            return
        show_status = self.shows(Diagnosis, "status")
        show_primary = self.shows(Diagnosis, "primary")
        ranked = sorted(
            enumerate(passport.diagnoses),
            key=lambda pair: (
                not (pair[1].primary and show_primary),
                _STATUS_RANK.get(pair[1].status, 0) if show_status else 0,
                pair[0],
            ),
        )
        items = []
        for index, diagnosis in ranked:
            status = diagnosis.status if show_status else DiagnosisStatus.CONFIRMED
            if status is DiagnosisStatus.UNDIAGNOSED:
                text = context.phrase("essentials.undiagnosed", name=diagnosis.name)
            elif status is not DiagnosisStatus.CONFIRMED:
                text = context.phrase("essentials.with_status", name=diagnosis.name,
                                      status=context.format_enum(status).lower())
            else:
                text = diagnosis.name
            if diagnosis.primary and show_primary:
                text = f"{text} ({context.phrase('primary')})"
            items.append(EssentialItem(text=text, path=f"$.diagnoses[{index}]"))
        self.add("diagnosis", ClinicalClass.DIAGNOSIS, title, items)

    def summary(self, emergency: Emergency) -> None:
        if not emergency.summary or not self.shows(Emergency, "summary"):
            return
        items = [EssentialItem(text=sentence, path="$.emergency.summary") for sentence in _sentences(emergency.summary)]
        # A long summary must not push allergies and the emergency dose off a small
        # format: its first sentences are read first, the rest comes last.
        head, used = 1, len(items[0].text)
        while head < len(items) and used + len(items[head].text) <= SUMMARY_HEAD_CHARACTERS:
            used += len(items[head].text)
            head += 1
        title = self.context.phrase("read_first")
        continued = self.context.phrase("essentials.continued")
        self.add("summary", ClinicalClass.SUMMARY, title, items[:head], sentences=True, more=continued)
        self.summary_rest = items[head:]

    summary_rest: Sequence[EssentialItem] = ()

    def protocol(self, index: int, protocol: Protocol, klass: ClinicalClass) -> None:
        context = self.context
        if not self.shows(type(protocol), "steps"):
            return
        path = f"$.emergency.protocols[{index}]"
        items: list[EssentialItem] = []
        if protocol.when and self.shows(type(protocol), "when"):
            items.append(EssentialItem(text=protocol.when, path=f"{path}.when",
                                       lead=context.field_label(type(protocol), "when")))
        items += [
            EssentialItem(text=step, path=f"{path}.steps[{number - 1}]", number=number)
            for number, step in enumerate(protocol.steps, 1)
        ]
        self.add(f"protocol.{index}", klass, protocol.title, items, run_on=False,
                 more=context.phrase("essentials.more_steps"))

    def plugin_fields(self) -> dict[ClinicalClass, list[tuple[str, str, list[EssentialItem]]]]:
        """Plugin fields with a clinical class, by class: (key, title, items)."""
        context, passport = self.context, self.passport
        found: dict[ClinicalClass, list[tuple[str, str, list[EssentialItem]]]] = {}
        if not passport.extensions or not self.shows(Passport, "extensions"):
            return found
        for spec in context.plugins.sections:
            data = passport.extensions.get(spec.id)
            if data is None or context.view not in spec.views or not attrs.has(type(data)):
                continue
            title_id = f"section.{spec.id}"
            title = context.label(title_id) if context.has_label(title_id) else spec.title
            # A title with no translation in the context's language is shown in English: marked so.
            title_language = context.label_language(title_id)
            by_class: dict[ClinicalClass, list[EssentialItem]] = {}
            self._collect(data, f"$.extensions.{spec.id}", by_class)
            for klass, items in by_class.items():
                # The emphasised (the dose to give) first, then the plugin's order.
                items.sort(key=lambda item: not item.strong)
                key = f"extensions.{spec.id}.{klass.value}"
                if title_language is not None:
                    self.title_languages[key] = title_language
                found.setdefault(klass, []).append((key, title, items))
        return found

    def _collect(self, data: Any, path: str, by_class: dict[ClinicalClass, list[EssentialItem]],
                 inherited: ClinicalClass | None = None) -> None:
        """The fields of a plugin object that declare a clinical class, nested objects included."""
        context = self.context
        cls: Any = type(data)
        for field in attrs.fields(cls):
            if not context.shows(cls, field.name):
                continue
            value = getattr(data, field.name)
            if _empty(value) or (isinstance(value, bool) and value is field.default):
                continue
            klass = field.metadata.get("clinical_class") or inherited
            nested = attrs.has(type(value)) and not isinstance(value, (Coding, Link, PartialDate))
            if nested and _declares_classes(type(value)):
                # A nested object (a rescue plan) whose own fields say what matters: one
                # line each, in the class of the object when a field declares none.
                self._collect(value, f"{path}.{field.name}", by_class, klass)
                continue
            if klass is None:
                continue
            if isinstance(value, (tuple, list)) and all(isinstance(item, str) for item in value):
                # One item per entry (a regimen's steps), so a small format can keep the
                # first entries and say how many more there are.
                entries = [entry.strip() for entry in value if entry.strip()]
                by_class.setdefault(ClinicalClass(klass), []).extend(
                    EssentialItem(
                        text=entry,
                        path=f"{path}.{field.name}[{index}]",
                        lead=context.field_label(cls, field.name) if index == 0 else "",
                        strong=bool(field.metadata.get("emphasis", False)),
                    )
                    for index, entry in enumerate(entries)
                )
                continue
            text = context.format_value(value)
            if text:
                by_class.setdefault(ClinicalClass(klass), []).append(EssentialItem(
                    text=text,
                    path=f"{path}.{field.name}",
                    lead=context.field_label(cls, field.name),
                    strong=bool(field.metadata.get("emphasis", False)),
                ))

    def allergies(self) -> None:
        context, passport = self.context, self.passport
        if not self.shows(Passport, "allergies"):
            return
        title = context.label("section.allergies")
        if not passport.allergies:
            if not self.shows(Passport, "allergies_status"):
                return
            phrase = "no_known_allergies" if passport.allergies_status is AllergiesStatus.NONE_KNOWN \
                else "allergies_not_recorded"
            self.add("allergy", ClinicalClass.ALLERGY, title,
                     [EssentialItem(text=context.phrase(phrase), path="$.allergies_status")])
            return
        cls = type(passport.allergies[0])
        show_severity = self.shows(cls, "severity")
        show_kind = self.shows(cls, "kind")
        show_reaction = self.shows(cls, "reaction")
        show_criticality = self.shows(cls, "criticality")

        def high_risk(allergy: Any) -> bool:
            # A high criticality (another system's "likely to be serious next time") is as
            # serious as a severe reaction, whatever the first reaction was like.
            return show_criticality and getattr(allergy, "criticality", None) is Criticality.HIGH

        def rank(pair: tuple[int, Any]) -> tuple[int, int, int]:
            allergy = pair[1]
            severity = _SEVERITY_RANK.get(allergy.severity, 2) if show_severity else 2
            if high_risk(allergy):
                severity = min(severity, 1)
            return severity, allergy.kind is AllergyKind.INTOLERANCE, pair[0]

        items = []
        for index, allergy in sorted(enumerate(passport.allergies), key=rank):
            details = [
                allergy.reaction if show_reaction else None,
                context.format_enum(allergy.severity).lower() if show_severity and allergy.severity else None,
                context.format_enum(allergy.kind).lower()
                if show_kind and allergy.kind is AllergyKind.INTOLERANCE else None,
                self.join(context.label("Allergy.criticality").lower(), context.format_enum(Criticality.HIGH).lower())
                if high_risk(allergy) else None,
            ]
            detail = _join(details)
            text = f"{allergy.substance} ({detail})" if detail else allergy.substance
            serious = (show_severity and allergy.severity in (Severity.SEVERE, Severity.LIFE_THREATENING)) \
                or high_risk(allergy)
            items.append(EssentialItem(text=text, path=f"$.allergies[{index}]", strong=serious))
        self.add("allergy", ClinicalClass.ALLERGY, title, items)

    def medicine_text(self, medication: Medication) -> str:
        context = self.context
        parts = [
            medication.dose if self.shows(Medication, "dose") else None,
            medication.route if self.shows(Medication, "route") else None,
            medication.frequency if self.shows(Medication, "frequency") else None,
            context.phrase("as_needed") if medication.as_needed and self.shows(Medication, "as_needed") else None,
        ]
        # Doses often hold commas ("10 mg, 5 mg, 5 mg"): a middle dot keeps the parts apart.
        detail = _join(parts, " · ")
        return self.join(medication.name, detail) if detail else medication.name

    def time_critical(self, plugin: list[tuple[str, str, list[EssentialItem]]]) -> None:
        context, passport = self.context, self.passport
        if self.shows(Passport, "medications") and self.shows(Medication, "time_critical"):
            items = [
                EssentialItem(text=self.medicine_text(medication), path=f"$.medications[{index}]")
                for index, medication in enumerate(passport.medications)
                if medication.time_critical
            ]
            self.add("time-critical", ClinicalClass.TIME_CRITICAL,
                     context.label("section.time_critical_medicines"), items)
        for key, title, items in plugin:
            self.add(key, ClinicalClass.TIME_CRITICAL, title, items, run_on=False)

    def specialist(self, emergency: Emergency, plugin: list[tuple[str, str, list[EssentialItem]]]) -> None:
        context, passport = self.context, self.passport
        items: list[EssentialItem] = []
        access = emergency.open_access
        if access is not None and self.shows(Emergency, "open_access"):
            cls = type(access)
            place = _join([access.hospital, access.ward if self.shows(cls, "ward") else None])
            phone = access.phone if self.shows(cls, "phone") else None
            text = context.phrase("essentials.open_access", place=place)
            items.append(EssentialItem(text=self.join(text, phone) if phone else text, path="$.emergency.open_access"))
        if self.shows(Passport, "care_team"):
            team = list(enumerate(passport.care_team))

            def around_the_clock(member: CareTeamMember) -> bool:
                text = " ".join(part or "" for part in (member.role, member.notes, member.organisation))
                return bool(_TWENTY_FOUR.search(text))

            chosen = [pair for pair in team if around_the_clock(pair[1])]
            chosen += [pair for pair in team if pair[1].lead and pair not in chosen]
            for index, member in chosen:
                who = _join([
                    member.role if self.shows(CareTeamMember, "role") else None,
                    member.speciality if self.shows(CareTeamMember, "speciality") else None,
                ])
                name = f"{member.name} ({who})" if who else member.name
                phone = member.phone if self.shows(CareTeamMember, "phone") else None
                items.append(EssentialItem(text=self.join(name, phone) if phone else name,
                                           path=f"$.care_team[{index}]"))
        for key, title, plugin_items in plugin:
            self.add(key, ClinicalClass.SPECIALIST_CONTACT, title, plugin_items, run_on=False)
        self.add("specialist-contact", ClinicalClass.SPECIALIST_CONTACT,
                 context.phrase("essentials.specialist"), items, run_on=False)

    def emergency_contact(self) -> None:
        context, passport = self.context, self.passport
        if not self.shows(Passport, "contacts") or not passport.contacts:
            return
        ordered = contacts_in_call_order(passport.contacts)
        with_phone = [c for c in ordered if c.phone and self.shows(Contact, "phone")]
        contact = (with_phone or ordered)[0]
        index = passport.contacts.index(contact)
        relation = contact.relationship if self.shows(Contact, "relationship") else None
        name = f"{contact.name} ({relation})" if relation else contact.name
        phone = contact.phone if self.shows(Contact, "phone") else None
        self.add("emergency-contact", ClinicalClass.EMERGENCY_CONTACT, context.phrase("essentials.call"),
                 [EssentialItem(text=self.join(name, phone) if phone else name, path=f"$.contacts[{index}]")])

    def weight(self, dose_texts: Iterable[str]) -> None:
        context, person = self.context, self.passport.person
        if person.weight is None or not self.shows(Person, "weight"):
            return
        # With the date of birth unknown, the weight is shown as for a child: it may be one.
        born = person.date_of_birth
        child = born is None or _age(born, context.today) < CHILD_WEIGHT_AGE
        if not child and not any(_PER_KG.search(text) for text in dose_texts):
            return
        self.add("weight", ClinicalClass.WEIGHT, context.field_label(Person, "weight"),
                 [EssentialItem(text=weight_text(context, person.weight), path="$.person.weight")])

    def avoid(self, emergency: Emergency, plugin: list[tuple[str, str, list[EssentialItem]]]) -> None:
        context = self.context
        if emergency.avoid and self.shows(Emergency, "avoid"):
            cls = type(emergency.avoid[0])
            items = []
            for index, item in enumerate(emergency.avoid):
                reason = item.reason.strip().rstrip(".") if item.reason and self.shows(cls, "reason") else ""
                # "Latex gloves (latex allergy)": a reason after a comma reads as one more thing to avoid.
                text = f"{item.what} ({reason})" if reason else item.what
                items.append(EssentialItem(text=text, path=f"$.emergency.avoid[{index}]"))
            self.add("avoid", ClinicalClass.AVOID, context.label("section.avoid"), items)
        for key, title, plugin_items in plugin:
            self.add(key, ClinicalClass.AVOID, title, plugin_items, run_on=False)

    def red_flags(self, emergency: Emergency, plugin: list[tuple[str, str, list[EssentialItem]]]) -> None:
        if emergency.red_flags and self.shows(Emergency, "red_flags"):
            items = [EssentialItem(text=flag.strip().rstrip(";"), path=f"$.emergency.red_flags[{index}]")
                     for index, flag in enumerate(emergency.red_flags) if flag.strip()]
            self.add("red-flag", ClinicalClass.RED_FLAG, self.context.label("section.red_flags"), items)
        for key, title, plugin_items in plugin:
            self.add(key, ClinicalClass.RED_FLAG, title, plugin_items, run_on=False)

    def devices(self) -> None:
        passport = self.passport
        if not passport.devices or not self.shows(Passport, "devices"):
            return
        cls = type(passport.devices[0])
        items = []
        for index, device in enumerate(passport.devices):
            purpose = device.purpose if self.shows(cls, "purpose") else None
            items.append(EssentialItem(text=f"{device.name} ({purpose})" if purpose else device.name,
                                       path=f"$.devices[{index}]"))
        self.add("device", ClinicalClass.DEVICE, self.context.label("section.devices"), items)

    def anaesthesia(self, emergency: Emergency) -> None:
        if not emergency.anaesthesia or not self.shows(Emergency, "anaesthesia"):
            return
        items = [EssentialItem(text=s, path="$.emergency.anaesthesia") for s in _sentences(emergency.anaesthesia)]
        self.add("anaesthesia", ClinicalClass.ANAESTHESIA, self.context.label("section.anaesthesia"), items,
                 sentences=True, more=self.context.phrase("essentials.continued"))

    def build(self) -> list[EssentialGroup]:
        passport = self.passport
        emergency = passport.emergency if self.shows(Passport, "emergency") else Emergency()
        plugin = self.plugin_fields()
        protocols = emergency.protocols if self.shows(Emergency, "protocols") else ()

        self.diagnoses()
        self.summary(emergency)
        for key, title, items in plugin.get(ClinicalClass.EMERGENCY_TREATMENT, []):
            self.add(key, ClinicalClass.EMERGENCY_TREATMENT, title, items, run_on=False)
        self.allergies()
        self.time_critical(plugin.get(ClinicalClass.TIME_CRITICAL, []))
        self.specialist(emergency, plugin.get(ClinicalClass.SPECIALIST_CONTACT, []))
        self.emergency_contact()
        dose_texts = [item.text for group in self.groups
                      if group.clinical_class is ClinicalClass.EMERGENCY_TREATMENT for item in group.items]
        dose_texts += [step for protocol in protocols for step in protocol.steps]
        self.weight(dose_texts)
        if protocols:
            self.protocol(0, protocols[0], ClinicalClass.PROTOCOL)
        self.avoid(emergency, plugin.get(ClinicalClass.AVOID, []))
        self.red_flags(emergency, plugin.get(ClinicalClass.RED_FLAG, []))
        for index, protocol in enumerate(protocols[1:], 1):
            self.protocol(index, protocol, ClinicalClass.FURTHER_PROTOCOL)
        self.devices()
        self.anaesthesia(emergency)
        for key, title, items in plugin.get(ClinicalClass.CONTEXT, []):
            self.add(key, ClinicalClass.CONTEXT, title, items, run_on=False)
        if self.summary_rest:
            title = self.context.phrase("essentials.summary_continued", title=self.context.phrase("read_first"))
            self.add("summary-continued", ClinicalClass.CONTEXT, title, self.summary_rest, sentences=True,
                     more=self.context.phrase("essentials.continued"))
        # Every group in its class's place; inside a class, the order built above.
        return sorted(self.groups, key=lambda group: _RANK[group.clinical_class])


def _declares_classes(cls: type) -> bool:
    return any(field.metadata.get("clinical_class") is not None or field.metadata.get("emphasis")
               for field in attrs.fields(cls))


def weight_text(context: LayoutContext, weight: Weight) -> str:
    """A weight as people write it, with the date it was measured when the view shows it."""
    kg = context.format_number(weight.kg)
    if weight.measured_on is not None and context.shows(type(weight), "measured_on"):
        return context.phrase("weight_measured", kg=kg, date=context.format_date(weight.measured_on))
    return context.phrase("weight", kg=kg)


def _empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, (tuple, list, Mapping, set, frozenset)) and not value)


def _date_of_birth(context: LayoutContext, person: Person) -> str:
    """The date of birth written for people, or that it is not known (never left blank)."""
    if person.date_of_birth is None:
        return context.phrase("date_of_birth_unknown")
    return context.format_date(person.date_of_birth)


def _age(born: _dt.date, today: _dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def build_essentials(context: LayoutContext, passport: Passport) -> Essentials:
    """Build the essentials of a passport for a layout context's view and language.

    Only fields in the context's view are used, so nothing outside the view can reach
    a card or QR code. Layout calls this for every document; call it yourself through
    ``rarepassport.layout(passport, view="emergency").essentials``.

    Args:
        context: The layout context (view, language, plugins, today).
        passport: The passport.
    """
    person, review = passport.person, passport.review
    shows_review = context.shows(Passport, "review")
    updated = review.updated_on if shows_review and context.shows(type(review), "updated_on") else None
    due = review.next_review_due if shows_review and context.shows(type(review), "next_review_due") else None
    overdue = None
    if review.next_review_due is not None and review.next_review_due < context.today:
        overdue = context.phrase("essentials.overdue", date=context.format_date(review.next_review_due))
    return Essentials(
        name=person.name,
        date_of_birth=_date_of_birth(context, person) if context.shows(Person, "date_of_birth") else "",
        date_of_birth_label=context.phrase("date_of_birth"),
        groups=_Builder(context, passport).build(),
        updated_on=context.phrase("updated_on", date=context.format_date(updated)) if updated else None,
        review_due=context.phrase("essentials.review_due", date=context.format_date(due)) if due else None,
        overdue=overdue,
        more_in_full=context.phrase("more_in_full"),
        also_in_full=context.phrase("essentials.also_in_full", sections="{sections}"),
        also_in_full_and_more=context.phrase("essentials.also_in_full_and_more", sections="{sections}"),
        label_value=context.phrase("label_value"),
    )

