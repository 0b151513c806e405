"""Tables the build derives in SQL once the records are loaded, so that a view reads one table
instead of joining a million records per filter change.

``cited_records``: each (source, record) pair the citations name (once, however many citations
name it), with what the filters read of the record (``kinds.filtered_columns``: its deal's buyer,
supplier, system and status, its own confidence and origin), its year, its deal and, for an event,
its event id (an event with no deal is in view through its countries). The sources page counts
the records in view per source from it alone.

``timeline_marks``: the deals, deliveries and deal events counted per everything the filters read
and everything the timeline draws at scale (its year, the year it is drawn at, planned, schedule,
basis, event type): the timeline's lanes and yearly marks read thousands of rows, not every record.
"""

from .kinds import KINDS, filtered_columns

CITED_RECORDS = "cited_records"
TIMELINE_MARKS = "timeline_marks"
# What the timeline draws of each kind (aggregates.timeline_years): the year a mark sits at, and
# of deliveries whether planned (a missing flag is not a plan), their schedule and basis, of events
# their type. Events with no deal sit on no lane.
_MARKS = {"deal": ("year(d.signed_date)", "NULL::BOOLEAN", "NULL::VARCHAR", "NULL::VARCHAR", "NULL::VARCHAR"),
          "delivery": ("year(v.date)", "coalesce(v.planned, false)", "sch.schedule", "v.basis", "NULL::VARCHAR"),
          "event": ("year(e.date)", "NULL::BOOLEAN", "NULL::VARCHAR", "NULL::VARCHAR", "e.type")}
_MARKS_JOIN = {"delivery": " LEFT JOIN delivery_schedule sch ON sch.delivery_id = v.delivery_id",
               "event": " WHERE d.deal_id IS NOT NULL"}


def _filtered(kind) -> list[str]:
    """SELECT items: what the filters read of a record of ``kind``, named as they read it."""
    deal_columns, own_columns = filtered_columns()
    return [f"d.{c} AS {c}" for c in deal_columns] + [f"{kind.alias}.{c} AS {c}" for c in own_columns]


def _marks(kind) -> str:
    mark_year, planned, schedule, basis, event_type = _MARKS[kind.name]
    return (f"SELECT '{kind.name}' AS kind, {', '.join(_filtered(kind))}, {kind.year} AS year, "
            f"{mark_year} AS mark_year, {planned} AS planned, {schedule} AS schedule, {basis} AS basis, "
            f"{event_type} AS type FROM {kind.source}{_MARKS_JOIN.get(kind.name, '')}")


def _cited(kind) -> str:
    a, columns = kind.alias, _filtered(kind)
    event_id = f"{a}.event_id" if kind.name == "event" else "NULL::VARCHAR"
    return (f"SELECT c.source_id, c.record_type, c.record_id, d.deal_id AS deal_id, {event_id} AS event_id, "
            f"{kind.year} AS year, {', '.join(columns)} FROM {kind.source} "
            f"JOIN cited c ON c.record_type = '{kind.name}' AND c.record_id = {a}.{kind.id}")


def statements() -> tuple[str, ...]:
    """The SQL creating every derived table, run by the build after the load (``db.write_database``).
    The pairs are made distinct before the join: a source cited twice for one record (for two of
    its fields) supports it once."""
    union = " UNION ALL ".join(_cited(kind) for kind in KINDS.values())
    marks = " UNION ALL ".join(_marks(KINDS[name]) for name in _MARKS)
    return (f"CREATE TABLE {CITED_RECORDS} AS WITH cited AS (SELECT DISTINCT source_id, record_type, record_id "
            f"FROM citations) {union}",
            f"CREATE TABLE {TIMELINE_MARKS} AS SELECT *, count(*) AS n FROM ({marks}) GROUP BY ALL")
