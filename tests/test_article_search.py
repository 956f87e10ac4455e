"""One set of expectations for article search, run on whichever database is active
(SQLite FTS5 locally, PostgreSQL in CI), plus the plain fallback everywhere."""

import pytest
from django.db import connection

from articles.search import get_backend
from articles.search.fallback import FallbackSearch
from tests.factories import make_article, make_code, make_symptom

pytestmark = pytest.mark.django_db

BACKENDS = ["active", "fallback"]


def _backend(kind):
    return get_backend() if kind == "active" else FallbackSearch()


@pytest.fixture
def mailbox_article():
    return make_article(
        slug="recipient-mailbox-full", title="The recipient's mailbox is full",
        summary="Their mailbox has no room left; wait or tell them another way.",
    )


@pytest.fixture
def login_article():
    return make_article(
        slug="wrong-password", title="Your server did not accept your password", reason="securityerror",
        summary="Check the username and password in your mail program.",
        body="## What happened\n\nThe login was refused.\n\n## If you send the mail\n\n1. Type the password again.\n",
    )


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_finds_an_exact_phrase(kind, mailbox_article, login_article):
    hits = _backend(kind).search("mailbox is full", limit=5)
    assert hits[0].article_id == mailbox_article.pk


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_answers_a_question_in_words(kind, mailbox_article, login_article):
    hits = _backend(kind).search("my emails bounce with mailbox full", limit=5)
    assert [hit.article_id for hit in hits][:1] == [mailbox_article.pk]


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("query", ["", "   ", "\n\t", "the and of"])
def test_search_blank_query_finds_nothing(kind, query, mailbox_article):
    assert _backend(kind).search(query, limit=5) == []


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize(
    "query",
    [
        '550 5.7.1 <user@example.com>: "Relay access denied" (in reply to RCPT TO)',
        'NEAR(mailbox full) AND OR NOT * ^ -- ; DROP TABLE articles_article; "',
        '"""\'\'\' ((( ))) {} [] :: @@ <<>> !!! ??? ***',
        "mailbox\x00full",
        "OR",
        "-mailbox",
    ],
)
def test_search_survives_punctuation_heavy_pastes(kind, query, mailbox_article):
    hits = _backend(kind).search(query, limit=5)
    assert isinstance(hits, list)


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_hides_drafts(kind, mailbox_article):
    make_article(slug="draft-zebra", title="Zebra quota draft", status="draft", body="zebra zebra")
    assert _backend(kind).search("zebra", limit=5) == []


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_ranks_a_title_hit_above_a_body_hit(kind):
    in_body = make_article(slug="body-hit", title="Something else entirely",
                           body="## What happened\n\nA greylisting server asked to wait.\n")
    in_title = make_article(slug="title-hit", title="Greylisting delayed your mail",
                            body="## What happened\n\nThe server asked your server to wait.\n")
    hits = _backend(kind).search("greylisting", limit=5)
    assert [hit.article_id for hit in hits] == [in_title.pk, in_body.pk]


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_marks_the_words_in_a_safe_snippet(kind):
    make_article(slug="snippet", title="Snippet test",
                 body="## What happened\n\nThe server said `<script>` and then greylisting kicked in.\n")
    hit = _backend(kind).search("greylisting", limit=1)[0]
    assert "<mark>" in hit.snippet
    assert "<script>" not in hit.snippet


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_finds_an_article_by_its_symptom_name(kind, mailbox_article, login_article):
    make_symptom(name="Quokka refusal", article=login_article, reason="securityerror")
    hits = _backend(kind).search("quokka", limit=5)
    assert [hit.article_id for hit in hits] == [login_article.pk]


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_finds_an_article_by_a_linked_code(kind, mailbox_article, login_article):
    code = make_code(code="0x800CCC92", kind="vendor", title="Outlook login refused", reason="securityerror")
    code.articles.add(login_article)
    hits = _backend(kind).search("0x800CCC92", limit=5)
    assert [hit.article_id for hit in hits] == [login_article.pk]


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_follows_an_edited_title(kind, mailbox_article):
    mailbox_article.title = "Walrus storage exhausted"
    mailbox_article.save()
    assert [hit.article_id for hit in _backend(kind).search("walrus", limit=5)] == [mailbox_article.pk]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_uses_fts5_when_the_table_exists():
    assert get_backend().name == "sqlite-fts5"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_uses_full_text_search():
    assert get_backend().name == "postgresql"


def test_fts_quote_doubles_inner_quotes():
    from articles.search.sqlite import fts_quote

    assert fts_quote('say "hi"') == '"say ""hi"""'


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_finds_nothing_for_words_no_article_has(kind, mailbox_article, login_article):
    assert _backend(kind).search("xylophone quartz", limit=5) == []


@pytest.mark.parametrize("kind", BACKENDS)
def test_search_does_not_return_an_article_that_misses_the_rarer_words(kind, mailbox_article, login_article):
    hits = _backend(kind).search("password typed again", limit=5)
    assert [hit.article_id for hit in hits][:1] == [login_article.pk]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_index_is_repaired_after_a_table_rebuild_drops_its_triggers(mailbox_article):
    from articles.search import sqlite_schema

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER articles_fts_au")
    assert not sqlite_schema.is_complete(connection)
    sqlite_schema.ensure_installed("default")
    assert sqlite_schema.is_complete(connection)
    mailbox_article.title = "Narwhal quota"
    mailbox_article.save()
    assert [hit.article_id for hit in get_backend().search("narwhal", limit=5)] == [mailbox_article.pk]
