"""Where things live: the data folder and the database file (``S400_DB`` overrides it)."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
DB_ENV_VAR = "S400_DB"


def database_path() -> Path:
    """The database the app and every command use: ``$S400_DB`` or ``data/s400.duckdb``."""
    return Path(os.environ.get(DB_ENV_VAR) or DATA_DIR / "s400.duckdb")
