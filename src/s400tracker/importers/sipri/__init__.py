"""Parse a SIPRI Arms Transfers Database trade-register CSV export into curated-table rows.

Pure: bytes in, rows and problems out. Nothing is written and no cell is ever evaluated;
the caller decides what to do with the rows (it refuses a file with any problem).

SIPRI writes Latin-1 text: some lines of notes, then the header row

    Recipient, Supplier, Year of order, <?>, Number ordered, <?>, Weapon designation,
    Weapon description, Number delivered, <?>, Year(s) of delivery, status, Comments,
    SIPRI TIV per unit, SIPRI TIV for total order, SIPRI TIV of delivered weapons

where each unnamed ``<?>`` column holds "?" when the value before it is uncertain. Numbers
in brackets are SIPRI estimates. TIV (trend-indicator value) is a volume index, not money:
it goes to its own ``tiv`` rows and never into a value column.

The package reads in steps, a module each: ``layout`` (text, lines, the header row),
``register`` (each row checked into a Register), ``values`` (what a cell means) and ``rows``
(curated rows from a Register).
"""

import datetime as dt
from dataclasses import dataclass

from ...validate import Problem
from .layout import Header, column_positions, decode, find_header, looks_like_sipri, note_lines, physical_lines
from .register import Context, header_problem, parse_register, read_records, row_shape_ok
from .rows import TIV_COLUMNS, add_rows, deal_id_for, empty_tables, source_id_for, source_row
from .values import fold, resolve_country, system_id_for


@dataclass
class ParsedImport:
    """What one export parsed into: rows per table (with their line), problems, the source id."""

    tables: dict[str, list[tuple[int, dict[str, str]]]]
    problems: list[Problem]
    source_id: str


def parse_sipri(data: bytes, file_name: str, country_codes: dict[str, str],
                imported_on: dt.date) -> ParsedImport:
    """Parse a SIPRI trade-register CSV export into curated rows, with every problem found.

    ``country_codes`` maps lower-case country names to ISO3. Rows come back even when there
    are problems (fields that failed are empty); the caller refuses a file with problems.
    Rows repeating a natural key already seen in the file are dropped silently.
    """
    source_id = source_id_for(data)
    codes = {fold(name): code for name, code in country_codes.items()}
    ctx = Context(file_name, codes, set(country_codes.values()), imported_on.year + 1)
    tables = empty_tables()
    text, problems = decode(data, file_name)
    if text is None:
        return ParsedImport(tables, problems, source_id)
    lines = physical_lines(text)
    header = find_header(lines)
    if header_problem(ctx, header):
        return ParsedImport(tables, ctx.problems, source_id)

    tables["sources"].append((1, source_row(source_id, file_name, note_lines(lines[:header.line - 1]),
                                            imported_on)))
    _add_register(ctx, tables, lines, header, source_id)
    return ParsedImport(tables, ctx.problems, source_id)


def _add_register(ctx: Context, tables: dict[str, list], lines: list[str], header: Header, source_id: str) -> None:
    """The rows of every register record below the header, each natural key once."""
    at, _ = column_positions(header)
    needed = max(i for n, i in at.items() if not n.endswith(" ?")) + 1
    seen: set[str] = set()
    new_systems: set[str] = set()
    for line, cells in read_records(ctx, lines, header.line):
        if not row_shape_ok(ctx, line, cells, len(header.cells), needed):
            continue
        reg = parse_register(ctx, line, cells, at)
        deal_id = deal_id_for(reg)
        if deal_id not in seen:
            seen.add(deal_id)
            add_rows(tables, reg, deal_id, source_id, new_systems)


__all__ = ["TIV_COLUMNS", "ParsedImport", "deal_id_for", "looks_like_sipri", "parse_sipri", "resolve_country",
           "source_id_for", "system_id_for"]
