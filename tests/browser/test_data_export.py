"""The dataframe toolbar offers no CSV export of its own: it would write cells as they are,
bypassing the formula neutralisation of the app's "Download CSV" ([client] disableDataExport)."""

import pytest

from ..live_server import running_server
from .conftest import ARTIFACTS, open_page, wait_for_app

pytestmark = pytest.mark.browser
RAW_EXPORT = 'button[aria-label="Download as CSV"]'


def hovered_table_toolbar(page):
    """Hover the first visible table on the page; its toolbar once shown."""
    page.locator('[data-testid="stDataFrame"]').first.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.locator('button[aria-label="Search"]').wait_for(state="visible")
    # It fades and slides in: wait until it is fully shown, so the screenshot has it.
    page.wait_for_function("bar => getComputedStyle(bar).opacity === '1' && bar.getAnimations().length === 0",
                           arg=toolbar.element_handle())
    return toolbar


def screenshot_around(page, toolbar, name: str) -> None:
    """Keep the toolbar and the top rows of its table in test-artifacts/browser/<name>.png."""
    table = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    bar = toolbar.bounding_box()
    left, top = min(table["x"], bar["x"]), max(min(table["y"], bar["y"]) - 10, 0)
    right = max(table["x"] + table["width"], bar["x"] + bar["width"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"),
                    clip={"x": left, "y": top, "width": right - left, "height": table["y"] + 200 - top})


def test_the_explorers_tables_offer_no_csv_export_of_their_own(page, server_url):
    page.goto(f"{server_url}/explorer")
    wait_for_app(page)
    toolbar = hovered_table_toolbar(page)
    screenshot_around(page, toolbar, "explorer-table-toolbar")
    assert toolbar.locator(RAW_EXPORT).count() == 0
    assert page.locator(RAW_EXPORT).count() == 0  # on no table of the page
    assert page.get_by_role("button", name="Download CSV").first.is_visible()  # ours stays


def test_without_the_setting_the_toolbar_would_offer_it(browser, real_db):
    """The control: the same page with disableDataExport off shows the button the test looks for."""
    with running_server(real_db, STREAMLIT_CLIENT_DISABLE_DATA_EXPORT="false") as url:
        page = open_page(browser)
        page.goto(f"{url}/explorer")
        wait_for_app(page)
        toolbar = hovered_table_toolbar(page)
        screenshot_around(page, toolbar, "explorer-table-toolbar-export-on")
        assert toolbar.locator(RAW_EXPORT).count() == 1
        page.context.close()
