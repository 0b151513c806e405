"""Many users at once, on the wire: the real server under simulated sessions, with no browser.

benchmarks/loadgen.py speaks Streamlit's websocket protocol as a browser tab does (open a link,
download a CSV, change a filter), so on a small machine the figures are the server's, not
those of the browsers (tests/browser/test_load.py drives Chromium instead). CI runs a short
form (3 sessions for 10 s); `make loadtest` runs 20 sessions for 60 s. The figures are
printed and written to test-artifacts/loadtest-protocol.md. Timings and memory are reported,
never asserted: speed is the benchmark's business, and a busy CI machine must not fail the build.
"""

import asyncio
import os

from benchmarks import loadgen

from .live_server import rss_mb, run_async, sample_memory, server_process, settled_rss_mb, write_figures

SESSIONS = int(os.environ.get("S400_LOAD_SESSIONS", "3"))
SECONDS = float(os.environ.get("S400_LOAD_SECONDS", "10"))
THINK = float(os.environ.get("S400_LOAD_THINK", "1"))  # a user's mean pause between steps


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
    with server_process(real_db) as (url, server):
        cold_mb = rss_mb(server.pid)
        warm = run_async(loadgen.warm_up(url))
        start_mb = settled_rss_mb(server.pid)  # the first runs' imports and caches are in
        figures, samples = run_async(load_while_sampling(url, server.pid))
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
        f"- server memory: cold {cold_mb:.0f} MB, warm start {start_mb:.0f} MB, "
        f"peak {max(samples, default=start_mb):.0f} MB, after the sessions closed {after_mb:.0f} MB",
        f"- errors: {result['errors']} {result['first_errors']}"])
    assert warm.errors == [] and figures.errors == []
    assert len(figures.per_session) == SESSIONS
    assert all(reruns > 0 and downloads > 0 for reruns, downloads in figures.per_session)
