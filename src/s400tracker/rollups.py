"""Tables the build derives in SQL once the records are loaded, so that a view reads one table
instead of joining a million records per filter change.

``cited_records``: each (source, record) pair the citations name (once, however many citations
name it), with what the filters read of the record (``kinds.filtered_columns``: its deal's buyer,
supplier, system and status, its own confidence and origin), its year, its deal and, for an event,
its event id (an event with no deal is in view through its countries). The sources page counts
the records in view per source from it alone.

``disputed_claims``: the claims of every disputed field (a record's field with more than one value
claimed: a fact of the data, not of the view), with their sources and what the filters read of
their records, so that the conflicts read a few hundred rows, not every claim.

``record_rollup``: every deal, delivery, payment and deal event counted per everything the
filters read and everything the pages sum at scale (the year a mark is drawn at, planned, schedule,
basis, unit, event type; deliveries' quantities summed): the record counts, the timeline's lanes and
yearly marks, the cumulative chart and the delivered units read hundreds of thousands of rows
where the records are millions, and a single buyer's view a few hundred.
"""

from . import record_tables
from .kinds import KINDS, filtered_select

CITED_RECORDS = "cited_records"
DISPUTED_CLAIMS = "disputed_claims"


def claims_cte(chosen: str = "") -> str:
    """CTE ``claim``: each field claim with its source, flagged disputed when its record's field
    has more than one value claimed; of the records CTE ``chosen`` names (as record_type,
    record_id) when given, else of every record. A field's claims all belong to one record, so
    choosing the records first gives the same flags."""
    among = f" JOIN {chosen} r USING (record_type, record_id)" if chosen else ""
    return f"""claim AS (
        SELECT c.record_type, c.record_id, c.field, c.claimed_value, c.preferred, c.preference_reason,
               count(DISTINCT c.claimed_value) OVER (PARTITION BY c.record_type, c.record_id, c.field) > 1
                 AS disputed, s.title AS source_title, s.publisher, coalesce(s.url, s.title) AS source,
               c.note, c.citation_id
        FROM citations c JOIN sources s USING (source_id){among} WHERE c.field IS NOT NULL)"""
RECORD_ROLLUP = "record_rollup"
# What the rollup keeps of each kind besides what the filters read, by column (its SQL type, and
# each kind's expression; NULL where a kind has none). Events with no deal sit on no lane: they
# are counted apart (queries.record_counts).
_ROLLED = {"mark_year": "INTEGER", "planned": "BOOLEAN", "schedule": "VARCHAR", "basis": "VARCHAR",
           "unit": "VARCHAR", "type": "VARCHAR", "quantity": "DOUBLE"}
_ROLLUP = {"deal": {"mark_year": "year(d.signed_date)"},
           "delivery": {"mark_year": "year(v.date)", "planned": "v.planned", "schedule": "sch.schedule",
                        "basis": "v.basis", "unit": "v.unit", "quantity": "v.quantity"},
           "payment": {},
           "event": {"mark_year": "year(e.date)", "type": "e.type"}}
_ROLLUP_JOIN = {"delivery": " LEFT JOIN delivery_schedule sch ON sch.delivery_id = v.delivery_id",
                "event": " WHERE d.deal_id IS NOT NULL"}


def _rolled(kind) -> str:
    """SELECT of every record of ``kind`` as a row of the rollup, before counting."""
    own = _ROLLUP[kind.name]
    rolled = [f"{own.get(column, f'NULL::{sql_type}')} AS {column}" for column, sql_type in _ROLLED.items()]
    return (f"SELECT '{kind.name}' AS kind, {', '.join(filtered_select(kind))}, {kind.year} AS year, "
            f"{', '.join(rolled)} FROM {kind.source}{_ROLLUP_JOIN.get(kind.name, '')}")


def _cited(kind, rows: str = "cited", taken: str = "c.source_id, c.record_type, c.record_id") -> str:
    """SELECT of the rows of CTE ``rows`` (``taken`` of them) about records of ``kind``, with
    what the filters read of their records."""
    a, columns = kind.alias, filtered_select(kind)
    event_id = f"{a}.event_id" if kind.name == "event" else "NULL::VARCHAR"
    return (f"SELECT {taken}, d.deal_id AS deal_id, {event_id} AS event_id, "
            f"{kind.year} AS year, {', '.join(columns)} FROM {kind.source} "
            f"JOIN {rows} c ON c.record_type = '{kind.name}' AND c.record_id = {a}.{kind.id}")


def statements() -> tuple[str, ...]:
    """The SQL creating every derived table, run by the build after the load (``db.write_database``):
    the record tables (``record_tables``), then the pairs and the rollup. The pairs are made
    distinct before the join: a source cited twice for one record (for two of its fields) supports
    it once."""
    union = " UNION ALL ".join(_cited(kind) for kind in KINDS.values())
    rolled = " UNION ALL ".join(_rolled(KINDS[name]) for name in _ROLLUP)
    disputed = " UNION ALL ".join(_cited(kind, "disputed", "c.*") for kind in KINDS.values())
    return (*record_tables.statements(),
            f"CREATE TABLE {CITED_RECORDS} AS WITH cited AS (SELECT DISTINCT source_id, record_type, record_id "
            f"FROM citations) {union}",
            f"CREATE TABLE {DISPUTED_CLAIMS} AS WITH {claims_cte()}, disputed AS (SELECT * FROM claim WHERE disputed) "
            f"{disputed}",
            f"CREATE TABLE {RECORD_ROLLUP} AS SELECT * EXCLUDE (quantity), count(*) AS n, "
            f"count(quantity) AS quantified, sum(quantity) AS quantity FROM ({rolled}) GROUP BY ALL")
