"""Aggregates for the charts, the map and the headline: the records in view summed in SQL.

At a million records no chart needs a row per record: each function here returns a frame shaped
like the rows its pure builder takes (``charts``, ``maps``, ``summaries``), a row per group.
The records in view are exactly those of ``queries`` (its FROM and WHERE per kind).
"""

import pandas as pd

from .queries import DEAL_ROWS, DEALS_WHERE, PAYMENT_ROWS, PAYMENTS_WHERE, ROLLUP_WHERE, run
from . import summaries
from .columns import COUNTED_DEALS, select_list
from .filters import SYSTEM, Filters
from .rollups import RECORD_ROLLUP
from .schema import OPERATOR_STATUS


# The system filter on the per-system status table (the record's own SQL is on a deal's system).
IN_SYSTEMS_CHOSEN = (f"(len(${SYSTEM.attribute}::VARCHAR[]) = 0 "
                     f"OR list_contains(${SYSTEM.attribute}::VARCHAR[], cs.system_id))")
# The operator statuses, strongest first, as a SQL list: a status's place in it is its rank.
RANKS = "[" + ", ".join(f"'{status}'" for status in OPERATOR_STATUS) + "]"


def delivered_units(conn, filters: Filters) -> pd.DataFrame:
    """Actual delivery batches summed per unit, in SQL: what the overview's headline needs of the
    deliveries, without loading every delivery (a frame summaries.units_delivered accepts), from the
    build's counts (rollups.record_rollup)."""
    sql = f"""
    SELECT d.unit, sum(d.quantity) AS quantity, false AS planned, 'batch' AS basis
    FROM {RECORD_ROLLUP} d
    WHERE d.kind = 'delivery' AND NOT d.planned AND d.basis = 'batch' AND d.quantified > 0 AND d.unit IS NOT NULL
      AND {ROLLUP_WHERE}
    GROUP BY d.unit ORDER BY d.unit"""
    return run(conn, sql, filters)


def country_status(conn, filters: Filters) -> pd.DataFrame:
    """Operator status per buyer state among the deals in view, with names and map points: for
    each state the strongest of its statuses for the systems in view (derive.country_status)."""
    sql = f"""
    WITH counts AS (SELECT d.buyer_iso3 AS iso3, count(*) AS deal_count FROM {DEAL_ROWS} d
                    WHERE {DEALS_WHERE} AND d.buyer_iso3 IS NOT NULL GROUP BY d.buyer_iso3),
    ranked AS (SELECT cs.*, list_position({RANKS}, cs.operator_status) AS rank FROM country_status cs
               WHERE {IN_SYSTEMS_CHOSEN}),
    best AS (SELECT iso3, arg_min(operator_status, rank) AS operator_status, arg_min(basis, rank) AS basis
             FROM ranked GROUP BY iso3)
    SELECT b.iso3, c.name, b.operator_status, b.basis, c.label_lat, c.label_lon, n.deal_count
    FROM best b JOIN countries c USING (iso3) JOIN counts n USING (iso3)
    ORDER BY c.name"""
    return run(conn, sql, filters)


def deal_pairs(conn, filters: Filters) -> pd.DataFrame:
    """Deals in view summed per (supplier, buyer, status), with both countries' map points: what
    the headline and the map's arcs need, a row per pair rather than per deal. ``deal_count``
    deals, ``counted_deals`` of them counted in totals (derive.deal_counting), ``valued_deals`` of
    those with a nominal USD value, summed in ``value_usd_nominal``."""
    sql = f"""
    SELECT d.supplier_code, d.supplier, d.supplier_kind, d.buyer_code, d.buyer, d.buyer_kind, d.status,
           count(*) AS deal_count, count(*) FILTER (WHERE d.counted_in_totals) AS counted_deals,
           count(d.value_usd_nominal) FILTER (WHERE d.counted_in_totals) AS valued_deals,
           sum(d.value_usd_nominal) FILTER (WHERE d.counted_in_totals) AS value_usd_nominal,
           any_value(d.buyer_lat) AS buyer_lat, any_value(d.buyer_lon) AS buyer_lon,
           any_value(d.supplier_lat) AS supplier_lat, any_value(d.supplier_lon) AS supplier_lon
    FROM {DEAL_ROWS} d WHERE {DEALS_WHERE}
    GROUP BY ALL ORDER BY supplier, buyer, d.status"""
    return run(conn, sql, filters)


def deal_years(conn, filters: Filters) -> pd.DataFrame:
    """Deals in view counted in totals, summed per (year, buyer, currency, status), as charts.value_by_year
    reads deals: each value column the sum of the known values (NULL when none is known)."""
    sql = f"""
    SELECT d.year, d.buyer, d.value_currency, d.status, count(*) AS deal_count,
           sum(d.value_amount) AS value_amount, sum(d.value_usd_nominal) AS value_usd_nominal,
           sum(d.value_usd_constant) AS value_usd_constant
    FROM {DEAL_ROWS} d WHERE {DEALS_WHERE} AND d.counted_in_totals
    GROUP BY ALL ORDER BY year, buyer, d.value_currency, d.status"""
    return run(conn, sql, filters)


def money_deals(conn, filters: Filters) -> pd.DataFrame:
    """The deals counted in totals with a USD value, as charts.money_flows reads them: deals with
    payments in view one by one, the others (whose whole value is a balance) summed per buyer,
    exporter and manufacturer, which gives the same flows in far fewer rows."""
    sql = f"""
    WITH paid AS (SELECT DISTINCT d.deal_id FROM {PAYMENT_ROWS} d WHERE {PAYMENTS_WHERE}),
    eligible AS (
        SELECT CASE WHEN paid.deal_id IS NULL THEN NULL ELSE d.deal_id END AS deal_id, d.buyer,
               d.seller, d.manufacturer, d.status,
               CASE WHEN d.value_usd_nominal > 0 THEN d.value_usd_nominal END AS nominal,
               CASE WHEN d.value_usd_constant > 0 THEN d.value_usd_constant END AS constant
        FROM {DEAL_ROWS} d LEFT JOIN paid ON paid.deal_id = d.deal_id
        WHERE {DEALS_WHERE} AND d.counted_in_totals
          AND (d.value_usd_nominal > 0 OR d.value_usd_constant > 0))
    SELECT deal_id, buyer, seller, manufacturer, any_value(status) AS status,
           sum(nominal) AS value_usd_nominal, sum(constant) AS value_usd_constant
    FROM eligible GROUP BY ALL ORDER BY buyer, seller NULLS LAST, manufacturer NULLS LAST, deal_id NULLS FIRST"""
    return run(conn, sql, filters)


def money_payments(conn, filters: Filters) -> pd.DataFrame:
    """The payments in view with a USD amount, as charts.money_flows reads them (date order)."""
    sql = f"""
    SELECT d.deal_id, d.kind, d.date_start, d.usd_nominal, d.usd_constant
    FROM {PAYMENT_ROWS} d
    WHERE {PAYMENTS_WHERE} AND (d.usd_nominal > 0 OR d.usd_constant > 0)
    ORDER BY d.sort_date, d.payment_id"""
    return run(conn, sql, filters)


def timeline_years(conn, filters: Filters, lanes: int = 25) -> pd.DataFrame:
    """Records in view counted per buyer lane and calendar year, for the timeline at scale:
    signatures (kind 'signed'), deliveries (kind 'delivery', by planned, schedule and basis) and deal
    events (kind 'event', by type), for the ``lanes`` buyers with the most deals and deliveries
    (``buyers_in_view`` buyers have any). Read from the build's counts (rollups.timeline_marks),
    filtered as the records are: thousands of rows where the records are a million."""
    sql = f"""
    WITH r AS (SELECT * FROM {RECORD_ROLLUP} d WHERE {ROLLUP_WHERE}),
    busiest AS (
        SELECT buyer_code, sum(n) AS n, count(*) OVER () AS buyers_in_view FROM r
        WHERE kind IN ('deal', 'delivery') GROUP BY buyer_code ORDER BY n DESC, buyer_code LIMIT $lanes)
    SELECT CASE r.kind WHEN 'deal' THEN 'signed' ELSE r.kind END AS kind, r.buyer_code, c.name AS buyer,
           r.planned, r.schedule, r.basis, r.type, r.mark_year AS year, sum(r.n)::BIGINT AS n,
           any_value(busiest.buyers_in_view) AS buyers_in_view
    FROM r JOIN busiest USING (buyer_code) JOIN all_parties c ON c.code = r.buyer_code
    WHERE r.kind IN ('deal', 'delivery', 'event') AND r.mark_year IS NOT NULL
    GROUP BY ALL ORDER BY 1, 2, 4, 5, 6, 7, 8"""
    return run(conn, sql, filters, lanes=lanes)


def cumulative_years(conn, filters: Filters, series: int = 12) -> pd.DataFrame:
    """Deliveries with a quantity, unit and date, summed per (buyer, unit, planned, basis, year)
    for the ``series`` (buyer, unit) pairs with the largest batch totals: the cumulative chart at
    scale, from the build's counts (rollups.record_rollup). ``series_in_view`` is how many
    (buyer, unit) pairs there are in all."""
    sql = f"""
    WITH usable AS (
        SELECT d.buyer_code, d.unit, d.planned, d.basis, d.mark_year AS year, d.quantified, d.quantity
        FROM {RECORD_ROLLUP} d
        WHERE {ROLLUP_WHERE} AND d.kind = 'delivery' AND d.quantified > 0 AND d.unit IS NOT NULL
          AND d.mark_year IS NOT NULL),
    ranked AS (
        SELECT buyer_code, unit, sum(quantity) FILTER (WHERE basis = 'batch') AS batches,
               count(*) OVER () AS series_in_view
        FROM usable GROUP BY buyer_code, unit),
    chosen AS (SELECT * FROM ranked WHERE batches IS NOT NULL
               ORDER BY batches DESC, buyer_code, unit LIMIT $series)
    SELECT u.buyer_code, c.name AS buyer, u.unit, u.planned, u.basis, u.year, sum(u.quantified)::BIGINT AS n,
           sum(u.quantity) AS quantity, any_value(ch.series_in_view) AS series_in_view
    FROM usable u JOIN chosen ch USING (buyer_code, unit) JOIN all_parties c ON c.code = u.buyer_code
    GROUP BY ALL ORDER BY u.buyer_code, u.unit, u.planned, u.basis, u.year"""
    return run(conn, sql, filters, series=series)


def counted_deals(conn, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """The contracted deals in view, those totals add (counted) first, then those they leave out,
    each with the reason and its nominal USD value: what a headline total is made of, deal by
    deal. The first ``limit``; ``total`` is how many there are."""
    sql = f"""
    SELECT {select_list(COUNTED_DEALS)}, count(*) OVER () AS total
    FROM {DEAL_ROWS} d JOIN deal_counting k ON k.deal_id = d.deal_id
    WHERE {DEALS_WHERE} AND k.contracted
    ORDER BY NOT k.counted, d.buyer, d.deal_id LIMIT $limit"""
    return run(conn, sql, filters, limit=limit)


def headline(conn, filters: Filters) -> dict:
    """The overview's headline figures for a view, and what the total counts, as plain values
    (for the bundle's manifest and the CLI; the page draws the same from its cached frames)."""
    figures = summaries.headline(deal_pairs(conn, filters), delivered_units(conn, filters),
                                 country_status(conn, filters))
    return summaries.headline_record(figures, counted_deals(conn, filters))
