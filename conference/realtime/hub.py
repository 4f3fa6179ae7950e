"""The hub: every websocket of this process, their channels, and fan-out across processes.

Events are encoded once and written to every member without awaiting in the loop. Other processes
hear of them through the broker (topics `c:{channel}`, `u:{user_id}`, `all`); chat messages carry
their id so that a receiver can restore order and read what a lost publish left out from the
database, which holds the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from conference import accounts, chat
from conference.db.base import Database
from conference.db.models import User
from conference.errors import Forbidden, TooLarge
from conference.ratelimit import TokenBucket
from conference.realtime import channels
from conference.realtime.brokers.base import Broker
from conference.realtime.channels import Channel
from conference.realtime.config import RealtimeConfig
from conference.realtime.connection import Connection, Outgoing
from conference.realtime.room import Audience, Room
from conference.realtime.writer import ChatWriter, PendingSend

logger = logging.getLogger(__name__)

# `await hook(user, channel)` after a join (see Hub.on_join).
JoinHook = Callable[[User, Channel], Awaitable[None]]
SEP = "\x1f"  # envelope fields: origin, kind (e event, p presence doorbell, x control), seq, audience, body


class Hub:
    def __init__(self, db: Database, broker: Broker, config: RealtimeConfig | None = None) -> None:
        self.db = db
        self.broker = broker
        self.config = config or RealtimeConfig()
        self.origin = uuid.uuid4().hex[:16]
        self.rooms: dict[str, Room] = {}
        self.users: dict[int, dict[Connection, None]] = {}
        self.connections: dict[Connection, None] = {}
        self.send_limits = TokenBucket(self.config.send_burst, self.config.send_rate)
        self.writer = ChatWriter(db, self.config, self._committed)
        self._subscribed: set[str] = set()
        self._topic_lock = asyncio.Lock()
        self._vacated: set[str] = set()
        self._tasks: list[asyncio.Task] = []
        self._background: set[asyncio.Task] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._join_hooks: dict[str, list[JoinHook]] = defaultdict(list)
        self._closed = False
        # `async extra(conn, channel) -> dict | None`: keys other areas add to `joined` (the live room
        # adds its questions and polls), read after the history and before the member is added.
        self.join_extras: list[Callable[[Connection, Channel], Awaitable[dict[str, Any] | None]]] = []

    # --- life cycle --------------------------------------------------------------------------------

    async def __aenter__(self) -> Hub:
        self._loop = asyncio.get_running_loop()
        await self.broker.start(self._on_broker, self._on_resubscribe, self.origin)
        await self._sync_topic("all")
        self.writer.start()
        self._tasks = [
            asyncio.create_task(self._every(self.config.presence_secs, self._presence_tick), name="presence"),
            asyncio.create_task(self._every(self.config.heartbeat_secs, self._heartbeat), name="heartbeat"),
        ]
        if self.broker.lossy:
            self._tasks.append(
                asyncio.create_task(
                    self._every(self.config.reconcile_secs, self._reconcile), name="reconcile"
                )
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closed = True
        for conn in list(self.connections):
            conn.close(1012, "the server is restarting; reconnect and resume with since")
        await self.writer.stop()
        for task in [*self._tasks, *self._background]:
            task.cancel()
        for task in [*self._tasks, *self._background]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.broker.close()

    async def ping(self) -> None:
        """Raises when the broker does not answer (GET /healthz)."""
        await self.broker.ping()

    # --- the API other areas use ---------------------------------------------------------------------

    async def publish(
        self, channel: str, event: dict[str, Any], *, min_role: str | None = None, users: Iterable[int] = ()
    ) -> None:
        """Sends `event` to every connection joined to `channel`, on every process.

        With `min_role` (and optionally `users`), only members with at least that role, or whose id
        is in `users`, receive it (e.g. pending questions for moderators and their author); roles
        are those the connections hold now, so a demoted moderator stops receiving at once.
        """
        out = Outgoing.event(event)
        audience: Audience = (min_role, frozenset(users)) if min_role is not None or users else None
        room = self.rooms.get(channel)
        if room is not None:
            if audience is None:
                room.emit(out, self._running_loop())
            else:
                room.emit_to(out, audience, None, _role_allows)
        await self._remote("c:" + channel, "e", out.text, audience=_encode_audience(audience))

    async def publish_reply(
        self,
        conn: Connection,
        ref: Any,
        channel: str,
        event: dict[str, Any],
        *,
        min_role: str | None = None,
        users: Iterable[int] = (),
    ) -> None:
        """Publishes to a channel (to an audience as `publish` does); the requesting connection gets
        its copy carrying its `ref`."""
        out = Outgoing.event(event)
        audience: Audience = (min_role, frozenset(users)) if min_role is not None or users else None
        room = self.rooms.get(channel)
        if room is not None:
            room.emit_to(out, audience, conn, _role_allows)
        conn.send({**event, "ref": ref} if ref is not None else event)
        await self._remote("c:" + channel, "e", out.text, audience=_encode_audience(audience))

    async def notify_user(self, user_id: int, event: dict[str, Any]) -> None:
        """Sends `event` to every connection of that user, on every process."""
        out = Outgoing.event(event)
        for conn in self.users.get(user_id, ()):
            conn.write(out)
        await self._remote(f"u:{user_id}", "e", out.text)

    async def broadcast(self, event: dict[str, Any]) -> None:
        """Sends `event` to every connection on every process (announcements)."""
        out = Outgoing.event(event)
        for conn in self.connections:
            conn.write(out)
        await self._remote("all", "e", out.text)

    async def present_users(self, channel: str) -> set[int]:
        """User ids connected to `channel` on any process."""
        room = self.rooms.get(channel)
        local = set(room.people) if room is not None else set()
        remote = (await self.broker.presence([channel])).get(channel, set())
        return local | remote

    async def disconnect_user(self, user_id: int) -> None:
        """Closes that user's sockets on every process (deactivation, sign-out everywhere)."""
        self._disconnect_local(user_id)
        await self._remote(f"u:{user_id}", "x", "disconnect")

    async def revalidate_user(self, user_id: int) -> None:
        """Re-checks that user's sign-in, role and channel memberships now, on every process."""
        await self._revalidate_local(user_id)
        await self._remote(f"u:{user_id}", "x", "revalidate")

    def on_join(self, kind: str, hook: JoinHook) -> None:
        """Calls `await hook(user, channel)` each time someone joins a channel of `kind` on this process
        (after their `joined`). It runs in the background: a slow or failing hook never delays or breaks
        the join. Breakouts use it to put people who arrive while rooms are open into a room."""
        if kind not in channels.KINDS:
            raise ValueError(f"unknown channel kind {kind!r}")
        self._join_hooks[kind].append(hook)

    async def _run_join_hook(self, hook: JoinHook, user: User, channel: Channel) -> None:
        try:
            await hook(user, channel)
        except Exception:
            logger.exception("join hook %s failed for %s", getattr(hook, "__qualname__", hook), channel.name)

    # --- connections -------------------------------------------------------------------------------

    @asynccontextmanager
    async def connect(self, user: User, login_id: int, send: Callable[..., Any]) -> AsyncIterator[Connection]:
        """Registers a connection for the time of the block; leaving it cleans up every channel."""
        conn = Connection(user, login_id, send, self.config)
        self.connections[conn] = None
        mine = self.users.setdefault(user.id, {})
        mine[conn] = None
        try:
            if len(mine) == 1:
                await self._sync_topic(f"u:{user.id}")
            yield conn
        finally:
            conn.stop()
            self.connections.pop(conn, None)
            mine = self.users.get(user.id, {})
            mine.pop(conn, None)
            if not mine:
                self.users.pop(user.id, None)
                self._spawn(self._sync_topic(f"u:{user.id}"))
            for name in list(conn.channels):
                self._detach(conn, name)

    async def join(self, conn: Connection, channel: Channel, since: int | None, ref: Any) -> None:
        """Answers `joined` (history up to the room's stream position), then adds the member."""
        name = channel.name
        if name not in conn.channels and len(conn.channels) >= self.config.max_channels_per_connection:
            raise TooLarge(
                f"at most {self.config.max_channels_per_connection} channels per connection; leave one first"
            )
        if not await channels.check_membership(self.db, conn.user, channel):
            raise Forbidden(f"you are not a member of {name}")
        room = self.rooms.get(name)
        if room is None:
            room = self.rooms[name] = Room(name, self.config)
            self._vacated.discard(name)
        room.joining += 1
        try:
            await self._sync_topic("c:" + name)
            history, last, more = await self._history(room, since)
            remote = (await self.broker.presence([name])).get(name, set())
            extras = [await extra(conn, channel) for extra in self.join_extras]
        except BaseException:
            room.joining -= 1
            if room.idle:
                self._drop(room)
            raise
        room.joining -= 1
        if conn.closed:
            if room.idle:
                self._drop(room)
            return
        count = len(set(room.people) | remote | {conn.user_id})
        room.flush()  # batched events up to `last` reach the others before the newcomer is added
        joined = {
            "type": "joined",
            "channel": name,
            "last_id": last,
            "history": [m.event() for m in history],
            "truncated": more,
            "presence": {"count": count},
        }
        for extra in extras:
            joined.update(extra or {})
        if ref is not None:
            joined["ref"] = ref
        conn.send(joined)
        room.add(conn)
        conn.channels.add(name)
        if room.presence_count < 0:
            room.presence_count = count
        for hook in self._join_hooks.get(channel.kind, ()):
            self._spawn(self._run_join_hook(hook, conn.user, channel))

    async def _history(self, room: Room, since: int | None) -> tuple[list[chat.Stored], int, bool]:
        """What a joiner gets: messages after `since` (or the latest few) up to the room's `last_id`."""
        limit = self.config.replay_window if since is not None else self.config.history_default
        after = since or 0
        async with self.db.reader() as db:
            # The counter first: every id up to it is committed, so the messages read next include
            # them all (a later snapshot only adds newer ones, which are cut off).
            upto = (await chat.last_ids(db, [room.name]))[room.name]
            history, more = await chat.recent(db, room.name, after=after, upto=upto, limit=limit)
        loop = self._running_loop()
        for _ in range(50):
            if room.last_id is None:
                room.last_id = upto
                room.drain(loop)
                self._check_gap(room)
            target = room.last_id
            if upto >= target:
                break
            # Members were sent messages newer than what we read: read those too.
            async with self.db.reader() as db:
                history.extend(m for m in await chat.between(db, room.name, upto, target) if m.id > after)
            upto = target
        last = room.last_id
        assert last is not None
        history = [m for m in history if m.id <= last]
        if len(history) > limit:
            history, more = history[-limit:], True
        return history, last, more

    async def leave(self, conn: Connection, name: str) -> None:
        self._detach(conn, name)

    def _detach(self, conn: Connection, name: str) -> None:
        conn.channels.discard(name)
        room = self.rooms.get(name)
        if room is not None and room.remove(conn) and room.idle:
            self._drop(room)

    def _drop(self, room: Room) -> None:
        if self.rooms.get(room.name) is not room:
            return
        del self.rooms[room.name]
        if room.flush_handle is not None:
            room.flush_handle.cancel()
        if room.gap_task is not None:
            room.gap_task.cancel()
        self._vacated.add(room.name)
        self._spawn(self._sync_topic("c:" + room.name))

    # --- chat --------------------------------------------------------------------------------------

    async def post_chat(
        self, conn: Connection, channel: str, body: str, client_id: str, ref: Any
    ) -> chat.Stored:
        """Stores a message (group commit); the writer acks the sender, then every member gets it."""
        return await self.writer.submit(conn, chat.Draft(channel, conn.user_id, body, client_id), ref)

    async def _committed(self, batch: list[PendingSend], results: list[chat.Stored]) -> None:
        by_channel: dict[str, list[chat.Stored]] = defaultdict(list)
        for pending, stored in zip(batch, results, strict=True):
            ack = {"type": "ack", "client_id": stored.client_id, "id": stored.id}
            if pending.ref is not None:
                ack["ref"] = pending.ref
            pending.conn.send(ack)
            if not stored.duplicate:
                by_channel[stored.channel].append(stored)
        envelopes = []
        for name, messages in by_channel.items():
            outs = [(m.id, Outgoing.event(m.event())) for m in messages]
            room = self.rooms.get(name)
            if room is not None:
                self._chat_local(room, outs)
            envelopes.extend(
                ("c:" + name, self._envelope("e", out.text, str(message_id))) for message_id, out in outs
            )
        await self._remote_many(envelopes)

    def _chat_local(self, room: Room, outs: list[tuple[int, Outgoing]]) -> None:
        loop = self._running_loop()
        first, last = outs[0][0], outs[-1][0]
        contiguous = last - first == len(outs) - 1
        if room.last_id is not None and first == room.last_id + 1 and contiguous and len(outs) > 1:
            # Messages of one commit reach each member as one frame.
            room.last_id = last
            room.emit(Outgoing.batch([out for _, out in outs]), loop)
            room.drain(loop)
            return
        for message_id, out in outs:
            room.chat(message_id, out, loop)
        self._check_gap(room)

    def _check_gap(self, room: Room) -> None:
        if room.gap is not None and (room.gap_task is None or room.gap_task.done()):
            room.gap_task = self._spawn(self._fill_gap(room))

    async def _fill_gap(self, room: Room) -> None:
        await asyncio.sleep(self.config.gap_grace_secs)
        while self.rooms.get(room.name) is room and (upto := room.gap) is not None:
            await self._fill(room, upto)

    async def _fill(self, room: Room, upto: int) -> None:
        """Reads the messages the room missed up to `upto` from the database and writes them in order."""
        after = room.last_id
        if after is None or upto <= after:
            return
        try:
            async with self.db.reader() as db:
                missed = await chat.between(db, room.name, after, upto)
        except Exception:
            logger.exception("reading missed messages of %s failed", room.name)
            await asyncio.sleep(self.config.reconcile_secs)
            return
        loop = self._running_loop()
        for message in missed:
            assert room.last_id is not None
            if message.id <= room.last_id:
                continue
            room.last_id = message.id - 1  # ids in between were deleted: nothing to write for them
            room.chat(message.id, Outgoing.event(message.event()), loop)
        room.skip_to(upto, loop)

    async def _reconcile(self) -> None:
        """With a lossy broker: compare each room with its database counter; a room still behind a
        counter seen one round earlier lost a publish, so read what it missed."""
        names = [name for name, room in self.rooms.items() if room.last_id is not None]
        if not names:
            return
        async with self.db.reader() as db:
            counters = await chat.last_ids(db, names)
        for name, counter in counters.items():
            room = self.rooms.get(name)
            if room is None or room.last_id is None:
                continue
            if room.suspect is not None and room.last_id < room.suspect:
                await self._fill(room, room.suspect)
            room.suspect = counter if counter > (room.last_id or 0) else None

    def _on_resubscribe(self) -> None:
        """The broker reconnected: anything published meanwhile is lost, so catch up from the counters."""
        self._spawn(self._catch_up())

    async def _catch_up(self) -> None:
        names = [name for name, room in self.rooms.items() if room.last_id is not None]
        if not names:
            return
        async with self.db.reader() as db:
            counters = await chat.last_ids(db, names)
        for name, counter in counters.items():
            room = self.rooms.get(name)
            if room is not None:
                await self._fill(room, counter)

    # --- broker ------------------------------------------------------------------------------------

    def _envelope(self, kind: str, body: str, seq: str = "", audience: str = "") -> str:
        return SEP.join((self.origin, kind, seq, audience, body))

    async def _remote(self, topic: str, kind: str, body: str, seq: str = "", audience: str = "") -> None:
        await self._remote_many([(topic, self._envelope(kind, body, seq, audience))])

    async def _remote_many(self, messages: list[tuple[str, str]]) -> None:
        if not messages:
            return
        try:
            await self.broker.publish_many(messages)
        except Exception as exc:  # noqa: BLE001  (the database has the truth; others catch up from it)
            logger.warning("broker publish failed: %s", exc)

    def _on_broker(self, topic: str, data: str) -> None:
        try:
            self._handle_broker(topic, data)
        except Exception:  # one bad message must not stop the broker's reader
            logger.exception("ignoring a broker message on %s that could not be handled", topic)

    def _handle_broker(self, topic: str, data: str) -> None:
        origin, kind, seq, audience, body = data.split(SEP, 4)
        if origin == self.origin:
            return
        if topic.startswith("c:"):
            room = self.rooms.get(topic[2:])
            if room is None:
                return
            if kind == "p":
                room.count_dirty = True
            elif kind == "e" and seq:
                if not room.chat(int(seq), Outgoing(body), self._running_loop()):
                    self._check_gap(room)
            elif kind == "e":
                decoded = _decode_audience(audience)
                if decoded is None:
                    room.emit(Outgoing(body), self._running_loop())
                else:
                    room.emit_to(Outgoing(body), decoded, None, _role_allows)
        elif topic.startswith("u:"):
            user_id = int(topic[2:])
            if kind == "e":
                out = Outgoing(body)
                for conn in self.users.get(user_id, ()):
                    conn.write(out)
            elif body == "disconnect":
                self._disconnect_local(user_id)
            elif body == "revalidate":
                self._spawn(self._revalidate_local(user_id))
        elif topic == "all" and kind == "e":
            out = Outgoing(body)
            for conn in self.connections:
                conn.write(out)

    async def _sync_topic(self, topic: str) -> None:
        """Subscribes or unsubscribes `topic` to match what this process needs now (serialised, so a
        leave and a join racing on one channel end subscribed)."""
        async with self._topic_lock:
            if topic == "all":
                needed = True
            elif topic.startswith("c:"):
                needed = topic[2:] in self.rooms
            else:
                needed = int(topic[2:]) in self.users
            try:
                if needed and topic not in self._subscribed:
                    await self.broker.subscribe(topic)
                    self._subscribed.add(topic)
                elif not needed and topic in self._subscribed:
                    self._subscribed.discard(topic)
                    await self.broker.unsubscribe(topic)
            except Exception as exc:  # noqa: BLE001  (reconcile and the next join retry)
                logger.warning("broker (un)subscribe of %s failed: %s", topic, exc)

    # --- user control ------------------------------------------------------------------------------

    def _disconnect_local(self, user_id: int) -> None:
        for conn in list(self.users.get(user_id, ())):
            conn.close(4401, "signed out")

    async def _revalidate_local(self, user_id: int) -> None:
        conns = list(self.users.get(user_id, ()))
        if not conns:
            return
        async with self.db.reader() as db:
            logins = {c.login_id: await accounts.active_login(db, c.login_id) for c in conns}
            for conn in conns:
                found = logins[conn.login_id]
                if found is None:
                    conn.close(4401, "signed out")
                    continue
                conn.user = found[1]
                for name in sorted(conn.channels):
                    if not await channels.may_join(db, conn.user, channels.parse(name)):
                        self._detach(conn, name)
                        conn.send({"type": "left", "channel": name, "reason": "removed"})

    # --- timers ------------------------------------------------------------------------------------

    async def _every(self, seconds: float, tick: Callable[[], Any]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await tick()
            except Exception:
                logger.exception("realtime timer %s failed", getattr(tick, "__name__", tick))

    async def _heartbeat(self) -> None:
        for conn in list(self.connections):
            conn.ping()

    async def _presence_tick(self) -> None:
        """Writes this process's changed presence, rings the others, pushes changed counts (≤ 1/s)."""
        changed = [room for room in self.rooms.values() if room.local_dirty]
        vacated, self._vacated = self._vacated, set()
        for room in changed:
            room.local_dirty = False
            await self.broker.set_presence(room.name, set(room.people))
        for name in vacated:
            if name not in self.rooms:
                await self.broker.set_presence(name, set())
        await self._remote_many(
            [("c:" + name, self._envelope("p", "")) for name in [r.name for r in changed] + sorted(vacated)]
        )
        dirty = [room for room in self.rooms.values() if room.count_dirty and room.members]
        if not dirty:
            return
        remote = await self.broker.presence([room.name for room in dirty])
        loop = self._running_loop()
        for room in dirty:
            room.count_dirty = False
            count = len(set(room.people) | remote.get(room.name, set()))
            if count != room.presence_count:
                room.presence_count = count
                room.emit(Outgoing.event({"type": "presence", "channel": room.name, "count": count}), loop)

    # --- helpers -----------------------------------------------------------------------------------

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def _spawn(self, coroutine: Any) -> asyncio.Task | None:
        if self._closed:
            coroutine.close()
            return None
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task


def _role_allows(user: User, role: str) -> bool:
    return accounts.role_at_least(user.role, role)


def _encode_audience(audience: Audience) -> str:
    if audience is None:
        return ""
    min_role, users = audience
    return (min_role or "") + ";" + ",".join(map(str, sorted(users)))


def _decode_audience(text: str) -> Audience:
    if not text:
        return None
    role, _, ids = text.partition(";")
    return (role or None, frozenset(int(i) for i in ids.split(",") if i))
