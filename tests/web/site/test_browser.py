"""Headless Chromium against the real server: home page, a gallery query, a result link, a paper.

`live_url` (tests/web/conftest.py) is `create_server` with one worker over the page fixture.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlkg.web.site.static_files import STATIC_DIR

from ..helpers import BASE

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(tempfile.gettempdir())  # for a person to look at after the run


@pytest.fixture()
def driver(tmp_path: Path) -> Iterator[object]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("needs chromium and chromedriver (Debian: chromium chromium-driver)")
    if not (STATIC_DIR / "vendor" / "editor.js").is_file():
        pytest.skip("editor bundle not built: run `npm ci && npm run build` in frontend/")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1280,1300",
    ):  # fmt: skip
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


def test_home_gallery_query_and_result_link_to_a_paper(driver: object, live_url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(driver, WebDriver)
    wait = WebDriverWait(driver, 20)
    driver.get(live_url + "/")
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".cm-editor .cm-content")))
    assert driver.find_element(By.ID, "count-papers").text == "3"
    assert driver.find_element(By.ID, "count-items").text == "4"
    driver.save_screenshot(str(SCREENSHOTS / "dlkg-home.png"))

    # prefix completion: typing a prefix name offers its declaration
    editor = driver.find_element(By.CSS_SELECTOR, ".cm-content")
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys("PREFIX sch")
    editor.send_keys(Keys.CONTROL, " ")
    tooltip = wait.until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".cm-tooltip-autocomplete"))
    )
    assert "schema:" in tooltip.text

    # a gallery query runs in place and renders a table of links
    driver.find_element(By.CSS_SELECTOR, '.gallery-item[data-name="01-papers-with-titles"]').click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results-table tbody tr")))
    rows = driver.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")
    assert len(rows) == 3
    driver.save_screenshot(str(SCREENSHOTS / "dlkg-results.png"))
    assert "PREFIX schema:" in driver.execute_script(
        "return document.getElementById('query-text').value"
    )
    csv_href = driver.find_element(By.ID, "download-csv").get_attribute("href")
    assert csv_href and "format=csv" in csv_href
    with urllib.request.urlopen(csv_href, timeout=10) as answer:
        csv_text = answer.read().decode("utf-8")
    assert csv_text.splitlines()[0].strip() == "paper,title,year"
    assert BASE + "paper/arxiv-1503.02531" in csv_text

    # a dataset IRI in the results links to its local page
    link = driver.find_element(By.CSS_SELECTOR, '#results-table a[href="/paper/arxiv-1503.02531"]')
    link.click()
    heading = wait.until(ec.presence_of_element_located((By.TAG_NAME, "h1")))
    assert heading.text == "Distilling the knowledge in a neural network"
    assert driver.current_url == live_url + "/paper/arxiv-1503.02531"
    assert "Geoffrey Hinton" in driver.find_element(By.CSS_SELECTOR, "ol.authors").text
    driver.save_screenshot(str(SCREENSHOTS / "dlkg-paper.png"))
