import pytest

from kb import knowledge_source
from kb.diagnosis import diagnose
from kb.knowledge_source import get_index
from kb.models import KnowledgeStamp, SymptomExample
from tests.factories import make_article, make_symptom

pytestmark = pytest.mark.django_db

NEW_ERROR = "451 4.3.0 Temporary frobnicator meltdown, try later"


def best_symptom(text: str, index) -> str | None:
    best = diagnose(text, index).best
    return best.symptom if best else None


def test_a_new_symptom_is_picked_up_after_the_stamp_check():
    make_symptom(key="mailbox-full", phrases="mailbox is full", reason="mailboxfull")
    before = get_index()
    assert best_symptom(NEW_ERROR, before) is None

    make_symptom(key="frobnicator", phrases="frobnicator meltdown", reason="systemerror")
    assert get_index() is before  # within STAMP_CHECK_SECONDS the process keeps its index
    after = get_index(force_check=True)
    assert after is not before
    assert best_symptom(NEW_ERROR, after) == "frobnicator"


def test_an_edited_phrase_is_picked_up():
    symptom = make_symptom(key="frobnicator", phrases="frobnicator meltdown", reason="systemerror")
    assert best_symptom(NEW_ERROR, get_index()) == "frobnicator"
    symptom.phrases = "widget overheated"
    symptom.save()
    assert best_symptom(NEW_ERROR, get_index(force_check=True)) is None


def test_a_deleted_symptom_disappears():
    symptom = make_symptom(key="frobnicator", phrases="frobnicator meltdown", reason="systemerror")
    assert best_symptom(NEW_ERROR, get_index()) == "frobnicator"
    symptom.delete()
    assert best_symptom(NEW_ERROR, get_index(force_check=True)) is None


def test_publishing_an_article_links_it_in_the_next_index():
    article = make_article(slug="frobnicator-fix", title="Fix the frobnicator", reason="systemerror", status="draft")
    make_symptom(key="frobnicator", phrases="frobnicator meltdown", reason="systemerror", article=article)
    assert diagnose(NEW_ERROR, get_index()).best.article != "frobnicator-fix"
    article.status = "published"
    article.save()
    assert diagnose(NEW_ERROR, get_index(force_check=True)).best.article == "frobnicator-fix"


def test_every_change_bumps_the_stamp():
    start = KnowledgeStamp.current()
    symptom = make_symptom(key="frobnicator", phrases="frobnicator meltdown", reason="systemerror")
    SymptomExample.objects.create(symptom=symptom, text=NEW_ERROR)
    assert KnowledgeStamp.current() >= start + 2


def test_an_unchanged_stamp_keeps_the_same_index():
    make_symptom(key="frobnicator", phrases="frobnicator meltdown", reason="systemerror")
    first = get_index()
    assert get_index(force_check=True) is first
    knowledge_source.reset()
    assert get_index() is not first
