"""Plain-data description of the knowledge base, as the engine consumes it.

The Django side (kb/knowledge_source.py) builds these from the database; tests
and tools can build them from the fixture files directly. Nothing here knows
about Django.
"""

from __future__ import annotations

from .record import FrozenRecord

# Frozen records (see record.py); __init__ fills __dict__ directly because
# assigning to a frozen record's attributes raises.


class ArticleSpec(FrozenRecord):
    _fields = ("slug", "title", "reason", "summary", "url")

    def __init__(self, slug: str, title: str, reason: str, summary: str = "", url: str = ""):
        # url: filled by the caller; defaults to /articles/<slug>/
        self.__dict__.update(slug=slug, title=title, reason=reason, summary=summary, url=url)


class SymptomSpec(FrozenRecord):
    _fields = ("key", "name", "reason", "phrases", "article", "provider", "weight", "codes", "examples", "id")

    def __init__(self, key: str, name: str, reason: str, phrases: tuple[str, ...], article: str | None = None,
                 provider: str = "", weight: float = 1.0, codes: tuple[str, ...] = (),
                 examples: tuple[str, ...] = (), id: int | None = None):  # noqa: A002 - the database id
        # article: the article's slug; id: the database id, when built from the database
        self.__dict__.update(key=key, name=name, reason=reason, phrases=phrases, article=article, provider=provider,
                             weight=weight, codes=codes, examples=examples, id=id)


class CodeSpec(FrozenRecord):
    _fields = ("code", "kind", "reason", "title", "temporary", "provider", "articles")

    def __init__(self, code: str, kind: str, reason: str = "undefined", title: str = "",
                 temporary: bool | None = None, provider: str = "", articles: tuple[str, ...] = ()):
        # kind: reply | enhanced | vendor
        self.__dict__.update(code=code, kind=kind, reason=reason, title=title, temporary=temporary,
                             provider=provider, articles=articles)


class KnowledgeSpec(FrozenRecord):
    _fields = ("symptoms", "codes", "articles", "version", "extra")

    def __init__(self, symptoms: tuple[SymptomSpec, ...] = (), codes: tuple[CodeSpec, ...] = (),
                 articles: tuple[ArticleSpec, ...] = (), version: str = "", extra: dict | None = None):
        self.__dict__.update(symptoms=symptoms, codes=codes, articles=articles, version=version,
                             extra={} if extra is None else extra)
