"""Signed checks through FHIR: each attestation is a Provenance, and comes back on import.

Specification (issue 14, signed checks carried by FHIR): the IPS export writes each
attestation as a ``Provenance`` (target: the Composition and the entries of the sections
reviewed; agent: the signer with name, role and organisation; recorded: the day of the
check; ``signature``: the JWS, ``sigFormat`` application/jose). ``signature.data`` is the
JWS in compact form with its payload, which an independent JOSE implementation
(jwcrypto) verifies with the signer's public key. Import reads the attestation back
unchanged, so ``verify`` on the imported passport says exactly what it says of
``ips_subset(passport)``: a check verifies after the trip when FHIR carried every section
it covers unchanged, and is ``modified`` naming the sections otherwise. The whole trip is
run through files with the real program. Bundles are checked by fhir.resources here and by
the R4 JSON Schema and the IPS invariants in tests/test_fhir_independent.py.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from jwcrypto import jwk, jws

import rarepassport
from rarepassport.fhir import from_ips, ips_subset, not_carried, to_ips

ROOT = Path(__file__).resolve().parents[1]
RICH = ROOT / "tests" / "data" / "fhir" / "rich_passport.json"
EXAMPLE = ROOT / "examples" / "child-several-diagnoses.json"
TODAY = datetime.date(2026, 11, 27)
DAY = datetime.date(2026, 11, 20)


@pytest.fixture(scope="module")
def key() -> tuple[bytes, dict[str, str]]:
    return rarepassport.generate_key()


def _signed(path: Path, key: tuple[bytes, dict[str, str]], *scopes: list[str]) -> rarepassport.Passport:
    passport = rarepassport.load(path)
    for scope in scopes:
        passport = rarepassport.sign(passport, key[0], name="Dr Amina Rahman", role="consultant",
                                     organisation="Anytown Hospital", sections=scope, reviewed_on=DAY)
    return passport


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]


def _by_url(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


def test_each_attestation_is_a_provenance_with_signer_time_targets_and_jws(key: Any) -> None:
    passport = _signed(RICH, key, ["emergency.protocols"], [])
    bundle = to_ips(passport, today=TODAY)
    Bundle.model_validate(bundle)
    provenances = _resources(bundle, "Provenance")
    assert len(provenances) == 2
    by_url = _by_url(bundle)
    composition_url = bundle["entry"][0]["fullUrl"]
    plans = {entry["fullUrl"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == "CarePlan"}
    protocols, whole = provenances
    # Targets: the Composition, and for a section the entries of the IPS section carrying it.
    assert protocols["target"][0] == {"reference": composition_url}
    assert {t["reference"] for t in protocols["target"][1:]} == plans and plans
    assert whole["target"] == [{"reference": composition_url}]
    for provenance in provenances:
        assert provenance["recorded"] == "2026-11-20T00:00:00Z" and provenance["occurredDateTime"] == "2026-11-20"
        [agent] = provenance["agent"]
        assert agent["type"]["coding"][0]["code"] == "attester"
        role = by_url[agent["who"]["reference"]]
        assert role["resourceType"] == "PractitionerRole" and role["code"] == [{"text": "consultant"}]
        assert by_url[role["practitioner"]["reference"]]["name"] == [{"text": "Dr Amina Rahman"}]
        assert by_url[role["organization"]["reference"]]["name"] == "Anytown Hospital"
        [signature] = provenance["signature"]
        assert (signature["sigFormat"], signature["targetFormat"]) == ("application/jose", "application/json")
        assert signature["type"][0] == {"system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.5",
                                        "display": "Verification Signature"}
        assert signature["who"] == agent["who"] and signature["when"] == provenance["recorded"]
        assert "Dr Amina Rahman" in provenance["text"]["div"]


def test_the_jws_in_the_provenance_verifies_with_an_independent_jose_library(key: Any) -> None:
    passport = _signed(RICH, key, ["medications"])
    [provenance] = _resources(to_ips(passport, today=TODAY), "Provenance")
    compact = base64.b64decode(provenance["signature"][0]["data"]).decode("ascii")
    token = jws.JWS()
    token.deserialize(compact)
    token.verify(jwk.JWK(**key[1]))  # raises unless the signature is valid for this key
    payload = json.loads(token.payload)
    record = rarepassport.to_dict(passport)["attestations"][0]
    assert payload == {name: value for name, value in record.items() if name != "signature"}
    assert payload["scope"] == ["$.medications"] and payload["signer"]["name"] == "Dr Amina Rahman"
    # Another key does not verify it: the check is not vacuous.
    with pytest.raises(jws.InvalidJWSSignature):
        token.verify(jwk.JWK(**rarepassport.generate_key()[1]))


def test_import_gives_the_attestations_back_and_verify_says_what_it_says_of_the_ips_subset(key: Any) -> None:
    scopes = [["emergency.protocols"], ["medications"], ["allergies"], ["person"], ["diagnoses"], ["emergency"], []]
    passport = _signed(EXAMPLE, key, *scopes)
    keyring = rarepassport.Keyring(keys={key[1]["kid"]: key[1]})
    result = from_ips(to_ips(passport, today=TODAY))
    assert result.passport.attestations == passport.attestations
    assert result.passport == ips_subset(passport)
    assert "attestations" not in not_carried(passport)
    # Not one of the check's resources is reported as not imported.
    assert not [u for u in result.unmapped if "Provenance" in u.reason or "PractitionerRole" in u.reason]
    after = rarepassport.verify(result.passport, keyring)
    expected = rarepassport.verify(ips_subset(passport), keyring)
    assert [(c.status, c.changed) for c in after.checks] == [(c.status, c.changed) for c in expected.checks]
    statuses = dict(zip([tuple(s) for s in scopes], [(c.status.value, c.changed) for c in after.checks],
                        strict=True))
    # FHIR carries these sections as they are: their checks still verify.
    for scope in (("emergency.protocols",), ("medications",), ("allergies",), ("person",)):
        assert statuses[scope] == ("trusted", ()), scope
    # It does not carry diagnoses' links or emergency.previous, nor (so) the whole passport:
    # those checks are reported modified, naming the sections, never trusted.
    assert statuses[("diagnoses",)] == ("modified", ("$.diagnoses",))
    assert statuses[("emergency",)] == ("modified", ("$.emergency",))
    assert statuses[()][0] == "modified" and "$.links" in statuses[()][1]


def test_a_damaged_or_foreign_provenance_signature_is_reported_not_imported(key: Any) -> None:
    bundle = to_ips(_signed(RICH, key, ["medications"]), today=TODAY)
    [provenance] = _resources(bundle, "Provenance")
    provenance["signature"][0]["data"] = base64.b64encode(b"not a JWS").decode("ascii")
    result = from_ips(bundle)
    assert result.passport.attestations == ()
    assert any(u.path.endswith(".signature[0].data") and "not imported" in u.reason for u in result.unmapped)
    # A Provenance of another system (no JOSE signature) is listed as not imported, as before.
    provenance["signature"][0]["sigFormat"] = "application/signature+xml"
    result = from_ips(bundle)
    assert result.passport.attestations == ()
    assert any("Provenance was not imported" in u.reason for u in result.unmapped)


def test_a_forged_signature_imports_and_verifies_as_malformed(key: Any) -> None:
    bundle = to_ips(_signed(RICH, key, ["medications"]), today=TODAY)
    [provenance] = _resources(bundle, "Provenance")
    header, payload, signature = base64.b64decode(provenance["signature"][0]["data"]).decode().split(".")
    record = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    record["signer"]["name"] = "Dr Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(record).encode()).rstrip(b"=").decode()
    provenance["signature"][0]["data"] = base64.b64encode(f"{header}.{forged}.{signature}".encode()).decode()
    imported = from_ips(bundle).passport
    keyring = rarepassport.Keyring(keys={key[1]["kid"]: key[1]})
    assert rarepassport.verify(imported, keyring).status is rarepassport.TrustStatus.MALFORMED


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "rarepassport", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300, stdin=subprocess.DEVNULL)


def test_sign_export_import_verify_through_files(tmp_path: Path) -> None:
    assert run("keygen", "--out", tmp_path / "clinic").returncode == 0
    passport = tmp_path / "passport.json"
    passport.write_bytes(EXAMPLE.read_bytes())
    signed = run("sign", passport, "--key", tmp_path / "clinic", "--name", "Dr Amina Rahman", "--role", "consultant",
                 "--organisation", "Anytown Hospital", "--section", "emergency.protocols",
                 "--reviewed-on", "2026-11-20")
    assert signed.returncode == 0, signed.stderr
    exported = run("export", "fhir", passport, "-o", tmp_path / "bundle.json")
    assert exported.returncode == 0, exported.stderr
    assert "attestations" not in exported.stderr  # no longer listed as left out
    assert _resources(json.loads((tmp_path / "bundle.json").read_text()), "Provenance")
    imported = run("import", "fhir", tmp_path / "bundle.json", "-o", tmp_path / "back.json")
    assert imported.returncode == 0, imported.stderr
    checked = run("verify", tmp_path / "back.json", "--trust", tmp_path / "clinic.pub.jwk")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "$.attestations[0]: trusted" in checked.stdout


def test_a_check_whose_signature_is_no_jws_is_left_out_and_listed(key: Any) -> None:
    import attrs

    passport = _signed(RICH, key, ["medications"], ["allergies"])
    broken = attrs.evolve(passport.attestations[0], signature="not a JWS. at all…")
    passport = attrs.evolve(passport, attestations=(broken, passport.attestations[1]))
    bundle = to_ips(passport, today=TODAY)
    assert len(_resources(bundle, "Provenance")) == 1
    assert "attestations" in not_carried(passport)
    assert ips_subset(passport).attestations == (passport.attestations[1],)
    assert from_ips(bundle).passport == ips_subset(passport)


def test_a_check_travels_through_bulk_data_ndjson_with_its_patient(key: Any) -> None:
    from rarepassport.fhir import bulk_patient_bundles, bulk_resources

    signed = _signed(RICH, key, ["medications"])
    other = rarepassport.load(EXAMPLE)
    resources = [*bulk_resources(to_ips(signed, today=TODAY)), *bulk_resources(to_ips(other, today=TODAY))]
    groups, left = bulk_patient_bundles(resources)
    assert left == {} and len(groups) == 2
    imported = [from_ips(group.bundle).passport for group in groups if group.bundle is not None]
    assert [p.attestations for p in imported] == [signed.attestations, ()]
    keyring = rarepassport.Keyring(keys={key[1]["kid"]: key[1]})
    assert rarepassport.verify(imported[0], keyring).status is rarepassport.TrustStatus.TRUSTED
