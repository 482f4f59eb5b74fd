"""The form editor in a real browser: Debian's chromium, driven by Selenium through Debian's chromedriver.

No browser or driver is downloaded. The editor runs in uvicorn on 127.0.0.1 (as
``rarepassport edit`` runs it); the test fills in a child's passport from nothing as a
person would, sees a mistake beside its field, fixes it, saves with the keyboard and
reads the file back. axe-core (fetched by npm into a temporary folder, as in
tests/test_html_browser.py) checks every page it meets with the WCAG 2.0-2.2 A and AA
rules; each page is also checked at 320 CSS px (no sideways scrolling) and reached with
the Tab key alone.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

import rarepassport as rp
from rarepassport.web import create_app
from test_html_browser import AXE_TAGS, axe_js, chromium  # noqa: F401 - the fixtures, shared

TODAY = dt.date(2026, 11, 27)

INTERACTIVE = """
const items = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter(el => el.checkVisibility());
return items.map(el => el.name ? el.name + '=' + (el.type === 'radio' || el.type === 'checkbox' ? el.value : '')
                                : (el.id || el.getAttribute('href') || el.textContent.trim()));
"""

LISTEN = """
window.__seen = [];
document.addEventListener('focusin', e => { const el = e.target;
  window.__seen.push(el.name ? el.name + '=' + (el.type === 'radio' || el.type === 'checkbox' ? el.value : '')
                             : (el.id || el.getAttribute('href') || el.textContent.trim())); });
"""


@pytest.fixture(scope="module")
def chromedriver() -> str:
    path = shutil.which("chromedriver")
    if path is None:
        pytest.skip("Debian's chromium-driver is not installed (CI installs it)")
    return path


class Editor:
    """The editor served by uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, path: Path, pm: rp.PluginManager) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        app = create_app(path, plugins=pm, today=TODAY, allowed_hosts=[f"127.0.0.1:{port}"])
        self.url = f"http://127.0.0.1:{port}{app.state.path}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


@pytest.fixture
def browser(chromium: str, chromedriver: str, tmp_path: Path) -> Iterator[Any]:  # noqa: F811
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1024,900",
                     f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_script_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def check_page(driver: Any, axe: str, name: str) -> None:
    """axe-core finds nothing, at 1024 and 320 CSS px, and at 320 px nothing scrolls sideways."""
    for width in (1024, 320):
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 500})
        driver.execute_script(axe)
        result = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(r => done(r.violations.map("
            "v => ({id: v.id, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
            ").catch(e => done([{id: 'axe failed', targets: [String(e)]}]));", AXE_TAGS)
        assert result == [], f"{name} @{width}px: {result}"
        overflow = driver.execute_script(
            "const r = document.documentElement; return [r.scrollWidth, r.clientWidth];")
        assert overflow[0] <= overflow[1], f"{name} @{width}px scrolls sideways: {overflow}"
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def check_keyboard(driver: Any, name: str) -> None:
    """The Tab key alone reaches every control of the page, in the page's order."""
    expected = driver.execute_script(INTERACTIVE)
    # A group of radio buttons is one stop of the Tab key (its arrows move inside it).
    groups: dict[str, list[str]] = {}
    for item in expected:
        if "=" in item and item.split("=", 1)[0].endswith("_status"):
            groups.setdefault(item.split("=", 1)[0], []).append(item)
    driver.execute_script(LISTEN)
    driver.find_element(By.TAG_NAME, "body").click()
    driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    actions = webdriver.ActionChains(driver)
    for _ in range(len(expected) + 3):
        actions.send_keys(Keys.TAB)
    actions.perform()
    seen = driver.execute_script("return window.__seen;")
    missed = [item for item in expected if item not in seen
              and not any(item in members and any(m in seen for m in members) for members in groups.values())]
    assert missed == [], f"{name}: not reached with Tab: {missed[:10]}"


def fill(driver: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        element = driver.find_element(By.NAME, name)
        if element.tag_name == "select":
            element.find_element(By.CSS_SELECTOR, f'option[value="{value}"]').click()
        elif element.get_attribute("type") in ("checkbox", "radio"):
            driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]').click()
        else:
            element.clear()
            element.send_keys(value)


def press(driver: Any, action: str) -> None:
    """Press a button of the form and wait for the page it posts back."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f'button[value="{action}"]').click()
    WebDriverWait(driver, 60).until(expected_conditions.staleness_of(old))


def add_row(driver: Any, path: str) -> None:
    """Press "Add to ..." with the editor's script: the entry appears at once, with no page load."""
    old = driver.find_element(By.TAG_NAME, "html")
    count = driver.find_element(By.NAME, f"{path}#n")
    before = int(count.get_attribute("value"))
    driver.find_element(By.CSS_SELECTOR, f'button[value="add:{path}"]').click()
    assert int(count.get_attribute("value")) == before + 1
    assert driver.find_element(By.TAG_NAME, "html") == old, "no round trip"
    row_id = "f-" + re.sub(r"[^A-Za-z0-9_]+", "-", f"{path}[{before}]").strip("-")
    new_field = driver.find_element(By.ID, row_id)
    assert driver.switch_to.active_element.find_element(By.XPATH, "ancestor::fieldset[1]") == new_field, \
        "the new entry's first field has the focus"


def test_a_childs_passport_is_made_in_the_browser_from_nothing(
    browser: Any, axe_js: str, tmp_path: Path  # noqa: F811
) -> None:
    pm = rp.make_plugin_manager(entry_points=False)
    path = tmp_path / "robin.json"
    editor = Editor(path, pm)
    try:
        browser.get(editor.url)
        assert browser.title
        check_page(browser, axe_js, "empty editor")
        check_keyboard(browser, "empty editor")
        # Entries are added by the editor's script, with no round trip (one nested list too).
        for rows in ("diagnoses", "diagnoses", "diagnoses[1].codes", "emergency.protocols", "medications",
                     "allergies", "contacts"):
            add_row(browser, rows)
        check_page(browser, axe_js, "editor with entries added by the script")
        assert browser.find_elements(By.CSS_SELECTOR, 'button[value="up:diagnoses[0]"]') == []
        assert browser.find_element(By.CSS_SELECTOR, 'button[value="up:diagnoses[1]"]').is_displayed()
        # The condition plugin's section is folded away until opened.
        browser.find_element(By.CSS_SELECTOR, "#s-x-adrenal_insufficiency > summary").click()
        fill(browser, {
            "person.name": "Robin Example",
            "person.date_of_birth": "2022-02-30",  # a mistake, to be seen and fixed
            "diagnoses[0].name": "Congenital adrenal hyperplasia",
            "diagnoses[1].name": "Asthma",
            "diagnoses[1].status": "suspected",
            "diagnoses[1].codes[0].system": "ICD-10",
            "diagnoses[1].codes[0].code": "J45",
            "emergency.protocols[0].title": "My adrenal crisis protocol",
            "emergency.protocols[0].steps": "Give my emergency hydrocortisone injection.\nCall 999.",
            "medications[0].name": "Hydrocortisone",
            "medications[0].time_critical": "true",
            "allergies[0].substance": "Peanut",
            "allergies_status": "listed",
            "contacts[0].name": "Sam Example",
            "contacts[0].role": "parent",
            "contacts[0].phone": "+44 7700 900123",
            "extensions.adrenal_insufficiency.emergency_hydrocortisone_dose":
                "50 mg hydrocortisone IM (as in my letter)",
        })
        press(browser, "save")
        # The mistake is beside its field, linked from the summary; what was typed is still there.
        assert not path.exists()
        error = browser.find_element(By.ID, "f-person-date_of_birth-issue0")
        assert error.is_displayed()
        field = browser.find_element(By.NAME, "person.date_of_birth")
        assert field.get_attribute("value") == "2022-02-30"
        assert field.get_attribute("aria-invalid") == "true"
        assert error.get_attribute("id") in (field.get_attribute("aria-describedby") or "")
        assert browser.find_element(By.NAME, "allergies[0].substance").get_attribute("value") == "Peanut"
        browser.find_element(By.CSS_SELECTOR, '#summary a[href="#f-person-date_of_birth-issue0"]').click()
        check_page(browser, axe_js, "editor with an error")
        # Fixed, and saved from the keyboard: Enter in a field presses the form's first button, Save.
        field = browser.find_element(By.NAME, "person.date_of_birth")
        field.clear()
        old = browser.find_element(By.TAG_NAME, "html")
        field.send_keys("2022-02-28", Keys.ENTER)
        WebDriverWait(browser, 60).until(expected_conditions.staleness_of(old))
        assert "Saved." in browser.find_element(By.CSS_SELECTOR, ".notice").text
        check_page(browser, axe_js, "saved editor")
        check_keyboard(browser, "saved editor")
        # The card beside the form is the saved one; the script draws it again from what is typed.
        card = browser.find_element(By.CSS_SELECTOR, "#card-preview img")
        assert card.get_attribute("alt") == "Front of the wallet card, from the last save"
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", card) == 648
        name = browser.find_element(By.NAME, "person.name")
        name.clear()
        name.send_keys("Robin Q Example")
        browser.find_element(By.ID, "card-refresh").click()
        WebDriverWait(browser, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, "#card-preview img")
                                         .get_attribute("alt").endswith("(not saved)"))
        assert "not saved yet" in browser.find_element(By.ID, "card-status").text
        drawn = browser.find_element(By.CSS_SELECTOR, "#card-preview img")
        assert drawn.get_attribute("src").startswith("data:image/png")
        check_page(browser, axe_js, "editor with the card of what is typed")
        # Reloaded, the form shows the saved passport.
        browser.get(editor.url)
        assert browser.find_element(By.NAME, "diagnoses[1].name").get_attribute("value") == "Asthma"
        assert browser.find_element(By.NAME, "person.name").get_attribute("value") == "Robin Example"
    finally:
        editor.stop()
    passport = rp.load(path, plugins=pm)
    assert rp.validate(passport, plugins=pm, today=TODAY).ok
    assert [d.name for d in passport.diagnoses] == ["Congenital adrenal hyperplasia", "Asthma"]
    assert passport.diagnoses[1].codes[0].code == "J45"
    assert passport.extensions["adrenal_insufficiency"].emergency_hydrocortisone_dose.startswith("50 mg")
    assert rp.render(passport, "card", plugins=pm, today=TODAY).startswith(b"%PDF")


def test_a_folder_of_passports_in_the_browser(browser: Any, axe_js: str, tmp_path: Path) -> None:  # noqa: F811
    """The folder's list and a new passport started from it: axe-core finds nothing, the keyboard reaches all."""
    pm = rp.make_plugin_manager(entry_points=False)
    folder = tmp_path / "family"
    folder.mkdir()
    (folder / "morgan.json").write_bytes(
        (Path(__file__).resolve().parent.parent / "examples" / "minimal.json").read_bytes())
    editor = Editor(folder, pm)
    try:
        browser.get(editor.url)
        check_page(browser, axe_js, "folder list")
        check_keyboard(browser, "folder list")
        old = browser.find_element(By.TAG_NAME, "html")
        browser.find_element(By.ID, "new-name").send_keys("robin", Keys.ENTER)
        WebDriverWait(browser, 60).until(expected_conditions.staleness_of(old))
        assert browser.current_url == editor.url + "p/robin.json/"
        check_page(browser, axe_js, "new passport in a folder")
        fill(browser, {"person.name": "Robin Example", "person.date_of_birth": "2022-05-14"})
        press(browser, "save")
        assert "Saved." in browser.find_element(By.CSS_SELECTOR, ".notice").text
        browser.find_element(By.CSS_SELECTOR, "header .home a").click()
        names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "main li a")]
        assert names == ["morgan.json", "robin.json"]
    finally:
        editor.stop()
    assert rp.load(folder / "robin.json", plugins=pm).person.name == "Robin Example"
