"""Every use of Streamlit's non-public code, each behind one small named function.

Streamlit documents ``st.*``, ``st.App`` and its config options; what this module reaches is
its private code, which any release may rename or drop. The pinned version (constraints.txt)
is what CI runs, and tests/test_streamlit_internals.py checks each internal used here on the
installed Streamlit, naming the version and what disappeared. Most failures here would
otherwise be quiet: an idle release that never runs, downloads lost again, a map without
its tooltips.
"""

import logging
from collections.abc import Callable
from pathlib import PurePosixPath

from streamlit import runtime
from streamlit.logger import get_logger
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli as streamlit_cli

# --- starting the server ---


def use_navigation_only() -> None:
    """Tell Streamlit, before any session starts, that the app navigates with st.navigation.

    Streamlit 1.67 decides this per process on the first session: with a ``pages/`` folder
    beside app.py that first session runs in the legacy folder mode (see serve.py).
    """
    PagesManager.uses_pages_directory = False


def run_streamlit_cli(args: list[str]) -> None:
    """Run Streamlit's command line (``streamlit run ...``) in this process until it stops.

    In-process rather than a subprocess, so what serve() set up before (the navigation mode,
    the allocator) holds for the server.
    """
    streamlit_cli.main(args=args, prog_name="streamlit", standalone_mode=False)


def server_logger(name: str) -> logging.Logger:
    """A logger that writes to the server's output in Streamlit's format.

    Streamlit's loggers do not propagate to the root, and the root has no handler on a server
    started by Streamlit; a plain logging.getLogger would lose INFO lines (the load test waits
    for the idle release's).
    """
    return get_logger(name)


# --- the runtime and its sessions ---


def runtime_started() -> bool:
    """True once Streamlit's runtime (which owns the caches and the sessions) exists here."""
    return runtime.exists()


def session_manager():
    """The runtime's session manager, or None if this Streamlit keeps none where 1.67 does.

    Runtime exposes no list of its sessions; the manager it keeps privately has one.
    """
    return getattr(runtime.get_instance(), "_session_mgr", None)


def has_sessions(manager) -> bool:
    """True while any session is connected, or kept for a reconnect and not yet expired."""
    return bool(manager.list_sessions())


def forget_expired_sessions(manager) -> int:
    """Drop the kept sessions whose reconnect time is over; how many were dropped.

    Streamlit 1.67 keeps them in a TTL cache that removes expired entries only on a write, so
    on a quiet server they would stay for good. Dropping one shuts it down (AppSession.__del__).
    A manager of another shape forgets nothing.
    """
    storage = getattr(manager, "_session_storage", None)
    expire = getattr(getattr(storage, "_cache", None), "expire", None)
    return len(expire()) if expire else 0


# --- generated downloads (st.download_button with a callable) ---

GeneratedHook = Callable[[MediaFileManager, str, str], None]


def on_generated_download(hook: GeneratedHook, manager_class: type = MediaFileManager) -> None:
    """Call ``hook(manager, session_id, file_id)`` each time Streamlit has generated a deferred
    download (a click on st.download_button with a callable) and stored its file.

    One hook per manager class; a second call is ignored, because the server may import the
    app module, and so call this, more than once.
    """
    original = manager_class.execute_deferred
    if getattr(original, "calls_generated_download_hook", False):
        return

    def execute_deferred(self, file_id: str) -> str:
        with self._lock:  # the entry is read as Streamlit reads it: under its lock
            session_id = self._deferred_callables.get(file_id, {}).get("session_id")
        url = original(self, file_id)
        if session_id:
            hook(self, session_id, _file_id_of(url))
        return url

    execute_deferred.calls_generated_download_hook = True
    manager_class.execute_deferred = execute_deferred


def _file_id_of(url: str) -> str:
    """The file id in a media URL, which Streamlit writes as ``/media/<file id><extension>``."""
    return PurePosixPath(url).name.split(".")[0]


def keep_file_for_session(manager: MediaFileManager, session_id: str, file_id: str, coordinate: str) -> None:
    """Count a stored file as shown by ``session_id`` at ``coordinate``: the orphan sweep then
    keeps it until that session's next run clears the session's references."""
    with manager._lock:
        if file_id in manager._file_metadata:  # a file already swept stays gone
            manager._files_by_session_and_coord[session_id][coordinate] = file_id


# --- the map ---


class SerialisedDeck:
    """A stand-in for a pydeck Deck whose JSON was made beforehand, for st.pydeck_chart.

    st.pydeck_chart takes the spec from ``to_json()``, the tooltip from ``deck_widget.tooltip``
    or else pydeck's private ``_tooltip``, a token from ``mapbox_key`` and, under pandas 3,
    converts the frames of ``layers``; a width helper in the same module reads ``width``. The
    answers here: the JSON given, the tooltip given, no token, nothing left to convert.
    """

    layers = ()
    deck_widget = None
    mapbox_key = None
    width = None

    def __init__(self, spec: str, tooltip: dict):
        self._spec, self._tooltip = spec, tooltip

    def to_json(self) -> str:
        """The deck's JSON, as given."""
        return self._spec
