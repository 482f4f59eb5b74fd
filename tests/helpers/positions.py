"""Where words are on a PDF page: lines of words with their boxes, from PDFium's character boxes."""

from __future__ import annotations

import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]

from rarepassport.rendering._verify import skeleton

MM = 72 / 25.4


def lines(data: bytes, page_number: int) -> list[tuple[float, float, float, list[tuple[float, str]]]]:
    """(left, right, top, [(left, word)]) of each line of a page, in mm, from PDFium's character boxes."""
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[page_number]
        height = page.get_height()
        textpage = page.get_textpage()
        rows: list[tuple[float, float, float, list[tuple[float, str]]]] = []
        word: list[tuple[str, float, float, float]] = []

        def flush() -> None:
            if not word:
                return
            left, right = min(c[1] for c in word), max(c[2] for c in word)
            top = min(c[3] for c in word)
            text = skeleton("".join(c[0] for c in word))
            for index, (l0, r0, t0, words) in enumerate(rows):
                if abs(t0 - top) < 1.2:
                    rows[index] = (min(l0, left), max(r0, right), min(t0, top), [*words, (left, text)])
                    break
            else:
                rows.append((left, right, top, [(left, text)]))
            word.clear()

        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            left, low, right, high = textpage.get_charbox(index, loose=True)
            if char.isspace() or not skeleton(char) or high <= low:
                flush()
                continue
            if word and abs((height - high) / MM - word[-1][3]) > 1.2:
                flush()
            word.append((char, left / MM, right / MM, (height - high) / MM))
        flush()
        return rows
    finally:
        pdf.close()


def word_left(rows: list[tuple[float, float, float, list[tuple[float, str]]]], wanted: str) -> tuple[float, float]:
    """(top of its line, left edge) of a word, as written or reversed."""
    key = skeleton(wanted)
    for _left, _right, top, words in rows:
        for left, text in words:
            if key in text or key[::-1] in text:
                return top, left
    raise AssertionError(f"{wanted!r} is not on the card")
