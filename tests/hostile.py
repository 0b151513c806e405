"""A hostile database: the curated data plus an import whose every text is an attack.

Markup (<script>, <img onerror>, <svg onload>, <b>), Markdown links and images, javascript:
URLs and spreadsheet formulas, in titles, descriptions, notes, source titles and publishers,
an imported organisation's name, record ids and claims. The records are on Kazakhstan (KAZ),
which has no curated records, so ``?buyer=KAZ`` shows only them; one event also names Turkey.
"""

import csv
import io
import zipfile
from pathlib import Path

from s400tracker import importing

BUYER = "KAZ"
DEAL = "HOS-1"
# An imported id is free text too: it reaches the map page's "Why" caption and tooltips.
DELIVERY = "HOS-DL-1 **bold** ![id](https://evil.example/id.png)"
PAYMENT = "HOS-PAY-1"
EVENT, DEAL_EVENT = "HOS-EV-1", "HOS-EV-2"
NEGATIVE_AMOUNT = -5000000  # a refund: a negative number must stay a number in the CSV

SCRIPT_TITLE = "<script>alert(3)</script>"
IMG_SOURCE_TITLE = "<img src=x onerror=alert(1)>"
IMG_EVENT_TITLE = "<img src=x onerror=alert(5)>"
SVG_DESCRIPTION = "<svg onload=alert(6)>"
BOLD_ORG = "<b>bold</b>"
MARKDOWN_NOTES = "[click](javascript:alert(4))"
MARKDOWN_TITLE = "![pixel](https://evil.example/pixel.png) [click](javascript:alert(7)) **bold**"
JAVASCRIPT_URL = "javascript:alert(2)"
CLAIMED_TITLE = "![claim](https://evil.example/claim.png) [claim](javascript:alert(12))"
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
            "\t=1+1", "=1+1\r\n=2+2", "=1+2"]

TABLES = {
    "sources": [
        {"source_id": "hos-src-1", "url": JAVASCRIPT_URL, "title": IMG_SOURCE_TITLE,
         "publisher": FORMULAS[0], "published_date": "2020-01-01", "accessed_date": "2026-11-20",
         "note": MARKDOWN_NOTES},
        {"source_id": "hos-src-2", "url": "https://example.org/hostile", "title": MARKDOWN_TITLE,
         "publisher": FORMULAS[2], "published_date": "2020", "accessed_date": "2026-11-20", "note": ""},
    ],
    "organizations": [
        {"org_id": "hos-org", "name": BOLD_ORG, "country_iso3": "RUS", "role": "exporter",
         "description": FORMULAS[3]},
    ],
    "deals": [
        {"deal_id": DEAL, "buyer_iso3": BUYER, "supplier_iso3": "RUS", "system_id": "s400",
         "seller_org_id": "hos-org", "buyer_org_id": "", "status": "delivering", "announced_date": "",
         "signed_date": "2020-01", "quantity": "2", "unit": "battery", "quantity_note": FORMULAS[6],
         "value_amount": "1000000000", "value_currency": "USD", "value_qualifier": "about",
         "financing": FORMULAS[1], "confidence": "reported", "title": SCRIPT_TITLE, "notes": MARKDOWN_NOTES},
    ],
    "deliveries": [
        {"delivery_id": DELIVERY, "deal_id": DEAL, "date": "2021-03", "date_note": "", "quantity": "2",
         "unit": "battery", "quantity_qualifier": "exact", "quantity_note": FORMULAS[4], "basis": "batch",
         "planned": "false", "confidence": "confirmed", "description": SVG_DESCRIPTION},
    ],
    "payments": [
        {"payment_id": PAYMENT, "deal_id": DEAL, "payer_org_id": "", "payee_org_id": "hos-org",
         "date": "2020-06", "date_note": "", "amount": str(NEGATIVE_AMOUNT), "currency": "USD",
         "amount_qualifier": "", "kind": "advance", "confidence": "reported",
         "description": FORMULAS[3] + "*cmd|' /C calc'!A0"},
    ],
    "events": [
        {"event_id": EVENT, "date": "2021-05-05", "date_note": "", "countries": f"{BUYER};TUR",
         "type": "statement", "title": IMG_EVENT_TITLE, "description": FORMULAS[5], "confidence": "reported",
         "deal_id": ""},
        {"event_id": DEAL_EVENT, "date": "2021-06", "date_note": "", "countries": BUYER, "type": "sanctions",
         "title": JAVASCRIPT_URL, "description": MARKDOWN_TITLE, "confidence": "reported", "deal_id": DEAL},
    ],
    "citations": [
        {"citation_id": "hos-c1", "record_type": "deal", "record_id": DEAL, "source_id": "hos-src-1"},
        {"citation_id": "hos-c2", "record_type": "delivery", "record_id": DELIVERY, "source_id": "hos-src-1"},
        {"citation_id": "hos-c3", "record_type": "payment", "record_id": PAYMENT, "source_id": "hos-src-2"},
        {"citation_id": "hos-c4", "record_type": "event", "record_id": EVENT, "source_id": "hos-src-1"},
        {"citation_id": "hos-c5", "record_type": "event", "record_id": DEAL_EVENT, "source_id": "hos-src-2"},
        # A disputed title: the Sources page shows each claimed value and its source side by side.
        {"citation_id": "hos-c6", "record_type": "deal", "record_id": DEAL, "source_id": "hos-src-1",
         "field": "title", "claimed_value": SCRIPT_TITLE, "preferred": "true",
         "preference_reason": "<script>alert(11)</script>", "note": FORMULAS[0]},
        {"citation_id": "hos-c7", "record_type": "deal", "record_id": DEAL, "source_id": "hos-src-2",
         "field": "title", "claimed_value": CLAIMED_TITLE, "preferred": "false",
         "preference_reason": FORMULAS[1], "note": MARKDOWN_NOTES},
    ],
}

# Every text that must appear on a page as itself, never as markup.
MARKUP = [SCRIPT_TITLE, IMG_SOURCE_TITLE, IMG_EVENT_TITLE, SVG_DESCRIPTION, BOLD_ORG, MARKDOWN_NOTES,
          MARKDOWN_TITLE, JAVASCRIPT_URL, CLAIMED_TITLE, DELIVERY]


def table_csv(rows: list[dict]) -> str:
    """One table as CSV text, every column of the first row (missing cells empty)."""
    header = list(dict.fromkeys(key for row in rows for key in row))
    if "citation_id" in header:  # citations.csv has a fixed set of columns
        header = ["citation_id", "record_type", "record_id", "source_id", "field", "claimed_value",
                  "preferred", "preference_reason", "fact_row", "note"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def bundle() -> bytes:
    """The hostile records as a zip of table CSVs in the project's format."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in TABLES.items():
            archive.writestr(f"{name}.csv", table_csv(rows))
    return buffer.getvalue()


def build_hostile_db(real_db: Path, path: Path) -> Path:
    """A copy of the built database with the hostile bundle imported into it."""
    path.write_bytes(real_db.read_bytes())
    importing.commit_import(path, bundle(), "<img src=x onerror=alert(13)>.zip", "<b>importer</b>")
    return path
