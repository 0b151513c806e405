"""The stateless data API every server answers: a view's tables as CSV and its bundle as a zip.

``GET /api/v1/{table}.csv?{a view's query}`` returns the bytes ``python -m s400tracker export
--table {table} --query ...`` writes, and ``GET /api/v1/bundle.zip?{query}`` the page's bundle,
manifest included. Each request opens the published database read-only and keeps nothing, so
any replica answers and the URLs need no session affinity. A query with invalid parts is a 400
naming each one (the page would apply the rest with a warning; a script should know); an unknown
table is a 404; neither is ever a traceback.
"""

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .. import bundle, config, db, filters, queries

PREFIX = "/api/v1"
CSV_TYPE = "text/csv; charset=utf-8"
NO_DATABASE = "The database is not available on this server; try again shortly."


class Refused(Exception):
    """A request the API answers with a status and a plain-text reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def _view(conn, query: str) -> filters.Filters:
    """The view a query selects, or Refused(400) naming every part that could not be applied."""
    view, notes = queries.view_of_link(conn, query)
    invalid = filters.invalid_parts(notes)
    if invalid:
        raise Refused(400, "This query has parts that cannot be applied:\n" + "\n".join(f"- {n}" for n in invalid))
    return view


def _share_link(request: Request) -> str:
    """The dashboard's link for the view: the server's address with the request's query string."""
    base = str(request.base_url).rstrip("/") + "/"
    return f"{base}?{request.url.query}" if request.url.query else base


def _answer(make, *args) -> bytes:
    """``make(conn, *args)`` on a fresh read-only connection to the published database."""
    try:
        with db.connect(config.database_path()) as conn:
            return make(conn, *args)
    except FileNotFoundError:
        raise Refused(503, NO_DATABASE) from None
    except db.QueryRefused as error:
        raise Refused(503, f"This view could not be computed ({error}). Narrow the query and try again.") from None


def _table_csv(conn, table: str, query: str) -> bytes:
    return bundle.table_bytes(conn, table, _view(conn, query))


def _bundle_zip(conn, query: str, link: str) -> bytes:
    return bundle.bundle_bytes(conn, _view(conn, query), link, dt.datetime.now(dt.UTC))


def _refusal(error: Refused) -> PlainTextResponse:
    return PlainTextResponse(error.reason + "\n", status_code=error.status, headers={"Cache-Control": "no-store"})


async def table_csv(request: Request) -> Response:
    """GET /api/v1/{table}.csv: the table's CSV for the view in the query string."""
    table = request.path_params["table"]
    if table not in queries.TABLE_QUERIES:
        return _refusal(Refused(404, f"No table {table!r}: use one of {', '.join(queries.TABLE_QUERIES)}."))
    try:
        payload = await run_in_threadpool(_answer, _table_csv, table, request.url.query)
    except Refused as error:
        return _refusal(error)
    return Response(payload, media_type=CSV_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{table}.csv"'})


async def bundle_zip(request: Request) -> Response:
    """GET /api/v1/bundle.zip: every table's CSV for the view, with its manifest."""
    try:
        payload = await run_in_threadpool(_answer, _bundle_zip, request.url.query, _share_link(request))
    except Refused as error:
        return _refusal(error)
    return Response(payload, media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="s400-tracker.zip"'})


async def unknown(request: Request) -> Response:
    """Any other path under /api/v1: a 404 that says what there is."""
    return _refusal(Refused(404, f"No such API route. Routes: {PREFIX}/{{table}}.csv for "
                                 f"{', '.join(queries.TABLE_QUERIES)}, and {PREFIX}/bundle.zip."))


ROUTES = [Route(f"{PREFIX}/bundle.zip", bundle_zip, methods=["GET"]),
          Route(PREFIX + "/{table}.csv", table_csv, methods=["GET"]),
          Route(PREFIX + "/{rest:path}", unknown, methods=["GET"])]
