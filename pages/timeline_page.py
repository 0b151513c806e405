"""Timeline: a lane per buyer with signature, deliveries and events; cumulative deliveries below."""

import streamlit as st

from s400tracker import charts
from s400tracker.ui import filters, layout, records
from s400tracker.ui.data import frame, record_counts, table

layout.page_header("Delivery timeline", "One lane per buyer: contract signature, each delivery batch (planned "
                   "and actual) and the events around them. A date known only to the month or year is drawn "
                   "as a span with a hollow marker, never as a precise day.")
view = filters.current()
counts = record_counts(view)

if not counts["deals"] and not counts["deliveries"]:
    layout.empty_state("deals or deliveries")
    st.stop()

# Few enough records are drawn one by one; more are summed per buyer and year in SQL, never
# more marks than the eye can see.
if counts["deals"] + counts["deliveries"] + counts["events"] <= charts.TIMELINE_MAX_MARKS:
    deals, deliveries, events = frame("deals", view), frame("deliveries", view), frame("events", view)
    scale_note = None
else:
    deals, deliveries, events, scale_note = charts.timeline_from_years(frame("timeline_years", view), counts)
if scale_note:
    st.caption(scale_note)
st.plotly_chart(charts.timeline_figure(deals, deliveries, events), key="timeline_chart",
                config={"displaylogo": False})

st.subheader("Cumulative deliveries per buyer and unit")
st.caption("Units are not interchangeable (a battery is not a battalion), so each buyer has a line per unit. "
           "Markers show totals a source states as delivered by a date.")
if counts["deliveries"] <= charts.TIMELINE_MAX_MARKS:
    cumulative, cumulative_note = charts.cumulative_deliveries(frame("deliveries", view)), None
else:
    cumulative, cumulative_note = charts.cumulative_from_years(frame("cumulative_years", view))
if cumulative_note:
    st.caption(cumulative_note)
if cumulative.empty:
    layout.empty_state("deliveries with a stated quantity")
else:
    st.plotly_chart(charts.cumulative_figure(cumulative), key="cumulative_chart", config={"displaylogo": False})

st.subheader("Deliveries")
records.disputed_table("deliveries", table("deliveries", view), {}, key="timeline_deliveries")
