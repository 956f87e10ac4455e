from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_search_index(using="default", **kwargs):
    if connections[using].vendor == "sqlite":
        from .search.sqlite_schema import ensure_installed

        ensure_installed(using)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Solution articles"

    def ready(self):
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="articles-ensure-search-index")
