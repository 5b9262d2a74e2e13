"""Every refusal as JSON: ``{"error": code, "message": text, "field"?, "line"?}``, 4xx."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from designer.services.errors import DesignError
from designer.sql.readers.report import SchemaImportError
from projects.services import ProjectError

ERR_UNAUTHENTICATED = "Sign in, or send a personal API token as “Authorization: Bearer <token>”."
ERR_NOT_FOUND = "Not found."
ERR_INVALID_REQUEST = "The request is not valid: {detail}"


class ErrorOut(Schema):
    error: str
    message: str
    field: str | None = None
    line: int | None = None
    # a stale write (412): the resource as it is now
    current: dict[str, Any] | None = None


class ApiError(Exception):
    """A refusal with its status, code and message (and where to look)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        current: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field, self.line, self.current = field, line, current
        self.headers = headers or {}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}


def _respond(
    api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]
) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _validation_detail(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    first = errors[0] if errors else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "form")]
    field = ".".join(loc) or None
    message = str(first.get("msg", "invalid input"))
    return (f"{field}: {message}" if field else message), field


def install_handlers(api: NinjaAPI) -> None:
    """Map the errors services and the framework raise to JSON 4xx answers."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        body = error_body(
            exc.code, exc.message, field=exc.field, line=exc.line, current=exc.current
        )
        response = _respond(api, request, exc.status, body)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(DesignError)
    def design_error(request: HttpRequest, exc: DesignError) -> HttpResponse:
        return _respond(api, request, 422, error_body("invalid", exc.message, field=exc.field))

    @api.exception_handler(ProjectError)
    def project_error(request: HttpRequest, exc: ProjectError) -> HttpResponse:
        return _respond(api, request, 422, error_body("invalid", exc.message, field=exc.field))

    @api.exception_handler(SchemaImportError)
    def import_error(request: HttpRequest, exc: SchemaImportError) -> HttpResponse:
        body = error_body("import_failed", exc.message, line=exc.line or None)
        return _respond(api, request, 422, body)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, 404, error_body("not_found", str(exc) or ERR_NOT_FOUND))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond(api, request, 403, error_body("forbidden", str(exc) or "Forbidden."))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        detail, field = _validation_detail(list(exc.errors))
        body = error_body("invalid_request", ERR_INVALID_REQUEST.format(detail=detail), field=field)
        return _respond(api, request, 422, body)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _respond(api, request, 401, error_body("unauthenticated", ERR_UNAUTHENTICATED))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 403: "forbidden"}.get(exc.status_code, "http_error")
        return _respond(api, request, exc.status_code, error_body(code, str(exc)))
