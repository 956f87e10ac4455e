"""Quick start-up for `manage.py diagnose` (manage.py calls main() first).

Setting Django up costs about half a second, more than diagnosing hundreds of
bounces. For the common call (files or standard input, optionally --json, the
knowledge in an SQLite database) this path reads the database's KnowledgeStamp
with the sqlite3 module and loads the index an earlier run built for that
stamp (kb/index_cache.py). Only when there is no such index does it set Django
up, build the index from the database through the ORM as the command does, and
store it. Staff edits bump the stamp, so the next run sees them.

Whenever this path is unsure (another option, other settings or database
engine, no readable stamp, a database error) main() returns None before
printing anything, and manage.py runs the Django command as usual; that path
also gives the error messages. The loop and its output are shared with the
command (kb/cli_diagnose.py), so both print the same bytes.
"""

from __future__ import annotations

import gc
import os
import sys

SETTINGS_MODULE = "kb.settings"
SQLITE_ENGINE = "django.db.backends.sqlite3"
# KnowledgeStamp's table and row (kb/models.py); a build checks the model still uses them.
STAMP_TABLE = "kb_knowledgestamp"
STAMP_QUERY = f"SELECT version, changed_at FROM {STAMP_TABLE} WHERE id = 1"


def parse_args(argv: list[str]) -> tuple[list[str], bool] | None:
    """(files, as_json) for the arguments this path understands, else None."""
    names: list[str] = []
    as_json = False
    for arg in argv:
        if arg == "--json":
            as_json = True
        elif arg == "-" or not arg.startswith("-"):
            names.append(arg)
        else:
            return None  # --from-files, --help, --settings, "--" ...: Django's parser decides
    return names or ["-"], as_json


def read_stamp(database: str) -> tuple | None:
    """(version, changed_at) of the SQLite database's KnowledgeStamp, or None.

    Read-only: a missing database file is not created here."""
    try:
        # sqlite3's own C module: the package around it adds only adapters, and imports
        # datetime for them (~1.5 ms of start-up); connect and Error are the same objects
        import _sqlite3 as sqlite3
    except ImportError:
        import sqlite3

    if not database or database == ":memory:" or database.startswith("file:") or not os.path.isfile(database):
        return None
    # an SQLite URI: "%", "?" and "#" escaped (urllib.parse would cost more start-up time)
    path = os.path.abspath(database).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20)
        try:
            row = connection.execute(STAMP_QUERY).fetchone()
        finally:
            connection.close()
    except (sqlite3.Error, ValueError):
        return None
    return tuple(row) if row else None


def build_from_database():
    """(index, cacheable) built through Django's ORM exactly as the command builds it;
    None when the database cannot be read (the command then says why)."""
    import django

    django.setup()
    from django.db import DatabaseError

    from kb.diagnosis import build_index
    from kb.knowledge_source import spec_from_database
    from kb.models import KnowledgeStamp

    try:
        index = build_index(spec_from_database())
    except DatabaseError:
        return None
    return index, KnowledgeStamp._meta.db_table == STAMP_TABLE


class _Writer:
    """Writes like Django's OutputWrapper: a newline unless the message ends with one;
    messages to a terminal's stderr in the ERROR style, as BaseCommand does."""

    def __init__(self, stream, error_style: bool = False):
        self.stream = stream
        self.style = None
        if error_style and stream.isatty():
            from django.core.management.color import color_style

            self.style = color_style().ERROR

    def __call__(self, message: str) -> None:
        if not message.endswith("\n"):
            message += "\n"
        self.stream.write(self.style(message) if self.style else message)


def main(argv: list[str]) -> int | None:
    """Run `diagnose` with these arguments; the exit status, or None to let Django's command run."""
    if os.environ.get("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE) != SETTINGS_MODULE:
        return None
    parsed = parse_args(argv)
    if parsed is None:
        return None
    names, as_json = parsed
    try:
        from kb import settings
    except Exception:  # noqa: BLE001 - bad settings: Django reports them its own way
        return None
    database = settings.DATABASES.get("default", {})
    if database.get("ENGINE") != SQLITE_ENGINE:
        return None
    name = str(database.get("NAME") or "")
    stamp = read_stamp(name)
    if stamp is None:
        return None

    from kb import index_cache, regex_cache

    # before the engine is imported (loading the index imports it): see kb/regex_cache.py
    regex_path = regex_cache.cache_path(str(settings.VAR_DIR))
    seeded = regex_cache.seed(regex_path)
    key = index_cache.cache_key(os.path.realpath(name), stamp, index_cache.code_fingerprint(str(settings.BASE_DIR)))
    path = index_cache.cache_path(str(settings.VAR_DIR))
    index = index_cache.load(path, key)  # unpickled with the cyclic collector paused
    # The index lives as long as the process, so its tens of thousands of objects are
    # moved out of the collector's generations before a collection walks them, as the
    # first ones after loading would (~1 ms each).
    gc.freeze()
    from_cache = index is not None
    if index is None:
        built = build_from_database()
        if built is None:
            return None
        index, cacheable = built
        if cacheable:
            index_cache.store(path, key, index)

    from kb.cli_diagnose import EMPTY_DATABASE, diagnose_inputs, failure_message

    out = _Writer(sys.stdout)
    err = _Writer(sys.stderr, error_style=True)
    if not index.symptoms:
        err(EMPTY_DATABASE)
    failed = diagnose_inputs(names, index, as_json=as_json, stdin=getattr(sys.stdin, "buffer", None), out=out,
                             err=err, site_url=settings.SITE_URL)
    if from_cache:  # not after Django's start-up, whose own patterns no later run needs
        regex_cache.store(regex_path, seeded)
    if failed:
        err(f"CommandError: {failure_message(failed, len(names))}")
        return 1
    return 0
