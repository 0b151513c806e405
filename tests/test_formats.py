"""Money as people read it: one rule for pages, chart hover text and map tooltips."""

import numpy as np
import pytest

from s400tracker.formats import format_money


@pytest.mark.parametrize("amount, currency, expected", [
    (2.5e9, "USD", "US$ 2.50 bn"),
    (5e8, "EUR", "EUR 500 m"),
    (390e9, "INR", "INR 390.00 bn"),
    (12_000, "RUB", "RUB 12,000"),       # below a million: the full number
    (300_000, "USD", "US$ 300,000"),      # not "0 m"
    (-2.5e9, "USD", "US$ -2.50 bn"),      # a sign kept (a refund, a correction)
    (np.nan, "USD", "—"),                 # unknown amount
    (None, None, "—"),
])
def test_format_money(amount, currency, expected):
    assert format_money(amount, currency) == expected
