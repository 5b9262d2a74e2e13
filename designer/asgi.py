"""The ASGI application (``make run-prod``: uvicorn), with a bound on the requests that run
at once in this process.

Django runs each request's synchronous part on a thread of its own under ASGI, and each such
thread opens its own database connection (closed when the request ends: settings.py keeps no
persistent connections): 50 users at once on two processes asked for more connections than
PostgreSQL allows ("too many clients already", answered 500). At most ``ERD_WEB_CONCURRENCY``
requests of a process run; the others wait their turn in the event loop, holding neither a
thread nor a connection. Event streams (long-lived, idle) are not counted.
"""

import asyncio
import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
django_application = get_asgi_application()

STREAM_SUFFIX = "/events/"


class BoundedConcurrency:
    """An ASGI app that lets ``limit`` HTTP requests into ``app`` at once."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, max(1, limit)
        self._gate: asyncio.Semaphore | None = None  # made in the server's event loop

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("path", "").endswith(STREAM_SUFFIX):
            await self.app(scope, receive, send)
            return
        if self._gate is None:
            self._gate = asyncio.Semaphore(self.limit)
        async with self._gate:
            await self.app(scope, receive, send)


application = BoundedConcurrency(django_application, settings.WEB_CONCURRENCY)
