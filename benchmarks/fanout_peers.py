"""The two peer servers that benchmarks/fanout.py measures our server against.

Each is a standalone program speaking the smallest protocol that does the same job as
`chat.send` → `chat.message` to a room:

- `limit`: the `websockets` library's asyncio server. A client's first frame joins the
  room (answered with `{"type":"joined"}`); every later frame is passed verbatim to
  `websockets.broadcast()` over the room's connections, the sender included. This is the
  practical Python limit: no parsing, no storage, one write per connection.
- `socketio`: a python-socketio `AsyncServer` as an ASGI app on uvicorn. The `join`
  event enters a room (answered with a `joined` event); a `chat` event is re-emitted to
  the room with `sio.emit("chat", data, room=...)`.

Usage: python benchmarks/fanout_peers.py {limit,socketio} --port P [--host 127.0.0.1]
The harness waits for the port to accept connections.
"""

from __future__ import annotations

import os
import sys

# Run as `python benchmarks/<script>.py`, this folder comes first on sys.path, and its http.py (the
# HTTP benchmark) would hide the standard library's `http` from urllib, uvicorn and websockets.
sys.path.insert(0, os.path.dirname(os.__file__))

import argparse
import asyncio

JOINED_FRAME = '{"type":"joined","channel":"session:1"}'


async def serve_limit(host: str, port: int) -> None:
    from websockets.asyncio.server import broadcast, serve
    from websockets.exceptions import ConnectionClosed

    members: set = set()

    async def handler(ws) -> None:
        try:
            await ws.recv()  # the join frame; its content does not matter here
        except ConnectionClosed:
            return
        members.add(ws)
        try:
            await ws.send(JOINED_FRAME)
            async for frame in ws:
                broadcast(members, frame)
        except ConnectionClosed:
            pass
        finally:
            members.discard(ws)

    # compression=None: the generator never offers permessage-deflate to any target.
    # backlog: 2,000 clients connect in bursts; uvicorn's default backlog is 2048 too.
    async with serve(handler, host, port, compression=None, backlog=2048) as server:
        await server.serve_forever()


def serve_socketio(host: str, port: int) -> None:
    import socketio
    import uvicorn

    sio = socketio.AsyncServer(async_mode="asgi", transports=["websocket"])

    @sio.event
    async def join(sid: str, channel: str) -> None:
        await sio.enter_room(sid, channel)
        await sio.emit("joined", {"channel": channel}, to=sid)

    @sio.event
    async def chat(sid: str, data: dict) -> None:
        await sio.emit("chat", data, room=data["channel"])

    app = socketio.ASGIApp(sio)
    # uvicorn picks uvloop and httptools when installed, as it would for our server.
    uvicorn.run(
        app, host=host, port=port, log_level="warning", lifespan="off", access_log=False, backlog=2048
    )


def run_loop(coro) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(coro)
    else:
        uvloop.run(coro)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer", choices=["limit", "socketio"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.peer == "limit":
        run_loop(serve_limit(args.host, args.port))
    else:
        serve_socketio(args.host, args.port)


if __name__ == "__main__":
    main()
