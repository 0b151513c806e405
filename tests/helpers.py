"""What several tests do as a user would: open a link in a fresh session, run the CLI; and how
they compare frames."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def fresh_app(query: str, page: str | None = None) -> AppTest:
    """The app opened on a link's query string by a new session (caches emptied first), then
    switched to ``pages/<page>_page.py`` when given; fails on any exception."""
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, values in parse_qs(query).items():
        app.query_params[key] = values
    app.run()
    if page:
        app.switch_page(f"pages/{page}_page.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def cli_bytes(*args: str) -> bytes:
    """``python -m s400tracker ARGS``'s standard output, byte for byte (CSV keeps its CRLF); fails,
    showing stderr, unless it exits 0."""
    run = subprocess.run([sys.executable, "-m", "s400tracker", *args], cwd=ROOT, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    return run.stdout


def cli(*args: str) -> str:
    """``python -m s400tracker ARGS``'s standard output as text."""
    return cli_bytes(*args).decode("utf-8")


def plain(frame) -> list[dict]:
    """Rows as dicts with every missing value None: an all-empty column types differently alone."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
