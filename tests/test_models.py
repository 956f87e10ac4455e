import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article
from kb.models import ErrorCode, KnowledgeStamp, validate_phrases
from tests.factories import make_article, make_code, make_symptom, make_vote

pytestmark = pytest.mark.django_db


def test_it_refuses_the_same_code_twice_in_one_kind():
    make_code(code="550", kind="reply")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_code(code="550", kind="reply")


def test_it_allows_the_same_code_text_in_another_kind():
    make_code(code="550", kind="reply")
    make_code(code="550", kind="vendor")
    assert ErrorCode.objects.filter(code="550").count() == 2


def test_it_refuses_two_articles_with_one_slug():
    make_article(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug="same")


def test_it_renders_article_markdown_on_save_with_step_anchors():
    article = make_article(body="## If you send the mail\n\n1. Open settings.\n2. Fix the password.\n")
    assert '<h2 id="if-you-send-the-mail">' in article.body_html
    assert "<ol>" in article.body_html and "<li>Open settings.</li>" in article.body_html
    assert "Fix the password." in article.body_text


def test_it_strips_script_and_javascript_links_from_article_html():
    article = make_article(body='Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    assert "<script" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "onerror" not in article.body_html


def test_it_only_lists_published_articles_as_public():
    make_article(slug="live")
    make_article(slug="hidden", status="draft")
    assert list(Article.objects.published().values_list("slug", flat=True)) == ["live"]


def test_it_counts_one_vote_per_visitor_and_article():
    article = make_article()
    make_vote(article, visitor_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_vote(article, visitor_hash="a" * 64, helpful=False)


def test_it_counts_votes_and_helpful_votes():
    article = make_article()
    make_vote(article, helpful=True)
    make_vote(article, helpful=False)
    make_vote(article, helpful=True)
    annotated = Article.objects.with_votes().get(pk=article.pk)
    assert (annotated.votes_total, annotated.votes_helpful) == (3, 2)


def test_it_accepts_plain_phrases_with_one_wildcard():
    validate_phrases("mailbox is full\nquota * exceeded")


@pytest.mark.parametrize("bad", ["a * b * c", "*", "x*", "y" * 201])
def test_it_rejects_phrases_with_two_wildcards_or_too_short(bad):
    with pytest.raises(ValidationError):
        validate_phrases(bad)


def test_it_bumps_the_knowledge_stamp_when_staff_change_a_symptom():
    before = KnowledgeStamp.current()
    symptom = make_symptom()
    after_create = KnowledgeStamp.current()
    symptom.phrases = "inbox is full"
    symptom.save()
    assert before < after_create < KnowledgeStamp.current()


def test_it_notices_a_staff_edit_of_a_loaded_row():
    code = make_code()
    code.kb_hash = code.fingerprint()
    code.save()
    assert not code.edited_by_staff
    code.meaning = "Edited by staff."
    assert code.edited_by_staff


def test_it_keeps_a_steps_code_block_and_the_next_step_in_one_numbered_list():
    body = (
        "1. Check the quota:\n\n   ```\n   doveadm quota get -u a@example.com\n   ```\n\n"
        "   This shows the usage.\n2. Raise the limit.\n3. Send again.\n"
    )
    html = make_article(body=body).body_html
    assert html.count("<ol") == 1
    assert html.count("<li") == 3
    assert "<pre><span></span><code>doveadm quota get" in html or "<code>doveadm quota get" in html
    assert "2. Raise" not in html


@pytest.mark.django_db
def test_a_knowledge_change_moves_the_stamps_time_too():
    # the quick diagnose path keys its cached index on (version, changed_at)
    KnowledgeStamp.bump()
    first = KnowledgeStamp.objects.get(pk=1).changed_at
    KnowledgeStamp.bump()
    assert KnowledgeStamp.objects.get(pk=1).changed_at > first
