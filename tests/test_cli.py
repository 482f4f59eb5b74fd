"""The command line: new, validate, schema, plugins, --version; exit codes; no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import rarepassport as rp
from rarepassport.cli import main

VALID = {
    "schema_version": "1.0",
    "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
    "contacts": [{"name": "Sam", "role": "parent", "phone": "07700 900123"}],
}


@pytest.fixture
def valid_file(tmp_path: Path) -> Path:
    path = tmp_path / "ada.json"
    path.write_text(json.dumps(VALID))
    return path


@pytest.fixture
def invalid_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**VALID, "person": {"name": "Ada", "nickname": "A", "date_of_birth": "2015-03-02"}}))
    return path


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"rarepassport {rp.__version__}"


def test_validate_valid_file_exits_0(valid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(valid_file)]) == 0
    assert f"{valid_file}: valid" in capsys.readouterr().out


def test_validate_invalid_file_exits_1_and_names_the_field(
    invalid_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(invalid_file)]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out
    assert "$.person.nickname: unknown field 'nickname' in person; did you mean 'preferred_name'?" in out


def test_validate_malformed_json_exits_1_with_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": "1.0",\n "person": }')
    assert main(["validate", str(path)]) == 1
    assert "line 2" in capsys.readouterr().out


def test_validate_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_validate_json_format_is_machine_readable(invalid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json", str(invalid_file)]) == 1
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["status"] == "invalid"
    assert result["issues"][0]["path"] == "$.person.nickname"


def test_validate_several_files_reports_each(
    valid_file: Path, invalid_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--format", "json", str(valid_file), str(invalid_file)]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    assert [r["status"] for r in results] == ["ok", "invalid"]


def test_new_writes_a_starter_with_every_section(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    assert main(["new", str(path), "--name", "Zoë Example"]) == 0
    data = json.loads(path.read_text())
    expected_sections = {
        "person",
        "diagnoses",
        "emergency",
        "medications",
        "allergies",
        "devices",
        "contacts",
        "care_team",
        "history",
        "care_preferences",
        "links",
        "additional_sections",
        "review",
    }
    assert expected_sections <= set(data)
    assert data["person"]["name"] == "Zoë Example"


def test_new_starter_loads_once_its_dates_are_filled_in(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    main(["new", str(path)])
    filled = path.read_text().replace("YYYY-MM-DD", "2015-03-02")
    passport = rp.loads(filled)
    report = rp.validate(passport)
    assert "required-text-empty" in report.codes()  # it tells the person what to fill in


def test_new_refuses_to_overwrite_without_force(valid_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = valid_file.read_text()
    assert main(["new", str(valid_file)]) == 2
    assert valid_file.read_text() == before
    assert "already exists" in capsys.readouterr().err


def test_schema_prints_a_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")


def test_plugins_lists_the_builtin_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    assert "core-rules" in capsys.readouterr().out


def test_plugins_json_lists_names_versions_and_failures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--format", "json"]) == 0
    (data,) = json.loads(capsys.readouterr().out)["results"]
    core = next(p for p in data["plugins"] if p["name"] == "core-rules")
    assert core["version"] == rp.__version__
    assert isinstance(data["failures"], list)


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli(invalid_file: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rarepassport", "validate", str(invalid_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_input_never_shows_a_traceback(tmp_path: Path) -> None:
    cases = [b"\xff\xfe not utf8", b"[]", b'{"schema_version": "9.9", "person": {}}', b"", b"null"]
    for index, content in enumerate(cases):
        path = tmp_path / f"case{index}.json"
        path.write_bytes(content)
        result = subprocess.run(
            [sys.executable, "-m", "rarepassport", "validate", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 1, content
        assert "Traceback" not in result.stderr + result.stdout
