"""Named queries: each a function of a connection and the view's Filters, returning a DataFrame.

Every value travels as a bound parameter; the SQL text is fixed. The filters restrict deals,
and every other record through its deal (deliveries, payments, events linked to a deal)
or its own countries (events with no deal).

A page draws at most a screenful of rows and charts of what the eye can tell apart, so at a
million records the work stays in DuckDB: the tables take a ``limit`` (their first rows in
order; None for every row, as a download needs) and come with ``record_counts``, and the
charts read aggregates (``deal_groups``, ``money_deals``, ``timeline_years``,
``cumulative_years``) shaped like the rows the pure chart builders take.
"""

import pandas as pd

from . import db
from .filters import Filters
from .schema import CONTRACTED, TABLES


def _partial(column: str) -> str:
    """SQL formatting a DATE at its precision: '2017', '2017-12' or '2017-12-29'."""
    return (f"CASE {column}_precision WHEN 'day' THEN strftime({column}, '%Y-%m-%d') "
            f"WHEN 'month' THEN strftime({column}, '%Y-%m') ELSE strftime({column}, '%Y') END")


# Deals visible under the filters (alias d).
DEAL_FILTER = """
    (len($buyers::VARCHAR[]) = 0 OR list_contains($buyers::VARCHAR[], d.buyer_iso3))
    AND (len($suppliers::VARCHAR[]) = 0 OR list_contains($suppliers::VARCHAR[], d.supplier_iso3))
    AND (len($statuses::VARCHAR[]) = 0 OR list_contains($statuses::VARCHAR[], d.status))
"""
RECORD_CONFIDENCE = ("(len($confidences::VARCHAR[]) = 0 OR list_contains($confidences::VARCHAR[], {alias}.confidence))"
                     " AND (len($origins::VARCHAR[]) = 0 OR list_contains($origins::VARCHAR[], {alias}.origin))")
YEAR_FILTER = "($year_from IS NULL OR {year} BETWEEN $year_from AND $year_to)"
DEAL_YEAR = "coalesce(year(d.signed_date), year(d.announced_date))"
IS_CONTRACTED = "d.status IN (" + ", ".join(f"'{status}'" for status in CONTRACTED) + ")"  # fixed text
# An event is in view if its deal is, or (no deal) one of its countries is a chosen buyer or supplier.
EVENT_FILTER = f"""
    CASE WHEN d.deal_id IS NOT NULL THEN {DEAL_FILTER}
    ELSE len($statuses::VARCHAR[]) = 0
         AND (len($buyers::VARCHAR[]) = 0 OR e.event_id IN
              (SELECT event_id FROM event_countries WHERE list_contains($buyers::VARCHAR[], iso3)))
         AND (len($suppliers::VARCHAR[]) = 0 OR e.event_id IN
              (SELECT event_id FROM event_countries WHERE list_contains($suppliers::VARCHAR[], iso3)))
    END"""

# The records in view: one FROM and WHERE per kind, shared by the tables, the counts and the
# aggregates so that they always agree.
DEALS_FROM = "deals d"
DEALS_WHERE = f"{DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='d')} AND {YEAR_FILTER.format(year=DEAL_YEAR)}"
DELIVERIES_FROM = "deliveries v JOIN deals d USING (deal_id)"
DELIVERIES_WHERE = (f"{DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='v')} "
                    f"AND {YEAR_FILTER.format(year='year(v.date)')}")
PAYMENTS_FROM = "payments p JOIN deals d USING (deal_id)"
PAYMENTS_WHERE = (f"{DEAL_FILTER} AND {RECORD_CONFIDENCE.format(alias='p')} "
                  f"AND {YEAR_FILTER.format(year='year(p.date)')}")
EVENTS_FROM = "events e LEFT JOIN deals d USING (deal_id)"
EVENTS_WHERE = (f"{EVENT_FILTER} AND {RECORD_CONFIDENCE.format(alias='e')} "
                f"AND {YEAR_FILTER.format(year='year(e.date)')}")
RECORDS_IN_VIEW = f"""
    SELECT 'deal' AS record_type, d.deal_id AS record_id FROM {DEALS_FROM} WHERE {DEALS_WHERE}
    UNION ALL SELECT 'delivery', v.delivery_id FROM {DELIVERIES_FROM} WHERE {DELIVERIES_WHERE}
    UNION ALL SELECT 'payment', p.payment_id FROM {PAYMENTS_FROM} WHERE {PAYMENTS_WHERE}
    UNION ALL SELECT 'event', e.event_id FROM {EVENTS_FROM} WHERE {EVENTS_WHERE}"""


def _sources_of_page(record_type: str, id_column: str) -> str:
    """CTE ``src``: the sources' addresses of each record in CTE ``page``, aggregated for the
    page's rows only (every record's list, at a million records, cost seconds per query)."""
    return f"""src AS (
        SELECT c.record_id, string_agg(DISTINCT coalesce(s.url, s.title), '; '
                                       ORDER BY coalesce(s.url, s.title)) AS sources
        FROM citations c JOIN sources s USING (source_id)
        WHERE c.record_type = '{record_type}' AND c.record_id IN (SELECT {id_column} FROM page)
        GROUP BY c.record_id)"""


def _run(conn, sql: str, filters: Filters, **extra) -> pd.DataFrame:
    return db.query(conn, sql, filters.sql_params() | extra)


def deals(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Deals under the filters with names, preferred values, USD conversions and source URLs,
    by buyer and date: the first ``limit`` of them, or all when ``limit`` is None."""
    sql = f"""
    WITH page AS (
        SELECT d.*, {DEAL_YEAR} AS year, b.name AS buyer
        FROM {DEALS_FROM} JOIN countries b ON b.iso3 = d.buyer_iso3 WHERE {DEALS_WHERE}
        ORDER BY b.name, coalesce(d.signed_date, d.announced_date) NULLS LAST, d.deal_id LIMIT $limit),
    {_sources_of_page('deal', 'deal_id')},
    usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = 'deal value')
    SELECT d.deal_id, d.title, d.buyer_iso3, d.buyer, d.supplier_iso3, s.name AS supplier,
           sy.name AS system, seller.name AS seller, maker.name AS manufacturer, d.status,
           {_partial('d.announced_date')} AS announced_date,
           {_partial('d.signed_date')} AS signed_date, d.signed_date_precision AS date_precision,
           d.signed_date::TIMESTAMP AS signed_start, d.year,
           d.quantity, d.unit, d.quantity_note, d.value_amount, d.value_currency, d.value_qualifier,
           usd.usd_nominal AS value_usd_nominal, usd.usd_constant AS value_usd_constant,
           (SELECT usd_base_year FROM data_version) AS usd_base_year, d.financing, d.confidence,
           b.label_lat AS buyer_lat, b.label_lon AS buyer_lon, s.label_lat AS supplier_lat,
           s.label_lon AS supplier_lon, d.notes, d.origin, d.import_id, src.sources
    FROM page d
    JOIN countries b ON b.iso3 = d.buyer_iso3 JOIN countries s ON s.iso3 = d.supplier_iso3
    JOIN systems sy USING (system_id)
    LEFT JOIN organizations seller ON seller.org_id = d.seller_org_id
    LEFT JOIN organizations maker ON maker.org_id = sy.manufacturer_org_id
    LEFT JOIN usd ON usd.record_id = d.deal_id
    LEFT JOIN src ON src.record_id = d.deal_id
    ORDER BY d.buyer, coalesce(d.signed_date, d.announced_date) NULLS LAST, d.deal_id"""
    return _run(conn, sql, filters, limit=limit)


def deliveries(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Delivery batches (actual and planned) of the filtered deals, by date: the first ``limit``."""
    sql = f"""
    WITH page AS (
        SELECT v.*, d.buyer_iso3 FROM {DELIVERIES_FROM} WHERE {DELIVERIES_WHERE}
        ORDER BY v.date, v.delivery_id LIMIT $limit),
    {_sources_of_page('delivery', 'delivery_id')}
    SELECT v.delivery_id, v.deal_id, v.buyer_iso3, b.name AS buyer, {_partial('v.date')} AS date,
           v.date_precision, v.date::TIMESTAMP AS date_start, v.quantity, v.unit, v.quantity_qualifier,
           v.quantity_note, v.basis, v.planned, v.confidence, v.description, v.origin, v.import_id, src.sources
    FROM page v JOIN countries b ON b.iso3 = v.buyer_iso3
    LEFT JOIN src ON src.record_id = v.delivery_id
    ORDER BY v.date, v.delivery_id"""
    return _run(conn, sql, filters, limit=limit)


def delivered_units(conn, filters: Filters) -> pd.DataFrame:
    """Actual delivery batches summed per unit, in SQL: what the overview's headline needs of the
    deliveries, without loading every delivery (a frame summaries.units_delivered accepts)."""
    sql = f"""
    SELECT v.unit, sum(v.quantity) AS quantity, false AS planned, 'batch' AS basis
    FROM {DELIVERIES_FROM}
    WHERE NOT v.planned AND v.basis = 'batch' AND v.quantity IS NOT NULL AND v.unit IS NOT NULL
      AND {DELIVERIES_WHERE}
    GROUP BY v.unit ORDER BY v.unit"""
    return _run(conn, sql, filters)


def payments(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Payments on the filtered deals with their USD conversions, by date: the first ``limit``."""
    sql = f"""
    WITH page AS (
        SELECT p.*, d.buyer_iso3 FROM {PAYMENTS_FROM} WHERE {PAYMENTS_WHERE}
        ORDER BY p.date, p.payment_id LIMIT $limit),
    {_sources_of_page('payment', 'payment_id')},
    usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = 'payment')
    SELECT p.payment_id, p.deal_id, p.buyer_iso3, b.name AS buyer, payer.name AS payer, payee.name AS payee,
           {_partial('p.date')} AS date, p.date_precision, p.date::TIMESTAMP AS date_start,
           p.amount, p.currency, p.amount_qualifier, usd.usd_nominal, usd.usd_constant, p.kind,
           p.confidence, p.description, p.origin, p.import_id, src.sources
    FROM page p JOIN countries b ON b.iso3 = p.buyer_iso3
    LEFT JOIN organizations payer ON payer.org_id = p.payer_org_id
    LEFT JOIN organizations payee ON payee.org_id = p.payee_org_id
    LEFT JOIN usd ON usd.record_id = p.payment_id
    LEFT JOIN src ON src.record_id = p.payment_id
    ORDER BY p.date, p.payment_id"""
    return _run(conn, sql, filters, limit=limit)


def events(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Events under the filters with their countries and sources, newest first: the first ``limit``."""
    sql = f"""
    WITH page AS (
        SELECT e.*, d.buyer_iso3 FROM {EVENTS_FROM} WHERE {EVENTS_WHERE}
        ORDER BY e.date DESC, e.event_id LIMIT $limit),
    {_sources_of_page('event', 'event_id')},
    codes AS (SELECT event_id, list(iso3 ORDER BY iso3) AS codes FROM event_countries
              WHERE event_id IN (SELECT event_id FROM page) GROUP BY event_id)
    SELECT e.event_id, {_partial('e.date')} AS date, e.date_precision, e.date::TIMESTAMP AS date_start,
           e.type, array_to_string(coalesce(codes.codes, []), '; ') AS countries, e.title, e.description,
           e.confidence, e.deal_id, e.buyer_iso3, e.origin, e.import_id, src.sources
    FROM page e LEFT JOIN src ON src.record_id = e.event_id LEFT JOIN codes USING (event_id)
    ORDER BY e.date DESC, e.event_id"""
    return _run(conn, sql, filters, limit=limit)


def record_counts(conn, filters: Filters) -> pd.DataFrame:
    """How many deals, deliveries, payments and events are in view (one row)."""
    sql = f"""
    SELECT (SELECT count(*) FROM {DEALS_FROM} WHERE {DEALS_WHERE}) AS deals,
           (SELECT count(*) FROM {DELIVERIES_FROM} WHERE {DELIVERIES_WHERE}) AS deliveries,
           (SELECT count(*) FROM {PAYMENTS_FROM} WHERE {PAYMENTS_WHERE}) AS payments,
           (SELECT count(*) FROM {EVENTS_FROM} WHERE {EVENTS_WHERE}) AS events"""
    return _run(conn, sql, filters)


# A source as every table of sources shows it (alias s).
SOURCE_COLUMNS = (f"s.source_id, s.url, s.title, s.publisher, {_partial('s.published_date')} AS published_date, "
                  "strftime(s.accessed_date, '%Y-%m-%d') AS accessed_date, s.origin, s.import_id")
SUPPORTS_SHOWN = 20  # records named per source on screen; the CSV names every one


def sources(conn, filters: Filters, limit: int | None = None, supports_shown: int | None = None) -> pd.DataFrame:
    """Sources supporting at least one record in view, most records first, with the records each
    supports: the first ``limit`` sources, each naming its first ``supports_shown`` records
    ("… and N more"); None for all. ``total`` is the number of sources in view."""
    sql = f"""
    WITH cited AS (
        SELECT DISTINCT c.source_id, c.record_type, c.record_id
        FROM citations c JOIN ({RECORDS_IN_VIEW}) r USING (record_type, record_id)),
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
        GROUP BY source_id)
    SELECT {SOURCE_COLUMNS}, n.records,
           array_to_string(k.keys, '; ')
             || CASE WHEN n.records > len(k.keys) THEN ' … and ' || (n.records - len(k.keys)) || ' more'
                     ELSE '' END AS supports,
           n.total
    FROM counted n JOIN named k USING (source_id) JOIN sources s USING (source_id)
    ORDER BY n.records DESC, s.source_id"""
    return _run(conn, sql, filters, limit=limit, supports_shown=supports_shown)


def record_sources(conn, record_type: str, record_ids: list[str]) -> pd.DataFrame:
    """The sources of the given records of one type (deal, delivery, payment, event): the
    selection's sources, with each source's records among those asked for."""
    sql = f"""
    SELECT {SOURCE_COLUMNS}, count(DISTINCT c.record_id) AS records,
           string_agg(DISTINCT c.record_type || ' ' || c.record_id, '; '
                      ORDER BY c.record_type || ' ' || c.record_id) AS supports
    FROM citations c JOIN sources s USING (source_id)
    WHERE c.record_type = $record_type AND list_contains($ids::VARCHAR[], c.record_id)
    GROUP BY ALL ORDER BY records DESC, s.source_id"""
    return db.query(conn, sql, {"record_type": record_type, "ids": list(record_ids)})


def claims(conn, filters: Filters) -> pd.DataFrame:
    """Every field claim on a record in view, with its source, disputed fields flagged."""
    sql = f"""
    WITH visible AS ({RECORDS_IN_VIEW}),
    claim AS (
        SELECT c.*, count(DISTINCT c.claimed_value) OVER (PARTITION BY c.record_type, c.record_id, c.field) AS values_claimed
        FROM citations c WHERE c.field IS NOT NULL)
    SELECT c.record_type, c.record_id, c.field, c.claimed_value, c.preferred, c.preference_reason,
           c.values_claimed > 1 AS disputed, s.title AS source_title, s.publisher,
           coalesce(s.url, s.title) AS source, c.note, c.citation_id
    FROM claim c JOIN visible v USING (record_type, record_id) JOIN sources s USING (source_id)
    ORDER BY c.record_type, c.record_id, c.field, c.preferred DESC, c.claimed_value, c.citation_id"""
    return _run(conn, sql, filters)


def conversions(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Each money figure in view with its conversion: amount, currency, rate, year, sources.
    The first ``limit`` figures by record; ``total`` is how many there are in all."""
    sql = f"""
    WITH visible AS ({RECORDS_IN_VIEW}),
    page AS (
        SELECT x.*, count(*) OVER () AS total FROM conversions x JOIN visible v USING (record_type, record_id)
        ORDER BY x.record_id, x.figure, x.citation_id NULLS FIRST LIMIT $limit)
    SELECT x.figure, x.record_type, x.record_id, x.citation_id, x.amount, x.currency, x.qualifier,
           x.fx_year AS year, x.fx_rate, coalesce(fx.url, fx.title) AS fx_source, x.usd_nominal,
           x.cpi_year_value, x.cpi_base_value, x.usd_constant, x.base_year,
           coalesce(cpi.url, cpi.title) AS cpi_source, x.note, x.total
    FROM page x
    LEFT JOIN sources fx ON fx.source_id = x.fx_source_id
    LEFT JOIN sources cpi ON cpi.source_id = x.cpi_source_id
    ORDER BY x.record_id, x.figure, x.citation_id NULLS FIRST"""
    return _run(conn, sql, filters, limit=limit)


def country_status(conn, filters: Filters) -> pd.DataFrame:
    """Operator status per buyer country among the deals in view, with names and map points."""
    sql = f"""
    WITH counts AS (SELECT d.buyer_iso3 AS iso3, count(*) AS deal_count FROM {DEALS_FROM}
                    WHERE {DEALS_WHERE} GROUP BY d.buyer_iso3)
    SELECT cs.iso3, c.name, cs.operator_status, cs.basis, c.label_lat, c.label_lon, n.deal_count
    FROM country_status cs JOIN countries c USING (iso3) JOIN counts n USING (iso3)
    ORDER BY c.name"""
    return _run(conn, sql, filters)


def deal_pairs(conn, filters: Filters) -> pd.DataFrame:
    """Deals in view summed per (supplier, buyer, status), with both countries' map points: what
    the headline and the map's arcs need, a row per pair rather than per deal. ``deal_count``
    deals, ``valued_deals`` of them with a nominal USD value summed in ``value_usd_nominal``."""
    sql = f"""
    WITH usd AS (SELECT record_id, usd_nominal FROM conversions WHERE figure = 'deal value')
    SELECT d.supplier_iso3, s.name AS supplier, d.buyer_iso3, b.name AS buyer, d.status,
           count(*) AS deal_count, count(usd.usd_nominal) AS valued_deals,
           sum(usd.usd_nominal) AS value_usd_nominal,
           any_value(b.label_lat) AS buyer_lat, any_value(b.label_lon) AS buyer_lon,
           any_value(s.label_lat) AS supplier_lat, any_value(s.label_lon) AS supplier_lon
    FROM {DEALS_FROM} JOIN countries b ON b.iso3 = d.buyer_iso3 JOIN countries s ON s.iso3 = d.supplier_iso3
    LEFT JOIN usd ON usd.record_id = d.deal_id
    WHERE {DEALS_WHERE}
    GROUP BY d.supplier_iso3, s.name, d.buyer_iso3, b.name, d.status ORDER BY supplier, buyer, d.status"""
    return _run(conn, sql, filters)


def deal_years(conn, filters: Filters) -> pd.DataFrame:
    """Contracted deals in view summed per (year, buyer, currency, status), as charts.value_by_year
    reads deals: each value column the sum of the known values (NULL when none is known)."""
    sql = f"""
    WITH usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = 'deal value')
    SELECT {DEAL_YEAR} AS year, b.name AS buyer, d.value_currency, d.status, count(*) AS deal_count,
           sum(d.value_amount) AS value_amount, sum(usd.usd_nominal) AS value_usd_nominal,
           sum(usd.usd_constant) AS value_usd_constant
    FROM {DEALS_FROM} JOIN countries b ON b.iso3 = d.buyer_iso3 LEFT JOIN usd ON usd.record_id = d.deal_id
    WHERE {DEALS_WHERE} AND {IS_CONTRACTED}
    GROUP BY ALL ORDER BY year, buyer, d.value_currency, d.status"""
    return _run(conn, sql, filters)


def money_deals(conn, filters: Filters) -> pd.DataFrame:
    """The contracted deals with a USD value, as charts.money_flows reads them: deals with
    payments in view one by one, the others (whose whole value is a balance) summed per buyer,
    exporter and manufacturer, which gives the same flows in far fewer rows."""
    sql = f"""
    WITH usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = 'deal value'),
    paid AS (SELECT DISTINCT p.deal_id FROM {PAYMENTS_FROM} WHERE {PAYMENTS_WHERE}),
    eligible AS (
        SELECT CASE WHEN paid.deal_id IS NULL THEN NULL ELSE d.deal_id END AS deal_id, b.name AS buyer,
               seller.name AS seller, maker.name AS manufacturer, d.status,
               CASE WHEN usd.usd_nominal > 0 THEN usd.usd_nominal END AS nominal,
               CASE WHEN usd.usd_constant > 0 THEN usd.usd_constant END AS constant
        FROM {DEALS_FROM} JOIN countries b ON b.iso3 = d.buyer_iso3 JOIN systems sy USING (system_id)
        LEFT JOIN organizations seller ON seller.org_id = d.seller_org_id
        LEFT JOIN organizations maker ON maker.org_id = sy.manufacturer_org_id
        JOIN usd ON usd.record_id = d.deal_id LEFT JOIN paid ON paid.deal_id = d.deal_id
        WHERE {DEALS_WHERE} AND {IS_CONTRACTED}
          AND (usd.usd_nominal > 0 OR usd.usd_constant > 0))
    SELECT deal_id, buyer, seller, manufacturer, any_value(status) AS status,
           sum(nominal) AS value_usd_nominal, sum(constant) AS value_usd_constant
    FROM eligible GROUP BY ALL ORDER BY buyer, seller NULLS LAST, manufacturer NULLS LAST, deal_id NULLS FIRST"""
    return _run(conn, sql, filters)


def money_payments(conn, filters: Filters) -> pd.DataFrame:
    """The payments in view with a USD amount, as charts.money_flows reads them (date order)."""
    sql = f"""
    WITH usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = 'payment')
    SELECT p.deal_id, p.kind, p.date::TIMESTAMP AS date_start, usd.usd_nominal, usd.usd_constant
    FROM {PAYMENTS_FROM} JOIN usd ON usd.record_id = p.payment_id
    WHERE {PAYMENTS_WHERE} AND (usd.usd_nominal > 0 OR usd.usd_constant > 0)
    ORDER BY p.date, p.payment_id"""
    return _run(conn, sql, filters)


def timeline_years(conn, filters: Filters, lanes: int = 25) -> pd.DataFrame:
    """Records in view counted per buyer lane and calendar year, for the timeline at scale:
    signatures (kind 'signed'), deliveries (kind 'delivery', by planned and basis) and deal
    events (kind 'event', by type), for the ``lanes`` buyers with the most deals and deliveries
    (``buyers_in_view`` buyers have any)."""
    sql = f"""
    WITH busiest AS (
        SELECT buyer_iso3, count(*) AS n, count(*) OVER () AS buyers_in_view FROM (
            SELECT d.buyer_iso3 FROM {DEALS_FROM} WHERE {DEALS_WHERE}
            UNION ALL SELECT d.buyer_iso3 FROM {DELIVERIES_FROM} WHERE {DELIVERIES_WHERE})
        GROUP BY buyer_iso3 ORDER BY n DESC, buyer_iso3 LIMIT $lanes),
    marks AS (
        SELECT 'signed' AS kind, d.buyer_iso3, NULL::BOOLEAN AS planned, NULL AS basis, NULL AS type,
               year(d.signed_date) AS year
        FROM {DEALS_FROM} WHERE {DEALS_WHERE} AND d.signed_date IS NOT NULL
        UNION ALL SELECT 'delivery', d.buyer_iso3, coalesce(v.planned, false), v.basis, NULL, year(v.date)
        FROM {DELIVERIES_FROM} WHERE {DELIVERIES_WHERE} AND v.date IS NOT NULL
        UNION ALL SELECT 'event', d.buyer_iso3, NULL, NULL, e.type, year(e.date)
        FROM {EVENTS_FROM} WHERE {EVENTS_WHERE} AND e.date IS NOT NULL AND d.deal_id IS NOT NULL)
    SELECT m.kind, m.buyer_iso3, c.name AS buyer, m.planned, m.basis, m.type, m.year, count(*) AS n,
           any_value(busiest.buyers_in_view) AS buyers_in_view
    FROM marks m JOIN busiest USING (buyer_iso3) JOIN countries c ON c.iso3 = m.buyer_iso3
    GROUP BY ALL ORDER BY m.kind, m.buyer_iso3, m.planned, m.basis, m.type, m.year"""
    return _run(conn, sql, filters, lanes=lanes)


def cumulative_years(conn, filters: Filters, series: int = 12) -> pd.DataFrame:
    """Deliveries with a quantity, unit and date, summed per (buyer, unit, planned, basis, year)
    for the ``series`` (buyer, unit) pairs with the largest batch totals: the cumulative chart at
    scale. ``series_in_view`` is how many (buyer, unit) pairs there are in all."""
    sql = f"""
    WITH usable AS (
        SELECT d.buyer_iso3, v.unit, coalesce(v.planned, false) AS planned, v.basis, year(v.date) AS year,
               v.quantity
        FROM {DELIVERIES_FROM}
        WHERE {DELIVERIES_WHERE} AND v.quantity IS NOT NULL AND v.unit IS NOT NULL AND v.date IS NOT NULL),
    ranked AS (
        SELECT buyer_iso3, unit, sum(quantity) FILTER (WHERE basis = 'batch') AS batches,
               count(*) OVER () AS series_in_view
        FROM usable GROUP BY buyer_iso3, unit),
    chosen AS (SELECT * FROM ranked WHERE batches IS NOT NULL
               ORDER BY batches DESC, buyer_iso3, unit LIMIT $series)
    SELECT u.buyer_iso3, c.name AS buyer, u.unit, u.planned, u.basis, u.year, count(*) AS n,
           sum(u.quantity) AS quantity, any_value(ch.series_in_view) AS series_in_view
    FROM usable u JOIN chosen ch USING (buyer_iso3, unit) JOIN countries c ON c.iso3 = u.buyer_iso3
    GROUP BY ALL ORDER BY u.buyer_iso3, u.unit, u.planned, u.basis, u.year"""
    return _run(conn, sql, filters, series=series)


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
