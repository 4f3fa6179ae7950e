"""HTTP throughput and latency of the programme API and page, against a bare-Starlette peer.

Usage: python benchmarks/http.py [--seconds 10] [--clients 50] [--paths /api/v1/programme /programme]

Starts the real app (one uvicorn worker, SQLite, the real schedule.yaml) pinned to core 0 and a peer
on the same core: a bare Starlette app answering the same paths with the same bytes, precomputed (what
the framework costs with no database and no rendering). The load generator runs on core 1: `--clients`
keep-alive connections, each sending its next request when the last answer arrived, for `--seconds`
after a short warm-up, to 127.0.0.1 only. Prints requests/s and p50/p99 latency, and the ratio to the peer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS_PER_CLIENT = 200_000  # a hard bound on every load loop, whatever the duration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pin(pid: int, core: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        if os.cpu_count() and os.cpu_count() > core:
            os.sched_setaffinity(pid, {core})


async def fetch(port: int, path: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = await reader.read()
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


async def wait_ready(port: int, within_secs: float = 30) -> None:
    deadline = time.monotonic() + within_secs
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, IndexError, ValueError):
            status, _ = await fetch(port, "/healthz")
            if status in (200, 404):
                return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


async def client_loop(
    port: int, path: str, stop_at: float, measure_from: float, latencies: list[float]
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n".encode()
    errors = 0
    try:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            started = time.perf_counter()
            if started >= stop_at:
                break
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if not head.startswith(b"HTTP/1.1 200"):
                errors += 1
            if started >= measure_from:
                latencies.append(time.perf_counter() - started)
    finally:
        writer.close()
    return errors


async def load(port: int, path: str, clients: int, seconds: float, warmup: float) -> dict:
    latencies: list[float] = []
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    errors = await asyncio.gather(
        *(client_loop(port, path, stop_at, measure_from, latencies) for _ in range(clients))
    )
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "rps": n / seconds,
        "p50_ms": statistics.median(latencies) * 1000 if n else float("nan"),
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan"),
        "errors": sum(errors),
    }


PEER_APP = """
import json, os
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
bodies = json.load(open(os.environ["PEER_BODIES"]))
def make(path, body, media):
    data = body.encode("latin-1")
    async def endpoint(request):
        return Response(data, media_type=media)
    return Route(path, endpoint)
async def healthz(request):
    return Response(b"{}", media_type="application/json")
app = Starlette(routes=[Route("/healthz", healthz)] + [make(p, b, m) for p, (b, m) in bodies.items()])
"""


def start(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    pin(process.pid, 0)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--paths", nargs="+", default=["/api/v1/programme", "/programme"])
    args = parser.parse_args()
    pin(os.getpid(), 1)

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "CONFERENCE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db",
            "CONFERENCE_SECRET_KEY": "benchmark",
            "CONFERENCE_SCHEDULE": str(ROOT / "schedule.yaml"),
            "PYTHONPATH": str(ROOT),
        }
        await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "conference", "import-schedule", str(ROOT / "schedule.yaml")],
            env=env,
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        uvicorn = [
            sys.executable,
            "-m",
            "uvicorn",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        app = start([*uvicorn, "--factory", "conference.app:served_app"], env, Path(tmp))
        results = {}
        try:
            await wait_ready(port)
            bodies = {}
            for path in args.paths:
                status, body = await fetch(port, path)
                bodies[path] = (
                    body.decode("latin-1"),
                    "application/json" if "/api/" in path else "text/html",
                )
                if status != 200:
                    print(f"warning: {path} answers {status}")
                results[("conference", path)] = await load(
                    port, path, args.clients, args.seconds, args.warmup
                )
        finally:
            stop(app)

        peer_file = Path(tmp) / "peer.py"
        peer_file.write_text(PEER_APP)
        (Path(tmp) / "bodies.json").write_text(json.dumps(bodies))
        peer_port = free_port()
        peer_cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "--host",
            "127.0.0.1",
            "--port",
            str(peer_port),
            "--log-level",
            "warning",
        ]
        peer_env = {**env, "PYTHONPATH": tmp, "PEER_BODIES": str(Path(tmp) / "bodies.json")}
        peer = start([*peer_cmd, "peer:app"], peer_env, Path(tmp))
        try:
            await wait_ready(peer_port)
            for path in args.paths:
                results[("bare starlette", path)] = await load(
                    peer_port, path, args.clients, args.seconds, args.warmup
                )
        finally:
            stop(peer)

    print(f"\n{args.clients} keep-alive clients, {args.seconds:.0f} s a row, server on core 0, one worker")
    print(
        f"{'server':<16} {'path':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs peer':>8}"
    )
    for (server, path), r in results.items():
        peer_rps = results.get(("bare starlette", path), {}).get("rps")
        ratio = f"{r['rps'] / peer_rps:.2f}x" if peer_rps else ""
        print(
            f"{server:<16} {path:<22} {r['rps']:>9.0f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
            f"{r['errors']:>7} {ratio:>8}"
        )


if __name__ == "__main__":
    asyncio.run(main())
