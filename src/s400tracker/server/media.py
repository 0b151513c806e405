"""Keeps a generated download alive until the browser has fetched it.

Streamlit 1.67 builds a deferred download (``st.download_button`` with a callable) when it is
clicked, stores the file, and returns its URL to the browser, but maps the file to no session.
The orphan sweep that ends *any* session's run can then delete it before the browser's GET
arrives: a 404 and a failed download. Under load (20 sessions) 4 downloads in 10 were lost
so. Mapping the file to the session that asked for it keeps it until that session's next run.
"""

from pathlib import PurePosixPath

from streamlit.runtime.media_file_manager import MediaFileManager

COORDINATE = "generated-download:{}"  # a coordinate of our own: never an element's delta path


def keep_generated_downloads(manager: type = MediaFileManager) -> None:
    """Make ``manager.execute_deferred`` map the file it generates to the requesting session.
    Idempotent: the server may import the app module more than once."""
    original = manager.execute_deferred
    if getattr(original, "keeps_generated_downloads", False):
        return

    def execute_deferred(self, file_id: str) -> str:
        with self._lock:
            session_id = self._deferred_callables.get(file_id, {}).get("session_id")
        url = original(self, file_id)
        generated = PurePosixPath(url).name.split(".")[0]  # the URL is /media/<file id><extension>
        with self._lock:
            if session_id and generated in self._file_metadata:
                self._files_by_session_and_coord[session_id][COORDINATE.format(generated)] = generated
        return url

    execute_deferred.keeps_generated_downloads = True
    manager.execute_deferred = execute_deferred
