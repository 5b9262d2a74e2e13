"""DOT -> SVG/PNG/PDF with the real Graphviz ``dot``, bounded in time and memory, cached by hash.

``cache`` is anything with ``get(key)`` and ``set(key, value)`` (Django's cache in the
app, a dict-backed object in tests). Keys are ``"erd:" + sha256(fmt + dot_source)``,
so a changed design or option can never be served a stale picture.
"""

from __future__ import annotations

import hashlib
import re
import resource
import subprocess
from collections.abc import Callable
from typing import Literal, Protocol

from designer.diagram.dot import PINNED_GRAPH

Format = Literal["svg", "png", "pdf", "dot", "plain"]
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "dot")
DOT_BINARY = "dot"
MEMORY_LIMIT_BYTES = 2 * 1024**3
DEFAULT_MAX_BYTES = 64 * 1024**2
MAX_ERROR_LINES = 6
MAX_ERROR_CHARS = 600

ERR_FORMAT = "Unknown diagram format “{fmt}”; choose one of svg, png, pdf or dot."
ERR_DOT_MISSING = (
    "Graphviz is not installed: the “dot” program was not found. Install Graphviz "
    "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) and try again."
)
ERR_TIMEOUT = (
    "The diagram took longer than {seconds:g} s to lay out. Draw a smaller view "
    "(a group or a table's neighbourhood) or switch to the “names” mode."
)
ERR_MEMORY = (
    "Graphviz ran out of memory laying out this diagram. Draw a smaller view "
    "(a group or a table's neighbourhood) or switch to the “names” mode."
)
ERR_EMPTY = "Graphviz drew an empty picture. Draw a smaller view or another format."
# How long a failed drawing is remembered: the same request is answered at once, not redrawn.
FAILURE_SECONDS = 60
ERR_TOO_BIG = (
    "The rendered diagram is larger than {limit} MB. Draw a smaller view or use the SVG format."
)
ERR_DOT_FAILED = "Graphviz could not draw this diagram: {detail}"

_SVG_START = re.compile(rb"<svg\b")


class RenderError(Exception):
    """Graphviz could not produce the picture; the message says what the user can do."""


class Cache(Protocol):
    def get(self, key: str) -> object: ...
    def set(self, key: str, value: object, timeout: float | None = ...) -> object: ...


# Pinned pictures keep the nodes where the DOT puts them and only route the edges.
PINNED_ARGS = ("-Kneato", "-n2")


def cache_key(dot_source: str, fmt: str, pinned: bool = False) -> str:
    engine = "pinned:" if pinned else ""
    return "erd:" + hashlib.sha256((engine + fmt + dot_source).encode("utf-8")).hexdigest()


def is_pinned(dot_source: str) -> bool:
    """Whether ``dot_source`` is a pinned picture of ``schema_to_dot`` (its graph line says so)."""
    return PINNED_GRAPH in dot_source[:400]


def _limit_memory() -> None:
    # Runs in the child between fork and exec: a pathological graph cannot take
    # the server's memory with it.
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def _inline_svg(svg: bytes) -> bytes:
    """Drop the XML prolog, DOCTYPE and generator comment so the SVG can sit inside HTML."""
    m = _SVG_START.search(svg)
    return svg[m.start() :] if m else svg


def _run_dot(dot_source: str, fmt: str, timeout: float, pinned: bool = False) -> bytes:
    try:
        proc = subprocess.run(
            [DOT_BINARY, *(PINNED_ARGS if pinned else ()), f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
            check=False,
        )
    except FileNotFoundError:
        raise RenderError(ERR_DOT_MISSING) from None
    except subprocess.TimeoutExpired:
        raise RenderError(ERR_TIMEOUT.format(seconds=timeout)) from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        if proc.returncode < 0 or "out of memory" in stderr.lower() or "alloc" in stderr.lower():
            raise RenderError(ERR_MEMORY)
        # dot can print thousands of lines (one per node); the first few say what is wrong
        detail = "\n".join(stderr.splitlines()[:MAX_ERROR_LINES])[:MAX_ERROR_CHARS]
        raise RenderError(ERR_DOT_FAILED.format(detail=detail or f"exit status {proc.returncode}"))
    return proc.stdout


def render(
    dot_source: str,
    fmt: Format,
    *,
    timeout: float = 60.0,
    cache: Cache | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    pinned: bool | None = None,
) -> bytes:
    """The picture of ``dot_source`` in ``fmt``; ``"dot"`` returns the source itself.

    SVG comes without XML prolog, ready to inline. A pinned picture (``pinned``, by
    default whether ``schema_to_dot`` pinned the nodes) is rendered with ``neato -n2``:
    nodes stay at their ``pos`` and Graphviz routes the edges. ``"plain"`` is Graphviz's
    text format of the layout, used internally. Raises ``RenderError`` on a
    missing Graphviz, a timeout, exhausted memory, output over ``max_bytes`` or
    any other Graphviz failure.
    """
    if fmt not in FORMATS and fmt != "plain":
        raise RenderError(ERR_FORMAT.format(fmt=fmt))
    if fmt == "dot":
        return dot_source.encode("utf-8")
    if pinned is None:
        pinned = is_pinned(dot_source)
    key = cache_key(dot_source, fmt, pinned) if cache is not None else ""
    if cache is not None:
        hit = cache.get(key)
        if isinstance(hit, bytes):
            return hit
        failed = cache.get(key + ":failed")
        if isinstance(failed, str):
            raise RenderError(failed)
    try:
        out = _run_dot(dot_source, fmt, timeout, pinned)
        if fmt == "svg":
            out = _inline_svg(out)
        if not out.strip():
            raise RenderError(ERR_EMPTY)
        if len(out) > max_bytes:
            raise RenderError(ERR_TOO_BIG.format(limit=max_bytes // 1024**2))
    except RenderError as exc:
        if cache is not None and str(exc) != ERR_DOT_MISSING:
            cache.set(key + ":failed", str(exc), FAILURE_SECONDS)
        raise
    if cache is not None:
        cache.set(key, out)
    return out


def render_keyed(
    key: str,
    make_dot: Callable[[], str],
    fmt: Format,
    *,
    timeout: float = 60.0,
    cache: Cache,
    max_bytes: int = DEFAULT_MAX_BYTES,
    pinned: bool | None = None,
) -> bytes:
    """Like ``render`` but looked up by a cheap caller-made ``key`` before any DOT is built.

    For big designs building the DOT text is most of a cache hit (about 16 ms for
    1,000 tables); a key such as ``f"{project.id}:{project.revision}:{options}"``
    answers in well under a millisecond. The key must change whenever the picture
    would: the design, the options, or this module's output.
    """
    fast_key = "erd:k:" + hashlib.sha256(f"{fmt}:{key}".encode()).hexdigest()
    hit = cache.get(fast_key)
    if isinstance(hit, bytes):
        return hit
    out = render(make_dot(), fmt, timeout=timeout, cache=cache, max_bytes=max_bytes, pinned=pinned)
    cache.set(fast_key, out)
    return out
