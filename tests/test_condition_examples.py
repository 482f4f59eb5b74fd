"""Every built-in condition plugin's example passport, through real files and outputs."""

from __future__ import annotations

import html

import jsonschema
import pytest

import rarepassport as rp
from helpers.conditions import EXAMPLES, TODAY, ConditionExample, read_json
from rarepassport import json_schema
from rarepassport.testing import pdf_text, plugin_manager_with, round_trip

by_file = pytest.mark.parametrize("example", EXAMPLES, ids=[e.file.removesuffix(".json") for e in EXAMPLES])


@pytest.fixture(scope="module")
def plugins() -> rp.PluginManager:
    return plugin_manager_with()


@by_file
def test_example_round_trips_losslessly(example: ConditionExample, plugins: rp.PluginManager) -> None:
    passport = rp.load(example.path, plugins=plugins)
    assert round_trip(passport, plugins=plugins) == passport
    assert rp.to_dict(passport, plugins=plugins)["extensions"] == read_json(example.path)["extensions"]


@by_file
def test_example_file_is_written_in_canonical_form(example: ConditionExample, plugins: rp.PluginManager) -> None:
    # The example shows exactly what rarepassport writes, like the top-level examples.
    written = rp.dumps(rp.load(example.path, plugins=plugins), plugins=plugins)
    assert written == example.path.read_text(encoding="utf-8")


@by_file
def test_example_has_no_issues_at_all(example: ConditionExample, plugins: rp.PluginManager) -> None:
    assert list(rp.validate(example.path, plugins=plugins, today=TODAY)) == []


@by_file
def test_example_conforms_to_the_json_schema(example: ConditionExample, plugins: rp.PluginManager) -> None:
    jsonschema.validate(read_json(example.path), json_schema(plugins=plugins))


@by_file
@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_own_protocol_comes_before_guidance_in_text_output(
    example: ConditionExample, fmt: str, plugins: rp.PluginManager
) -> None:
    passport = rp.load(example.path, plugins=plugins)
    text = html.unescape(rp.render(passport, format=fmt, plugins=plugins, today=TODAY).decode("utf-8"))
    own, general = text.find(example.own_protocol), text.find(example.guidance_title)
    assert -1 < own < general
    assert example.source in text


@by_file
def test_pdf_shows_own_protocol_then_guidance(example: ConditionExample, plugins: rp.PluginManager) -> None:
    passport = rp.load(example.path, plugins=plugins)
    words = " ".join(pdf_text(rp.render(passport, format="pdf", plugins=plugins, today=TODAY)).split())
    own, general = words.find(example.own_protocol), words.find(example.guidance_title)
    assert -1 < own < general
    assert example.pdf_detail in words
