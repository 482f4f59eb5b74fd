"""Code-system format checks and check digits."""

from __future__ import annotations

import pytest

from rarepassport.codes import check_code, luhn_mod10_ok, nhs_number_ok, snomed_ok, verhoeff_ok


@pytest.mark.parametrize("sctid", ["22298006", "716186003", "73211009", "38341003", "404684003"])
def test_real_snomed_ct_concept_ids_pass(sctid: str) -> None:
    assert snomed_ok(sctid)


@pytest.mark.parametrize("sctid", ["22298007", "716186004", "012345", "12345", "22298106"])
def test_snomed_ct_ids_with_a_slip_fail(sctid: str) -> None:
    assert not snomed_ok(sctid)


def test_verhoeff_detects_every_single_digit_change() -> None:
    valid = "716186003"
    for position in range(len(valid)):
        for digit in "0123456789":
            if digit != valid[position]:
                assert not verhoeff_ok(valid[:position] + digit + valid[position + 1 :])


def test_verhoeff_detects_adjacent_transpositions() -> None:
    valid = "716186003"
    for i in range(len(valid) - 1):
        swapped = valid[:i] + valid[i + 1] + valid[i] + valid[i + 2 :]
        if swapped != valid:
            assert not verhoeff_ok(swapped)


@pytest.mark.parametrize(("loinc", "ok"), [("60591-5", True), ("11450-4", True), ("48765-2", True), ("60591-4", False)])
def test_loinc_check_digit(loinc: str, ok: bool) -> None:
    assert luhn_mod10_ok(loinc) is ok


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("9434765919", True),
        ("943 476 5919", True),
        ("943-476-5919", True),
        ("9434765918", False),
        ("943476591", False),
        ("abcdefghij", False),
    ],
)
def test_nhs_number_modulus_11(number: str, ok: bool) -> None:
    assert nhs_number_ok(number) is ok


def test_nhs_number_whose_check_would_be_ten_is_invalid() -> None:
    def remainder(prefix: str) -> int:
        return sum(int(d) * w for d, w in zip(prefix, range(10, 1, -1), strict=True)) % 11

    # A prefix with remainder 1 would need the check digit 10, which does not exist.
    prefix = next(p for p in (f"{n:09d}" for n in range(100000000, 100000100)) if remainder(p) == 1)
    assert not any(nhs_number_ok(prefix + d) for d in "0123456789")


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("ORPHA", "ORPHA:558"),
        ("OMIM", "OMIM:154700"),
        ("HPO", "HP:0001166"),
        ("ICD-10", "E27.1"),
        ("ICD-10", "G40"),
        ("ICD-11", "8A61.1"),
        ("ICD-11", "5C50.00"),
        ("SNOMED-CT", "22298006"),
        ("LOINC", "60591-5"),
        ("ATC", "H02AB09"),
        ("RxNorm", "5640"),
        ("http://example.org/codes", "abc"),
    ],
)
def test_well_formed_codes_pass(system: str, code: str) -> None:
    assert check_code(system, code) is None


@pytest.mark.parametrize(
    ("system", "code", "hint"),
    [
        ("ORPHA", "558", "ORPHA:558"),
        ("OMIM", "154700", "OMIM:154700"),
        ("HPO", "HP:1166", "HP:0001166"),
        ("ICD-10", "E271", "E27.1"),
        ("SNOMED-CT", "22298007", "check digit"),
        ("LOINC", "60591-4", "check digit"),
        ("ICD-11", "8a61.1", "8A61.1"),
    ],
)
def test_malformed_codes_say_what_is_expected(system: str, code: str, hint: str) -> None:
    message = check_code(system, code)
    assert message is not None and hint in message


def test_unknown_system_name_is_rejected_with_the_known_ones() -> None:
    message = check_code("Orphanet", "ORPHA:558")
    assert message is not None and "ORPHA" in message and "absolute URI" in message
