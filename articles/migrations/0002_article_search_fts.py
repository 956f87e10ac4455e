"""SQLite only: the FTS5 table behind article search and its sync triggers
(defined in articles/search/sqlite_schema.py). Other databases, and SQLite builds
without FTS5, skip this; articles.search picks another backend there. No model
changes, so `makemigrations` gives the same result everywhere."""

from django.db import migrations


def create_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from articles.search import sqlite_schema
    from kb.checks import fts5_available

    if fts5_available():
        sqlite_schema.install(schema_editor.connection)


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from articles.search import sqlite_schema

    sqlite_schema.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("kb", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_fts, drop_fts)]
