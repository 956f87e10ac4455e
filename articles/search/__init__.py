"""Full-text search over articles: one interface, one module per database.

    from articles.search import get_backend
    hits = get_backend().search("mailbox full", limit=5)
"""

from __future__ import annotations

from django.db import connection

from .base import ArticleSearch, Hit

__all__ = ["ArticleSearch", "Hit", "get_backend", "search_articles"]


def get_backend() -> ArticleSearch:
    if connection.vendor == "postgresql":
        from .postgres import PostgresSearch

        return PostgresSearch()
    if connection.vendor == "sqlite":
        from .sqlite import pick_sqlite_search

        return pick_sqlite_search()
    from .fallback import FallbackSearch

    return FallbackSearch()


def search_articles(query: str, limit: int = 10) -> list[Hit]:
    return get_backend().search(query, limit)
