"""Rendering validates first: problems reach the document's notes, the API and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import attrs
import pypdf
import pytest

import rarepassport as rp
from rarepassport import render_rendered
from rarepassport.cli import main
from rarepassport.document import Document
from rarepassport.hookspecs import hookimpl
from rarepassport.model import View, section_field
from rarepassport.registries import BackendRegistry
from rarepassport.rendering import InvalidPassportError, RenderError

TODAY = dt.date(2026, 12, 1)
BAD_NHS_NUMBER = "999 765 4320"  # wrong Modulus 11 check digit

VALID = {
    "schema_version": "1.0",
    "person": {"name": "Ada Example", "date_of_birth": "2015-03-02",
               "weight": {"kg": 32.5, "measured_on": "2026-11-01"}},
    "diagnoses": [{"name": "Example condition"}],
    "emergency": {"protocols": [{"title": "Crisis", "steps": ["Give the dose in the hospital letter."]}]},
    "contacts": [{"name": "Sam Example", "role": "parent", "phone": "07700 900123"}],
    "review": {"updated_on": "2026-10-01", "next_review_due": "2027-10-01",
               "reviewed_by": {"name": "Dr Lee", "date": "2026-10-02"}},
}


def passport_data(**changes: object) -> dict[str, object]:
    data = json.loads(json.dumps(VALID))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        owner = data
        for key in parents:
            owner = owner[key]
        owner[last] = value
    return data


def with_bad_nhs_number() -> rp.Passport:
    data = passport_data()
    data["person"]["identifiers"] = [{"system": "nhs-number", "value": BAD_NHS_NUMBER}]  # type: ignore[index]
    return rp.from_dict(data)


def reviewed_before_update() -> rp.Passport:
    return rp.from_dict(passport_data(review__reviewed_by__date="2026-09-01"))


def words(text: str) -> str:
    return " ".join(text.split())


def pypdf_words(data: bytes) -> str:
    return words(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def poppler_words(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return words(result.stdout.decode("utf-8"))


def first_page_words(data: bytes) -> str:
    return words(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text() or "")


# --- the API ------------------------------------------------------------------------------


def test_a_valid_passport_renders_with_no_issue_and_no_note() -> None:
    rendered = render_rendered(rp.from_dict(passport_data()), "pdf", today=TODAY)
    assert rendered.issues == ()
    assert rendered.warnings == ()
    assert "Please note" not in pypdf_words(rendered.data)


def test_rendered_issues_are_the_validation_report_issues() -> None:
    passport = with_bad_nhs_number()
    rendered = render_rendered(passport, "text", today=TODAY)
    assert rendered.issues == rp.validate(passport, today=TODAY).issues
    assert [(i.path, i.code) for i in rendered.issues] == [("$.person.identifiers[0].value", "nhs-number")]


def test_a_validation_error_is_in_the_pdf_notes_on_the_first_page(tmp_path: Path) -> None:
    rendered = render_rendered(with_bad_nhs_number(), "pdf", today=TODAY)
    note = "This passport failed validation with 1 error(s)"
    where = "$.person.identifiers[0].value (nhs-number)"
    for text in (pypdf_words(rendered.data), poppler_words(rendered.data, tmp_path)):
        assert "Please note" in text
        assert note in text and where in text
    page_one = first_page_words(rendered.data)
    # Before the emergency information, so it is read first.
    assert page_one.index(note) < page_one.index("Give the dose in the hospital letter.")
    assert any(where in warning for warning in rendered.warnings)


def test_the_notes_never_hold_the_field_value() -> None:
    rendered = render_rendered(with_bad_nhs_number(), "text", today=TODAY)
    assert not any(BAD_NHS_NUMBER in warning for warning in rendered.warnings)
    note = next(w for w in rendered.warnings if "failed validation" in w)
    assert BAD_NHS_NUMBER not in note and "Ada" not in note


def test_a_validation_warning_is_in_the_notes_of_every_text_format(tmp_path: Path) -> None:
    passport = reviewed_before_update()
    expected = "Validation found 1 thing(s) to check: $.review.reviewed_by.date (review-before-update)."
    for format in ("html", "markdown", "text"):
        rendered = render_rendered(passport, format, today=TODAY)
        # Without the text format's "!" margin and Markdown's escapes.
        text = " ".join(word for word in rendered.data.decode("utf-8").replace("\\", "").split() if word != "!")
        assert expected in text, format
        assert [i.code for i in rendered.issues] == ["review-before-update"]
    pdf = render_rendered(passport, "pdf", today=TODAY).data
    assert expected in pypdf_words(pdf) and expected in poppler_words(pdf, tmp_path)


def test_the_notes_are_in_the_document_language() -> None:
    rendered = render_rendered(reviewed_before_update(), "text", language="fr", today=TODAY)
    assert "La validation a relevé 1 point(s) à vérifier" in words(rendered.data.decode("utf-8"))


def test_many_errors_are_counted_and_only_the_first_ones_named() -> None:
    data = passport_data()
    data["person"]["identifiers"] = [  # type: ignore[index]
        {"system": "nhs-number", "value": BAD_NHS_NUMBER} for _ in range(11)
    ]
    rendered = render_rendered(rp.from_dict(data), "text", today=TODAY)
    [note] = [w for w in rendered.warnings if "failed validation" in w]
    assert "with 11 error(s)" in note
    assert "$.person.identifiers[7].value (nhs-number)" in note
    assert "$.person.identifiers[8].value" not in note
    assert "and 3 more" in note


def test_render_emits_validation_problems_as_render_warnings() -> None:
    with pytest.warns(rp.RenderWarning, match=r"\$\.review\.reviewed_by\.date \(review-before-update\)"):
        rp.render(reviewed_before_update(), "text", today=TODAY)


def test_strict_refuses_a_passport_with_errors_naming_the_first_by_path_and_code() -> None:
    with pytest.raises(InvalidPassportError) as caught:
        render_rendered(with_bad_nhs_number(), "pdf", today=TODAY, strict=True)
    message = str(caught.value)
    assert "1 validation error" in message
    assert "$.person.identifiers[0].value [nhs-number]" in message
    assert BAD_NHS_NUMBER not in message
    assert [i.code for i in caught.value.issues] == ["nhs-number"]
    assert isinstance(caught.value, RenderError)
    with pytest.raises(InvalidPassportError):
        rp.render(with_bad_nhs_number(), "text", today=TODAY, strict=True)


def test_strict_renders_a_passport_with_only_warnings() -> None:
    rendered = render_rendered(reviewed_before_update(), "text", today=TODAY, strict=True)
    assert [i.code for i in rendered.issues] == ["review-before-update"]


# --- the default view of a format ------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ClinicSection:
    emergency_dose: str | None = section_field("The emergency dose.", default=None, views=("emergency",),
                                               clinical_class="emergency-treatment")
    clinic_notes: str | None = section_field("Notes for the clinic only.", default=None, views=(),
                                             clinical_class="context")


class ClinicPlugin:
    __name__ = "clinic-plugin"

    @hookimpl
    def rarepassport_register_sections(self, sections: rp.SectionRegistry) -> None:
        sections.add("clinic", ClinicSection, title="Clinic", emergency=True)


def test_card_without_a_view_uses_the_emergency_view() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[ClinicPlugin()])
    data = passport_data()
    data["extensions"] = {"clinic": {"emergency_dose": "Examplamide 5 mg", "clinic_notes": "Ask about the walrus"}}
    passport = rp.from_dict(data, plugins=pm)
    card = pypdf_words(rp.render(passport, format="card", plugins=pm, today=TODAY))
    assert "Examplamide 5 mg" in card
    assert "walrus" not in card
    # The same card laid out from the full view would carry the clinic-only note.
    assert "walrus" in pypdf_words(rp.render(passport, format="card", view="full", plugins=pm, today=TODAY))
    assert pm.backends["card"].default_view is View.EMERGENCY
    assert pm.backends["pdf"].default_view is View.FULL


def test_a_plugin_backend_declares_its_default_view() -> None:
    seen: list[View] = []

    class SocialBackend:
        __name__ = "social-backend"

        @hookimpl
        def rarepassport_register_backends(self, backends: BackendRegistry) -> None:
            def draw(document: Document) -> bytes:
                seen.append(document.view)
                return b"drawn"

            backends.add("social-note", draw, media_type="text/plain", suffix=".txt", default_view="social")
            backends.add("broken", draw, media_type="text/plain", suffix=".txt", default_view="kitchen")

    pm = rp.make_plugin_manager(entry_points=False, plugins=[SocialBackend()])
    render_rendered(rp.from_dict(passport_data()), "social-note", plugins=pm, today=TODAY)
    render_rendered(rp.from_dict(passport_data()), "social-note", "education", plugins=pm, today=TODAY)
    assert seen == [View.SOCIAL, View.EDUCATION]
    assert "broken" not in pm.backends
    assert any("default_view 'kitchen' is not a view" in f.message for f in pm.failures)


# --- the command line ----------------------------------------------------------------------------


def write(tmp_path: Path, data: dict[str, object], name: str = "ada.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_render_command_refuses_a_passport_with_errors_listing_each_as_validate_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = passport_data()
    data["person"]["identifiers"] = [{"system": "nhs-number", "value": BAD_NHS_NUMBER}]  # type: ignore[index]
    data["diagnoses"] = [{"name": "One", "primary": True}, {"name": "Two", "primary": True}]
    source = write(tmp_path, data)
    out = tmp_path / "out.pdf"
    assert main(["render", str(source), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "INVALID (2 errors)" in err and "--allow-invalid" in err
    assert "  error   $.person.identifiers[0].value: not a valid NHS number" in err
    assert "[nhs-number]" in err
    assert "  error   $.diagnoses[1].primary: more than one diagnosis is marked primary" in err
    assert BAD_NHS_NUMBER not in err
    assert not out.exists()


def test_render_command_with_allow_invalid_renders_with_the_errors_in_the_notes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = passport_data()
    data["person"]["identifiers"] = [{"system": "nhs-number", "value": BAD_NHS_NUMBER}]  # type: ignore[index]
    source = write(tmp_path, data)
    out = tmp_path / "out.pdf"
    assert main(["render", str(source), "--allow-invalid", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "rendering anyway (--allow-invalid)" in err
    assert "  error   $.person.identifiers[0].value:" in err
    text = poppler_words(out.read_bytes(), tmp_path)
    assert "failed validation with 1 error(s)" in text
    assert "$.person.identifiers[0].value (nhs-number)" in text


def test_render_command_prints_validation_warnings_and_renders_them_into_the_notes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(tmp_path, passport_data(review__reviewed_by__date="2026-09-01"))
    out = tmp_path / "out.pdf"
    assert main(["render", str(source), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    warning_lines = [line for line in err.splitlines() if "warning:" in line]
    # Once, with its message, not a second time as the note's text.
    assert warning_lines == [
        f"rarepassport: warning: {source}: $.review.reviewed_by.date: reviewed before the last update: the "
        "changes have not been checked; ask the care team to review the passport again [review-before-update]"
    ]
    assert "$.review.reviewed_by.date (review-before-update)" in pypdf_words(out.read_bytes())


def test_render_command_card_without_view_is_named_and_laid_out_for_the_emergency_view(tmp_path: Path) -> None:
    source = write(tmp_path, passport_data())
    assert main(["render", str(source), "--format", "card"]) == 0
    assert (tmp_path / "ada-card.pdf").exists()
    assert not (tmp_path / "ada-card-emergency.pdf").exists()


# --- the demo ------------------------------------------------------------------------------------


@pytest.mark.parametrize("today", [TODAY, dt.date(2027, 7, 1), dt.date(2029, 2, 28), dt.date(2036, 12, 31)])
def test_the_demo_passport_validates_without_errors_or_warnings_for_years_to_come(today: dt.date) -> None:
    from rarepassport.cli._render import demo_example

    report = rp.validate(json.loads(demo_example(today)), today=today)
    assert [issue for issue in report if issue.severity is not rp.IssueSeverity.INFO] == []


def test_the_demo_passport_is_the_bundled_example_on_the_day_it_was_written() -> None:
    from rarepassport.cli._render import DEMO_WRITTEN_ON, bundled_example, demo_example

    assert demo_example(DEMO_WRITTEN_ON) == bundled_example()


def test_demo_command_prints_no_warning(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "rarepassport", "demo", str(tmp_path / "demo")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stdout.lower()
    assert "warning" not in result.stderr.lower(), result.stderr

