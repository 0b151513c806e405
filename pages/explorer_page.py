"""Explorer: every table under the filters, with disputes beside preferred values and downloads."""

import streamlit as st

from s400tracker import queries
from s400tracker.ui import filters, layout, records
from s400tracker.ui.data import Load, dispute_notes, prefetch, table, table_page

# (tab, query, citation record type, key column) for the tables with field-level claims.
DISPUTABLE = [("Deals", queries.deals, "deal", "deal_id"),
              ("Deliveries", queries.deliveries, "delivery", "delivery_id"),
              ("Payments", queries.payments, "payment", "payment_id")]

layout.page_header("Data explorer", "Every record under the current filters. Select rows to see their "
                   "sources and competing claims, or to download just those rows.")
view = filters.current()
# Only the open tab is computed: at a million records each table costs a query, and a hidden
# tab's rows would be sent to the browser for nothing. Switching tabs reruns the page.
*record_tabs, events_tab, sources_tab = st.tabs([tab for tab, *_ in DISPUTABLE] + ["Events", "Sources"],
                                                key="explorer_tab", on_change="rerun")

for tab, (_, query, record_type, key) in zip(record_tabs, DISPUTABLE):
    if tab.open:
        with tab:
            prefetch(view, Load.of(queries.disputed_claims, record_type=record_type), table_page(query))
            notes = dispute_notes(view, record_type)
            name = query.__name__
            selected = records.disputed_table(name, table(query, view), notes, key=f"explorer_{name}")
            records.selection_details(selected, record_type, key)
if events_tab.open:
    with events_tab:
        selected = records.events_table(table(queries.events, view), key="explorer_events")
        records.selection_details(selected, "event", "event_id")
if sources_tab.open:
    with sources_tab:
        records.sources_table(table(queries.sources, view, supports_shown=queries.SUPPORTS_SHOWN),
                              key="explorer_sources")
