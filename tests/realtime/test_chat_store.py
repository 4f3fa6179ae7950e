"""The message store on SQLite and Postgres: ids per channel, idempotent sends, pages, commit order."""

import asyncio

import pytest

from conference import accounts, chat
from conference.db.base import Database
from conference.errors import Forbidden, Invalid, NotFound


@pytest.fixture
async def db(database_url):
    database = Database(database_url)
    yield database
    await database.close()


async def make_user(db, name="Ada", role="attendee"):
    async with db.session() as s:
        return await accounts.create_user(
            s, f"{name.lower()}@example.org", "long password", {"name": name}, role, 10
        )


async def store(db, drafts, names):
    async with db.session() as s:
        return await chat.store(s, drafts, names)


def summary(results):
    return [(r.channel, r.id, r.body, r.duplicate) for r in results]


async def test_store_numbers_each_channel_from_one(db):
    ada = await make_user(db)
    names = {ada.id: "Ada"}
    drafts = [
        chat.Draft(c, ada.id, f"{c} {n}", f"{c}-{n}") for n in range(2) for c in ("session:1", "dm:1:2")
    ]

    first = await store(db, drafts, names)
    second = await store(db, [chat.Draft("session:1", ada.id, "later", "later")], names)

    assert summary(first) == [
        ("session:1", 1, "session:1 0", False),
        ("dm:1:2", 1, "dm:1:2 0", False),
        ("session:1", 2, "session:1 1", False),
        ("dm:1:2", 2, "dm:1:2 1", False),
    ]
    assert summary(second) == [("session:1", 3, "later", False)]


async def test_store_same_client_id_returns_first_message(db):
    ada = await make_user(db)
    names = {ada.id: "Ada"}
    await store(db, [chat.Draft("session:1", ada.id, "hi", "c1")], names)

    again = await store(
        db,
        [
            chat.Draft("session:1", ada.id, "hi (resent)", "c1"),
            chat.Draft("session:1", ada.id, "new", "c2"),
            chat.Draft("session:1", ada.id, "new (twice in one batch)", "c2"),
        ],
        names,
    )

    assert summary(again) == [
        ("session:1", 1, "hi", True),
        ("session:1", 2, "new", False),
        ("session:1", 2, "new", True),
    ]
    async with db.reader() as s:
        assert await chat.last_ids(s, ["session:1", "session:9"]) == {"session:1": 2, "session:9": 0}


async def test_page_recent_and_between_skip_deleted(db):
    ada = await make_user(db)
    await store(db, [chat.Draft("session:1", ada.id, f"m{n}", f"c{n}") for n in range(1, 8)], {ada.id: "Ada"})
    async with db.session() as s:
        await chat.delete(s, "session:1", 4, ada, moderator=False)

    async with db.reader() as s:
        latest, older = await chat.page(s, "session:1", limit=3)
        after, newer = await chat.page(s, "session:1", after=2, limit=3)
        recent, more = await chat.recent(s, "session:1", after=1, upto=6, limit=10)
        gap = await chat.between(s, "session:1", 2, 5)

    assert ([m.id for m in latest], older) == ([5, 6, 7], True)
    assert ([m.id for m in after], newer) == ([3, 5, 6], True)
    assert ([m.id for m in recent], more) == ([2, 3, 5, 6], False)
    assert [m.id for m in gap] == [3, 5]


async def test_delete_needs_author_or_moderator(db):
    ada, bob = await make_user(db, "Ada"), await make_user(db, "Bob")
    mod = await make_user(db, "Mo", role="moderator")
    await store(db, [chat.Draft("session:1", ada.id, "m", "c")], {ada.id: "Ada"})

    async with db.session() as s:
        with pytest.raises(Forbidden):
            await chat.delete(s, "session:1", 1, bob, moderator=False)
        with pytest.raises(NotFound):
            await chat.delete(s, "session:1", 2, ada, moderator=False)
        deleted = await chat.delete(s, "session:1", 1, mod, moderator=True)

    assert (deleted.deleted_by, deleted.deleted_at is not None) == (mod.id, True)


def test_clean_body_trims_and_bounds():
    assert chat.clean_body("  \n hi there \t") == "hi there"
    assert chat.clean_body("x" * 2000) == "x" * 2000
    for bad in ("", "  ", "x" * 2001):
        with pytest.raises(Invalid):
            chat.clean_body(bad)


async def test_concurrent_writers_commit_in_id_order(db):
    """A reader that resumes after the highest id it saw never skips a message that commits later."""
    users = [await make_user(db, f"User{n}") for n in range(4)]
    names = {u.id: u.name for u in users}
    writers_done = asyncio.Event()

    async def writer(user):
        for n in range(15):
            await store(db, [chat.Draft("session:1", user.id, f"{n}", f"{user.id}-{n}")], names)

    seen = []

    async def reader():
        last = 0
        while True:
            finished = writers_done.is_set()
            async with db.reader() as s:
                found = await chat.between(s, "session:1", last, 10**9)
            seen.extend(m.id for m in found)
            last = seen[-1] if seen else 0
            if finished:
                return
            await asyncio.sleep(0)

    reading = asyncio.create_task(reader())
    await asyncio.gather(*(writer(u) for u in users))
    writers_done.set()
    await reading

    assert seen == list(range(1, 61))
