"""Clinical classes: the one priority order of what matters first in an emergency.

Every line that can reach a wallet card, an emergency QR code, a lock-screen image or
the emergency part of a document belongs to one `ClinicalClass`. The classes
are listed here in the order an emergency team needs them; that order is the only
thing that decides what is kept when room runs out (never the order items were typed
in). Condition plugins declare the class of their own fields with
``section_field(..., clinical_class=ClinicalClass.EMERGENCY_TREATMENT)``.

This module is a leaf: it imports nothing from rarepassport.
"""

from __future__ import annotations

import enum

__all__ = ["CLINICAL_ORDER", "ClinicalClass", "Population"]


class ClinicalClass(str, enum.Enum):
    """What kind of emergency information a line is, in clinical priority order."""

    IDENTITY = "identity"
    """Name and date of birth: always shown, on both sides of a card."""
    DIAGNOSIS = "diagnosis"
    """Diagnoses with their status (suspected, provisional, undiagnosed said plainly)."""
    SUMMARY = "summary"
    """The emergency summary: the few sentences to read first."""
    EMERGENCY_TREATMENT = "emergency-treatment"
    """The owner's emergency dose or regimen: condition-plugin fields of this class."""
    ALLERGY = "allergy"
    """Allergies and intolerances, life-threatening and severe first."""
    TIME_CRITICAL = "time-critical"
    """Medicines that must not be missed or delayed."""
    SPECIALIST_CONTACT = "specialist-contact"
    """The 24-hour specialist team or open-access hospital."""
    EMERGENCY_CONTACT = "emergency-contact"
    """One person to call."""
    WEIGHT = "weight"
    """Weight with its date, when emergency doses depend on it."""
    PROTOCOL = "protocol"
    """The owner's first emergency protocol, step by step."""
    AVOID = "avoid"
    """Drugs, procedures and situations to avoid."""
    RED_FLAG = "red-flag"
    """Signs that need urgent help."""
    FURTHER_PROTOCOL = "further-protocol"
    """The owner's other protocols."""
    DEVICE = "device"
    """Devices and implants."""
    ANAESTHESIA = "anaesthesia"
    """Notes for anaesthesia."""
    CONTEXT = "context"
    """Anything else a plugin wants on the card: kept only when there is room."""


#: The clinical priority order, most urgent first (the order of `ClinicalClass`).
CLINICAL_ORDER: tuple[ClinicalClass, ...] = tuple(ClinicalClass)


class Population(str, enum.Enum):
    """Whom a piece of guidance is written for."""

    ADULT = "adult"
    CHILD = "child"
    ALL = "all"
