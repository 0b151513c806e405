"""Named queries: each a function of a connection (and filters), returning a DataFrame."""

import pandas as pd

from . import db
from .schema import TABLES


def data_version(conn) -> dict:
    """The data version row: version, content hash, build time, as-of date, USD base year."""
    frame = db.query(conn, "SELECT version, content_hash, built_at, as_of, usd_base_year, description "
                           "FROM data_version LIMIT 1")
    return frame.iloc[0].to_dict()


def table_row_counts(conn) -> pd.DataFrame:
    """Rows per table, curated tables first, with each table's one-line description."""
    docs = {t.name: t.doc for t in TABLES}
    names = db.table_names(conn)
    ordered = [t.name for t in TABLES if t.name in names] + [n for n in names if n not in docs]
    return pd.DataFrame({"table": ordered,
                         "rows": [db.row_count(conn, name) for name in ordered],
                         "holds": [docs.get(name, "derived by the build") for name in ordered]})
