"""Plain-data description of the knowledge base, as the engine consumes it.

The Django side (kb/knowledge_source.py) builds these from the database; tests
and tools can build them from the fixture files directly. Nothing here knows
about Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArticleSpec:
    slug: str
    title: str
    reason: str
    summary: str = ""
    url: str = ""  # filled by the caller; defaults to /articles/<slug>/


@dataclass(frozen=True)
class SymptomSpec:
    key: str
    name: str
    reason: str
    phrases: tuple[str, ...]
    article: str | None = None  # article slug
    provider: str = ""
    weight: float = 1.0
    codes: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    id: int | None = None  # database id, when built from the database


@dataclass(frozen=True)
class CodeSpec:
    code: str
    kind: str  # reply | enhanced | vendor
    reason: str = "undefined"
    title: str = ""
    temporary: bool | None = None
    provider: str = ""
    articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeSpec:
    symptoms: tuple[SymptomSpec, ...] = ()
    codes: tuple[CodeSpec, ...] = ()
    articles: tuple[ArticleSpec, ...] = ()
    version: str = ""
    extra: dict = field(default_factory=dict)
