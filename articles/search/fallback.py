"""Plain `icontains` search: for SQLite builds without FTS5 and other databases."""

from __future__ import annotations

from django.db.models import Q

from .base import ArticleSearch, Hit, plain_snippet, terms

# Where a word is found decides how much it counts, like the other backends' weights.
_FIELD_WEIGHTS = (("title", 1.0), ("summary", 0.4), ("symptoms__name", 0.4), ("codes__code", 0.4),
                  ("body_text", 0.1))


def icontains_hits(queryset, query: str, limit: int) -> list[Hit]:
    words = terms(query)
    if not words:
        return []
    condition = Q()
    for word in words:
        for field, _ in _FIELD_WEIGHTS:
            condition |= Q(**{f"{field}__icontains": word})
    articles = list(queryset.filter(condition).distinct().prefetch_related("symptoms", "codes")[:200])
    scored = []
    for article in articles:
        fields = {
            "title": article.title.lower(),
            "summary": article.summary.lower(),
            "symptoms__name": " ".join(s.name for s in article.symptoms.all()).lower(),
            "codes__code": " ".join(c.code for c in article.codes.all()).lower(),
            "body_text": article.body_text.lower(),
        }
        score = sum(weight for word in words for field, weight in _FIELD_WEIGHTS if word in fields[field])
        scored.append((score, article))
    scored.sort(key=lambda pair: (-pair[0], pair[1].title))
    return [
        Hit(article_id=article.pk, rank=score, snippet=plain_snippet(article.summary + " " + article.body_text, words))
        for score, article in scored[:limit]
    ]


class FallbackSearch(ArticleSearch):
    name = "fallback"

    def _search(self, query: str, limit: int) -> list[Hit]:
        from articles.models import Article

        return icontains_hits(Article.objects.published(), query, limit)
