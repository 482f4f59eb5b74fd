"""Limits on what rarepassport reads, so that hostile or broken input cannot exhaust
time or memory.

A passport is data from outside: a family's laptop, a web form, another health
system's FHIR export. Every limit below is checked *before* the work it bounds (a file
is measured before it is read, a YAML document's expanded size before it is built), and
a document over a limit is refused with a message naming the limit, never read in part.

Each limit is a module constant, read at the moment it is checked, so a program that
must read larger documents can raise one::

    import rarepassport.limits

    rarepassport.limits.MAX_FILE_BYTES = 50 * 1024 * 1024

The defaults are far above any real passport (the largest example is about 20 KB and
40 levels would be unusual) and far below what would hurt a laptop.
"""

from __future__ import annotations

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_LIST_LENGTH",
    "MAX_NUMBER_DIGITS",
    "MAX_PHOTO_BYTES",
    "MAX_PHOTO_PIXELS",
    "MAX_PROBLEMS",
    "MAX_STRING_LENGTH",
    "MAX_VALUES",
]

#: Largest passport or FHIR bundle file read, in bytes (photos included).
MAX_FILE_BYTES = 10 * 1024 * 1024

#: Deepest nesting of objects and lists in a JSON or YAML document or FHIR bundle.
MAX_DEPTH = 64

#: Most values (objects, lists, texts, numbers…) in one document, each expansion of a
#: YAML alias counted again: this is what bounds a YAML "alias bomb".
MAX_VALUES = 200_000

#: Longest text value, in characters. A ``data:`` photo (``$.person.photo``, FHIR
#: ``Attachment.data``) may instead be as long as [`MAX_PHOTO_BYTES`][rarepassport.limits] in base64.
MAX_STRING_LENGTH = 100_000

#: Longest list.
MAX_LIST_LENGTH = 10_000

#: Most digits in a whole number (a passport has no number longer than a phone number).
MAX_NUMBER_DIGITS = 30

#: Most problems listed in one error; the rest are counted ("and 12 more problems").
MAX_PROBLEMS = 100

#: Largest photo, in bytes of the image file (or of the decoded ``data:`` URI).
MAX_PHOTO_BYTES = 5 * 1024 * 1024

#: Most pixels (width × height) of a photo; a passport photo needs far fewer.
MAX_PHOTO_PIXELS = 4096 * 4096


def photo_uri_length() -> int:
    """Longest ``data:`` URI accepted for a photo: [`MAX_PHOTO_BYTES`][rarepassport.limits] in base64."""
    return (MAX_PHOTO_BYTES + 2) // 3 * 4 + 100
