"""Synthetic scale data: deterministic, valid for the app, and derived exactly as the build derives.

Small N only: this keeps `synth` and the benchmark's data working in CI; no timings are asserted.
"""

import csv
import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from s400tracker import aggregates, cli, db, queries, synth
from s400tracker.filters import Filters

ROOT = Path(__file__).resolve().parents[1]


def curated_deals() -> int:
    """How many deals data/deals.csv holds."""
    with (ROOT / "data" / "deals.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))
DEALS = 300


def content_hash(path: Path) -> str:
    """SHA-256 over every table's rows in a fixed order: the database's content, not its bytes."""
    digest = hashlib.sha256()
    with db.connect(path) as conn:
        for table in db.table_names(conn):
            frame = db.query(conn, f'SELECT * FROM "{table}"')
            # Every column: a table derived in SQL (rollups) is the same rows in any order.
            frame = frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)
            digest.update(table.encode() + frame.to_csv(index=False).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "synth.duckdb"
    assert cli.main(["synth", "--deals", str(DEALS), "--db", str(path), "--seed", "7"]) == 0
    return path


def test_the_same_seed_gives_the_same_database(synth_db, tmp_path):
    again = tmp_path / "again.duckdb"
    synth.synthesize(DEALS, again, seed=7)
    assert content_hash(again) == content_hash(synth_db)
    other = tmp_path / "other.duckdb"
    synth.synthesize(DEALS, other, seed=8)
    assert content_hash(other) != content_hash(synth_db)


def test_sizes_sources_and_countries(synth_db):
    with db.connect(synth_db) as conn:
        count = lambda table: db.row_count(conn, table)  # noqa: E731
        assert count("deals") == DEALS + curated_deals()  # the curated deals are kept
        assert count("deliveries") >= 10 * count("deals")
        assert count("events") > count("deals")
        # provenance: every deal, delivery, payment and event cites a source that exists
        for table, kind, key in (("deals", "deal", "deal_id"), ("deliveries", "delivery", "delivery_id"),
                                 ("payments", "payment", "payment_id"), ("events", "event", "event_id")):
            uncited = db.query(conn, f"SELECT count(*) AS n FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM "
                                     f"citations c JOIN sources s USING (source_id) WHERE c.record_type = "
                                     f"'{kind}' AND c.record_id = t.{key})")["n"].iloc[0]
            assert uncited == 0, table
        suppliers = db.query(conn, "SELECT supplier_iso3, count(*) AS n FROM deals GROUP BY 1 ORDER BY n DESC")
        assert len(suppliers) >= 10 and suppliers["n"].iloc[0] > 3 * suppliers["n"].iloc[len(suppliers) // 2]
        origins = set(db.query(conn, "SELECT DISTINCT origin FROM deals")["origin"])
        assert origins == {"curated", "imported"}
        assert db.query(conn, "SELECT count(*) AS n FROM imports")["n"].iloc[0] == 1


def test_every_named_query_runs_on_it(synth_db):
    with db.connect(synth_db) as conn:
        view = Filters(years=(2010, 2020), statuses=("delivering", "delivered"))
        for query in (queries.deals, queries.deliveries, aggregates.delivered_units, queries.payments,
                      queries.events, queries.sources, queries.claims, queries.conversions,
                      aggregates.country_status):
            assert len(query(conn, view)) > 0, query.__name__
        assert len(queries.filter_choices(conn).codes["buyer"]) > 20


@pytest.mark.parametrize("page", ["timeline", "money"])
def test_pages_run_on_it(synth_db, monkeypatch, page):
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("S400_DB", str(synth_db))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    app.switch_page(f"pages/{page}_page.py").run()
    app.slider(key="f_years").set_value((2008, 2022)).run()
    assert not app.exception, app.exception
    st.cache_resource.clear()
