"""Browser-test fixtures: the real app served by uvicorn on a free loopback port, and Debian's Chromium."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import pytest
import uvicorn

from conference import accounts
from conference.app import create_app
from conference.db.migrate import upgrade
from conference.settings import Settings
from tests.conftest import ROOT, make_settings, service_missing

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_SECS = 20
# Playwright's 5 s default is short for a 2-core machine running servers, browsers and the suite at once.
EXPECT_TIMEOUT_MS = 15_000
ARTIFACTS = ROOT / "test-artifacts"

T = TypeVar("T")

try:
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
except ImportError:  # the browser fixtures skip with their own reason
    pass


class _Server(uvicorn.Server):
    """uvicorn that says when it is listening (so the fixture waits on an event, not a sleep)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets)
        self.ready.set()

    def install_signal_handlers(self) -> None:  # the test process keeps its own Ctrl-C handling
        pass


@dataclass
class LiveServer:
    """A running app: `url` to point the browser at, `app` and `settings` to reach inside it."""

    url: str
    app: Any
    settings: Settings
    loop: asyncio.AbstractEventLoop
    _counter: list[int] = field(default_factory=lambda: [0])

    def run(self, make: Callable[[], Awaitable[T]], timeout: float = 30) -> T:
        """Runs a coroutine on the server's own event loop (where its database engine lives)."""
        return asyncio.run_coroutine_threadsafe(make(), self.loop).result(timeout)  # type: ignore[arg-type]

    def create_user(
        self, role: str = "attendee", password: str = "correct horse battery", **profile: Any
    ) -> dict:
        """An account made directly in the database; returns {id, email, password, name, role}."""
        self._counter[0] += 1
        n = self._counter[0]
        email = profile.pop("email", f"browser{n}@example.org")
        profile.setdefault("name", f"Browser Person {n}")

        async def create() -> Any:
            async with self.app.state.db.session() as db:
                return await accounts.create_user(db, email, password, profile, role=role, hash_cost=10)

        user = self.run(create)
        return {"id": user.id, "email": email, "password": password, "name": user.name, "role": role}


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _load_programme(database_url: str, schedule: Path) -> None:
    from conference import programme
    from conference.db.base import Database
    from conference.schedule.loader import load_programme_file

    async def load() -> None:
        db = Database(database_url)
        try:
            async with db.session() as session:
                await programme.replace_programme(session, load_programme_file(schedule))
        finally:
            await db.close()

    asyncio.run(load())


def _in_thread(work: Callable[[], T]) -> T:
    """Runs blocking set-up in a thread of its own: Playwright's sync API keeps an event loop running in
    the main thread, where `asyncio.run` (Alembic's env, the programme loader) refuses to start."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001  (re-raised in the calling thread below)
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.fixture
def live_settings(tmp_path: Path) -> Settings:
    """Settings of the served app: a fresh SQLite file, migrated, with the real `schedule.yaml` loaded."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'browser.db'}"
    settings = make_settings(url)

    def prepare() -> None:
        upgrade(url)
        _load_programme(url, settings.schedule_path)

    _in_thread(prepare)
    return settings


@pytest.fixture
def live_server(live_settings: Settings) -> Iterator[LiveServer]:
    """The real app under uvicorn on a free 127.0.0.1 port, in a thread; stopped after the test."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    app = create_app(live_settings.with_(allowed_origins=(url,)))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws_max_size=64 * 1024)
    server = _Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        if not server.ready.wait(SERVER_START_TIMEOUT_SECS) or server.loop is None:
            pytest.fail(f"the app did not start listening within {SERVER_START_TIMEOUT_SECS}s")
        yield LiveServer(url=url, app=app, settings=live_settings, loop=server.loop)
    finally:
        server.should_exit = True
        thread.join(SERVER_START_TIMEOUT_SECS)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (its own browser download does not work here).

    Module-scoped, not session-scoped: while Playwright's sync API runs, the main thread has a running
    event loop, so the async tests of later modules could not start theirs."""
    if not CHROMIUM.exists():
        service_missing("Chromium", f"{CHROMIUM} is missing; apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        service_missing("Playwright", str(exc))
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (own cookies and storage) per test, pointed at the live server."""
    ctx = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/London",
        locale="en-GB",
        accept_downloads=True,
    )
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def sign_in(page: Any, email: str, password: str, next_path: str = "/") -> None:
    """Signs in through the sign-in page and waits for the redirect to `next_path`."""
    page.goto(f"/login?next={quote(next_path)}")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wanted = urlsplit(next_path).path
    page.wait_for_url(lambda url: urlsplit(url).path == wanted)


def screenshot(page: Any, name: str, widths: tuple[int, ...] = (1280, 360)) -> list[Path]:
    """Full-page screenshots into test-artifacts/ at each width (`name-1280.png`, `name-360.png`)."""
    ARTIFACTS.mkdir(exist_ok=True)
    original = page.viewport_size
    paths = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        # Two animation frames: the layout at the new width is painted before the capture (without
        # them a full-page capture could show parts laid out for the previous width).
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        path = ARTIFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if original:
        page.set_viewport_size(original)
    return paths
