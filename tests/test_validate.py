"""Validation: rules a schema cannot express, reported with paths, never raised."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import attrs

import rarepassport as rp
from rarepassport.hookspecs import hookimpl

TODAY = dt.date(2026, 11, 27)
CHILD_DOB = dt.date(2015, 3, 2)


def passport(**overrides: object) -> rp.Passport:
    """A passport that passes every core rule, changed by ``overrides``."""
    fields: dict[str, object] = {
        "person": rp.Person(
            name="Ada Example", date_of_birth=CHILD_DOB, weight=rp.Weight(kg=32.5, measured_on=dt.date(2026, 10, 1))
        ),
        "contacts": [rp.Contact(name="Sam Example", role="parent", phone="07700 900123")],
        "review": rp.Review(
            reviewed_by=rp.ReviewedBy(name="Dr Lee", date=dt.date(2026, 9, 1)), next_review_due=dt.date(2027, 9, 1)
        ),
    }
    fields.update(overrides)
    return rp.Passport(**fields)  # type: ignore[arg-type]


def codes(report: rp.Report) -> set[str]:
    return report.codes()


def test_a_complete_passport_has_no_issues() -> None:
    report = rp.validate(passport(), today=TODAY)
    assert report.ok
    assert list(report) == []


def test_bad_codes_are_errors_at_the_code_path() -> None:
    report = rp.validate(
        passport(
            diagnoses=[
                rp.Diagnosis(
                    name="X",
                    codes=[rp.Coding(system="ORPHA", code="ORPHA:558"), rp.Coding(system="SNOMED-CT", code="22298007")],
                )
            ]
        ),
        today=TODAY,
    )
    [issue] = report.errors
    assert (issue.path, issue.code) == ("$.diagnoses[0].codes[1].code", "code-format")
    assert not report.ok


def test_feature_hpo_ids_are_checked() -> None:
    report = rp.validate(
        passport(diagnoses=[rp.Diagnosis(name="X", features=[rp.Feature(name="Seizures", hpo="HP:12")])]), today=TODAY
    )
    assert [i.path for i in report.errors] == ["$.diagnoses[0].features[0].hpo"]


def test_nhs_number_check_digit() -> None:
    good = passport(
        person=attrs.evolve(passport().person, identifiers=[rp.Identifier(system="nhs-number", value="943 476 5919")])
    )
    bad = passport(
        person=attrs.evolve(passport().person, identifiers=[rp.Identifier(system="nhs-number", value="9434765918")])
    )
    assert rp.validate(good, today=TODAY).ok
    assert [i.code for i in rp.validate(bad, today=TODAY).errors] == ["nhs-number"]


def test_dates_in_the_future_are_errors() -> None:
    report = rp.validate(
        passport(history=rp.History(procedures=[rp.Procedure(name="Gastrostomy", date="2027-01")])), today=TODAY
    )
    assert [(i.path, i.code) for i in report.errors] == [("$.history.procedures[0].date", "date-in-future")]


def test_a_year_only_date_in_the_current_year_is_not_in_the_future() -> None:
    report = rp.validate(passport(devices=[rp.Device(name="Gastrostomy button", since="2026")]), today=TODAY)
    assert report.ok


def test_dates_before_birth_are_errors_except_prenatal_diagnosis_which_warns() -> None:
    report = rp.validate(
        passport(
            diagnoses=[rp.Diagnosis(name="X", diagnosed_on="2014-12")],
            medications=[rp.Medication(name="Y", started_on="2014")],
        ),
        today=TODAY,
    )
    assert {(i.path, i.severity) for i in report if i.code == "date-before-birth"} == {
        ("$.diagnoses[0].diagnosed_on", rp.IssueSeverity.WARNING),
        ("$.medications[0].started_on", rp.IssueSeverity.ERROR),
    }


def test_review_due_date_may_be_in_the_future_but_overdue_warns() -> None:
    overdue = passport(review=attrs.evolve(passport().review, next_review_due=dt.date(2026, 1, 1)))
    report = rp.validate(overdue, today=TODAY)
    assert report.ok
    assert [(i.code, i.severity) for i in report] == [("review-overdue", rp.IssueSeverity.WARNING)]


def test_only_one_primary_diagnosis() -> None:
    report = rp.validate(
        passport(
            diagnoses=[
                rp.Diagnosis(name="A", primary=True),
                rp.Diagnosis(name="B"),
                rp.Diagnosis(name="C", primary=True),
            ]
        ),
        today=TODAY,
    )
    assert [(i.path, i.code) for i in report.errors] == [("$.diagnoses[2].primary", "primary-diagnosis")]


def test_none_known_allergies_with_items_is_an_error() -> None:
    report = rp.validate(
        passport(allergies=[rp.Allergy(substance="Penicillin")], allergies_status="none-known"), today=TODAY
    )
    assert [i.code for i in report.errors] == ["allergies-status"]


def test_no_medications_with_items_is_an_error() -> None:
    report = rp.validate(
        passport(medications=[rp.Medication(name="Hydrocortisone")], medications_status="none"), today=TODAY
    )
    assert [i.code for i in report.errors] == ["medications-status"]


def test_child_weight_older_than_six_months_warns() -> None:
    old = attrs.evolve(passport().person, weight=rp.Weight(kg=30, measured_on=dt.date(2026, 3, 1)))
    report = rp.validate(passport(person=old), today=TODAY)
    assert [(i.code, i.severity) for i in report] == [("weight-outdated", rp.IssueSeverity.WARNING)]


def test_adult_weight_age_is_not_checked() -> None:
    adult = rp.Person(
        name="Ben", date_of_birth=dt.date(1980, 1, 1), weight=rp.Weight(kg=80, measured_on=dt.date(2020, 1, 1))
    )
    assert "weight-outdated" not in codes(rp.validate(passport(person=adult), today=TODAY))


def test_no_emergency_contact_warns() -> None:
    report = rp.validate(passport(contacts=[rp.Contact(name="Friend", role="other", phone="1")]), today=TODAY)
    assert [(i.code, i.severity) for i in report] == [("no-emergency-contact", rp.IssueSeverity.WARNING)]


def test_links_must_be_web_addresses() -> None:
    report = rp.validate(passport(links=[rp.Link(url="javascript:alert(1)")]), today=TODAY)
    assert [(i.path, i.code) for i in report.errors] == [("$.links[0].url", "link-url")]


def test_blank_required_text_is_an_error() -> None:
    report = rp.validate(passport(allergies=[rp.Allergy(substance="  ")]), today=TODAY)
    assert [(i.path, i.code) for i in report.errors] == [("$.allergies[0].substance", "required-text-empty")]


def test_structural_problems_become_issues_instead_of_exceptions() -> None:
    report = rp.validate({"schema_version": "1.0", "person": {"name": "A", "nickname": "B"}})
    assert not report.ok
    assert {(i.path, i.code) for i in report} == {
        ("$.person.nickname", "structure"),
        ("$.person.date_of_birth", "structure"),
    }


def test_validate_accepts_a_file_path(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    rp.dump(passport(), path)
    assert rp.validate(path, today=TODAY).ok


def test_errors_come_before_warnings_in_the_report() -> None:
    report = rp.validate(passport(contacts=[], links=[rp.Link(url="ftp://x")]), today=TODAY)
    severities = [i.severity for i in report]
    assert severities == sorted(
        severities, key=[rp.IssueSeverity.ERROR, rp.IssueSeverity.WARNING, rp.IssueSeverity.INFO].index
    )


def test_report_serialises_to_json() -> None:
    report = rp.validate(passport(contacts=[]), today=TODAY)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is True
    assert data["issues"][0]["code"] == "no-emergency-contact"


class RulesPlugin:
    """A plugin with one working rule and one that crashes."""

    __name__ = "rules-plugin"

    @staticmethod
    def needs_summary(p: rp.Passport, context: rp.RuleContext) -> Iterator[rp.Issue]:
        if not p.emergency.summary:
            yield rp.Issue(
                path="$.emergency.summary",
                code="needs-summary",
                severity=rp.IssueSeverity.ERROR,
                message="write an emergency summary",
            )

    @staticmethod
    def crashes(p: rp.Passport, context: rp.RuleContext) -> Iterator[rp.Issue]:
        raise RuntimeError("bug in plugin")

    @hookimpl
    def rarepassport_register_rules(self, rules: rp.RuleRegistry) -> None:
        rules.add(self.needs_summary, code="needs-summary")
        rules.add(self.crashes, code="crashes")


def test_plugin_rules_run_and_a_crashing_rule_becomes_an_error_naming_plugin_and_rule() -> None:
    manager = rp.make_plugin_manager(entry_points=False, plugins=[RulesPlugin()])
    report = rp.validate(passport(), plugins=manager, today=TODAY)
    assert codes(report) == {"needs-summary", "rule-failed"}
    [failed] = [i for i in report if i.code == "rule-failed"]
    assert "'crashes'" in failed.message and "rules-plugin" in failed.message
    assert "bug in plugin" not in failed.message


def test_blocking_the_core_rules_leaves_only_plugin_rules() -> None:
    manager = rp.make_plugin_manager(entry_points=False, blocked=["core-rules"], plugins=[RulesPlugin()])
    report = rp.validate(passport(contacts=[]), plugins=manager, today=TODAY)
    assert "no-emergency-contact" not in codes(report)


def test_passports_read_from_documents_skip_the_python_type_check_but_edited_ones_do_not() -> None:
    from rarepassport.convert import is_well_typed

    loaded = rp.loads(rp.dumps(passport()))
    assert is_well_typed(loaded)
    assert not is_well_typed(passport())
    edited = attrs.evolve(loaded, person=attrs.evolve(loaded.person, weight=rp.Weight(kg="heavy")))  # type: ignore[arg-type]
    assert not is_well_typed(edited)
    report = rp.validate(edited, today=TODAY)
    assert [(i.path, i.code) for i in report.errors] == [("$.person.weight.kg", "structure")]
