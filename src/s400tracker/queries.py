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

from . import db
from .columns import CONVERSIONS, DEALS, DELIVERIES, EVENTS, PAYMENTS, SOURCES, select_list
from .dates import deal_year_sql, partial_date_sql
from .derive import MONEY_RECORD_TYPES
from .filters import FILTERS, Choices, Codes, Filters, parse_query_string, where
from .kinds import KINDS
from .rollups import CITED_RECORDS, RECORD_ROLLUP
from .schema import TABLES


# The records in view: one FROM and WHERE per kind (``kinds``), shared by the tables, the counts
# and the aggregates so that they always agree. The WHERE clauses come from the filter records.
DEAL_YEAR = KINDS["deal"].year
DEALS_FROM, DEALS_WHERE = KINDS["deal"].source, KINDS["deal"].where
DELIVERIES_FROM, DELIVERIES_WHERE = KINDS["delivery"].source, KINDS["delivery"].where
PAYMENTS_FROM, PAYMENTS_WHERE = KINDS["payment"].source, KINDS["payment"].where
EVENTS_FROM, EVENTS_WHERE = KINDS["event"].source, KINDS["event"].where
# A deal whose value totals add: contracted, and not a framework, option or amendment already
# counted through another deal (the rule is derive.deal_counting's; the build stores its verdict).
IS_COUNTED = "d.deal_id IN (SELECT deal_id FROM deal_counting WHERE counted)"
# The build's (source, record) pairs carry what the filters read of each record under the names
# they read (rollups): one table in place of every record in view joined to every citation.
CITED_WHERE = where("d", "d.year", event=True)
# So do the build's counts of records (rollups.record_rollup; every one with a deal).
ROLLUP_WHERE = where("d", "d.year")


def _count(kind: str) -> str:
    """SELECT item of a table's page: how many records of ``kind`` are in view, as ``total``. A
    scalar count, not a window over the page's rows, which keeps every wide row in view (a page
    of a million deliveries took 0.38 s with it, 0.22 s with this)."""
    k = KINDS[kind]
    return f"(SELECT count(*) FROM {k.source} WHERE {k.where}) AS total"


def records_in_view(kinds=tuple(KINDS)) -> str:
    """SQL of the records in view of the given kinds (default every kind) as (record_type,
    record_id), the key citations and conversions use: a query that names only the kinds it can
    match plans and scans only those (a million deliveries when it needs none of them)."""
    return "\n    UNION ALL ".join(
        f"SELECT '{k.name}' AS record_type, {k.alias}.{k.id} AS record_id FROM {k.source} WHERE {k.where}"
        for k in (KINDS[name] for name in kinds))


def _sources_of_page(record_type: str, id_column: str) -> str:
    """CTE ``src``: the sources' addresses of each record in CTE ``page``, aggregated for the
    page's rows only (every record's list, at a million records, cost seconds per query)."""
    return f"""src AS (
        SELECT c.record_id, string_agg(DISTINCT coalesce(s.url, s.title), '; '
                                       ORDER BY coalesce(s.url, s.title)) AS sources
        FROM citations c JOIN sources s USING (source_id)
        WHERE c.record_type = '{record_type}' AND c.record_id IN (SELECT {id_column} FROM page)
        GROUP BY c.record_id)"""


def run(conn, sql: str, filters: Filters, **extra) -> pd.DataFrame:
    """Run ``sql`` with the view's bound parameters and any of the query's own (``extra``)."""
    return db.query(conn, sql, filters.sql_params() | extra)


def deals(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Deals under the filters with names, preferred values, USD conversions and source URLs,
    by buyer and date: the first ``limit`` of them, or all when ``limit`` is None. ``total`` is
    how many there are in all (as in every table query: the count comes with the rows)."""
    sql = f"""
    WITH page AS (
        SELECT d.*, b.name AS buyer, {_count('deal')}
        FROM {DEALS_FROM} JOIN all_parties b ON b.code = d.buyer_code WHERE {DEALS_WHERE}
        ORDER BY b.name, coalesce(d.signed_date, d.announced_date) NULLS LAST, d.deal_id LIMIT $limit),
    {_sources_of_page('deal', 'deal_id')},
    usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = 'deal value')
    SELECT {select_list(DEALS)}, d.total
    FROM page d
    JOIN all_parties b ON b.code = d.buyer_code JOIN all_parties s ON s.code = d.supplier_code
    JOIN systems sy USING (system_id)
    LEFT JOIN organizations seller ON seller.org_id = d.seller_org_id
    LEFT JOIN organizations maker ON maker.org_id = sy.manufacturer_org_id
    LEFT JOIN usd ON usd.record_id = d.deal_id
    LEFT JOIN src ON src.record_id = d.deal_id
    LEFT JOIN deal_counting k ON k.deal_id = d.deal_id
    ORDER BY d.buyer, coalesce(d.signed_date, d.announced_date) NULLS LAST, d.deal_id"""
    return run(conn, sql, filters, limit=limit)


def deliveries(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Delivery batches (actual and planned) of the filtered deals, by date: the first ``limit``."""
    sql = f"""
    WITH page AS (
        SELECT v.*, d.buyer_iso3, d.buyer_code, {_count('delivery')} FROM {DELIVERIES_FROM} WHERE {DELIVERIES_WHERE}
        ORDER BY v.date, v.delivery_id LIMIT $limit),
    {_sources_of_page('delivery', 'delivery_id')}
    SELECT {select_list(DELIVERIES)}, v.total
    FROM page v JOIN all_parties b ON b.code = v.buyer_code
    LEFT JOIN src ON src.record_id = v.delivery_id
    LEFT JOIN delivery_schedule sch ON sch.delivery_id = v.delivery_id
    ORDER BY v.date, v.delivery_id"""
    return run(conn, sql, filters, limit=limit)


def payments(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Payments on the filtered deals with their USD conversions, by date: the first ``limit``."""
    sql = f"""
    WITH page AS (
        SELECT p.*, d.buyer_iso3, d.buyer_code, {_count('payment')} FROM {PAYMENTS_FROM} WHERE {PAYMENTS_WHERE}
        ORDER BY p.date, p.payment_id LIMIT $limit),
    {_sources_of_page('payment', 'payment_id')},
    usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = 'payment')
    SELECT {select_list(PAYMENTS)}, p.total
    FROM page p JOIN all_parties b ON b.code = p.buyer_code
    LEFT JOIN organizations payer ON payer.org_id = p.payer_org_id
    LEFT JOIN organizations payee ON payee.org_id = p.payee_org_id
    LEFT JOIN usd ON usd.record_id = p.payment_id
    LEFT JOIN src ON src.record_id = p.payment_id
    ORDER BY p.date, p.payment_id"""
    return run(conn, sql, filters, limit=limit)


def events(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Events under the filters with their countries and sources, newest first: the first ``limit``."""
    sql = f"""
    WITH page AS (
        SELECT e.*, d.buyer_code, {_count('event')} FROM {EVENTS_FROM} WHERE {EVENTS_WHERE}
        ORDER BY e.date DESC, e.event_id LIMIT $limit),
    {_sources_of_page('event', 'event_id')},
    codes AS (SELECT event_id, list(iso3 ORDER BY iso3) AS codes FROM event_countries
              WHERE event_id IN (SELECT event_id FROM page) GROUP BY event_id)
    SELECT {select_list(EVENTS)}, e.total
    FROM page e LEFT JOIN src ON src.record_id = e.event_id LEFT JOIN codes USING (event_id)
    ORDER BY e.date DESC, e.event_id"""
    return run(conn, sql, filters, limit=limit)


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
             + (SELECT count(*) FROM {EVENTS_FROM} WHERE e.deal_id IS NULL AND {EVENTS_WHERE}) AS events"""
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


def claims(conn, filters: Filters, record_type: str | None = None) -> pd.DataFrame:
    """Every field claim on a record in view (of ``record_type`` only, when given), with its
    source, disputed fields flagged."""
    sql = f"""
    WITH visible AS ({records_in_view((record_type,) if record_type else tuple(KINDS))}),
    claim AS (
        SELECT c.*, count(DISTINCT c.claimed_value)
                      OVER (PARTITION BY c.record_type, c.record_id, c.field) AS values_claimed
        FROM citations c WHERE c.field IS NOT NULL)
    SELECT c.record_type, c.record_id, c.field, c.claimed_value, c.preferred, c.preference_reason,
           c.values_claimed > 1 AS disputed, s.title AS source_title, s.publisher,
           coalesce(s.url, s.title) AS source, c.note, c.citation_id
    FROM claim c JOIN visible v USING (record_type, record_id) JOIN sources s USING (source_id)
    ORDER BY c.record_type, c.record_id, c.field, c.preferred DESC, c.claimed_value, c.citation_id"""
    return run(conn, sql, filters)


def conversions(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Each money figure in view with its conversion: amount, currency, rate, year, sources.
    The first ``limit`` figures by record; ``total`` is how many there are in all."""
    sql = f"""
    WITH visible AS ({records_in_view(MONEY_RECORD_TYPES)}),
    page AS (
        SELECT x.*, count(*) OVER () AS total FROM conversions x JOIN visible v USING (record_type, record_id)
        ORDER BY x.record_id, x.figure, x.citation_id NULLS FIRST LIMIT $limit)
    SELECT {select_list(CONVERSIONS)}, x.total
    FROM page x
    LEFT JOIN sources fx ON fx.source_id = x.fx_source_id
    LEFT JOIN sources cpi ON cpi.source_id = x.cpi_source_id
    ORDER BY x.record_id, x.figure, x.citation_id NULLS FIRST"""
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
