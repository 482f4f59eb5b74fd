"""Encryption at rest: a passport file sealed with a passphrase.

The container (version 1) is a short binary header followed by the ciphertext; every
number is big-endian::

    offset  size  field
    0       8     magic  89 52 50 45 0D 0A 1A 0A  ("\\x89RPE\\r\\n\\x1a\\n")
    8       1     container version (1)
    9       1     key derivation: 1 = scrypt
    10      1     scrypt cost: log2 N (14..20)
    11      1     scrypt block size r (1..32)
    12      1     scrypt parallelism p (1..4)
    13      1     cipher: 1 = AES-256-GCM
    14      16    salt (random, per file)
    30      12    nonce (random, per file)
    42      8     length of the ciphertext, 16-byte tag included
    50      ...   ciphertext and tag

The 256-bit key is derived from the passphrase (Unicode NFC, UTF-8) and the salt by
scrypt, a memory-hard function; the plaintext (the passport file's bytes, JSON or YAML,
exactly as they were) is sealed with AES-256-GCM, with the whole 50-byte header as
associated data, so changing any byte of the header, the ciphertext or the tag makes
decryption fail. Both primitives come from the ``cryptography`` package.

The magic starts with a byte that is not text (so an encrypted file is never taken for
JSON or YAML) and holds a CR LF and a Ctrl-Z, so a transfer that rewrote line endings is
recognised as damage. A file that asks for more scrypt memory or work than
[`MAX_SCRYPT_MEMORY_BYTES`][rarepassport.encryption] and
[`MAX_SCRYPT_WORK`][rarepassport.encryption] allow is refused before
any key is derived: a hostile file cannot make a reader spend gigabytes or minutes.

Decryption is all or nothing: a wrong passphrase, a changed byte, a truncated file or
trailing bytes raise an [`EncryptionError`][rarepassport.errors.EncryptionError] and no
plaintext is returned. This module imports ``cryptography`` only when it encrypts or
decrypts.
"""

from __future__ import annotations

import os
import struct
import unicodedata

from rarepassport import limits
from rarepassport.errors import EncryptionError, Message, WrongPassphraseError

__all__ = [
    "CONTAINER_VERSION",
    "DEFAULT_SCRYPT_COST",
    "HEADER_BYTES",
    "MAGIC",
    "MAX_SCRYPT_COST",
    "MAX_SCRYPT_MEMORY_BYTES",
    "MAX_SCRYPT_WORK",
    "MIN_PASSPHRASE_LENGTH",
    "MIN_SCRYPT_COST",
    "OVERHEAD_BYTES",
    "decrypt_bytes",
    "encrypt_bytes",
    "is_encrypted",
]

#: The first eight bytes of every encrypted passport file.
MAGIC = b"\x89RPE\r\n\x1a\n"
#: The container version this library writes and reads.
CONTAINER_VERSION = 1
_KDF_SCRYPT = 1
_CIPHER_AES_256_GCM = 1
_SALT_BYTES = 16
_NONCE_BYTES = 12
_TAG_BYTES = 16
_HEADER = struct.Struct(">8sBBBBBB16s12sQ")
#: Length of the header (the associated data of the cipher).
HEADER_BYTES = _HEADER.size
#: How many bytes encryption adds to a file: the header and the tag.
OVERHEAD_BYTES = HEADER_BYTES + _TAG_BYTES

#: scrypt cost (log2 N) used when encrypting: N = 2**17, r = 8, p = 1, 128 MiB
#: (the OWASP recommendation for scrypt).
DEFAULT_SCRYPT_COST = 17
#: The lowest cost :func:`encrypt_bytes` accepts (16 MiB).
MIN_SCRYPT_COST = 14
#: The highest cost a file may ask for.
MAX_SCRYPT_COST = 20
_SCRYPT_R = 8
_SCRYPT_P = 1
#: Most memory a file's scrypt parameters may ask for (128 × r × N bytes).
MAX_SCRYPT_MEMORY_BYTES = 256 * 1024 * 1024
#: Most work a file's scrypt parameters may ask for (N × r × p), four times the default.
MAX_SCRYPT_WORK = 4 * (2**DEFAULT_SCRYPT_COST) * _SCRYPT_R
#: The shortest passphrase :func:`encrypt_bytes` accepts, in characters.
MIN_PASSPHRASE_LENGTH = 8


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` is (the start of) an encrypted passport file, by its magic bytes."""
    return data[: len(MAGIC)] == MAGIC


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    if isinstance(passphrase, bytes):
        return passphrase
    if not isinstance(passphrase, str):
        raise TypeError(f"the passphrase must be str or bytes, not {type(passphrase).__name__}")
    # NFC: the same passphrase typed on two keyboards gives the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")


def _derive(passphrase: bytes, salt: bytes, cost: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**cost, r=r, p=p).derive(passphrase)


def encrypt_bytes(data: bytes, passphrase: str | bytes, *, cost: int = DEFAULT_SCRYPT_COST) -> bytes:
    """Seal the bytes of a passport file with a passphrase (container version 1).

    Args:
        data: The file's bytes (JSON or YAML), kept exactly.
        passphrase: At least [`MIN_PASSPHRASE_LENGTH`][rarepassport.encryption]
            characters; text is normalised to Unicode NFC first.
        cost: log2 of scrypt's N, from [`MIN_SCRYPT_COST`][rarepassport.encryption]
            to [`MAX_SCRYPT_COST`][rarepassport.encryption].

    Returns:
        The encrypted file's bytes; a fresh random salt and nonce every call.

    Raises:
        EncryptionError: For a passphrase that is too short, a cost out of range, data
            that is already encrypted or larger than
            [`rarepassport.limits.MAX_FILE_BYTES`][rarepassport.limits].
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = _passphrase_bytes(passphrase)
    length = len(passphrase) if isinstance(passphrase, str) else len(secret)
    if length < MIN_PASSPHRASE_LENGTH:
        raise EncryptionError(Message("error.encryption.passphrase-short",
                                      "the passphrase is too short; use at least {n} characters "
                                      "(a few unrelated words are easy to remember)", n=MIN_PASSPHRASE_LENGTH))
    if not isinstance(cost, int) or not MIN_SCRYPT_COST <= cost <= MAX_SCRYPT_COST:
        raise EncryptionError(Message("error.encryption.cost", "the scrypt cost must be a whole number from {least} to "
                                      "{most}", least=MIN_SCRYPT_COST, most=MAX_SCRYPT_COST))
    if is_encrypted(data):
        raise EncryptionError(Message("error.encryption.already", "the data is already encrypted"))
    if len(data) > limits.MAX_FILE_BYTES:
        raise EncryptionError(Message("error.encryption.too-large",
                                      "larger than {most} bytes (see rarepassport.limits)", most=limits.MAX_FILE_BYTES))
    salt, nonce = os.urandom(_SALT_BYTES), os.urandom(_NONCE_BYTES)
    header = _HEADER.pack(MAGIC, CONTAINER_VERSION, _KDF_SCRYPT, cost, _SCRYPT_R, _SCRYPT_P,
                          _CIPHER_AES_256_GCM, salt, nonce, len(data) + _TAG_BYTES)
    key = _derive(secret, salt, cost, _SCRYPT_R, _SCRYPT_P)
    return header + AESGCM(key).encrypt(nonce, bytes(data), header)


def decrypt_bytes(data: bytes, passphrase: str | bytes, *, source: str | None = None) -> bytes:
    """Open an encrypted passport file: all of its bytes, or an error and nothing.

    The header is checked (magic, version, algorithms, bounded scrypt parameters,
    length) before any key is derived.

    Args:
        data: The encrypted file's bytes.
        passphrase: The passphrase it was sealed with.
        source: The file's name, for messages.

    Returns:
        The original file's bytes.

    Raises:
        WrongPassphraseError: The passphrase is wrong or the file was changed.
        EncryptionError: The data is not an encrypted passport, is truncated, has
            trailing bytes, is of a newer container version, or asks for more scrypt
            memory or work than allowed.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    def fail(message_id: str, english: str, **arguments: object) -> EncryptionError:
        return EncryptionError(Message(f"error.encryption.{message_id}", english, **arguments), source=source)

    if not is_encrypted(data):
        if MAGIC.startswith(data[: len(MAGIC)]) and data:
            raise fail("truncated-header", "the encrypted file is truncated (it ends inside its header)")
        if data[:1] == MAGIC[:1] and data[1:4] == MAGIC[1:4]:
            raise fail("line-endings", "the encrypted file is damaged: its line endings were changed in transfer "
                       "(copy it as a binary file)")
        raise fail("not-encrypted",
                   "not an encrypted passport file (it does not start with the rarepassport magic bytes)")
    if len(data) < len(MAGIC) + 1:
        raise fail("truncated-header", "the encrypted file is truncated (it ends inside its header)")
    version = data[len(MAGIC)]
    if version != CONTAINER_VERSION:
        if version > CONTAINER_VERSION:
            raise fail("newer-version", "encrypted with container version {version}; this rarepassport reads "
                       "version {known}; upgrade rarepassport", version=version, known=CONTAINER_VERSION)
        raise fail("other-version", "encrypted with container version {version}; this rarepassport reads version "
                   "{known}", version=version, known=CONTAINER_VERSION)
    if len(data) < HEADER_BYTES:
        raise fail("truncated-header", "the encrypted file is truncated (it ends inside its header)")
    _, _, kdf, cost, r, p, cipher, salt, nonce, length = _HEADER.unpack_from(data)
    if kdf != _KDF_SCRYPT:
        raise fail("unknown-kdf", "unknown key derivation {kdf} (this rarepassport knows 1, scrypt)", kdf=kdf)
    if cipher != _CIPHER_AES_256_GCM:
        raise fail("unknown-cipher", "unknown cipher {cipher} (this rarepassport knows 1, AES-256-GCM)", cipher=cipher)
    if not (1 <= cost <= MAX_SCRYPT_COST and 1 <= r <= 32 and 1 <= p <= 4):
        raise fail("scrypt-range", "scrypt parameters out of range (log2 N at most {most}, r 1 to 32, p 1 to 4); "
                   "refused without deriving a key", most=MAX_SCRYPT_COST)
    if 128 * r * 2**cost > MAX_SCRYPT_MEMORY_BYTES or r * p * 2**cost > MAX_SCRYPT_WORK:
        raise fail("scrypt-work", "the file asks for more scrypt memory or work than allowed "
                   "(rarepassport.encryption.MAX_SCRYPT_MEMORY_BYTES, MAX_SCRYPT_WORK); refused without deriving a key")
    if length < _TAG_BYTES or length > limits.MAX_FILE_BYTES + _TAG_BYTES:
        raise fail("impossible-length", "the encrypted file's header gives an impossible length; the file is damaged")
    body = data[HEADER_BYTES:]
    if len(body) < length:
        raise fail("truncated", "the encrypted file is truncated: {count} of its bytes are missing",
                   count=length - len(body))
    if len(body) > length:
        raise fail("trailing", "the encrypted file has {count} unexpected bytes after its end; the file is damaged",
                   count=len(body) - length)
    key = _derive(_passphrase_bytes(passphrase), salt, cost, r, p)
    try:
        return AESGCM(key).decrypt(nonce, body, data[:HEADER_BYTES])
    except InvalidTag:
        raise WrongPassphraseError(Message("error.encryption.wrong-passphrase", "wrong passphrase, or the encrypted "
                                           "file was changed; nothing was decrypted"), source=source) from None
