from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = "Error knowledge"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers system checks and index-stamp signals)
