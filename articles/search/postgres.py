"""PostgreSQL full-text search: weighted vector, SearchRank, SearchHeadline,
websearch parsing; plain icontains when the words find nothing."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from .base import MARK_END, MARK_START, ArticleSearch, Hit, marked_snippet, terms
from .fallback import icontains_hits

CONFIG = "english"


def _keywords():
    """Symptom names and the codes linked to an article, as one string per article."""
    from kb.models import ErrorCode, Symptom

    names = (
        Symptom.objects.filter(article=OuterRef("pk")).order_by().values("article")
        .annotate(text=StringAgg("name", delimiter=" ")).values("text")
    )
    codes = (
        ErrorCode.objects.filter(articles=OuterRef("pk")).order_by().values("articles")
        .annotate(text=StringAgg("code", delimiter=" ")).values("text")
    )
    return (
        Coalesce(Subquery(names, output_field=TextField()), Value(""), output_field=TextField()),
        Coalesce(Subquery(codes, output_field=TextField()), Value(""), output_field=TextField()),
    )


def search_vector():
    """The one definition of what is searched, and how much each part weighs."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", "symptom_names", "code_names", weight="B", config=CONFIG)
        + SearchVector("body_text", weight="C", config=CONFIG)
    )


class PostgresSearch(ArticleSearch):
    name = "postgresql"

    def _search(self, query: str, limit: int) -> list[Hit]:
        from articles.models import Article

        words = terms(query)
        if not words:
            return []
        symptom_names, code_names = _keywords()
        articles = Article.objects.published().annotate(symptom_names=symptom_names, code_names=code_names)
        vector = search_vector()
        for search_query in (
            SearchQuery(" ".join(words), search_type="websearch", config=CONFIG),
            reduce(or_, [SearchQuery(word, search_type="plain", config=CONFIG) for word in words]),
        ):
            rows = list(
                articles.annotate(document=vector)
                .filter(document=search_query)
                .annotate(rank=SearchRank(F("document"), search_query))
                .annotate(
                    headline=SearchHeadline(
                        "body_text", search_query, config=CONFIG, start_sel=MARK_START, stop_sel=MARK_END,
                        max_words=35, min_words=15,
                    )
                )
                .order_by(F("rank").desc(), "title")
                .values_list("pk", "rank", "headline")[:limit]
            )
            if rows:
                return [Hit(article_id=pk, rank=rank, snippet=marked_snippet(headline)) for pk, rank, headline in rows]
        return icontains_hits(Article.objects.published(), query, limit)
