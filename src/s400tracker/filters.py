"""The view's filters, each one declarative record; one parser for the page, the CLI and any API.

A filter is a record (``FILTERS`` below): its URL key, the type of its values (codes the data
offers, a fixed vocabulary, a year range, one choice), its default, how it parses and validates,
its SQL fragment with bound parameters, its words in a view's description and its sidebar
widget. ``Filters``, the view's value, has one field per record; the URL, the SQL, the words,
the sidebar (``ui/filters.py``) and the CLI all read the records, so adding a filter is one
record plus its SQL fragment.

``parse_query_string`` / ``from_query`` are the one parser: given the same ``Choices`` (what the
data offers, from ``queries.filter_choices``) a shared link and
``python -m s400tracker export --query`` select exactly the same rows. Pure: no streamlit here.
"""

from dataclasses import dataclass, field, make_dataclass
from urllib.parse import parse_qs, urlencode

from .schema import CONFIDENCE, DEAL_STATUS, ORIGIN, S400_SYSTEM_ID

MAX_VALUES = 50        # per parameter: more is not a real view, only a crafted link
MAX_SHOWN = 40         # characters of a rejected value quoted back in a warning


@dataclass(frozen=True)
class Choices:
    """What the data offers the filters: per code filter's key, code -> name; the years span
    (first, last) of every dated record, or None when nothing is dated."""

    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    years: tuple[int, int] | None = None

    def names(self) -> dict[str, str]:
        """Every code's name, whatever its filter (for describing a view)."""
        return {code: name for offered in self.codes.values() for code, name in offered.items()}


class Note(str):
    """A warning about a link: ``ignored`` when a part of it could not be applied at all (an
    unknown key, an invalid value), not when it was applied adjusted (a range narrowed to the
    data, read the right way round, the first of two bases)."""

    ignored: bool = True


def ignored(text: str) -> Note:
    """A note on a part of the link that was ignored."""
    return Note(text)


def adjusted(text: str) -> Note:
    """A note on a part of the link applied in an adjusted form."""
    note = Note(text)
    note.ignored = False
    return note


def invalid_parts(notes: list[str]) -> list[str]:
    """The notes that name parts of a link that could not be applied (what an API refuses)."""
    return [note for note in notes if getattr(note, "ignored", True)]


def _shortened(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "..."


def _shown(value: str) -> str:
    return repr(_shortened(value))


@dataclass(frozen=True)
class Filter:
    """One filter. ``sql`` is a condition with ``$<attribute>`` bound, on the alias ``{record}``
    (scope 'record': the record itself) or on its deal, alias ``d`` (scope 'deal'); ``loose_sql``
    is the condition for an event with no deal (None: such events drop out while the filter is
    set; it may name the event as ``{record}``). Subclasses give the value type: parsing, URL form,
    words and SQL parameters."""

    key: str
    attribute: str
    label: str
    words: str
    sql: str | None = None
    scope: str = "deal"
    loose_sql: str | None = None
    placeholder: str = ""
    help: str | None = None
    default: object = ()

    def parse(self, values: list[str], choices: Choices, warnings: list[str]):
        """The filter's value from the link's values for its key, warning about each one ignored."""
        raise NotImplementedError

    def to_url(self, value) -> list[str]:
        """The URL values for ``value`` ([] for the default, which stays out of the URL)."""
        return list(value)

    def describe(self, value, names: dict[str, str]) -> str:
        """The words for ``value`` in a view's description ('' when it restricts nothing)."""
        return f"{self.words} " + ", ".join(names.get(v, v) for v in value) if value else ""

    def params(self, value) -> dict:
        """The bound SQL parameters of ``value`` (an empty list means no restriction)."""
        return {self.attribute: list(value)} if self.sql else {}

    def condition(self, record: str, year: str) -> str:
        """The SQL condition, true when the filter is unset."""
        return f"(len(${self.attribute}::VARCHAR[]) = 0 OR {self.sql.format(record=record, year=year)})"

    def loose_condition(self, record: str) -> str:
        """The condition for an event (alias ``record``) with no deal, true when the filter is unset."""
        loose = self.loose_sql.format(record=record) if self.loose_sql else "false"
        return f"(len(${self.attribute}::VARCHAR[]) = 0 OR {loose})"


@dataclass(frozen=True)
class Codes(Filter):
    """Codes the data offers in one role (``Choices.codes[key]``), e.g. ISO3 buyer countries;
    ``options_sql`` lists them (columns code, name) for the parser and the sidebar."""

    example: str = ""
    options_sql: str = ""
    # A filter whose default chooses something (system: the S-400) takes this word for "every
    # code", in the link as in the CLI: ?system=all.
    everything: str = ""

    def parse(self, values, choices, warnings):
        if not values:
            return self.default
        # Matched without regard to case (tur, TUR; S400, s400), kept as the data spells them.
        known, kept, everything = {code.casefold(): code for code in choices.codes.get(self.key, {})}, [], False
        for value in values:
            folded = value.strip().casefold()
            if self.everything and folded == self.everything:
                everything = True
                continue
            code = known.get(folded)
            if code is not None:
                kept.append(code)
            else:
                warnings.append(ignored(f"Ignored {self.key} {_shown(value)}: no deal has that {self.key} "
                                f"(use {self.example})."))
        if everything:
            return ()
        return tuple(dict.fromkeys(kept)) if kept else self.default

    def to_url(self, value):
        if tuple(value) == tuple(self.default):
            return []
        return list(value) or [self.everything]

    def describe(self, value, names):
        if tuple(value) == tuple(self.default):
            return ""
        if not value:
            return f"every {self.label.lower()}"
        return super().describe(value, names)


@dataclass(frozen=True)
class Words(Filter):
    """Words of a fixed vocabulary, kept in the vocabulary's order."""

    vocabulary: tuple[str, ...] = ()

    def parse(self, values, choices, warnings):
        kept = set()
        for value in values:
            word = value.strip().lower()
            if word in self.vocabulary:
                kept.add(word)
            else:
                warnings.append(ignored(f"Ignored {self.key} {_shown(value)}: "
                                        f"use one of {', '.join(self.vocabulary)}."))
        return tuple(v for v in self.vocabulary if v in kept)

    def describe(self, value, names):
        return f"{self.words} " + ", ".join(value) if value else ""


@dataclass(frozen=True)
class YearRange(Filter):
    """First and last year, inclusive, narrowed to the years the data has: a range covering the
    whole span is no restriction at all (undated records stay), as when the slider is moved there."""

    default: object = None

    def parse(self, values, choices, warnings):
        if not values:
            return None
        if len(values) != 2:
            warnings.append(ignored(f"Ignored {self.key}: give two years, first and last "
                            f"({self.key}=2017&{self.key}=2021), not {len(values)}."))
            return None
        try:
            first, last = (int(v.strip()) for v in values)
        except ValueError:
            shown = ", ".join(_shown(v) for v in values)
            warnings.append(ignored(f"Ignored {self.key} {shown}: years are whole numbers."))
            return None
        if first > last:
            warnings.append(adjusted(f"Read {self.key} {_shortened(str(first))}-{_shortened(str(last))} as "
                            f"{_shortened(str(last))}-{_shortened(str(first))}: the first year comes first."))
            first, last = last, first
        return self._within_span(first, last, choices.years, warnings)

    def _within_span(self, first: int, last: int, span, warnings: list[str]):
        # int() takes up to 4,300 digits: quote a huge year back shortened, like any value.
        given = f"{_shortened(str(first))}-{_shortened(str(last))}"
        if span is None:
            warnings.append(ignored(f"Ignored {self.key} {given}: the data has no dated records."))
            return None
        narrowed = (max(first, span[0]), min(last, span[1]))
        if narrowed[0] > narrowed[1]:
            warnings.append(ignored(f"Ignored {self.key} {given}: the data has records only in "
                                    f"{span[0]}-{span[1]}."))
            return None
        if narrowed != (first, last):
            warnings.append(adjusted(f"Narrowed {self.key} {given} to {narrowed[0]}-{narrowed[1]}: "
                            f"the data has records only in {span[0]}-{span[1]}."))
        return None if narrowed == tuple(span) else narrowed

    def to_url(self, value):
        return [str(year) for year in value] if value else []

    def describe(self, value, names):
        return f"{self.words} {value[0]}-{value[1]}" if value else ""

    def params(self, value):
        first, last = value or (None, None)
        return {"year_from": first, "year_to": last}

    def condition(self, record, year):
        return f"($year_from IS NULL OR {self.sql.format(record=record, year=year)})"


@dataclass(frozen=True)
class Choice(Filter):
    """One of a few options, shown only on the pages that use it (``pages``; none: every page);
    not a row filter."""

    options: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()

    def parse(self, values, choices, warnings):
        valid = [v.strip().lower() for v in values if v.strip().lower() in self.options]
        for value in values:
            if value.strip().lower() not in self.options:
                warnings.append(ignored(f"Ignored {self.key} {_shown(value)}: "
                                        f"use one of {', '.join(self.options)}."))
        if len(valid) > 1:
            warnings.append(adjusted(f"Used the first {self.key} of {len(valid)} given ({valid[0]})."))
        return valid[0] if valid else self.default

    def to_url(self, value):
        return [value] if value != self.default else []

    def describe(self, value, names):
        return ""

    def label_of(self, value: str) -> str:
        """The option's label for people, e.g. 'Constant USD'."""
        return dict(zip(self.options, self.labels))[value]


@dataclass(frozen=True)
class Switch(Choice):
    """An option that widens another record's condition instead of adding one of its own: bound
    as ``$<attribute>``, true when the option ``on`` is chosen (the system filter reads
    ``$parts``); a toggle in the sidebar."""

    on: str = ""

    def params(self, value):
        return {self.attribute: value == self.on}

    def describe(self, value, names):
        return self.words if value == self.on else ""


# An event with no deal is in view if one of its countries is a chosen buyer (or supplier).
_COUNTRIES_AS = ("SELECT DISTINCT d.{0}_code AS code, c.name FROM deals d JOIN all_parties c ON c.code = d.{0}_code "
                 "ORDER BY c.name, code")
_EVENT_COUNTRY = ("{{record}}.event_id IN (SELECT event_id FROM event_countries "
                  "WHERE list_contains(${}::VARCHAR[], iso3))")

BUYER = Codes("buyer", "buyers", "Buyer", "buyers", sql="list_contains($buyers::VARCHAR[], d.buyer_code)",
              loose_sql=_EVENT_COUNTRY.format("buyers"), placeholder="All buyers",
              example="an ISO3 country code, e.g. TUR", options_sql=_COUNTRIES_AS.format("buyer"))
SUPPLIER = Codes("supplier", "suppliers", "Supplier", "suppliers",
                 sql="list_contains($suppliers::VARCHAR[], d.supplier_code)",
                 loose_sql=_EVENT_COUNTRY.format("suppliers"), placeholder="All suppliers",
                 example="an ISO3 country code, e.g. RUS", options_sql=_COUNTRIES_AS.format("supplier"))
# SIPRI lists a system's own missiles and radars as deals of their own (deals.for_system_id): left
# out by default, so a link without ``parts`` shows what it showed before any import.
PARTS = Switch("parts", "parts", "With their missiles and radars", "with the systems' own missiles and radars",
               default="exclude", options=("exclude", "include"), on="include",
               help="SIPRI lists a system's own missiles and radars (the S-400's 48N6, 9M96 and 40N6 missiles, "
                    "its 91N6E radar) as deals of their own: include them beside the systems chosen.")
# A deal of the chosen systems, or (with parts=include) of their own missiles and radars.
SYSTEM = Codes("system", "systems", "System", "systems",
               sql="list_contains($systems::VARCHAR[], d.system_id) "
                   f"OR (${PARTS.attribute} AND list_contains($systems::VARCHAR[], d.for_system_id))",
               placeholder="All systems", example="a system id, e.g. s400, or all", default=(S400_SYSTEM_ID,),
               everything="all", help="The S-400 unless you choose others; clear it for every system.",
               # An event with no deal is the tracker's own record of the S-400 (the curated
               # events are about it): in view while the S-400 is.
               loose_sql=f"list_contains($systems::VARCHAR[], '{S400_SYSTEM_ID}')",
               # Named with SIPRI's armament category where the system has one.
               options_sql="SELECT DISTINCT d.system_id AS code, "
                           "s.name || coalesce(' (' || nullif(s.armament_category, '') || ')', '') AS name "
                           "FROM deals d JOIN systems s USING (system_id) ORDER BY name, code")
YEARS = YearRange("years", "years", "Years", "years", sql="{year} BETWEEN $year_from AND $year_to", scope="record")
STATUS = Words("status", "statuses", "Deal status", "status", sql="list_contains($statuses::VARCHAR[], d.status)",
               placeholder="Any status", vocabulary=DEAL_STATUS)
CONFIDENCE_FILTER = Words("confidence", "confidences", "Confidence", "confidence", scope="record",
                          sql="list_contains($confidences::VARCHAR[], {record}.confidence)",
                          placeholder="Any confidence", vocabulary=CONFIDENCE)
ORIGIN_FILTER = Words("origin", "origins", "Origin", "origin", scope="record",
                      sql="list_contains($origins::VARCHAR[], {record}.origin)", placeholder="Curated and imported",
                      help="Curated: the project's sourced data. Imported: records added from files or the claim form.",
                      vocabulary=ORIGIN)
BASIS = Choice("basis", "basis", "Money basis", "basis", default="nominal", options=("nominal", "constant", "original"),
               labels=("Nominal USD", "Constant USD", "Original currency"), pages=("money",))

FILTERS: tuple[Filter, ...] = (BUYER, SUPPLIER, SYSTEM, PARTS, YEARS, STATUS, CONFIDENCE_FILTER, ORIGIN_FILTER,
                               BASIS)
PARAMETERS = tuple(f.key for f in FILTERS)
BASES = BASIS.options
DEFAULT_BASIS = BASIS.default


class _View:
    """What every view can say about itself; the fields come from FILTERS."""

    def to_query(self) -> dict[str, list[str]]:
        """The URL parameters for this view; defaults are left out."""
        query = {f.key: f.to_url(getattr(self, f.attribute)) for f in FILTERS}
        return {key: values for key, values in query.items() if values}

    def query_string(self) -> str:
        """The query string ('buyer=TUR&buyer=IND&years=2017&years=2021'), '' for defaults."""
        return urlencode(self.to_query(), doseq=True)

    def sql_params(self) -> dict:
        """Bound parameters for the filter conditions; an empty list means no restriction."""
        return {name: value for f in FILTERS for name, value in f.params(getattr(self, f.attribute)).items()}

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The filters in plain English, e.g. 'buyers Turkey, India; years 2017-2021'."""
        words = [f.describe(getattr(self, f.attribute), names or {}) for f in FILTERS]
        return "; ".join(w for w in words if w) or "all records"


# Hashable and frozen, so a view can key a cache; one field per filter record, so a new filter
# needs no other line here.
Filters = make_dataclass("Filters", [(f.attribute, object, field(default=f.default)) for f in FILTERS],
                         bases=(_View,), frozen=True)
Filters.__module__ = __name__  # where it is defined: pickling and Streamlit's cache hashing look it up
Filters.__doc__ = "What the user selected, one field per filter record; empty means 'all'."


def where(record: str, year: str, event: bool = False) -> str:
    """The SQL restricting one kind of record (alias ``record``, joined to its deal as ``d``, its
    year ``year``) to the view; ``event``: the record may have no deal (an event), and then its
    own countries stand in for the deal's."""
    through_deal = [f for f in FILTERS if f.sql and f.scope == "deal"]
    own = [f.condition(record, year) for f in FILTERS if f.sql and f.scope == "record"]
    deal = " AND ".join(f.condition(record, year) for f in through_deal)
    if event:
        loose = " AND ".join(f.loose_condition(record) for f in through_deal)
        deal = f"CASE WHEN d.deal_id IS NOT NULL THEN {deal} ELSE {loose} END"
    return " AND ".join([deal, *own])


def from_query(params: dict[str, list[str]], choices: Choices) -> tuple["Filters", list[str]]:
    """Parse URL parameters into Filters, applying the valid parts.

    Returns the filters and a warning for every parameter or value ignored or changed, in words a
    user can act on. ``choices`` is what the data offers (codes per role, the years span).
    """
    warnings = [ignored(f"Ignored unknown parameter {_shown(key)}.") for key in params if key not in PARAMETERS]
    values = {}
    for f in FILTERS:
        given = [v for v in params.get(f.key, []) if v.strip()]
        if len(given) > MAX_VALUES:
            warnings.append(ignored(f"Ignored {f.key} values after the first {MAX_VALUES}."))
        values[f.attribute] = f.parse(given[:MAX_VALUES], choices, warnings)
    return Filters(**values), warnings


def parse_query_string(query: str, choices: Choices) -> tuple["Filters", list[str]]:
    """Parse a raw query string such as 'buyer=TUR&years=2017&years=2020'."""
    return from_query(parse_qs(query.lstrip("?"), keep_blank_values=False), choices)
