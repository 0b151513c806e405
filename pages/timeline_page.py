"""Timeline: a lane per buyer with signature, deliveries and events; cumulative deliveries below."""

import streamlit as st

from s400tracker import charts
from s400tracker.ui import filters, layout, records
from s400tracker.ui.data import frame

layout.page_header("Delivery timeline", "One lane per buyer: contract signature, each delivery batch (planned "
                   "and actual) and the events around them. A date known only to the month or year is drawn "
                   "as a span with a hollow marker, never as a precise day.")
view = filters.current()
deals, deliveries, events = frame("deals", view), frame("deliveries", view), frame("events", view)

if deals.empty and deliveries.empty:
    layout.empty_state("deals or deliveries")
    st.stop()

# At scale, per-buyer-and-year sums of the busiest lanes: never more marks than the eye can see.
drawn_deals, drawn_deliveries, drawn_events, scale_note = charts.timeline_at_scale(deals, deliveries, events)
if scale_note:
    st.caption(scale_note)
st.plotly_chart(charts.timeline_figure(drawn_deals, drawn_deliveries, drawn_events), key="timeline_chart",
                config={"displaylogo": False})

st.subheader("Cumulative deliveries per buyer and unit")
st.caption("Units are not interchangeable (a battery is not a battalion), so each buyer has a line per unit. "
           "Markers show totals a source states as delivered by a date.")
cumulative, cumulative_note = charts.cumulative_at_scale(deliveries)
if cumulative_note:
    st.caption(cumulative_note)
if cumulative.empty:
    layout.empty_state("deliveries with a stated quantity")
else:
    st.plotly_chart(charts.cumulative_figure(cumulative), key="cumulative_chart", config={"displaylogo": False})

st.subheader("Deliveries")
records.disputed_table("deliveries", deliveries, {}, key="timeline_deliveries")
