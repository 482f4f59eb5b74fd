"""Specification of the FHIR IPS import: rarepassport.fhir.from_ips and `import fhir`.

Our own bundles must come back as the passport they came from (for every field the IPS
carries: see ``ips_subset``); bundles from other systems must be read as far as they
can be, with everything else reported by its FHIR path, never dropped silently.
"""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rarepassport
from helpers.strategies import passports
from rarepassport import cli
from rarepassport.codes import hgnc_ok
from rarepassport.fhir import NOT_CARRIED, FhirImportError, from_ips, ips_subset, to_ips
from rarepassport.model import (
    AllergiesStatus,
    Criticality,
    DiagnosisStatus,
    GeneticFinding,
    MedicationsStatus,
    Passport,
    Severity,
)

DATA = Path(__file__).parent / "data" / "fhir"
RICH = DATA / "rich_passport.json"
OTHER = DATA / "ips_other_system.json"
ABSENT = DATA / "ips_absent_data.json"
TODAY = datetime.date(2026, 11, 27)


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _round_trip(passport: Passport) -> Passport:
    return from_ips(to_ips(passport, today=TODAY)).passport


# --- round trip -----------------------------------------------------------------------------


def test_rich_passport_round_trips_every_carried_field() -> None:
    passport = rarepassport.load(RICH)
    result = from_ips(to_ips(passport, today=TODAY))
    assert result.passport == ips_subset(passport)
    assert result.unmapped == ()


def test_every_example_round_trips_through_the_ips(example_path: Path) -> None:
    passport = rarepassport.load(example_path)
    assert _round_trip(passport) == ips_subset(passport)


def test_round_trip_survives_json_text() -> None:
    passport = rarepassport.load(RICH)
    text = json.dumps(to_ips(passport, today=TODAY), ensure_ascii=False)
    assert from_ips(json.loads(text)).passport == ips_subset(passport)


def test_ips_subset_empties_only_the_fields_the_ips_does_not_carry() -> None:
    passport = rarepassport.load(RICH)
    subset = ips_subset(passport)
    assert subset.links == () and subset.history.admissions == ()
    assert attrs.evolve(subset, links=passport.links, history=passport.history,
                        allergies=passport.allergies) == passport
    assert "links" in NOT_CARRIED and "history.admissions" in NOT_CARRIED


def _well_formed(value: Any) -> Any:
    """The round trip is specified for passports whose HGNC ids are well formed (``validate``
    flags others): a bare number another system writes is read with its prefix."""
    if isinstance(value, GeneticFinding) and value.hgnc is not None and not hgnc_ok(value.hgnc):
        return attrs.evolve(value, hgnc=None)
    if isinstance(value, tuple):
        return tuple(_well_formed(item) for item in value)
    if attrs.has(type(value)):
        changes = {f.name: _well_formed(getattr(value, f.name)) for f in attrs.fields(type(value))
                   if f.init and f.name != "schema_version"}
        return attrs.evolve(value, **changes)
    return value


def _fill_blanks(value: Any) -> Any:
    """Blank text is invalid in FHIR and in a valid passport (``validate`` flags blank
    required fields), so the round trip is specified for text with something in it."""
    if isinstance(value, str):
        return value if value.strip() else f"text{value}"
    if isinstance(value, tuple):
        return tuple(_fill_blanks(item) for item in value)
    if attrs.has(type(value)):
        changes = {f.name: _fill_blanks(getattr(value, f.name)) for f in attrs.fields(type(value))
                   if f.init and f.name != "schema_version"}
        return attrs.evolve(value, **changes)
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(passports())
def test_any_passport_round_trips_every_carried_field(passport: Passport) -> None:
    passport = _well_formed(_fill_blanks(passport))
    assert _round_trip(passport) == ips_subset(passport)


# --- documents from other systems ------------------------------------------------------------------


@pytest.fixture(scope="module")
def other() -> Any:
    return from_ips(_read(OTHER))


def test_other_system_bundle_is_read_with_resources_in_any_order(other: Any) -> None:
    person = other.passport.person
    assert person.name == "Bruno Tomas Fictional"
    assert person.date_of_birth == datetime.date(2009, 7, 21)
    assert [d.name for d in other.passport.diagnoses] == ["Congenital adrenal hyperplasia"]


def test_type_id_references_resolve_to_the_bundle_entries(other: Any) -> None:
    [medication] = other.passport.medications
    assert medication.name == "Hydrocortisone 10 mg oral tablet"
    assert medication.dose == "10 mg"
    assert medication.frequency == "3 times a day"


def test_known_code_systems_get_their_short_names(other: Any) -> None:
    codes = other.passport.diagnoses[0].codes
    assert [(c.system, c.code) for c in codes] == [("SNOMED-CT", "373662000"), ("ORPHA", "ORPHA:418")]


def test_unknown_code_system_is_kept_as_its_absolute_uri() -> None:
    bundle = _read(OTHER)
    bundle["entry"][2]["resource"]["clinicalStatus"]["coding"][0]["code"] = "active"
    [coding] = from_ips(bundle).passport.diagnoses[1].codes
    assert (coding.system, coding.code) == ("http://example.org/local-problem-codes", "LP-204")


def test_provisional_verification_status_gives_a_provisional_diagnosis(other: Any) -> None:
    assert other.passport.diagnoses[0].status is DiagnosisStatus.PROVISIONAL


def test_high_criticality_is_kept_beside_the_reaction_severity(other: Any) -> None:
    [allergy] = other.passport.allergies
    assert (allergy.substance, allergy.reaction, allergy.severity, allergy.criticality) == (
        "Penicillin", "Anaphylaxis", Severity.SEVERE, Criticality.HIGH)


def test_general_practitioner_joins_the_care_team(other: Any) -> None:
    [member] = other.passport.care_team
    assert (member.name, member.role, member.phone) == ("Dr Rhiannon Sample", "GP", "+44 20 7946 0999")


def test_unmapped_elements_are_reported_with_their_fhir_paths(other: Any) -> None:
    paths = {item.path for item in other.unmapped}
    assert "Bundle.entry[2].resource.clinicalStatus" in paths  # a resolved condition
    assert "Bundle.entry[0].resource.maritalStatus" in paths
    assert "Bundle.entry[0].resource.telecom[1]" in paths
    assert "Bundle.entry[7].resource.lotNumber" in paths
    assert "Bundle.entry[8].resource" in paths  # a laboratory result


def test_unmapped_report_never_contains_values(other: Any) -> None:
    report = other.report
    for value in ("Never married", "FICT-123", "138", "+44 20 7946 0555", "2012"):
        assert value not in report


def test_ips_1_absent_codes_give_no_known_allergies_and_no_medicines() -> None:
    result = from_ips(_read(ABSENT))
    assert result.passport.allergies_status is AllergiesStatus.NONE_KNOWN
    assert result.passport.medications_status is MedicationsStatus.NONE
    assert result.passport.diagnoses == ()


def test_medication_contained_in_its_statement_is_read() -> None:
    bundle = _read(OTHER)
    statement = bundle["entry"][5]["resource"]
    statement["contained"] = [{"resourceType": "Medication", "id": "m",
                               "code": {"text": "Fludrocortisone 50 microgram tablets"}}]
    statement["medicationReference"] = {"reference": "#m"}
    [medication] = from_ips(bundle).passport.medications
    assert medication.name == "Fludrocortisone 50 microgram tablets"


# --- bad input -------------------------------------------------------------------------------------------


def _error(bundle: Any) -> FhirImportError:
    with pytest.raises(FhirImportError) as info:
        from_ips(bundle)
    return info.value


def test_something_other_than_a_bundle_is_refused_naming_the_bundle() -> None:
    error = _error({"resourceType": "Patient", "birthDate": "2015-03-02"})
    assert error.problems[0].path == "Bundle"
    assert "not a FHIR Bundle" in str(error)


def test_a_list_is_refused_as_not_a_bundle() -> None:
    assert _error([1, 2]).problems[0].path == "Bundle"


def test_bundle_without_a_composition_is_refused() -> None:
    bundle = _read(ABSENT)
    del bundle["entry"][0]
    error = _error(bundle)
    assert error.problems[0].path == "Bundle.entry"
    assert "no Composition" in str(error)


def test_broken_section_entry_is_reported_and_skipped() -> None:
    bundle = _read(ABSENT)
    bundle["entry"][0]["resource"]["section"][1]["entry"][0]["reference"] = "urn:uuid:missing"
    result = from_ips(bundle)
    assert "Bundle.entry[0].resource.section[1].entry[0].reference" in {item.path for item in result.unmapped}


def test_broken_subject_reference_is_refused_with_its_fhir_path() -> None:
    bundle = _read(ABSENT)
    bundle["entry"][0]["resource"]["subject"]["reference"] = "urn:uuid:missing"
    error = _error(bundle)
    assert error.problems[0].path == "Bundle.entry[0].resource.subject.reference"


def test_patient_without_birth_date_imports_saying_it_is_not_known_and_reports_it() -> None:
    bundle = _read(ABSENT)
    del bundle["entry"][1]["resource"]["birthDate"]
    result = from_ips(bundle)
    assert result.passport.person.date_of_birth is None
    assert [u.path for u in result.unmapped if "birthDate" in u.path] == ["Bundle.entry[1].resource.birthDate"]
    issues = rarepassport.validate(result.passport).issues
    assert [(i.path, i.code) for i in issues if i.code == "date-of-birth-unknown"] == [
        ("$.person.date_of_birth", "date-of-birth-unknown")]


def test_partial_birth_date_is_reported_without_showing_it_and_never_guessed() -> None:
    bundle = _read(ABSENT)
    bundle["entry"][1]["resource"]["birthDate"] = "1990"
    result = from_ips(bundle)
    assert result.passport.person.date_of_birth is None  # not 1 January 1990
    [note] = [u for u in result.unmapped if u.path.endswith("birthDate")]
    assert "full date" in note.reason and "1990" not in note.reason


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*path, index)))
    return found


_OTHER_BUNDLE = _read(OTHER)
_OTHER_PATHS = _paths(_OTHER_BUNDLE)
_JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5),
                  st.just([]), st.just({}), st.just([{}]), st.just({"text": 1}))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_OTHER_PATHS), st.one_of(st.just("delete"), _JUNK)),
                min_size=1, max_size=3))
def test_malformed_bundle_gives_a_passport_or_an_import_error(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    bundle = copy.deepcopy(_OTHER_BUNDLE)
    for path, value in changes:
        parent: Any = bundle
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value == "delete":
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this element
    try:
        result = from_ips(bundle)
    except FhirImportError as error:
        assert error.problems[0].path.startswith("Bundle")
    else:
        assert isinstance(result.passport, Passport)


def test_import_errors_are_passport_errors() -> None:
    assert issubclass(FhirImportError, rarepassport.PassportError)


def test_input_is_not_modified() -> None:
    bundle = _read(OTHER)
    before = copy.deepcopy(bundle)
    from_ips(bundle)
    assert bundle == before


# --- command line -------------------------------------------------------------------------------------------


def test_cli_import_writes_the_passport_and_lists_unmapped_elements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "passport.json"
    assert cli.main(["import", "fhir", str(OTHER), "-o", str(out)]) == 0
    passport = rarepassport.load(out)
    assert passport.person.name == "Bruno Tomas Fictional"
    err = capsys.readouterr().err
    assert "elements not imported" in err
    assert "Bundle.entry[2].resource.clinicalStatus" in err


def test_cli_export_then_import_gives_the_passport_back(tmp_path: Path) -> None:
    bundle, back = tmp_path / "bundle.json", tmp_path / "back.yaml"
    assert cli.main(["export", "fhir", str(RICH), "-o", str(bundle)]) == 0
    assert cli.main(["import", "fhir", str(bundle), "-o", str(back)]) == 0
    assert rarepassport.load(back) == ips_subset(rarepassport.load(RICH))


def test_cli_import_refuses_to_overwrite_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(OTHER.read_bytes())
    assert cli.main(["import", "fhir", str(bundle), "-o", str(bundle)]) == 2
    assert "refusing to overwrite the input" in capsys.readouterr().err
    assert bundle.read_bytes() == OTHER.read_bytes()


def test_cli_import_of_broken_json_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Bundle",', encoding="utf-8")
    assert cli.main(["import", "fhir", str(broken)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not valid JSON" in err[0]


def test_cli_import_of_a_passport_file_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["import", "fhir", str(RICH)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Bundle: not a FHIR Bundle" in err[0]


def test_cli_import_of_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["import", "fhir", str(tmp_path / "nope.json")]) == 2
    assert "nope.json" in capsys.readouterr().err
