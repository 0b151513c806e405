"""Many users at once, and a writer among readers, against the real server in Chromium.

CI runs a short form (a few sessions for a few seconds); `make loadtest` runs the full form
(5 tabs for 60 s, 10 readers; the 20-session figures are the protocol test's) and prints them.
Timings are reported, never asserted: speed is the benchmark's business, and a busy CI machine
must not fail the build.
"""

import asyncio
import os
import random
import statistics
import time
from pathlib import Path

import pytest

from s400tracker import importing

from ..live_server import run_async, rss_mb, sample_memory, server_process, settled_rss_mb, write_figures
from .conftest import CHROMIUM

pytestmark = pytest.mark.browser
# Browser tabs, not protocol sessions: 20 Chromiums on 2 cores measure the browsers, so the
# server's figures come from tests/test_load_protocol.py and this checks real rendering.
SESSIONS = int(os.environ.get("S400_LOAD_BROWSERS", "3"))
SECONDS = float(os.environ.get("S400_LOAD_SECONDS", "10"))
READERS = int(os.environ.get("S400_LOAD_READERS", "3"))
LINKS = ["/explorer?buyer=TUR", "/explorer?buyer=IND&years=2018&years=2024", "/explorer?status=delivering",
         "/?confidence=confirmed", "/timeline?buyer=CHN", "/money?basis=constant", "/sources?buyer=IND",
         "/map?buyer=TUR&buyer=IND"]
SIPRI = Path(__file__).resolve().parents[1] / "fixtures" / "sipri" / "sipri_register.csv"
LAUNCH = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


async def drawn(page) -> None:
    """Streamlit has finished the run: the app is there and its status widget is gone."""
    await page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=60_000)
    await page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                 timeout=60_000)


async def user(browser, url: str, seed: int, deadline: float, report: dict) -> None:
    """One analyst: open links, reset the filters (a rerun), download a CSV, again and again."""
    rng, context = random.Random(seed), await browser.new_context(accept_downloads=True)
    page = await context.new_page()
    page.on("pageerror", lambda error: report["errors"].append(str(error)))
    while time.monotonic() < deadline:
        await page.goto(url + rng.choice(LINKS))
        await drawn(page)
        started = time.monotonic()
        await page.get_by_role("button", name="Reset filters").click()
        await page.wait_for_function("() => location.search === ''", timeout=60_000)
        await drawn(page)
        report["reruns"].append(time.monotonic() - started)
        if "/explorer" in page.url:
            report["downloads"] += await download_deals(page)
        report["exceptions"] += await page.locator('[data-testid="stException"]').count()
    await context.close()


async def download_deals(page) -> bool:
    """Download the deals CSV; True when its header is the documented one."""
    for _ in range(3):  # a rerun racing the click retires the button's file: click the new one
        try:
            async with page.expect_download(timeout=30_000) as download:
                await page.get_by_role("button", name="Download CSV").first.click()
            first_line = Path(await (await download.value).path()).read_bytes().split(b"\r\n", 1)[0]
            return first_line.startswith(b"deal_id,")
        except Exception:
            await drawn(page)
    return False


async def run_users(url: str, pid: int) -> dict:
    from playwright.async_api import async_playwright
    report = {"errors": [], "reruns": [], "downloads": 0, "exceptions": 0, "peak": []}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH)
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(pid, stop, report["peak"]))
        deadline = time.monotonic() + SECONDS
        await asyncio.gather(*(user(browser, url, seed, deadline, report) for seed in range(SESSIONS)))
        stop.set()
        await sampler
        await browser.close()
    return report


@pytest.fixture(scope="module", autouse=True)
def needs_chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")


def test_concurrent_sessions_change_filters_and_download_without_errors(real_db, tmp_path):
    path = tmp_path / "s400.duckdb"
    path.write_bytes(real_db.read_bytes())
    with server_process(path) as server:
        start_mb = rss_mb(server.pid)
        report = run_async(run_users(server.url, server.pid))
        end_mb = settled_rss_mb(server.pid)
    reruns = sorted(report["reruns"])
    p95 = reruns[int(0.95 * (len(reruns) - 1))] if reruns else float("nan")
    write_figures("loadtest", [
        f"# Load test: {SESSIONS} sessions for {SECONDS:g} s",
        f"- reruns after a filter change: {len(reruns)}, median {statistics.median(reruns):.3f} s, p95 {p95:.3f} s",
        f"- CSV downloads checked: {report['downloads']}",
        f"- server memory: start {start_mb:.0f} MB, peak {max(report['peak']):.0f} MB, after {end_mb:.0f} MB",
        f"- page errors: {len(report['errors'])}, exceptions shown: {report['exceptions']}"])
    assert report["errors"] == [] and report["exceptions"] == 0
    assert reruns and report["downloads"] > 0


async def reader(browser, url: str, deadline: float, versions: set, report: dict, landed: asyncio.Event,
                 all_read: asyncio.Event) -> None:
    """Reload the overview over and over, noting the data version each time; ``all_read`` is set
    once every reader has read the version once."""
    context = await browser.new_context()
    page = await context.new_page()
    page.on("pageerror", lambda error: report["errors"].append(str(error)))
    saw_new = False
    while time.monotonic() < deadline and not (landed.is_set() and saw_new):
        await page.goto(url + "/")
        await drawn(page)
        report["exceptions"] += await page.locator('[data-testid="stException"]').count()
        caption = await page.get_by_text("Data version").first.inner_text()
        version = caption.split("Data version ", 1)[1].split(" ", 1)[0]
        versions.add(version)
        report["read_once"].add(id(page))
        if len(report["read_once"]) == READERS:
            all_read.set()
        saw_new = landed.is_set() and version == report.get("new_version")
    report["saw_new"].append(saw_new)
    await context.close()


async def readers_and_a_writer(url: str, db_path: Path) -> dict:
    from playwright.async_api import async_playwright
    report = {"errors": [], "exceptions": 0, "saw_new": [], "read_once": set()}
    versions, landed, all_read = set(), asyncio.Event(), asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH)
        deadline = time.monotonic() + max(SECONDS, 60)
        tasks = [asyncio.create_task(reader(browser, url, deadline, versions, report, landed, all_read))
                 for _ in range(READERS)]
        await asyncio.wait_for(all_read.wait(), timeout=deadline - time.monotonic())  # the old version first
        _, result = await asyncio.to_thread(importing.commit_import, db_path, SIPRI.read_bytes(), SIPRI.name,
                                            "load test")
        report["new_version"] = result.version
        landed.set()
        await asyncio.gather(*tasks)
        await browser.close()
    report["versions"] = versions
    return report


def test_readers_never_see_a_half_written_import_and_see_the_new_version_once_it_lands(real_db, tmp_path):
    path = tmp_path / "s400.duckdb"
    path.write_bytes(real_db.read_bytes())
    with server_process(path) as server:
        url = server.url
        report = run_async(readers_and_a_writer(url, path))
    write_figures("writer-among-readers", [
        f"# Writer among readers: {READERS} readers, one SIPRI import committed",
        f"- versions seen: {sorted(report['versions'])}; new version {report['new_version']}",
        f"- readers that saw the new version: {sum(report['saw_new'])} of {READERS}",
        f"- page errors: {len(report['errors'])}, exceptions shown: {report['exceptions']}"])
    assert report["errors"] == [] and report["exceptions"] == 0
    assert len(report["versions"]) == 2 and all(report["saw_new"])
