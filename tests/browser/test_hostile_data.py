"""Hostile data in a real browser: markup, Markdown and script links from the data stay text.

The server runs on the hostile database (tests/hostile.py: the curated data plus an import
whose titles, descriptions, notes, source titles, an organisation's name, a record id and
claims are attacks). Every page is opened on the hostile buyer, the map, timeline and Sankey
are hovered, a country chosen, rows selected to open their details, and the hostile file
uploaded under a hostile name. After each step: no dialog opened (an alert would), no element
was made from the data, nothing was requested from the attacker's host, and the hostile text
is on the page as literal text.
"""

import math

import pytest
from playwright.sync_api import expect

from s400tracker.text import WORD_JOINER

from .. import hostile
from .conftest import ARTIFACTS, hover_until_tooltip, running_server, wait_for_app

pytestmark = pytest.mark.browser
VIEW = f"buyer={hostile.BUYER}"
PATHS = ["", "map", "timeline", "money", "explorer", "sources", "methodology", "import"]

# Elements the data could have made: each is reported with its HTML.
INJECTED = """() => {
  const found = [];
  const add = (what, el) => found.push(what + ': ' + el.outerHTML.slice(0, 160));
  for (const el of document.querySelectorAll('img')) {
    const src = el.getAttribute('src') || '';
    if (src === 'x' || src.includes('evil.example') || el.hasAttribute('onerror')) add('img', el);
  }
  for (const el of document.querySelectorAll('[onload], [onerror]')) add('handler', el);
  for (const el of document.querySelectorAll('script')) if (el.textContent.includes('alert(')) add('script', el);
  for (const el of document.querySelectorAll('a')) {
    const href = (el.getAttribute('href') || '').trim().toLowerCase();
    const text = el.textContent.trim();
    // a bare address in data text must not become a link either (autolinking)
    if (/^(javascript|data|vbscript):/.test(href) || href.includes('evil.example')
        || ['click', 'claim', 'pixel', 'id'].includes(text)) add('link', el);
  }
  for (const el of document.querySelectorAll('b, strong')) if (el.textContent.trim() === 'bold') add('bold', el);
  return found;
}"""
# Text anywhere in the document, including the hidden accessible copy of canvas-drawn tables.
IN_DOCUMENT = "text => document.body.textContent.replaceAll('\\u2060', '').includes(text)"


@pytest.fixture(scope="module")
def hostile_server(real_db, tmp_path_factory):
    path = hostile.build_hostile_db(real_db, tmp_path_factory.mktemp("hostile") / "s400.duckdb")
    with running_server(path) as url:
        yield url


def shown_text(page) -> str:
    """The main area's text as a reader sees it (the invisible word joiners that stop bare
    addresses from being auto-linked removed)."""
    return page.locator('[data-testid="stMainBlockContainer"]').inner_text().replace(WORD_JOINER, "")


def assert_nothing_injected(page, step: str) -> None:
    assert page.dialogs == [], f"{step}: a dialog opened: {page.dialogs}"
    assert page.evaluate(INJECTED) == [], step
    assert [u for u in page.request_log.urls if "evil.example" in u] == [], step
    assert page.request_log.external() == [], step
    assert page.errors == [], f"{step}: {page.errors}"
    assert page.locator('[data-testid="stException"]').count() == 0, step


def assert_shown_as_text(page, *texts: str) -> None:
    for text in texts:
        assert page.evaluate(IN_DOCUMENT, text), f"{text!r} is not on the page as text"


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"hostile_{name}.png"), full_page=True)


def open_view(page, url: str, path: str) -> None:
    page.goto(f"{url}/{path}?{VIEW}")
    wait_for_app(page)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "overview")
def test_every_page_shows_hostile_data_as_text(page, hostile_server, path):
    open_view(page, hostile_server, path)
    assert_nothing_injected(page, path or "overview")
    if path == "":  # the latest events, as plain text
        assert_shown_as_text(page, hostile.IMG_EVENT_TITLE, hostile.JAVASCRIPT_URL)
    if path == "explorer":  # the deals tab
        assert_shown_as_text(page, hostile.SCRIPT_TITLE)


def map_point(box: dict, lat: float, lon: float) -> tuple[float, float]:
    """Where (lat, lon) is drawn in the map's canvas at its initial view (Web Mercator, 512 px tiles)."""
    from s400tracker.maps import INITIAL_VIEW
    scale = 512 * 2 ** INITIAL_VIEW["zoom"] / (2 * math.pi)
    mercator = lambda degrees: math.log(math.tan(math.pi / 4 + math.radians(degrees) / 2))  # noqa: E731
    x = box["width"] / 2 + scale * math.radians(lon - INITIAL_VIEW["longitude"])
    y = box["height"] / 2 - scale * (mercator(lat) - mercator(INITIAL_VIEW["latitude"]))
    return box["x"] + x, box["y"] + y


def test_the_map_tooltip_and_the_chosen_country_show_a_hostile_id_as_text(page, hostile_server):
    open_view(page, hostile_server, "map")
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    # Kazakhstan's label point is 49.05 N, 68.69 E; a little east of it, off the arc from Russia.
    tooltip = hover_until_tooltip(page, *map_point(canvas.bounding_box(), 49.0, 76.0))
    assert hostile.DELIVERY in tooltip.inner_text()
    assert tooltip.evaluate("el => el.children.length") == 0, "the tooltip holds elements"
    assert_nothing_injected(page, "map hover")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Country").click()
    page.get_by_role("option", name="Kazakhstan").click()
    page.get_by_role("heading", name="Kazakhstan").wait_for(timeout=30_000)
    wait_for_app(page)
    assert hostile.DELIVERY in shown_text(page)
    assert_nothing_injected(page, "map country")
    screenshot(page, "map_country")


def test_timeline_hover_labels_show_hostile_titles_as_text(page, hostile_server):
    open_view(page, hostile_server, "timeline")
    points = page.locator('[data-testid="stPlotlyChart"]').first.locator("g.points path")
    assert points.count() >= 4  # signature, delivery, two events
    layer = page.locator("g.hoverlayer").first
    seen = []
    for i in range(points.count()):
        page.mouse.move(0, 0)  # off the chart: the last label goes, so the next one is this point's
        expect(layer).to_have_text("")
        points.nth(i).hover(force=True)
        expect(layer).not_to_have_text("")
        seen.append(layer.text_content())
        assert layer.locator("a, image, foreignObject").count() == 0
        assert_nothing_injected(page, f"timeline hover {i}")
    hover_text = " ".join(seen)
    for text in (hostile.SCRIPT_TITLE, hostile.SVG_DESCRIPTION, hostile.IMG_EVENT_TITLE, hostile.JAVASCRIPT_URL):
        assert text in hover_text, (text, seen)
    screenshot(page, "timeline_hover")


def test_the_sankey_shows_an_imported_organisation_name_as_text(page, hostile_server):
    open_view(page, hostile_server, "money")
    labels = page.locator("g.sankey .node-label")
    assert hostile.BOLD_ORG in labels.all_text_contents()
    assert page.locator("g.sankey .node-label tspan[style*='bold']").count() == 0
    assert_nothing_injected(page, "money")


def select_first_row(page, table) -> None:
    """Tick the first row's selection box (tables draw on a canvas: click where it is)."""
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)


def test_selected_records_show_their_hostile_claims_and_sources_as_text(page, hostile_server):
    open_view(page, hostile_server, "explorer")
    select_first_row(page, page.locator('[data-testid="stDataFrame"]').first)
    page.get_by_text("Claims on the 1 selected record(s)").wait_for(timeout=30_000)
    wait_for_app(page)
    assert_nothing_injected(page, "explorer selection")
    assert_shown_as_text(page, hostile.CLAIMED_TITLE, hostile.IMG_SOURCE_TITLE, hostile.MARKDOWN_TITLE)
    screenshot(page, "explorer_selection")


def test_a_disputed_hostile_field_is_shown_side_by_side_as_text(page, hostile_server):
    open_view(page, hostile_server, "sources")
    select_first_row(page, page.locator('[data-testid="stDataFrame"]').first)
    page.get_by_text(f"deal {hostile.DEAL} · title").wait_for(timeout=30_000)
    wait_for_app(page)
    main = shown_text(page)
    for text in (hostile.SCRIPT_TITLE, hostile.CLAIMED_TITLE, hostile.IMG_SOURCE_TITLE, hostile.MARKDOWN_TITLE):
        assert text in main, text
    assert_nothing_injected(page, "sources conflict")
    screenshot(page, "sources_conflict")


def test_an_upload_with_a_hostile_name_is_previewed_as_text(page, hostile_server):
    open_view(page, hostile_server, "import")
    name = "![f](https://evil.example/f.png) **bold** <img src=x onerror=alert(14)>.zip"
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": "application/zip", "buffer": hostile.bundle()})
    page.get_by_text("(native)").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert name in shown_text(page)
    assert_nothing_injected(page, "import preview")
