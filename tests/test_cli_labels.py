"""``rarepassport labels``: languages, their review status, and what a language lacks."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from rarepassport import labels
from rarepassport.cli import main


@pytest.fixture(autouse=True)
def _no_outside_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAREPASSPORT_DISABLE_PLUGINS", "1")


def test_labels_lists_every_built_in_language_with_its_review_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labels"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    for language in labels.BUILT_IN_LANGUAGES:
        assert language in lines
        assert "0 missing" in lines[language]
    for language, status in labels.REVIEW_STATUS.items():
        assert status in lines[language]
    assert "machine-assisted draft: not reviewed by a fluent speaker or a clinician" in lines["fr"]


def test_every_built_in_language_but_english_is_marked_machine_assisted() -> None:
    # Until someone reviews a catalogue, its status must say it is an unreviewed draft.
    assert set(labels.REVIEW_STATUS) == set(labels.BUILT_IN_LANGUAGES)
    unreviewed = [tag for tag, status in labels.REVIEW_STATUS.items() if tag != "en" and "not reviewed" not in status]
    assert unreviewed == []


def test_labels_missing_for_a_complete_language_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labels", "missing", "FR"]) == 0
    assert "No label is missing in fr." in capsys.readouterr().out


def test_labels_missing_lists_ids_with_their_english_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labels", "missing", "sw"]) == 1
    out = capsys.readouterr().out
    assert "section.allergies\tAllergies" in out
    assert "label(s) missing in sw: they are shown in English." in out


def test_labels_missing_with_an_unknown_tag_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labels", "missing", "qq-ZZ"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rarepassport: ") and len(err.splitlines()) == 1


# --- rarepassport fonts ------------------------------------------------------------------


@pytest.fixture
def fresh_font_search() -> Iterator[None]:
    from rarepassport.rendering import _fonts

    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


def test_fonts_names_the_font_of_each_script_the_labels_need(
    capsys: pytest.CaptureFixture[str], fresh_font_search: None
) -> None:
    # CI installs fonts-noto-core and fonts-noto-cjk, and uharfbuzz comes with rarepassport.
    assert main(["fonts"]) == 0
    out = capsys.readouterr().out
    lines = {line.split("  ")[1].strip(): line for line in out.splitlines() if line.startswith("  ")}
    assert "DejaVuSans.ttf" in lines["Latin"]
    assert "NotoSansDevanagari" in lines["Devanagari"] and "(labels: hi)" in lines["Devanagari"]
    assert "NotoSansCJK" in lines["Han"]
    assert "Text shaping (HarfBuzz, uharfbuzz): installed" in out


@pytest.mark.parametrize("language", [tag for tag in labels.BUILT_IN_LANGUAGES if tag != "en"])
def test_fonts_names_the_scripts_in_the_messages_language_from_cldr(
    language: str, capsys: pytest.CaptureFixture[str], fresh_font_search: None
) -> None:
    from babel import Locale

    from rarepassport.cli._fonts import SCRIPT_SAMPLES

    main(["--language", language, "fonts"])
    out = capsys.readouterr().out
    names = Locale.parse(language, sep="-").scripts
    english = Locale.parse("en_GB").scripts

    def capital(name: str) -> str:
        return name[:1].upper() + name[1:]

    for code, _sample, _languages in SCRIPT_SAMPLES:
        # CLDR leaves out a name written as English writes it (German "Thai").
        name = capital(names.get(code) or english[code])
        assert re.search(rf"^  {re.escape(name)} ", out, re.MULTILINE), (language, code)
        if capital(english[code]) != name:
            assert not re.search(rf"^  {re.escape(capital(english[code]))} ", out, re.MULTILINE), (language, code)


def test_fonts_says_which_needed_script_is_not_covered(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fresh_font_search: None
) -> None:
    monkeypatch.setenv("RAREPASSPORT_SYSTEM_FONTS", "0")
    monkeypatch.delenv("RAREPASSPORT_FONT_DIRS", raising=False)
    assert main(["fonts"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^  Devanagari +NOT COVERED", out, re.MULTILINE)
    assert "Not covered but needed by shipped labels: Devanagari, Han." in out
