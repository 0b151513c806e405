"""The app's data access: one read-only connection per process, cached named queries."""

from pathlib import Path

import pandas as pd
import streamlit as st

from .. import config, db, maps, queries
from ..filters import Filters


def database_key() -> str:
    """Identifies the database file and its build, so caches refresh after a rebuild."""
    path = config.database_path()
    try:
        return f"{path}:{path.stat().st_mtime_ns}"
    except FileNotFoundError:
        return f"{path}:missing"


def open_database():
    """The connection to ``$S400_DB`` / data/s400.duckdb, or stop the page with a clear message."""
    path = config.database_path()
    try:
        return _connection_for(database_key())
    except FileNotFoundError:
        st.error(f"No database at {path}. Build it with `make build` "
                 "(or `python -m s400tracker build`), then reload this page.")
        st.stop()


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection_for(key: str):
    """One read-only connection per database build, shared by every session."""
    return db.connect(Path(key.rsplit(":", 1)[0]))


@st.cache_data(show_spinner=False, max_entries=512)
def load(query: str, filters: Filters, key: str) -> pd.DataFrame:
    """A named query from ``queries`` under ``filters``, cached per database build."""
    return getattr(queries, query)(_connection_for(key), filters)


def frame(query: str, filters: Filters) -> pd.DataFrame:
    """The cached result of a named filtered query; a query that runs too long stops the page
    with a message instead of hanging it."""
    try:
        return load(query, filters, database_key())
    except db.QueryTimeout as error:
        st.error(f"This view took too long to compute ({error}). Narrow the filters and try again.",
                 icon=":material/timer_off:")
        st.stop()


@st.cache_data(show_spinner=False)
def _static(query: str, key: str):
    return getattr(queries, query)(_connection_for(key))


def frame_static(query: str):
    """An unfiltered named query (e.g. the import log), cached per database build."""
    return _static(query, database_key())


def options() -> dict:
    """What the filter widgets offer (cached per database build)."""
    return _static("filter_options", database_key())


def country_names() -> dict[str, str]:
    """ISO3 -> country name (cached per database build)."""
    return _static("country_names", database_key())


def version() -> dict:
    """The data version row (cached per database build)."""
    return _static("data_version", database_key())


@st.cache_resource(show_spinner=False)
def outlines() -> dict:
    """Country outlines shipped in data/geo (Natural Earth 110m), read once per process."""
    return maps.load_outlines(config.DATA_DIR / "geo" / "countries_110m.geojson")
