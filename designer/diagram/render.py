"""DOT -> SVG/PNG/PDF with the real Graphviz ``dot``, bounded in time and memory, cached by hash.

``cache`` is anything with ``get(key)`` and ``set(key, value)`` (Django's cache in the
app, a dict-backed object in tests). Keys are ``"erd:" + sha256(fmt + dot_source)``,
so a changed design or option can never be served a stale picture.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import resource
import shutil
import stat
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol

from designer.diagram.dot import PINNED_GRAPH

logger = logging.getLogger(__name__)

Format = Literal["svg", "png", "pdf", "dot", "plain"]
# How Graphviz measures text: "pango" asks the fonts of this machine (exact for files);
# "builtin" uses Graphviz's own Arial width table, twice as fast on a design of 100 tables.
# The editor's canvas draws in Arimo (static/vendor/fonts/), whose widths are Arial's, so
# its boxes fit their text on any browser.
TextMetrics = Literal["pango", "builtin"]
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


def cache_key(
    dot_source: str, fmt: str, pinned: bool = False, text_metrics: TextMetrics = "pango"
) -> str:
    engine = ("pinned:" if pinned else "") + ("builtin:" if text_metrics == "builtin" else "")
    return "erd:" + hashlib.sha256((engine + fmt + dot_source).encode("utf-8")).hexdigest()


# Graphviz plugins that lay out and write SVG; without a text-layout plugin among them, dot
# measures text with its built-in tables.
_BUILTIN_PLUGINS = ("core", "dot_layout", "neato_layout")
_builtin_dir: list[str | None] = []  # [] not tried yet; [None] could not be made
_builtin_lock = threading.Lock()


def _graphviz_libdir() -> Path | None:
    proc = subprocess.run(
        [DOT_BINARY, "-v", "-Tsvg"], input=b"graph{}", capture_output=True, timeout=10
    )
    found = re.search(r'libdir = "([^"]+)"', proc.stderr.decode("utf-8", "replace"))
    return Path(found.group(1)) if found else None


def _make_builtin_dir() -> str | None:
    libdir = _graphviz_libdir()
    if libdir is None:
        return None
    libs = [
        lib
        for name in _BUILTIN_PLUGINS
        for lib in sorted(libdir.glob(f"libgvplugin_{name}.so.*"))[:1]
    ]
    if len(libs) != len(_BUILTIN_PLUGINS):
        return None
    stamp = hashlib.sha256("\n".join(str(lib.resolve()) for lib in libs).encode()).hexdigest()
    final = Path(tempfile.gettempdir()) / f"erd-graphviz-{os.getuid()}-{stamp[:12]}"
    if _ours(final):
        return str(final)
    where = Path(tempfile.mkdtemp(prefix="erd-graphviz-"))
    for lib in libs:
        (where / lib.name).symlink_to(lib)
    # dot -c writes the plugin directory's config file for the plugins it finds there
    subprocess.run([DOT_BINARY, "-c"], env={**os.environ, "GVBINDIR": str(where)}, timeout=10)
    if not any(where.glob("config*")):
        return None
    try:
        where.rename(final)  # atomic: another process may have made it meanwhile
    except OSError:
        shutil.rmtree(where, ignore_errors=True)
    return str(final) if _ours(final) else None


def _ours(where: Path) -> bool:
    """Whether ``where`` is a plugin directory this user made (mkdtemp: mode 0700): Graphviz
    loads the libraries it names, so another user's directory is never trusted."""
    try:
        info = where.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & 0o077
        and any(where.glob("config*"))
    )


def builtin_metrics_dir() -> str | None:
    """A Graphviz plugin directory without text layout (made once per process), or None when
    this Graphviz cannot be set up so: pictures then measure text with Pango."""
    with _builtin_lock:
        if not _builtin_dir:
            try:
                _builtin_dir.append(_make_builtin_dir())
            except (OSError, subprocess.SubprocessError):
                _builtin_dir.append(None)
            if _builtin_dir[0] is None:
                logger.warning("Graphviz's built-in text metrics are unavailable; using Pango")
        return _builtin_dir[0]


def is_pinned(dot_source: str) -> bool:
    """Whether ``dot_source`` is a pinned picture of ``schema_to_dot`` (its graph line says so)."""
    return PINNED_GRAPH in dot_source[:400]


# A picture bigger than this DOT source (about 200 tables) is drawn at a lower CPU priority:
# on a busy server the editor's small redraws and the panels go first, and a big drawing
# (a second or more of dot) takes the time they leave. It only waits when the CPU is full.
YIELD_ABOVE_BYTES = 512 * 1024
YIELD_NICENESS = 5


def _spawn_dot(argv: list[str], env: dict[str, str] | None, niceness: int) -> subprocess.Popen:
    """Start ``dot`` bounded in memory (and, for a big picture, at a lower priority).

    The limits are set on the child once it runs, not in a ``preexec_fn``: with one, Python
    forks the whole app process (copying its page tables, holding the GIL) where it can
    otherwise spawn with vfork, and forking a busy app took several per cent of its CPU. No
    byte of the graph reaches dot before the limits are set, so it cannot allocate first.
    """
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        resource.prlimit(proc.pid, resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
        if niceness:
            os.setpriority(os.PRIO_PROCESS, proc.pid, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
    except ProcessLookupError:
        pass  # it has exited already (it could not start): its status and stderr say why
    except OSError:
        proc.kill()  # the limits could not be set: no unbounded dot
        proc.wait()
        raise
    return proc


def _inline_svg(svg: bytes) -> bytes:
    """Drop the XML prolog, DOCTYPE and generator comment so the SVG can sit inside HTML."""
    m = _SVG_START.search(svg)
    return svg[m.start() :] if m else svg


def _run_dot(
    dot_source: str,
    fmt: str,
    timeout: float,
    pinned: bool = False,
    text_metrics: TextMetrics = "pango",
) -> bytes:
    plugins = builtin_metrics_dir() if text_metrics == "builtin" and fmt == "svg" else None
    try:
        proc = _spawn_dot(
            [DOT_BINARY, *(PINNED_ARGS if pinned else ()), f"-T{fmt}"],
            env={**os.environ, "GVBINDIR": plugins} if plugins else None,
            niceness=YIELD_NICENESS if len(dot_source) > YIELD_ABOVE_BYTES else 0,
        )
    except FileNotFoundError:
        raise RenderError(ERR_DOT_MISSING) from None
    try:
        stdout, stderr_bytes = proc.communicate(dot_source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RenderError(ERR_TIMEOUT.format(seconds=timeout)) from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0:
        stderr = stderr_bytes.decode("utf-8", "replace").strip()
        if proc.returncode < 0 or "out of memory" in stderr.lower() or "alloc" in stderr.lower():
            raise RenderError(ERR_MEMORY)
        # dot can print thousands of lines (one per node); the first few say what is wrong
        detail = "\n".join(stderr.splitlines()[:MAX_ERROR_LINES])[:MAX_ERROR_CHARS]
        raise RenderError(ERR_DOT_FAILED.format(detail=detail or f"exit status {proc.returncode}"))
    return stdout


def render(
    dot_source: str,
    fmt: Format,
    *,
    timeout: float = 60.0,
    cache: Cache | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    pinned: bool | None = None,
    text_metrics: TextMetrics = "pango",
) -> bytes:
    """The picture of ``dot_source`` in ``fmt``; ``"dot"`` returns the source itself.

    SVG comes without XML prolog, ready to inline. A pinned picture (``pinned``, by
    default whether ``schema_to_dot`` pinned the nodes) is rendered with ``neato -n2``:
    nodes stay at their ``pos`` and Graphviz routes the edges. ``"plain"`` is Graphviz's
    text format of the layout, used internally. Raises ``RenderError`` on a
    missing Graphviz, a timeout, exhausted memory, output over ``max_bytes`` or
    any other Graphviz failure. ``text_metrics`` "builtin" (SVG only) is for a picture
    whose page draws its text in Arimo (see ``TextMetrics``).
    """
    if fmt not in FORMATS and fmt != "plain":
        raise RenderError(ERR_FORMAT.format(fmt=fmt))
    if fmt == "dot":
        return dot_source.encode("utf-8")
    if pinned is None:
        pinned = is_pinned(dot_source)
    key = cache_key(dot_source, fmt, pinned, text_metrics) if cache is not None else ""
    if cache is not None:
        hit = cache.get(key)
        if isinstance(hit, bytes):
            return hit
        failed = cache.get(key + ":failed")
        if isinstance(failed, str):
            raise RenderError(failed)
    try:
        out = _run_dot(dot_source, fmt, timeout, pinned, text_metrics)
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
    text_metrics: TextMetrics = "pango",
) -> bytes:
    """Like ``render`` but looked up by a cheap caller-made ``key`` before any DOT is built.

    For big designs building the DOT text is most of a cache hit (about 16 ms for
    1,000 tables); a key such as ``f"{project.id}:{project.revision}:{options}"``
    answers in well under a millisecond. The key must change whenever the picture
    would: the design, the options (``text_metrics`` among them), or this module's output.
    """
    fast_key = "erd:k:" + hashlib.sha256(f"{fmt}:{key}".encode()).hexdigest()
    hit = cache.get(fast_key)
    if isinstance(hit, bytes):
        return hit
    out = render(
        make_dot(),
        fmt,
        timeout=timeout,
        cache=cache,
        max_bytes=max_bytes,
        pinned=pinned,
        text_metrics=text_metrics,
    )
    cache.set(fast_key, out)
    return out
