"""The record tables (deals, deliveries, payments, events, sources, conversions) as every page shows them.

Which columns a table shows, in which order and how, is read from ``columns`` (their one home).
"""

from dataclasses import replace
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from .. import claims as claims_rules
from .. import export
from ..columns import EXPORTED, LINK, MONEY, WIDE, Col, screen_columns
from ..text import safe_url
from . import data
from .layout import empty_state
from .tables import TableRows, data_table

TEXT_WIDE = st.column_config.TextColumn(width="large")
# What each table's records are called in an empty state, and the column naming each record.
RECORDS = {"deals": ("deals", "deal_id"), "deliveries": ("deliveries", "delivery_id"),
           "payments": ("payments", "payment_id")}


def _config(column: Col):
    """How Streamlit draws one column, from its kind and label."""
    if column.kind == MONEY:
        return st.column_config.NumberColumn(column.label, format="compact")
    if column.kind == WIDE:
        return st.column_config.TextColumn(column.label, width="large")
    if column.kind == LINK:
        return st.column_config.LinkColumn(column.label, display_text="open source")
    return st.column_config.Column(column.label) if column.label else None


def record_table(table: str, rows: TableRows, key: str) -> pd.DataFrame:
    """A table with its screen columns and its documented CSV; returns the selected rows. A table
    the data API serves says at which URL, for scripts that want this view's data again."""
    shown = screen_columns(table)
    config = {c.name: _config(c) for c in shown if _config(c) is not None}
    selected = data_table(rows, key, lambda frame: export.table_csv(table, frame), f"{table}.csv",
                          [c.name for c in shown], config)
    if table in EXPORTED and rows.view is not None:
        st.caption(f"The same CSV by URL, for scripts: `{api_url(table, rows.view)}`")
    return selected


def api_url(table: str, view) -> str:
    """The data API's URL of a table for a view, on the server the page was served from."""
    parts = urlsplit(st.context.url or "")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    query = view.query_string()
    return f"{origin}/api/v1/{table}.csv" + (f"?{query}" if query else "")


def disputed_table(table: str, rows: TableRows, notes: dict[str, str], key: str) -> pd.DataFrame:
    """Deals, deliveries or payments with, beside the preferred values, every competing claim."""
    what, id_column = RECORDS[table]
    if rows.shown.empty:
        empty_state(what)
        return rows.shown
    shown = rows.shown.assign(disputed=rows.shown[id_column].map(notes).fillna("") if notes else "")
    return record_table(table, replace(rows, shown=shown), key)


def events_table(rows: TableRows, key: str) -> pd.DataFrame:
    """Events, newest first."""
    if rows.shown.empty:
        empty_state("events")
        return rows.shown
    return record_table("events", rows, key)


def sources_table(rows: TableRows, key: str) -> pd.DataFrame:
    """Sources with clickable links (http/https only) and the records each supports."""
    if rows.shown.empty:
        empty_state("sources")
        return rows.shown
    shown = rows.shown.assign(link=rows.shown["url"].map(safe_url))
    return record_table("sources", replace(rows, shown=shown), key)


def selection_details(selected: pd.DataFrame, record_type: str, key: str) -> None:
    """For the selected rows: every claim with its source, and the sources as links."""
    if selected.empty:
        st.caption("Select rows to see their sources and competing claims.")
        return
    ids = set(selected[key])
    chosen = data.record_claims(record_type, ids)
    st.subheader(f"Claims on the {len(ids)} selected record(s)")
    if chosen.empty:
        st.caption("No field-level claims: the sources below support these records as a whole.")
    else:
        shown = chosen.assign(link=chosen["source"].map(safe_url),
                              field=[claims_rules.field_label(record_type, f) for f in chosen["field"]])
        st.dataframe(shown[["record_id", "field", "claimed_value", "preferred", "preference_reason",
                            "source_title", "publisher", "link"]], hide_index=True,
                     column_config={"link": st.column_config.LinkColumn("source", display_text="open source")})
    st.subheader("Sources")
    sources_table(TableRows.of(data.record_sources(record_type, ids)), key=f"{record_type}_selection_sources")
