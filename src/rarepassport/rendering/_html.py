"""HTML backend: one self-contained page, readable on screen and printable on A4.

No scripts, no external requests (no fonts, images or stylesheets from elsewhere),
semantic headings and tables, the language on ``<html>``, and a print stylesheet.
Every value goes through `html.escape`, so passport text can never become markup.
Alerts stand out by border and weight as well as colour, so they survive black-and-white
printing and high-contrast modes.
"""

from __future__ import annotations

import html
import re
import unicodedata

from rarepassport.document import (
    Alert,
    Block,
    Document,
    Field,
    Heading,
    ListBlock,
    Paragraph,
    Section,
    Table,
)
from rarepassport.rendering._base import Rendered
from rarepassport.rendering._shared import EMERGENCY_RED, css_colour
from rarepassport.rendering._symbols import SYMBOL_PATHS, symbol_svg

__all__ = ["STYLESHEET", "render_html"]

#: The page's stylesheet; no url() references, so the page never fetches anything.
STYLESHEET = f"""
:root {{ color-scheme: light; --ink: #111; --paper: #fff; --critical: {css_colour(EMERGENCY_RED)}; --warning: #7a4a00;
        --info: #00457a; --rule: #444; }}
""" + """* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic",
       "Noto Sans CJK SC", Arial, sans-serif; font-size: 100%; line-height: 1.45;
       color: var(--ink); background: var(--paper); }
body { max-width: 52rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 1.5rem 0 .5rem; padding-bottom: .15rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1rem 0 .35rem; }
h4, h5, h6 { font-size: 1rem; margin: .8rem 0 .3rem; }
p { margin: .35rem 0; }
.meta p { margin: .1rem 0; }
.photo { float: inline-end; max-width: 7rem; max-height: 9rem; margin-block: 0 .5rem; margin-inline: 1rem 0;
         border: 1px solid var(--rule); }
body, dd, td, th, li, p { overflow-wrap: anywhere; }
a { color: #0b3d91; text-decoration: underline; }
dl.fields { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .2rem 1rem; margin: .4rem 0; }
dl.fields dt { font-weight: 700; }
/* Two languages make labels long: they may take up to 45 % of the line, not all of it. */
html.bilingual dl.fields { grid-template-columns: fit-content(45%) 1fr; }
dl.fields dd { margin: 0; white-space: pre-wrap; }
/* A bilingual page (second_language): each label's counterpart after it on the same
   line, each sentence's beneath it, a little smaller. */
.second { display: block; font-size: .92em; font-weight: 400; }
p.second { margin-top: 0; }
.emphasis { font-weight: 700; }
dl.fields dd.emphasis::before, tr.emphasis th::before { content: "\\25B6\\00A0"; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; }
/* Many columns (medicines): smaller text so whole words fit across an A4 page. */
table.wide { font-size: .82em; }
caption { text-align: start; font-style: italic; padding-bottom: .2rem; }
th, td { border: 1px solid var(--rule); padding: .25rem .4rem; text-align: start; vertical-align: top;
         white-space: pre-wrap; overflow-wrap: break-word; }
thead th { background: #e8e8e8; }
tr.emphasis td, tr.emphasis th { font-weight: 700; background: #fff1f1; }
.alert { border: 3px solid var(--warning); border-inline-start-width: 10px; padding: .5rem .75rem; margin: .6rem 0; }
.alert .alert-title { font-weight: 700; margin-top: 0; }
.alert-critical { border-color: var(--critical); font-size: 1.08rem; font-weight: 600; background: #fff1f1; }
.alert-warning { border-color: var(--warning); background: #fff8e6; }
.alert-info { border-color: var(--info); border-width: 2px; border-inline-start-width: 6px; }
section.emergency > h2 { color: var(--critical); border-bottom-color: var(--critical); }
.list-label { font-weight: 700; margin-bottom: .1rem; }
ul, ol { margin: .2rem 0 .5rem; padding-inline-start: 1.6rem; }
li { margin: .1rem 0; }
.warnings { border: 3px solid var(--warning); padding: .5rem .75rem; margin: .75rem 0; }
footer { margin-top: 2rem; font-size: .85rem; border-top: 1px solid var(--rule); padding-top: .3rem; }
/* The running header (name and date of birth) is only for printed pages: it sits in the
   header row of a frame table that Chromium and Firefox repeat on every printed page. */
.print-frame, .print-frame > tbody, .print-frame > tbody > tr, .print-frame > tbody > tr > td {
  display: block; border: 0; padding: 0; margin: 0; width: auto; }
.print-frame > thead { display: none; }
/* Narrow screens (a phone held upright, 320 CSS px): no sideways scrolling. Label and
   value lists and tables become stacked records, each cell under its column name. */
@media (max-width: 40rem) {
  body { padding: .5rem; }
  dl.fields { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dl.fields dd { margin-block-end: .35rem; }
  table.records, table.records > tbody, table.records tr, table.records th, table.records td { display: block; }
  table.records > thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.records tr { border: 1px solid var(--rule); margin-block-end: .5rem; }
  table.records th, table.records td { border: 0; border-block-end: 1px solid #ccc; }
  table.records td[data-label]::before { content: attr(data-label); font-weight: 700; }
  .photo { float: none; display: block; margin-inline: 0; }
}
/* Large print (render option large_print): at least 14 pt everywhere, bold headings. */
html.large-print { font-size: 137.5%; }
html.large-print table.wide, html.large-print footer { font-size: 1rem; }
html.large-print h1, html.large-print h2, html.large-print h3 { font-weight: 800; }
/* Easy read: a symbol before each section title, in the title's colour, about a line high. */
h2 .symbol { width: 1.5em; height: 1.5em; vertical-align: -.35em; margin-inline-end: .45em; }
/* High contrast (render option high_contrast): black on white, heavy rules. */
html.high-contrast { --ink: #000; --critical: #000; --warning: #000; --info: #000; --rule: #000; }
html.high-contrast .alert, html.high-contrast tr.emphasis td, html.high-contrast tr.emphasis th,
html.high-contrast thead th { background: #fff; }
html.high-contrast .alert { border-width: 4px; border-inline-start-width: 12px; }
html.high-contrast a { color: #000; }
@media (prefers-contrast: more) {
  :root { --critical: #000; --warning: #000; --info: #000; --rule: #000; }
  .alert, tr.emphasis td, tr.emphasis th, thead th { background: #fff; }
}
@media (forced-colors: active) {
  .alert, .warnings { border-color: CanvasText; }
}
@media print {
  /* Printed pages get separated: each carries the passport's title (with the name)
     and its page number, where the browser supports page margin boxes. */
  @page { size: A4; margin: 14mm 12mm;
          @top-left { content: string(passport-title); font-size: 8pt; color: #444; }
          @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #444; } }
  h1 { string-set: passport-title content(); }
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  tr, .alert, li, dl.fields > * { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .print-frame { display: table; width: 100%; border-collapse: collapse; }
  .print-frame > thead { display: table-header-group; }
  .print-frame > tbody { display: table-row-group; }
  .print-frame > tbody > tr, .print-frame > thead > tr { display: table-row; }
  .print-frame > tbody > tr > td, .print-frame > thead > tr > td { display: table-cell; border: 0; padding: 0; }
  .print-frame .running { font-size: 9pt; color: #333; border-block-end: 1px solid #767676; margin-block-end: 3mm;
                          padding-block-end: 1mm; }
  html.large-print .print-frame .running { font-size: 14pt; }
  section.emergency-end { break-after: page; page-break-after: always; }
  .alert, thead th, tr.emphasis td, tr.emphasis th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

def _named(text: str, name: str, langs: _Languages) -> str:
    """Escaped ``text`` with the person's name in it marked with the name's language."""
    if not name or name not in text:
        return _e(text)
    attr = langs.attr(name)
    before, _, after = text.partition(name)
    # The words of the name in another script than the name's have their own lang too.
    inner = _text(name, langs, langs.lang(name))
    return f"{_e(before)}<span{attr}>{inner}</span>{_e(after)}" if attr else f"{_e(before)}{inner}{_e(after)}"


def _running(document: Document, langs: _Languages) -> str:
    """The printed pages' running header: the person's name and date of birth."""
    name = _named(document.person_name, document.person_name, langs)
    if not document.date_of_birth:
        return name
    before, after = document.label_parts(document.phrase("date_of_birth"))
    return f"{name} · {_e(before)}{_e(document.date_of_birth)}{_e(after)}"


def _labelled(document: Document, label: str, value: str) -> str:
    """``value`` after its label in bold, joined as the document's language writes it (escaped)."""
    before, after = document.label_parts(label)
    lead = before.rstrip()
    return f"<strong>{_e(lead)}</strong>{_e(before[len(lead):])}{_e(value)}{_e(after)}"


_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# A web address in a value becomes a link (escaped text only: the address cannot break
# out of the attribute, and only http and https are linked).
_URL = re.compile(r"https?://[^\s<>\"'\u2066-\u2069]+[^\s<>\"'.,;:!?)\]\u2066-\u2069]")


def _linked(escaped: str) -> str:
    return _URL.sub(lambda match: f'<a href="{match.group()}">{match.group()}</a>', escaped)


def _isolated(escaped: str) -> str:
    """Each left-to-right run that `isolate_left_to_right` marked inside right-to-left
    text as its own left-to-right element: a dose or phone number inside Arabic keeps
    its order ("10 mg on waking", not "mg on waking ... 10")."""
    return escaped.replace("\u2066", '<span dir="ltr">').replace("\u2069", "</span>")


def _text(text: str, langs: _Languages | None = None, within: str | None = None) -> str:
    """Escaped text; the owner's line breaks kept; web addresses as links; left-to-right
    runs inside right-to-left text isolated; with ``langs``, each word or phrase in
    another script than ``within`` (the language the element is in; the page's when
    ``None``) its own element with its own ``lang`` and ``dir`` (`_Languages.runs`)."""
    from rarepassport.rendering._verify import isolate_left_to_right

    # Whether the element holding ``text`` reads right to left (as `_Languages.attr`
    # marks it, or the page's direction it inherits).
    rtl = langs is not None and langs.reads_right_to_left(text, within)

    def line_of(line: str) -> str:
        # Text with isolates of its own is left as written (the browser honours them),
        # so none of them can close an element of the page.
        own = bool(_CONTROLS.search(line))
        shown = line if own else isolate_left_to_right(line)
        pieces: list[str] = []
        position = 0
        for start, end, attr in langs.runs(shown, within, right_to_left=rtl) if langs is not None else ():
            # A run that is a whole left-to-right isolate is that isolate: one element.
            whole = not own and shown[start - 1:start] == "\u2066" and shown[end:end + 1] == "\u2069"
            pieces += [_linked(_e(shown[position:start - whole])), f"<span{attr}>{_e(shown[start:end])}</span>"]
            position = end + whole
        pieces.append(_linked(_e(shown[position:])))
        out = "".join(pieces)
        return out if own else _isolated(out)

    return "<br>".join(line_of(line) for line in text.split("\n"))


#: Directional isolates (LRI, RLI, FSI, PDI).
_CONTROLS = re.compile("[\u2066-\u2069]")


class _Languages:
    """Which ``lang`` to put on a piece of text, so screen readers switch voice."""

    def __init__(self, document: Document) -> None:
        self.document_language = document.language
        #: A right-to-left page: a text without right-to-left letters is marked left to right.
        self.right_to_left = document.direction == "rtl"
        self.content_language = document.content_language or document.language
        second = document.second
        #: ``lang`` and ``dir`` of every second-language text of a bilingual page.
        self.second = (f' lang="{_e(second.language)}" dir="{_e(second.direction)}"'
                       if second is not None else "")
        self.separator = _e(second.separator) if second is not None else ""
        self.second_language = second.language if second is not None else None

    def both(self, first: str, second: str | None, *, escaped: str | None = None,
             second_language: str | None = None) -> str:
        """``first`` (escaped, or ``escaped`` when given) and its second-language
        counterpart on the same line, the counterpart marked with its own language and
        direction: *Urgence / Emergency*; ``second_language`` when it is not in the
        second language (a plugin's title left in English there). ``first`` alone when
        there is none."""
        out = _e(first) if escaped is None else escaped
        if not self.second or not second or second == first:
            return out
        marked = self.second
        if second_language is not None and second_language != self.second_language:
            marked = self.attr(second, second_language) or self.second
        if not first:
            return f"<span{marked}>{_e(second)}</span>"
        return (f'{out}<span class="separator" aria-hidden="true">{self.separator}</span>'
                f"<span{marked}>{_e(second)}</span>")

    def beneath(self, second: str | None, first: str = "") -> str:
        """A sentence's second-language counterpart, beneath it in smaller type
        (``""`` when there is none)."""
        if not self.second or not second or second == first:
            return ""
        return f'<span class="second"{self.second}>{_text(second, self, self.second_language)}</span>'

    def marked(self, text: str, language: str | None = None) -> str:
        """``text`` for an element marked with ``attr(text, language)``: escaped, as
        `_text` writes it, each word in another script than the element's its own element."""
        return _text(text, self, self.lang(text, language))

    def lang(self, text: str, language: str | None = None) -> str | None:
        """The ``lang`` of an element holding ``text``, or ``None`` for the page's.

        ``language`` is the block's own (guidance shown untranslated); otherwise the
        script of the text decides (an Arabic name in an English page is ``und-Arab``,
        or the passport's language when it is written in that script).
        """
        from rarepassport.languages import text_language

        if language is not None and language.split("-")[0] != self.document_language.split("-")[0]:
            return language
        return text_language(text, self.content_language, self.document_language)

    def attr(self, text: str, language: str | None = None) -> str:
        """`` lang="..." dir="..."`` for text not in the document's language (`lang`);
        `` dir="ltr"`` for a text without right-to-left letters in a right-to-left page
        (a phone number, an NHS number); else ``""``.

        The direction is the text's own, from its first strong letter as ``dir="auto"``
        would find it, but written out: WeasyPrint (the accessible PDF) ignores
        ``dir="auto"``, and a text with no letters at all ("0113 496 0987") has no
        first strong letter, so in a right-to-left page both the browser and WeasyPrint
        would lay its groups of digits out right to left, "0987 496 0113" (H150). The
        person's English in an Arabic page keeps its full stop at its own end.
        """
        from rarepassport.rendering._verify import _has_rtl, is_right_to_left

        found = self.lang(text, language)
        if found:
            return f' lang="{_e(found)}" dir="{"rtl" if is_right_to_left(text) else "ltr"}"'
        if self.right_to_left and text.strip() and not _has_rtl(text):
            return ' dir="ltr"'
        return ""

    def reads_right_to_left(self, text: str, language: str | None = None) -> bool:
        """Whether the element holding ``text`` reads right to left: its ``dir`` as
        `attr` writes it, or, with none, the page's."""
        from rarepassport.rendering._verify import _has_rtl, is_right_to_left

        if self.lang(text, language):
            return is_right_to_left(text)
        return self.right_to_left and (not text.strip() or _has_rtl(text))

    def runs(self, text: str, within: str | None = None, *, right_to_left: bool = False) -> list[tuple[int, int, str]]:
        """The words and phrases of ``text`` in another script than ``within`` (the
        language of the element they are in, the page's when ``None``), each with the
        `` lang="..." dir="..."`` of its own element: "中文" in "Mother speaks only 中文 at
        home" is ``und-Hani``, "فاطمة" in "Call Fatima (فاطمة) first" ``und-Arab`` and
        right to left. Spaces, digits and punctuation around a run stay outside it
        (`rarepassport.languages.script_runs`), but for brackets right around a
        right-to-left run in an element that reads right to left (``right_to_left``):
        "(الحالة الرئيسية)" after English in an Arabic page is one element, its
        brackets with it, so that no reader (nor WeasyPrint, which draws a lone bracket
        between two runs as a piece of its own) takes them from the words they enclose.
        Its language is the page's when it is
        in the page's script (the page's words inside the person's English in a Hindi
        page), else decided as for a whole text (`rarepassport.languages.text_language`)."""
        from rarepassport.languages import script_of_language, script_runs, text_language
        from rarepassport.rendering._verify import is_right_to_left

        surrounding = within or self.document_language
        found = []
        runs = [run for run in script_runs(text) if run[2] != script_of_language(surrounding)]
        if runs:
            # A web address stays one link: a run inside one is left to it.
            links = [match.span() for match in _URL.finditer(text)]
            for start, end, script in runs:
                if any(start < stop and begin < end for begin, stop in links):
                    continue
                # In the page's script, it is the page's language, as the page's own
                # text is (the Hindi label inside an English value of a Hindi page).
                lang = (self.document_language if script == script_of_language(self.document_language)
                        else text_language(text[start:end], self.content_language, surrounding))
                if lang:
                    direction = "rtl" if is_right_to_left(text[start:end]) else "ltr"
                    if (right_to_left and direction == "rtl" and start > 0 and end < len(text)
                            and unicodedata.category(text[start - 1]) == "Ps"
                            and unicodedata.category(text[end]) == "Pe"):
                        start, end = start - 1, end + 1
                    found.append((start, end, f' lang="{_e(lang)}" dir="{direction}"'))
        return found


def _paragraphs(text: str, langs: _Languages, cls: str = "", language: str | None = None,
                second: str | None = None) -> list[str]:
    attr = f' class="{cls}"' if cls else ""
    out = [
        f"<p{attr}{langs.attr(part, language)}>{langs.marked(part.strip(chr(10)), language)}</p>"
        for part in text.split("\n\n")
        if part.strip()
    ]
    if langs.second and second and second != text:
        # A bilingual page: the sentence's counterpart beneath it, in its own language.
        out += [f'<p class="second{" " + cls if cls else ""}"{langs.second}>'
                f"{_text(part.strip(chr(10)), langs, langs.second_language)}</p>"
                for part in second.split("\n\n") if part.strip()]
    return out


def _block(block: Block, langs: _Languages, document: Document) -> list[str]:
    if isinstance(block, Heading):
        level = min(max(block.level, 3), 6)
        second_text = block.second.text if block.second else None
        if block.language is not None and block.part and block.part in block.text:
            # Only the part in the other language is marked: "Recommandations générales :"
            # stays in the page's voice, the untranslated title in its own.
            before, _, after = block.text.partition(block.part)
            inner = f"{_e(before)}<span{langs.attr(block.part, block.language)}>{_e(block.part)}</span>{_e(after)}"
            return [f"<h{level}>{langs.both(block.text, second_text, escaped=inner)}</h{level}>"]
        text = langs.both(block.text, second_text, escaped=langs.marked(block.text, block.language))
        return [f"<h{level}{langs.attr(block.text, block.language)}>{text}</h{level}>"]
    if isinstance(block, Paragraph):
        return _paragraphs(block.text, langs, language=block.language,
                           second=block.second.text if block.second else None)
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        other = block.second
        label = langs.both(block.label or "", other.label if other else None,
                           second_language=other.label_language if other else None)
        # A label shown in English because the language has none (a plugin's) is marked so.
        marked = langs.attr(block.label or "", block.label_language) if block.label_language else ""
        out = [f'<p class="list-label"{marked}>{label}</p>'] if label else []
        cls = ' class="emphasis"' if block.emphasis else ""
        def wrap(item: str) -> str:
            content = langs.marked(item, block.language)
            return f"<strong>{content}</strong>" if block.emphasis else content

        seconds = (other.items if other is not None and len(other.items) == len(block.items)
                   else ("",) * len(block.items))

        def item_of(item: str, again: str) -> str:
            attr = langs.attr(item, block.language)
            content = wrap(item)
            direction = re.search(r' dir="(\w+)"', attr)
            if direction:
                # The item's own direction on its text, not on the <li>: a left-to-right
                # item would put its marker outside a right-to-left list's padding.
                attr = attr.replace(direction.group(), "")
                content = f'<span dir="{direction.group(1)}">{content}</span>'
            return f"<li{attr}>{content}{langs.beneath(again, item)}</li>"

        items = "".join(item_of(item, again) for item, again in zip(block.items, seconds, strict=True))
        out.append(f"<{tag}{cls}>{items}</{tag}>")
        return out
    if isinstance(block, Table):
        return [_table(block, langs, document)]
    if isinstance(block, Alert):
        alert = block.second
        title = langs.both(block.title or "", alert.title if alert else None)
        title = f'<p class="alert-title">{title}</p>' if title else ""
        body = "".join(_paragraphs(block.text, langs, second=alert.text if alert else None))
        return [f'<div class="alert alert-{_e(block.level.value)}" role="note">{title}{body}</div>']
    return [f"<p>{_e(str(getattr(block, 'text', block)))}</p>"]  # pragma: no cover


def _fields(fields: list[Field], langs: _Languages) -> str:
    rows = []
    for field in fields:
        cls = ' class="emphasis"' if field.emphasis else ""
        other = field.second
        value = langs.marked(field.value)
        value = f"<strong>{value}</strong>" if field.emphasis else value
        value += langs.beneath(other.value if other else None, field.value)
        label = langs.both(field.label, other.label if other else None,
                           second_language=other.label_language if other else None)
        # A label shown in English because the language has none (a plugin's) is marked so.
        marked = langs.attr(field.label, field.label_language) if field.label_language else ""
        rows.append(f"<dt{cls}{marked}>{label}</dt><dd{cls}{langs.attr(field.value)}>{value}</dd>")
    return '<dl class="fields">' + "".join(rows) + "</dl>"


def _column_languages(table: Table) -> tuple[str | None, ...]:
    """``table.column_languages``, one per column (``None`` each when it has none)."""
    if len(table.column_languages) == len(table.columns):
        return table.column_languages
    return (None,) * len(table.columns)


def _table(table: Table, langs: _Languages, document: Document) -> str:
    # Six or more columns do not fit A4 at full size without splitting words. On a
    # narrow screen every table is a list of stacked records (class "records").
    out = ['<table class="records wide">' if len(table.columns) >= 6 else '<table class="records">']
    other = table.second
    if other is not None and (len(other.columns) != len(table.columns) or len(other.rows) != len(table.rows)
                              or any(len(a) != len(b) for a, b in zip(other.rows, table.rows, strict=True))):
        other = None  # never a counterpart from another row or column
    if table.caption:
        out.append(f"<caption>{langs.both(table.caption, other.caption if other else None)}</caption>")
    columns = other.columns if other is not None else ("",) * len(table.columns)
    # A heading shown in English because the language has none (a plugin's) is marked so.
    heading_languages = _column_languages(table)
    second_languages = _column_languages(other) if other is not None else (None,) * len(columns)
    out.append(
        "<thead><tr>" + "".join(f'<th scope="col"{langs.attr(c, lang) if lang else ""}>'
                                f"{langs.both(c, again, second_language=again_lang)}</th>"
                                for c, again, lang, again_lang
                                in zip(table.columns, columns, heading_languages, second_languages, strict=True))
        + "</tr></thead>"
    )
    out.append("<tbody>")
    for index, row in enumerate(table.rows):
        cls = ' class="emphasis"' if index in table.emphasis_rows else ""
        again = other.rows[index] if other is not None else ("",) * len(row)

        def cell(value: str, counterpart: str) -> str:
            return langs.marked(value) + langs.beneath(counterpart, value)

        cells = [f'<th scope="row"{langs.attr(row[0])}>{cell(row[0], again[0])}</th>' if row
                 else '<th scope="row"></th>']
        # On a narrow screen each cell is shown after its column's label, joined as the
        # language writes it ("Dose : " in French): the whole lead is in data-label.
        cells += [
            f'<td data-label="{_e(document.label_lead(column))}"{langs.attr(value)}>{cell(value, second)}</td>'
            for column, value, second in zip(table.columns[1:], row[1:], again[1:], strict=False)
        ]
        cells += [f"<td{langs.attr(value)}>{cell(value, second)}</td>"
                  for value, second in zip(row[len(table.columns):], again[len(table.columns):], strict=True)]
        out.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _symbol(section: Section) -> str:
    """The easy-read symbol before a section title: decorative, hidden from screen
    readers (the title's words are the heading's accessible name)."""
    if section.symbol is None or section.symbol not in SYMBOL_PATHS:
        return ""
    return symbol_svg(section.symbol, "currentColor", size="24",
                      attributes='class="symbol" aria-hidden="true" focusable="false"')


def _section_title(section: Section, langs: _Languages) -> str:
    """A section's title, escaped; in an element marked with its language when it is not
    the page's (a plugin's title nobody translated, ``lang="en"``)."""
    marked = langs.attr(section.title, section.title_language) if section.title_language else ""
    if not marked:
        return _text(section.title, langs)
    return f"<span{marked}>{langs.marked(section.title, section.title_language)}</span>"


def _section(section: Section, index: int, last_emergency: bool, langs: _Languages, document: Document) -> str:
    classes = ["section"]
    if section.emergency:
        classes.append("emergency")
    if last_emergency:
        classes.append("emergency-end")
    anchor = f"s{index}"
    title = langs.both(section.title, section.second_title, escaped=_section_title(section, langs),
                       second_language=section.second_title_language)
    out = [
        f'<section class="{" ".join(classes)}" id="{anchor}" aria-labelledby="{anchor}-title" '
        f'data-section="{_e(section.id)}">',
        # A title the person wrote (an additional section's) may be in another script.
        f'<h2 id="{anchor}-title">{_symbol(section)}'
        f"{title}</h2>",
    ]
    pending: list[Field] = []
    for block in section.blocks:
        # Consecutive fields form one description list, read as label/value pairs.
        if isinstance(block, Field):
            pending.append(block)
            continue
        if pending:
            out.append(_fields(pending, langs))
            pending = []
        out += _block(block, langs, document)
    if pending:
        out.append(_fields(pending, langs))
    out.append("</section>")
    return "\n".join(out)


def render_html(document: Document, *, large_print: bool = False, high_contrast: bool = False) -> Rendered:
    """Render a Document as one self-contained HTML page (UTF-8).

    Args:
        document: The laid-out passport.
        large_print: Text of at least 14 pt (137.5 % of the browser's size) everywhere,
            tables and the printed running header included.
        high_contrast: Black on white, heavy rules and borders, no tinted backgrounds.

    An easy-read document (`Document.easy_read`) is drawn in large print, with each
    section's symbol as inline SVG before its title.

    A bilingual document (`Document.second`) has each label's counterpart after it on
    the same line and each sentence's beneath it, every counterpart an element marked
    with the second language and its direction.

    Returns:
        The page: no scripts, no external resources, a print stylesheet for A4.
    """
    langs = _Languages(document)
    # Easy read is always large print.
    large_print = large_print or document.easy_read
    names = [name for name, on in (("large-print", large_print), ("high-contrast", high_contrast),
                                   ("easy-read", document.easy_read), ("bilingual", document.second is not None))
             if on]
    html_class = f' class="{" ".join(names)}"' if names else ""
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(document.language)}" dir="{_e(document.direction)}"{html_class}>',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Health data: ask search engines and caches to keep away if the file is ever served.
        '<meta name="robots" content="noindex, nofollow">',
        f"<title>{_e(document.title)}</title>",
        f"<style>{STYLESHEET}</style>",
        "</head>",
        "<body>",
        # Printed pages repeat this frame's header row: the name and date of birth on each.
        '<table class="print-frame" role="presentation"><thead><tr><td>'
        f'<div class="running" aria-hidden="true">{_running(document, langs)}</div>'
        "</td></tr></thead><tbody><tr><td>",
        '<header class="meta">',
    ]
    if document.photo and _DATA_IMAGE.match(document.photo):
        # Only embedded images: a file path or web address would make the page fetch something.
        head.append(f'<img class="photo" src="{_e(document.photo)}" alt="{_e(document.person_name)}">')
    second = document.second
    title = _named(document.title, document.person_name, langs)
    head.append(f"<h1>{langs.both(document.title, second.title if second else None, escaped=title)}</h1>")
    if document.date_of_birth:
        label = document.phrase("date_of_birth")
        before, after = document.label_parts(label)
        if second is not None and before.startswith(label):
            # "Date de naissance / Date of birth : 2 mars 2015 / 2 March 2015", as in the PDF.
            lead = before[len(label):]
            punctuation = lead.rstrip()
            dob = (f"<strong>{langs.both(label, document.second_phrase('date_of_birth'))}{_e(punctuation)}</strong>"
                   f"{_e(lead[len(punctuation):])}{langs.both(document.date_of_birth, second.date_of_birth)}"
                   f"{_e(after)}")
        else:
            dob = _labelled(document, label, document.date_of_birth)
        head.append(f"<p>{dob}</p>")
    for text, again in ((document.updated_on, second.updated_on if second else None),
                        (document.reviewed_on, second.reviewed_on if second else None)):
        if text:
            head.append(f"<p>{_text(text, langs)}{langs.beneath(again, text)}</p>")
    head.append("</header>")
    if document.warnings:
        notes = second.notes if second is not None else {}
        # A note names fields and codes ("$.contacts (no-emergency-contact)"): in a
        # right-to-left page each left-to-right run is isolated, as in any other text,
        # or the bidi algorithm scatters its signs ("no.$ :").
        items = "".join(f"<li>{_text(w, langs)}{langs.beneath(notes.get(w), w)}</li>" for w in document.warnings)
        head.append(
            f'<div class="warnings" role="note"><p class="alert-title"><strong>'
            f"{langs.both(document.phrase('please_note'), document.second_phrase('please_note'))}"
            f"</strong></p><ul>{items}</ul></div>"
        )
    head.append("<main>")
    sections = document.sections
    emergency_indexes = [i for i, s in enumerate(sections) if s.emergency]
    last_emergency = (
        emergency_indexes[-1] if emergency_indexes and len(sections) > len(emergency_indexes) else -1
    )
    body = [_section(section, i, i == last_emergency, langs, document) for i, section in enumerate(sections)]
    tail = [
        "</main>",
        f"<footer><p>{_e(document.phrase('made_with'))}{langs.beneath(document.second_phrase('made_with'))}</p></footer>",
        "</td></tr></tbody></table>",
        "</body>",
        "</html>",
        "",
    ]
    page = "\n".join([*head, *body, *tail])
    return Rendered(data=page.encode("utf-8"), media_type="text/html; charset=utf-8", suffix=".html")
