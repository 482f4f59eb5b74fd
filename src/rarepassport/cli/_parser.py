"""The argument parser of the ``rarepassport`` command, in the language of the messages.

``--help``, usage lines and argparse's own errors are said in the run's language (see
`rarepassport.cli._common.message_language`), from the label catalogues:

* the descriptions, epilogues, group titles and option help of the commands are ``cli.help.*``
  entries whose English is the text written in the command's module (so ``docs/cli.md``,
  generated from the parser, stays English, and a help text changed in the code without its
  entry is shown in English and fails ``tests/test_cli_help_languages.py``);
* the metavars (``FILE``, ``FORMAT``, ``TAG`` ... in usage lines, option lists and usage
  errors) are ``cli.metavar.*`` entries whose English is the metavar (argparse's default
  for an option without one: its name in capitals), set on each action by
  `translate_metavars` when the parser is built; an option's help that names its own
  metavar names the translated one (French ``--passphrase-file FICHIER`` ... ``FICHIER``).
  Choices (``{text,json}``) and option names are what is typed, and stay as they are;
* argparse's fixed texts ("usage: ", "options", "the following arguments are required: %s"
  ...) are ``cli.argparse.*`` entries listed in :data:`ARGPARSE_TEXTS`, matched against
  the English argparse produces. A text this Python's argparse words differently (they
  change between versions) matches none and is shown in English, as argparse wrote it.

Only public parts of argparse are overridden: ``ArgumentParser.error`` and the formatter
class, whose ``add_usage`` prefix, ``start_section`` headings, ``add_text`` texts and
``_get_help_string`` (the hook argparse's own ``ArgumentDefaultsHelpFormatter`` overrides)
are translated, and ``format_help`` writes the colon after each heading as the language
joins a label (``phrase.label_value``: French ``options :``, Chinese ``选项：``).
Nothing of argparse is patched and gettext's global domain is left alone.
"""

from __future__ import annotations

import argparse
import contextvars
import functools
import re
import sys
import types
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, NoReturn

from rarepassport.cli._common import current_language, text

__all__ = [
    "ARGPARSE_TEXTS",
    "CommandParser",
    "TranslatedHelpFormatter",
    "argparse_english",
    "translate_error",
    "translate_metavars",
]

#: argparse's fixed texts the command line translates: (catalogue id, argparse's English,
#: the names of its bare ``%s``/``%r`` placeholders in order). The catalogue's English is
#: argparse's with each placeholder written ``{name}`` (see `argparse_english`).
ARGPARSE_TEXTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cli.argparse.usage", "usage: ", ()),
    ("cli.argparse.positional-arguments", "positional arguments", ()),
    ("cli.argparse.options", "options", ()),
    ("cli.argparse.optional-arguments", "optional arguments", ()),  # Python 3.9 and older
    ("cli.argparse.help", "show this help message and exit", ()),
    ("cli.argparse.version", "show program's version number and exit", ()),
    ("cli.argparse.error", "%(prog)s: error: %(message)s", ()),
    ("cli.argparse.argument", "argument %(argument_name)s: %(message)s", ()),
    ("cli.argparse.required", "the following arguments are required: %s", ("arguments",)),
    ("cli.argparse.one-required", "one of the arguments %s is required", ("arguments",)),
    ("cli.argparse.unrecognized", "unrecognized arguments: %s", ("arguments",)),
    ("cli.argparse.not-allowed", "not allowed with argument %s", ("argument",)),
    ("cli.argparse.ignored", "ignored explicit argument %r", ("value",)),
    ("cli.argparse.expected-one", "expected one argument", ()),
    ("cli.argparse.expected-at-most-one", "expected at most one argument", ()),
    ("cli.argparse.expected-at-least-one", "expected at least one argument", ()),
    ("cli.argparse.expected-n", "expected %s arguments", ("n",)),
    ("cli.argparse.ambiguous", "ambiguous option: %(option)s could match %(matches)s", ()),
    ("cli.argparse.invalid-value", "invalid %(type)s value: %(value)r", ()),
    ("cli.argparse.invalid-choice", "invalid choice: %(value)r (choose from %(choices)s)", ()),
    ("cli.argparse.unknown-parser", "unknown parser %(parser_name)r (choices: %(choices)s)", ()),
    ("cli.argparse.unexpected-option", "unexpected option string: %s", ("option",)),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sr]|%[sr]")
#: The %-placeholders of a help text (``%(default)s``, ``%%``) a translation must keep.
_HELP_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[a-z%]")


def _fill(template: str, names: Iterable[str], replace: Any) -> str:
    bare = iter(names)
    return _PLACEHOLDER.sub(lambda m: replace(m.group(1) or next(bare)), template)


def argparse_english(template: str, names: Iterable[str] = ()) -> str:
    """The catalogue's English of an argparse text: each placeholder written ``{name}``."""
    return _fill(template, names, lambda name: "{" + name + "}")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each error text of :data:`ARGPARSE_TEXTS` as a pattern matching what argparse wrote."""
    found = []
    for message_id, template, names in ARGPARSE_TEXTS:
        if "%" not in template:
            found.append((message_id, re.compile(re.escape(template))))
            continue
        parts = _PLACEHOLDER.split(template)
        # split() gives literal, name-or-None, literal, ...: rebuild with named groups.
        bare = iter(names)
        pattern = ""
        for index, part in enumerate(parts):
            if index % 2 == 0:
                pattern += re.escape(part)
            else:
                pattern += f"(?P<{part or next(bare)}>.+?)"
        found.append((message_id, re.compile(pattern, re.DOTALL)))
    return tuple(found)


def translate_error(message: str) -> str:
    """argparse's error ``message`` in the run's language; English when not one of its known texts."""
    if current_language() == "en":
        return message
    for message_id, pattern in _patterns():
        if message_id == "cli.argparse.error":
            continue
        match = pattern.fullmatch(message)
        if match is not None:
            values = match.groupdict()
            if "message" in values:
                values["message"] = translate_error(values["message"])
            return text(message_id, **values)
    return message


@cache
def _by_english(language: str) -> Mapping[str, str]:
    """English text -> translation of the help and argparse entries of ``language``.

    A translation whose ``%`` signs or placeholders differ from the English is left out
    (argparse fills the help text in with ``%``), so that text stays English.
    """
    from rarepassport.labels import ENGLISH, built_in_catalogue

    catalogue = built_in_catalogue(language)
    table: dict[str, str] = {}
    for message_id, english in ENGLISH.items():
        if not message_id.startswith(("cli.help.", "cli.argparse.")):
            continue
        translated = catalogue.get(message_id)
        if (translated and translated.count("%") == english.count("%")
                and sorted(_HELP_PLACEHOLDER.findall(translated)) == sorted(_HELP_PLACEHOLDER.findall(english))):
            table.setdefault(english, translated)
    return table


def translated(english: str) -> str:
    """``english`` (a help text, heading or argparse fixed text) in the run's language, else as it is."""
    language = current_language()
    if language == "en":
        return english
    return _by_english(language).get(english, english)


@cache
def _metavars(language: str) -> Mapping[str, str]:
    """English metavar -> its translation in ``language`` (the ``cli.metavar.*`` entries)."""
    from rarepassport.labels import ENGLISH, built_in_catalogue

    catalogue = built_in_catalogue(language)
    return {english: catalogue[message_id] for message_id, english in ENGLISH.items()
            if message_id.startswith("cli.metavar.") and catalogue.get(message_id)}


def _english_metavar(action: argparse.Action) -> str | None:
    """The metavar argparse shows for ``action`` (its own, else its name), or ``None`` when it shows
    none or the choices."""
    if action.nargs == 0 or action.metavar is argparse.SUPPRESS or isinstance(action.metavar, tuple):
        return None
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return None  # argparse shows the choices, which are typed as they are
    return action.dest.upper() if action.option_strings else action.dest


def translate_metavars(parser: argparse.ArgumentParser) -> None:
    """Set the metavar of each action of ``parser`` (not of its sub-parsers) in the run's language.

    Done once, when the parser is built: argparse reads the metavar for the usage line, the
    option list and its usage errors alike. A metavar with no translation keeps its English.
    """
    language = current_language()
    if language == "en":
        return
    table = _metavars(language)
    for action in parser._actions:
        english = _english_metavar(action)
        if english is not None and english in table:
            action.metavar = table[english]
            action.english_metavar = english  # type: ignore[attr-defined]


class TranslatedHelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, saying everything in the run's language."""

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        if prefix is None and current_language() != "en":
            prefix = text("cli.argparse.usage")
        super().add_usage(usage, actions, groups, prefix)

    def start_section(self, heading: str | None) -> None:
        if heading and current_language() != "en":
            heading = translated(heading)
            self._translated_headings = (*getattr(self, "_translated_headings", ()), heading)
        super().start_section(heading)

    def format_help(self) -> str:
        help_text = super().format_help()
        # argparse writes each heading followed by an English colon ("options:"); the
        # language writes it as it joins a label (French "options :", Chinese "选项：").
        for heading in getattr(self, "_translated_headings", ()):
            alone = text("phrase.label_value", label=heading, value="").strip()
            pattern = re.compile(rf"^( *){re.escape(heading)}:$", re.MULTILINE)
            help_text = pattern.sub(r"\g<1>" + alone.replace("\\", "\\\\"), help_text)
        return help_text

    def add_text(self, text: str | None) -> None:
        if text and text is not argparse.SUPPRESS and current_language() != "en":
            text = _metavars_named(translated(text))
        super().add_text(text)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        help_text = super()._get_help_string(action)
        if not help_text:
            return help_text
        said = translated(help_text)
        english = getattr(action, "english_metavar", None)
        metavar = action.metavar
        if english is not None and english.isupper() and isinstance(metavar, str):
            # "read the passphrase from the first line of FILE": the FILE of this very option.
            said = re.sub(rf"(?<![\w-]){re.escape(english)}(?![\w-])", lambda _match: metavar, said)
        if current_language() == "en":
            return said
        # A command in the list of commands names its own metavars ("plugin new NAME [DIR]").
        return _metavars_named(said, _COMMAND_METAVARS.get().get(action.dest) if action.option_strings == [] else None)


#: The metavars of the parser whose help is being written, English -> as its usage line
#: shows them (set by `CommandParser.format_help`).
_SHOWN_METAVARS: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "shown_metavars", default=types.MappingProxyType({}))


#: The metavars of each command of the parser whose help is being written (with those
#: of its own commands), by command name, for the list of commands.
_COMMAND_METAVARS: contextvars.ContextVar[Mapping[str, Mapping[str, str]]] = contextvars.ContextVar(
    "command_metavars", default=types.MappingProxyType({}))


def _metavars_named(said: str, metavars: Mapping[str, str] | None = None) -> str:
    """``said`` (a translated help text) with each English metavar of the command it names
    as the usage line shows it: "never FILE itself" of ``upgrade -o`` names the command's
    ``FICHIER`` in French, not ``FILE``. Only the command's own metavars (``metavars``, else
    those of the parser whose help is written), as whole words: ``LANG`` the environment
    variable, in a command with no ``LANG``, stays as it is."""
    table = _SHOWN_METAVARS.get() if metavars is None else metavars
    for english, shown in sorted(table.items(), key=lambda item: -len(item[0])):
        # A function as the replacement: a metavar is never read as a pattern's \1.
        said = re.sub(rf"(?<![\w|]){re.escape(english)}(?![\w|-])", functools.partial(_same, shown), said)
    return said


def _same(text: str, _match: re.Match[str]) -> str:
    return text


def _shown_metavars(parser: argparse.ArgumentParser, *, commands: bool = False) -> dict[str, str]:
    """English -> translated metavar of each action of ``parser`` that has one (and, with
    ``commands``, of its commands', and theirs)."""
    shown: dict[str, str] = {}
    for action in parser._actions:
        english = getattr(action, "english_metavar", None)
        if isinstance(english, str) and english.isupper() and isinstance(action.metavar, str) \
                and action.metavar != english:
            shown[english] = action.metavar
        if commands and isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                shown = {**_shown_metavars(sub, commands=True), **shown}
    return shown


class CommandParser(argparse.ArgumentParser):
    """The parser of ``rarepassport`` and of each of its commands (sub-parsers are of the
    same class): help in the run's language, and usage errors too, with exit status 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", TranslatedHelpFormatter)
        super().__init__(*args, **kwargs)

    def format_help(self) -> str:
        if current_language() == "en":
            return super().format_help()
        commands = {name: _shown_metavars(sub, commands=True) for action in self._actions
                    if isinstance(action, argparse._SubParsersAction) for name, sub in action.choices.items()}
        token = _SHOWN_METAVARS.set(_shown_metavars(self))
        command_token = _COMMAND_METAVARS.set(commands)
        try:
            return super().format_help()
        finally:
            _COMMAND_METAVARS.reset(command_token)
            _SHOWN_METAVARS.reset(token)

    def error(self, message: str) -> NoReturn:
        if current_language() == "en":
            super().error(message)  # argparse's own words, without loading a catalogue
        self.print_usage(sys.stderr)
        self.exit(2, text("cli.argparse.error", prog=self.prog, message=translate_error(message)) + "\n")
