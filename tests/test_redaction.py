"""Redaction you can prove: ``redact(passport, view)`` keeps only what the view allows,
and no value outside a view reaches any output of that view.

Specification: issue 14, point 4. Every field of a fully filled passport, and of every
built-in condition plugin's section and the example plugin's (rarepassport-fabry), holds
a marker of its own; each view is rendered in
every backend and read back (PDF text through pypdf and poppler's ``pdftotext``, PDF
metadata and outline, the HTML source with its attributes, Markdown, text, the QR codes
decoded with zxing-cpp, the wallet card, the FHIR IPS export), and no marker of a field
outside the view may appear.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import json
import shutil
import subprocess
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pypdf
import pytest
import zxingcpp
from PIL import Image

import rarepassport as rp
from rarepassport import View, field_views

TODAY = dt.date(2026, 12, 1)
VIEWS = [View.EMERGENCY, View.EDUCATION, View.SOCIAL]


# --- a passport with a marker in every field --------------------------------------------


class Markers:
    """Hands out markers that are unique, one word, and no marker's prefix: ``QZ0001ZQ``."""

    def __init__(self) -> None:
        self.where: dict[str, str] = {}

    def __call__(self, where: str) -> str:
        marker = f"QZ{len(self.where) + 1:04d}ZQ"
        self.where[marker] = where
        return marker


def _hints(cls: type) -> dict[str, Any]:
    module = __import__(cls.__module__, fromlist=["_"])
    return typing.get_type_hints(cls, globalns={**vars(rp), **vars(module)})


def _filled(tp: Any, where: str, markers: Markers) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return _filled(next(arg for arg in args if arg is not type(None)), where, markers)
    if origin is tuple:
        return (_filled(args[0], f"{where}[0]", markers),)
    if origin is typing.Literal:
        return args[0]
    if tp is str:
        return markers(where)
    if tp is bool:
        return True
    if tp is int:
        return 3
    if tp is float:
        return 2.5
    if tp is dt.date:
        return dt.date(2024, 2, 3)
    if tp is rp.PartialDate:
        return rp.PartialDate(year=2019, month=4)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp))
    if isinstance(tp, type) and attrs.has(tp):
        return filled(tp, where, markers)
    raise AssertionError(f"no filler for {tp!r} at {where}")


def filled(cls: type, where: str, markers: Markers, **given: Any) -> Any:
    """An instance of ``cls`` with every field set, each text to a marker of its own."""
    hints = _hints(cls)
    values = {}
    for field in attrs.fields(cls):
        if not field.init:
            continue
        values[field.alias] = given[field.name] if field.name in given else \
            _filled(hints[field.name], f"{where}.{field.name}", markers)
    return cls(**values)


def filled_passport(plugins: rp.PluginManager) -> tuple[rp.Passport, Markers]:
    markers = Markers()
    extensions = {spec.id: filled(spec.cls, f"$.extensions.{spec.id}", markers) for spec in plugins.sections}
    passport = filled(rp.Passport, "$", markers, schema_version=rp.SCHEMA_VERSION, language="en",
                      extensions=extensions)
    return passport, markers


def allowed_markers(obj: Any, view: View, plugins: rp.PluginManager, shown: bool = True) -> Iterator[tuple[str, bool]]:
    """(marker, whether the view may show it), from the field metadata alone."""
    cls = type(obj)
    for field in attrs.fields(cls):
        value = getattr(obj, field.name)
        visible = shown and view in field_views(cls, field.name)
        if cls is rp.Passport and field.name == "extensions":
            for section_id, section in value.items():
                in_view = visible and view in plugins.sections[section_id].views
                yield from allowed_markers(section, view, plugins, in_view)
            continue
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, str) and item.startswith("QZ"):
                yield item, visible
            elif attrs.has(type(item)) and not isinstance(item, rp.PartialDate):
                yield from allowed_markers(item, view, plugins, visible)


EXAMPLE_PLUGIN = Path(__file__).resolve().parents[1] / "examples" / "plugins" / "rarepassport-fabry" / "src"


@pytest.fixture(scope="module")
def plugins() -> Iterator[rp.PluginManager]:
    """Every built-in plugin and the example plugin (imported from its source folder)."""
    import importlib
    import sys

    sys.path.insert(0, str(EXAMPLE_PLUGIN))
    try:
        fabry = importlib.import_module("rarepassport_fabry")
        manager = rp.make_plugin_manager(plugins=[fabry])
        assert "fabry" in manager.sections
        yield manager
    finally:
        sys.path.remove(str(EXAMPLE_PLUGIN))


@pytest.fixture(scope="module")
def full(plugins: rp.PluginManager) -> tuple[rp.Passport, Markers]:
    return filled_passport(plugins)


def hidden_in(view: View, passport: rp.Passport, plugins: rp.PluginManager) -> set[str]:
    return {marker for marker, visible in allowed_markers(passport, view, plugins) if not visible}


def found(markers: set[str], text: str) -> list[str]:
    lowered = text.lower()
    return sorted(marker for marker in markers if marker.lower() in lowered)


# --- redact() ---------------------------------------------------------------------------------


def test_the_filled_passport_sets_every_field_and_every_plugin_section(
    full: tuple[rp.Passport, Markers], plugins: rp.PluginManager
) -> None:
    passport, markers = full
    assert sorted(passport.extensions) == sorted(spec.id for spec in plugins.sections)
    assert {"adrenal_insufficiency", "mcad_deficiency", "haemophilia", "dravet_syndrome", "fabry"} <= set(
        passport.extensions)
    assert len(markers.where) > 140
    dumped = rp.dumps(passport, plugins=plugins)
    assert found(set(markers.where), dumped) == sorted(markers.where)


@pytest.mark.parametrize("view", VIEWS, ids=[v.value for v in VIEWS])
def test_redact_keeps_exactly_the_fields_of_the_view(
    view: View, full: tuple[rp.Passport, Markers], plugins: rp.PluginManager
) -> None:
    passport, markers = full
    redacted = rp.redact(passport, view, plugins=plugins)
    text = rp.dumps(redacted, plugins=plugins)
    hidden = hidden_in(view, passport, plugins)
    assert hidden, "every view hides something"
    assert found(hidden, text) == []
    assert found(set(markers.where) - hidden, text) == sorted(set(markers.where) - hidden)


def test_redact_of_the_full_view_is_the_passport_itself(full: tuple[rp.Passport, Markers]) -> None:
    assert rp.redact(full[0], "full") is full[0]


def test_redact_keeps_the_format_version_and_the_language(full: tuple[rp.Passport, Markers]) -> None:
    passport = attrs.evolve(full[0], language="fr", id="QZ-ID")
    school = rp.redact(passport, "education")
    assert (school.schema_version, school.language, school.id) == (rp.SCHEMA_VERSION, "fr", None)


def test_redact_leaves_out_a_plugin_section_registered_without_the_view(tmp_path: Path) -> None:
    @attrs.frozen(kw_only=True)
    class ClinicNotes:
        note: str = ""

    class Plugin:
        @rp.hookimpl
        def rarepassport_register_sections(self, sections: rp.SectionRegistry) -> None:
            sections.add("clinic_notes", ClinicNotes, title="Clinic notes", views=["emergency"])

    manager = rp.make_plugin_manager(plugins=[Plugin()], entry_points=False)
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
                           extensions={"clinic_notes": ClinicNotes(note="QZ-NOTE")})
    assert "clinic_notes" in rp.redact(passport, "emergency", plugins=manager).extensions
    assert rp.redact(passport, "social", plugins=manager).extensions == {}


def test_redact_of_an_unknown_view_names_the_views(full: tuple[rp.Passport, Markers]) -> None:
    with pytest.raises(rp.RenderError, match="unknown view 'paramedic'"):
        rp.redact(full[0], "paramedic")


def test_redact_does_not_change_the_passport_given(
    full: tuple[rp.Passport, Markers], plugins: rp.PluginManager
) -> None:
    before = rp.dumps(full[0], plugins=plugins)
    rp.redact(full[0], "education", plugins=plugins)
    assert rp.dumps(full[0], plugins=plugins) == before


# --- every backend of every view ------------------------------------------------------------


def _pdf_everything(data: bytes, tmp_path: Path) -> str:
    """Text (pypdf and pdftotext), metadata and outline of a PDF, in one string."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    parts = [page.extract_text() for page in reader.pages]
    parts.extend(str(value) for value in (reader.metadata or {}).values())

    def outline(items: list[Any]) -> Iterator[str]:
        for item in items:
            if isinstance(item, list):
                yield from outline(item)
            else:
                yield str(item.title)

    parts.extend(outline(reader.outline))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            parts.append(str(annotation.get_object()))
    if shutil.which("pdftotext") is not None:
        path = tmp_path / "out.pdf"
        path.write_bytes(data)
        parts.append(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                                    text=True).stdout)
    for page in reader.pages:
        for image in page.images:
            for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)).convert("L")):
                parts.append(code.text)
    return "\n".join(parts)


def _render(passport: rp.Passport, format: str, view: View, plugins: rp.PluginManager, **options: Any) -> bytes:
    return rp.render_rendered(passport, format, view, plugins=plugins, today=TODAY, **options).data


@pytest.mark.parametrize("view", VIEWS, ids=[v.value for v in VIEWS])
@pytest.mark.parametrize("format", ["pdf", "card", "lockscreen-pdf"])
def test_no_value_outside_the_view_is_in_a_pdf_its_metadata_outline_or_qr(
    view: View, format: str, full: tuple[rp.Passport, Markers], plugins: rp.PluginManager, tmp_path: Path
) -> None:
    passport, markers = full
    text = _pdf_everything(_render(passport, format, view, plugins, qr="emergency"), tmp_path)
    assert found(hidden_in(view, passport, plugins), text) == []
    assert found(set(markers.where), text), "the output shows the view's own values"


@pytest.mark.parametrize("view", VIEWS, ids=[v.value for v in VIEWS])
@pytest.mark.parametrize("format", ["html", "markdown", "text"])
def test_no_value_outside_the_view_is_in_html_markdown_or_text(
    view: View, format: str, full: tuple[rp.Passport, Markers], plugins: rp.PluginManager
) -> None:
    passport, markers = full
    # The whole source: HTML attributes (alt, title, aria-label, data-*) and comments too.
    source = _render(passport, format, view, plugins).decode("utf-8")
    assert found(hidden_in(view, passport, plugins), source) == []
    assert found(set(markers.where), source)


@pytest.mark.parametrize("view", VIEWS, ids=[v.value for v in VIEWS])
def test_no_value_outside_the_view_is_in_the_fhir_export_of_the_view(
    view: View, full: tuple[rp.Passport, Markers], plugins: rp.PluginManager
) -> None:
    passport, markers = full
    bundle = json.dumps(rp.to_ips(passport, plugins=plugins, today=TODAY, view=view), ensure_ascii=False)
    assert found(hidden_in(view, passport, plugins), bundle) == []
    assert found(set(markers.where), bundle)


def test_the_fhir_export_without_a_view_carries_what_the_full_view_hides_from_others(
    full: tuple[rp.Passport, Markers], plugins: rp.PluginManager
) -> None:
    # The export of the view above must have had something to leave out.
    passport, _ = full
    bundle = json.dumps(rp.to_ips(passport, plugins=plugins, today=TODAY), ensure_ascii=False)
    assert found(hidden_in(View.EDUCATION, passport, plugins), bundle)


@pytest.mark.parametrize("format", ["html", "text"])
def test_the_sweep_sees_hidden_values_where_the_view_allows_them(
    format: str, full: tuple[rp.Passport, Markers], plugins: rp.PluginManager
) -> None:
    # The same search finds the education view's hidden values in the full view's output:
    # an empty result above is the view at work, not a search that cannot see.
    passport, _ = full
    source = _render(passport, format, View.FULL, plugins).decode("utf-8")
    assert len(found(hidden_in(View.EDUCATION, passport, plugins), source)) > 20


def test_the_export_command_with_a_view_exports_only_the_view(
    full: tuple[rp.Passport, Markers], plugins: rp.PluginManager, tmp_path: Path
) -> None:
    import os
    import sys

    # The command runs with the installed plugins only: leave the example plugin's section out.
    passport = attrs.evolve(full[0], extensions={key: value for key, value in full[0].extensions.items()
                                                 if key != "fabry"})
    source = tmp_path / "passport.json"
    rp.dump(passport, source, plugins=plugins)
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "rarepassport", "export", "fhir", str(source), "--view", "education",
                           "-o", str(tmp_path / "ips.json")], capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, done.stderr
    exported = (tmp_path / "ips.json").read_text(encoding="utf-8")
    assert found(hidden_in(View.EDUCATION, passport, plugins), exported) == []
    assert json.loads(exported)["resourceType"] == "Bundle"
