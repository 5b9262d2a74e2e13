"""``Idempotency-Key`` on the API's writes: a retried call gets the first answer again.

A client that cannot tell whether a write arrived (a timeout, a dropped connection) sends it
again with the same ``Idempotency-Key`` header. The same key, from the same user, on the same
route (method and path), within ``KEEP_SECONDS`` (a day), answers with the response stored
the first time (status, body, ETag, Location), marked ``Idempotent-Replayed: true``, and
writes nothing. The same key with another body or query string is refused with 422
(``idempotency_key_reused``). Only successful (2xx) answers are kept: a refused write
changed nothing, so sending it again simply runs it again.

Two layers, because the key belongs to a user and the answer is only known at the end:
``reserve`` runs inside ninja's operation (after authentication, CSRF, the rate limit and
validation) and inserts the key's row; ``around`` runs outside ninja and holds the whole
call in one transaction with that row, storing the answer beside the write or rolling both
back. The unique constraint on (user, route and key) makes a second process with the same
key wait for the first one's commit and then answer with its stored response.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI

from designer.api.errors import ApiError
from designer.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP_SECONDS = 24 * 3600
KEY_MAX = 255
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEPT_HEADERS = ("ETag", "Location", "Content-Disposition")
IN_PROGRESS = 0  # status of a row whose call has not answered yet
ERR_KEY = f"The {HEADER} header must be 1 to {KEY_MAX} visible ASCII characters."
ERR_KEY_REUSED = (
    f"This {HEADER} was used for a different request (another body or query) on this route "
    "within the last 24 hours. Nothing was written; use a new key for a new request."
)
ERR_IN_PROGRESS = f"A request with this {HEADER} is still running; try again in a moment."


class Replay(Exception):
    """The call was answered before: answer again with what was stored."""

    def __init__(self, record: IdempotentRequest) -> None:
        super().__init__(record.key)
        self.record = record


def _key(request: HttpRequest) -> str | None:
    if request.method not in WRITES:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= KEY_MAX or not all("!" <= ch <= "~" or ch == " " for ch in key):
        raise ApiError(422, "invalid_request", ERR_KEY, field=HEADER)
    return key


def _scope(request: HttpRequest, key: str) -> str:
    return hashlib.sha256(f"{request.method}\n{request.path}\n{key}".encode()).hexdigest()


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.META.get("QUERY_STRING", "").encode() + b"\n")
    if request.content_type == "multipart/form-data":
        # the body was parsed (and may be big): hash the fields and the files' bytes
        for name, values in sorted(request.POST.lists()):
            digest.update(repr((name, values)).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(repr((name, upload.name)).encode())
                upload.seek(0)
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def reserve(request: HttpRequest) -> None:
    """Inside the operation, once the caller is known: record the key as taken by this call,
    or raise ``Replay`` (answered before), or ApiError 422 (the key was used for another
    request) or 409 (its first call has not answered yet)."""
    key = _key(request)
    if key is None or not getattr(request, "_idempotency_held", False):
        return
    scope, fingerprint = _scope(request, key), _fingerprint(request)
    cutoff = timezone.now() - timedelta(seconds=KEEP_SECONDS)
    for _ in range(2):
        try:
            with transaction.atomic():
                IdempotentRequest.objects.filter(user=request.user, created_at__lt=cutoff).delete()
                record = IdempotentRequest.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method or "",
                    path=request.path,
                    scope=scope,
                    fingerprint=fingerprint,
                    status=IN_PROGRESS,
                    body=b"",
                )
        except IntegrityError:
            found = IdempotentRequest.objects.filter(user=request.user, scope=scope).first()
        else:
            request._idempotency_record = record  # type: ignore[attr-defined]
            return
        if found is None:
            continue  # purged in between: take the key now
        if found.fingerprint != fingerprint:
            raise ApiError(422, "idempotency_key_reused", ERR_KEY_REUSED, field=HEADER)
        if found.status == IN_PROGRESS:
            raise ApiError(409, "idempotency_in_progress", ERR_IN_PROGRESS, field=HEADER)
        raise Replay(found)
    raise ApiError(409, "idempotency_in_progress", ERR_IN_PROGRESS, field=HEADER)


def around(request: HttpRequest, call: Callable[[], HttpResponse]) -> HttpResponse:
    """Outside ninja: a write with a key runs in one transaction with its key's row; a 2xx
    answer is stored there, anything else rolls the call (and the key) back."""
    if request.method not in WRITES or HEADER not in request.headers:
        return call()
    request._idempotency_held = True  # type: ignore[attr-defined]
    with transaction.atomic():
        response = call()
        record: IdempotentRequest | None = getattr(request, "_idempotency_record", None)
        if record is None:
            return response  # a replay, or refused before the key was taken
        if 200 <= response.status_code < 300 and not response.streaming:
            record.status = response.status_code
            record.body = response.content
            record.headers = {
                "Content-Type": response.get("Content-Type", "application/json"),
                **{h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
            }
            record.save(update_fields=["status", "body", "headers"])
        else:
            transaction.set_rollback(True)
        return response


def replayed(record: IdempotentRequest) -> HttpResponse:
    headers = dict(record.headers)
    response = HttpResponse(
        bytes(record.body),
        status=record.status,
        content_type=headers.pop("Content-Type", "application/json"),
    )
    for name, value in headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response


def _operation(view_func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        reserve(request)
        return view_func(request, *args, **kwargs)

    return wrapper


def install(api: NinjaAPI) -> None:
    """Take keys inside every operation; answer a replay with the stored response."""
    api.add_decorator(_operation, mode="operation")

    @api.exception_handler(Replay)
    def replay(request: HttpRequest, exc: Replay) -> HttpResponse:
        return replayed(exc.record)
