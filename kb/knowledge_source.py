"""The diagnosis index of this server process, built from the database.

Each process keeps one compiled index. Staff changes bump KnowledgeStamp (see
kb/signals.py); a process compares its index's stamp with the database at most
once every STAMP_CHECK_SECONDS and rebuilds when they differ.
"""

from __future__ import annotations

import threading
import time

from django.urls import reverse

from kb.diagnosis import KnowledgeIndex, build_index
from kb.diagnosis.knowledge import ArticleSpec, CodeSpec, KnowledgeSpec, SymptomSpec

STAMP_CHECK_SECONDS = 1.0

_lock = threading.Lock()
_state: dict = {"index": None, "stamp": None, "checked_at": 0.0}


def spec_from_database() -> KnowledgeSpec:
    """The knowledge as plain data. Reads rows as tuples (no model instances) in
    the models' own orderings: articles by title, codes by kind and code (a code's
    articles in the order they were linked), symptoms by key, a symptom's codes by
    kind and code, its examples by id."""
    from articles.models import Article
    from kb.models import ErrorCode, KnowledgeStamp, Symptom, SymptomExample

    stamp = KnowledgeStamp.current()
    rows = Article.objects.published().values_list("pk", "slug", "title", "reason", "summary")
    slugs: dict[int, str] = {}
    article_specs = []
    url_of = _article_url_maker()
    for pk, slug, title, reason, summary in rows:
        slugs[pk] = slug
        article_specs.append(ArticleSpec(slug=slug, title=title, reason=reason, summary=summary, url=url_of(slug)))

    code_articles: dict[int, list[str]] = {}
    # in the order they were linked: the first is the code's main article (kb/loader.py)
    links = ErrorCode.articles.through.objects.order_by("id").values_list("errorcode_id", "article_id")
    for code_id, article_id in links:
        slug = slugs.get(article_id)
        if slug is not None:
            code_articles.setdefault(code_id, []).append(slug)
    code_specs = []
    code_names: dict[int, str] = {}
    for pk, code, kind, reason, title, temporary, provider in ErrorCode.objects.values_list(
        "pk", "code", "kind", "reason", "title", "temporary", "provider"
    ):
        code_names[pk] = code
        code_specs.append(
            CodeSpec(code=code, kind=kind, reason=reason, title=title, temporary=temporary, provider=provider,
                     articles=tuple(code_articles.get(pk, ())))
        )

    symptom_codes: dict[int, list[str]] = {}
    links = Symptom.codes.through.objects.order_by("errorcode__kind", "errorcode__code").values_list(
        "symptom_id", "errorcode__code"
    )
    for symptom_id, code in links:
        symptom_codes.setdefault(symptom_id, []).append(code)
    examples: dict[int, list[str]] = {}
    for symptom_id, text in SymptomExample.objects.order_by("id").values_list("symptom_id", "text"):
        examples.setdefault(symptom_id, []).append(text)
    symptom_specs = []
    for pk, key, name, reason, phrases, article_id, provider, weight in Symptom.objects.values_list(
        "pk", "key", "name", "reason", "phrases", "article_id", "provider", "weight"
    ):
        symptom_specs.append(
            SymptomSpec(
                key=key, name=name, reason=reason,
                phrases=tuple(line.strip().lower() for line in phrases.splitlines() if line.strip()),
                article=slugs.get(article_id), provider=provider, weight=weight,
                codes=tuple(symptom_codes.get(pk, ())), examples=tuple(examples.get(pk, ())), id=pk,
            )
        )
    return KnowledgeSpec(symptoms=tuple(symptom_specs), codes=tuple(code_specs), articles=tuple(article_specs),
                         version=str(stamp))


_SLUG_MARK = "mailfix-slug-placeholder"


def _article_url_maker():
    """slug -> the article's URL. One reverse() for a placeholder slug, then plain text
    replacement when that is exact (the same URL as reverse() for every slug);
    otherwise reverse() per slug."""
    template = reverse("articles:detail", args=[_SLUG_MARK])
    if template.count(_SLUG_MARK) == 1:
        head, tail = template.split(_SLUG_MARK)

        def url_of(slug: str) -> str:
            if slug and all(c.isascii() and (c.isalnum() or c in "-_") for c in slug):
                return head + slug + tail
            return reverse("articles:detail", args=[slug])

        return url_of
    return lambda slug: reverse("articles:detail", args=[slug])


def get_index(force_check: bool = False) -> KnowledgeIndex:
    """This process's index, rebuilt if staff changed the knowledge since it was built."""
    from kb.models import KnowledgeStamp

    now = time.monotonic()
    if _state["index"] is not None and not force_check and now - _state["checked_at"] < STAMP_CHECK_SECONDS:
        return _state["index"]
    stamp = KnowledgeStamp.current()
    _state["checked_at"] = now
    if _state["index"] is not None and _state["stamp"] == stamp:
        return _state["index"]
    with _lock:
        if _state["index"] is None or _state["stamp"] != stamp:
            _state["index"] = build_index(spec_from_database())
            _state["stamp"] = stamp
    return _state["index"]


def reset() -> None:
    """Forget the index (tests)."""
    _state.update(index=None, stamp=None, checked_at=0.0)
