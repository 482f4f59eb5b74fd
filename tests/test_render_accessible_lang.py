"""The accessible (tagged) PDF marks the person's own text with its own language.

Issue 12 point 4: "the person's own text stays as written, marked with its own language
(``lang`` on the element in HTML, ``/Lang`` on the span in tagged PDF)". WeasyPrint,
which lays the accessible PDF out from the HTML page, carries only ``<html lang>`` into
the PDF (the catalogue's ``/Lang``); an Arabic name in a French passport was read by a
screen reader in the French voice. The structure tree is read back with pikepdf and
the text of each element through its marked-content ids with PDFium, independently of
the code that adds the languages.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import io
import unicodedata
from collections.abc import Iterator

import pikepdf
import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped,unused-ignore]

import rarepassport as rp
from rarepassport import render_rendered
from rarepassport.languages import script_of, script_of_language

TODAY = dt.date(2026, 11, 27)


def passport(language: str, name: str, contact: str, substance: str) -> rp.Passport:
    return rp.Passport(
        language=language,
        person=rp.Person(name=name, date_of_birth=dt.date(2015, 3, 2)),
        diagnoses=(rp.Diagnosis(name="Insuffisance surrénalienne", primary=True),),
        contacts=(rp.Contact(name=contact, role="emergency", phone="+44 20 7946 0000"),),
        allergies=(rp.Allergy(substance=substance, reaction="Anaphylaxie"),),
    )


def marked_texts(data: bytes) -> list[dict[int, str]]:
    """Per page, the text of each marked-content id."""
    pages = []
    pdf = pdfium.PdfDocument(data)
    try:
        for page in pdf:
            textpage = page.get_textpage()
            texts: dict[int, str] = {}
            for obj in page.get_objects(max_depth=4):
                if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj)
                size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
                if mcid >= 0 and size > 2:
                    buffer = (ctypes.c_ushort * (size // 2))()
                    pdfium_c.FPDFTextObj_GetText(obj, textpage, buffer, size)
                    texts[mcid] = texts.get(mcid, "") + bytes(buffer)[: size - 2].decode("utf-16-le")
            pages.append(texts)
    finally:
        pdf.close()
    return pages


def tagged(data: bytes) -> Iterator[tuple[str | None, str, str]]:
    """Every structure element: (its /Lang, its type, the text under it), in reading order."""
    texts = marked_texts(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        found: list[tuple[str | None, str, str]] = []

        def text_of(node: pikepdf.Object, page: int | None) -> str:
            if isinstance(node, int):
                return texts[page].get(node, "") if page is not None else ""
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                return ""
            if "/Pg" in node:
                page = numbers[node.Pg.objgen]
            kids = node.get("/K")
            items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            slot = len(found)
            found.append((None, "", ""))
            text = "".join(text_of(kid, page) for kid in items)
            lang = str(node.Lang) if "/Lang" in node else None
            found[slot] = (lang, str(node.S), text)
            return text

        for kid in pdf.Root.StructTreeRoot.K:
            text_of(kid, None)
        catalogue = str(pdf.Root.Lang)
    assert catalogue
    yield from found


def letters(text: str) -> list[str]:
    """The letters of a text in any order (PDF keeps right-to-left text in visual order),
    without the IPA letters WeasyPrint's fonts map shaped Devanagari glyphs to."""
    return sorted(char for char in unicodedata.normalize("NFKC", text)
                  if char.isalpha() and not 0x250 <= ord(char) <= 0x2AF)


def script_claimed(lang: str) -> str:
    """The script a language tag says: its script subtag, else its language's usual one."""
    subtags = lang.split("-")
    explicit = [tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()]
    if explicit and explicit[0] not in ("Hans", "Hant"):
        return explicit[0]
    return script_of_language(lang)


def languages_of(data: bytes, text: str) -> list[str | None]:
    """The /Lang of each element whose letters are exactly those of ``text`` (outermost first)."""
    want = letters(text)
    return [lang for lang, _kind, inner in tagged(data) if letters(inner) == want]


def render(passport: rp.Passport) -> bytes:
    return render_rendered(passport, "accessible-pdf", "full", "fr", today=TODAY).data


def test_an_arabic_name_in_a_french_passport_of_an_arabic_speaker_is_marked_ar() -> None:
    data = render(passport("ar", "ليلى حسن", "王小明", "Pénicilline"))
    marks = languages_of(data, "ليلى حسن")
    assert marks and all(mark == "ar" for mark in marks[:1])
    # The French words around it are left to the document's language.
    assert languages_of(data, "Pénicilline") == [None] * len(languages_of(data, "Pénicilline"))


def test_a_chinese_name_in_a_passport_written_in_chinese_is_marked_zh_hans() -> None:
    data = render(passport("zh-Hans", "王小明", "王小明", "Pénicilline"))
    marks = [mark for mark in languages_of(data, "王小明") if mark is not None]
    assert marks and set(marks) == {"zh-Hans"}


def test_text_in_another_script_than_the_passports_language_is_marked_by_its_script_only() -> None:
    # A French passport: an Arabic name, a Chinese contact, a Hindi substance. Which
    # language each is in is not known, only its script: never a false claim.
    data = render(passport("fr", "ليلى حسن", "王小明", "पेनिसिलिन"))
    assert "und-Arab" in languages_of(data, "ليلى حسن")
    assert "und-Hani" in {mark for lang_text in ("王小明 : +44 20 7946 0000", "王小明")
                          for mark in languages_of(data, lang_text)}
    assert "und-Deva" in languages_of(data, "पेनिसिलिन")


def test_every_language_claimed_in_the_tree_matches_the_script_of_its_text() -> None:
    data = render(passport("ar", "ليلى حسن", "王小明", "पेनिसिलिन"))
    claims = [(lang, text) for lang, _kind, text in tagged(data) if lang is not None]
    assert len(claims) >= 3
    for lang, text in claims:
        assert script_of("".join(letters(text))) == script_claimed(lang), (lang, text)


# --- every piece of a text in its element's language (issue 12 points 4 and 8) -------

#: Untranslated English guidance, long enough to break over a page; each paragraph
#: opens with its own mark so its pieces can be told apart.
PARTS = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett",
         "Kilo", "Lima")
SENTENCE = ("Keep the person warm and lying down, check the breathing every few minutes and write "
            "down the time of each dose given.")
LONG = "\n\n".join(f"Part {part}. " + " ".join([SENTENCE] * 4) for part in PARTS)


class LongEnglishGuidance:
    """A condition plugin whose guidance has no French translation."""

    @rp.hookimpl
    def rarepassport_emergency_guidance(self, passport: rp.Passport) -> list[rp.Guidance]:
        return [rp.Guidance(id="fictional.warmth", title="Fictional warmth", text=LONG,
                            steps=("Call for help.", "Stay with the person."),
                            source="Fictional Society guidance", source_date=dt.date(2024, 1, 1))]


def leaves(data: bytes) -> list[tuple[str, int, str]]:
    """Every structure element with text of its own: (the language it is read in, its
    page, its own text), in reading order. Its language is its /Lang, else the nearest
    ancestor's, else the document's."""
    texts = marked_texts(data)
    found: list[tuple[str, int, str]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}

        def walk(node: pikepdf.Object, lang: str, page: int) -> None:
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                return
            lang = str(node.Lang) if "/Lang" in node else lang
            page = numbers[node.Pg.objgen] if "/Pg" in node else page
            kids = node.get("/K")
            items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            own = "".join(texts[page].get(int(kid), "") for kid in items if isinstance(kid, int))
            if own.strip():
                found.append((lang, page, own))
            for kid in items:
                walk(kid, lang, page)

        catalogue = str(pdf.Root.Lang)
        for kid in pdf.Root.StructTreeRoot.K:
            walk(kid, catalogue, 0)
    return found


def spaced(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@functools.cache
def french_with_english_guidance() -> bytes:
    pm = rp.make_plugin_manager(plugins=[LongEnglishGuidance()])
    person = passport("fr", "ليلى حسن", "王小明", "Pénicilline")
    return render_rendered(person, "accessible-pdf", "full", "fr", plugins=pm, today=TODAY).data


def test_english_guidance_broken_over_a_page_is_english_on_both_pages() -> None:
    data = french_with_english_guidance()
    guidance = spaced(LONG)
    pieces = [(lang, page, spaced(text)) for lang, page, text in leaves(data)
              if len(letters(text)) >= 4 and spaced(text) in guidance]
    assert pieces
    # Which paragraph each piece is in: the last "Part X." seen.
    pages: dict[str, set[int]] = {}
    part = ""
    for lang, page, text in pieces:
        part = next((name for name in PARTS if f"Part {name}." in text), part)
        pages.setdefault(part, set()).add(page)
        assert lang == "en", (part, page, text)
    # The guidance did break over a page inside a paragraph, and every letter is there.
    assert any(len(on) > 1 for on in pages.values())
    assert sorted(char for _lang, _page, text in pieces for char in letters(text)) == letters(guidance)


def test_the_french_around_the_english_guidance_stays_french() -> None:
    data = french_with_english_guidance()
    [note] = [lang for lang, _page, text in leaves(data) if spaced(text).startswith("Non traduit")]
    assert note == "fr"
    # The heading is French around the guidance's English title.
    [title] = [lang for lang, _page, text in leaves(data) if spaced(text) == "Fictional warmth"]
    [around] = [lang for lang, _page, text in leaves(data) if spaced(text).startswith("Recommandations générales :")]
    assert (title, around) == ("en", "fr")
    [name] = [lang for lang, _page, text in leaves(data) if letters(text) == letters("ليلى حسن")][:1]
    assert name == "und-Arab"


def test_an_arabic_and_a_chinese_name_in_an_english_passport_are_marked_by_their_script() -> None:
    person = passport("en", "ليلى حسن", "王小明", "Penicillin")
    data = render_rendered(person, "accessible-pdf", "full", "en", today=TODAY).data
    read = leaves(data)
    names = [lang for lang, _page, text in read if letters(text) == letters("ليلى حسن")]
    contacts = [lang for lang, _page, text in read if letters(text) == letters("王小明")]
    assert names and set(names) == {"und-Arab"}
    assert contacts and set(contacts) == {"und-Hani"}
    assert {lang for lang, _page, text in read if "Penicillin" in text} == {"en"}


# --- a word in another script inside a sentence (issue 12 point 4) -------------------

@functools.cache
def english_with_words_in_other_scripts() -> bytes:
    person = rp.Passport(
        language="en",
        person=rp.Person(name="Amira Haddad", date_of_birth=dt.date(2015, 3, 2)),
        diagnoses=(rp.Diagnosis(name="Adrenal insufficiency", primary=True),),
        contacts=(rp.Contact(name="Fatima Haddad (فاطمة حداد)", role="emergency", phone="+44 20 7946 0000"),),
        additional_sections=(rp.AdditionalSection(
            title="Family", text="Mother speaks only 中文 at home.\n\nCall Fatima (فاطمة) first."),),
    )
    return render_rendered(person, "accessible-pdf", "full", "en", today=TODAY).data


def spans_in(data: bytes, sentence: str) -> list[tuple[str | None, str, list[tuple[str | None, str]]]]:
    """Each structure element whose text is ``sentence``: (its /Lang, its type, and its
    Span descendants with a /Lang of their own, (lang, text), in reading order)."""
    texts = marked_texts(data)
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}

        def kids_of(node: pikepdf.Object) -> list[pikepdf.Object]:
            kids = node.get("/K")
            return list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []

        def text_of(node: pikepdf.Object, page: int) -> str:
            if isinstance(node, int):
                return texts[page].get(node, "")
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                return ""
            page = numbers[node.Pg.objgen] if "/Pg" in node else page
            return "".join(text_of(kid, page) for kid in kids_of(node))

        def spans(node: pikepdf.Object, page: int) -> list[tuple[str | None, str]]:
            out: list[tuple[str | None, str]] = []
            for kid in kids_of(node):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if str(kid.S) == "/Span" and "/Lang" in kid:
                        out.append((str(kid.Lang), text_of(kid, page)))
                    else:
                        out += spans(kid, page)
            return out

        def walk(node: pikepdf.Object, page: int) -> None:
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                return
            page = numbers[node.Pg.objgen] if "/Pg" in node else page
            if str(node.S) in ("/P", "/LBody", "/TH", "/TD") and letters(text_of(node, page)) == letters(sentence):
                found.append((str(node.Lang) if "/Lang" in node else None, str(node.S), spans(node, page)))
            for kid in kids_of(node):
                walk(kid, page)

        for kid in pdf.Root.StructTreeRoot.K:
            walk(kid, 0)
    return found


def test_a_chinese_word_in_an_english_sentence_is_its_own_span_with_its_lang() -> None:
    [(lang, kind, spans)] = spans_in(english_with_words_in_other_scripts(), "Mother speaks only 中文 at home.")
    assert (lang, kind) == (None, "/P")  # the sentence is in the document's language
    assert [(mark, letters(text)) for mark, text in spans] == [("und-Hani", letters("中文"))]


def test_an_arabic_name_in_an_english_sentence_is_its_own_span_and_the_brackets_are_not_in_it() -> None:
    [(lang, kind, spans)] = spans_in(english_with_words_in_other_scripts(), "Call Fatima (فاطمة) first.")
    assert (lang, kind) == (None, "/P")
    assert [mark for mark, _text in spans] == ["und-Arab"]
    assert letters(spans[0][1]) == letters("فاطمة") and "(" not in spans[0][1] and ")" not in spans[0][1]


def test_an_arabic_name_in_a_contact_is_its_own_span_in_the_list_and_in_the_table() -> None:
    data = english_with_words_in_other_scripts()
    contact = "Fatima Haddad (فاطمة حداد)"
    found = spans_in(data, contact) + spans_in(data, f"{contact}: +44 20 7946 0000")
    assert {kind for _lang, kind, _spans in found} == {"/LBody", "/TH"}
    for lang, _kind, spans in found:
        assert lang is None
        assert [(mark, letters(text)) for mark, text in spans] == [("und-Arab", letters("فاطمة حداد"))]
