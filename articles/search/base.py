"""The article-search contract shared by every database backend.

A backend turns words into ranked hits over *published* articles. Callers get
`Hit` objects and never look at the database vendor themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Private-use characters mark highlights inside the database's snippet, so the
# snippet can be escaped as a whole before the marks become <mark> tags.
MARK_START = "\ue000"
MARK_END = "\ue001"

MAX_QUERY_CHARS = 500
MAX_TERMS = 24

STOPWORDS = frozenset(
    "a an and are as at be but by can do does for from get got had has have how i i'm if in is it its my "
    "me not of on or our so that the their them then there this to was we were what when where which "
    "who why will with you your".split()
)

_WORD_RE = re.compile(r"\w[\w.'-]*", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    article_id: int
    rank: float
    snippet: SafeString  # escaped text with <mark> around the matched words


class ArticleSearch:
    """Subclasses implement `_search`; `search` does the checks every backend shares."""

    name = "base"

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        query = clean_query(query)
        if not query or limit <= 0:
            return []
        return self._search(query, limit)

    def _search(self, query: str, limit: int) -> list[Hit]:
        raise NotImplementedError


def clean_query(query: str | None) -> str:
    query = (query or "").replace("\x00", " ")
    return " ".join(query.split())[:MAX_QUERY_CHARS]


def terms(query: str) -> list[str]:
    """The words worth searching for, lower-cased, without stop words, in order, once each."""
    seen: list[str] = []
    for match in _WORD_RE.finditer(query.lower()):
        word = match.group(0).strip(".'-")
        if not word or word in STOPWORDS or word in seen:
            continue
        seen.append(word)
    return seen[:MAX_TERMS]


def marked_snippet(text: str) -> SafeString:
    """Escape a snippet that uses MARK_START/MARK_END and turn those into <mark> tags."""
    safe = escape(text or "")
    return mark_safe(safe.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def plain_snippet(text: str, words: list[str], width: int = 200) -> SafeString:
    """A snippet cut around the first word found, with every word marked (for backends
    whose database cannot build one)."""
    text = " ".join((text or "").split())
    lower = text.lower()
    positions = [lower.find(w) for w in words if w and lower.find(w) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    excerpt = text[start:start + width]
    if not words:
        return marked_snippet(excerpt)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    marked = pattern.sub(lambda m: MARK_START + m.group(0) + MARK_END, excerpt)
    prefix = "… " if start else ""
    suffix = " …" if start + width < len(text) else ""
    return marked_snippet(prefix + marked + suffix)
