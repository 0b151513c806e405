"""The real server in headless Chromium: start Streamlit on a free port, drive it with Playwright."""

import itertools
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..live_server import ROOT, running_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
# Tables, charts and maps paint after the script run that made them has finished: each visible
# table has its canvas and, some 300 ms later, the hidden accessible copy of its cells (the only
# text of a canvas-drawn table); each chart plotly's SVG; each map deck.gl's canvas at its size.
PAINTED = """() => {
  // What a reader can see: laid out, and not inside a closed expander (whose tables are never drawn).
  const visible = selector => [...document.querySelectorAll(selector)].filter(
      e => e.offsetParent !== null && e.closest('details:not([open])') === null);
  const sized = canvas => canvas !== null && canvas.width > 0 && canvas.height > 0;
  return visible('[data-testid="stDataFrame"]').every(
      table => table.querySelector('canvas') && table.querySelector('table[role="grid"]'))
    && visible('[data-testid="stPlotlyChart"]').every(chart => chart.querySelector('.js-plotly-plot .main-svg'))
    && visible('[data-testid="stDeckGlJsonChart"]').every(map => sized(map.querySelector('canvas')));
}"""


@pytest.fixture(scope="session")
def server_url(real_db):
    """One server shared by the tests that do not need a fresh one."""
    with running_server(real_db) as url:
        yield url


@pytest.fixture
def admin_server(real_db, tmp_path):
    """A server on a private copy of the database with an admin password: (url, db path, password)."""
    path = tmp_path / "s400.duckdb"
    path.write_bytes(real_db.read_bytes())
    with running_server(path, S400_ADMIN_PASSWORD="browser-test-pw") as url:
        yield url, path, "browser-test-pw"


@pytest.fixture
def fresh_server_url(real_db):
    """A server no browser has visited yet: its first request is the one under test."""
    with running_server(real_db) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless; skipped where it is absent (CI makes a skip a failure)."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


class RequestLog:
    """Every URL the page requested, to prove nothing leaves localhost."""

    def __init__(self):
        self.urls: list[str] = []

    def external(self) -> list[str]:
        return [u for u in self.urls
                if urlparse(u).scheme in ("http", "https", "ws", "wss")
                and urlparse(u).hostname not in LOCAL_HOSTS]


def open_page(browser):
    """A page in a new browser context that records its requests, page errors and dialogs."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    page.request_log = RequestLog()
    page.errors, page.dialogs = [], []
    page.on("request", lambda r: page.request_log.urls.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


@pytest.fixture
def page(browser, request):
    """A fresh page; a full-page screenshot is saved under test-artifacts/browser on exit."""
    page = open_page(browser)
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    page.context.close()


def wait_for_app(page) -> None:
    """Wait until Streamlit has finished running the script and every table, chart and map is painted."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=30_000)
    page.wait_for_function(PAINTED, timeout=30_000)


def hover_until_tooltip(page, x: float, y: float, timeout: float = 30.0):
    """Hover (x, y) on the map until deck.gl shows its tooltip, moving a pixel each time so that it
    picks again: a painted canvas may still be loading its layers, and until then picks nothing."""
    tooltip = page.locator(".deck-tooltip").first
    deadline = time.monotonic() + timeout
    for step in itertools.count():
        page.mouse.move(x + step % 2, y)
        try:
            tooltip.wait_for(state="visible", timeout=500)
            return tooltip
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
