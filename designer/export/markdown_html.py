"""Markdown (our documents and migration plans) rendered as HTML for the browser.

CommonMark with GitHub's tables and strikethrough, through markdown-it-py with raw HTML off:
HTML written inside the Markdown (a table comment, a column default) is shown as text, never
passed through, and markdown-it refuses javascript:/vbscript:/data: links.

Mermaid blocks: we draw them ourselves instead of shipping mermaid.js (3 MB, and it injects
<style> elements our Content-Security-Policy forbids). The design document's only Mermaid block
is the ER diagram of the design, which Graphviz already draws; given ``mermaid_image`` the block
becomes that picture with the Mermaid source folded under it. Without one, the source shows as
code, as on GitHub without JavaScript.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token


def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def markdown_to_html(text: str, *, mermaid_image: tuple[str, str] | None = None) -> str:
    """``text`` as an HTML fragment; ``mermaid_image`` is (src, alt) of the drawn diagram."""
    md = _renderer()
    default_fence = md.renderer.rules["fence"]

    def fence(_renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if token.info.strip().lower() != "mermaid":
            return str(default_fence(tokens, idx, options, env))
        source = html.escape(token.content.rstrip("\n"))
        if mermaid_image is None:
            return f'<pre class="mermaid-source"><code class="language-mermaid">{source}</code></pre>\n'
        src, alt = (html.escape(part, quote=True) for part in mermaid_image)
        return (
            f'<figure class="mermaid-drawn"><img src="{src}" alt="{alt}">'
            "<figcaption>Drawn from the design; the Mermaid source is below.</figcaption></figure>\n"
            '<details class="mermaid-source"><summary>Mermaid source</summary>'
            f'<pre><code class="language-mermaid">{source}</code></pre></details>\n'
        )

    md.add_render_rule("fence", fence)
    # Wide tables and code scroll in place; keyboard users must reach them to scroll (axe:
    # scrollable-region-focusable). Raw HTML is escaped, so every "<pre>" here is the renderer's.
    return (
        md.render(text)
        .replace("<pre>", '<pre tabindex="0">')
        .replace("<table>", '<table tabindex="0">')
    )
