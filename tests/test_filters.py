"""Filters as records: URL <-> Filters <-> SQL parameters, every way a link can be wrong, and
one parser, so that a link opens on the page exactly the rows the CLI exports for it."""

import csv
import io
from pathlib import Path

import pytest

from s400tracker import filters as flt
from s400tracker import queries
from s400tracker.db import connect
from s400tracker.filters import Choices, Filters, from_query, parse_query_string
from tests.helpers import cli, fresh_app

ROOT = Path(__file__).resolve().parents[1]
CHOICES = Choices({"buyer": {"TUR": "Turkey", "IND": "India", "CHN": "China"}, "supplier": {"RUS": "Russia"},
                   "system": {"s400": "S-400 Triumf"}}, (2006, 2027))


def parse(query: str):
    return parse_query_string(query, CHOICES)


def test_a_full_link_round_trips():
    query = ("buyer=TUR&buyer=IND&supplier=RUS&system=s400&parts=include&years=2017&years=2021&status=signed"
             "&confidence=confirmed&origin=imported&basis=constant")
    filters, warnings = parse(query)
    assert warnings == []
    assert filters == Filters(buyers=("TUR", "IND"), suppliers=("RUS",), systems=("s400",), parts="include",
                              years=(2017, 2021), statuses=("signed",), confidences=("confirmed",),
                              basis="constant", origins=("imported",))
    assert parse(filters.query_string())[0] == filters


def test_defaults_stay_out_of_the_url():
    assert Filters().to_query() == {} and Filters().query_string() == ""
    assert "basis" not in Filters(basis="nominal").to_query()


def test_every_record_is_a_field_of_the_view_and_a_url_key():
    assert [f.attribute for f in flt.FILTERS] == list(Filters.__dataclass_fields__)
    assert tuple(f.key for f in flt.FILTERS) == flt.PARAMETERS
    assert len(set(flt.PARAMETERS)) == len(flt.PARAMETERS)


@pytest.mark.parametrize("query, kept, warning", [
    # an unknown parameter is named and ignored
    ("buyer=TUR&colour=red", Filters(buyers=("TUR",)), "unknown parameter 'colour'"),
    # a code no deal has as buyer
    ("buyer=TUR&buyer=XXX", Filters(buyers=("TUR",)), "buyer 'XXX'"),
    # lower case codes are accepted, duplicates collapse
    ("buyer=tur&buyer=TUR", Filters(buyers=("TUR",)), None),
    # a system by its id, in any case, kept as the data spells it
    ("system=S400", Filters(systems=("s400",)), None),
    ("system=s300", Filters(), "system 's300'"),
    # a single year is not a range
    ("years=2017", Filters(), "give two years"),
    # three years neither
    ("years=2017&years=2018&years=2019", Filters(), "give two years"),
    # years must be numbers
    ("years=2017&years=soon", Filters(), "whole numbers"),
    # a reversed range is read the right way round, and says so
    ("years=2021&years=2017", Filters(years=(2017, 2021)), "as 2017-2021"),
    # the data's whole span restricts nothing: undated records stay in view
    ("years=2006&years=2027", Filters(), None),
    # wider than the data: narrowed to the data, which is again no restriction
    ("years=1990&years=2100", Filters(), "Narrowed years 1990-2100 to 2006-2027"),
    # partly outside: narrowed to the part the data has
    ("years=2000&years=2010", Filters(years=(2006, 2010)), "Narrowed years 2000-2010 to 2006-2010"),
    # wholly outside: ignored
    ("years=1950&years=1960", Filters(), "records only in 2006-2027"),
    # a status outside the vocabulary
    ("status=signed&status=shipped", Filters(statuses=("signed",)), "status 'shipped'"),
    ("confidence=certain", Filters(), "confidence 'certain'"),
    ("basis=euros", Filters(), "basis 'euros'"),
    # two bases: the first is used
    ("basis=constant&basis=original", Filters(basis="constant"), "first basis"),
    # SQL in a value is just an unknown code
    ("buyer=TUR')%3BDROP+TABLE+deals%3B--", Filters(), "no deal has that buyer"),
    ("status=' OR 1=1 --", Filters(), "status"),
])
def test_bad_parts_of_a_link_are_ignored_with_a_warning_and_the_rest_applied(query, kept, warning):
    filters, warnings = parse(query)
    assert filters == kept
    if warning:
        assert any(warning in w for w in warnings), warnings
    else:
        assert warnings == []


def test_years_need_dated_data():
    filters, warnings = parse_query_string("years=2017&years=2021", Choices())
    assert filters.years is None and "no dated records" in warnings[0]


def test_a_huge_value_is_quoted_back_shortened():
    _, warnings = parse("buyer=" + "A" * 10_000)
    assert len(warnings) == 1 and len(warnings[0]) < 200
    _, warnings = parse("years=1" + "0" * 4000 + "&years=2")
    assert warnings and all(len(w) < 400 for w in warnings)


def test_too_many_values_are_capped():
    filters, warnings = from_query({"buyer": ["TUR"] * 500}, CHOICES)
    assert filters.buyers == ("TUR",) and any("after the first" in w for w in warnings)


def test_sql_parameters_are_plain_values():
    params = Filters(buyers=("TUR",), years=(2017, 2020)).sql_params()
    assert params == {"buyers": ["TUR"], "suppliers": [], "systems": ["s400"], "parts": False,
                      "year_from": 2017, "year_to": 2020,
                      "statuses": [], "confidences": [], "origins": []}


def test_every_condition_binds_its_values_and_events_without_a_deal_use_their_countries():
    sql = flt.where("e", "year(e.date)", event=True)
    assert "CASE WHEN d.deal_id IS NOT NULL" in sql and "event_countries" in sql
    for name in Filters().sql_params():
        assert f"${name}" in sql


def test_description_reads_as_words():
    text = Filters(buyers=("TUR",), years=(2017, 2020)).describe({"TUR": "Turkey"})
    assert text == "buyers Turkey; years 2017-2020"
    assert Filters().describe() == "all records"


# ---------------------------------------------------------------- the page and the CLI agree

# Each link as a user might send it; the page and the CLI must select the same deals for it.
LINKS = [
    "",                                                  # everything
    "years=2006&years=2027",                             # the data's whole span: undated deals stay
    "years=1990&years=2100",                             # wider than the data
    "years=2021&years=2017",                             # reversed
    "years=2017&years=2021",                             # an ordinary range
    "years=2000&years=2010",                             # partly outside the data
    "buyer=TUR&buyer=IND&buyer=TUR",                     # repeated keys
    "buyer=TUR&years=2017&years=2020&colour=red",        # an unknown key beside valid ones
    "buyer=XXX&status=shipped&years=soon&years=2020",    # invalid values only
    "status=signed&status=delivering&confidence=confirmed",
    "origin=curated&basis=constant",
    "years=2017",                                        # half a range
    "system=s400&buyer=IND",                             # a system, as the next filters will be
    "system=S-300",                                      # a system no deal has
    "system=s400&parts=include",                         # the S-400 with its own missiles and radars
    "system=all&parts=include",                          # every system: parts change nothing
    "parts=maybe",                                       # not an option
]


def _page_deals(query: str) -> list[str]:
    """The deal ids the explorer shows for a link, opened as a fresh session would."""
    app = fresh_app(query, "explorer")
    frames = [frame.value for frame in app.dataframe if "deal_id" in frame.value.columns]
    return sorted(frames[0]["deal_id"]) if frames else []


def _cli_deals(real_db: Path, query: str) -> list[str]:
    text = cli("export", "--table", "deals", "--query", query, "--out", "-", "--db", str(real_db))
    return sorted(row["deal_id"] for row in csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("query", LINKS)
def test_the_page_and_the_cli_select_the_same_rows_for_a_link(real_db, monkeypatch, query):
    monkeypatch.setenv("S400_DB", str(real_db))
    with connect(real_db) as conn:
        every = set(queries.deals(conn, Filters())["deal_id"])
    page, exported = _page_deals(query), _cli_deals(real_db, query)
    assert page == exported
    assert set(exported) <= every
    if query.startswith("years=2006&years=2027") or query.startswith("years=1990"):
        assert set(exported) == every  # a full-span range keeps the undated deals
