"""HTML pages: what anyone may read (landing, programme, sessions) and one's own account pages."""

from __future__ import annotations

from conference.web.pages import account, admin, language, networking, public, seating

routes = [
    *public.routes,
    *account.routes,
    *admin.routes,
    *networking.routes,
    *language.routes,
    *seating.routes,
]
