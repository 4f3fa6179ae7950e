"""How a session's `stream_url` is shown: an embedded player (iframe), a `<video>`, or a plain link."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com"})
YOUTUBE_HOSTS |= {"www.youtube-nocookie.com"}
VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
# Played by the browser's own <video> element (HLS natively in Safari; elsewhere the page links to it).
VIDEO_SUFFIXES = (".m3u8", ".mp4", ".webm")


@dataclass(frozen=True)
class StreamEmbed:
    kind: Literal["iframe", "video"]
    src: str
    provider: str  # "youtube", "vimeo", "hls", "file" or "web": names the player for people and tests
    url: str  # the address as the organisers gave it, for the "open in a new tab" link


def stream_embed(url: str | None) -> StreamEmbed | None:
    """The player for a stream address, or None when there is none or it is not http(s)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    host = (parts.hostname or "").lower()
    path = parts.path
    if host in YOUTUBE_HOSTS or host == "youtu.be":
        video_id = _youtube_id(host, path, parts.query)
        if video_id:
            return StreamEmbed("iframe", f"https://www.youtube-nocookie.com/embed/{video_id}", "youtube", url)
    if host in VIMEO_HOSTS:
        src = _vimeo_src(host, path)
        if src:
            return StreamEmbed("iframe", src, "vimeo", url)
    if path.lower().endswith(VIDEO_SUFFIXES):
        provider = "hls" if path.lower().endswith(".m3u8") else "file"
        return StreamEmbed("video", url, provider, url)
    return StreamEmbed("iframe", url, "web", url)


def _youtube_id(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        candidate = path.strip("/").split("/")[0]
    elif path == "/watch":
        candidate = (parse_qs(query).get("v") or [""])[0]
    else:
        pieces = path.strip("/").split("/")
        candidate = pieces[1] if len(pieces) >= 2 and pieces[0] in ("embed", "live", "shorts") else ""
    return candidate if YOUTUBE_ID.match(candidate) else None


def _vimeo_src(host: str, path: str) -> str | None:
    pieces = path.strip("/").split("/")
    if host == "player.vimeo.com" and len(pieces) >= 2 and pieces[0] == "video" and pieces[1].isdigit():
        return f"https://player.vimeo.com/video/{pieces[1]}"
    if pieces and pieces[0].isdigit():
        return f"https://player.vimeo.com/video/{pieces[0]}"
    if len(pieces) >= 2 and pieces[0] == "event" and pieces[1].isdigit():
        return f"https://vimeo.com/event/{pieces[1]}/embed"
    return None
