"""1:1 meetings: request, accept, decline, cancel; conflicts, conference hours, a daily cap, and the
free slots two people have in common."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from conference import people, programme
from conference.db.base import utcnow
from conference.db.models import Bookmark, Meeting, MeetingMember, Notification, Session, User
from conference.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from conference.realtime.channels import meeting_channel
from conference.validation import Fields

DEFAULT_MINUTES = 15
MIN_MINUTES, MAX_MINUTES = 5, 60
MAX_MESSAGE_CHARS = 1000
# Requests one person may send per day (conference time), cancelled ones included: enough to plan a
# day of meetings, too few to spam the directory.
MAX_REQUESTS_PER_DAY = 8
SLOT_MINUTES = 15
# Sessions that leave people free to meet (the networking sessions exist for it).
FREE_KINDS = ("networking", "break")


@dataclass(frozen=True)
class MeetingRequest:
    invitee_id: int
    start: datetime
    duration_minutes: int
    message: str

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @classmethod
    def parse(cls, data: Any) -> MeetingRequest:
        fields = Fields(data)
        invitee_id = fields.integer("invitee_id", required=True, minimum=1)
        start = fields.datetime("start", required=True)
        minutes = fields.integer("duration_minutes", minimum=MIN_MINUTES, maximum=MAX_MINUTES)
        message = fields.text("message", max_length=MAX_MESSAGE_CHARS)
        fields.check()
        assert invitee_id is not None and start is not None
        return cls(invitee_id, start, minutes or DEFAULT_MINUTES, message)


# ---------------------------------------------------------------- when meetings may happen


@dataclass(frozen=True)
class Hours:
    """When the conference runs: its days' hours and its networking sessions (UTC intervals)."""

    tz: ZoneInfo
    days: list[date]
    daily_start: time
    daily_end: time
    networking: list[tuple[datetime, datetime, str]]

    def day_windows(self) -> list[tuple[datetime, datetime]]:
        return [
            (
                datetime.combine(day, self.daily_start, self.tz),
                datetime.combine(day, self.daily_end, self.tz),
            )
            for day in self.days
        ]

    def contains(self, start: datetime, end: datetime) -> bool:
        windows = self.day_windows() + [(s, e) for s, e, _ in self.networking]
        return any(low <= start and end <= high for low, high in windows)

    def describe(self) -> str:
        first, last = self.days[0], self.days[-1]
        return (
            f"{self.daily_start:%H:%M}–{self.daily_end:%H:%M} {self.tz.key} from {first.isoformat()} to "
            f"{last.isoformat()}, or a networking session"
        )


async def conference_hours(db: AsyncSession) -> Hours:
    conference = await programme.get_conference(db)
    tz = ZoneInfo(conference.timezone)
    days = []
    day = conference.start_date
    while day <= conference.end_date:
        days.append(day)
        day += timedelta(days=1)
    rows = await db.scalars(select(Session).where(Session.kind == "networking").order_by(Session.start))
    return Hours(
        tz=tz,
        days=days,
        daily_start=time.fromisoformat(conference.daily_start),
        daily_end=time.fromisoformat(conference.daily_end),
        networking=[(s.start, s.end, s.title) for s in rows.all()],
    )


async def conflict_for(
    db: AsyncSession, user_id: int, start: datetime, end: datetime, ignore: int | None = None
) -> tuple[str, str] | None:
    """What keeps the person busy between start and end: ("another meeting", "") or ("session", its
    title) from their agenda; None when they are free."""
    meeting = await db.scalar(
        select(Meeting.id)
        .join(MeetingMember, MeetingMember.meeting_id == Meeting.id)
        .where(
            MeetingMember.user_id == user_id,
            Meeting.kind == "meeting",
            Meeting.status == "accepted",
            Meeting.start < end,
            Meeting.end > start,
            Meeting.id != (ignore or 0),
        )
        .limit(1)
    )
    if meeting is not None:
        return "another meeting", ""
    title = await db.scalar(
        select(Session.title)
        .join(Bookmark, Bookmark.session_id == Session.id)
        .where(
            Bookmark.user_id == user_id,
            Session.kind.not_in(FREE_KINDS),
            Session.start < end,
            Session.end > start,
        )
        .limit(1)
    )
    return ("session", title) if title is not None else None


async def check_free(
    db: AsyncSession, requester: User, invitee: User, start: datetime, end: datetime, ignore: int | None
) -> None:
    """409 naming who is taken, when either person is busy between start and end."""
    for person, field, you in ((requester, "start", True), (invitee, "invitee_id", False)):
        found = await conflict_for(db, person.id, start, end, ignore)
        if found is not None:
            what, title = found
            whose = "your" if you else "their"
            busy = f'"{title}" in {whose} agenda' if what == "session" else "another meeting"
            message = f"{'You have' if you else 'They have'} {busy} then"
            raise Conflict(f"{message}; pick another time", {field: message})


async def _lock_people(db: AsyncSession, ids: list[int]) -> None:
    # Postgres: requests and accepts touching the same person queue here, so two overlapping meetings
    # cannot both be accepted. SQLite writers are already serialised by BEGIN IMMEDIATE.
    await db.execute(select(User.id).where(User.id.in_(sorted(ids))).order_by(User.id).with_for_update())


# ---------------------------------------------------------------- the life cycle


async def _check_daily_cap(db: AsyncSession, user_id: int, tz: ZoneInfo) -> None:
    local_now = utcnow().astimezone(tz)
    day_start = datetime.combine(local_now.date(), time(0), tz)
    sent = await db.scalar(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.kind == "meeting", Meeting.requester_id == user_id, Meeting.created_at >= day_start)
    )
    if (sent or 0) >= MAX_REQUESTS_PER_DAY:
        wait = (day_start + timedelta(days=1) - local_now).total_seconds()
        raise RateLimited(
            f"you have sent {MAX_REQUESTS_PER_DAY} meeting requests today, the most a day allows; "
            "try again tomorrow",
            wait,
        )


async def request(db: AsyncSession, requester: User, wanted: MeetingRequest) -> tuple[Meeting, User]:
    """Records a pending request (201). 403 when blocked, 422 outside the conference hours, 409 when
    either person is taken then, 429 past the daily cap."""
    if wanted.invitee_id == requester.id:
        raise Invalid("you cannot meet yourself", {"invitee_id": "is yourself"})
    invitee = await db.get(User, wanted.invitee_id)
    if invitee is None or not invitee.active:
        raise NotFound(f"no person {wanted.invitee_id}")
    await people.require_not_blocked(db, requester.id, invitee.id, "ask for a meeting with")
    hours = await conference_hours(db)
    if not hours.contains(wanted.start, wanted.end):
        raise Invalid(
            "a meeting must lie within the conference hours: " + hours.describe(),
            {"start": "outside the conference hours and networking sessions"},
        )
    await _check_daily_cap(db, requester.id, hours.tz)
    await _lock_people(db, [requester.id, invitee.id])
    await check_free(db, requester, invitee, wanted.start, wanted.end, None)
    meeting = Meeting(
        kind="meeting",
        status="pending",
        requester_id=requester.id,
        invitee_id=invitee.id,
        start=wanted.start,
        end=wanted.end,
        message=wanted.message,
    )
    db.add(meeting)
    await db.flush()
    db.add_all([MeetingMember(meeting_id=meeting.id, user_id=uid) for uid in (requester.id, invitee.id)])
    _notify(db, invitee.id, "meeting.requested", meeting, requester)
    await db.flush()
    return meeting, invitee


async def get_meeting(db: AsyncSession, meeting_id: int) -> Meeting:
    meeting = await db.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting {meeting_id}")
    return meeting


async def members(db: AsyncSession, meeting_id: int) -> list[User]:
    rows = await db.scalars(
        select(User)
        .join(MeetingMember, MeetingMember.user_id == User.id)
        .where(MeetingMember.meeting_id == meeting_id)
        .order_by(User.id)
    )
    return list(rows.all())


async def _own_meeting(db: AsyncSession, user: User, meeting_id: int) -> tuple[Meeting, list[User]]:
    meeting = await get_meeting(db, meeting_id)
    group = await members(db, meeting_id)
    if user.id not in {m.id for m in group}:
        raise NotFound(f"no meeting {meeting_id}")  # others' meetings do not show
    if meeting.kind != "meeting":
        raise Conflict("speed-networking meetings end with their round; there is nothing to answer")
    return meeting, group


async def accept(db: AsyncSession, user: User, meeting_id: int) -> tuple[Meeting, list[User]]:
    meeting, group = await _own_meeting(db, user, meeting_id)
    if meeting.invitee_id != user.id:
        raise Forbidden("only the person invited can accept")
    if meeting.status != "pending":
        raise Conflict(f"this meeting is {meeting.status}; only a pending request can be accepted")
    await people.require_not_blocked(db, meeting.requester_id or 0, user.id, "meet")
    await _lock_people(db, [m.id for m in group])
    invitee = next(m for m in group if m.id == user.id)
    requester = next(m for m in group if m.id == meeting.requester_id)
    await check_free(db, invitee, requester, meeting.start, meeting.end, meeting.id)
    _change(meeting, "accepted")
    _notify(db, requester.id, "meeting.accepted", meeting, invitee)
    await db.flush()
    return meeting, group


async def decline(db: AsyncSession, user: User, meeting_id: int) -> tuple[Meeting, list[User]]:
    meeting, group = await _own_meeting(db, user, meeting_id)
    if meeting.invitee_id != user.id:
        raise Forbidden("only the person invited can decline")
    if meeting.status != "pending":
        raise Conflict(f"this meeting is {meeting.status}; only a pending request can be declined")
    _change(meeting, "declined")
    _notify(db, meeting.requester_id or 0, "meeting.declined", meeting, user)
    await db.flush()
    return meeting, group


async def cancel(db: AsyncSession, user: User, meeting_id: int) -> tuple[Meeting, list[User]]:
    meeting, group = await _own_meeting(db, user, meeting_id)
    if meeting.status not in ("pending", "accepted"):
        raise Conflict(f"this meeting is already {meeting.status}")
    _change(meeting, "cancelled", by=user.id)
    for other in group:
        if other.id != user.id:
            _notify(db, other.id, "meeting.cancelled", meeting, user)
    await db.flush()
    return meeting, group


async def cancel_between(db: AsyncSession, a: int, b: int, by: int) -> list[tuple[Meeting, list[User]]]:
    """Cancels the pending and accepted 1:1 meetings of two people (one blocked the other)."""
    mine = select(MeetingMember.meeting_id).where(MeetingMember.user_id == a)
    theirs = select(MeetingMember.meeting_id).where(MeetingMember.user_id == b)
    rows = await db.scalars(
        select(Meeting).where(
            Meeting.kind == "meeting",
            Meeting.status.in_(("pending", "accepted")),
            Meeting.id.in_(mine),
            Meeting.id.in_(theirs),
        )
    )
    changed = []
    for meeting in rows.all():
        _change(meeting, "cancelled", by=by)
        changed.append((meeting, await members(db, meeting.id)))
    await db.flush()
    return changed


def _change(meeting: Meeting, status: str, by: int | None = None) -> None:
    meeting.status = status
    meeting.updated_at = utcnow()
    if by is not None:
        meeting.cancelled_by = by


def _notify(db: AsyncSession, user_id: int, kind: str, meeting: Meeting, actor: User) -> None:
    """A stored notification, so that people offline when it happened see it later."""
    db.add(
        Notification(
            user_id=user_id,
            kind=kind,
            data={"meeting_id": meeting.id, "start": meeting.start.isoformat(), "by": actor.name},
        )
    )


# ---------------------------------------------------------------- views


def meeting_view(meeting: Meeting, group: list[User], viewer_id: int | None, tz: ZoneInfo) -> dict[str, Any]:
    """A meeting as one of its people sees it (times in `tz`)."""
    by_id = {u.id: u for u in group}
    requester = by_id.get(meeting.requester_id or 0)
    invitee = by_id.get(meeting.invitee_id or 0)
    return {
        "id": meeting.id,
        "kind": meeting.kind,
        "status": meeting.status,
        "start": meeting.start.astimezone(tz).isoformat(),
        "end": meeting.end.astimezone(tz).isoformat(),
        "duration_minutes": round((meeting.end - meeting.start).total_seconds() / 60),
        "message": meeting.message,
        "reason": meeting.reason,
        "requester": people.brief(requester) if requester else None,
        "invitee": people.brief(invitee) if invitee else None,
        "members": [people.brief(u) for u in group],
        "with": [people.brief(u) for u in group if u.id != viewer_id],
        "role": (
            "requester"
            if viewer_id is not None and viewer_id == meeting.requester_id
            else "invitee"
            if viewer_id is not None and viewer_id == meeting.invitee_id
            else "member"
        ),
        "round_id": meeting.round_id,
        "channel": meeting_channel(meeting.id),
        "created_at": meeting.created_at.isoformat(),
        "updated_at": meeting.updated_at.isoformat(),
    }


async def my_meetings(
    db: AsyncSession, user_id: int, tz: ZoneInfo, *, kind: str = "meeting", statuses: tuple[str, ...] = ()
) -> list[tuple[Meeting, list[User]]]:
    query = (
        select(Meeting)
        .join(MeetingMember, MeetingMember.meeting_id == Meeting.id)
        .where(MeetingMember.user_id == user_id, Meeting.kind == kind)
        .order_by(Meeting.start, Meeting.id)
    )
    if statuses:
        query = query.where(Meeting.status.in_(statuses))
    found = list((await db.scalars(query)).all())
    groups = await _groups(db, [m.id for m in found])
    return [(m, groups.get(m.id, [])) for m in found]


async def _groups(db: AsyncSession, meeting_ids: list[int]) -> dict[int, list[User]]:
    if not meeting_ids:
        return {}
    rows = await db.execute(
        select(MeetingMember.meeting_id, User)
        .join(User, User.id == MeetingMember.user_id)
        .where(MeetingMember.meeting_id.in_(meeting_ids))
        .order_by(User.id)
    )
    groups: dict[int, list[User]] = {}
    for meeting_id, user in rows.all():
        groups.setdefault(meeting_id, []).append(user)
    return groups


async def is_member(db: AsyncSession, user: User, meeting_id: int) -> bool:
    """Who may join `meeting:{id}`: its people, once the meeting is accepted (speed groups always)."""
    meeting = await db.get(Meeting, meeting_id)
    if meeting is None or meeting.status != "accepted":
        return False
    found = await db.scalar(
        select(MeetingMember.user_id).where(
            MeetingMember.meeting_id == meeting_id, MeetingMember.user_id == user.id
        )
    )
    return found is not None


# ---------------------------------------------------------------- free slots of two people


async def slots(db: AsyncSession, viewer: User, other: User, tz: ZoneInfo) -> dict[str, Any]:
    """`GET /people/{id}/slots`: the other person's free 15-minute slots in the conference hours, in
    the viewer's zone and in theirs side by side, each saying whether the viewer is free too."""
    hours = await conference_hours(db)
    their_tz = ZoneInfo(other.timezone or hours.tz.key)
    windows = hours.day_windows()
    busy = await _busy(db, [viewer.id, other.id])
    items = []
    step = timedelta(minutes=SLOT_MINUTES)
    for low, high in windows:
        start = low
        while start + step <= high:
            end = start + step
            if not _overlaps(busy.get(other.id, []), start, end):
                networking = next((t for s, e, t in hours.networking if s <= start and end <= e), None)
                items.append(
                    {
                        "start": start.astimezone(tz).isoformat(),
                        "end": end.astimezone(tz).isoformat(),
                        "their_start": start.astimezone(their_tz).isoformat(),
                        "their_end": end.astimezone(their_tz).isoformat(),
                        "conference_start": start.astimezone(hours.tz).isoformat(),
                        "you_free": not _overlaps(busy.get(viewer.id, []), start, end),
                        "networking": networking,
                    }
                )
            start = end
    return {
        "person": people.brief(other),
        "timezone": tz.key,
        "their_timezone": their_tz.key,
        "conference_timezone": hours.tz.key,
        "duration_minutes": SLOT_MINUTES,
        "slots": items,
    }


def _overlaps(intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return any(s < end and e > start for s, e in intervals)


async def _busy(db: AsyncSession, user_ids: list[int]) -> dict[int, list[tuple[datetime, datetime]]]:
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    sessions = await db.execute(
        select(Bookmark.user_id, Session.start, Session.end)
        .join(Session, Session.id == Bookmark.session_id)
        .where(Bookmark.user_id.in_(user_ids), Session.kind.not_in(FREE_KINDS))
    )
    meetings = await db.execute(
        select(MeetingMember.user_id, Meeting.start, Meeting.end)
        .join(Meeting, Meeting.id == MeetingMember.meeting_id)
        .where(
            MeetingMember.user_id.in_(user_ids),
            and_(Meeting.kind == "meeting", Meeting.status == "accepted"),
        )
    )
    for user_id, start, end in [*sessions.all(), *meetings.all()]:
        busy.setdefault(user_id, []).append((start, end))
    return busy


async def accepted_for_agenda(db: AsyncSession, user_id: int) -> list[tuple[Meeting, list[User]]]:
    """Accepted 1:1 meetings of a person, for My agenda and its calendar file."""
    return await my_meetings(db, user_id, ZoneInfo("UTC"), statuses=("accepted",))
