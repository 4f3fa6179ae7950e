"""Roundtables over a real server: live seat counts, table channels and the host's moderation."""

from __future__ import annotations

from contextlib import AsyncExitStack

from sqlalchemy import select

from conference import programme
from conference.db.models import RoundTable, Session
from conference.schedule.loader import load_programme_file
from tests.conftest import ROOT

API = "/api/v1"


async def load_roundtable(app) -> tuple[int, dict[str, int]]:
    async with app.state.db.session() as db:
        await programme.replace_programme(db, load_programme_file(ROOT / "schedule.yaml"))
    async with app.state.db.reader() as db:
        session_id = await db.scalar(select(Session.id).where(Session.key == "roundtable-plp"))
        tables = dict((await db.execute(select(RoundTable.key, RoundTable.id))).all())
    return session_id, tables


async def test_seat_changes_push_seats_left_to_the_session_room(live_server):
    session_id, tables = await load_roundtable(live_server.app)
    watcher, guest = await live_server.account(), await live_server.account()
    silk = tables["plp-silk"]
    async with live_server.ws(watcher) as ws:
        await ws.join(f"session:{session_id}")

        await live_server.http.post(f"{API}/tables/{silk}/join", headers=guest.headers)
        joined = await ws.expect("tables.updated")
        await live_server.http.post(f"{API}/tables/{silk}/leave", headers=guest.headers)
        left = await ws.expect("tables.updated")

    def seats(event):
        return next((t["taken"], t["left"]) for t in event["tables"] if t["id"] == silk)

    assert (joined["session_id"], joined["channel"]) == (session_id, f"session:{session_id}")
    assert (seats(joined), seats(left)) == ((1, 7), (0, 8))
    assert len(joined["tables"]) == 6


async def test_table_channel_admits_seated_people_and_drops_them_when_they_move(live_server):
    _, tables = await load_roundtable(live_server.app)
    seated, outsider = await live_server.account(), await live_server.account()
    first, second = tables["pl4se"], tables["plp-rrr"]
    await live_server.http.post(f"{API}/tables/{first}/join", headers=seated.headers)
    async with AsyncExitStack() as stack:
        ws = await stack.enter_async_context(live_server.ws(seated))
        other = await stack.enter_async_context(live_server.ws(outsider))
        await ws.join(f"table:{first}")
        await other.send({"type": "join", "channel": f"table:{first}", "ref": "o"})
        refused = await other.expect("error")

        await live_server.http.post(f"{API}/tables/{second}/join", headers=seated.headers)

        removed = await ws.expect("left")
        joined = await ws.join(f"table:{second}")

    assert (refused["code"], refused["ref"]) == ("forbidden", "o")
    assert removed == {"type": "left", "channel": f"table:{first}", "reason": "removed"}
    assert joined["channel"] == f"table:{second}"


async def test_table_host_moderates_the_table_chat_and_guests_do_not(live_server):
    _, tables = await load_roundtable(live_server.app)
    host, guest = await live_server.account(name="Hosting Hana"), await live_server.account()
    silk = tables["plp-silk"]
    async with live_server.app.state.db.session() as db:
        (await db.get(RoundTable, silk)).host_user_id = host.id
    await live_server.http.post(f"{API}/tables/{silk}/join", headers=guest.headers)
    async with live_server.ws(guest) as g, live_server.ws(host) as h:
        await g.join(f"table:{silk}")
        await h.join(f"table:{silk}")
        advert = await g.chat(f"table:{silk}", "off-topic advert", "c1")
        welcome = await h.chat(f"table:{silk}", "welcome", "h1")

        await g.send({"type": "chat.delete", "channel": f"table:{silk}", "id": welcome["id"], "ref": "g"})
        refused = await g.expect("error")
        await h.send({"type": "chat.delete", "channel": f"table:{silk}", "id": advert["id"]})
        deleted = await g.expect("chat.deleted")

    assert (refused["code"], refused["ref"]) == ("forbidden", "g")
    assert deleted == {"type": "chat.deleted", "channel": f"table:{silk}", "id": advert["id"]}
