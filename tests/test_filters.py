"""Filters as data: URL <-> Filters <-> SQL parameters, and every way a link can be wrong."""

import pytest

from s400tracker.filters import Filters, from_query, parse_query_string

BUYERS = frozenset({"TUR", "IND", "CHN"})
SUPPLIERS = frozenset({"RUS"})


def parse(query: str):
    return parse_query_string(query, BUYERS, SUPPLIERS)


def test_a_full_link_round_trips():
    query = ("buyer=TUR&buyer=IND&supplier=RUS&years=2017&years=2021&status=signed&confidence=confirmed"
             "&origin=imported&basis=constant")
    filters, warnings = parse(query)
    assert warnings == []
    assert filters == Filters(("TUR", "IND"), ("RUS",), (2017, 2021), ("signed",), ("confirmed",), "constant",
                              ("imported",))
    assert parse(filters.query_string())[0] == filters


def test_defaults_stay_out_of_the_url():
    assert Filters().to_query() == {} and Filters().query_string() == ""
    assert "basis" not in Filters(basis="nominal").to_query()


@pytest.mark.parametrize("query, kept, warning", [
    # an unknown parameter is named and ignored
    ("buyer=TUR&colour=red", Filters(buyers=("TUR",)), "unknown parameter 'colour'"),
    # a code no deal has as buyer
    ("buyer=TUR&buyer=XXX", Filters(buyers=("TUR",)), "buyer 'XXX'"),
    # lower case codes are accepted, duplicates collapse
    ("buyer=tur&buyer=TUR", Filters(buyers=("TUR",)), None),
    # a single year is not a range
    ("years=2017", Filters(), "give two years"),
    # three years neither
    ("years=2017&years=2018&years=2019", Filters(), "give two years"),
    # years must be numbers
    ("years=2017&years=soon", Filters(), "whole numbers"),
    # reversed range
    ("years=2021&years=2017", Filters(), "first <= last"),
    # a status outside the vocabulary
    ("status=signed&status=shipped", Filters(statuses=("signed",)), "status 'shipped'"),
    ("confidence=certain", Filters(), "confidence 'certain'"),
    ("basis=euros", Filters(), "basis 'euros'"),
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


def test_a_huge_value_is_quoted_back_shortened():
    _, warnings = parse("buyer=" + "A" * 10_000)
    assert len(warnings) == 1 and len(warnings[0]) < 200


def test_too_many_values_are_capped():
    filters, warnings = from_query({"buyer": ["TUR"] * 500}, BUYERS, SUPPLIERS)
    assert filters.buyers == ("TUR",) and any("after the first" in w for w in warnings)


def test_sql_parameters_are_plain_values():
    params = Filters(buyers=("TUR",), years=(2017, 2020)).sql_params()
    assert params == {"buyers": ["TUR"], "suppliers": [], "year_from": 2017, "year_to": 2020,
                      "statuses": [], "confidences": [], "origins": []}


def test_description_reads_as_words():
    text = Filters(buyers=("TUR",), years=(2017, 2020)).describe({"TUR": "Turkey"})
    assert text == "buyers Turkey; years 2017-2020"
    assert Filters().describe() == "all records"
