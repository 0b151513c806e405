"""Map: S-400 operators by status, arcs from supplier to buyer; click a country for its records."""

from dataclasses import replace

import streamlit as st

from s400tracker import aggregates, maps, queries
from s400tracker.text import md_escape
from s400tracker.ui import filters, layout, records
from s400tracker.ui.data import Load, dispute_notes, prefetch, table, table_page
from s400tracker.ui.maps import operators_map

layout.page_header("Operators map", "Countries filled by operator status; arcs run from supplier to buyer, "
                   "wider for larger contracts. Click a country to list its deals, deliveries, events and sources.")
view = filters.current()
pairs, status = prefetch(view, Load.of(aggregates.deal_pairs), Load.of(aggregates.country_status))

if status.empty:
    layout.empty_state("countries")
    st.stop()

names = dict(zip(status["iso3"], status["name"]))
if st.session_state.get("map_country") not in names:
    st.session_state["map_country"] = None
chosen = st.session_state["map_country"]
clicked = operators_map(view, key="operators_map", height=560, selected_iso3=chosen)
layout.legend(maps.legend_items())
st.caption("Arc width: total contract value in nominal USD (thin where no value is public). "
           "Russia's deliveries to its own forces make it an operator but draw no arc.")
for kind, parties in maps.undrawn_parties(pairs):
    st.caption(f"Not drawn, for want of a place on the map. {kind}: " + md_escape("; ".join(parties)) + ".")
if clicked in names and clicked != chosen:
    st.session_state["map_country"] = clicked
    st.rerun()

country = st.selectbox("Country", list(names), format_func=names.get, key="map_country",
                       placeholder="Click the map or choose a country")
if country:
    row = status.set_index("iso3").loc[country]
    st.header(md_escape(names[country]))
    st.markdown(f"**{row['operator_status'].capitalize()}**")
    st.caption(f"Why: {md_escape(row['basis'])}")  # names imported record ids: text, not Markdown
    # The country's records: the current view narrowed to it as the buyer (or, for events
    # with no deal, as an involved country).
    country_view = replace(view, buyers=(country,))
    prefetch(country_view, *(table_page(query) for query in (queries.deals, queries.deliveries, queries.events)),
             table_page(queries.sources, supports_shown=queries.SUPPORTS_SHOWN),
             *(Load.of(queries.disputed_claims, record_type=kind) for kind in ("deal", "delivery")))
    st.subheader("Deals")
    records.disputed_table("deals", table(queries.deals, country_view), dispute_notes(country_view, "deal"),
                           key="map_deals")
    st.subheader("Deliveries")
    records.disputed_table("deliveries", table(queries.deliveries, country_view),
                           dispute_notes(country_view, "delivery"), key="map_deliveries")
    st.subheader("Events")
    records.events_table(table(queries.events, country_view), key="map_events")
    st.subheader("Sources")
    records.sources_table(table(queries.sources, country_view, supports_shown=queries.SUPPORTS_SHOWN),
                          key="map_sources")
