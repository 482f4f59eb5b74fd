"""The JSON Schema derived from the model: its shape, its annotations, plugin sections, CLI."""

from __future__ import annotations

import datetime as _dt
import enum
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

import rarepassport
from rarepassport import field_views, hookimpl, json_schema, make_plugin_manager, section_field
from rarepassport import model as model_module
from rarepassport.cli import main

# Built-in plugins (so built-in condition sections are covered) but nothing installed.
PLUGINS = make_plugin_manager(entry_points=False)
SCHEMA = json_schema(plugins=PLUGINS)
FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def validator(schema: dict[str, Any] = SCHEMA) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema, format_checker=FORMAT_CHECKER)


def object_schemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object schema (one with ``properties``) anywhere in a schema."""
    if isinstance(node, dict):
        if "properties" in node:
            yield where, node
        for key, value in node.items():
            yield from object_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from object_schemas(value, f"{where}/{index}")


def model_classes() -> list[type]:
    return [
        value
        for value in vars(model_module).values()
        if isinstance(value, type) and attrs.has(value) and value.__module__ == model_module.__name__
    ]


def model_enums() -> list[type[enum.Enum]]:
    return [
        value
        for value in vars(model_module).values()
        if isinstance(value, type) and issubclass(value, enum.Enum) and value.__name__ in model_module.__all__
        and value is not model_module.View
    ]


def minimal() -> dict[str, Any]:
    return {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"}}


# --- the schema itself ---------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_names_its_dialect_and_id() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"].startswith("https://") and "1.0" in SCHEMA["$id"]


def test_schema_version_is_required_and_fixed_to_1_0() -> None:
    assert SCHEMA["required"][0] == "schema_version"
    assert SCHEMA["properties"]["schema_version"]["const"] == "1.0"
    assert not validator().is_valid({**minimal(), "schema_version": "2.0"})


def test_minimal_passport_is_valid() -> None:
    assert list(validator().iter_errors(minimal())) == []


def test_every_property_has_a_title_and_a_description() -> None:
    missing = [
        f"{where}/properties/{name}"
        for where, schema in object_schemas(SCHEMA)
        for name, prop in schema["properties"].items()
        if not prop.get("title") or not prop.get("description")
    ]
    assert missing == []


def test_every_model_class_has_a_title_and_a_description() -> None:
    for cls in model_classes():
        if cls is rarepassport.Passport:
            continue
        definition = SCHEMA["$defs"][cls.__name__]
        assert definition["title"] and definition["description"], cls.__name__


def test_every_object_forbids_unknown_keys() -> None:
    allowing = [where for where, schema in object_schemas(SCHEMA) if schema.get("additionalProperties") is not False]
    assert allowing == []


def test_unknown_key_is_rejected_with_its_path() -> None:
    document = minimal()
    document["person"]["dob"] = "2015-03-02"
    [error] = validator().iter_errors(document)
    assert error.json_path == "$.person" and "dob" in error.message


def test_properties_are_the_model_fields_in_model_order() -> None:
    for cls in model_classes():
        definition = SCHEMA if cls is rarepassport.Passport else SCHEMA["$defs"][cls.__name__]
        assert list(definition["properties"]) == [field.name for field in attrs.fields(cls)], cls.__name__


def test_required_lists_the_fields_without_a_default() -> None:
    assert SCHEMA["required"] == ["schema_version", "person"]
    assert SCHEMA["$defs"]["Person"]["required"] == ["name", "date_of_birth"]
    assert SCHEMA["$defs"]["ReviewedBy"]["required"] == ["name", "date"]
    assert "required" not in SCHEMA["$defs"]["Emergency"]


def test_descriptions_come_from_field_metadata() -> None:
    description = attrs.fields_dict(rarepassport.Medication)["time_critical"].metadata["description"]
    assert SCHEMA["$defs"]["Medication"]["properties"]["time_critical"]["description"] == description


def test_plain_defaults_are_annotated() -> None:
    properties = SCHEMA["$defs"]["Diagnosis"]["properties"]
    assert properties["status"]["default"] == "confirmed"
    assert properties["primary"]["default"] is False
    assert properties["codes"]["default"] == []
    # Depends on the medications list, so no single default can be written.
    assert "default" not in SCHEMA["properties"]["medications_status"]


# --- types ------------------------------------------------------------------------------------


def test_enums_match_the_model_enums() -> None:
    enums = model_enums()
    assert {"Sex", "DiagnosisStatus", "AllergiesStatus", "Zygosity"} <= {cls.__name__ for cls in enums}
    for cls in enums:
        assert SCHEMA["$defs"][cls.__name__]["enum"] == [member.value for member in cls], cls.__name__


def test_enum_fields_refer_to_their_enum() -> None:
    sex = SCHEMA["$defs"]["Person"]["properties"]["sex"]
    assert {"$ref": "#/$defs/Sex"} in sex["anyOf"]
    assert SCHEMA["$defs"]["Diagnosis"]["properties"]["status"]["$ref"] == "#/$defs/DiagnosisStatus"


def test_bad_enum_value_is_rejected() -> None:
    document = minimal()
    document["allergies_status"] = "none"  # "none-known" is the allergy spelling
    assert not validator().is_valid(document)


def test_optional_fields_accept_null_as_the_loader_does() -> None:
    assert SCHEMA["$defs"]["Person"]["properties"]["preferred_name"]["type"] == ["string", "null"]
    document = minimal()
    document["person"]["preferred_name"] = None
    document["person"]["sex"] = None
    assert validator().is_valid(document)
    assert rarepassport.from_dict(document).person.preferred_name is None


def test_fields_with_a_default_but_no_null_reject_null() -> None:
    document = minimal()
    document["language"] = None
    assert not validator().is_valid(document)


def test_lists_are_arrays_of_their_item_schema() -> None:
    diagnoses = SCHEMA["properties"]["diagnoses"]
    assert diagnoses["type"] == "array" and diagnoses["items"] == {"$ref": "#/$defs/Diagnosis"}


def test_full_dates_are_strings_in_date_format() -> None:
    # The date of birth is required, and null when it is not known.
    born = SCHEMA["$defs"]["Person"]["properties"]["date_of_birth"]
    assert born["anyOf"] == [{"$ref": "#/$defs/Date"}, {"type": "null"}]
    assert "date_of_birth" in SCHEMA["$defs"]["Person"]["required"]
    date = SCHEMA["$defs"]["Date"]
    assert date["type"] == "string" and date["format"] == "date"


@pytest.mark.parametrize("value", ["2016", "2016-05", "2016-05-14", "2016-02-29"])
def test_partial_dates_accept_year_month_or_day_precision(value: str) -> None:
    assert validator(SCHEMA["$defs"]["PartialDate"]).is_valid(value)


@pytest.mark.parametrize("value", ["2016-13", "2015-02-29", "0000", "16", "2016/05", "2016-05-14T00:00"])
def test_partial_dates_reject_what_the_loader_rejects(value: str) -> None:
    assert not validator(SCHEMA["$defs"]["PartialDate"]).is_valid(value)
    with pytest.raises(ValueError):
        rarepassport.PartialDate.parse(value)


def test_numbers_reject_booleans() -> None:
    document = minimal()
    document["person"]["weight"] = {"kg": True}
    assert not validator().is_valid(document)


# --- views -------------------------------------------------------------------------------------


def test_every_field_is_annotated_with_its_views() -> None:
    for cls in model_classes():
        definition = SCHEMA if cls is rarepassport.Passport else SCHEMA["$defs"][cls.__name__]
        for field in attrs.fields(cls):
            expected = [view.value for view in rarepassport.View if view in field_views(cls, field.name)]
            assert definition["properties"][field.name]["x-views"] == expected, f"{cls.__name__}.{field.name}"


def test_views_of_a_private_field_are_full_only() -> None:
    assert SCHEMA["$defs"]["Person"]["properties"]["address"]["x-views"] == ["full"]
    assert SCHEMA["$defs"]["Person"]["properties"]["sex"]["x-views"] == ["full", "emergency"]


# --- plugin sections ------------------------------------------------------------------------------


class Factor(str, enum.Enum):
    """A clotting factor."""

    VIII = "VIII"
    IX = "IX"


@attrs.frozen(kw_only=True)
class Infusion:
    """A planned infusion."""

    product: str = section_field("Factor concentrate.")
    units: int = section_field("International units.")


@attrs.frozen(kw_only=True)
class BleedingPlan:
    """What to do about a bleed."""

    factor: Factor = section_field("Missing factor.", views=("emergency",))
    infusions: tuple[Infusion, ...] = section_field("Planned infusions.", default=(), converter=tuple)
    last_bleed: rarepassport.PartialDate | None = section_field("Last major bleed.", default=None, views=())
    plan_date: _dt.date | None = section_field("When the plan was written.", default=None)


class BleedingPlanPlugin:
    __name__ = "bleeding-plan"

    @hookimpl
    def rarepassport_register_sections(self, sections: Any) -> None:
        sections.add("bleeding_plan", BleedingPlan, title="Bleeding plan", views=("emergency",),
                     description="What to do about a bleed.", applies_to=["ORPHA:98878"])


@pytest.fixture(scope="module")
def with_section() -> rarepassport.PluginManager:
    plugins = make_plugin_manager(entry_points=False, builtins=False, plugins=[BleedingPlanPlugin()])
    assert not plugins.failures
    return plugins


def test_registered_section_appears_under_extensions(with_section: rarepassport.PluginManager) -> None:
    extensions = json_schema(plugins=with_section)["properties"]["extensions"]
    section = extensions["properties"]["bleeding_plan"]
    assert section["$ref"] == "#/$defs/BleedingPlan"
    assert section["title"] == "Bleeding plan"
    assert section["description"] == "What to do about a bleed."
    assert section["x-views"] == ["full", "emergency"]
    assert section["x-plugin"] == "bleeding-plan"
    assert section["x-applies-to"] == ["ORPHA:98878"]


def test_section_class_is_derived_like_the_core(with_section: rarepassport.PluginManager) -> None:
    schema = json_schema(plugins=with_section)
    definition = schema["$defs"]["BleedingPlan"]
    assert definition["required"] == ["factor"]
    assert definition["additionalProperties"] is False
    assert definition["properties"]["factor"]["x-views"] == ["full", "emergency"]
    assert definition["properties"]["last_bleed"]["x-views"] == ["full"]
    assert schema["$defs"]["Factor"]["enum"] == ["VIII", "IX"]
    assert schema["$defs"]["Infusion"]["properties"]["units"]["type"] == "integer"


def test_section_data_is_checked_by_the_schema(with_section: rarepassport.PluginManager) -> None:
    check = validator(json_schema(plugins=with_section))
    plan = {"factor": "IX", "infusions": [{"product": "Fictional factor IX", "units": 500}]}
    good = {**minimal(), "extensions": {"bleeding_plan": plan}}
    assert check.is_valid(good)
    assert rarepassport.from_dict(good, plugins=with_section).extensions["bleeding_plan"].factor is Factor.IX
    bad = {**minimal(), "extensions": {"bleeding_plan": {"factor": "X"}}}
    assert not check.is_valid(bad)


def test_unknown_extension_is_rejected(with_section: rarepassport.PluginManager) -> None:
    document = {**minimal(), "extensions": {"fabry": {}}}
    assert not validator(json_schema(plugins=with_section)).is_valid(document)


def test_extensions_have_no_sections_without_plugins() -> None:
    plugins = make_plugin_manager(entry_points=False, builtins=False)
    extensions = json_schema(plugins=plugins)["properties"]["extensions"]
    assert extensions["properties"] == {} and extensions["additionalProperties"] is False


def test_schemas_differ_per_plugin_manager(with_section: rarepassport.PluginManager) -> None:
    plain = make_plugin_manager(entry_points=False, builtins=False)
    assert "bleeding_plan" not in json_schema(plugins=plain)["properties"]["extensions"]["properties"]
    assert "bleeding_plan" in json_schema(plugins=with_section)["properties"]["extensions"]["properties"]


def test_section_given_its_own_schema_uses_it() -> None:
    own = {"type": "object", "properties": {"factor": {"enum": ["VIII", "IX"]}}, "additionalProperties": False}

    class OwnSchemaPlugin:
        __name__ = "own-schema"

        @hookimpl
        def rarepassport_register_sections(self, sections: Any) -> None:
            sections.add("bleeding_plan", BleedingPlan, title="Bleeding plan", schema=own)

    plugins = make_plugin_manager(entry_points=False, builtins=False, plugins=[OwnSchemaPlugin()])
    section = json_schema(plugins=plugins)["properties"]["extensions"]["properties"]["bleeding_plan"]
    assert {key: section[key] for key in own} == own
    assert section["title"] == "Bleeding plan"


def _plugin_with_field(field_type: Any) -> Any:
    Odd = attrs.make_class("Odd", {"tags": section_field("Tags.", default=None, type=field_type)}, frozen=True)

    class OddPlugin:
        __name__ = "odd"

        @hookimpl
        def rarepassport_register_sections(self, sections: Any) -> None:
            sections.add("odd", Odd, title="Odd")

    return OddPlugin()


@pytest.mark.parametrize("field_type", [frozenset[str], str | int, None], ids=repr)
def test_section_field_without_a_json_type_is_refused_at_registration(field_type: Any) -> None:
    plugins = make_plugin_manager(entry_points=False, builtins=False, plugins=[_plugin_with_field(field_type)])
    [failure] = plugins.failures
    assert failure.plugin == "odd" and failure.hook == "rarepassport_register_sections"
    assert re.search(r"section 'odd' from plugin odd: field Odd\.tags", failure.message)
    assert "odd" not in plugins.sections
    assert "odd" not in json_schema(plugins=plugins)["properties"]["extensions"]["properties"]


def test_a_list_field_in_a_plugin_section_is_an_array_read_strictly() -> None:
    from rarepassport import LoadError, from_dict

    plugins = make_plugin_manager(entry_points=False, plugins=[_plugin_with_field(list[str] | None)])
    assert plugins.failures == []
    schema = json_schema(plugins=plugins)
    assert schema["properties"]["extensions"]["properties"]["odd"]["$ref"] == "#/$defs/Odd"
    tags = schema["$defs"]["Odd"]["properties"]["tags"]
    assert {"type": "array", "items": {"type": "string"}} in tags.get("anyOf", [tags])
    document = {"schema_version": "1.0", "person": {"name": "A", "date_of_birth": "2015-03-02"}}
    passport = from_dict({**document, "extensions": {"odd": {"tags": ["a", "b"]}}}, plugins=plugins)
    assert passport.extensions["odd"].tags == ["a", "b"]
    with pytest.raises(LoadError) as caught:
        from_dict({**document, "extensions": {"odd": {"tags": "ab"}}}, plugins=plugins)
    assert caught.value.problems[0].path == "$.extensions.odd.tags"


def test_builtin_condition_sections_are_present() -> None:
    sections = SCHEMA["properties"]["extensions"]["properties"]
    assert set(sections) == set(PLUGINS.sections.ids())
    assert sections  # the built-in condition plugins register some


# --- API and CLI -------------------------------------------------------------------------------------


def test_json_schema_returns_a_copy_each_time() -> None:
    first = json_schema(plugins=PLUGINS)
    first["properties"].clear()
    assert json_schema(plugins=PLUGINS) == SCHEMA


def test_json_schema_is_exported_at_the_top_level() -> None:
    assert "json_schema" in rarepassport.__all__
    assert rarepassport.json_schema is json_schema


def test_default_schema_uses_the_default_plugin_manager() -> None:
    assert json_schema() == json_schema(plugins=rarepassport.default_plugin_manager())


def test_cli_schema_writes_the_same_schema(tmp_path: Path) -> None:
    target = tmp_path / "passport.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json_schema(plugins=make_plugin_manager())


def test_cli_schema_prints_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == SCHEMA["$id"]


def test_building_the_schema_imports_no_validator() -> None:
    code = (
        "import sys, rarepassport\n"
        "rarepassport.json_schema()\n"
        "print(sorted(name for name in ('jsonschema', 'fpdf', 'segno') if name in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_docs_build_publishes_the_schema_at_the_address_its_id_names(tmp_path: Path) -> None:
    """The mkdocs hook writes the schema where ``$id`` points, on the built site."""
    import importlib.util
    from urllib.parse import urlsplit

    import jsonschema

    spec = importlib.util.spec_from_file_location("docs_hooks", Path(__file__).parents[1] / "docs" / "_hooks.py")
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    hooks.on_post_build({"site_dir": str(tmp_path)})
    expected = rarepassport.json_schema(plugins=rarepassport.make_plugin_manager(entry_points=False))
    published = tmp_path / urlsplit(expected["$id"]).path.lstrip("/")
    assert published.relative_to(tmp_path).parts[:2] == ("schema", expected["$id"].split("/")[-2])
    assert json.loads(published.read_text(encoding="utf-8")) == expected
    jsonschema.Draft202012Validator.check_schema(expected)
