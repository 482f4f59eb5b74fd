"""Validation results: issues with a path, a code and a severity."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

__all__ = ["Issue", "IssueSeverity", "Report"]


class IssueSeverity(str, enum.Enum):
    """How much an issue matters."""

    ERROR = "error"
    """The passport is wrong or unsafe to rely on."""
    WARNING = "warning"
    """Something to check, e.g. a review date that has passed."""
    INFO = "info"
    """A hint that would make the passport more useful."""


@attrs.frozen(kw_only=True)
class Issue:
    """One finding of validation.

    Attributes:
        path: JSON path of the value concerned, e.g. ``$.person.identifiers[0].value``.
        code: A stable, machine-readable id such as ``nhs-number-check-digit``.
        severity: error, warning or info.
        message: What is wrong and how to fix it, for a person. Never contains the
            passport's field values beyond what the user needs to find them. In English
            unless the report was asked for in another language.
        message_id: The catalogue id of the message (``validation.nhs-number``), whose
            translations give the message in other languages; ``None`` for a message a
            plugin wrote as plain text (shown in English, marked as not translated).
        arguments: The values of the message's named ``{placeholders}`` (paths, field
            names, code-system names: never the passport's values).
    """

    path: str
    code: str
    severity: IssueSeverity
    message: str
    message_id: str | None = None
    arguments: Mapping[str, str] = attrs.field(factory=dict, hash=False)

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.path}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready dict."""
        return {
            "path": self.path,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }


def _issue_tuple(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(issues)


@attrs.frozen
class Report:
    """The outcome of [`rarepassport.validate`][].

    Attributes:
        issues: Every issue found, errors first, then in path order.
    """

    issues: tuple[Issue, ...] = attrs.field(converter=_issue_tuple, default=())

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings and hints allowed)."""
        return not any(issue.severity is IssueSeverity.ERROR for issue in self.issues)

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues of severity error."""
        return tuple(i for i in self.issues if i.severity is IssueSeverity.ERROR)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The issues of severity warning."""
        return tuple(i for i in self.issues if i.severity is IssueSeverity.WARNING)

    def codes(self) -> set[str]:
        """The set of issue codes, handy in tests."""
        return {issue.code for issue in self.issues}

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``{"ok": bool, "issues": [...]}``."""
        return {"ok": self.ok, "issues": [issue.to_dict() for issue in self.issues]}
