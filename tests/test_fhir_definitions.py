"""Specification: rarepassport publishes every FHIR artefact its IPS bundles cite.

Each extension URL and each code or identifier system URL of ours that appears in an
exported bundle has a StructureDefinition, CodeSystem or NamingSystem in
``rarepassport.fhir.definitions()``, at the URL its documentation page has; every
other URL is one HL7 or the code system's owner publishes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.namingsystem import NamingSystem
from fhir.resources.R4B.structuredefinition import StructureDefinition

import rarepassport
from rarepassport.fhir import _common as c
from rarepassport.fhir import definitions, to_ips
from rarepassport.fhir._definitions import artefacts

DATA = Path(__file__).parent / "data" / "fhir"
EXAMPLES = Path(__file__).parent.parent / "examples"
TODAY = datetime.date(2026, 11, 27)
PASSPORTS = sorted([DATA / "rich_passport.json", *EXAMPLES.glob("*.json"), *(EXAMPLES / "conditions").glob("*.json")])
#: Systems published by others: HL7 (FHIR core and terminology), the code systems'
#: owners (SNOMED CT, LOINC, UCUM, ...), identifier authorities, and RFC 3986.
PUBLISHED_ELSEWHERE = (
    "http://hl7.org/fhir/", "http://terminology.hl7.org/", "urn:ietf:rfc:3986", "urn:ietf:bcp:47",
    *c.SYSTEM_URIS.values(), *c.IDENTIFIER_URIS.values(), c.UCUM,
    # HGNC gene ids, as HL7 Terminology's HGNC code system page and the Genomics Reporting IG name it.
    c.HGNC,
)


def urls(value: Any) -> Iterator[tuple[str, str]]:
    """(kind, url) of every extension, Coding/Identifier system and profile in a bundle."""
    if isinstance(value, dict):
        if isinstance(value.get("url"), str) and ("value" in "".join(value) or "extension" in value):
            yield "extension", value["url"]
        if isinstance(value.get("system"), str) and value["system"] not in ("phone", "email", "url"):
            yield "system", value["system"]
        for key, item in value.items():
            if key == "profile" and isinstance(item, list):
                yield from (("profile", profile) for profile in item)
            else:
                yield from urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from urls(item)


def codings(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        if isinstance(value.get("system"), str) and isinstance(value.get("code"), str):
            yield value["system"], value["code"]
        for item in value.values():
            yield from codings(item)
    elif isinstance(value, list):
        for item in value:
            yield from codings(item)


@pytest.fixture(scope="module")
def bundles() -> dict[str, dict[str, Any]]:
    return {path.name: to_ips(rarepassport.load(path), today=TODAY) for path in PASSPORTS}


def test_every_url_of_ours_in_every_exported_bundle_is_defined(bundles: dict[str, dict[str, Any]]) -> None:
    defined = definitions()
    missing = {(name, kind, url) for name, bundle in bundles.items() for kind, url in urls(bundle)
               if url.startswith(c.BASE) and url not in defined}
    assert missing == set()


def test_every_other_url_in_every_exported_bundle_is_published_elsewhere(bundles: dict[str, dict[str, Any]]) -> None:
    # A sub-extension's url is relative ("value"); a system the passport itself gives
    # (an identifier authority) is the passport's to vouch for.
    given = {path.name: path.read_text(encoding="utf-8") for path in PASSPORTS}
    unknown = {(name, kind, url) for name, bundle in bundles.items() for kind, url in urls(bundle)
               if ":" in url and not url.startswith(c.BASE) and not url.startswith(PUBLISHED_ELSEWHERE)
               and f'"{url}"' not in given[name]}
    assert unknown == set()


def test_the_exported_bundles_use_every_extension_we_define(bundles: dict[str, dict[str, Any]]) -> None:
    used = {url for bundle in bundles.values() for _, url in urls(bundle)}
    unused = {url for url in definitions() if url not in used}
    # Each artefact is there because the export writes it; one left unused is stale.
    assert unused <= {c.EXT + "sex", c.CONTACT_ROLE, c.EXT + "life-threatening", c.EXT + "undiagnosed"}


def test_every_code_of_our_code_systems_in_every_bundle_is_defined(bundles: dict[str, dict[str, Any]]) -> None:
    defined = {url: {concept["code"] for concept in resource.get("concept", [])}
               for url, resource in definitions().items() if resource["resourceType"] == "CodeSystem"}
    undefined = {(system, code) for bundle in bundles.values() for system, code in codings(bundle)
                 if system in defined and definitions()[system]["content"] == "complete"
                 and code not in defined[system]}
    assert undefined == set()


@pytest.mark.parametrize("artefact", artefacts(), ids=lambda artefact: artefact.url.rsplit("/", 1)[-1])
def test_every_definition_is_a_valid_fhir_resource(artefact: Any) -> None:
    model = {"StructureDefinition": StructureDefinition, "CodeSystem": CodeSystem,
             "NamingSystem": NamingSystem}[artefact.resource["resourceType"]]
    model.model_validate(artefact.resource)


@pytest.mark.parametrize("artefact", artefacts(), ids=lambda artefact: artefact.url.rsplit("/", 1)[-1])
def test_every_definition_is_documented_at_the_url_bundles_cite(artefact: Any) -> None:
    assert f"https://rarepassport.readthedocs.io/{artefact.page.removesuffix('.md')}" == artefact.url


def test_the_composition_and_resources_claim_the_ips_profiles(bundles: dict[str, dict[str, Any]]) -> None:
    bundle = bundles["rich_passport.json"]
    assert bundle["meta"]["profile"] == [c.IPS_PROFILES["Bundle"]]
    claimed = {e["resource"]["resourceType"]: e["resource"].get("meta", {}).get("profile")
               for e in bundle["entry"]}
    for kind in ("Composition", "Patient", "AllergyIntolerance", "Condition", "MedicationStatement", "Flag",
                 "DeviceUseStatement", "Procedure", "Immunization", "Practitioner", "PractitionerRole",
                 "Organization"):
        assert claimed[kind] == [c.IPS_PROFILES[kind]], kind


def _by_code(bundle: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation":
            found.setdefault(resource["code"]["coding"][0]["code"], []).append(resource)
    return found


def test_laboratory_results_claim_the_ips_results_profile_with_a_performer(
        bundles: dict[str, dict[str, Any]]) -> None:
    observations = _by_code(bundles["rich_passport.json"])
    results = [*observations["882-1"], *observations["69548-6"]]  # blood group, genetic variant
    assert len(results) == 2
    for result in results:
        assert result["meta"]["profile"] == [c.RESULTS_PROFILE]
        # The Results profile requires a performer; the passport does not say which
        # laboratory, so it is said to be unknown the way IPS allows for missing data.
        assert result["performer"] == [{"extension": [{"url": c.DAR_URL, "valueCode": "unknown"}]}]


def test_observations_claim_a_profile_only_for_what_they_are(bundles: dict[str, dict[str, Any]]) -> None:
    observations = _by_code(bundles["rich_passport.json"])
    [weight] = observations["29463-7"]
    assert weight["meta"]["profile"] == [c.BODY_WEIGHT_PROFILE]
    preferences = [o for group in observations.values() for o in group
                   if o["code"]["coding"][0]["system"] == c.CARE_PREFERENCE]
    assert preferences and all("meta" not in o for o in preferences)
    authors = [e["resource"] for e in bundles["minimal.json"]["entry"]
               if e["resource"]["resourceType"] == "Device"]
    software = [d for d in authors if d["deviceName"][0]["name"] == "rarepassport"]
    assert all("meta" not in d for d in software)


def test_the_docs_site_serves_every_artefact_at_the_path_of_the_url_bundles_cite() -> None:
    """What mkdocs writes for each artefact: its page at the URL's path, its JSON beside it.

    With directory URLs a page is written as ``<path>/index.html``, so the canonical URL
    (``…/fhir/StructureDefinition/time-critical``, no slash) resolves to it, and
    ``<path>.json`` is the definition itself for a machine to fetch.
    """
    import json
    from urllib.parse import urlsplit

    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    config = load_config(str(Path(__file__).parents[1] / "mkdocs.yml"))
    assert config.use_directory_urls
    files = {file.src_uri: file for file in config.plugins.on_files(Files([]), config=config)}
    for artefact in artefacts():
        path = urlsplit(artefact.url).path.lstrip("/")
        page = files[artefact.page]
        assert page.dest_uri == f"{path}/index.html"
        assert page.content_string is not None and f"`{artefact.url}`" in page.content_string
        definition = files[f"{path}.json"]
        assert definition.dest_uri == f"{path}.json"
        assert json.loads(definition.content_string) == artefact.resource
