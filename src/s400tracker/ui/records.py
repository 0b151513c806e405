"""The record tables (deals, deliveries, payments, events, sources) as every page shows them."""

import pandas as pd
import streamlit as st

from ..text import safe_url
from . import data
from .layout import empty_state
from .tables import TableRows, record_table

MONEY = st.column_config.NumberColumn(format="compact")
TEXT_WIDE = st.column_config.TextColumn(width="large")


DISPUTED = st.column_config.TextColumn("competing claims", width="large")

# What each table shows on screen: (what it is called, its key, columns, column settings).
VIEWS = {
    "deals": ("deals", "deal_id",
              ["deal_id", "buyer", "status", "signed_date", "quantity", "unit", "value_amount", "value_currency",
               "value_usd_nominal", "confidence", "disputed", "title", "origin", "sources"],
              {"value_amount": MONEY, "disputed": DISPUTED, "sources": TEXT_WIDE,
               "value_usd_nominal": st.column_config.NumberColumn("value (US$, nominal)", format="compact")}),
    "deliveries": ("deliveries", "delivery_id",
                   ["delivery_id", "deal_id", "buyer", "date", "date_precision", "quantity", "unit", "basis",
                    "planned", "confidence", "disputed", "description", "origin", "sources"],
                   {"disputed": DISPUTED, "sources": TEXT_WIDE}),
    "payments": ("payments", "payment_id",
                 ["payment_id", "deal_id", "payer", "payee", "date", "amount", "currency", "usd_nominal", "kind",
                  "confidence", "disputed", "origin", "sources"],
                 {"amount": MONEY, "disputed": DISPUTED, "sources": TEXT_WIDE,
                  "usd_nominal": st.column_config.NumberColumn("US$ nominal", format="compact")}),
}


def disputed_table(table: str, rows: TableRows, notes: dict[str, str], key: str) -> pd.DataFrame:
    """Deals, deliveries or payments with, beside the preferred values, every competing claim."""
    what, id_column, columns, config = VIEWS[table]
    if rows.shown.empty:
        empty_state(what)
        return rows.shown
    shown = rows.shown.assign(disputed=rows.shown[id_column].map(notes).fillna("") if notes else "")
    return record_table(table, TableRows(shown, rows.total, rows.everything), key, columns, config)


def events_table(rows: TableRows, key: str) -> pd.DataFrame:
    """Events, newest first."""
    if rows.shown.empty:
        empty_state("events")
        return rows.shown
    columns = ["event_id", "date", "type", "countries", "title", "confidence", "deal_id", "origin", "sources"]
    return record_table("events", rows, key, columns, {"title": TEXT_WIDE, "sources": TEXT_WIDE})


def sources_table(rows: TableRows, key: str) -> pd.DataFrame:
    """Sources with clickable links (http/https only) and the records each supports."""
    if rows.shown.empty:
        empty_state("sources")
        return rows.shown
    shown = rows.shown.assign(link=rows.shown["url"].map(safe_url))
    columns = ["source_id", "link", "title", "publisher", "published_date", "records", "supports", "origin"]
    config = {"link": st.column_config.LinkColumn("link", display_text="open source"),
              "title": TEXT_WIDE, "supports": TEXT_WIDE}
    return record_table("sources", TableRows(shown, rows.total, rows.everything), key, columns, config)


def selection_details(selected: pd.DataFrame, record_type: str, key: str, claims: pd.DataFrame) -> None:
    """For the selected rows: every claim with its source, and the sources as links."""
    if selected.empty:
        st.caption("Select rows to see their sources and competing claims.")
        return
    ids = set(selected[key])
    chosen = claims[(claims["record_type"] == record_type) & claims["record_id"].isin(ids)]
    st.subheader(f"Claims on the {len(ids)} selected record(s)")
    if chosen.empty:
        st.caption("No field-level claims: the sources below support these records as a whole.")
    else:
        shown = chosen.assign(link=chosen["source"].map(safe_url))
        st.dataframe(shown[["record_id", "field", "claimed_value", "preferred", "preference_reason",
                            "source_title", "publisher", "link"]], hide_index=True,
                     column_config={"link": st.column_config.LinkColumn("source", display_text="open source")})
    st.subheader("Sources")
    sources_table(TableRows.of(data.record_sources(record_type, ids)), key=f"{record_type}_selection_sources")
