"""Video rooms (Jitsi Meet by default) for breakout rooms, roundtable tables and 1:1 meetings."""

from __future__ import annotations

import json
from urllib.parse import quote

from conference.security import Signer
from conference.settings import Settings

KINDS = ("breakout", "table", "meeting")


def room_name(signer: Signer, kind: str, room_id: int) -> str:
    """A name nobody can work out from another room's name: derived from the secret key."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of video room {kind!r}")
    return "room" + signer.derive("video", f"{kind}:{room_id}", length=24)


def video_url(
    settings: Settings, signer: Signer, kind: str, room_id: int, display_name: str | None = None
) -> str:
    """The address of the video room of a breakout room, table or meeting, with the person's name
    filled in when given (Jitsi reads `#userInfo.displayName=<JSON string>`)."""
    url = f"{settings.video_base_url.rstrip('/')}/{room_name(signer, kind, room_id)}"
    if display_name:
        # Jitsi URI-decodes each `key=value` of the fragment, then parses the value as JSON; encoding
        # everything (quotes, &, =, #) keeps a name from ending the value or adding a parameter.
        value = quote(json.dumps(display_name, ensure_ascii=False), safe="")
        url += f"#userInfo.displayName={value}"
    return url


def video_url_for(state: object, kind: str, room_id: int, display_name: str | None = None) -> str:
    """`video_url` from an app's state (`request.app.state`), which holds the settings and signer."""
    return video_url(state.settings, state.signer, kind, room_id, display_name)  # type: ignore[attr-defined]
