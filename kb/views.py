from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from articles.models import Article
from articles.views import feedback_context
from kb.diagnosis import diagnose
from kb.diagnosis.reasons import NON_FAILURES, REASON_LABELS, REASONS
from kb.forms import PasteForm
from kb.knowledge_source import get_index
from kb.models import CodeKind, ErrorCode, Symptom
from kb.results import (
    SIDE_LABELS, build_result, enhanced_detail_title, enhanced_parts, lookup_codes, other_class,
)
from kb.searchlog import log_search

# Short queries get a linkable address (/?q=...); longer pastes stay out of URLs and logs of proxies.
LINKABLE_QUERY_CHARS = 200

EXAMPLES = [
    "550 5.1.1 The email account that you tried to reach does not exist",
    "552 5.2.2 Mailbox full",
    "535 5.7.8 Username and Password not accepted",
    "Socket Error #10060",
    "my emails bounce with mailbox full",
]


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _temporary_label(temporary: bool | None) -> str:
    if temporary is True:
        return "Temporary"
    if temporary is False:
        return "Permanent"
    return "Not an error, or it depends"


def _code_context(row: ErrorCode, rows_by_code: dict) -> dict:
    articles = {a.pk: a for a in row.articles.published()}
    symptoms = list(row.symptoms.select_related("article").order_by("name"))
    for symptom in symptoms:
        if symptom.article and symptom.article.is_published:
            articles.setdefault(symptom.article.pk, symptom.article)
    return {
        "row": row,
        "temporary": _temporary_label(row.temporary),
        "side": SIDE_LABELS.get(row.side, ""),
        "parts": enhanced_parts(row.code, enhanced_detail_title(row.code, rows_by_code)) if row.kind == "enhanced" else [],
        "variants": list(row.variants.all()),
        "symptoms": symptoms,
        "articles": sorted(articles.values(), key=lambda a: a.title),
        "reason_label": REASON_LABELS.get(row.reason, "") if row.reason not in ("undefined", "onhold") else "",
    }


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    form = PasteForm(data if "q" in data else None)
    result = None
    status = 200
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        text = form.cleaned_data["q"]
        diagnosis = diagnose(text, get_index())
        result = build_result(text, diagnosis)
        log_search(text, diagnosis, "page")
    elif form.is_bound and form.too_large:
        status = 413
    context = {
        **feedback_context(request, result.best.match.article if result and result.best else None),
        "form": form,
        "query": form.data.get("q", "").replace("\x00", " ") if form.is_bound else "",
        "result": result,
        "examples": [(example, "/?" + urlencode({"q": example})) for example in EXAMPLES],
    }
    query = context["query"].strip()
    linkable = result is not None and len(query) <= LINKABLE_QUERY_CHARS and "\n" not in query
    context["link"] = "/?" + urlencode({"q": query}) if linkable else ""
    template = "kb/search.html#results" if request.htmx else "kb/search.html"
    response = render(request, template, context, status=status)
    if request.htmx:
        response["HX-Replace-Url"] = context["link"] or "/"
    return response


@require_GET
@vary_on_headers("HX-Request")
def code_list(request: HtmxHttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:100]
    rows = ErrorCode.objects.order_by("kind", "code")
    if query:
        rows = rows.filter(Q(code__istartswith=query) | Q(title__icontains=query) | Q(meaning__icontains=query))
    groups = []
    for kind, label in CodeKind.choices:
        items = sorted((r for r in rows if r.kind == kind), key=lambda r: _code_sort_key(r.code))
        if items:
            groups.append({"kind": kind, "label": label, "items": items})
    context = {"groups": groups, "query": query, "count": sum(len(g["items"]) for g in groups)}
    template = "kb/codes.html#code-list" if request.htmx else "kb/codes.html"
    return render(request, template, context)


def _code_sort_key(code: str):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in code.split(".")]


@require_GET
def code_detail(request: HttpRequest, code: str) -> HttpResponse:
    rows = list(ErrorCode.objects.filter(code__iexact=code).prefetch_related("variants").order_by("kind"))
    if not rows:
        raise Http404("No such code")
    canonical = rows[0].code
    if canonical != code:
        return redirect(reverse("kb:code", args=[canonical]), permanent=True)
    kind_order = [kind for kind, _ in CodeKind.choices]
    rows.sort(key=lambda r: kind_order.index(r.kind) if r.kind in kind_order else 99)
    lookups = lookup_codes([canonical] + ([other_class(canonical)] if canonical.count(".") == 2 else []))
    entries = [_code_context(row, lookups) for row in rows]
    return render(request, "kb/code.html", {"code": canonical, "entries": entries})


@require_GET
def reason_list(request: HttpRequest) -> HttpResponse:
    counts: dict[str, int] = {}
    for reason in Article.objects.published().values_list("reason", flat=True):
        counts[reason] = counts.get(reason, 0) + 1
    reasons = [
        {"key": key, "label": REASON_LABELS[key], "description": REASONS[key], "count": counts.get(key, 0),
         "not_failure": key in NON_FAILURES}
        for key in sorted(REASONS, key=lambda k: REASON_LABELS[k].lower())
        if key not in ("undefined", "onhold")
    ]
    return render(request, "kb/reasons.html", {"reasons": reasons})


@require_GET
def reason_detail(request: HttpRequest, reason: str) -> HttpResponse:
    if reason not in REASONS:
        raise Http404("No such reason")
    articles = Article.objects.published().filter(reason=reason).order_by("title")
    codes = ErrorCode.objects.filter(reason=reason).order_by("kind", "code")[:40]
    symptoms = Symptom.objects.filter(reason=reason, article__status="published").order_by("name")[:40]
    context = {
        "reason": reason, "label": REASON_LABELS[reason], "description": REASONS[reason],
        "articles": articles, "codes": codes, "symptoms": symptoms, "not_failure": reason in NON_FAILURES,
    }
    return render(request, "kb/reason.html", context)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Disallow: /api/",
        f"Sitemap: {settings.SITE_URL}{reverse('kb:sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
