"""`python -m conference serve` as a subprocess, and signed-in accounts made straight in its database."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from conference import accounts
from conference.db.base import Database
from conference.security import Signer

ROOT = Path(__file__).resolve().parent.parent
SECRET = "test-secret-key"
START_TIMEOUT_SECS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Person:
    id: int
    name: str
    token: str


async def make_people(database_url: str, *names: str) -> list[Person]:
    """Accounts with a bearer token each, made directly in the database (no HTTP sign-in needed)."""
    db = Database(database_url)
    signer = Signer(SECRET)
    people = []
    try:
        for name in names:
            async with db.session() as session:
                email = f"{name.lower()}-{os.urandom(4).hex()}@example.org"
                user = await accounts.create_user(
                    session, email, "long password", {"name": name}, hash_cost=10
                )
                login = await accounts.start_login(session, user)
            people.append(Person(user.id, name, signer.bearer_token(login.id)))
    finally:
        await db.close()
    return people


class ServerProcess:
    """One `conference serve` process on a free port, logging to a file in `directory`."""

    def __init__(self, directory: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        self.log = directory / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            "CONFERENCE_SECRET_KEY": SECRET,
            "CONFERENCE_SCHEDULE": str(ROOT / "schedule.yaml"),
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.process: subprocess.Popen | None = None

    async def start(self) -> ServerProcess:
        """Starts the process and waits until /healthz answers 200."""
        self.launch()
        return await self.ready()

    def launch(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "conference", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def ready(self) -> ServerProcess:
        assert self.process is not None
        async with httpx.AsyncClient() as http, asyncio.timeout(START_TIMEOUT_SECS):
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"server exited with {self.process.returncode}:\n{self.log.read_text()}"
                    )
                try:
                    if (await http.get(self.url + "/healthz")).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
