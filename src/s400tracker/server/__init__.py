"""Running the dashboard server: start-up, the ASGI app, /healthz, memory and Streamlit's internals.

Apart from ``ui/`` (what pages draw): nothing here draws a page, and the pages never import it.
Every reach into Streamlit's non-public code is in ``streamlit_internals``.
"""
