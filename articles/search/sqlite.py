"""SQLite FTS5 search. The virtual table and the triggers that keep it in step
with articles, symptoms and codes are created by migration 0002."""

from __future__ import annotations

from django.db import connection

from .base import MARK_END, MARK_START, ArticleSearch, Hit, marked_snippet, terms
from .sqlite_schema import TABLE
# bm25 weights per column: title, summary, keywords (symptom names and codes), body.
WEIGHTS = (10.0, 4.0, 4.0, 1.0)


def fts_quote(token: str) -> str:
    """One FTS5 string: everything inside double quotes is text, never syntax."""
    return '"' + token.replace('"', '""') + '"'


def fts5_table_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        return cursor.fetchone() is not None


class SqliteFtsSearch(ArticleSearch):
    name = "sqlite-fts5"

    def _search(self, query: str, limit: int) -> list[Hit]:
        words = terms(query)
        if not words:
            return []
        quoted = [fts_quote(word) for word in words]
        hits = self._match(" ".join(quoted), limit)
        if not hits and len(quoted) > 1:
            # Every word was required; a question in words rarely has all of them.
            hits = self._match(" OR ".join(quoted), limit)
        return hits

    def _match(self, expression: str, limit: int) -> list[Hit]:
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = (
            f"SELECT {TABLE}.rowid, bm25({TABLE}, {weights}) AS score, "
            f"snippet({TABLE}, -1, %s, %s, '…', 24) "
            f"FROM {TABLE} JOIN articles_article a ON a.id = {TABLE}.rowid "
            f"WHERE {TABLE} MATCH %s AND a.status = 'published' "
            f"ORDER BY score, a.title LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, expression, limit])
            rows = cursor.fetchall()
        # bm25() is negative, and lower is better; a Hit's rank grows with relevance.
        return [Hit(article_id=row[0], rank=-row[1], snippet=marked_snippet(row[2])) for row in rows]


def pick_sqlite_search() -> ArticleSearch:
    if fts5_table_exists():
        return SqliteFtsSearch()
    from .fallback import FallbackSearch

    return FallbackSearch()
