"""The language switcher: remembers the choice in the `lang` cookie and, when signed in, on the account."""

from __future__ import annotations

from sqlalchemy import update
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from conference import i18n
from conference.auth import current_viewer, require_viewer
from conference.db.models import User
from conference.errors import Invalid
from conference.web.locale import LANG_COOKIE, LANG_COOKIE_MAX_AGE_SECS
from conference.web.pages.common import safe_next


async def choose_language(request: Request) -> Response:
    form = await request.form()
    code = i18n.supported(str(form.get("lang", "")))
    if code is None:
        raise Invalid("unknown language", {"lang": f"one of {', '.join(i18n.available_locales())}"})
    if await current_viewer(request) is not None:
        viewer = await require_viewer(request)  # checks the form's CSRF token
        async with request.app.state.db.session() as db:
            await db.execute(update(User).where(User.id == viewer.id).values(locale=code))
    response = RedirectResponse(safe_next(str(form.get("next", "")) or None), status_code=303)
    response.set_cookie(
        LANG_COOKIE, code, max_age=LANG_COOKIE_MAX_AGE_SECS, path="/", samesite="lax", httponly=False
    )
    return response


routes = [Route("/language", choose_language, methods=["POST"], name="choose_language")]
