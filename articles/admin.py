from django.contrib import admin
from django.db.models import Count, Q

from kb.models import Symptom

from .models import Article, Vote


class SymptomInline(admin.TabularInline):
    model = Symptom
    fk_name = "article"
    extra = 0
    fields = ("name", "key", "reason", "provider", "weight")
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "reason", "status", "votes", "helpful_ratio", "updated_at")
    list_filter = ("status", "reason")
    search_fields = ("title", "slug", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("related",)
    readonly_fields = ("updated_at", "created_at")
    inlines = [SymptomInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "reason", "side", "status")}),
        ("Body (Markdown)", {"fields": ("body",)}),
        ("Related", {"fields": ("related", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            votes_total=Count("votes", distinct=True),
            votes_helpful=Count("votes", filter=Q(votes__helpful=True), distinct=True),
        )

    @admin.display(description="votes", ordering="votes_total")
    def votes(self, obj):
        return obj.votes_total

    @admin.display(description="helpful", ordering="votes_helpful")
    def helpful_ratio(self, obj):
        if not obj.votes_total:
            return "–"
        return f"{100 * obj.votes_helpful / obj.votes_total:.0f}% of {obj.votes_total}"


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("article", "helpful", "short_comment", "updated_at")
    list_filter = ("helpful", "article__reason")
    search_fields = ("comment", "article__title")
    readonly_fields = ("article", "helpful", "comment", "visitor_hash", "created_at", "updated_at")

    @admin.display(description="comment")
    def short_comment(self, obj):
        return obj.comment[:100]

    def has_add_permission(self, request):
        return False
