"""Headless Chromium against the real server: what people see, at desktop and phone widths.

`live_url` (tests/web/conftest.py) is `create_server` with one worker over the page fixture.
Screenshots go to `<temp dir>/dlkg-screenshots/` for a person to look at after the run
(`dlkg-<page>-<width>.png`); the tests check the layout facts a screenshot would show.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dlkg.web.site.static_files import STATIC_DIR

from ..helpers import BASE, serve_in_thread

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(tempfile.gettempdir()) / "dlkg-screenshots"
DESKTOP, PHONE = 1280, 390


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
    SCREENSHOTS.mkdir(exist_ok=True)
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
    driver.save_screenshot(str(SCREENSHOTS / "dlkg-home-gallery.png"))

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


# --- layout at desktop and phone widths ----------------------------------------------------

PAGES = {
    "home": "/",
    "paper": "/paper/arxiv-1503.02531",
    "person": "/person/hinton-g",
    "query": "/query?example=01",
}


_DRAWS_CHINESE = """
const canvas = document.createElement("canvas");
canvas.width = canvas.height = 48;
const pen = canvas.getContext("2d");
pen.font = "36px " + getComputedStyle(arguments[0]).fontFamily;
const picture = (ch) => {
  pen.clearRect(0, 0, 48, 48);
  pen.fillText(ch, 4, 40);
  return pen.getImageData(0, 0, 48, 48).data.join(",");
};
return picture("蒸") !== picture("馏") && picture("蒸") !== picture("\\uE000");
"""


def _at_width(driver: object, width: int) -> object:
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(driver, WebDriver)
    driver.set_window_size(width, 1000)
    inner = driver.execute_script("return window.innerWidth")
    assert abs(int(inner) - width) <= 20, f"asked for {width} px, got {inner}"
    return driver


def _overflow(driver: object) -> tuple[int, int]:
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(driver, WebDriver)
    found = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    return int(found[0]), int(found[1])


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_fit_the_width_and_show_what_they_should(
    driver: object, live_url: str, width: int, lang: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _at_width(driver, width)
    assert isinstance(browser, WebDriver)
    wait = WebDriverWait(browser, 20)
    for name, path in PAGES.items():
        browser.get(live_url + path + ("&" if "?" in path else "?") + f"lang={lang}")
        if name == "query":  # the link runs its gallery query: wait for the labelled table
            wait.until(
                ec.presence_of_element_located((By.CSS_SELECTOR, "#results-table a.labelled"))
            )
        browser.save_screenshot(str(SCREENSHOTS / f"dlkg-{name}-{lang}-{width}.png"))
        scroll_width, inner = _overflow(browser)
        assert scroll_width <= inner, f"{path} at {width} px is {scroll_width} px wide"
        html_lang = browser.find_element(By.TAG_NAME, "html").get_attribute("lang")
        assert html_lang == ("zh-Hans" if lang == "zh" else "en")
        if name == "paper":
            title = browser.find_element(By.CSS_SELECTOR, "p.title-zh")
            assert title.is_displayed() and title.text == "蒸馏神经网络中的知识"
            # drawn with a CJK font: two different characters make two different pictures (without
            # one both are the same empty box, like a private-use character)
            assert browser.execute_script(_DRAWS_CHINESE, title), "no CJK font: fonts-noto-cjk"
        if name == "person":
            hrefs = [
                a.get_attribute("href") or ""
                for a in browser.find_elements(By.CSS_SELECTOR, "#person-papers tbody a")
            ]
            assert len(hrefs) == 2 and all("/paper/" in h for h in hrefs), hrefs
            table = browser.find_element(By.CSS_SELECTOR, "table#person-papers")
            assert table.is_displayed()
            # the titles get the room; year and position columns only what they need
            cell = browser.find_element(By.CSS_SELECTOR, "#person-papers tbody td:nth-child(2)")
            assert cell.size["width"] >= 0.5 * table.size["width"], (cell.size, table.size)
        if name == "query":
            link = browser.find_element(
                By.CSS_SELECTOR, '#results-table a[href="/paper/arxiv-1503.02531"]'
            )
            # the label in the reader's language: the Chinese title for a Chinese reader
            english = "Distilling the knowledge in a neural network"
            assert link.text == ("蒸馏神经网络中的知识" if lang == "zh" else english)
            assert link.get_attribute("title") == BASE + "paper/arxiv-1503.02531"


def test_language_switch_and_shareable_query_url(driver: object, live_url: str) -> None:
    from urllib.parse import parse_qs, urlsplit

    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(driver, WebDriver)
    wait = WebDriverWait(driver, 20)
    driver.get(live_url + "/person/hinton-g")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    driver.find_element(By.CSS_SELECTOR, '#language-switch a[data-lang="zh-Hans"]').click()
    wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans")
    assert driver.current_url.endswith("/person/hinton-g?lang=zh")
    assert "合著者" in driver.find_element(By.TAG_NAME, "main").text
    # the choice is kept on the next page (a cookie), without ?lang= in the link
    driver.find_element(By.CSS_SELECTOR, "header.site nav a[href='/query']").click()
    wait.until(ec.presence_of_element_located((By.ID, "run-query")))
    assert driver.find_element(By.ID, "run-query").text == "运行查询"

    # running a query writes it into the URL; opening that URL runs it again
    driver.find_element(
        By.CSS_SELECTOR, '.gallery-item[data-name="02-coauthors-of-hinton"]'
    ).click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results-table tbody tr")))
    assert parse_qs(urlsplit(driver.current_url).query) == {"example": ["02-coauthors-of-hinton"]}
    query = "SELECT ?p WHERE { ?p a <http://schema.org/Person> } ORDER BY ?p LIMIT 2"
    driver.execute_script("window.DlkgQuery.setQuery(arguments[0])", query)
    driver.find_element(By.ID, "run-query").click()
    wait.until(lambda d: "query=" in d.current_url)
    shared = driver.current_url
    assert parse_qs(urlsplit(shared).query)["query"] == [query]
    driver.get(live_url + "/")
    driver.get(shared)
    rows = wait.until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, "#results-table tbody tr"))
    )
    assert len(rows) == 2
    driver.save_screenshot(str(SCREENSHOTS / "dlkg-shared-query-zh-1280.png"))


def test_query_ui_explains_a_syntax_error_in_chinese(driver: object, live_url: str) -> None:
    """/sparql answers the query UI in English; the Chinese page shows the line in Chinese."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(driver, WebDriver)
    wait = WebDriverWait(driver, 20)
    for lang, expected in (
        ("zh", "错误 400：查询有误：未知前缀 `nope:`，位于第 1 行第 22 列"),
        ("en", "malformed query: unknown prefix `nope:` at line 1, column 22"),
    ):
        driver.get(live_url + f"/query?lang={lang}")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".cm-editor .cm-content")))
        query = "SELECT ?t WHERE { ?p nope:title ?t }"
        driver.execute_script("window.DlkgQuery.setQuery(arguments[0])", query)
        driver.find_element(By.ID, "run-query").click()
        error = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results p.error")))
        assert expected in error.text
        driver.save_screenshot(str(SCREENSHOTS / f"dlkg-query-error-{lang}-{DESKTOP}.png"))


# --- the real build at phone width ------------------------------------------------------------

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def real_url(built: tuple[Any, Any]) -> Iterator[str]:
    """The server over the session's real build (tests/conftest.py: `built`)."""
    settings = built[0]
    for live in serve_in_thread(
        store_dir=settings.store_dir,
        build_dir=settings.current_dir,
        base_iri=BASE,
        queries_dir=REPO / "queries",
        workers=1,
    ):
        yield live.url


@pytest.mark.upstream
def test_real_pages_fit_a_phone(driver: object, real_url: str) -> None:
    """The longest bylines (ten authors), the widest tables and a result table at 390 px."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _at_width(driver, PHONE)
    assert isinstance(browser, WebDriver)
    pages = {
        "ten-authors": "/paper/doi-10.1038-nature14236",
        "roadmap": "/list/roadmap",
        "awesome": "/list/awesome",
        "hinton": "/person/hinton-g",
        "top-authors": "/query?example=10",
        # in Chinese (the choice is a cookie from here on): the gallery and the catalogue's texts
        "top-authors-zh": "/query?example=10&lang=zh",
        "report-zh": "/report",
    }
    for name, path in pages.items():
        browser.get(real_url + path)
        if name.startswith("top-authors"):
            WebDriverWait(browser, 20).until(
                ec.presence_of_element_located((By.CSS_SELECTOR, "#results-table a.labelled"))
            )
        browser.save_screenshot(str(SCREENSHOTS / f"dlkg-real-{name}-{PHONE}.png"))
        scroll_width, inner = _overflow(browser)
        assert scroll_width <= inner, f"{path} is {scroll_width} px wide at {inner} px"
        if name == "ten-authors":  # every author visible inside the page's width
            rights = browser.execute_script(
                "return Array.from(document.querySelectorAll('ol.authors li'))"
                ".map((li) => li.getBoundingClientRect().right)"
            )
            assert len(rights) == 10 and max(rights) <= inner
