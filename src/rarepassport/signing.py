"""Professional attestation: sign a passport, or named sections of it, and check the signature.

An [`Attestation`][rarepassport.Attestation] says who checked what, and when. Its
``signature`` is a JSON Web Signature (RFC 7515) in compact form with a detached
payload. The payload is the RFC 8785 canonical JSON (JCS) of the attestation itself
without its signature; the attestation holds a SHA-256 digest of the canonical JSON of
each section it covers. So the signature covers who, when, what and the content, and a
section edited after signing is named ("changed since it was checked").

Algorithms: EdDSA with Ed25519 (the default) or ES256 (ECDSA on P-256 with SHA-256),
through `cryptography`; canonical JSON through the `rfc8785` package. Anything else in
a signature (another ``alg``, a ``crit`` header, ``b64: false``) is refused as
malformed, never tried.

Verification answers exactly one of four things for each attestation (see
[`TrustStatus`][rarepassport.TrustStatus]); whether a signer is trusted is decided by
the reader's own [`Keyring`][rarepassport.Keyring], never by the key in the file.

Heavy imports (`cryptography`, `rfc8785`) happen when a passport is signed or checked,
not on ``import rarepassport``.
"""

from __future__ import annotations

import base64
import datetime as _dt
import enum
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from rarepassport import convert
from rarepassport.errors import Message, SigningError
from rarepassport.model import Attestation, AttestationSigner, Passport, PublicKey, SectionDigest

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey, EllipticCurvePublicKey
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

    from rarepassport.plugin_manager import PluginManager

    PrivateKey = Ed25519PrivateKey | EllipticCurvePrivateKey
    VerifyingKey = Ed25519PublicKey | EllipticCurvePublicKey

__all__ = [
    "WHOLE_PASSPORT",
    "Algorithm",
    "AttestationCheck",
    "Keyring",
    "TrustStatus",
    "Verification",
    "generate_key",
    "key_id",
    "load_keyring",
    "section_paths",
    "sign",
    "verify",
]

#: The scope of an attestation that covers the whole passport.
WHOLE_PASSPORT = "$"

#: The JWS algorithms a passport may be signed with.
Algorithm = Literal["EdDSA", "ES256"]

#: The ``typ`` of the JWS protected header: what the signature is for.
JWS_TYPE = "rarepassport-attestation+jws"

_DIGEST_PREFIX = "sha-256:"
_PATH = re.compile(r"^\$(\.[a-z_][a-z0-9_-]*)+$")
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
# Not content: the format version (a migration may change it) and the attestations themselves.
_NOT_COVERED = frozenset({"schema_version", "attestations"})


class TrustStatus(str, enum.Enum):
    """What checking one attestation found: exactly one of these."""

    TRUSTED = "trusted"
    """The signature is valid, nothing it covers has changed, and the key is trusted."""
    UNTRUSTED = "untrusted"
    """The signature is valid and nothing changed, but the key is not trusted (or is revoked)."""
    MODIFIED = "modified"
    """The signature is valid, but sections it covers changed since signing (see ``changed``)."""
    MALFORMED = "malformed"
    """The attestation cannot be read, or its signature does not match it: rely on nothing in it."""


_SEVERITY = {TrustStatus.TRUSTED: 0, TrustStatus.UNTRUSTED: 1, TrustStatus.MODIFIED: 2, TrustStatus.MALFORMED: 3}


@attrs.frozen(kw_only=True)
class AttestationCheck:
    """The result of checking one attestation of a passport.

    Attributes:
        index: Its position in ``passport.attestations``.
        attestation: The attestation as found in the passport.
        status: What the check found.
        changed: With ``modified``, the covered section paths that changed since signing.
        revoked: The signer's key is on the revocation list (status ``untrusted``).
        expired: The attestation was signed outside the trusted key's validity
            (``valid_from`` / ``valid_until`` in the trusted key file; status ``untrusted``).
        reason: One sentence for people saying why (never a field's value), in English.
        message_id: The catalogue id of ``reason`` (``signing.check.trusted``), so that a
            program such as the command line can say it in its user's language; ``None``
            when it has none.
        arguments: The values of that message's ``{placeholders}`` (section paths).
    """

    index: int
    attestation: Attestation
    status: TrustStatus
    changed: tuple[str, ...] = ()
    revoked: bool = False
    expired: bool = False
    reason: str = ""
    message_id: str | None = None
    arguments: Mapping[str, str] = attrs.field(factory=dict, hash=False)

    @property
    def path(self) -> str:
        """The JSON path of the attestation, e.g. ``$.attestations[0]``."""
        return f"$.attestations[{self.index}]"


@attrs.frozen(kw_only=True)
class Verification:
    """The result of checking every attestation of a passport.

    Attributes:
        checks: One result per attestation, in the passport's order.
    """

    checks: tuple[AttestationCheck, ...] = ()

    @property
    def status(self) -> TrustStatus | None:
        """The worst status of any attestation (malformed, modified, untrusted, trusted); ``None`` when unsigned."""
        if not self.checks:
            return None
        return max((check.status for check in self.checks), key=_SEVERITY.__getitem__)

    @property
    def ok(self) -> bool:
        """True when there is at least one attestation and every one is valid and trusted."""
        return self.status is TrustStatus.TRUSTED


def _frozen_ids(ids: Iterable[str]) -> frozenset[str]:
    return frozenset(ids)


@attrs.frozen(kw_only=True)
class Keyring:
    """The public keys a reader trusts, and the key ids revoked.

    Build one with [`load_keyring`][rarepassport.load_keyring]. An empty keyring trusts
    nobody: signatures are still checked, and a valid one is reported as ``untrusted``.

    Attributes:
        keys: Trusted public keys (JWK members), by key id (RFC 7638 thumbprint).
        revoked: Key ids that must not be trusted whatever ``keys`` says.
        validity: For trusted keys given a validity, the first and last day they may
            have signed on (either ``None`` for no bound), by key id.
    """

    keys: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    revoked: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen_ids)
    validity: Mapping[str, tuple[_dt.date | None, _dt.date | None]] = attrs.field(factory=dict)

    def trusts(self, kid: str) -> bool:
        """Whether a key id is trusted and not revoked."""
        return kid in self.keys and kid not in self.revoked

    def valid_on(self, kid: str, day: _dt.date) -> bool:
        """Whether a trusted key was within its validity on ``day`` (always, with none given)."""
        start, end = self.validity.get(kid, (None, None))
        return (start is None or start <= day) and (end is None or day <= end)


# -- encoding helpers --


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not _B64URL.match(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical JSON (JCS) of a JSON value."""
    import rfc8785

    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeError, ValueError, TypeError) as exc:
        raise _fail("canonical-json", "cannot write canonical JSON (RFC 8785): {error}",
                    error=type(exc).__name__) from None


def _digest(value: Any) -> str:
    return _DIGEST_PREFIX + hashlib.sha256(canonical_json(value)).hexdigest()


# -- keys --


def _public_jwk(public: VerifyingKey) -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    if isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}
    if isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
        numbers = public.public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x.to_bytes(32, "big")),
                "y": _b64(numbers.y.to_bytes(32, "big"))}
    raise _fail("key-type", "only Ed25519 and P-256 keys can sign a passport")


def _jwk_members(jwk: Mapping[str, Any]) -> dict[str, str]:
    """The required public members of an Ed25519 or P-256 JWK (RFC 7638 §3.2), checked."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    names = ("crv", "kty", "x") if kty == "OKP" else ("crv", "kty", "x", "y")
    if (kty, crv) not in (("OKP", "Ed25519"), ("EC", "P-256")):
        raise _fail("jwk-type", "the key is not an Ed25519 (OKP) or P-256 (EC) JSON Web Key")
    members = {name: jwk.get(name) for name in names}
    if not all(isinstance(value, str) and _B64URL.match(value) for value in members.values()):
        raise _fail("jwk-members", "the key's members are not base64url text")
    return {name: str(value) for name, value in members.items()}


def key_id(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key: its key id.

    Raises:
        SigningError: When ``jwk`` is not an Ed25519 or P-256 public key.
    """
    return _b64(hashlib.sha256(canonical_json(_jwk_members(jwk))).digest())


def _verifying_key(jwk: Mapping[str, Any]) -> VerifyingKey:
    """A `cryptography` public key from JWK members; SigningError when they are not a valid key
    (said in rarepassport's words: cryptography's own messages are not in the catalogue)."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    members = _jwk_members(jwk)
    x = _unb64(members["x"])
    try:
        if members["kty"] == "OKP":
            return ed25519.Ed25519PublicKey.from_public_bytes(x)
        y = _unb64(members["y"])
        if len(x) != 32 or len(y) != 32:
            raise _fail("jwk-p256-size", "a P-256 key's coordinates are 32 bytes each")
        numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1())
        return numbers.public_key()
    except SigningError:
        raise
    except ValueError:
        raise _fail("jwk-invalid", "the key is not a valid Ed25519 or P-256 public key") from None


def generate_key(algorithm: Algorithm = "EdDSA") -> tuple[bytes, dict[str, str]]:
    """Make a new signing key.

    Args:
        algorithm: ``EdDSA`` (Ed25519, the default) or ``ES256`` (P-256).

    Returns:
        The private key as unencrypted PKCS #8 PEM (keep it secret: whoever holds it
        can sign as you), and the public key as a JWK with its ``kid``, ``alg`` and
        ``use``, to publish and give to those who should trust you.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    private: PrivateKey
    if algorithm == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
    elif algorithm == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    else:
        raise _fail("algorithm", "unknown algorithm {algorithm}; use EdDSA or ES256", algorithm=repr(algorithm))
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    jwk = _public_jwk(private.public_key())
    return pem, {**jwk, "kid": key_id(jwk), "alg": algorithm, "use": "sig"}


def _private_key(key: bytes | str | os.PathLike[str], password: bytes | None) -> PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    if isinstance(key, bytes):
        data, where = key, "the key"
    else:
        where = os.fspath(key)
        try:
            with open(where, "rb") as file:
                data = file.read()
        except OSError as exc:
            raise _fail("read-key", "{file}: cannot read the key ({reason})", file=where, reason=exc.strerror) from None
    try:
        private = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError):
        raise _fail("not-pem-private", "{file}: not a PEM private key (or the wrong passphrase)", file=where) from None
    if isinstance(private, ed25519.Ed25519PrivateKey) or (
        isinstance(private, ec.EllipticCurvePrivateKey) and isinstance(private.curve, ec.SECP256R1)
    ):
        return private
    raise _fail("key-type.file", "{file}: only Ed25519 and P-256 keys can sign a passport", file=where)


def _validity_date(where: str, item: Mapping[str, Any], name: str) -> _dt.date | None:
    value = item.get(name)
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    raise _fail("validity-date", "{where}.{name} must be a date, YYYY-MM-DD", where=where, name=name)


def _public_key_from_file(
    path: str, validity: dict[str, tuple[_dt.date | None, _dt.date | None]] | None = None
) -> list[dict[str, str]]:
    """The public keys in a file: a JWK, a JWK Set (``{"keys": [...]}``) or a PEM public key.

    A JWK may carry ``valid_from`` and ``valid_until`` (dates, members RFC 7517 lets a key
    hold): they go into ``validity`` by key id.
    """
    from cryptography.hazmat.primitives import serialization

    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise _fail("read-trusted", "{file}: cannot read the trusted key ({reason})", file=path,
                    reason=exc.strerror) from None
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            public = serialization.load_pem_public_key(data)
        except ValueError:
            raise _fail("not-pem-public", "{file}: not a PEM public key", file=path) from None
        return [_public_jwk(public)]  # type: ignore[arg-type]
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise _fail("not-a-key", "{file}: not a JSON Web Key, JWK Set or PEM public key", file=path) from None
    items = document.get("keys") if isinstance(document, dict) and "keys" in document else [document]
    if not isinstance(items, list):
        raise _fail("keys-not-list", "{file}: $.keys must be a list of JSON Web Keys", file=path)
    keys = []
    for index, item in enumerate(items):
        where = f"{path}: $.keys[{index}]" if "keys" in document else f"{path}: $"
        if not isinstance(item, dict):
            raise _fail("not-a-jwk", "{where} is not a JSON Web Key", where=where)
        if "d" in item:
            raise _fail("private-trusted", "{where} is a private key; trust only public keys", where=where)
        try:
            members = _jwk_members(item)
            _verifying_key(members)
        except SigningError as exc:
            raise exc.with_source(where) from None
        start, end = _validity_date(where, item, "valid_from"), _validity_date(where, item, "valid_until")
        if start is not None and end is not None and end < start:
            raise _fail("validity-order", "{where}: valid_until is before valid_from", where=where)
        if validity is not None and (start is not None or end is not None):
            validity[key_id(members)] = (start, end)
        keys.append(members)
    return keys


def _revoked_from_file(path: str) -> set[str]:
    """The key ids of a revocation list (see the threat model page for the format)."""
    try:
        with open(path, "rb") as file:
            document = json.loads(file.read())
    except OSError as exc:
        raise _fail("read-revoked", "{file}: cannot read the revocation list ({reason})", file=path,
                    reason=exc.strerror) from None
    except (ValueError, UnicodeDecodeError):
        raise _fail("revoked-not-json", "{file}: the revocation list is not JSON", file=path) from None
    entries = document.get("revoked") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise _fail("revoked-shape", "{file}: a revocation list is an object with a list $.revoked", file=path)
    ids = set()
    for index, entry in enumerate(entries):
        kid = entry.get("key_id") if isinstance(entry, dict) else None
        if not isinstance(kid, str) or not kid:
            raise _fail("revoked-key-id", "{file}: $.revoked[{index}].key_id must be a key id (text)", file=path,
                        index=index)
        ids.add(kid)
    return ids


def load_keyring(
    trusted: Iterable[str | os.PathLike[str]] = (),
    revoked: Iterable[str | os.PathLike[str]] = (),
) -> Keyring:
    """Read the keys you trust and the revocation lists you follow.

    Args:
        trusted: Files each holding a public JWK, a JWK Set (``{"keys": [...]}``) or a PEM
            public key (as written by ``rarepassport keygen``). A JWK's ``valid_from``
            and ``valid_until`` (``YYYY-MM-DD``) bound the days its signatures are trusted
            for (``keygen --valid-until``): a check signed after the key expired is
            ``untrusted``.
        revoked: Revocation list files: ``{"revoked": [{"key_id": "...", "revoked_on":
            "2026-11-30", "reason": "..."}]}``.

    Raises:
        SigningError: Naming the file (and the entry) that cannot be read.
    """
    keys: dict[str, Mapping[str, str]] = {}
    validity: dict[str, tuple[_dt.date | None, _dt.date | None]] = {}
    for path in trusted:
        for jwk in _public_key_from_file(os.fspath(path), validity):
            keys[key_id(jwk)] = jwk
    ids: set[str] = set()
    for path in revoked:
        ids |= _revoked_from_file(os.fspath(path))
    return Keyring(keys=keys, revoked=frozenset(ids), validity=validity)


# -- what a signature covers --


def section_paths(passport: Passport, *, plugins: PluginManager) -> list[str]:
    """The paths of the top-level sections that ``$`` (the whole passport) covers, as now filled in."""
    data = convert.to_dict(passport, plugins=plugins)
    return [f"$.{name}" for name in data if name not in _NOT_COVERED]


def _value_at(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for name in path.split(".")[1:]:
        if not isinstance(value, Mapping) or name not in value:
            return None
        value = value[name]
    return value


def _content(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The passport without what is not content: each plugin section's own ``schema_version``.

    A plugin update that raises its section's version (and migrates the data) then
    leaves a check of unchanged content valid; a migration that moves values still
    shows as a change, because the signed form changed.
    """
    extensions = data.get("extensions")
    if not isinstance(extensions, Mapping) or not any(
        isinstance(value, Mapping) and "schema_version" in value for value in extensions.values()
    ):
        return data
    stripped = {key: ({name: item for name, item in value.items() if name != "schema_version"}
                      if isinstance(value, Mapping) else value) for key, value in extensions.items()}
    return {**data, "extensions": stripped}


def _digests(data: Mapping[str, Any], scope: Sequence[str]) -> dict[str, str]:
    data = _content(data)
    if tuple(scope) == (WHOLE_PASSPORT,):
        return {f"$.{name}": _digest(value) for name, value in data.items() if name not in _NOT_COVERED}
    return {path: _digest(_value_at(data, path)) for path in scope}


def _normalise_scope(sections: Iterable[str], data: Mapping[str, Any]) -> tuple[str, ...]:
    paths = []
    for section in sections:
        path = section if section.startswith("$") else f"$.{section}"
        if path == WHOLE_PASSPORT:
            paths.append(path)
            continue
        if not _PATH.match(path):
            raise _fail("not-a-section", "{section} is not a section path; write it like emergency.protocols",
                        section=repr(section))
        parts = path.split(".")
        if parts[1] in _NOT_COVERED or (parts[1] == "extensions" and parts[-1] == "schema_version"):
            raise _fail("not-content", "{path} cannot be signed: it is not part of the passport's content", path=path)
        if _value_at(data, path) in (None, "", [], {}):
            raise _fail("nothing-at", "there is nothing at {path} to sign", path=path)
        paths.append(path)
    if not paths:
        return (WHOLE_PASSPORT,)
    if WHOLE_PASSPORT in paths and len(paths) > 1:
        raise _fail("whole-and-sections", "$ (the whole passport) already covers every section; sign it alone")
    return tuple(dict.fromkeys(paths))


def _payload(record: Mapping[str, Any]) -> bytes:
    """What the JWS signs: the canonical JSON of the attestation without its signature."""
    return canonical_json({name: value for name, value in record.items() if name != "signature"})


def _signing_input(header: Mapping[str, Any], payload: bytes) -> bytes:
    return f"{_b64(canonical_json(dict(header)))}.{_b64(payload)}".encode("ascii")


def _sign_bytes(private: PrivateKey, data: bytes) -> tuple[str, bytes]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    if isinstance(private, ed25519.Ed25519PrivateKey):
        return "EdDSA", private.sign(data)
    r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
    return "ES256", r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign(
    passport: Passport,
    key: bytes | str | os.PathLike[str],
    *,
    name: str,
    role: str | None = None,
    organisation: str | None = None,
    sections: Iterable[str] = (),
    reviewed: str | None = None,
    reviewed_on: _dt.date | None = None,
    password: bytes | None = None,
    plugins: PluginManager,
) -> Passport:
    """The step behind [`rarepassport.sign`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"sign() signs a rarepassport.Passport, not {type(passport).__name__}")
    if not name or not name.strip():
        raise _fail("signer-name", "the signer's name is required")
    private = _private_key(key, password)
    data = convert.to_dict(passport, plugins=plugins)
    scope = _normalise_scope(sections, data)
    jwk = _public_jwk(private.public_key())
    kid = key_id(jwk)
    unsigned = Attestation(
        signer=AttestationSigner(name=name, role=role or None, organisation=organisation or None),
        reviewed_on=reviewed_on or _dt.date.today(),
        scope=scope,
        reviewed=reviewed or None,
        key_id=kid,
        public_key=PublicKey(**jwk),
        digests=tuple(SectionDigest(path=path, digest=digest) for path, digest in _digests(data, scope).items()),
        signature="",
    )
    record = plugins.converter.unstructure(unsigned, Attestation)
    algorithm = "EdDSA" if jwk["kty"] == "OKP" else "ES256"
    header = {"alg": algorithm, "kid": kid, "typ": JWS_TYPE}
    signing_input = _signing_input(header, _payload(record))
    _, signature = _sign_bytes(private, signing_input)
    compact = f"{signing_input.decode('ascii').split('.')[0]}..{_b64(signature)}"
    attestation = attrs.evolve(unsigned, signature=compact)
    return attrs.evolve(passport, attestations=(*passport.attestations, attestation))


# -- checking --


class _Malformed(Exception):
    """Why an attestation is malformed: its `Message` is the check's reason."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def _check(id: str, english: str, /, **values: object) -> Message:
    """A reason of a check, with its catalogue entry ``signing.check.<id>``."""
    return Message(f"signing.check.{id}", english, **values)


def _check_signature(record: Mapping[str, Any], attestation: Attestation) -> None:
    """Raise _Malformed unless the JWS is a valid signature of this attestation by its own key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    parts = attestation.signature.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise _Malformed(_check("not-compact-jws",
                                "the signature is not a compact JWS with a detached payload (header..signature)"))
    try:
        header = json.loads(_unb64(parts[0]))
        signature = _unb64(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise _Malformed(_check("not-base64url-json",
                                "the signature's header or value is not base64url JSON")) from None
    if not isinstance(header, dict):
        raise _Malformed(_check("header-not-object", "the signature's header is not a JSON object"))
    if "crit" in header or "b64" in header or "jku" in header or "x5u" in header:
        raise _Malformed(_check("header-unsupported", "the signature's header asks for something this library "
                                "does not do (crit, b64, jku, x5u)"))
    algorithm = header.get("alg")
    try:
        public = _verifying_key(record["public_key"])
    except (ValueError, TypeError, KeyError):
        raise _Malformed(_check("public-key-invalid", "the public key is not a valid Ed25519 or P-256 key")) from None
    kid = key_id(record["public_key"])
    if header.get("kid") != attestation.key_id or kid != attestation.key_id:
        raise _Malformed(_check("key-id-mismatch", "the key id does not match the public key"))
    signing_input = f"{parts[0]}.{_b64(_payload(record))}".encode("ascii")
    try:
        if algorithm == "EdDSA" and isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, signing_input)
        elif algorithm == "ES256" and isinstance(public, ec.EllipticCurvePublicKey) and len(signature) == 64:
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            public.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            raise _Malformed(_check("algorithm", "the signature's algorithm is not EdDSA or ES256 for this key"))
    except InvalidSignature:
        raise _Malformed(_check(
            "signature-mismatch",
            "the signature does not match the attestation: it was altered, forged or made with another key",
        )) from None


def _check_one(index: int, attestation: Attestation, record: Mapping[str, Any], data: Mapping[str, Any],
               keyring: Keyring) -> AttestationCheck:
    def result(status: TrustStatus, reason: Message, **extra: Any) -> AttestationCheck:
        return AttestationCheck(index=index, attestation=attestation, status=status, reason=str(reason),
                                message_id=reason.id, arguments=dict(reason.arguments), **extra)

    scope = attestation.scope
    if not scope or (WHOLE_PASSPORT in scope and len(scope) > 1) or not all(
        path == WHOLE_PASSPORT or _PATH.match(path) for path in scope
    ):
        return result(TrustStatus.MALFORMED, _check("scope", "the scope is not $ or a list of section paths"))
    signed = {item.path: item.digest for item in attestation.digests}
    if len(signed) != len(attestation.digests) or not all(
        value.startswith(_DIGEST_PREFIX) for value in signed.values()
    ):
        return result(TrustStatus.MALFORMED, _check("digests", "the digests are not one SHA-256 digest per section"))
    if scope != (WHOLE_PASSPORT,) and set(signed) != set(scope):
        return result(TrustStatus.MALFORMED, _check("digests-scope", "the digests do not match the scope"))
    try:
        _check_signature(record, attestation)
        now = _digests(data, scope)
    except _Malformed as exc:
        return result(TrustStatus.MALFORMED, exc.message)
    except SigningError:
        return result(TrustStatus.MALFORMED,
                      _check("canonical-json", "the attestation cannot be written as canonical JSON (RFC 8785)"))
    changed = tuple(path for path in dict.fromkeys((*signed, *now)) if signed.get(path) != now.get(path))
    if changed:
        return result(TrustStatus.MODIFIED,
                      _check("changed", "changed since it was signed: {paths}", paths=", ".join(changed)),
                      changed=changed)
    if attestation.key_id in keyring.revoked:
        return result(TrustStatus.UNTRUSTED, _check("revoked", "the signer's key has been revoked"), revoked=True)
    if not keyring.trusts(attestation.key_id):
        return result(TrustStatus.UNTRUSTED,
                      _check("not-trusted", "the signature is valid, but the signer's key is not a trusted key"))
    if not keyring.valid_on(attestation.key_id, attestation.reviewed_on):
        return result(TrustStatus.UNTRUSTED,
                      _check("outside-validity", "the signature is dated outside the trusted key's validity"),
                      expired=True)
    return result(TrustStatus.TRUSTED, _check("trusted", "the signature is valid and the signer's key is trusted"))


def verify(passport: Passport, keyring: Keyring | None = None, *, plugins: PluginManager) -> Verification:
    """The step behind [`rarepassport.verify`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"verify() checks a rarepassport.Passport, not {type(passport).__name__}")
    keyring = keyring if keyring is not None else Keyring()
    data = convert.to_dict(passport, plugins=plugins)
    records = data.get("attestations", [])
    checks = tuple(
        _check_one(index, attestation, record, data, keyring)
        for index, (attestation, record) in enumerate(zip(passport.attestations, records, strict=True))
    )
    return Verification(checks=checks)


def _fail(message_id: str, english: str, **arguments: object) -> SigningError:
    """The error, with its catalogue entry ``error.signing.<message_id>`` (see `rarepassport.errors.Message`)."""
    return SigningError(Message(f"error.signing.{message_id}", english, **arguments))
