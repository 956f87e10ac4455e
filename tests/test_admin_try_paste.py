import pytest
from pytest_django.asserts import assertContains, assertNotContains

from kb.admin_tools import highlight
from kb.models import SearchLog
from tests.factories import make_article, make_symptom

pytestmark = pytest.mark.django_db

URL = "/admin/kb/symptom/try/"
PASTE = "Delivery failed.\r\n552 5.2.2 <bob@example.org>: Recipient mailbox is full\r\n"


@pytest.fixture
def mailbox_full(db):
    article = make_article(slug="recipient-mailbox-full", title="The recipient's mailbox is full", reason="mailboxfull")
    return make_symptom(key="mailbox-full", name="Mailbox full", phrases="mailbox is full\nover quota",
                        reason="mailboxfull", article=article)


@pytest.fixture
def storage_symptom(db):
    return make_symptom(key="recipient-mailbox", name="Recipient mailbox", phrases="recipient mailbox",
                        reason="systemfull", weight=0.3)


def test_it_links_the_page_from_the_symptom_list(staff_client):
    assertContains(staff_client.get("/admin/kb/symptom/"), f'href="{URL}"')


def test_it_shows_an_empty_form(staff_client):
    response = staff_client.get(URL)
    assertContains(response, "Try a paste")
    assertContains(response, "<textarea")


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_refuses_non_staff_users(client, django_user_model):
    user = django_user_model.objects.create_user("bob", "bob@example.com", "a-long-password")
    client.force_login(user)
    assert client.get(URL).status_code == 302


def test_it_shows_the_reason_and_links_the_matched_symptom(staff_client, mailbox_full):
    response = staff_client.post(URL, {"text": PASTE})
    assertContains(response, "Reason: <code>mailboxfull</code>", html=False)
    assertContains(response, f'href="/admin/kb/symptom/{mailbox_full.pk}/change/"')
    assertContains(response, "The recipient&#x27;s mailbox is full")


def test_it_highlights_the_matched_phrase(staff_client, mailbox_full):
    response = staff_client.post(URL, {"text": PASTE})
    assertContains(response, "<mark>mailbox is full</mark>")
    assertContains(response, "<q>mailbox is full</q>")


def test_it_shows_codes_and_recipients(staff_client, mailbox_full):
    bounce = (
        "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nFailed.\n\n--b\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; carol@example.org\nAction: failed\n"
        "Status: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox is full\n\n--b--\n"
    )
    response = staff_client.post(URL, {"text": bounce})
    assertContains(response, "carol@example.org")
    assertContains(response, "<td>5.2.2</td>", html=False)


def test_it_lists_the_runners_up(staff_client, mailbox_full, storage_symptom):
    response = staff_client.post(URL, {"text": PASTE})
    assertContains(response, "All matches (best first)")
    assertContains(response, f'href="/admin/kb/symptom/{storage_symptom.pk}/change/"')


def test_it_says_when_nothing_matched(staff_client, mailbox_full):
    assertContains(staff_client.post(URL, {"text": "the office printer is jammed"}), "Nothing matched.")


def test_it_escapes_markup_in_the_paste(staff_client, mailbox_full):
    response = staff_client.post(URL, {"text": '<script>alert("x")</script> mailbox is full'})
    assertNotContains(response, '<script>alert("x")</script>', html=False)
    assertContains(response, "&lt;script&gt;")


def test_it_rejects_an_empty_paste(staff_client):
    assertContains(staff_client.post(URL, {"text": "   "}), "The paste is empty.")


def test_it_rejects_an_oversized_paste(staff_client, settings):
    settings.MAILFIX_MAX_PASTE_BYTES = 100
    assertContains(staff_client.post(URL, {"text": "x" * 101}), "larger than")


def test_it_does_not_log_staff_tries_as_searches(staff_client, mailbox_full):
    staff_client.post(URL, {"text": PASTE})
    assert SearchLog.objects.count() == 0


def test_highlight_merges_overlapping_spans_and_ignores_spans_past_the_end():
    assert highlight("a<b>cdef", [(1, 4), (2, 5), (50, 60)]) == "a<mark>&lt;b&gt;c</mark>def"


# --- the examples check on the Symptom admin ---------------------------------


def test_it_flags_a_symptom_whose_example_diagnoses_as_something_else(staff_client, mailbox_full):
    make_symptom(key="quota-words", name="Quota words", phrases="over quota", reason="mailboxfull",
                 examples=["552 mailbox is full"])
    response = staff_client.get("/admin/kb/symptom/")
    assertContains(response, "1 of 1 diagnose as something else")


def test_it_marks_a_symptom_whose_examples_pass(staff_client):
    make_symptom(key="quota", phrases="over quota", reason="mailboxfull", examples=["552 5.2.2 user is over quota"])
    assertContains(staff_client.get("/admin/kb/symptom/"), "✓ 1")


def test_it_warns_on_the_change_page_about_a_failing_example(staff_client, mailbox_full):
    symptom = make_symptom(key="quota-words", name="Quota words", phrases="over quota", reason="mailboxfull",
                           examples=["552 mailbox is full"])
    response = staff_client.get(f"/admin/kb/symptom/{symptom.pk}/change/")
    assertContains(response, "This example no longer diagnoses as this symptom (it gives mailbox-full")
