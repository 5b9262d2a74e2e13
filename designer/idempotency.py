"""A write sent with an ``Idempotency-Key`` header is applied once.

A client that cannot tell whether a write arrived (a timeout, a dropped connection) sends it
again with the same key. The same key, from the same user, on the same route (method and
path), within ``KEEP_SECONDS`` (a day) gets the response stored the first time (status, body,
and the headers in ``KEPT_HEADERS``), marked ``Idempotent-Replayed: true``, and nothing is
written. The same key with another body or query string is refused (``KeyRefused``). Only
answers below 400 are kept (a success, or the redirect a form answers with): a refused write
changed nothing, so its key is dropped and sending it again simply runs it again.

The write and its key's row are one transaction (``run_once``): the answer is stored beside
the write, and an exception rolls back both. The unique constraint on (user, route and key) makes a
second process with the same key wait for the first one's commit, then answer with the
stored response: no lock in memory, so it holds across processes and hosts.

Used by the JSON API (``designer/api/idempotency.py``, after its own authentication) and, for
the browser, by ``IdempotencyMiddleware``: ``static/js/once.js`` gives every htmx POST of a
form a key that lives until an answer arrives, so a retry after a lost answer is not applied
twice (an add of an unnamed key, a comment, a share link).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from designer.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP_SECONDS = 24 * 3600
KEY_MAX = 255
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# what a replay must carry besides the body: the API's ETag and Location, htmx's instructions
KEPT_HEADERS = ("Content-Type", "ETag", "Location", "Content-Disposition")
IN_PROGRESS = 0  # status of a row whose call has not answered yet
ERR_KEY = f"The {HEADER} header must be 1 to {KEY_MAX} visible ASCII characters."
ERR_KEY_REUSED = (
    f"This {HEADER} was used for a different request (another body or query) on this route "
    "within the last 24 hours. Nothing was written; use a new key for a new request."
)
ERR_IN_PROGRESS = f"A request with this {HEADER} is still running; try again in a moment."


class KeyRefused(Exception):
    """The key cannot be used: malformed (``ERR_KEY``), reused for another request
    (``ERR_KEY_REUSED``) or still running (``ERR_IN_PROGRESS``)."""

    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


class Replay(Exception):
    """The call was answered before: answer again with what was stored."""

    def __init__(self, record: IdempotentRequest) -> None:
        super().__init__(record.key)
        self.record = record


def key_of(request: HttpRequest) -> str | None:
    """The request's key, None for a read or a write without one; KeyRefused if malformed."""
    if request.method not in WRITES:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= KEY_MAX or not all("!" <= ch <= "~" or ch == " " for ch in key):
        raise KeyRefused(ERR_KEY, 422, "invalid_request")
    return key


def fingerprint(request: HttpRequest) -> str:
    """A hash of what the request asks: its query string and body (a multipart body, which
    may be big and is parsed already, by its fields and the files' bytes)."""
    digest = hashlib.sha256(request.META.get("QUERY_STRING", "").encode() + b"\n")
    if request.content_type == "multipart/form-data":
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


def claim(request: HttpRequest, key: str, user: Any) -> IdempotentRequest:
    """Take ``key`` for this call (a row, in the caller's transaction), or raise ``Replay``
    (answered before) or ``KeyRefused`` (another request's key, or its first call has not
    answered yet)."""
    scope = hashlib.sha256(f"{request.method}\n{request.path}\n{key}".encode()).hexdigest()
    asked = fingerprint(request)
    cutoff = timezone.now() - timedelta(seconds=KEEP_SECONDS)
    for _ in range(2):
        try:
            with transaction.atomic():
                IdempotentRequest.objects.filter(user=user, created_at__lt=cutoff).delete()
                return IdempotentRequest.objects.create(
                    user=user,
                    key=key,
                    method=request.method or "",
                    path=request.path,
                    scope=scope,
                    fingerprint=asked,
                    status=IN_PROGRESS,
                    body=b"",
                )
        except IntegrityError:
            found = IdempotentRequest.objects.filter(user=user, scope=scope).first()
        if found is None:
            continue  # purged in between: take the key now
        if found.fingerprint != asked:
            raise KeyRefused(ERR_KEY_REUSED, 422, "idempotency_key_reused")
        if found.status == IN_PROGRESS:
            raise KeyRefused(ERR_IN_PROGRESS, 409, "idempotency_in_progress")
        raise Replay(found)
    raise KeyRefused(ERR_IN_PROGRESS, 409, "idempotency_in_progress")


def keep(record: IdempotentRequest, response: HttpResponse) -> bool:
    """Store an answer below 400 in its key's row; False (nothing kept) for any other."""
    if response.status_code >= 400 or response.streaming:
        return False
    record.status = response.status_code
    record.body = zlib.compress(response.content)
    record.headers = {
        name: response[name]
        for name in response.headers
        if name in KEPT_HEADERS or name.lower().startswith("hx-")
    }
    record.save(update_fields=["status", "body", "headers"])
    return True


def replayed(record: IdempotentRequest) -> HttpResponse:
    """The stored answer, again."""
    headers = dict(record.headers)
    response = HttpResponse(
        zlib.decompress(bytes(record.body)),
        status=record.status,
        content_type=headers.pop("Content-Type", "application/json"),
    )
    for name, value in headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response


def run_once(request: HttpRequest, call: Callable[[], HttpResponse]) -> HttpResponse:
    """Run ``call`` in one transaction with the key's row, if ``call`` claimed one (it sets
    ``request._idempotency_record``): an answer below 400 is kept; for a refusal the key is
    dropped (what the call did is kept, as it would be without a key: a refused edit has
    rolled itself back). Requests without a key just run."""
    if request.method not in WRITES or HEADER not in request.headers:
        return call()
    with transaction.atomic():
        response = call()
        record: IdempotentRequest | None = getattr(request, "_idempotency_record", None)
        if record is not None and not keep(record, response):
            record.delete()
        return response


class IdempotencyMiddleware:
    """The browser's writes: a POST with a key from a signed-in user runs once. (The JSON
    API under /api/ claims keys itself, after its own token authentication.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in WRITES
            or HEADER not in request.headers
            or request.path.startswith("/api/")
            or not request.user.is_authenticated
        ):
            return self.get_response(request)
        return run_once(request, lambda: self._claimed(request))

    def _claimed(self, request: HttpRequest) -> HttpResponse:
        try:
            key = key_of(request)
            assert key is not None
            request._idempotency_record = claim(request, key, request.user)  # type: ignore[attr-defined]
        except Replay as replay:
            return replayed(replay.record)
        except KeyRefused as refused:
            return HttpResponse(
                refused.message, status=refused.status, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
