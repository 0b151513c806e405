"""The classic trade register (16 columns, one row per deal) read into Records.

Its three uncertainty columns are each named by a single space, so they are read by position:
the column right after Year of order, Number ordered and Number delivered.
"""

from .columns import (CLASSIC, COMMENTS, DELIVERED, DELIVERY_YEARS, DESCRIPTION, DESIGNATION, ORDER_YEAR, ORDERED,
                      RECIPIENT, STATUS, SUPPLIER, TIV_DELIVERED, TIV_ORDER, TIV_UNIT)
from .layout import Header
from .records import Cell, Delivery, Log, Record, shape_ok


def read_classic(log: Log, rows: list[tuple[int, list[str]]], header: Header, at: dict[str, int]) -> list[Record]:
    """A Record of every well-formed row; a malformed one is a problem and is skipped."""
    width = len(header.cells)
    needed = max(i for n, i in at.items() if not n.endswith(" ?")) + 1
    return [_record(line, cells, at) for line, cells in rows if shape_ok(log, line, cells, width, needed)]


def _record(line: int, cells: list[str], at: dict[str, int]) -> Record:
    """One row's cells as a Record, each named by its column (an uncertainty column as 'X ?')."""
    def cell(name: str) -> Cell:
        index = at.get(name)
        return Cell(cells[index].strip() if index is not None else "", line, name)

    return Record(
        layout=CLASSIC, line=line, recipient=cell(RECIPIENT), supplier=cell(SUPPLIER),
        order_year=cell(ORDER_YEAR), order_year_mark=cell(ORDER_YEAR + " ?"),
        ordered=cell(ORDERED), ordered_mark=cell(ORDERED + " ?"),
        designation=cell(DESIGNATION), description=cell(DESCRIPTION), status=cell(STATUS),
        comments=cell(COMMENTS), tiv_unit=cell(TIV_UNIT), tiv_order=cell(TIV_ORDER),
        deliveries=[Delivery(cell(DELIVERY_YEARS), Cell("", line, DELIVERY_YEARS + " ?"), cell(DELIVERED),
                             cell(DELIVERED + " ?"), cell(TIV_DELIVERED))])
