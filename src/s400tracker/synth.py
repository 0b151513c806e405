"""Synthetic scale data: ``python -m s400tracker synth --deals N --db PATH [--seed S]``.

The curated data is small; what users import is not (the whole SIPRI register is ~30,000
deals, a research group's event log millions of rows). This module generates a realistic
database of that size to measure the app against: many suppliers, systems and buyers,
deliveries and events spread over two decades, skewed like real trade (a few suppliers and
buyers carry most deals, Zipf-like). The curated data is kept as it is (origin 'curated');
the synthetic records are one import (origin 'imported', import 1), each cited to a synthetic
source. Countries come from data/countries.csv. N deals yield at least 10 N deliveries.

Pure and seeded: the same (N, seed) gives the same rows, and the database built from them
has the same content (the build time is fixed, so the data version is the same too).
Rows are generated as DataFrames (numbers with numpy, text as Arrow strings built from codes,
never a Python string per row) and written with ``db.write_database``; the derived tables come
from ``derive``, as the build's do.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import build, config, db, derive, rollups
from .schema import CONFIDENCE, EVENT_TYPE, PAYMENT_KIND, PRECISION, TABLES
from .validate import DataError, load_tables, validate

GENERATOR = "s400tracker-synth-1"
BUILT_AT = dt.datetime(2026, 1, 1)          # fixed: the same seed gives the same database
FIRST_DAY, LAST_DAY = np.datetime64("2004-01-01"), np.datetime64("2025-06-30")
PLANNED_AFTER = np.datetime64("2025-06-30")  # deliveries after the as-of date are plans
# Suppliers in order of size (the weight falls off as a power law, so the first few dominate).
SUPPLIERS = ("RUS", "USA", "FRA", "CHN", "DEU", "GBR", "ITA", "ISR", "ESP", "KOR", "SWE", "NLD",
             "UKR", "TUR", "CHE", "NOR", "CAN", "POL", "BLR", "ZAF", "AUS", "BRA", "IND", "CZE", "FIN")
STATUS_WEIGHTS = {"interest": 0.07, "negotiating": 0.08, "signed": 0.15, "delivering": 0.30,
                  "delivered": 0.32, "cancelled": 0.08}
CONTRACTED = ("signed", "delivering", "delivered")
UNITS = ("battery", "battalion", "regiment", "launcher", "missile", "system", "squadron", "fire_unit")
SYSTEM_WORDS = ("Falcon", "Shield", "Arrow", "Sentinel", "Viper", "Aegis", "Tor", "Buk", "Pantsir",
                "Spear", "Lance", "Guardian", "Hawk", "Storm", "Bastion", "Harpoon", "Trident", "Saber")
SYSTEM_KINDS = ("SAM", "SPH", "MBT", "IFV", "FGA", "HEL", "FFG", "RDR", "ASM", "UAV")
WORDS = ("contract", "order", "follow-on order", "framework agreement", "licence production", "upgrade")
CURRENCY_WEIGHTS = {"USD": 0.70, "EUR": 0.15, "RUB": 0.07, "INR": 0.04, "CNY": 0.02, "CHF": 0.02}
STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default string dtype


@dataclass(frozen=True)
class SynthResult:
    """What synth wrote: where, the data version, rows per table, and the time it took."""

    db_path: Path
    version: str
    row_counts: dict[str, int]
    generate_seconds: float
    write_seconds: float


def _zipf(count: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


# Columns are built as Arrow strings from integer codes: a Python string per row (f-strings,
# object arrays that pandas then converts) took most of the generation time at a million rows.
# They are large_string, the type pandas keeps them in, so wrapping them costs no cast.
def _text(values: pa.Array) -> pd.api.extensions.ExtensionArray:
    return pd.arrays.ArrowStringArray(values, dtype=STR)


def _pick(labels, codes: np.ndarray, present: np.ndarray | None = None) -> pa.Array:
    """``labels[codes]`` as Arrow strings, null where not ``present``."""
    indices = pa.array(codes, mask=None if present is None else ~present)
    return pa.array(list(labels), pa.large_string()).take(indices)


def _join(*parts) -> pa.Array:
    """Row-wise concatenation of Arrow string arrays and literal strings."""
    texts = [pa.scalar(part, pa.large_string()) if isinstance(part, str) else part for part in parts + ("",)]
    return pc.binary_join_element_wise(*texts)


def _nulls(count: int) -> pd.api.extensions.ExtensionArray:
    return _text(pa.nulls(count, pa.large_string()))


def _ids(prefix: str, count: int, width: int) -> pa.Array:
    """``f"{prefix}{i:0{width}d}"`` for i = 1..count, written straight into one Arrow buffer."""
    head = np.frombuffer(prefix.encode(), np.uint8)
    blocks, low = [], 1
    for digits in range(width, max(width, len(str(count))) + 1):  # numbers past 10**width grow longer
        # int32 division is several times faster than int64 and holds up to nine digits
        numbers = np.arange(low, min(count, 10 ** digits - 1) + 1, dtype=np.int32 if digits < 10 else np.int64)
        chars = np.empty((len(numbers), len(head) + digits), np.uint8)
        chars[:, :len(head)] = head
        for place in range(digits):
            chars[:, len(head) + place] = numbers // 10 ** (digits - 1 - place) % 10 + ord("0")
        blocks.append(chars)
        low = 10 ** digits
    lengths = np.concatenate([np.full(len(chars), chars.shape[1]) for chars in blocks])
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    data = np.concatenate([chars.ravel() for chars in blocks])
    return pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))


def _precision(rng, count: int, weights=(0.6, 0.3, 0.1)) -> np.ndarray:
    """Codes into PRECISION (day, month, year)."""
    return rng.choice(len(PRECISION), size=count, p=list(weights))


def _truncate(days: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """The first day of each date's period (a month stays a month, a year a year)."""
    days = days.astype("datetime64[D]")
    month = days.astype("datetime64[M]").astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype("datetime64[D]")
    return np.where(precision == 0, days, np.where(precision == 1, month, year))


def _random_days(rng, count: int, first=FIRST_DAY, last=LAST_DAY) -> np.ndarray:
    span = int((last - first).astype(int))
    return first + rng.integers(0, span + 1, size=count).astype("timedelta64[D]")


def _weighted(rng, weights: dict, count: int) -> np.ndarray:
    """Codes into ``weights``' keys, drawn with its weights."""
    return rng.choice(len(weights), size=count, p=list(weights.values()))


class _Generator:
    """One synthetic dataset: every table as a DataFrame, drawn from one seeded RNG.

    Choices are drawn as codes (``rng.choice(len(labels))`` consumes the RNG exactly as
    ``rng.choice(labels)`` does, so a seed gives the same data as before) and turned into text once.
    """

    def __init__(self, deals: int, seed: int, countries: pd.DataFrame):
        self.n, self.rng = deals, np.random.default_rng(seed)
        self.countries = countries
        self.names = dict(zip(countries["iso3"], countries["name"]))
        self.suppliers = np.array([c for c in SUPPLIERS if c in self.names], dtype=object)
        buyers = np.array(sorted(self.names), dtype=object)
        self.buyers = buyers[self.rng.permutation(len(buyers))]   # which buyers are big: seeded
        self.buyer_names = [self.names[b] for b in self.buyers]

    def organizations(self) -> pd.DataFrame:
        makers = [(f"sx_maker_{c.lower()}_{k}", f"{self.names[c]} Defence Industries {k}", c, "manufacturer")
                  for c in self.suppliers for k in range(1, 4)]
        exporters = [(f"sx_export_{c.lower()}", f"{self.names[c]} Export Agency", c, "exporter")
                     for c in self.suppliers]
        ministries = [(f"sx_mod_{c.lower()}", f"Ministry of Defence ({self.names[c]})", c, "ministry_of_defence")
                      for c in self.buyers]
        frame = pd.DataFrame(makers + exporters + ministries, columns=["org_id", "name", "country_iso3", "role"])
        return frame.assign(description="synthetic organisation")

    def systems(self) -> pd.DataFrame:
        count = 12 * len(self.suppliers)
        supplier = np.repeat(np.arange(len(self.suppliers)), 12)
        kind = self.rng.choice(np.array(SYSTEM_KINDS, dtype=object), size=count)
        word = self.rng.choice(np.array(SYSTEM_WORDS, dtype=object), size=count)
        number = self.rng.integers(1, 999, size=count)
        maker = [f"sx_maker_{s.lower()}_{k}"
                 for s, k in zip(self.suppliers[supplier], self.rng.integers(1, 4, size=count))]
        return pd.DataFrame({"system_id": _text(_ids("sx-sys-", count, 4)),
                             "name": [f"{k}-{n} {w}" for k, n, w in zip(kind, number, word)],
                             "nato_name": _nulls(count), "manufacturer_org_id": maker,
                             "description": "synthetic system", "supplier_code": supplier})

    def sources(self) -> pd.DataFrame:
        count = max(10, self.n // 5)
        publishers = [f"Defence Monitor {i}" for i in range(1, 41)]
        published = _random_days(self.rng, count)
        return pd.DataFrame({
            "source_id": _text(_ids("sx-src-", count, 7)),
            "url": _text(_ids("https://example.org/synthetic/", count, 1)),
            "title": _text(_ids("Synthetic report ", count, 1)),
            "publisher": _text(_pick(publishers, self.rng.choice(len(publishers), size=count,
                                                                 p=_zipf(len(publishers), 1.0)))),
            "published_date": published, "published_date_precision": "day",
            "accessed_date": np.datetime64("2026-01-01"), "accessed_date_precision": "day",
            "note": "synthetic source (benchmark data, not a real publication)"})

    def _system_codes(self, systems: pd.DataFrame, supplier: np.ndarray, pick: np.ndarray) -> np.ndarray:
        """Row of each deal's system: the ``pick`` fraction into its supplier's systems, in order."""
        codes = systems["supplier_code"].to_numpy()
        order = np.argsort(codes, kind="stable")
        counts = np.bincount(codes, minlength=len(self.suppliers))
        starts = np.cumsum(counts) - counts
        return order[starts[supplier] + (pick * counts[supplier]).astype(int)]

    def deals(self, systems: pd.DataFrame) -> pd.DataFrame:
        n, rng = self.n, self.rng
        supplier = rng.choice(len(self.suppliers), size=n, p=_zipf(len(self.suppliers), 1.3))
        buyer = rng.choice(len(self.buyers), size=n, p=_zipf(len(self.buyers), 1.0))
        system = self._system_codes(systems, supplier, rng.random(n))
        status = _weighted(rng, STATUS_WEIGHTS, n)
        contracted = np.isin(status, [list(STATUS_WEIGHTS).index(s) for s in CONTRACTED])
        signed_precision = _precision(rng, n)
        base = _truncate(_random_days(rng, n, FIRST_DAY, np.datetime64("2023-12-31")), signed_precision)
        announced_precision = np.where(rng.random(n) < 0.5, 1, 2)  # month or year
        announced = _truncate(base - rng.integers(30, 900, size=n).astype("timedelta64[D]"), announced_precision)
        # Prospective and cancelled deals were never signed; a signed deal's announcement is known half the time.
        signed_known = contracted
        announced_known = ~contracted | (rng.random(n) < 0.5)
        valued = contracted & (rng.random(n) < 0.7)
        currency = _weighted(rng, CURRENCY_WEIGHTS, n)
        value = np.round(np.exp(rng.normal(18.5, 1.6, size=n)), -5)
        has_quantity = rng.random(n) < 0.8
        year = base.astype("datetime64[Y]").astype(int) + 1970
        return pd.DataFrame({
            "deal_id": _text(_ids("SX-", n, 7)), "buyer_iso3": _text(_pick(self.buyers, buyer)),
            "supplier_iso3": _text(_pick(self.suppliers, supplier)),
            "system_id": systems["system_id"].array.take(system),
            "seller_org_id": _text(_pick([f"sx_export_{s.lower()}" for s in self.suppliers], supplier)),
            "buyer_org_id": _text(_pick([f"sx_mod_{b.lower()}" for b in self.buyers], buyer)),
            "status": _text(_pick(STATUS_WEIGHTS, status)),
            "announced_date": pd.Series(announced).where(announced_known),
            "announced_date_precision": _text(_pick(PRECISION, announced_precision, announced_known)),
            "signed_date": pd.Series(base).where(signed_known),
            "signed_date_precision": _text(_pick(PRECISION, signed_precision, signed_known)),
            "quantity": np.where(has_quantity, rng.integers(1, 60, size=n), np.nan),
            "unit": _text(_pick(UNITS, rng.choice(len(UNITS), size=n), has_quantity)),
            "quantity_note": _nulls(n),
            "value_amount": np.where(valued, value, np.nan),
            "value_currency": _text(_pick(CURRENCY_WEIGHTS, currency, valued)),
            "value_qualifier": _text(_pick(("exact", "about", "estimate"), rng.choice(3, size=n), valued)),
            "financing": _nulls(n), "confidence": _text(_pick(CONFIDENCE, rng.choice(3, size=n, p=[0.5, 0.4, 0.1]))),
            "title": _text(_join(_pick(systems["name"], system), " ", _pick(WORDS, rng.choice(len(WORDS), size=n)),
                                 " for ", _pick(self.buyer_names, buyer),
                                 " (", pa.array(year).cast(pa.large_string()), ")")),
            "notes": _nulls(n), "contracted": contracted, "base_date": base,
            "supplier_code": supplier, "buyer_code": buyer})

    def deliveries(self, deals: pd.DataFrame) -> pd.DataFrame:
        rng, contracted = self.rng, deals["contracted"].to_numpy()
        counts = np.where(contracted, 1 + rng.negative_binomial(2, 2 / (2 + 13.5), size=len(deals)), 0)
        counts = self._top_up(counts, contracted)
        deal_index = np.repeat(np.arange(len(deals)), counts)
        total = len(deal_index)
        signed = deals["base_date"].to_numpy().astype("datetime64[D]")[deal_index]
        span = (365 * (1 + counts / 5)).astype(int)[deal_index]
        day = signed + (rng.random(total) * span).astype("timedelta64[D]")
        precision = _precision(rng, total, (0.5, 0.35, 0.15))
        day = _truncate(day, precision)
        planned = (day > PLANNED_AFTER) | (rng.random(total) < 0.03)
        cumulative = rng.random(total) < 0.03
        unit = deals["unit"].array.take(deal_index)
        counted = ~unit.isna()
        quantity = np.where(counted, rng.integers(1, 9, size=total), np.nan)
        return pd.DataFrame({
            "delivery_id": _text(_ids("SXD-", total, 8)), "deal_id": deals["deal_id"].array.take(deal_index),
            "date": day, "date_precision": _text(_pick(PRECISION, precision)), "date_note": _nulls(total),
            "quantity": np.where(cumulative, quantity * 3, quantity), "unit": unit,
            "quantity_qualifier": _text(_pick(["exact"], np.zeros(total, int), counted)),
            "quantity_note": _nulls(total), "basis": _text(_pick(("batch", "cumulative"), cumulative.astype(int))),
            "planned": planned,
            "confidence": _text(_pick(CONFIDENCE, rng.choice(3, size=total, p=[0.45, 0.45, 0.10]))),
            "description": _nulls(total)})

    def _top_up(self, counts: np.ndarray, contracted: np.ndarray) -> np.ndarray:
        """At least 10 deliveries per deal (curated deals included), added to contracted deals."""
        needed = 10 * (self.n + 25) - int(counts.sum())
        if needed > 0:
            eligible = np.flatnonzero(contracted) if contracted.any() else np.arange(len(counts))
            counts = counts.copy()
            np.add.at(counts, self.rng.choice(eligible, size=needed), 1)
        return counts

    def payments(self, deals: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng
        valued = deals[["deal_id", "buyer_org_id", "seller_org_id", "value_amount", "value_currency", "base_date"]]
        valued = valued[valued["value_amount"].notna()]
        chosen = valued[rng.random(len(valued)) < 0.6]
        count = len(chosen)
        day = chosen["base_date"].to_numpy().astype("datetime64[D]") + rng.integers(
            30, 700, size=count).astype("timedelta64[D]")
        day = np.minimum(day, LAST_DAY)
        precision = _precision(rng, count, (0.4, 0.5, 0.1))
        return pd.DataFrame({
            "payment_id": _text(_ids("SXP-", count, 7)), "deal_id": chosen["deal_id"].array,
            "payer_org_id": chosen["buyer_org_id"].array, "payee_org_id": chosen["seller_org_id"].array,
            "date": _truncate(day, precision), "date_precision": _text(_pick(PRECISION, precision)),
            "date_note": _nulls(count),
            "amount": np.round(chosen["value_amount"].to_numpy() * rng.uniform(0.1, 0.4, size=count), -5),
            "currency": chosen["value_currency"].array,
            "amount_qualifier": "about",
            "kind": _text(_pick(PAYMENT_KIND, rng.choice(len(PAYMENT_KIND), size=count,
                                                         p=[0.5, 0.3, 0.1, 0.05, 0.05]))),
            "confidence": _text(_pick(CONFIDENCE, rng.choice(3, size=count, p=[0.3, 0.5, 0.2]))),
            "description": _nulls(count)})

    def events(self, deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng, n = self.rng, len(deals)
        linked = rng.integers(0, n, size=2 * n)
        free = max(1, n // 5)
        count = len(linked) + free
        deal_id = deals["deal_id"].array.take(np.concatenate([linked, np.full(free, -1)]), allow_fill=True)
        signed = deals["base_date"].to_numpy().astype("datetime64[D]")[linked]
        day = np.concatenate([np.minimum(signed + rng.integers(-700, 1500, size=len(linked)).astype("timedelta64[D]"),
                                         LAST_DAY), _random_days(rng, free)])
        precision = _precision(rng, count, (0.7, 0.2, 0.1))
        kind = rng.choice(len(EVENT_TYPE), size=count)
        event_id = _ids("SXE-", count, 8)
        buyer = np.concatenate([deals["buyer_code"].to_numpy()[linked], rng.choice(len(self.buyers), size=free)])
        supplier = np.concatenate([deals["supplier_code"].to_numpy()[linked],
                                   rng.choice(len(self.suppliers), size=free)])
        kinds = [t.replace("_", " ").capitalize() for t in EVENT_TYPE]
        events = pd.DataFrame({
            "event_id": _text(event_id), "date": _truncate(day, precision),
            "date_precision": _text(_pick(PRECISION, precision)), "date_note": _nulls(count),
            "type": _text(_pick(EVENT_TYPE, kind)),
            "title": _text(_join(_pick(kinds, kind), " involving ", _pick(self.buyer_names, buyer))),
            "description": _nulls(count),
            "confidence": _text(_pick(CONFIDENCE, rng.choice(3, size=count, p=[0.4, 0.45, 0.15]))),
            "deal_id": deal_id})
        # Each event involves its buyer and its supplier, once if they are the same country.
        other = self.suppliers[supplier] != self.buyers[buyer]
        pairs = pd.DataFrame({"event_id": _text(pa.concat_arrays([event_id, event_id.filter(pa.array(other))])),
                              "iso3": _text(pa.concat_arrays([_pick(self.buyers, buyer),
                                                              _pick(self.suppliers, supplier[other])]))})
        return events, pairs

    def citations(self, records: dict[str, pd.Series], sources: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
        """One citation per record (provenance is the product), and competing value claims on 2% of deals."""
        source_ids = sources["source_id"].array
        weights = _zipf(len(source_ids), 0.8)
        sizes = [len(ids) for ids in records.values()]
        sourced = [self.rng.choice(len(source_ids), size=size, p=weights) for size in sizes]
        total = sum(sizes)
        whole = pd.DataFrame({
            "record_type": _text(_pick(records, np.repeat(np.arange(len(records)), sizes))),
            "record_id": _text(pa.chunked_array([pa.array(ids.array) for ids in records.values()]).combine_chunks()),
            "source_id": source_ids.take(np.concatenate(sourced)), "field": _nulls(total),
            "claimed_value": _nulls(total), "preferred": np.full(total, None, dtype=object),
            "preference_reason": _nulls(total)})
        disputed = deals[deals["value_amount"].notna() & (self.rng.random(len(deals)) < 0.02)]
        preferred_text = [f"{a:.0f} {c}" for a, c in zip(disputed["value_amount"], disputed["value_currency"])]
        other_text = [f"{a * f:.0f} {c}" for a, c, f in zip(disputed["value_amount"], disputed["value_currency"],
                                                            self.rng.uniform(0.6, 1.4, size=len(disputed)))]
        claim = lambda text, preferred, reason: pd.DataFrame({  # noqa: E731
            "record_type": "deal", "record_id": disputed["deal_id"].array,
            "source_id": source_ids.take(self.rng.choice(len(source_ids), size=len(disputed))), "field": "value",
            "claimed_value": pd.array(text, dtype=STR), "preferred": preferred,
            "preference_reason": pd.array([reason] * len(disputed), dtype=STR)})
        claims = pd.concat([claim(preferred_text, True, "official statement of a party"),
                            claim(other_text, False, None)], ignore_index=True)
        out = pd.concat([whole, claims], ignore_index=True)
        return out.assign(citation_id=_text(_ids("sx-c-", len(out), 8)), fact_row=None, note=_nulls(len(out)))


def _origin(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(origin="imported", import_id=1)


def generate(deals: int, seed: int, countries: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The synthetic records as DataFrames of database columns (origin 'imported', import 1)."""
    if deals < 1:
        raise ValueError("--deals must be at least 1")
    gen = _Generator(deals, seed, countries)
    organizations, systems, sources = gen.organizations(), gen.systems(), gen.sources()
    deal_rows = gen.deals(systems)
    deliveries, payments = gen.deliveries(deal_rows), gen.payments(deal_rows)
    events, event_countries = gen.events(deal_rows)
    citations = gen.citations({"deal": deal_rows["deal_id"], "delivery": deliveries["delivery_id"],
                               "payment": payments["payment_id"], "event": events["event_id"]}, sources, deal_rows)
    tables = {"organizations": organizations, "systems": systems.drop(columns="supplier_code"), "sources": sources,
              "deals": deal_rows.drop(columns=["contracted", "base_date", "supplier_code", "buyer_code"]),
              "deliveries": deliveries, "payments": payments, "events": events, "citations": citations}
    tables = {name: _origin(frame) for name, frame in tables.items()}
    tables["event_countries"] = event_countries
    return tables


def _curated_frames(data_dir: Path) -> tuple[dict[str, list[dict]], dict[str, pd.DataFrame]]:
    raw, problems = load_tables(data_dir)
    typed, more = validate(raw)
    if problems or more:
        raise DataError(problems + more)
    frames = build.frames(typed)
    frames["event_countries"] = derive.event_countries(frames["events"])
    frames["events"] = frames["events"].drop(columns="countries")
    for table in TABLES:  # dates as datetimes, like the synthetic rows they are appended to
        for column in (c.name for c in table.columns if c.kind == "date"):
            frames[table.name][column] = pd.to_datetime(frames[table.name][column])
    return typed, frames


def _import_entry(deals: int, seed: int, counts: dict[str, int]) -> dict:
    digest = hashlib.sha256(f"{GENERATOR}:{deals}:{seed}".encode()).hexdigest()
    return {"import_id": 1, "committed_at": BUILT_AT, "committed_by": "synth", "format": "native",
            "file_name": f"synthetic-{deals}-deals-seed-{seed}.csv", "file_hash": digest,
            "counts": str(counts).replace("'", '"')}


def synthesize(deals: int, db_path: Path, seed: int = 0, data_dir: Path = config.DATA_DIR) -> SynthResult:
    """Write the curated data plus ``deals`` synthetic deals (and their records) to ``db_path``."""
    import time
    started = time.perf_counter()
    typed, curated = _curated_frames(data_dir)
    synthetic = generate(deals, seed, curated["countries"])
    tables = {name: pd.concat([curated[name], frame], ignore_index=True) if name in curated else frame
              for name, frame in synthetic.items()}
    tables = curated | tables
    counts = {name: len(synthetic[name]) for name in ("deals", "deliveries", "payments", "events")}
    log = [_import_entry(deals, seed, counts)]
    rates = derive.Rates.from_tables(typed)
    version = build._version_row(build.content_hash(data_dir), log, typed, rates.base_year)
    tables |= derive.derived_tables(tables, rates, version["as_of"])
    version |= {"built_at": BUILT_AT, "description": ", ".join(
        f"{len(tables[t.name])} {t.name}" for t in TABLES if t.sourced_as) + "; 1 synthetic import"}
    tables["data_version"] = pd.DataFrame([version])
    tables["imports"] = pd.DataFrame(log)
    generated = time.perf_counter()
    db.write_database(db_path, tables, rollups.statements())
    written = time.perf_counter()
    return SynthResult(db_path, version["version"], {name: len(frame) for name, frame in tables.items()},
                       generated - started, written - generated)
