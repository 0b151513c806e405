"""What a cell means: SIPRI's marked numbers and years, country names, weapon designations."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ...schema import S400_SYSTEM_ID
from .columns import CLASSIC

FIRST_YEAR = 1950
# SIPRI covers deliveries from 1950 on, but some of those weapons were ordered before (1940 in
# the 2026 register): an order year is plausible from here.
FIRST_ORDER_YEAR = 1900
# S-400 designations, compared without case, spaces or hyphens; SIPRI writes "S-400/SA-21".
_S400_NAMES = frozenset({"s400", "s400triumf", "triumf", "sa21", "sa21growler"})
# What a comment says a deal's weapons are for: the words after 'for' or 'with', to the clause's
# end ("For S-400 SAM systems", "Part of INR390 b ($5 b) for S-400 SAM systems", "91N6E version
# for use with S-400 SAM systems"). Words keep their hyphens and slashes, so "FCS-4008" and
# "Series-400/600" stay whole and are not the S-400.
_FOR_CLAUSE = re.compile(r"\b(?:for|with)\b([^;]*)", re.IGNORECASE)
_WORD = re.compile(r"[\w\-/]+")
# SIPRI spellings (folded: lower case, accents removed) -> ISO3. The caller's country_codes
# (names from the countries table) are tried first; these cover SIPRI's own and older names.
COUNTRY_ALIASES = {
    "turkiye": "TUR", "turkey": "TUR",
    "russia": "RUS", "russian federation": "RUS",
    "united states": "USA", "united states of america": "USA", "usa": "USA",
    "united kingdom": "GBR", "uk": "GBR",
    "viet nam": "VNM", "vietnam": "VNM",
    "uae": "ARE", "united arab emirates": "ARE",
    "korea south": "KOR", "korea, south": "KOR", "south korea": "KOR", "republic of korea": "KOR",
    "korea north": "PRK", "korea, north": "PRK", "north korea": "PRK",
    "iran": "IRN", "syria": "SYR", "laos": "LAO", "brunei": "BRN", "bolivia": "BOL",
    "venezuela": "VEN", "tanzania": "TZA", "moldova": "MDA", "taiwan": "TWN",
    "congo dr": "COD", "dr congo": "COD", "congo, dr": "COD", "drc": "COD",
    "democratic republic of the congo": "COD", "congo": "COG", "republic of the congo": "COG",
    "cote d'ivoire": "CIV", "ivory coast": "CIV",
    "czechia": "CZE", "czech republic": "CZE",
    "bosnia-herzegovina": "BIH", "bosnia and herzegovina": "BIH",
    "north macedonia": "MKD", "macedonia": "MKD",
    "eswatini": "SWZ", "swaziland": "SWZ", "myanmar": "MMR", "burma": "MMR",
    "cabo verde": "CPV", "cape verde": "CPV", "timor-leste": "TLS", "east timor": "TLS",
    "gambia": "GMB", "the gambia": "GMB", "bahamas": "BHS",
    "china": "CHN", "india": "IND", "poland": "POL",
    "micronesia": "FSM", "saint vincent": "VCT",
}


@dataclass(frozen=True)
class Count:
    """A SIPRI number split from its marks: ``text`` is the bare number ('' when none)."""

    raw: str
    text: str
    estimate: bool
    uncertain: bool


MARKS = re.compile(r"[()?]")
_INTEGER = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
_DECIMAL = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|\.\d+")


def parse_number(raw: str, integer: bool) -> Count:
    """Split SIPRI's marks off a number: brackets = estimate, '?' = uncertain.

    Raises ValueError when what remains is not a (non-negative) number.
    """
    raw = raw.strip()
    core = MARKS.sub("", raw).strip()
    if core and not (_INTEGER if integer else _DECIMAL).fullmatch(core):
        raise ValueError(f"'{raw}' is not a number")
    core = core.replace(",", "")  # thousands separators only: the patterns allow no other comma
    if integer and core:
        core = str(int(core))
    return Count(raw, core, "(" in raw or ")" in raw, "?" in raw)


def parse_year(raw: str, last_year: int, first_year: int = FIRST_YEAR) -> tuple[str, bool]:
    """A year with SIPRI's marks removed, and whether it was marked uncertain.

    Raises ValueError(rule, message) when it is not a year from ``first_year`` to ``last_year``.
    """
    core = MARKS.sub("", raw).strip()
    if not core.isdigit():
        raise ValueError("not a number", f"'{raw.strip()}' is not a year")
    if not first_year <= int(core) <= last_year:
        raise ValueError("year out of range", f"{core} is outside {first_year}..{last_year}")
    return core, "?" in raw or "(" in raw


def parse_flag(text: str, layout: str) -> bool | None:
    """Whether SIPRI marks a value uncertain: '?' in the trade register's mark column, 'Yes' in
    the database layout's "is estimate" column, where an empty cell is unknown (None).

    Raises ValueError for a database-layout cell that is neither Yes, No nor empty.
    """
    if layout == CLASSIC:
        return "?" in text
    answer = {"yes": True, "no": False, "": None}.get(text.casefold())
    if answer is None and text:
        raise ValueError(f"'{text}' is neither Yes nor No")
    return answer


def total(numbers: list[str]) -> str:
    """The sum of bare numbers as plain text ('' for none), exact: TIVs have decimals."""
    if not numbers:
        return ""
    return format(sum(Decimal(n) for n in numbers).normalize(), "f")


def fold(name: str) -> str:
    """A country name for lookup: no accents, lower case, single spaces, plain apostrophes."""
    name = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.split()).casefold()


def resolve_country(name: str, codes: dict[str, str]) -> str | None:
    """ISO3 for a SIPRI country name: the caller's names (the countries table), then aliases."""
    folded = fold(name)
    return codes.get(folded) or COUNTRY_ALIASES.get(folded)


def _is_s400(designation: str) -> bool:
    """Whether a designation is the S-400 under any of its names ('S-400/SA-21', 'Triumf')."""
    return any(re.sub(r"[\s\-]", "", p.casefold()) in _S400_NAMES for p in designation.split("/"))


def system_id_for(designation: str) -> str:
    """The system id of a weapon designation: 's400' for the S-400, else 'sipri-<slug>'."""
    if _is_s400(designation):
        return S400_SYSTEM_ID
    slug = re.sub(r"[^a-z0-9]+", "-", fold(designation)).strip("-")[:74].rstrip("-")
    # A designation in another script has no slug: its hash still keeps it apart.
    return "sipri-" + (slug or hashlib.sha1(designation.encode()).hexdigest()[:10])


def designation_key(designation: str) -> str:
    """The designation as it enters the natural key: the S-400 under any name is one."""
    system_id = system_id_for(designation)
    return system_id if system_id == S400_SYSTEM_ID else " ".join(designation.split()).casefold()


def system_served(comment: str) -> str:
    """The system a deal's comment says its weapons are for ('s400' for "For S-400 SAM systems"),
    else '': the S-400 by any of its names, as a whole word after 'for' or 'with'."""
    for clause in _FOR_CLAUSE.findall(comment):
        if any(_is_s400(word) for word in _WORD.findall(clause)):
            return S400_SYSTEM_ID
    return ""
