"""The C allocator under the server: fewer arenas, freed memory handed back, resident size.

glibc only (Debian, the Docker images); elsewhere each function reports that it did nothing.
"""

import ctypes
import ctypes.util
import functools
import os
from pathlib import Path

MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's <malloc.h> option number for mallopt


@functools.cache  # find_library runs `ldconfig -p` in a subprocess: once is enough
def _libc():
    """The C library, or None where ctypes cannot load it."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c"))
    except (OSError, TypeError):
        return None


def cap_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Hold glibc's malloc to ``arenas`` arenas (what MALLOC_ARENA_MAX does); False where the
    C library has no ``mallopt`` (musl, macOS).

    Why: Streamlit runs every script run on a thread of its own, and glibc gives threads their
    own arenas, up to eight per core, each keeping what its runs freed. After a rush of users
    the server stayed ~25 MB higher than with two arenas (benchmarks/analysis.md), for no
    speed the load test could measure.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    return bool(mallopt and mallopt(_M_ARENA_MAX, arenas))


def give_back_freed() -> bool:
    """Return the allocator's free pages to the OS (glibc ``malloc_trim``); False if unsupported."""
    trim = getattr(_libc(), "malloc_trim", None)
    return bool(trim and trim(0))


def resident_mb(pid: int | None = None) -> float | None:
    """Resident memory of a process (default: this one) in MB, from /proc; None off Linux."""
    try:
        pages = int(Path(f"/proc/{pid or os.getpid()}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
