"""Start the dashboard server: ``python -m s400tracker serve`` (what ``make run`` does).

It serves server/asgi.py: the dashboard (app.py) plus the /healthz route a load balancer polls.

Why not plain ``streamlit run app.py``: with a ``pages/`` folder beside app.py, Streamlit
1.67 runs the very first session of a fresh server in its legacy folder mode, so a deep link
such as /timeline?buyer=TUR opens with a spurious "Page not found" dialog (the page itself
renders, via app.py's st.navigation). Declaring navigation mode before any session starts
removes the dialog. A browser test opens a deep link as a fresh server's first request.

Before the server starts, glibc's malloc is held to two arenas (see ``allocator.cap_arenas``).
"""

import contextlib
from pathlib import Path

from . import allocator
from . import streamlit_internals as internals

ASGI = Path(__file__).resolve().parent / "asgi.py"


def serve(port: int, address: str | None = None) -> int:
    """Run the dashboard server on ``port`` until interrupted."""
    internals.use_navigation_only()  # app.py uses st.navigation, never the legacy mode
    allocator.cap_arenas()  # before any thread starts; a no-op off glibc
    args = ["run", str(ASGI), "--server.port", str(port), "--server.headless", "true"]
    if address:
        args += ["--server.address", address]
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how an operator stops it
        internals.run_streamlit_cli(args)
    return 0
