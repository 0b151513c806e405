"""The idle release and the allocator under it. The load test shows it on the real server;
these pin each part (the Streamlit internals it reads: tests/test_streamlit_internals.py)."""

import asyncio
import logging
import os
import threading

import pytest
import streamlit as st

from s400tracker.server import allocator, idle

from .live_server import run_async


@pytest.fixture
def idle_log(caplog):
    """The release's log lines (Streamlit's loggers do not propagate to the root)."""
    idle.LOGGER.addHandler(caplog.handler)
    with caplog.at_level(logging.INFO, logger=idle.LOGGER.name):
        yield caplog
    idle.LOGGER.removeHandler(caplog.handler)


def test_the_release_empties_the_caches_and_warms_the_first_page(monkeypatch, idle_log):
    calls, warmed = [], []

    @st.cache_data
    def cached_view(view: str) -> str:
        calls.append(view)
        return view.upper()

    monkeypatch.setattr(idle.warmup, "warm_default_view", lambda: warmed.append(True))
    cached_view("tur")
    cached_view("tur")
    idle.release(forgotten_sessions=3)
    cached_view("tur")
    assert calls == ["tur", "tur"] and warmed == [True]
    assert "idle release: forgot 3 kept sessions" in idle_log.text
    assert "resident" in idle_log.text  # Linux: the memory before and after


class FakeManager:
    """Sessions listed in turn: some while users are here, none once they have gone."""

    def __init__(self, listings: list[list]):
        self.listings = listings

    def list_sessions(self) -> list:
        return self.listings.pop(0) if self.listings else []


def watch(manager, monkeypatch, releases: list, within: float = 5) -> None:
    """Run the idle watch (polling every 10 ms) against ``manager`` until it has released,
    or for at most ``within`` seconds."""
    released = threading.Event()

    def release(forgotten: int) -> None:
        releases.append(forgotten)
        released.set()

    async def run() -> None:
        task = asyncio.create_task(idle.release_when_idle(poll=0.01))
        await asyncio.to_thread(released.wait, within)
        task.cancel()

    monkeypatch.setattr(idle.internals, "runtime_started", lambda: True)
    monkeypatch.setattr(idle.internals, "session_manager", lambda: manager)
    monkeypatch.setattr(idle, "release", release)
    run_async(run())  # on its own thread: the browser tests' Playwright owns this thread's loop


def test_the_server_releases_once_every_session_has_gone(monkeypatch):
    releases = []
    watch(FakeManager([[], ["s1"], ["s1", "s2"], ["s2"]]), monkeypatch, releases)
    assert releases == [0]


def test_a_server_nobody_has_visited_keeps_its_warm_caches(monkeypatch):
    releases = []
    watch(FakeManager([]), monkeypatch, releases, within=0.5)  # 50 polls, never a session
    assert releases == []


def test_the_allocator_is_capped_and_gives_memory_back_on_glibc():
    if not os.path.exists("/proc/self/statm"):
        pytest.skip("Linux only")
    assert allocator.cap_arenas() and allocator.give_back_freed()
    assert allocator.resident_mb() > 10
    assert allocator.resident_mb(pid=2**22 + 1) is None  # beyond any pid: no such process
