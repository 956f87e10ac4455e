import json

import pytest
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_it_answers_a_body_too_large_to_read_with_a_413_page(client, settings):
    body = "q=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post("/", body, content_type="application/x-www-form-urlencoded")
    assertContains(response, "too large", status_code=413)


def test_it_answers_an_api_body_too_large_to_read_with_json_413(client, settings):
    body = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = client.post("/api/v1/diagnose", body, content_type="application/json")
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


def test_it_reads_a_300_kb_bounce_under_the_default_limit(client, settings):
    assert settings.MAILFIX_MAX_PASTE_BYTES >= 300 * 1024
