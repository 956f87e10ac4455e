"""Staff tools in the admin: try a paste against the live index, see which
symptoms' own examples no longer diagnose as them, and find searches that
found nothing. Plugged into kb/admin.py as mixins, so that file stays a list of
ModelAdmin declarations."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from kb.diagnosis import diagnose, diagnose_example_ok
from kb.knowledge_source import get_index


class TryPasteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100, "spellcheck": "false"}),
        strip=False,  # keep the text exactly as pasted, so match offsets point at it
        label="Paste an error or a whole bounce",
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        limit = settings.MAILFIX_MAX_PASTE_BYTES
        if len(text.encode("utf-8", "surrogatepass")) > limit:
            raise forms.ValidationError(f"The paste is larger than {limit // 1024} KB.")
        if not text.strip():
            raise forms.ValidationError("The paste is empty.")
        return text


def merge_spans(spans, length: int) -> list[tuple[int, int]]:
    clean = sorted((max(0, int(s)), min(length, int(e))) for s, e in spans if int(e) > int(s))
    merged: list[tuple[int, int]] = []
    for start, end in clean:
        if start >= length:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, spans) -> SafeString:
    """The text, escaped, with each span wrapped in <mark>."""
    parts, pos = [], 0
    for start, end in merge_spans(spans, len(text)):
        parts.append(escape(text[pos:start]))
        parts.append(format_html("<mark>{}</mark>", text[start:end]))
        pos = end
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))


# --- do a symptom's examples still diagnose as that symptom? -----------------

_example_cache: dict = {"index": None, "results": {}}


def failing_examples(symptom, index=None) -> list[str]:
    """The symptom's examples whose diagnosis is not this symptom (cached per index)."""
    index = index or get_index()
    if _example_cache["index"] is not index:
        _example_cache.update(index=index, results={})
    examples = tuple(e.text for e in symptom.examples.all())
    key = (symptom.key, examples)
    if key not in _example_cache["results"]:
        _example_cache["results"][key] = [text for text in examples if not diagnose_example_ok(text, symptom.key, index)]
    return _example_cache["results"][key]


class SymptomToolsMixin:
    """Adds the "Try a paste" page and the examples check to the Symptom admin."""

    def get_urls(self):
        urls = [
            path("try/", self.admin_site.admin_view(self.try_paste_view), name="kb_symptom_try"),
        ]
        return urls + super().get_urls()

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("examples")

    @admin.display(description="examples")
    def examples_check(self, obj) -> str:
        total = len(obj.examples.all())
        if not total:
            return "none"
        failures = failing_examples(obj)
        if failures:
            return format_html('<strong style="color:#ba2121">✗ {} of {} diagnose as something else</strong>',
                               len(failures), total)
        return f"✓ {total}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            symptom = self.get_object(request, object_id)
            if symptom is not None:
                for text in failing_examples(symptom):
                    result = diagnose(text, get_index())
                    got = result.best.symptom if result.best else "nothing"
                    messages.warning(
                        request,
                        f"This example no longer diagnoses as this symptom (it gives {got}, reason "
                        f"{result.reason}): {text[:200]}",
                    )
        return super().change_view(request, object_id, form_url, extra_context)

    def try_paste_view(self, request):
        form = TryPasteForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": "Try a paste"}
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["text"]
            result = diagnose(text, get_index(force_check=True))
            best = result.best
            context.update(
                result=result,
                highlighted=highlight(text, best.spans if best else []),
                matches=[self._match_row(match) for match in result.matches],
            )
        return TemplateResponse(request, "admin/kb/symptom/try_paste.html", context)

    @staticmethod
    def _match_row(match) -> dict:
        change_url = (reverse("admin:kb_symptom_change", args=[match.symptom_id])
                      if match.symptom_id is not None else None)
        return {"match": match, "symptom_url": change_url}


class FoundNothingFilter(admin.SimpleListFilter):
    title = "result"
    parameter_name = "result"

    def lookups(self, request, model_admin):
        return [("nothing", "Found nothing"), ("found", "Found a match")]

    def queryset(self, request, queryset):
        if self.value() == "nothing":
            return queryset.filter(found=False)
        if self.value() == "found":
            return queryset.filter(found=True)
        return queryset


class SearchLogToolsMixin:
    """Puts "N searches found nothing this week" with a link on top of the log."""

    def changelist_view(self, request, extra_context=None):
        since = timezone.now() - timedelta(days=7)
        week = self.model.objects.filter(created_at__gte=since)
        extra_context = {
            **(extra_context or {}),
            "week_total": week.count(),
            "week_nothing": week.filter(found=False).count(),
        }
        return super().changelist_view(request, extra_context)
