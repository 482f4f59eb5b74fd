"""SMART Health Links: the payload and the JWE files per the specification, read back by
the library, decrypted by an independent JOSE implementation (joserfc), and carried by
the QR code of a rendered card.

Specification: issue 14, point 6; HL7 "SMART Health Cards and Links" IG, links
specification (https://build.fhir.org/ig/HL7/smart-health-cards-and-links/).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest
import zxingcpp
from joserfc import jwe
from joserfc.jwk import OctKey
from PIL import Image

import rarepassport as rp

SRC = Path(__file__).resolve().parents[1] / "src"
EXAMPLE = SRC / "rarepassport" / "data" / "example-passport.json"
TODAY = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc)
BASE = "https://files.example.org/shl"

# The IPS example of the specification's "SMART Health Links examples" page
# (input/images/IPS_IG-bundle-01-shl-details.json of HL7/smart-health-cards-and-links).
PUBLISHED_LINK = (
    "https://viewer.tcpdev.org/shlink.html#shlink:/eyJ1cmwiOiJodHRwczovL3Jhdy5naXRodWJ1c2VyY29udGVudC5jb20vc2Vh"
    "bm5vL3NoYy1kZW1vLWRhdGEvbWFpbi9pcHMvSVBTX0lHLWJ1bmRsZS0wMS1lbmMudHh0IiwiZmxhZyI6IkxVIiwia2V5IjoicnhUZ1ls"
    "T2FLSlBGdGNFZDBxY2NlTjh3RVU0cDk0U3FBd0lXUWU2dVg3USIsImxhYmVsIjoiRGVtbyBTSEwgZm9yIElQU19JRy1idW5kbGUtMDEifQ"
)
PUBLISHED_PAYLOAD = {
    "url": "https://raw.githubusercontent.com/seanno/shc-demo-data/main/ips/IPS_IG-bundle-01-enc.txt",
    "flag": "LU",
    "key": "rxTgYlOaKJPFtcEd0qcceN8wEU4p94SqAwIWQe6uX7Q",
    "label": "Demo SHL for IPS_IG-bundle-01",
}


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture(scope="module")
def passport() -> rp.Passport:
    return rp.load(EXAMPLE)


@pytest.fixture(scope="module")
def link(passport: rp.Passport) -> rp.HealthLink:
    return rp.make_health_link(passport, url_base=BASE, label="Maisie's passport", today=TODAY,
                               expires=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))


def the_file(link: rp.HealthLink) -> bytes:
    [path] = [path for path in link.files if path.endswith(".jwe")]
    return link.files[path]


# --- the payload --------------------------------------------------------------------------


def test_the_link_is_shlink_and_the_base64url_of_the_payload(link: rp.HealthLink) -> None:
    assert link.uri.startswith("shlink:/")
    assert "=" not in link.uri
    assert json.loads(unb64(link.uri[len("shlink:/"):])) == dict(link.payload)


def test_the_payload_has_a_fresh_32_byte_key_and_an_unguessable_manifest_url(
    link: rp.HealthLink, passport: rp.Passport
) -> None:
    payload = link.payload
    assert len(payload["key"]) == 43 and unb64(payload["key"]) == link.key and len(link.key) == 32
    assert payload["url"].startswith(BASE + "/") and payload["url"].endswith("/manifest.json")
    folder = payload["url"][len(BASE) + 1:].split("/")[0]
    assert len(unb64(folder)) == 32  # 256 random bits in the path
    again = rp.make_health_link(passport, url_base=BASE, today=TODAY)
    assert again.key != link.key and again.payload["url"] != payload["url"]


def test_the_payload_carries_label_expiry_and_version(link: rp.HealthLink) -> None:
    assert link.payload["label"] == "Maisie's passport"
    assert link.payload["exp"] == int(dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    assert link.payload["v"] == 1
    assert "flag" not in link.payload


@pytest.mark.parametrize(
    ("options", "flag"),
    [({"passcode": True}, "P"), ({"long_term": True}, "L"), ({"long_term": True, "passcode": True}, "LP"),
     ({"direct": True}, "U"), ({"direct": True, "long_term": True}, "LU")],
)
def test_flags_are_the_specification_letters_in_order(
    passport: rp.Passport, options: dict[str, bool], flag: str
) -> None:
    assert rp.make_health_link(passport, url_base=BASE, today=TODAY, **options).payload["flag"] == flag


def test_a_direct_link_points_at_the_file_and_has_no_manifest(passport: rp.Passport) -> None:
    link = rp.make_health_link(passport, url_base=BASE, today=TODAY, direct=True)
    [path] = link.files
    assert link.payload["url"] == f"{BASE}/{path}" and path.endswith(".jwe")


def test_the_manifest_lists_the_file_by_its_location(link: rp.HealthLink) -> None:
    [manifest_path] = [path for path in link.files if path.endswith("manifest.json")]
    manifest = json.loads(link.files[manifest_path])
    [jwe_path] = [path for path in link.files if path.endswith(".jwe")]
    assert manifest == {"files": [{"contentType": "application/fhir+json", "location": f"{BASE}/{jwe_path}"}]}
    assert link.payload["url"] == f"{BASE}/{manifest_path}"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"label": "x" * 81}, "at most 80"),
        ({"url_base": "http://files.example.org"}, "https://"),
        ({"passcode": True, "direct": True}, "cannot need a passcode"),
        ({"expires": dt.datetime(2001, 1, 1, tzinfo=dt.timezone.utc)}, "in the past"),
    ],
)
def test_a_link_the_specification_does_not_allow_is_refused(
    passport: rp.Passport, options: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"url_base": BASE, **options}
    with pytest.raises(rp.HealthLinkError, match=message):
        rp.make_health_link(passport, today=TODAY, **arguments)


# --- the specification's published example ------------------------------------------------------


@pytest.mark.parametrize("form", ["viewer", "bare"])
def test_the_published_example_link_is_read_as_published(form: str) -> None:
    text = PUBLISHED_LINK if form == "viewer" else PUBLISHED_LINK.split("#", 1)[1]
    assert rp.decode_health_link(text) == PUBLISHED_PAYLOAD


@pytest.mark.parametrize(
    "payload",
    [{"url": "https://x.example/m"}, {"url": "ftp://x.example/m", "key": "A" * 43},
     {"url": "https://x.example/m", "key": "A" * 42}, {"url": "https://x.example/m", "key": "A" * 43, "flag": "UP"},
     {"url": "https://x.example/m", "key": "A" * 43, "flag": "X"},
     {"url": "https://x.example/m", "key": "A" * 43, "label": "y" * 81}],
)
def test_a_malformed_payload_is_refused(payload: dict[str, Any]) -> None:
    text = "shlink:/" + base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    with pytest.raises(rp.HealthLinkError):
        rp.decode_health_link(text)


def test_text_that_is_not_a_link_is_refused() -> None:
    for text in ("https://example.org/", "shlink:/%%%", "shlink:/" + "A" * 10_000):
        with pytest.raises(rp.HealthLinkError):
            rp.decode_health_link(text)


# --- the file: written here, read by joserfc; written by joserfc, read here ----------------------


def test_the_file_decrypts_with_an_independent_jose_implementation(link: rp.HealthLink, passport: rp.Passport) -> None:
    key = OctKey.import_key(unb64(link.payload["key"]))
    registry = jwe.JWERegistry(algorithms=["dir", "A256GCM"])
    registry.max_ciphertext_length = 10 * 1024 * 1024  # an IPS is larger than joserfc's default 64 KiB
    opened = jwe.decrypt_compact(the_file(link), key, registry=registry)
    assert opened.protected == {"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json"}
    assert opened.plaintext is not None
    assert json.loads(opened.plaintext) == rp.to_ips(passport, today=TODAY)


def test_the_library_reads_its_link_back_to_the_ips_bundle(link: rp.HealthLink, passport: rp.Passport) -> None:
    assert rp.decrypt_health_link_file(link.viewer_url("https://viewer.example.org/"), the_file(link)) \
        == rp.to_ips(passport, today=TODAY)


def test_the_library_reads_a_file_encrypted_by_joserfc(link: rp.HealthLink) -> None:
    key = OctKey.import_key(link.key)
    token = jwe.encrypt_compact({"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json", "zip": "DEF"},
                                json.dumps({"resourceType": "Bundle", "type": "document"}), key,
                                algorithms=["dir", "A256GCM", "DEF"])
    assert rp.decrypt_health_link_file(link.uri, token) == {"resourceType": "Bundle", "type": "document"}


def test_a_changed_file_or_another_links_key_is_refused(link: rp.HealthLink, passport: rp.Passport) -> None:
    data = bytearray(the_file(link))
    data[-30] = ord("A") if data[-30] != ord("A") else ord("B")
    with pytest.raises(rp.HealthLinkError, match="does not open with the link's key"):
        rp.decrypt_health_link_file(link.uri, bytes(data))
    other = rp.make_health_link(passport, url_base=BASE, today=TODAY)
    with pytest.raises(rp.HealthLinkError, match="does not open with the link's key"):
        rp.decrypt_health_link_file(other.uri, the_file(link))


def test_a_view_shares_only_what_the_view_allows(passport: rp.Passport) -> None:
    link = rp.make_health_link(passport, url_base=BASE, today=TODAY, view="education")
    shared = json.dumps(rp.decrypt_health_link_file(link.uri, the_file(link)))
    [nhs_number] = [identifier.value for identifier in passport.person.identifiers]
    assert nhs_number in json.dumps(rp.to_ips(passport, today=TODAY))
    assert nhs_number not in shared  # identifiers: emergency and full views only
    assert passport.person.name in shared


# --- a QR code of the link, on the card --------------------------------------------------------


def test_the_viewer_link_goes_on_the_card_as_a_qr_code_that_opens_the_file(
    link: rp.HealthLink, passport: rp.Passport
) -> None:
    viewer = link.viewer_url("https://viewer.example.org/")
    card = rp.render_rendered(passport, "card", qr="link:" + viewer, today=TODAY.date()).data
    reader = pypdf.PdfReader(io.BytesIO(card))
    codes = [code.text for page in reader.pages for image in page.images
             for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)).convert("L"))]
    assert viewer in codes
    assert rp.decrypt_health_link_file(viewer, the_file(link)) == rp.to_ips(passport, today=TODAY)


# --- the command line ----------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "rarepassport", *args], capture_output=True, text=True,
                          check=False, env=env, stdin=subprocess.DEVNULL)


def test_the_shl_command_writes_the_files_and_prints_a_link_that_opens_them(tmp_path: Path) -> None:
    served = tmp_path / "served"
    done = run_cli("shl", str(EXAMPLE), "--url-base", BASE, "--out", str(served), "--label", "Maisie",
                   "--viewer", "https://viewer.example.org/", "--exp", "2030-01-31", "--long-term")
    assert done.returncode == 0, done.stderr
    uri, viewer = done.stdout.split()
    assert viewer == f"https://viewer.example.org/#{uri}"
    payload = rp.decode_health_link(uri)
    assert payload["flag"] == "L" and payload["label"] == "Maisie"
    assert payload["exp"] == int(dt.datetime(2030, 2, 1, tzinfo=dt.timezone.utc).timestamp())
    relative = payload["url"][len(BASE) + 1:]
    manifest = json.loads((served / relative).read_text())
    location = manifest["files"][0]["location"]
    data = (served / location[len(BASE) + 1:]).read_bytes()
    assert rp.decrypt_health_link_file(uri, data)["resourceType"] == "Bundle"
    # The key is only in the link: nothing in the served folder holds it.
    for path in served.rglob("*"):
        if path.is_file():
            assert payload["key"].encode() not in path.read_bytes()


def test_the_shl_command_refuses_to_write_the_link_into_the_served_folder(tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    done = run_cli("shl", str(EXAMPLE), "--url-base", BASE, "--out", str(served), "-o", str(served / "link.txt"))
    assert done.returncode == 2 and "outside the folder that is served" in done.stderr
    assert list(served.iterdir()) == []


def test_the_shl_command_refuses_a_long_label(tmp_path: Path) -> None:
    done = run_cli("shl", str(EXAMPLE), "--url-base", BASE, "--out", str(tmp_path / "s"), "--label", "x" * 81)
    assert done.returncode == 2 and "at most 80" in done.stderr and "Traceback" not in done.stderr
