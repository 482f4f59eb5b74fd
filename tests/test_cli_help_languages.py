"""``--help``, usage lines and argparse's errors in the language of the messages.

The command line's help texts are ``cli.help.*`` catalogue entries whose English is the
text in the command's module; argparse's own words are ``cli.argparse.*`` entries. The
language is the messages' language: ``--language`` on the command line, else ``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``. Subprocess tests run the real ``rarepassport`` command.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import pytest

from rarepassport.cli import build_parser, subcommands
from rarepassport.cli._common import set_message_language
from rarepassport.cli._parser import ARGPARSE_TEXTS, argparse_english, translate_error
from rarepassport.labels import BUILT_IN_LANGUAGES, ENGLISH, built_in_catalogue

#: (environment, catalogue tag): a ``LANG`` as a desktop sets it, and the catalogue it picks.
LANGUAGES = [("fr_FR.UTF-8", "fr"), ("de_DE.UTF-8", "de"), ("ar_EG.UTF-8", "ar"), ("zh_CN.UTF-8", "zh-Hans")]


def run_cli(*args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command with ``LANG`` only (no other language variable), on a wide terminal."""
    base = {key: value for key, value in os.environ.items()
            if key not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    env = {**base, "COLUMNS": "2000", **({"LANG": lang} if lang else {"LANGUAGE": "en"})}
    return subprocess.run([sys.executable, "-m", "rarepassport", *args],
                          capture_output=True, text=True, check=False, env=env)


def flat(text: str) -> str:
    """``text`` with its line breaks and runs of spaces made one space (argparse wraps help)."""
    return " ".join(text.split())


def tr(tag: str, message_id: str, **values: str) -> str:
    return built_in_catalogue(tag)[message_id].format_map(values)


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "tag"), LANGUAGES)
def test_help_shows_translated_headings_and_option_help(lang: str, tag: str) -> None:
    result = run_cli("validate", "--help", lang=lang)
    assert result.returncode == 0
    out = flat(result.stdout)
    assert out.startswith(tr(tag, "cli.argparse.usage") + "rarepassport validate")
    for message_id in ("cli.argparse.positional-arguments", "cli.argparse.options", "cli.argparse.help",
                       "cli.help.group.every-command", "cli.help.validate.language",
                       "cli.help.common.passphrase-file", "cli.help.global.quiet"):
        # An option's help names its own metavar as the usage line does (FILE: FICHIER).
        assert flat(tr(tag, message_id).replace("FILE", tr(tag, "cli.metavar.file"))) in out, message_id
    for english in ("usage:", "positional arguments", "show this help message and exit",
                    "options of every command", ENGLISH["cli.help.validate.language"]):
        assert english not in out


@pytest.mark.parametrize(("lang", "tag"), LANGUAGES)
def test_the_command_list_and_description_are_translated(lang: str, tag: str) -> None:
    out = flat(run_cli("--help", lang=lang).stdout)
    for message_id in ("cli.help.root.description", "cli.help.root.epilog", "cli.help.render.summary",
                       "cli.help.completion.summary", "cli.help.global.output-format"):
        assert flat(tr(tag, message_id)) in out, message_id
    assert ENGLISH["cli.help.render.summary"] not in out


def test_a_subcommand_of_a_command_has_its_help_translated() -> None:
    out = flat(run_cli("plugin", "new", "--help", lang="de_DE.UTF-8").stdout)
    assert flat(tr("de", "cli.help.plugin.new.description")) in out
    assert flat(tr("de", "cli.help.plugin.new.name")) in out


def test_language_on_the_command_line_wins_for_help() -> None:
    for args in (("validate", "--language", "de", "--help"), ("validate", "--language=de", "--help"),
                 ("render", "--lang", "de", "--help")):
        out = flat(run_cli(*args, lang="fr_FR.UTF-8").stdout)
        assert out.startswith("Aufruf: "), args
        assert flat(tr("de", "cli.argparse.help")) in out


@pytest.mark.parametrize(("tag", "headings"), [
    ("fr", ["arguments positionnels\u00a0:", "options\u00a0:", "options de toutes les commandes\u00a0:"]),
    ("zh-Hans", ["位置参数：", "选项：", "所有命令的选项："]),
    ("ar", ["الوسائط الموضعية:", "الخيارات:"]),
])
def test_section_headings_end_with_the_language_s_colon(tag: str, headings: list[str]) -> None:
    # French puts a (no-break) space before the colon, Chinese writes a full-width one: as the
    # catalogue's phrase.label_value joins a label, not argparse's English "options:".
    lines = run_cli("render", "--language", tag, "--help").stdout.splitlines()
    for heading in headings:
        assert heading in lines
    assert not any(line.endswith((" options:", "参数:", "选项:")) for line in lines)
    assert "arguments positionnels:" not in lines


def test_english_help_is_argparses_own_and_the_code_s_text() -> None:
    out = run_cli("validate", "--help").stdout
    assert out.startswith("usage: rarepassport validate")
    assert "positional arguments:" in out and "show this help message and exit" in out
    assert flat(ENGLISH["cli.help.validate.language"]) in flat(out)


# --- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "tag"), LANGUAGES)
def test_a_missing_argument_is_reported_in_the_language_with_status_2(lang: str, tag: str) -> None:
    result = run_cli("validate", lang=lang)
    assert result.returncode == 2
    message = tr(tag, "cli.argparse.required", arguments=tr(tag, "cli.metavar.file"))
    assert result.stderr.splitlines()[-1] == tr(tag, "cli.argparse.error", prog="rarepassport validate",
                                                 message=message)
    assert result.stderr.startswith(tr(tag, "cli.argparse.usage"))
    assert "required" not in result.stderr


def test_an_invalid_choice_is_reported_in_the_language() -> None:
    result = run_cli("render", "x.json", "--view", "bogus", lang="de_DE.UTF-8")
    assert result.returncode == 2
    last = result.stderr.splitlines()[-1]
    assert last.startswith("rarepassport render: Fehler: Argument --view: ungültige Auswahl: 'bogus' (wählen Sie aus ")
    assert "'emergency'" in last


def test_an_unknown_command_and_unrecognized_arguments_are_translated() -> None:
    unknown = run_cli("bogus", lang="fr_FR.UTF-8")
    assert unknown.returncode == 2
    assert "rarepassport : erreur : argument COMMANDE : choix non valide : 'bogus'" in unknown.stderr
    extra = run_cli("schema", "--bogus", lang="fr_FR.UTF-8")
    assert extra.returncode == 2
    assert extra.stderr.splitlines()[-1] == "rarepassport : erreur : arguments non reconnus : --bogus"


def test_an_option_without_its_value_is_translated() -> None:
    result = run_cli("validate", "x.json", "--language", lang="pl_PL.UTF-8")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == \
        "rarepassport validate: błąd: argument --language: oczekiwano jednego argumentu"


def test_english_usage_errors_are_argparses_own_words() -> None:
    result = run_cli("validate")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == \
        "rarepassport validate: error: the following arguments are required: FILE"
    assert result.stderr.startswith("usage: rarepassport validate")


def test_an_argparse_text_not_in_the_table_stays_english() -> None:
    # Another Python's argparse may word an error differently: it is shown as argparse wrote it.
    set_message_language(argparse.Namespace(language="fr"))
    try:
        assert translate_error("a text no argparse version wrote: x") == "a text no argparse version wrote: x"
        assert translate_error("argument -x: something new") == "argument -x : something new"
        assert translate_error("expected one argument") == "un argument attendu"
    finally:
        set_message_language(argparse.Namespace(language="en"))


# --- every text has its catalogue entry ------------------------------------------------------


def help_texts(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(where, English) of every text of ``parser`` and its sub-parsers that --help shows."""
    found: list[tuple[str, str]] = []
    argparse_words = {template for _id, template, _names in ARGPARSE_TEXTS}
    for words, sub in [([], parser), *subcommands(parser)]:
        where = " ".join(["rarepassport", *words])
        for text in (sub.description, sub.epilog):
            if text:
                found.append((where, text))
        for group in sub._action_groups:
            if group.title and group.title not in argparse_words:
                found.append((f"{where} (group)", group.title))
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                found += [(f"{where} {choice.dest}", choice.help) for choice in action._choices_actions
                          if choice.help]
            elif action.help and action.help is not argparse.SUPPRESS and action.help not in argparse_words:
                found.append((f"{where} {'/'.join(action.option_strings) or action.dest}", action.help))
    return found


def untranslated(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    entries = {english for key, english in ENGLISH.items() if key.startswith("cli.help.")}
    return [(where, text) for where, text in help_texts(parser) if text not in entries]


def test_every_help_text_of_every_command_is_a_catalogue_entry() -> None:
    # A new option (or a changed help text) needs its cli.help.* entry, in every language.
    parser = build_parser()
    assert len(help_texts(parser)) > 100
    assert untranslated(parser) == []


def test_a_new_option_without_an_entry_is_found() -> None:
    parser = build_parser()
    [(_words, validate)] = [(w, s) for w, s in subcommands(parser) if w == ["validate"]]
    validate.add_argument("--new-option", help="a help text with no catalogue entry")
    assert untranslated(parser) == [("rarepassport validate --new-option", "a help text with no catalogue entry")]


#: What a help translation must keep as the English has it: option names and numbers
#: (verify's exit statuses, sizes, limits).
_KEPT = re.compile(r"(?<![\w-])--?[a-z][a-z0-9-]*|\d+")


@pytest.mark.parametrize("tag", [tag for tag in BUILT_IN_LANGUAGES if tag != "en"])
def test_help_translations_keep_the_option_names_and_numbers(tag: str) -> None:
    catalogue = built_in_catalogue(tag)
    changed = [key for key, english in ENGLISH.items() if key.startswith("cli.help.")
               and sorted(_KEPT.findall(catalogue[key])) != sorted(_KEPT.findall(english))]
    assert changed == []


def test_argparse_texts_have_their_entries_with_the_same_placeholders() -> None:
    for message_id, template, names in ARGPARSE_TEXTS:
        assert ENGLISH[message_id] == argparse_english(template, names)


def test_the_argparse_texts_are_those_of_this_python() -> None:
    # The fixed words argparse asks gettext for: each one the command line translates
    # must be one this Python's argparse uses (a rewording shows here, not in front of users).
    import inspect

    source = inspect.getsource(argparse)
    missing = [template for message_id, template, _ in ARGPARSE_TEXTS
               if f"'{template}'" not in source and f'"{template}"' not in source
               and message_id not in ("cli.argparse.optional-arguments", "cli.argparse.expected-n",
                                      "cli.argparse.error")]
    assert missing == []


# --- metavars ---------------------------------------------------------------------------------


def test_language_before_the_command_gives_the_metavars_in_the_language() -> None:
    """``rarepassport --language fr validate --help``: FILE, TAG, NAME in French (``cli.metavar.*``),
    in the usage line, the option list and an option's help that names its own metavar."""
    result = run_cli("--language", "fr", "validate", "--help", lang="C")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    fichier, tag, name = (tr("fr", f"cli.metavar.{key}") for key in ("file", "tag", "name"))
    assert f"[--passphrase-file {fichier}]" in out and f"{fichier} [{fichier} ...]" in out
    assert f"--language {tag}" in out and f"--block-plugin {name}" in out
    passphrase = tr("fr", "cli.help.common.passphrase-file").replace("FILE", fichier)
    assert flat(passphrase) in flat(out)
    for english in ("FILE", "TAG", " NAME"):
        assert english not in out
    assert "{text,json}" in out  # choices are what is typed


def test_a_usage_error_names_the_metavar_in_the_language() -> None:
    result = run_cli("--language", "de", "render", "x.json", "--size", lang="C")
    assert result.returncode == 2
    assert f"--size {tr('de', 'cli.metavar.size')}" in result.stderr
    assert "SIZE" not in result.stderr


@pytest.mark.parametrize("tag", ["ar", "zh-Hans"])
def test_every_metavar_of_every_command_is_said_in_the_language(tag: str) -> None:
    set_message_language(argparse.Namespace(language=tag))
    try:
        parser = build_parser()
    finally:
        set_message_language(argparse.Namespace(language="en"))
    translations = {tr(tag, key) for key in METAVAR_ENGLISH}
    for words, sub in [([], parser), *subcommands(parser)]:
        for action in sub._actions:
            if action.nargs != 0 and isinstance(action.metavar, str) and action.metavar is not argparse.SUPPRESS:
                assert action.metavar in translations, (words, action.dest)


METAVAR_ENGLISH = {key: english for key, english in ENGLISH.items() if key.startswith("cli.metavar.")}


def test_every_metavar_of_the_english_help_has_its_entry() -> None:
    from rarepassport.cli._parser import _english_metavar

    parser = build_parser()
    shown = {metavar for _words, sub in [([], parser), *subcommands(parser)] for action in sub._actions
             if (metavar := _english_metavar(action)) is not None}
    assert shown - set(METAVAR_ENGLISH.values()) == set()
