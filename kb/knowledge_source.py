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
    from articles.models import Article
    from kb.models import ErrorCode, KnowledgeStamp, Symptom

    stamp = KnowledgeStamp.current()
    articles = {
        a.pk: a for a in Article.objects.published().only("pk", "slug", "title", "reason", "summary")
    }
    article_specs = tuple(
        ArticleSpec(slug=a.slug, title=a.title, reason=a.reason, summary=a.summary,
                    url=reverse("articles:detail", args=[a.slug]))
        for a in articles.values()
    )
    code_specs = []
    for code in ErrorCode.objects.prefetch_related("articles"):
        code_specs.append(
            CodeSpec(code=code.code, kind=code.kind, reason=code.reason, title=code.title,
                     temporary=code.temporary, provider=code.provider,
                     articles=tuple(a.slug for a in code.articles.all() if a.pk in articles))
        )
    symptom_specs = []
    for symptom in Symptom.objects.prefetch_related("codes", "examples"):
        article = articles.get(symptom.article_id)
        symptom_specs.append(
            SymptomSpec(
                key=symptom.key, name=symptom.name, reason=symptom.reason,
                phrases=tuple(symptom.phrase_list), article=article.slug if article else None,
                provider=symptom.provider, weight=symptom.weight,
                codes=tuple(c.code for c in symptom.codes.all()),
                examples=tuple(e.text for e in symptom.examples.all()), id=symptom.pk,
            )
        )
    return KnowledgeSpec(symptoms=tuple(symptom_specs), codes=tuple(code_specs), articles=article_specs,
                         version=str(stamp))


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
