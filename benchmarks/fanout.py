"""Fan-out benchmark: our websocket server against two peers, driven by one load generator.

A *target* is a server under test; three are built in:

- `limit`: a bare `websockets` server calling `websockets.broadcast()` (benchmarks/fanout_peers.py),
  the practical Python limit, and the yardstick every ratio is taken against;
- `socketio`: a python-socketio `AsyncServer` on uvicorn re-emitting a `chat` event to a room;
- `conference`: our server (`python -m conference serve`), speaking SPEC.md's `/ws` protocol;
  `conference-redis` is the same with two processes sharing Postgres and a Redis broker.

Every server runs as its own process pinned to core 0 and the generator runs pinned to core 1.
The generator speaks websocket itself (a lean asyncio protocol by default, or the `websockets`
client with `--engine websockets`), so its own cost per delivery stays small and identical for
every target. Each chat body is `"<window>:<sender>:<seq>:<monotonic_ns>:<padding>"`: every
receiver counts what it got from each sender by sequence (loss is exact) and every delivery
gives a latency sample.

    python benchmarks/fanout.py --quick
    python benchmarks/fanout.py --targets limit socketio conference --clients 500 1000 \\
        --rate 20 --seconds 10 --scenarios steady idle --json fanout.json

See benchmarks/README.md ("Fan-out") for the scenarios and recorded figures.
"""

from __future__ import annotations

import os
import sys

# Run as `python benchmarks/<script>.py`, this folder comes first on sys.path, and its http.py (the
# HTTP benchmark) would hide the standard library's `http` from urllib, uvicorn and websockets.
sys.path.insert(0, os.path.dirname(os.__file__))

import argparse
import asyncio
import base64
import contextlib
import datetime
import hashlib
import json
import platform
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from array import array
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
PEERS_SCRIPT = Path(__file__).resolve().with_name("fanout_peers.py")
CHANNEL = "session:1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVER_CPU = 0
GENERATOR_CPU = 1
START_TIMEOUT_SECS = 90
JOIN_TIMEOUT_SECS = 30
DRAIN_CAP_SECS = 60
CONNECT_CONCURRENCY = 64
MAX_SENDER_RATE = 5.0  # msg/s per sender; more senders past that, so no account looks like a flood
GENERATOR_BOUND_PCT = 90.0
# window, sender, seq, send time: the numbers every target carries back inside the chat body
BODY_RE = re.compile(rb'"body":\s*"(\d+):(\d+):(\d+):(\d+):')
BODY_STR_RE = re.compile(r"(\d+):(\d+):(\d+):(\d+):")
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

try:
    from websockets.speedups import apply_mask
except ImportError:  # pure-Python build of websockets

    def apply_mask(data: bytes, mask: bytes) -> bytes:
        n = len(data)
        key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
        return (int.from_bytes(data, "big") ^ key).to_bytes(n, "big")


class TargetUnavailable(Exception):
    """A target cannot be started or prepared; the run goes on without it."""


# --- Socket.IO v5 over Engine.IO v4, the part a websocket-only client needs ---------------------------

EIO_TYPES = {"0": "open", "1": "close", "2": "ping", "3": "pong", "4": "message", "5": "upgrade", "6": "noop"}
EIO_CODES = {name: code for code, name in EIO_TYPES.items()}
SIO_TYPES = {
    "0": "connect",
    "1": "disconnect",
    "2": "event",
    "3": "ack",
    "4": "connect_error",
    "5": "binary_event",
    "6": "binary_ack",
}
SIO_CODES = {name: code for code, name in SIO_TYPES.items()}


@dataclass(frozen=True)
class SioPacket:
    """One websocket text frame of Engine.IO v4, and the Socket.IO v5 packet inside if it is a message."""

    eio: str  # open, close, ping, pong, message, upgrade, noop
    sio: str | None = None  # connect, disconnect, event, ack, connect_error (when eio == "message")
    namespace: str = "/"
    ack_id: int | None = None
    data: Any = None  # open: the handshake dict; event: [name, *args]; ping/pong: probe text or None


def sio_encode(packet: SioPacket) -> str:
    out = EIO_CODES[packet.eio]
    if packet.eio != "message":
        if packet.data is None:
            return out
        return out + (json.dumps(packet.data, separators=(",", ":")) if packet.eio == "open" else packet.data)
    out += SIO_CODES[packet.sio]
    if packet.namespace != "/":
        out += packet.namespace + ","
    if packet.ack_id is not None:
        out += str(packet.ack_id)
    if packet.data is not None:
        out += json.dumps(packet.data, separators=(",", ":"))
    return out


def sio_decode(frame: str | bytes) -> SioPacket:
    if isinstance(frame, bytes):
        frame = frame.decode()
    eio = EIO_TYPES.get(frame[:1])
    if eio is None:
        raise ValueError(f"not an Engine.IO packet: {frame[:40]!r}")
    rest = frame[1:]
    if eio != "message":
        if eio == "open":
            return SioPacket(eio, data=json.loads(rest))
        return SioPacket(eio, data=rest or None)
    sio = SIO_TYPES.get(rest[:1])
    if sio is None:
        raise ValueError(f"not a Socket.IO packet: {frame[:40]!r}")
    rest, namespace, ack_id = rest[1:], "/", None
    if rest.startswith("/"):
        namespace, _, rest = rest.partition(",")
    digits = len(rest) - len(rest.lstrip("0123456789"))
    if digits:
        ack_id, rest = int(rest[:digits]), rest[digits:]
    return SioPacket(eio, sio, namespace, ack_id, json.loads(rest) if rest else None)


def sio_event(name: str, *args: Any) -> str:
    return sio_encode(SioPacket("message", "event", data=[name, *args]))


# --- Targets -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectParams:
    url: str  # ws://127.0.0.1:P/path?query
    headers: tuple[tuple[str, str], ...] = ()


class Target:
    """A server under test, and how the generator speaks to it.

    Lifecycle: `start() -> (pid, base_url)`, then `prepare(n)` for each client count, then `stop()`;
    `restart()` gives a fresh server process (same data) so each load session starts from the same
    memory. Subclasses write `_setup()` (once) and `_launch()` (each start).
    Protocol: `hello_frames()` right after the websocket opens; `control(payload)` for every frame that
    carries no delivery (returns frames to send back and "joined", "error:<code>" or None);
    `send_frame(body, client_id)`; `deliveries(payload)` → [(window, sender, seq, send_ns)] as
    bytes or ints, for every chat message in the frame (a frame may be a batch).
    """

    name = "target"

    def __init__(self, cpu: int | None = SERVER_CPU) -> None:
        self.cpu = cpu
        self.processes: list[subprocess.Popen] = []
        self.sessions_run = 0
        self.tmpdir: Path | None = None
        self.notes: list[str] = []

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def start(self) -> tuple[int, str]:
        self._setup()
        return self._launch()

    def restart(self) -> tuple[int, str]:
        self._stop_processes()
        return self._launch()

    def _setup(self) -> None:
        pass

    def _launch(self) -> tuple[int, str]:
        raise NotImplementedError

    def prepare(self, n_clients: int) -> list[ConnectParams]:
        raise NotImplementedError

    def hello_frames(self) -> list[str]:
        return []

    def control(self, payload: bytes) -> tuple[list[str], str | None]:
        return [], None

    def send_frame(self, body: str, client_id: str) -> str:
        raise NotImplementedError

    def deliveries(self, payload: bytes) -> list:
        return BODY_RE.findall(payload)

    def _stop_processes(self) -> None:
        for proc in self.processes:
            stop_process(proc)
        self.processes.clear()

    def stop(self) -> None:
        self._stop_processes()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def _tmpdir(self) -> Path:
        if self.tmpdir is None:
            self.tmpdir = Path(tempfile.mkdtemp(prefix=f"fanout-{self.name}-"))
        return self.tmpdir

    def _spawn(self, argv: list[str], log_name: str, **kwargs: Any) -> subprocess.Popen:
        proc = spawn(argv, self._tmpdir() / log_name, cpu=self.cpu, **kwargs)
        self.processes.append(proc)
        return proc


def chat_send_frame(channel: str, body: str, client_id: str) -> str:
    # bodies and client ids are digits, colons, dashes and "x": nothing to escape
    return f'{{"type":"chat.send","channel":"{channel}","body":"{body}","client_id":"{client_id}"}}'


class LimitTarget(Target):
    """The bare `websockets` broadcast server: the first frame joins, later ones are re-broadcast verbatim."""

    name = "limit"

    def _launch(self) -> tuple[int, str]:
        port = free_port()
        proc = self._spawn([sys.executable, str(PEERS_SCRIPT), "limit", "--port", str(port)], "server.log")
        wait_for_port(proc, port, self._tmpdir() / "server.log")
        self.url = f"ws://127.0.0.1:{port}/"
        return proc.pid, self.url

    def prepare(self, n_clients: int) -> list[ConnectParams]:
        return [ConnectParams(self.url)] * n_clients

    def hello_frames(self) -> list[str]:
        return [f'{{"type":"join","channel":"{CHANNEL}"}}']

    def control(self, payload: bytes) -> tuple[list[str], str | None]:
        return [], "joined" if b'"joined"' in payload else None

    def send_frame(self, body: str, client_id: str) -> str:
        return chat_send_frame(CHANNEL, body, client_id)


class SocketIOTarget(Target):
    """python-socketio on uvicorn; the generator speaks Engine.IO/Socket.IO framing over the websocket."""

    name = "socketio"

    def _launch(self) -> tuple[int, str]:
        port = free_port()
        proc = self._spawn([sys.executable, str(PEERS_SCRIPT), "socketio", "--port", str(port)], "server.log")
        wait_for_port(proc, port, self._tmpdir() / "server.log")
        self.url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
        return proc.pid, self.url

    def prepare(self, n_clients: int) -> list[ConnectParams]:
        return [ConnectParams(self.url)] * n_clients

    def control(self, payload: bytes) -> tuple[list[str], str | None]:
        packet = sio_decode(payload)
        if packet.eio == "ping":
            return [sio_encode(SioPacket("pong", data=packet.data))], None
        if packet.eio == "open":
            return [sio_encode(SioPacket("message", "connect"))], None
        if packet.sio == "connect":
            return [sio_event("join", CHANNEL)], None
        if packet.sio == "event" and packet.data[0] == "joined":
            return [], "joined"
        if packet.sio == "connect_error":
            return [], "error:connect_error"
        return [], None

    def send_frame(self, body: str, client_id: str) -> str:
        return f'42["chat",{{"channel":"{CHANNEL}","body":"{body}","client_id":"{client_id}"}}]'

    def deliveries(self, payload: bytes) -> list:
        if not payload.startswith(b'42["chat"'):
            return []
        return BODY_RE.findall(payload)


# A programme with one session, so a fresh database gives it id 1 (the id is read back from the API).
BENCH_SCHEDULE = """\
conference:
  title: Fan-out benchmark
  timezone: Europe/Paris
  start_date: 2021-09-13
  end_date: 2021-09-13
  daily_start: "13:00"
  daily_end: "16:00"

themes:
  - {slug: bench, name: Benchmarking}

stages:
  - {key: main, name: Main stage}

speakers: []

sessions:
  - key: bench-plenary
    title: Fan-out benchmark plenary
    kind: plenary
    date: 2021-09-13
    start: "13:00"
    end: "14:00"
    stage: main
    themes: [bench]
"""

BENCH_PASSWORD = "fanout-bench-Passw0rd"

# Runs inside one Python process with the server's package importable, credentials read from stdin.
# Fast path: `conference.accounts.create_user` in one database session, with scrypt's cost turned
# down as the test suite does (these accounts exist for one run). If that API is not there, the
# `create-user` command n times in the same interpreter (loaded once, not n times).
CREATE_USERS_SCRIPT = """\
import asyncio, json, os, sys
creds = json.load(sys.stdin)

async def fast():
    from conference import accounts
    from conference.db.base import Database
    from conference.db.migrate import upgrade_async

    url = os.environ["CONFERENCE_DATABASE_URL"]
    await upgrade_async(url)
    db = Database(url)
    try:
        async with db.session() as session:
            for email, password, name in creds:
                await accounts.create_user(session, email, password, {"name": name}, hash_cost=10)
    finally:
        await db.close()

try:
    asyncio.run(fast())
except (ImportError, AttributeError, TypeError) as exc:
    print(f"fast path unavailable ({exc!r}); using create-user", file=sys.stderr)
else:
    print(json.dumps({"created": len(creds), "failed": [], "n_failed": 0, "path": "accounts.create_user"}))
    sys.exit(0)

from conference.cli import main
created, failed = 0, []
for email, password, name in creds:
    sys.argv = ["conference", "create-user", "--email", email, "--password", password, "--name", name]
    try:
        code = main()
    except SystemExit as exit_:
        code = exit_.code
    if code in (0, None):
        created += 1
    else:
        failed.append([email, str(code)])
print(json.dumps({"created": created, "failed": failed[:5], "n_failed": len(failed), "path": "create-user"}))
"""


def prepare_users(
    database_url: str, n: int, *, start: int = 0, env: dict | None = None
) -> list[tuple[str, str]]:
    """HOOK for the server's authors: create n attendees that can sign in; return their (email, password).

    One Python process against `database_url` (see CREATE_USERS_SCRIPT): `accounts.create_user` in
    one session with a low scrypt cost, else `conference create-user` n times in-process
    (`conference.cli.main` with `sys.argv` set). Users are `fanout-bench-<i>@example.com` from
    `start` on. If the server grows a bulk path (say `conference demo-data --attendees N --password P`
    with predictable e-mails), call it here instead; the harness only needs the credentials back.
    Raises TargetUnavailable with the reason when the users cannot be made.
    """
    creds = [
        (f"fanout-bench-{i:05d}@example.com", BENCH_PASSWORD, f"Bench Attendee {i}")
        for i in range(start, start + n)
    ]
    run_env = dict(env or os.environ)
    run_env["CONFERENCE_DATABASE_URL"] = database_url
    run_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), run_env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(
            [sys.executable, "-c", CREATE_USERS_SCRIPT],
            input=json.dumps(creds),
            capture_output=True,
            text=True,
            env=run_env,
            timeout=120 + n,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise TargetUnavailable(f"create-user for {n} users timed out after {exc.timeout:.0f}s") from exc
    try:
        summary = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise TargetUnavailable(f"create-user failed (exit {done.returncode}): {tail(done.stderr)}") from None
    if summary["n_failed"]:
        raise TargetUnavailable(
            f"create-user failed for {summary['n_failed']} users, e.g. {summary['failed']}"
        )
    return [(email, password) for email, password, _ in creds]


def login(base_url: str, email: str, password: str) -> str:
    """POST /api/v1/auth/login and return the bearer token."""
    status, body = http_json(base_url + "/api/v1/auth/login", {"email": email, "password": password})
    if status != 200 or not isinstance(body, dict) or "token" not in body:
        raise TargetUnavailable(f"login of {email} answered {status}: {str(body)[:200]}")
    return body["token"]


class ConferenceTarget(Target):
    """Our server, started as SPEC.md says, spoken to over `/ws` with a bearer token per client.

    One process on a SQLite file by default; with `processes=2` (the `conference-redis` target) two
    processes on one Postgres database and one Redis broker, clients split across both.
    """

    name = "conference"

    def __init__(
        self,
        cpu: int | None = SERVER_CPU,
        *,
        processes: int = 1,
        pg_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432",
        redis_url: str = "redis://127.0.0.1:6379/0",
    ) -> None:
        super().__init__(cpu)
        self.n_processes = processes
        self.pg_url = pg_url.rstrip("/")
        self.redis_url = redis_url
        self.channel = CHANNEL
        self.tokens: list[str] = []
        self.base_urls: list[str] = []
        self.pg_db: str | None = None
        if processes > 1:
            self.name = "conference-redis"

    def _setup(self) -> None:
        if (
            not (REPO_ROOT / "conference" / "cli.py").exists()
            and not (REPO_ROOT / "conference" / "cli").is_dir()
        ):
            raise TargetUnavailable(f"no conference.cli in {REPO_ROOT} yet (the server is not written)")
        tmp = self._tmpdir()
        (tmp / "schedule.yaml").write_text(BENCH_SCHEDULE)
        self.env = dict(os.environ)
        self.env.update(
            CONFERENCE_SCHEDULE=str(tmp / "schedule.yaml"),
            CONFERENCE_SECRET_KEY=secrets.token_hex(32),
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        )
        if self.n_processes == 1:
            self.database_url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        else:
            self.database_url = self._create_pg_database()
            require_port(self.redis_url, 6379, "Redis")
            self.env["CONFERENCE_BROKER_URL"] = self.redis_url
            self.env["CONFERENCE_REDIS_PREFIX"] = f"fanout-{secrets.token_hex(4)}:"
        self.env["CONFERENCE_DATABASE_URL"] = self.database_url

    def _launch(self) -> tuple[int, str]:
        tmp = self._tmpdir()
        self.base_urls = []
        if (REPO_ROOT / "conference" / "__main__.py").exists():
            command = [sys.executable, "-m", "conference"]
        else:
            command = [sys.executable, "-c", "import sys; from conference.cli import main; sys.exit(main())"]
        # one after the other: the first one creates the database schema
        for i in range(self.n_processes):
            port = free_port()
            argv = [*command, "serve", "--host", "127.0.0.1", "--port", str(port)]
            proc = self._spawn(argv, f"server{i}.log", env=self.env, cwd=tmp)
            base = f"http://127.0.0.1:{port}"
            wait_for_http(proc, base + "/healthz", tmp / f"server{i}.log")
            self.base_urls.append(base)
        self.channel = self._discover_channel()
        return self.processes[0].pid, self.base_urls[0]

    def _create_pg_database(self) -> str:
        require_port(self.pg_url.replace("postgresql+asyncpg", "postgresql"), 5432, "PostgreSQL")
        if shutil.which("psql") is None:
            raise TargetUnavailable("psql is not installed (needed to create the benchmark database)")
        self.pg_db = f"fanout_{secrets.token_hex(4)}"
        admin = self.pg_url.replace("postgresql+asyncpg", "postgresql") + "/postgres"
        done = subprocess.run(
            ["psql", admin, "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {self.pg_db}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode:
            self.pg_db = None
            raise TargetUnavailable(f"cannot create a Postgres database: {tail(done.stderr)}")
        return f"{self.pg_url}/{self.pg_db}"

    def _discover_channel(self) -> str:
        status, body = http_json(self.base_urls[0] + "/api/v1/programme")
        with contextlib.suppress(KeyError, TypeError, IndexError):
            if status == 200:
                return f"session:{body['days'][0]['sessions'][0]['id']}"
        self.notes.append(f"GET /api/v1/programme answered {status}; using {CHANNEL}")
        return CHANNEL

    def prepare(self, n_clients: int) -> list[ConnectParams]:
        missing = n_clients - len(self.tokens)
        if missing > 0:
            started = time.monotonic()
            creds = prepare_users(self.database_url, missing, start=len(self.tokens), env=self.env)
            with ThreadPoolExecutor(8) as pool:
                self.tokens += pool.map(lambda c: login(self.base_urls[0], *c), creds)
            self.notes.append(f"prepared {missing} users in {time.monotonic() - started:.0f}s")
        return [
            ConnectParams(
                self.base_urls[i % len(self.base_urls)].replace("http://", "ws://") + "/ws",
                (("Authorization", f"Bearer {token}"),),
            )
            for i, token in enumerate(self.tokens[:n_clients])
        ]

    def hello_frames(self) -> list[str]:
        return [json.dumps({"type": "join", "channel": self.channel})]

    def control(self, payload: bytes) -> tuple[list[str], str | None]:
        try:
            frame = json.loads(payload)
        except ValueError:
            return [], "error:not_json"
        event = None
        for item in frame if isinstance(frame, list) else [frame]:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind == "joined" and item.get("channel") == self.channel:
                event = "joined"
            elif kind == "error":
                event = f"error:{item.get('code')}"
        return [], event

    def send_frame(self, body: str, client_id: str) -> str:
        return chat_send_frame(self.channel, body, client_id)

    def deliveries(self, payload: bytes) -> list:
        if b"chat.message" not in payload:
            return []
        frame = json.loads(payload)
        found = []
        for item in frame if isinstance(frame, list) else [frame]:
            if item.get("type") == "chat.message" and item.get("channel") == self.channel:
                match = BODY_STR_RE.match(item.get("body", ""))
                if match:
                    found.append(match.groups())
        return found

    def stop(self) -> None:
        super().stop()
        if self.pg_db is not None:
            admin = self.pg_url.replace("postgresql+asyncpg", "postgresql") + "/postgres"
            subprocess.run(
                ["psql", admin, "-c", f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)"],
                capture_output=True,
                timeout=30,
                check=False,
            )
            self.pg_db = None


def make_target(name: str, args: argparse.Namespace | None = None, cpu: int | None = SERVER_CPU) -> Target:
    if name == "limit":
        return LimitTarget(cpu)
    if name == "socketio":
        return SocketIOTarget(cpu)
    if name == "conference":
        return ConferenceTarget(cpu)
    if name == "conference-redis":
        return ConferenceTarget(cpu, processes=2, pg_url=args.pg_url, redis_url=args.redis_url)
    raise ValueError(f"unknown target {name}")


# --- Processes, ports, /proc ---------------------------------------------------------------------------


def spawn(argv: list[str], log_path: Path, *, cpu: int | None, env=None, cwd=None) -> subprocess.Popen:
    if cpu is not None and shutil.which("taskset"):
        argv = ["taskset", "-c", str(cpu), *argv]  # taskset execs: the pid is the server's
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd
        )


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def tail(text: str, lines: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:]) or "(no output)"


def log_tail(path: Path) -> str:
    try:
        return tail(path.read_text(errors="replace"))
    except OSError:
        return "(no log)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(proc: subprocess.Popen, port: int, log: Path, timeout: float = START_TIMEOUT_SECS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise TargetUnavailable(f"server exited with {proc.returncode}: {log_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise TargetUnavailable(f"port {port} not open after {timeout:.0f}s: {log_tail(log)}")


def wait_for_http(proc: subprocess.Popen, url: str, log: Path, timeout: float = START_TIMEOUT_SECS) -> None:
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise TargetUnavailable(f"server exited with {proc.returncode}: {log_tail(log)}")
        status, _ = http_json(url)
        if status == 200:
            return
        time.sleep(0.2)
    raise TargetUnavailable(f"{url} answered {status} for {timeout:.0f}s: {log_tail(log)}")


def require_port(url: str, default_port: int, what: str) -> None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        raise TargetUnavailable(f"no {what} answering at {host}:{port} ({exc})") from None


def http_json(url: str, payload: Any = None) -> tuple[int | None, Any]:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except OSError:
        return None, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw[:200].decode(errors="replace")


def process_tree(pids: list[int]) -> list[int]:
    """The pids and all their descendants (a server may fork workers)."""
    seen, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        seen.append(pid)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
    return seen


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in process_tree(pids):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / CLK_TCK


def machine_busy_seconds() -> float:
    """CPU time all cores spent busy (steal included) since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def kernel_send_queue(connections: set[tuple[int, int]]) -> int:
    """Bytes queued in the kernel's send buffers of the server-side sockets (local port, remote port)."""
    total = 0
    with contextlib.suppress(OSError), open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            local, remote = int(fields[1].split(":")[1], 16), int(fields[2].split(":")[1], 16)
            if (local, remote) in connections:
                total += int(fields[4].split(":")[0], 16)
    return total


def rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in process_tree(pids):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


# --- The load generator's websocket clients ------------------------------------------------------------


class Receiver:
    """One client's side of a run: counts deliveries per sender by sequence, samples latency."""

    def __init__(self, index: int, target: Target, loop: asyncio.AbstractEventLoop) -> None:
        self.index = index
        self.target = target
        self.deliveries = target.deliveries
        self.opened = loop.create_future()
        self.joined = loop.create_future()
        self.stalled = False
        self.local_port = 0
        self.server_port = 0
        self.closed = False
        self.close_code: int | None = None
        self.errors: Counter = Counter()
        self.reset(0, 0, array("q"))

    def reset(self, window: int, senders: int, lat: array) -> None:
        self.window = window
        self.last = [-1] * senders
        self.unique = self.dups = self.late = self.stray = 0
        self.last_ns = 0
        self.lat = lat

    def on_frame(self, payload: bytes, now: int) -> None:
        found = self.deliveries(payload)
        if not found:
            replies, event = self.target.control(payload)
            for reply in replies:
                self.send(reply)
            if event == "joined" and not self.joined.done():
                self.joined.set_result(None)
            elif event and event.startswith("error:"):
                self.errors[event[6:]] += 1
                if not self.joined.done():
                    self.joined.set_exception(ConnectionError(f"join refused: {event[6:]}"))
                    self.joined.exception()
            return
        last, window, lat = self.last, self.window, self.lat
        for w, s, q, t in found:
            s, q = int(s), int(q)
            if int(w) != window:
                self.late += 1
            elif s >= len(last):
                self.stray += 1
            else:
                if q > last[s]:
                    last[s] = q
                    self.unique += 1
                else:
                    self.dups += 1
                lat.append(now - int(t))
        self.last_ns = now

    def on_closed(self, code: int | None) -> None:
        if not self.closed:
            self.closed, self.close_code = True, code
        for future in (self.opened, self.joined):
            if not future.done():
                future.set_exception(ConnectionError(f"closed ({code})"))
                future.exception()  # nobody may await it any more; do not log it as unretrieved

    def send(self, text: str) -> None:
        raise NotImplementedError

    def pause(self) -> None:
        raise NotImplementedError

    def resume(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame: FIN set, masked as RFC 6455 requires of clients."""
    n = len(payload)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    mask = os.urandom(4)
    return header + mask + apply_mask(payload, mask)


class LeanClient(Receiver, asyncio.Protocol):
    """A websocket client as a bare asyncio protocol: one callback per read, frames parsed in place.

    It offers no extension (no permessage-deflate) to any server, handles ping/close and
    fragmentation, and nothing else; a read timestamp is taken once per `data_received`.
    """

    def connect(self, params: ConnectParams) -> None:
        self.params = params
        self.handshaken = False
        self.rest = b""
        self.fragments: list[bytes] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        url = urlsplit(self.params.url)
        self.key = base64.b64encode(os.urandom(16))
        lines = [
            f"GET {url.path or '/'}{'?' + url.query if url.query else ''} HTTP/1.1",
            f"Host: {url.netloc}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {self.key.decode()}",
            "Sec-WebSocket-Version: 13",
            *(f"{name}: {value}" for name, value in self.params.headers),
        ]
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        if not self.handshaken:
            data = self._handshake(data)
            if not data:
                return
        now = time.monotonic_ns()
        if self.rest:
            data = self.rest + data
        n, i = len(data), 0
        while n - i >= 2:
            b0, length = data[i], data[i + 1]
            if length & 0x80:
                self._fail("server sent a masked frame")
                return
            head = i + 2
            if length == 126:
                if n - i < 4:
                    break
                length, head = int.from_bytes(data[i + 2 : i + 4], "big"), i + 4
            elif length == 127:
                if n - i < 10:
                    break
                length, head = int.from_bytes(data[i + 2 : i + 10], "big"), i + 10
            end = head + length
            if end > n:
                break
            i = end
            opcode = b0 & 0x0F
            if opcode == 1 or opcode == 2:
                if b0 & 0x80:
                    self.on_frame(data[head:end], now)
                else:
                    self.fragments = [data[head:end]]
            elif opcode == 0:
                self.fragments.append(data[head:end])
                if b0 & 0x80:
                    self.on_frame(b"".join(self.fragments), now)
                    self.fragments = []
            elif opcode == 9:
                self.transport.write(encode_frame(10, data[head:end]))
            elif opcode == 8:
                code = int.from_bytes(data[head : head + 2], "big") if length >= 2 else 1005
                self.transport.write(encode_frame(8, data[head : head + 2]))
                self.transport.close()
                self.on_closed(code)
                return
        self.rest = data[i:] if i < n else b""

    def _handshake(self, data: bytes) -> bytes:
        self.rest += data
        end = self.rest.find(b"\r\n\r\n")
        if end < 0:
            if len(self.rest) > 65536:
                self._fail("handshake response too long")
            return b""
        head, data, self.rest = self.rest[:end].decode("latin-1"), self.rest[end + 4 :], b""
        status_line, *header_lines = head.split("\r\n")
        if status_line.split(" ", 2)[1:2] != ["101"]:
            self._fail(f"handshake refused: {status_line}")
            return b""
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
        expected = base64.b64encode(hashlib.sha1(self.key + WS_GUID).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            self._fail("handshake: bad Sec-WebSocket-Accept")
            return b""
        self.handshaken = True
        self.opened.set_result(None)
        for frame in self.target.hello_frames():
            self.send(frame)
        return data

    def _fail(self, reason: str) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(reason))
            self.opened.exception()
        self.on_closed(None)
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.on_closed(None)

    def send(self, text: str) -> None:
        if not self.closed and self.transport is not None:
            self.transport.write(encode_frame(1, text.encode()))

    def pause(self) -> None:
        self.stalled = True
        self.transport.pause_reading()

    def resume(self) -> None:
        self.transport.resume_reading()

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            with contextlib.suppress(RuntimeError):
                if not self.closed:
                    self.transport.write(encode_frame(8, (1000).to_bytes(2, "big")))
            self.transport.close()


async def open_lean(client: LeanClient, params: ConnectParams, rcvbuf: int = 0) -> None:
    client.connect(params)
    sock = await tcp_socket(params.url, rcvbuf)
    client.local_port = sock.getsockname()[1]
    await asyncio.get_running_loop().create_connection(lambda: client, sock=sock)
    await client.opened


async def tcp_socket(url: str, rcvbuf: int = 0) -> socket.socket:
    """A connected TCP socket; `rcvbuf` caps its kernel receive buffer (set before connecting, so
    the window is small from the start)."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if rcvbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (parts.hostname, parts.port or 80))
    except BaseException:
        sock.close()
        raise
    return sock


class LibClient(Receiver):
    """The same receiver on top of the `websockets` library's asyncio client, for comparison."""

    async def open(self, params: ConnectParams, rcvbuf: int = 0) -> None:
        from websockets.asyncio.client import connect

        sock = await tcp_socket(params.url, rcvbuf)
        self.local_port = sock.getsockname()[1]
        self.ws = await connect(
            params.url,
            sock=sock,
            additional_headers=list(params.headers),
            compression=None,
            ping_interval=None,
            max_size=None,
            max_queue=None,
            proxy=None,
            open_timeout=JOIN_TIMEOUT_SECS,
        )
        self.opened.set_result(None)
        self.reader = asyncio.create_task(self._read())
        for frame in self.target.hello_frames():
            self.send(frame)

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            while True:
                payload = await self.ws.recv(decode=False)
                self.on_frame(payload, time.monotonic_ns())
        except ConnectionClosed as exc:
            self.on_closed(exc.rcvd.code if exc.rcvd else None)

    def send(self, text: str) -> None:
        from websockets.asyncio.server import broadcast

        if not self.closed:
            broadcast([self.ws], text)  # the library's synchronous write path

    def pause(self) -> None:
        self.stalled = True
        self.reader.cancel()
        self.ws.transport.pause_reading()

    def resume(self) -> None:
        self.ws.transport.resume_reading()
        self.reader = asyncio.create_task(self._read())

    def close(self) -> None:
        self.reader.cancel()
        self.ws.transport.close()


# --- A load session: N clients joined to one room, then measured windows of traffic ---------------------


@dataclass
class Session:
    target: Target
    engine: str = "lean"
    pad: int = 64
    drain_secs: float = 5.0
    clients: list[Receiver] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    window_id: int = 0
    nonce: str = field(default_factory=lambda: secrets.token_hex(3))

    async def connect(self, params: list[ConnectParams], small_rcvbuf_last: int = 0, rcvbuf: int = 0) -> dict:
        """Connect and join every client; the last `small_rcvbuf_last` get a `rcvbuf`-byte receive buffer."""
        pids = self.target.pids
        rss_before = rss_kib(pids)
        loop = asyncio.get_running_loop()
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)
        started = time.monotonic()

        async def one(i: int, p: ConnectParams) -> Receiver | None:
            buf = rcvbuf if i >= len(params) - small_rcvbuf_last else 0
            async with limit:
                client = (LeanClient if self.engine == "lean" else LibClient)(i, self.target, loop)
                client.server_port = urlsplit(p.url).port or 80
                try:
                    async with asyncio.timeout(JOIN_TIMEOUT_SECS):
                        if self.engine == "lean":
                            await open_lean(client, p, buf)
                        else:
                            await client.open(p, buf)
                        await client.joined
                except (OSError, TimeoutError, ConnectionError) as exc:
                    self.failures[f"{type(exc).__name__}: {exc}"[:160]] += 1
                    with contextlib.suppress(Exception):
                        client.close()
                    return None
                return client

        joined = await asyncio.gather(*(one(i, p) for i, p in enumerate(params)))
        self.clients = [c for c in joined if c is not None]
        connect_secs = time.monotonic() - started
        await asyncio.sleep(1.0)  # let the server settle before reading its memory
        rss_after = rss_kib(pids)
        n = len(self.clients)
        return {
            "requested": len(params),
            "established": n,
            "connect_secs": round(connect_secs, 2),
            "connect_failures": dict(self.failures.most_common(3)),
            "rss_before_kib": rss_before,
            "rss_after_kib": rss_after,
            "rss_kib_per_conn": round((rss_after - rss_before) / n, 1) if n else None,
        }

    async def window(self, *, rate: float, seconds: float, senders: int, stalled: int = 0) -> dict:
        """Send rate*seconds messages from the first `senders` clients; every client receives them all."""
        self.window_id += 1
        w, clients, pids = self.window_id, self.clients, self.target.pids
        senders = min(senders, len(clients))
        lat, stalled_lat = array("q"), array("q")
        stalled_clients = clients[len(clients) - stalled :] if stalled else []
        for client in stalled_clients:
            if not client.stalled:
                client.pause()
        for client in clients:
            client.reset(w, senders, stalled_lat if client.stalled else lat)
        receivers = [c for c in clients if not c.stalled and not c.closed]
        open_at_start = {id(c) for c in receivers}
        errors_before = sum((c.errors for c in clients), Counter())
        padding = "x" * self.pad
        seqs = [0] * senders
        skipped, worst_lag = 0, 0.0
        total = max(1, round(rate * seconds))

        busy0 = machine_busy_seconds()
        cpu0, gen0, t0 = cpu_seconds(pids), time.process_time(), time.monotonic()
        t0_ns = time.monotonic_ns()
        for k in range(total):
            delay = t0 + k / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                worst_lag = max(worst_lag, -delay)
                if k % 8 == 0:
                    await asyncio.sleep(0)  # let receivers run even when sending is behind
            s = k % senders
            if clients[s].closed:
                skipped += 1
                continue
            q = seqs[s]
            seqs[s] = q + 1
            body = f"{w}:{s}:{q}:{time.monotonic_ns()}:{padding}"
            clients[s].send(self.target.send_frame(body, f"{self.nonce}-{w}-{s}-{q}"))
        sent = sum(seqs)
        expected = sent * len(receivers)
        await drain(lambda: sum(c.unique for c in receivers), expected, self.drain_secs)
        cpu1, gen1, t1 = cpu_seconds(pids), time.process_time(), time.monotonic()
        busy1 = machine_busy_seconds()

        received = sum(c.unique for c in receivers)
        last_ns = max((c.last_ns for c in receivers), default=t0_ns)
        span = max((last_ns - t0_ns) / 1e9, 1e-9)
        errors = sum((c.errors for c in clients), Counter()) - errors_before
        result = {
            "window": w,
            "rate": rate,
            "seconds": seconds,
            "senders": senders,
            "receivers": len(receivers),
            "sent": sent,
            "skipped_sends": skipped,
            "send_lag_max_ms": round(worst_lag * 1000, 1),
            "expected": expected,
            "received": received,
            "lost": expected - received,
            "duplicates": sum(c.dups for c in receivers),
            "late_or_stray": sum(c.late + c.stray for c in receivers),
            "closed_during": sum(1 for c in receivers if c.closed and id(c) in open_at_start),
            "deliveries_per_s": round(received / span),
            **latency_summary(lat),
            "server_cpu_pct": round(100 * (cpu1 - cpu0) / (t1 - t0), 1),
            "server_cpu_us_per_delivery": round(1e6 * (cpu1 - cpu0) / received, 2) if received else None,
            "generator_cpu_pct": round(100 * (gen1 - gen0) / (t1 - t0), 1),
            "generator_cpu_us_per_delivery": round(1e6 * (gen1 - gen0) / received, 2) if received else None,
            # everything else the machine ran meanwhile, in % of one core: the noise in these figures
            "other_load_pct": round(
                100 * max(0.0, (busy1 - busy0) - (cpu1 - cpu0) - (gen1 - gen0)) / (t1 - t0), 1
            ),
            "errors": dict(errors),
        }
        result["generator_bound"] = result["generator_cpu_pct"] >= GENERATOR_BOUND_PCT
        if stalled_clients:
            result["stalled"] = await self._stalled_report(stalled_clients, sent)
        return result

    async def _stalled_report(self, stalled: list[Receiver], sent: int) -> dict:
        rss = rss_kib(self.target.pids)
        queued = kernel_send_queue({(c.server_port, c.local_port) for c in stalled})
        for client in stalled:
            if not client.closed:
                client.resume()
        await poll(lambda: all(c.closed or c.unique >= sent for c in stalled), max(self.drain_secs, 5.0))
        return {
            "count": len(stalled),
            "server_rss_kib_while_stalled": rss,
            # what the server's kernel still held for them: bytes the server process no longer keeps
            "server_kernel_send_queue_kib": queued // 1024,
            "disconnected": sum(c.closed for c in stalled),
            "close_codes": [c.close_code for c in stalled if c.closed],
            "received_of_sent": [f"{c.unique}/{sent}" for c in stalled],
        }

    async def close(self) -> None:
        for client in self.clients:
            with contextlib.suppress(Exception):
                client.close()
        self.clients = []
        await asyncio.sleep(0.5)


async def poll(done, within: float, interval: float = 0.02) -> bool:
    """Check `done()` every `interval` seconds for at most `within` seconds."""
    deadline = time.monotonic() + within
    for _ in range(int(within / interval) + 1):
        if done():
            return True
        if time.monotonic() >= deadline:
            break
        await asyncio.sleep(interval)
    return done()


async def drain(count, expected: int, quiet_secs: float, cap_secs: float = DRAIN_CAP_SECS) -> None:
    """Wait until `count()` reaches `expected`, or stops growing for `quiet_secs`, or `cap_secs` pass:
    a slow server still delivering is waited for, so what is counted lost never arrived."""
    started = last_change = time.monotonic()
    seen = count()
    for _ in range(int(cap_secs / 0.05) + 1):
        now = time.monotonic()
        if seen >= expected or now - last_change >= quiet_secs or now - started >= cap_secs:
            return
        await asyncio.sleep(0.05)
        if (current := count()) != seen:
            seen, last_change = current, time.monotonic()


def latency_summary(lat_ns: array) -> dict:
    if not lat_ns:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(lat_ns)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6, 2)

    return {"p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": round(ordered[-1] / 1e6, 2)}


def senders_for(rate: float, minimum: int) -> int:
    return max(minimum, int(-(-rate // MAX_SENDER_RATE)))


# --- Scenarios -------------------------------------------------------------------------------------------


async def open_session(
    target: Target, n: int, args: argparse.Namespace, stalled: int = 0, pad: int | None = None
) -> tuple[Session, dict]:
    """N clients joined to the room of a server process that has served no earlier session."""
    if target.sessions_run:
        await asyncio.to_thread(target.restart)
    target.sessions_run += 1
    params = await asyncio.to_thread(target.prepare, n)
    session = Session(target, engine=args.engine, pad=args.pad if pad is None else pad, drain_secs=args.drain)
    connected = await session.connect(params, small_rcvbuf_last=stalled, rcvbuf=args.stalled_rcvbuf)
    if not session.clients:
        raise TargetUnavailable(f"no client could join: {connected['connect_failures']}")
    return session, connected


async def scenario_idle(target: Target, args: argparse.Namespace, n: int) -> dict:
    session, row = await open_session(target, n, args)
    try:
        cpu0, t0 = cpu_seconds(target.pids), time.monotonic()
        await asyncio.sleep(args.idle_seconds)
        row["idle_server_cpu_pct"] = round(
            100 * (cpu_seconds(target.pids) - cpu0) / (time.monotonic() - t0), 1
        )
        row["rss_after_idle_kib"] = rss_kib(target.pids)
    finally:
        await session.close()
    return row


async def scenario_steady(target: Target, args: argparse.Namespace, n: int) -> dict:
    session, row = await open_session(target, n, args)
    try:
        row.update(await session.window(rate=args.rate, seconds=args.seconds, senders=args.senders))
    finally:
        await session.close()
    return row


async def scenario_saturation(target: Target, args: argparse.Namespace, n: int) -> dict:
    session, row = await open_session(target, n, args)
    steps, best = [], None
    try:
        for rate in args.sat_rates:
            step = await session.window(
                rate=rate, seconds=args.sat_seconds, senders=senders_for(rate, args.senders)
            )
            step["holds"] = (
                step["lost"] == 0 and step["p99_ms"] is not None and step["p99_ms"] <= args.max_p99_ms
            )
            steps.append(step)
            print_progress(target.name, "saturation", n, step)
            if not step["holds"]:
                break
            best = step
            await asyncio.sleep(1.0)
    finally:
        await session.close()
    busiest = max(steps, key=lambda step: step["received"], default=None)
    return {
        **row,
        # what one core would deliver at the CPU cost measured in the busiest step: an estimate that
        # other load on the machine does not skew, unlike the latency criterion
        "cpu_ceiling_deliveries_per_s": round(1e6 / busiest["server_cpu_us_per_delivery"])
        if busiest and busiest["server_cpu_us_per_delivery"]
        else None,
        "max_rate": best["rate"] if best else None,
        "max_rate_deliveries_per_s": best["deliveries_per_s"] if best else None,
        # the last step held too: the server's ceiling is above the highest step tried
        "ceiling_not_reached": bool(steps) and steps[-1]["holds"],
        "generator_bound": any(s["generator_bound"] for s in steps),
        "steps": steps,
    }


async def scenario_slow(target: Target, args: argparse.Namespace, n: int) -> dict:
    senders = senders_for(args.slow_rate, args.senders)
    stalled = min(args.stalled, max(0, n - senders))
    session, row = await open_session(target, n, args, stalled=stalled, pad=args.slow_pad)
    try:
        row.update(
            await session.window(
                rate=args.slow_rate, seconds=args.slow_seconds, senders=senders, stalled=stalled
            )
        )
    finally:
        await session.close()
    return row


# name -> (function, the client counts it runs at); idle first, as its memory figure wants a fresh process
SCENARIOS = {
    "idle": (scenario_idle, lambda args: [args.idle_clients]),
    "steady": (scenario_steady, lambda args: args.clients),
    "slow": (scenario_slow, lambda args: [args.slow_clients]),
    "saturation": (scenario_saturation, lambda args: args.sat_clients),
}


async def run_all(args: argparse.Namespace) -> tuple[list[dict], dict[str, str], dict[str, list[str]]]:
    """Start every target, then run each case on each target in turn, so that noise from other
    work on the machine falls on all of them alike; `--repeat` runs each case that many times."""
    targets, unavailable, rows = [], {}, []
    try:
        for name in args.targets:
            target = make_target(name, args, cpu=None if args.no_pin else SERVER_CPU)
            targets.append(target)
            try:
                pid, url = await asyncio.to_thread(target.start)
            except TargetUnavailable as exc:
                unavailable[name] = str(exc)
                print(f"target {name} unavailable: {exc}", file=sys.stderr, flush=True)
                await asyncio.to_thread(target.stop)
            else:
                print(f"[{name}] started pid {pid} at {url}", file=sys.stderr, flush=True)
        for scenario, (run, client_counts) in SCENARIOS.items():
            if scenario not in args.scenarios:
                continue
            for n in client_counts(args):
                for repeat in range(args.repeat):
                    for target in targets:
                        if target.name in unavailable:
                            continue
                        try:
                            row = await run(target, args, n)
                        except TargetUnavailable as exc:
                            unavailable[target.name] = str(exc)
                            print(f"target {target.name} unavailable: {exc}", file=sys.stderr, flush=True)
                            await asyncio.to_thread(target.stop)  # idle, it would still hold core 0
                            continue
                        row = {
                            "target": target.name,
                            "scenario": scenario,
                            "clients": n,
                            "repeat": repeat,
                            **row,
                        }
                        rows.append(row)
                        if scenario != "saturation":
                            print_progress(target.name, scenario, n, row)
    finally:
        for target in targets:
            await asyncio.to_thread(target.stop)
    return rows, unavailable, {t.name: t.notes for t in targets}


def print_progress(target: str, scenario: str, n: int, row: dict) -> None:
    if scenario == "idle":
        print(
            f"[{target}] idle N={n}: {row['established']} joined, {row['rss_kib_per_conn']} KiB/conn",
            file=sys.stderr,
            flush=True,
        )
        return
    print(
        f"[{target}] {scenario} N={n} rate={row.get('rate')}: "
        f"lost {row.get('lost')}/{row.get('expected')}, p99 {row.get('p99_ms')} ms, "
        f"server {row.get('server_cpu_pct')}% cpu, generator {row.get('generator_cpu_pct')}%, "
        f"other load {row.get('other_load_pct')}",
        file=sys.stderr,
        flush=True,
    )


# --- Report ---------------------------------------------------------------------------------------------


def fmt(value: Any, spec: str = "") -> str:
    if value is None:
        return "-"
    return format(value, spec)


def ratio(value: Any, base: Any) -> str:
    if value is None or not base:
        return "-"
    return f"{value / base:.2f}"


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    out = [line, "-" * len(line)]
    for r in rows:
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join(out)


SUMMED = {
    "sent",
    "expected",
    "received",
    "lost",
    "duplicates",
    "late_or_stray",
    "closed_during",
    "skipped_sends",
}


def merge_repeats(rows: list[dict]) -> list[dict]:
    """One row per (target, scenario, N): medians of the figures, sums of the counts, over repeats."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["target"], row["scenario"], row["clients"]), []).append(row)
    merged = []
    for group in groups.values():
        out = {k: v for k, v in group[0].items() if k != "repeat"}
        out["repeats"] = len(group)
        for key, value in group[0].items():
            values = [
                g[key] for g in group if isinstance(g.get(key), int | float) and not isinstance(g[key], bool)
            ]
            if isinstance(value, bool):
                out[key] = (all if key == "ceiling_not_reached" else any)(g.get(key) for g in group)
            elif key in SUMMED:
                out[key] = sum(values)
            elif values and key != "clients" and (value is None or isinstance(value, int | float)):
                median = statistics.median(values)
                out[key] = int(median) if median == int(median) else round(median, 2)
        if out["scenario"] == "saturation":
            out["max_rates"] = [g["max_rate"] for g in group]
        if "stalled" in out:
            out["stalled"] = {
                **out["stalled"],
                "cut_of_all_runs": sum(g["stalled"]["disconnected"] for g in group),
            }
            out["stalled"]["all_runs"] = sum(g["stalled"]["count"] for g in group)
            out["stalled"]["close_codes"] = sorted(
                {c for g in group for c in g["stalled"]["close_codes"]}, key=str
            )
        merged.append(out)
    return merged


SATURATION_HEADERS = ["target", "N", "max msg/s", "deliv/s", "×limit", "cpu ceiling deliv/s", "×limit"]
SATURATION_HEADERS += ["gen-bound", "steps"]


def report(results: list[dict], unavailable: dict[str, str], args: argparse.Namespace) -> str:
    results = merge_repeats(results)

    def limit_row(row: dict) -> dict:
        for other in results:
            if other["target"] == "limit" and (other["scenario"], other["clients"]) == (
                row["scenario"],
                row["clients"],
            ):
                return other
        return {}

    parts = []
    steady = [r for r in results if r["scenario"] == "steady"]
    if steady:
        rows = []
        for r in steady:
            base = limit_row(r)
            rows.append(
                [
                    r["target"],
                    str(r["clients"]),
                    str(r["established"]),
                    fmt(r.get("deliveries_per_s")),
                    f"{r.get('lost', '-')}/{r.get('expected', '-')}"
                    + (f" ({r['closed_during']} cut)" if r.get("closed_during") else ""),
                    fmt(r.get("p50_ms")),
                    fmt(r.get("p99_ms")),
                    fmt(r.get("server_cpu_us_per_delivery")),
                    ratio(r.get("server_cpu_us_per_delivery"), base.get("server_cpu_us_per_delivery")),
                    fmt(r.get("rss_kib_per_conn")),
                    ratio(r.get("rss_kib_per_conn"), base.get("rss_kib_per_conn")),
                    fmt(r.get("generator_cpu_pct")),
                    fmt(r.get("other_load_pct")),
                ]
            )
        headers = ["target", "N", "conn", "deliv/s", "lost/expected", "p50 ms", "p99 ms"]
        headers += ["µs cpu/deliv", "×limit", "KiB/conn", "×limit", "gen cpu%", "other%"]
        parts.append(
            f"Steady: {args.senders} senders, {args.rate:g} msg/s, {args.seconds:g} s"
            + (f"; medians of {args.repeat} runs, losses summed" if args.repeat > 1 else "")
            + ". other%: the rest of the machine's load, in % of a core"
        )
        parts.append(render_table(headers, rows))

    saturation = [r for r in results if r["scenario"] == "saturation"]
    if saturation:
        rows = []
        for r in saturation:
            base = limit_row(r)
            best = fmt(r["max_rate"], "g") + ("+" if r["ceiling_not_reached"] else "")
            tried = " ".join(
                f"{s['rate']:g}:{'ok' if s['holds'] else 'FAIL'}({s['p99_ms']}ms,{s['lost']}lost)"
                for s in r["steps"]
            )
            if r["repeats"] > 1:
                tried = "max per run: " + ", ".join(fmt(m, "g") for m in r["max_rates"])
            rows.append(
                [
                    r["target"],
                    str(r["clients"]),
                    best,
                    fmt(r["max_rate_deliveries_per_s"]),
                    ratio(r["max_rate"], base.get("max_rate")),
                    fmt(r.get("cpu_ceiling_deliveries_per_s")),
                    ratio(r.get("cpu_ceiling_deliveries_per_s"), base.get("cpu_ceiling_deliveries_per_s")),
                    "yes" if r["generator_bound"] else "no",
                    tried,
                ]
            )
        parts.append(
            f"Saturation: highest msg/s with p99 <= {args.max_p99_ms:g} ms and no loss "
            f"({args.sat_seconds:g} s steps; + = ceiling above the last step)"
        )
        parts.append(render_table(SATURATION_HEADERS, rows))

    slow = [r for r in results if r["scenario"] == "slow"]
    if slow:
        rows = []
        for r in slow:
            st = r.get("stalled", {})
            codes = st.get("close_codes") or ""
            cut = f"{st.get('cut_of_all_runs', 0)}/{st.get('all_runs', 0)} {codes}".strip()
            rows.append(
                [
                    r["target"],
                    str(r["established"]),
                    str(st.get("count", 0)),
                    f"{r['lost']}/{r['expected']}",
                    fmt(r["p99_ms"]),
                    cut,
                    fmt(st.get("server_rss_kib_while_stalled", 0) - r["rss_after_kib"]),
                    fmt(st.get("server_kernel_send_queue_kib")),
                    " ".join(st.get("received_of_sent", [])),
                ]
            )
        parts.append(
            f"Slow consumers: {args.stalled} clients stop reading (SO_RCVBUF {args.stalled_rcvbuf}); "
            f"{args.slow_rate:g} msg/s of {args.slow_pad}-character bodies for {args.slow_seconds:g} s. "
            "RSS +KiB: server growth while stalled; Send-Q: its kernel buffers for the stalled"
        )
        headers = [
            "target",
            "N",
            "stalled",
            "others lost",
            "others p99",
            "stalled cut",
            "RSS +KiB",
            "Send-Q KiB",
            "stalled got",
        ]
        parts.append(render_table(headers, rows))

    idle = [r for r in results if r["scenario"] == "idle"]
    if idle:
        rows = [
            [
                r["target"],
                str(r["established"]),
                fmt(r["rss_kib_per_conn"]),
                ratio(r["rss_kib_per_conn"], limit_row(r).get("rss_kib_per_conn")),
                fmt(r.get("idle_server_cpu_pct")),
                fmt(r["connect_secs"]),
            ]
            for r in idle
        ]
        parts.append("Idle memory: server RSS growth per joined, idle connection")
        parts.append(render_table(["target", "N", "KiB/conn", "×limit", "idle cpu%", "connect s"], rows))

    failures = [
        (r["target"], r["scenario"], r["connect_failures"]) for r in results if r.get("connect_failures")
    ]
    for target, scenario, reasons in failures:
        parts.append(f"{target} {scenario}: connection failures {reasons}")
    for name, reason in unavailable.items():
        parts.append(f"target {name} unavailable: {reason}")
    return "\n\n".join(parts)


# --- Command line -----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--targets", nargs="+", default=["limit", "socketio", "conference"])
    add("--scenarios", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    add("--clients", nargs="+", type=int, default=[500, 1000, 2000], help="steady: client counts")
    add("--senders", type=int, default=10, help=f"senders (at most {MAX_SENDER_RATE:g} msg/s each)")
    add("--rate", type=float, default=20, help="steady: total messages per second")
    add("--seconds", type=float, default=10, help="steady: seconds of sending")
    add("--sat-clients", nargs="+", type=int, default=[1000, 2000])
    add("--sat-rates", nargs="+", type=float, default=[20, 40, 80, 160, 320, 640])
    add("--sat-seconds", type=float, default=5)
    add("--max-p99-ms", type=float, default=250)
    add("--slow-clients", type=int, default=200)
    add("--stalled", type=int, default=4)
    add("--slow-rate", type=float, default=100)
    add("--slow-seconds", type=float, default=20)
    add("--slow-pad", type=int, default=1900, help="slow: body padding (SPEC allows 2,000 characters)")
    add(
        "--stalled-rcvbuf",
        type=int,
        default=16384,
        help="SO_RCVBUF of stalled clients, so a stall reaches the server within seconds (0: kernel default)",
    )
    add("--idle-clients", type=int, default=1000)
    add("--idle-seconds", type=float, default=5)
    add("--repeat", type=int, default=1, help="run each case this many times; tables show medians")
    add(
        "--drain",
        type=float,
        default=10,
        help="stop waiting for deliveries after this many seconds without one",
    )
    add("--pad", type=int, default=64, help="characters of padding in each chat body")
    add("--engine", choices=["lean", "websockets"], default="lean", help="the generator's websocket client")
    add("--loop", choices=["uvloop", "asyncio"], default="uvloop")
    add("--no-pin", action="store_true", help="do not pin servers to core 0 and the generator to core 1")
    add("--redis", action="store_true", help="also run conference-redis: two processes, Postgres, Redis")
    add(
        "--pg-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432",
        help="conference-redis: server, no db",
    )
    add("--redis-url", default="redis://127.0.0.1:6379/0")
    add("--quick", action="store_true", help="a ~1-minute smoke run")
    add("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args(argv)
    if args.quick:
        args.clients, args.seconds = [200], 3
        args.sat_clients, args.sat_rates, args.sat_seconds = [500], [20, 80, 320], 2
        args.slow_clients, args.stalled, args.slow_seconds = 100, 2, 4
        args.idle_clients, args.idle_seconds = 200, 1
    if args.redis and "conference-redis" not in args.targets:
        args.targets.append("conference-redis")
    return args


def raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard == resource.RLIM_INFINITY else max(soft, min(hard, needed))
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < needed:
        print(f"warning: open-file limit below {needed}; raise the hard limit", file=sys.stderr)


def pin_generator(args: argparse.Namespace) -> str:
    if args.no_pin:
        return "not pinned"
    if len(os.sched_getaffinity(0)) < 2 or GENERATOR_CPU not in os.sched_getaffinity(0):
        args.no_pin = True
        return "not pinned (fewer than 2 usable cores)"
    os.sched_setaffinity(0, {GENERATOR_CPU})
    return f"servers on core {SERVER_CPU}, generator on core {GENERATOR_CPU}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    most = max([*args.clients, *args.sat_clients, args.slow_clients, args.idle_clients])
    raise_fd_limit(2 * most + 1024)
    pinning = pin_generator(args)
    started = datetime.datetime.now(datetime.UTC)
    runner = asyncio.run
    if args.loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            args.loop = "asyncio"
        else:
            runner = uvloop.run
    results, unavailable, notes = runner(run_all(args))
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "versions": package_versions(),
        "pinning": pinning,
        "engine": args.engine,
        "loop": args.loop,
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "notes": notes,
    }
    print(
        f"Fan-out benchmark, {meta['started']}, {meta['cpu_model']}, {pinning}, "
        f"generator {args.engine}/{args.loop}"
    )
    print(report(results, unavailable, args))
    if args.json:
        args.json.write_text(
            json.dumps({"meta": meta, "results": results, "unavailable": unavailable}, indent=1)
        )
    return 0


def cpu_model() -> str:
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown cpu"


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("websockets", "uvicorn", "python-socketio", "python-engineio", "starlette", "uvloop"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


if __name__ == "__main__":
    sys.exit(main())
