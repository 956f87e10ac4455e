"""The knowledge base tests itself: every example pasted into a shipped Symptom
must diagnose as that Symptom once the files are loaded with `loadkb`, through
the same database-built index the site uses."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from kb import knowledge_source
from kb.diagnosis import diagnose, diagnose_example_ok
from kb.kbfiles import read_all

# The mark makes pytest-django set up the test database before the module fixture runs.
pytestmark = pytest.mark.django_db

SHIPPED = read_all()
SYMPTOMS_WITH_EXAMPLES = [s["key"] for s in SHIPPED.symptoms if s["examples"]]


@pytest.fixture(scope="module")
def shipped_results(django_db_setup, django_db_blocker):
    """Load the shipped KB once for the module, diagnose every example, roll back."""
    from kb.models import Symptom

    results: dict[str, list[tuple[str, bool, str]]] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        assert connection.settings_dict["NAME"].startswith("test") or "memory" in str(connection.settings_dict["NAME"])
        call_command("loadkb", stdout=io.StringIO())
        knowledge_source.reset()
        index = knowledge_source.get_index(force_check=True)
        for symptom in Symptom.objects.prefetch_related("examples"):
            rows = []
            for example in symptom.examples.all():
                ok = diagnose_example_ok(example.text, symptom.key, index)
                best = diagnose(example.text, index).best
                got = f"{best.symptom} ({best.reason}, {best.score:.2f})" if best else "nothing"
                rows.append((example.text, ok, got))
            results[symptom.key] = rows
        transaction.set_rollback(True)
    knowledge_source.reset()
    return results


@pytest.mark.parametrize("key", SYMPTOMS_WITH_EXAMPLES)
def test_every_example_diagnoses_as_its_own_symptom(shipped_results, key):
    assert key in shipped_results, f"{key} was not loaded by loadkb"
    failures = [f"{text[:120]!r} -> {got}" for text, ok, got in shipped_results[key] if not ok]
    assert not failures, f"{key}: examples that diagnose as something else:\n" + "\n".join(failures)


def test_the_shipped_knowledge_base_has_examples_to_check():
    assert len(SYMPTOMS_WITH_EXAMPLES) >= 10
