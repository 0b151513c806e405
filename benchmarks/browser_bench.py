"""The real server in headless Chromium: filter change to charts redrawn, bytes per rerun,
cold start to first page drawn, and the server's peak memory with 10 sessions open.

Prints one JSON object. Debian's Chromium via Playwright (never a downloaded browser).

    python benchmarks/browser_bench.py --db PATH --reps 5 [--cold 5] [--sessions 10] [--pages ...]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Filter changes and the sessions' memory are measured over every system, so that the large scale
# reads its million records (the default view is the S-400's alone); cold start opens the default.
EVERY_SYSTEM = "?system=all"
ROUTES = {"overview": "", "map": "map", "timeline": "timeline", "money": "money", "explorer": "explorer",
          "sources": "sources", "methodology": "methodology"}
STATUSES = ("interest", "negotiating", "signed", "delivering", "delivered", "cancelled")

# Counts the script runs the page has finished (Streamlit flips this attribute on stApp).
OBSERVER = """
window.__s400_done = 0;
new MutationObserver(records => {
  for (const r of records) {
    if (r.attributeName === 'data-test-script-state'
        && r.target.getAttribute('data-test-script-state') === 'notRunning') {
      window.__s400_done += 1;
    }
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""
# Drawn: no status widget, no skeleton or stale element, every visible chart and table painted.
DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const busy = '[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-stale="true"]';
  if (document.querySelector(busy)) return false;
  if (!document.querySelector('[data-testid="stMainBlockContainer"] h1')) return false;
  // What a reader sees: laid out, and not in a closed expander (whose tables are never drawn).
  const visible = sel => [...document.querySelectorAll(sel)].filter(
      e => e.offsetParent !== null && e.closest('details:not([open])') === null);
  return visible('[data-testid="stPlotlyChart"]').every(e => e.querySelector('.main-svg'))
      && visible('[data-testid="stDeckGlJsonChart"]').every(e => e.querySelector('canvas'))
      && visible('[data-testid="stDataFrame"]').every(e => e.querySelector('canvas'));
}"""
FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "S400_DB": db}
    server = subprocess.Popen([sys.executable, "-m", "s400tracker", "serve", "--port", str(port),
                               "--address", "127.0.0.1"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def memory(pid: int) -> dict:
    """Peak (VmHWM) and current (VmRSS) resident memory of the server, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    page.add_init_script(OBSERVER)
    page.received = 0
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: _count(page, payload)))
    return page


def _count(page, payload) -> None:
    page.received += len(payload)


def wait_drawn(page, timeout: float = 300) -> None:
    page.wait_for_function(DRAWN, timeout=timeout * 1000, polling=20)
    page.evaluate(FRAMES)


def goto_when_up(page, url: str, deadline: float) -> None:
    while True:
        try:
            page.goto(url, timeout=120_000)
            return
        except Exception:  # noqa: BLE001 - server not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def status_select(page, status: str) -> None:
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Deal status")
    field = box.locator("input")
    field.click()
    field.fill(status)
    field.press("Enter")
    field.press("Escape")


def filter_changes(page, url: str, reps: int) -> tuple[list[float], list[int]]:
    """(seconds from a filter change to the page redrawn, bytes received) per repetition."""
    page.goto(url, timeout=300_000)
    wait_drawn(page)
    times, sizes = [], []
    for i in range(reps + 1):   # the first change warms up, uncounted
        done = page.evaluate("window.__s400_done")
        page.received = 0
        began = time.perf_counter()
        status_select(page, STATUSES[i % len(STATUSES)])
        page.wait_for_function(f"window.__s400_done > {done}", timeout=120_000, polling=10)
        wait_drawn(page)
        elapsed = time.perf_counter() - began
        if i:
            times.append(elapsed)
            sizes.append(page.received)
    return times, sizes


def cold_starts(browser, db: str, count: int) -> list[float]:
    """Seconds from starting the server to the first page (overview) fully drawn."""
    times = []
    for _ in range(count):
        page = new_page(browser)
        began = time.monotonic()
        server, url = start_server(db)
        try:
            goto_when_up(page, url + "/", began + 120)
            wait_drawn(page)
            times.append(time.monotonic() - began)
        finally:
            page.context.close()
            stop(server)
    return times


def sessions_memory(browser, db: str, sessions: int) -> dict:
    """The server's memory after ``sessions`` browser sessions, each on a page, are drawn."""
    server, url = start_server(db)
    pages = []
    try:
        first = new_page(browser)
        goto_when_up(first, url + "/", time.monotonic() + 120)
        wait_drawn(first)
        pages.append(first)
        routes = list(ROUTES.values())
        for i in range(1, sessions):
            page = new_page(browser)
            page.goto(f"{url}/{routes[i % len(routes)]}{EVERY_SYSTEM}", timeout=300_000)
            wait_drawn(page)
            pages.append(page)
        return memory(server.pid) | {"sessions": sessions}
    finally:
        for page in pages:
            page.context.close()
        stop(server)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--pages", default=",".join(ROUTES))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    out = {"filter_change": {}, "bytes": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        if args.reps:
            server, url = start_server(args.db)
            try:
                for name in args.pages.split(","):
                    page = new_page(browser)
                    try:
                        goto_when_up(page, url + "/", time.monotonic() + 120)
                        times, sizes = filter_changes(page, f"{url}/{ROUTES[name]}{EVERY_SYSTEM}", args.reps)
                        out["filter_change"][name], out["bytes"][name] = times, sizes
                    except Exception as error:  # noqa: BLE001 - report it, measure the other pages
                        out.setdefault("errors", {})[name] = str(error).splitlines()[0]
                        page.screenshot(path=f"/tmp/s400-bench-{name}.png", full_page=True)
                    print(json.dumps({name: out["filter_change"].get(name)}), file=sys.stderr, flush=True)
                    page.context.close()
            finally:
                stop(server)
        if args.cold:
            out["cold_start"] = cold_starts(browser, args.db, args.cold)
        if args.sessions:
            out["memory"] = sessions_memory(browser, args.db, args.sessions)
        browser.close()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
