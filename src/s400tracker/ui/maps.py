"""Drawing the operators map in Streamlit and reading which country was clicked."""

import json

import pandas as pd
import streamlit as st

from .. import aggregates, maps
from ..filters import Filters
from ..server.streamlit_internals import SerialisedDeck
from . import data

# The map draws a SerialisedDeck of cached JSON: serialising the ~180 country outlines costs
# ~170 ms per rerun, and the JSON depends only on the statuses, the arcs and the selected
# country. Compact, because pydeck's indented JSON is five times larger (1.2 MB per rerun).
# The deck is cached twice: per view (no frame to hash on a repeated view, the common case
# under load) and per content (a new view often draws the same statuses and arcs, e.g. a
# narrower year range, and serialising the outlines is the dear part).
@st.cache_data(show_spinner=False, max_entries=64, ttl=600)  # ~0.2 MB of JSON each
def deck_for_view(filters: Filters, selected_iso3: str | None, key: str) -> tuple[str, str | None]:
    """(deck JSON, note on arcs left out) of the view's map, cached per view and database build."""
    status, pairs = data.load(aggregates.country_status, filters), data.load(aggregates.deal_pairs, filters)
    arcs, note = maps.largest_arcs(maps.arcs_frame(pairs))
    return _deck_json(status, arcs, selected_iso3), note


@st.cache_data(show_spinner=False, max_entries=32, ttl=600)
def _deck_json(status: pd.DataFrame, arcs: pd.DataFrame, selected_iso3: str | None) -> str:
    features = maps.status_features(data.outlines(), status)
    spec = maps.operators_deck(features, arcs, selected_iso3).to_json()
    return json.dumps(json.loads(spec), separators=(",", ":"))


def operators_map(view: Filters, key: str, height: int, selected_iso3: str | None = None) -> str | None:
    """Draw the map of the view's operators and arcs; return the ISO3 code of the country clicked
    in this run, if any."""
    spec, note = data.guarded(deck_for_view, view, selected_iso3, data.database_key())
    deck = SerialisedDeck(spec, dict(maps.TOOLTIP))
    event = st.pydeck_chart(deck, height=height, key=key, on_select="rerun", selection_mode="single-object")
    if note:
        st.caption(note)
    clicked = (event.selection.get("objects") or {}).get("countries") or []
    return clicked[0]["properties"]["iso3"] if clicked else None
