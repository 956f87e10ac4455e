"""System checks for things that work but work worse."""

import sqlite3

from django.core.checks import Warning, register
from django.db import connection


def fts5_available() -> bool:
    try:
        con = sqlite3.connect(":memory:")
        con.execute("CREATE VIRTUAL TABLE probe USING fts5(body)")
        con.close()
        return True
    except sqlite3.Error:
        return False


@register()
def check_sqlite_fts5(app_configs, **kwargs):
    if connection.vendor == "sqlite" and not fts5_available():
        return [
            Warning(
                "This SQLite build has no FTS5: article search falls back to a slower, simpler match.",
                hint="Use a Python built against an SQLite with FTS5, or PostgreSQL.",
                id="kb.W001",
            )
        ]
    return []
