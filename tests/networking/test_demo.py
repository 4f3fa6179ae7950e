"""Demo data: synthetic attendees with full profiles from 30+ countries; `serve --demo` is idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from conference import demo
from conference.db.models import Meeting, Message, Poll, Question, User
from conference.security import verify_password


async def test_seed_attendees_adds_full_profiles_from_30_countries(app, loaded):
    async with app.state.db.session() as db:
        added = await demo.seed_attendees(db, 150, seed=1)
    async with app.state.db.reader() as db:
        people = (await db.scalars(select(User))).all()

    assert (added, len(people)) == (150, 150)
    assert len({p.country for p in people}) >= 30
    assert all(p.email.endswith("@example.org") and p.email.startswith("demo-") for p in people)
    assert all(
        p.name and p.organisation and p.job_title and p.bio and p.languages and p.timezone for p in people
    )
    assert all(p.themes and p.role == "attendee" for p in people)
    themes = {t.slug for t in loaded.themes}
    assert set().union(*(p.themes for p in people)) <= themes
    assert not await verify_password("", people[0].password_hash)


async def test_seed_attendees_twice_adds_different_people(app, loaded):
    async with app.state.db.session() as db:
        await demo.seed_attendees(db, 40, seed=1)
        await demo.seed_attendees(db, 40, seed=1)
    async with app.state.db.reader() as db:
        emails = (await db.scalars(select(User.email))).all()

    assert (len(emails), len(set(emails))) == (80, 80)


async def test_seed_demo_fills_every_area_once(app, loaded):
    async with app.state.db.session() as db:
        summary = await demo.seed_demo(db)
    async with app.state.db.session() as db:
        second = await demo.seed_demo(db)
    async with app.state.db.reader() as db:
        counts = [
            await db.scalar(select(func.count()).select_from(table))
            for table in (User, Message, Question, Poll, Meeting)
        ]

    assert summary is not None and summary.startswith("demo: 150 attendees from ")
    assert second is None
    assert counts[0] == 151  # and the moderator who asks the poll
    assert counts[1:4] == [24, 5, 1]
    assert counts[4] >= 10


async def test_demo_people_are_recommended_with_reasons(client, app, loaded, person):
    async with app.state.db.session() as db:
        await demo.seed_attendees(db, 60, seed=3)
    ana = await person(name="Ana", themes=["impact-measurement"], seeks=["funding"], org_type="cooperative")

    found = (await client.get("/api/v1/me/recommendations", headers=ana.headers)).json()

    assert len(found) == 10
    assert all(r["reasons"] and 0 < r["score"] <= 1 for r in found)
    assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)
