"""Page helpers: what the pages draw with Streamlit (the server itself lives in ``server/``)."""
