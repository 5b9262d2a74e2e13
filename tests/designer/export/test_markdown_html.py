"""Markdown to HTML: tables and code render, Mermaid is drawn, and no raw HTML ever passes."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.export.markdown_html import markdown_to_html

# Every tag the renderer may emit for CommonMark plus tables, strikethrough and our figure.
ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "pre", "code", "em", "strong",
    "a", "img", "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "s",
    "figure", "figcaption", "details", "summary",
}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _tags(html: str):
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_tables_code_and_mermaid_render():
    text = "# Plan\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```sql\nSELECT 1;\n```\n\n```mermaid\nerDiagram\n```\n"
    html = markdown_to_html(text, mermaid_image=("/p/x/diagram.svg", "ER diagram"))
    assert "<h1>Plan</h1>" in html and "<td>1</td>" in html
    assert '<code class="language-sql">SELECT 1;' in html
    assert '<figure class="mermaid-drawn"><img src="/p/x/diagram.svg" alt="ER diagram">' in html
    assert "<summary>Mermaid source</summary>" in html


def test_without_a_picture_mermaid_stays_source():
    html = markdown_to_html("```mermaid\nerDiagram\n```\n")
    assert "<img" not in html and "erDiagram" in html


# Markdown-ish text rich in the characters that make HTML and links.
MARKUP = st.text(
    alphabet=st.sampled_from(list("<>/\"'=&`[]()!*_|#-: \nascriptjvbonerrolimgsvg")), max_size=200
)
HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "![x](javascript:alert(1))",
        "<a href='javascript:alert(1)'>x</a>",
        "[x](vbscript:msgbox)",
        "<svg onload=alert(1)>",
        "```mermaid\n</code><script>alert(1)</script>\n```",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(MARKUP, HOSTILE), max_size=5))
def test_no_raw_html_or_script_link_passes(pieces):
    html = markdown_to_html("\n\n".join(pieces), mermaid_image=("/d.svg", "ER"))
    for tag, attrs in _tags(html):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), name
            if name in ("href", "src"):
                assert not (value or "").strip().lower().startswith(("javascript:", "vbscript:")), (
                    value
                )
