"""A new user's passports, written by hand from the docs with the mistakes people make.

The files under ``tests/data/user/`` are fictional passports written during black-box
QA (a child with cystic fibrosis and a gastrostomy, an adult with Ehlers-Danlos on many
medicines, a teenager with a syndrome without a name, a Portuguese passport with Arabic
names). Each test pins one behaviour those passports showed: every problem is reported
with its path and a way to fix it, never with the passport's values.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

import rarepassport as rp
from rarepassport.cli import main

DATA = Path(__file__).parent / "data" / "user"
TODAY = dt.date(2026, 11, 27)


def _validate_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    """Run ``validate --format json`` on a file; the exit code and each issue's message by path."""
    code = main(["validate", "--format", "json", str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    (report,) = json.loads(captured.out)["results"]
    return code, {issue["path"]: issue["message"] for issue in report["issues"]}


@pytest.fixture
def user_file(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a QA passport into a temporary folder, as a user's own file."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(DATA / name, target)
        return target

    return copy


# --- structure: every mistake at once, each with its path ---------------------------------


def test_child_passport_with_typical_mistakes_reports_each_field(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = user_file("cf-child-mistakes.json")
    code, messages = _validate_json(path, capsys)
    assert code == 1
    assert set(messages) == {
        "$.person.date_of_birth",
        "$.person.dob",
        "$.person.weight.kg",
        "$.diagnoses[0].genetics",
        "$.emergency.avoid[0]",
        "$.medications[0].time_critical",
        "$.allergies",
    }


def test_messages_about_a_passport_never_repeat_its_values(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = user_file("cf-child-mistakes.json")
    main(["validate", str(path)])
    out = capsys.readouterr().out
    for value in ("Milo", "02/03/2015", "18.5", "p.Phe508del", "MIC-KEY", "Rosa", "07700"):
        assert value not in out


def test_allergies_written_as_text_points_to_allergies_status(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = user_file("cf-child-mistakes.json")
    _, messages = _validate_json(path, capsys)
    assert '"allergies_status": "none-known"' in messages["$.allergies"]


def test_medications_written_as_text_points_to_medications_status() -> None:
    document = {"schema_version": "1.0", "person": {"name": "A", "date_of_birth": "2015-03-02"}, "medications": "none"}
    with pytest.raises(rp.LoadError) as raised:
        rp.from_dict(document)
    (problem,) = raised.value.problems
    assert problem.path == "$.medications"
    assert '"medications_status": "none"' in problem.message


def test_allowed_value_in_the_wrong_case_suggests_the_allowed_spelling(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = user_file("eds-adult-mistakes.yaml")
    _, messages = _validate_json(path, capsys)
    assert messages["$.contacts[0].role"].endswith("did you mean 'emergency'?")


def test_misspelt_allowed_value_suggests_the_closest_one(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = user_file("eds-adult-mistakes.yaml")
    _, messages = _validate_json(path, capsys)
    assert messages["$.allergies[0].kind"].endswith("did you mean 'intolerance'?")


def test_unrelated_value_gets_no_suggestion() -> None:
    document = {"schema_version": "1.0", "person": {"name": "A", "date_of_birth": "2015-03-02", "sex": "xyz"}}
    with pytest.raises(rp.LoadError) as raised:
        rp.from_dict(document)
    assert "did you mean" not in raised.value.problems[0].message


def test_unquoted_yaml_code_says_to_write_it_in_quotes(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = user_file("eds-adult-mistakes.yaml")
    _, messages = _validate_json(path, capsys)
    assert messages["$.diagnoses[0].codes[1].code"] == "expected text, got a number; write it in quotes"


def test_unquoted_yaml_year_says_to_write_it_as_quoted_text(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = user_file("swan-teen-mistakes.yaml")
    _, messages = _validate_json(path, capsys)
    assert "in YAML, put it in quotes" in messages["$.diagnoses[1].diagnosed_on"]


def test_full_date_given_as_a_number_names_the_date_format() -> None:
    document = {"schema_version": "1.0", "person": {"name": "A", "date_of_birth": 20150302}}
    with pytest.raises(rp.LoadError) as raised:
        rp.from_dict(document)
    (problem,) = raised.value.problems
    assert problem.path == "$.person.date_of_birth"
    assert "YYYY-MM-DD" in problem.message


def test_yaml_schema_version_as_a_number_says_to_quote_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kit.yaml"
    path.write_text("schema_version: 1.0\nperson:\n  name: Kit\n  date_of_birth: 2011-05-20\n")
    _, messages = _validate_json(path, capsys)
    assert messages["$.schema_version"].endswith("write it in quotes")


def test_missing_comma_reports_line_and_column(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = user_file("pt-arabic-missing-comma.json")
    code, messages = _validate_json(path, capsys)
    assert code == 1
    assert "(line 12, column 3)" in messages["$"]


@pytest.mark.parametrize("name", ["duplicate-medications.json", "duplicate-medications.yaml"])
def test_a_list_written_twice_is_refused_rather_than_half_dropped(
    name: str, user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, messages = _validate_json(user_file(name), capsys)
    assert code == 1
    assert "the key 'medications' appears twice" in messages["$"]


def test_duplicate_yaml_key_names_its_line(
    user_file: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, messages = _validate_json(user_file("duplicate-medications.yaml"), capsys)
    assert messages["$"].endswith("(line 7, column 1)")


def test_text_holding_quotes_and_colons_is_not_taken_for_a_repeated_key() -> None:
    text = json.dumps(
        {
            "schema_version": "1.0",
            "person": {"name": 'Ada "Ace": Example', "date_of_birth": "2015-03-02"},
            "additional_sections": [{"title": "Times", "text": 'at 08:00 and "12": 30'}],
        }
    )
    assert rp.loads(text).person.name == 'Ada "Ace": Example'


# --- rules ------------------------------------------------------------------------------


def test_misspelt_code_system_suggests_the_known_name() -> None:
    passport = rp.loads((DATA / "cf-child.json").read_text())
    diagnosis = passport.diagnoses[0]
    coding = rp.Coding(system="ICD10", code="E84.0")
    changed = rp.Passport(person=passport.person, diagnoses=(rp.Diagnosis(name=diagnosis.name, codes=(coding,)),))
    issue = next(issue for issue in rp.validate(changed, today=TODAY) if issue.code == "code-format")
    assert issue.path == "$.diagnoses[0].codes[0].system"
    assert issue.message.endswith("did you mean 'ICD-10'?")


def test_date_order_message_says_what_to_check() -> None:
    review = {"created_on": "2026-01-10", "updated_on": "2025-12-01"}
    passport = rp.from_dict(
        {"schema_version": "1.0", "person": {"name": "H", "date_of_birth": "1988-07-14"}, "review": review}
    )
    issue = next(issue for issue in rp.validate(passport, today=TODAY) if issue.code == "date-order")
    assert issue.message == "updated_on is before created_on; check both dates"


# --- the starter passport --------------------------------------------------------------


def test_new_writes_yaml_for_a_yaml_file(tmp_path: Path) -> None:
    target = tmp_path / "kit.yaml"
    assert main(["new", str(target), "--name", "Kit Placeholder"]) == 0
    text = target.read_text(encoding="utf-8")
    assert not text.lstrip().startswith("{")
    assert yaml.safe_load(text)["person"]["name"] == "Kit Placeholder"


def test_new_writes_json_for_a_json_file(tmp_path: Path) -> None:
    target = tmp_path / "kit.json"
    assert main(["new", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == "1.0"


# --- building passports in Python ---------------------------------------------------------
# Getting started writes a partial date as text (diagnosed_on="2015-03"), so app
# developers write full dates as text too; the type checker objects, Python must not.


def test_full_dates_given_as_text_in_python_become_dates() -> None:
    weight = rp.Weight(kg=20, measured_on="2026-10-01")  # type: ignore[arg-type]
    person = rp.Person(name="Ada Example", date_of_birth="2015-03-02", weight=weight)  # type: ignore[arg-type]
    assert person.date_of_birth == dt.date(2015, 3, 2)
    assert person.weight is not None and person.weight.measured_on == dt.date(2026, 10, 1)


def test_passport_built_with_text_dates_validates_without_rule_failures() -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth="2015-03-02"),  # type: ignore[arg-type]
        review=rp.Review(
            created_on="2026-01-10",  # type: ignore[arg-type]
            updated_on="2026-02-01",  # type: ignore[arg-type]
            next_review_due="2027-01-10",  # type: ignore[arg-type]
        ),
    )
    assert "rule-failed" not in rp.validate(passport, today=TODAY).codes()
    assert rp.loads(rp.dumps(passport)) == passport


def test_full_date_in_the_wrong_form_in_python_names_the_expected_form() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        rp.Person(name="Ada Example", date_of_birth="02/03/2015")  # type: ignore[arg-type]


# --- the corrected passports work end to end ------------------------------------------------


@pytest.mark.parametrize("name", ["cf-child.json", "pt-arabic.json"])
def test_corrected_user_passport_is_valid(name: str) -> None:
    report = rp.validate(DATA / name, today=TODAY)
    assert report.ok, [str(issue) for issue in report.errors]


def test_user_passport_pdf_holds_its_emergency_details() -> None:
    passport = rp.load(DATA / "cf-child.json")
    pdf = rp.render(passport, format="pdf", view="emergency")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Pancreatic enzyme replacement" in text
    assert "Coughing blood" in text


def test_portuguese_passport_pdf_holds_its_accented_text() -> None:
    passport = rp.load(DATA / "pt-arabic.json")
    pdf = rp.render(passport, format="pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Fenilcetonúria" in text
    assert "Dieta de emergência" in text


def test_python_passport_with_text_for_a_number_is_a_structure_issue_at_its_path() -> None:
    person = rp.Person(name="Ada Example", date_of_birth=TODAY, weight=rp.Weight(kg="18"))  # type: ignore[arg-type]
    report = rp.validate(rp.Passport(person=person), today=TODAY)
    assert [(issue.path, issue.code) for issue in report.errors] == [("$.person.weight.kg", "structure")]


def test_python_passport_with_a_dict_for_a_coding_is_a_structure_issue_not_a_rule_failure() -> None:
    coding = {"system": "ORPHA", "code": "ORPHA:586"}
    diagnosis = rp.Diagnosis(name="Cystic fibrosis", codes=(coding,))  # type: ignore[arg-type]
    person = rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2))
    report = rp.validate(rp.Passport(person=person, diagnoses=(diagnosis,)), today=TODAY)
    assert [(issue.path, issue.code) for issue in report.errors] == [("$.diagnoses[0].codes[0]", "structure")]
