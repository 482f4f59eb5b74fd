"""Every exception (and the one warning category) rarepassport raises on purpose.

All of them live here, so that a program can catch them without importing the step
that raised them. The hierarchy::

    PassportError                 base of every error of ours
    ├── LoadError (ValueError)    a passport or document could not be read; .problems
    │   └── FhirImportError       a FHIR document could not be read as a passport
    ├── PluginError               a plugin could not be registered or used
    ├── EncryptionError (ValueError)  an encrypted file could not be read or written
    │   ├── PassphraseRequiredError   the file is encrypted and no passphrase was given
    │   └── WrongPassphraseError      wrong passphrase, or the file was changed
    ├── HealthLinkError (ValueError)  a SMART Health Link could not be made or read
    ├── SigningError (ValueError)     a passport could not be signed, or a key read
    ├── MissingDependencyError (ImportError)  an optional extra is not installed; .extra
    └── RenderError (ValueError)  a passport could not be rendered as asked
        ├── InvalidPassportError  strict=True and the passport has validation errors
        ├── MissingGlyphsError    no available font can draw some characters
        └── DrawnTextMismatchError  the text read back from a PDF is not what was asked

    RenderWarning (UserWarning)   something a reader of the output must know
    PluginWarning (UserWarning)   a plugin's hook failed and was skipped

Messages name where a problem is (a JSON path, a file, a section) and never quote a
passport's field values. Most errors also say which catalogue entry their message is
(``error.message_id`` and ``error.arguments``, given to the error as a [`Message`][rarepassport.errors.Message]),
so that a program such as the command line can say it in its user's language;
``str(error)`` is always English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs

from rarepassport import limits
from rarepassport._report import Issue, IssueSeverity

__all__ = [
    "DrawnTextMismatchError",
    "EncryptionError",
    "FhirImportError",
    "HealthLinkError",
    "InvalidPassportError",
    "LoadError",
    "Message",
    "MissingDependencyError",
    "MissingGlyphsError",
    "PassphraseRequiredError",
    "PassportError",
    "PluginError",
    "PluginWarning",
    "Problem",
    "RenderError",
    "RenderWarning",
    "SigningError",
    "WrongPassphraseError",
    "describe_characters",
]


@attrs.frozen
class Problem:
    """One thing wrong with an input, and where.

    Attributes:
        path: JSON path of the offending value, e.g. ``$.diagnoses[1].codes[0].code``.
        message: What is wrong and how to fix it, for a person.
        line: Line in the source file (1-based) where known, else ``None``.
        column: Column in the source file (1-based) where known, else ``None``.
        message_id: The catalogue id of the message (``validation.structure.unknown-field``),
            for reports in other languages; ``None`` when it has none (shown in English).
        arguments: The values of the message's ``{placeholders}`` (field names, paths).
    """

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    message_id: str | None = attrs.field(default=None, kw_only=True)
    arguments: Mapping[str, str] = attrs.field(factory=dict, kw_only=True, hash=False)

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f" (line {self.line}, column {self.column})"
        return f"{where}: {self.message}"


class Message:
    """A message of the label catalogue: its id, its English text and its placeholders' values.

    Give one to an error instead of a plain string, and the error keeps the id and the
    values (``message_id``, ``arguments``) beside its English ``str()``::

        raise HealthLinkError(Message("error.shl.expired", "the expiry is in the past"))

    The English must be the catalogue's English for the id (a test checks every message
    of rarepassport's own). The values are names, paths, numbers and limits, never a
    passport's field values.

    Attributes:
        id: The catalogue id, e.g. ``error.shl.expired``.
        english: The English text, with ``{placeholders}``.
        arguments: The values of the placeholders, as text.
    """

    __slots__ = ("arguments", "english", "id")

    def __init__(self, id: str, english: str, /, **arguments: object) -> None:
        self.id = id
        self.english = english
        self.arguments: Mapping[str, str] = MappingProxyType({key: str(value) for key, value in arguments.items()})

    def __str__(self) -> str:
        return self.english.format_map(self.arguments)

    def __repr__(self) -> str:
        return f"Message({self.id!r}, {self.english!r}, **{dict(self.arguments)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Picklable (the batch's worker processes send messages back), read-only values kept.
        return (_message, (self.id, self.english, dict(self.arguments)))


def _message(id: str, english: str, arguments: dict[str, str]) -> Message:
    return Message(id, english, **arguments)


_NO_ARGUMENTS: Mapping[str, str] = MappingProxyType({})


class PassportError(Exception):
    """Base class of every error rarepassport raises on purpose.

    Attributes:
        message_id: The catalogue id of the message when the error was given a
            [`Message`][rarepassport.errors.Message] (``error.shl.expired``), else ``None`` (said as written).
        arguments: The values of that message's ``{placeholders}``.
    """

    message_id: str | None = None
    arguments: Mapping[str, str] = _NO_ARGUMENTS

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], Message):
            self._say(args[0])
            args = (str(args[0]), *args[1:])
        super().__init__(*args)

    def _say(self, message: object) -> None:
        """Keep the catalogue id and values of ``message`` when it is a `Message`."""
        if isinstance(message, Message):
            # A plain dict: an exception must stay picklable (worker processes, logging).
            self.message_id, self.arguments = message.id, dict(message.arguments)


class LoadError(PassportError, ValueError):
    """A passport could not be read: lists every problem found.

    Attributes:
        problems: Every problem, each with its JSON path.
        source: The file or other source read, when known.
    """

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        found = tuple(problems)
        limit = max(1, limits.MAX_PROBLEMS)
        if len(found) > limit + 1:
            # A million wrong list items must not print a million lines: keep the first
            # ones and count the rest (rarepassport.limits.MAX_PROBLEMS).
            rest = len(found) - limit
            from rarepassport._catalogues import core_text

            more = {"count": str(rest)}
            found = (*found[:limit], Problem("$", core_text("validation.read.more-problems", **more),
                                             message_id="validation.read.more-problems", arguments=more))
        self.problems: tuple[Problem, ...] = found
        self.source = source
        super().__init__(self._summary())

    def _summary(self) -> str:
        where = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{where}{count} {noun} found"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)

    def with_source(self, source: str) -> LoadError:
        """The same error (of the same class), naming the file it came from."""
        return type(self)(self.problems, source=source)


class PluginError(PassportError):
    """A plugin could not be registered or used, e.g. a section id clash."""


class EncryptionError(PassportError, ValueError):
    """An encrypted passport file could not be read (or a file could not be encrypted).

    Raised for a file that is not an encrypted passport, is truncated, has trailing
    bytes, was written by a newer container version, or asks for more key-derivation
    work than [`rarepassport.encryption`][] allows. The message names the file and the
    reason, never a passphrase.

    Attributes:
        source: The file read, when known.
    """

    def __init__(self, message: str | Message, source: str | None = None) -> None:
        self.reason = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else str(message))
        self._say(message)

    def with_source(self, source: str) -> EncryptionError:
        """The same error (of the same class), naming the file it came from."""
        return type(self)(self.reason, source=source)


class PassphraseRequiredError(EncryptionError):
    """The file is encrypted and no passphrase was given to read it."""


class WrongPassphraseError(EncryptionError):
    """The passphrase is wrong, or the encrypted file was changed after it was written.

    Authenticated encryption cannot tell the two apart: either way nothing of the
    content is returned.
    """


class HealthLinkError(PassportError, ValueError):
    """A SMART Health Link could not be made, or a link or its file could not be read.

    The message says what is wrong (the url, the key, the label, the JWE), never the
    key or the content.
    """


class FhirImportError(LoadError):
    """A FHIR document could not be read as a passport; each problem has its FHIR path."""


def describe_characters(chars: Sequence[str], limit: int = 12) -> str:
    """Code points as ``U+0627, U+4E2D`` (never the text itself)."""
    shown = ", ".join(f"U+{ord(c):04X}" for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


class MissingDependencyError(PassportError, ImportError):
    """An optional extra that this needs is not installed; the message names the ``pip install``.

    Attributes:
        extra: The extra to install, e.g. ``hpo`` for ``pip install 'rarepassport[hpo]'``.
    """

    def __init__(self, message: str | Message, *, extra: str) -> None:
        super().__init__(message)
        self.extra = extra


class RenderError(PassportError, ValueError):
    """A passport could not be rendered as asked: unknown format, view or option."""


class InvalidPassportError(RenderError):
    """``strict=True`` was asked for and the passport has validation errors.

    The message says how many errors there are and the path and code of the first;
    never a field value.

    Attributes:
        issues: Every issue validation found (errors, warnings and hints).
    """

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        errors = [issue for issue in self.issues if issue.severity is IssueSeverity.ERROR]
        count = len(errors)
        first = f"; first: {errors[0].path} [{errors[0].code}]" if errors else ""
        super().__init__(
            f"the passport has {count} validation error{'s' if count != 1 else ''}{first}; "
            "fix them (see rarepassport.validate) or render with strict=False"
        )


class MissingGlyphsError(RenderError):
    """No available font can draw some characters of the passport.

    Raised by the ``pdf`` and ``card`` backends unless they are given
    ``missing_glyphs="mark"`` (``--allow-missing-glyphs`` on the command line), which
    draws a visible marker instead. The message names where each character is (a
    JSON path or a section and label) and its code point, never the text.

    Attributes:
        places: ``(where, characters)`` pairs.
    """

    def __init__(self, places: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.places = tuple((where, tuple(chars)) for where, chars in places)
        lines = [f"{where}: {describe_characters(chars, limit=6)}" for where, chars in self.places[:10]]
        if len(self.places) > 10:
            lines.append(f"... and {len(self.places) - 10} more places")
        super().__init__(
            "no available font can draw some characters (install a Noto font for the script, pass "
            "fonts=[path] (--font), or accept a visible marker with missing_glyphs='mark' "
            "(--allow-missing-glyphs)):\n  " + "\n  ".join(lines)
        )


class DrawnTextMismatchError(RenderError):
    """The text read back from a drawn PDF is not what layout asked for.

    Each problem names where the text is (never the text itself). The command line says
    the heading (``error.message_id``) and each place in its user's language.

    Attributes:
        problems: One line per text that was not found as written.
    """

    #: How many problems the message lists; the rest are counted (``... and 3 more``).
    SHOWN = 20

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        heading = Message("error.render.drawn-text-mismatch",
                          "the drawn PDF does not show every text as written (please report this as a bug):")
        rest = len(self.problems) - self.SHOWN
        shown = list(self.problems[:self.SHOWN]) + ([str(Message("error.render.more-problems", "... and {count} more",
                                                                 count=rest))] if rest > 0 else [])
        super().__init__(f"{heading}\n  " + "\n  ".join(shown))
        self._say(heading)


class SigningError(PassportError, ValueError):
    """A passport could not be signed, or a key or revocation list could not be read.

    The message names the file, the option or the JSON path, never a key's secret or a
    field's value. A signature that does not check out is not an error: it is a result
    of [`rarepassport.verify`][] (status ``malformed``, ``modified`` …).

    Attributes:
        source: Where the key is (``clinic.json: $.keys[0]``), when the error names it.
    """

    def __init__(self, message: str | Message, source: str | None = None) -> None:
        self.reason = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)
        self._say(message)

    def with_source(self, source: str) -> SigningError:
        """The same error (of the same class), naming where the key is."""
        return type(self)(self.reason, source=source)


class RenderWarning(UserWarning):
    """Something a reader of the rendered passport must know (e.g. review overdue).

    Never carries field values, only what kind of problem and where.
    """


class PluginWarning(UserWarning):
    """A plugin's hook raised and was skipped (see ``PluginManager.call_each``).

    Names the plugin, its version and the hook, and the exception's type only: its
    message may quote passport data.

    Attributes:
        failure: The [`PluginFailure`][rarepassport.PluginFailure] the warning is about,
            when it was given one (so that a program such as the command line can say it
            in its user's language), else ``None``.
    """

    def __init__(self, *args: object, failure: object = None) -> None:
        super().__init__(*args)
        self.failure = failure
