"""The app's data access: one read-only connection per process, every query cached per view.

A page names the query it needs by the function itself, ``load(aggregates.deal_pairs, view)``,
so "go to definition" from the page lands on the SQL.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from .. import config, db, maps, queries, summaries
from ..filters import Choices, Filters
from .tables import MAX_ROWS_SHOWN, TableRows

Query = Callable[..., pd.DataFrame]  # (connection, filters, **options) -> frame


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


# Every cached frame is small (a page of rows or an aggregate), so many views fit; an hour's
# life lets a busy server's memory settle back after its visitors leave. The query function
# itself is not hashed (the leading underscore): its qualified name keys the cache.
@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def cached(_query: Query, name: str, filters: Filters, key: str, **options) -> pd.DataFrame:
    """``_query`` (called ``name``) under ``filters`` with its ``options``, per database build."""
    return _query(_connection_for(key), filters, **options)


def load(query: Query, filters: Filters, **options) -> pd.DataFrame:
    """The cached result of a filtered query (a function of ``queries`` or ``aggregates``); a
    query that runs too long or needs too much memory stops the page with a message instead."""
    return guarded(cached, query, _name(query), filters, database_key(), **options)


class Load(NamedTuple):
    """One cached load a page makes: ``query`` under the view, with its ``options`` (``load``'s)."""

    query: Query
    options: dict

    @classmethod
    def of(cls, query: Query, **options) -> "Load":
        return cls(query, options)


# DuckDB plans a query on one thread, and planning is most of what a small view's query costs, so
# a page's queries run side by side take about as long as the slowest of each pair, not the sum
# (the money page's four: 38 ms one after another, 24 ms two at a time). One pool per process,
# as many workers as cores: more would only queue inside DuckDB.
_WORKERS = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="s400-load")


def prefetch(filters: Filters, *loads: Load) -> list[pd.DataFrame]:
    """Load several queries of one view at once, each cached as ``load`` caches it, and return
    their frames in order: a page names here what it will read, and its later ``load``, ``table``
    and figure calls are cache hits. A cached result is a hit here too; only the misses run, side
    by side. Called from a page's script only (a worker waiting on the pool could starve it)."""
    key = database_key()
    running = [_WORKERS.submit(cached, load.query, _name(load.query), filters, key, **load.options)
               for load in loads]
    return [guarded(result.result) for result in running]


def _name(query: Query) -> str:
    return f"{query.__module__}.{query.__qualname__}"


def guarded(compute: Callable, *args, **kwargs):
    """``compute(*args, **kwargs)``, or, when a query in it goes past its time or memory limit,
    the page stopped with a message saying the view could not be computed."""
    try:
        return compute(*args, **kwargs)
    except db.QueryRefused as error:
        st.error(f"This view could not be computed ({error}). Narrow the filters and try again.",
                 icon=":material/timer_off:")
        st.stop()


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _disputes(filters: Filters, record_type: str | None, key: str):
    if record_type is None:
        return summaries.disputes(cached(queries.disputed_claims, _name(queries.disputed_claims), filters, key))
    claims = cached(queries.disputed_claims, _name(queries.disputed_claims), filters, key, record_type=record_type)
    return summaries.dispute_notes(claims, record_type)


def disputes(filters: Filters) -> pd.DataFrame:
    """Every disputed field in view, preferred beside competing values (cached: computing it
    from the claims was a tenth of a busy server's time)."""
    return guarded(_disputes, filters, None, database_key())


def dispute_notes(filters: Filters, record_type: str) -> dict[str, str]:
    """record_id -> its disputed fields in words, for the records of one type in view (cached)."""
    return guarded(_disputes, filters, record_type, database_key())


def record_counts(filters: Filters) -> dict[str, int]:
    """Deals, deliveries, payments and events in view: {'deals': n, ...}."""
    return {name: int(count) for name, count in load(queries.record_counts, filters).iloc[0].items()}


def table_page(query: Query, **screen) -> Load:
    """The load of a table query's first MAX_ROWS_SHOWN rows, with the ``screen`` options."""
    return Load(query, {"limit": MAX_ROWS_SHOWN, **screen})


def table(query: Query, filters: Filters, **screen) -> TableRows:
    """A table query's first MAX_ROWS_SHOWN rows (cached, with the ``screen`` options), how many
    rows it has in all (every table query counts itself: no second query), and a function
    fetching every row for a download: run when the download is clicked and never cached, since a
    million rows kept per filter combination would fill the server's memory."""
    page = table_page(query, **screen)
    shown = load(query, filters, **page.options)
    total = int(shown["total"].iloc[0]) if len(shown) else 0
    return TableRows(shown.drop(columns="total"), total, every_row(query, filters), filters)


def rows_of(query: Query, count: int) -> Load:
    """The load of every row of a table query in view, ``count`` of them: when they all fit on the
    table's first page, that page (one query for a chart and the table beside it)."""
    return table_page(query) if count <= MAX_ROWS_SHOWN else Load(query, {"limit": None})


def rows_in_view(query: Query, filters: Filters, count: int) -> pd.DataFrame:
    """Every row of a table query in view, ``count`` of them (``rows_of``), cached."""
    return load(query, filters, **rows_of(query, count).options).drop(columns="total")


def every_row(query: Query, filters: Filters) -> Callable[[], pd.DataFrame]:
    """A function returning every row of a table query under ``filters``, uncached."""
    conn = open_database()

    def rows() -> pd.DataFrame:
        result = query(conn, filters)
        return result.drop(columns="total") if "total" in result.columns else result
    return rows


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _of_records(_query: Callable, name: str, record_type: str, record_ids: tuple[str, ...], key: str) -> pd.DataFrame:
    return _query(_connection_for(key), record_type, list(record_ids))


def record_sources(record_type: str, record_ids) -> pd.DataFrame:
    """The sources of the chosen records of one type (cached per database build)."""
    return _of_records(queries.record_sources, "record_sources", record_type, tuple(sorted(record_ids)),
                       database_key())


def record_claims(record_type: str, record_ids) -> pd.DataFrame:
    """Every field claim on the chosen records of one type (cached per database build)."""
    return _of_records(queries.record_claims, "record_claims", record_type, tuple(sorted(record_ids)),
                       database_key())


@st.cache_data(show_spinner=False)
def _static(_query: Callable, name: str, key: str):
    return _query(_connection_for(key))


def static(query: Callable):
    """An unfiltered query of ``queries`` (e.g. the import log), cached per database build."""
    return _static(query, _name(query), database_key())


def choices() -> Choices:
    """What the filters offer (cached per database build)."""
    return static(queries.filter_choices)


def country_names() -> dict[str, str]:
    """ISO3 -> country name (cached per database build)."""
    return static(queries.country_names)


def version() -> dict:
    """The data version row (cached per database build)."""
    return static(queries.data_version)


@st.cache_resource(show_spinner=False)
def outlines() -> dict:
    """Country outlines shipped in data/geo (Natural Earth 110m), read once per process."""
    return maps.load_outlines(config.DATA_DIR / "geo" / "countries_110m.geojson")
