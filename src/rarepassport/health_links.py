"""SMART Health Links: share a passport's FHIR IPS document through a link or a QR code.

A SMART Health Link (HL7 "SMART Health Cards and Links" implementation guide,
https://build.fhir.org/ig/HL7/smart-health-cards-and-links/links-specification.html) is
``shlink:/`` followed by the base64url of a small JSON payload:

``url``
    Where the manifest (or, with flag ``U``, the one file) is served; the path holds
    256 random bits, so it cannot be guessed.
``key``
    A fresh 256-bit key, base64url (43 characters), that decrypts the files.
``exp``
    Optional: when the link stops working, in seconds since 1970 (UTC).
``flag``
    Optional, letters in alphabetical order: ``L`` long-term (the data behind it may be
    updated), ``P`` a passcode is needed, ``U`` the url is the single file itself (GET).
``label``
    Optional: at most 80 characters saying what the link is.

Each file is the FHIR Bundle encrypted as a compact JWE (RFC 7516) with ``"alg": "dir"``,
``"enc": "A256GCM"`` and ``"cty": "application/fhir+json"``. The manifest a server
returns is ``{"files": [{"contentType": "application/fhir+json", "location": ...}]}``.
The key travels only in the link, never to the server.

This module builds and reads the payload and the files; AES-GCM comes from
``cryptography``, imported on first use. [`rarepassport.make_health_link`][] makes one
from a passport.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import os
from collections.abc import Mapping
from typing import Any

import attrs

from rarepassport.errors import HealthLinkError, Message

__all__ = [
    "FHIR_CONTENT_TYPE",
    "MAX_LABEL_LENGTH",
    "HealthLink",
    "create_health_link",
    "decode_health_link",
    "decrypt_health_link_file",
]

#: The content type of the IPS Bundle file (the JWE ``cty``).
FHIR_CONTENT_TYPE = "application/fhir+json"
#: The longest ``label`` the specification allows.
MAX_LABEL_LENGTH = 80
_PREFIX = "shlink:/"
_MANIFEST_NAME = "manifest.json"
_FILE_NAME = "ips.jwe"
#: Most characters of a link read back (a payload is a few hundred).
_MAX_LINK_LENGTH = 8192


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not isinstance(text, str) or any(c in text for c in "=+/ \n"):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@attrs.frozen(kw_only=True)
class HealthLink:
    """A SMART Health Link and the files to serve for it.

    Attributes:
        payload: The link's JSON payload (``url``, ``key``, ``flag``, ``label``, ``exp``).
        files: What to put on the host, by path relative to the url base (a folder
            named by 256 random bits, holding ``manifest.json`` and ``ips.jwe``).
        key: The 32-byte key of the files (also in ``payload["key"]``).
    """

    payload: Mapping[str, Any]
    files: Mapping[str, bytes]
    key: bytes

    @property
    def uri(self) -> str:
        """``shlink:/`` and the base64url of the payload."""
        return _PREFIX + _b64(json.dumps(dict(self.payload), separators=(",", ":")).encode("utf-8"))

    def viewer_url(self, viewer: str) -> str:
        """The link behind a viewer's address: ``https://viewer.example/#shlink:/…``.

        Args:
            viewer: The viewer's address, without a ``#`` fragment.
        """
        if "#" in viewer:
            raise _fail("viewer-fragment", "the viewer address must not have a '#' part: the link goes after '#'")
        return f"{viewer}#{self.uri}"


def _encrypt_file(data: bytes, key: bytes, content_type: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = _b64(json.dumps({"alg": "dir", "enc": "A256GCM", "cty": content_type},
                             separators=(",", ":")).encode("utf-8"))
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, data, header.encode("ascii"))
    ciphertext, tag = sealed[:-16], sealed[-16:]
    return ".".join((header, "", _b64(iv), _b64(ciphertext), _b64(tag))).encode("ascii")


def create_health_link(
    bundle: Mapping[str, Any],
    *,
    url_base: str,
    label: str | None = None,
    expires: _dt.datetime | None = None,
    passcode: bool = False,
    long_term: bool = False,
    direct: bool = False,
) -> HealthLink:
    """Encrypt a FHIR Bundle with a fresh key and build its SMART Health Link.

    Args:
        bundle: The FHIR document (e.g. from [`rarepassport.to_ips`][]).
        url_base: The ``https://`` address the files will be served under.
        label: What the link is, at most 80 characters (it is not encrypted: no
            health details).
        expires: When the link stops working (``exp``); a naive time means UTC.
        passcode: Set flag ``P``: the server that answers for the manifest asks for a
            passcode (a static host cannot; see the documentation).
        long_term: Set flag ``L``: the data behind the link may be updated.
        direct: Set flag ``U``: the url is the encrypted file itself, fetched with GET,
            which a static host serves (not with ``passcode``).

    Returns:
        The [`HealthLink`][rarepassport.HealthLink]: payload, files and key.

    Raises:
        HealthLinkError: For an address that is not ``https://`` (``http://localhost``
            is allowed for testing), a label over 80 characters, ``direct`` with
            ``passcode``, or an expiry in the past.
    """
    base = url_base.rstrip("/")
    if not (base.startswith("https://") or base.startswith(("http://localhost", "http://127.0.0.1"))):
        raise _fail("url-base-https", "the url base must be an https:// address (http://localhost only for testing)")
    if any(c in base for c in "#? \n"):
        raise _fail("url-base-plain", "the url base must be a plain address, without '#', '?' or spaces")
    if label is not None and len(label) > MAX_LABEL_LENGTH:
        raise _fail("label-too-long", "the label is {length} characters; a SMART Health Link label is at most "
                    "{most}", length=len(label), most=MAX_LABEL_LENGTH)
    if direct and passcode:
        raise _fail("direct-passcode", "a direct link (flag U) cannot need a passcode (flag P); choose one")
    key = os.urandom(32)
    folder = _b64(os.urandom(32))
    data = json.dumps(dict(bundle), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    jwe = _encrypt_file(data, key, FHIR_CONTENT_TYPE)
    file_path = f"{folder}/{_FILE_NAME}"
    files: dict[str, bytes] = {file_path: jwe}
    if not direct:
        manifest = {"files": [{"contentType": FHIR_CONTENT_TYPE, "location": f"{base}/{file_path}"}]}
        files[f"{folder}/{_MANIFEST_NAME}"] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    payload: dict[str, Any] = {
        "url": f"{base}/{file_path}" if direct else f"{base}/{folder}/{_MANIFEST_NAME}",
        "key": _b64(key),
    }
    if expires is not None:
        moment = expires if expires.tzinfo is not None else expires.replace(tzinfo=_dt.timezone.utc)
        if moment <= _dt.datetime.now(_dt.timezone.utc):
            raise _fail("expired", "the expiry is in the past")
        payload["exp"] = int(moment.timestamp())
    flags = "".join(sorted(("L" if long_term else "") + ("P" if passcode else "") + ("U" if direct else "")))
    if flags:
        payload["flag"] = flags
    if label:
        payload["label"] = label
    payload["v"] = 1
    return HealthLink(payload=payload, files=files, key=key)


def decode_health_link(link: str) -> dict[str, Any]:
    """The payload of a SMART Health Link, checked.

    Args:
        link: ``shlink:/…``, or a viewer address holding ``#shlink:/…``.

    Returns:
        The payload: ``url`` and ``key`` always, ``exp``, ``flag``, ``label`` and ``v``
        when given.

    Raises:
        HealthLinkError: When it is not a SMART Health Link or its payload is malformed
            (no https url, a key that is not 32 bytes, a label over 80 characters, an
            unknown flag, ``U`` with ``P``).
    """
    if not isinstance(link, str) or len(link) > _MAX_LINK_LENGTH:
        raise _fail("not-a-link", "not a SMART Health Link (expected text starting shlink:/)")
    if "#" in link:
        link = link.split("#", 1)[1]
    if not link.startswith(_PREFIX):
        raise _fail("not-a-link.viewer",
                    "not a SMART Health Link (expected shlink:/ or a viewer address with #shlink:/)")
    try:
        payload = json.loads(_unb64(link[len(_PREFIX):]).decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _fail("payload-not-base64", "the SMART Health Link's payload is not base64url-encoded JSON") from None
    if not isinstance(payload, dict):
        raise _fail("payload-not-object", "the SMART Health Link's payload is not a JSON object")
    url, key = payload.get("url"), payload.get("key")
    if not isinstance(url, str) or not url.startswith(("https://", "http://localhost", "http://127.0.0.1")):
        raise _fail("no-url", "the SMART Health Link has no https:// url")
    try:
        if not isinstance(key, str) or len(key) != 43 or len(_unb64(key)) != 32:
            raise ValueError(key)
    except (ValueError, binascii.Error):
        raise _fail("bad-key", "the SMART Health Link's key is not 32 bytes of base64url (43 characters)") from None
    flags = payload.get("flag", "")
    if not isinstance(flags, str) or set(flags) - set("LPU") or ("U" in flags and "P" in flags):
        raise _fail("bad-flags", "the SMART Health Link has unknown or conflicting flags (L, P and U are known; "
                              "U cannot go with P)")
    label = payload.get("label")
    if label is not None and (not isinstance(label, str) or len(label) > MAX_LABEL_LENGTH):
        raise _fail("bad-label", "the SMART Health Link's label is not text of at most {most} characters",
                    most=MAX_LABEL_LENGTH)
    expires = payload.get("exp")
    if expires is not None and (isinstance(expires, bool) or not isinstance(expires, (int, float))):
        raise _fail("bad-exp", "the SMART Health Link's exp is not a number of seconds")
    return payload


def decrypt_health_link_file(link: str, data: bytes | str) -> Any:
    """Open a file of a SMART Health Link with the key in the link.

    Args:
        link: The link (``shlink:/…`` or a viewer address).
        data: The file as served: a compact JWE.

    Returns:
        The decrypted content, parsed as JSON (the FHIR Bundle).

    Raises:
        HealthLinkError: For a malformed link or JWE, another algorithm than ``dir`` /
            ``A256GCM``, a wrong key or a changed file, or content that is not JSON.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = _unb64(decode_health_link(link)["key"])
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
    parts = text.strip().split(".")
    if len(parts) != 5:
        raise _fail("not-jwe", "the file is not a compact JWE (five parts separated by dots)")
    try:
        header = json.loads(_unb64(parts[0]))
        encrypted_key, iv, ciphertext, tag = (_unb64(part) for part in parts[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _fail("not-jwe.base64", "the file is not a compact JWE (a part is not base64url)") from None
    if not isinstance(header, dict) or header.get("alg") != "dir" or header.get("enc") != "A256GCM":
        raise _fail("not-shl-jwe", 'the file is not encrypted as a SMART Health Link requires ("alg": "dir", '
                              '"enc": "A256GCM")')
    if header.get("zip") not in (None, "DEF") or encrypted_key or len(iv) != 12 or len(tag) != 16:
        raise _fail("bad-jwe-header", "the file's JWE header or parts are not those of a SMART Health Link file")
    try:
        plain = AESGCM(key).decrypt(iv, ciphertext + tag, parts[0].encode("ascii"))
    except InvalidTag:
        raise _fail("wrong-key", "the file does not open with the link's key (another link's file, or changed)") \
            from None
    if header.get("zip") == "DEF":
        import zlib

        decompressor = zlib.decompressobj(-15)
        plain = decompressor.decompress(plain, 50 * 1024 * 1024)
        if decompressor.unconsumed_tail:
            raise _fail("too-large", "the file's compressed content is too large")
    try:
        return json.loads(plain.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise _fail("not-json", "the decrypted file is not JSON") from None


def _fail(message_id: str, english: str, **arguments: object) -> HealthLinkError:
    """The error, with its catalogue entry ``error.shl.<message_id>`` (see `rarepassport.errors.Message`)."""
    return HealthLinkError(Message(f"error.shl.{message_id}", english, **arguments))
