"""Give the fix's numbered steps linkable anchors, and list them for JSON-LD.

Works on the sanitised HTML that render_markdown() stores: every item of a
top-level ordered list gets an id like ``step-2-3`` (third step of the second
numbered list), so a support person can link to one step.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# A whole tag, with quoted attribute values that may contain ">".
_TAG_RE = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:"[^"]*"|'[^']*'|[^'">])*)>""")
_START_RE = re.compile(r"""\bstart\s*=\s*["']?(\d+)""")
_ID_RE = re.compile(r"""\bid\s*=""")
_BLOCK_TAGS_RE = re.compile(r"</?(?:p|div|pre|li|ol|ul|br|h[1-6]|table|tr|td|th|blockquote)\b[^>]*>", re.I)
_STRIP_TAGS_RE = re.compile(r"<[^>]*>")


@dataclass
class Step:
    anchor: str
    text: str
    number: int


@dataclass
class StepSection:
    title: str
    anchor: str = ""
    steps: list[Step] = field(default_factory=list)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_STRIP_TAGS_RE.sub("", _BLOCK_TAGS_RE.sub(" ", fragment))).split())


def number_steps(body_html: str) -> tuple[str, list[StepSection]]:
    out: list[str] = []
    sections: list[StepSection] = []
    lists: list[str] = []  # open list tags, outermost first
    list_no = 0
    item_no = 0
    pending_item: tuple[str, int, int] | None = None  # (anchor, number, content start)
    heading: tuple[str, int] | None = None  # (anchor, content start)
    pos = 0
    for tag in _TAG_RE.finditer(body_html):
        closing, name, attrs = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
        out.append(body_html[pos:tag.start()])
        pos = tag.end()
        text = tag.group(0)
        if name in ("ol", "ul"):
            if closing:
                if lists:
                    lists.pop()
            else:
                if not lists and name == "ol":
                    list_no += 1
                    start = _START_RE.search(attrs)
                    item_no = int(start.group(1)) - 1 if start else 0
                    if not sections:
                        sections.append(StepSection(title=""))
                lists.append(name)
        elif name == "li" and len(lists) == 1 and lists[0] == "ol":
            if not closing:
                item_no += 1
                anchor = f"step-{list_no}-{item_no}"
                if not _ID_RE.search(attrs):
                    text = f'<li id="{anchor}"{attrs}>'
                pending_item = (anchor, item_no, tag.end())
            elif pending_item is not None:
                anchor, number, begin = pending_item
                sections[-1].steps.append(Step(anchor=anchor, text=_plain(body_html[begin:tag.start()]), number=number))
                pending_item = None
        elif name == "h2" and not lists:
            if not closing:
                found = re.search(r"""\bid\s*=\s*"([^"]*)\"""", attrs)
                heading = (found.group(1) if found else "", tag.end())
            elif heading is not None:
                sections.append(StepSection(title=_plain(body_html[heading[1]:tag.start()]), anchor=heading[0]))
                heading = None
        out.append(text)
    out.append(body_html[pos:])
    return "".join(out), [s for s in sections if s.steps]


def outline(body_html: str) -> list[tuple[str, str]]:
    """(anchor, title) of each h2, for an "On this page" list."""
    found = []
    for match in re.finditer(r"""<h2\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>""", body_html, re.S):
        found.append((match.group(1), _plain(match.group(2))))
    return found
