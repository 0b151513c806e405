"""The register's rows read and checked: each becomes a Register, each problem is recorded with
its line and column.
"""

import csv
import re
from dataclasses import dataclass, field

from ...validate import Problem
from .layout import (COMMENTS, DELIVERED, DELIVERY_YEARS, DESCRIPTION, DESIGNATION, HEADER_MARKERS, ORDER_YEAR,
                     ORDERED, OTHER_DELIMITERS, RECIPIENT, STATUS, SUPPLIER, TIV_DELIVERED, TIV_ORDER, TIV_UNIT,
                     Header, column_positions)
from .values import MARKS, Count, parse_number, parse_year, resolve_country

MAX_FIELD = 2000


@dataclass
class Register:
    """One register row, parsed; fields that failed to parse are empty."""

    line: int
    recipient: str
    buyer: str
    seller: str
    supplier: str
    order_year: str
    order_year_key: str  # the cell without SIPRI's marks, even when not a valid year
    ordered: Count
    designation: str
    description: str
    delivered: Count
    delivery_years: list[str]
    status: str
    comments: str
    tiv: dict[str, str]
    uncertain: bool


@dataclass
class Context:
    """What every row needs: file name, country lookup and the last plausible year."""

    file_name: str
    codes: dict[str, str]
    known: set[str]
    last_year: int
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line, column, rule, message) -> None:
        """Record one problem in the import file."""
        self.problems.append(Problem(self.file_name, line, column, rule, message))


def header_problem(ctx: Context, header: Header | None) -> bool:
    """Record why the header cannot be used (none, wrong delimiter, missing columns)."""
    if header is None:
        ctx.problem(None, None, "missing columns",
                    "no header row with " + ", ".join(HEADER_MARKERS) + " found")
        return True
    if header.delimiter != ",":
        ctx.problem(header.line, None, "wrong delimiter",
                    f"the file is separated by {OTHER_DELIMITERS[header.delimiter]}, "
                    "SIPRI exports use commas")
        return True
    missing = column_positions(header)[1]
    if missing:
        ctx.problem(header.line, None, "missing columns",
                    "the header row lacks " + ", ".join(missing))
        return True
    return False


def read_records(ctx: Context, lines: list[str], start: int):
    """Yield (first line, cells) of each non-blank record after line ``start``.

    Quoted cells may span lines; broken quoting is a problem and ends the reading.
    """
    reader = csv.reader(lines[start:], strict=True)
    consumed = 0
    try:
        for cells in reader:
            first, consumed = start + consumed + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield first, cells
    except csv.Error as error:
        ctx.problem(start + consumed + 1, None, "malformed CSV", str(error))


def row_shape_ok(ctx: Context, line: int, cells: list[str], width: int, needed: int) -> bool:
    """A row must reach every named column and put nothing beyond the header."""
    if len(cells) < needed or any(c.strip() for c in cells[width:]):
        ctx.problem(line, None, "malformed row",
                    f"has {len(cells)} cells, the header has {width} (an unquoted comma?)")
        return False
    return True


def _country(ctx: Context, line: int, column: str, name: str) -> str:
    """ISO3 of a country cell, or '' after recording why it cannot be used."""
    if not name:
        ctx.problem(line, column, "required", f"{column} is empty")
        return ""
    code = resolve_country(name, ctx.codes)
    if code is None:
        ctx.problem(line, column, "unknown country", f"'{name}' is not a known country name")
        return ""
    if ctx.known and code not in ctx.known:
        ctx.problem(line, column, "unknown country",
                    f"'{name}' is {code}, which is not in the countries table")
        return ""
    return code


def _count(ctx: Context, line: int, column: str, raw: str, mark: str, integer=True) -> Count:
    """A number cell (with its uncertainty column's mark), or an empty count after a problem."""
    try:
        count = parse_number(raw, integer)
    except ValueError as error:
        ctx.problem(line, column, "not a number", str(error))
        return Count(raw.strip(), "", False, False)
    return Count(count.raw, count.text, count.estimate, count.uncertain or "?" in mark)


def _delivery_years(ctx: Context, line: int, raw: str) -> tuple[list[str], bool]:
    """The delivery years ('2021; 2022'), each checked, without repeats; and any uncertain."""
    years, uncertain = [], False
    for part in (p for p in re.split(r"[;,]", raw) if p.strip()):
        try:
            year, doubt = parse_year(part, ctx.last_year)
        except ValueError as error:
            rule, message = error.args
            ctx.problem(line, DELIVERY_YEARS, rule, f"delivery year {message}")
            continue
        uncertain |= doubt
        if year not in years:
            years.append(year)
    return years, uncertain


def _check_lengths(ctx: Context, line: int, cells: list[str], at: dict[str, int]) -> None:
    """Record each cell longer than MAX_FIELD, by its column's name where it has one."""
    for index, value in enumerate(cells):
        if len(value) > MAX_FIELD:
            name = next((n for n, i in at.items() if i == index and not n.endswith(" ?")),
                        f"column {index + 1}")
            ctx.problem(line, name, "too long",
                        f"is {len(value)} characters, the limit is {MAX_FIELD}")


def _order_year(ctx: Context, line: int, raw: str, mark: str) -> tuple[str, bool]:
    """The year of order ('' after a problem), and whether SIPRI marks it uncertain."""
    if not raw:
        ctx.problem(line, ORDER_YEAR, "required", f"{ORDER_YEAR} is empty")
        return "", "?" in mark
    try:
        year, doubt = parse_year(raw, ctx.last_year)
    except ValueError as error:
        ctx.problem(line, ORDER_YEAR, *error.args)
        return "", "?" in mark
    return year, doubt or "?" in mark


def parse_register(ctx: Context, line: int, cells: list[str], at: dict[str, int]) -> Register:
    """Check and parse one register row; problems go to the context."""
    def cell(name: str) -> str:
        return cells[at[name]].strip() if name in at and at[name] < len(cells) else ""

    _check_lengths(ctx, line, cells, at)
    if not cell(DESIGNATION):
        ctx.problem(line, DESIGNATION, "required", f"{DESIGNATION} is empty")
    order_year, year_doubt = _order_year(ctx, line, cell(ORDER_YEAR), cell(ORDER_YEAR + " ?"))
    ordered = _count(ctx, line, ORDERED, cell(ORDERED), cell(ORDERED + " ?"))
    delivered = _count(ctx, line, DELIVERED, cell(DELIVERED), cell(DELIVERED + " ?"))
    years, years_doubt = _delivery_years(ctx, line, cell(DELIVERY_YEARS))
    tiv = {}
    for name, key in ((TIV_UNIT, "tiv_per_unit"), (TIV_ORDER, "tiv_total_order"),
                      (TIV_DELIVERED, "tiv_delivered")):
        tiv[key] = _count(ctx, line, name, cell(name), "", integer=False).text

    return Register(
        line=line, recipient=cell(RECIPIENT), supplier=cell(SUPPLIER),
        buyer=_country(ctx, line, RECIPIENT, cell(RECIPIENT)),
        seller=_country(ctx, line, SUPPLIER, cell(SUPPLIER)),
        order_year=order_year, order_year_key=MARKS.sub("", cell(ORDER_YEAR)).strip(),
        ordered=ordered, designation=cell(DESIGNATION),
        description=cell(DESCRIPTION), delivered=delivered, delivery_years=years,
        status=cell(STATUS), comments=cell(COMMENTS), tiv=tiv,
        uncertain=year_doubt or years_doubt or ordered.uncertain or delivered.uncertain)
