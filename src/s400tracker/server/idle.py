"""Give memory back once the last user has gone: the server's idle release.

After a rush of users the server holds memory nobody needs any more, and none of it goes on
its own (measured in benchmarks/analysis.md):

- the sessions Streamlit keeps for a reconnect, up to 128: Streamlit's TTL cache drops an
  expired one only when another session is stored, so on a quiet server they stay;
- the caches the rush filled: figures (~2 MB each), map decks, frames of every view visited.

So when no session is left, connected or kept for a reconnect (``server.disconnectedSessionTTL``
after the last one closed), the release forgets the expired sessions, empties the view caches,
warms the first page again and hands the freed memory back to the OS. The next visitor still
finds the first page warm; what the allocators cannot hand back (partly used pools) is
measured by the load test.
"""

import asyncio
import contextlib
import gc
import threading
from collections.abc import AsyncIterator

import streamlit as st

from ..ui import figures
from . import allocator, warmup
from . import streamlit_internals as internals

LOGGER = internals.server_logger(__name__)
POLL_SECONDS = 2.0  # shorter than any session is kept, so no session goes unnoticed
RELEASED = "idle release"  # the log line's prefix; the load test waits for it


def release(forgotten_sessions: int) -> None:
    """Empty the view caches, warm the first page again and return freed memory to the OS; log it.

    The country outlines and the database connection stay: every view uses them, and loading
    them again would only cost the next visitor time.
    """
    before = allocator.resident_mb()
    st.cache_data.clear()
    figures.forget_figures()
    warmup.warm_default_view()
    gc.collect()  # runner.postScriptGC is off, so cycles from the rush's runs are still here
    allocator.give_back_freed()
    after = allocator.resident_mb()
    memory = f"; resident {before:.0f} MB -> {after:.0f} MB" if before and after else ""
    LOGGER.info("%s: forgot %d kept sessions, emptied the caches, warmed the first page%s",
                RELEASED, forgotten_sessions, memory)


async def release_when_idle(poll: float = POLL_SECONDS) -> None:
    """Watch the sessions (on the server's event loop, where Streamlit changes them) and
    release once every session that came since the last release is gone."""
    while not internals.runtime_started():
        await asyncio.sleep(poll)
    manager = internals.session_manager()
    if manager is None:
        LOGGER.warning("%s off: this Streamlit keeps its sessions where the release cannot see them",
                       RELEASED)
        return
    busy = False
    while True:
        await asyncio.sleep(poll)
        if internals.has_sessions(manager):
            busy = True
        elif busy:
            busy = False
            try:
                await asyncio.to_thread(release, internals.forget_expired_sessions(manager))
            except Exception as error:  # noqa: BLE001 - a failed release must not end the watch
                LOGGER.warning("%s failed: %s", RELEASED, error)


@contextlib.asynccontextmanager
async def housekeeping(app) -> AsyncIterator[None]:
    """st.App lifespan: warm the first page in the background and serve at once; release
    memory whenever the server goes idle, until it stops."""
    threading.Thread(target=warmup.warm_default_view, name="s400-warm-up", daemon=True).start()
    watch = asyncio.create_task(release_when_idle())
    try:
        yield
    finally:
        watch.cancel()
