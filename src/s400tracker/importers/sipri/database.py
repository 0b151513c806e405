"""The database layout SIPRI's site exports today (17 columns) read into Records.

It has one row per deal per delivery year: the rows sharing a ``SIPRI AT Database ID`` are one
deal, and their delivery years and numbers delivered are that deal's deliveries. Uncertainty is
in Yes/No "is estimate" columns. It has no number ordered, no Comments and no TIV of the whole
order; it adds the armament category, local production and SIPRI's estimate of a new unit's TIV.
"""

from .columns import (CATEGORY, COMMENTS, DATABASE, DB_DESCRIPTION, DB_DESIGNATION, DB_STATUS, DEAL_KEY,
                      DELIVERY_YEAR, DELIVERY_YEAR_EST, LOCAL_PRODUCTION, NUMBERS, NUMBERS_EST, ORDER_DATE,
                      ORDER_DATE_EST, ORDERED, RECIPIENT, SIPRI_ESTIMATE, SUPPLIER, TIV_DEAL_UNIT, TIV_DELIVERY,
                      TIV_ORDER)
from .layout import Header
from .records import Cell, Delivery, Log, Record, shape_ok

# The Record field of each column that is the deal's, not the delivery year's: every row of a
# deal must agree on them.
_DEAL_FIELDS = {SUPPLIER: "supplier", RECIPIENT: "recipient", DB_DESIGNATION: "designation",
                DB_DESCRIPTION: "description", CATEGORY: "category", ORDER_DATE: "order_year",
                ORDER_DATE_EST: "order_year_mark", DB_STATUS: "status", SIPRI_ESTIMATE: "sipri_estimate",
                TIV_DEAL_UNIT: "tiv_unit", LOCAL_PRODUCTION: "local_production"}


def read_database(log: Log, rows: list[tuple[int, list[str]]], header: Header, at: dict[str, int]) -> list[Record]:
    """One Record per deal id, in the order the ids first appear, with a delivery per row."""
    width, needed = len(header.cells), max(at.values()) + 1
    deals: dict[str, Record] = {}
    for line, cells in rows:
        if not shape_ok(log, line, cells, width, needed):
            continue
        row = {name: Cell(cells[index].strip(), line, name) for name, index in at.items()}
        key = row[DEAL_KEY]
        if not key.text:
            log.at(key, "required", f"{DEAL_KEY} is empty")
            continue
        delivery = Delivery(row[DELIVERY_YEAR], row[DELIVERY_YEAR_EST], row[NUMBERS], row[NUMBERS_EST],
                            row[TIV_DELIVERY])
        record = deals.get(key.text)
        if record is None:
            deals[key.text] = _record(row, delivery)
        else:
            _check_same(log, record, row)
            _check_new_year(log, record, delivery)
            record.deliveries.append(delivery)
    return list(deals.values())


def _record(row: dict[str, Cell], delivery: Delivery) -> Record:
    """The deal of a deal id's first row; the columns this layout lacks are empty cells."""
    line = row[DEAL_KEY].line
    deal = {attribute: row[name] for name, attribute in _DEAL_FIELDS.items()}
    return Record(layout=DATABASE, line=line, ordered=Cell("", line, ORDERED),
                  ordered_mark=Cell("", line, ORDERED + " ?"), comments=Cell("", line, COMMENTS),
                  tiv_order=Cell("", line, TIV_ORDER), deliveries=[delivery], deal_key=row[DEAL_KEY], **deal)


def _check_same(log: Log, record: Record, row: dict[str, Cell]) -> None:
    """A later row of a deal must repeat the deal's own columns; where it differs is a problem."""
    for name, attribute in _DEAL_FIELDS.items():
        first = getattr(record, attribute)
        if row[name].text != first.text:
            log.at(row[name], "inconsistent deal",
                   f"{DEAL_KEY} {record.deal_key.text} has '{row[name].text}' here but '{first.text}' "
                   f"on line {first.line}")


def _check_new_year(log: Log, record: Record, delivery: Delivery) -> None:
    """A deal has one row per delivery year: a year given twice would merge two rows' numbers."""
    earlier = next((d.years for d in record.deliveries if d.years.text == delivery.years.text), None)
    if earlier is not None:
        log.at(delivery.years, "inconsistent deal",
               f"{DEAL_KEY} {record.deal_key.text} has delivery year {earlier.text} on line {earlier.line} too")
