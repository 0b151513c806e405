"""What the database already knows of each deal a SIPRI export lists, and what to do with it.

SIPRI's deals are not the first record of many purchases: the curated S-400 deals are SIPRI's
Belarus, China, India and Türkiye orders seen by other sources, and an earlier export of the same
register has already brought most deals. So each record of an export is, in this order:

- **merged** into a curated deal with the same buyer, supplier and system whose year is within
  one year of SIPRI's order year: SIPRI's figures become claims on that deal, never a second deal;
- a **revision** of a deal an earlier SIPRI export brought (the same id; or, across layouts,
  the same buyer, supplier, system and order year): the newer export's values are the record's
  and the older's stay as claims; an export older than the one the deal came from only adds
  claims;
- **new**.

Pure: built from the stored rows as plain dicts (``known_deals``), asked one record at a time.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from ...dates import DEAL_YEAR_DATES

MERGE_YEARS = 1  # an order year this close to a curated deal's year is the same purchase
# How the note of a delivery year a newer export no longer lists begins (outcomes._unlisted).
UNLISTED = "no longer listed: "


@dataclass
class ImportedDeal:
    """A deal an earlier SIPRI export brought: its row, the export it now comes from (the newest
    citing it) and that export's date, its delivery years, and its number delivered as claimed."""

    row: dict[str, str]
    source_id: str
    source_date: str
    years: list[str]
    delivered: str
    deliveries: list[dict] = field(default_factory=list)  # the years it lists, with their numbers


@dataclass
class KnownDeals:
    """The stored deals an export's records are matched against."""

    curated: dict[tuple, list[tuple[int, str, str]]] = field(default_factory=dict)  # -> (year, id, relation)
    imported: dict[str, ImportedDeal] = field(default_factory=dict)
    by_key: dict[tuple, list[str]] = field(default_factory=dict)  # (buyer, supplier, system, year) -> ids
    source_dates: dict[str, str] = field(default_factory=dict)
    # Claims earlier SIPRI exports made on stored deals: (deal id, field) -> citation rows.
    claims: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # deals a record of this export already matched


@dataclass(frozen=True)
class Decision:
    """What one record becomes: 'new', 'merge' (into ``deal_id``, a curated deal), 'revise'
    (``deal_id``, from a newer export) or 'older' (``deal_id`` is from a newer export than this)."""

    kind: str
    deal_id: str
    earlier: ImportedDeal | None = None


def party(row: dict[str, str], role: str) -> str:
    """A stored deal's buyer or supplier as a party code (a state's is its ISO3)."""
    return row.get(f"{role}_code") or row.get(f"{role}_iso3", "")


def _year(row: dict[str, str]) -> int | None:
    for name in DEAL_YEAR_DATES:
        if row.get(name):
            return int(row[name][:4])
    return None


def _is_sipri(source_id: str) -> bool:
    return source_id.startswith("sipri-")


def newer(first: str, second: str) -> bool:
    """Whether an export dated ``first`` is newer than one dated ``second`` (partial ISO dates;
    an undated export is taken as older, and the later import wins a tie)."""
    return first >= second


def known_deals(deals: list[tuple[bool, dict]], deliveries: list[dict], citations: list[dict],
                sources: list[dict]) -> KnownDeals:
    """The index of the stored deals: ``deals`` as (imported?, row), and the stored deliveries,
    citations and sources rows."""
    known = KnownDeals(source_dates={s["source_id"]: s["published_date"] for s in sources
                                     if _is_sipri(s["source_id"])})
    cited = _citing_exports(citations, known.source_dates)
    of_deal = defaultdict(list)
    for row in deliveries:
        of_deal[row["deal_id"]].append(row)
    delivered = {c["record_id"]: c["claimed_value"] for c in citations
                 if c["field"] == "delivered" and c["preferred"] == "true" and _is_sipri(c["source_id"])}
    curated = defaultdict(list)
    for imported, row in deals:
        key = (party(row, "buyer"), party(row, "supplier"), row["system_id"])
        if not imported:
            if _year(row) is not None:
                curated[key].append((_year(row), row["deal_id"], row.get("relation") or "contract"))
            continue
        source = cited.get(row["deal_id"])
        if source is None:
            continue  # not from a SIPRI export
        listed = [d for d in of_deal[row["deal_id"]]
                  if (d["quantity"] or d["quantity_note"]) and not d["quantity_note"].startswith(UNLISTED)]
        known.imported[row["deal_id"]] = ImportedDeal(row, source, known.source_dates[source],
                                                      sorted({d["date"][:4] for d in listed}),
                                                      delivered.get(row["deal_id"], ""), listed)
        known.by_key.setdefault((*key, row["signed_date"][:4]), []).append(row["deal_id"])
    known.curated = dict(curated)
    for c in citations:
        if c["field"] and c["record_type"] == "deal" and _is_sipri(c["source_id"]):
            known.claims.setdefault((c["record_id"], c["field"]), []).append(c)
    return known


def _citing_exports(citations: list[dict], dates: dict[str, str]) -> dict[str, str]:
    """Each deal's newest SIPRI export among those citing it as a whole (no field)."""
    newest = {}
    for c in citations:
        if c["record_type"] == "deal" and not c["field"] and c["source_id"] in dates:
            held = newest.get(c["record_id"])
            if held is None or newer(dates[c["source_id"]], dates[held]):
                newest[c["record_id"]] = c["source_id"]
    return newest


def decide(known: KnownDeals, key: tuple[str, str, str], year: str, natural_id: str,
           export_date: str) -> Decision:
    """What the record with this (buyer, supplier, system), order year and id becomes."""
    target = _curated_match(known, key, year)
    if target is not None:
        return _taken(known, Decision("merge", target))
    earlier = known.imported.get(natural_id) if natural_id not in known.taken else None
    if earlier is None:
        same = [i for i in known.by_key.get((*key, year), []) if i not in known.taken]
        earlier = known.imported[same[0]] if same else None
    if earlier is None:
        return Decision("new", natural_id)
    kind = "revise" if newer(export_date, earlier.source_date) else "older"
    return _taken(known, Decision(kind, earlier.row["deal_id"], earlier))


def _taken(known: KnownDeals, decision: Decision) -> Decision:
    known.taken.add(decision.deal_id)
    return decision


def _curated_match(known: KnownDeals, key: tuple, year: str) -> str | None:
    """The curated deal this order is, if any: the closest year within MERGE_YEARS, a contract
    before a framework, option or amendment; each curated deal takes one record."""
    if not year:
        return None
    close = [(abs(y - int(year)), relation != "contract", deal_id)
             for y, deal_id, relation in known.curated.get(key, [])
             if abs(y - int(year)) <= MERGE_YEARS and deal_id not in known.taken]
    return min(close)[2] if close else None


def dropped(known: KnownDeals, buyers: set[str], years: set[str]) -> list[str]:
    """Deals of earlier SIPRI exports this export does not list although it covers their buyer
    and order year: reported, never deleted (SIPRI may have merged or withdrawn them)."""
    if not years:
        return []
    first, last = min(years), max(years)
    return sorted(deal_id for deal_id, deal in known.imported.items()
                  if deal_id not in known.taken and party(deal.row, "buyer") in buyers
                  and first <= deal.row["signed_date"][:4] <= last)
