import datetime as dt

import pytest

from s400tracker.dates import format_partial_date, parse_partial_date


@pytest.mark.parametrize("text, expected", [
    ("2019-07-12", (dt.date(2019, 7, 12), "day")),
    ("2017-12", (dt.date(2017, 12, 1), "month")),
    ("2017", (dt.date(2017, 1, 1), "year")),
])
def test_partial_dates_keep_their_precision(text, expected):
    assert parse_partial_date(text) == expected
    assert format_partial_date(*expected) == text


@pytest.mark.parametrize("text", ["12/07/2019", "2019-7-12", "late 2017", "2019-13", "2019-02-30", ""])
def test_non_iso_dates_are_rejected_with_the_text_named(text):
    with pytest.raises(ValueError, match="ISO date|not a real date"):
        parse_partial_date(text)
