"""Load the shipped knowledge base (fixtures/) into the database.

Idempotent, and it never overwrites staff work: a row whose content differs
from what was last loaded (its `kb_hash`) was edited in the admin and is kept;
rows staff created themselves (no `kb_hash`) are kept too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from articles.models import Article
from kb.kbfiles import KBFiles
from kb.models import CodeVariant, ErrorCode, Symptom, SymptomExample
from kb.models import KnowledgeStamp
from kb.signals import bumps_suspended


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)  # ("article", "created") -> n
    kept: list[str] = field(default_factory=list)  # rows left alone because staff edited them
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(n for (kind, state), n in self.counts.items() if state in ("created", "updated"))

    def lines(self) -> list[str]:
        out = []
        for kind in ("article", "code", "symptom"):
            parts = [f"{self.counts[(kind, state)]} {state}" for state in ("created", "updated", "unchanged", "kept")]
            out.append(f"{kind}s: " + ", ".join(parts))
        if self.counts[("links", "updated")]:
            out.append(f"rows whose links alone changed (a code's articles, a symptom's article, codes or "
                       f"examples): {self.counts[('links', 'updated')]}")
        out += [f"kept (edited by staff): {name}" for name in self.kept]
        out += [f"warning: {w}" for w in self.warnings]
        return out


def _apply(model, lookup: dict, values: dict, kind: str, report: LoadReport, label: str):
    """Create or update one tracked row. Returns (obj, changed) or (obj, None) if kept."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.kb_hash = obj.fingerprint()
        obj.save()
        report.counts[(kind, "created")] += 1
        return obj, True
    if not obj.kb_hash or obj.edited_by_staff:
        report.counts[(kind, "kept")] += 1
        report.kept.append(f"{kind} {label}")
        return obj, None
    for name, value in values.items():
        setattr(obj, name, value)
    new_hash = obj.fingerprint()
    if new_hash == obj.kb_hash:
        report.counts[(kind, "unchanged")] += 1
        return obj, False
    obj.kb_hash = new_hash
    obj.save()
    report.counts[(kind, "updated")] += 1
    return obj, True


def _load_articles(files: KBFiles, report: LoadReport) -> dict[str, Article]:
    touched = {}
    for data in files.articles:
        values = {k: data[k] for k in ("title", "summary", "reason", "body", "status", "side")}
        obj, changed = _apply(Article, {"slug": data["slug"]}, values, "article", report, data["slug"])
        if changed is not None:
            touched[data["slug"]] = (obj, data["related"], changed)
    by_slug = {a.slug: a for a in Article.objects.all()}
    for slug, (obj, related, changed) in touched.items():
        unknown = [s for s in related if s not in by_slug]
        if unknown:
            report.warnings.append(f"article {slug}: unknown related {', '.join(unknown)}")
        wanted = {by_slug[s].pk for s in related if s in by_slug}
        if set(obj.related.values_list("pk", flat=True)) != wanted:
            obj.related.set(wanted)
    return by_slug


def _articles_for(slugs, by_slug, owner, report) -> list[Article]:
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        report.warnings.append(f"{owner}: unknown article {', '.join(unknown)}")
    return [by_slug[s] for s in slugs if s in by_slug]


def _load_codes(files: KBFiles, by_slug, report: LoadReport) -> None:
    for data in files.codes:
        values = {k: data[k] for k in ("title", "meaning", "temporary", "side", "retry", "reason", "provider")}
        label = f"{data['kind']} {data['code']}"
        obj, changed = _apply(
            ErrorCode, {"kind": data["kind"], "code": data["code"]}, values, "code", report, label
        )
        if changed is None:
            continue
        wanted = _articles_for(data["articles"], by_slug, f"code {label}", report)
        linked = list(ErrorCode.articles.through.objects.filter(errorcode=obj).order_by("id")
                      .values_list("article_id", flat=True))
        if linked != [a.pk for a in wanted]:
            # the first article listed is the code's main one (the engine offers it for a
            # bare code), so the links are made one by one, in the file's order
            obj.articles.clear()
            for article in wanted:
                obj.articles.add(article)
            if not changed:
                report.counts[("links", "updated")] += 1  # only the links: still a change to publish
        if changed or (data.get("variants") and not obj.variants.exists()):
            obj.variants.all().delete()
            for variant in data.get("variants") or []:
                row = CodeVariant.objects.create(
                    code=obj, provider=variant["provider"], meaning=variant["meaning"], reason=variant["reason"]
                )
                row.articles.set(_articles_for(variant["articles"], by_slug, f"variant of {label}", report))


def _load_symptoms(files: KBFiles, by_slug, report: LoadReport) -> None:
    codes_by_text: dict[str, list[ErrorCode]] = {}
    for code in ErrorCode.objects.all():
        codes_by_text.setdefault(code.code, []).append(code)
    for data in files.symptoms:
        values = {
            "name": data["name"], "phrases": "\n".join(data["phrases"]), "provider": data["provider"],
            "reason": data["reason"], "weight": data["weight"],
        }
        obj, changed = _apply(Symptom, {"key": data["key"]}, values, "symptom", report, data["key"])
        if changed is None:
            continue
        article = by_slug.get(data["article"]) if data["article"] else None
        if data["article"] and article is None:
            report.warnings.append(f"symptom {data['key']}: unknown article {data['article']}")
        links_changed = False
        if obj.article_id != (article.pk if article else None):
            obj.article = article
            obj.save(update_fields=["article"])
            links_changed = True
        wanted = []
        for code in data["codes"]:
            if code not in codes_by_text:
                report.warnings.append(f"symptom {data['key']}: unknown code {code}")
            wanted += codes_by_text.get(code, [])
        if set(obj.codes.values_list("pk", flat=True)) != {c.pk for c in wanted}:
            obj.codes.set(wanted)
            links_changed = True
        current = list(obj.examples.values_list("text", flat=True))
        if current != data["examples"]:
            obj.examples.all().delete()
            SymptomExample.objects.bulk_create(SymptomExample(symptom=obj, text=t) for t in data["examples"])
            links_changed = True
        if links_changed and not changed:
            # the row's own fields are unchanged, but the index reads these too: publish it
            report.counts[("links", "updated")] += 1


def load_kb(files: KBFiles) -> LoadReport:
    report = LoadReport()
    with transaction.atomic():
        with bumps_suspended():
            by_slug = _load_articles(files, report)
            _load_codes(files, by_slug, report)
            _load_symptoms(files, by_slug, report)
        if report.changed:
            KnowledgeStamp.bump()
    return report
