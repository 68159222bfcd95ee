"""Headless Chromium on /stats over the real dataset: charts, network, click-through, layout.

The server is app.py's (worker processes, the real QueryRunner) over the session's full build,
so the page is what `dlkg serve` shows. Screenshots go to the temp folder for a person to see.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dlkg.resources import queries_dir
from dlkg.stats.queries import Table, run_all, store_select
from dlkg.store import open_read_only
from dlkg.web.site.static_files import STATIC_DIR

from ..helpers import serve_in_thread

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(tempfile.gettempdir())
CHARTS = (
    "top-authors",
    "papers-per-year",
    "section-sizes",
    "roadmap-stars",
    "translation-coverage",
)


@pytest.fixture(scope="module")
def served(built: Any) -> Iterator[tuple[str, dict[str, Table]]]:
    settings, _report = built
    tables = run_all(store_select(open_read_only(settings.store_dir)))
    for live in serve_in_thread(
        store_dir=settings.store_dir,
        build_dir=settings.build_dir,
        base_iri=settings.base_iri,
        queries_dir=queries_dir(),
        workers=1,
    ):
        yield live.url, tables


@pytest.fixture()
def driver(tmp_path: Path) -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("needs chromium and chromedriver (Debian: chromium chromium-driver)")
    if not (STATIC_DIR / "vendor" / "stats.js").is_file():
        pytest.skip("stats bundle not built: run `npm ci && npm run build` in frontend/")
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
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


def _open(driver: Any, url: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    # A generous bound: this test is about what the page draws, not how fast. On a 2-core
    # machine beside an x100 build the charts once took over 60 s to draw; an error the page
    # reports ends the wait at once (and fails the test's first assertion).
    wait = WebDriverWait(driver, 240)
    for flag in ("chartsReady", "networkReady"):
        wait.until(
            lambda d, flag=flag: d.execute_script(
                f"return document.body.dataset.{flag} === 'true' || "
                "document.body.dataset.chartsError !== undefined"
            )
        )


def _no_horizontal_overflow(driver: Any) -> bool:
    return bool(
        driver.execute_script(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def test_stats_page_charts_network_and_click(
    driver: Any, served: tuple[str, dict[str, Table]]
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, tables = served
    _open(driver, url + "/stats")
    assert driver.execute_script("return document.body.dataset.chartsError") is None
    for name in CHARTS:
        bars = driver.find_elements(
            By.CSS_SELECTOR, f'#chart-{name} svg [aria-roledescription="bar"]'
        )
        rows = driver.execute_script(
            "return JSON.parse(document.getElementById('stats-data').textContent)"
            f".charts['{name}'].data.values.length"
        )
        assert len(bars) == rows > 0, name
    # the chart shows the same people as the table beside it (ties at the cut-off kept)
    table_rows = driver.find_elements(By.CSS_SELECTOR, "#table-authors-top100 tbody tr")
    bars = driver.find_elements(By.CSS_SELECTOR, '#chart-top-authors [aria-roledescription="bar"]')
    assert len(table_rows) == len(bars)

    # one node per person with a top-100 paper
    nodes = driver.execute_script("return window.dlkgStats.network.nodes().length")
    assert nodes == len(tables["authors-top100"].rows) > 100
    assert driver.execute_script("return window.dlkgStats.network.edges().length") > nodes
    driver.save_screenshot(str(SCREENSHOTS / "dlkg-stats-desktop.png"))
    assert _no_horizontal_overflow(driver)

    # everyone: the other scope has more people; back to the top 100
    driver.find_element(By.CSS_SELECTOR, 'input[name="scope"][value="all"]').click()
    everyone = driver.execute_script("return window.dlkgStats.network.nodes().length")
    assert everyone == len(tables["authors-all"].rows) > nodes
    driver.find_element(By.CSS_SELECTOR, 'input[name="scope"][value="top100"]').click()

    # click Hinton's node (centred and zoomed so nothing covers it): his page opens
    hinton = next(r["person"] for r in tables["authors-top100"].rows if "Hinton" in str(r["name"]))
    driver.execute_script(
        "const cy = window.dlkgStats.network; const n = cy.getElementById(arguments[0]);"
        "cy.zoom(3); cy.center(n);",
        hinton,
    )
    view = driver.find_element(By.ID, "network-view")
    ActionChains(driver).move_to_element(view).click().perform()
    WebDriverWait(driver, 20).until(lambda d: d.current_url.endswith("/person/hinton-g"))
    assert "Hinton" in driver.title


def test_stats_page_in_chinese_on_a_phone(
    driver: Any, served: tuple[str, dict[str, Table]]
) -> None:
    from selenium.webdriver.common.by import By

    url, _tables = served
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    _open(driver, url + "/stats?lang=zh")
    assert driver.find_element(By.TAG_NAME, "h1").text == "统计"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    assert driver.execute_script("return window.innerWidth") == 390
    driver.save_screenshot(str(SCREENSHOTS / "dlkg-stats-phone.png"))
    assert _no_horizontal_overflow(driver)
    # the Chinese section labels are in the section table
    assert "卷积神经网络模型" in driver.find_element(By.ID, "table-section-sizes").text


def test_stats_page_focuses_a_person(driver: Any, served: tuple[str, dict[str, Table]]) -> None:
    from selenium.webdriver.common.by import By

    url, _tables = served
    _open(driver, url + "/stats?person=/person/hinton-g")
    section = driver.find_element(By.ID, "person")
    assert "Geoffrey E. Hinton" in section.text
    selected = driver.execute_script(
        "return window.dlkgStats.network.$(':selected').map(n => n.id())"
    )
    assert selected == ["https://w3id.org/dlkg/person/hinton-g"]
