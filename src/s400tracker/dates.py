"""Dates and their precision, the one home of each date rule.

A partial ISO date is '2017', '2017-12' or '2017-12-29', each with its precision; it is written
at that precision everywhere (``PARTIAL_FORMATS``: in Python, over columns, and in SQL). A deal's
year is the year of its signature, else of its announcement (``DEAL_YEAR_DATES``).
"""

import datetime as dt
import re

import numpy as np
import pandas as pd

_PARTIAL_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PARTIAL_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
WORDS_FORMATS = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}  # for people: '1 December 2026'
DEAL_YEAR_DATES = ("signed_date", "announced_date")  # the first one known gives the deal's year


def parse_partial_date(text: str) -> tuple[dt.date, str]:
    """Parse a partial ISO date into (first day of the period, precision).

    Raises ValueError naming the problem when the text is not an ISO date.
    """
    match = _PARTIAL_ISO.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    precision = "day" if day else "month" if month else "year"
    try:
        return dt.date(int(year), int(month or 1), int(day or 1)), precision
    except ValueError as error:
        raise ValueError(f"'{text}' is not a real date ({error})") from None


def format_partial_date(value: dt.date | None, precision: str | None) -> str:
    """Format a date at its precision, the inverse of parse_partial_date ('' for no date)."""
    if value is None or precision is None:
        return ""
    return value.strftime(PARTIAL_FORMATS[precision])


def date_in_words(value: dt.date | None, precision: str | None) -> str:
    """A date at its precision for people: '1 December 2026', 'November 2025', '2025' ('' for none)."""
    if value is None or precision is None:
        return ""
    return value.strftime(WORDS_FORMATS[precision])


def format_partial_dates(dates: pd.Series, precisions: pd.Series) -> pd.Series:
    """format_partial_date over columns at once (missing where there is no date)."""
    stamps = pd.to_datetime(dates)
    text = np.full(len(dates), None, dtype=object)
    for precision, layout in PARTIAL_FORMATS.items():
        chosen = (precisions == precision).to_numpy(dtype=bool, na_value=False)
        if chosen.any():
            text[chosen] = stamps[chosen].dt.strftime(layout).to_numpy()
    return pd.Series(text, index=dates.index, dtype="str")


def period_ends(dates: pd.Series, precisions: pd.Series) -> pd.Series:
    """The last day of the period each partial date names (the day itself at day precision)."""
    stamps = pd.to_datetime(dates)
    ends = stamps.copy()
    month, year = (precisions == "month").to_numpy(), (precisions == "year").to_numpy()
    ends[month] = stamps[month] + pd.offsets.MonthEnd(0)
    ends[year] = stamps[year] + pd.offsets.YearEnd(0)
    return ends


def partial_date_sql(column: str) -> str:
    """SQL writing a DATE column at its precision (the ``<column>_precision`` beside it)."""
    cases = " ".join(f"WHEN '{precision}' THEN strftime({column}, '{layout}')"
                     for precision, layout in PARTIAL_FORMATS.items())
    return f"CASE {column}_precision {cases} END"


def deal_year_sql(alias: str) -> str:
    """SQL of a deal's year, for the deals table under ``alias``."""
    return "coalesce(" + ", ".join(f"year({alias}.{name})" for name in DEAL_YEAR_DATES) + ")"


def deal_years(deals: pd.DataFrame) -> pd.Series:
    """Each deal's year (nullable integers), for a frame of deals' database columns."""
    years = [pd.to_datetime(deals[name]).dt.year.astype("Int64") for name in DEAL_YEAR_DATES]
    first = years[0]
    for later in years[1:]:
        first = first.fillna(later)
    return first
