"""GET /healthz: 200 when the database and the broker answer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def healthz(request: Request) -> JSONResponse:
    checks = {}
    try:
        await request.app.state.db.ping()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001  (any failure means "not healthy", reported as text)
        checks["database"] = f"error: {exc.__class__.__name__}"
    hub = getattr(request.app.state, "hub", None)
    if hub is not None:
        try:
            await hub.ping()
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status_code=200 if healthy else 503
    )


routes = [Route("/healthz", healthz)]
