"""The health check a load balancer polls: the server answers and the database opens and reads."""

from .. import config, db, queries


def check() -> tuple[int, dict]:
    """(HTTP status, body): 200 with the data version when the database reads, 503 saying why not."""
    path = config.database_path()
    try:
        with db.connect(path) as conn:
            version = queries.data_version(conn)
    except Exception as error:  # any failure to read the database means "do not route here"
        return 503, {"status": "unavailable", "database": str(path), "detail": f"{type(error).__name__}: {error}"}
    return 200, {"status": "ok", "database": str(path), "data_version": version["version"],
                 "imports": int(version.get("imports", 0))}
