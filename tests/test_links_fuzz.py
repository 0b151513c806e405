"""Hostile links: generated query strings never break a page, always warn, never reach SQL text.

Two layers, both property-based (hypothesis, derandomized so CI is reproducible):

- the pure layer: ``filters.from_query`` on thousands of generated parameter dicts and raw
  query strings (unknown and repeated keys, huge values, unicode, control characters, SQL
  fragments), and every named query run with hostile filter values, its SQL text captured;
- the page layer: every page opened in AppTest with a generated link. CI runs
  ``PAGE_EXAMPLES`` links per page; ``make fuzz`` sets ``S400_FUZZ_EXAMPLES=1000``.
"""

import inspect
import os
import string
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from s400tracker import aggregates, charts, db, queries
from s400tracker.filters import (BASES, MAX_SHOWN, MAX_VALUES, PARAMETERS, Choices, Filters, from_query,
                                 parse_query_string)
from s400tracker.schema import CONFIDENCE, DEAL_STATUS, ORIGIN

ROOT = Path(__file__).resolve().parents[1]
BUYERS = frozenset({"TUR", "IND", "CHN", "BLR", "DZA", "RUS"})
SUPPLIERS = frozenset({"RUS"})
DATA_SPAN = (2006, 2027)
SYSTEMS = frozenset({"s400"})
PARTS = ("exclude", "include")  # the system's own missiles and radars, left out or included
CHOICES = Choices({"buyer": {code: code for code in BUYERS}, "supplier": {code: code for code in SUPPLIERS},
                   "system": {code: code for code in SYSTEMS}}, DATA_SPAN)
FUZZ_EXAMPLES = os.environ.get("S400_FUZZ_EXAMPLES")  # `make fuzz`: 1000 links per page
PURE_EXAMPLES = 5000 if not FUZZ_EXAMPLES else 50_000
SQL_EXAMPLES = 25 if not FUZZ_EXAMPLES else 500
PAGE_EXAMPLES = int(FUZZ_EXAMPLES or 40)
PAGES = {"": "S-400 Deal Tracker", "map": "Operators map", "timeline": "Delivery timeline",
         "money": "Money flows", "explorer": "Data explorer", "sources": "Sources and conflicts",
         "methodology": "Methodology", "import": "Import"}  # url path -> title
# Streamlit keeps these for itself: st.query_params never shows them to the app.
STREAMLIT_KEYS = {"embed", "embed_options"}

SQL_PAYLOADS = ["' OR 1=1 --", "TUR');DROP TABLE deals;--", "'; DELETE FROM sources; --", '" OR ""="',
                "1 UNION SELECT * FROM imports --", "$buyers", "$1", "?", "%s", "{alias}", "{year}",
                "TUR' || (SELECT version()) || '", "x'::VARCHAR[]", "ATTACH '/etc/passwd' AS p", "/*", "*/",
                "\\'; COPY deals TO '/tmp/x.csv'; --", "TUR\u202e--", "tur\u200b", "ТУР",
                "\u062a\u0631\u0643\u064a\u0627", "\U0001f1f9\U0001f1f7", "<script>alert(1)</script>",
                "=HYPERLINK(\"http://evil\")", "%00", "%27",
                "\r\nSet-Cookie: x=1", "\t", "   ", ""]
VALID_WORDS = sorted(BUYERS) + [" tur ", "ind", "Rus", "s400", "S400"] + list(DEAL_STATUS) + \
    ["SIGNED", " delivered"] + \
    list(CONFIDENCE) + list(ORIGIN) + list(BASES) + list(PARTS) + ["Constant", "2017", "2021", "1990", "2100", " 2019 ",
                                                     "1989", "2101", "17", "2017.5", "\u0662\u0660\u0661\u0667"]

# Reproducible in CI: the same examples every run; page runs are slow, so no deadline.
settings.register_profile("s400-links", derandomize=True, deadline=None, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LINKS = settings.get_profile("s400-links")

# Any character but NUL (a URL cannot carry it to the app): RTL, emoji, controls, combining marks.
ANY_CHAR = st.characters(codec="utf-8", exclude_characters="\x00")
short_text = st.text(ANY_CHAR, max_size=24)
# Huge values are built by repetition: cheap to generate, up to ~24 KB.
huge_text = st.builds(lambda s, n: s * n, st.text(ANY_CHAR, min_size=1, max_size=8), st.integers(100, 3000))
# Numbers where years are expected: signed, padded, fractional, and too long for int() (> 4,300 digits).
numbers = st.one_of(st.integers(-10**6, 10**6).map(str), st.sampled_from(["2017", "2021", " 2019 ", "+2018", "2_017",
                                                                          "2017.0", "1e3", "0x7e1", "-0"]),
                    st.builds(lambda d, n: d * n, st.text(string.digits, min_size=1, max_size=3),
                              st.integers(10, 2000)))
values = st.one_of(st.sampled_from(VALID_WORDS), st.sampled_from(SQL_PAYLOADS), short_text, huge_text, numbers)
keys = st.one_of(st.sampled_from(PARAMETERS), st.sampled_from(PARAMETERS), st.sampled_from(PARAMETERS),
                 st.sampled_from(["Buyer", "buyer ", "buyers", "year", "colour", "utm_source", "", "__proto__",
                                  "page", "buyer[]"]),
                 st.sampled_from(SQL_PAYLOADS), short_text)
value_lists = st.one_of(st.lists(values, max_size=4), st.lists(numbers, min_size=2, max_size=2),
                        # around MAX_VALUES values, by repetition (cheap to generate)
                        st.builds(lambda some, n: (some * n)[:n], st.lists(values, min_size=1, max_size=4),
                                  st.integers(MAX_VALUES - 5, MAX_VALUES + 20)))
link_params = st.dictionaries(keys, value_lists, max_size=6)


def _valid_year(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None


def ignored_parts(params: dict[str, list[str]], buyers=BUYERS, suppliers=SUPPLIERS,
                  span: tuple[int, int] = DATA_SPAN) -> list[tuple[str, str | None]]:
    """What a link asks for that cannot be applied as given, as (key, value or None for the key as
    a whole).

    The specification, written apart from the code under test: blank values mean 'no value';
    codes are matched case-insensitively after trimming; years are two whole numbers, first <=
    last, inside ``span`` (the data's years; a reversed or wider range is changed, and said so);
    at most MAX_VALUES values per parameter; one basis, one parts.
    """
    codes = {"buyer": buyers, "supplier": suppliers, "system": SYSTEMS}  # matched without regard to case
    known = {key: {c.casefold() for c in offered} for key, offered in codes.items()}
    known["system"] |= {"all"}  # every system: the word that clears the S-400 default
    known |= {"status": set(DEAL_STATUS), "confidence": set(CONFIDENCE), "origin": set(ORIGIN)}
    parts = [(key, None) for key in params if key not in PARAMETERS]
    for key in PARAMETERS:
        given_values = [v for v in params.get(key, []) if v.strip()]
        if len(given_values) > MAX_VALUES:
            parts.append((key, None))
        given_values = given_values[:MAX_VALUES]
        if key in known:
            fold = str.casefold if key in codes else str.lower
            parts += [(key, v) for v in given_values if fold(v.strip()) not in known[key]]
        elif key == "years" and given_values:
            years = [_valid_year(v) for v in given_values]
            if len(years) != 2 or None in years or not span[0] <= years[0] <= years[1] <= span[1]:
                parts.append((key, None))
        elif key in ("basis", "parts"):
            options = BASES if key == "basis" else PARTS
            parts += [(key, v) for v in given_values if v.strip().lower() not in options]
            if sum(v.strip().lower() in options for v in given_values) > 1:
                parts.append((key, None))
    return parts


def shown(text: str) -> str:
    """How a warning quotes a rejected key or value: its repr, shortened, without the closing quote."""
    return repr(text[:MAX_SHOWN])[:-1]


def check_parsed(params: dict[str, list[str]], filters: Filters, warnings: list[str],
                 span: tuple[int, int] = DATA_SPAN) -> None:
    """Kept values are all valid; every ignored part is warned about, shortly; a clean link gets no warning."""
    assert set(filters.buyers) <= BUYERS and set(filters.suppliers) <= SUPPLIERS and set(filters.systems) <= SYSTEMS
    assert set(filters.statuses) <= set(DEAL_STATUS) and set(filters.confidences) <= set(CONFIDENCE)
    assert set(filters.origins) <= set(ORIGIN) and filters.basis in BASES and filters.parts in PARTS
    assert filters.years is None or span[0] <= filters.years[0] <= filters.years[1] <= span[1]
    assert all(isinstance(y, int) for y in filters.years or ())
    parts = ignored_parts(params, span=span)
    assert bool(warnings) == bool(parts), (parts, warnings)
    assert len(warnings) >= len(parts)
    for key, value in parts:
        if key not in PARAMETERS:    # an unknown key is quoted back
            assert any(shown(key) in w for w in warnings), (key, warnings)
        elif value is None:          # a parameter as a whole (years, too many values, two bases)
            assert any(key in w for w in warnings), (key, warnings)
        else:                        # a value is quoted back with its parameter
            assert any(shown(value) in w and key in w for w in warnings), (key, value, warnings)
    # At most two quoted values of MAX_SHOWN characters, each at most 10 in repr ('\U0001f1f9').
    assert all(len(w) < 2 * 10 * MAX_SHOWN + 200 for w in warnings), "a warning quoted a huge value in full"
    # What was kept is a clean link of its own.
    assert parse_query_string(filters.query_string(), CHOICES) == (filters, [])
    assert filters.years != span, "a range over the whole span restricts nothing"


@settings(LINKS, max_examples=PURE_EXAMPLES)
@given(params=link_params)
def test_any_parameter_dict_parses_to_valid_filters_and_warns_about_every_ignored_part(params):
    filters, warnings = from_query(params, CHOICES)
    check_parsed(params, filters, warnings)


raw_pieces = st.one_of(
    st.builds(lambda k, v: urlencode({k: v}), keys, values),
    st.builds(lambda k, v: f"{k}={v}", st.text(ANY_CHAR, max_size=10), st.text(ANY_CHAR, max_size=10)),
    st.sampled_from(["buyer=TUR", "buyer=tur", "years=2017", "years=2021", "%", "%zz", "&&", "=", "==x",
                     "buyer", "buyer=%E2%80%AE", "status=%27%20OR%201%3D1%20--", "basis=constant;basis=x"]))


@settings(LINKS, max_examples=PURE_EXAMPLES // 3)
@given(query=st.lists(raw_pieces, max_size=8).map("&".join), prefix=st.sampled_from(["", "?"]))
def test_any_raw_query_string_parses_as_the_cli_reads_it(query, prefix):
    filters, warnings = parse_query_string(prefix + query, CHOICES)
    check_parsed(parse_qs((prefix + query).lstrip("?")), filters, warnings)


# ---------------------------------------------------------------- values never reach SQL text

def filtered_queries() -> dict:
    """Every query of (conn, filters): whatever queries.py and aggregates.py offer now, not a fixed list."""
    return {name: fn for module in (queries, aggregates) for name, fn in inspect.getmembers(module, inspect.isfunction)
            if fn.__module__ == module.__name__ and not name.startswith("_")
            and list(inspect.signature(fn).parameters)[:2] == ["conn", "filters"]}


@contextmanager
def captured_sql():
    """Every (sql, params) that goes through db.query while the block runs; the queries still run."""
    seen, real = [], db.query

    def capture(conn, sql, params=None, *args, **kwargs):
        seen.append((sql, params))
        return real(conn, sql, params, *args, **kwargs)
    with mock.patch.object(db, "query", capture):
        yield seen


@pytest.fixture(scope="module")
def connection(real_db):
    with db.connect(real_db) as conn:
        yield conn


@pytest.fixture(scope="module")
def baseline_sql(connection) -> dict[str, list[str]]:
    """The SQL text of every named query with no filters at all."""
    texts = {}
    for name, fn in filtered_queries().items():
        with captured_sql() as seen:
            fn(connection, Filters())
        texts[name] = [sql for sql, _ in seen]
    return texts


def test_every_page_query_is_covered_by_the_sql_text_check():
    assert {"deals", "deliveries", "payments", "events", "sources", "claims", "conversions",
            "country_status"} <= set(filtered_queries())


hostile = st.one_of(st.sampled_from(SQL_PAYLOADS[:-3]), st.text(ANY_CHAR, min_size=1, max_size=40))
hostile_filters = st.builds(
    Filters, buyers=st.lists(st.one_of(st.sampled_from(sorted(BUYERS)), hostile), max_size=3).map(tuple),
    suppliers=st.lists(hostile, max_size=2).map(tuple),
    years=st.none() | st.tuples(st.integers(-2**31, 2**31), st.integers(-2**31, 2**31)),
    statuses=st.lists(hostile, max_size=2).map(tuple), confidences=st.lists(hostile, max_size=2).map(tuple),
    origins=st.lists(hostile, max_size=2).map(tuple), basis=hostile, parts=hostile)


@settings(LINKS, max_examples=SQL_EXAMPLES)
@given(filters=hostile_filters)
def test_filter_values_travel_only_as_bound_parameters(connection, baseline_sql, filters):
    """Even values no link could produce (from_query drops them) never change or enter the SQL text."""
    payloads = [v for v in (*filters.buyers, *filters.suppliers, *filters.statuses, *filters.confidences,
                            *filters.origins) if len(v) >= 3]
    for name, fn in filtered_queries().items():
        with captured_sql() as seen:
            fn(connection, filters)
        assert [sql for sql, _ in seen] == baseline_sql[name], f"{name}: the SQL text depends on the filters"
        for sql, params in seen:
            options = {key: value for key, value in params.items() if key not in filters.sql_params()}
            assert params == filters.sql_params() | options
            # Besides the filters, only a query's own options (row limits), never text from the link.
            assert all(value is None or isinstance(value, int) for value in options.values())
            assert not [p for p in payloads if p in sql and p not in " ".join(baseline_sql[name])]
    tables = db.table_names(connection)
    assert "deals" in tables and db.row_count(connection, "deals") > 0


# ---------------------------------------------------------------- every page in AppTest

@pytest.fixture(scope="module")
def page_env(real_db):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("S400_DB", str(real_db))
        patch.delenv("S400_ADMIN_PASSWORD", raising=False)
        yield real_db


@pytest.fixture(scope="module")
def page_options(page_env) -> tuple[frozenset, frozenset, set[str]]:
    """Buyer and supplier codes and the year span the app offers, and every SQL text the app may run."""
    with db.connect(page_env) as conn:
        choices = queries.filter_choices(conn)
        with captured_sql() as seen:
            for fn in filtered_queries().values():
                fn(conn, Filters())
            for kind in ("deal", "delivery", "payment", "event"):  # the explorer's tabs read one kind's claims
                queries.claims(conn, Filters(), record_type=kind)
            # the timeline's marks read only the columns they draw
            queries.deals(conn, Filters(), columns=charts.DEAL_MARK_COLUMNS)
            queries.events(conn, Filters(), columns=charts.EVENT_MARK_COLUMNS)
            for name in ("country_names", "filter_choices", "data_version", "imports", "deal_ids",
                         "table_row_counts"):
                getattr(queries, name)(conn)
    return (frozenset(choices.codes["buyer"]), frozenset(choices.codes["supplier"]), choices.years,
            {sql for sql, _ in seen})


def as_the_app_receives(params: dict[str, list[str]]) -> dict[str, list[str]]:
    """The link after the trip through a URL: encoded, parsed back, Streamlit's own keys hidden."""
    parsed = parse_qs(urlencode(params, doseq=True), keep_blank_values=True)
    return {k: v for k, v in parsed.items() if k.lower() not in STREAMLIT_KEYS}


def open_link(url_path: str, params: dict[str, list[str]]):
    """A new session whose first request is the link: ``/<url_path>?<params>``.

    AppTest's public way (run the default page, then switch_page) opens the page on a second
    run; a shared link is the first run, on its page. Requesting the page's script hash (what
    st.Page hashes: its url_path) before the first run does that, at half the cost. The
    caller checks the title, so a change in this private detail fails loudly.
    """
    from streamlit.testing.v1 import AppTest
    from streamlit.util import calc_hash
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, given_values in params.items():
        app.query_params[key] = given_values
    app._page_hash = calc_hash(url_path)
    return app.run()


page_values = st.one_of(st.sampled_from(VALID_WORDS), st.sampled_from(SQL_PAYLOADS), st.text(ANY_CHAR, max_size=12),
                        st.builds(lambda s: s * 400, st.text(ANY_CHAR, min_size=1, max_size=5)))
page_links = st.dictionaries(keys, st.lists(page_values, max_size=3), max_size=4)


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path or "overview")
def test_any_link_opens_every_page_with_a_warning_for_what_was_ignored(page_options, page):
    import streamlit
    buyers, suppliers, span, known_sql = page_options
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()

    @settings(LINKS, max_examples=PAGE_EXAMPLES)
    @given(params=page_links)
    @example(params={"years": ["2017", "2100"]})     # inside 1990-2100, past the data: crashed the slider
    @example(params={"years": ["1990", "1995"]})     # wholly before the data
    @example(params={"buyer": ["TUR');DROP TABLE deals;--", "TUR"], "status": ["' OR 1=1 --"]})
    @example(params={"buyer": ["\u202eRUT" * 2000], "basis": ["constant", "original"], "": ["x"]})
    @example(params={"buyer": ["TUR"], "years": ["2017", "2021"], "basis": ["constant"]})  # all valid
    def opens(params):
        with captured_sql() as seen:
            app = open_link(page, params)
        assert not app.exception, [e.value for e in app.exception]
        assert app.title[0].value == PAGES[page]
        link_warnings = [w for w in app.warning if w.value.startswith("Parts of this link were ignored")]
        ignored = ignored_parts(as_the_app_receives(params), buyers, suppliers, span)
        event("link partly ignored" if ignored else "link applied whole")
        assert bool(link_warnings) == bool(ignored), (ignored, [w.value for w in link_warnings])
        assert set(app.query_params) <= set(PARAMETERS), "the URL was not rewritten to the applied view"
        assert {sql for sql, _ in seen} <= known_sql, "a query's SQL text depended on the link"

    opens()
