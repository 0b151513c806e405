"""Named queries: each a function of a connection and the view's Filters, returning a DataFrame.

Every value travels as a bound parameter; the SQL text is fixed. The filters restrict deals,
and every other record through its deal (deliveries, payments, events linked to a deal)
or its own countries (events with no deal).
"""

import pandas as pd

from . import db
from .filters import Filters
from .schema import TABLES


def _partial(column: str) -> str:
    """SQL formatting a DATE at its precision: '2017', '2017-12' or '2017-12-29'."""
    return (f"CASE {column}_precision WHEN 'day' THEN strftime({column}, '%Y-%m-%d') "
            f"WHEN 'month' THEN strftime({column}, '%Y-%m') ELSE strftime({column}, '%Y') END")


# Deals visible under the filters (alias d, with its year as d_year).
DEAL_FILTER = """
    (len($buyers::VARCHAR[]) = 0 OR list_contains($buyers::VARCHAR[], d.buyer_iso3))
    AND (len($suppliers::VARCHAR[]) = 0 OR list_contains($suppliers::VARCHAR[], d.supplier_iso3))
    AND (len($statuses::VARCHAR[]) = 0 OR list_contains($statuses::VARCHAR[], d.status))
"""
RECORD_CONFIDENCE = ("(len($confidences::VARCHAR[]) = 0 OR list_contains($confidences::VARCHAR[], {alias}.confidence))"
                     " AND (len($origins::VARCHAR[]) = 0 OR list_contains($origins::VARCHAR[], {alias}.origin))")
YEAR_FILTER = "($year_from IS NULL OR {year} BETWEEN $year_from AND $year_to)"

# Aggregated for one record type only ({record_type}): with a million records of each kind,
# aggregating every type's citations for each table's query cost seconds.
SOURCES_PER_RECORD = """
    SELECT c.record_type, c.record_id,
           string_agg(DISTINCT coalesce(s.url, s.title), '; ' ORDER BY coalesce(s.url, s.title)) AS sources
    FROM citations c JOIN sources s USING (source_id) WHERE c.record_type = '{record_type}' GROUP BY ALL
"""
DEAL_YEAR = "coalesce(year(d.signed_date), year(d.announced_date))"


def _run(conn, sql: str, filters: Filters) -> pd.DataFrame:
    return db.query(conn, sql, filters.sql_params())


def deals(conn, filters: Filters) -> pd.DataFrame:
    """Deals under the filters with names, preferred values, USD conversions and source URLs."""
    sql = f"""
    WITH src AS ({SOURCES_PER_RECORD.format(record_type='deal')}),
    usd AS (SELECT record_id, usd_nominal, usd_constant, base_year FROM conversions WHERE figure = 'deal value')
    SELECT d.deal_id, d.title, d.buyer_iso3, b.name AS buyer, d.supplier_iso3, s.name AS supplier,
           sy.name AS system, seller.name AS seller, maker.name AS manufacturer, d.status,
           {_partial('d.announced_date')} AS announced_date,
           {_partial('d.signed_date')} AS signed_date, d.signed_date_precision AS date_precision,
           d.signed_date::TIMESTAMP AS signed_start, {DEAL_YEAR} AS year,
           d.quantity, d.unit, d.quantity_note, d.value_amount, d.value_currency, d.value_qualifier,
           usd.usd_nominal AS value_usd_nominal, usd.usd_constant AS value_usd_constant,
           (SELECT usd_base_year FROM data_version) AS usd_base_year, d.financing, d.confidence,
           b.label_lat AS buyer_lat, b.label_lon AS buyer_lon, s.label_lat AS supplier_lat,
           s.label_lon AS supplier_lon, d.notes, d.origin, d.import_id, src.sources
    FROM deals d
    JOIN countries b ON b.iso3 = d.buyer_iso3 JOIN countries s ON s.iso3 = d.supplier_iso3
    JOIN systems sy USING (system_id)
    LEFT JOIN organizations seller ON seller.org_id = d.seller_org_id
    LEFT JOIN organizations maker ON maker.org_id = sy.manufacturer_org_id
    LEFT JOIN usd ON usd.record_id = d.deal_id
    LEFT JOIN src ON src.record_type = 'deal' AND src.record_id = d.deal_id
    WHERE {DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='d')} AND {YEAR_FILTER.format(year=DEAL_YEAR)}
    ORDER BY b.name, coalesce(d.signed_date, d.announced_date) NULLS LAST, d.deal_id"""
    return _run(conn, sql, filters)


def deliveries(conn, filters: Filters) -> pd.DataFrame:
    """Delivery batches (actual and planned) of the filtered deals, by date."""
    sql = f"""
    WITH src AS ({SOURCES_PER_RECORD.format(record_type='delivery')})
    SELECT v.delivery_id, v.deal_id, d.buyer_iso3, b.name AS buyer, {_partial('v.date')} AS date,
           v.date_precision, v.date::TIMESTAMP AS date_start, v.quantity, v.unit, v.quantity_qualifier,
           v.quantity_note, v.basis, v.planned, v.confidence, v.description, v.origin, v.import_id, src.sources
    FROM deliveries v JOIN deals d USING (deal_id) JOIN countries b ON b.iso3 = d.buyer_iso3
    LEFT JOIN src ON src.record_type = 'delivery' AND src.record_id = v.delivery_id
    WHERE {DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='v')} AND {YEAR_FILTER.format(year='year(v.date)')}
    ORDER BY v.date, v.delivery_id"""
    return _run(conn, sql, filters)


def delivered_units(conn, filters: Filters) -> pd.DataFrame:
    """Actual delivery batches summed per unit, in SQL: what the overview's headline needs of the
    deliveries, without loading every delivery (a frame summaries.units_delivered accepts)."""
    sql = f"""
    SELECT v.unit, sum(v.quantity) AS quantity, false AS planned, 'batch' AS basis
    FROM deliveries v JOIN deals d USING (deal_id)
    WHERE NOT v.planned AND v.basis = 'batch' AND v.quantity IS NOT NULL AND v.unit IS NOT NULL
      AND {DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='v')} AND {YEAR_FILTER.format(year='year(v.date)')}
    GROUP BY v.unit ORDER BY v.unit"""
    return _run(conn, sql, filters)


def payments(conn, filters: Filters) -> pd.DataFrame:
    """Payments on the filtered deals, with their USD conversions."""
    sql = f"""
    WITH src AS ({SOURCES_PER_RECORD.format(record_type='payment')}),
    usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = 'payment')
    SELECT p.payment_id, p.deal_id, d.buyer_iso3, b.name AS buyer, payer.name AS payer, payee.name AS payee,
           {_partial('p.date')} AS date, p.date_precision, p.date::TIMESTAMP AS date_start,
           p.amount, p.currency, p.amount_qualifier, usd.usd_nominal, usd.usd_constant, p.kind,
           p.confidence, p.description, p.origin, p.import_id, src.sources
    FROM payments p JOIN deals d USING (deal_id) JOIN countries b ON b.iso3 = d.buyer_iso3
    LEFT JOIN organizations payer ON payer.org_id = p.payer_org_id
    LEFT JOIN organizations payee ON payee.org_id = p.payee_org_id
    LEFT JOIN usd ON usd.record_id = p.payment_id
    LEFT JOIN src ON src.record_type = 'payment' AND src.record_id = p.payment_id
    WHERE {DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='p')} AND {YEAR_FILTER.format(year='year(p.date)')}
    ORDER BY p.date, p.payment_id"""
    return _run(conn, sql, filters)


# An event is in view if its deal is, or (no deal) one of its countries is a chosen buyer or supplier.
EVENT_FILTER = f"""
    CASE WHEN d.deal_id IS NOT NULL THEN {DEAL_FILTER}
    ELSE len($statuses::VARCHAR[]) = 0
         AND (len($buyers::VARCHAR[]) = 0 OR len(list_intersect($buyers::VARCHAR[], ec.codes)) > 0)
         AND (len($suppliers::VARCHAR[]) = 0 OR len(list_intersect($suppliers::VARCHAR[], ec.codes)) > 0)
    END"""


def events(conn, filters: Filters) -> pd.DataFrame:
    """Events under the filters, newest first, with their countries and sources."""
    sql = f"""
    WITH src AS ({SOURCES_PER_RECORD.format(record_type='event')}),
    ec AS (SELECT event_id, list(iso3 ORDER BY iso3) AS codes FROM event_countries GROUP BY event_id)
    SELECT e.event_id, {_partial('e.date')} AS date, e.date_precision, e.date::TIMESTAMP AS date_start,
           e.type, array_to_string(coalesce(ec.codes, []), '; ') AS countries, e.title, e.description,
           e.confidence, e.deal_id, d.buyer_iso3, e.origin, e.import_id, src.sources
    FROM events e LEFT JOIN deals d USING (deal_id) LEFT JOIN ec USING (event_id)
    LEFT JOIN src ON src.record_type = 'event' AND src.record_id = e.event_id
    WHERE {EVENT_FILTER} AND {RECORD_CONFIDENCE.format(alias='e')} AND {YEAR_FILTER.format(year='year(e.date)')}
    ORDER BY e.date DESC, e.event_id"""
    return _run(conn, sql, filters)


def sources(conn, filters: Filters) -> pd.DataFrame:
    """Sources supporting at least one record in view, with the records each supports."""
    in_view = _records_in_view_sql()
    sql = f"""
    WITH visible AS ({in_view})
    SELECT s.source_id, s.url, s.title, s.publisher, {_partial('s.published_date')} AS published_date,
           strftime(s.accessed_date, '%Y-%m-%d') AS accessed_date, s.origin, s.import_id,
           count(DISTINCT c.record_type || ':' || c.record_id) AS records,
           string_agg(DISTINCT c.record_type || ' ' || c.record_id, '; ' ORDER BY c.record_type || ' ' || c.record_id) AS supports
    FROM sources s JOIN citations c USING (source_id)
    JOIN visible v ON v.record_type = c.record_type AND v.record_id = c.record_id
    GROUP BY ALL ORDER BY records DESC, s.source_id"""
    return _run(conn, sql, filters)


def _records_in_view_sql() -> str:
    """(record_type, record_id) of every deal, delivery, payment and event in view."""
    return f"""
    SELECT 'deal' AS record_type, d.deal_id AS record_id FROM deals d
    WHERE {DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='d')} AND {YEAR_FILTER.format(year=DEAL_YEAR)}
    UNION ALL SELECT 'delivery', v.delivery_id FROM deliveries v JOIN deals d USING (deal_id)
    WHERE {DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='v')} AND {YEAR_FILTER.format(year='year(v.date)')}
    UNION ALL SELECT 'payment', p.payment_id FROM payments p JOIN deals d USING (deal_id)
    WHERE {DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='p')} AND {YEAR_FILTER.format(year='year(p.date)')}
    UNION ALL SELECT 'event', e.event_id FROM events e LEFT JOIN deals d USING (deal_id)
    LEFT JOIN (SELECT event_id, list(iso3) AS codes FROM event_countries GROUP BY event_id) ec USING (event_id)
    WHERE {EVENT_FILTER} AND {RECORD_CONFIDENCE.format(alias='e')} AND {YEAR_FILTER.format(year='year(e.date)')}"""


def claims(conn, filters: Filters) -> pd.DataFrame:
    """Every field claim on a record in view, with its source, disputed fields flagged."""
    sql = f"""
    WITH visible AS ({_records_in_view_sql()}),
    claim AS (
        SELECT c.*, count(DISTINCT c.claimed_value) OVER (PARTITION BY c.record_type, c.record_id, c.field) AS values_claimed
        FROM citations c WHERE c.field IS NOT NULL)
    SELECT c.record_type, c.record_id, c.field, c.claimed_value, c.preferred, c.preference_reason,
           c.values_claimed > 1 AS disputed, s.title AS source_title, s.publisher,
           coalesce(s.url, s.title) AS source, c.note, c.citation_id
    FROM claim c JOIN visible v USING (record_type, record_id) JOIN sources s USING (source_id)
    ORDER BY c.record_type, c.record_id, c.field, c.preferred DESC, c.claimed_value, c.citation_id"""
    return _run(conn, sql, filters)


def conversions(conn, filters: Filters) -> pd.DataFrame:
    """Each money figure in view with its conversion: amount, currency, rate, year, sources."""
    sql = f"""
    WITH visible AS ({_records_in_view_sql()})
    SELECT x.figure, x.record_type, x.record_id, x.citation_id, x.amount, x.currency, x.qualifier,
           x.fx_year AS year, x.fx_rate, coalesce(fx.url, fx.title) AS fx_source, x.usd_nominal,
           x.cpi_year_value, x.cpi_base_value, x.usd_constant, x.base_year,
           coalesce(cpi.url, cpi.title) AS cpi_source, x.note
    FROM conversions x JOIN visible v USING (record_type, record_id)
    LEFT JOIN sources fx ON fx.source_id = x.fx_source_id
    LEFT JOIN sources cpi ON cpi.source_id = x.cpi_source_id
    ORDER BY x.record_id, x.figure, x.citation_id NULLS FIRST"""
    return _run(conn, sql, filters)


def country_status(conn, filters: Filters) -> pd.DataFrame:
    """Operator status per buyer country among the deals in view, with names and map points."""
    sql = f"""
    SELECT cs.iso3, c.name, cs.operator_status, cs.basis, c.label_lat, c.label_lon,
           (SELECT count(*) FROM deals d WHERE d.buyer_iso3 = cs.iso3 AND {DEAL_FILTER}
              AND {RECORD_CONFIDENCE.format(alias='d')} AND {YEAR_FILTER.format(year=DEAL_YEAR)}) AS deal_count
    FROM country_status cs JOIN countries c USING (iso3)
    ORDER BY c.name"""
    frame = _run(conn, sql, filters)
    return frame[frame["deal_count"] > 0].reset_index(drop=True)


def country_names(conn) -> dict[str, str]:
    """ISO3 -> country name, for every country in the data."""
    frame = db.query(conn, "SELECT iso3, name FROM countries ORDER BY name")
    return dict(zip(frame["iso3"], frame["name"]))


def filter_options(conn) -> dict:
    """What the filter widgets offer: buyer and supplier countries in the deals, and the year span."""
    buyers = db.query(conn, "SELECT DISTINCT d.buyer_iso3 AS iso3, c.name FROM deals d "
                            "JOIN countries c ON c.iso3 = d.buyer_iso3 ORDER BY c.name")
    suppliers = db.query(conn, "SELECT DISTINCT d.supplier_iso3 AS iso3, c.name FROM deals d "
                               "JOIN countries c ON c.iso3 = d.supplier_iso3 ORDER BY c.name")
    span = db.query(conn, "SELECT min(y) AS first, max(y) AS last FROM (SELECT year(date) AS y FROM events "
                          "UNION ALL SELECT year(date) FROM deliveries UNION ALL "
                          "SELECT coalesce(year(signed_date), year(announced_date)) FROM deals)")
    return {"buyers": dict(zip(buyers["iso3"], buyers["name"])),
            "suppliers": dict(zip(suppliers["iso3"], suppliers["name"])),
            "years": (int(span["first"].iloc[0]), int(span["last"].iloc[0]))}


def deal_ids(conn) -> list[str]:
    """Every deal id, for choosing the deal a claim is about."""
    return db.query(conn, "SELECT deal_id FROM deals ORDER BY deal_id")["deal_id"].tolist()


def imports(conn) -> pd.DataFrame:
    """The imports committed to the database, newest first."""
    return db.query(conn, "SELECT import_id, committed_at, committed_by, file_name, format, counts, file_hash "
                          "FROM imports ORDER BY import_id DESC")


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
