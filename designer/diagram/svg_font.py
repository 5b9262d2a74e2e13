"""The bundled Arimo font, embedded in an SVG file of the diagram.

Files are laid out with Graphviz's built-in Arial widths (``render``'s ``"builtin"`` text
metrics: about half of ``dot``'s time on a big design, against measuring with Pango), and
Arimo has Arial's widths: with the font inside the file, every name fits its box in any
browser, whatever fonts the viewer has. (Pango measured with this server's fonts, which on a
bare Debian is DejaVu Sans, wider than what most viewers draw with.) Latin only, 23 KB.
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts"
FILES = {400: "arimo-latin-400-normal.woff2", 700: "arimo-latin-700-normal.woff2"}
# A file's own policy: its style and font only, no script, nothing fetched.
SVG_FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; font-src data:"


@functools.cache
def _style() -> bytes:
    faces = "".join(
        '@font-face{font-family:"Arimo";font-style:normal;'
        f"font-weight:{weight};src:url(data:font/woff2;base64,"
        f'{base64.b64encode((FONT_DIR / name).read_bytes()).decode()}) format("woff2")}}'
        for weight, name in FILES.items()
    )
    return (
        f'<defs><style type="text/css">{faces}'
        'text{font-family:"Arimo",Arial,Helvetica,sans-serif}</style></defs>'
    ).encode()


def with_font(svg: bytes) -> bytes:
    """``svg`` (Graphviz's, laid out with built-in metrics) with Arimo inside it."""
    start = svg.find(b"<svg")
    end = svg.find(b">", start) + 1
    if start < 0 or end <= 0:
        return svg
    return svg[:end] + b"\n" + _style() + svg[end:]
