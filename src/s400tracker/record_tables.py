"""The record tables: every deal, delivery, payment and event as its table shows it, joined once
by the build, so that a view reads one table instead of joining nine.

A record's row is fixed by the data alone (names, kinds, USD conversions, whether totals count
it, its sources' addresses), so it is joined when the data is written (``statements``, run by
``db.write_database`` for build, import and ``synth``), never per filter change. Planning the
joins was most of what a view cost at seed scale: the deals table's query took 45 ms, of which
join ordering alone was 13 ms, against about 15 ms for one table. Each row also carries, under
the names the filters read them (``kinds.filtered_columns``), what the filters read of its deal
and of itself, its year (``year``) and the date its table is ordered by (``sort_date``), so that
``filters.where("d", "d.year")`` puts it in view exactly as it puts the record in view through
its deal.
"""

from typing import NamedTuple

from .columns import CONVERSIONS, DEALS, DELIVERIES, EVENTS, PAYMENTS, Col, select_list
from .derive import MONEY_RECORD_TYPES
from .kinds import KINDS, filtered_columns, filtered_select


class RecordTable(NamedTuple):
    """One kind's table: ``name`` in the database, its ``columns`` (``columns``), how its table is
    ordered (``order``, over the stored names, with ``sort_date`` the date it reads), and its SQL
    before the build: ``page`` selects the record with its deal's names and the deal columns the
    filters read, ``joins`` adds the rest, and ``ctes`` are what those joins read besides the
    record's sources."""

    kind: str
    name: str
    columns: tuple[Col, ...]
    order: str
    sort_date: str
    page: str
    joins: str
    ctes: tuple[str, ...] = ()


def _sources(record_type: str) -> str:
    """CTE ``src``: each record's sources' addresses, once each, in order."""
    return f"""src AS (
        SELECT c.record_id, string_agg(DISTINCT coalesce(s.url, s.title), '; '
                                       ORDER BY coalesce(s.url, s.title)) AS sources
        FROM citations c JOIN sources s USING (source_id)
        WHERE c.record_type = '{record_type}' GROUP BY c.record_id)"""


def _usd(figure: str) -> str:
    return f"usd AS (SELECT record_id, usd_nominal, usd_constant FROM conversions WHERE figure = '{figure}')"


def _with_deal(kind: str) -> str:
    """The record of ``kind`` with the deal columns its table and the filters read."""
    k = KINDS[kind]
    deal_columns, _ = filtered_columns()
    wanted = dict.fromkeys(["buyer_iso3", "buyer_code", *deal_columns])
    return f"SELECT {k.alias}.*, {', '.join(f'd.{c} AS {c}' for c in wanted)} FROM {k.source}"


TABLES = {t.kind: t for t in (
    RecordTable("deal", "deal_rows", DEALS, "d.buyer, d.sort_date NULLS LAST, d.deal_id",
                "coalesce(d.signed_date, d.announced_date)",
                "SELECT d.*, b.name AS buyer FROM deals d JOIN all_parties b ON b.code = d.buyer_code",
                """JOIN all_parties b ON b.code = d.buyer_code JOIN all_parties s ON s.code = d.supplier_code
    JOIN systems sy USING (system_id)
    LEFT JOIN organizations seller ON seller.org_id = d.seller_org_id
    LEFT JOIN organizations maker ON maker.org_id = sy.manufacturer_org_id
    LEFT JOIN usd ON usd.record_id = d.deal_id
    LEFT JOIN src ON src.record_id = d.deal_id
    LEFT JOIN deal_counting k ON k.deal_id = d.deal_id""", (_usd("deal value"),)),
    RecordTable("delivery", "delivery_rows", DELIVERIES, "d.sort_date, d.delivery_id", "v.date",
                _with_deal("delivery"),
                """JOIN all_parties b ON b.code = v.buyer_code
    LEFT JOIN src ON src.record_id = v.delivery_id
    LEFT JOIN delivery_schedule sch ON sch.delivery_id = v.delivery_id"""),
    RecordTable("payment", "payment_rows", PAYMENTS, "d.sort_date, d.payment_id", "p.date",
                _with_deal("payment"),
                """JOIN all_parties b ON b.code = p.buyer_code
    LEFT JOIN organizations payer ON payer.org_id = p.payer_org_id
    LEFT JOIN organizations payee ON payee.org_id = p.payee_org_id
    LEFT JOIN usd ON usd.record_id = p.payment_id
    LEFT JOIN src ON src.record_id = p.payment_id""", (_usd("payment"),)),
    RecordTable("event", "event_rows", EVENTS, "d.sort_date DESC, d.event_id", "e.date",
                _with_deal("event"),
                """LEFT JOIN src ON src.record_id = e.event_id
    LEFT JOIN (SELECT event_id, list(iso3 ORDER BY iso3) AS codes FROM event_countries GROUP BY event_id) codes
      USING (event_id)"""),
)}


def _hidden(table: RecordTable) -> list[str]:
    """SELECT items the table keeps for the filters and its order, beside its columns: what the
    filters read of the record and its deal, under the names they read, its year, its sort date."""
    k, shown = KINDS[table.kind], {c.name for c in table.columns}
    deal_columns, own_columns = filtered_columns()
    items = {c: f"{k.alias}.{c}" for c in (*deal_columns, *own_columns) if c not in shown}
    if "year" not in shown:
        items["year"] = k.year
    items["sort_date"] = table.sort_date
    return [f"{sql} AS {name}" for name, sql in items.items()]


def joined_sql(table: RecordTable) -> str:
    """Every record of the table's kind as a row of it, joined from the curated and derived tables."""
    ctes = ",\n    ".join([f"page AS ({table.page})", _sources(table.kind), *table.ctes])
    alias = KINDS[table.kind].alias
    return (f"WITH {ctes}\n    SELECT {select_list(table.columns)}, {', '.join(_hidden(table))}\n"
            f"    FROM page {alias}\n    {table.joins}")


# Each money figure with its conversion (``conversions``), as the conversions table shows it,
# with what the filters read of the record it is about (a deal, or a payment and its deal) and
# that record's year, ``record_year``: the table's own ``year`` is the exchange rate's.
CONVERSION_ROWS = "conversion_rows"
CONVERSIONS_ORDER = "d.record_id, d.figure, d.citation_id NULLS FIRST"


def conversions_sql() -> str:
    """Every money figure as a row of the conversions table, joined from the curated and derived tables."""
    about = " UNION ALL ".join(
        f"SELECT x.*, {', '.join(filtered_select(k))}, {k.year} AS record_year FROM {k.source} "
        f"JOIN conversions x ON x.record_type = '{k.name}' AND x.record_id = {k.alias}.{k.id}"
        for k in (KINDS[name] for name in MONEY_RECORD_TYPES))
    deal_columns, own_columns = filtered_columns()
    hidden = ", ".join(f"x.{c}" for c in (*deal_columns, *own_columns, "record_year"))
    return (f"SELECT {select_list(CONVERSIONS)}, {hidden} FROM ({about}) x "
            "LEFT JOIN sources fx ON fx.source_id = x.fx_source_id "
            "LEFT JOIN sources cpi ON cpi.source_id = x.cpi_source_id")


def statements() -> tuple[str, ...]:
    """The SQL creating the record tables and the conversions' rows (after the derived tables they read)."""
    return (*(f"CREATE TABLE {t.name} AS {joined_sql(t)}" for t in TABLES.values()),
            f"CREATE TABLE {CONVERSION_ROWS} AS {conversions_sql()}")


def stored_list(table: RecordTable, only: tuple[str, ...] | None = None) -> str:
    """The SELECT list of a table's query over its stored rows: its columns in list order, or
    only those named in ``only`` (ValueError for a name the table has not)."""
    names = [c.name for c in table.columns if c.sql]
    unknown = set(only or ()) - set(names)
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(sorted(unknown))}")
    return ", ".join(f"d.{name}" for name in names if only is None or name in only)
