from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from kb.kbfiles import read_all
from kb.models import ErrorCode, KnowledgeStamp, Symptom

pytestmark = pytest.mark.django_db


def _write_kb(root: Path, meaning="The mailbox is over its quota.", title="Mailbox full") -> Path:
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "codes").mkdir(exist_ok=True)
    (root / "symptoms").mkdir(exist_ok=True)
    (root / "articles" / "recipient-mailbox-full.md").write_text(
        f"---\ntitle: {title}\nsummary: The recipient's mailbox is full.\nreason: mailboxfull\n"
        "status: published\nrelated: [other-article]\n---\n## What happened\n\nFull.\n\n## How to fix it\n\n1. Wait.\n"
    )
    (root / "articles" / "other-article.md").write_text(
        "---\ntitle: Other\nsummary: Another one.\nreason: userunknown\n---\n## What happened\n\n1. Step.\n"
    )
    (root / "codes" / "enhanced.yaml").write_text(
        f'- code: "5.2.2"\n  kind: enhanced\n  title: Mailbox full\n  meaning: {meaning}\n  temporary: false\n'
        "  side: recipient\n  reason: mailboxfull\n  articles: [recipient-mailbox-full]\n"
        "  variants:\n    - provider: microsoft\n      meaning: Microsoft says this too.\n      reason: mailboxfull\n"
    )
    (root / "symptoms" / "server.yaml").write_text(
        "- key: srv-mailbox-full\n  name: Mailbox full\n  reason: mailboxfull\n  article: recipient-mailbox-full\n"
        '  codes: ["5.2.2"]\n  phrases: [mailbox is full, over quota]\n'
        '  examples: ["552 5.2.2 Mailbox is full"]\n'
    )
    return root


def _load(root: Path) -> str:
    out = StringIO()
    call_command("loadkb", path=str(root), stdout=out)
    return out.getvalue()


def test_it_loads_articles_codes_and_symptoms_with_their_links(tmp_path):
    _load(_write_kb(tmp_path))
    article = Article.objects.get(slug="recipient-mailbox-full")
    assert article.is_published and "<ol>" in article.body_html
    assert list(article.related.values_list("slug", flat=True)) == ["other-article"]
    code = ErrorCode.objects.get(code="5.2.2", kind="enhanced")
    assert list(code.articles.all()) == [article]
    assert code.variants.get().provider == "microsoft"
    symptom = Symptom.objects.get(key="srv-mailbox-full")
    assert symptom.article == article and list(symptom.codes.all()) == [code]
    assert symptom.examples.get().text == "552 5.2.2 Mailbox is full"


def test_it_changes_nothing_when_run_twice(tmp_path):
    root = _write_kb(tmp_path)
    _load(root)
    stamp = KnowledgeStamp.current()
    updated = {a.slug: a.updated_at for a in Article.objects.all()}
    output = _load(root)
    assert "articles: 0 created, 0 updated, 2 unchanged" in output
    assert "codes: 0 created, 0 updated, 1 unchanged" in output
    assert KnowledgeStamp.current() == stamp
    assert {a.slug: a.updated_at for a in Article.objects.all()} == updated


def test_it_updates_rows_staff_have_not_touched(tmp_path):
    _load(_write_kb(tmp_path))
    _load(_write_kb(tmp_path, meaning="A clearer meaning."))
    assert ErrorCode.objects.get(code="5.2.2").meaning == "A clearer meaning."


def test_it_never_overwrites_what_staff_edited(tmp_path):
    _load(_write_kb(tmp_path))
    article = Article.objects.get(slug="recipient-mailbox-full")
    article.title = "Staff wrote a better title"
    article.save()
    code = ErrorCode.objects.get(code="5.2.2")
    code.meaning = "Staff meaning."
    code.save()
    output = _load(_write_kb(tmp_path, meaning="Shipped meaning v2", title="Shipped title v2"))
    assert Article.objects.get(slug="recipient-mailbox-full").title == "Staff wrote a better title"
    assert ErrorCode.objects.get(code="5.2.2").meaning == "Staff meaning."
    assert "kept (edited by staff): article recipient-mailbox-full" in output


def test_it_keeps_rows_staff_created_themselves(tmp_path):
    Article.objects.create(slug="other-article", title="Staff's own", summary="s", reason="userunknown", body="x")
    _load(_write_kb(tmp_path))
    assert Article.objects.get(slug="other-article").title == "Staff's own"


def test_the_shipped_knowledge_base_loads_cleanly():
    files = read_all()
    out = StringIO()
    call_command("loadkb", stdout=out)
    assert "warning" not in out.getvalue(), out.getvalue()
    assert Article.objects.count() == len(files.articles)
    assert ErrorCode.objects.count() == len(files.codes)
    assert Symptom.objects.count() == len(files.symptoms)


def _code_articles_in_index():
    from kb.knowledge_source import spec_from_database

    return next(c.articles for c in spec_from_database().codes if c.code == "5.2.2")


def test_a_codes_first_article_is_its_main_one_and_a_new_order_is_published(tmp_path):
    # the engine offers a code's first article for a bare code, so the order in the file is
    # kept, and a new order alone is a change the servers must pick up
    root = _write_kb(tmp_path)
    other = root / "articles" / "other-article.md"
    other.write_text(other.read_text().replace("reason: userunknown\n", "reason: userunknown\nstatus: published\n"))
    codes = root / "codes" / "enhanced.yaml"
    codes.write_text(codes.read_text().replace("articles: [recipient-mailbox-full]",
                                               "articles: [recipient-mailbox-full, other-article]"))
    _load(root)
    assert _code_articles_in_index() == ("recipient-mailbox-full", "other-article")
    stamp = KnowledgeStamp.current()
    codes.write_text(codes.read_text().replace("articles: [recipient-mailbox-full, other-article]",
                                               "articles: [other-article, recipient-mailbox-full]"))
    output = _load(root)
    assert _code_articles_in_index() == ("other-article", "recipient-mailbox-full")
    assert "links alone changed" in output
    assert KnowledgeStamp.current() != stamp


def test_a_symptom_pointed_at_another_article_is_a_change_the_servers_pick_up(tmp_path):
    root = _write_kb(tmp_path)
    other = root / "articles" / "other-article.md"
    other.write_text(other.read_text().replace("reason: userunknown\n", "reason: userunknown\nstatus: published\n"))
    _load(root)
    stamp = KnowledgeStamp.current()
    symptoms = root / "symptoms" / "server.yaml"
    symptoms.write_text(symptoms.read_text().replace("article: recipient-mailbox-full", "article: other-article"))
    output = _load(root)
    assert Symptom.objects.get(key="srv-mailbox-full").article.slug == "other-article"
    assert "links alone changed" in output
    assert KnowledgeStamp.current() != stamp


def test_an_unquoted_phrase_with_a_colon_is_refused_with_a_clear_message(tmp_path):
    """YAML reads `- is not allowed to send: limit exceeded` as a mapping; loading it as the
    text "{'is not allowed to send': ...}" would make a phrase that never matches."""
    from kb.kbfiles import KBFileError, read_symptoms

    path = tmp_path / "symptoms.yaml"
    path.write_text(
        "- key: a-limit\n  name: A limit\n  reason: ratelimited\n  phrases:\n"
        "    - is not allowed to send: recipient limit exceeded\n",
        encoding="utf-8",
    )
    with pytest.raises(KBFileError, match="put it in quotes"):
        read_symptoms(path)
    path.write_text(path.read_text().replace("- is not allowed to send: recipient limit exceeded",
                                             '- "is not allowed to send: recipient limit exceeded"'))
    assert read_symptoms(path)[0]["phrases"] == ["is not allowed to send: recipient limit exceeded"]
