"""The ``render`` and ``demo`` commands of the ``rarepassport`` command line.

``rarepassport render FILE`` validates a passport and draws it in any format (PDF,
wallet card, lock-screen image, HTML, Markdown, text); it refuses a passport with
validation errors unless ``--allow-invalid`` is given. ``rarepassport demo [DIR]`` writes
the bundled example passport with its PDF, wallet card, lock-screen image and HTML page,
to show what the library does in one command.
Both are thin shells over `rarepassport.rendering`: every decision lives there.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rarepassport.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    STDIN,
    CommandError,
    Reporter,
    add_passphrase_option,
    count,
    display_name,
    error_text,
    issue_line,
    message_language,
    os_reason,
    paint,
    plugins_for,
    problem_message,
    read_passport,
    text,
    write_output,
)

if TYPE_CHECKING:
    from rarepassport.errors import MissingGlyphsError
    from rarepassport.signing import Keyring

__all__ = ["register"]

_VIEWS = ("full", "emergency", "education", "social")
_SIZES = ("a4", "a5", "letter")
# Which command-line options each built-in format takes; a plugin's format gets none.
_FORMAT_OPTIONS: dict[str, tuple[str, ...]] = {
    "pdf": ("size", "large_print", "high_contrast", "qr", "fonts", "missing_glyphs"),
    "card": ("sheet", "large_print", "qr", "fonts", "missing_glyphs"),
    "lockscreen": ("size", "theme", "qr", "fonts"),
    "lockscreen-pdf": ("size", "theme", "qr", "fonts"),
    "html": ("large_print", "high_contrast"),
}
# Formats --easy-read applies to: its words come from layout, its large print from the
# backends that print (the lock screen has its own sizes).
_EASY_READ_FORMATS = ("pdf", "card", "html", "accessible-pdf", "markdown", "text")
# Formats drawn from the emergency view when no --view is given, and their file-name tag.
_EMERGENCY_FORMATS = {"card": "-card", "lockscreen": "-lockscreen", "lockscreen-pdf": "-lockscreen"}
_FLAGS = {
    "size": "--size",
    "large_print": "--large-print",
    "high_contrast": "--high-contrast",
    "qr": "--qr",
    "fonts": "--font",
    "sheet": "--sheet",
    "theme": "--theme",
    "missing_glyphs": "--allow-missing-glyphs",
}

#: Files ``demo`` writes, with the format and view of each rendering (``None``: the
#: format's default view, the emergency view for the card).
DEMO_FILES: tuple[tuple[str, str, str | None, dict[str, Any]], ...] = (
    ("passport.pdf", "pdf", "full", {"qr": "emergency"}),
    ("wallet-card.pdf", "card", None, {}),
    ("wallet-card-sheet.pdf", "card", None, {"sheet": True}),
    ("lock-screen.png", "lockscreen", None, {}),
    ("passport.html", "html", "full", {}),
)
DEMO_PASSPORT = "example-passport.json"
#: The day the bundled example was written as of.
DEMO_WRITTEN_ON = _dt.date(2026, 12, 1)
#: The example's dates that say how current it is, as paths of keys. ``demo`` moves
#: them forward by the days since `DEMO_WRITTEN_ON`, so the demo never shows an
#: overdue review, an old weight or an old emergency letter; the dates of its history
#: (diagnoses, past emergencies, the date of birth) stay as written.
DEMO_CURRENCY_DATES: tuple[tuple[str | int, ...], ...] = (
    ("person", "weight", "measured_on"),
    ("emergency", "protocols", 0, "approved_on"),
    ("emergency", "protocols", 1, "approved_on"),
    ("review", "updated_on"),
    ("review", "reviewed_by", "date"),
    ("review", "next_review_due"),
    ("extensions", "mcad_deficiency", "emergency_regimen_dated"),
)


def _load(path: str, plugins: Any, reporter: Reporter, args: argparse.Namespace | None = None) -> Any:
    """The passport in ``path`` (``-``: standard input), or ``None`` after listing why it
    cannot be read."""
    from rarepassport.convert import loads, parse_document
    from rarepassport.errors import LoadError
    from rarepassport.validation import validate

    raw, fmt = read_passport(path, args)
    try:
        return loads(raw, format=fmt, plugins=plugins)
    except LoadError as exc:
        # Reported as `validate` reports it: every problem with its path.
        try:
            report = validate(parse_document(raw, format=fmt), plugins=plugins, language=message_language(args))
            issues = report.to_dict()["issues"]
        except LoadError:
            issues = [{"path": p.path, "code": "syntax", "severity": "error", "message": problem_message(p)}
                      for p in exc.problems]
        _list_issues(reporter, path, issues, text("cli.render.unreadable"))
        reporter.add(path, "invalid", issues=issues)
        return None


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
    if args.theme is not None:
        given["theme"] = args.theme
    if args.allow_missing_glyphs:
        given["missing_glyphs"] = "mark"
    takes = _FORMAT_OPTIONS.get(format, ())
    for name in given:
        if name not in takes:
            allowed = ", ".join(f for f, opts in _FORMAT_OPTIONS.items() if name in opts)
            raise CommandError(text("cli.option.format-only", option=_FLAGS[name], formats=allowed, format=format))
    if format == "pdf" and given.get("size", "a4") not in _SIZES:
        raise CommandError(text("cli.render.size", option="--size", sizes=", ".join(_SIZES), given=repr(given["size"])))
    return given


#: The default view of each format as the file name leaves it out.
_DEFAULT_VIEW = {"card": "emergency", "lockscreen": "emergency", "lockscreen-pdf": "emergency"}


def default_output(source: str, format: str, suffix: str, view: str, options: dict[str, Any],
                   language: str | None) -> str:
    """The file ``render`` writes when no ``-o`` is given: beside the passport, with a tag
    for each choice that changes the drawing, so two different renderings never share
    a name (``ada.pdf``, ``ada-card.pdf``, ``ada-card-full-sheet.pdf``, ``ada-fr-a5.pdf``)."""
    path = Path(source)
    tags = [_EMERGENCY_FORMATS.get(format, "").lstrip("-")]
    if view != _DEFAULT_VIEW.get(format, "full"):
        tags.append(view)
    if language:
        tags.append(language)
    if options.get("second_language"):
        tags.append(f"and-{options['second_language']}")
    if options.get("sheet"):
        tags.append("sheet")
    if (options.get("size") not in (None, "a4") and format == "pdf") or (
        options.get("size") not in (None, "iphone-15") and format.startswith("lockscreen")
    ):
        tags.append(str(options["size"]))
    if options.get("theme") not in (None, "light"):
        tags.append(str(options["theme"]))
    if options.get("easy_read"):
        tags.append("easy-read")
    if options.get("large_print"):
        tags.append("large-print")
    if options.get("high_contrast"):
        tags.append("high-contrast")
    if options.get("qr"):
        tags.append("qr" if options["qr"] == "emergency" else "qr-link")
    if options.get("missing_glyphs"):
        tags.append("marked")
    if format not in _EMERGENCY_FORMATS and format not in ("pdf", "html", "markdown", "text"):
        tags.append(format)  # a plugin's format
    tag = "".join(f"-{_safe_tag(t)}" for t in tags if t)
    if path.suffix == ".rpenc":  # ada.json.rpenc (rarepassport encrypt) draws as ada.pdf
        path = path.with_suffix("")
    return str(path.with_name(f"{path.stem}{tag}{suffix}"))


def _safe_tag(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _list_issues(reporter: Reporter, source: str, issues: list[dict[str, Any]], outcome: str) -> None:
    """Every error and warning on standard error, as ``rarepassport validate`` prints them."""
    if reporter.json:
        return
    invalid = paint(text("cli.invalid"), "red", sys.stderr)
    reporter.failure(f"{display_name(source)}: {invalid}{count(issues)}: {outcome}")
    for issue in issues:
        if reporter.level >= 0 or issue["severity"] == "error":
            sys.stderr.write(issue_line(issue, sys.stderr) + "\n")


def _keyring(args: argparse.Namespace) -> Keyring | None:
    """The keys of --trust and lists of --revoked: the page says "verified" only for those keys."""
    if not args.trust and not args.revoked:
        return None
    from rarepassport.signing import load_keyring

    return load_keyring(args.trust, args.revoked)


def _cmd_render(args: argparse.Namespace) -> int:
    from rarepassport.errors import MissingGlyphsError
    from rarepassport.rendering import RenderError, render_validated
    from rarepassport.validation import validate

    reporter: Reporter = args.reporter
    plugins = plugins_for(args)
    passport = _load(args.file, plugins, reporter, args)
    if passport is None:
        return EXIT_INVALID
    format = args.format
    if format not in plugins.backends:
        names = ", ".join(plugins.backends.names())
        raise CommandError(text("cli.render.unknown-format", format=repr(format), names=names))
    # No --view: the format's default view (the wallet card's is the emergency view).
    view = args.view or plugins.backends[format].default_view.value
    options = _options(args, format)
    if args.second_language is not None and not plugins.backends[format].bilingual:
        takes = ", ".join(name for name in plugins.backends.names() if plugins.backends[name].bilingual)
        raise CommandError(text("cli.option.format-only", option="--second-language", formats=takes, format=format))
    if args.easy_read and format not in _EASY_READ_FORMATS:
        raise CommandError(text("cli.option.format-only", option="--easy-read", formats=", ".join(_EASY_READ_FORMATS),
                                format=format))
    if format == "pdf":
        # A relative photo path is relative to the passport file, not to the shell.
        where = Path.cwd() if args.file == STDIN else Path(args.file).resolve().parent
        options["base_dir"] = str(where)
    # The messages people read in the language of this run's messages (--language, else LANG).
    report = validate(passport, plugins=plugins, language=message_language(args))
    issues = [issue.to_dict() for issue in (*report.errors, *report.warnings)]
    if not report.ok:
        if not args.allow_invalid:
            _list_issues(reporter, args.file, issues, text("cli.render.refused"))
            reporter.add(args.file, "invalid", issues=issues)
            return EXIT_INVALID
        _list_issues(reporter, args.file, issues, text("cli.render.anyway"))
    else:
        for issue in report.warnings:
            reporter.warn(f"{display_name(args.file)}: {issue.path}: {issue.message} [{issue.code}]")
    reporter.detail(text("cli.render.drawing", file=display_name(args.file), format=format, view=view))
    keyring = _keyring(args)
    try:
        rendered, notes = render_validated(
            passport, format, view, args.language, plugins=plugins, today=None, report=report, options=options,
            second_language=args.second_language,
            trust=keyring,
            easy_read=args.easy_read,
        )
    except MissingGlyphsError as exc:
        raise CommandError(_missing_glyphs_text(display_name(args.file), exc)) from None
    except RenderError as exc:
        # An error with a catalogue message (an option's value, ...) in the messages' language.
        raise CommandError(f"{display_name(args.file)}: {error_text(exc)}") from None
    output = args.output
    if output is None and args.file != STDIN:
        output = default_output(args.file, format, rendered.suffix, view,
                                {**options, "second_language": args.second_language, "easy_read": args.easy_read},
                                args.language)
    written = write_output(args, output, rendered.data, inputs=[args.file])
    # The validation notes were listed above, with their messages.
    warnings = [message for message in rendered.warnings if message not in notes]
    for message in warnings:
        reporter.warn(f"{display_name(args.file)}: {message}")
    reporter.add(args.file, "ok", issues=issues, warnings=warnings, output=written)
    if written != STDIN:
        reporter.info(text("cli.wrote", file=written))
    return EXIT_OK


def _missing_glyphs_text(file: str, error: MissingGlyphsError) -> str:
    """Where the characters no font can draw are (up to ten places, each with its code
    points), all in the language of the messages, under a heading that says what to do."""
    from rarepassport.rendering._verify import characters_text, place_text

    lines = [text("cli.render.missing-glyphs", file=file)]
    for where, chars in error.places[:10]:
        lines.append("  " + text("phrase.label_value", label=place_text(where, text), value=characters_text(chars, 6)))
    more = len(error.places) - 10
    if more > 0:
        lines.append("  " + text("cli.render.more-places.one" if more == 1 else "cli.render.more-places.other",
                                 count=more))
    return "\n".join(lines)


def bundled_example() -> bytes:
    """The example passport shipped inside the package, as written."""
    return (resources.files("rarepassport") / "data" / DEMO_PASSPORT).read_bytes()


def demo_example(today: _dt.date | None = None) -> bytes:
    """The bundled example with its currency dates moved to be as current on ``today``.

    Every date in `DEMO_CURRENCY_DATES` moves by the days from
    `DEMO_WRITTEN_ON` to ``today`` (default: today), so the example validates
    without a warning whenever the demo is run, as it did the day it was written.
    """
    document = json.loads(bundled_example())
    shift = (today or _dt.date.today()) - DEMO_WRITTEN_ON
    for path in DEMO_CURRENCY_DATES:
        *parents, last = path
        owner = document
        for key in parents:
            owner = owner[key]
        owner[last] = (_dt.date.fromisoformat(owner[last]) + shift).isoformat()
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _cmd_demo(args: argparse.Namespace) -> int:
    from rarepassport.convert import loads
    from rarepassport.rendering import render_rendered

    folder = Path(args.directory)
    if folder.exists() and not folder.is_dir():
        raise CommandError(text("cli.demo.not-a-folder", folder=folder))
    reporter: Reporter = args.reporter
    targets = [folder / DEMO_PASSPORT, *(folder / name for name, *_ in DEMO_FILES)]
    existing = [str(path) for path in targets if path.exists()]
    if existing and not args.force:
        raise CommandError(text("cli.demo.exists", file=existing[0]))
    try:
        source = demo_example()
    except OSError as exc:
        raise CommandError(text("cli.demo.missing-example", reason=os_reason(exc))) from None
    plugins = plugins_for(args)
    passport = loads(source, format="json", plugins=plugins)
    folder.mkdir(parents=True, exist_ok=True)
    write_output(args, str(folder / DEMO_PASSPORT), source)
    reporter.add(None, "ok", output=str(folder / DEMO_PASSPORT))
    written = [DEMO_PASSPORT]
    for name, format, view, options in DEMO_FILES:
        if format == "pdf":
            options = {**options, "base_dir": str(folder.resolve())}
        rendered = render_rendered(passport, format, view, plugins=plugins, **options)
        write_output(args, str(folder / name), rendered.data)
        for message in rendered.warnings:
            reporter.warn(f"{folder / name}: {message}")
        reporter.add(str(folder / DEMO_PASSPORT), "ok", warnings=rendered.warnings, output=str(folder / name))
        written.append(name)
    if reporter.json or reporter.level < 0:
        return EXIT_OK
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
            "Validate a passport, then draw it. A passport with validation errors is not drawn "
            "(exit status 1, every error listed) unless --allow-invalid is given. Warnings (from "
            "validation, an overdue review, text left off the wallet card, characters no font can "
            "draw) go to standard error and into the document's notes; the output is still written."
        ),
    )
    render.add_argument("file", metavar="FILE", help="the passport (.json or .yaml), '-' for standard input")
    render.add_argument("-f", "--format", default="pdf",
                        help="pdf (default), card, lockscreen (PNG), lockscreen-pdf, html, markdown, text, "
                             "or a plugin's format")
    render.add_argument("--view", choices=_VIEWS,
                        help="who it is for (default: the format's own: emergency for card and lockscreen, "
                             "full for the others)")
    render.add_argument("--language", help="language of the labels (default: the passport's)")
    render.add_argument("--second-language", metavar="LANG",
                        help="pdf, card, lockscreen, html, markdown, text: the labels in a second language too "
                             "(Allergies / Alergias), "
                             "the person's own text once, for travel")
    render.add_argument("--allow-invalid", action="store_true",
                        help="render a passport with validation errors; the errors are printed in its notes")
    render.add_argument("--size", metavar="SIZE",
                        help="pdf: a4 (default), a5 or letter; lockscreen: iphone-15 (default), "
                             "iphone-15-pro-max, iphone-13, android-fhd, android-qhd or WIDTHxHEIGHT in pixels")
    render.add_argument("--theme", metavar="THEME",
                        help="lockscreen: light (default), dark or high-contrast")
    render.add_argument("--large-print", action="store_true", help="pdf, html: no text under 14 pt; "
                        "card: a folded A6 card with no text under 14 pt")
    render.add_argument("--high-contrast", action="store_true", help="pdf: black on white, heavy borders")
    render.add_argument("--easy-read", action="store_true",
                        help="pdf, card, html, accessible-pdf, markdown, text: easy read, as learning-disability "
                             "health passports are: shorter, plainer fixed words, a symbol beside each section "
                             "title (pdf, html) and large print (pdf, card, html)")
    render.add_argument("--qr", metavar="emergency|link:URL",
                        help="pdf, card, lockscreen: add a QR code with the emergency details, or a link to "
                             "your digital passport (link:https://...)")
    render.add_argument("--sheet", action="store_true",
                        help="card: front and back on one A4 page, with cut marks")
    render.add_argument("--font", dest="fonts", action="append", metavar="PATH",
                        help="pdf, card, lockscreen: a fallback font for scripts the bundled font lacks (repeatable)")
    render.add_argument("--allow-missing-glyphs", action="store_true",
                        help="pdf, card: draw a visible marker (U+FFFD) for a character no font can draw, "
                             "instead of failing")
    render.add_argument("--trust", action="append", default=[], metavar="KEYS",
                        help="a public key whose signatures the page may call verified: JWK, JWK Set or PEM (repeat)")
    render.add_argument("--revoked", action="append", default=[], metavar="LIST",
                        help="a revocation list of key ids not to trust (JSON; repeat)")
    render.add_argument("-o", "--output", metavar="OUT",
                        help="file to write, '-' for standard output (default: next to FILE, named for the "
                             "format, view and options, e.g. ada.pdf, ada-card.pdf, ada-card-sheet.pdf; "
                             "standard output when FILE is '-')")
    add_passphrase_option(render)
    render.set_defaults(handler=_cmd_render)

    demo = commands.add_parser(
        "demo",
        help="write an example passport with its PDF, wallet card and HTML",
        description="Write the bundled example passport and its renderings into DIR.",
    )
    demo.add_argument("directory", nargs="?", default="passport-demo", metavar="DIR",
                      help="folder to write into (default: passport-demo)")
    demo.set_defaults(handler=_cmd_demo)
