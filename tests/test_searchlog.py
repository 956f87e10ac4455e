import pytest
from pytest_django.asserts import assertContains, assertNotContains

from kb.diagnosis import Diagnosis, Match, Signals
from kb.models import SearchLog
from kb.searchlog import log_search, redact


@pytest.mark.parametrize(
    "text, secret",
    [
        ("550 5.1.1 <bob.smith+news@example.com>: User unknown", "bob.smith+news@example.com"),
        ("Final-Recipient: rfc822; carol@mail.example.org", "carol@mail.example.org"),
        ("connect to mx.example.net[198.51.100.23]:25: Connection timed out", "198.51.100.23"),
        ("550 5.7.1 [2001:db8:85a3::8a2e:370:7334] blocked", "2001:db8:85a3::8a2e:370:7334"),
        ("Remote-MTA: dns; IPv6:2001:db8::25", "2001:db8::25"),
        ("host mx1.mail.example.net said: 550 no", "mx1.mail.example.net"),
        ("Message-ID: <20261123.5F3A2B1C@mail.example.org>", "20261123.5F3A2B1C"),
        ("postfix/smtp[1234]: 4F2A1B3C9D: to=<x@example.com>", "4F2A1B3C9D"),
        ("Exim id 1tAbCd-000XyZ-9q", "1tAbCd-000XyZ-9q"),
        ("550-5.7.1 gsmtp a640c23a62f3a-4a23b0fb3dbsi12345.3 - gsmtp", "a640c23a62f3a-4a23b0fb3dbsi12345"),
        ("token=dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB2YWx1ZQ==", "dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB2YWx1ZQ"),
        ("ref 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "9f86d081884c7d659a2feaa0c55ad015"),
    ],
)
def test_it_masks_personal_and_tracking_data(text, secret):
    assert secret not in redact(text)


@pytest.mark.parametrize(
    "code",
    ["550", "5.7.1", "550-5.7.1", "0x800CCC79", "0x8004210B", "TSS04", "10060", "5.7.708", "AS(201806281)", "S3150",
     "RESOLVER.ADR.RecipientNotFound", "STOREDRV.Submission.Exception:SendQuotaExceededException", "12:34:56"],
)
def test_it_keeps_codes_readable(code):
    assert code in redact(f"Error {code} happened to <bob@example.com> via 203.0.113.5")


def test_it_keeps_the_words_of_the_error():
    text = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
    assert redact(text) == "550 5.1.1 <addr>: Recipient address rejected: User unknown in virtual mailbox table"


def test_it_cuts_to_2000_characters():
    assert len(redact("mailbox full " * 10_000)) == 2000


def test_it_removes_nul_and_lone_surrogates():
    cleaned = redact("550\x00 mailbox\ud800 full")
    assert "\x00" not in cleaned
    cleaned.encode("utf-8")  # storable


def make_diagnosis(reason="mailboxfull", article="recipient-mailbox-full") -> Diagnosis:
    matches = [Match(article=article, title="Full", url="/articles/x/", reason=reason, score=0.9)] if reason else []
    return Diagnosis(reason=reason or "undefined", signals=Signals(), matches=matches)


@pytest.mark.django_db
def test_log_search_stores_a_redacted_found_search():
    log_search("552 5.2.2 <bob@example.com>: mailbox full", make_diagnosis(), "page")
    log = SearchLog.objects.get()
    assert (log.text, log.found, log.reason, log.best_article, log.source) == (
        "552 5.2.2 <addr>: mailbox full", True, "mailboxfull", "recipient-mailbox-full", "page")


@pytest.mark.django_db
def test_log_search_stores_a_search_that_found_nothing():
    log_search("what is this", make_diagnosis(reason=None), "api")
    log = SearchLog.objects.get()
    assert (log.found, log.reason, log.best_article) == (False, "undefined", "")


@pytest.mark.django_db
def test_log_search_stores_hostile_text_on_every_database():
    log_search("\x00\ud800<script>'; DROP TABLE x; --" + "\u202e" * 10, make_diagnosis(reason=None), "page")
    assert SearchLog.objects.count() == 1


@pytest.mark.django_db
def test_the_admin_shows_how_many_searches_found_nothing_with_a_link(staff_client):
    log_search("nobody knows this error", make_diagnosis(reason=None), "page")
    log_search("mailbox full", make_diagnosis(), "page")
    response = staff_client.get("/admin/kb/searchlog/")
    assertContains(response, '<a href="?result=nothing"><strong>1 found nothing</strong></a>', html=False)
    assertContains(response, "2 searches")


@pytest.mark.django_db
def test_the_admin_filter_lists_only_searches_that_found_nothing(staff_client):
    log_search("nobody knows this error", make_diagnosis(reason=None), "page")
    log_search("mailbox full known", make_diagnosis(), "page")
    response = staff_client.get("/admin/kb/searchlog/", {"result": "nothing"})
    assertContains(response, "nobody knows this error")
    assertNotContains(response, "mailbox full known")


def test_it_keeps_one_entry_while_a_person_types_a_question(db):
    from kb.models import SearchLog
    from kb.searchlog import log_search

    for typed in ("my mail", "my mails bounce", "my mails bounce with mailbox full"):
        log_search(typed, None, "page")
    assert list(SearchLog.objects.values_list("text", flat=True)) == ["my mails bounce with mailbox full"]


def test_it_adds_a_new_entry_for_a_different_search(db):
    from kb.models import SearchLog
    from kb.searchlog import log_search

    log_search("550 5.1.1 user unknown", None, "page")
    log_search("421 too many connections", None, "page")
    assert SearchLog.objects.count() == 2
