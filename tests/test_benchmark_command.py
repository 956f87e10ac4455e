import io

import pytest
from django.core.management import call_command

from kb.diagnosis import MAX_INPUT_BYTES
from kb.management.commands.benchmark import five_kb_bounce, hostile_inputs, synthetic_symptoms

pytestmark = pytest.mark.django_db


def test_it_prints_in_process_and_search_page_figures_with_run_counts():
    out = io.StringIO()
    call_command("benchmark", "--quick", "--skip", "b,c,e", stdout=out)
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


def test_it_reports_the_worst_time_among_the_hostile_inputs():
    out = io.StringIO()
    call_command("benchmark", "--quick", "--skip", "a,b,c,d", stdout=out)
    text = out.getvalue()
    assert "(e) bad input" in text
    assert "50,000 short lines" in text
    assert "worst: " in text


def test_the_hostile_inputs_reach_the_size_limit_where_the_issue_names_no_size():
    inputs = dict(hostile_inputs())
    assert len(inputs["random bytes"]) == MAX_INPUT_BYTES
    assert inputs["256 KB of digits"].isdigit() and len(inputs["256 KB of digits"]) >= MAX_INPUT_BYTES - 10
    assert inputs["50,000 short lines"].count("\n") == 50_000
