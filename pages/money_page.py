"""Money: where the money flows, contract value by year and buyer, and every conversion behind it."""

import streamlit as st

from s400tracker import export
from s400tracker.ui import filters, layout
from s400tracker.ui.data import table, version
from s400tracker.ui.figures import figure
from s400tracker.ui.tables import data_table

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
st.caption(f"Basis: **{filters.BASIS_LABELS[view.basis]}**. " + BASIS_NOTES[view.basis].format(base=base_year)
           + " Change it in the sidebar.")

flows, _ = figure("money_flows", view)
by_year, _ = figure("value_by_year", view)
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
conversions = table("conversions", view)
if conversions.shown.empty:
    layout.empty_state("money figures")
else:
    columns = ["record_id", "figure", "amount", "currency", "qualifier", "year", "fx_rate", "usd_nominal",
               "usd_constant", "fx_source", "cpi_source", "note"]
    config = {"amount": st.column_config.NumberColumn(format="compact"),
              "usd_nominal": st.column_config.NumberColumn("US$ nominal", format="compact"),
              "usd_constant": st.column_config.NumberColumn(f"US$ {base_year}", format="compact"),
              "fx_source": st.column_config.TextColumn("rate source"),
              "cpi_source": st.column_config.TextColumn("CPI source")}
    data_table(conversions, "conversions", export.frame_csv, "conversions.csv", columns, config)
