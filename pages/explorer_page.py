"""Explorer: every table under the filters, with disputes beside preferred values and downloads."""

import streamlit as st

from s400tracker import summaries
from s400tracker.ui import filters, layout, records
from s400tracker.ui.data import frame

layout.page_header("Data explorer", "Every record under the current filters. Select rows to see their "
                   "sources and competing claims, or to download just those rows.")
view = filters.current()
claims = frame("claims", view)
tabs = st.tabs(["Deals", "Deliveries", "Payments", "Events", "Sources"])

with tabs[0]:
    selected = records.deals_table(frame("deals", view), summaries.dispute_notes(claims, "deal"), key="explorer_deals")
    records.selection_details(selected, "deal", "deal_id", claims, frame("sources", view))
with tabs[1]:
    selected = records.deliveries_table(frame("deliveries", view), summaries.dispute_notes(claims, "delivery"),
                                        key="explorer_deliveries")
    records.selection_details(selected, "delivery", "delivery_id", claims, frame("sources", view))
with tabs[2]:
    selected = records.payments_table(frame("payments", view), summaries.dispute_notes(claims, "payment"),
                                      key="explorer_payments")
    records.selection_details(selected, "payment", "payment_id", claims, frame("sources", view))
with tabs[3]:
    selected = records.events_table(frame("events", view), key="explorer_events")
    records.selection_details(selected, "event", "event_id", claims, frame("sources", view))
with tabs[4]:
    records.sources_table(frame("sources", view), key="explorer_sources")
