"""Accounts and profiles: registration, sign-in, logins, roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from conference.db.base import utcnow
from conference.db.models import Login, Theme, User
from conference.errors import Conflict, Invalid, NotFound
from conference.matchmaking.model import INTENTS, ORG_TYPES
from conference.security import hash_password
from conference.validation import Fields, language_codes

ROLES = ("attendee", "speaker", "moderator", "organiser")
PROFILE_FIELDS = (
    "name",
    "organisation",
    "org_type",
    "job_title",
    "country",
    "themes",
    "offers",
    "seeks",
    "languages",
    "timezone",
    "bio",
    "listed",
    "contact",
)


def role_at_least(role: str, minimum: str) -> bool:
    return ROLES.index(role) >= ROLES.index(minimum)


async def theme_slugs(db: AsyncSession) -> list[str]:
    return list((await db.scalars(select(Theme.slug).order_by(Theme.position))).all())


def parse_profile(fields: Fields, themes: list[str], *, partial: bool) -> dict[str, Any]:
    """The profile fields present in the input (all of them when not `partial`), validated."""
    out: dict[str, Any] = {}

    def wanted(name: str) -> bool:
        return not partial or fields.has(name)

    if wanted("name"):
        out["name"] = fields.text("name", required=True, max_length=120)
    if wanted("organisation"):
        out["organisation"] = fields.text("organisation", max_length=200)
    if wanted("org_type"):
        out["org_type"] = fields.choice("org_type", ORG_TYPES, default="other")
    if wanted("job_title"):
        out["job_title"] = fields.text("job_title", max_length=200)
    if wanted("country"):
        out["country"] = fields.country("country")
    if wanted("themes"):
        out["themes"] = fields.string_list("themes", themes)
    if wanted("offers"):
        out["offers"] = fields.string_list("offers", INTENTS)
    if wanted("seeks"):
        out["seeks"] = fields.string_list("seeks", INTENTS)
    if wanted("languages"):
        out["languages"] = fields.string_list("languages", language_codes(), max_items=10)
    if wanted("timezone"):
        out["timezone"] = fields.timezone("timezone", default="Europe/Paris")
    if wanted("bio"):
        out["bio"] = fields.text("bio", max_length=1000)
    if wanted("listed"):
        out["listed"] = fields.boolean("listed", default=True)
    if wanted("contact"):
        out["contact"] = fields.text("contact", max_length=300)
    return out


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    profile: dict[str, Any]

    @classmethod
    def parse(cls, data: Any, themes: list[str]) -> Registration:
        fields = Fields(data)
        email = fields.email("email")
        password = fields.data.get("password")
        if not isinstance(password, str) or not password:
            fields.fail("password", "is required")
            password = ""
        elif len(password) < 8:
            fields.fail("password", "must be at least 8 characters")
        elif len(password) > 200:
            fields.fail("password", "must be at most 200 characters")
        profile = parse_profile(fields, themes, partial=False)
        fields.check()
        return cls(email=email, password=password, profile=profile)


async def create_user(
    db: AsyncSession,
    email: str,
    password: str,
    profile: dict[str, Any],
    role: str = "attendee",
    hash_cost: int = 15,
) -> User:
    """Creates the account; Conflict when the e-mail is taken (case-insensitively)."""
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}", {"role": "must be one of " + ", ".join(ROLES)})
    email = email.strip().lower()
    if await db.scalar(select(User.id).where(User.email == email)):
        raise Conflict("an account with this e-mail already exists", {"email": "is already registered"})
    user = User(email=email, password_hash=await hash_password(password, hash_cost), role=role, **profile)
    db.add(user)
    try:
        async with db.begin_nested():
            await db.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict(
            "an account with this e-mail already exists", {"email": "is already registered"}
        ) from exc
    return user


async def user_by_email(db: AsyncSession, email: str) -> User | None:
    return await db.scalar(select(User).where(User.email == email.strip().lower()))


async def get_user(db: AsyncSession, user_id: int) -> User:
    user = await db.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


async def start_login(db: AsyncSession, user: User) -> Login:
    login = Login(user_id=user.id)
    db.add(login)
    await db.flush()
    return login


async def end_login(db: AsyncSession, login_id: int) -> None:
    await db.execute(update(Login).where(Login.id == login_id).values(revoked_at=utcnow()))


async def active_login(db: AsyncSession, login_id: int) -> tuple[Login, User] | None:
    row = (
        await db.execute(
            select(Login, User)
            .join(User, User.id == Login.user_id)
            .where(Login.id == login_id, Login.revoked_at.is_(None), User.active.is_(True))
        )
    ).first()
    return (row[0], row[1]) if row else None


async def has_organiser(db: AsyncSession) -> bool:
    return bool(await db.scalar(select(func.count()).select_from(User).where(User.role == "organiser")))


def profile_dict(user: User, *, private: bool = False) -> dict[str, Any]:
    """SPEC's Profile; `private` adds what only the person themself sees (e-mail, role, and `contact`,
    which otherwise only their connections see)."""
    out = {
        "id": user.id,
        "name": user.name,
        "organisation": user.organisation,
        "org_type": user.org_type,
        "job_title": user.job_title,
        "country": user.country,
        "themes": list(user.themes),
        "offers": list(user.offers),
        "seeks": list(user.seeks),
        "languages": list(user.languages),
        "timezone": user.timezone,
        "bio": user.bio,
        "listed": user.listed,
    }
    if private:
        out["email"] = user.email
        out["role"] = user.role
        out["contact"] = user.contact
    return out
