"""Hazard H150: a number without letters keeps its order on a right-to-left page.

On an Arabic page a phone number or NHS number in a cell or value of its own
(``<td>0113 496 0987</td>``) had no letter to give it a direction, so the browser laid
its groups of digits out right to left: "0987 496 0113". Values in another language were
marked ``dir="auto"``, which WeasyPrint (the accessible PDF) ignores, so an English
sentence ran right to left there, its full stop at the far end. Each now gets its
direction written out. Checked in real Chromium (where each group of digits is drawn)
and in the accessible PDF read back with pdftotext.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import rarepassport as rp
from helpers.pdftext import poppler_text
from rarepassport import render_rendered

TODAY = dt.date(2026, 11, 27)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "child-several-diagnoses.json"
#: Numbers of the example, each written in groups (fictional: Ofcom drama range, NHS test range).
NUMBERS = ["0113 496 0987", "999 765 4323", "0113 496 0200"]

PROBE = """<script>
window.addEventListener('load', () => {
  const found = {};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const number of %(numbers)s) {
      const at = node.textContent.indexOf(number);
      if (at < 0 || node.parentElement.closest('[hidden]')) continue;
      const first = document.createRange(), last = document.createRange();
      first.setStart(node, at); first.setEnd(node, at + number.indexOf(' '));
      last.setStart(node, at + number.lastIndexOf(' ') + 1); last.setEnd(node, at + number.length);
      const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
      if (a.width === 0 || b.width === 0 || Math.abs(a.top - b.top) > 2) continue;  // not shown, or wrapped
      (found[number] = found[number] || []).push(a.left < b.left);
    }
  }
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>"""


def arabic_page() -> str:
    pm = rp.make_plugin_manager(entry_points=False)
    return render_rendered(rp.load(EXAMPLE), "html", language="ar", plugins=pm, today=TODAY).data.decode("utf-8")


def test_a_number_alone_in_a_cell_or_value_is_marked_left_to_right() -> None:
    page = arabic_page()
    for number in NUMBERS:
        cells = re.findall(rf"<(td|dd)\b([^>]*)>{re.escape(number)}</\1>", page)
        assert cells, number
        assert all('dir="ltr"' in attrs for _tag, attrs in cells), (number, cells)
    assert 'dir="auto"' not in page  # WeasyPrint ignores it


def test_chromium_draws_each_number_s_groups_left_to_right_on_an_arabic_page(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (CI installs it)")
    page = arabic_page().replace("</body>", PROBE % {"numbers": json.dumps(NUMBERS)} + "</body>", 1)
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,900",
         "--virtual-time-budget=5000", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
        capture_output=True, timeout=300, check=True)
    [probe] = re.findall(r'<pre id="probe">(.*?)</pre>', result.stdout.decode("utf-8"), re.S)
    found = json.loads(html_module.unescape(probe))
    assert sorted(found) == sorted(NUMBERS)
    assert all(all(in_order) for in_order in found.values()), found


def test_the_accessible_pdf_keeps_numbers_and_english_sentences_in_order_on_an_arabic_page() -> None:
    pytest.importorskip("weasyprint")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    passport = rp.Passport(
        language="en",
        person=rp.Person(name="Layla Hassan", date_of_birth=dt.date(2015, 3, 2),
                         identifiers=(rp.Identifier(system="nhs", value="999 765 4323"),)),
        medications=(rp.Medication(name="Hydrocortisone", dose="5 mg", frequency="three times a day (see the letter).",
                                   time_critical=True),),
        contacts=(rp.Contact(name="Samir Hassan", role="emergency", phone="0113 496 0987"),),
    )
    data = render_rendered(passport, "accessible-pdf", language="ar", today=TODAY).data
    text = poppler_text(data)
    assert "999 765 4323" in text and "4323 765 999" not in text
    assert "0113 496 0987" in text and "0987 496 0113" not in text
    assert "three times a day (see the letter)." in text
