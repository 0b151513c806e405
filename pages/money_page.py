"""Money: where the money flows, contract value by year and buyer, and every conversion behind it."""

import streamlit as st

from s400tracker import aggregates, queries
from s400tracker.filters import BASIS
from s400tracker.ui import figures, filters, layout, records
from s400tracker.ui.data import Load, prefetch, table, table_page, version

BASIS_NOTES = {
    "nominal": "US dollars of each deal's year, at that year's average exchange rate.",
    "constant": "US dollars of {base}, deflated with the US CPI-U.",
    "original": "Each figure in the currency the source reported; currencies are never added together.",
}

layout.page_header("Money flows", "From buyer through financing to exporter and manufacturer, from the "
                   "deals' values and the payments on record. The table is the drill-down: each figure "
                   "with its rate, year and source.")
view = filters.current()
base_year = version()["usd_base_year"]
st.caption(f"Basis: **{BASIS.label_of(view.basis)}**. " + BASIS_NOTES[view.basis].format(base=base_year)
           + " Change it in the sidebar.")

# What the charts and the table read, at once (data.prefetch): the figures then find it cached.
prefetch(view, Load.of(aggregates.money_deals), Load.of(aggregates.money_payments), Load.of(aggregates.deal_years),
         table_page(queries.conversions))
flows, _ = figures.money_flows(view)
by_year, _ = figures.value_by_year(view)
# Full width each: four columns of Sankey labels need the room, or neighbours overlap.
st.subheader("Flows")
if flows is None:
    layout.empty_state("contracted deals with a public value")
else:
    if view.basis == "original":
        st.caption("Flows add values across deals, so they are shown in nominal USD.")
    st.plotly_chart(flows, key="sankey", config={"displaylogo": False})

st.subheader("Contract value by year and buyer")
if by_year is None:
    layout.empty_state("contracted deals with a public value")
else:
    st.plotly_chart(by_year, key="value_by_year", config={"displaylogo": False})

st.subheader("Conversions")
st.caption("Every money figure in view, including each competing value claim: the amount as reported, "
           "the annual rate used, and the USD results. Select rows to download just those.")
conversions = table(queries.conversions, view)
if conversions.shown.empty:
    layout.empty_state("money figures")
else:
    records.record_table("conversions", conversions, key="conversions")
