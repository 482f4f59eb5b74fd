"""The passport model: the core sections of a rare-disease patient passport.

Every class is a frozen, slotted, keyword-only attrs class, so a passport is a value:
it can be compared, shared between threads and never changes under a renderer. Lists
are tuples for the same reason. The JSON spelling of every field is its Python name.

Each field carries metadata that the other steps read:

* ``description``: one sentence for people (used in the JSON Schema and the docs);
* ``views``: the views the field belongs to besides ``full`` (see [`View`][rarepassport.View]);
* ``label``: the id of its label in the label catalogue (default ``Class.field``).

Build a passport from Python with only what you know; everything else has a default::

    >>> import datetime
    >>> p = Passport(person=Person(name="Ada Example", date_of_birth=datetime.date(2015, 3, 2)))
    >>> p.allergies_status
    <AllergiesStatus.UNKNOWN: 'unknown'>
"""

from __future__ import annotations

import datetime as _dt
import enum
import typing
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, overload

import attrs

from rarepassport._dates import PartialDate, parse_date
from rarepassport.clinical import ClinicalClass

__all__ = [
    "SCHEMA_VERSION",
    "AdditionalSection",
    "Admission",
    "AdvanceDecision",
    "AllergiesStatus",
    "Allergy",
    "AllergyCategory",
    "AllergyKind",
    "Attestation",
    "AttestationSigner",
    "Avoid",
    "CarePreferences",
    "CareTeamMember",
    "Coding",
    "CompletedBy",
    "Contact",
    "ContactRole",
    "Criticality",
    "Device",
    "Diagnosis",
    "DiagnosisStatus",
    "Emergency",
    "Feature",
    "GeneticFinding",
    "History",
    "Identifier",
    "Immunisation",
    "Link",
    "LinkKind",
    "Medication",
    "MedicationsStatus",
    "OpenAccess",
    "PartialDate",
    "Passport",
    "Person",
    "PreviousEmergency",
    "Procedure",
    "Protocol",
    "PublicKey",
    "Review",
    "ReviewedBy",
    "SectionDigest",
    "Severity",
    "Sex",
    "View",
    "Weight",
    "Zygosity",
    "field_views",
    "section_field",
]

#: The version of the passport document format this library writes.
SCHEMA_VERSION = "1.0"


class View(str, enum.Enum):
    """Who a rendering is for. A view is a filter applied before layout."""

    FULL = "full"
    """Everything; the default."""
    EMERGENCY = "emergency"
    """What a paramedic or emergency doctor needs: one page or a wallet card."""
    EDUCATION = "education"
    """School, college, nursery: no identifiers, genetics or history."""
    SOCIAL = "social"
    """Family, babysitters, clubs: everyday care and what to do in an emergency."""


E, ED, S = View.EMERGENCY, View.EDUCATION, View.SOCIAL
_ALL = (E, ED, S)
_NONE: tuple[View, ...] = ()


_T = TypeVar("_T")


# The overloads give the field the type of its converter's result, of its default or of
# its factory's result, as attrs.field does, so ``x: int = section_field("...", default="a")``
# is a type error; a field with none of them (a required field) is ``Any``.
@overload
def section_field(
    description: str,
    *,
    views: Iterable[View | str] = ...,
    label: str | None = ...,
    emphasis: bool = ...,
    clinical_class: ClinicalClass | str | None = ...,
    converter: Callable[[Any], _T],
    **kwargs: Any,
) -> _T: ...


@overload
def section_field(
    description: str,
    *,
    views: Iterable[View | str] = ...,
    label: str | None = ...,
    emphasis: bool = ...,
    clinical_class: ClinicalClass | str | None = ...,
    default: _T,
    **kwargs: Any,
) -> _T: ...


@overload
def section_field(
    description: str,
    *,
    views: Iterable[View | str] = ...,
    label: str | None = ...,
    emphasis: bool = ...,
    clinical_class: ClinicalClass | str | None = ...,
    factory: Callable[[], _T],
    **kwargs: Any,
) -> _T: ...


@overload
def section_field(
    description: str,
    *,
    views: Iterable[View | str] = ...,
    label: str | None = ...,
    emphasis: bool = ...,
    clinical_class: ClinicalClass | str | None = ...,
    **kwargs: Any,
) -> Any: ...


def section_field(
    description: str,
    *,
    views: Iterable[View | str] = _ALL,
    label: str | None = None,
    emphasis: bool = False,
    clinical_class: ClinicalClass | str | None = None,
    **kwargs: Any,
) -> Any:
    """An attrs field with the metadata the schema, docs and layout read.

    Core sections and plugin sections both declare their fields with it.

    Args:
        description: One sentence for people; it becomes the JSON Schema description.
        views: Views the field belongs to besides ``full``, which always has it.
            Leave out to show the field in every view.
        label: Label id in the label catalogue; default ``ClassName.field_name``.
        emphasis: The field says what to give or do in an emergency (e.g. the emergency
            dose): every backend draws it strongly, and the wallet card keeps it longest.
        clinical_class: Where the field goes in the emergency essentials (wallet card,
            QR code, first page), e.g. ``"emergency-treatment"`` for an emergency dose
            or ``"specialist-contact"`` for a treatment centre's phone; see
            `rarepassport.clinical.ClinicalClass`. A field with no class never
            reaches the card. ``emphasis=True`` with no class means
            ``emergency-treatment``.
        **kwargs: Passed to `attrs.field` (``default``, ``factory``, ...).

    Example:
        ```python
        @attrs.frozen(kw_only=True)
        class Haemophilia:
            factor_product: str = section_field("Factor concentrate used.")
            inhibitor: bool = section_field("Inhibitor present.", default=False,
                                            views=("emergency",))
        ```
    """
    metadata = {
        "description": description,
        "views": frozenset((View.FULL, *(View(view) for view in views))),
        "label": label,
        "emphasis": emphasis,
        "clinical_class": (
            ClinicalClass(clinical_class)
            if clinical_class is not None
            else (ClinicalClass.EMERGENCY_TREATMENT if emphasis else None)
        ),
    }
    if kwargs.get("converter") is tuple:
        kwargs["converter"] = _as_tuple
    return attrs.field(metadata=metadata, **kwargs)


#: Converters of the model that give back a value equal to the one they are given when
#: that value is already of the field's type (a tuple for a list field, a member or
#: ``None`` for an optional enum, a date for a date). The passport reader builds only
#: values of the field's type, so it sets a field with such a converter without calling
#: it (`rarepassport.convert.make_passport_reader`). Only functions of this module are
#: marked; any other converter (a plugin's own) is called, through the class's ``__init__``.
_IDEMPOTENT_ON_TYPED: set[Callable[[Any], Any]] = set()

_F = TypeVar("_F", bound=Callable[[Any], Any])


def _idempotent_on_typed(function: _F) -> _F:
    _IDEMPOTENT_ON_TYPED.add(function)
    return function


@_idempotent_on_typed
def _as_tuple(values: Any) -> tuple[Any, ...]:
    # ``tuple`` as a Python function: attrs reads each converter's signature when it
    # builds the class, and the builtin's costs a parse of its text signature (tokenize
    # and its regular expressions) for every list field, at every start.
    return tuple(values)


_field = section_field


def _tuple(description: str, *, views: tuple[View, ...] = _ALL, **kwargs: Any) -> Any:
    """A list-valued field, empty by default and stored as a tuple."""
    return _field(description, views=views, default=(), converter=tuple, **kwargs)


def _optional(convert: Any) -> Any:
    if isinstance(convert, type) and issubclass(convert, enum.Enum):
        member = _member(convert)

        def optional_member(value: Any) -> Any:
            return None if value is None else member(value)

        return _idempotent_on_typed(optional_member)

    def converter(value: Any) -> Any:
        return None if value is None else convert(value)

    return _idempotent_on_typed(converter) if convert in _IDEMPOTENT_ON_TYPED else converter


def _member(cls: type[enum.Enum]) -> Any:
    """A converter to a member of ``cls`` that keeps a member as it is: calling the enum
    class on its own member goes through `EnumType.__call__` (about 1-2 µs, and every
    passport read has a score of enum fields)."""

    def converter(value: Any) -> Any:
        return value if type(value) is cls else cls(value)

    return _idempotent_on_typed(converter)


def _members(cls: type[enum.Enum]) -> Any:
    """`_member` for each item of a list, as a tuple."""
    member = _member(cls)

    def converter(values: Any) -> Any:
        return tuple([member(value) for value in values])

    return _idempotent_on_typed(converter)


@_idempotent_on_typed
def _to_date(value: Any) -> _dt.date:
    # Partial dates accept "2015-03" in Python, so people write full dates as text too;
    # left as a str, a date of birth would break validation and writing much later.
    if isinstance(value, str):
        return parse_date(value)
    return value  # type: ignore[no-any-return]


@_idempotent_on_typed
def _to_date_or_none(value: Any) -> _dt.date | None:
    return None if value is None else _to_date(value)


@_idempotent_on_typed
def _to_partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, _dt.date):
        return PartialDate.from_date(value)
    return PartialDate.parse(value)


_TYPE_HINTS: weakref.WeakKeyDictionary[type, Mapping[str, Any]] = weakref.WeakKeyDictionary()


def _type_hints(cls: type) -> Mapping[str, Any]:
    """``typing.get_type_hints(cls)``, worked out once per class for the whole process.

    The reader, the validation walk and the JSON Schema all need the resolved field
    types of every record class; resolving them (each annotation is a string, compiled
    and evaluated) cost a command's start-up three times over. Shared: do not change
    what it returns. A class whose hints do not resolve raises as ``get_type_hints``
    does, every time (nothing is kept), so a forward reference defined later resolves.
    """
    try:
        return _TYPE_HINTS[cls]
    except KeyError:
        pass
    except TypeError:  # not weakly referable
        return typing.get_type_hints(cls)
    hints = typing.get_type_hints(cls)
    _TYPE_HINTS[cls] = hints
    return hints


def field_views(cls: type, name: str) -> frozenset[View]:
    """The views a field of a model class belongs to (``full`` is always one).

    Args:
        cls: An attrs model class, core or plugin.
        name: The field's name.
    """
    try:
        views_of = _FIELD_VIEWS[cls]
    except KeyError:
        views_of = None
    except TypeError:  # not weakly referable
        return _views_of_fields(cls)[name]
    if views_of is None:
        # Layout asks for every field it shows (hundreds per document): worked out once per class.
        views_of = _FIELD_VIEWS[cls] = _views_of_fields(cls)
    return views_of[name]


_FIELD_VIEWS: weakref.WeakKeyDictionary[type, dict[str, frozenset[View]]] = weakref.WeakKeyDictionary()


def _views_of_fields(cls: type) -> dict[str, frozenset[View]]:
    views = {field.name: field.metadata.get("views") for field in attrs.fields(cls)}
    return {name: frozenset(found) if found is not None else frozenset(View) for name, found in views.items()}


# --- closed vocabularies -------------------------------------------------------


class Sex(str, enum.Enum):
    """Sex as recorded for clinical purposes."""

    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"
    OTHER = "other"
    UNKNOWN = "unknown"


class DiagnosisStatus(str, enum.Enum):
    """How certain a diagnosis is."""

    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"
    PROVISIONAL = "provisional"
    UNDIAGNOSED = "undiagnosed"
    """A "syndrome without a name", described by its features."""


class MedicationsStatus(str, enum.Enum):
    """Whether the medication list is complete, empty on purpose, or not known."""

    LISTED = "listed"
    NONE = "none"
    UNKNOWN = "unknown"


class AllergiesStatus(str, enum.Enum):
    """Whether the allergy list is complete, known to be empty, or not known."""

    LISTED = "listed"
    NONE_KNOWN = "none-known"
    UNKNOWN = "unknown"


class Severity(str, enum.Enum):
    """How severe a reaction is."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life-threatening"


class AllergyKind(str, enum.Enum):
    """An allergy (immune) or an intolerance."""

    ALLERGY = "allergy"
    INTOLERANCE = "intolerance"


class Criticality(str, enum.Enum):
    """How likely a future reaction is to be serious (FHIR ``AllergyIntolerance.criticality``).

    Not the severity of a past reaction: a mild rash can come with a high criticality.
    """

    LOW = "low"
    HIGH = "high"
    UNABLE_TO_ASSESS = "unable-to-assess"


class AllergyCategory(str, enum.Enum):
    """What kind of substance an allergy is to (FHIR ``AllergyIntolerance.category``)."""

    FOOD = "food"
    MEDICATION = "medication"
    ENVIRONMENT = "environment"
    BIOLOGIC = "biologic"


class ContactRole(str, enum.Enum):
    """What a contact is for."""

    EMERGENCY = "emergency"
    PARENT = "parent"
    CARER = "carer"
    NEXT_OF_KIN = "next-of-kin"
    OTHER = "other"


class LinkKind(str, enum.Enum):
    """What a link points to."""

    RECORD = "record"
    GUIDELINE = "guideline"
    PATIENT_GROUP = "patient-group"
    INFORMATION = "information"
    OTHER = "other"


class Zygosity(str, enum.Enum):
    """Zygosity of a genetic variant."""

    HETEROZYGOUS = "heterozygous"
    HOMOZYGOUS = "homozygous"
    HEMIZYGOUS = "hemizygous"
    COMPOUND_HETEROZYGOUS = "compound-heterozygous"
    MOSAIC = "mosaic"
    UNKNOWN = "unknown"


# --- shared small types --------------------------------------------------------


@attrs.frozen(kw_only=True)
class Coding:
    """A code from a terminology.

    ``system`` is one of ``ORPHA``, ``OMIM``, ``HPO``, ``ICD-10``, ``ICD-11``,
    ``SNOMED-CT``, ``LOINC``, ``ATC``, ``dm+d``, ``RxNorm``, or an absolute URI.
    """

    system: str = _field(
        "Code system: ORPHA, OMIM, HPO, ICD-10, ICD-11, SNOMED-CT, LOINC, ATC, dm+d, RxNorm, or an absolute URI."
    )
    code: str = _field("The code, written as its system writes it, e.g. ORPHA:558, HP:0001166.")
    display: str | None = _field("The code's human-readable text.", default=None)


@attrs.frozen(kw_only=True)
class Link:
    """A link to a record, guideline, patient group or other information."""

    url: str = _field("Web address (http or https).")
    title: str | None = _field("What the link is.", default=None)
    kind: LinkKind | None = _field(
        "record, guideline, patient-group, information or other.", default=None, converter=_optional(LinkKind)
    )


@attrs.frozen(kw_only=True)
class Identifier:
    """An identifier of the person in a health system, e.g. an NHS number."""

    system: str = _field("Which system issued it: nhs-number, chi-number, or an absolute URI.")
    value: str = _field("The identifier.")


@attrs.frozen(kw_only=True)
class Weight:
    """Body weight: emergency doses depend on it."""

    kg: float = _field("Weight in kilograms.")
    measured_on: _dt.date | None = _field("When it was measured.", default=None, converter=_optional(_to_date))


# --- person ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Person:
    """The person the passport belongs to."""

    name: str = _field("Full name.")
    preferred_name: str | None = _field("The name they like to be called.", default=None)
    date_of_birth: _dt.date | None = _field(
        "Date of birth. Required; null says it is not known (e.g. a health record that marks it absent), "
        "which validation reports: ages, child doses and guidance for children or adults depend on it.",
        converter=_to_date_or_none,
    )
    sex: Sex | None = _field(
        "female, male, intersex, other or unknown.", default=None, views=(E,), converter=_optional(Sex)
    )
    pronouns: str | None = _field("Pronouns, e.g. she/her.", default=None)
    identifiers: tuple[Identifier, ...] = _tuple("Health-system identifiers such as the NHS number.", views=(E,))
    address: str | None = _field("Home address.", default=None, views=_NONE)
    phone: str | None = _field("Phone number.", default=None, views=_NONE)
    email: str | None = _field("Email address.", default=None, views=_NONE)
    languages: tuple[str, ...] = _tuple("Languages spoken, first the preferred one.")
    interpreter_needed: bool = _field("Whether an interpreter is needed.", default=False)
    weight: Weight | None = _field("Latest weight (emergency doses depend on it).", default=None, views=(E,))
    blood_group: str | None = _field("Blood group, e.g. O RhD positive.", default=None, views=(E,))
    photo: str | None = _field("Photo: a path relative to the passport file, or a data: URI.", default=None)


# --- diagnoses -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Feature:
    """A clinical feature (phenotype), optionally with its HPO term."""

    name: str = _field("The feature in plain words.")
    hpo: str | None = _field("Human Phenotype Ontology id, e.g. HP:0001250.", default=None)
    notes: str | None = _field("Notes.", default=None)


@attrs.frozen(kw_only=True)
class GeneticFinding:
    """A genetic finding behind a diagnosis."""

    gene: str = _field("Gene symbol, e.g. SCN1A.")
    hgnc: str | None = _field(
        "The gene's HGNC id, e.g. HGNC:10585 (from genenames.org), so genetics tools need not guess from the symbol.",
        default=None,
    )
    variant: str | None = _field("Variant, e.g. HGVS c.1234C>T.", default=None)
    zygosity: Zygosity | None = _field(
        "heterozygous, homozygous, hemizygous, compound-heterozygous, mosaic or unknown.",
        default=None,
        converter=_optional(Zygosity),
    )
    inheritance: str | None = _field("Inheritance, e.g. autosomal dominant, de novo.", default=None)
    notes: str | None = _field("Notes.", default=None)


@attrs.frozen(kw_only=True)
class Diagnosis:
    """A condition the person has, or is being investigated for."""

    name: str = _field("Name of the condition, or a short description if it has none.")
    status: DiagnosisStatus = _field(
        "confirmed, suspected, provisional or undiagnosed.",
        default=DiagnosisStatus.CONFIRMED,
        converter=_member(DiagnosisStatus),
    )
    primary: bool = _field("Whether this is the main condition.", default=False)
    codes: tuple[Coding, ...] = _tuple("Codes for the condition (ORPHA, OMIM, ICD, SNOMED CT).", views=(E,))
    diagnosed_on: PartialDate | None = _field(
        "When it was diagnosed (a year is enough).", default=None, views=_NONE, converter=_optional(_to_partial_date)
    )
    diagnosed_by: str | None = _field("Who made the diagnosis.", default=None, views=_NONE)
    summary: str | None = _field(
        "Plain-language description for a professional who has never met the condition.",
        default=None,
    )
    features: tuple[Feature, ...] = _tuple("Clinical features, with HPO terms where known.", views=(E, ED))
    genetics: tuple[GeneticFinding, ...] = _tuple("Genetic findings.", views=_NONE)
    notes: str | None = _field("Notes.", default=None, views=(E,))
    links: tuple[Link, ...] = _tuple("Links about this condition.", views=(ED, S))


# --- emergency -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Protocol:
    """An emergency protocol: what to do, step by step."""

    title: str = _field("What the protocol is for.")
    when: str | None = _field("When to use it.", default=None)
    steps: tuple[str, ...] = _tuple("The steps, in order.")
    source: str | None = _field("Where it comes from (e.g. the metabolic team's letter).", default=None)
    approved_by: str | None = _field("The professional who approved it.", default=None)
    approved_on: _dt.date | None = _field("When it was approved.", default=None, converter=_optional(_to_date))


@attrs.frozen(kw_only=True)
class Avoid:
    """A drug, procedure or situation to avoid."""

    what: str = _field("What to avoid.")
    reason: str | None = _field("Why.", default=None)


@attrs.frozen(kw_only=True)
class PreviousEmergency:
    """A past emergency and how it was treated."""

    reason: str = _field("What happened.")
    date: PartialDate | None = _field("When.", default=None, converter=_optional(_to_partial_date))
    treatment: str | None = _field("How it was treated.", default=None)
    outcome: str | None = _field("The outcome.", default=None)


@attrs.frozen(kw_only=True)
class OpenAccess:
    """Direct admission rights to a hospital ward."""

    hospital: str = _field("Hospital.")
    ward: str | None = _field("Ward.", default=None)
    phone: str | None = _field("Phone number of the ward.", default=None)
    notes: str | None = _field("Notes.", default=None)


@attrs.frozen(kw_only=True)
class AdvanceDecision:
    """An advance decision, care plan or treatment escalation plan."""

    kind: str = _field("Kind, e.g. ReSPECT form, DNACPR, advance decision to refuse treatment.")
    summary: str = _field("What it says, in short.")
    where_held: str | None = _field("Where the document is kept.", default=None)


@attrs.frozen(kw_only=True)
class Emergency:
    """What to do in an emergency. Always laid out first."""

    summary: str | None = _field("The few sentences to read first.", default=None)
    protocols: tuple[Protocol, ...] = _tuple("Emergency protocols.")
    avoid: tuple[Avoid, ...] = _tuple("Drugs, procedures and situations to avoid.")
    red_flags: tuple[str, ...] = _tuple("Signs that need urgent help.")
    previous: tuple[PreviousEmergency, ...] = _tuple("Previous emergencies.", views=(E,))
    anaesthesia: str | None = _field("What an anaesthetist needs to know.", default=None, views=(E,))
    open_access: OpenAccess | None = _field("Direct admission rights.", default=None, views=(E, S))
    advance_decisions: tuple[AdvanceDecision, ...] = _tuple("Advance decisions and care plans.", views=(E,))


# --- clinical lists ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Medication:
    """A medicine the person takes."""

    name: str = _field("Name of the medicine.")
    dose: str | None = _field("Dose, as prescribed, e.g. 5 mg.", default=None)
    route: str | None = _field("Route, e.g. by mouth, gastrostomy.", default=None)
    frequency: str | None = _field("How often.", default=None)
    reason: str | None = _field("What it is for.", default=None)
    as_needed: bool = _field("Taken only when needed.", default=False)
    time_critical: bool = _field("Must not be missed or delayed.", default=False)
    started_on: PartialDate | None = _field(
        "When it was started.", default=None, views=_NONE, converter=_optional(_to_partial_date)
    )
    notes: str | None = _field("Notes.", default=None)
    codes: tuple[Coding, ...] = _tuple("Codes (dm+d, RxNorm, ATC, SNOMED CT).", views=(E,))


@attrs.frozen(kw_only=True)
class Allergy:
    """An allergy or intolerance."""

    substance: str = _field("What the person reacts to.")
    reaction: str | None = _field("The reaction.", default=None)
    severity: Severity | None = _field(
        "mild, moderate, severe or life-threatening.", default=None, converter=_optional(Severity)
    )
    kind: AllergyKind | None = _field("allergy or intolerance.", default=None, converter=_optional(AllergyKind))
    codes: tuple[Coding, ...] = _tuple("Codes for the substance.", views=(E,))
    criticality: Criticality | None = _field(
        "How likely a future reaction is to be serious: low, high or unable-to-assess. "
        "Not the severity of past reactions.",
        default=None,
        converter=_optional(Criticality),
    )
    categories: tuple[AllergyCategory, ...] = _field(
        "What kind of substance: food, medication, environment or biologic.",
        default=(),
        converter=_members(AllergyCategory),
        views=(E,),
    )


@attrs.frozen(kw_only=True)
class Device:
    """An implant, tube, pump, shunt, ventilator or aid."""

    name: str = _field("The device.")
    purpose: str | None = _field("What it is for.", default=None)
    details: str | None = _field("Model, settings, MRI safety.", default=None, views=(E,))
    since: PartialDate | None = _field("Since when.", default=None, views=_NONE, converter=_optional(_to_partial_date))
    notes: str | None = _field("Notes.", default=None)


# --- people ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Contact:
    """A family member, carer or other person to call."""

    name: str = _field("Name.")
    relationship: str | None = _field("Relationship, e.g. mother.", default=None)
    role: ContactRole | None = _field(
        "emergency, parent, carer, next-of-kin or other.", default=None, converter=_optional(ContactRole)
    )
    phone: str | None = _field("Phone number.", default=None)
    email: str | None = _field("Email address.", default=None)
    address: str | None = _field("Address.", default=None, views=_NONE)
    notes: str | None = _field("Notes.", default=None)


@attrs.frozen(kw_only=True)
class CareTeamMember:
    """A professional in the person's care team."""

    name: str = _field("Name.")
    role: str | None = _field("Role, e.g. consultant, GP, specialist nurse, key worker.", default=None)
    speciality: str | None = _field("Speciality, e.g. metabolic medicine.", default=None)
    organisation: str | None = _field("Hospital, practice or service.", default=None)
    phone: str | None = _field("Phone number.", default=None)
    email: str | None = _field("Email address.", default=None)
    address: str | None = _field("Address.", default=None, views=_NONE)
    lead: bool = _field("The lead clinician.", default=False)
    expert_in: tuple[str, ...] = _tuple("Diagnoses (names or codes) this person is the expert contact for.", views=(E,))
    notes: str | None = _field("Notes.", default=None)


# --- history -------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Procedure:
    """A procedure or operation."""

    name: str = _field("The procedure.")
    date: PartialDate | None = _field("When.", default=None, converter=_optional(_to_partial_date))
    notes: str | None = _field("Notes.", default=None)


@attrs.frozen(kw_only=True)
class Admission:
    """A hospital admission."""

    reason: str = _field("Why.")
    date: PartialDate | None = _field("When.", default=None, converter=_optional(_to_partial_date))
    hospital: str | None = _field("Where.", default=None)
    notes: str | None = _field("Notes.", default=None)


@attrs.frozen(kw_only=True)
class Immunisation:
    """An immunisation."""

    name: str = _field("The vaccine.")
    date: PartialDate | None = _field("When.", default=None, converter=_optional(_to_partial_date))


@attrs.frozen(kw_only=True)
class History:
    """Procedures, admissions and immunisations."""

    procedures: tuple[Procedure, ...] = _tuple("Procedures and operations.", views=_NONE)
    admissions: tuple[Admission, ...] = _tuple("Hospital admissions.", views=_NONE)
    immunisations: tuple[Immunisation, ...] = _tuple("Immunisations.", views=_NONE)


# --- care preferences ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CarePreferences:
    """How the person likes to be cared for: what matters to them."""

    communication: str | None = _field("How I communicate, and how to communicate with me.", default=None)
    communication_aids: tuple[str, ...] = _tuple("Communication aids.")
    mobility: str | None = _field("Mobility.", default=None, views=(ED, S))
    sensory: str | None = _field("Sight, hearing and other senses.", default=None)
    eating_and_drinking: str | None = _field("Eating and drinking.", default=None, views=(ED, S))
    personal_care: str | None = _field("Personal care.", default=None, views=(ED, S))
    pain: str | None = _field("How I show pain.", default=None)
    distress: str | None = _field("Signs of distress, and what helps.", default=None)
    sleep: str | None = _field("Sleep.", default=None, views=(S,))
    decisions: str | None = _field("Capacity, consent, who helps me decide.", default=None, views=(E,))
    reasonable_adjustments: tuple[str, ...] = _tuple("Reasonable adjustments.")
    important_to_me: tuple[str, ...] = _tuple("What is important to me.", views=(ED, S))
    likes: tuple[str, ...] = _tuple("Likes.", views=(ED, S))
    dislikes: tuple[str, ...] = _tuple("Dislikes.", views=(ED, S))
    other: str | None = _field("Anything else.", default=None, views=(ED, S))


# --- links, review, extras -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AdditionalSection:
    """A section of the person's own, for anything else they want to say."""

    title: str = _field("Heading.")
    text: str = _field("Text.")


@attrs.frozen(kw_only=True)
class CompletedBy:
    """Who filled in the passport."""

    name: str = _field("Name.")
    relationship: str | None = _field("Relationship to the person, e.g. self, mother.", default=None)


@attrs.frozen(kw_only=True)
class ReviewedBy:
    """A professional who checked the passport."""

    name: str = _field("Name.")
    role: str | None = _field("Role, e.g. consultant paediatrician.", default=None)
    organisation: str | None = _field("Organisation.", default=None)
    date: _dt.date = _field("When they reviewed it.", converter=_to_date)


@attrs.frozen(kw_only=True)
class Review:
    """Who completed the passport, when, and who reviewed it.

    Accuracy and currency were clinicians' first concern: these dates are shown on
    every page.
    """

    completed_by: CompletedBy | None = _field("Who filled it in.", default=None, views=_NONE)
    created_on: _dt.date | None = _field(
        "When it was first written.", default=None, views=_NONE, converter=_optional(_to_date)
    )
    updated_on: _dt.date | None = _field("When it was last updated.", default=None, converter=_optional(_to_date))
    reviewed_by: ReviewedBy | None = _field("The professional who checked it.", default=None)
    next_review_due: _dt.date | None = _field(
        "When it should next be reviewed.", default=None, converter=_optional(_to_date)
    )


@attrs.frozen(kw_only=True)
class AttestationSigner:
    """The professional or organisation who checked the passport and signed that check."""

    name: str = _field("Name, e.g. Dr Amina Rahman.")
    role: str | None = _field("Role, e.g. consultant paediatric endocrinologist.", default=None)
    organisation: str | None = _field("Organisation, e.g. the hospital or clinic.", default=None)


@attrs.frozen(kw_only=True)
class PublicKey:
    """The signer's public key as a JSON Web Key (RFC 7517): Ed25519 (``OKP``) or P-256 (``EC``).

    It is carried so that a signature can be checked anywhere; whether the key is
    trusted is decided by the reader's own list of trusted keys, never by the file.
    """

    kty: str = _field("Key type: OKP (Ed25519) or EC (P-256).")
    crv: str = _field("Curve: Ed25519 or P-256.")
    x: str = _field("The public key (base64url).")
    y: str | None = _field("The second coordinate of a P-256 key (base64url).", default=None)


@attrs.frozen(kw_only=True)
class SectionDigest:
    """The SHA-256 of the canonical JSON (RFC 8785) of one signed section, as it was at signing."""

    path: str = _field("The section's path, e.g. $.emergency.protocols.")
    digest: str = _field("sha-256: and the digest in hexadecimal.")


@attrs.frozen(kw_only=True)
class Attestation:
    """A professional's signed statement that they checked the passport, or named sections of it.

    The ``signature`` is a JSON Web Signature (RFC 7515, EdDSA or ES256) with a detached
    payload: the RFC 8785 canonical JSON of this attestation without its signature, which
    holds a SHA-256 digest of the canonical JSON of every section it covers. Editing a
    covered section after signing is therefore detected, and named. See the signing page
    of the documentation and [`rarepassport.verify`][].
    """

    signer: AttestationSigner = _field("Who checked it.")
    reviewed_on: _dt.date = _field("When they checked it.", converter=_to_date)
    scope: tuple[str, ...] = _field(
        "What it covers: $ for the whole passport, or section paths such as $.emergency.protocols.",
        converter=tuple,
    )
    reviewed: str | None = _field("What was checked, in the signer's words.", default=None)
    key_id: str = _field("The RFC 7638 thumbprint of the public key (base64url SHA-256).")
    public_key: PublicKey = _field("The signer's public key.")
    digests: tuple[SectionDigest, ...] = _field(
        "SHA-256 of the canonical JSON of each covered section at signing.", converter=tuple
    )
    signature: str = _field("The compact JWS with detached payload (header..signature).")


def _default_medications_status(passport: Passport) -> MedicationsStatus:
    return MedicationsStatus.LISTED if passport.medications else MedicationsStatus.UNKNOWN


def _default_allergies_status(passport: Passport) -> AllergiesStatus:
    return AllergiesStatus.LISTED if passport.allergies else AllergiesStatus.UNKNOWN


@attrs.frozen(kw_only=True)
class Passport:
    """A rare-disease patient passport.

    Only ``person`` is required. Sections left out are empty; ``medications_status`` and
    ``allergies_status`` default to ``listed`` when their list has items and to
    ``unknown`` when it is empty, so "none" is only ever said on purpose.
    """

    schema_version: str = _field(
        "Version of the passport format; always 1.0 for now.", default=SCHEMA_VERSION, views=_NONE
    )
    id: str | None = _field("A stable identifier, e.g. a UUID.", default=None, views=_NONE)
    language: str = _field("BCP 47 tag of the language the content is written in.", default="en", views=_NONE)
    person: Person = _field("The person the passport belongs to.")
    diagnoses: tuple[Diagnosis, ...] = _tuple("Conditions; one may be primary.")
    emergency: Emergency = _field("What to do in an emergency.", factory=Emergency)
    medications: tuple[Medication, ...] = _tuple("Medicines.")
    medications_status: MedicationsStatus = _field(
        "listed, none or unknown; defaults to listed when medicines are given, else unknown.",
        default=attrs.Factory(_default_medications_status, takes_self=True),
        converter=_member(MedicationsStatus),
    )
    allergies: tuple[Allergy, ...] = _tuple("Allergies and intolerances.")
    allergies_status: AllergiesStatus = _field(
        "listed, none-known or unknown; defaults to listed when allergies are given, else unknown.",
        default=attrs.Factory(_default_allergies_status, takes_self=True),
        converter=_member(AllergiesStatus),
    )
    devices: tuple[Device, ...] = _tuple("Implants, tubes, pumps, shunts, ventilators, aids.")
    contacts: tuple[Contact, ...] = _tuple("Family, carers and others to call.")
    care_team: tuple[CareTeamMember, ...] = _tuple("Professionals; one may be the lead.", views=(E, ED))
    history: History = _field("Procedures, admissions and immunisations.", factory=History, views=_NONE)
    care_preferences: CarePreferences = _field("How I like to be cared for.", factory=CarePreferences)
    links: tuple[Link, ...] = _tuple("Links to records, guidelines and patient groups.", views=(ED, S))
    additional_sections: tuple[AdditionalSection, ...] = _tuple("Anything else the person wants to say.", views=(ED, S))
    review: Review = _field("Who completed and reviewed the passport, and when.", factory=Review)
    extensions: Mapping[str, Any] = _field(
        "Sections added by condition plugins, keyed by plugin section id.", factory=dict
    )
    attestations: tuple[Attestation, ...] = _tuple(
        "Professionals' signed checks of the passport or of named sections (see rarepassport.sign)."
    )
