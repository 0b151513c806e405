"""Money formatting for people: the one place that decides how an amount reads on screen.

Pages, chart hover text and the map's tooltips call ``format_money``, so the same amount never
reads two ways (the map once said "USD 0 m" for what the overview calls "US$ 300,000").
"""

import pandas as pd


def format_money(amount, currency) -> str:
    """Money for people: "US$ 2.50 bn", "EUR 500 m", "INR 390.00 bn"; "—" when unknown.

    Below a million the full number is shown ("RUB 12,000"): rounding it to millions
    would read as nothing.
    """
    if amount is None or pd.isna(amount):
        return "—"
    prefix = "US$" if currency == "USD" else (currency if isinstance(currency, str) else "")
    sign, size = ("-" if amount < 0 else ""), abs(float(amount))
    number = (f"{size / 1e9:.2f} bn" if size >= 1e9 else f"{size / 1e6:.0f} m" if size >= 1e6
              else f"{size:,.0f}")
    return f"{prefix} {sign}{number}".strip()
