"""Each kind of bad data, one case each: the build names file, line, column and rule."""

from pathlib import Path

import pytest

from s400tracker.build import build
from s400tracker.validate import DataError


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_to(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


# (case id, file, edit(path), expected file, line, column, rule)
CASES = [
    # buyer code that is not a country in countries.csv
    ("unknown country", "deals.csv", lambda p: replace_in(p, "TUR-2017,TUR,", "TUR-2017,TRK,"),
     "deals.csv", 2, "buyer_iso3", "unknown country code"),
    # an event naming a country code that does not exist, inside a ';' list
    ("unknown country in list", "events.csv", lambda p: replace_in(p, "TUR;USA", "TUR;XXX"),
     "events.csv", 2, "countries", "unknown country code"),
    # a delivery pointing at a deal that does not exist
    ("dangling reference", "deliveries.csv", lambda p: replace_in(p, "dl-1,TUR-2017", "dl-1,TUR-2099"),
     "deliveries.csv", 2, "deal_id", "dangling reference"),
    # a citation pointing at a source that does not exist
    ("dangling source", "citations.csv", lambda p: replace_in(p, "c7,delivery,dl-1,seed", "c7,delivery,dl-1,nosuch"),
     "citations.csv", 8, "source_id", "dangling reference"),
    # a citation for a record that does not exist
    ("citation of missing record", "citations.csv", lambda p: replace_in(p, "c11,event,ev-1", "c11,event,ev-9"),
     "citations.csv", 12, "record_id", "dangling reference"),
    # a date written the European way
    ("date not ISO", "deliveries.csv", lambda p: replace_in(p, "2019-07-12", "12/07/2019"),
     "deliveries.csv", 2, "date", "date not ISO"),
    # an impossible calendar date
    ("impossible date", "events.csv", lambda p: replace_in(p, "2019-07-17", "2019-02-30"),
     "events.csv", 2, "date", "date not ISO"),
    # a status outside the deal status vocabulary
    ("value outside vocabulary", "deals.csv", lambda p: replace_in(p, ",delivered,", ",shipped,"),
     "deals.csv", 2, "status", "value outside vocabulary"),
    # a confidence level outside the vocabulary
    ("confidence outside vocabulary", "events.csv", lambda p: replace_in(p, ",confirmed,TUR-2017", ",certain,TUR-2017"),
     "events.csv", 2, "confidence", "value outside vocabulary"),
    # a delivery nobody cites
    ("record with no source", "citations.csv", lambda p: replace_in(p, "c7,delivery,dl-1,seed,,,,,49,\n", ""),
     "deliveries.csv", 2, "delivery_id", "no source"),
    # the same deal id twice
    ("duplicate key", "deals.csv",
     lambda p: append_to(p, "TUR-2017,TUR,RUS,s400,,,signed,,,,,,,,,,reported,Again,,,contract"),
     "deals.csv", 5, "deal_id", "duplicate key"),
    # a required cell left empty
    ("required value missing", "deals.csv",
     lambda p: replace_in(p, ",confirmed,Turkey S-400 contract", ",,Turkey S-400 contract"),
     "deals.csv", 2, "confidence", "required"),
    # words where a number belongs
    ("not a number", "deals.csv", lambda p: replace_in(p, ",2500000000,", ",2.5bn,"),
     "deals.csv", 2, "value_amount", "not a number"),
    # an amount without its currency
    ("amount without currency", "payments.csv", lambda p: replace_in(p, "60000000000,INR", "60000000000,"),
     "payments.csv", 2, "currency", "incomplete"),
    # a boolean written as yes
    ("not a boolean", "deliveries.csv", lambda p: replace_in(p, "batch,false,confirmed", "batch,no,confirmed"),
     "deliveries.csv", 2, "planned", "not a boolean"),
    # a column renamed in the header
    ("missing column", "deals.csv", lambda p: replace_in(p, "signed_date,", "signing_date,"),
     "deals.csv", 1, "signed_date", "missing column"),
    # a row with a cell too many
    ("malformed row", "systems.csv", lambda p: append_to(p, "s300,S-300,,almaz_antey,x,extra"),
     "systems.csv", 3, None, "malformed row"),
    # a quote never closed
    ("malformed CSV", "organizations.csv", lambda p: append_to(p, 'x,"Unclosed,RUS,other,'),
     "organizations.csv", 6, None, "malformed CSV"),
    # Latin-1 bytes where UTF-8 is required
    ("not UTF-8", "countries.csv", lambda p: p.write_bytes(p.read_bytes() + b"CIV,C\xf4te d'Ivoire,Africa,,7.6,-5.5\n"),
     "countries.csv", None, None, "encoding"),
    # a table file deleted
    ("missing file", "payments.csv", lambda p: p.unlink(),
     "payments.csv", None, None, "missing file"),
    # two different preferred values for the same field
    ("two preferred claims", "citations.csv", lambda p: replace_in(p, "2017,false,,44", "2017,true,also good,44"),
     "citations.csv", 3, "preferred", "preferred claim"),
    # the preferred claim disagrees with the record's own value
    ("preferred differs from record", "deals.csv",
     lambda p: replace_in(p, "2017-09-12,2017-12-29", "2017-09-12,2017-09-12"),
     "citations.csv", 3, "claimed_value", "preferred claim"),
    # a disputed field whose preferred claim gives no reason
    ("disputed without reason", "citations.csv", lambda p: replace_in(p, "true,official figure,75", "true,,75"),
     "citations.csv", 5, "preference_reason", "preferred claim"),
    # a money claim without a currency
    ("claim not parseable", "citations.csv", lambda p: replace_in(p, "390000000000 INR", "390000000000 rupees"),
     "citations.csv", 6, "claimed_value", "bad claim"),
    # a claim on a field the record does not have
    ("claim on unknown field", "citations.csv", lambda p: replace_in(p, "s2,value,", "s2,price,"),
     "citations.csv", 5, "field", "unknown field"),
    # an access date in the future
    ("accessed in the future", "sources.csv", lambda p: replace_in(p, "2018-10-05,2026-11-25", "2018-10-05,2999-01-01"),
     "sources.csv", 4, "accessed_date", "date in the future"),
]


@pytest.mark.parametrize("case, file, edit, where, line, column, rule", CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_bad_data_is_named(fixture_data, tmp_path, case, file, edit, where, line, column, rule):
    edit(fixture_data / file)
    with pytest.raises(DataError) as raised:
        build(fixture_data, tmp_path / "out.duckdb")
    matches = [p for p in raised.value.problems if p.rule == rule and p.file == where]
    assert matches, f"expected a {rule!r} problem in {where}, got: {[str(p) for p in raised.value.problems]}"
    assert (matches[0].line, matches[0].column) == (line, column)
    assert where in str(matches[0]) and rule in str(matches[0])
    assert not (tmp_path / "out.duckdb").exists()


def test_all_problems_are_reported_at_once(fixture_data, tmp_path):
    replace_in(fixture_data / "deals.csv", "TUR-2017,TUR,", "TUR-2017,TRK,")
    replace_in(fixture_data / "deliveries.csv", "2019-07-12", "July 2019")
    replace_in(fixture_data / "events.csv", "programme_suspension", "suspension")
    with pytest.raises(DataError) as raised:
        build(fixture_data, tmp_path / "out.duckdb")
    rules = {p.rule for p in raised.value.problems}
    assert {"unknown country code", "date not ISO", "value outside vocabulary"} <= rules


def test_the_minimal_fixture_is_valid(fixture_data, tmp_path):
    result = build(fixture_data, tmp_path / "out.duckdb")
    assert result.row_counts["deals"] == 3
