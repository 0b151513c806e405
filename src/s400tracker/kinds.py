"""The four kinds of record a view selects (deals, deliveries, payments, events), each one record:
how SQL reaches it with its deal, its id, its year, and the WHERE clause that puts it in view.

Every query of records in view reads these, the tables, the counts, the aggregates and the
build's derived tables alike, so they always select the same records.
"""

import re
from typing import NamedTuple

from .dates import deal_year_sql
from .filters import FILTERS, where


class Kind(NamedTuple):
    """One kind of record: ``source`` is its FROM, the record as ``alias`` joined to its deal as
    ``d`` (an event may have none); ``year`` the year the years filter reads."""

    name: str
    source: str
    alias: str
    id: str
    year: str

    @property
    def where(self) -> str:
        """The SQL condition: this record is in the view (the filters' bound parameters), read
        through its deal on the curated tables: the definition the build's tables, which carry
        what it reads (``record_tables``, ``rollups``), are checked against."""
        return where(self.alias, self.year, event=self.name == "event")


KINDS = {k.name: k for k in (
    Kind("deal", "deals d", "d", "deal_id", deal_year_sql("d")),
    Kind("delivery", "deliveries v JOIN deals d USING (deal_id)", "v", "delivery_id", "year(v.date)"),
    Kind("payment", "payments p JOIN deals d USING (deal_id)", "p", "payment_id", "year(p.date)"),
    Kind("event", "events e LEFT JOIN deals d USING (deal_id)", "e", "event_id", "year(e.date)"),
)}


def filtered_columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns the filters read: of the record's deal (``d.x``) and of the record itself
    (``{record}.x``), read from the filter records' SQL so that a derived table carrying them
    follows any change to a filter."""
    deal, own = [], []
    for f in FILTERS:
        if f.sql:
            pattern = r"\bd\.(\w+)" if f.scope == "deal" else r"\{record\}\.(\w+)"
            (deal if f.scope == "deal" else own).extend(re.findall(pattern, f.sql))
    return tuple(dict.fromkeys(deal)), tuple(dict.fromkeys(own))


def filtered_select(kind: Kind) -> list[str]:
    """SELECT items: what the filters read of a record of ``kind`` and of its deal, named as they
    read it (for a derived table that the filters read as ``d``)."""
    deal_columns, own_columns = filtered_columns()
    return [f"d.{c} AS {c}" for c in deal_columns] + [f"{kind.alias}.{c} AS {c}" for c in own_columns]
