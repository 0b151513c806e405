"""The bundle download: every table's CSV for the current filters, with a manifest."""

import datetime as dt

import streamlit as st

from .. import export, queries
from ..filters import Filters
from . import data
from .filters import share_link


def manifest(filters: Filters, link: str, now: dt.datetime, names: dict | None = None,
             version: dict | None = None) -> dict:
    """What the bundle holds and how to cite it (names and version default to the current database's)."""
    version = version or data.version()
    as_of = version["sources_checked_to"]
    names = data.country_names() if names is None else names
    return {"filters": filters.to_query(), "filters_described": filters.describe(names),
            "share_link": link, "data_version": version["version"], "content_hash": version["content_hash"],
            "data_as_of": as_of, "sources_checked_to": as_of, "generated_at": now.isoformat(timespec="seconds"),
            "citation": export.citation_text(version["version"], as_of, link, now.date()),
            "tables": sorted(export.EXPORT_COLUMNS)}


def bundle_button(filters: Filters) -> None:
    """A sidebar button downloading deals, deliveries, payments, events and sources as one zip.

    The zip is made when the button is clicked, not on every rerun: at a million deliveries
    building it costs seconds, and most reruns are never downloaded.
    """
    link, names, version = share_link(filters), data.country_names(), data.version()
    fetchers = {table: data.every_row(query, filters) for table, query in queries.TABLE_QUERIES.items()}

    def payload() -> bytes:
        tables = {table: fetch() for table, fetch in fetchers.items()}
        return export.bundle_zip(tables, manifest(filters, link, dt.datetime.now(dt.timezone.utc), names, version))

    st.sidebar.download_button("Download all tables (zip)", payload, file_name="s400-tracker.zip",
                               mime="application/zip", icon=":material/folder_zip:", on_click="ignore",
                               key="bundle_zip", width="stretch")
