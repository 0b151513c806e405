"""Running the dashboard server: start-up, the ASGI app, /healthz, memory and Streamlit's internals.

Apart from ``ui/`` (what pages draw): nothing here draws a page. Every reach into Streamlit's
non-public code is in ``streamlit_internals``, which is also where ``ui/maps`` takes its
stand-in Deck from.
"""
