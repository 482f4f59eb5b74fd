"""``rarepassport keygen``, ``sign`` and ``verify`` end to end, through the real program.

Specification (issue 14, point 1): keygen writes an owner-only private key and its public
key and never replaces a key without --force; sign adds an attestation to the file,
atomically; verify exits 0 trusted, 3 untrusted or revoked, 4 modified (naming the
section), 5 malformed, 6 unsigned, 2 for a file it cannot read; ``render --trust`` puts
the verified check on the page.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "child-several-diagnoses.json"
SCHEMA = json.loads((resources.files("rarepassport") / "cli" / "report.schema.json").read_text(encoding="utf-8"))


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "rarepassport", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300, stdin=subprocess.DEVNULL)


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    """A passport whose emergency protocols are signed with a fresh key (tmp_path/clinic)."""
    assert run("keygen", "--out", tmp_path / "clinic").returncode == 0
    passport = tmp_path / "passport.json"
    shutil.copy(EXAMPLE, passport)
    result = run("sign", passport, "--key", tmp_path / "clinic", "--name", "Dr Amina Rahman", "--role", "consultant",
                 "--organisation", "Anytown Hospital", "--section", "emergency.protocols",
                 "--reviewed-on", "2026-11-20")
    assert result.returncode == 0, result.stderr
    return passport


def test_keygen_writes_an_owner_only_private_key_and_public_keys(tmp_path: Path) -> None:
    result = run("keygen", "--out", tmp_path / "clinic")
    assert result.returncode == 0, result.stderr
    private = tmp_path / "clinic"
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    jwk = json.loads((tmp_path / "clinic.pub.jwk").read_text())
    assert jwk["kty"] == "OKP" and "d" not in jwk and jwk["kid"] in result.stdout
    assert (tmp_path / "clinic.pub.pem").read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")


def test_keygen_never_replaces_a_key_without_force(tmp_path: Path) -> None:
    assert run("keygen", "--out", tmp_path / "clinic").returncode == 0
    before = (tmp_path / "clinic").read_bytes()
    refused = run("keygen", "--out", tmp_path / "clinic")
    assert refused.returncode == 2 and "already exists; use --force" in refused.stderr
    assert (tmp_path / "clinic").read_bytes() == before
    (tmp_path / "clinic").chmod(0o644)
    assert run("keygen", "--out", tmp_path / "clinic", "--algorithm", "ES256", "--force").returncode == 0
    assert (tmp_path / "clinic").read_bytes() != before
    assert stat.S_IMODE((tmp_path / "clinic").stat().st_mode) == 0o600
    assert json.loads((tmp_path / "clinic.pub.jwk").read_text())["kty"] == "EC"


def test_sign_then_verify_trusted_untrusted_and_revoked(signed: Path, tmp_path: Path) -> None:
    public = tmp_path / "clinic.pub.jwk"
    trusted = run("verify", signed, "--trust", public)
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert "$.attestations[0]: trusted" in trusted.stdout
    assert run("verify", signed, "--trust", tmp_path / "clinic.pub.pem").returncode == 0
    assert run("verify", signed).returncode == 3
    revoked = tmp_path / "revoked.json"
    revoked.write_text(json.dumps({"revoked": [{"key_id": json.loads(public.read_text())["kid"]}]}))
    result = run("verify", signed, "--trust", public, "--revoked", revoked)
    assert result.returncode == 3 and "revoked" in result.stdout


def test_keygen_valid_until_makes_later_checks_untrusted(tmp_path: Path) -> None:
    assert run("keygen", "--out", tmp_path / "old", "--valid-until", "2026-11-19").returncode == 0
    public = tmp_path / "old.pub.jwk"
    assert json.loads(public.read_text())["valid_until"] == "2026-11-19"
    passport = tmp_path / "passport.json"
    shutil.copy(EXAMPLE, passport)
    for day, status in (("2026-11-19", 0), ("2026-11-20", 3)):
        assert run("sign", passport, "--key", tmp_path / "old", "--name", "Dr Amina Rahman", "--reviewed-on", day,
                   "-o", tmp_path / f"{day}.json").returncode == 0
        result = run("verify", tmp_path / f"{day}.json", "--trust", public, "--output-format", "json")
        assert result.returncode == status, result.stdout + result.stderr
        check = json.loads(result.stdout)["results"][0]["attestations"][0]
        assert check["expired"] is (status == 3)
    bad = run("keygen", "--out", tmp_path / "bad", "--valid-until", "next year")
    assert bad.returncode == 2 and "--valid-until" in bad.stderr and not (tmp_path / "bad").exists()


def test_verify_names_the_section_changed_since_signing(signed: Path, tmp_path: Path) -> None:
    data = json.loads(signed.read_text())
    data["emergency"]["protocols"][0]["steps"].append("Then wait an hour")
    signed.write_text(json.dumps(data))
    result = run("verify", signed, "--trust", tmp_path / "clinic.pub.jwk")
    assert result.returncode == 4
    assert "modified" in result.stdout and "$.emergency.protocols" in result.stdout


def test_verify_of_a_damaged_signature_is_malformed(signed: Path, tmp_path: Path) -> None:
    data = json.loads(signed.read_text())
    data["attestations"][0]["signature"] = data["attestations"][0]["signature"][:-10]
    signed.write_text(json.dumps(data))
    assert run("verify", signed, "--trust", tmp_path / "clinic.pub.jwk").returncode == 5


def test_verify_of_an_unsigned_passport_exits_6(tmp_path: Path) -> None:
    result = run("verify", EXAMPLE)
    assert result.returncode == 6 and "no attestation" in result.stdout


def test_verify_json_report_follows_the_report_schema(signed: Path, tmp_path: Path) -> None:
    result = run("verify", signed, "--trust", tmp_path / "clinic.pub.jwk", "--output-format", "json")
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    [attestation] = report["results"][0]["attestations"]
    assert attestation["status"] == "trusted" and attestation["scope"] == ["$.emergency.protocols"]


def test_sign_writes_elsewhere_with_o_and_refuses_to_replace_without_force(tmp_path: Path) -> None:
    assert run("keygen", "--out", tmp_path / "k").returncode == 0
    out = tmp_path / "signed.yaml"
    out.write_text("mine\n")
    refused = run("sign", EXAMPLE, "--key", tmp_path / "k", "--name", "Dr A", "-o", out)
    assert refused.returncode == 2 and out.read_text() == "mine\n"
    assert run("sign", EXAMPLE, "--key", tmp_path / "k", "--name", "Dr A", "-o", out, "--force").returncode == 0
    assert "attestations:" in out.read_text()
    assert run("verify", out, "--trust", tmp_path / "k.pub.jwk").returncode == 0


def test_sign_errors_name_the_problem_without_a_traceback(tmp_path: Path) -> None:
    passport = tmp_path / "p.json"
    shutil.copy(EXAMPLE, passport)
    (tmp_path / "junk").write_text("junk")
    bad_key = run("sign", passport, "--key", tmp_path / "junk", "--name", "Dr A")
    assert bad_key.returncode == 2 and "junk: not a PEM private key" in bad_key.stderr
    assert "Traceback" not in bad_key.stderr
    assert run("keygen", "--out", tmp_path / "k").returncode == 0
    bad_section = run("sign", passport, "--key", tmp_path / "k", "--name", "Dr A", "--section", "emergency.nope")
    assert bad_section.returncode == 2 and "nothing at $.emergency.nope to sign" in bad_section.stderr
    assert passport.read_bytes() == EXAMPLE.read_bytes()


def test_render_with_trust_shows_the_verified_check(signed: Path, tmp_path: Path) -> None:
    out = tmp_path / "passport.txt"
    result = run("render", signed, "--format", "text", "--trust", tmp_path / "clinic.pub.jwk", "-o", out)
    assert result.returncode == 0, result.stderr
    text = " ".join(out.read_text().split())
    assert "checked by Dr Amina Rahman (consultant, Anytown Hospital) on 20 November 2026 — signature verified" in text
