"""Explorer: every table under the filters, with disputes beside preferred values and downloads."""

import streamlit as st

from s400tracker.ui import filters, layout, records
from s400tracker.ui.data import dispute_notes, frame, table

# (tab, table, citation record type, key column) for the tables with field-level claims.
DISPUTABLE = [("Deals", "deals", "deal", "deal_id"), ("Deliveries", "deliveries", "delivery", "delivery_id"),
              ("Payments", "payments", "payment", "payment_id")]

layout.page_header("Data explorer", "Every record under the current filters. Select rows to see their "
                   "sources and competing claims, or to download just those rows.")
view = filters.current()
# Only the open tab is computed: at a million records each table costs a query, and a hidden
# tab's rows would be sent to the browser for nothing. Switching tabs reruns the page.
*record_tabs, events_tab, sources_tab = st.tabs([tab for tab, *_ in DISPUTABLE] + ["Events", "Sources"],
                                                key="explorer_tab", on_change="rerun")

for tab, (_, name, record_type, key) in zip(record_tabs, DISPUTABLE):
    if tab.open:
        with tab:
            notes = dispute_notes(view, record_type)
            selected = records.disputed_table(name, table(name, view), notes, key=f"explorer_{name}")
            records.selection_details(selected, record_type, key, frame("claims", view))
if events_tab.open:
    with events_tab:
        selected = records.events_table(table("events", view), key="explorer_events")
        records.selection_details(selected, "event", "event_id", frame("claims", view))
if sources_tab.open:
    with sources_tab:
        records.sources_table(table("sources", view), key="explorer_sources")
