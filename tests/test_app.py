"""Page tests with Streamlit's AppTest: every page on the real data, filters, URL state, bad links."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from s400tracker import queries
from s400tracker.db import connect

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"overview": "S-400 Deal Tracker", "map": "Operators map", "timeline": "Delivery timeline",
         "money": "Money flows", "explorer": "Data explorer", "sources": "Sources and conflicts",
         "methodology": "Methodology", "import": "Import"}


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """Streamlit caches outlive an AppTest; clear them so tests do not depend on order."""
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def open_app(page: str = "overview", **params) -> AppTest:
    """Open the app with a link's parameters, then go to ``page`` (AppTest needs one run first)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, values in params.items():
        app.query_params[key] = values
    app.run()
    if page != "overview":
        app.switch_page(f"pages/{page}_page.py").run()
    return app


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_an_exception(app_db, page):
    app = open_app(page)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == PAGES[page]


@pytest.mark.parametrize("page", PAGES)
def test_a_link_with_filters_applies_them_on_every_page(app_db, page):
    app = open_app(page, buyer=["TUR"], years=["2017", "2021"])
    assert not app.exception
    assert app.multiselect(key="f_buyers").value == ["TUR"]
    assert app.slider(key="f_years").value == (2017, 2021)
    assert not app.warning


@pytest.mark.parametrize("page", PAGES)
def test_a_bad_link_is_applied_in_part_and_warned_about(app_db, page):
    app = open_app(page, buyer=["TUR", "'); DROP TABLE deals;--"], years=["2017"], colour=["red"])
    assert not app.exception
    assert app.multiselect(key="f_buyers").value == ["TUR"]
    text = app.warning[0].value
    assert "DROP TABLE" in text and "colour" in text and "years" in text


def test_the_overview_shows_the_data_version_and_headline_figures(app_db):
    app = open_app()
    with connect(app_db) as conn:
        version = queries.data_version(conn)["version"]
    assert any(version in caption.value for caption in app.caption)
    labels = [metric.label for metric in app.metric]
    assert labels == ["Operators", "Countries with orders", "Total contract value", "Units delivered"]


def test_changing_a_filter_is_mirrored_into_the_url_without_defaults(app_db):
    app = open_app("explorer")
    assert dict(app.query_params) == {}
    app.multiselect(key="f_buyers").set_value(["IND", "TUR"]).run()
    app.multiselect(key="f_statuses").set_value(["delivering"]).run()
    assert app.query_params["buyer"] == ["IND", "TUR"]
    assert app.query_params["status"] in ("delivering", ["delivering"])
    assert "years" not in app.query_params and "basis" not in app.query_params


def test_filters_narrow_the_explorer_tables(app_db):
    everything = open_app("explorer").dataframe[0].value
    turkey = open_app("explorer", buyer=["TUR"]).dataframe[0].value
    assert 0 < len(turkey) < len(everything)
    assert set(turkey["buyer"]) == {"Turkey"}


@pytest.mark.parametrize("tab, column", [("Deliveries", "delivery_id"), ("Payments", "payment_id"),
                                         ("Events", "event_id"), ("Sources", "source_id")])
def test_the_explorer_computes_only_the_open_tab(app_db, tab, column):
    app = open_app("explorer")
    assert [list(frame.value.columns)[0] for frame in app.dataframe] == ["deal_id"]  # the deals tab alone
    app.session_state["explorer_tab"] = tab
    app.run()
    assert not app.exception
    shown = app.dataframe[0].value
    assert list(shown.columns)[0] == column and len(shown) > 0
    assert not any(list(frame.value.columns)[0] == "deal_id" for frame in app.dataframe)


def test_the_basis_switch_appears_on_money_and_lands_in_the_url(app_db):
    app = open_app("money")
    app.radio(key="f_basis").set_value("constant").run()
    assert app.query_params["basis"] in ("constant", ["constant"])
    assert not app.exception
    assert not [radio for radio in open_app("explorer").radio if radio.key == "f_basis"]


def test_an_empty_selection_says_so_instead_of_drawing_empty_charts(app_db):
    app = open_app("timeline", buyer=["SRB"], status=["signed"])
    assert any("No deals or deliveries match these filters" in info.value for info in app.info)


def test_a_missing_database_is_explained_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("S400_DB", str(tmp_path / "absent.duckdb"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not app.exception
    assert "No database at" in app.error[0].value


def test_choosing_a_country_on_the_map_page_lists_its_records(app_db):
    app = open_app("map")
    app.selectbox(key="map_country").set_value("TUR").run()
    assert not app.exception
    assert any(header.value == "Turkey" for header in app.header)
    deals = app.dataframe[0].value
    assert "TUR-2017" in set(deals["deal_id"])


def test_the_bundle_download_is_offered_with_the_current_filters(app_db):
    app = open_app("explorer", buyer=["TUR"])
    labels = [button.label for button in app.get("download_button")]
    assert "Download all tables (zip)" in labels and any(label.startswith("Download CSV") for label in labels)


@pytest.fixture
def writable_db(real_db, tmp_path, monkeypatch):
    """The app on a private copy of the database, for tests that commit imports."""
    path = tmp_path / "s400.duckdb"
    path.write_bytes(real_db.read_bytes())
    monkeypatch.setenv("S400_DB", str(path))
    return path


def stage_competing_claim(app: AppTest) -> AppTest:
    app.text_input(key="claim_url").input("https://example.org/new-story")
    app.text_input(key="claim_title").input("A new story on the Turkish deal")
    app.selectbox(key="claim_kind").set_value("competing value").run()
    app.text_input(key="claim_rid").input("TUR-2017")
    app.text_input(key="claim_field").input("signed_date")
    app.text_input(key="claim_value").input("2017-11")
    return app.button(key="FormSubmitter:claim_form-Add claim").click().run()


def test_without_an_admin_password_the_import_page_previews_but_cannot_commit(writable_db, monkeypatch):
    monkeypatch.delenv("S400_ADMIN_PASSWORD", raising=False)
    app = stage_competing_claim(open_app("import"))
    assert not app.exception
    assert any("Committing is switched off" in info.value for info in app.info)
    assert any("adds 1 sources, 1 citations" in success.value for success in app.success)
    assert not [button for button in app.button if button.key == "claim_commit_button"]


def test_with_the_admin_password_a_claim_is_committed_and_the_version_bumps(writable_db, monkeypatch):
    monkeypatch.setenv("S400_ADMIN_PASSWORD", "correct horse")
    app = stage_competing_claim(open_app("import"))
    app.text_input(key="claim_commit_who").input("Ana")
    app.text_input(key="claim_commit_password").input("wrong").run()
    assert app.button(key="claim_commit_button").disabled
    app.text_input(key="claim_commit_password").input("correct horse").run()
    app.button(key="claim_commit_button").click().run()
    assert not app.exception
    assert any("Committed by Ana" in success.value and "Data version is now" in success.value
               for success in app.success)
    with connect(writable_db) as conn:
        assert queries.imports(conn)["committed_by"].tolist() == ["Ana"]


def test_each_record_table_gives_its_data_api_url_for_the_view(app_db):
    app = open_app("explorer", buyer=["TUR"], years=["2017", "2021"])
    captions = [c.value for c in app.caption if "/api/v1/" in c.value]
    assert captions and "/api/v1/deals.csv?buyer=TUR&years=2017&years=2021" in captions[0]


def test_the_parts_toggle_is_on_every_page_and_lands_in_the_url(app_db):
    app = open_app("explorer", parts=["include"])
    assert app.toggle(key="f_parts").value is True and not app.warning
    app.toggle(key="f_parts").set_value(False).run()
    assert "parts" not in app.query_params and not app.exception  # the default stays out of the link
    app.toggle(key="f_parts").set_value(True).run()
    assert app.query_params["parts"] in ("include", ["include"])
    assert open_app("map").toggle(key="f_parts").value is False


REGISTER = ROOT / "tests" / "fixtures" / "sipri" / "real" / "alexarui__network-analysis__trade-register.excerpt.csv"


def upload_register(app: AppTest) -> AppTest:
    app.file_uploader(key="import_file").set_value((REGISTER.name, REGISTER.read_bytes(), "text/csv"))
    return app.run()


def test_the_preview_of_an_upload_runs_under_a_progress_bar_that_ends_full(app_db, monkeypatch):
    monkeypatch.delenv("S400_ADMIN_PASSWORD", raising=False)
    app = upload_register(open_app("import"))
    assert not app.exception
    bars = app.get("progress")
    assert [bar.value for bar in bars] == [100] and bars[0].text.startswith("Read and checked in ")
    assert any("adds " in success.value for success in app.success)


def test_a_commit_runs_under_its_own_progress_bar(writable_db, monkeypatch):
    monkeypatch.setenv("S400_ADMIN_PASSWORD", "correct horse")
    app = upload_register(open_app("import"))
    app.text_input(key="file_commit_who").input("Ana")
    app.text_input(key="file_commit_password").input("correct horse").run()
    app.button(key="file_commit_button").click().run()
    assert not app.exception
    texts = [bar.text for bar in app.get("progress")]
    assert texts[0].startswith("Read and checked in ") and texts[1].startswith("Import finished in ")
    assert any("Committed by Ana" in success.value for success in app.success)


@pytest.fixture
def query_threads(monkeypatch) -> list[str]:
    """The name of the thread each database query runs in, from the moment it is asked for."""
    import threading
    from s400tracker import db
    threads, query = [], db.query

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return query(*args, **kwargs)
    monkeypatch.setattr(db, "query", recorded)
    return threads


@pytest.mark.parametrize("page", ["overview", "map", "timeline", "money", "explorer", "sources"])
def test_a_page_names_its_queries_up_front_and_they_run_side_by_side(app_db, page, request):
    """After a filter change, every query a page runs goes through data.prefetch's workers (so
    they plan at once on both cores); a query left out of a page's prefetch would run alone in
    the script's thread and show here."""
    app = open_app(page)
    app.multiselect(key="f_systems").set_value([]).run()
    threads = request.getfixturevalue("query_threads")
    app.slider(key="f_years").set_value((2018, 2025)).run()
    assert not app.exception
    alone = [name for name in threads if not name.startswith("s400-load")]
    assert len(threads) > len(alone), "no query ran on the prefetch workers"
    assert not alone, f"{len(alone)} of {len(threads)} queries ran one by one"


def test_the_maps_country_records_are_fetched_together(app_db, request):
    app = open_app("map")
    threads = request.getfixturevalue("query_threads")
    app.selectbox(key="map_country").set_value("TUR").run()
    assert not app.exception
    assert threads and all(name.startswith("s400-load") for name in threads), threads
