import io

import pytest
from django.core.management import call_command

from kb.management.commands.benchmark import five_kb_bounce, synthetic_symptoms

pytestmark = pytest.mark.django_db


def test_it_prints_in_process_and_search_page_figures_with_run_counts():
    out = io.StringIO()
    call_command("benchmark", "--quick", "--skip", "b,c", stdout=out)
    text = out.getvalue()
    assert "median of 3 runs x 100 calls" in text
    assert "us per diagnosis" in text
    assert "median of 50 requests" in text
    assert "the database has no symptoms" in text


def test_the_5kb_bounce_is_about_5kb():
    assert 5000 <= len(five_kb_bounce().encode()) <= 5300


def test_synthetic_symptoms_are_unique_and_repeatable():
    first = synthetic_symptoms(500)
    assert len({s.key for s in first}) == 500
    assert first == synthetic_symptoms(500)
