"""Background services started by the app's lifespan, in order (each an async context manager factory)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from starlette.applications import Starlette

Service = Callable[[Starlette], AbstractAsyncContextManager[None]]

SERVICES: list[Service] = []
