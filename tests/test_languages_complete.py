"""Every shipped language is complete where users read it: no English left from a catalogue
entry that has a translation.

For each shipped language the bundled examples are rendered as HTML, Markdown and PDF
(read back with pypdf and with poppler's ``pdftotext``), and the main commands are run
with ``--language``. Each output is searched for the English of every catalogue entry
(rarepassport's own and its built-in plugins') that has a translation in that language:
finding it means a text was shown in English where a translation exists.

The check is general, not a list of known strings. What it looks for is every part of
such an entry's English between its ``{placeholders}`` that has at least two words and
ten characters, and that no entry of the language itself contains (a translation may
keep a name: "Fabry"). What may be English is what the page says is English: the
person's own words (the passport file), the names of the publications guidance cites,
and text the HTML page marks ``lang="en"`` (guidance shown untranslated, a plugin title
nobody translated); for Markdown and PDF, which cannot mark it, the text the same
passport's HTML page marks so.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import json
import re
import shutil
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import rarepassport as rp
from helpers.pdftext import poppler_text, pypdf_text
from rarepassport.cli import build_parser, main, subcommands
from rarepassport.cli._common import set_message_language
from rarepassport.labels import BUILT_IN_LANGUAGES, ENGLISH, built_in_catalogue
from rarepassport.languages import candidates

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(path for path in (ROOT / "examples").rglob("*")
                  if path.suffix in (".json", ".yaml") and "plugins" not in path.relative_to(ROOT).parts)
LANGUAGES = [tag for tag in BUILT_IN_LANGUAGES if tag != "en"]
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@cache
def plugins() -> rp.PluginManager:
    """rarepassport's built-in plugins only: what every installation ships."""
    return rp.make_plugin_manager(entry_points=False)


def flat(text: str) -> str:
    return " ".join(text.split())


@cache
def english_left(language: str) -> dict[str, str]:
    """Each part of the English of an entry translated in ``language`` that must not be
    seen in it, with the entry's id."""
    registry = plugins().labels
    ids = set(ENGLISH) | registry.ids("en")
    translations: list[str] = []
    translated_english: dict[str, str] = {}
    for label_id in sorted(ids):
        english = registry.get_exact(label_id, "en") or ENGLISH.get(label_id)
        said = next((found for tag in candidates(language)
                     if (found := registry.get_exact(label_id, tag)) is not None), None)
        if said is not None:
            translations.append(said)
        if english and said is not None and said != english:
            translated_english[label_id] = english
    kept = flat("\n".join(translations))
    parts: dict[str, str] = {}
    for label_id, english in translated_english.items():
        for part in _PLACEHOLDER.split(english):
            part = flat(part).strip(" .,:;()\"'")
            if len(part) >= 10 and " " in part and part not in kept:
                parts.setdefault(part, label_id)
    return parts


def english_in(text: str, language: str, allowed: str = "") -> list[tuple[str, str]]:
    """(entry id, English) of each part of :func:`english_left` seen in ``text`` as whole
    words, except in ``allowed`` (what may be English)."""
    said, allowed = flat(text), flat(allowed)
    return sorted((label_id, part) for part, label_id in english_left(language).items()
                  if part in said and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", said)
                  and part not in allowed)


class _MarkedEnglish(html.parser.HTMLParser):
    """An HTML page's text, split into what is marked English (``lang="en..."``) and the rest."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                      "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.english: list[str] = []
        self.rest: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        inside = self.stack[-1] if self.stack else False
        self.stack.append(inside if lang is None else lang.split("-")[0] == "en")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        (self.english if self.stack and self.stack[-1] else self.rest).append(data)


def html_parts(page: str) -> tuple[str, str]:
    """(the text marked English, the rest) of an HTML page, each part on its own line."""
    parser = _MarkedEnglish()
    parser.feed(page)
    parser.close()
    return "\n".join(parser.english), "\n".join(parser.rest)


def own_words(path: Path, passport: rp.Passport) -> str:
    """What may be English in any language: the passport's own text and the names of the
    publications its guidance cites (never translated)."""
    sources = [guidance.source for found in plugins().hook.rarepassport_emergency_guidance(passport=passport)
               if found for guidance in found]
    return "\n".join([path.read_text(encoding="utf-8"), *sources])


def text_of(data: bytes | str) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else data


# --- the checker finds what it is for --------------------------------------------------------


def test_the_check_finds_english_labels_in_an_english_page() -> None:
    # An English page shown to a French reader is the case to catch: the check must find
    # the English of many translated entries in it, and none in the French page.
    path = ROOT / "examples" / "adult-several-conditions.yaml"
    passport = rp.load(path, plugins=plugins())
    english = text_of(rp.render(passport, "markdown", language="en", plugins=plugins()))
    found = english_in(english, "fr", own_words(path, passport))
    assert len(found) >= 10, found
    assert ("phrase.more_in_full", "More in the full passport") in found or any(
        label_id.startswith("section.") for label_id, _part in found)
    french = text_of(rp.render(passport, "markdown", language="fr", plugins=plugins()))
    assert english_in(french, "fr", own_words(path, passport)) == []


def test_the_check_finds_an_english_title_not_marked_english() -> None:
    # The same English text is allowed only where the page marks it English.
    part, label_id = next(iter(english_left("de").items()))
    assert english_in(f"<p>{part}</p>", "de") == [(label_id, part)]
    marked, rest = html_parts(f'<p><span lang="en">{part}</span></p><p>Andere</p>')
    assert english_in(rest, "de", marked) == [] and part in marked


# --- rendered outputs ------------------------------------------------------------------------


#: Drawing a PDF takes seconds: each language draws every third example (a different third
#: for the next language), so every example is drawn in three or four languages and every
#: language draws three examples; HTML and Markdown are made of every example in every language.
PDF_EVERY = 3


def _examples() -> Iterator[tuple[str, Path, bool]]:
    for number, language in enumerate(LANGUAGES):
        for index, path in enumerate(EXAMPLES):
            yield language, path, index % PDF_EVERY == number % PDF_EVERY


@pytest.mark.parametrize(("language", "path", "pdf"), list(_examples()),
                         ids=[f"{language}-{path.name}{'-pdf' if pdf else ''}" for language, path, pdf in _examples()])
def test_no_translated_catalogue_english_in_the_rendered_example(language: str, path: Path, pdf: bool) -> None:
    passport = rp.load(path, plugins=plugins())
    allowed = own_words(path, passport)
    with warnings.catch_warnings():
        # A sparse example's validation notes are not what is tested here.
        warnings.simplefilter("ignore", rp.RenderWarning)
        page = text_of(rp.render(passport, "html", language=language, plugins=plugins()))
        markdown = text_of(rp.render(passport, "markdown", language=language, plugins=plugins()))
        drawn = rp.render(passport, "pdf", language=language, plugins=plugins()) if pdf else None
    marked, rest = html_parts(page)
    allowed += "\n" + marked
    found = {
        "html": english_in(rest, language, allowed),
        "markdown": english_in(markdown, language, allowed),
    }
    if drawn is not None:
        assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
        found["pdf (pypdf)"] = english_in(pypdf_text(drawn), language, allowed)
        found["pdf (pdftotext)"] = english_in(poppler_text(drawn), language, allowed)
    assert {fmt: left for fmt, left in found.items() if left} == {}


def test_every_language_and_every_example_is_drawn_as_pdf() -> None:
    drawn = [(language, path) for language, path, pdf in _examples() if pdf]
    assert {language for language, _path in drawn} == set(LANGUAGES)
    assert {path for _language, path in drawn} == set(EXAMPLES)


# --- the command line --------------------------------------------------------------------------


@pytest.fixture
def in_language() -> Iterator[None]:
    """Each test sets the messages' language itself; English again afterwards."""
    yield
    set_message_language(argparse.Namespace(language="en"))


def every_help(language: str) -> Iterator[tuple[str, argparse.ArgumentParser, str]]:
    """(command words, parser, --help) of ``rarepassport`` and every command, in ``language``."""
    set_message_language(argparse.Namespace(language=language))
    parser = build_parser()
    for words, sub in [([], parser), *subcommands(parser)]:
        yield " ".join(["rarepassport", *words]), sub, sub.format_help()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translated_english_in_the_help_of_any_command(language: str, in_language: None) -> None:
    found = {where: left for where, _parser, said in every_help(language) if (left := english_in(said, language))}
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_names_each_metavar_of_a_command_as_its_usage_line_does(language: str, in_language: None) -> None:
    # An English metavar (FILE) in translated help whose usage line says FICHIER is a word
    # the reader cannot match with anything on the line above.
    set_message_language(argparse.Namespace(language="en"))
    english = {" ".join(["rarepassport", *words]): {action.metavar for action in sub._actions
                                                    if isinstance(action.metavar, str) and action.metavar.isupper()}
               for words, sub in [([], build_parser()), *subcommands(build_parser())]}
    translations = {ENGLISH[key]: built_in_catalogue(language)[key] for key in ENGLISH
                    if key.startswith("cli.metavar.")}
    found: dict[str, list[str]] = {}
    for where, _parser, said in every_help(language):
        left = [metavar for metavar in english[where] if translations.get(metavar, metavar) != metavar
                and re.search(rf"(?<![\w|]){re.escape(metavar)}(?![\w|-])", said)]
        if left:
            found[where] = sorted(left)
    assert found == {}


def test_the_command_list_names_a_command_s_metavars_in_the_language(in_language: None) -> None:
    top = next(said for where, _parser, said in every_help("fr") if where == "rarepassport")
    folder, name = (built_in_catalogue("fr")[f"cli.metavar.{key}"] for key in ("dir", "name"))
    assert f"plugin new {name} [{folder}]" in flat(top)
    # An environment variable named like a metavar of another command stays as it is.
    assert "LANG" in top


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What ``rarepassport argv`` prints, standard output and error together."""
    with contextlib.suppress(SystemExit):  # --help and usage errors end with SystemExit
        main(list(argv))
    done = capsys.readouterr()
    return done.out + "\n" + done.err


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translated_english_in_what_the_main_commands_say(
    language: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_language: None
) -> None:
    example = ROOT / "examples" / "adult-several-conditions.yaml"
    sparse = ROOT / "examples" / "minimal.json"
    allowed = "\n".join([own_words(path, rp.load(path, plugins=plugins())) for path in (example, sparse)]
                        + [str(tmp_path)])
    said = {
        "validate": run(capsys, "--language", language, "validate", *map(str, EXAMPLES)),
        "render": run(capsys, "--language", language, "render", str(sparse), "-f", "html",
                      "-o", str(tmp_path / "out.html")),
        "render pdf": run(capsys, "--language", language, "-v", "render", str(example), "-o",
                          str(tmp_path / "out.pdf")),
        "upgrade": run(capsys, "--language", language, "upgrade", str(example)),
        "plugins": run(capsys, "--language", language, "plugins"),
        "fonts": run(capsys, "--language", language, "fonts"),
        "labels": run(capsys, "--language", language, "labels"),
        "new": run(capsys, "--language", language, "new", str(tmp_path / "new.json")),
        "usage error": run(capsys, "--language", language, "render"),
        "missing file": run(capsys, "--language", language, "validate", str(tmp_path / "absent.json")),
    }
    assert (tmp_path / "out.pdf").exists() and (tmp_path / "new.json").exists()
    found = {command: left for command, out in said.items() if (left := english_in(out, language, allowed))}
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_validate_says_each_issue_s_severity_in_the_language(
    language: str, capsys: pytest.CaptureFixture[str], in_language: None
) -> None:
    # The single words escape the check above (parts of ten letters or more): each line
    # starts with the catalogue's word for its severity; the JSON keeps the machine word.
    sparse = str(ROOT / "examples" / "minimal.json")
    lines = [line.strip() for line in run(capsys, "--language", language, "validate", sparse).splitlines()
             if "$." in line]
    catalogue = built_in_catalogue(language)
    words = {catalogue[f"cli.severity.{severity}"] for severity in ("error", "warning", "info")}
    assert lines and all(any(line.startswith(word + " ") for word in words) for line in lines), lines
    english = {ENGLISH[f"cli.severity.{severity}"] for severity in ("error", "warning", "info")}
    assert not any(line.startswith(word + " ") for line in lines for word in english - words), lines
    report = json.loads(run(capsys, "--language", language, "validate", "--output-format", "json", sparse))
    severities = {issue["severity"] for file in report["results"] for issue in file["issues"]}
    assert severities and severities <= {"error", "warning", "info"}
