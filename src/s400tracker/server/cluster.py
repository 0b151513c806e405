"""``python -m s400tracker cluster``: identical replicas of the dashboard behind HAProxy, on one host.

Each replica is the ordinary server (``serve``) on a free loopback port, with the same
``server.cookieSecret`` (Streamlit signs its cookies with it; replicas must agree) and its own
name, which /healthz reports. HAProxy (Debian's ``haproxy``, never a balancer of our own) is set up
from the committed template ``deploy/haproxy.cfg.template``. The replicas share the database file
named by ``S400_DB``: an import renames a new file into place, and every replica serves it from
its next request. SIGINT or SIGTERM stops everything the cluster started.
"""

import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[3] / "deploy" / "haproxy.cfg.template"
REPLICA_ENV = "S400_REPLICA"        # the replica's name, reported by /healthz
SECRET_ENV = "S400_COOKIE_SECRET"   # the shared cookie secret (a random one when unset)
STARTUP_SECONDS = 60


@dataclass
class Replica:
    """One replica server: its name, port and process."""

    name: str
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def find_haproxy() -> str | None:
    """HAProxy's executable: on the PATH, or where Debian puts it (/usr/sbin, off a user's PATH)."""
    return shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on loopback that nothing listens on now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def haproxy_config(port: int, replicas: list[tuple[str, int]], stats_socket: Path, bind: str = "127.0.0.1") -> str:
    """The HAProxy configuration for ``replicas`` (name, port), listening on ``bind:port``, with
    its local stats socket at ``stats_socket``."""
    servers = "\n".join(f"    server {name} 127.0.0.1:{replica_port} check cookie {name}"
                        for name, replica_port in replicas)
    return string.Template(TEMPLATE.read_text()).substitute(bind=bind, port=port, servers=servers,
                                                            stats_socket=stats_socket)


def replica_states(stats_socket: Path) -> dict[str, str]:
    """Each replica's state as HAProxy sees it now ('UP', 'DOWN', ...), from its stats socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        text = b"".join(iter(lambda: sock.recv(65536), b"")).decode()
    header, *rows = [line.split(",") for line in text.splitlines() if line]
    columns = {name.lstrip("# "): i for i, name in enumerate(header)}
    return {row[columns["svname"]]: row[columns["status"]] for row in rows
            if row[columns["pxname"]] == "replicas" and row[columns["svname"]] not in ("BACKEND", "FRONTEND")}


def _start_replica(name: str, port: int, secret: str) -> Replica:
    env = {**os.environ, REPLICA_ENV: name, "STREAMLIT_SERVER_COOKIE_SECRET": secret}
    process = subprocess.Popen([sys.executable, "-m", "s400tracker", "serve", "--port", str(port),
                                "--address", "127.0.0.1"], env=env, start_new_session=True)
    return Replica(name, port, process)


def _healthy(replica: Replica) -> bool:
    try:
        with urllib.request.urlopen(f"{replica.url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_healthy(replicas: list[Replica], timeout: float = STARTUP_SECONDS) -> None:
    """Return once every replica's /healthz answers 200; raise RuntimeError naming any that died
    or never did."""
    deadline, waiting = time.monotonic() + timeout, list(replicas)
    while waiting and time.monotonic() < deadline:
        dead = [r.name for r in waiting if r.process.poll() is not None]
        if dead:
            raise RuntimeError(f"replica {', '.join(dead)} exited while starting")
        waiting = [r for r in waiting if not _healthy(r)]
        if waiting:
            time.sleep(0.25)  # a poll of the health route, not a fixed wait
    if waiting:
        raise RuntimeError(f"replica {', '.join(r.name for r in waiting)} not healthy after {timeout:.0f} s")


def _wait_for_listener(bind: str, port: int, balancer: subprocess.Popen, timeout: float = 10) -> None:
    """Return once HAProxy accepts connections on its port (it binds after it has started), so
    what the cluster prints is true when printed; RuntimeError if it exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if balancer.poll() is not None:
            raise RuntimeError(f"HAProxy exited with {balancer.returncode} while starting")
        try:
            with socket.create_connection(("127.0.0.1" if bind in ("0.0.0.0", "") else bind, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)  # a poll for the listening port, not a fixed wait
    raise RuntimeError(f"HAProxy is not listening on port {port} after {timeout:.0f} s")


def _check_config(haproxy: str, config: Path) -> None:
    """Raise RuntimeError with HAProxy's own words if it refuses the configuration."""
    checked = subprocess.run([haproxy, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"HAProxy refused its configuration:\n{checked.stdout}{checked.stderr}")


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _watch(replicas: list[Replica], balancer: subprocess.Popen, stopping: dict) -> None:
    """Serve until a signal, HAProxy exiting, or the last replica exiting. A replica that dies
    is reported and left out: HAProxy's health check takes it out of the rotation."""
    reported = set()
    while stopping["signal"] is None and balancer.poll() is None:
        for r in replicas:
            if r.process.poll() is not None and r.name not in reported:
                reported.add(r.name)
                print(f"cluster: replica {r.name} (pid {r.process.pid}) exited with {r.process.returncode}; "
                      "HAProxy routes its visitors to the others", file=sys.stderr, flush=True)
        if len(reported) == len(replicas):
            return
        time.sleep(0.2)  # a watch for a signal or a process that exited


def run(replicas: int, port: int, bind: str = "127.0.0.1") -> int:
    """Start ``replicas`` servers and HAProxy on ``port``; print where they are; run until a
    signal or until a process exits; stop everything. Returns the exit code."""
    haproxy = find_haproxy()
    if haproxy is None:
        print("cluster: HAProxy is not installed (on Debian: apt-get install haproxy, or `make cluster`)",
              file=sys.stderr)
        return 1
    secret = os.environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
    started = [_start_replica(f"r{n + 1}", p, secret) for n, p in enumerate(free_ports(replicas))]
    processes = [r.process for r in started]
    stopping = {"signal": None}

    def on_signal(number, frame):
        stopping["signal"] = number
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        wait_until_healthy(started)
        with tempfile.TemporaryDirectory(prefix="s400-cluster-") as folder:
            config, stats = Path(folder) / "haproxy.cfg", Path(folder) / "haproxy.sock"
            config.write_text(haproxy_config(port, [(r.name, r.port) for r in started], stats, bind))
            _check_config(haproxy, config)
            balancer = subprocess.Popen([haproxy, "-W", "-db", "-f", str(config)], start_new_session=True)
            processes.append(balancer)
            _wait_for_listener(bind, port, balancer)
            for r in started:
                print(f"replica {r.name}: {r.url} (pid {r.process.pid})", flush=True)
            print(f"haproxy: http://{bind}:{port} (pid {balancer.pid}, stats socket {stats})", flush=True)
            _watch(started, balancer, stopping)
    except RuntimeError as error:
        print(f"cluster: {error}", file=sys.stderr)
        return 1
    finally:
        _stop(processes)
        for number, handler in previous.items():
            signal.signal(number, handler)
    exited = [p.pid for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
    if stopping["signal"] is None:
        print(f"cluster: a process exited ({exited or 'cleanly'}); stopped everything", file=sys.stderr)
        return 1
    print("cluster: stopped every replica and HAProxy", flush=True)
    return 0
