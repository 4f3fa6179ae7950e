"""The participant directory, profiles as others see them, and the ties between two people: "no
thanks" (hide), block, and the mutual contact exchange (connect)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, cast, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import accounts, moderation
from conference.db.dialects import insert_ignore
from conference.db.models import Block, ConnectRequest, Hide, Meeting, MeetingMember, User
from conference.errors import Forbidden, Invalid, NotFound
from conference.validation import Fields, country_codes, language_codes

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def public_profile(user: User) -> dict[str, Any]:
    """SPEC's Profile as other attendees see it: never the e-mail address, never the contact."""
    return accounts.profile_dict(user)


def brief(user: User) -> dict[str, Any]:
    """Who someone is, in one line (meeting and round events)."""
    return {
        "id": user.id,
        "name": user.name,
        "organisation": user.organisation,
        "job_title": user.job_title,
        "country": user.country,
        "timezone": user.timezone,
    }


# ---------------------------------------------------------------- the directory


@dataclass(frozen=True)
class DirectoryQuery:
    q: str = ""
    country: str = ""
    theme: str = ""
    org_type: str = ""
    language: str = ""
    offers: str = ""
    seeks: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def parse(cls, params: Mapping[str, str], themes: list[str]) -> DirectoryQuery:
        """Query parameters in, one Invalid naming every bad one out."""
        fields = Fields({k: v for k, v in params.items() if v != ""})
        q = fields.text("q", max_length=200)
        country = fields.text("country", max_length=2).upper()
        if country and country not in country_codes():
            fields.fail("country", "must be an ISO 3166 two-letter country code")
        language = fields.text("language", max_length=3).lower()
        if language and language not in language_codes():
            fields.fail("language", "must be an ISO 639-1 two-letter language code")
        values = {
            "theme": fields.choice("theme", themes),
            "org_type": fields.choice("org_type", accounts.ORG_TYPES),
            "offers": fields.choice("offers", accounts.INTENTS),
            "seeks": fields.choice("seeks", accounts.INTENTS),
        }
        numbers = {}
        for name, default, top in (("page", 1, 10_000), ("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)):
            raw = params.get(name, "")
            if raw == "":
                numbers[name] = default
            elif not raw.isdigit() or not 1 <= int(raw) <= top:
                fields.fail(name, f"must be a whole number from 1 to {top}")
                numbers[name] = default
            else:
                numbers[name] = int(raw)
        fields.check()
        return cls(q=q, country=country, language=language, **values, **numbers)


def _json_has(column: Any, value: str) -> Any:
    # JSON lists are stored as text on SQLite and as `json` on Postgres; both render the element in
    # double quotes, and vocabulary values never contain one, so a LIKE on the text is exact.
    return cast(column, String).contains(f'"{value}"', autoescape=True)


async def directory(db: AsyncSession, viewer_id: int, query: DirectoryQuery) -> dict[str, Any]:
    """`GET /people`: listed, active people other than the viewer and those blocked either way."""
    blocked = await blocked_either_way(db, viewer_id)
    conditions = [User.listed.is_(True), User.active.is_(True), User.id != viewer_id]
    if blocked:
        conditions.append(User.id.not_in(blocked))
    if query.q:
        conditions.append(
            or_(
                *(
                    column.icontains(query.q, autoescape=True)
                    for column in (User.name, User.organisation, User.bio)
                )
            )
        )
    if query.country:
        conditions.append(User.country == query.country)
    if query.org_type:
        conditions.append(User.org_type == query.org_type)
    for column, value in (
        (User.themes, query.theme),
        (User.languages, query.language),
        (User.offers, query.offers),
        (User.seeks, query.seeks),
    ):
        if value:
            conditions.append(_json_has(column, value))
    where = and_(*conditions)
    total = await db.scalar(select(func.count()).select_from(User).where(where)) or 0
    rows = await db.scalars(
        select(User)
        .where(where)
        .order_by(func.lower(User.name), User.id)
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    )
    return {
        "items": [public_profile(user) for user in rows.all()],
        "page": query.page,
        "per_page": query.per_page,
        "total": total,
    }


# ---------------------------------------------------------------- one person as another sees them


async def visible_person(db: AsyncSession, viewer_id: int, other_id: int) -> User:
    """The person, if the viewer may see their profile: listed (or connected) and not blocking anyone
    of the two. Anything else is a 404, so a block or an unlisted profile does not show."""
    other = await db.get(User, other_id)
    if other is None or not other.active or other_id == viewer_id:
        raise NotFound(f"no person {other_id}")
    if await moderation.is_blocked(db, viewer_id, other_id):
        if not await _blocked_by(db, viewer_id, other_id):
            raise NotFound(f"no person {other_id}")
    elif not other.listed and await connection_state(db, viewer_id, other_id) != "connected":
        raise NotFound(f"no person {other_id}")
    return other


async def person_view(db: AsyncSession, viewer_id: int, other_id: int) -> dict[str, Any]:
    """`GET /people/{id}`: the Profile, what ties the two, and the contact once connected."""
    other = await visible_person(db, viewer_id, other_id)
    state = await connection_state(db, viewer_id, other_id)
    body = public_profile(other)
    body["connection"] = state
    body["hidden"] = await _hidden_by(db, viewer_id, other_id)
    body["blocked"] = await _blocked_by(db, viewer_id, other_id)
    if state == "connected":
        body["contact"] = other.contact
    return body


async def _hidden_by(db: AsyncSession, user_id: int, other_id: int) -> bool:
    found = await db.scalar(select(Hide.user_id).where(Hide.user_id == user_id, Hide.hidden_id == other_id))
    return found is not None


async def _blocked_by(db: AsyncSession, user_id: int, other_id: int) -> bool:
    found = await db.scalar(
        select(Block.blocker_id).where(Block.blocker_id == user_id, Block.blocked_id == other_id)
    )
    return found is not None


async def _other_person(db: AsyncSession, viewer_id: int, other_id: int) -> User:
    if other_id == viewer_id:
        raise Invalid("that is you", {"id": "is yourself"})
    other = await db.get(User, other_id)
    if other is None or not other.active:
        raise NotFound(f"no person {other_id}")
    return other


# ---------------------------------------------------------------- hide and block


async def hide(db: AsyncSession, user_id: int, other_id: int) -> bool:
    """ "No thanks": never recommend `other_id` to `user_id` again. True when new."""
    await _other_person(db, user_id, other_id)
    return await insert_ignore(db, Hide.__table__, user_id=user_id, hidden_id=other_id)


async def unhide(db: AsyncSession, user_id: int, other_id: int) -> bool:
    result = await db.execute(delete(Hide).where(Hide.user_id == user_id, Hide.hidden_id == other_id))
    return result.rowcount > 0


async def block(db: AsyncSession, user_id: int, other_id: int) -> bool:
    """No DMs, meetings or recommendations either way; pending meeting requests between them go."""
    await _other_person(db, user_id, other_id)
    return await moderation.block(db, user_id, other_id)


async def unblock(db: AsyncSession, user_id: int, other_id: int) -> bool:
    return await moderation.unblock(db, user_id, other_id)


async def blocked_either_way(db: AsyncSession, user_id: int) -> set[int]:
    rows = await db.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(Block.blocker_id == user_id, Block.blocked_id == user_id)
        )
    )
    return {b if a == user_id else a for a, b in rows.all()}


async def require_not_blocked(db: AsyncSession, a: int, b: int, what: str) -> None:
    if await moderation.is_blocked(db, a, b):
        raise Forbidden(f"you cannot {what} this person")


async def hidden_and_blocked(db: AsyncSession, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """`GET /me/hidden`: whom the person said "no thanks" to and whom they blocked (to undo either)."""
    hidden = await db.scalars(
        select(User).join(Hide, Hide.hidden_id == User.id).where(Hide.user_id == user_id).order_by(User.name)
    )
    blocked = await db.scalars(
        select(User)
        .join(Block, Block.blocked_id == User.id)
        .where(Block.blocker_id == user_id)
        .order_by(User.name)
    )
    return {"hidden": [brief(u) for u in hidden.all()], "blocked": [brief(u) for u in blocked.all()]}


# ---------------------------------------------------------------- connections


async def connection_state(db: AsyncSession, user_id: int, other_id: int) -> str:
    """ "none", "requested" (I asked), "incoming" (they asked) or "connected" (both asked)."""
    rows = await db.execute(
        select(ConnectRequest.user_id).where(
            or_(
                and_(ConnectRequest.user_id == user_id, ConnectRequest.other_id == other_id),
                and_(ConnectRequest.user_id == other_id, ConnectRequest.other_id == user_id),
            )
        )
    )
    askers = set(rows.scalars().all())
    if askers == {user_id, other_id}:
        return "connected"
    if user_id in askers:
        return "requested"
    return "incoming" if other_id in askers else "none"


async def connect(db: AsyncSession, user_id: int, other_id: int) -> tuple[str, User]:
    """Asks to exchange contacts; returns the state afterwards and the other person."""
    other = await _other_person(db, user_id, other_id)
    await require_not_blocked(db, user_id, other_id, "connect with")
    await insert_ignore(db, ConnectRequest.__table__, user_id=user_id, other_id=other_id)
    return await connection_state(db, user_id, other_id), other


async def disconnect(db: AsyncSession, user_id: int, other_id: int) -> str:
    """Withdraws the request (which ends the connection); returns the state afterwards."""
    await db.execute(
        delete(ConnectRequest).where(ConnectRequest.user_id == user_id, ConnectRequest.other_id == other_id)
    )
    return await connection_state(db, user_id, other_id)


async def connections(db: AsyncSession, user_id: int) -> list[dict[str, Any]]:
    """`GET /me/connections`: everyone connected to the person, with what each chose to share."""
    theirs = select(ConnectRequest.user_id).where(ConnectRequest.other_id == user_id)
    rows = await db.scalars(
        select(User)
        .join(ConnectRequest, ConnectRequest.other_id == User.id)
        .where(ConnectRequest.user_id == user_id, User.id.in_(theirs), User.active.is_(True))
        .order_by(func.lower(User.name), User.id)
    )
    return [{**public_profile(u), "connection": "connected", "contact": u.contact} for u in rows.all()]


# ---------------------------------------------------------------- who should not be recommended


async def exclusion_pairs(db: AsyncSession, user_id: int | None = None) -> set[frozenset[int]]:
    """Pairs never recommended to each other: a hide or a block either way, met (speed-networking
    partners or an accepted meeting) or a declined meeting. Only the pairs of `user_id` when given."""
    pairs: set[frozenset[int]] = set()
    hides = select(Hide.user_id, Hide.hidden_id)
    blocks = select(Block.blocker_id, Block.blocked_id)
    if user_id is not None:
        hides = hides.where(or_(Hide.user_id == user_id, Hide.hidden_id == user_id))
        blocks = blocks.where(or_(Block.blocker_id == user_id, Block.blocked_id == user_id))
    for a, b in [*(await db.execute(hides)).all(), *(await db.execute(blocks)).all()]:
        pairs.add(frozenset((a, b)))
    counted = or_(
        Meeting.kind == "speed", and_(Meeting.kind == "meeting", Meeting.status.in_(("accepted", "declined")))
    )
    members = select(MeetingMember.meeting_id, MeetingMember.user_id).join(
        Meeting, Meeting.id == MeetingMember.meeting_id
    )
    members = members.where(counted)
    if user_id is not None:
        mine = select(MeetingMember.meeting_id).where(MeetingMember.user_id == user_id)
        members = members.where(MeetingMember.meeting_id.in_(mine))
    groups: dict[int, list[int]] = {}
    for meeting_id, member in (await db.execute(members)).all():
        groups.setdefault(meeting_id, []).append(member)
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                pairs.add(frozenset((a, b)))
    return pairs
