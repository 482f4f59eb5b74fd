"""Encryption at rest: the container format, all-or-nothing decryption, bounded key
derivation, ``load(path, passphrase=...)`` and the ``encrypt`` / ``decrypt`` commands."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import rarepassport as rp
from rarepassport import encryption

SRC = Path(__file__).resolve().parents[1] / "src"
EXAMPLE = SRC / "rarepassport" / "data" / "example-passport.json"
PASSPHRASE = "correct horse battery staple"
# The lowest cost the library accepts, so that the suite stays quick; the default is
# checked once, through the command line.
FAST = encryption.MIN_SCRYPT_COST


def sealed(data: bytes | None = None, passphrase: str = PASSPHRASE) -> bytes:
    return rp.encrypt_bytes(EXAMPLE.read_bytes() if data is None else data, passphrase, cost=FAST)


def with_header(data: bytes, **fields: int) -> bytes:
    """``data`` with some header fields rewritten (the tag then no longer matches)."""
    offsets = {"version": 8, "kdf": 9, "cost": 10, "r": 11, "p": 12, "cipher": 13}
    out = bytearray(data)
    for name, value in fields.items():
        out[offsets[name]] = value
    return bytes(out)


# --- the documented container format --------------------------------------------------------


def test_the_container_decrypts_by_its_documented_layout_with_an_independent_scrypt() -> None:
    # Read the header as docs/encryption.md lays it out, derive the key with the standard
    # library's scrypt (not the one rarepassport calls), and open it with AES-256-GCM
    # taking the whole header as associated data.
    data = sealed()
    magic, version, kdf, cost, r, p, cipher, salt, nonce, length = struct.unpack_from(">8sBBBBBB16s12sQ", data)
    assert (magic, version, kdf, cipher) == (b"\x89RPE\r\n\x1a\n", 1, 1, 1)
    assert (cost, r, p) == (FAST, 8, 1)
    assert length == len(data) - 50
    key = hashlib.scrypt(PASSPHRASE.encode(), salt=salt, n=2**cost, r=r, p=p, dklen=32, maxmem=2**26)
    assert AESGCM(key).decrypt(nonce, data[50:], data[:50]) == EXAMPLE.read_bytes()


def test_every_encryption_has_its_own_salt_and_nonce() -> None:
    first, second = sealed(), sealed()
    assert first[14:42] != second[14:42]
    assert first[50:] != second[50:]


def test_an_encrypted_file_holds_no_text_of_the_passport() -> None:
    data = sealed()
    assert b"Maisie" not in data and b"schema_version" not in data


# --- all or nothing -----------------------------------------------------------------------


def test_a_wrong_passphrase_is_a_clear_error_that_does_not_echo_it() -> None:
    with pytest.raises(rp.WrongPassphraseError, match="wrong passphrase, or the encrypted file was changed") as caught:
        rp.decrypt_bytes(sealed(), "the wrong passphrase")
    assert "the wrong passphrase" not in str(caught.value)


@pytest.mark.parametrize("offset", [14, 29, 30, 41, 50, 1000, -17, -1])
def test_a_changed_byte_of_salt_nonce_ciphertext_or_tag_is_refused(offset: int) -> None:
    data = bytearray(sealed())
    data[offset] ^= 0x01
    with pytest.raises(rp.WrongPassphraseError):
        rp.decrypt_bytes(bytes(data), PASSPHRASE)


def test_a_changed_length_field_is_refused() -> None:
    data = bytearray(sealed())
    data[49] ^= 0x01
    with pytest.raises(rp.EncryptionError, match=r"truncated|unexpected bytes"):
        rp.decrypt_bytes(bytes(data), PASSPHRASE)


def test_a_lowered_scrypt_cost_in_the_header_is_caught_by_the_tag() -> None:
    # The header is associated data: an attacker cannot make the reader derive a weaker key
    # and still have the file open.
    with pytest.raises(rp.WrongPassphraseError):
        rp.decrypt_bytes(with_header(sealed(), cost=FAST - 1), PASSPHRASE)


@pytest.mark.parametrize("keep", [0, 3, 8, 9, 30, 49, 50, 51, 200, -16, -1])
def test_a_truncated_file_says_so_and_returns_nothing(keep: int) -> None:
    data = sealed()
    with pytest.raises(rp.EncryptionError, match="truncated") as caught:
        rp.decrypt_bytes(data[:keep] if keep else data[:1], PASSPHRASE, source="ada.json.rpenc")
    assert str(caught.value).startswith("ada.json.rpenc: ")


def test_trailing_bytes_are_refused() -> None:
    with pytest.raises(rp.EncryptionError, match="unexpected bytes after its end"):
        rp.decrypt_bytes(sealed() + b"\n", PASSPHRASE)


def test_a_file_whose_line_endings_were_rewritten_is_named_as_such() -> None:
    data = sealed().replace(b"\r\n", b"\n", 1)
    with pytest.raises(rp.EncryptionError, match="line endings were changed"):
        rp.decrypt_bytes(data, PASSPHRASE)


def test_a_plain_passport_is_not_taken_for_an_encrypted_one() -> None:
    assert not rp.is_encrypted(EXAMPLE.read_bytes())
    with pytest.raises(rp.EncryptionError, match="not an encrypted passport file"):
        rp.decrypt_bytes(EXAMPLE.read_bytes(), PASSPHRASE)


def test_a_newer_container_version_names_the_upgrade() -> None:
    with pytest.raises(rp.EncryptionError, match="container version 2; this rarepassport reads version 1; upgrade"):
        rp.decrypt_bytes(with_header(sealed(), version=2), PASSPHRASE)


@pytest.mark.parametrize("fields", [{"kdf": 2}, {"cipher": 7}])
def test_an_unknown_algorithm_is_refused(fields: dict[str, int]) -> None:
    with pytest.raises(rp.EncryptionError, match="unknown"):
        rp.decrypt_bytes(with_header(sealed(), **fields), PASSPHRASE)


# --- hostile key-derivation parameters -----------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"cost": 40},  # 2**40 blocks: would never finish
        {"cost": 21},  # above MAX_SCRYPT_COST
        {"cost": 20, "r": 8},  # 1 GiB of memory
        {"cost": 17, "r": 32},  # 512 MiB of memory
        {"cost": 18, "r": 8, "p": 4},  # within memory, 16 times the default work
        {"r": 0},
        {"p": 0},
        {"p": 200},
        {"r": 255},
    ],
)
def test_scrypt_parameters_beyond_the_bounds_are_refused_before_deriving(fields: dict[str, int]) -> None:
    with pytest.raises(rp.EncryptionError, match="refused without deriving a key"):
        rp.decrypt_bytes(with_header(sealed(), **fields), PASSPHRASE)


def test_the_bounds_allow_the_default_and_the_highest_cost_written() -> None:
    assert 128 * 8 * 2**encryption.DEFAULT_SCRYPT_COST <= encryption.MAX_SCRYPT_MEMORY_BYTES
    assert 8 * 2**encryption.DEFAULT_SCRYPT_COST <= encryption.MAX_SCRYPT_WORK


# --- what encryption accepts -------------------------------------------------------------------


def test_a_short_passphrase_is_refused() -> None:
    with pytest.raises(rp.EncryptionError, match="at least 8 characters"):
        rp.encrypt_bytes(b"{}", "short", cost=FAST)


@pytest.mark.parametrize("cost", [FAST - 1, encryption.MAX_SCRYPT_COST + 1])
def test_a_cost_out_of_range_is_refused(cost: int) -> None:
    with pytest.raises(rp.EncryptionError, match="scrypt cost"):
        rp.encrypt_bytes(b"{}", PASSPHRASE, cost=cost)


def test_an_encrypted_file_is_not_encrypted_twice() -> None:
    with pytest.raises(rp.EncryptionError, match="already encrypted"):
        rp.encrypt_bytes(sealed(), PASSPHRASE, cost=FAST)


def test_the_passphrase_is_compared_after_unicode_normalisation() -> None:
    composed = unicodedata.normalize("NFC", "crème brûlée à l'été")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert rp.decrypt_bytes(sealed(passphrase=composed), decomposed) == EXAMPLE.read_bytes()


# --- load(path, passphrase=...) --------------------------------------------------------------------


def test_load_reads_an_encrypted_file_with_its_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "ada.json.rpenc"
    path.write_bytes(sealed())
    assert rp.load(path, passphrase=PASSPHRASE) == rp.load(EXAMPLE)


def test_load_asks_a_passphrase_function_only_for_an_encrypted_file(tmp_path: Path) -> None:
    asked: list[str] = []

    def ask() -> str:
        asked.append("asked")
        return PASSPHRASE

    rp.load(EXAMPLE, passphrase=ask)
    assert asked == []
    path = tmp_path / "ada.rpenc"
    path.write_bytes(sealed())
    assert rp.load(path, passphrase=ask).person.name == rp.load(EXAMPLE).person.name
    assert asked == ["asked"]


def test_load_of_an_encrypted_file_without_a_passphrase_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ada.json.rpenc"
    path.write_bytes(sealed())
    with pytest.raises(rp.PassphraseRequiredError, match=r"ada\.json\.rpenc: the file is encrypted"):
        rp.load(path)


def test_load_with_a_wrong_passphrase_raises(tmp_path: Path) -> None:
    path = tmp_path / "ada.json.rpenc"
    path.write_bytes(sealed())
    with pytest.raises(rp.WrongPassphraseError):
        rp.load(path, passphrase="not the passphrase")


def test_an_encrypted_yaml_passport_is_read_as_yaml_whatever_its_name(tmp_path: Path) -> None:
    source = tmp_path / "ada.yaml"
    rp.dump(rp.load(EXAMPLE), source)
    path = tmp_path / "ada.rpenc"
    path.write_bytes(sealed(source.read_bytes()))
    assert rp.load(path, passphrase=PASSPHRASE) == rp.load(EXAMPLE)


# --- the command line ------------------------------------------------------------------------------


def run_cli(*args: str, passphrase: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "RAREPASSPORT_PASSPHRASE"}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])
    if passphrase is not None:
        env["RAREPASSPORT_PASSPHRASE"] = passphrase
    # A new session has no controlling terminal: nothing can be asked for interactively.
    return subprocess.run([sys.executable, "-m", "rarepassport", *args], capture_output=True, text=True,
                          check=False, env=env, cwd=cwd, stdin=subprocess.DEVNULL, start_new_session=True)


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    path = tmp_path / "ada.json"
    path.write_bytes(EXAMPLE.read_bytes())
    return path


def test_encrypt_then_decrypt_gives_back_the_same_bytes(plain: Path, passphrase_file: Path, tmp_path: Path) -> None:
    done = run_cli("encrypt", str(plain), "--passphrase-file", str(passphrase_file))
    assert done.returncode == 0, done.stderr
    sealed_path = tmp_path / "ada.json.rpenc"
    assert rp.is_encrypted(sealed_path.read_bytes())
    assert sealed_path.read_bytes()[10] == encryption.DEFAULT_SCRYPT_COST
    assert oct(sealed_path.stat().st_mode & 0o777) == "0o600"
    back = tmp_path / "back.json"
    opened = run_cli("decrypt", str(sealed_path), "-o", str(back), "--passphrase-file", str(passphrase_file))
    assert opened.returncode == 0, opened.stderr
    assert back.read_bytes() == plain.read_bytes()


def test_the_passphrase_may_come_from_the_environment(plain: Path, tmp_path: Path) -> None:
    assert run_cli("encrypt", str(plain), "--cost", str(FAST), passphrase=PASSPHRASE).returncode == 0
    (tmp_path / "ada.json").unlink()
    opened = run_cli("decrypt", str(tmp_path / "ada.json.rpenc"), passphrase=PASSPHRASE)
    assert opened.returncode == 0, opened.stderr
    assert (tmp_path / "ada.json").read_bytes() == EXAMPLE.read_bytes()


def test_without_a_passphrase_or_a_terminal_the_command_says_how_to_give_one(plain: Path, tmp_path: Path) -> None:
    done = run_cli("encrypt", str(plain))
    assert done.returncode == 2
    assert "give --passphrase-file FILE or set RAREPASSPORT_PASSPHRASE" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "ada.json.rpenc").exists()


def test_decrypt_with_a_wrong_passphrase_writes_nothing(plain: Path, tmp_path: Path) -> None:
    (tmp_path / "ada.rpenc").write_bytes(sealed())
    out = tmp_path / "out.json"
    done = run_cli("decrypt", str(tmp_path / "ada.rpenc"), "-o", str(out), passphrase="not the passphrase")
    assert done.returncode == 2
    assert "wrong passphrase, or the encrypted file was changed; nothing was decrypted" in done.stderr
    assert "not the passphrase" not in done.stderr + done.stdout
    assert not out.exists()


def test_decrypt_of_a_truncated_file_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "ada.json.rpenc").write_bytes(sealed()[:-100])
    done = run_cli("decrypt", str(tmp_path / "ada.json.rpenc"), passphrase=PASSPHRASE)
    assert done.returncode == 2
    assert "the encrypted file is truncated: 100 of its bytes are missing" in done.stderr
    assert not (tmp_path / "ada.json").exists()


def test_decrypt_never_replaces_an_existing_file_without_force(tmp_path: Path) -> None:
    (tmp_path / "ada.json.rpenc").write_bytes(sealed())
    (tmp_path / "ada.json").write_text("keep me")
    done = run_cli("decrypt", str(tmp_path / "ada.json.rpenc"), passphrase=PASSPHRASE)
    assert done.returncode == 2 and "already exists" in done.stderr
    assert (tmp_path / "ada.json").read_text() == "keep me"


def test_encrypt_refuses_what_is_not_a_document(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a passport")
    done = run_cli("encrypt", str(tmp_path / "photo.jpg"), passphrase=PASSPHRASE)
    assert done.returncode == 2 and "not a JSON or YAML document" in done.stderr


@pytest.mark.parametrize("command", [["validate"], ["render", "--format", "text", "-o", "-"], ["export", "fhir"]])
def test_the_reading_commands_open_an_encrypted_passport(
    tmp_path: Path, passphrase_file: Path, command: list[str]
) -> None:
    path = tmp_path / "ada.json.rpenc"
    path.write_bytes(sealed())
    done = run_cli(*command, str(path), "--passphrase-file", str(passphrase_file))
    assert done.returncode == 0, done.stderr
    if command[0] == "export":
        assert json.loads(done.stdout)["resourceType"] == "Bundle"
    elif command[0] == "render":
        assert "Maisie Thornbury" in done.stdout


@pytest.mark.parametrize("command", [["validate"], ["render", "--format", "text", "-o", "-"]])
def test_a_reading_command_with_a_wrong_passphrase_fails_cleanly(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "ada.json.rpenc"
    path.write_bytes(sealed())
    done = run_cli(*command, str(path), passphrase="not the passphrase")
    assert done.returncode == 2
    assert "wrong passphrase" in done.stderr and "Traceback" not in done.stderr
    assert "Maisie" not in done.stdout


def test_render_names_the_output_of_an_encrypted_passport_for_the_passport(
    tmp_path: Path, passphrase_file: Path
) -> None:
    path = tmp_path / "ada.json.rpenc"
    path.write_bytes(sealed())
    done = run_cli("render", str(path), "--format", "text", "--passphrase-file", str(passphrase_file))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "ada.txt").is_file()


@pytest.mark.parametrize(("content", "message"), [("\nsecond line\n", "the first line is empty"),
                                                  (None, "cannot be standard input")])
def test_a_passphrase_file_must_hold_the_passphrase_on_its_first_line(
    plain: Path, tmp_path: Path, content: str | None, message: str
) -> None:
    given = "-"
    if content is not None:
        (tmp_path / "pw.txt").write_text(content)
        given = str(tmp_path / "pw.txt")
    done = run_cli("encrypt", str(plain), "--passphrase-file", given)
    assert done.returncode == 2 and message in done.stderr
    assert not (tmp_path / "ada.json.rpenc").exists()
