"""Load generator: simulated analysts on Streamlit's websocket protocol, with no browser.

Each session does on the wire what a browser tab does, so the figures are the server's and
not those of 20 Chromiums sharing its two cores:

- open a link: connect to ws://HOST/_stcore/stream with the subprotocols the frontend sends
  ("streamlit" plus an auth-token slot) and send a BackMsg ``rerun_script`` whose ClientState
  names the page by its URL path (``page_name``) and carries the link's query string;
- sometimes download a CSV of that view: the "Download CSV" buttons are deferred
  (``on_click="ignore"``), so ask for the file with a BackMsg ``backend_operation_request``
  (``deferred_file``), GET the URL in the ``backend_operation_response`` and check the CSV
  (a record table's header must be the documented one);
- change one sidebar filter: send ``rerun_script`` again with the page's script hash (from the
  ``navigation`` message), the query string the app last wrote (``page_info_changed``) and a
  new widget state for the filter, whose id comes from the run's deltas (ids end in the key).

Every link is a fresh websocket (a fresh Streamlit session), as when a browser follows one;
a user pauses 0 to 2 x ``--think`` seconds after each step. A rerun's time runs from sending
the BackMsg to the ForwardMsg ``script_finished``: the server's rerun time. Errors are
exception elements, error alerts (a query that timed out), failed runs and downloads, timeouts.

    python benchmarks/loadgen.py --url http://127.0.0.1:8501 --sessions 20 --seconds 60 [--think 1]
"""

import argparse
import asyncio
import csv
import io
import json
import random
import statistics
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from s400tracker.export import EXPORT_COLUMNS

# Every page, most with filters in the link; a session's first link is the explorer, whose
# tables all have a Download CSV button, so even a short run downloads in every session.
FIRST_LINK = "/explorer?buyer=TUR"
LINKS = [FIRST_LINK, "/explorer?buyer=IND&years=2018&years=2024", "/explorer?status=delivering",
         "/?confidence=confirmed", "/", "/map?buyer=TUR&buyer=IND", "/timeline?buyer=CHN",
         "/money?basis=constant", "/sources?buyer=IND", "/methodology"]
FILTER_KEYS = ("f_buyers", "f_suppliers", "f_systems", "f_years", "f_statuses", "f_confidences", "f_origins", "f_basis")
SUBPROTOCOLS = ["streamlit", "PLACEHOLDER_AUTH_TOKEN"]  # the frontend's list when it has no XSRF token
DOWNLOAD_SHARE = 0.3
TIMEOUT = 60.0  # a run or download slower than this is an error, not a figure
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


@dataclass
class Figures:
    """What the sessions measured, pooled; ``per_session`` holds (reruns, downloads) per session."""

    loads: list[float] = field(default_factory=list)
    reruns: list[float] = field(default_factory=list)
    # Downloads whose file was gone by the GET (404). Streamlit 1.67 stores a deferred
    # download's file unreferenced by any session, and the end of any session's run deletes
    # unreferenced files (at the second end after it was made): on a busy server a browser's
    # download fails the same way. Each is an error too; counted apart to name the cause.
    lost: int = 0
    errors: list[str] = field(default_factory=list)
    per_session: list[tuple[int, int]] = field(default_factory=list)
    # Behind a balancer: each session's affinity cookie (its replica), the moments a session's
    # connection dropped (a replica died) and the seconds it took to reconnect elsewhere.
    replicas: list[str] = field(default_factory=list)
    drops: list[float] = field(default_factory=list)
    reconnects: list[float] = field(default_factory=list)


@dataclass
class Page:
    """What one run left on screen: the widgets by id, and where the app says the view is."""

    widgets: dict = field(default_factory=dict)
    page_hash: str = ""
    query: str = ""
    session_id: str = ""


class Session:
    """One browser tab's protocol: a websocket, the page it shows, and the widget states sent."""

    def __init__(self, base_url: str, figures: Figures, sticky: bool = True):
        self.base_url = base_url.rstrip("/")
        self.sticky = sticky  # send back the cookies the server set, as a browser does
        self.figures = figures
        self.page = Page()
        self.states: dict[str, WidgetState] = {}
        self.ws = None
        self.link = ""
        self.reruns = self.downloads = 0  # filter changes done, CSVs downloaded and checked
        # Cookies the server set (a load balancer's affinity cookie), sent back as a browser does.
        self.cookies: dict[str, str] = {}

    async def open(self, link: str) -> None:
        """Open a link as a browser does: a fresh websocket, then a run of that page and query."""
        await self.close()
        parts = urlsplit(self.base_url)
        ws_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{parts.path}/_stcore/stream"
        sent = {"Cookie": self.cookie_header()} if self.cookies and self.sticky else None
        self.ws = await connect(ws_url, subprotocols=SUBPROTOCOLS, max_size=None, additional_headers=sent)
        self.keep_cookies(self.ws.response.headers.get_all("Set-Cookie"))
        self.link, self.page, self.states = link, Page(), {}
        path, _, query = link.partition("?")
        state = ClientState(query_string=query, page_name=path.strip("/"))
        self.figures.loads.append(await self.run(state))

    def keep_cookies(self, set_cookies: list[str]) -> None:
        """Remember each cookie's name and value (attributes such as Path are not needed here)."""
        for header in set_cookies:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def cookie_header(self) -> str:
        """The Cookie header a browser would send."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    async def change_filter(self, rng: random.Random) -> None:
        """Give one sidebar filter a random new value and rerun, as the widget's on_change does."""
        filters = [w for w in self.page.widgets.values() if _key(w) in FILTER_KEYS]
        if not filters:
            self.error("no filter widgets on the page")
            return
        widget = rng.choice(filters)
        self.states[widget.id] = _random_state(widget, rng)
        state = ClientState(query_string=self.page.query, page_script_hash=self.page.page_hash)
        # Like the frontend, resend every state changed so far (the server keeps the rest).
        state.widget_states.widgets.extend(self.states.values())
        self.figures.reruns.append(await self.run(state))
        self.reruns += 1

    async def run(self, state: ClientState) -> float:
        """Send a rerun; read the run's messages until script_finished; return the seconds taken."""
        state.context_info.url = self.base_url + self.link
        started = time.monotonic()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        async with asyncio.timeout(TIMEOUT):
            while (status := self._take(await self._receive())) not in FINISHED:
                pass
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.error("the script did not compile")
        return time.monotonic() - started

    def download_buttons(self) -> list:
        """The page's full-table CSV buttons (not the zip, not a selection's download)."""
        return [w for w in self.page.widgets.values()
                if w.DESCRIPTOR.name == "DownloadButton" and w.label.startswith("Download CSV")]

    async def download(self, button) -> None:
        """Download as a click does: the server makes the deferred file, the client GETs it and
        checks the CSV. A file gone before its GET is an error (see ``Figures.lost``)."""
        url = await self._deferred_url(button.deferred_file_id)
        if url is None:
            return
        try:
            cookie = self.cookie_header() if self.sticky else ""
            name, body = await asyncio.to_thread(_fetch, self.base_url + url, cookie)
        except urllib.error.HTTPError as failure:
            self.figures.lost += failure.code == 404
            self.error(f"download failed: HTTP {failure.code}")
            return
        if _csv_ok(name, body):
            self.downloads += 1
        else:
            self.error(f"download {name!r} is not the expected CSV")

    async def _deferred_url(self, file_id: str) -> str | None:
        """Ask the server to run a deferred download's callable; the file's URL, None if refused."""
        request_id = str(uuid.uuid4())
        request = BackMsg()
        request.backend_operation_request.request_id = request_id
        request.backend_operation_request.session_id = self.page.session_id
        request.backend_operation_request.deferred_file.file_id = file_id
        await self.ws.send(request.SerializeToString())
        async with asyncio.timeout(TIMEOUT):
            while (response := _response(await self._receive(), request_id)) is None:
                pass
        if response.error_msg:
            self.error(f"download refused: {response.error_msg}")
            return None
        return response.deferred_file.url

    async def close(self) -> None:
        """Close the websocket, as a browser does when the tab leaves the page."""
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def error(self, what: str) -> None:
        """Record an error with the link it happened on."""
        self.figures.errors.append(f"{self.link}: {what}")

    async def _receive(self) -> ForwardMsg:
        message = ForwardMsg()
        message.ParseFromString(await self.ws.recv())
        return message

    def _take(self, message: ForwardMsg) -> int | None:
        """Note what a ForwardMsg tells about the page; its script_finished status, else None."""
        kind = message.WhichOneof("type")
        if kind == "new_session":  # a run starts: the previous run's widgets are gone
            self.page.widgets = {}
            self.page.session_id = message.new_session.initialize.session_id
        elif kind == "navigation":
            self.page.page_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.page.query = message.page_info_changed.query_string
        elif kind == "page_not_found":
            self.error("page not found")
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._element(message.delta.new_element)
        elif kind == "script_finished":
            return message.script_finished
        return None

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.error(f"exception {element.exception.type}: {element.exception.message[:200]}")
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self.error(f"error shown: {element.alert.body[:200]}")
        elif kind in ("multiselect", "slider", "radio", "download_button"):
            widget = getattr(element, kind)
            self.page.widgets[widget.id] = widget


def _key(widget) -> str:
    """The user key a widget was made with: Streamlit's element ids end in '-<key>'."""
    return widget.id.rsplit("-", 1)[-1]


def _random_state(widget, rng: random.Random):
    """A widget state as the frontend would send it after a user changed the widget."""
    state = WidgetState(id=widget.id)
    kind = widget.DESCRIPTOR.name
    if kind == "MultiSelect":  # values are the options as displayed (format_func applied)
        options = list(widget.options)
        state.string_array_value.data.extend(rng.sample(options, rng.randint(0, min(2, len(options)))))
    elif kind == "Slider":
        low = rng.randint(int(widget.min), int(widget.max))
        state.double_array_value.data.extend([low, rng.randint(low, int(widget.max))])
    else:  # Radio
        state.string_value = rng.choice(list(widget.options))
    return state


def _response(message: ForwardMsg, request_id: str):
    if message.WhichOneof("type") == "backend_operation_response" \
            and message.backend_operation_response.request_id == request_id:
        return message.backend_operation_response
    return None


def _fetch(url: str, cookie: str = "") -> tuple[str, bytes]:
    """GET a media file, with the session's cookies: (the file name it is served as, its bytes)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        disposition = Message()
        disposition["content-disposition"] = response.headers.get("Content-Disposition", "")
        return disposition.get_filename() or "", response.read()


def _csv_ok(name: str, body: bytes) -> bool:
    """A record table's CSV has its documented header (export.EXPORT_COLUMNS); any other
    (the money page's conversions, the sources page's conflicts) is a rectangular CSV."""
    try:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return False
    table = name.removesuffix(".csv")
    if table in EXPORT_COLUMNS:
        return bool(rows) and rows[0] == EXPORT_COLUMNS[table]
    return bool(rows) and name.endswith(".csv") and all(len(row) == len(rows[0]) for row in rows)


CONNECTION_FAILURES = (TimeoutError, WebSocketException, OSError)


async def _round(session: Session, rng: random.Random, link: str, think: float) -> None:
    """One step of a reader: open a link, sometimes download, change a filter, with pauses."""
    await session.open(link)
    await asyncio.sleep(rng.uniform(0, 2 * think))
    buttons = session.download_buttons()
    if buttons and (session.downloads == 0 or rng.random() < DOWNLOAD_SHARE):
        await session.download(rng.choice(buttons))
    await session.change_filter(rng)
    await asyncio.sleep(rng.uniform(0, 2 * think))


async def _reconnect(session: Session, link: str, deadline: float) -> float | None:
    """Open ``link`` again until it works, as the frontend reconnects: the seconds it took, or
    None if the deadline came first."""
    started = time.monotonic()
    while time.monotonic() < deadline:
        try:
            await session.open(link)
            return time.monotonic() - started
        except CONNECTION_FAILURES:
            await asyncio.sleep(0.2)  # the frontend's retry pause, shortened
    return None


async def analyst(base_url: str, seed: int, deadline: float, think: float, figures: Figures,
                  sticky: bool = True, resilient: bool = False) -> None:
    """One user until the deadline (at least one round): open a link, sometimes download, change
    a filter, pausing a random 0 to 2 x ``think`` seconds after each step, as a reader does.
    ``sticky``: send back the balancer's cookie; ``resilient``: after a dropped connection,
    reconnect as the frontend does (the drop and the time to reconnect are measured, not errors)."""
    rng, session, link = random.Random(seed), Session(base_url, figures, sticky), FIRST_LINK
    try:
        while True:
            try:
                await _round(session, rng, link, think)
            except CONNECTION_FAILURES as failure:
                if not resilient:
                    raise
                figures.drops.append(time.monotonic())
                took = await _reconnect(session, link, deadline)
                if took is None:
                    session.error(f"could not reconnect after {type(failure).__name__}")
                    break
                figures.reconnects.append(took)
            if time.monotonic() >= deadline:
                break
            link = rng.choice(LINKS)
    except CONNECTION_FAILURES as failure:
        session.error(f"{type(failure).__name__}: {failure}")
    finally:
        await session.close()
        figures.per_session.append((session.reruns, session.downloads))
        figures.replicas.append(session.cookies.get("SRV", ""))


async def warm_up(base_url: str) -> Figures:
    """Open every link once in one session: the server has imported and cached what pages need."""
    figures = Figures()
    session = Session(base_url, figures)
    try:
        for link in LINKS:
            await session.open(link)
    finally:
        await session.close()
    return figures


async def run(base_url: str, sessions: int, seconds: float, think: float = 1.0, seed: int = 0,
              sticky: bool = True, resilient: bool = False) -> Figures:
    """Drive ``sessions`` concurrent users against the server at ``base_url`` for ``seconds``;
    ``think`` is a user's mean pause between steps (0: every user fires back to back); ``sticky``
    and ``resilient`` as for ``analyst``."""
    figures, deadline = Figures(), time.monotonic() + seconds
    await asyncio.gather(*(analyst(base_url, seed + n, deadline, think, figures, sticky, resilient)
                           for n in range(sessions)))
    return figures


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of a non-empty list (share 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summary(figures: Figures, sessions: int, seconds: float, think: float) -> dict:
    """The figures as the CLI prints them: counts, median and p95 seconds (None when there
    were none), the first errors."""
    def seconds_at(values: list[float], share: float | None):
        if not values:
            return None
        return round(statistics.median(values) if share is None else percentile(values, share), 3)

    return {"sessions": sessions, "seconds": seconds, "think_s": think, "links_opened": len(figures.loads),
            "load_median_s": seconds_at(figures.loads, None), "load_p95_s": seconds_at(figures.loads, 0.95),
            "reruns": len(figures.reruns), "rerun_median_s": seconds_at(figures.reruns, None),
            "rerun_p95_s": seconds_at(figures.reruns, 0.95),
            "downloads_ok": sum(d for _, d in figures.per_session), "downloads_lost": figures.lost,
            "errors": len(figures.errors), "first_errors": figures.errors[:5]}


def main(argv: list[str] | None = None) -> int:
    """CLI: run the load and print the figures as JSON; exit status 1 when there were errors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the running server, e.g. http://127.0.0.1:8501")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0,
                        help="a user's mean pause between steps, seconds (0: back to back)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    figures = asyncio.run(run(args.url, args.sessions, args.seconds, args.think, args.seed))
    print(json.dumps(summary(figures, args.sessions, args.seconds, args.think), indent=2))
    return 1 if figures.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
