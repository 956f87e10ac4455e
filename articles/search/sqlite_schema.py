"""The SQLite FTS5 table behind article search, and the triggers that keep it in
step with articles, symptoms and codes.

Migration 0002 installs it. SQLite drops a table's triggers whenever Django
rebuilds that table (most ALTERs on SQLite do), so a post_migrate hook
(`ensure_installed`) puts back whatever is missing and refills the index.
"""

from __future__ import annotations

TABLE = "articles_article_fts"

# Symptom names and codes of the article whose rowid is being written.
KEYWORDS = f"""(
  SELECT coalesce(group_concat(x, ' '), '') FROM (
    SELECT s.name AS x FROM kb_symptom s WHERE s.article_id = {TABLE}.rowid
    UNION ALL
    SELECT c.code || ' ' || c.title FROM kb_errorcode c
      JOIN kb_errorcode_articles ca ON ca.errorcode_id = c.id WHERE ca.article_id = {TABLE}.rowid
    UNION ALL
    SELECT c.code FROM kb_errorcode c
      JOIN kb_symptom_codes sc ON sc.errorcode_id = c.id
      JOIN kb_symptom s ON s.id = sc.symptom_id WHERE s.article_id = {TABLE}.rowid
  )
)"""


def refresh(where: str) -> str:
    return f"UPDATE {TABLE} SET keywords = {KEYWORDS} WHERE rowid IN ({where});"


TRIGGERS = {
    "articles_fts_ai": f"""AFTER INSERT ON articles_article BEGIN
        INSERT INTO {TABLE}(rowid, title, summary, keywords, body)
        VALUES (new.id, new.title, new.summary, '', new.body_text);
        {refresh("new.id")}
    END""",
    "articles_fts_au": f"""AFTER UPDATE ON articles_article BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
        INSERT INTO {TABLE}(rowid, title, summary, keywords, body)
        VALUES (new.id, new.title, new.summary, '', new.body_text);
        {refresh("new.id")}
    END""",
    "articles_fts_ad": f"""AFTER DELETE ON articles_article BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
    "articles_fts_symptom_ai": f"AFTER INSERT ON kb_symptom BEGIN {refresh('new.article_id')} END",
    "articles_fts_symptom_au": f"AFTER UPDATE ON kb_symptom BEGIN {refresh('old.article_id, new.article_id')} END",
    "articles_fts_symptom_ad": f"AFTER DELETE ON kb_symptom BEGIN {refresh('old.article_id')} END",
    "articles_fts_codearticle_ai": f"AFTER INSERT ON kb_errorcode_articles BEGIN {refresh('new.article_id')} END",
    "articles_fts_codearticle_ad": f"AFTER DELETE ON kb_errorcode_articles BEGIN {refresh('old.article_id')} END",
    "articles_fts_symptomcode_ai": (
        "AFTER INSERT ON kb_symptom_codes BEGIN "
        f"{refresh('SELECT article_id FROM kb_symptom WHERE id = new.symptom_id')} END"
    ),
    "articles_fts_symptomcode_ad": (
        "AFTER DELETE ON kb_symptom_codes BEGIN "
        f"{refresh('SELECT article_id FROM kb_symptom WHERE id = old.symptom_id')} END"
    ),
    "articles_fts_code_au": (
        "AFTER UPDATE OF code, title ON kb_errorcode BEGIN "
        + refresh(
            "SELECT article_id FROM kb_errorcode_articles WHERE errorcode_id = new.id "
            "UNION SELECT s.article_id FROM kb_symptom s "
            "JOIN kb_symptom_codes sc ON sc.symptom_id = s.id WHERE sc.errorcode_id = new.id"
        )
        + " END"
    ),
}




def _existing_triggers(cursor) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles_fts_%'")
    return {row[0] for row in cursor.fetchall()}


def _table_exists(cursor) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
    return cursor.fetchone() is not None


def install(connection) -> None:
    """Create the table and triggers (each only if missing) and refill the index."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
            "title, summary, keywords, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        rebuild(cursor)


def rebuild(cursor) -> None:
    cursor.execute(f"DELETE FROM {TABLE}")
    cursor.execute(
        f"INSERT INTO {TABLE}(rowid, title, summary, keywords, body) "
        "SELECT id, title, summary, '', body_text FROM articles_article"
    )
    cursor.execute(f"UPDATE {TABLE} SET keywords = {KEYWORDS}")


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def is_complete(connection) -> bool:
    with connection.cursor() as cursor:
        return _table_exists(cursor) and _existing_triggers(cursor) >= set(TRIGGERS)


def ensure_installed(using: str = "default") -> None:
    """post_migrate: repair the index if a table rebuild dropped its triggers."""
    from django.db import connections

    from kb.checks import fts5_available

    connection = connections[using]
    if connection.vendor != "sqlite" or not fts5_available():
        return
    with connection.cursor() as cursor:
        if not _table_exists(cursor):
            return  # migration 0002 not applied yet (or rolled back)
    if not is_complete(connection):
        install(connection)
