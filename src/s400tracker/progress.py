"""How far an import has got: named steps with counts, reported to whoever is watching.

The domain code takes a ``progress`` callback (``progress(step, done, total)``) and calls it as it
works; the default, ``no_progress``, ignores it. The CLI prints lines (``Lines``); the import page
moves a progress bar. Nothing here knows either of them.

An import's steps, in order: the stored data read back, the export's records read (a SIPRI
register: reported every ``RECORDS_EVERY`` records, not every row), the incoming rows matched with
the stored ones, every row validated, and the tables written. A step reports ``done`` before each
unit of work and ``total`` once the last is done, so a bar is full only when the step is.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO, TypeVar

T = TypeVar("T")
RECORDS_EVERY = 1000  # a register's 30,000 records in ~30 reports: a smooth bar, no measurable cost


@dataclass(frozen=True)
class Step:
    """One named step of an import and the unit it counts in."""

    words: str
    unit: str


STORED = Step("reading the stored data", "tables")
EXPORT = Step("reading the export", "records")
MATCHING = Step("matching with the stored records", "rows")
VALIDATING = Step("validating", "rows")
WRITING = Step("writing the database", "tables")


class Progress(Protocol):
    """What the domain code calls as it works: ``done`` of ``total`` units of ``step``."""

    def __call__(self, step: Step, done: int, total: int) -> None: ...


def no_progress(step: Step, done: int, total: int) -> None:
    """The default: nobody is watching."""


def describe(step: Step, done: int, total: int) -> str:
    """The report in words: 'reading the export: 12,000 of 29,916 records'."""
    return f"{step.words}: {done:,} of {total:,} {step.unit}"


def counted(progress: Progress, step: Step, items: Sequence[T], every: int = 1,
            size: Callable[[T], int] | None = None) -> Iterator[T]:
    """Yield ``items``, reporting the units done before every ``every``-th item and the total
    after the last; ``size`` weighs an item (default: one unit each). A loop left early (an
    error) never reports the step done."""
    sizes = [size(item) for item in items] if size else [1] * len(items)
    total, done = sum(sizes), 0
    for index, item in enumerate(items):
        if index % every == 0:
            progress(step, done, total)
        yield item
        done += sizes[index]
    progress(step, total, total)


class Lines:
    """Progress as lines on a stream, few of them: a line at most every ``interval`` seconds, the
    first only once the import has run that long (so a small import prints nothing), and from
    then on each step's last report too, so the output shows every step finish. Lines, not a
    status line redrawn in place, so a log or a pipe reads the same as a terminal."""

    def __init__(self, stream: TextIO, interval: float, clock: Callable[[], float] = time.monotonic):
        self.stream, self.interval, self.clock = stream, interval, clock
        self.last = clock()
        self.printed = False

    def __call__(self, step: Step, done: int, total: int) -> None:
        """Print the report if it is due."""
        now = self.clock()
        if now - self.last >= self.interval or (self.printed and done == total):
            print(describe(step, done, total), file=self.stream, flush=True)
            self.last, self.printed = now, True
