"""A word or phrase in another script inside a sentence gets its own ``lang`` (issue 12.4).

A whole field is marked with its language (``lang`` on the element); a word in another
script inside it ("Mother speaks only 中文 at home", "Call Fatima (فاطمة) first") was
left in the sentence's language, so a screen reader read it with the sentence's voice.
Each such run is now its own element with its own ``lang`` and ``dir``; spaces, digits
and punctuation around it stay in the sentence. The pages are parsed as written, and
opened in Chromium for the language and direction the browser gives each word.
(Axe on such a page: tests/test_html_browser.py.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import rarepassport as rp

TODAY = dt.date(2026, 11, 27)
VOID = {"br", "img", "meta", "hr", "input", "link", "wbr", "path"}

NOTE = "Mother speaks only 中文 at home.\n\nCall Fatima (فاطمة) first, or Priya (प्रिया शर्मा) on 0300 123 4567."


def passport(language: str = "en", note: str = NOTE, contact: str = "Fatima Haddad (فاطمة حداد)",
             title: str = "Family", name: str | None = None) -> rp.Passport:
    return rp.Passport(
        language=language,
        person=rp.Person(name=name or ("Amira Haddad" if language != "ar" else "أميرة حداد"),
                         date_of_birth=dt.date(2015, 3, 2)),
        diagnoses=(rp.Diagnosis(name="Adrenal insufficiency", primary=True),),
        contacts=(rp.Contact(name=contact, role="emergency", phone="+44 20 7946 0000"),),
        allergies=(rp.Allergy(substance="Penicillin", reaction="Hives"),),
        additional_sections=(rp.AdditionalSection(title=title, text=note),),
    )


def page(person: rp.Passport, language: str = "en") -> str:
    pm = rp.make_plugin_manager(entry_points=False)
    return rp.render_rendered(person, "html", "full", language, plugins=pm, today=TODAY).data.decode("utf-8")


class _Pieces(HTMLParser):
    """The body's text, each piece with the ``lang`` and ``dir`` of the element it is
    directly in, and of its nearest element with a ``lang``."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.pieces: list[tuple[str, str | None, str | None]] = []  # (text, lang, dir of that element)
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs)))
        self.skip += tag in ("style", "title", "head")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack and self.stack[-1][0] != tag:
            self.stack.pop()
        if self.stack:
            self.stack.pop()
        self.skip -= tag in ("style", "title", "head")

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        marked = next((attrs for _tag, attrs in reversed(self.stack) if attrs.get("lang")), {})
        self.pieces.append((data, marked.get("lang"), marked.get("dir")))


def pieces(text: str) -> list[tuple[str, str | None, str | None]]:
    parser = _Pieces()
    parser.feed(text)
    parser.close()
    return parser.pieces


def marks_of(text: str, word: str) -> list[tuple[str | None, str | None]]:
    """(lang, dir) of every piece of the page's text that is exactly ``word``."""
    return [(lang, direction) for data, lang, direction in pieces(text) if data == word]


def test_a_chinese_word_in_an_english_sentence_is_marked_as_han_text() -> None:
    html = page(passport())
    assert marks_of(html, "中文") == [("und-Hani", "ltr")]
    # The English around it stays in the page's language.
    assert ("Mother speaks only ", "en") in [(data, lang) for data, lang, _dir in pieces(html)]


def test_an_arabic_name_in_brackets_is_right_to_left_and_the_brackets_stay_outside() -> None:
    html = page(passport())
    assert marks_of(html, "فاطمة") == [("und-Arab", "rtl")]
    texts = [(data, lang) for data, lang, _dir in pieces(html)]
    start = texts.index(("فاطمة", "und-Arab"))
    assert texts[start - 1] == ("Call Fatima (", "en")
    assert texts[start + 1][0].startswith(")") and texts[start + 1][1] == "en"


def test_a_hindi_name_inside_an_english_sentence_is_marked_and_the_digits_after_it_are_not() -> None:
    html = page(passport())
    assert marks_of(html, "प्रिया शर्मा") == [("und-Deva", "ltr")]
    # The phone number after it is the sentence's.
    assert [lang for data, lang, _dir in pieces(html) if "0300 123 4567" in data.replace("\u00a0", " ")] == ["en"]


def test_a_name_in_another_script_inside_a_field_value_is_marked_in_the_list_and_the_table() -> None:
    html = page(passport())
    # The emergency contact is both a field (name: phone) and a row of the contacts table.
    assert marks_of(html, "فاطمة حداد") == [("und-Arab", "rtl")] * 2


def test_a_run_in_the_passports_own_language_gets_that_language() -> None:
    # An Arabic passport rendered with English labels: the Arabic words are the person's
    # own, in the passport's language.
    html = page(passport(language="ar", note="Only speaks العربية at home."), "en")
    assert marks_of(html, "العربية") == [("ar", "rtl")]


def test_latin_words_in_an_arabic_sentence_are_left_to_right_with_their_own_lang() -> None:
    note = "الأم تتكلم English فقط، اتصل بـ Fatima Haddad على 0300 123 4567."
    html = page(passport(language="ar", note=note), "ar")
    assert marks_of(html, "English") == [("und-Latn", "ltr")]
    assert marks_of(html, "Fatima\u00a0Haddad") == [("und-Latn", "ltr")]
    # One element per run: the left-to-right isolate is the run's own element.
    assert '<span dir="ltr"><span lang' not in html


def test_only_the_words_in_another_script_get_an_element_of_their_own() -> None:
    html = page(passport(note="Mother speaks English and a little 中文 at home, 2 or 3 words of Welsh."))
    family = html.split('data-section="additional_sections.0"')[1].split("</section>")[0]
    assert re.findall(r"<span[^>]*>", family) == ['<span lang="und-Hani" dir="ltr">']


def test_a_web_address_with_another_script_stays_one_link() -> None:
    html = page(passport(note="See https://example.org/中文 or ask 王芳."))
    assert '<a href="https://example.org/中文">https://example.org/中文</a>' in html
    assert marks_of(html, "王芳") == [("und-Hani", "ltr")]


def test_a_value_in_another_script_marks_the_words_of_the_page_s_script_inside_it() -> None:
    # Mostly Arabic: the element is marked Arabic, the Latin name inside it gets its own lang.
    html = page(passport(contact="فاطمة حداد (Fatima)"))
    assert marks_of(html, "Fatima") == [("en", "ltr")] * 2


def test_a_section_title_the_person_wrote_marks_its_words_in_another_script() -> None:
    html = page(passport(title="Family (العائلة)"))
    [heading] = re.findall(r"<h2[^>]*>Family.*?</h2>", html)
    assert marks_of(heading, "العائلة") == [("und-Arab", "rtl")]
    assert marks_of(html, "العائلة") == [("und-Arab", "rtl")]  # not in the running header, once


def test_the_page_s_words_inside_the_person_s_text_are_in_the_page_s_language() -> None:
    # A Hindi page of an English passport: a value is the person's English (lang="en"),
    # the catalogue's Hindi words inside it are Hindi, their brackets with them.
    person = rp.load(Path(__file__).resolve().parent.parent / "examples" / "conditions" / "adrenal-insufficiency.json")
    html = page(person, "hi")
    assert re.search(r'<dd lang="en" dir="ltr">[^<]*<span lang="hi" dir="ltr">[^<]*</span>[^<]*'
                     r'<span lang="hi" dir="ltr">दैनिक खुराक \(निर्धारित अनुसार\)</span>: 10 mg', html)
    assert "und-Deva" not in html


def test_a_name_in_two_scripts_is_marked_word_by_word_in_the_title() -> None:
    html = page(passport(name="Amira Haddad (أميرة حداد)"))
    [title] = re.findall(r"<h1>.*?</h1>", html)
    assert marks_of(title, "أميرة حداد") == [("und-Arab", "rtl")]



UNDIAGNOSED = rp.Passport(
    language="en",
    person=rp.Person(name="Robert Kettering", date_of_birth=dt.date(1988, 2, 29)),
    diagnoses=(rp.Diagnosis(name="Undiagnosed progressive condition (syndrome without a name)", primary=True,
                            status="undiagnosed"),),
)


def test_brackets_around_arabic_words_in_a_right_to_left_element_are_in_their_element() -> None:
    # An English diagnosis between the catalogue's Arabic words, in an element that reads
    # right to left: the bracketed Arabic qualifier is one element, its brackets with it,
    # so no reader (nor WeasyPrint, drawing a lone bracket as a piece of its own) takes
    # them from the words they enclose.
    html = page(UNDIAGNOSED, "ar")
    assert re.search(r'<dd lang="en" dir="rtl">.*?<span dir="ltr">Undiagnosed progressive condition '
                     r'\(syndrome without a name\)</span> <span lang="ar" dir="rtl">\(الحالة الرئيسية\)</span>',
                     html)
    # In an element that reads left to right the brackets stay the sentence's.
    assert marks_of(page(passport()), "فاطمة") == [("und-Arab", "rtl")]


def test_a_note_s_field_paths_and_codes_in_an_arabic_page_keep_their_order() -> None:
    # Validation notes name fields and codes; in a right-to-left page each left-to-right
    # run of them is isolated, or the bidi algorithm scatters "$." and the brackets.
    html = page(UNDIAGNOSED, "ar")
    [notes] = re.findall(r'<div class="warnings".*?</ul>', html)
    runs = re.findall(r'<span dir="ltr">(.*?)</span></span>', notes)
    assert any("$.contacts (no-emergency-contact)" in run for run in runs), notes


# --- as the browser reads the page ---------------------------------------------------

PROBE = """<script>
window.addEventListener('load', () => {
  const found = {};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    if (!%(words)s.includes(text)) continue;
    const element = node.parentElement;
    const marked = element.closest('[lang]');
    (found[text] = found[text] || []).push([marked.lang, getComputedStyle(element).direction]);
  }
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>"""


def test_chromium_reads_each_run_in_its_own_language_and_direction(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (CI installs it)")
    words = ["中文", "فاطمة", "प्रिया शर्मा", "Mother speaks only "]
    html = page(passport()).replace("</body>", PROBE % {"words": json.dumps(words)} + "</body>", 1)
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
        capture_output=True, timeout=300, check=True)
    [probe] = re.findall(r'<pre id="probe">(.*?)</pre>', result.stdout.decode("utf-8"), re.S)
    import html as html_module

    found = json.loads(html_module.unescape(probe))
    assert found == {"中文": [["und-Hani", "ltr"]], "فاطمة": [["und-Arab", "rtl"]],
                     "प्रिया शर्मा": [["und-Deva", "ltr"]], "Mother speaks only ": [["en", "ltr"]]}
