"""The language of each page: the `lang` cookie, else the signed-in person's choice, else Accept-Language."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from conference import i18n
from conference.auth import credentials, current_viewer

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE_SECS = 365 * 24 * 3600
# The JSON API, the websocket and static files answer the same in every language.
UNLOCALISED_PREFIXES = ("/api/", "/static/", "/ws", "/healthz")


async def request_locale(request: Request) -> str:
    """The cookie wins (a choice made on this device), then the account's choice, then the browser's."""
    chosen = i18n.supported(request.cookies.get(LANG_COOKIE))
    if chosen:
        return chosen
    if credentials(request) is not None:
        # current_viewer keeps the viewer on the request's state, so the page does not look it up again.
        viewer = await current_viewer(request)
        if viewer is not None and i18n.supported(viewer.user.locale):
            return i18n.supported(viewer.user.locale) or i18n.DEFAULT_LOCALE
    return i18n.from_accept_language(request.headers.get("accept-language")) or i18n.DEFAULT_LOCALE


class LocaleMiddleware:
    """Sets the request's locale for templates and `gettext`, and says which language the page is in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLOCALISED_PREFIXES):
            await self.app(scope, receive, send)
            return
        locale = await request_locale(Request(scope))
        token = i18n.set_locale(locale)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-language", locale.encode()))
                headers.append((b"vary", b"Accept-Language, Cookie"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            i18n.reset_locale(token)
