"""The records an export reads into, whatever its layout, and the CSV records below its header.

A Record holds one deal's cells as the export gives them, uninterpreted, each with its line and
column, so every later step (name resolution, value checks) can say exactly where a problem is.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from ...validate import Notice, Problem
from .columns import COMMENTS, DESIGNATION, RECIPIENT, SUPPLIER

_GLUED = re.compile(r";+$")


class Cell(NamedTuple):
    """One cell (stripped) and where it is: its physical line and its column's name."""

    text: str
    line: int
    column: str


class Delivery(NamedTuple):
    """Deliveries as one row gives them: the year cell (one year, or SIPRI's '2021; 2022'), the
    number delivered over those years, each one's uncertainty mark, and the TIV delivered."""

    years: Cell
    years_mark: Cell
    number: Cell
    number_mark: Cell
    tiv: Cell


@dataclass
class Record:
    """One deal as the export gives it. Both layouts read into this; the database layout also
    fills the fields from ``deal_key`` on, which the classic trade register does not have."""

    layout: str
    line: int
    recipient: Cell
    supplier: Cell
    order_year: Cell
    order_year_mark: Cell
    ordered: Cell
    ordered_mark: Cell
    designation: Cell
    description: Cell
    status: Cell
    comments: Cell
    tiv_unit: Cell
    tiv_order: Cell
    deliveries: list[Delivery]
    deal_key: Cell | None = None
    category: Cell | None = None
    local_production: Cell | None = None
    sipri_estimate: Cell | None = None


@dataclass
class Log:
    """The problems and notices of reading one file."""

    file_name: str
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def problem(self, line, column, rule, message) -> None:
        """Record one problem in the file."""
        self.problems.append(Problem(self.file_name, line, column, rule, message))

    def at(self, cell: Cell, rule: str, message: str) -> None:
        """Record one problem at a cell."""
        self.problem(cell.line, cell.column, rule, message)

    def notice(self, line, column, rule, message) -> None:
        """Record one notice: something done to read the file, not a problem."""
        self.notices.append(Notice(self.file_name, line, column, rule, message))


def _csv_records(log: Log, lines: list[str], start: int) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, cells) of each non-blank CSV record after line ``start``.

    Quoted cells may span lines; broken quoting is a problem and ends the reading.
    """
    reader = csv.reader(lines[start:], strict=True)
    consumed = 0
    try:
        for cells in reader:
            first, consumed = start + consumed + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield first, start + consumed, cells
    except csv.Error as error:
        log.problem(start + consumed + 1, None, "malformed CSV", str(error))


def _rejoined(log: Log, piece: tuple[int, int, list[str]], rest: tuple[int, int, list[str]],
              at: dict[str, int]) -> list[str]:
    """The record whose Comments an unquoted line break cut in two, and the notice saying so.

    The break becomes a space, so no words run together.
    """
    (first, _, head), (_, last, tail) = piece, rest
    cells = head[:-1] + [f"{head[-1]} {tail[0]}"] + tail[1:]
    what = ", ".join(cells[at[name]].strip() for name in (RECIPIENT, SUPPLIER, DESIGNATION) if name in at)
    log.notice(first, COMMENTS, "rejoined record",
               f"lines {first}-{last} are one record ({what}) broken by a line break inside Comments; "
               "read as one")
    return cells


def records_below(log: Log, lines: list[str], start: int, width: int,
                  at: dict[str, int]) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each record after line ``start``, made whole.

    SIPRI writes no quotes, so a line break inside Comments splits a record into a piece that
    ends in Comments and a piece with the rest: the two are rejoined when together they have
    the header's ``width`` fields. Semicolons a spreadsheet re-save glued onto the last field
    are removed (the last column is a number or Yes/No, which never ends in one).
    """
    break_at = at.get(COMMENTS)
    pending = None
    glued: list[tuple[int, int]] = []
    for record in _csv_records(log, lines, start):
        if pending is not None:
            if len(pending[2]) + len(record[2]) - 1 == width:
                yield pending[0], _unglued(_rejoined(log, pending, record, at), width, pending[0], glued)
                pending = None
                continue
            yield pending[0], pending[2]
            pending = None
        if break_at is not None and len(record[2]) == break_at + 1:
            pending = record
            continue
        yield record[0], _unglued(record[2], width, record[0], glued)
    if pending is not None:
        yield pending[0], pending[2]
    if glued:
        counts = sorted(n for _, n in glued)
        log.notice(glued[0][0], None, "glued semicolons",
                   f"{len(glued)} lines, from line {glued[0][0]}, end with {counts[0]}-{counts[-1]} semicolons "
                   "glued onto the last field (a spreadsheet re-save); they were removed")


def _unglued(cells: list[str], width: int, line: int, glued: list[tuple[int, int]]) -> list[str]:
    """The cells without a run of semicolons glued onto the last field, noted in ``glued``."""
    if len(cells) == width and cells[-1].endswith(";"):
        run = _GLUED.search(cells[-1])
        glued.append((line, len(run.group())))
        cells[-1] = cells[-1][:run.start()]
    return cells


def shape_ok(log: Log, line: int, cells: list[str], width: int, needed: int) -> bool:
    """A row must reach every named column and put nothing beyond the header."""
    if len(cells) < needed or any(c.strip() for c in cells[width:]):
        log.problem(line, None, "malformed row",
                    f"has {len(cells)} cells, the header has {width} (an unquoted comma?)")
        return False
    return True
