"""Make the preview pictures of docs/rendering.md from the bundled example passport.

Run from the repository root after changing how PDFs or cards look::

    python scripts/make_previews.py            # writes docs/images/*.png

It renders ``src/rarepassport/data/example-passport.json`` with the pdf and card
backends and turns chosen pages into PNG files with ``pdftoppm`` (from poppler:
``apt-get install poppler-utils`` or ``brew install poppler``). Only the bundled font
is used (``RAREPASSPORT_SYSTEM_FONTS=0``), so the pictures do not depend on the fonts
of the machine that made them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "rarepassport" / "data" / "example-passport.json"
#: A condition plugin's emergency section on the card (the emergency hydrocortisone dose).
ADRENAL = ROOT / "examples" / "conditions" / "adrenal-insufficiency.json"

#: (picture name, format, view, options, page, resolution in dpi)
PREVIEWS: tuple[tuple[str, str, str, dict[str, Any], int, int], ...] = (
    ("pdf-a4-page1.png", "pdf", "full", {"qr": "emergency"}, 1, 60),
    ("pdf-a4-page3.png", "pdf", "full", {}, 3, 60),
    ("pdf-large-print.png", "pdf", "full", {"large_print": True}, 1, 60),
    ("pdf-high-contrast.png", "pdf", "emergency", {"high_contrast": True}, 1, 60),
    ("pdf-easy-read.png", "pdf", "emergency", {"easy_read": True}, 6, 60),
    ("card-front.png", "card", "emergency", {}, 1, 150),
    ("card-back.png", "card", "emergency", {"qr": "link:https://passport.example.org/maisie"}, 2, 150),
    ("card-sheet.png", "card", "emergency", {"sheet": True}, 1, 40),
)
#: Lock screens of the adrenal example (its emergency dose): (picture name, size, theme).
#: The lockscreen backend writes the PNG itself; it is scaled down to LOCKSCREEN_WIDTH.
LOCKSCREEN_PREVIEWS: tuple[tuple[str, str, str], ...] = (
    ("lockscreen-iphone-15.png", "iphone-15", "light"),
    ("lockscreen-iphone-15-pro-max.png", "iphone-15-pro-max", "light"),
    ("lockscreen-iphone-13.png", "iphone-13", "light"),
    ("lockscreen-android-fhd.png", "android-fhd", "light"),
    ("lockscreen-android-qhd.png", "android-qhd", "light"),
    ("lockscreen-dark.png", "iphone-15", "dark"),
    ("lockscreen-high-contrast.png", "iphone-15", "high-contrast"),
)
LOCKSCREEN_WIDTH = 300
#: Pictures of other example passports: (picture name, passport, format, view, options, page, dpi).
OTHER_PREVIEWS: tuple[tuple[str, Path, str, str, dict[str, Any], int, int], ...] = (
    ("card-adrenal-back.png", ADRENAL, "card", "emergency", {}, 2, 150),
    ("card-large-print-sheet.png", ADRENAL, "card", "emergency",
     {"large_print": True, "sheet": True, "qr": "emergency"}, 1, 40),
    ("card-bilingual-front.png", ADRENAL, "card", "emergency", {"language": "fr", "second_language": "en"}, 1, 150),
    ("card-bilingual-ar-back.png", ADRENAL, "card", "emergency", {"language": "ar", "second_language": "en"}, 2, 150),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="folder for the PNG files")
    args = parser.parse_args()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.stderr.write("make_previews: pdftoppm not found; install poppler-utils\n")
        return 2
    os.environ["RAREPASSPORT_SYSTEM_FONTS"] = "0"
    import rarepassport
    from rarepassport import render_rendered

    args.out.mkdir(parents=True, exist_ok=True)
    jobs = [(name, EXAMPLE, format, view, options, page, dpi)
            for name, format, view, options, page, dpi in PREVIEWS] + list(OTHER_PREVIEWS)
    with tempfile.TemporaryDirectory() as scratch:
        for name, source, format, view, options, page, dpi in jobs:
            passport = rarepassport.load(source)
            # A fixed "today", so an example's review date does not change the pictures.
            rendered = render_rendered(passport, format, view, today=dt.date(2026, 11, 27), **options)
            pdf = Path(scratch) / f"{name}.pdf"
            pdf.write_bytes(rendered.data)
            stem = Path(scratch) / name
            subprocess.run(  # noqa: S603 - fixed program and arguments, our own temporary files
                [pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                 str(pdf), str(stem)],
                check=True,
            )
            shutil.move(f"{stem}.png", args.out / name)
            print(f"wrote {args.out / name}")
    _lockscreens(args.out)
    return 0


def _lockscreens(out: Path) -> None:
    import io

    from PIL import Image

    import rarepassport
    from rarepassport import render_rendered

    passport = rarepassport.load(ADRENAL)
    for name, size, theme in LOCKSCREEN_PREVIEWS:
        rendered = render_rendered(passport, "lockscreen", "emergency", today=dt.date(2026, 11, 27),
                                   size=size, theme=theme)
        with Image.open(io.BytesIO(rendered.data)) as image:
            height = round(image.height * LOCKSCREEN_WIDTH / image.width)
            small = image.convert("RGB").resize((LOCKSCREEN_WIDTH, height), Image.Resampling.LANCZOS)
        # A palette keeps the small pictures small in the repository.
        small.quantize(colors=64).save(out / name, format="PNG", optimize=True)
        print(f"wrote {out / name}")


if __name__ == "__main__":
    sys.exit(main())
