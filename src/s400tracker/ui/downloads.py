"""The bundle download button: every table's CSV for the current filters, with a manifest."""

import datetime as dt

import streamlit as st

from .. import bundle
from ..filters import Filters
from . import data
from .filters import share_link


def bundle_button(filters: Filters) -> None:
    """A sidebar button downloading deals, deliveries, payments, events and sources as one zip.

    The zip is made when the button is clicked, not on every rerun: at a million deliveries
    building it costs seconds, and most reruns are never downloaded.
    """
    link, conn = share_link(filters), data.open_database()

    def payload() -> bytes:
        return bundle.bundle_bytes(conn, filters, link, dt.datetime.now(dt.UTC))

    st.sidebar.download_button("Download all tables (zip)", payload, file_name="s400-tracker.zip",
                               mime="application/zip", icon=":material/folder_zip:", on_click="ignore",
                               key="bundle_zip", width="stretch")
