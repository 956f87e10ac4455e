"""The one place where article Markdown becomes HTML (sanitised) and plain text."""

from __future__ import annotations

import html
import re

# Markdown and nh3 are imported when an article is rendered, not when Django
# starts: command-line tools such as `manage.py diagnose` never render one.

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "hr", "i", "kbd", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
_TAG_RE = re.compile(r"<[^>]+>")
_LIST_ITEM = re.compile(r"^\s*(?:\d+\.|[-*+])\s")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _separate_list_items(text: str) -> str:
    """Let a list item follow a paragraph line directly, as CommonMark does.

    Our articles put a step's follow-up sentence right under its code block and
    start the next step on the next line; Python-Markdown would glue that step
    onto the paragraph unless a blank line separates them.
    """
    out: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and _LIST_ITEM.match(line) and out and out[-1].strip() and not _LIST_ITEM.match(out[-1]):
            out.append("")
        out.append(line)
    return "\n".join(out)


def render_markdown(text: str) -> str:
    """Markdown to safe HTML: headings get ids (anchors), raw HTML and script are stripped.

    tab_length=3 matches how steps are written ("1. " then a three-space indent
    for the step's code blocks and notes); superfences allows fenced code inside
    a numbered step.
    """
    import markdown as md
    import nh3

    converter = md.Markdown(
        extensions=["extra", "sane_lists", "toc", "pymdownx.superfences"],
        extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}},
        output_format="html",
        tab_length=3,
    )
    raw = converter.convert(_separate_list_items(text or ""))
    return nh3.clean(
        raw,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def html_to_text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG_RE.sub(" ", fragment))).strip()
