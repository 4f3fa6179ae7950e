"""All tables; each area keeps its own module and is imported here so the metadata is complete."""

from conference.db.models.admin import AgendaChange, Announcement
from conference.db.models.core import (
    Bookmark,
    Conference,
    Login,
    Notification,
    RoundTable,
    Session,
    SessionSpeaker,
    SessionTheme,
    Speaker,
    Stage,
    TableSeat,
    Theme,
    User,
)
from conference.db.models.realtime import ChannelCounter, Message

__all__ = [
    "AgendaChange",
    "Announcement",
    "Bookmark",
    "ChannelCounter",
    "Conference",
    "Login",
    "Message",
    "Notification",
    "RoundTable",
    "Session",
    "SessionSpeaker",
    "SessionTheme",
    "Speaker",
    "Stage",
    "TableSeat",
    "Theme",
    "User",
]
