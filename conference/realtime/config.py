"""Tunables of the realtime core (limits, timers); tests shrink them, the defaults serve production."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RealtimeConfig:
    # A websocket protocol ping to every connection this often (proxies drop idle sockets at ~60s).
    heartbeat_secs: float = 20.0
    max_channels_per_connection: int = 50
    # `join` with `since` replays at least this many messages before answering `truncated: true`.
    replay_window: int = 1000
    history_default: int = 50
    # Chat sends (and other commands with a cost) per user: a burst, then a steady rate per second.
    send_burst: float = 20.0
    send_rate: float = 5.0
    # Every frame of one connection: a burst, then a steady rate; `flood_strikes` frames refused in
    # a row close the connection (1008).
    frame_burst: float = 60.0
    frame_rate: float = 20.0
    flood_strikes: int = 40
    # Bytes waiting in a connection's transport (or events in its ASGI queue) before it counts as
    # not reading and is closed with 1013.
    max_buffer_bytes: int = 512 * 1024
    max_queued_events: int = 1000
    # The kernel's send buffer of each websocket (SO_SNDBUF; Linux doubles it for its bookkeeping).
    # Left alone it grows to 4 MiB per connection, which a reader that stops fills before the cap
    # above is ever reached; 0 leaves it alone.
    socket_send_buffer_bytes: int = 128 * 1024
    # A channel with more events than this per second sends them in batches (JSON arrays) gathered
    # over `coalesce_secs`.
    coalesce_above_per_sec: int = 50
    coalesce_secs: float = 0.05
    presence_secs: float = 1.0
    # An out-of-order chat id waits this long for the missing ones before the hub reads them.
    gap_grace_secs: float = 0.05
    # With a lossy broker, how often the hub compares its channels with the database counters.
    reconcile_secs: float = 1.0
    # The group-commit writer waits this long for more sends before each transaction (0: none,
    # sends arriving during a commit form the next batch anyway).
    group_commit_secs: float = 0.0
    max_batch: int = 500
    # How long a close may wait for a peer that does not read before the socket is aborted.
    close_timeout_secs: float = 5.0

    def with_(self, **changes: object) -> RealtimeConfig:
        return replace(self, **changes)  # type: ignore[arg-type]
