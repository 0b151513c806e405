"""Warm the caches the first page needs while the server starts and the first browser loads.

A cold server's first visitor otherwise waits for the database to open, the country outlines
to load, the overview's queries and the map's deck to be built, one after another, after the
browser has already spent its own second or two loading the frontend. Done in a thread at
start-up, that work overlaps the browser's; a failure here is only a missed head start (the
page itself reports any real problem with the database).
"""

import logging
import time

from ..filters import Filters
from ..ui import data, maps, overview
from . import streamlit_internals as internals

LOGGER = logging.getLogger(__name__)


def warm_default_view(wait_for_runtime: float = 30.0) -> None:
    """Load the overview's frames and map for the default view (no filters) into the caches,
    once Streamlit's runtime (which owns the caches) is up."""
    deadline = time.monotonic() + wait_for_runtime
    while not internals.runtime_started():
        if time.monotonic() > deadline:
            LOGGER.warning("cache warm-up skipped: the Streamlit runtime did not start")
            return
        time.sleep(0.05)  # a poll for the runtime's start, not a fixed wait
    try:
        view, key = Filters(), data.database_key()
        data.outlines()
        for load in overview.LOADS:
            data.load(load.query, view, **load.options)
        maps.deck_for_view(view, None, key)
    except Exception as error:  # noqa: BLE001 - any failure only costs the head start; the page reports it
        LOGGER.warning("cache warm-up skipped: %s", error)
