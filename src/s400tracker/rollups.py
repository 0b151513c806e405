"""Tables the build derives in SQL once the records are loaded, so that a view reads one table
instead of joining a million records per filter change.

``cited_records``: each (source, record) pair the citations name (once, however many citations
name it), with what the filters read of the record (``kinds.filtered_columns``: its deal's buyer,
supplier, system and status, its own confidence and origin), its year, its deal and, for an event,
its event id (an event with no deal is in view through its countries). The sources page counts
the records in view per source from it alone.
"""

from .kinds import KINDS, filtered_columns

CITED_RECORDS = "cited_records"


def _cited(kind) -> str:
    deal_columns, own_columns = filtered_columns()
    a = kind.alias
    columns = [f"d.{c} AS {c}" for c in deal_columns] + [f"{a}.{c} AS {c}" for c in own_columns]
    event_id = f"{a}.event_id" if kind.name == "event" else "NULL::VARCHAR"
    return (f"SELECT c.source_id, c.record_type, c.record_id, d.deal_id AS deal_id, {event_id} AS event_id, "
            f"{kind.year} AS year, {', '.join(columns)} FROM {kind.source} "
            f"JOIN cited c ON c.record_type = '{kind.name}' AND c.record_id = {a}.{kind.id}")


def statements() -> tuple[str, ...]:
    """The SQL creating every derived table, run by the build after the load (``db.write_database``).
    The pairs are made distinct before the join: a source cited twice for one record (for two of
    its fields) supports it once."""
    union = " UNION ALL ".join(_cited(kind) for kind in KINDS.values())
    return (f"CREATE TABLE {CITED_RECORDS} AS WITH cited AS (SELECT DISTINCT source_id, record_type, record_id "
            f"FROM citations) {union}",)
