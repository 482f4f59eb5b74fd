"""Every example in every view, opened in headless Chromium and checked with axe-core.

Debian's ``chromium`` is driven with nothing but its own command line (``--headless
--dump-dom``): no browser download, no driver. axe-core (the npm package, fetched with
``npm pack`` into a temporary folder, MPL-2.0) runs inside each page with the WCAG 2.0,
2.1 and 2.2 A and AA rules and writes its result into the page, which Chromium then
dumps. Each page is shown in an iframe 320 CSS px wide (a phone held upright, WCAG 1.4.10
reflow) and one 1024 px wide; at 320 px the page must not scroll sideways.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

import rarepassport as rp
from rarepassport import render_rendered

TODAY = dt.date(2026, 11, 27)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PASSPORTS = sorted([*EXAMPLES.glob("*.json"), *EXAMPLES.glob("*.yaml"), *(EXAMPLES / "conditions").glob("*.json")])
VIEWS = ("full", "emergency", "education", "social")
WIDTHS = (320, 1024)
AXE_VERSION = "4.14.1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

RUNNER = """<script>%(axe)s</script><script>
window.addEventListener('load', async () => {
  const parentDoc = window.parent.document;
  const out = parentDoc.createElement('pre');
  out.className = 'axe-result';
  out.dataset.name = %(name)s;
  try {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: %(tags)s}});
    const root = document.documentElement;
    out.textContent = JSON.stringify({
      violations: r.violations.map(v => ({id: v.id, impact: v.impact,
                                          targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})),
      overflow: root.scrollWidth > root.clientWidth, width: root.clientWidth, scroll: root.scrollWidth});
  } catch (error) {
    out.textContent = JSON.stringify({error: String(error)});
  }
  parentDoc.body.appendChild(out);
});
</script>"""


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Debian's chromium is not installed (CI installs it)")
    return path


@pytest.fixture(scope="module")
def axe_js(tmp_path_factory: pytest.TempPathFactory) -> str:
    """axe-core's browser build, fetched with npm into a temporary folder (nothing installed)."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (CI installs it)")
    folder = tmp_path_factory.mktemp("axe")
    subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent", "--pack-destination", str(folder)],
                   check=True, capture_output=True, timeout=300, cwd=folder)
    [archive] = folder.glob("axe-core-*.tgz")
    with tarfile.open(archive) as tar:
        member = tar.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


def check_pages(chromium: str, axe_js: str, pages: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """Open each page in iframes of every width in one Chromium run; axe's results by name."""
    frames = []
    for name, page in pages.items():
        for width in WIDTHS:
            key = f"{name} @{width}px"
            runner = RUNNER % {"axe": axe_js, "name": json.dumps(key), "tags": json.dumps(AXE_TAGS)}
            framed = page.replace("</body>", runner + "</body>", 1)
            frames.append(f'<iframe title="{html.escape(key)}" style="width:{width}px;height:700px;border:0" '
                          f'srcdoc="{html.escape(framed, quote=True)}"></iframe>')
    outer = tmp_path / "outer.html"
    outer.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>check</title></head><body>'
                     + "".join(frames) + "</body></html>", encoding="utf-8")
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
         "--virtual-time-budget=20000", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", outer.as_uri()],
        capture_output=True, timeout=600, check=True,
    )
    dom = result.stdout.decode("utf-8")
    found = {
        html.unescape(match.group(1)): json.loads(html.unescape(match.group(2)))
        for match in re.finditer(r'<pre class="axe-result" data-name="([^"]*)">(.*?)</pre>', dom, re.S)
    }
    assert sorted(found) == sorted(f"{name} @{width}px" for name in pages for width in WIDTHS)
    return found


def pages_of(passport_path: Path, language: str | None = None, **options: Any) -> dict[str, str]:
    pm = rp.make_plugin_manager(entry_points=False)
    passport = rp.load(passport_path)
    pages = {}
    for view in VIEWS:
        rendered = render_rendered(passport, "html", view=view, language=language, plugins=pm, today=TODAY,
                                   **options)
        pages[f"{passport_path.name} {view} {language or ''} {sorted(options)}"] = rendered.data.decode("utf-8")
    return pages


def assert_accessible(results: dict[str, Any]) -> None:
    problems = {name: r for name, r in results.items() if r.get("error") or r["violations"]}
    assert problems == {}
    sideways = {name: (r["width"], r["scroll"]) for name, r in results.items() if name.endswith("@320px")
                and r["overflow"]}
    assert sideways == {}


@pytest.mark.parametrize("passport_path", PASSPORTS, ids=lambda p: p.name)
def test_every_view_has_no_wcag_violations_and_no_sideways_scrolling(
    passport_path: Path, chromium: str, axe_js: str, tmp_path: Path
) -> None:
    assert_accessible(check_pages(chromium, axe_js, pages_of(passport_path), tmp_path))


@pytest.mark.parametrize("language", ["ar", "zh-Hans", "hi", "de"])
def test_other_languages_have_no_wcag_violations(language: str, chromium: str, axe_js: str, tmp_path: Path) -> None:
    assert_accessible(check_pages(chromium, axe_js, pages_of(EXAMPLES / "adult-several-conditions.yaml", language),
                                  tmp_path))


def test_large_print_and_high_contrast_have_no_wcag_violations(chromium: str, axe_js: str, tmp_path: Path) -> None:
    pages = pages_of(EXAMPLES / "child-several-diagnoses.json", large_print=True, high_contrast=True)
    assert_accessible(check_pages(chromium, axe_js, pages, tmp_path))


@pytest.mark.parametrize(("language", "options"), [("en", {}), ("ar", {}), ("zh-Hans", {}),
                                                   ("en", {"high_contrast": True})])
def test_easy_read_has_no_wcag_violations_and_no_sideways_scrolling(
    language: str, options: dict[str, Any], chromium: str, axe_js: str, tmp_path: Path
) -> None:
    # The symbols beside the headings are inline SVG, hidden from screen readers.
    pages = pages_of(EXAMPLES / "child-several-diagnoses.json", language, easy_read=True, **options)
    assert all(page.count('<svg ') >= 3 for page in pages.values())
    assert_accessible(check_pages(chromium, axe_js, pages, tmp_path))


@pytest.mark.parametrize(("language", "second"), [("fr", "en"), ("ar", "en"), ("en", "ar"), ("zh-Hans", "en")])
def test_bilingual_pages_have_no_wcag_violations_and_no_sideways_scrolling(
    language: str, second: str, chromium: str, axe_js: str, tmp_path: Path
) -> None:
    pages = pages_of(EXAMPLES / "conditions" / "adrenal-insufficiency.json", language, second_language=second)
    assert_accessible(check_pages(chromium, axe_js, pages, tmp_path))


def test_every_printed_page_carries_the_name_and_date_of_birth(chromium: str, tmp_path: Path) -> None:
    # Chromium ignores string-set and page margin boxes; the frame's header row repeats.
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    pm = rp.make_plugin_manager(entry_points=False)
    page = tmp_path / "passport.html"
    page.write_bytes(render_rendered(rp.load(EXAMPLES / "adult-several-conditions.yaml"), "html", plugins=pm,
                                     today=TODAY).data)
    pdf = tmp_path / "printed.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=300, check=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) > 2
    assert [n for n, p in enumerate(pages, 1)
            if p.strip().splitlines()[0].strip() != "Jessica Morgan-Hale · Date of birth: 3 November 1994"] == []
