"""The form editor (rarepassport.web), driven as a browser without script would drive it.

Each test reads the form off the page (tests/helpers/webform.py), types what a person
would into fields named on the page, presses a button on the page, and reads the saved
file back with the library.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import rarepassport as rp
from helpers.webform import Form, read_form
from rarepassport.web import CSP, PREVIEW_CSP, FileStore, Store, create_app

TODAY = dt.date(2026, 11, 27)
TOKEN = "test-token-not-secret"


@pytest.fixture
def pm() -> rp.PluginManager:
    return rp.make_plugin_manager(entry_points=False)


def client_for(path: Path, pm: rp.PluginManager, **options: Any) -> TestClient:
    app = create_app(path, plugins=pm, token=TOKEN, allowed_hosts=["testserver"], today=TODAY, **options)
    return TestClient(app)


def press(client: TestClient, form: Form, changes: dict[str, Any] | None = None, action: str = "save") -> Any:
    return client.post(form.action, data=form.data(changes, action), follow_redirects=False)


def form_of(response: Any) -> Form:
    assert response.status_code in (200, 422), response.text[:500]
    return read_form(response.text)


def test_a_childs_passport_is_filled_in_from_nothing_saved_and_rendered(tmp_path: Path, pm: rp.PluginManager) -> None:
    path = tmp_path / "child.json"
    client = client_for(path, pm)
    form = form_of(client.get(f"/{TOKEN}/"))
    assert not path.exists()
    # Every list gets its rows by pressing "Add", with no script: two diagnoses, a protocol, a medicine,
    # an allergy, a code on the first diagnosis, a contact.
    for action in ("add:diagnoses", "add:diagnoses", "add:emergency.protocols", "add:medications",
                   "add:allergies", "add:diagnoses[0].codes", "add:contacts"):
        form = form_of(press(client, form, action=action))
    assert "the adrenal_insufficiency section is a plugin's, on the form without editor changes" and \
        "extensions.adrenal_insufficiency.emergency_hydrocortisone_dose" in form.names
    saved = press(client, form, {
        "person.name": "Robin Example",
        "person.date_of_birth": "2022-05-14",
        "diagnoses[0].name": "Congenital adrenal hyperplasia",
        "diagnoses[0].primary": "true",
        "diagnoses[0].diagnosed_on": "2022",
        "diagnoses[0].codes[0].system": "ICD-10",
        "diagnoses[0].codes[0].code": "E25.0",
        "diagnoses[1].name": "Asthma",
        "diagnoses[1].status": "suspected",
        "emergency.protocols[0].title": "My adrenal crisis protocol",
        "emergency.protocols[0].steps": "Give my emergency hydrocortisone injection.\r\nCall 999.",
        "medications[0].name": "Hydrocortisone",
        "medications[0].dose": "2.5 mg",
        "medications[0].time_critical": "true",
        "allergies[0].substance": "Peanut",
        "allergies[0].severity": "severe",
        "allergies_status": "listed",
        "contacts[0].name": "Sam Example",
        "contacts[0].role": "parent",
        "contacts[0].phone": "+44 7700 900123",
        "extensions.adrenal_insufficiency.cause": "congenital-adrenal-hyperplasia",
        "extensions.adrenal_insufficiency.emergency_hydrocortisone_dose": "50 mg hydrocortisone IM (as in my letter)",
    })
    assert saved.status_code == 303, saved.text[:2000]
    passport = rp.load(path, plugins=pm)
    assert [d.name for d in passport.diagnoses] == ["Congenital adrenal hyperplasia", "Asthma"]
    assert passport.diagnoses[0].codes[0].code == "E25.0"
    assert str(passport.diagnoses[0].diagnosed_on) == "2022"
    assert passport.emergency.protocols[0].steps == ("Give my emergency hydrocortisone injection.", "Call 999.")
    assert passport.medications[0].time_critical
    assert passport.allergies[0].severity is rp.Severity.SEVERE
    assert passport.extensions["adrenal_insufficiency"].emergency_hydrocortisone_dose.startswith("50 mg")
    report = rp.validate(path, plugins=pm, today=TODAY)
    assert report.ok, [str(issue) for issue in report]
    # Canonical: the file is what rarepassport itself writes.
    assert path.read_text(encoding="utf-8") == rp.dumps(passport, plugins=pm)
    # The page after saving offers the downloads; each is the library's own rendering.
    page = client.get(saved.headers["location"])
    assert page.status_code == 200 and "Saved." in page.text
    for what in ("pdf", "card", "html"):
        assert f"download/{what}" in page.text
        download = client.get(f"/{TOKEN}/download/{what}")
        assert download.status_code == 200
        assert download.headers["content-disposition"].startswith("attachment")
    # The preview is the saved passport as it prints, with no script either.
    for view in ("emergency", "full"):
        assert f"preview/{view}" in page.text
        preview = client.get(f"/{TOKEN}/preview/{view}")
        assert preview.status_code == 200
        assert preview.headers["content-security-policy"] == PREVIEW_CSP
        assert "50 mg hydrocortisone IM" in preview.text and "<script" not in preview.text
    assert client.get(f"/{TOKEN}/preview/nothing").status_code == 404
    pdf = client.get(f"/{TOKEN}/download/pdf").content
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "50 mg hydrocortisone IM" in text and "Robin Example" in text


def test_the_form_shows_what_is_saved_and_keeps_it(tmp_path: Path, pm: rp.PluginManager) -> None:
    source = Path(__file__).resolve().parent.parent / "examples" / "conditions" / "adrenal-insufficiency.json"
    path = tmp_path / "p.json"
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    client = client_for(path, pm)
    form = form_of(client.get(f"/{TOKEN}/"))
    assert ("person.name", "Morgan Example") in form.fields
    assert ("allergies_status", "none-known") in form.fields
    assert press(client, form).status_code == 303
    # Saved untouched, the passport is the same passport.
    assert rp.load(path, plugins=pm) == rp.load(source, plugins=pm)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("example", sorted([*EXAMPLES.glob("*.json"), *EXAMPLES.glob("*.yaml"),
                                            *(EXAMPLES / "conditions").glob("*.json")]), ids=lambda p: p.name)
def test_every_example_comes_back_unchanged_through_the_form(
    example: Path, tmp_path: Path, pm: rp.PluginManager
) -> None:
    """The form shows every field of a passport: saved untouched, nothing is lost or changed."""
    path = tmp_path / example.name
    path.write_bytes(example.read_bytes())
    client = client_for(path, pm)
    response = press(client, form_of(client.get(f"/{TOKEN}/")))
    assert response.status_code == 303, re.findall(r'<p class="error"[^>]*>.*?</p>', response.text)[:5]
    assert rp.load(path, plugins=pm) == rp.load(example, plugins=pm)


def test_a_mistake_is_shown_beside_its_field_and_what_was_typed_is_kept(tmp_path: Path, pm: rp.PluginManager) -> None:
    path = tmp_path / "p.yaml"
    client = client_for(path, pm)
    form = form_of(press(client, form_of(client.get(f"/{TOKEN}/")), action="add:allergies"))
    response = press(client, form, {"person.name": "Robin Example", "person.date_of_birth": "2022-02-30",
                                    "allergies[0].reaction": "hives", "emergency.summary": "Call my mum."})
    assert response.status_code == 422
    assert not path.exists()
    page = response.text
    # The error is beside the field: in the field's own block, described by it, and linked from the summary.
    date_field = re.search(r'<div class="field[^"]*"><label for="f-person-date_of_birth">.*?</div>', page, re.S)
    assert date_field is not None and 'class="error"' in date_field.group(0)
    assert 'aria-invalid="true"' in date_field.group(0)
    substance = re.search(r'<div class="field[^"]*"><label for="f-allergies-0-substance">.*?</div>', page, re.S)
    assert substance is not None and 'class="error"' in substance.group(0)
    summary = re.search(r'<div class="summary has-errors".*?</div>', page, re.S)
    assert summary is not None
    assert 'href="#f-person-date_of_birth-issue0"' in summary.group(0)
    assert 'href="#f-allergies-0-substance-issue0"' in summary.group(0)
    # Nothing typed is lost.
    kept = read_form(page)
    assert ("person.date_of_birth", "2022-02-30") in kept.fields
    assert ("allergies[0].reaction", "hives") in kept.fields
    assert ("emergency.summary", "Call my mum.") in kept.fields
    # Fixed, it saves as YAML (by the suffix) and validates.
    fixed = press(client, kept, {"person.date_of_birth": "2022-02-28", "allergies[0].substance": "Latex"})
    assert fixed.status_code == 303
    assert path.read_text(encoding="utf-8").startswith("schema_version:")
    assert rp.load(path, plugins=pm).allergies[0].substance == "Latex"


def test_rows_are_removed_and_reordered_without_script(tmp_path: Path, pm: rp.PluginManager) -> None:
    client = client_for(tmp_path / "p.json", pm)
    form = form_of(client.get(f"/{TOKEN}/"))
    for _ in range(3):
        form = form_of(press(client, form, action="add:medications"))
    changes = {f"medications[{i}].name": name for i, name in enumerate(["A", "B", "C"])}
    form = form_of(press(client, form, changes, action="remove:medications[0]"))
    form = form_of(press(client, form, action="up:medications[1]"))
    assert [value for name, value in form.fields if re.fullmatch(r"medications\[\d\]\.name", name)] == ["C", "B"]
    # A row added but left empty is no error: it is dropped on saving.
    form = form_of(press(client, form, action="add:medications"))
    saved = press(client, form, {"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"})
    assert saved.status_code == 303
    assert [m.name for m in rp.load(tmp_path / "p.json", plugins=pm).medications] == ["C", "B"]


def test_emergency_comes_first_and_status_fields_are_explicit_choices(tmp_path: Path, pm: rp.PluginManager) -> None:
    page = client_for(tmp_path / "p.json", pm).get(f"/{TOKEN}/").text
    order = [match.group(1) for match in re.finditer(r'class="section[^"]*" id="(s-[\w-]+)"', page)]
    assert order[0] == "s-emergency"
    emergency_plugins = [spec.id for spec in pm.sections if spec.emergency]
    assert order[1:1 + len(emergency_plugins)] == [f"s-x-{sid}" for sid in emergency_plugins]
    assert order.index("s-allergies") < order.index("s-person")
    for value in ("listed", "none-known", "unknown"):
        assert 'type="radio" id="f-allergies_status-' in page and f'name="allergies_status" value="{value}"' in page
    # Enums are choices with their catalogue labels; descriptions are help text.
    assert '<select id="f-person-sex"' in page
    assert "Full name." in page


def test_the_labels_follow_the_language(tmp_path: Path, pm: rp.PluginManager) -> None:
    page = client_for(tmp_path / "p.json", pm, language="de").get(f"/{TOKEN}/").text
    assert '<html lang="de">' in page
    assert rp.labels.lookup("section.medications", "de", pm.labels) in page
    assert rp.labels.lookup("section.medications", "de", pm.labels) != rp.labels.lookup("section.medications", "en")


def test_wrong_token_csrf_and_host_are_refused(tmp_path: Path, pm: rp.PluginManager) -> None:
    path = tmp_path / "p.json"
    client = client_for(path, pm)
    assert client.get("/wrong-token/").status_code == 404
    assert client.get("/").status_code == 404
    assert client.get("/wrong-token/download/pdf").status_code == 404
    form = form_of(client.get(f"/{TOKEN}/"))
    data = form.data({"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"})
    forged = {**data, "_csrf": "guess"}
    assert client.post(f"/{TOKEN}/", data=forged).status_code == 403
    missing = {key: value for key, value in data.items() if key != "_csrf"}
    assert client.post(f"/{TOKEN}/", data=missing).status_code == 403
    assert not path.exists()
    # DNS rebinding: a request for another host name is refused, even with the token.
    rebound = client.get(f"/{TOKEN}/", headers={"host": "evil.example:8000"})
    assert rebound.status_code == 400
    assert client.post(f"/{TOKEN}/", data=data, headers={"host": "evil.example"}).status_code == 400
    assert not path.exists()
    # By default only the local names are accepted.
    local = TestClient(create_app(path, plugins=pm, token=TOKEN), base_url="http://127.0.0.1:8123")
    assert local.get(f"/{TOKEN}/").status_code == 200
    assert TestClient(create_app(path, plugins=pm, token=TOKEN)).get(f"/{TOKEN}/").status_code == 400


def test_every_response_has_a_strict_content_security_policy(tmp_path: Path, pm: rp.PluginManager) -> None:
    client = client_for(tmp_path / "p.json", pm)
    for response in (client.get(f"/{TOKEN}/"), client.get(f"/{TOKEN}/editor.css"), client.get(f"/{TOKEN}/editor.js"),
                     client.get("/nothing")):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'", "the app's own script file only: nothing inline, no eval"
    assert directives["connect-src"] == "'self'"
    page = client.get(f"/{TOKEN}/").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts == [(f' src="/{TOKEN}/editor.js" defer', "")], "one script, a same-origin file, none inline"
    assert "style=" not in page and not re.search(r"\son[a-z]+=", page), "no inline style or event handler"
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "no request leaves the app"
    script = client.get(f"/{TOKEN}/editor.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "fetch(" in script.text and "http" not in script.text
    assert client.get("/wrong-token/editor.js").status_code == 404


def test_a_store_of_the_apps_own(pm: rp.PluginManager) -> None:
    class Memory:
        format = "json"

        def __init__(self) -> None:
            self.text: str | None = None

        def read(self) -> str | None:
            return self.text

        def write(self, text: str) -> None:
            self.text = text

    store = Memory()
    assert isinstance(store, Store)
    client = TestClient(create_app(store, plugins=pm, token="", allowed_hosts=["testserver"]))
    form = form_of(client.get("/"))
    assert press(client, form, {"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"}).status_code == 303
    assert store.text is not None and json.loads(store.text)["person"]["name"] == "Ada Example"


def test_field_values_are_never_logged(tmp_path: Path, pm: rp.PluginManager, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    client = client_for(tmp_path / "p.json", pm)
    form = form_of(client.get(f"/{TOKEN}/"))
    press(client, form, {"person.name": "Secret Name", "person.date_of_birth": "not a date"})
    assert "Secret Name" not in caplog.text and "not a date" not in caplog.text


def test_a_file_store_writes_atomically_and_reads_none_when_missing(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "p.yml")
    assert store.format == "yaml" and store.read() is None
    store.write("a: 1\n")
    assert store.read() == "a: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yml"]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_the_edit_command_serves_the_editor_on_localhost(what: str, tmp_path: Path) -> None:
    """``rarepassport edit FILE|FOLDER`` prints its address, serves the form there, and stops cleanly on Ctrl-C."""
    import os
    import signal
    import time
    import urllib.error
    import urllib.request

    path = tmp_path / "new.json" if what == "file" else tmp_path
    src = str(Path(__file__).resolve().parent.parent / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-m", "rarepassport", "edit", str(path), "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        url = re.search(r"http://127\.0\.0\.1:\d+/[\w-]+/", "".join(lines))
        assert url is not None, lines
        assert ("created when you first save" if what == "file" else "is a folder") in lines[0]
        for _attempt in range(600):  # until uvicorn listens on the bound socket
            try:
                with urllib.request.urlopen(url.group(0), timeout=60) as response:
                    assert response.status == 200
                    page = response.read()
                    assert b"<form" in page
                    assert (b"Passports in this folder" in page) is (what == "folder")
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        else:
            pytest.fail("the editor never answered")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Editor stopped." in out
    assert not (tmp_path / "new.json").exists() and list(tmp_path.iterdir()) == []
    assert "Traceback" not in err


def test_a_plugin_section_appears_on_the_form_with_no_editor_change(tmp_path: Path) -> None:
    """A plugin's section, even with a field type the form has no input for, is on the form and kept."""
    import attrs

    from rarepassport import hookimpl, section_field

    @attrs.frozen(kw_only=True)
    class Pump:
        basal_rate: str = section_field("The basal rate as prescribed.")
        settings: dict[str, int] | None = section_field("Pump settings.", default=None)

    class PumpPlugin:
        @hookimpl
        def rarepassport_register_sections(self, sections: Any) -> None:
            sections.add("insulin_pump", Pump, title="Insulin pump", views=("emergency",))

    pm = rp.make_plugin_manager(entry_points=False, plugins=[PumpPlugin()])
    path = tmp_path / "p.json"
    client = client_for(path, pm)
    form = form_of(client.get(f"/{TOKEN}/"))
    assert "Insulin pump" in client.get(f"/{TOKEN}/").text
    saved = press(client, form, {"person.name": "Ada Example", "person.date_of_birth": "2015-03-02",
                                 "extensions.insulin_pump.basal_rate": "0.5 units an hour",
                                 "extensions.insulin_pump.settings": '{"max_bolus": 5}'})
    assert saved.status_code == 303, saved.text[:1000]
    section = rp.load(path, plugins=pm).extensions["insulin_pump"]
    assert section == Pump(basal_rate="0.5 units an hour", settings={"max_bolus": 5})
    # Saved again untouched, it stays the same.
    assert press(client, form_of(client.get(f"/{TOKEN}/"))).status_code == 303
    assert rp.load(path, plugins=pm).extensions["insulin_pump"] == section


def test_a_photo_is_read_from_the_passports_folder_only(tmp_path: Path, pm: rp.PluginManager) -> None:
    """The PDF download draws a photo beside the passport, and never one outside its folder."""
    import io

    import pypdf
    from PIL import Image

    folder = tmp_path / "robin"
    folder.mkdir()
    for where in (folder / "me.png", tmp_path / "outside.png"):
        Image.new("RGB", (30, 40), (200, 120, 40)).save(where, format="PNG")
    path = folder / "p.json"
    client = client_for(path, pm)

    def images_with(photo: str) -> int:
        form = form_of(client.get(f"/{TOKEN}/"))
        saved = press(client, form, {"person.name": "Ada Example", "person.date_of_birth": "2015-03-02",
                                     "person.photo": photo})
        assert saved.status_code == 303, saved.text[:1000]
        pdf = client.get(f"/{TOKEN}/download/pdf").content
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images)

    assert images_with("me.png") == 1
    assert images_with("../outside.png") == 0


@pytest.mark.parametrize(("typed", "kg"), [("18.5", 18.5), ("18,5", 18.5), ("20", 20.0), ("1,500", None)])
def test_a_weight_is_read_as_typed_or_refused_when_ambiguous(
    typed: str, kg: float | None, tmp_path: Path, pm: rp.PluginManager
) -> None:
    """Emergency doses depend on the weight: a decimal comma is read, a possible thousands separator is not."""
    path = tmp_path / "p.json"
    client = client_for(path, pm)
    response = press(client, form_of(client.get(f"/{TOKEN}/")), {
        "person.name": "Ada Example", "person.date_of_birth": "2015-03-02", "person.weight.kg": typed})
    if kg is None:
        assert response.status_code == 422 and not path.exists()
        assert 'id="f-person-weight-kg-issue0"' in response.text
        assert ("person.weight.kg", typed) in read_form(response.text).fields
    else:
        assert response.status_code == 303
        weight = rp.load(path, plugins=pm).person.weight
        assert weight is not None and weight.kg == kg


def _photo_bytes(kind: str = "JPEG", size: tuple[int, int] = (60, 80), gps: bool = False) -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    buffer = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010E] = "Robin at home"  # ImageDescription
        exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPSLatitude
        image.save(buffer, format=kind, exif=exif)
    else:
        image.save(buffer, format=kind)
    return buffer.getvalue()


def upload(client: TestClient, form: Form, data: bytes, changes: dict[str, Any] | None = None,
           action: str = "save", filename: str = "holiday.jpg", content_type: str = "image/jpeg") -> Any:
    """Post the form as a browser posts it with a file chosen: multipart, the photo in its file field."""
    fields = form.data(changes, action)
    return client.post(form.action, data=fields, files={"_photo_upload": (filename, data, content_type)},
                       follow_redirects=False)


def test_an_uploaded_photo_is_kept_beside_the_passport_and_drawn(tmp_path: Path, pm: rp.PluginManager) -> None:
    """A real multipart upload: checked, written anew without its EXIF, named relatively, drawn in the PDF."""
    import io

    import pypdf
    from PIL import Image

    folder = tmp_path / "robin"
    folder.mkdir()
    path = folder / "robin.json"
    client = client_for(path, pm)
    page = client.get(f"/{TOKEN}/").text
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    sent = _photo_bytes(gps=True)
    assert b"Robin at home" in sent
    saved = upload(client, form_of(client.get(f"/{TOKEN}/")), sent,
                   {"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"},
                   filename="../../etc/evil.jpg")
    assert saved.status_code == 303, saved.text[:1000]
    photo = rp.load(path, plugins=pm).person.photo
    # The name is the editor's own (never the upload's), relative, inside the passport's folder.
    assert photo is not None and re.fullmatch(r"robin-photo-[0-9a-f]{12}\.jpeg", photo)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["robin.json", photo])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["robin"]
    stored = (folder / photo).read_bytes()
    assert b"Robin at home" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (60, 80) and not image.getexif()
    pdf = client.get(f"/{TOKEN}/download/pdf").content
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    # The form shows the kept path; saving it again untouched keeps the photo.
    form = form_of(client.get(f"/{TOKEN}/"))
    assert ("person.photo", photo) in form.fields
    assert press(client, form).status_code == 303
    assert rp.load(path, plugins=pm).person.photo == photo


@pytest.mark.parametrize(("data", "why"), [
    (b"GIF89a not a photo", "not a PNG, JPEG or WebP"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not an image Pillow can read"),
    (b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024), "larger than"),
], ids=["not-an-image", "broken-png", "too-large"])
def test_an_upload_that_is_not_a_photo_is_refused_beside_the_field(
    data: bytes, why: str, tmp_path: Path, pm: rp.PluginManager
) -> None:
    path = tmp_path / "p.json"
    client = client_for(path, pm)
    response = upload(client, form_of(client.get(f"/{TOKEN}/")), data,
                      {"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"})
    assert response.status_code == 422
    assert not path.exists() and sorted(p.name for p in tmp_path.iterdir()) == []
    photo_field = re.search(r'<div class="field[^"]*"><label for="f-person-photo">.*?</div>', response.text, re.S)
    assert photo_field is not None and 'class="error"' in photo_field.group(0) and why in photo_field.group(0)
    # What was typed is kept.
    assert ("person.name", "Ada Example") in read_form(response.text).fields


def test_an_upload_needs_the_csrf_token(tmp_path: Path, pm: rp.PluginManager) -> None:
    client = client_for(tmp_path / "p.json", pm)
    form = form_of(client.get(f"/{TOKEN}/"))
    fields = {**form.data({"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"}), "_csrf": "guess"}
    response = client.post(form.action, data=fields, files={"_photo_upload": ("me.jpg", _photo_bytes(), "image/jpeg")})
    assert response.status_code == 403
    assert list(tmp_path.iterdir()) == []


def test_a_store_without_a_folder_keeps_an_upload_inside_the_document(pm: rp.PluginManager) -> None:
    class Memory:
        format = "json"
        text: str | None = None

        def read(self) -> str | None:
            return self.text

        def write(self, text: str) -> None:
            self.text = text

    store = Memory()
    client = TestClient(create_app(store, plugins=pm, token="", allowed_hosts=["testserver"]))
    saved = upload(client, form_of(client.get("/")), _photo_bytes("PNG"),
                   {"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"},
                   filename="me.png", content_type="image/png")
    assert saved.status_code == 303, saved.text[:500]
    assert store.text is not None
    assert json.loads(store.text)["person"]["photo"].startswith("data:image/png;base64,")
    card = client.get("/download/pdf").content
    import io

    import pypdf
    assert len(pypdf.PdfReader(io.BytesIO(card)).pages[0].images) == 1


def test_the_card_preview_beside_the_form_is_the_saved_card_drawn_again_after_each_save(
    tmp_path: Path, pm: rp.PluginManager
) -> None:
    """Two pictures (front, back) of the very card that downloads, named for a screen reader, new after a save."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image, ImageChops

    path = tmp_path / "p.json"
    client = client_for(path, pm)
    assert "preview/card/" not in client.get(f"/{TOKEN}/").text  # nothing saved, nothing to show
    assert client.get(f"/{TOKEN}/preview/card/1.png").status_code == 404

    def save(name: str) -> list[str]:
        saved = press(client, form_of(client.get(f"/{TOKEN}/")),
                      {"person.name": name, "person.date_of_birth": "2015-03-02"})
        assert saved.status_code == 303
        page = client.get(saved.headers["location"]).text
        figure = re.search(r'<figure class="card".*?</figure>', page, re.S)
        assert figure is not None
        images = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', figure.group(0))
        assert [alt for _, alt in images] == ["Front of the wallet card, from the last save",
                                              "Back of the wallet card, from the last save"]
        return [src for src, _ in images]

    first = save("Ada Example")
    pdf = pdfium.PdfDocument(client.get(f"/{TOKEN}/download/card").content)
    for src, page in zip(first, pdf, strict=True):
        response = client.get(src)
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        shown = Image.open(io.BytesIO(response.content)).convert("RGB")
        drawn = page.render(scale=shown.width / page.get_width()).to_pil().convert("RGB")
        assert shown.size == drawn.size and shown.width == 648
        assert ImageChops.difference(shown, drawn).getbbox() is None, "the preview is the downloaded card"
    front = client.get(first[0]).content
    second = save("Bea Example")
    assert second != first, "a new address after each save, so no browser shows the old card"
    assert client.get(second[0]).content != front
    assert client.get(f"/{TOKEN}/preview/card/3.png").status_code == 404


def test_each_list_carries_an_empty_entry_for_the_script_that_no_browser_posts(
    tmp_path: Path, pm: rp.PluginManager
) -> None:
    """The <template> beside a list is the server's own empty entry, with placeholders the script fills in."""
    page = client_for(tmp_path / "p.json", pm).get(f"/{TOKEN}/").text
    template = re.search(r'<template data-rows="diagnoses" data-index="__row0__" data-number="__number0__">'
                         r'(.*?)</template><button[^>]*value="add:diagnoses"', page, re.S)
    assert template is not None
    assert 'name="diagnoses[__row0__].name"' in template.group(1)
    assert "Diagnoses __number0__" in template.group(1)
    # A nested list in a new entry has its own placeholder, filled in when that entry is added.
    assert 'data-rows="diagnoses[__row0__].codes" data-index="__row1__"' in template.group(1)
    assert not any("__row" in name for name in read_form(page).names)


def test_the_card_of_what_is_typed_is_drawn_without_saving(tmp_path: Path, pm: rp.PluginManager) -> None:
    """The script's preview button: the same CSRF and validation as saving, the card as pictures, nothing written."""
    import base64
    import io

    from PIL import Image

    path = tmp_path / "p.json"
    client = client_for(path, pm)
    form = form_of(client.get(f"/{TOKEN}/"))
    assert 'id="card-refresh" hidden' in client.get(f"/{TOKEN}/").text  # shown by the script only
    draft = f"/{TOKEN}/preview/draft"
    typed = form.data({"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"}, "save")
    answer = client.post(draft, data=typed)
    assert answer.status_code == 200, answer.text[:300]
    body = answer.json()
    assert body["ok"] and [page["alt"] for page in body["pages"]] == [
        "Front of the wallet card, with what is typed (not saved)",
        "Back of the wallet card, with what is typed (not saved)"]
    front = body["pages"][0]["src"]
    assert front.startswith("data:image/png;base64,")
    assert Image.open(io.BytesIO(base64.b64decode(front.split(",", 1)[1]))).width == 648
    assert not path.exists() and list(tmp_path.iterdir()) == []
    wrong = client.post(draft, data={**typed, "person.date_of_birth": "2015-02-30"})
    assert wrong.status_code == 422 and not wrong.json()["ok"] and "press Save" in wrong.json()["message"]
    assert client.post(draft, data={**typed, "_csrf": "guess"}).status_code == 403
    assert not path.exists()


def test_a_folder_of_passports_is_listed_opened_and_added_to(tmp_path: Path, pm: rp.PluginManager) -> None:
    """``create_app(FOLDER)``: the list, a passport's editor from it, and a new one started by its file name."""
    folder = tmp_path / "family"
    folder.mkdir()
    source = Path(__file__).resolve().parent.parent / "examples" / "conditions" / "adrenal-insufficiency.json"
    (folder / "morgan.json").write_bytes(source.read_bytes())
    (folder / "notes.txt").write_text("not a passport", encoding="utf-8")
    (folder / ".hidden.json").write_text("{}", encoding="utf-8")
    client = TestClient(create_app(folder, plugins=pm, token=TOKEN, allowed_hosts=["testserver"], today=TODAY))
    listing = client.get(f"/{TOKEN}/")
    assert listing.status_code == 200
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', listing.text) == [
        (f"/{TOKEN}/p/morgan.json/", "morgan.json")]
    # A passport opens from the list, with the way back to it, and saves where it is.
    page = client.get(f"/{TOKEN}/p/morgan.json/")
    assert page.status_code == 200 and f'href="/{TOKEN}/"' in page.text
    form = form_of(page)
    assert ("person.name", "Morgan Example") in form.fields and form.action == f"/{TOKEN}/p/morgan.json/"
    saved = press(client, form, {"person.name": "Morgan Q Example"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/{TOKEN}/p/morgan.json/?saved=1"
    assert rp.load(folder / "morgan.json", plugins=pm).person.name == "Morgan Q Example"
    assert client.get(f"/{TOKEN}/p/morgan.json/download/card").content.startswith(b"%PDF")
    # A new passport by its file name (.json added), created at its first save.
    create = read_form(listing.text)
    started = client.post(create.action, data=create.data({"name": "robin"}), follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"] == f"/{TOKEN}/p/robin.json/"
    assert not (folder / "robin.json").exists()
    robin = form_of(client.get(started.headers["location"]))
    typed = {"person.name": "Robin Example", "person.date_of_birth": "2022-05-14"}
    assert press(client, robin, typed).status_code == 303
    assert rp.load(folder / "robin.json", plugins=pm).person.name == "Robin Example"
    assert [name for _, name in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', client.get(f"/{TOKEN}/").text)
            ] == ["morgan.json", "robin.json"]
    # An existing name is not started again.
    taken = client.post(create.action, data=create.data({"name": "robin.json"}))
    assert taken.status_code == 422 and "exists already" in taken.text
    assert sorted(p.name for p in folder.iterdir()) == [".hidden.json", "morgan.json", "notes.txt", "robin.json"]


@pytest.mark.parametrize("name", ["../outside.json", "..%2Foutside.json", "sub/p.json", ".hidden.json", "notes.txt",
                                  "link.json", "%2Fetc%2Fpasswd.json", "a b.json"])
def test_a_folder_of_passports_opens_nothing_outside_it(name: str, tmp_path: Path, pm: rp.PluginManager) -> None:
    folder = tmp_path / "family"
    (folder / "sub").mkdir(parents=True)
    outside = tmp_path / "outside.json"
    outside.write_bytes((Path(__file__).resolve().parent.parent / "examples" / "minimal.json").read_bytes())
    (folder / "sub" / "p.json").write_bytes(outside.read_bytes())
    (folder / "link.json").symlink_to(outside)
    (folder / ".hidden.json").write_bytes(outside.read_bytes())
    (folder / "notes.txt").write_text("{}", encoding="utf-8")
    client = TestClient(create_app(folder, plugins=pm, token=TOKEN, allowed_hosts=["testserver"]))
    assert "link.json" not in client.get(f"/{TOKEN}/").text
    for path in (f"/{TOKEN}/p/{name}/", f"/{TOKEN}/p/{name}/download/pdf"):
        assert client.get(path).status_code == 404, path
    listing = read_form(client.get(f"/{TOKEN}/").text)
    if name != "notes.txt":  # that one is a new name: notes.txt.json
        refused = client.post(listing.action, data=listing.data({"name": name.replace("%2F", "/")}))
        assert refused.status_code == 422
    before = outside.read_bytes()
    client.post(f"/{TOKEN}/p/{name}/", data={"_csrf": "x", "person.name": "Changed"})
    assert outside.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [".hidden.json", "link.json", "notes.txt", "sub"]


def _help_of(page: str, name: str) -> str:
    found = re.search(rf'<p class="help" id="f-{name}-help">(.*?)</p>', page, re.S)
    assert found is not None, name
    return found.group(1)


def test_help_texts_come_from_the_catalogue_in_the_forms_language(tmp_path: Path) -> None:
    """A field's description is its help text in the chosen language; one not translated yet says so, in English."""
    import attrs

    from rarepassport import hookimpl, section_field

    @attrs.frozen(kw_only=True)
    class Pump:
        basal_rate: str = section_field("The basal rate as prescribed.")

    class PumpPlugin:
        @hookimpl
        def rarepassport_register_sections(self, sections: Any) -> None:
            sections.add("insulin_pump", Pump, title="Insulin pump", views=("emergency",))

    pm = rp.make_plugin_manager(entry_points=False, plugins=[PumpPlugin()])
    french = client_for(tmp_path / "p.json", pm, language="fr").get(f"/{TOKEN}/").text
    assert _help_of(french, "person-name") == "Nom complet."
    assert _help_of(french, "emergency-summary") == "Les quelques phrases à lire en premier."
    assert _help_of(french, "medications-__row0__-time_critical") == "Ne doit être ni oublié ni retardé."
    assert _help_of(french, "emergency-open_access-hospital") == "Hôpital."
    # Not translated yet (a plugin that ships no help labels): the English description, marked
    # as English, and said to be untranslated.
    untranslated = _help_of(french, "extensions-insulin_pump-basal_rate")
    assert re.fullmatch(r'<span lang="en">[^<]+</span> <span class="untranslated">\(en anglais : pas encore traduit\)'
                        r"</span>.*", untranslated), untranslated
    english = client_for(tmp_path / "p.json", pm).get(f"/{TOKEN}/").text
    assert _help_of(english, "person-name") == "Full name."
    assert "untranslated" not in english


def test_a_translated_help_text_is_not_used_once_its_english_has_changed(tmp_path: Path) -> None:
    """A translation of an older description is stale: the current English is shown, marked untranslated."""
    import attrs

    from rarepassport import hookimpl, section_field

    @attrs.frozen(kw_only=True)
    class Pump:
        basal_rate: str = section_field("The basal rate as prescribed.")
        bolus: str | None = section_field("The largest bolus.", default=None)

    class PumpPlugin:
        @hookimpl
        def rarepassport_register_sections(self, sections: Any) -> None:
            sections.add("insulin_pump", Pump, title="Insulin pump", views=("emergency",))

        @hookimpl
        def rarepassport_register_labels(self, labels: Any) -> None:
            labels.add("en", {"help.Pump.basal_rate": "The basal rate as prescribed.",
                              "help.Pump.bolus": "An older description of the bolus."})
            labels.add("de", {"help.Pump.basal_rate": "Die Basalrate wie verordnet.",
                              "help.Pump.bolus": "Eine ältere Beschreibung."})

    pm = rp.make_plugin_manager(entry_points=False, plugins=[PumpPlugin()])
    page = client_for(tmp_path / "p.json", pm, language="de").get(f"/{TOKEN}/").text
    assert _help_of(page, "extensions-insulin_pump-basal_rate") == "Die Basalrate wie verordnet."
    assert _help_of(page, "extensions-insulin_pump-bolus").startswith(
        '<span lang="en">The largest bolus.</span> <span class="untranslated">')


@pytest.mark.parametrize("language", [tag for tag in rp.labels.BUILT_IN_LANGUAGES if tag != "en"])
def test_every_help_text_of_the_form_is_translated_in_every_shipped_language(
        tmp_path: Path, pm: rp.PluginManager, language: str) -> None:
    """Each field the form shows (core and built-in plugin sections, every entry kind) has its help in the language."""
    page = client_for(tmp_path / "p.json", pm, language=language).get(f"/{TOKEN}/").text
    helps = dict(re.findall(r'<p class="help" id="f-([^"]+)-help">(.*?)</p>', page, re.S))
    # Every core entry kind and every built-in plugin section is on the empty form (a row template each).
    assert len(helps) >= 170
    for plugin_field in ("extensions-haemophilia-factor_dose", "extensions-dravet_syndrome-rescue_plan-medicine",
                         "extensions-adrenal_insufficiency-emergency_hydrocortisone_dose",
                         "extensions-mcad_deficiency-emergency_regimen", "care_team-__row0__-expert_in"):
        assert plugin_field in helps, plugin_field
    untranslated = sorted(name for name, text in helps.items() if 'class="untranslated"' in text)
    assert untranslated == []


def test_every_help_label_in_the_catalogue_is_the_description_of_a_field_as_it_is_now() -> None:
    """A help.* label names a real field and its English is that field's description (else translations go stale)."""
    import attrs

    from rarepassport import model

    help_ids = [label_id for label_id in rp.labels.ENGLISH if label_id.startswith("help.")]
    assert len(help_ids) >= 50
    for label_id in help_ids:
        _, class_name, field_name = label_id.split(".")
        field = attrs.fields_dict(getattr(model, class_name))[field_name]
        assert rp.labels.ENGLISH[label_id] == field.metadata["description"], label_id


def test_the_edit_command_s_refusals_are_said_in_the_form_s_language(tmp_path: Path) -> None:
    """``rarepassport --language fr edit FOLDER``: an address of no passport, another host and an expired
    form are refused in French, the catalogue's words (``phrase.editor_*``), and the command's own lines
    are French too."""
    import os
    import signal
    import time
    import urllib.error
    import urllib.request

    from rarepassport.labels import built_in_catalogue

    french = built_in_catalogue("fr")
    src = str(Path(__file__).resolve().parent.parent / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    # --language before the command: the form's language as well as the messages'.
    process = subprocess.Popen([sys.executable, "-m", "rarepassport", "--language", "fr", "edit", str(tmp_path),
                                "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def refused(address: str, **options: Any) -> tuple[int, str]:
        request = urllib.request.Request(address, **options)
        for _attempt in range(600):  # until uvicorn listens on the bound socket
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, response.read().decode("utf-8")
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode("utf-8")
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        pytest.fail("the editor never answered")

    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        found = re.search(r"http://127\.0\.0\.1:\d+/[\w-]+/", "".join(lines))
        assert found is not None, lines
        url = found.group(0)
        assert lines[0] == french["cli.edit.folder"].format(file=tmp_path) + "\n"
        assert refused(url + "p/.hidden.json/") == (404, french["phrase.editor_not_found"])
        assert refused(url + "nowhere") == (404, french["phrase.editor_not_found"])
        assert refused(url, headers={"Host": "evil.example"}) == (400, french["phrase.editor_host_not_allowed"])
        assert refused(url, data=b"name=ada.json&_csrf=guess", method="POST") == \
            (403, french["phrase.editor_form_expired"])
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    assert "Traceback" not in err


class _ReadOnlyStore:
    """An app's own store whose writes fail (a full disk, a read-only share)."""

    format = "json"

    def read(self) -> str | None:
        return None

    def write(self, text: str) -> None:
        raise PermissionError(13, "Permission denied", "/srv/passports/ada.json")


def test_a_save_the_store_cannot_write_is_said_on_the_form_in_its_language(pm: rp.PluginManager) -> None:
    from rarepassport.labels import built_in_catalogue

    client = TestClient(create_app(_ReadOnlyStore(), plugins=pm, token="", allowed_hosts=["testserver"],
                                   today=TODAY, language="fr"))
    form = read_form(client.get("/").text)
    response = press(client, form, {"person.name": "Ada Example", "person.date_of_birth": "2015-03-02"})
    assert response.status_code == 500
    assert built_in_catalogue("fr")["phrase.editor_not_saved"].replace("'", "&#x27;") in response.text
    assert "Permission denied" not in response.text and "/srv/passports" not in response.text
    assert read_form(response.text).data()["person.name"] == "Ada Example"  # what was typed is kept
