"""Cut the SIPRI test fixtures in tests/fixtures/sipri/real/ from the shared exports.

    .venv/bin/python scripts/cut_sipri_excerpts.py [SHARED_SIPRI_DIR]

SIPRI's terms allow excerpts, never the whole database: each excerpt keeps its export's own note
lines (with "Source: SIPRI Arms Transfers Database (c) SIPRI") and header, then at most 500
records, byte for byte as the export has them (encoding, line endings, breaks and all), in the
export's order. It picks the S-400 rows and the FCS-4008 traps (and, in one export, the rows whose
comments name the S-400, with the MiG-21 trap), the records broken across lines,
two records for every name that is not a present-day state, the re-saves' quirks, and a sample
of ordinary records. Deterministic: the same exports give the same excerpts. Tests never run it.
"""

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reference" / "sipri"
OUT = ROOT / "tests" / "fixtures" / "sipri" / "real"
MAX_RECORDS = 500
HISTORICAL = {"Soviet Union", "East Germany (GDR)", "Czechoslovakia", "Yugoslavia", "North Yemen", "South Yemen",
              "South Vietnam"}
# (export, its encoding, its layout, how many records apart the ordinary sample is)
EXPORTS = (
    ("alexarui__network-analysis__trade-register.csv", "latin-1", "classic", 250),
    ("ColasDroin__SIPRI_arms_transfers_analysis__trade-register.csv", "latin-1", "classic", 250),
    ("MJHofmann__SIPRI_BRICS__trade-register.csv", "latin-1", "classic", 250),
    ("lucacasu__Global-Arms-Trade__trade_2023.csv", "latin-1", "database", 150),
    ("senapol__ADS__trade-register.csv", "latin-1", "database", 12),
    ("reshaped/kume-arastirma__Kutupluluk-ve-Ortado-u-Silah-Ticareti__trade-register.csv", "latin-1", "classic",
     100),
    ("reshaped/jorrit98__IM1002_Machine_Learning_Assignment__trade-register.csv", "utf-8", "classic", 150),
)
RTF = "Bingsongl__Technology-and-Oligopolization-Analysis__air_defence.rtf"
# The export whose excerpt also keeps every row whose comments name the S-400: its own missiles and
# radars ("For S-400 air-defence systems") and the MiG-21 that only looks like one ("Type-66
# Series-400/600"). One export is enough, and the others keep the line numbers their tests cite.
PARTS_FROM = "alexarui__network-analysis__trade-register.csv"


def cells_of(line: bytes, encoding: str) -> list[str]:
    """A physical line's CSV cells, without its ending or the semicolons a re-save glued on."""
    text = line.decode(encoding).rstrip("\r\n")
    return next(csv.reader([re.sub(r";+$", "", text)]), [])


def header_index(lines: list[bytes]) -> int:
    """The index of the header line: the first naming Supplier and Recipient."""
    return next(i for i, line in enumerate(lines) if b"Supplier" in line and b"Recipient" in line)


def records(lines: list[bytes], start: int, width: int, encoding: str) -> list[tuple[list[int], list[str]]]:
    """(physical line indexes, cells) of each record after ``start``; a record that an unquoted
    line break inside Comments cut into two pieces is one record of both lines."""
    found, index = [], start + 1
    while index < len(lines):
        cells = cells_of(lines[index], encoding)
        if index + 1 < len(lines) and 1 < len(cells) < width:
            rest = cells_of(lines[index + 1], encoding)
            if len(cells) + len(rest) - 1 == width:
                found.append(([index, index + 1], cells[:-1] + [cells[-1] + " " + rest[0]] + rest[1:]))
                index += 2
                continue
        if any(cells):
            found.append(([index], cells))
        index += 1
    return found


def is_party(name: str) -> bool:
    """A name that is not a present-day state: non-state (*), organisation (**), unknown, historical."""
    return name.endswith("*") or name.lower().startswith("unknown") or name in HISTORICAL


def pick(designations: list[str], names: list[tuple[str, str]], extra: set[int], sample: int) -> set[int]:
    """Which deals (by index) to keep: S-400 substrings, two per party name, the extras, a sample."""
    kept, per_name = set(extra), {}
    for i, designation in enumerate(designations):
        if "S-400" in designation or i % sample == 0:
            kept.add(i)
        for name in names[i]:
            if is_party(name) and per_name.setdefault(name, 0) < 2:
                per_name[name] += 1
                kept.add(i)
    return kept


# The quirks worth keeping in a classic record, each with how many records of it at most.
QUIRKS = (
    (lambda lines, cells: len(lines) > 1, MAX_RECORDS),  # broken across lines: all of them
    (lambda lines, cells: "\ufffd" in cells[6], MAX_RECORDS),  # a designation with a lost letter
    (lambda lines, cells: "\ufffd" in ",".join(cells), 6),  # free text with a lost letter
    (lambda lines, cells: re.search(r";\S", cells[10]) is not None, 6),  # "2000;2001; 2002"
    (lambda lines, cells: cells[2][:4].isdigit() and int(cells[2][:4]) < 1950, 3),  # ordered before 1950
    (lambda lines, cells: any(ord(c) > 127 for c in ",".join(cells)), 3),  # accented letters
)


def cut_classic(found, parts: bool) -> set[int]:
    """The indexes of the classic records with a quirk, up to each quirk's count, and with
    ``parts`` every record whose comments name the S-400."""
    extra = set()
    for quirk, most in QUIRKS:
        extra |= set([i for i, (lines, cells) in enumerate(found) if quirk(lines, cells)][:most])
    if parts:
        extra |= {i for i, (_, cells) in enumerate(found) if re.search(r"S-400|Series-400", ",".join(cells[12:13]))}
    return extra


def cut_database(found, sample: int) -> list[int]:
    """The line indexes of every row of the database-layout deals to keep: S-400, parties, a
    sample, and any deal with an empty "is estimate" cell."""
    deals: dict[str, list[tuple[list[int], list[str]]]] = {}
    for record in found:
        deals.setdefault(record[1][0], []).append(record)
    rows = list(deals.values())
    extra = {i for i, deal in enumerate(rows) if any("" in (c[7], c[9], c[11]) for _, c in deal)}
    kept = pick([deal[0][1][3] for deal in rows], [(deal[0][1][1], deal[0][1][2]) for deal in rows], extra, sample)
    return sorted(i for k in kept for lines, _ in rows[k] for i in lines)


def cut(name: str, encoding: str, layout: str, sample: int, shared: Path) -> tuple[int, int]:
    """Write one excerpt; return how many CSV records and physical lines it keeps below the header."""
    data = (shared / name).read_bytes()
    lines = data.splitlines(keepends=True)
    start = header_index(lines)
    found = records(lines, start, len(cells_of(lines[start], encoding)), encoding)
    if layout == "classic":
        chosen = pick([c[6] for _, c in found], [(c[0], c[1]) for _, c in found],
                      cut_classic(found, name == PARTS_FROM), sample)
        kept = sorted(i for k in chosen for i in found[k][0])
    else:
        kept = cut_database(found, sample)
    count = sum(1 for lines_, _ in found if lines_[0] in set(kept))
    assert count <= MAX_RECORDS, (name, count)
    target = OUT / name.replace(".csv", ".excerpt.csv")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"".join(lines[:start + 1] + [lines[i] for i in kept]))
    return count, len(kept)


def cut_rtf(shared: Path) -> int:
    """The RTF register's preamble, notes and column heads, Russia's S-400 deals under their
    recipients (each one's first deal), and its end."""
    lines = (shared / RTF).read_bytes().splitlines(keepends=True)
    first_group = next(i for i, line in enumerate(lines) if line.startswith(b"{\\b ") and b"\\par{\\b R:}" in line)
    russia = next(line for line in lines if line.startswith(b"{\\b Russia}"))
    pieces = russia.split(b"\\par")
    # Each deal is a \par-separated piece after the supplier's name (the first piece); the last
    # piece is the formatting after the group. A deal of the recipient above starts '{\b } \tab':
    # keeping every piece that names its recipient keeps each S-400 deal under its own.
    names = re.compile(rb"\{\\b[^}]*\} (?!\\tab)")
    kept = [pieces[0]] + [p for p in pieces[1:-1] if names.match(p) or b"S-400" in p] + [pieces[-1]]
    (OUT / RTF.replace(".rtf", ".excerpt.rtf")).write_bytes(b"".join(lines[:first_group]) + b"\\par".join(kept)
                                                           + b"".join(lines[-3:]))
    return len(kept) - 1


def main(shared: Path) -> None:
    """Cut every excerpt and print what each keeps."""
    for name, encoding, layout, sample in EXPORTS:
        records_kept, lines_kept = cut(name, encoding, layout, sample, shared)
        print(f"{name}: {records_kept} records on {lines_kept} lines")
    print(f"{RTF}: {cut_rtf(shared)} deal lines")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED)
