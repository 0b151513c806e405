"""The ASGI app the server runs: the Streamlit dashboard, /healthz and the data API (see serve.py)."""

from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import Route

from s400tracker.server import api, health  # absolute: the server imports this file by path
from s400tracker.server.idle import housekeeping
from s400tracker.server.media import keep_generated_downloads

APP = Path(__file__).resolve().parents[3] / "app.py"


async def healthz(request) -> JSONResponse:
    """GET /healthz: 200 when the server is up and the database reads, else 503 with the reason."""
    status, body = await run_in_threadpool(health.check)
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


keep_generated_downloads()
app = st.App(str(APP), lifespan=housekeeping, routes=[Route("/healthz", healthz, methods=["GET"]), *api.ROUTES])
