"""S-400 Deal Tracker: entry point. Page config, the shared filter sidebar, navigation."""

from pathlib import Path

import streamlit as st

from s400tracker.ui import downloads, filters, layout
from s400tracker.ui.data import open_database

ROOT = Path(__file__).parent
ICON = ROOT / "static" / "icon.png"  # local file: a Material page icon is fetched from a CDN

# File names differ from URL paths on purpose: with pages/map.py served at /map, a fresh
# server's first deep link ran the page without this entry script (see the architecture guide).
PAGES = [
    st.Page("pages/overview_page.py", title="Overview", icon=":material/dashboard:", url_path="", default=True),
    st.Page("pages/map_page.py", title="Map", icon=":material/public:", url_path="map"),
    st.Page("pages/timeline_page.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page("pages/money_page.py", title="Money", icon=":material/payments:", url_path="money"),
    st.Page("pages/explorer_page.py", title="Explorer", icon=":material/table:", url_path="explorer"),
    st.Page("pages/sources_page.py", title="Sources", icon=":material/menu_book:", url_path="sources"),
    st.Page("pages/methodology_page.py", title="Methodology", icon=":material/info:", url_path="methodology"),
    st.Page("pages/import_page.py", title="Import", icon=":material/upload_file:", url_path="import"),
]

st.set_page_config(page_title="S-400 Deal Tracker", page_icon=str(ICON), layout="wide")
open_database()
page = st.navigation(PAGES, position="top")
view = filters.sidebar(page.url_path)
downloads.bundle_button(view)
filters.link_warnings()
page.run()
layout.footer()
