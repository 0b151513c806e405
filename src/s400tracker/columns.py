"""Each table's columns, listed once: what the query selects, what the CSV holds, what the screen shows.

A column is one record: its name, its SELECT expression (aliases as the query in ``queries``
names them; None for a column the page adds, such as the competing claims), whether it is in the
table's documented CSV (in list order: that order is a public interface, extra columns only ever
go at the end), and where it sits on screen, if at all, with its label and display kind.
The SELECT list, the CSV columns and the screen columns are all read from these lists.
"""

from dataclasses import dataclass

from .dates import deal_year_sql, partial_date_sql

# Display kinds the page knows how to draw (ui/records.py): plain, compact money, wide text, a link.
PLAIN, MONEY, WIDE, LINK = "plain", "money", "wide", "link"


@dataclass(frozen=True)
class Col:
    """One column of a table as the app shows and exports it."""

    name: str
    sql: str | None
    csv: bool = True
    screen: int | None = None  # position on screen; None: not shown
    label: str | None = None   # screen header, when not the name
    kind: str = PLAIN


def _partial(alias: str, column: str, name: str | None = None, **shown) -> Col:
    return Col(name or column, partial_date_sql(f"{alias}.{column}"), **shown)


SOURCES_OF_RECORD = Col("sources", "src.sources", screen=99, kind=WIDE)  # last on screen
ORIGIN_OF = {alias: Col("origin", f"{alias}.origin", screen=98) for alias in "dvpes"}
IMPORT_OF = {alias: Col("import_id", f"{alias}.import_id") for alias in "dvpes"}
DISPUTED = Col("disputed", None, csv=False, screen=90, label="competing claims", kind=WIDE)

DEALS = (
    Col("deal_id", "d.deal_id", screen=0), Col("buyer_iso3", "d.buyer_iso3"), Col("buyer", "d.buyer", screen=1),
    Col("supplier_iso3", "d.supplier_iso3"), Col("supplier", "s.name"), Col("system", "sy.name"),
    Col("status", "d.status", screen=2), _partial("d", "signed_date", screen=3),
    Col("date_precision", "d.signed_date_precision"), Col("quantity", "d.quantity", screen=4),
    Col("unit", "d.unit", screen=5), Col("value_amount", "d.value_amount", screen=6, kind=MONEY),
    Col("value_currency", "d.value_currency", screen=7),
    Col("value_usd_nominal", "usd.usd_nominal", screen=8, label="value (US$, nominal)", kind=MONEY),
    Col("value_usd_constant", "usd.usd_constant"), Col("confidence", "d.confidence", screen=9),
    SOURCES_OF_RECORD, Col("title", "d.title", screen=91), _partial("d", "announced_date"),
    Col("quantity_note", "d.quantity_note"), Col("value_qualifier", "d.value_qualifier"),
    Col("usd_base_year", "(SELECT usd_base_year FROM data_version)"), Col("seller", "seller.name"),
    Col("financing", "d.financing"), Col("notes", "d.notes"), ORIGIN_OF["d"], IMPORT_OF["d"],
    Col("parent_deal_id", "d.parent_deal_id"), Col("relation", "coalesce(d.relation, 'contract')"),
    Col("counted_in_totals", "k.counted"), Col("counting_reason", "k.reason"),
    # Who, as a party: a state's ISO3 or another party's code, and its kind (schema.PARTY_KIND).
    Col("buyer_code", "d.buyer_code"), Col("buyer_kind", "b.kind", screen=92, label="buyer is a"),
    Col("supplier_code", "d.supplier_code"), Col("supplier_kind", "s.kind"),
    # SIPRI's armament category of the system, and the system the deal's weapons are part of (its
    # own missiles and radars: filters.PARTS).
    Col("system_category", "sy.armament_category"), Col("for_system_id", "d.for_system_id"),
    # for the charts and the map, not the CSV
    Col("manufacturer", "maker.name", csv=False), Col("signed_start", "d.signed_date::TIMESTAMP", csv=False),
    Col("year", deal_year_sql("d"), csv=False), Col("buyer_lat", "b.label_lat", csv=False),
    Col("buyer_lon", "b.label_lon", csv=False), Col("supplier_lat", "s.label_lat", csv=False),
    Col("supplier_lon", "s.label_lon", csv=False), DISPUTED,
)

DELIVERIES = (
    Col("delivery_id", "v.delivery_id", screen=0), Col("deal_id", "v.deal_id", screen=1),
    Col("buyer_iso3", "v.buyer_iso3"), _partial("v", "date", screen=3),
    Col("date_precision", "v.date_precision", screen=4), Col("quantity", "v.quantity", screen=5),
    Col("unit", "v.unit", screen=6), Col("planned", "v.planned"),
    Col("confidence", "v.confidence", screen=9), SOURCES_OF_RECORD, Col("buyer", "b.name", screen=2),
    Col("basis", "v.basis", screen=7), Col("quantity_qualifier", "v.quantity_qualifier"),
    Col("quantity_note", "v.quantity_note"), Col("description", "v.description", screen=91),
    ORIGIN_OF["v"], IMPORT_OF["v"],
    Col("schedule", "sch.schedule", screen=8),  # actual, planned, or overdue (a plan whose date has passed)
    Col("buyer_code", "v.buyer_code"),  # the buyer as a party (buyer_iso3 is empty for a non-state one)
    Col("date_start", "v.date::TIMESTAMP", csv=False), DISPUTED,
)

PAYMENTS = (
    Col("payment_id", "p.payment_id", screen=0), Col("deal_id", "p.deal_id", screen=1),
    Col("buyer_iso3", "p.buyer_iso3"), Col("payer", "payer.name", screen=2), Col("payee", "payee.name", screen=3),
    _partial("p", "date", screen=4), Col("date_precision", "p.date_precision"),
    Col("amount", "p.amount", screen=5, kind=MONEY), Col("currency", "p.currency", screen=6),
    Col("amount_qualifier", "p.amount_qualifier"),
    Col("usd_nominal", "usd.usd_nominal", screen=7, label="US$ nominal", kind=MONEY),
    Col("usd_constant", "usd.usd_constant"), Col("kind", "p.kind", screen=8),
    Col("confidence", "p.confidence", screen=9), SOURCES_OF_RECORD, Col("description", "p.description"),
    ORIGIN_OF["p"], IMPORT_OF["p"], Col("buyer_code", "p.buyer_code"),
    Col("buyer", "b.name", csv=False), Col("date_start", "p.date::TIMESTAMP", csv=False), DISPUTED,
)

EVENTS = (
    Col("event_id", "e.event_id", screen=0), _partial("e", "date", screen=1), Col("date_precision", "e.date_precision"),
    Col("type", "e.type", screen=2), Col("countries", "array_to_string(coalesce(codes.codes, []), '; ')", screen=3),
    Col("title", "e.title", screen=4, kind=WIDE), Col("confidence", "e.confidence", screen=5),
    SOURCES_OF_RECORD, Col("description", "e.description"), Col("deal_id", "e.deal_id", screen=6),
    ORIGIN_OF["e"], IMPORT_OF["e"],
    Col("date_start", "e.date::TIMESTAMP", csv=False), Col("buyer_code", "e.buyer_code", csv=False),
)

SOURCES = (
    Col("source_id", "s.source_id", screen=0), Col("url", "s.url"), Col("title", "s.title", screen=2, kind=WIDE),
    Col("publisher", "s.publisher", screen=3), _partial("s", "published_date", screen=4),
    Col("accessed_date", "strftime(s.accessed_date, '%Y-%m-%d')"), Col("records", "n.records", screen=5),
    Col("supports", "n.supports", screen=6, kind=WIDE), ORIGIN_OF["s"], IMPORT_OF["s"],
    Col("link", None, csv=False, screen=1, label="link", kind=LINK),
)

CONVERSIONS = (
    Col("figure", "x.figure", screen=1), Col("record_type", "x.record_type"), Col("record_id", "x.record_id", screen=0),
    Col("citation_id", "x.citation_id"), Col("amount", "x.amount", screen=2, kind=MONEY),
    Col("currency", "x.currency", screen=3), Col("qualifier", "x.qualifier", screen=4),
    Col("year", "x.fx_year", screen=5), Col("fx_rate", "x.fx_rate", screen=6),
    Col("fx_source", "coalesce(fx.url, fx.title)", screen=9, label="rate source"),
    Col("usd_nominal", "x.usd_nominal", screen=7, label="US$ nominal", kind=MONEY),
    Col("cpi_year_value", "x.cpi_year_value"), Col("cpi_base_value", "x.cpi_base_value"),
    Col("usd_constant", "x.usd_constant", screen=8, label="US$ constant", kind=MONEY),
    Col("base_year", "x.base_year"), Col("cpi_source", "coalesce(cpi.url, cpi.title)", screen=10, label="CPI source"),
    Col("note", "x.note", screen=11),
)

# Read from the build's deal rows (record_tables), beside the deal's counting verdict ``k``.
COUNTED_DEALS = (
    Col("deal_id", "d.deal_id", screen=0), Col("buyer", "d.buyer", screen=1), Col("status", "d.status", screen=2),
    Col("relation", "d.relation", screen=3), Col("parent_deal_id", "d.parent_deal_id", screen=4),
    Col("counted_in_totals", "k.counted", screen=5, label="counted in totals"),
    Col("value_usd_nominal", "d.value_usd_nominal", screen=6, label="value (US$, nominal)", kind=MONEY),
    Col("counting_reason", "k.reason", screen=7, label="why", kind=WIDE),
)

TABLE_COLUMNS = {"deals": DEALS, "counted_deals": COUNTED_DEALS, "deliveries": DELIVERIES, "payments": PAYMENTS,
                 "events": EVENTS,
                 "sources": SOURCES, "conversions": CONVERSIONS}
EXPORTED = ("deals", "deliveries", "payments", "events", "sources")  # the tables of the bundle and the CLI


def select_list(columns: tuple[Col, ...]) -> str:
    """The SELECT list of a table's query: every column with an expression, in list order."""
    return ", ".join(f"{c.sql} AS {c.name}" for c in columns if c.sql)


def csv_columns(table: str) -> list[str]:
    """The documented CSV columns of a table, in their stable order."""
    return [c.name for c in TABLE_COLUMNS[table] if c.csv]


def screen_columns(table: str) -> list[Col]:
    """The columns a table shows on screen, in screen order."""
    return sorted((c for c in TABLE_COLUMNS[table] if c.screen is not None), key=lambda c: c.screen)
