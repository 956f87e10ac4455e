from __future__ import annotations

import hashlib
import json
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from kb.diagnosis.reasons import REASON_LABELS

from .forms import FeedbackForm
from .models import Article, Vote
from .steps import number_steps, outline

VISITOR_COOKIE = "mailfix_visitor"
VISITOR_COOKIE_AGE = 2 * 365 * 24 * 3600
_VISITOR_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _visitor_id(request: HttpRequest) -> tuple[str, bool]:
    """The random id in the visitor's cookie, and whether it is new."""
    value = request.COOKIES.get(VISITOR_COOKIE, "")
    if _VISITOR_RE.match(value):
        return value, False
    return secrets.token_urlsafe(32), True


def visitor_hash(visitor: str, article_id: int) -> str:
    # Only this hash is stored: it tells one visitor's votes apart without
    # keeping the cookie value, and differs per article so votes cannot be joined.
    salt = hashlib.sha256(b"mailfix-vote-salt:" + settings.SECRET_KEY.encode()).hexdigest()
    return hashlib.sha256(f"{salt}:{visitor}:{article_id}".encode()).hexdigest()


def _current_vote(request: HttpRequest, article: Article) -> Vote | None:
    visitor = request.COOKIES.get(VISITOR_COOKIE, "")
    if not _VISITOR_RE.match(visitor):
        return None
    return Vote.objects.filter(article=article, visitor_hash=visitor_hash(visitor, article.pk)).first()


def feedback_context(request: HttpRequest, slug: str | None) -> dict:
    """The vote box's state for this visitor and article, wherever the box is shown."""
    article = Article.objects.published().filter(slug=slug).first() if slug else None
    return _vote_context(_current_vote(request, article) if article is not None else None)


def _vote_context(vote: Vote | None) -> dict:
    return {"fb_state": _feedback_state(vote), "fb_helpful": vote.helpful if vote else None}


def _feedback_state(vote: Vote | None) -> str:
    if vote is None:
        return "ask"
    return "thanks" if vote.comment else "comment"


def _save_vote(article: Article, hashed: str, helpful: bool | None, comment: str) -> Vote | None:
    """One row per visitor and article: a second vote changes the first."""
    for _ in range(2):
        try:
            with transaction.atomic():
                vote = Vote.objects.select_for_update().filter(article=article, visitor_hash=hashed).first()
                if vote is None:
                    if helpful is None:
                        return None
                    return Vote.objects.create(article=article, visitor_hash=hashed, helpful=helpful, comment=comment)
                if helpful is not None:
                    vote.helpful = helpful
                if comment:
                    vote.comment = comment
                vote.save()
                return vote
        except IntegrityError:  # two first votes at once: the other one won, so update it
            continue
    return None


def _json_ld(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _howto(request: HttpRequest, article: Article, sections) -> dict:
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": article.title,
        "description": article.summary,
        "url": url,
        "dateModified": article.updated_at.isoformat(),
        "step": [
            {
                "@type": "HowToSection",
                "name": section.title or article.title,
                "itemListElement": [
                    {"@type": "HowToStep", "position": step.number, "text": step.text, "url": f"{url}#{step.anchor}"}
                    for step in section.steps
                ],
            }
            for section in sections
        ],
    }
    return data


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    body_html, sections = number_steps(article.body_html)
    symptoms = list(article.symptoms.prefetch_related("codes").order_by("name"))
    codes = {code.pk: code for code in article.codes.all()}
    for symptom in symptoms:
        for code in symptom.codes.all():
            codes.setdefault(code.pk, code)
    kinds = {"reply": 0, "enhanced": 1, "vendor": 2}
    vote = _current_vote(request, article)
    context = {
        "article": article,
        "body_html": mark_safe(body_html),
        "outline": outline(article.body_html),
        "codes": sorted(codes.values(), key=lambda c: (kinds.get(c.kind, 3), c.code)),
        "symptoms": symptoms,
        "related": article.related.published().order_by("title"),
        "reason_label": REASON_LABELS.get(article.reason, ""),
        "json_ld": _json_ld(_howto(request, article, sections)) if sections else "",
        "fb_slug": article.slug,
        **_vote_context(vote),
    }
    return render(request, "articles/detail.html", context)


@require_POST
def feedback(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    visitor, new_visitor = _visitor_id(request)
    form = FeedbackForm(request.POST)
    vote = None
    if form.is_valid():
        vote = _save_vote(article, visitor_hash(visitor, article.pk), form.cleaned_data["helpful"],
                          form.cleaned_data["comment"])
    status = 200 if vote is not None else 422
    if request.htmx:
        context = {"fb_slug": article.slug, **_vote_context(vote), "fb_error": vote is None}
        response = render(request, "articles/_feedback.html", context, status=status)
    else:
        response = redirect(article.get_absolute_url() + "#feedback")
    if new_visitor and vote is not None:
        response.set_cookie(VISITOR_COOKIE, visitor, max_age=VISITOR_COOKIE_AGE, httponly=True, samesite="Lax",
                            secure=request.is_secure())
    return response
