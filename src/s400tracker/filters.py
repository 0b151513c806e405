"""The view's filters as a value: URL query <-> Filters <-> bound SQL parameters <-> words.

Pure: no streamlit here. Pages and the CLI parse the same query string the same way, so a
shared link and ``python -m s400tracker export --query`` select exactly the same rows.
"""

from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from .schema import CONFIDENCE, DEAL_STATUS, ORIGIN

BASES = ("nominal", "constant", "original")
DEFAULT_BASIS = "nominal"
PARAMETERS = ("buyer", "supplier", "years", "status", "confidence", "origin", "basis")
YEAR_RANGE = (1990, 2100)
MAX_VALUES = 50        # per parameter: more is not a real view, only a crafted link
MAX_SHOWN = 40         # characters of a rejected value quoted back in a warning


@dataclass(frozen=True)
class Filters:
    """What the user selected; empty means 'all'. Hashable, so it can key a cache."""

    buyers: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    statuses: tuple[str, ...] = ()
    confidences: tuple[str, ...] = ()
    basis: str = DEFAULT_BASIS
    origins: tuple[str, ...] = ()

    def to_query(self) -> dict[str, list[str]]:
        """The URL parameters for this view; defaults are left out."""
        query = {"buyer": list(self.buyers), "supplier": list(self.suppliers),
                 "years": [str(y) for y in self.years] if self.years else [],
                 "status": list(self.statuses), "confidence": list(self.confidences),
                 "origin": list(self.origins), "basis": [self.basis] if self.basis != DEFAULT_BASIS else []}
        return {key: values for key, values in query.items() if values}

    def query_string(self) -> str:
        """The query string ('buyer=TUR&buyer=IND&years=2017&years=2021'), '' for defaults."""
        return urlencode(self.to_query(), doseq=True)

    def sql_params(self) -> dict:
        """Bound parameters for the named queries; an empty list means no restriction."""
        first, last = self.years or (None, None)
        return {"buyers": list(self.buyers), "suppliers": list(self.suppliers),
                "year_from": first, "year_to": last, "statuses": list(self.statuses),
                "confidences": list(self.confidences), "origins": list(self.origins)}

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The filters in plain English, e.g. 'buyers Turkey, India; years 2017-2021'."""
        names = names or {}
        parts = []
        if self.buyers:
            parts.append("buyers " + ", ".join(names.get(c, c) for c in self.buyers))
        if self.suppliers:
            parts.append("suppliers " + ", ".join(names.get(c, c) for c in self.suppliers))
        if self.years:
            parts.append(f"years {self.years[0]}-{self.years[1]}")
        if self.statuses:
            parts.append("status " + ", ".join(self.statuses))
        if self.confidences:
            parts.append("confidence " + ", ".join(self.confidences))
        if self.origins:
            parts.append("origin " + ", ".join(self.origins))
        return "; ".join(parts) or "all records"

    def with_basis(self, basis: str) -> "Filters":
        """The same view with another money basis."""
        return replace(self, basis=basis)


def _shortened(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "..."


def _shown(value: str) -> str:
    return repr(_shortened(value))


def _codes(key: str, values: list[str], known: frozenset[str], warnings: list[str]) -> tuple[str, ...]:
    kept = []
    for value in values:
        code = value.strip().upper()
        if code in known:
            kept.append(code)
        else:
            warnings.append(f"Ignored {key} {_shown(value)}: no deal has that {key} "
                            "(use an ISO3 country code, e.g. TUR).")
    return tuple(dict.fromkeys(kept))


def _vocabulary(key: str, values: list[str], vocab: tuple[str, ...], warnings: list[str]) -> tuple[str, ...]:
    kept = []
    for value in values:
        word = value.strip().lower()
        if word in vocab:
            kept.append(word)
        else:
            warnings.append(f"Ignored {key} {_shown(value)}: use one of {', '.join(vocab)}.")
    return tuple(v for v in vocab if v in kept)


def _years(values: list[str], warnings: list[str]) -> tuple[int, int] | None:
    if not values:
        return None
    if len(values) != 2:
        warnings.append(f"Ignored years: give two years, first and last (years=2017&years=2021), not {len(values)}.")
        return None
    try:
        first, last = (int(v.strip()) for v in values)
    except ValueError:
        warnings.append(f"Ignored years {', '.join(_shown(v) for v in values)}: years are whole numbers.")
        return None
    if not (YEAR_RANGE[0] <= first <= last <= YEAR_RANGE[1]):
        # int() takes up to 4,300 digits: quote a huge year back shortened, like any value.
        warnings.append(f"Ignored years {_shortened(str(first))}-{_shortened(str(last))}: "
                        f"need {YEAR_RANGE[0]} <= first <= last <= {YEAR_RANGE[1]}.")
        return None
    return first, last


def _basis(values: list[str], warnings: list[str]) -> str:
    valid = [v.strip().lower() for v in values if v.strip().lower() in BASES]
    for value in values:
        if value.strip().lower() not in BASES:
            warnings.append(f"Ignored basis {_shown(value)}: use one of {', '.join(BASES)}.")
    if len(valid) > 1:
        warnings.append(f"Used the first basis of {len(valid)} given ({valid[0]}).")
    return valid[0] if valid else DEFAULT_BASIS


def from_query(params: dict[str, list[str]], buyers: frozenset[str],
               suppliers: frozenset[str]) -> tuple[Filters, list[str]]:
    """Parse URL parameters into Filters, applying the valid parts.

    Returns the filters and a warning for every parameter or value ignored, in words a user
    can act on. ``buyers`` and ``suppliers`` are the ISO3 codes the deals name in those roles.
    """
    warnings = [f"Ignored unknown parameter {_shown(key)}." for key in params if key not in PARAMETERS]
    values = {}
    for key in PARAMETERS:
        given = [v for v in params.get(key, []) if v.strip()]
        if len(given) > MAX_VALUES:
            warnings.append(f"Ignored {key} values after the first {MAX_VALUES}.")
        values[key] = given[:MAX_VALUES]
    filters = Filters(
        buyers=_codes("buyer", values["buyer"], buyers, warnings),
        suppliers=_codes("supplier", values["supplier"], suppliers, warnings),
        years=_years(values["years"], warnings),
        statuses=_vocabulary("status", values["status"], DEAL_STATUS, warnings),
        confidences=_vocabulary("confidence", values["confidence"], CONFIDENCE, warnings),
        basis=_basis(values["basis"], warnings),
        origins=_vocabulary("origin", values["origin"], ORIGIN, warnings))
    return filters, warnings


def within_span(filters: Filters, span: tuple[int, int]) -> tuple[Filters, list[str]]:
    """The link's years narrowed to ``span`` (the years the data has), with a warning if changed.

    The page's year slider cannot hold a year outside the data: seeding it with one raised.
    A range covering the whole span is no restriction at all (as when the slider is moved there).
    """
    if filters.years is None:
        return filters, []
    first, last = max(filters.years[0], span[0]), min(filters.years[1], span[1])
    given = f"{filters.years[0]}-{filters.years[1]}"
    if first > last:
        return replace(filters, years=None), [f"Ignored years {given}: the data has records only in "
                                              f"{span[0]}-{span[1]}."]
    narrowed = None if (first, last) == tuple(span) else (first, last)
    warnings = [] if (first, last) == filters.years else [
        f"Narrowed years {given} to {first}-{last}: the data has records only in {span[0]}-{span[1]}."]
    return replace(filters, years=narrowed), warnings


def parse_query_string(query: str, buyers: frozenset[str],
                       suppliers: frozenset[str]) -> tuple[Filters, list[str]]:
    """Parse a raw query string such as 'buyer=TUR&years=2017&years=2020'."""
    return from_query(parse_qs(query.lstrip("?"), keep_blank_values=False), buyers, suppliers)
