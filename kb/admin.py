from django.contrib import admin

from .admin_tools import FoundNothingFilter, SearchLogToolsMixin, SymptomToolsMixin
from .models import CodeVariant, ErrorCode, SearchLog, Symptom, SymptomExample


class CodeVariantInline(admin.TabularInline):
    model = CodeVariant
    extra = 0
    fields = ("provider", "reason", "meaning", "articles")
    autocomplete_fields = ("articles",)


@admin.register(ErrorCode)
class ErrorCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "title", "reason", "temporary", "side", "provider")
    list_filter = ("kind", "reason", "provider", "side", "temporary")
    search_fields = ("code", "title", "meaning")
    autocomplete_fields = ("articles",)
    inlines = [CodeVariantInline]
    fieldsets = (
        (None, {"fields": ("code", "kind", "title", "meaning")}),
        ("What it means for the sender", {"fields": ("temporary", "side", "retry", "reason", "provider")}),
        ("Articles that fix it", {"fields": ("articles",)}),
    )


class SymptomExampleInline(admin.StackedInline):
    model = SymptomExample
    extra = 1
    fields = ("text",)


@admin.register(Symptom)
class SymptomAdmin(SymptomToolsMixin, admin.ModelAdmin):
    list_display = ("name", "key", "reason", "provider", "article", "weight", "examples_check")
    list_filter = ("reason", "provider")
    search_fields = ("key", "name", "phrases", "examples__text")
    autocomplete_fields = ("codes", "article")
    inlines = [SymptomExampleInline]
    fieldsets = (
        (None, {"fields": ("name", "key", "phrases")}),
        ("Classification", {"fields": ("reason", "provider", "article", "codes", "weight")}),
    )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False


@admin.register(SearchLog)
class SearchLogAdmin(SearchLogToolsMixin, admin.ModelAdmin):
    list_display = ("created_at", "short_text", "found", "reason", "best_article", "source")
    list_filter = (FoundNothingFilter, "source", "reason")
    search_fields = ("text",)
    date_hierarchy = "created_at"

    @admin.display(description="search")
    def short_text(self, obj):
        return obj.text[:100]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
