"""The name resolution step: a supplier or recipient cell becomes the code of whom it names.

Every record's names come here as cells (their text, line and column; the file is the log's),
so what a name may resolve to can grow here without touching the reader. For now that is a
country of the countries table; any other name is a located problem.
"""

import re
from dataclasses import dataclass

from .reader import LOST
from .records import Cell, Log
from .values import COUNTRY_ALIASES, fold, resolve_country


@dataclass
class Names:
    """What names resolve to: folded country names (the countries table's, then SIPRI's
    aliases) to ISO3, and the codes of the countries table."""

    codes: dict[str, str]
    known: set[str]

    def with_lost_letters(self, name: str) -> set[str]:
        """The codes of every known name that a name with lost letters could be (one letter each)."""
        pattern = re.compile(".".join(re.escape(part) for part in name.split(LOST)))
        return {code for known in (self.codes, COUNTRY_ALIASES) for spelled, code in known.items()
                if pattern.fullmatch(spelled)}


def resolve_party(log: Log, names: Names, cell: Cell) -> str:
    """The code of the supplier or recipient a cell names, or '' after recording why not.

    A name with letters lost in an earlier re-save ('T\ufffdrkiye') is read as the one known name
    it can be, with a notice; if it could be none or several, that is a problem.
    """
    if not cell.text:
        log.at(cell, "required", f"{cell.column} is empty")
        return ""
    code = resolve_country(cell.text, names.codes)
    folded = fold(cell.text)
    if code is None and LOST in folded:
        code = _lost_letters(log, names, cell, folded)
        if code is None:
            return ""
    if code is None:
        log.at(cell, "unknown country", f"'{cell.text}' is not a known country name")
        return ""
    if names.known and code not in names.known:
        log.at(cell, "unknown country", f"'{cell.text}' is {code}, which is not in the countries table")
        return ""
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
