"""Add, change or remove a label in a folder of gettext catalogues, keeping every file in step.

Run from the repository root::

    # a new label: English in messages.pot, translations in the .po files
    python scripts/edit_labels.py add phrase.example "An example" --tr fr="Un exemple" --tr es="Un ejemplo"
    # a label of a built-in condition plugin
    python scripts/edit_labels.py --folder src/rarepassport/plugins/locale/haemophilia add ...
    # many labels at once, each with its English and translations:
    #   {"phrase.example": {"en": "An example", "fr": "Un exemple", ...}, ...}
    python scripts/edit_labels.py add-many labels.json
    # remove a label everywhere
    python scripts/edit_labels.py remove phrase.example
    # port a Python dict of labels (``{id: text}``) into one language: python scripts/edit_labels.py
    #   import fr path/to/labels.json
    # add or change many labels at once, each with its English and every translation:
    #   python scripts/edit_labels.py add-batch labels.json
    # where labels.json is {"validation.example": {"en": "An example {n}", "fr": "Un exemple {n}", ...}, ...}
    # (every language of the folder must be given, or nothing is written)
    # write the compiled form of every catalogue of rarepassport and its built-in plugins
    # (done after every other command for the folder it changed; needed after a merge)
    python scripts/edit_labels.py compile

A new label added without a translation for a language is left untranslated there,
which the tests report (every shipped language must be complete). Changing the English
of an existing label clears nothing, but a .po whose msgid is the old English is then
stale, which the tests also report: retranslate it (``--tr``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

DEFAULT = Path("src/rarepassport/locale")
PLUGIN_FOLDERS = Path("src/rarepassport/plugins/locale")


def load(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def save(path: Path, catalogue: Catalog) -> None:
    with path.open("wb") as file:
        write_po(file, catalogue, width=0, sort_output=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, default=DEFAULT)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add or change a label")
    add.add_argument("id")
    add.add_argument("english")
    add.add_argument("--tr", action="append", default=[], metavar="LANG=TEXT")
    remove = commands.add_parser("remove", help="remove a label from every file")
    remove.add_argument("id")
    many = commands.add_parser("add-many", help="add or change many labels from a JSON file "
                               '{id: {"en": English, LANG: TEXT, ...}}, each catalogue read and written once')
    many.add_argument("file", type=Path)
    port = commands.add_parser("import", help="set translations of one language from a JSON {id: text} file")
    port.add_argument("language")
    port.add_argument("file", type=Path)
    batch = commands.add_parser("add-batch", help="add or change labels from a JSON {id: {lang: text}} file")
    batch.add_argument("file", type=Path)
    commands.add_parser("compile", help="write the compiled form of every catalogue (core and built-in plugins)")
    args = parser.parse_args()
    if args.command == "compile":
        for folder in [DEFAULT, *sorted(path for path in PLUGIN_FOLDERS.iterdir() if path.is_dir())]:
            compile_folder(folder)
        return
    try:
        edit(args)
    finally:
        compile_folder(args.folder)


def compile_folder(folder: Path) -> None:
    """Write the compiled form (``compiled/<name>.json``) of every catalogue in ``folder``
    and remove the compiled forms of catalogues that are no longer there."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from rarepassport._catalogues import COMPILED_FOLDER, compile_catalogue

    sources = sorted([*folder.glob("*.po"), *folder.glob("*.pot")])
    written = {compile_catalogue(path).name for path in sources}
    for stale in (folder / COMPILED_FOLDER).glob("*.json"):
        if stale.name not in written:
            stale.unlink()


def edit(args: argparse.Namespace) -> None:
    """Carry out an editing command on the catalogues of ``args.folder``."""
    template_path = args.folder / "messages.pot"
    template = load(template_path)
    paths = sorted(args.folder.glob("*.po"))
    if args.command == "remove":
        for path, catalogue in [(template_path, template), *((p, load(p)) for p in paths)]:
            if _has(catalogue, args.id):
                catalogue.delete(_english(catalogue, args.id), context=args.id)
                save(path, catalogue)
        return
    if args.command == "import":
        texts = json.loads(args.file.read_text(encoding="utf-8"))
        path = args.folder / f"{args.language}.po"
        catalogue = load(path)
        for key, text in texts.items():
            catalogue.add(_english(template, key), text, context=key)
        save(path, catalogue)
        return
    if args.command == "add-batch":
        _add_batch(args.folder, json.loads(args.file.read_text(encoding="utf-8")))
        return
    if args.command == "add-many":
        batch = json.loads(args.file.read_text(encoding="utf-8"))
        if not isinstance(batch, dict) or not all(isinstance(v, dict) and isinstance(v.get("en"), str)
                                                  for v in batch.values()):
            raise SystemExit(f'{args.file}: give {{id: {{"en": English, LANG: TEXT, ...}}}}')
        entries = [(key, texts["en"], {k: v for k, v in texts.items() if k != "en"}) for key, texts in batch.items()]
    else:
        entries = [(args.id, args.english, dict(item.split("=", 1) for item in args.tr))]
    for label_id, english, _ in entries:
        old = template.get(_english(template, label_id), context=label_id) if _has(template, label_id) else None
        if old is not None:
            template.delete(old.id, context=label_id)
        template.add(english, "", context=label_id)
    save(template_path, template)
    for path in paths:
        catalogue = load(path)
        for label_id, english, translations in entries:
            previous = ""
            if _has(catalogue, label_id):
                entry = catalogue.get(_english(catalogue, label_id), context=label_id)
                previous = str(entry.string) if entry.id == english else ""
                catalogue.delete(entry.id, context=label_id)
            catalogue.add(english, translations.get(path.stem, previous), context=label_id)
        save(path, catalogue)


def _add_batch(folder: Path, labels: dict[str, dict[str, str]]) -> None:
    """Add or change every label of ``labels`` in the template and every .po file."""
    paths = sorted(folder.glob("*.po"))
    languages = {path.stem for path in paths}
    for label_id, texts in labels.items():
        absent = sorted((languages | {"en"}) - set(texts))
        if absent:
            raise SystemExit(f"{label_id}: no text for {', '.join(absent)}; nothing was written")
    template_path = folder / "messages.pot"
    for path in [template_path, *paths]:
        catalogue = load(path)
        for label_id, texts in labels.items():
            if _has(catalogue, label_id):
                catalogue.delete(_english(catalogue, label_id), context=label_id)
            catalogue.add(texts["en"], "" if path == template_path else texts[path.stem], context=label_id)
        save(path, catalogue)


def _has(catalogue: Catalog, label_id: str) -> bool:
    return any(message.context == label_id for message in catalogue)


def _english(catalogue: Catalog, label_id: str) -> str:
    for message in catalogue:
        if message.context == label_id:
            return str(message.id)
    raise SystemExit(f"no label {label_id} in {catalogue.locale or 'the template'}")


if __name__ == "__main__":
    main()
