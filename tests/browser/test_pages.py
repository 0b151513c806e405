"""Every page in a real browser against the real server: renders, stays on localhost, keeps links."""

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from s400tracker import export, queries
from s400tracker.db import connect
from s400tracker.filters import Filters

from .conftest import hover_until_tooltip, open_page, wait_for_app

pytestmark = pytest.mark.browser
PATHS = ["", "map", "timeline", "money", "explorer", "sources", "methodology"]


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "overview")
def test_each_page_renders_without_exceptions_or_requests_leaving_localhost(page, server_url, path):
    page.goto(f"{server_url}/{path}")
    wait_for_app(page)  # maps and charts painted too, before the checks and the screenshot
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.errors == []
    assert page.request_log.external() == []


def test_a_deep_link_as_the_first_request_to_a_fresh_server_applies_and_keeps_the_filters(browser, fresh_server_url):
    page = open_page(browser)
    page.goto(f"{fresh_server_url}/timeline?buyer=TUR&years=2017&years=2021")
    wait_for_app(page)
    assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").first.inner_text()
    assert page.get_by_role("heading", name="Delivery timeline").is_visible()
    assert "Turkey" in sidebar_text(page)
    assert query_of(page) == {"buyer": ["TUR"], "years": ["2017", "2021"]}
    page.get_by_role("link", name="Explorer").first.click()
    page.wait_for_url("**/explorer**")
    wait_for_app(page)
    assert "Turkey" in sidebar_text(page)
    assert query_of(page) == {"buyer": ["TUR"], "years": ["2017", "2021"]}
    page.context.close()


def test_a_shared_link_opened_in_a_new_browser_reproduces_the_view(browser, server_url):
    first = open_page(browser)
    first.goto(f"{server_url}/money?buyer=IND&status=delivering&basis=constant")
    wait_for_app(first)
    shared = first.locator('[data-testid="stSidebar"] [data-testid="stCode"]').inner_text().strip()
    first.context.close()
    assert parse_qs(urlparse(shared).query) == {"buyer": ["IND"], "status": ["delivering"], "basis": ["constant"]}
    second = open_page(browser)
    second.goto(shared)
    wait_for_app(second)
    text = sidebar_text(second)
    assert "India" in text and "delivering" in text and "Constant USD" in text
    assert second.get_by_role("radio", name="Constant USD").is_checked()
    second.context.close()


def test_a_bad_link_renders_the_valid_part_with_a_warning(page, server_url):
    page.goto(f"{server_url}/explorer?buyer=TUR&buyer=ZZZ&years=2017&colour=red")
    wait_for_app(page)
    warning = page.locator('[data-testid="stAlertContentWarning"]').inner_text()
    assert "ZZZ" in warning and "colour" in warning and "years" in warning
    assert "Turkey" in sidebar_text(page)
    assert query_of(page) == {"buyer": ["TUR"]}
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_downloaded_csv_is_exactly_the_filtered_rows(page, server_url, real_db):
    page.goto(f"{server_url}/explorer?buyer=TUR&buyer=IND&years=2018&years=2022")
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").first.click()
    payload = Path(download.value.path()).read_bytes()
    with connect(real_db) as conn:
        expected = queries.deals(conn, Filters(buyers=("TUR", "IND"), years=(2018, 2022)))
    assert payload == export.table_csv("deals", expected)
    rows = list(csv.DictReader(io.StringIO(payload.decode("utf-8"), newline="")))
    assert rows and {r["buyer_iso3"] for r in rows} <= {"TUR", "IND"}
    assert sorted(r["deal_id"] for r in rows) == sorted(expected["deal_id"])


def test_clicking_a_country_on_the_map_lists_its_records(page, server_url):
    page.goto(f"{server_url}/map")
    wait_for_app(page)
    box = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.bounding_box()
    india = box["x"] + box["width"] * 0.585, box["y"] + box["height"] * 0.57  # in the default view
    hover_until_tooltip(page, *india)  # the layers have loaded: deck.gl picks
    heading = page.get_by_role("heading", name="India")
    # deck.gl drops a press it is slow to pick (over 250 ms) on a loaded machine without a GPU,
    # so a user (and this test) may need to click again.
    for _ in range(5):
        page.mouse.click(*india)
        try:
            heading.wait_for(timeout=8_000)
            break
        except PlaywrightTimeout:
            wait_for_app(page)  # a click that picked nothing may still have started a run
    heading.wait_for(timeout=10_000)
    wait_for_app(page)
    assert "IND-2018" in page.locator('[data-testid="stMainBlockContainer"]').inner_text() or \
        page.locator('[data-testid="stDataFrame"]').count() >= 3
    assert page.locator('[data-testid="stException"]').count() == 0
