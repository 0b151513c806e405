"""Partial ISO dates: '2017', '2017-12' or '2017-12-29', each with its precision."""

import datetime as dt
import re

_PARTIAL_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


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
    return {"day": value.isoformat(), "month": value.strftime("%Y-%m"),
            "year": value.strftime("%Y")}[precision]
