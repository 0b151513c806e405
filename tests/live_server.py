"""The real server for tests that need one: start it on a free port, watch its memory.

Shared by the browser tests (tests/browser/) and the protocol load test, which needs no browser.
"""

import asyncio
import concurrent.futures
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from s400tracker.server.allocator import resident_mb

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "test-artifacts"


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running server: its URL, its process and what it has printed so far."""

    url: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_for_output(self, text: str, after: int = 0, timeout: float = 120) -> str | None:
        """The first line from line ``after`` on that contains ``text``, once printed; None if
        none is within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in self.output[after:] if text in line), None)
            if found:
                return found
            time.sleep(0.2)  # a poll for a log line, not a fixed wait
        return None

    def _read_output(self) -> None:
        for line in self.process.stdout:  # read all along, or a full pipe would stall the server
            self.output.append(line)


def wait_until_healthy(url: str, server: subprocess.Popen, output: list[str] | None = None,
                       timeout: float = 60) -> None:
    """Poll Streamlit's health endpoint until it answers; raise if the server dies or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            printed = "".join(output) if output is not None else server.stdout.read()
            raise RuntimeError(f"server exited with {server.returncode}: {printed}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)  # a poll of the health route until it answers, not a fixed wait
    raise RuntimeError(f"server at {url} not healthy after {timeout}s")


@contextlib.contextmanager
def running_server(db_path: Path, **env_vars: str):
    """Start the real app as `make run` does, on a free port; yield its URL; stop it afterwards."""
    with server_process(db_path, **env_vars) as server:
        yield server.url


@contextlib.contextmanager
def server_process(db_path: Path, **env_vars: str):
    """Start the real app on a free port; yield it as a LiveServer and stop it afterwards."""
    port = free_port()
    env = {**os.environ, "S400_DB": str(db_path), **env_vars}
    env.pop("S400_ADMIN_PASSWORD", None) if "S400_ADMIN_PASSWORD" not in env_vars else None
    server = subprocess.Popen(
        [sys.executable, "-m", "s400tracker", "serve", "--port", str(port), "--address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    live = LiveServer(f"http://127.0.0.1:{port}", server)
    threading.Thread(target=live._read_output, name="server-output", daemon=True).start()
    try:
        wait_until_healthy(live.url, server, live.output)
        yield live
    finally:
        server.terminate()
        server.wait(timeout=20)


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux), as the server itself reports it."""
    return resident_mb(pid) or float("nan")


def settled_rss_mb(pid: int, timeout: float = 15) -> float:
    """Server memory once closed sessions are released: sampled until it stops falling."""
    deadline, last = time.monotonic() + timeout, rss_mb(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)  # sampling interval of a condition poll, not a fixed wait
        now = rss_mb(pid)
        if now >= last - 1:
            return now
        last = now
    return last


async def sample_memory(pid: int, stop: asyncio.Event, samples: list[float]) -> None:
    """Append the process's resident memory every half second until ``stop`` is set."""
    while not stop.is_set():
        samples.append(rss_mb(pid))
        await asyncio.sleep(0.5)


def run_async(coroutine):
    """Run a coroutine on its own thread: the suite's sync Playwright owns the main thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def write_figures(name: str, lines: list[str]) -> None:
    """Print a load test's figures and keep them in test-artifacts/<name>.md."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


class Cluster:
    """``python -m s400tracker cluster`` running in the background, with what it has printed."""

    def __init__(self, db: Path, replicas: int, **env_vars: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "s400tracker", "cluster", "--replicas", str(replicas), "--port", str(self.port)],
            cwd=ROOT, env={**os.environ, "S400_DB": str(db), **env_vars}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 90) -> str:
        """The first line printed that contains ``text``; fails if none comes or the command exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in self.lines if text in line), None)
            if found or self.process.poll() is not None:
                break
            time.sleep(0.2)  # a poll for the line, not a fixed wait
        assert found, "".join(self.lines)
        return found

    @property
    def url(self) -> str:
        """HAProxy's address."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def stats_socket(self) -> Path:
        """HAProxy's local stats socket, as the command printed it."""
        return Path(self.wait_for("haproxy: ").rsplit("stats socket ", 1)[1].rstrip(")\n"))

    def replicas(self) -> dict[str, tuple[str, int]]:
        """name -> (url, pid), from the lines the command printed."""
        found = {}
        for line in self.lines:
            if line.startswith("replica "):
                name, rest = line[len("replica "):].split(": ", 1)
                url, pid = rest.split(" (pid ")
                found[name] = (url, int(pid.rstrip(")\n")))
        return found


def health(url: str, cookie: str | None = None) -> tuple[dict, str | None]:
    """A server's /healthz body, and the cookie the answer set (a balancer's affinity)."""
    request = urllib.request.Request(f"{url}/healthz", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read()), response.headers.get("Set-Cookie")


def until(condition, timeout: float) -> float:
    """Seconds until ``condition()`` holds; AssertionError after ``timeout``."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "condition not met in time"
        time.sleep(0.2)  # a poll, not a fixed wait
    return time.monotonic() - started
