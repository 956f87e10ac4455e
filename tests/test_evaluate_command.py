import io
import json

import pytest
from django.core.management import CommandError, call_command

from kb.management.commands.evaluate import DEFAULT_CORPUS
from tests.factories import make_symptom

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_defaults_to_the_shared_sisimai_corpus():
    assert DEFAULT_CORPUS.parts[-3:] == ("shared", "corpus", "sisimai")


def test_it_fails_clearly_when_the_corpus_is_missing(tmp_path):
    with pytest.raises(CommandError, match="No corpus at"):
        run(str(tmp_path / "nowhere"))


def test_it_refuses_an_empty_database(corpus_dir):
    with pytest.raises(CommandError, match="loadkb"):
        run(str(corpus_dir))


@pytest.mark.corpus
def test_it_measures_the_database_knowledge(corpus_dir):
    make_symptom(key="mailbox-full", phrases="mailbox is full\nmailbox full\nover quota", reason="mailboxfull")
    out = run(str(corpus_dir))
    assert "knowledge: database (1 symptoms)" in out
    assert "message-level agreement:" in out
    assert "mailboxfull" in out


@pytest.mark.corpus
def test_it_measures_the_fixture_files_with_from_files(corpus_dir):
    out = run(str(corpus_dir), "--from-files", "--json")
    report = json.loads(out)
    assert report["knowledge"] == "fixture files"
    assert report["messages"] > 500
    assert 0 <= report["message_rate"] <= 1
