"""One-off: list every distinct source cited in the research sheet as rows of data/sources.csv.

The research sheet cites sources as ``URL (annotation)`` separated by `` ; ``. Titles are not
in the sheet, so the title is read from the URL's slug where it has words, and the
annotation (outlet, date) is kept in ``note``. The output was reviewed and committed; curators
edit data/sources.csv by hand from then on.

Usage: python scripts/extract_sources.py SHEET.csv > data/sources.csv
"""

import csv
import re
import sys
from urllib.parse import unquote, urlparse

SEED_ID = "seed_article"
ACCESSED = "2026-11-25"
MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def split_sources(cell: str) -> list[str]:
    """Split a sheet cell into its cited sources."""
    return [part.strip() for part in re.split(r"\s;\s", cell) if part.strip()]


def date_from_url(url: str) -> str:
    """Best partial ISO date visible in a URL path (/2014/11/26/, 20190712..., /2021/9/1/)."""
    path = urlparse(url).path
    if m := re.search(r"/(20\d\d)/(\d{1,2})/(\d{1,2})/", path):
        return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    if m := re.search(r"(?<!\d)(20[01]\d|202\d)(0[1-9]|1[0-2])([0-2]\d|3[01])(?=\d{0,10}\b|/|\D)", path):
        return f"{m[1]}-{m[2]}-{m[3]}"
    if m := re.search(r"/(20\d\d)/(\d{1,2})/", path):
        return f"{m[1]}-{int(m[2]):02d}"
    return ""


def date_from_note(note: str) -> str:
    """Partial ISO date from an annotation such as '(TASS, 10 Nov 2016)' or '(Mar 2006)'."""
    if (m := re.search(r"(\d{1,2}) (\w{3})\w* (20\d\d)", note)) and m[2].lower() in MONTHS:
        return f"{m[3]}-{MONTHS[m[2].lower()]:02d}-{int(m[1]):02d}"
    if (m := re.search(r"(\w{3})\w* (20\d\d)", note)) and m[1].lower() in MONTHS:
        return f"{m[2]}-{MONTHS[m[1].lower()]:02d}"
    return ""


def title_from_url(url: str) -> str:
    """Readable title from the URL's last wordy path segment, or '' when it has none."""
    segments = [unquote(s) for s in urlparse(url).path.split("/") if s]
    for segment in reversed(segments):
        words = re.sub(r"\.(html?|ece|php|shtml|cms)$", "", segment)
        words = re.sub(r"[-_]+", " ", words).strip()
        words = re.sub(r"(\s+\d{5,})+$", "", words)
        if len(re.findall(r"[A-Za-z]{3,}", words)) >= 3:
            return words[:1].upper() + words[1:]
    return ""


def source_row(source_id: str, part: str) -> dict:
    """One sources.csv row for a cited URL and its annotation."""
    url, _, rest = part.partition(" ")
    note = rest.strip().strip("()")
    publisher = urlparse(url).netloc.removeprefix("www.").removeprefix("m.")
    return {
        "source_id": source_id, "url": url,
        "title": title_from_url(url) or f"Article on {publisher}",
        "publisher": publisher,
        "published_date": date_from_note(note) or date_from_url(url),
        "accessed_date": ACCESSED, "note": note,
    }


def seed_row() -> dict:
    """The news article the project was created from; it has no stable URL."""
    return {
        "source_id": SEED_ID, "url": "",
        "title": "S400: Russia and Turkey ready for a new agreement",
        "publisher": "Greek defence news site (quoting Rosoboronexport CEO Alexander Mikheev)",
        "published_date": "2021", "accessed_date": ACCESSED,
        "note": "seed article of the project; figures of 4 batteries, 36 fire units and 192+ "
                "missiles appear in no other source found",
    }


def main(sheet_path: str) -> None:
    """Write sources.csv rows for every distinct source in the sheet, in order of first use."""
    rows, seen = [seed_row()], {}
    with open(sheet_path, newline="", encoding="utf-8") as sheet:
        for fact in csv.DictReader(sheet):
            for part in split_sources(fact["source"]):
                url = part.split(" ")[0]
                if part.startswith("seed article") or url in seen:
                    continue
                seen[url] = f"src{len(seen) + 1:03d}"
                rows.append(source_row(seen[url], part))
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1])
