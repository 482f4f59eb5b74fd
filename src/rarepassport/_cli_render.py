"""The ``render`` and ``demo`` commands of the ``rarepassport`` command line.

``rarepassport render FILE`` draws a passport in any format (PDF, wallet card, HTML,
Markdown, text); ``rarepassport demo [DIR]`` writes the bundled example passport with
its PDF, wallet card and HTML page, to show what the library does in one command.
Both are thin shells over :mod:`rarepassport.render`: every decision lives there.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from rarepassport.cli import EXIT_OK, CommandError, _error, _plugins, _write_output

__all__ = ["register"]

_VIEWS = ("full", "emergency", "education", "social")
_SIZES = ("a4", "a5", "letter")
# Which command-line options each built-in format takes; a plugin's format gets none.
_FORMAT_OPTIONS: dict[str, tuple[str, ...]] = {
    "pdf": ("size", "large_print", "high_contrast", "qr", "fonts", "missing_glyphs"),
    "card": ("sheet", "qr", "fonts", "missing_glyphs"),
}
_FLAGS = {
    "size": "--size",
    "large_print": "--large-print",
    "high_contrast": "--high-contrast",
    "qr": "--qr",
    "fonts": "--font",
    "sheet": "--sheet",
    "missing_glyphs": "--allow-missing-glyphs",
}

#: Files ``demo`` writes, with the format and view of each rendering.
DEMO_FILES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("passport.pdf", "pdf", "full", {"qr": "emergency"}),
    ("wallet-card.pdf", "card", "emergency", {}),
    ("wallet-card-sheet.pdf", "card", "emergency", {"sheet": True}),
    ("passport.html", "html", "full", {}),
)
DEMO_PASSPORT = "example-passport.json"


def _warn(messages: tuple[str, ...] | list[str], source: str) -> None:
    for message in messages:
        _error(f"warning: {source}: {message}")


def _load(path: str, plugins: Any) -> Any:
    from rarepassport.convert import load
    from rarepassport.errors import LoadError

    try:
        return load(path, plugins=plugins)
    except LoadError as exc:
        count = len(exc.problems)
        first = f"; first: {exc.problems[0]}" if exc.problems else ""
        raise CommandError(
            f"{path}: not a valid passport ({count} problem{'s' if count != 1 else ''}{first}); "
            f"run 'rarepassport validate {path}' to see them all"
        ) from None


def _options(args: argparse.Namespace, format: str) -> dict[str, Any]:
    """The backend options the user gave, checked against the format."""
    given: dict[str, Any] = {}
    if args.size is not None:
        given["size"] = args.size
    if args.large_print:
        given["large_print"] = True
    if args.high_contrast:
        given["high_contrast"] = True
    if args.qr is not None:
        given["qr"] = args.qr
    if args.fonts:
        given["fonts"] = list(args.fonts)
    if args.sheet:
        given["sheet"] = True
    if args.allow_missing_glyphs:
        given["missing_glyphs"] = "mark"
    takes = _FORMAT_OPTIONS.get(format, ())
    for name in given:
        if name not in takes:
            allowed = ", ".join(f for f, opts in _FORMAT_OPTIONS.items() if name in opts)
            raise CommandError(f"{_FLAGS[name]} applies only to --format {allowed}, not {format}")
    return given


def _default_output(source: str, format: str, suffix: str, view: str) -> str:
    path = Path(source)
    tag = "-card" if format == "card" else ""
    tag += f"-{view}" if view != "full" and format != "card" else ""
    return str(path.with_name(f"{path.stem}{tag}{suffix}"))


def _cmd_render(args: argparse.Namespace) -> int:
    from rarepassport.render import RenderError, render_rendered

    plugins = _plugins(args)
    passport = _load(args.file, plugins)
    format = args.format
    if format not in plugins.backends:
        names = ", ".join(plugins.backends.names())
        raise CommandError(f"unknown format {format!r}; choose one of: {names}")
    view = args.view or ("emergency" if format == "card" else "full")
    options = _options(args, format)
    if format == "pdf":
        # A relative photo path is relative to the passport file, not to the shell.
        options["base_dir"] = str(Path(args.file).resolve().parent)
    try:
        rendered = render_rendered(passport, format, view, args.language, plugins=plugins, **options)
    except RenderError as exc:
        raise CommandError(str(exc)) from None
    output = args.output or _default_output(args.file, format, rendered.suffix, view)
    _write_output(output, rendered.data, inputs=[args.file])
    _warn(rendered.warnings, args.file)
    if output != "-":
        _error(f"wrote {output}")
    return EXIT_OK


def bundled_example() -> bytes:
    """The example passport shipped inside the package."""
    return (resources.files("rarepassport") / "data" / DEMO_PASSPORT).read_bytes()


def _cmd_demo(args: argparse.Namespace) -> int:
    from rarepassport.convert import loads
    from rarepassport.render import render_rendered

    folder = Path(args.directory)
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"{folder} exists and is not a folder")
    targets = [folder / DEMO_PASSPORT, *(folder / name for name, *_ in DEMO_FILES)]
    existing = [str(path) for path in targets if path.exists()]
    if existing and not args.force:
        raise CommandError(f"{existing[0]} already exists; use --force to replace the demo files")
    try:
        source = bundled_example()
    except OSError as exc:
        raise CommandError(f"the bundled example passport is missing from this installation ({exc})") from None
    plugins = _plugins(args)
    passport = loads(source, format="json", plugins=plugins)
    folder.mkdir(parents=True, exist_ok=True)
    _write_output(str(folder / DEMO_PASSPORT), source)
    written = [DEMO_PASSPORT]
    for name, format, view, options in DEMO_FILES:
        if format == "pdf":
            options = {**options, "base_dir": str(folder.resolve())}
        rendered = render_rendered(passport, format, view, plugins=plugins, **options)
        _write_output(str(folder / name), rendered.data)
        _warn(rendered.warnings, name)
        written.append(name)
    sys.stdout.write(f"Wrote a demo passport to {folder}/:\n")
    for name in written:
        sys.stdout.write(f"  {folder / name}\n")
    sys.stdout.write(
        f"Open {folder / 'passport.pdf'} to see it; edit {folder / DEMO_PASSPORT} and run\n"
        f"  rarepassport render {folder / DEMO_PASSPORT} --format pdf\n"
    )
    return EXIT_OK


def register(commands: Any) -> None:
    """Add the ``render`` and ``demo`` commands to the ``rarepassport`` sub-parsers."""
    render = commands.add_parser(
        "render",
        help="draw a passport as PDF, wallet card, HTML, Markdown or text",
        description=(
            "Draw a passport. Warnings (an overdue review, text left off the wallet card, "
            "characters no font can draw) go to standard error; the output is still written."
        ),
    )
    render.add_argument("file", metavar="FILE", help="the passport (.json or .yaml)")
    render.add_argument("-f", "--format", default="pdf",
                        help="pdf (default), card, html, markdown, text, or a plugin's format")
    render.add_argument("--view", choices=_VIEWS,
                        help="who it is for (default: full; emergency for --format card)")
    render.add_argument("--language", help="language of the labels (default: the passport's)")
    render.add_argument("--size", choices=_SIZES, help="page size of a pdf (default: a4)")
    render.add_argument("--large-print", action="store_true", help="pdf: body text of at least 14 pt")
    render.add_argument("--high-contrast", action="store_true", help="pdf: black on white, heavy borders")
    render.add_argument("--qr", metavar="emergency|link:URL",
                        help="pdf, card: add a QR code with the emergency details, or a link to "
                             "your digital passport (link:https://...)")
    render.add_argument("--sheet", action="store_true",
                        help="card: front and back on one A4 page, with cut marks")
    render.add_argument("--font", dest="fonts", action="append", metavar="PATH",
                        help="pdf, card: a fallback font for scripts the bundled font lacks (repeatable)")
    render.add_argument("--allow-missing-glyphs", action="store_true",
                        help="pdf, card: draw a visible marker (U+FFFD) for a character no font can draw, "
                             "instead of failing")
    render.add_argument("-o", "--output", metavar="OUT",
                        help="file to write, '-' for standard output "
                             "(default: next to FILE, e.g. ada.pdf, ada-card.pdf)")
    render.set_defaults(handler=_cmd_render)

    demo = commands.add_parser(
        "demo",
        help="write an example passport with its PDF, wallet card and HTML",
        description="Write the bundled example passport and its renderings into DIR.",
    )
    demo.add_argument("directory", nargs="?", default="passport-demo", metavar="DIR",
                      help="folder to write into (default: passport-demo)")
    demo.add_argument("--force", action="store_true", help="replace demo files that already exist")
    demo.set_defaults(handler=_cmd_demo)
