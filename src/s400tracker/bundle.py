"""The download bundle: every table's CSV for a view, with a manifest saying what it holds.

One function for every way in: the page's "Download all tables (zip)", the CLI and any API
build the same bytes for the same view and data.
"""

import datetime as dt

from . import aggregates, export, queries
from .filters import Filters


def table_bytes(conn, table: str, filters: Filters) -> bytes:
    """The documented CSV of one table (deals, deliveries, payments, events, sources) under ``filters``:
    the bytes the page's "Download CSV", the CLI's export and the API all give."""
    return export.table_csv(table, queries.TABLE_QUERIES[table](conn, filters))


def manifest(filters: Filters, link: str, now: dt.datetime, names: dict[str, str], version: dict,
             headline: dict) -> dict:
    """What the bundle holds, the figures it adds up to, and how to cite it."""
    checked = version["sources_checked_to"]
    return {"filters": filters.to_query(), "filters_described": filters.describe(names),
            # Said even when it is the default, which the link leaves out: the S-400 unless chosen.
            "systems": list(filters.systems) or ["all"],
            "share_link": link, "data_version": version["version"], "content_hash": version["content_hash"],
            "data_as_of": checked, "sources_checked_to": checked, "generated_at": now.isoformat(timespec="seconds"),
            "citation": export.citation_text(version["version"], checked, link, now.date()),
            "headline": headline, "tables": sorted(queries.TABLE_QUERIES)}


def bundle_bytes(conn, filters: Filters, link: str, now: dt.datetime) -> bytes:
    """The zip of every table's CSV under ``filters`` and its manifest, from the database ``conn``."""
    tables = {table: query(conn, filters) for table, query in queries.TABLE_QUERIES.items()}
    tables = {table: frame.drop(columns="total", errors="ignore") for table, frame in tables.items()}
    about = manifest(filters, link, now, queries.party_names(conn), queries.data_version(conn),
                     aggregates.headline(conn, filters))
    return export.bundle_zip(tables, about)
