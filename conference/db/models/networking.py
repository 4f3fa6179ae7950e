"""Tables of networking: hides, connection requests, meetings (1:1 and speed rounds), rounds, settings,
and roundtable preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from conference.db.base import Base, utcnow


class Hide(Base):
    """ "No thanks": `user_id` never wants `hidden_id` recommended again."""

    __tablename__ = "hides"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    hidden_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConnectRequest(Base):
    """`user_id` asked to exchange contacts with `other_id`; a connection is both rows."""

    __tablename__ = "connect_requests"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkingRound(Base):
    """One speed-networking round of a networking session; its groups are meetings of kind "speed"."""

    __tablename__ = "networking_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the session
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    # People present who could not be placed without a repeat meeting, and the trio's members: both
    # are favoured to sit out of the next round's trio.
    unpaired: Mapped[list[int]] = mapped_column(JSON, default=list)


class Meeting(Base):
    """A 1:1 meeting (kind "meeting": requested, then accepted, declined or cancelled) or one pair or
    trio of a speed-networking round (kind "speed", accepted from the start). Who takes part is in
    `meeting_members`; its room is the channel `meeting:{id}`."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="meeting")  # meeting | speed
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    invitee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("networking_rounds.id", ondelete="CASCADE"), default=None, index=True
    )
    start: Mapped[datetime] = mapped_column(index=True)
    end: Mapped[datetime]
    message: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(String(300), default="")  # speed: why this group was formed
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class MeetingMember(Base):
    __tablename__ = "meeting_members"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MatchmakingSettings(Base):
    """The organiser's matchmaking settings (one row), as `MatchSettings.to_dict()`."""

    __tablename__ = "matchmaking_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)


class TablePreference(Base):
    """An attendee's ranking (best first, up to three) of the tables of a ranked roundtable session."""

    __tablename__ = "table_preferences"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tables: Mapped[list[int]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeatingRun(Base):
    """When a ranked roundtable session was seated, and who could not be."""

    __tablename__ = "seating_runs"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
    ran_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    unseated: Mapped[list[int]] = mapped_column(JSON, default=list)
    total_rank: Mapped[int] = mapped_column(Integer, default=0)
