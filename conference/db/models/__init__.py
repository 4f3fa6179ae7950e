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

__all__ = [
    "AgendaChange",
    "Announcement",
    "Bookmark",
    "Conference",
    "Login",
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
