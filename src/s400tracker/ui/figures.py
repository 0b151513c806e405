"""The pages' charts, built once per view and database build and shared by every session.

A figure depends only on the view (and the data), and building one costs tens of milliseconds
of plotly (more than the queries behind it when the frames are cached), so the finished figure
is kept, like the frames. st.plotly_chart only reads a figure: sharing one object is safe.
Each chart is a function a page calls by name; its body names the queries and the builder.
"""

import functools
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from .. import aggregates, charts, queries
from ..filters import Filters
from . import data

Drawn = tuple[go.Figure | None, str | None]  # (figure, or None when nothing to draw; note on how it was drawn)


# A figure holds its own copy of the template and every trace (~2 MB for the seed timeline):
# sixteen views' figures stay warm, and a filter combination used once is dropped within
# minutes. The builder is not hashed (leading underscore): its name keys the cache.
@st.cache_resource(show_spinner=False, max_entries=16, ttl=600)
def _kept(_build: Callable[[Filters], Drawn], name: str, view: Filters, key: str) -> Drawn:
    return _build(view)


def _cached_figure(build: Callable[[Filters], Drawn]) -> Callable[[Filters], Drawn]:
    """``build`` kept per view and database build, shared by every session."""
    @functools.wraps(build)
    def figure(view: Filters) -> Drawn:
        return data.guarded(_kept, build, build.__qualname__, view, data.database_key())
    return figure


def forget_figures() -> None:
    """Drop every cached figure (the idle release does, once the users have gone)."""
    _kept.clear()


@_cached_figure
def timeline(view: Filters) -> Drawn:
    """A lane per buyer: few enough records drawn one by one, more summed per buyer and year in SQL."""
    counts = data.record_counts(view)
    if counts["deals"] + counts["deliveries"] + counts["events"] <= charts.TIMELINE_MAX_MARKS:
        # The deliveries are the table's page below the chart; of the deals and events only
        # what the marks read.
        deals, deliveries, events = (rows.drop(columns="total") for rows in data.prefetch(
            view, data.Load.of(queries.deals, limit=None, columns=charts.DEAL_MARK_COLUMNS),
            data.rows_of(queries.deliveries, counts["deliveries"]),
            data.Load.of(queries.events, limit=None, columns=charts.EVENT_MARK_COLUMNS)))
        return charts.timeline_figure(deals, deliveries, events), None
    *frames, note = charts.timeline_from_years(data.load(aggregates.timeline_years, view), counts)
    return charts.timeline_figure(*frames), note


@_cached_figure
def cumulative(view: Filters) -> Drawn:
    """Cumulative deliveries per buyer and unit (summed per year in SQL at scale)."""
    count = data.record_counts(view)["deliveries"]
    if count <= charts.TIMELINE_MAX_MARKS:
        frame, note = charts.largest_series(charts.cumulative_deliveries(data.rows_in_view(queries.deliveries, view,
                                                                                        count)))
    else:
        frame, note = charts.cumulative_from_years(data.load(aggregates.cumulative_years, view,
                                                             series=charts.MAX_SERIES))
    return (None if frame.empty else charts.cumulative_figure(frame)), note


@_cached_figure
def money_flows(view: Filters) -> Drawn:
    """The Sankey: deals and payments arrive summed in SQL as far as the flows allow."""
    flows = charts.money_flows(data.load(aggregates.money_deals, view), data.load(aggregates.money_payments, view),
                               view.basis)
    base_year = data.version()["usd_base_year"]
    label = f"US$, constant {base_year}" if view.basis == "constant" else "US$, nominal"
    return (None if flows.empty else charts.sankey_figure(flows, label)), None


@_cached_figure
def value_by_year(view: Filters) -> Drawn:
    """Contract value by year and buyer on the view's money basis."""
    by_year = charts.value_by_year(data.load(aggregates.deal_years, view), view.basis)
    if by_year.empty:
        return None, None
    return charts.value_by_year_figure(by_year, view.basis, data.version()["usd_base_year"]), None
