"""``Idempotency-Key`` on the API's writes (``designer.idempotency`` does the work).

Two layers, because the key belongs to a user and the answer is only known at the end: the
key is claimed inside ninja's operation (after authentication, CSRF, the rate limit and
validation, so a call that is refused there never takes a key), and ``run_once`` runs
outside ninja, holding the whole call in one transaction with the key's row. A replay is an
exception inside the operation, answered by its handler with the stored response.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from designer.api.errors import ApiError
from designer.idempotency import (
    ERR_IN_PROGRESS,
    ERR_KEY,
    ERR_KEY_REUSED,
    HEADER,
    KeyRefused,
    Replay,
    claim,
    key_of,
    replayed,
    run_once,
)

__all__ = ["ERR_IN_PROGRESS", "ERR_KEY", "ERR_KEY_REUSED", "install", "run_once"]


def _operation(view_func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            key = key_of(request)
            if key is not None:
                request._idempotency_record = claim(request, key, request.user)  # type: ignore[attr-defined]
        except KeyRefused as refused:
            raise ApiError(refused.status, refused.code, refused.message, field=HEADER) from None
        return view_func(request, *args, **kwargs)

    return wrapper


def install(api: NinjaAPI) -> None:
    """Claim keys inside every operation; answer a replay with the stored response."""
    api.add_decorator(_operation, mode="operation")

    @api.exception_handler(Replay)
    def replay(request: HttpRequest, exc: Replay) -> HttpResponse:
        return replayed(exc.record)
