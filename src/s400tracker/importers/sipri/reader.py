"""Read a SIPRI export, in whichever layout, into Records: the reading side of the import.

The layout is recognised from the content alone: RTF by ``{\\rtf``, a CSV layout by its header
row wherever it is among the lines. Nothing here interprets a value or resolves a name; what
could not be read is a located problem, and what was repaired to read it is a notice.
"""

from dataclasses import dataclass, field

from .classic import read_classic
from .columns import CLASSIC, MARKERS
from .database import read_database
from .layout import OTHER_DELIMITERS, Header, column_positions, decode, find_header, is_rtf, note_lines, physical_lines
from .records import Log, Record, records_below

LOST = "\ufffd"  # what a UTF-8 re-save leaves where it could not read a Latin-1 letter
RTF_MESSAGE = ("this is an RTF trade register from SIPRI's older print-style export, which this importer does "
               "not read; export the trade register as CSV instead: on https://armstransfers.sipri.org open "
               "'Trade registers', choose the format CSV, download, and import that file")


@dataclass
class Reading:
    """What reading an export gave: its layout, its notes, how many CSV rows below the header
    (after rejoining broken ones), the Records (one per deal), and the log of problems and notices."""

    log: Log
    layout: str | None = None
    notes: list[str] = field(default_factory=list)
    rows: int = 0
    records: list[Record] = field(default_factory=list)


def read_export(data: bytes, file_name: str) -> Reading:
    """Read an export into Records, with every problem and notice located in the file."""
    reading = Reading(Log(file_name))
    log = reading.log
    if is_rtf(data):
        log.problem(1, None, "unsupported layout", RTF_MESSAGE)
        return reading
    text, problems = decode(data, file_name)
    if text is None:
        log.problems.extend(problems)
        return reading
    lines = physical_lines(text)
    header = find_header(lines)
    if _header_problem(log, header):
        return reading
    at, _ = column_positions(header)
    rows = list(records_below(log, lines, header.line, len(header.cells), at))
    read = read_classic if header.layout == CLASSIC else read_database
    reading.layout, reading.notes, reading.rows = header.layout, note_lines(lines[:header.line - 1]), len(rows)
    reading.records = read(log, rows, header, at)
    _lost_letters(log, reading.records)
    return reading


def _header_problem(log: Log, header: Header | None) -> bool:
    """Record why the header cannot be used (none, wrong delimiter, missing columns)."""
    if header is None:
        expected = " or ".join(f"the {layout} layout's ({', '.join(markers)})" for layout, markers in MARKERS.items())
        log.problem(None, None, "missing columns", f"no header row of a SIPRI export found: expected {expected}")
        return True
    if header.delimiter != ",":
        log.problem(header.line, None, "wrong delimiter",
                    f"the file is separated by {OTHER_DELIMITERS[header.delimiter]}, SIPRI exports use commas")
        return True
    missing = column_positions(header)[1]
    if missing:
        log.problem(header.line, None, "missing columns",
                    f"the header row of the {header.layout} layout lacks " + ", ".join(missing))
        return True
    return False


def _lost_letters(log: Log, records: list[Record]) -> None:
    """Letters an earlier re-save lost: in a designation (a key) a problem; in free text a notice.

    Names are left to the name resolution step, which may still recognise them.
    """
    damaged = []
    for record in records:
        if LOST in record.designation.text:
            log.at(record.designation, "lost letters",
                   f"'{record.designation.text}' has a letter lost in an earlier re-save (shown as {LOST}); "
                   "use the original export")
        damaged += [cell for cell in (record.description, record.comments) if LOST in cell.text]
    if damaged:
        columns = ", ".join(sorted({cell.column for cell in damaged}))
        log.notice(damaged[0].line, None, "lost letters",
                   f"{len(damaged)} cells in {columns}, from line {damaged[0].line}, have letters lost in an "
                   f"earlier re-save (shown as {LOST}); they are kept as they are")
