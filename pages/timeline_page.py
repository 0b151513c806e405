"""Timeline: a lane per buyer with signature, deliveries and events; cumulative deliveries below."""

import streamlit as st

from s400tracker import queries
from s400tracker.ui import figures, filters, layout, records
from s400tracker.ui.data import Load, prefetch, record_counts, table, table_page

layout.page_header("Delivery timeline", "One lane per buyer: contract signature, each delivery batch (planned "
                   "and actual) and the events around them. A date known only to the month or year is drawn "
                   "as a span with a hollow marker, never as a precise day.")
view = filters.current()
# The counts (which decide how the chart is drawn) and the deliveries table at once.
prefetch(view, Load.of(queries.record_counts), table_page(queries.deliveries))
counts = record_counts(view)

if not counts["deals"] and not counts["deliveries"]:
    layout.empty_state("deals or deliveries")
    st.stop()

timeline, scale_note = figures.timeline(view)
if scale_note:
    st.caption(scale_note)
st.plotly_chart(timeline, key="timeline_chart", config={"displaylogo": False})

st.subheader("Cumulative deliveries per buyer and unit")
st.caption("Units are not interchangeable (a battery is not a battalion), so each buyer has a line per unit. "
           "Markers show totals a source states as delivered by a date.")
cumulative, cumulative_note = figures.cumulative(view)
if cumulative_note:
    st.caption(cumulative_note)
if cumulative is None:
    layout.empty_state("deliveries with a stated quantity")
else:
    st.plotly_chart(cumulative, key="cumulative_chart", config={"displaylogo": False})

st.subheader("Deliveries")
records.disputed_table("deliveries", table(queries.deliveries, view), {}, key="timeline_deliveries")
