"""Demo data: synthetic attendees with full profiles from 30+ countries, and (for `serve --demo`) some
chat, questions, a poll and meetings so that every part of the platform shows something at once."""

from __future__ import annotations

import random
import re
import secrets
import unicodedata
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import accounts, chat, meetings, polls, programme, qa
from conference.db.models import Theme, User
from conference.errors import AppError
from conference.matchmaking.population import DEFAULT_THEMES, display_profiles, generate_population
from conference.realtime.channels import session_channel

EMAIL_PREFIX = "demo-"
EMAIL_DOMAIN = "example.org"
DEMO_ATTENDEES = 150
# Every profile field but `contact` (demo people share no contact details).
PROFILE_KEYS = tuple(key for key in accounts.PROFILE_FIELDS if key != "contact")

CHAT = (
    "Hello from {city}! Glad to be here.",
    "Is the recording available afterwards?",
    "Great point about legal recognition: in our country the law came before the ecosystem.",
    "We measure social impact with a small set of indicators agreed with our funders.",
    "Does anyone have experience with public procurement reserved for social enterprises?",
    "The slides are very clear, thank you.",
    "How do cooperatives finance growth without giving up control?",
    "Happy to share our toolkit with anyone interested: connect with me in the directory.",
    "Greetings from the {org} team.",
    "+1 to the question about municipal support.",
)
QUESTIONS = (
    "What made the difference between countries where SSE laws worked and those where they did not?",
    "How can small organisations afford impact measurement?",
    "Which indicators does the OECD recommend to start with?",
    "How will the Global Action involve partners outside the EU?",
    "Is there evidence that SSE organisations were more resilient during COVID-19?",
)
POLL = (
    "Which topic should the next peer-learning session cover?",
    ["Legal frameworks", "Impact measurement", "Access to finance", "Public procurement"],
)


def _unusable_password() -> str:
    # Not a scrypt hash, so no password ever verifies against it: demo people cannot sign in.
    return "!demo$" + secrets.token_urlsafe(24)


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", plain.lower()).strip(".") or "attendee"


async def _theme_names(db: AsyncSession) -> dict[str, str]:
    rows = await db.execute(select(Theme.slug, Theme.name).order_by(Theme.position, Theme.id))
    return dict(rows.all()) or dict(DEFAULT_THEMES)


def _spread(profiles: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """n profiles with every country of the population present when n allows (one of each first)."""
    first: dict[str, int] = {}
    for k, profile in enumerate(profiles):
        first.setdefault(profile["country"], k)
    chosen = sorted(first.values())[:n]
    taken = set(chosen)
    chosen += [k for k in range(len(profiles)) if k not in taken][: n - len(chosen)]
    return [profiles[k] for k in sorted(chosen)]


async def demo_count(db: AsyncSession) -> int:
    return (
        await db.scalar(
            select(func.count()).select_from(User).where(User.email.like(f"{EMAIL_PREFIX}%@{EMAIL_DOMAIN}"))
        )
        or 0
    )


async def seed_attendees(db: AsyncSession, n: int, seed: int = 1) -> int:
    """Adds n synthetic attendees (full profiles, e-mails under example.org, passwords nobody knows);
    returns how many were added. Calling it again adds n more people."""
    if n <= 0:
        return 0
    existing = await demo_count(db)
    # Three times as many candidates as needed, so that n >= 33 can include every country.
    population = generate_population(max(3 * n, 100), seed + existing, themes=await _theme_names(db))
    profiles = _spread(display_profiles(population), n)
    for k, profile in enumerate(profiles, start=existing + 1):
        email = f"{EMAIL_PREFIX}{k:05d}.{_ascii(profile['name'])}@{EMAIL_DOMAIN}"
        values = {key: profile[key] for key in PROFILE_KEYS}
        db.add(User(email=email, password_hash=_unusable_password(), role="attendee", **values))
    await db.flush()
    return len(profiles)


async def seed_demo(db: AsyncSession) -> str | None:
    """`conference serve --demo`: attendees, chat, questions, a poll and meetings; nothing (None) when
    demo people exist already. Returns a one-line summary."""
    if await demo_count(db):
        return None
    added = await seed_attendees(db, DEMO_ATTENDEES)
    people = list(
        (await db.scalars(select(User).where(User.email.like(f"{EMAIL_PREFIX}%")).order_by(User.id))).all()
    )
    countries = len({p.country for p in people})
    rng = random.Random(7)
    try:
        sessions = await programme.all_sessions(db)
    except AppError:
        sessions = []
    opening = next((s for s in sessions if s.kind == "plenary"), None)
    messages = questions = poll_votes = 0
    if opening is not None:
        channel = session_channel(opening.id)
        messages = await _chat(db, channel, people, rng)
        questions = await _questions(db, channel, people, rng)
        poll_votes = await _poll(db, channel, people, rng)
    booked = await _meetings(db, people, rng)
    return (
        f"demo: {added} attendees from {countries} countries, {messages} chat messages, "
        f"{questions} questions, a poll with {poll_votes} votes and {booked} meetings"
    )


async def _chat(db: AsyncSession, channel: str, people: list[User], rng: random.Random) -> int:
    drafts = []
    for k in range(24):
        author = rng.choice(people)
        text = rng.choice(CHAT).format(
            city=author.timezone.rsplit("/", 1)[-1].replace("_", " "), org=author.organisation
        )
        drafts.append(chat.Draft(channel, author.id, text, f"demo-{k}"))
    stored = await chat.store(db, drafts, {p.id: p.name for p in people})
    return len(stored)


async def _questions(db: AsyncSession, channel: str, people: list[User], rng: random.Random) -> int:
    asked = []
    for body in QUESTIONS:
        asked.append(await qa.ask(db, rng.choice(people), channel, body, moderated=False))
    for question in asked:
        for voter in rng.sample(people, rng.randint(2, 15)):
            if voter.id != question.user_id:
                await qa.vote(db, voter, question.id)
    return len(asked)


async def _poll(db: AsyncSession, channel: str, people: list[User], rng: random.Random) -> int:
    host = User(
        email=f"{EMAIL_PREFIX}moderator@{EMAIL_DOMAIN}",
        password_hash=_unusable_password(),
        role="moderator",
        name="Demo moderator",
        listed=False,
    )
    db.add(host)
    await db.flush()
    question, options = POLL
    created = await polls.create(db, host, channel, question, options)
    poll = await polls.get(db, created.id)
    voters = rng.sample(people, min(60, len(people)))
    for voter in voters:
        await polls.vote(db, voter, poll, rng.choices(range(len(options)), weights=(4, 5, 3, 2))[0])
    return len(voters)


async def _meetings(db: AsyncSession, people: list[User], rng: random.Random) -> int:
    """A dozen meetings between demo people: most accepted, a few still waiting for an answer."""
    try:
        hours = await meetings.conference_hours(db)
    except AppError:
        return 0
    tz: ZoneInfo = hours.tz
    booked = 0
    pool = people[:]
    rng.shuffle(pool)
    for k in range(12):
        requester, invitee = pool[2 * k], pool[2 * k + 1]
        day = hours.days[k % len(hours.days)]
        start = datetime.combine(day, time(13, 0), tz) + timedelta(minutes=30 * (1 + k % 5))
        wanted = meetings.MeetingRequest(invitee.id, start, 15, "Would you have 15 minutes to compare notes?")
        try:
            meeting, _ = await meetings.request(db, requester, wanted)
            if k % 4:
                await meetings.accept(db, invitee, meeting.id)
        except AppError:
            continue
        booked += 1
    return booked
