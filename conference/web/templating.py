"""Jinja templates with the values every page needs (viewer, CSRF token, conference)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from conference.streams import stream_embed

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"


def page_context(request: Request) -> dict[str, Any]:
    viewer = getattr(request.state, "viewer", None)
    signer = request.app.state.signer
    return {
        "viewer": viewer,
        "user": viewer.user if viewer else None,
        "csrf_token": signer.csrf_token(viewer.login_id) if viewer else "",
    }


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[page_context])
templates.env.autoescape = True  # user text is never markup, whatever the template's extension
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
