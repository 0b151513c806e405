"""One published database for many replicas: a content-addressed file per version and a pointer.

A published folder (on a shared volume, or synced from object storage) holds::

    versions/<sha256>.duckdb   each version, written whole under a temporary name, then renamed
    CURRENT                    the name of the version to serve, replaced atomically

``publish`` adds a version and moves the pointer; a replica whose ``S400_DB`` names the folder
reads CURRENT on each request (``config.database_path``), so it serves a new version from its
next request and never a half-written file: the pointer only ever names a complete one. Old
versions are kept (``keep``) so a replica still reading one is never cut off mid-query.
"""

import hashlib
import os
import shutil
from pathlib import Path

POINTER = "CURRENT"
VERSIONS = "versions"
SUFFIX = ".duckdb"
CHUNK = 1 << 20


def is_published_folder(path: Path) -> bool:
    """Whether ``path`` is a published folder (rather than a database file)."""
    return path.is_dir()


def current_file(folder: Path) -> Path:
    """The version the folder's pointer names; FileNotFoundError when nothing is published."""
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise FileNotFoundError(f"nothing is published in {folder} yet: run `python -m s400tracker publish`") from None
    if not name or "/" in name or not name.endswith(SUFFIX):
        raise FileNotFoundError(f"the pointer in {folder} names no version")
    return folder / VERSIONS / name


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _replace_atomically(target: Path, write) -> None:
    """Write through a temporary file beside ``target``, flushed to disk, then rename it over."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def publish(database: Path, folder: Path, keep: int = 5) -> Path:
    """Publish ``database`` as a new version of ``folder`` and point replicas at it; return the
    version's path. Publishing the same file twice changes nothing. Keeps the ``keep`` newest
    versions (the current one always)."""
    if not database.is_file():
        raise FileNotFoundError(f"no database at {database}: build it first")
    versions = folder / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    version = versions / f"{_digest(database)}{SUFFIX}"
    if not version.exists():
        _replace_atomically(version, lambda temporary: shutil.copyfile(database, temporary))
    _replace_atomically(folder / POINTER, lambda temporary: temporary.write_text(version.name + "\n"))
    _prune(versions, version, keep)
    return version


def _prune(versions: Path, current: Path, keep: int) -> None:
    published = sorted(versions.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in published if p != current][max(keep - 1, 0):]:
        old.unlink(missing_ok=True)
