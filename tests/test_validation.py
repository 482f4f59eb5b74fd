"""Validation: rules a schema cannot express, reported with paths, never raised."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

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
        "diagnoses": [rp.Diagnosis(name="Example condition")],
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

    manager = rp.default_plugin_manager()
    loaded = rp.loads(rp.dumps(passport()))
    assert is_well_typed(loaded, manager)
    assert not is_well_typed(passport(), manager)
    # Another manager did not read it: it checks the values again (slower, never wrong).
    assert not is_well_typed(loaded, rp.make_plugin_manager(entry_points=False))
    edited = attrs.evolve(loaded, person=attrs.evolve(loaded.person, weight=rp.Weight(kg="heavy")))  # type: ignore[arg-type]
    assert not is_well_typed(edited, manager)
    report = rp.validate(edited, today=TODAY)
    assert [(i.path, i.code) for i in report.errors] == [("$.person.weight.kg", "structure")]


# --- diagnosis recorded, review after update, guidance for children, time-critical medicines ---


def test_a_passport_with_no_diagnosis_warns_at_the_diagnoses() -> None:
    report = rp.validate(passport(diagnoses=[]), today=TODAY)
    [issue] = [i for i in report if i.code == "no-diagnosis"]
    assert (issue.path, issue.severity) == ("$.diagnoses", rp.IssueSeverity.WARNING)
    assert "'undiagnosed'" in issue.message


def test_an_undiagnosed_entry_or_a_suspected_diagnosis_is_a_diagnosis_entry() -> None:
    undiagnosed = rp.Diagnosis(name="Syndrome without a name", status="undiagnosed",
                               features=[rp.Feature(name="Low blood sugar")])
    suspected = rp.Diagnosis(name="Example condition", status="suspected")
    for diagnoses in ([undiagnosed], [suspected]):
        assert list(rp.validate(passport(diagnoses=diagnoses), today=TODAY)) == []


def test_validate_command_warns_about_a_passport_with_no_diagnosis(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "no-diagnosis.json"
    path.write_text(json.dumps({"schema_version": "1.0", "person": {"name": "Sam Example",
                                                                     "date_of_birth": "2001-04-17"}}))
    result = subprocess.run([sys.executable, "-m", "rarepassport", "validate", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "warning $.diagnoses: no diagnosis recorded" in result.stdout
    assert "[no-diagnosis]" in result.stdout


def test_a_review_before_the_last_update_warns_that_the_changes_are_unchecked() -> None:
    review = rp.Review(updated_on=dt.date(2026, 3, 1), next_review_due=dt.date(2027, 9, 1),
                       reviewed_by=rp.ReviewedBy(name="Dr Lee", date=dt.date(2020, 5, 1)))
    report = rp.validate(passport(review=review), today=TODAY)
    [issue] = list(report)
    assert (issue.path, issue.code, issue.severity) == (
        "$.review.reviewed_by.date", "review-before-update", rp.IssueSeverity.WARNING)
    assert "reviewed before the last update" in issue.message
    assert "Dr Lee" not in issue.message and "2020" not in issue.message


def test_a_review_on_or_after_the_last_update_is_fine() -> None:
    for reviewed_on in (dt.date(2026, 3, 1), dt.date(2026, 3, 2)):
        review = rp.Review(updated_on=dt.date(2026, 3, 1), next_review_due=dt.date(2027, 9, 1),
                           reviewed_by=rp.ReviewedBy(name="Dr Lee", date=reviewed_on))
        assert list(rp.validate(passport(review=review), today=TODAY)) == []


class AdultGuidancePlugin:
    """A condition plugin whose general guidance is written for adults, naming a time-critical medicine."""

    __name__ = "adult-guidance"

    @hookimpl
    def rarepassport_emergency_guidance(self, passport: rp.Passport) -> list[rp.Guidance] | None:
        if not any(d.name == "Example condition" for d in passport.diagnoses):
            return None
        return [rp.Guidance(title="Crisis", text="Adult dose.", source="Example society",
                            source_date=dt.date(2024, 1, 1), population="adult", time_critical=("Hydrocortisone",))]


def _with_adult_guidance() -> rp.PluginManager:
    return rp.make_plugin_manager(entry_points=False, plugins=[AdultGuidancePlugin()])


def test_a_child_with_only_adult_guidance_and_no_own_protocol_warns_at_the_protocols() -> None:
    report = rp.validate(passport(), plugins=_with_adult_guidance(), today=TODAY)
    [issue] = list(report)
    assert (issue.path, issue.code, issue.severity) == (
        "$.emergency.protocols", "child-adult-guidance", rp.IssueSeverity.WARNING)


def test_adult_guidance_is_fine_for_a_child_with_an_own_protocol_or_for_someone_of_16() -> None:
    manager = _with_adult_guidance()
    protocol = rp.Emergency(protocols=[rp.Protocol(title="Crisis", steps=["Give the dose in the letter."])])
    assert list(rp.validate(passport(emergency=protocol), plugins=manager, today=TODAY)) == []
    sixteen = rp.Person(name="Ada Example", date_of_birth=dt.date(2010, 11, 27),
                        weight=rp.Weight(kg=60, measured_on=dt.date(2026, 10, 1)))
    assert list(rp.validate(passport(person=sixteen), plugins=manager, today=TODAY)) == []
    # The day before the 16th birthday is still childhood.
    assert "child-adult-guidance" in codes(rp.validate(passport(person=sixteen), plugins=manager,
                                                       today=dt.date(2026, 11, 26)))


def test_a_child_with_guidance_for_everyone_gets_no_adult_guidance_warning() -> None:
    class AllAgesPlugin:
        __name__ = "all-ages"

        @hookimpl
        def rarepassport_emergency_guidance(self, passport: rp.Passport) -> list[rp.Guidance]:
            return [rp.Guidance(title="Crisis", text="For everyone.", source="Example",
                                source_date=dt.date(2024, 1, 1))]

    manager = rp.make_plugin_manager(entry_points=False, plugins=[AllAgesPlugin()])
    assert list(rp.validate(passport(), plugins=manager, today=TODAY)) == []


def test_a_child_whose_own_dose_is_in_a_plugin_emergency_section_gets_no_adult_guidance_warning() -> None:
    data = {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2023-05-01",
                                                 "weight": {"kg": 14, "measured_on": "2026-11-01"}},
            "diagnoses": [{"name": "Example condition"}],
            "contacts": [{"name": "Sam Example", "role": "parent", "phone": "07700 900123"}],
            "extensions": {"adrenal_insufficiency": {"emergency_dose": "Hydrocortisone 25 mg IM"}}}
    manager = _with_adult_guidance()
    report = rp.validate(data, plugins=manager, today=TODAY)
    assert "child-adult-guidance" not in codes(report)
    del data["extensions"]
    assert "child-adult-guidance" in codes(rp.validate(data, plugins=manager, today=TODAY))


def test_a_medicine_the_guidance_calls_time_critical_but_not_flagged_warns_at_its_flag() -> None:
    protocol = rp.Emergency(protocols=[rp.Protocol(title="Crisis", steps=["Give the dose in the letter."])])
    medicines = [rp.Medication(name="Paracetamol"), rp.Medication(name="HYDROCORTISONE tablets")]
    report = rp.validate(passport(emergency=protocol, medications=medicines, medications_status="listed"),
                         plugins=_with_adult_guidance(), today=TODAY)
    [issue] = list(report)
    assert (issue.path, issue.code, issue.severity) == (
        "$.medications[1].time_critical", "time-critical-not-flagged", rp.IssueSeverity.WARNING)
    assert "hydrocortisone" not in issue.message.lower()


def test_a_time_critical_medicine_flagged_as_such_is_fine() -> None:
    protocol = rp.Emergency(protocols=[rp.Protocol(title="Crisis", steps=["Give the dose in the letter."])])
    medicines = [rp.Medication(name="Hydrocortisone", time_critical=True)]
    report = rp.validate(passport(emergency=protocol, medications=medicines, medications_status="listed"),
                         plugins=_with_adult_guidance(), today=TODAY)
    assert list(report) == []


def test_the_rules_are_given_the_same_nodes_in_the_first_validation_and_the_hundredth() -> None:
    # The rules' walk is generated per class once a class has been walked often.
    plugins = rp.make_plugin_manager()
    path = Path(__file__).resolve().parents[1] / "examples" / "child-several-diagnoses.json"
    passport = rp.load(path, plugins=plugins)
    first = rp.RuleContext(today=dt.date(2026, 1, 1), plugins=plugins).nodes(passport)
    for _ in range(100):
        later = rp.RuleContext(today=dt.date(2026, 1, 1), plugins=plugins).nodes(passport)
    assert later == first
    assert [node[0] for node in first if node[1] == "date_of_birth"] == ["$.person.date_of_birth"]


@pytest.mark.parametrize("example", sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.json")))
def test_the_nodes_of_a_type_are_the_nodes_with_a_value_of_that_type_in_document_order(example: Path) -> None:
    # nodes_of is walked for on its own (each node filed by type as it goes), nodes when asked.
    plugins = rp.make_plugin_manager()
    try:
        passport = rp.load(example, plugins=plugins)
    except rp.LoadError:
        pytest.skip("not a passport")
    every = rp.RuleContext(today=dt.date(2026, 1, 1), plugins=plugins).nodes(passport)
    kinds = {type(node[2]) for node in every} | {str, dt.date, rp.PartialDate, rp.Coding, rp.Link}
    for _ in range(20):  # the general walk first, then the generated one
        context = rp.RuleContext(today=dt.date(2026, 1, 1), plugins=plugins)
        for kind in kinds:
            assert context.nodes_of(passport, kind) == [node for node in every if type(node[2]) is kind]
        assert context.nodes_of(passport, rp.Coding, str) == \
            [node for node in every if type(node[2]) is rp.Coding] + [node for node in every if type(node[2]) is str]
        assert context.nodes(passport) == every
