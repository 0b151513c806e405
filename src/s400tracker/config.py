"""Where things live: the data folder and the database file (``S400_DB`` overrides it)."""

import os
from pathlib import Path

from . import publish

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
DB_ENV_VAR = "S400_DB"


def configured_database() -> Path:
    """What ``$S400_DB`` names (default ``data/s400.duckdb``): a database file, or a published
    folder (``publish``) whose pointer names the version to serve."""
    return Path(os.environ.get(DB_ENV_VAR) or DATA_DIR / "s400.duckdb")


def writable_database() -> Path:
    """The database file a build or an import writes: ``$S400_DB``; ValueError when that is a
    published folder, whose versions are never written in place."""
    configured = configured_database()
    if publish.is_published_folder(configured):
        raise ValueError(f"{DB_ENV_VAR} names a published folder ({configured}): build or import into a "
                         "database file, then publish it with `python -m s400tracker publish`")
    return configured


def database_path() -> Path:
    """The database file the app and every command read: ``$S400_DB``, or, when that is a
    published folder, the version its pointer names now (read afresh on every call)."""
    configured = configured_database()
    return publish.current_file(configured) if publish.is_published_folder(configured) else configured
