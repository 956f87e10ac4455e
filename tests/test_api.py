import json

import pytest
from hypothesis import HealthCheck, given, strategies as st
from hypothesis import settings as hypothesis_settings

from kb.models import SearchLog
from tests.factories import make_article, make_symptom

pytestmark = pytest.mark.django_db

URL = "/api/v1/diagnose"
MAILBOX_FULL = "552 5.2.2 <bob@example.com>: Recipient mailbox is full, over quota"


@pytest.fixture
def mailbox_full_symptom(db):
    article = make_article(slug="recipient-mailbox-full", title="The recipient's mailbox is full", reason="mailboxfull")
    return make_symptom(key="mailbox-full", phrases="mailbox is full\nover quota", reason="mailboxfull",
                        article=article)


def post_json(client, payload, **extra):
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **extra)


def test_it_diagnoses_a_json_body(client, mailbox_full_symptom):
    response = post_json(client, {"text": MAILBOX_FULL})
    assert response.status_code == 200
    data = response.json()
    assert data["reason"] == "mailboxfull"
    assert data["matches"][0]["article"] == "recipient-mailbox-full"
    assert data["matches"][0]["url"] == "/articles/recipient-mailbox-full/"
    assert data["signals"]["enhanced_code"] == "5.2.2"
    assert data["signals"]["temporary"] is False
    assert data["truncated"] is False


def test_it_diagnoses_a_form_field(client, mailbox_full_symptom):
    response = client.post(URL, {"text": MAILBOX_FULL})
    assert response.status_code == 200
    assert response.json()["reason"] == "mailboxfull"


def test_it_diagnoses_a_get_query(client, mailbox_full_symptom):
    response = client.get(URL, {"text": MAILBOX_FULL})
    assert response.status_code == 200
    assert response.json()["reason"] == "mailboxfull"


def test_it_diagnoses_a_plain_text_body(client, mailbox_full_symptom):
    response = client.post(URL, data=MAILBOX_FULL.encode(), content_type="text/plain")
    assert response.status_code == 200
    assert response.json()["reason"] == "mailboxfull"


def test_it_keeps_every_contract_field(client, mailbox_full_symptom):
    data = post_json(client, {"text": MAILBOX_FULL}).json()
    assert {"reason", "signals", "matches", "recipients"} <= set(data)
    assert {"reply_code", "enhanced_code", "provider", "stage", "temporary", "vendor_codes"} <= set(data["signals"])
    assert {"article", "title", "url", "reason", "score", "spans", "why"} <= set(data["matches"][0])


def test_it_says_undefined_when_nothing_fits(client, mailbox_full_symptom):
    data = post_json(client, {"text": "the printer on floor two is out of toner"}).json()
    assert data["reason"] == "undefined"
    assert data["matches"] == []


def test_it_needs_no_csrf_token(mailbox_full_symptom):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(URL, {"text": MAILBOX_FULL})
    assert response.status_code == 200


def test_it_returns_413_for_an_oversized_paste(client, settings):
    settings.MAILFIX_MAX_PASTE_BYTES = 1000
    response = post_json(client, {"text": "x" * 1001})
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]


def test_it_counts_bytes_not_characters_for_the_limit(client, settings):
    settings.MAILFIX_MAX_PASTE_BYTES = 1000
    response = post_json(client, {"text": "é" * 600})  # 600 characters, 1,200 bytes
    assert response.status_code == 413


def test_it_returns_413_for_an_oversized_raw_body_before_parsing(client, settings):
    settings.MAILFIX_MAX_PASTE_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3000
    response = client.post(URL, data=b"{" + b" " * 5000 + b"}", content_type="application/json")
    assert response.status_code == 413


def test_it_returns_413_for_the_default_limit(client):
    response = client.post(URL, data=("550 " * 140_000).encode(), content_type="text/plain")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"


def test_it_returns_400_for_empty_text(client):
    response = post_json(client, {"text": "   \n  "})
    assert response.status_code == 400
    assert "empty" in response.json()["error"]


def test_it_returns_400_for_a_missing_text_field(client):
    assert client.post(URL, {"message": "550"}).status_code == 400
    assert post_json(client, {"message": "550"}).status_code == 400
    assert client.get(URL).status_code == 400


def test_it_returns_400_for_bad_json(client):
    response = client.post(URL, data=b'{"text": "550', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "The body is not valid JSON."


def test_it_returns_400_for_deeply_nested_json(client):
    response = client.post(URL, data=b"[" * 100_000, content_type="application/json")
    assert response.status_code == 400


def test_it_returns_400_for_json_that_is_not_utf8(client):
    response = client.post(URL, data=b'{"text": "\xff\xfe 550"}', content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("payload", [{"text": 550}, {"text": None}, {"text": ["550"]}, ["550"], "550"])
def test_it_returns_400_for_text_that_is_not_a_string(client, payload):
    response = post_json(client, payload)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_it_returns_400_for_an_unsupported_content_type(client):
    response = client.post(URL, data=b"<text>550</text>", content_type="application/xml")
    assert response.status_code == 400
    assert "Content-Type" in response.json()["error"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_returns_405_json_for_other_methods(client, method):
    response = getattr(client, method)(URL)
    assert response.status_code == 405
    assert response.json()["status"] == 405
    assert response["Allow"] == "GET, POST"


def test_it_returns_429_json_when_one_client_asks_too_often(client, settings, mailbox_full_symptom):
    from django.core.cache import cache

    cache.clear()
    settings.RATELIMIT_ENABLE = True
    settings.MAILFIX_API_RATE = "3/m"
    statuses = [client.post(URL, {"text": MAILBOX_FULL}).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    response = client.post(URL, {"text": MAILBOX_FULL})
    assert "Too many requests" in response.json()["error"]
    cache.clear()


def test_it_logs_the_search_redacted(client, mailbox_full_symptom):
    post_json(client, {"text": MAILBOX_FULL})
    log = SearchLog.objects.get()
    assert log.source == "api"
    assert log.found is True
    assert log.reason == "mailboxfull"
    assert log.best_article == "recipient-mailbox-full"
    assert "bob@example.com" not in log.text
    assert "5.2.2" in log.text


def test_it_logs_a_search_that_found_nothing(client):
    post_json(client, {"text": "something nobody has described yet"})
    assert SearchLog.objects.get().found is False


# --- bad input: never a 500 ------------------------------------------------

BAD_TEXTS = {
    "nul bytes": "550\x00 5.1.1\x00\x00 user unknown\x00",
    "digits": "1234567890\n" * 10_000,
    "markup": '<script>alert("x")</script><img src=x onerror=alert(1)> mailbox is full',
    "sql": "550'; DROP TABLE kb_symptom; -- \" OR 1=1 /* mailbox is full",
    "lone surrogate": "550 \ud800 mailbox is full",
    "control characters": "".join(chr(i) for i in range(32)) * 100,
    "right-to-left and emoji": "\u202e550 5.1.1 \U0001f4e7 mailbox is full \u200b",
    "one long line": "a" * 200_000,
    "many wildcards' worst case": ("quota " * 20_000),
}


@pytest.mark.parametrize("name", BAD_TEXTS)
def test_it_answers_json_for_hostile_text(client, mailbox_full_symptom, name):
    response = post_json(client, {"text": BAD_TEXTS[name]})
    assert response.status_code == 200
    assert response.json()["reason"] in ("undefined", "mailboxfull", "userunknown")


def test_it_escapes_markup_in_its_json(client, mailbox_full_symptom):
    response = post_json(client, {"text": BAD_TEXTS["markup"]})
    assert b"<script>" not in response.content


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe\x00\x005\x005\x000\x00",
        b"550 5.1.1 \xc3\x28 broken utf-8 \xe2\x82",
        bytes(range(256)) * 50,
        b"\x00" * 5000,
    ],
    ids=["utf16-ish", "broken-utf8", "all-bytes", "only-nul"],
)
def test_it_handles_binary_and_broken_encodings_as_plain_text(client, body):
    response = client.post(URL, data=body, content_type="text/plain")
    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"


def test_it_handles_broken_percent_encoding_in_a_form(client):
    response = client.post(URL, data=b"text=550%20%FF%FE%C3%28%00mailbox", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_it_handles_binary_in_a_query_string(client):
    response = client.get(URL + "?text=%FF%FE%00%C3%28550")
    assert response.status_code == 200


def test_it_handles_a_bad_content_length(client):
    response = client.post(URL, data=b"text=550", content_type="application/x-www-form-urlencoded",
                           CONTENT_LENGTH="lots")
    assert response.status_code == 400


# --- any input at all: the answer is JSON and never a server error -----------


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=3000), content_type=st.sampled_from(
    ["text/plain", "application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
     "application/octet-stream", ""]))
def test_it_never_answers_500_for_any_body(client, body, content_type):
    response = client.post(URL, data=body, content_type=content_type)
    assert response.status_code in (200, 400, 413)
    assert response["Content-Type"] == "application/json"


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=2000))
def test_it_never_answers_500_for_any_json_text(client, text):
    response = post_json(client, {"text": text})
    assert response.status_code in (200, 400)


def test_it_returns_400_json_for_too_many_form_fields(client):
    body = "&".join(f"f{n}=1" for n in range(2000)) + "&text=550"
    response = client.post(URL, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_it_returns_400_json_for_too_many_query_fields(client):
    response = client.get(URL + "?" + "&".join(f"f{n}=1" for n in range(2000)) + "&text=550")
    assert response.status_code == 400
