"""Claims captured from an article: a source and one or more claims, as table rows.

The form's content travels as a small JSON document (the import's "file"), so a claim goes
through the same plan, validation and atomic commit as any file, and submitting the same
claims twice changes nothing (ids are derived from the content).
"""

import hashlib
import json

from ..schema import TABLES_BY_NAME
from ..validate import Loc, Problem, RawTable

CLAIM_KINDS = ("competing value", "deal", "delivery", "payment", "event")
FILE_NAME = "claim form"


def _digest(*parts) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:10]


def _row(table: str, values: dict) -> dict[str, str]:
    """A full row of ``table`` with every column present (empty where not given)."""
    return {c.name: str(values.get(c.name, "") or "").strip() for c in TABLES_BY_NAME[table].columns}


def source_row(source: dict, accessed: str, known_urls: dict[str, str]) -> dict[str, str]:
    """The article as a sources row; a URL already in the data reuses that source's id."""
    url = (source.get("url") or "").strip()
    source_id = known_urls.get(url) or f"claim-src-{_digest(url or source.get('title', ''))}"
    return _row("sources", {**source, "source_id": source_id, "url": url, "accessed_date": accessed})


def claim_rows(claim: dict, source_id: str) -> dict[str, list[dict[str, str]]]:
    """The rows one claim adds: a record and its citation, or a competing-value citation."""
    kind, values = claim["kind"], claim["values"]
    if kind == "competing value":
        citation_id = f"claim-{_digest(source_id, values)}"
        return {"citations": [_row("citations", {**values, "citation_id": citation_id, "source_id": source_id,
                                                  "preferred": "false"})]}
    table = {"deal": "deals", "delivery": "deliveries", "payment": "payments", "event": "events"}[kind]
    key = TABLES_BY_NAME[table].key
    record_id = values.get(key) or f"claim-{kind}-{_digest(source_id, values)}"
    citation = _row("citations", {"citation_id": f"claim-cite-{_digest(source_id, kind, record_id)}",
                                  "record_type": kind, "record_id": record_id, "source_id": source_id})
    return {table: [_row(table, {**values, key: record_id})], "citations": [citation]}


def document(source: dict, claims: list[dict]) -> bytes:
    """The form's content as the bytes of the import (stable: same content, same bytes)."""
    return json.dumps({"source": source, "claims": claims}, sort_keys=True, ensure_ascii=False).encode("utf-8")


def parse_document(data: bytes, accessed: str, known_urls: dict[str, str]) -> tuple[dict[str, RawTable], list[Problem]]:
    """Rows per table from a claim-form document; a malformed one is a problem, not a crash."""
    try:
        content = json.loads(data.decode("utf-8"))
        source, claims = content["source"], content["claims"]
        if not claims:
            return {}, [Problem(FILE_NAME, None, None, "required", "add at least one claim")]
        source = source_row(source, accessed, known_urls)
        tables: dict[str, list] = {"sources": [(Loc(FILE_NAME, 0), source)]}
        for number, claim in enumerate(claims, start=1):
            for table, rows in claim_rows(claim, source["source_id"]).items():
                tables.setdefault(table, []).extend((Loc(FILE_NAME, number), row) for row in rows)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
        return {}, [Problem(FILE_NAME, None, None, "malformed claim", f"the claim form could not be read ({error})")]
    return {t: RawTable([c.name for c in TABLES_BY_NAME[t].columns], rows) for t, rows in tables.items()}, []
