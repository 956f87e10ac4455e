"""Small factories: inline objects with sensible defaults, overridable per test."""

from __future__ import annotations

from itertools import count

from articles.models import Article, Vote
from kb.models import ErrorCode, Symptom, SymptomExample

_seq = count(1)

ARTICLE_BODY = """## What happened

The recipient's server says the mailbox is full.

## If you send the mail

1. Wait a day and send again.
2. Tell the recipient another way.

## If you run the mail server

1. Check the quota with `doveadm quota get -u user@example.com`.
"""


def make_article(**overrides) -> Article:
    n = next(_seq)
    values = {
        "slug": f"article-{n}",
        "title": f"Test article {n}",
        "summary": "A short summary of the fix.",
        "reason": "mailboxfull",
        "body": ARTICLE_BODY,
        "status": "published",
    }
    values.update(overrides)
    return Article.objects.create(**values)


def make_code(**overrides) -> ErrorCode:
    values = {"code": "5.2.2", "kind": "enhanced", "title": "Mailbox full", "meaning": "The mailbox is full.",
              "temporary": False, "side": "recipient", "reason": "mailboxfull"}
    values.update(overrides)
    return ErrorCode.objects.create(**values)


def make_symptom(examples=(), **overrides) -> Symptom:
    n = next(_seq)
    values = {"key": f"test-symptom-{n}", "name": f"Symptom {n}", "phrases": "mailbox is full\nover quota",
              "reason": "mailboxfull"}
    values.update(overrides)
    symptom = Symptom.objects.create(**values)
    for text in examples:
        SymptomExample.objects.create(symptom=symptom, text=text)
    return symptom


def make_vote(article: Article, **overrides) -> Vote:
    values = {"helpful": True, "visitor_hash": f"{next(_seq):064x}"}
    values.update(overrides)
    return Vote.objects.create(article=article, **values)
