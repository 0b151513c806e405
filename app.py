"""S-400 Deal Tracker: entry point. Shows the data version and what the database holds."""

from pathlib import Path

import streamlit as st

from s400tracker import queries
from s400tracker.ui.data import open_database

ICON = Path(__file__).parent / "static" / "icon.png"  # local: no icon font fetched from a CDN
st.set_page_config(page_title="S-400 Deal Tracker", page_icon=str(ICON), layout="wide")
conn = open_database()
version = queries.data_version(conn)

st.title("S-400 Deal Tracker")
st.caption("Who operates or has ordered Russia's S-400, when it arrived, where the money went, "
           "and the public source behind every figure.")
st.markdown(f"**Data version** `{version['version']}` · as of {version['as_of']:%d %B %Y} · "
            f"built {version['built_at']:%Y-%m-%d %H:%M} UTC · constant dollars in "
            f"{version['usd_base_year']} USD")
st.subheader("What the database holds")
st.dataframe(queries.table_row_counts(conn), hide_index=True, key="table_counts",
             column_config={"rows": st.column_config.NumberColumn("rows", format="%d")})
