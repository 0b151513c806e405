"""Explorer: every table under the filters, with disputes beside preferred values and downloads."""

import streamlit as st

from s400tracker import summaries
from s400tracker.ui import filters, layout, records
from s400tracker.ui.data import frame

# (tab, table, citation record type, key column) for the tables with field-level claims.
DISPUTABLE = [("Deals", "deals", "deal", "deal_id"), ("Deliveries", "deliveries", "delivery", "delivery_id"),
              ("Payments", "payments", "payment", "payment_id")]

layout.page_header("Data explorer", "Every record under the current filters. Select rows to see their "
                   "sources and competing claims, or to download just those rows.")
view = filters.current()
claims, sources = frame("claims", view), frame("sources", view)
*record_tabs, events_tab, sources_tab = st.tabs([tab for tab, *_ in DISPUTABLE] + ["Events", "Sources"])

for tab, (_, table, record_type, key) in zip(record_tabs, DISPUTABLE):
    with tab:
        notes = summaries.dispute_notes(claims, record_type)
        selected = records.disputed_table(table, frame(table, view), notes, key=f"explorer_{table}")
        records.selection_details(selected, record_type, key, claims, sources)
with events_tab:
    selected = records.events_table(frame("events", view), key="explorer_events")
    records.selection_details(selected, "event", "event_id", claims, sources)
with sources_tab:
    records.sources_table(sources, key="explorer_sources")
