"""Validation results (``rarepassport._report``): `Issue`, `IssueSeverity` and `Report`.

Specification: the docstrings of `rarepassport.Report` and `rarepassport.Issue` (what
`rarepassport.validate` returns, and what ``rarepassport validate --format json`` prints).
"""

from __future__ import annotations

import json

import attrs
import pytest

from rarepassport import Issue, IssueSeverity, Report


def _issue(severity: IssueSeverity, code: str = "some-code", path: str = "$.person.name") -> Issue:
    return Issue(path=path, code=code, severity=severity, message="Check this.")


def test_a_report_is_ok_with_warnings_and_hints_but_not_with_an_error() -> None:
    assert Report().ok
    assert Report([_issue(IssueSeverity.WARNING), _issue(IssueSeverity.INFO)]).ok
    assert not Report([_issue(IssueSeverity.INFO), _issue(IssueSeverity.ERROR)]).ok


def test_errors_and_warnings_are_picked_out_by_severity() -> None:
    error, warning, hint = (_issue(s, code=s.value) for s in IssueSeverity)
    report = Report([hint, warning, error])
    assert report.errors == (error,)
    assert report.warnings == (warning,)
    assert report.codes() == {"error", "warning", "info"}
    assert list(report) == [hint, warning, error] and len(report) == 3


def test_a_report_is_immutable_and_keeps_any_iterable_as_a_tuple() -> None:
    report = Report(issue for issue in [_issue(IssueSeverity.ERROR)])
    assert isinstance(report.issues, tuple) and len(report.issues) == 1
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        report.issues = ()  # type: ignore[misc]
    assert hash(report) == hash(Report([_issue(IssueSeverity.ERROR)]))


def test_an_issue_reads_as_severity_path_message_and_code() -> None:
    issue = _issue(IssueSeverity.WARNING, code="review-overdue", path="$.review.next_due")
    assert str(issue) == "warning: $.review.next_due: Check this. [review-overdue]"


def test_the_json_form_is_plain_data_with_severity_as_text() -> None:
    report = Report([_issue(IssueSeverity.ERROR, code="nhs-number-check-digit", path="$.person.identifiers[0].value")])
    data = json.loads(json.dumps(report.to_dict()))
    assert data == {"ok": False, "issues": [{"path": "$.person.identifiers[0].value", "code": "nhs-number-check-digit",
                                             "severity": "error", "message": "Check this."}]}


def test_severities_are_their_json_spellings() -> None:
    assert [s.value for s in IssueSeverity] == ["error", "warning", "info"]
    assert IssueSeverity("warning") is IssueSeverity.WARNING
    assert IssueSeverity.ERROR == "error"  # a str enum: compares with its spelling


def test_an_issue_needs_every_field_by_keyword() -> None:
    with pytest.raises(TypeError):
        Issue("$.a", "code", IssueSeverity.ERROR, "m")  # type: ignore[misc]
