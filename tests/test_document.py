"""The layout-neutral document (``rarepassport.document``): what layout makes and every backend draws.

Specification: the module and class docstrings: six block types are all a backend needs
to draw any passport; a document's fixed phrases come from layout, keyed by label id;
a misspelt placeholder in a translation never stops a rendering.
"""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

import rarepassport
from rarepassport import Document, View
from rarepassport.document import Alert, AlertLevel, Block, Field, Heading, ListBlock, Paragraph, Section, Table

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _document(**changes: typing.Any) -> Document:
    values: dict[str, typing.Any] = {
        "title": "Rare disease passport: Ada Example", "language": "en", "view": View.FULL,
        "person_name": "Ada Example", "date_of_birth": "2 March 2015",
        "sections": [Section(id="emergency", title="Emergency", blocks=[Paragraph(text="Call 999")], emergency=True),
                     Section(id="extensions.x", title="X", blocks=[], plugin="x-plugin")],
        "phrases": {"phrase.page_of": "Page {page} of {pages}", "phrase.scan": "Scan me"},
    }
    return Document(**{**values, **changes})


def test_a_phrase_is_found_with_or_without_its_prefix_and_filled_in() -> None:
    document = _document()
    assert document.phrase("scan") == document.phrase("phrase.scan") == "Scan me"
    assert document.phrase("page_of", page=1, pages=3) == "Page 1 of 3"


def test_a_phrase_layout_did_not_give_is_its_id_so_a_gap_is_visible() -> None:
    assert _document().phrase("nowhere") == "phrase.nowhere"


@pytest.mark.parametrize("text", ["Page {pgae} of {pages}", "Page {0} of {pages}", "Page {page of {pages}"])
def test_a_misspelt_placeholder_still_gives_the_text_and_the_values(text: str) -> None:
    document = _document(phrases={"phrase.page_of": text})
    assert document.phrase("page_of", page=1, pages=3) == f"{text} (1, 3)"


def test_a_section_is_found_by_id() -> None:
    document = _document()
    emergency = document.section("emergency")
    assert emergency is not None and emergency.emergency and emergency.title == "Emergency"
    plugin_section = document.section("extensions.x")
    assert plugin_section is not None and plugin_section.plugin == "x-plugin"
    assert document.section("allergies") is None


def test_blocks_keep_any_iterable_as_tuples_so_a_document_is_immutable_and_hashable() -> None:
    table = Table(columns=iter(["Medicine", "Dose"]), rows=[["Hydrocortisone", "10 mg"]], emphasis_rows=[0, 0])
    assert table.columns == ("Medicine", "Dose") and table.rows == (("Hydrocortisone", "10 mg"),)
    assert table.emphasis_rows == frozenset({0})
    assert ListBlock(items=(i for i in "ab")).items == ("a", "b")
    document = _document(warnings=["Review overdue"])
    assert document.warnings == ("Review overdue",) and isinstance(document.sections, tuple)
    assert hash(document) == hash(_document(warnings=("Review overdue",)))  # phrases (a dict) are left out


def test_defaults_are_the_quiet_ones() -> None:
    assert Alert(text="Avoid").level is AlertLevel.WARNING
    assert Heading(text="Steps").level == 3
    assert (Field(label="Name", value="Ada").emphasis, ListBlock(items=["a"]).ordered) == (False, False)
    assert _document().direction == "ltr" and _document().content_language is None
    assert [level.value for level in AlertLevel] == ["critical", "warning", "info"]


def test_blocks_are_given_by_keyword_only() -> None:
    with pytest.raises(TypeError):
        Paragraph("text")  # type: ignore[misc]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda path: path.name)
def test_every_laid_out_example_uses_only_the_six_block_types(path: Path) -> None:
    """What a backend author relies on: a backend that draws these six draws any passport."""
    six = typing.get_args(Block)
    assert len(six) == 6
    for view in View:
        document = rarepassport.layout(rarepassport.load(path), view=view)
        ids = [section.id for section in document.sections]
        assert len(ids) == len(set(ids)), ids
        for section in document.sections:
            assert section.title, section.id
            for block in section.blocks:
                assert isinstance(block, six), (section.id, type(block))
