"""The health check a load balancer polls: the server answers and the database opens and reads.

/healthz is public, so its body never names the database file: where the data lives is the
operator's business. The full error goes to the server's log instead.
"""

import os

from .. import config, db
from . import streamlit_internals as internals

LOGGER = internals.server_logger(__name__)
# The health check's own query: the data version row as the build wrote it, imports included.
VERSION_SQL = "SELECT version, imports FROM data_version LIMIT 1"


def _who() -> dict:
    """Which server answered: the replica's name (``S400_REPLICA``, set by the cluster) and pid."""
    return {"replica": os.environ.get("S400_REPLICA") or "single", "pid": os.getpid()}


def _unavailable(detail: str) -> tuple[int, dict]:
    return 503, {"status": "unavailable", "detail": detail} | _who()


def check() -> tuple[int, dict]:
    """(HTTP status, body): 200 with the data version and the number of imports committed when
    the database reads; 503 saying what is wrong, in words that name no path."""
    try:
        with db.connect(config.database_path()) as conn:
            row = db.query(conn, VERSION_SQL).iloc[0]
    except FileNotFoundError:
        return _unavailable("the database is missing")
    except Exception as error:  # any failure to read the database means "do not route here"
        LOGGER.warning("health check: the database could not be read: %s: %s", type(error).__name__, error)
        return _unavailable(f"the database could not be read ({type(error).__name__})")
    return 200, {"status": "ok", "data_version": row["version"], "imports": int(row["imports"])} | _who()
