"""Reading and writing passports: strict, lossless, canonical, atomic."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import attrs
import pytest

import rarepassport as rp
from rarepassport.convert import write_atomic
from rarepassport.registries import SectionRegistry
from rarepassport.testing import plugin_manager_with

DOB = dt.date(2015, 3, 2)


def doc(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "schema_version": "1.0",
        "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
    }
    base.update(overrides)
    return base


def problems_of(data: object) -> list[rp.Problem]:
    with pytest.raises(rp.LoadError) as caught:
        rp.from_dict(data)  # type: ignore[arg-type]
    return list(caught.value.problems)


def test_minimal_passport_built_in_python_needs_only_person() -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=DOB))
    assert passport.schema_version == "1.0"
    assert passport.language == "en"
    assert passport.diagnoses == ()


def test_python_construction_accepts_json_spellings_of_enums_and_partial_dates() -> None:
    passport = rp.Passport(
        person=rp.Person(name="A", date_of_birth=DOB, sex="female"),
        diagnoses=[rp.Diagnosis(name="X", status="suspected", diagnosed_on="2016-05")],
    )
    assert passport.person.sex is rp.Sex.FEMALE
    assert passport.diagnoses[0].status is rp.DiagnosisStatus.SUSPECTED
    assert passport.diagnoses[0].diagnosed_on == rp.PartialDate(year=2016, month=5)


def test_list_statuses_default_from_their_lists() -> None:
    empty = rp.Passport(person=rp.Person(name="A", date_of_birth=DOB))
    listed = rp.Passport(person=rp.Person(name="A", date_of_birth=DOB), allergies=[rp.Allergy(substance="Penicillin")])
    assert empty.allergies_status is rp.AllergiesStatus.UNKNOWN
    assert listed.allergies_status is rp.AllergiesStatus.LISTED


def test_dumps_is_minimal_and_keeps_model_key_order() -> None:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=DOB), id="p-1")
    assert json.loads(rp.dumps(passport)) == {
        "schema_version": "1.0",
        "id": "p-1",
        "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
    }
    assert list(json.loads(rp.dumps(passport))) == ["schema_version", "id", "person"]


def test_explicit_status_equal_to_list_default_is_left_out_but_other_status_kept() -> None:
    none_known = rp.from_dict(doc(allergies_status="none-known"))
    assert json.loads(rp.dumps(none_known))["allergies_status"] == "none-known"
    unknown = rp.from_dict(doc(allergies_status="unknown"))
    assert "allergies_status" not in json.loads(rp.dumps(unknown))
    assert rp.loads(rp.dumps(none_known)) == none_known


def test_round_trip_keeps_unicode_text_unescaped() -> None:
    passport = rp.Passport(person=rp.Person(name="ليلى 李雪 Zoë 🙂", date_of_birth=DOB))
    text = rp.dumps(passport)
    assert "ليلى 李雪 Zoë 🙂" in text
    assert rp.loads(text) == passport
    assert rp.loads(text.encode("utf-8")) == passport


def test_yaml_round_trip_keeps_dates_as_dates_not_yaml_timestamps(tmp_path: Path) -> None:
    passport = rp.Passport(
        person=rp.Person(name="Ada", date_of_birth=DOB),
        diagnoses=[rp.Diagnosis(name="Dravet syndrome", diagnosed_on="2016")],
    )
    path = tmp_path / "ada.yaml"
    rp.dump(passport, path)
    assert "date_of_birth: '2015-03-02'" in path.read_text() or "date_of_birth: 2015-03-02" in path.read_text()
    assert rp.load(path) == passport


def test_unknown_field_suggests_the_field_meant() -> None:
    [problem] = problems_of(doc(person={"name": "A", "date_of_birth": "2015-03-02", "nickname": "Ady"}))
    assert problem.path == "$.person.nickname"
    assert problem.message == "unknown field 'nickname' in person; did you mean 'preferred_name'?"


def test_misspelt_field_suggests_the_close_match() -> None:
    [problem] = problems_of(doc(medicatons=[]))
    assert problem.path == "$.medicatons"
    assert "did you mean 'medications'?" in problem.message


def test_every_problem_is_reported_with_its_path() -> None:
    problems = problems_of(
        doc(
            person={"name": 5, "sex": "f", "date_of_birth": "2015-13-01"},
            diagnoses=[{"name": "X"}, {"name": "Y", "codes": [{"system": "ORPHA"}]}],
            medications="paracetamol",
        )
    )
    paths = {p.path for p in problems}
    assert paths == {
        "$.person.name",
        "$.person.sex",
        "$.person.date_of_birth",
        "$.diagnoses[1].codes[0].code",
        "$.medications",
    }


def test_messages_name_the_allowed_values_of_a_closed_vocabulary() -> None:
    [problem] = problems_of(doc(allergies_status="none"))
    assert problem.path == "$.allergies_status"
    assert "'listed', 'none-known', 'unknown'" in problem.message


def test_error_messages_never_repeat_the_values_given() -> None:
    secret = "Secretname-Diagnosis-1234"
    problems = problems_of(doc(person={"name": "A", "date_of_birth": secret, "sex": secret}))
    assert problems and all(secret not in p.message for p in problems)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(42, "expected text"), (True, "expected text"), (["A"], "expected text"), (None, "expected text")],
)
def test_text_fields_do_not_coerce_other_types(value: object, expected: str) -> None:
    [problem] = problems_of(doc(person={"name": value, "date_of_birth": "2015-03-02"}))
    assert expected in problem.message


def test_booleans_are_not_coerced_from_text() -> None:
    [problem] = problems_of(doc(person={"name": "A", "date_of_birth": "2015-03-02", "interpreter_needed": "no"}))
    assert problem.path == "$.person.interpreter_needed"


def test_a_list_field_rejects_a_string_instead_of_iterating_it() -> None:
    [problem] = problems_of(doc(emergency={"red_flags": "fever"}))
    assert problem.path == "$.emergency.red_flags"
    assert "expected a list" in problem.message


def test_partial_dates_accept_year_month_or_day_precision_only() -> None:
    passport = rp.from_dict(
        doc(diagnoses=[{"name": "X", "diagnosed_on": "2016"}, {"name": "Y", "diagnosed_on": "2016-05"}])
    )
    assert [d.diagnosed_on.precision for d in passport.diagnoses if d.diagnosed_on] == ["year", "month"]
    [problem] = problems_of(doc(diagnoses=[{"name": "X", "diagnosed_on": "May 2016"}]))
    assert problem.path == "$.diagnoses[0].diagnosed_on"


def test_full_dates_must_be_real_calendar_dates_in_iso_form() -> None:
    for bad in ("2015-02-30", "20150302", "2015-3-2", "2015-03-02T10:00"):
        [problem] = problems_of(doc(person={"name": "A", "date_of_birth": bad}))
        assert problem.path == "$.person.date_of_birth"


def test_unknown_extension_names_the_missing_plugin() -> None:
    [problem] = problems_of(doc(extensions={"no_such_condition": {"enzyme": "x"}}))
    assert problem.path == "$.extensions.no_such_condition"
    assert "no installed plugin provides extension 'no_such_condition'" in problem.message


def test_missing_schema_version_is_reported() -> None:
    [problem] = problems_of({"person": {"name": "A", "date_of_birth": "2015-03-02"}})
    assert problem.path == "$.schema_version"


def test_newer_schema_version_asks_to_upgrade() -> None:
    [problem] = problems_of(doc(schema_version="2.0"))
    assert "newer" in problem.message and "upgrade rarepassport" in problem.message


def test_older_schema_version_is_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    from rarepassport import migrations

    def rename_nickname(data: dict[str, object]) -> dict[str, object]:
        person = dict(data["person"])  # type: ignore[call-overload]
        person["preferred_name"] = person.pop("nickname")
        return {**data, "person": person}

    registry = migrations.MigrationRegistry(versions={"0.9": "0.0.1", "1.0": "0.1.0"})
    registry.add("0.9", "1.0", rename_nickname, summary="person.nickname is now preferred_name")
    monkeypatch.setattr(migrations, "CORE_MIGRATIONS", registry)
    passport = rp.from_dict(
        {"schema_version": "0.9", "person": {"name": "A", "nickname": "Ady", "date_of_birth": "2015-03-02"}}
    )
    assert passport.person.preferred_name == "Ady"
    assert passport.schema_version == "1.0"


def test_malformed_json_reports_line_and_column() -> None:
    with pytest.raises(rp.LoadError) as caught:
        rp.loads('{\n  "schema_version": "1.0",\n  "person": {,}\n}')
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (3, 14)


def test_malformed_yaml_reports_line_and_column() -> None:
    with pytest.raises(rp.LoadError) as caught:
        rp.loads("schema_version: '1.0'\nperson:\n  name: [unclosed\n", format="yaml")
    [problem] = caught.value.problems
    assert problem.line is not None and problem.line >= 3


def test_a_passport_must_be_an_object() -> None:
    with pytest.raises(rp.LoadError) as caught:
        rp.loads("[1, 2]")
    assert caught.value.problems[0].message.startswith("a passport must be a JSON object")


def test_load_names_the_file_in_its_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"schema_version": "1.0", "person": {}}')
    with pytest.raises(rp.LoadError) as caught:
        rp.load(path)
    assert str(path) in str(caught.value)


def test_dump_writes_json_or_yaml_by_suffix(tmp_path: Path) -> None:
    passport = rp.Passport(person=rp.Person(name="Ada", date_of_birth=DOB))
    rp.dump(passport, tmp_path / "a.json")
    rp.dump(passport, tmp_path / "a.yml")
    assert (tmp_path / "a.json").read_text().startswith("{")
    assert (tmp_path / "a.yml").read_text().startswith("schema_version:")


def test_failed_write_leaves_the_existing_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "passport.json"
    target.write_text("original")

    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["passport.json"]


def test_atomic_write_keeps_the_mode_of_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "passport.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_new_files_are_private_to_their_owner(tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    write_atomic(target, b"{}")
    assert target.stat().st_mode & 0o777 == 0o600


def test_standard_library_parser_reports_the_same_positions_as_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    from rarepassport import formats

    text = '{\n  "schema_version": "1.0",\n  "person": {,}\n}'
    positions = []
    for parser in (json.loads, formats._json_loads()):
        monkeypatch.setattr(formats, "_json_loads", lambda parser=parser: parser)
        with pytest.raises(rp.LoadError) as caught:
            rp.loads(text)
        positions.append((caught.value.problems[0].line, caught.value.problems[0].column))
    assert positions == [(3, 14), (3, 14)]


def test_invalid_utf8_is_a_load_error_not_a_crash() -> None:
    with pytest.raises(rp.LoadError):
        rp.loads(b'{"schema_version": "1.0", "person": {"name": "\xff"}}')


def test_non_finite_numbers_are_rejected_when_read_and_when_written() -> None:
    [problem] = problems_of(doc(person={"name": "A", "date_of_birth": "2015-03-02", "weight": {"kg": float("nan")}}))
    assert problem.path == "$.person.weight.kg"
    passport = rp.Passport(person=rp.Person(name="A", date_of_birth=DOB, weight=rp.Weight(kg=float("inf"))))
    with pytest.raises(rp.PassportError, match="not finite"):
        rp.dumps(passport)


def _example_documents() -> list[Path]:
    from helpers.conditions import CONDITIONS
    from helpers.examples import example_files

    return [*example_files(), *sorted(CONDITIONS.glob("*.json"))]


@pytest.mark.parametrize("path", _example_documents(), ids=lambda path: path.name)
def test_the_fast_reader_builds_what_the_detailed_converter_builds(path: Path) -> None:
    plugins = rp.make_plugin_manager()
    document = rp.to_dict(rp.load(path, plugins=plugins), plugins=plugins)
    assert plugins.passport_reader(document) == plugins.converter.structure(document, rp.Passport)



@attrs.frozen(kw_only=True)
class _ShoutedSection:
    """A plugin section with its own converter (on a default too) and a validator."""

    names: tuple[str, ...] = attrs.field(default=(), converter=lambda names: tuple(name.upper() for name in names))
    unit: str = attrs.field(default="ml", converter=str.upper)
    rate: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))


class _ShoutedPlugin:
    @staticmethod
    @rp.hookimpl
    def rarepassport_register_sections(sections: SectionRegistry) -> None:
        sections.add("shouted", _ShoutedSection, title="Shouted")


def _shouted_bytes(section: dict[str, object]) -> bytes:
    return json.dumps(doc(extensions={"shouted": section})).encode()


def test_a_plugin_sections_own_converters_run_when_its_records_are_read() -> None:
    # The reader builds the model's records by setting their fields; a class with a
    # converter it does not know is built through its __init__, which converts.
    plugins = plugin_manager_with(_ShoutedPlugin)
    given = rp.loads(_shouted_bytes({"names": ["pump"]}), plugins=plugins).extensions["shouted"]
    assert given == _ShoutedSection(names=("PUMP",), unit="ML")
    assert (given.names, given.unit) == (("PUMP",), "ML")
    absent = rp.loads(_shouted_bytes({}), plugins=plugins).extensions["shouted"]
    assert (absent.names, absent.unit) == ((), "ML")


def test_a_plugin_sections_validator_runs_when_its_records_are_read() -> None:
    plugins = plugin_manager_with(_ShoutedPlugin)
    with pytest.raises(rp.LoadError) as caught:
        rp.loads(_shouted_bytes({"rate": -1.0}), plugins=plugins)
    assert [problem.path for problem in caught.value.problems] == ["$.extensions.shouted"]


def _assert_built_as_init_builds(read: object, path: str) -> None:
    """``read`` holds, field by field, values of the types its class's __init__ makes of them."""
    if isinstance(read, tuple):
        for index, item in enumerate(read):
            _assert_built_as_init_builds(item, f"{path}[{index}]")
    elif isinstance(read, dict):
        for key, item in read.items():
            _assert_built_as_init_builds(item, f"{path}.{key}")
    elif attrs.has(type(read)):
        rebuilt = attrs.evolve(read)  # through __init__, with every converter
        assert rebuilt == read, path
        for field in attrs.fields(type(read)):
            value = getattr(read, field.name)
            assert type(value) is type(getattr(rebuilt, field.name)), f"{path}.{field.name}"
            _assert_built_as_init_builds(value, f"{path}.{field.name}")


@pytest.mark.parametrize("path", _example_documents(), ids=lambda path: path.name)
def test_records_read_from_bytes_hold_tuples_and_members_as_built_in_python(path: Path) -> None:
    # Built by setting fields, a record must hold what its __init__ would have made of
    # the same values: tuples for lists, enum members, dates.
    _assert_built_as_init_builds(rp.load(path, plugins=rp.make_plugin_manager()), "$")
