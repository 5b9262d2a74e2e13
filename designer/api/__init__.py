"""The JSON API under /api/v1/ (django-ninja): typed schemas, OpenAPI 3.1, tokens.

``app.py`` builds the one ``NinjaAPI``; ``auth.py`` authenticates (a personal token sent as
``Authorization: Bearer``, or the browser session with its CSRF token), rate-limits per token
and checks the caller's role through ``projects.access`` exactly as the views do;
``errors.py`` turns every refusal into ``{"error", "message", "field"?, "line"?}`` with a 4xx
status; ``etag.py`` gives reads an ETag and refuses stale writes (If-Match) with 412 and the
current state. ``routes/`` holds one router per resource; each route calls the services and
selectors the views call, never logic of its own. Nothing outside this package imports it
but ``designer.urls`` (an import-linter contract).
"""
