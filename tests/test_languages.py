"""Language tags, writing direction and scripts (``rarepassport.languages``).

Specification: the module and function docstrings: tags as people type them are
normalised through CLDR, a catalogue is chosen most specific first and English is used
(and said) when there is none, so a document never claims a language its labels are not
in; text in another script than the page's is marked with a language that is never a
false claim. How this shows in rendered documents is in tests/test_translations.py and
tests/test_languages_render.py.
"""

from __future__ import annotations

import pytest

from rarepassport import languages


@pytest.mark.parametrize(("tag", "normal"), [
    ("FR", "fr"), ("pt-br", "pt-BR"), ("zh-CN", "zh-Hans-CN"), ("zh-TW", "zh-Hant-TW"), ("zh", "zh-Hans"),
    ("iw", "he-IL"), ("en_gb", "en-GB"), (" es ", "es"), ("fr-XK", "fr"),
])
def test_a_tag_is_normalised_to_its_canonical_form(tag: str, normal: str) -> None:
    assert languages.normalise(tag) == normal


@pytest.mark.parametrize("tag", ["", "xx", "klingon", "fr;DROP", "e\u0301n", "-", "fr--FR"])
def test_a_tag_cldr_does_not_know_is_none(tag: str) -> None:
    assert languages.normalise(tag) is None


def test_candidates_go_from_the_most_specific_to_the_language() -> None:
    assert languages.candidates("zh-Hans-CN") == ("zh-Hans-CN", "zh-Hans", "zh")
    assert languages.candidates("fr") == ("fr",)


def test_the_most_specific_catalogue_there_is_is_chosen() -> None:
    have = {"fr", "pt-BR", "zh-Hans"}.__contains__
    choice = languages.choose("fr-CA", have)
    assert (choice.tag, choice.catalogue, choice.known, choice.fallback) == ("fr-CA", "fr", True, False)
    assert languages.choose("PT-br", have).catalogue == "pt-BR"
    assert languages.choose("zh-CN", have).catalogue == "zh-Hans"
    assert languages.choose("pt", have).catalogue == "en"  # pt-BR is no catalogue for plain pt


def test_without_a_catalogue_the_document_is_english_and_says_so() -> None:
    none = languages.choose("sw", lambda tag: False)
    assert (none.requested, none.tag, none.catalogue, none.known, none.fallback) == ("sw", "en", "en", True, True)
    unknown = languages.choose("xx-YY", lambda tag: True)
    assert (unknown.tag, unknown.known, unknown.fallback) == ("en", False, True)


def test_english_needs_no_catalogue_and_keeps_its_region() -> None:
    choice = languages.choose("en-us", lambda tag: False)
    assert (choice.tag, choice.catalogue, choice.fallback) == ("en-US", "en", False)


@pytest.mark.parametrize(("tag", "way"), [("ar", "rtl"), ("he", "rtl"), ("ur", "rtl"), ("fa-IR", "rtl"),
                                          ("en", "ltr"), ("zh-Hans", "ltr"), ("hi", "ltr"), ("xx", "ltr")])
def test_the_writing_direction_comes_from_cldr(tag: str, way: str) -> None:
    assert languages.direction(tag) == way


def test_dates_and_numbers_of_bare_english_are_british() -> None:
    assert str(languages.babel_locale("en")) == "en_GB"
    assert str(languages.babel_locale("xx")) == "en_GB"
    assert str(languages.babel_locale("en-US")) == "en_US"
    assert str(languages.babel_locale("fr")) == "fr"


def test_a_language_is_named_in_the_reader_s_language() -> None:
    assert languages.display_name("en", "fr") == "anglais"
    assert languages.display_name("de", "es") == "alemán"
    assert languages.display_name("xx", "fr") == "xx"  # unknown: the tag itself


@pytest.mark.parametrize(("text", "script"), [
    ("Amira Haddad", "Latn"), ("أميرة حداد", "Arab"), ("王芳", "Hani"), ("Ольга", "Cyrl"), ("अमित", "Deva"),
    ("1234 -", None), ("", None), ("Dr 王芳 Li", "Latn"),
])
def test_the_script_of_a_text_is_that_of_most_of_its_letters(text: str, script: str | None) -> None:
    assert languages.script_of(text) == script


@pytest.mark.parametrize(("tag", "script"), [("ar", "Arab"), ("zh-Hant-TW", "Hani"), ("sr-Latn", "Latn"),
                                             ("fr", "Latn"), ("xx", "Latn"), ("ja", "Jpan")])
def test_the_usual_script_of_a_language(tag: str, script: str) -> None:
    assert languages.script_of_language(tag) == script


def test_text_is_marked_only_when_its_script_is_not_the_page_s() -> None:
    # In a French page, English and French words share the Latin script: no (possibly false) mark.
    assert languages.text_language("Peanut", "en", "fr") is None
    # An English name in an Arabic page is the passport's own language.
    assert languages.text_language("Amira Haddad", "en", "ar") == "en"
    # Arabic text in an English passport rendered in French: the script only, never a false language.
    assert languages.text_language("أميرة حداد", "en", "fr") == "und-Arab"
    assert languages.text_language("أميرة حداد", "ar", "fr") == "ar"
    assert languages.text_language("12/03", "en", "ar") is None  # no letters


def runs(text: str) -> list[tuple[str, str]]:
    return [(text[start:end], script) for start, end, script in languages.script_runs(text)]


@pytest.mark.parametrize(("text", "found"), [
    ("Mother speaks only 中文 at home.", [("Mother speaks only", "Latn"), ("中文", "Hani"), ("at home", "Latn")]),
    # The brackets and the spaces around a run are in none; those between its letters are in it.
    ("Call (فاطمة حداد) now", [("Call", "Latn"), ("فاطمة حداد", "Arab"), ("now", "Latn")]),
    # A vowel sign or an anusvara after the last letter is the run's, a full stop is not.
    ("says नमस्ते हिंदी.", [("says", "Latn"), ("नमस्ते हिंदी", "Deva")]),
    ("ساعة ١٢ Ali", [("ساعة", "Arab"), ("Ali", "Latn")]),  # digits at an end are in no run
    ("東京に住む", [("東京に住む", "Jpan")]),  # Han and kana: one Japanese run
    ("0300 123 4567 -", []),
])
def test_a_text_is_cut_into_runs_of_one_script(text: str, found: list[tuple[str, str]]) -> None:
    assert runs(text) == found


def test_a_run_never_straddles_a_directional_isolate() -> None:
    assert runs("王\u2066芳 Li\u2069") == [("王", "Hani"), ("芳", "Hani"), ("Li", "Latn")]


@pytest.mark.parametrize(("text", "found"), [
    # Its closing bracket after its last letter: the run reaches out to it.
    ("दैनिक खुराक (निर्धारित अनुसार): 10 mg", [("दैनिक खुराक (निर्धारित अनुसार)", "Deva"), ("mg", "Latn")]),
    ("Priya (प्रिया) शर्मा", [("Priya", "Latn"), ("(प्रिया) शर्मा", "Deva")]),
    ("紧急剂量（按处方）: 10 mg", [("紧急剂量（按处方）", "Hani"), ("mg", "Latn")]),  # full-width brackets too
    # The partner is beyond a run of another script: the run ends before its bracket.
    ("see (Ali عربي)", [("see", "Latn"), ("Ali", "Latn"), ("عربي", "Arab")]),
])
def test_a_run_holds_both_brackets_of_a_pair_or_neither(text: str, found: list[tuple[str, str]]) -> None:
    assert runs(text) == found
