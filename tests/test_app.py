"""Page tests with Streamlit's AppTest: every page runs without an exception on the real data."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from s400tracker import queries
from s400tracker.db import connect

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "app.py"]


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """Streamlit caches outlive an AppTest; clear them so tests do not depend on order."""
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_runs_without_an_exception(app_db, page):
    app = AppTest.from_file(str(page), default_timeout=30).run()
    assert not app.exception, [e.value for e in app.exception]


def test_home_shows_the_data_version_and_the_row_count_of_each_table(app_db):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    with connect(app_db) as conn:
        version = queries.data_version(conn)["version"]
    assert any(version in m.value for m in app.markdown)
    counts = app.dataframe[0].value
    assert {"deals", "deliveries", "payments", "events", "citations", "sources"} <= set(counts["table"])
    assert counts.set_index("table").loc["deals", "rows"] > 0


def test_a_missing_database_is_explained_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("S400_DB", str(tmp_path / "absent.duckdb"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not app.exception
    assert "No database at" in app.error[0].value
