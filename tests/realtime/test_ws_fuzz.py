"""Random frames (hypothesis) never crash the server: each gets an answer and the socket stays open."""

import asyncio
import json
import shutil
import threading
from concurrent.futures import Future

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect

from conference.realtime.commands import load_commands
from conference.realtime.config import RealtimeConfig
from tests.conftest import make_settings
from tests.live import live_server

FUZZ_CONFIG = RealtimeConfig(frame_burst=1e9, frame_rate=1e9, send_burst=1e9, send_rate=1e9)
COMMANDS = sorted(load_commands())
CHANNELS = [
    "session:1",
    "session:2",
    "networking:3",
    "breakout:1",
    "dm:1:2",
    "dm:2:1",
    "table:0",
    "session:x",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
fields = {
    "channel": st.sampled_from(CHANNELS) | json_values,
    "body": st.text(max_size=40) | json_values,
    "client_id": st.text(max_size=70) | json_values,
    "since": st.integers(min_value=-5, max_value=10**20) | json_values,
    "id": st.integers(min_value=-5, max_value=50) | json_values,
    "ref": st.text(max_size=10) | st.integers() | json_values,
    "emoji": st.text(max_size=4),
    "option": st.integers(min_value=-1, max_value=5),
    "options": st.lists(st.text(max_size=10), max_size=5),
    "question": st.text(max_size=20),
    "poll_id": st.integers(min_value=-1, max_value=5),
    "status": st.sampled_from(["approved", "hidden", "answered", "pinned", "nope"]),
}
command_frames = st.fixed_dictionaries(
    {"type": st.sampled_from(COMMANDS) | st.text(max_size=12)},
    optional=fields,
).map(json.dumps)
frames = st.one_of(
    command_frames,
    json_values.map(json.dumps),
    st.text(max_size=200),
    st.binary(max_size=50).map(lambda b: b.decode("latin-1")),
)


class ThreadedServer:
    """The live server in its own thread and event loop, for synchronous (hypothesis) tests."""

    def __init__(self, settings):
        self.settings = settings
        self.ready: Future = Future()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self):
        try:
            async with live_server(self.settings, FUZZ_CONFIG) as server:
                account = await server.account(role="moderator")
                self.ready.set_result((server.ws_url, account.token))
                while not self.stop.is_set():  # noqa: ASYNC110  (stopped from the test's thread)
                    await asyncio.sleep(0.05)
        except BaseException as exc:
            if not self.ready.done():
                self.ready.set_exception(exc)
            raise


@pytest.fixture(scope="module")
def fuzz_socket(tmp_path_factory, sqlite_template):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copy(sqlite_template, path)
    server = ThreadedServer(make_settings(f"sqlite+aiosqlite:///{path}"))
    server.thread.start()
    url, token = server.ready.result(timeout=30)
    with connect(
        url, additional_headers={"Authorization": f"Bearer {token}"}, compression=None, proxy=None
    ) as ws:
        yield ws
    server.stop.set()
    server.thread.join(30)


counter = iter(range(10**9))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=frames)
def test_random_frames_never_crash_the_server(fuzz_socket, frame):
    marker = f"fuzz-{next(counter)}"

    fuzz_socket.send(frame)
    fuzz_socket.send(json.dumps({"type": "ping", "ref": marker}))

    while True:
        raw = fuzz_socket.recv(timeout=5)
        events = json.loads(raw)
        for event in events if isinstance(events, list) else [events]:
            assert isinstance(event, dict) and isinstance(event.get("type"), str), raw
            assert not (
                event["type"] == "error"
                and event.get("code")
                not in {
                    "invalid",
                    "forbidden",
                    "not_found",
                    "too_large",
                    "rate_limited",
                    "unauthorized",
                    "muted",
                }
            ), raw
        if any(e.get("ref") == marker for e in (events if isinstance(events, list) else [events])):
            break
