"""Drawing the operators map in Streamlit and reading which country was clicked."""

import json

import pandas as pd
import streamlit as st

from .. import maps
from . import data


class _SerialisedDeck:
    """What st.pydeck_chart reads from a Deck, with its JSON made once and cached.

    Serialising the ~180 country outlines costs ~170 ms per rerun; the JSON depends only on the
    statuses, the arcs and the selected country, so it is cached on those. pydeck indents its
    JSON (1.2 MB sent per rerun); the compact form is a fifth of that.
    """

    layers: list = []
    deck_widget = None
    mapbox_key = None
    width = None

    def __init__(self, spec: str, tooltip: dict):
        self._spec, self._tooltip = spec, tooltip

    def to_json(self) -> str:
        return self._spec


@st.cache_data(show_spinner=False, max_entries=256)
def _deck_json(status: pd.DataFrame, arcs: pd.DataFrame, selected_iso3: str | None) -> str:
    features = maps.status_features(data.outlines(), status)
    spec = maps.operators_deck(features, arcs, selected_iso3).to_json()
    return json.dumps(json.loads(spec), separators=(",", ":"))


def operators_map(status: pd.DataFrame, pairs: pd.DataFrame, key: str, height: int,
                  selected_iso3: str | None = None) -> str | None:
    """Draw the map (``pairs`` from queries.deal_pairs give the arcs); return the ISO3 code of
    the country clicked in this run, if any."""
    arcs, note = maps.largest_arcs(maps.arcs_frame(pairs))
    deck = _SerialisedDeck(_deck_json(status, arcs, selected_iso3), dict(maps.TOOLTIP))
    event = st.pydeck_chart(deck, height=height, key=key, on_select="rerun", selection_mode="single-object")
    if note:
        st.caption(note)
    clicked = (event.selection.get("objects") or {}).get("countries") or []
    return clicked[0]["properties"]["iso3"] if clicked else None
