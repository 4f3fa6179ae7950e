"""Jinja templates with the values every page needs (viewer, CSRF token, language, versioned static URLs)."""

from __future__ import annotations

import hashlib
import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from conference import i18n
from conference.streams import stream_embed

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
STATIC_PREFIX = "/static/"
STATIC_HASH_CHARS = 10


@cache
def _file_hash(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:STATIC_HASH_CHARS]


def static_url(path: str) -> str:
    """`/static/css/app.css?v=<hash of its content>`: browsers may keep it for a year, since any change
    to the file changes the address."""
    file = (STATIC_DIR / path).resolve()
    if not file.is_relative_to(STATIC_DIR) or not file.is_file():
        # A page must not fail over a missing stylesheet; the browser's request shows the 404.
        logger.warning("static_url: no static file %r", path)
        return f"{STATIC_PREFIX}{path}"
    stat = file.stat()
    return f"{STATIC_PREFIX}{path}?v={_file_hash(file, stat.st_mtime_ns, stat.st_size)}"


@cache
def _script_catalog_json(locale: str) -> str:
    # `<` and `&` escaped so the JSON can sit in a <script type="application/json"> block.
    text = json.dumps(i18n.script_catalog(locale), ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_context(request: Request) -> dict[str, Any]:
    viewer = getattr(request.state, "viewer", None)
    signer = request.app.state.signer
    locale = i18n.get_locale()
    return {
        "viewer": viewer,
        "user": viewer.user if viewer else None,
        "csrf_token": signer.csrf_token(viewer.login_id) if viewer else "",
        "locale": locale,
        "locales": [(code, i18n.locale_name(code)) for code in i18n.available_locales()],
        "script_catalog": Markup(_script_catalog_json(locale)),
    }


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[page_context])
templates.env.autoescape = True  # user text is never markup, whatever the template's extension
templates.env.add_extension("jinja2.ext.i18n")
# Callables, not a Translations object: they read the locale of the request being rendered, so
# concurrent requests in different languages never see each other's catalog.
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext, npgettext=i18n.npgettext
)
templates.env.globals["static_url"] = static_url
templates.env.globals["stream_embed"] = stream_embed  # the live room's player (sessions/_live.html)


def render_error(request: Request, status: int, message: str) -> Response:
    name = (
        f"errors/{status}.html"
        if (TEMPLATES_DIR / "errors" / f"{status}.html").is_file()
        else "errors/error.html"
    )
    return templates.TemplateResponse(
        request, name, {"status": status, "message": message}, status_code=status
    )
