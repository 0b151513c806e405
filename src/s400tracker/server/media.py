"""Keeps a generated download alive until the browser has fetched it.

Streamlit 1.67 builds a deferred download (``st.download_button`` with a callable) when it is
clicked, stores the file, and returns its URL to the browser, but maps the file to no session.
The orphan sweep that ends *any* session's run can then delete it before the browser's GET
arrives: a 404 and a failed download. Under load (20 sessions) 4 downloads in 10 were lost
so. Mapping the file to the session that asked for it keeps it until that session's next run.
"""

from . import streamlit_internals as internals

COORDINATE = "generated-download:{}"  # a coordinate of our own: never an element's delta path


def _keep_for_session(manager, session_id: str, file_id: str) -> None:
    internals.keep_file_for_session(manager, session_id, file_id, COORDINATE.format(file_id))


def keep_generated_downloads(manager_class: type = internals.MediaFileManager) -> None:
    """Map every file Streamlit generates for a download to the session that asked for it.
    Idempotent: the server may import the app module more than once."""
    internals.on_generated_download(_keep_for_session, manager_class)
