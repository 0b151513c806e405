"""Many users at once, on the wire: the real server under simulated sessions, with no browser.

benchmarks/loadgen.py speaks Streamlit's websocket protocol as a browser tab does (open a link,
download a CSV, change a filter), so on a small machine the figures are the server's, not
those of the browsers (tests/browser/test_load.py drives Chromium instead). CI runs a short
form (3 sessions for 10 s); `make loadtest` runs 20 sessions for 60 s. The figures are
printed and written to test-artifacts/loadtest-protocol.md. Timings are reported, never
asserted: speed is the benchmark's business, and a busy CI machine must not fail the build.

Memory is asserted: once the sessions have closed and Streamlit's time to keep them for a
reconnect is over, the server releases what the rush left (server/idle.py) and must be back near
its warm start. CI keeps closed sessions for 5 s instead of the configured 60 s, to be quick;
`make loadtest` uses the server's own setting.
"""

import asyncio
import os

from benchmarks import loadgen

from s400tracker.server.idle import RELEASED

from .live_server import rss_mb, run_async, sample_memory, server_process, settled_rss_mb, write_figures

SESSIONS = int(os.environ.get("S400_LOAD_SESSIONS", "3"))
SECONDS = float(os.environ.get("S400_LOAD_SECONDS", "10"))
THINK = float(os.environ.get("S400_LOAD_THINK", "1"))  # a user's mean pause between steps
KEEP_CLOSED = os.environ.get("S400_LOAD_SESSION_TTL", "5")  # empty: the server's own setting
NEAR_START = 1.2  # "back near its starting level": within 20% of the idle start


async def load_while_sampling(url: str, pid: int) -> tuple[loadgen.Figures, list[float]]:
    """Run the sessions while sampling the server's memory; (figures, memory samples in MB)."""
    samples, stop = [], asyncio.Event()
    sampler = asyncio.create_task(sample_memory(pid, stop, samples))
    try:
        return await loadgen.run(url, SESSIONS, SECONDS, THINK), samples
    finally:
        stop.set()
        await sampler


def test_concurrent_protocol_sessions_change_filters_and_download_without_errors(real_db):
    keep = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": KEEP_CLOSED} if KEEP_CLOSED else {}
    with server_process(real_db, **keep) as server:
        cold_mb = rss_mb(server.pid)
        warm = run_async(loadgen.warm_up(server.url))
        warm_mb = settled_rss_mb(server.pid)  # the first runs' imports and caches are in
        first = server.wait_for_output(RELEASED, timeout=180)  # the warm-up's session has gone too
        start_mb, printed = settled_rss_mb(server.pid), len(server.output)
        figures, samples = run_async(load_while_sampling(server.url, server.pid))
        closed_mb = settled_rss_mb(server.pid)
        released = server.wait_for_output(RELEASED, after=printed, timeout=180)
        after_mb = settled_rss_mb(server.pid)
    result = loadgen.summary(figures, SESSIONS, SECONDS, THINK)
    write_figures("loadtest-protocol", [
        f"# Protocol load test: {SESSIONS} sessions for {SECONDS:g} s, mean pause {THINK:g} s",
        "(benchmarks/loadgen.py: Streamlit's websocket protocol, no browser)", "",
        f"- links opened: {result['links_opened']}, first run median {result['load_median_s']} s, "
        f"p95 {result['load_p95_s']} s",
        f"- reruns after a filter change: {result['reruns']}, median {result['rerun_median_s']} s, "
        f"p95 {result['rerun_p95_s']} s",
        f"- CSV downloads checked: {result['downloads_ok']}, lost before their GET: {result['downloads_lost']}",
        f"- server memory: cold {cold_mb:.0f} MB, warmed up {warm_mb:.0f} MB, idle start {start_mb:.0f} MB, "
        f"peak {max(samples, default=start_mb):.0f} MB, when the sessions closed {closed_mb:.0f} MB, "
        f"idle again {after_mb:.0f} MB ({after_mb / start_mb - 1:+.0%} on the idle start)",
        f"- release: {released.strip() if released else 'none within 180 s'}",
        f"- errors: {result['errors']} {result['first_errors']}"])
    assert warm.errors == [] and figures.errors == []
    assert first and released, "the server did not release its memory once every session had gone"
    assert after_mb <= start_mb * NEAR_START, f"{after_mb:.0f} MB after the sessions, {start_mb:.0f} MB at the start"
    assert len(figures.per_session) == SESSIONS
    assert all(reruns > 0 and downloads > 0 for reruns, downloads in figures.per_session)
