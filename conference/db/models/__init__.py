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
from conference.db.models.rooms import (
    Block,
    ChannelSetting,
    Mute,
    Poll,
    PollVote,
    Question,
    QuestionVote,
    Report,
    SlowModeMark,
)

__all__ = [
    "AgendaChange",
    "Announcement",
    "Block",
    "Bookmark",
    "ChannelCounter",
    "ChannelSetting",
    "Conference",
    "Login",
    "Message",
    "Mute",
    "Notification",
    "Poll",
    "PollVote",
    "Question",
    "QuestionVote",
    "Report",
    "RoundTable",
    "Session",
    "SessionSpeaker",
    "SessionTheme",
    "SlowModeMark",
    "Speaker",
    "Stage",
    "TableSeat",
    "Theme",
    "User",
]
