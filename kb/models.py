"""Error knowledge: codes people meet, and the wordings (symptoms) that identify a problem."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from kb.diagnosis.providers import PROVIDER_CHOICES
from kb.diagnosis.reasons import REASON_CHOICES


class Side(models.TextChoices):
    CLIENT = "client", "Your mail program or account"
    SENDER = "sender", "Your mail server or sending service"
    RECIPIENT = "recipient", "The recipient's mail server"
    NETWORK = "network", "The network in between"
    SERVER = "server", "A mail server on the way"
    NONE = "none", "Nobody: not a problem"


class CodeKind(models.TextChoices):
    REPLY = "reply", "SMTP reply code"
    ENHANCED = "enhanced", "Enhanced status code"
    VENDOR = "vendor", "Program or provider code"


class FixtureTracked(models.Model):
    """Rows loaded from fixtures/ remember what was loaded, so `loadkb` can tell
    a staff edit (current content differs from what was loaded) from a row it
    may safely update."""

    kb_hash = models.CharField(
        max_length=64, blank=True, editable=False,
        help_text="Fingerprint of the shipped version last loaded; empty for rows made by staff.",
    )

    class Meta:
        abstract = True

    FINGERPRINT_FIELDS: tuple[str, ...] = ()

    def fingerprint_data(self) -> dict:
        return {name: getattr(self, name) for name in self.FINGERPRINT_FIELDS}

    def fingerprint(self) -> str:
        payload = json.dumps(self.fingerprint_data(), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def edited_by_staff(self) -> bool:
        return bool(self.kb_hash) and self.kb_hash != self.fingerprint()


class ErrorCode(FixtureTracked):
    code = models.CharField(max_length=40, help_text="As people see it: 550, 5.7.1, 0x800CCC79, TSS04, 10060.")
    kind = models.CharField(max_length=10, choices=CodeKind.choices)
    title = models.CharField(max_length=200, blank=True)
    meaning = models.TextField(blank=True, help_text="Plain words, for someone who landed here from a web search.")
    temporary = models.BooleanField(
        null=True, blank=True, help_text="Yes: temporary (4xx). No: permanent (5xx). Unknown: not an error, or it depends."
    )
    side = models.CharField(max_length=12, choices=Side.choices, blank=True, help_text="Whose side it usually is on.")
    retry = models.CharField(max_length=300, blank=True, help_text="What a retry will do.")
    reason = models.CharField(max_length=20, choices=REASON_CHOICES, default="undefined")
    provider = models.CharField(max_length=30, choices=PROVIDER_CHOICES, blank=True)
    articles = models.ManyToManyField("articles.Article", blank=True, related_name="codes")
    updated_at = models.DateTimeField(auto_now=True)

    FINGERPRINT_FIELDS = ("code", "kind", "title", "meaning", "temporary", "side", "retry", "reason", "provider")

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="errorcode_unique_kind_code")]
        indexes = [
            models.Index(fields=["code"], name="errorcode_code_idx"),
            models.Index(fields=["reason"], name="errorcode_reason_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return f"/codes/{self.code}/"


class CodeVariant(models.Model):
    """How one provider uses a standard code differently (Microsoft's 5.4.1, Gmail's 4.2.1)."""

    code = models.ForeignKey(ErrorCode, on_delete=models.CASCADE, related_name="variants")
    provider = models.CharField(max_length=30, choices=PROVIDER_CHOICES)
    meaning = models.TextField()
    reason = models.CharField(max_length=20, choices=REASON_CHOICES, default="undefined")
    articles = models.ManyToManyField("articles.Article", blank=True, related_name="code_variants")

    class Meta:
        ordering = ["provider"]
        constraints = [models.UniqueConstraint(fields=["code", "provider"], name="codevariant_unique_code_provider")]

    def __str__(self) -> str:
        return f"{self.code.code} at {self.get_provider_display()}"


def validate_phrases(value: str) -> None:
    for line in value.splitlines():
        phrase = line.strip()
        if not phrase:
            continue
        if phrase.count("*") > 1:
            raise ValidationError(f"“{phrase}”: use at most one * wildcard in a phrase.")
        if len(phrase.replace("*", "").strip()) < 3:
            raise ValidationError(f"“{phrase}”: a phrase needs at least three characters besides the wildcard.")
        if len(phrase) > 200:
            raise ValidationError(f"“{phrase[:40]}…”: keep phrases under 200 characters.")


class Symptom(FixtureTracked):
    key = models.SlugField(max_length=80, unique=True, help_text="Stable identifier, e.g. srv-mailbox-full.")
    name = models.CharField(max_length=200)
    phrases = models.TextField(
        validators=[validate_phrases],
        help_text="One phrase per line, as the error words it (case does not matter). "
        "At most one * per phrase, standing for a few words. No regular expressions.",
    )
    codes = models.ManyToManyField(ErrorCode, blank=True, related_name="symptoms")
    provider = models.CharField(max_length=30, choices=PROVIDER_CHOICES, blank=True)
    reason = models.CharField(max_length=20, choices=REASON_CHOICES)
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="symptoms"
    )
    weight = models.FloatField(default=1.0, help_text="Multiplies this symptom's score (0.1 to 3).")
    updated_at = models.DateTimeField(auto_now=True)

    FINGERPRINT_FIELDS = ("key", "name", "phrases", "provider", "reason", "weight")

    class Meta:
        ordering = ["key"]
        indexes = [models.Index(fields=["reason"], name="symptom_reason_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def phrase_list(self) -> list[str]:
        return [line.strip().lower() for line in self.phrases.splitlines() if line.strip()]


class SymptomExample(models.Model):
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="examples")
    text = models.TextField(help_text="A real paste, with addresses and IPs replaced by example ones.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class KnowledgeStamp(models.Model):
    """One row whose version goes up whenever staff change the knowledge, so every
    server process knows its in-memory index is stale."""

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    @classmethod
    def current(cls) -> int:
        row = cls.objects.filter(pk=1).values_list("version", flat=True).first()
        return row or 0

    @classmethod
    def bump(cls) -> None:
        # update() skips auto_now: set the time too, so a restored database that reaches
        # the same version again still differs from an index cached before (kb/index_cache.py)
        updated = cls.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now())
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1})


class SearchLog(models.Model):
    """A search, redacted before it is stored (no addresses, IPs or ids)."""

    text = models.TextField(help_text="The search, redacted and shortened.")
    source = models.CharField(max_length=10, default="page")  # page | api
    reason = models.CharField(max_length=20, blank=True)
    best_article = models.CharField(max_length=120, blank=True)
    found = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["found", "created_at"], name="searchlog_found_created_idx")]

    def __str__(self) -> str:
        return self.text[:80]
