"""The pages' charts, built once per view and database build and shared by every session.

A figure depends only on the view (and the data), and building one costs tens of milliseconds
of plotly (more than the queries behind it when the frames are cached), so the finished figure
is kept, like the frames. st.plotly_chart only reads a figure: sharing one object is safe.
"""

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from .. import charts
from ..filters import Filters
from . import data

Load = Callable[[str], pd.DataFrame]


def _timeline(load: Load, view: Filters) -> tuple[go.Figure, str | None]:
    counts = {name: int(n) for name, n in load("record_counts").iloc[0].items()}
    # Few enough records are drawn one by one; more are summed per buyer and year in SQL.
    if counts["deals"] + counts["deliveries"] + counts["events"] <= charts.TIMELINE_MAX_MARKS:
        return charts.timeline_figure(load("deals"), load("deliveries"), load("events")), None
    *frames, note = charts.timeline_from_years(load("timeline_years"), counts)
    return charts.timeline_figure(*frames), note


def _cumulative(load: Load, view: Filters) -> tuple[go.Figure | None, str | None]:
    if int(load("record_counts")["deliveries"].iloc[0]) <= charts.TIMELINE_MAX_MARKS:
        cumulative, note = charts.cumulative_deliveries(load("deliveries")), None
    else:
        cumulative, note = charts.cumulative_from_years(load("cumulative_years"))
    return (None if cumulative.empty else charts.cumulative_figure(cumulative)), note


def _money_flows(load: Load, view: Filters) -> tuple[go.Figure | None, None]:
    # Deals and payments arrive summed in SQL as far as the flows allow: thousands of rows.
    flows = charts.money_flows(load("money_deals"), load("money_payments"), view.basis)
    base_year = data.version()["usd_base_year"]
    label = f"US$, constant {base_year}" if view.basis == "constant" else "US$, nominal"
    return (None if flows.empty else charts.sankey_figure(flows, label)), None


def _value_by_year(load: Load, view: Filters) -> tuple[go.Figure | None, None]:
    by_year = charts.value_by_year(load("deal_years"), view.basis)
    if by_year.empty:
        return None, None
    return charts.value_by_year_figure(by_year, view.basis, data.version()["usd_base_year"]), None


BUILDERS = {"timeline": _timeline, "cumulative": _cumulative, "money_flows": _money_flows,
            "value_by_year": _value_by_year}


# A figure holds its own copy of the template and every trace: ~2 MB for the seed timeline.
# Sixteen views' figures stay warm; a filter combination used once is dropped within minutes.
@st.cache_resource(show_spinner=False, max_entries=16, ttl=600)
def _built(name: str, view: Filters, key: str):
    return BUILDERS[name](lambda query: data.load(query, view, key), view)


def forget_figures() -> None:
    """Drop every cached figure (the idle release does, once the users have gone)."""
    _built.clear()


def figure(name: str, view: Filters) -> tuple[go.Figure | None, str | None]:
    """(figure or None when there is nothing to draw, note on how it was drawn or None) for one
    of the pages' charts: timeline, cumulative, money_flows, value_by_year."""
    return data.guarded(_built, name, view, data.database_key())
