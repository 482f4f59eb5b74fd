"""``rarepassport plugin new``: write the skeleton of a new plugin package.

The skeleton comes from the template files in ``rarepassport/templates/plugin/``: a
``pyproject.toml`` with the entry point, a section class, a rule and passing tests
written with :mod:`rarepassport.testing`. Placeholders are written ``{{name}}``, not
``$name``, because the templates hold JSON paths such as ``$.extensions``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rarepassport.cli._common import CommandError, text

if TYPE_CHECKING:
    # importlib.abc.Traversable is gone in Python 3.14; importlib.resources.abc is 3.11+.
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

__all__ = ["plugin_names", "register", "write_plugin_skeleton"]

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
_TEMPLATE_SUFFIX = ".tmpl"


class SkeletonError(ValueError):
    """The skeleton cannot be written: a bad name or a folder already in use."""


def plugin_names(name: str, title: str | None = None) -> dict[str, str]:
    """Every name the skeleton needs, derived from the plugin's short name.

    Args:
        name: Short name of the condition, e.g. ``fabry`` or ``ehlers-danlos``.
        title: Section title; default the name in words (``Ehlers danlos``).

    Returns:
        The template placeholders and their values.

    Raises:
        SkeletonError: When the name is not lower-case letters, digits, ``-`` or ``_``.
    """
    from rarepassport._version import __version__

    slug = name.strip().lower().removeprefix("rarepassport-").removeprefix("rarepassport_")
    if not _NAME.match(slug):
        raise SkeletonError(text("cli.plugin.bad-name", name=repr(name)))
    words = re.split(r"[-_]", slug)
    major, minor = (int(part) for part in __version__.split(".")[:2])
    return {
        "distribution": f"rarepassport-{'-'.join(words)}",
        "module": f"rarepassport_{'_'.join(words)}",
        "entry_point": "-".join(words),
        "section_id": "_".join(words),
        "class_name": "".join(word.capitalize() for word in words) + "Section",
        "rule_code": f"{'-'.join(words)}-section-filled-in",
        "title": title or " ".join(words).capitalize(),
        "rarepassport_minor": f"{major}.{minor}",
        "rarepassport_next_minor": f"{major}.{minor + 1}",
    }


def _templates() -> Traversable:
    return resources.files("rarepassport").joinpath("templates").joinpath("plugin")


def _walk(folder: Traversable, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.is_dir():
            yield from _walk(entry, (*prefix, entry.name))
        elif entry.name.endswith(_TEMPLATE_SUFFIX):
            yield (*prefix, entry.name.removesuffix(_TEMPLATE_SUFFIX)), entry


def _fill(text: str, values: Mapping[str, str], template: str) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise SkeletonError(f"template {template} uses unknown placeholder {{{{{key}}}}}")
        return values[key]

    return _PLACEHOLDER.sub(replace, text)


def write_plugin_skeleton(
    name: str, folder: str | Path | None = None, *, title: str | None = None, force: bool = False
) -> list[Path]:
    """Write a new plugin package.

    Args:
        name: Short name of the condition, e.g. ``fabry``.
        folder: Where to write it; default ``./rarepassport-<name>``. It must not
            exist, or be empty.
        title: The section title; default derived from ``name``.
        force: Write into a folder that is not empty, replacing the skeleton's files.

    Returns:
        The files written, in order.

    Raises:
        SkeletonError: When the name is malformed or the folder is not empty.
    """
    from rarepassport.convert import write_atomic

    values = plugin_names(name, title)
    target = Path(folder) if folder is not None else Path(values["distribution"])
    if target.exists() and not target.is_dir():
        raise SkeletonError(text("cli.plugin.not-a-folder", folder=target))
    if target.exists() and any(target.iterdir()) and not force:
        raise SkeletonError(text("cli.plugin.not-empty", folder=target, option="--force"))
    written = []
    for parts, template in _walk(_templates()):
        relative = Path(*(values["module"] if part == "__module__" else part for part in parts))
        content = _fill(template.read_text(encoding="utf-8"), values, "/".join(parts))
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content.encode("utf-8"))
        written.append(path)
    return written


def _cmd_plugin_new(args: argparse.Namespace) -> int:
    try:
        written = write_plugin_skeleton(args.name, args.folder, title=args.title, force=args.force)
    except SkeletonError as exc:
        raise CommandError(str(exc)) from None
    reporter = args.reporter
    for path in written:
        reporter.add(None, "ok", output=str(path))
    if reporter.json or reporter.level < 0:
        return 0
    root = written[0].parent
    for path in written:
        print(path)
    commands = f"cd {root} && pip install -e '.[test]' && pytest && rarepassport plugins"
    print("\n" + text("cli.plugin.next", commands=commands))
    return 0


def _cmd_plugin_help(args: argparse.Namespace) -> int:
    args.plugin_parser.print_help()
    return 2


def register(commands: Any) -> None:
    """Add ``rarepassport plugin new NAME [DIR]`` to the command line.

    Args:
        commands: The sub-parsers object of the ``rarepassport`` parser.
    """
    plugin = commands.add_parser("plugin", help="tools for writing plugins (plugin new NAME [DIR])")
    plugin.set_defaults(handler=_cmd_plugin_help, plugin_parser=plugin)
    actions = plugin.add_subparsers(dest="plugin_command", metavar="ACTION")
    new = actions.add_parser(
        "new",
        help="write the skeleton of a plugin package: entry point, section, rule and tests",
        description="Write a new plugin package that passes its own tests, ready to fill in.",
    )
    new.add_argument("name", metavar="NAME", help="short name of the condition, e.g. fabry or ehlers-danlos")
    new.add_argument("folder", metavar="DIR", nargs="?", help="folder to create (default: ./rarepassport-NAME)")
    new.add_argument("--title", help="section title shown in passports (default: from NAME)")
    new.set_defaults(handler=_cmd_plugin_new)
