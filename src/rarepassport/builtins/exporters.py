"""Built-in plugin: registers the ``fhir-ips`` and ``phenopacket`` exporters."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rarepassport.hookspecs import hookimpl

if TYPE_CHECKING:
    from rarepassport.model import Passport
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import ExporterRegistry


def _json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_fhir_ips(passport: Passport, *, plugins: PluginManager, **options: Any) -> bytes:
    """The passport as an IPS document Bundle, JSON bytes (see [`rarepassport.fhir.to_ips`][rarepassport.to_ips])."""
    from rarepassport.fhir._export import to_ips  # lazy: exporters load when used

    return _json_bytes(to_ips(passport, plugins=plugins, **options))


def export_phenopacket(passport: Passport, *, plugins: PluginManager | None = None, **options: Any) -> bytes:
    """The passport as a GA4GH Phenopacket v2, JSON bytes (see
    [`rarepassport.phenopacket.to_phenopacket`][rarepassport.phenopacket])."""
    from rarepassport.phenopacket import to_phenopacket  # lazy: exporters load when used

    return _json_bytes(to_phenopacket(passport, plugins=plugins, **options))


@hookimpl
def rarepassport_register_exporters(exporters: ExporterRegistry) -> None:
    """Register the FHIR IPS and Phenopacket exporters."""
    exporters.add("fhir-ips", export_fhir_ips, media_type="application/fhir+json", suffix=".json",
                  description="HL7 FHIR R4 International Patient Summary document (Bundle)")
    exporters.add("phenopacket", export_phenopacket, media_type="application/json", suffix=".json",
                  description="GA4GH Phenopacket v2: phenotype, diseases and genetic findings")
