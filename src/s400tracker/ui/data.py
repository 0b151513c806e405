"""The app's database connection: one read-only connection per process, opened once."""

import streamlit as st

from .. import config, db


@st.cache_resource(show_spinner=False)
def connection(path: str):
    """A read-only DuckDB connection shared by every session (queries use their own cursor)."""
    return db.connect(path)


def open_database():
    """The connection to ``$S400_DB`` / data/s400.duckdb, or stop the page with a clear message."""
    path = config.database_path()
    try:
        return connection(str(path))
    except FileNotFoundError:
        st.error(f"No database at {path}. Build it with `make build` "
                 "(or `python -m s400tracker build`), then reload this page.")
        st.stop()
