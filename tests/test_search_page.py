import pytest
from pytest_django.asserts import assertContains, assertNotContains

from kb.models import SearchLog
from tests.factories import make_article
from tests.site_data import make_site_data

pytestmark = pytest.mark.django_db

MAILBOX_ERROR = "552 5.2.2 <anna@example.com>: Recipient address rejected: Mailbox is full"
HTMX = {"HTTP_HX_REQUEST": "true"}

TWO_RECIPIENT_BOUNCE = """From: MAILER-DAEMON@mx.example.net
To: ben@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"

--BOUND
Content-Type: text/plain

This is the mail system at host mx.example.net.
I'm sorry to have to inform you that your message could not be delivered to one or more recipients.

<anna@example.com>: host mx.example.com[192.0.2.10] said: 552 5.2.2 <anna@example.com>: Recipient address rejected: Mailbox is full (in reply to RCPT TO command)
<carl@example.com>: host mx.example.com[192.0.2.10] said: 550 5.1.1 <carl@example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)

--BOUND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; anna@example.com
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 <anna@example.com>: Recipient address rejected: Mailbox is full

Final-Recipient: rfc822; carl@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <carl@example.com>: Recipient address rejected: User unknown in virtual mailbox table

--BOUND--
"""


@pytest.fixture
def kb():
    return make_site_data()


def test_it_shows_the_paste_box(client):
    response = client.get("/")
    assertContains(response, '<label for="paste">Paste the error you got</label>', html=True)
    assertContains(response, "Try an example")


def test_it_shows_the_fix_for_552_5_2_2(client, kb):
    response = client.post("/", {"q": MAILBOX_ERROR})
    assert response.status_code == 200
    assertContains(response, "The recipient&#x27;s mailbox is full")
    assertContains(response, kb.mailbox.summary.replace("'", "&#x27;"))
    assertContains(response, 'href="/articles/recipient-mailbox-full/"')
    assertContains(response, "Read the fix, step by step")


def test_it_says_whose_side_and_whether_a_retry_helps(client, kb):
    response = client.post("/", {"q": MAILBOX_ERROR})
    assertContains(response, "The recipient&#x27;s mail server")
    assertContains(response, "Permanent: retrying will not help until you fix this")


def test_it_says_a_4xx_error_is_temporary(client, kb):
    response = client.post("/", {"q": "452 4.2.2 Mailbox full, try again later"})
    assertContains(response, "Temporary: it will likely go through later")


def test_it_takes_the_enhanced_code_apart(client, kb):
    response = client.post("/", {"q": MAILBOX_ERROR})
    assertContains(response, "permanent failure · mailbox · mailbox full")
    assertContains(response, 'href="/codes/5.2.2/"')


def test_it_marks_the_matched_words_in_the_paste(client, kb):
    response = client.post("/", {"q": MAILBOX_ERROR})
    assertContains(response, "<mark>Mailbox is full</mark>")
    assertContains(response, "&lt;anna@example.com&gt;")


def test_it_shows_the_smtp_stage_when_known(client, kb):
    response = client.post("/", {"q": "RCPT TO:<anna@example.com> 552 5.2.2 Mailbox is full"})
    assertContains(response, "When it failed")


def test_it_offers_a_vote_under_the_best_match(client, kb):
    response = client.post("/", {"q": MAILBOX_ERROR})
    assertContains(response, "Was this helpful?")
    assertContains(response, 'action="/articles/recipient-mailbox-full/feedback/"')


def test_the_vote_box_remembers_a_vote_already_given(client, kb):
    client.post("/articles/recipient-mailbox-full/feedback/", {"helpful": "no"})
    response = client.post("/", {"q": MAILBOX_ERROR})
    assertContains(response, "Thanks for telling us. Sorry it did not help.")
    assertNotContains(response, "<legend>Was this helpful?</legend>", html=True)
    # another article's box still asks
    other = client.post("/", {"q": "550 5.1.1 <carl@example.com>: Recipient address rejected: User unknown"})
    assertContains(other, "<legend>Was this helpful?</legend>", html=True)


def test_it_answers_a_short_linkable_get_query(client, kb):
    response = client.get("/", {"q": "552 5.2.2 mailbox full"})
    assertContains(response, "The recipient&#x27;s mailbox is full")
    assertContains(response, ">552 5.2.2 mailbox full</textarea>")


def test_it_says_so_honestly_when_nothing_fits(client, kb):
    response = client.post("/", {"q": "550 5.7.1 zorblax frobnication quux"})
    assertContains(response, "We could not match this to an article")
    assertNotContains(response, "Best match")
    assertContains(response, 'href="/articles/general-troubleshooting/"')
    assertContains(response, "What to send to your support team")


def test_it_explains_the_codes_when_nothing_fits(client, kb):
    response = client.post("/", {"q": "550 5.7.1 zorblax frobnication quux"})
    assertContains(response, "Delivery not authorized, message refused")
    assertContains(response, "(permanent failure · security or policy)")
    assertContains(response, 'href="/codes/550/"')


def test_it_never_shows_an_unrelated_article_as_a_match(client, kb):
    response = client.post("/", {"q": "The weather is lovely today"})
    assertNotContains(response, "Best match")
    assertNotContains(response, "Read the fix, step by step")


def test_it_answers_a_question_typed_in_words(client, kb):
    response = client.get("/", {"q": "my emails bounce because the recipient quota is exceeded"})
    assertContains(response, "Articles that match your words")
    assertContains(response, 'href="/articles/recipient-mailbox-full/"')
    assertContains(response, "<mark>")


def test_it_says_kindly_that_an_out_of_office_reply_is_not_a_failure(client, kb):
    make_article(slug="automatic-reply-out-of-office", title="An automatic reply, not a bounce", reason="vacation")
    text = (
        "From: anna@example.com\nTo: ben@example.org\nSubject: Automatic reply: Invoice\n"
        "Auto-Submitted: auto-replied\n\nI am out of the office until Monday.\n"
    )
    response = client.post("/", {"q": text})
    assertContains(response, "Not a delivery failure")
    assertContains(response, "automatic reply")


def test_htmx_requests_get_only_the_results_partial(client, kb):
    response = client.post("/", {"q": MAILBOX_ERROR}, **HTMX)
    assert response.status_code == 200
    assertNotContains(response, "<html")
    assertNotContains(response, '<textarea id="paste"')
    assertContains(response, "The recipient&#x27;s mailbox is full")
    assertContains(response, 'hx-swap-oob="innerHTML"')


def test_the_same_request_without_htmx_returns_the_full_page(client, kb):
    response = client.post("/", {"q": MAILBOX_ERROR})
    assertContains(response, "<html")
    assertContains(response, '<textarea id="paste"')
    assertContains(response, 'aria-live="polite"')


def test_htmx_gives_short_queries_a_linkable_address(client, kb):
    response = client.post("/", {"q": "552 5.2.2 mailbox full"}, **HTMX)
    assert response["HX-Replace-Url"] == "/?q=552+5.2.2+mailbox+full"


def test_a_short_query_gets_a_link_to_its_result(client, kb):
    response = client.post("/", {"q": "552 5.2.2 mailbox full"})
    assertContains(response, '<a class="share-link" href="/?q=552+5.2.2+mailbox+full">Link to this result</a>', html=True)


def test_result_pages_are_not_indexed(client, kb):
    assertContains(client.get("/", {"q": "552 5.2.2 mailbox full"}), '<meta name="robots" content="noindex">')
    assertNotContains(client.get("/"), "noindex")


def test_htmx_keeps_long_pastes_out_of_the_address(client, kb):
    response = client.post("/", {"q": MAILBOX_ERROR + "\n" + "x" * 500}, **HTMX)
    assert response["HX-Replace-Url"] == "/"


def test_it_diagnoses_a_300_kb_bounce(client, kb, settings):
    # A bounce that carries the returned message with an attachment is large;
    # the site's limit must be above it for this test (see MAILFIX_MAX_PASTE_BYTES).
    settings.MAILFIX_MAX_PASTE_BYTES = 512 * 1024
    bounce = (
        "From: MAILER-DAEMON@mx.example.net\nTo: ben@example.org\nSubject: Undelivered Mail Returned to Sender\n"
        "Content-Type: text/plain\n\nThis is the mail system at host mx.example.net.\n\n"
        "<anna@example.com>: host mx.example.com[192.0.2.10] said: " + MAILBOX_ERROR + " (in reply to RCPT TO command)\n\n"
        "--- returned message ---\n" + ("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo= " * 2) + "\n"
    )
    bounce += ("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZyAxMjM0NTY3ODkw\n" * 4400)
    assert len(bounce.encode()) > 300 * 1024
    response = client.post("/", {"q": bounce})
    assert response.status_code == 200
    assertContains(response, "The recipient&#x27;s mailbox is full")


def test_it_rejects_an_oversized_paste_and_keeps_the_text(client, kb, settings):
    settings.MAILFIX_MAX_PASTE_BYTES = 10 * 1024
    text = MAILBOX_ERROR + "\n" + "y" * (11 * 1024) + "\nthe end of my paste"
    response = client.post("/", {"q": text})
    assert response.status_code == 413
    assertContains(response, "That text is too long", status_code=413)
    assertContains(response, "larger than 10 KB", status_code=413)
    assertContains(response, "the end of my paste</textarea>", status_code=413)


def test_htmx_oversized_paste_gets_the_message_in_the_partial(client, kb, settings):
    settings.MAILFIX_MAX_PASTE_BYTES = 1024
    response = client.post("/", {"q": "z" * 2000}, **HTMX)
    assert response.status_code == 413
    assertContains(response, "That text is too long", status_code=413)
    assertNotContains(response, "<html", status_code=413)


def test_it_shows_markup_in_the_paste_as_text(client, kb):
    response = client.post("/", {"q": '<script>alert("x")</script><img src=x onerror=alert(1)> mailbox is full'})
    assert response.status_code == 200
    assertNotContains(response, '<script>alert("x")</script>')
    assertNotContains(response, "<img src=x")
    assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")


def test_it_handles_broken_utf8_and_nul_bytes(client, kb):
    body = b"q=552+5.2.2+Mailbox+is+full+%FF%FE%C3%28+%00%00+end"
    response = client.post("/", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assertContains(response, "The recipient&#x27;s mailbox is full")
    assert b"\x00" not in response.content


def test_it_handles_ten_thousand_lines_of_digits(client, kb):
    response = client.post("/", {"q": "1234567890\n" * 10000})
    assert response.status_code == 200
    assertNotContains(response, "Best match")


def test_it_shows_nothing_for_a_blank_paste(client, kb):
    response = client.post("/", {"q": "   \n  "})
    assert response.status_code == 200
    assertContains(response, "Try an example")
    assert SearchLog.objects.count() == 0


def test_it_logs_the_search_without_the_address(client, kb):
    client.post("/", {"q": MAILBOX_ERROR})
    log = SearchLog.objects.get()
    assert log.source == "page"
    assert log.found is True
    assert "anna@example.com" not in log.text


def test_it_refuses_other_methods(client):
    assert client.put("/").status_code == 405


def test_a_body_far_over_the_limit_gets_a_readable_error_page(client, settings):
    settings.MAILFIX_MAX_PASTE_BYTES = 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    response = client.post("/", {"q": "z" * 10_000})
    assertContains(response, "too large", status_code=413)


def test_an_unknown_page_has_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assertContains(response, "We could not find that page", status_code=404)


def test_it_lists_each_recipient_of_a_bounce_with_its_own_problem(client, kb):
    response = client.post("/", {"q": TWO_RECIPIENT_BOUNCE})
    assertContains(response, "Each recipient in this bounce")
    assertContains(response, "<td>anna@example.com</td>", html=True)
    assertContains(response, '<a href="/reasons/mailboxfull/">Mailbox full</a>', html=True)
    assertContains(response, '<a href="/reasons/userunknown/">Recipient address unknown</a>', html=True)
