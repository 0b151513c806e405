"""Overview: the headline figures, a small map of operators and the latest events."""

import streamlit as st

from s400tracker import aggregates, maps, summaries
from s400tracker.formats import format_money
from s400tracker.ui import filters, layout, overview, records
from s400tracker.ui.data import prefetch, table
from s400tracker.ui.maps import operators_map

layout.page_header("S-400 Deal Tracker", "Who operates or has ordered Russia's S-400, when it arrived, "
                   "where the money went, and the public source behind every figure.")
st.caption(layout.version_line())
view = filters.current()
# Every query of the page at once (ui/overview.py names them).
pairs, deliveries, status, _, events = prefetch(view, *overview.LOADS)
counted = table(aggregates.counted_deals, view)
figures = summaries.headline(pairs, deliveries, status)

operators, ordered, value, units = st.columns(4)
operators.metric("Operators", figures["operators"], help="Countries with an actual delivery, confirmed or reported "
                 "(Russia included).")
ordered.metric("Countries with orders", figures["countries_with_orders"], help="Buyers with a deal signed, "
               "delivering or delivered.")
value.metric("Total contract value", format_money(figures["contract_value_usd"], "USD"),
             help=summaries.total_note(counted.shown, counted.total))
units.metric("Units delivered", summaries.describe_units(figures["units_delivered"], limit=1),
             help="Actual delivery batches, summed per unit; units are not interchangeable.")
units.caption(summaries.describe_units(figures["units_delivered"]))
with st.expander("What the total contract value counts"):
    records.record_table("counted_deals", counted, key="overview_counted")

left, right = st.columns([3, 2])
with left:
    st.subheader("Operators and buyers")
    if status.empty:
        layout.empty_state("countries")
    else:
        operators_map(view, key="overview_map", height=380)
        layout.legend(maps.legend_items())
    st.page_link("pages/map_page.py", label="Open the full map", icon=":material/public:",
                 query_params=view.to_query())
with right:
    st.subheader("Latest events")
    if events.empty:
        layout.empty_state("events")
    for event in events.itertuples():
        with st.container(border=True):
            st.caption(f"{event.date} · {event.type.replace('_', ' ')} · {event.confidence}")
            st.text(event.title)
    st.page_link("pages/timeline_page.py", label="See the timeline", icon=":material/timeline:",
                 query_params=view.to_query())
