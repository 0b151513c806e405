"""Each Streamlit internal that server/streamlit_internals.py relies on, checked on the installed
Streamlit. An upgrade that renames or drops one fails here, naming the version and what went,
instead of quietly in production (most of these fall back to doing nothing)."""

import ast
import dataclasses
import inspect
import json
import logging
from pathlib import Path
from types import SimpleNamespace

import click
import streamlit
from streamlit.elements import deck_gl_json_chart
from streamlit.runtime import Runtime, RuntimeConfig
from streamlit.runtime.media_file_manager import DeferredCallableEntry, MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager
from streamlit.testing.v1 import AppTest
from streamlit.web import cli as streamlit_cli
from streamlit.web.server.starlette import starlette_app

from s400tracker.server import streamlit_internals as internals

ROOT = Path(__file__).resolve().parents[1]
PINNED = "1.67.0"  # what these internals were read on (constraints.txt)
FIX = "adapt src/s400tracker/server/streamlit_internals.py"


def gone(what: str, consequence: str) -> str:
    """The failure message: which Streamlit, what disappeared, what breaks."""
    return (f"Streamlit {streamlit.__version__} (read on {PINNED}): {what} is gone or renamed, "
            f"so {consequence}; {FIX}")


def require(owner, name: str, consequence: str) -> None:
    """Fail loudly unless ``owner`` (a class, module or instance) still has ``name``."""
    label = getattr(owner, "__name__", type(owner).__name__)
    assert hasattr(owner, name), gone(f"{label}.{name}", consequence)


def assigned_in_init(cls: type) -> set[str]:
    """The ``self.<name>`` attributes a class's __init__ assigns, read from its source."""
    tree = ast.parse(inspect.getsource(cls.__init__).lstrip())
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name) and node.value.id == "self"}


def kept_session(session_id: str) -> SimpleNamespace:
    """What the session storage keeps for a reconnect, as far as it reads it."""
    return SimpleNamespace(session=SimpleNamespace(id=session_id), client=None)


def real_runtime(monkeypatch, kept_for: float) -> MemorySessionStorage:
    """A Runtime built as the server builds one (not started), keeping closed sessions
    ``kept_for`` seconds; its session storage. The process has no runtime again afterwards."""
    monkeypatch.setattr(Runtime, "_instance", None)
    storage = MemorySessionStorage(ttl_seconds=kept_for)
    Runtime(RuntimeConfig(script_path=str(ROOT / "app.py"), media_file_storage=MemoryMediaFileStorage("/media"),
                          uploaded_file_manager=MemoryUploadedFileManager("/upload"), session_storage=storage))
    return storage


# --- starting the server ---

def test_the_navigation_mode_flag_is_honoured_before_the_first_session(monkeypatch):
    consequence = "a fresh server's first deep link opens with a 'Page not found' dialog"
    require(PagesManager, "uses_pages_directory", consequence)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)  # as in a fresh process
    internals.use_navigation_only()
    PagesManager(str(ROOT / "app.py"))  # app.py has a pages/ folder beside it
    assert PagesManager.uses_pages_directory is False, gone("the uses_pages_directory flag's meaning", consequence)


def test_streamlit_run_can_be_called_in_process_with_the_options_serve_passes():
    consequence = "`python -m s400tracker serve` cannot start the server"
    assert isinstance(streamlit_cli.main, click.Group), gone("streamlit.web.cli.main as a click group", consequence)
    assert "run" in streamlit_cli.main.commands, gone("the `run` command of streamlit.web.cli.main", consequence)
    options = {opt for param in streamlit_cli.main.commands["run"].params for opt in param.opts}
    missing = {"--server.port", "--server.headless", "--server.address"} - options
    assert not missing, gone(f"`streamlit run` options {sorted(missing)}", consequence)
    accepted = inspect.signature(streamlit_cli.main.main).parameters
    assert {"args", "prog_name", "standalone_mode"} <= set(accepted), \
        gone("click's main(args, prog_name, standalone_mode)", consequence)


def test_the_server_logger_writes_info_lines_to_the_servers_output():
    logger = internals.server_logger("s400tracker.server.test")
    consequence = "the idle release's log line (which the load test waits for) is lost"
    assert logger.handlers and not logger.propagate, gone("streamlit.logger.get_logger's own handler", consequence)
    assert logger.isEnabledFor(logging.INFO), gone("INFO as Streamlit's default log level", consequence)


# --- the runtime and its sessions ---

def test_the_runtime_can_be_asked_whether_it_has_started():
    consequence = "the warm-up and the idle release never start"
    for name in ("exists", "get_instance"):
        require(streamlit.runtime, name, consequence)
        signature = inspect.signature(getattr(streamlit.runtime, name))
        assert not signature.parameters, gone(f"runtime.{name}() without arguments", consequence)
    assert internals.runtime_started() is False  # no server in a test process


def test_the_runtimes_session_manager_is_where_the_idle_release_looks(monkeypatch):
    real_runtime(monkeypatch, kept_for=60)
    consequence = "the idle release switches itself off (the log says 'idle release off')"
    assert "_session_mgr" in assigned_in_init(Runtime), gone("Runtime._session_mgr", consequence)
    assert internals.runtime_started()
    assert isinstance(internals.session_manager(), WebsocketSessionManager), \
        gone("Runtime._session_mgr", consequence)
    default = {f.name: f.default for f in dataclasses.fields(RuntimeConfig)}.get("session_manager_class")
    assert default is WebsocketSessionManager, gone("WebsocketSessionManager as the default session manager",
                                                    consequence)


def test_the_session_manager_lists_connected_and_kept_sessions(monkeypatch):
    storage = real_runtime(monkeypatch, kept_for=60)
    consequence = "the idle release cannot tell when the last user has gone"
    require(WebsocketSessionManager, "list_sessions", consequence)
    manager = internals.session_manager()
    assert not internals.has_sessions(manager)
    storage.save(kept_session("a"))  # closed, kept for a reconnect
    assert internals.has_sessions(manager), gone("kept sessions in list_sessions()", consequence)


def test_expired_kept_sessions_are_forgotten_and_live_ones_stay(monkeypatch):
    expired = real_runtime(monkeypatch, kept_for=0)
    consequence = "expired sessions (up to 128) stay in memory on a quiet server"
    manager = internals.session_manager()
    require(manager, "_session_storage", consequence)
    require(manager._session_storage, "_cache", consequence)
    require(manager._session_storage._cache, "expire", consequence)
    assert "MemorySessionStorage(" in inspect.getsource(starlette_app), \
        gone("the server's MemorySessionStorage", consequence)
    expired.save(kept_session("a"))
    expired.save(kept_session("b"))  # a write: Streamlit reaps the expired "a" only now
    assert internals.forget_expired_sessions(manager) == 1  # "b" goes only when asked
    assert internals.forget_expired_sessions(manager) == 0
    live = MemorySessionStorage(ttl_seconds=600)
    live.save(kept_session("c"))
    live_manager = WebsocketSessionManager(live, MemoryUploadedFileManager("/upload"), None, None)
    assert internals.forget_expired_sessions(live_manager) == 0
    assert [info.session.id for info in live.list()] == ["c"]


def test_a_session_manager_of_another_shape_forgets_nothing():
    assert internals.forget_expired_sessions(object()) == 0


# --- generated downloads ---

class Manager(MediaFileManager):
    """A manager class of the test's own, so the patch never leaks into other tests."""


def test_a_generated_download_reports_its_session_and_stored_file():
    consequence = "generated downloads are swept before the browser fetches them (404s under load)"
    require(MediaFileManager, "execute_deferred", consequence)
    parameters = list(inspect.signature(MediaFileManager.execute_deferred).parameters)
    assert parameters == ["self", "file_id"], gone("MediaFileManager.execute_deferred(self, file_id)", consequence)
    assert "session_id" in DeferredCallableEntry.__annotations__, gone("the deferred entry's session_id", consequence)
    storage, seen = MemoryMediaFileStorage("/media"), []
    internals.on_generated_download(lambda manager, session, file_id: seen.append((session, file_id)), Manager)
    manager = Manager(storage)
    for name in ("_lock", "_deferred_callables"):
        require(manager, name, consequence)
    manager.execute_deferred(manager.add_deferred(lambda: b"a,b\r\n", "text/csv", "coordinates", "t.csv"))
    (session, file_id), = seen
    assert session, gone("the deferred entry's session_id", consequence)
    assert storage.get_file(file_id).content == b"a,b\r\n", gone("/media/<file id><extension> URLs", consequence)


def test_a_file_kept_for_a_session_outlives_the_orphan_sweep_until_that_sessions_next_run():
    consequence = "generated downloads are swept before the browser fetches them (404s under load)"
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    for name in ("_lock", "_file_metadata", "_files_by_session_and_coord"):
        require(manager, name, consequence)
    manager.add(b"x", "text/csv", "coordinates", file_name="t.csv")
    file_id = next(iter(manager._file_metadata))
    internals.keep_file_for_session(manager, "s1", file_id, "generated-download:x")
    manager.clear_session_refs()  # the run that drew it ends ("dontcare" outside a session)
    manager.remove_orphaned_files()
    assert storage.get_file(file_id), gone("the orphan sweep reading _files_by_session_and_coord", consequence)
    manager.clear_session_refs("s1")
    manager.remove_orphaned_files()
    assert file_id not in manager._file_metadata  # no leak


# --- the map ---

SPEC = '{"initialViewState":{"latitude":20,"longitude":30,"zoom":1},"layers":[]}'
TOOLTIP = {"text": "{tooltip}"}


def deck_reads() -> set[str]:
    """Every attribute st.pydeck_chart's module reads from the Deck it is given (``pydeck_obj``),
    directly or with getattr."""
    tree = ast.parse(inspect.getsource(deck_gl_json_chart))
    direct = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
              and isinstance(node.value, ast.Name) and node.value.id == "pydeck_obj"}
    by_getattr = {node.args[1].value for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr"
                  and len(node.args) >= 2 and getattr(node.args[0], "id", None) == "pydeck_obj"
                  and isinstance(node.args[1], ast.Constant)}
    return direct | by_getattr


def test_the_serialised_deck_answers_everything_st_pydeck_chart_reads_from_a_deck():
    reads = deck_reads()
    assert {"to_json", "_tooltip"} <= reads, \
        gone("st.pydeck_chart reading a Deck as `pydeck_obj`", "SerialisedDeck goes unchecked")
    deck = internals.SerialisedDeck(SPEC, TOOLTIP)
    unanswered = sorted(name for name in reads if not hasattr(deck, name))
    assert not unanswered, (f"Streamlit {streamlit.__version__} (read on {PINNED}): st.pydeck_chart now reads "
                            f"{unanswered} from a Deck, which SerialisedDeck lacks; {FIX}")


def draw_serialised_deck(spec: str, tooltip: dict):
    """A script for AppTest: the map's way of drawing a deck."""
    import streamlit as st

    from s400tracker.server.streamlit_internals import SerialisedDeck
    st.pydeck_chart(SerialisedDeck(spec, tooltip), key="map", on_select="rerun", selection_mode="single-object")


def test_st_pydeck_chart_sends_the_serialised_json_and_tooltip_as_given():
    app = AppTest.from_function(draw_serialised_deck, args=(SPEC, TOOLTIP)).run()
    assert not app.exception, [e.value for e in app.exception]
    chart = app.get("deck_gl_json_chart")[0].proto
    consequence = "the map is drawn wrong or without its tooltips"
    assert chart.json == SPEC, gone("Deck.to_json() as the spec", consequence)
    assert json.loads(chart.tooltip) == TOOLTIP, gone("Deck._tooltip as the tooltip", consequence)
    assert not chart.mapbox_token
