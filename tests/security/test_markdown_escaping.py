"""Whatever names and comments hold, the Markdown design document renders them as the text
they are: no heading, list, link, image, emphasis, table cell or HTML of their own. Checked
with a real CommonMark renderer (markdown-it-py, GitHub's tables and strikethrough on)."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from designer.export.document import (
    Bullets,
    Embedded,
    Grid,
    Heading,
    Paragraph,
    design_document_markdown,
    to_markdown,
)
from designer.schema.model import Column, Schema, Table

RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
MARKDOWN_PUNCTUATION = list("\\`*_[]()|~!#>+=-.:<>&;/\"' 1234567890\n\t")
TEXT = st.text(
    alphabet=st.sampled_from(MARKDOWN_PUNCTUATION)
    | st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() != "")


class _Elements(HTMLParser):
    """Tag names seen, and the text of each <h2>, <p>, <li> and <td>, with <br> as newline."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)
        if tag == "br":
            self._add("\n")
            return
        self._open.append(tag)
        if tag in {"h2", "p", "li", "td"}:
            self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self._add(data)

    def _add(self, data: str) -> None:
        for tag in reversed(self._open):
            if tag in self.texts:
                self.texts[tag][-1] += data
                return


def _rendered(text: str) -> _Elements:
    markdown = to_markdown(
        [Heading(2, text), Paragraph(text), Bullets((text,)), Grid(("h",), ((text,),))]
    )
    parsed = _Elements()
    parsed.feed(RENDER.render(markdown))
    return parsed


def _expected(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(lines).strip(" \t\n")


@given(TEXT)
@example("0\xa0")  # renderers trim a no-break space at the end of a block
@example("\xa00")
def test_user_text_renders_as_itself_in_every_block(text: str) -> None:
    parsed = _rendered(text)
    assert set(parsed.tags) <= {
        "h2",
        "p",
        "ul",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
    }
    expected = _expected(text)
    for tag in ("h2", "p", "li", "td"):
        (got,) = parsed.texts.get(tag) or [""]
        assert got.strip(" \t\n") == expected, (tag, got)


def test_names_that_look_like_markdown_stay_names() -> None:
    schema = Schema(
        tables=(
            Table(
                name="# [click](javascript:alert(1)) <img src=x onerror=alert(1)>",
                columns=(Column(name="1. *bold* | `x` ~~s~~ ![i](x)", type="text"),),
                comment="- not a list\n> not a quote\n    not code",
            ),
        )
    )
    rendered = RENDER.render(design_document_markdown(schema, title="T").text)
    assert "<img" not in rendered and "<a " not in rendered and "<em>" not in rendered
    assert "<strong>" not in rendered and "<s>" not in rendered and "<blockquote>" not in rendered
    assert "<h1>#" not in rendered and "<ol" not in rendered
    assert html.escape("<img src=x onerror=alert(1)>", quote=False) in rendered


def test_embedded_markdown_of_other_parts_is_shown_as_text() -> None:
    plan = "# Migration plan\n\n- Step 1: Add column [x](javascript:alert(1)) to t"
    rendered = RENDER.render(to_markdown([Embedded(plan)]))
    assert rendered.startswith("<pre><code") and "<a " not in rendered
