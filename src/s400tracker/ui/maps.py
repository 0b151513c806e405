"""Drawing the operators map in Streamlit and reading which country was clicked."""

import pandas as pd
import streamlit as st

from .. import maps
from . import data


def operators_map(status: pd.DataFrame, deals: pd.DataFrame, key: str, height: int,
                  selected_iso3: str | None = None) -> str | None:
    """Draw the map; return the ISO3 code of the country clicked in this run, if any."""
    features = maps.status_features(data.outlines(), status)
    deck = maps.operators_deck(features, maps.arcs_frame(deals), selected_iso3)
    event = st.pydeck_chart(deck, height=height, key=key, on_select="rerun", selection_mode="single-object")
    clicked = (event.selection.get("objects") or {}).get("countries") or []
    return clicked[0]["properties"]["iso3"] if clicked else None
