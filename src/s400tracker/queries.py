"""Named queries: each a function of a connection and the view's Filters, returning a DataFrame.

Every value travels as a bound parameter; the SQL text is fixed (the filter records give
the WHERE clauses, ``filters.where``). The filters restrict deals,
and every other record through its deal (deliveries, payments, events linked to a deal)
or its own countries (events with no deal).

A page draws at most a screenful of rows and charts of what the eye can tell apart, so at a
million records the work stays in DuckDB: the tables take a ``limit`` (their first rows in
order; None for every row, as a download needs) and come with ``record_counts``, and the
charts read aggregates (``aggregates``) shaped like the rows the pure chart builders take.
"""

import pandas as pd

from . import db, record_tables, rollups
from .columns import CONVERSIONS, SOURCES, select_list
from .dates import deal_year_sql, partial_date_sql
from .filters import FILTERS, Choices, Codes, Filters, parse_query_string, where
from .kinds import KINDS
from .record_tables import CONVERSION_ROWS, CONVERSIONS_ORDER, stored_list
from .rollups import CITED_RECORDS, RECORD_ROLLUP
from .schema import TABLES


# The records in view: the build's record table of each kind (``record_tables``), every table
# query, count and aggregate reading the same rows through the same WHERE, so that they always
# agree. Every derived table carries what the filters read of each record under the names they
# read, so one WHERE per kind serves them all (``filters.where``; an event may have no deal).
DEAL_YEAR = KINDS["deal"].year
RECORD_TABLES = record_tables.TABLES
ROWS_WHERE = {name: where("d", "d.year", event=name == "event") for name in KINDS}
DEAL_ROWS, DEALS_WHERE = RECORD_TABLES["deal"].name, ROWS_WHERE["deal"]
PAYMENT_ROWS, PAYMENTS_WHERE = RECORD_TABLES["payment"].name, ROWS_WHERE["payment"]
EVENT_ROWS, EVENTS_WHERE = RECORD_TABLES["event"].name, ROWS_WHERE["event"]
# The build's (source, record) pairs (rollups.cited_records) and its counts of records
# (rollups.record_rollup; every one with a deal).
CITED_WHERE = ROWS_WHERE["event"]
ROLLUP_WHERE = DEALS_WHERE
# A money figure is in view when the deal or payment it is about is (record_tables.conversions_sql).
CONVERSIONS_WHERE = where("d", "d.record_year")


def records_in_view(kinds=tuple(KINDS)) -> str:
    """SQL of the records in view of the given kinds (default every kind) as (record_type,
    record_id), the key citations and conversions use: a query that names only the kinds it can
    match plans and scans only those (a million deliveries when it needs none of them)."""
    return "\n    UNION ALL ".join(
        f"SELECT '{name}' AS record_type, d.{KINDS[name].id} AS record_id FROM {RECORD_TABLES[name].name} d "
        f"WHERE {ROWS_WHERE[name]}" for name in kinds)


def run(conn, sql: str, filters: Filters, **extra) -> pd.DataFrame:
    """Run ``sql`` with the view's bound parameters and any of the query's own (``extra``)."""
    return db.query(conn, sql, filters.sql_params() | extra)


def _rows(conn, kind: str, filters: Filters, limit: int | None, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The records of ``kind`` in view as its table shows them, in its order: the first ``limit``
    (None: every one), read from the build's record table, with every column or only ``columns``
    (what a chart reads: a column costs a query more than a row does at seed scale). ``total``
    is how many are in view: a scalar count, not a window over the rows, which would keep every
    wide row in view (a page of a million deliveries took 0.38 s with it, 0.22 s without)."""
    table, where_ = RECORD_TABLES[kind], ROWS_WHERE[kind]
    sql = f"""
    SELECT {stored_list(table, columns)}, (SELECT count(*) FROM {table.name} d WHERE {where_}) AS total
    FROM {table.name} d WHERE {where_}
    ORDER BY {table.order} LIMIT $limit"""
    return run(conn, sql, filters, limit=limit)


def deals(conn, filters: Filters, limit: int | None = None, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Deals under the filters with names, preferred values, USD conversions and source URLs,
    by buyer and date: the first ``limit`` of them, or all when ``limit`` is None; every column,
    or only ``columns``. ``total`` is how many there are in all (as in every table query: the
    count comes with the rows)."""
    return _rows(conn, "deal", filters, limit, columns)


def deliveries(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Delivery batches (actual and planned) of the filtered deals, by date: the first ``limit``."""
    return _rows(conn, "delivery", filters, limit)


def payments(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Payments on the filtered deals with their USD conversions, by date: the first ``limit``."""
    return _rows(conn, "payment", filters, limit)


def events(conn, filters: Filters, limit: int | None = None, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Events under the filters with their countries and sources, newest first: the first
    ``limit``, with every column or only ``columns``."""
    return _rows(conn, "event", filters, limit, columns)


def record_counts(conn, filters: Filters) -> pd.DataFrame:
    """How many deals, deliveries, payments and events are in view (one row): summed from the
    build's counts, and the events with no deal (in view through their countries) counted apart."""
    sql = f"""
    WITH r AS (SELECT kind, n FROM {RECORD_ROLLUP} d WHERE {ROLLUP_WHERE}),
    n AS (SELECT kind, sum(n)::BIGINT AS n FROM r GROUP BY kind)
    SELECT coalesce((SELECT n FROM n WHERE kind = 'deal'), 0) AS deals,
           coalesce((SELECT n FROM n WHERE kind = 'delivery'), 0) AS deliveries,
           coalesce((SELECT n FROM n WHERE kind = 'payment'), 0) AS payments,
           coalesce((SELECT n FROM n WHERE kind = 'event'), 0)
             + (SELECT count(*) FROM {EVENT_ROWS} d WHERE d.deal_id IS NULL AND {EVENTS_WHERE}) AS events"""
    return run(conn, sql, filters)


SUPPORTS_SHOWN = 20  # records named per source on screen; the CSV names every one


def sources(conn, filters: Filters, limit: int | None = None, supports_shown: int | None = None) -> pd.DataFrame:
    """Sources supporting at least one record in view, most records first, with the records each
    supports: the first ``limit`` sources, each naming its first ``supports_shown`` records
    ("… and N more"); None for all. ``total`` is the number of sources in view."""
    sql = f"""
    WITH cited AS (SELECT d.source_id, d.record_type, d.record_id FROM {CITED_RECORDS} d WHERE {CITED_WHERE}),
    counted AS (
        SELECT source_id, count(*) AS records, count(*) OVER () AS total FROM cited GROUP BY source_id
        ORDER BY records DESC, source_id LIMIT $limit),
    -- The names of the first records only, of the sources shown only: a source may support
    -- a hundred thousand records, and nobody reads that list on screen.
    named AS (
        SELECT source_id, list(record_type || ' ' || record_id ORDER BY record_type, record_id) AS keys
        FROM (SELECT * FROM cited WHERE source_id IN (SELECT source_id FROM counted)
              QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY record_type, record_id)
                      <= coalesce($supports_shown, 9223372036854775807))
        GROUP BY source_id),
    n AS (
        SELECT source_id, records, total, array_to_string(k.keys, '; ')
                 || CASE WHEN records > len(k.keys) THEN ' … and ' || (records - len(k.keys)) || ' more'
                         ELSE '' END AS supports
        FROM counted JOIN named k USING (source_id))
    SELECT {select_list(SOURCES)}, n.total
    FROM n JOIN sources s USING (source_id)
    ORDER BY n.records DESC, s.source_id"""
    return run(conn, sql, filters, limit=limit, supports_shown=supports_shown)


def record_sources(conn, record_type: str, record_ids: list[str]) -> pd.DataFrame:
    """The sources of the given records of one type (deal, delivery, payment, event): the
    selection's sources, with each source's records among those asked for."""
    sql = f"""
    WITH n AS (
        SELECT c.source_id, count(DISTINCT c.record_id) AS records,
               string_agg(DISTINCT c.record_type || ' ' || c.record_id, '; '
                          ORDER BY c.record_type || ' ' || c.record_id) AS supports
        FROM citations c
        WHERE c.record_type = $record_type AND list_contains($ids::VARCHAR[], c.record_id)
        GROUP BY c.source_id)
    SELECT {select_list(SOURCES)}
    FROM n JOIN sources s USING (source_id) ORDER BY n.records DESC, s.source_id"""
    return db.query(conn, sql, {"record_type": record_type, "ids": list(record_ids)})


CLAIM_COLUMNS = ("record_type, record_id, field, claimed_value, preferred, preference_reason, disputed, "
                 "source_title, publisher, source, note, citation_id")
CLAIM_ORDER = "record_type, record_id, field, preferred DESC, claimed_value, citation_id"


def claims(conn, filters: Filters, record_type: str | None = None) -> pd.DataFrame:
    """Every field claim on a record in view (of ``record_type`` only, when given), with its
    source, disputed fields flagged."""
    sql = f"""
    WITH visible AS ({records_in_view((record_type,) if record_type else tuple(KINDS))}), {rollups.claims_cte()}
    SELECT {CLAIM_COLUMNS} FROM claim JOIN visible USING (record_type, record_id) ORDER BY {CLAIM_ORDER}"""
    return run(conn, sql, filters)


def disputed_claims(conn, filters: Filters, record_type: str | None = None) -> pd.DataFrame:
    """The claims of disputed fields (a record's field with more than one value claimed) on the
    records in view, of ``record_type`` only when given, as ``claims`` gives them: all the
    conflicts need, read from the build's ``disputed_claims`` (a whole register's claims are a
    hundred thousand rows, its disputed ones a few hundred)."""
    sql = f"""
    SELECT {CLAIM_COLUMNS} FROM {rollups.DISPUTED_CLAIMS} d
    WHERE {CITED_WHERE} AND ($record_type IS NULL OR d.record_type = $record_type)
    ORDER BY {CLAIM_ORDER}"""
    return run(conn, sql, filters, record_type=record_type)


def record_claims(conn, record_type: str, record_ids: list[str]) -> pd.DataFrame:
    """Every field claim on the given records of one type, as ``claims`` gives them: what a
    selection of rows shows, read when rows are selected."""
    sql = f"""
    WITH chosen AS (SELECT $record_type::VARCHAR AS record_type, unnest($ids::VARCHAR[]) AS record_id),
    {rollups.claims_cte("chosen")}
    SELECT {CLAIM_COLUMNS} FROM claim ORDER BY {CLAIM_ORDER}"""
    return db.query(conn, sql, {"record_type": record_type, "ids": list(record_ids)})


def conversions(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Each money figure in view with its conversion: amount, currency, rate, year, sources.
    The first ``limit`` figures by record; ``total`` is how many there are in all. Read from the
    build's rows of every figure, in view when the record it is about is."""
    sql = f"""
    SELECT {", ".join(f"d.{c.name}" for c in CONVERSIONS if c.sql)},
           (SELECT count(*) FROM {CONVERSION_ROWS} d WHERE {CONVERSIONS_WHERE}) AS total
    FROM {CONVERSION_ROWS} d WHERE {CONVERSIONS_WHERE}
    ORDER BY {CONVERSIONS_ORDER} LIMIT $limit"""
    return run(conn, sql, filters, limit=limit)


def country_names(conn) -> dict[str, str]:
    """ISO3 -> country name, for every country in the data."""
    frame = db.query(conn, "SELECT iso3, name FROM countries ORDER BY name")
    return dict(zip(frame["iso3"], frame["name"]))


def party_names(conn) -> dict[str, str]:
    """Party code -> name, for every state and every other party (for describing a view)."""
    frame = db.query(conn, "SELECT code, name FROM all_parties ORDER BY name")
    return dict(zip(frame["code"], frame["name"]))


def filter_choices(conn) -> Choices:
    """What the filters offer: each code filter's codes in the deals (with names, from the
    filter's own ``options_sql``), and the years span of every dated record."""
    codes = {}
    for f in FILTERS:
        if isinstance(f, Codes):
            offered = db.query(conn, f.options_sql)
            codes[f.key] = dict(zip(offered["code"], offered["name"]))
    span = db.query(conn, "SELECT min(y) AS first, max(y) AS last FROM (SELECT year(date) AS y FROM events "
                          "UNION ALL SELECT year(date) FROM deliveries UNION ALL "
                          f"SELECT {deal_year_sql('deals')} FROM deals)")
    first, last = span["first"].iloc[0], span["last"].iloc[0]
    return Choices(codes, None if pd.isna(first) else (int(first), int(last)))


def deal_ids(conn) -> list[str]:
    """Every deal id, for choosing the deal a claim is about."""
    return db.query(conn, "SELECT deal_id FROM deals ORDER BY deal_id")["deal_id"].tolist()


def imports(conn) -> pd.DataFrame:
    """The imports committed to the database, newest first."""
    return db.query(conn, "SELECT import_id, committed_at, committed_by, file_name, format, counts, file_hash "
                          "FROM imports ORDER BY import_id DESC")


def data_version(conn) -> dict:
    """The data version row: version, content hash, build time, as-of date (the last research pass;
    ``sources_checked_to`` writes it at its precision), USD base year, imports."""
    frame = db.query(conn, "SELECT version, content_hash, built_at, as_of, as_of_precision, "
                           f"{partial_date_sql('as_of')} AS sources_checked_to, usd_base_year, imports, description "
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


# The tables a download, the CLI and the bundle offer, each with its query (every row in view).
TABLE_QUERIES = {"deals": deals, "deliveries": deliveries, "payments": payments, "events": events,
                 "sources": sources}


def view_of_link(conn, query: str) -> tuple[Filters, list[str]]:
    """The view a link's query string selects, and what of it was ignored: the one parser, with
    the choices the data offers, as the page reads a link."""
    return parse_query_string(query, filter_choices(conn))
