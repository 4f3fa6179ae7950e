"""Which player a stream address gets."""

from __future__ import annotations

import pytest

from conference.streams import StreamEmbed, stream_embed


@pytest.mark.parametrize(
    ("url", "kind", "src", "provider"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "iframe",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "youtube",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ?t=3",
            "iframe",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "youtube",
        ),
        (
            "https://www.youtube.com/live/dQw4w9WgXcQ",
            "iframe",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "youtube",
        ),
        ("https://vimeo.com/76979871", "iframe", "https://player.vimeo.com/video/76979871", "vimeo"),
        ("https://vimeo.com/event/123", "iframe", "https://vimeo.com/event/123/embed", "vimeo"),
        ("https://cdn.example.org/live/main.m3u8", "video", "https://cdn.example.org/live/main.m3u8", "hls"),
        ("https://cdn.example.org/talk.mp4", "video", "https://cdn.example.org/talk.mp4", "file"),
        ("https://player.example.org/embed/9", "iframe", "https://player.example.org/embed/9", "web"),
    ],
)
def test_stream_embed_picks_player(url, kind, src, provider):
    assert stream_embed(url) == StreamEmbed(kind, src, provider, url)


@pytest.mark.parametrize("url", [None, "", "javascript:alert(1)", "ftp://example.org/x", "https://"])
def test_stream_embed_refuses_non_web_addresses(url):
    assert stream_embed(url) is None
