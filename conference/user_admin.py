"""Organisers managing people: search, role changes, deactivation, and the registrations export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from conference import accounts
from conference.db.base import utcnow
from conference.db.models import Login, User
from conference.errors import Conflict, Invalid
from conference.validation import Fields

CSV_COLUMNS = ("id", "name", "email", "organisation", "org_type", "country", "role", "created_at")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def admin_user_dict(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "organisation": user.organisation,
        "org_type": user.org_type,
        "country": user.country,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at.isoformat(),
    }


@dataclass(frozen=True)
class UserChange:
    role: str | None
    active: bool | None

    @classmethod
    def parse(cls, data: Any) -> UserChange:
        fields = Fields(data)
        role = fields.choice("role", accounts.ROLES) if fields.has("role") else None
        active = fields.boolean("active") if fields.has("active") else None
        for name in sorted(set(fields.data) - {"role", "active"}):
            fields.fail(name, "only role and active can be changed here")
        if role is None and active is None and not fields.problems:
            fields.fail("body", "send role or active")
        fields.check()
        return cls(role=role, active=active)


async def search(
    db: AsyncSession, *, q: str = "", role: str | None = None, page: int = 1, per_page: int = 25
) -> dict[str, Any]:
    """People by name, e-mail or organisation (case-insensitive), newest first."""
    query = select(User)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(User.name).like(pattern),
                func.lower(User.email).like(pattern),
                func.lower(User.organisation).like(pattern),
            )
        )
    if role:
        if role not in accounts.ROLES:
            raise Invalid("unknown role", {"role": "must be one of " + ", ".join(accounts.ROLES)})
        query = query.where(User.role == role)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await db.scalars(query.order_by(User.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return {
        "items": [admin_user_dict(u) for u in rows],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // per_page)),
    }


async def change_user(db: AsyncSession, organiser_id: int, user_id: int, change: UserChange) -> User:
    """Applies a role change or (de)activation; deactivation also ends every login of the user.

    An organiser may not demote or deactivate themself, so the platform always keeps one organiser who
    can undo a mistake.
    """
    user = await accounts.get_user(db, user_id)
    if user_id == organiser_id and (
        (change.role is not None and change.role != "organiser") or change.active is False
    ):
        raise Conflict(
            "you cannot demote or deactivate yourself; ask another organiser",
            {"role" if change.role is not None else "active": "not for your own account"},
        )
    if change.role is not None:
        user.role = change.role
    if change.active is not None:
        user.active = change.active
        if not change.active:
            await db.execute(
                update(Login)
                .where(Login.user_id == user_id, Login.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
    await db.flush()
    return user


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


async def registrations_csv(db: AsyncSession) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for user in (await db.scalars(select(User).order_by(User.id))).all():
        row = admin_user_dict(user)
        writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()
