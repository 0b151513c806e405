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
Rows are generated as DataFrames with numpy and written with ``db.write_database``; the
derived tables come from ``derive_frames`` (vectorised ``derive``).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import build, config, db, derive, derive_frames
from .schema import CONFIDENCE, CURRENCY, EVENT_TYPE, PAYMENT_KIND, TABLES
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


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)], dtype=object)


def _precision(rng, count: int, weights=(0.6, 0.3, 0.1)) -> np.ndarray:
    return rng.choice(np.array(["day", "month", "year"], dtype=object), size=count, p=list(weights))


def _truncate(days: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """The first day of each date's period (a month stays a month, a year a year)."""
    days = days.astype("datetime64[D]")
    month = days.astype("datetime64[M]").astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype("datetime64[D]")
    return np.where(precision == "day", days, np.where(precision == "month", month, year))


def _random_days(rng, count: int, first=FIRST_DAY, last=LAST_DAY) -> np.ndarray:
    span = int((last - first).astype(int))
    return first + rng.integers(0, span + 1, size=count).astype("timedelta64[D]")


class _Generator:
    """One synthetic dataset: every table as a DataFrame, drawn from one seeded RNG."""

    def __init__(self, deals: int, seed: int, countries: pd.DataFrame):
        self.n, self.rng = deals, np.random.default_rng(seed)
        self.countries = countries
        self.names = dict(zip(countries["iso3"], countries["name"]))
        self.suppliers = np.array([c for c in SUPPLIERS if c in self.names], dtype=object)
        buyers = np.array(sorted(self.names), dtype=object)
        self.buyers = buyers[self.rng.permutation(len(buyers))]   # which buyers are big: seeded

    def organizations(self) -> pd.DataFrame:
        makers = [(f"sx_maker_{c.lower()}_{k}", f"{self.names[c]} Defence Industries {k}", c, "manufacturer")
                  for c in self.suppliers for k in range(1, 4)]
        exporters = [(f"sx_export_{c.lower()}", f"{self.names[c]} Export Agency", c, "exporter") for c in self.suppliers]
        ministries = [(f"sx_mod_{c.lower()}", f"Ministry of Defence ({self.names[c]})", c, "ministry_of_defence")
                      for c in self.buyers]
        frame = pd.DataFrame(makers + exporters + ministries, columns=["org_id", "name", "country_iso3", "role"])
        return frame.assign(description="synthetic organisation")

    def systems(self) -> pd.DataFrame:
        count = 12 * len(self.suppliers)
        supplier = np.repeat(self.suppliers, 12)
        kind = self.rng.choice(np.array(SYSTEM_KINDS, dtype=object), size=count)
        word = self.rng.choice(np.array(SYSTEM_WORDS, dtype=object), size=count)
        number = self.rng.integers(1, 999, size=count)
        maker = [f"sx_maker_{s.lower()}_{k}" for s, k in zip(supplier, self.rng.integers(1, 4, size=count))]
        return pd.DataFrame({"system_id": _ids("sx-sys-", count, 4),
                             "name": [f"{k}-{n} {w}" for k, n, w in zip(kind, number, word)],
                             "nato_name": None, "manufacturer_org_id": maker,
                             "description": "synthetic system", "supplier": supplier})

    def sources(self) -> pd.DataFrame:
        count = max(10, self.n // 5)
        publishers = np.array([f"Defence Monitor {i}" for i in range(1, 41)], dtype=object)
        published = _random_days(self.rng, count)
        return pd.DataFrame({
            "source_id": _ids("sx-src-", count, 7),
            "url": [f"https://example.org/synthetic/{i}" for i in range(1, count + 1)],
            "title": [f"Synthetic report {i}" for i in range(1, count + 1)],
            "publisher": self.rng.choice(publishers, size=count, p=_zipf(len(publishers), 1.0)),
            "published_date": published, "published_date_precision": "day",
            "accessed_date": np.datetime64("2026-01-01"), "accessed_date_precision": "day",
            "note": "synthetic source (benchmark data, not a real publication)"})

    def deals(self, systems: pd.DataFrame) -> pd.DataFrame:
        n, rng = self.n, self.rng
        supplier = rng.choice(self.suppliers, size=n, p=_zipf(len(self.suppliers), 1.3))
        buyer = rng.choice(self.buyers, size=n, p=_zipf(len(self.buyers), 1.0))
        by_supplier = systems.groupby("supplier")["system_id"].apply(np.array).to_dict()
        pick = rng.random(n)
        system = np.array([by_supplier[s][int(p * len(by_supplier[s]))] for s, p in zip(supplier, pick)],
                          dtype=object)
        status = rng.choice(np.array(list(STATUS_WEIGHTS), dtype=object), size=n, p=list(STATUS_WEIGHTS.values()))
        contracted = np.isin(status, CONTRACTED)
        signed_precision = _precision(rng, n)
        base = _truncate(_random_days(rng, n, FIRST_DAY, np.datetime64("2023-12-31")), signed_precision)
        announced_precision = np.where(rng.random(n) < 0.5, "month", "year").astype(object)
        announced = _truncate(base - rng.integers(30, 900, size=n).astype("timedelta64[D]"), announced_precision)
        # Prospective and cancelled deals were never signed; a signed deal's announcement is known half the time.
        signed_known = contracted
        announced_known = ~contracted | (rng.random(n) < 0.5)
        valued = contracted & (rng.random(n) < 0.7)
        currency = rng.choice(np.array(list(CURRENCY_WEIGHTS), dtype=object), size=n, p=list(CURRENCY_WEIGHTS.values()))
        value = np.round(np.exp(rng.normal(18.5, 1.6, size=n)), -5)
        has_quantity = rng.random(n) < 0.8
        year = base.astype("datetime64[Y]").astype(int) + 1970
        system_name = systems.set_index("system_id")["name"]
        return pd.DataFrame({
            "deal_id": _ids("SX-", n, 7), "buyer_iso3": buyer, "supplier_iso3": supplier, "system_id": system,
            "seller_org_id": [f"sx_export_{s.lower()}" for s in supplier],
            "buyer_org_id": [f"sx_mod_{b.lower()}" for b in buyer], "status": status,
            "announced_date": pd.Series(announced).where(announced_known),
            "announced_date_precision": np.where(announced_known, announced_precision, None),
            "signed_date": pd.Series(base).where(signed_known),
            "signed_date_precision": np.where(signed_known, signed_precision, None),
            "quantity": np.where(has_quantity, rng.integers(1, 60, size=n), np.nan),
            "unit": np.where(has_quantity, rng.choice(np.array(UNITS, dtype=object), size=n), None),
            "quantity_note": None,
            "value_amount": np.where(valued, value, np.nan), "value_currency": np.where(valued, currency, None),
            "value_qualifier": np.where(valued, rng.choice(np.array(["exact", "about", "estimate"], dtype=object), size=n), None),
            "financing": None, "confidence": rng.choice(np.array(CONFIDENCE, dtype=object), size=n, p=[0.5, 0.4, 0.1]),
            "title": [f"{system_name[s]} {w} for {self.names[b]} ({y})"
                      for s, w, b, y in zip(system, rng.choice(np.array(WORDS, dtype=object), size=n), buyer, year)],
            "notes": None, "contracted": contracted, "base_date": base})

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
        unit = deals["unit"].to_numpy()[deal_index]
        quantity = np.where(pd.isna(unit), np.nan, rng.integers(1, 9, size=total))
        return pd.DataFrame({
            "delivery_id": _ids("SXD-", total, 8), "deal_id": deals["deal_id"].to_numpy()[deal_index],
            "date": day, "date_precision": precision, "date_note": None,
            "quantity": np.where(cumulative, quantity * 3, quantity), "unit": unit,
            "quantity_qualifier": np.where(pd.isna(unit), None, "exact"), "quantity_note": None,
            "basis": np.where(cumulative, "cumulative", "batch").astype(object), "planned": planned,
            "confidence": rng.choice(np.array(CONFIDENCE, dtype=object), size=total, p=[0.45, 0.45, 0.10]),
            "description": None})

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
        valued = deals[deals["value_amount"].notna()]
        chosen = valued[rng.random(len(valued)) < 0.6]
        count = len(chosen)
        day = chosen["base_date"].to_numpy().astype("datetime64[D]") + rng.integers(
            30, 700, size=count).astype("timedelta64[D]")
        day = np.minimum(day, LAST_DAY)
        precision = _precision(rng, count, (0.4, 0.5, 0.1))
        return pd.DataFrame({
            "payment_id": _ids("SXP-", count, 7), "deal_id": chosen["deal_id"].to_numpy(),
            "payer_org_id": chosen["buyer_org_id"].to_numpy(), "payee_org_id": chosen["seller_org_id"].to_numpy(),
            "date": _truncate(day, precision), "date_precision": precision, "date_note": None,
            "amount": np.round(chosen["value_amount"].to_numpy() * rng.uniform(0.1, 0.4, size=count), -5),
            "currency": chosen["value_currency"].to_numpy(),
            "amount_qualifier": "about",
            "kind": rng.choice(np.array(PAYMENT_KIND, dtype=object), size=count, p=[0.5, 0.3, 0.1, 0.05, 0.05]),
            "confidence": rng.choice(np.array(CONFIDENCE, dtype=object), size=count, p=[0.3, 0.5, 0.2]),
            "description": None})

    def events(self, deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng, n = self.rng, len(deals)
        linked = rng.integers(0, n, size=2 * n)
        free = max(1, n // 5)
        count = len(linked) + free
        deal_id = np.concatenate([deals["deal_id"].to_numpy()[linked], np.full(free, None, dtype=object)])
        signed = deals["base_date"].to_numpy().astype("datetime64[D]")[linked]
        day = np.concatenate([np.minimum(signed + rng.integers(-700, 1500, size=len(linked)).astype("timedelta64[D]"),
                                         LAST_DAY), _random_days(rng, free)])
        precision = _precision(rng, count, (0.7, 0.2, 0.1))
        kind = rng.choice(np.array(EVENT_TYPE, dtype=object), size=count)
        event_id = _ids("SXE-", count, 8)
        buyer = np.concatenate([deals["buyer_iso3"].to_numpy()[linked], rng.choice(self.buyers, size=free)])
        supplier = np.concatenate([deals["supplier_iso3"].to_numpy()[linked], rng.choice(self.suppliers, size=free)])
        events = pd.DataFrame({
            "event_id": event_id, "date": _truncate(day, precision), "date_precision": precision, "date_note": None,
            "type": kind, "title": [f"{t.replace('_', ' ').capitalize()} involving {self.names[b]}" for t, b in zip(kind, buyer)],
            "description": None, "confidence": rng.choice(np.array(CONFIDENCE, dtype=object), size=count, p=[0.4, 0.45, 0.15]),
            "deal_id": deal_id})
        pairs = pd.DataFrame({"event_id": np.concatenate([event_id, event_id]),
                              "iso3": np.concatenate([buyer, supplier])}).drop_duplicates()
        return events, pairs

    def citations(self, records: dict[str, pd.Series], sources: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
        """One citation per record (provenance is the product), and competing value claims on 2% of deals."""
        source_ids = sources["source_id"].to_numpy()
        weights = _zipf(len(source_ids), 0.8)
        parts = [pd.DataFrame({"record_type": kind, "record_id": ids.to_numpy(),
                               "source_id": self.rng.choice(source_ids, size=len(ids), p=weights)})
                 for kind, ids in records.items()]
        whole = pd.concat(parts, ignore_index=True).assign(field=None, claimed_value=None, preferred=None,
                                                           preference_reason=None)
        disputed = deals[deals["value_amount"].notna() & (self.rng.random(len(deals)) < 0.02)]
        preferred_text = [f"{a:.0f} {c}" for a, c in zip(disputed["value_amount"], disputed["value_currency"])]
        other_text = [f"{a * f:.0f} {c}" for a, c, f in zip(disputed["value_amount"], disputed["value_currency"],
                                                            self.rng.uniform(0.6, 1.4, size=len(disputed)))]
        claim = lambda text, preferred, reason: pd.DataFrame({  # noqa: E731
            "record_type": "deal", "record_id": disputed["deal_id"].to_numpy(),
            "source_id": self.rng.choice(source_ids, size=len(disputed)), "field": "value",
            "claimed_value": text, "preferred": preferred, "preference_reason": reason})
        claims = pd.concat([claim(preferred_text, True, "official statement of a party"),
                            claim(other_text, False, None)], ignore_index=True)
        out = pd.concat([whole, claims], ignore_index=True)
        return out.assign(citation_id=_ids("sx-c-", len(out), 8), fact_row=None, note=None)


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
    tables = {"organizations": organizations, "systems": systems.drop(columns="supplier"), "sources": sources,
              "deals": deal_rows.drop(columns=["contracted", "base_date"]), "deliveries": deliveries, "payments": payments,
              "events": events, "citations": citations}
    tables = {name: _origin(frame) for name, frame in tables.items()}
    tables["event_countries"] = event_countries
    return tables


def _curated_frames(data_dir: Path) -> tuple[dict[str, list[dict]], dict[str, pd.DataFrame]]:
    raw, problems = load_tables(data_dir)
    typed, more = validate(raw)
    if problems or more:
        raise DataError(problems + more)
    rows = {name: [build._database_row(r) for r in table_rows] for name, table_rows in typed.items()}
    frames = {t.name: pd.DataFrame(rows[t.name], columns=db.table_columns(t)) for t in TABLES}
    for table in TABLES:  # dates as datetimes, like the synthetic rows they are appended to
        for column in (c.name for c in table.columns if c.kind == "date"):
            frames[table.name][column] = pd.to_datetime(frames[table.name][column])
    frames["event_countries"] = pd.DataFrame(derive.event_countries(typed), columns=["event_id", "iso3"])
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
    tables["conversions"] = derive_frames.conversions(tables["deals"], tables["payments"], tables["citations"], rates)
    tables["country_status"] = derive_frames.country_status(tables["deals"], tables["deliveries"])
    version = build._version_row(build.content_hash(data_dir), log, typed, rates.base_year)
    version |= {"built_at": BUILT_AT, "description": ", ".join(
        f"{len(tables[t.name])} {t.name}" for t in TABLES if t.sourced_as) + "; 1 synthetic import"}
    tables["data_version"] = pd.DataFrame([version])
    tables["imports"] = pd.DataFrame(log)
    generated = time.perf_counter()
    db.write_database(db_path, tables)
    written = time.perf_counter()
    return SynthResult(db_path, version["version"], {name: len(frame) for name, frame in tables.items()},
                       generated - started, written - generated)
