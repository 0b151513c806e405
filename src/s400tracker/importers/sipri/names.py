"""The name resolution step: a supplier or recipient cell becomes the code of the party it names.

Every record's names come here as cells (their text, line and column; the file is the log's).
A name is, in this order:
- a state of the countries table (by its name or one of SIPRI's spellings): its ISO3;
- a party of the parties table (by its name or an alias, so a name SIPRI changed between exports
  is one party): its code;
- a party SIPRI marks and the tables do not know yet (``*`` a non-state actor, ``**`` an
  organisation, or an "unknown ..." supplier or recipient): a new party, whose row the import adds;
- anything else is a located problem: an unmarked name that is neither is more likely a typo than
  a new state.

Party codes are lower-case slugs ('hezbollah-lebanon') and ISO3 codes three capitals, so the two
never collide and a link's ``?buyer=`` takes either.
"""

import re
from dataclasses import dataclass, field

from .reader import LOST
from .records import Cell, Log
from .values import COUNTRY_ALIASES, fold, resolve_country

_MARK = re.compile(r"\*+$")
_IN_BRACKETS = re.compile(r"\(([^()]*)\)")


@dataclass
class NewParty:
    """A party first named by this export: its code, name as SIPRI spells it, kind and place."""

    code: str
    name: str
    kind: str
    place_iso3: str


@dataclass
class Names:
    """What names resolve to: folded country names (the countries table's, then SIPRI's aliases)
    to ISO3, the codes of the countries table, folded party names and aliases to party codes, and
    the parties this export names first (each once)."""

    codes: dict[str, str]
    known: set[str]
    parties: dict[str, str] = field(default_factory=dict)
    new: dict[str, NewParty] = field(default_factory=dict)

    def with_lost_letters(self, name: str) -> set[str]:
        """The codes of every known name that a name with lost letters could be (one letter each)."""
        pattern = re.compile(".".join(re.escape(part) for part in name.split(LOST)))
        return {code for known in (self.codes, COUNTRY_ALIASES, self.parties) for spelled, code in known.items()
                if pattern.fullmatch(spelled)}

    def country(self, name: str) -> str | None:
        """The ISO3 of a state of the countries table that ``name`` names, else None."""
        code = resolve_country(name, self.codes)
        return code if code is not None and (not self.known or code in self.known) else None


def is_state_code(code: str) -> bool:
    """Whether a party code is a state's ISO3 (three capitals) rather than another party's slug."""
    return len(code) == 3 and code.isalpha() and code.isupper()


def party_slug(name: str) -> str:
    """The code of a new party: its name without SIPRI's marks, as a lower-case slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(_MARK.sub("", name))).strip("-")
    return slug[:80].rstrip("-") or "party"


def marked_kind(name: str) -> str | None:
    """The kind SIPRI's marks give a name: '**' organisation, '*' non-state actor, 'unknown ...'
    unknown; None for an unmarked name."""
    if name.endswith("**"):
        return "organisation"
    if name.endswith("*"):
        return "non-state actor"
    return "unknown" if fold(name).startswith("unknown ") else None


def place_of(names: Names, name: str) -> str:
    """The state a party's name places it in ('Hezbollah (Lebanon)*' -> LBN, 'Syria rebels*' ->
    SYR): the first state named in brackets, else the name's leading words; '' when none."""
    bare = _MARK.sub("", name).strip()
    for inside in _IN_BRACKETS.findall(bare):
        for part in inside.split("/"):
            code = names.country(part)
            if code:
                return code
    words = _IN_BRACKETS.sub("", bare).split()
    for end in range(len(words) - 1, 0, -1):
        code = names.country(" ".join(words[:end]))
        if code:
            return code
    return ""


def resolve_party(log: Log, names: Names, cell: Cell) -> str:
    """The code of the supplier or recipient a cell names, or '' after recording why not.

    A name with letters lost in an earlier re-save ('T\ufffdrkiye') is read as the one known name
    it can be, with a notice; if it could be none or several, that is a problem.
    """
    if not cell.text:
        log.at(cell, "required", f"{cell.column} is empty")
        return ""
    folded = fold(cell.text)
    spelled = resolve_country(cell.text, names.codes)  # a country's name, whether the table has it or not
    if spelled is not None and names.known and spelled not in names.known:
        log.at(cell, "unknown country", f"'{cell.text}' is {spelled}, which is not in the countries table")
        return ""
    code = spelled or names.parties.get(folded)
    if code is None and LOST in folded:
        code = _lost_letters(log, names, cell, folded)
        if code is None:
            return ""
    if code is None:
        code = _new_party(names, cell.text)
    if code is None:
        log.at(cell, "unknown party",
               f"'{cell.text}' is neither a known country nor a known party, and SIPRI did not mark it "
               "(* a non-state actor, ** an organisation): check the spelling")
        return ""
    return code


def _new_party(names: Names, name: str) -> str | None:
    """The code of a party SIPRI marks that no table knows, registered as new; None if unmarked."""
    kind = marked_kind(name)
    if kind is None:
        return None
    code = party_slug(name)
    while code in names.new and fold(names.new[code].name) != fold(name):
        code += "-x"  # two names folding to one slug stay two parties
    names.new.setdefault(code, NewParty(code, name, kind, place_of(names, name)))
    names.parties[fold(name)] = code
    return code


def _lost_letters(log: Log, names: Names, cell: Cell, folded: str) -> str | None:
    """The one code a name with lost letters can be (with a notice), else None after a problem."""
    codes = names.with_lost_letters(folded)
    if len(codes) == 1:
        [code] = codes
        log.notice(cell.line, cell.column, "lost letters",
                   f"'{cell.text}' has a letter lost in an earlier re-save; read as {code}, the only known "
                   "name it can be")
        return code
    could = f" (it could be {', '.join(sorted(codes))})" if codes else ""
    log.at(cell, "lost letters", f"'{cell.text}' has a letter lost in an earlier re-save{could}; "
                                 "use the original export")
    return None
