"""Professional attestation (issue 14, point 1): rarepassport.sign and rarepassport.verify.

Specification: a JWS (EdDSA or ES256) with a detached payload over the RFC 8785 canonical
JSON of an attestation that holds a SHA-256 digest of each section it covers; the
signature lives in the passport file and survives load/dump; verification answers
exactly one of trusted, untrusted, modified (naming the sections) or malformed. An
independent JOSE implementation (jwcrypto) checks what this library signs.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import rarepassport as rp

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "child-several-diagnoses.json"
WITH_PLUGIN = ROOT / "examples" / "conditions" / "adrenal-insufficiency.json"
CHECKED = datetime.date(2026, 11, 20)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An Ed25519 and a P-256 key, each as PEM bytes and a public JWK file."""
    folder = tmp_path_factory.mktemp("keys")
    made: dict[str, Any] = {}
    for name, algorithm in (("ed", "EdDSA"), ("ec", "ES256"), ("other", "EdDSA")):
        pem, jwk = rp.generate_key(algorithm)  # type: ignore[arg-type]
        public = folder / f"{name}.pub.jwk"
        public.write_text(json.dumps(jwk))
        made[name] = {"pem": pem, "jwk": jwk, "public": public}
    return made


@pytest.fixture(scope="module")
def passport() -> rp.Passport:
    return rp.load(EXAMPLE)


def _sign(passport: rp.Passport, key: dict[str, Any], **kwargs: Any) -> rp.Passport:
    values: dict[str, Any] = {"name": "Dr Amina Rahman", "role": "consultant", "organisation": "Anytown Hospital",
                              "reviewed_on": CHECKED}
    values.update(kwargs)
    return rp.sign(passport, key["pem"], **values)


def _trusting(*keys: dict[str, Any]) -> rp.Keyring:
    return rp.load_keyring([key["public"] for key in keys])


def _edit(passport: rp.Passport, change: Any) -> rp.Passport:
    data = rp.to_dict(passport)
    change(data)
    return rp.from_dict(data)


def _strings(value: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every text in a JSON value, depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    found: list[tuple[Any, Any]] = []
    for key, item in items:
        if isinstance(item, str):
            found.append((value, key))
        else:
            found += _strings(item)
    return found


def _tampered(passport: rp.Passport, section: str) -> rp.Passport:
    """The passport with one text of one section changed (the first change that still loads)."""
    data = rp.to_dict(passport)
    value = data[section]
    if section in ("medications_status", "allergies_status"):
        data[section] = "unknown" if value != "unknown" else "listed"
        return rp.from_dict(data)
    if section == "language":
        data[section] = "fr" if value != "fr" else "de"
        return rp.from_dict(data)
    if isinstance(value, str):
        data[section] = value + "-edited"
        return rp.from_dict(data)
    for container, key in _strings(value):
        before = container[key]
        container[key] = before + " (edited)"
        try:
            return rp.from_dict(data)
        except rp.LoadError:  # a closed list of values or a format (a date, a code): try the next text
            container[key] = before
    raise AssertionError(f"no text in {section} can be edited")


def _tamper(data: dict[str, Any], section: str) -> None:
    edited = rp.to_dict(_tampered(rp.from_dict(dict(data)), section))
    data.clear()
    data.update(edited)


# --- survives load and dump -------------------------------------------------------------------


def test_a_signed_passport_survives_dump_and_load_unchanged(passport: rp.Passport, keys: dict[str, Any],
                                                            tmp_path: Path) -> None:
    signed = _sign(passport, keys["ed"], sections=["emergency.protocols"], reviewed="Protocol against clinic letter")
    path = tmp_path / "signed.json"
    rp.dump(signed, path)
    again = rp.load(path)
    assert again == signed
    assert json.loads(path.read_text())["attestations"][0]["scope"] == ["$.emergency.protocols"]
    assert rp.verify(again, _trusting(keys["ed"])).status is rp.TrustStatus.TRUSTED


def test_the_schema_describes_attestations_and_accepts_a_signed_passport(passport: rp.Passport,
                                                                          keys: dict[str, Any]) -> None:
    import jsonschema

    schema = rp.json_schema()
    assert "attestations" in schema["properties"]
    jsonschema.validate(rp.to_dict(_sign(passport, keys["ed"])), schema)


def test_signing_changes_nothing_but_the_attestations(passport: rp.Passport, keys: dict[str, Any]) -> None:
    signed = _sign(passport, keys["ed"])
    assert attrs.evolve(signed, attestations=()) == passport


# --- the four answers --------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["ed", "ec"])
def test_a_valid_signature_by_a_trusted_key_is_trusted(passport: rp.Passport, keys: dict[str, Any], key: str) -> None:
    result = rp.verify(_sign(passport, keys[key]), _trusting(keys[key]))
    assert [check.status for check in result.checks] == [rp.TrustStatus.TRUSTED]
    assert result.ok


def test_a_valid_signature_is_untrusted_without_the_signers_key(passport: rp.Passport, keys: dict[str, Any]) -> None:
    signed = _sign(passport, keys["ed"])
    for keyring in (None, _trusting(keys["other"])):
        check = rp.verify(signed, keyring).checks[0]
        assert check.status is rp.TrustStatus.UNTRUSTED and not check.revoked


def test_a_revoked_key_is_untrusted_even_when_listed_as_trusted(passport: rp.Passport, keys: dict[str, Any],
                                                                 tmp_path: Path) -> None:
    revoked = tmp_path / "revoked.json"
    revoked.write_text(json.dumps({"revoked": [{"key_id": keys["ed"]["jwk"]["kid"], "revoked_on": "2026-11-30",
                                                "reason": "laptop stolen"}]}))
    keyring = rp.load_keyring([keys["ed"]["public"]], [revoked])
    check = rp.verify(_sign(passport, keys["ed"]), keyring).checks[0]
    assert check.status is rp.TrustStatus.UNTRUSTED
    assert check.revoked


@pytest.mark.parametrize(
    ("window", "trusted"),
    [
        ({"valid_until": "2026-11-19"}, False),  # signed on the 20th, the day after the key expired
        ({"valid_until": "2026-11-20"}, True),  # the last day is included
        ({"valid_from": "2026-11-21"}, False),  # signed before the key was valid
        ({"valid_from": "2026-01-01", "valid_until": "2027-12-31"}, True),
    ],
)
def test_a_check_signed_outside_the_keys_validity_is_untrusted(
    passport: rp.Passport, keys: dict[str, Any], tmp_path: Path, window: dict[str, str], trusted: bool
) -> None:
    public = tmp_path / "dated.pub.jwk"
    public.write_text(json.dumps({**keys["ed"]["jwk"], **window}))
    check = rp.verify(_sign(passport, keys["ed"]), rp.load_keyring([public])).checks[0]
    assert check.status is (rp.TrustStatus.TRUSTED if trusted else rp.TrustStatus.UNTRUSTED)
    assert check.expired is not trusted and not check.revoked


@pytest.mark.parametrize("window", [{"valid_until": "soon"}, {"valid_from": "2027-01-01", "valid_until": "2026-01-01"}])
def test_a_key_validity_that_is_not_a_date_range_is_refused_naming_it(
    keys: dict[str, Any], tmp_path: Path, window: dict[str, str]
) -> None:
    public = tmp_path / "bad.pub.jwk"
    public.write_text(json.dumps({**keys["ed"]["jwk"], **window}))
    with pytest.raises(rp.SigningError, match=r"bad\.pub\.jwk: \$"):
        rp.load_keyring([public])


def _sections(passport: rp.Passport) -> list[str]:
    return [name for name in rp.to_dict(passport) if name not in ("schema_version", "attestations")]


@pytest.mark.parametrize("example", [EXAMPLE, WITH_PLUGIN], ids=lambda path: path.name)
def test_editing_any_section_after_a_whole_passport_signature_names_that_section(example: Path,
                                                                                  keys: dict[str, Any]) -> None:
    signed = _sign(rp.load(example), keys["ed"])
    keyring = _trusting(keys["ed"])
    sections = _sections(signed)
    assert {"person", "emergency", "medications", "review"} <= set(sections)
    if example == WITH_PLUGIN:
        assert "extensions" in sections
    for section in sections:
        check = rp.verify(_tampered(signed, section), keyring).checks[0]
        assert check.status is rp.TrustStatus.MODIFIED, section
        assert check.changed == (f"$.{section}",), section


def test_a_section_added_after_signing_is_named(passport: rp.Passport, keys: dict[str, Any]) -> None:
    signed = _sign(attrs.evolve(passport, devices=()), keys["ed"])
    edited = attrs.evolve(signed, devices=(rp.Device(name="Gastrostomy button"),))
    assert rp.verify(edited, _trusting(keys["ed"])).checks[0].changed == ("$.devices",)


def test_a_section_signature_covers_its_sections_only(passport: rp.Passport, keys: dict[str, Any]) -> None:
    signed = _sign(passport, keys["ed"], sections=["emergency.protocols", "$.medications"])
    keyring = _trusting(keys["ed"])
    elsewhere = _edit(signed, lambda data: _tamper(data, "allergies"))
    assert rp.verify(elsewhere, keyring).status is rp.TrustStatus.TRUSTED
    summary = _edit(signed, lambda data: data["emergency"].update(summary="edited"))
    assert rp.verify(summary, keyring).status is rp.TrustStatus.TRUSTED
    protocols = _edit(signed, lambda data: data["emergency"]["protocols"][0]["steps"].append("Give more"))
    check = rp.verify(protocols, keyring).checks[0]
    assert (check.status, check.changed) == (rp.TrustStatus.MODIFIED, ("$.emergency.protocols",))
    removed = attrs.evolve(signed, medications=())
    assert rp.verify(removed, keyring).checks[0].changed == ("$.medications",)


def test_a_signature_made_with_another_key_is_malformed(passport: rp.Passport, keys: dict[str, Any]) -> None:
    genuine = _sign(passport, keys["ed"]).attestations[0]
    forged = _sign(passport, keys["other"]).attestations[0]
    swapped = attrs.evolve(genuine, signature=forged.signature)
    check = rp.verify(attrs.evolve(passport, attestations=(swapped,)), _trusting(keys["ed"])).checks[0]
    assert check.status is rp.TrustStatus.MALFORMED


def test_a_forger_re_signing_with_their_own_key_is_not_trusted(passport: rp.Passport, keys: dict[str, Any]) -> None:
    edited = _edit(passport, lambda data: data["emergency"]["protocols"][0]["steps"].append("Give 10 times the dose"))
    forged = _sign(edited, keys["other"], name="Dr Amina Rahman")
    assert rp.verify(forged, _trusting(keys["ed"])).status is rp.TrustStatus.UNTRUSTED


@pytest.mark.parametrize(
    "change",
    [
        {"signer": {"name": "Dr Someone Else", "role": "consultant", "organisation": "Anytown Hospital"}},
        {"reviewed_on": "2026-12-31"},
        {"scope": ["$.medications"], "digests": []},
        {"reviewed": "Everything"},
    ],
    ids=["signer", "reviewed_on", "scope", "reviewed"],
)
def test_editing_the_attestation_itself_is_malformed(passport: rp.Passport, keys: dict[str, Any],
                                                     change: dict[str, Any]) -> None:
    signed = _sign(passport, keys["ed"], sections=["emergency.protocols"])

    def edit(data: dict[str, Any]) -> None:
        record = data["attestations"][0]
        if "digests" in change:
            record["digests"] = [{"path": "$.medications", "digest": record["digests"][0]["digest"]}]
        record.update({k: v for k, v in change.items() if k != "digests"})

    assert rp.verify(_edit(signed, edit), _trusting(keys["ed"])).status is rp.TrustStatus.MALFORMED


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "signature",
    [
        "not a signature",
        "",
        "a.b.c",
        _b64(b'{"alg":"none"}') + "..",
        _b64(b'{"alg":"HS256"}') + ".." + _b64(b"x" * 32),
        _b64(b"[1,2]") + ".." + _b64(b"x" * 64),
        _b64(b"\xff\xfe") + ".." + _b64(b"x" * 64),
        "!!!..???",
    ],
    ids=["text", "empty", "attached", "alg-none", "hs256", "header-list", "header-bytes", "not-base64"],
)
def test_a_damaged_signature_is_malformed_never_an_exception(passport: rp.Passport, keys: dict[str, Any],
                                                             signature: str) -> None:
    signed = _sign(passport, keys["ed"])
    damaged = attrs.evolve(signed.attestations[0], signature=signature)
    check = rp.verify(attrs.evolve(signed, attestations=(damaged,)), _trusting(keys["ed"])).checks[0]
    assert check.status is rp.TrustStatus.MALFORMED
    assert check.reason


def test_header_tricks_are_malformed(passport: rp.Passport, keys: dict[str, Any]) -> None:
    signed = _sign(passport, keys["ed"])
    attestation = signed.attestations[0]
    header, _, value = attestation.signature.split(".")
    original = json.loads(base64.urlsafe_b64decode(header + "=="))
    for extra in ({"crit": ["exp"], "exp": 1}, {"b64": False, "crit": ["b64"]}, {"alg": "ES256"},
                  {"kid": keys["other"]["jwk"]["kid"]}):
        tricked = attrs.evolve(attestation, signature=f"{_b64(json.dumps({**original, **extra}).encode())}..{value}")
        check = rp.verify(attrs.evolve(signed, attestations=(tricked,)), _trusting(keys["ed"])).checks[0]
        assert check.status is rp.TrustStatus.MALFORMED, extra


def test_a_truncated_signature_is_malformed(passport: rp.Passport, keys: dict[str, Any]) -> None:
    signed = _sign(passport, keys["ec"])
    attestation = signed.attestations[0]
    truncated = attrs.evolve(attestation, signature=attestation.signature[:-8])
    assert rp.verify(attrs.evolve(signed, attestations=(truncated,)), _trusting(keys["ec"])).status is (
        rp.TrustStatus.MALFORMED
    )


def test_the_worst_attestation_decides_the_overall_status(passport: rp.Passport, keys: dict[str, Any]) -> None:
    both = _sign(_sign(passport, keys["ed"], sections=["medications"]), keys["other"], sections=["allergies"])
    result = rp.verify(both, _trusting(keys["ed"]))
    assert [check.status for check in result.checks] == [rp.TrustStatus.TRUSTED, rp.TrustStatus.UNTRUSTED]
    assert result.status is rp.TrustStatus.UNTRUSTED and not result.ok
    assert rp.verify(passport).status is None and not rp.verify(passport).ok


# --- an independent implementation checks what we sign --------------------------------------------


def _jcs_without_numbers(value: Any) -> bytes:
    # RFC 8785 for JSON without numbers is sorted keys, no whitespace, UTF-8: an
    # independent canonical form for what an attestation holds (text, lists, objects).
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("key", ["ed", "ec"])
def test_jwcrypto_verifies_the_detached_jws_and_the_section_digest(passport: rp.Passport, keys: dict[str, Any],
                                                                   key: str) -> None:
    from jwcrypto import jwk, jws

    signed = _sign(passport, keys[key], sections=["emergency.protocols"])
    record = rp.to_dict(signed)["attestations"][0]
    payload = _jcs_without_numbers({name: value for name, value in record.items() if name != "signature"})
    token = jws.JWS()
    token.deserialize(record["signature"])
    public = jwk.JWK(**{name: value for name, value in record["public_key"].items()})
    token.verify(public, alg="EdDSA" if key == "ed" else "ES256", detached_payload=payload)
    assert public.thumbprint() == record["key_id"] == keys[key]["jwk"]["kid"]
    protocols = rp.to_dict(signed)["emergency"]["protocols"]
    digest = "sha-256:" + hashlib.sha256(_jcs_without_numbers(protocols)).hexdigest()
    assert record["digests"] == [{"path": "$.emergency.protocols", "digest": digest}]


def test_a_jws_made_by_jwcrypto_over_our_payload_is_trusted(passport: rp.Passport, keys: dict[str, Any],
                                                             tmp_path: Path) -> None:
    from jwcrypto import jwk, jws

    made = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    public = tmp_path / "made.jwk"
    public.write_text(made.export_public())
    template = _sign(passport, keys["ed"]).attestations[0]
    record = {**rp.to_dict(attrs.evolve(passport, attestations=(template,)))["attestations"][0],
              "key_id": made.thumbprint(), "public_key": json.loads(made.export_public())}
    del record["signature"]
    token = jws.JWS(_jcs_without_numbers(record))
    token.add_signature(made, alg="EdDSA", protected={"alg": "EdDSA", "kid": made.thumbprint()})
    header, _, value = token.serialize(compact=True).split(".")
    data = rp.to_dict(passport)
    data["attestations"] = [{**record, "signature": f"{header}..{value}"}]
    assert rp.verify(rp.from_dict(data), rp.load_keyring([public])).status is rp.TrustStatus.TRUSTED


def test_key_id_is_the_rfc_7638_thumbprint() -> None:
    # RFC 8037, appendix A.3: the thumbprint of its Ed25519 example key.
    example = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    from rarepassport.signing import key_id

    assert key_id(example) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


# --- refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        (["emergency.nothing_here"], "nothing at $.emergency.nothing_here"),
        (["devices"], "nothing at $.devices"),
        (["Emergency Protocols"], "not a section path"),
        (["$", "medications"], "sign it alone"),
        (["attestations"], "not part of the passport's content"),
    ],
)
def test_signing_refuses_a_section_path_that_names_nothing(passport: rp.Passport, keys: dict[str, Any],
                                                           sections: list[str], message: str) -> None:
    with pytest.raises(rp.SigningError, match=re.escape(message)):
        _sign(attrs.evolve(passport, devices=()), keys["ed"], sections=sections)


def test_signing_refuses_a_key_that_is_not_a_pem_private_key(passport: rp.Passport, tmp_path: Path,
                                                             keys: dict[str, Any]) -> None:
    for content in (b"not a key", keys["ed"]["public"].read_bytes()):
        bad = tmp_path / "bad.key"
        bad.write_bytes(content)
        with pytest.raises(rp.SigningError, match=r"bad\.key: not a PEM private key"):
            rp.sign(passport, bad, name="Dr A")
    with pytest.raises(rp.SigningError, match="name is required"):
        rp.sign(passport, keys["ed"]["pem"], name=" ")


def test_a_trust_file_holding_a_private_key_or_junk_is_refused_naming_it(tmp_path: Path,
                                                                         keys: dict[str, Any]) -> None:
    from jwcrypto import jwk

    private = tmp_path / "private.jwk"
    private.write_text(jwk.JWK.generate(kty="OKP", crv="Ed25519").export_private())
    with pytest.raises(rp.SigningError, match=r"private\.jwk: \$ is a private key"):
        rp.load_keyring([private])
    junk = tmp_path / "junk.jwk"
    junk.write_text('{"kty": "RSA", "n": "x", "e": "AQAB"}')
    with pytest.raises(rp.SigningError, match=r"junk\.jwk: \$: the key is not an Ed25519"):
        rp.load_keyring([junk])
    bad_list = tmp_path / "revoked.json"
    bad_list.write_text('{"revoked": [{"id": "x"}]}')
    with pytest.raises(rp.SigningError, match=r"revoked\.json: \$\.revoked\[0\]\.key_id"):
        rp.load_keyring([keys["ed"]["public"]], [bad_list])


def test_a_jwk_set_and_a_pem_public_key_are_trusted_alike(tmp_path: Path, keys: dict[str, Any]) -> None:
    from cryptography.hazmat.primitives import serialization

    key_set = tmp_path / "set.json"
    key_set.write_text(json.dumps({"keys": [keys["ed"]["jwk"], keys["ec"]["jwk"]]}))
    pem = tmp_path / "ed.pem"
    private = serialization.load_pem_private_key(keys["ed"]["pem"], password=None)
    pem.write_bytes(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
    assert set(rp.load_keyring([key_set]).keys) == {keys["ed"]["jwk"]["kid"], keys["ec"]["jwk"]["kid"]}
    assert set(rp.load_keyring([pem]).keys) == {keys["ed"]["jwk"]["kid"]}
