"""Parse a SIPRI Arms Transfers Database export into curated-table rows.

Pure: bytes in, rows, problems and notices out. Nothing is written and no cell is ever
evaluated; the caller decides what to do with the rows (it refuses a file with any problem).

SIPRI exports come in three layouts, each recognised from its content:

- the classic trade register (16 columns, one row per deal): Latin-1, notes above the header,
  three unnamed ``?`` uncertainty columns, ``;``-separated delivery years;
- the database layout SIPRI's site exports today (17 columns, one row per deal per delivery
  year, keyed by ``SIPRI AT Database ID``, with Yes/No "is estimate" columns);
- the older print-style RTF register, refused with advice on exporting a CSV.

Numbers in brackets are SIPRI estimates. TIV (trend-indicator value) is a volume index, not
money: it goes to its own ``tiv`` rows and never into a value column.

The package reads in steps, a module each: ``reader`` (the layout, via ``layout``, ``classic``
and ``database``, into ``records``), ``names`` (a name cell to a party's code), ``register``
(each Record checked into a Register, with ``values`` saying what a cell means) and ``rows``
(curated rows from a Register).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from ...progress import EXPORT, RECORDS_EVERY, Progress, counted, no_progress
from ...validate import Notice, Problem
from .layout import looks_like_sipri
from .names import Names
from .reader import Reading, read_export
from .register import Context, parse_register
from .outcomes import Export, add_outcome
from .reconcile import KnownDeals, decide, dropped, known_deals
from .rows import TIV_COLUMNS, add_system, deal_id_for, empty_tables, party_row, source_id_for, source_row
from .values import fold, resolve_country, system_id_for


@dataclass
class ParsedImport:
    """What one export parsed into: rows per table (with their line), problems, the source id,
    and notices (what the reader repaired to read it)."""

    tables: dict[str, list[tuple[int, dict[str, str]]]]
    problems: list[Problem]
    source_id: str
    notices: list[Notice] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)  # records per decision kind (reconcile)
    merged: dict[str, str] = field(default_factory=dict)  # curated deal id -> SIPRI's record of it
    dropped: list[str] = field(default_factory=list)  # earlier exports' deals this one no longer lists


def parse_sipri(data: bytes, file_name: str, country_codes: dict[str, str],
                imported_on: dt.date, party_names: dict[str, str] | None = None,
                known: KnownDeals | None = None, categories: dict[str, str] | None = None,
                progress: Progress = no_progress) -> ParsedImport:
    """Parse a SIPRI export into curated rows, with every problem and notice found.

    ``country_codes`` maps lower-case country names to ISO3, ``party_names`` the names and aliases
    of the parties table to their codes, ``known`` the stored deals (reconcile.known_deals) each
    record is matched against, ``categories`` the armament category stored per system id (kept
    when this export has none: the classic trade register); ``progress`` hears of the records
    read. Rows come back even when there are problems (fields that failed are empty); the
    caller refuses a file with problems.
    """
    source_id = source_id_for(data)
    reading = read_export(data, file_name)
    log, tables = reading.log, empty_tables()
    parsed = ParsedImport(tables, log.problems, source_id, log.notices)
    if reading.layout is None:
        return parsed
    names = Names({fold(name): code for name, code in country_codes.items()}, set(country_codes.values()),
                  {fold(name): code for name, code in (party_names or {}).items()})
    source = source_row(source_id, file_name, reading.notes, imported_on, reading.layout)
    tables["sources"].append((1, source))
    _add_records(Context(log, names, imported_on.year + 1, categories or {}), parsed, reading,
                 known or KnownDeals(), Export(source_id, source["published_date"]), progress)
    tables["parties"] += [(1, party_row(party, source_id)) for party in names.new.values()]
    return parsed


def _add_records(ctx: Context, parsed: ParsedImport, reading: Reading, known: KnownDeals, export: Export,
                 progress: Progress) -> None:
    """The rows of every record read, each as reconcile decides. Records sharing a natural key
    (buyer, supplier, order year, weapon: about 625 in a whole classic register) are separate
    orders, numbered in file order."""
    seen: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    repeats: list[tuple[int, int]] = []
    new_systems: set[str] = set()
    buyers, years = set(), set()
    for record in counted(progress, EXPORT, reading.records, every=RECORDS_EVERY):
        reg = parse_register(ctx, record)
        key = deal_id_for(reg)
        seen[key] += 1
        first_line.setdefault(key, record.line)
        if seen[key] > 1:
            repeats.append((record.line, first_line[key]))
        system_id = add_system(parsed.tables, reg, new_systems, ctx.categories)
        decision = decide(known, (reg.buyer, reg.seller, system_id), reg.order_year,
                          key if seen[key] == 1 else f"{key}-{seen[key]}", export.date)
        add_outcome(parsed.tables, known, export, reg, decision, system_id)
        parsed.outcomes[decision.kind] += 1
        if decision.kind == "merge":
            parsed.merged[decision.deal_id] = (f"{reg.designation} for {reg.recipient} ({reg.order_year}), "
                                               f"line {reg.line}")
        buyers.add(reg.buyer)
        years.add(reg.order_year)
    parsed.dropped = dropped(known, buyers, years - {""})
    if repeats:
        line, earlier = repeats[0]
        ctx.log.notice(line, None, "separate orders",
                       f"{len(repeats)} records share a buyer, supplier, order year and weapon with an earlier "
                       f"one (first: line {line}, as line {earlier}): each is kept as a separate order")


__all__ = ["TIV_COLUMNS", "KnownDeals", "ParsedImport", "deal_id_for", "known_deals",
           "looks_like_sipri", "parse_sipri", "read_export",
           "resolve_country", "source_id_for", "system_id_for"]
