"""Solution articles and the votes that say whether they helped."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from kb.diagnosis.reasons import REASON_CHOICES
from kb.models import FixtureTracked, Side

from .markdown import html_to_text, render_markdown


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def with_votes(self):
        return self.annotate(
            votes_total=Count("votes", distinct=True),
            votes_helpful=Count("votes", filter=Q(votes__helpful=True), distinct=True),
        )


class Article(FixtureTracked):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, help_text="One line: what happened and what to do.")
    reason = models.CharField(max_length=20, choices=REASON_CHOICES)
    side = models.CharField(
        max_length=12, choices=Side.choices, blank=True,
        help_text="Whose side the fix is on, shown with every diagnosis that leads here. "
                  "Leave blank to take it from the reason.",
    )
    body = models.TextField(
        help_text="Markdown. The fix as numbered steps; '## If you send the mail' and "
        "'## If you run the mail server' where senders and administrators do different things."
    )
    body_html = models.TextField(blank=True, editable=False)
    body_text = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    related = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="related_from")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    FINGERPRINT_FIELDS = ("slug", "title", "summary", "reason", "body", "status", "side")

    def fingerprint_data(self) -> dict:
        data = super().fingerprint_data()
        if not data["side"]:
            # rows loaded before articles had a side keep their fingerprint, so loadkb
            # does not take them for staff edits
            del data["side"]
        return data

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "reason"], name="article_status_reason_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.body_text = html_to_text(self.body_html)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"body_html", "body_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class Vote(models.Model):
    """One visitor's answer to "Was this helpful?". The visitor is known only by a
    salted hash, so we can count one vote per visitor and article without storing who."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=2000, help_text="How can this article be improved?")
    visitor_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["article", "visitor_hash"], name="vote_one_per_visitor")]
        indexes = [models.Index(fields=["article", "helpful"], name="vote_article_helpful_idx")]

    def __str__(self) -> str:
        return f"{'Yes' if self.helpful else 'No'} on {self.article}"
