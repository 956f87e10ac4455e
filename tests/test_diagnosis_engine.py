"""Unit tests of the diagnosis engine (plain pytest, no database)."""

from __future__ import annotations

import base64
import time

import pytest

from kb.diagnosis import MAX_INPUT_BYTES, build_index, diagnose, diagnose_example_ok
from kb.diagnosis.knowledge import ArticleSpec, CodeSpec, KnowledgeSpec, SymptomSpec
from kb.kbfiles import read_all, spec_from_files


@pytest.fixture(scope="module")
def index():
    return build_index(spec_from_files())


@pytest.fixture(scope="module")
def tiny():
    spec = KnowledgeSpec(
        symptoms=(
            SymptomSpec("full", "Mailbox full", "mailboxfull", ("mailbox is full", "over quota", "quota * exceeded"),
                        article="recipient-mailbox-full", codes=("5.2.2",)),
            SymptomSpec("unknown", "User unknown", "userunknown", ("user unknown", "no such user"),
                        article="recipient-address-does-not-exist", codes=("5.1.1",)),
            SymptomSpec("g-unknown", "Gmail: no such account", "userunknown",
                        ("the email account that you tried to reach does not exist",),
                        article="recipient-address-does-not-exist", provider="google"),
            SymptomSpec("bad", "Broken", "userunknown", ("a * b * c", "", "x")),
        ),
        codes=(CodeSpec("5.1.1", "enhanced", reason="userunknown", articles=("recipient-address-does-not-exist",)),
               CodeSpec("550", "reply", reason="undefined")),
        articles=(ArticleSpec("recipient-mailbox-full", "Mailbox full", "mailboxfull"),
                  ArticleSpec("recipient-address-does-not-exist", "Address does not exist", "userunknown")),
    )
    return build_index(spec)


def test_invalid_phrases_are_recorded_not_fatal(tiny):
    assert any("a * b * c" in p for p in tiny.problems)
    assert diagnose("550 5.2.2 mailbox is full", tiny).reason == "mailboxfull"


def test_bare_reply_and_spans_point_at_phrase(tiny):
    text = "550 5.2.2 <bob@example.com>: Recipient address rejected: Mailbox is full"
    d = diagnose(text, tiny)
    assert d.reason == "mailboxfull"
    assert d.signals.reply_code == "550" and d.signals.enhanced_code == "5.2.2"
    assert d.signals.temporary is False
    start, end = d.matches[0].spans[0]
    assert text[start:end].lower() == "mailbox is full"
    data = d.to_dict()
    assert set(data) >= {"reason", "signals", "matches", "recipients"}
    assert data["matches"][0]["spans"] == [[start, end]]


def test_wildcard_phrase(tiny):
    d = diagnose("452 4.2.2 Your quota for this account has been exceeded", tiny)
    assert d.reason == "mailboxfull"
    assert d.signals.temporary is True


def test_multiline_reply_is_joined(tiny):
    text = ("550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
            "550-5.1.1 double-checking the recipient's email address for typos.\n"
            "550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1b2c3d4e5.12 - gsmtp")
    d = diagnose(text, tiny)
    assert d.reason == "userunknown"
    assert d.signals.provider == "google"
    assert d.best.symptom == "g-unknown"  # provider-specific beats generic


def test_continuation_prefix_inside_a_phrase(tiny):
    text = "550-5.2.2 The mailbox is\n550 5.2.2 full, sorry"
    assert diagnose(text, tiny).reason == "mailboxfull"


def test_lone_code_is_weak(tiny):
    d = diagnose("550", tiny)
    assert d.reason == "undefined" or d.best.score < 0.3
    d = diagnose("5.1.1", tiny)
    assert d.best is not None and d.best.score < 0.5  # a code alone is never confident


def test_phrase_beats_code(tiny):
    # the text says the mailbox is full although the code says 5.1.1: the text wins
    assert diagnose("550 5.1.1 <a@example.com>... mailbox is full", tiny).reason == "mailboxfull"


def test_masked_variable_parts_do_not_match(tiny):
    # the local part "mailbox-is-full" and the host name must not count as wording
    d = diagnose("550 5.1.1 <mailbox.is.full@example.com> mx.over-quota.example.net: no such user", tiny)
    assert d.reason == "userunknown"


@pytest.mark.parametrize(
    "text,stage",
    [
        ("<a@example.com>: host mx.example.net[198.51.100.7] said: 550 5.1.1 <a@example.com>: user unknown (in reply to RCPT TO command)", "rcpt"),
        ("SMTP error from remote mail server after RCPT TO:<a@example.com>: 550 5.1.1 no such user", "rcpt"),
        ("host mx.example.net said: 552 5.2.2 mailbox is full (in reply to end of DATA command)", "data"),
        ("SMTP error from remote mail server after MAIL FROM:<b@example.org> SIZE=1234: 553 sender rejected", "mail"),
    ],
)
def test_log_noise_wrappers(tiny, text, stage):
    d = diagnose(text, tiny)
    assert d.signals.stage == stage
    assert d.reason in ("userunknown", "mailboxfull", "undefined")


def test_log_noise_timestamp_queue_id(tiny):
    text = ("Nov 23 10:01:02 mail postfix/smtp[12345]: 4F2A81C0D3E: to=<a@example.com>, "
            "relay=mx.example.net[198.51.100.7]:25, delay=1.2, dsn=5.2.2, status=bounced "
            "(host mx.example.net[198.51.100.7] said: 552 5.2.2 <a@example.com>: Mailbox is full (in reply to RCPT TO command))")
    d = diagnose(text, tiny)
    assert d.reason == "mailboxfull"
    assert d.signals.enhanced_code == "5.2.2"
    text2 = "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'"
    assert diagnose(text2, tiny).signals.enhanced_code == "5.1.1"


MIME_BOUNCE = """Return-Path: <>
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: sender@example.org
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"

--BOUND
Content-Type: text/plain; charset=us-ascii

<one@example.com>: host mx.example.com[192.0.2.10] said: 552 5.2.2
    <one@example.com>: Mailbox is full (in reply to RCPT TO command)

<two@example.com>: host mx.example.com[192.0.2.10] said: 550 5.1.1
    <two@example.com>: User unknown (in reply to RCPT TO command)

--BOUND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; one@example.com
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 <one@example.com>: Mailbox is full

Final-Recipient: rfc822; two@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <two@example.com>: User unknown

--BOUND
Content-Type: message/rfc822

From: sender@example.org
To: one@example.com
Subject: no such user here, mailbox is full, over quota

This quoted copy must not be read as the error: no such user.
--BOUND--
"""


def test_mime_bounce_recipients(tiny):
    d = diagnose(MIME_BOUNCE, tiny)
    assert d.signals.kind == "bounce"
    assert [r.address for r in d.recipients] == ["one@example.com", "two@example.com"]
    assert [r.reason for r in d.recipients] == ["mailboxfull", "userunknown"]
    assert d.recipients[1].enhanced_code == "5.1.1"
    # spans are offsets into the original text, outside the returned copy
    copy_at = MIME_BOUNCE.index("Content-Type: message/rfc822")
    for m in d.matches:
        assert all(end <= copy_at for _, end in m.spans)


def test_mime_base64_and_quoted_printable(tiny):
    body = base64.b64encode(b"550 5.1.1 <x@example.com>: User unknown").decode()
    msg = ("From: MAILER-DAEMON@example.net\nTo: a@example.org\nSubject: failure notice\nMIME-Version: 1.0\n"
           "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + body + "\n")
    assert diagnose(msg, tiny).reason == "userunknown"
    qp = ("From: MAILER-DAEMON@example.net\nTo: a@example.org\nSubject: failure notice\nMIME-Version: 1.0\n"
          "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n552 5.2.2 Mailbox is =\nfull=2E\n")
    assert diagnose(qp, tiny).reason == "mailboxfull"


def test_copy_marker_in_plain_bounce(tiny):
    text = ("Hi. This is the qmail-send program at mx.example.net.\n\n<a@example.com>:\n"
            "552 mailbox is full\n\n--- Below this line is a copy of the message.\n\n"
            "Return-Path: <b@example.org>\nSubject: no such user\n\nno such user\n")
    assert diagnose(text, tiny).reason == "mailboxfull"


ARF = """From: abuse@example.net
To: fbl@example.org
Subject: FW: Earn money
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="B"

--B
Content-Type: text/plain

This is an email abuse report for an email message received from IP 192.0.2.1.

--B
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1

--B
Content-Type: message/rfc822

From: list@example.org
Subject: Earn money

user unknown
--B--
"""

AUTOREPLY = """From: Carol <carol@example.com>
To: sender@example.org
Subject: Automatic reply: Quarterly report
Auto-Submitted: auto-replied
X-Autoreply: yes

I am out of the office until Monday.
"""

DELIVERED = """From: MAILER-DAEMON@mx.example.net
To: sender@example.org
Subject: Successful Mail Delivery Report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message was successfully delivered to the destination(s) listed below.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; dave@example.com
Action: delivered
Status: 2.0.0
Diagnostic-Code: smtp; 250 2.0.0 OK queued as 4F2A81C0D3E

--B--
"""


@pytest.mark.parametrize("text,kind", [(ARF, "feedback"), (AUTOREPLY, "vacation"), (DELIVERED, "delivered")])
def test_non_failures_are_named(index, text, kind):
    d = diagnose(text, index)
    assert d.signals.kind == kind
    assert d.reason == kind


@pytest.mark.parametrize(
    "text,code",
    [
        ("Outlook: Sending reported error (0x800ccc0e): Cannot connect to the server.", "0x800CCC0E"),
        ("Socket Error: 10060, Error Number: 0x800CCC0E", "10060"),
        ("Error: Invalid login: 535 Authentication failed  code: 'EAUTH'", "EAUTH"),
        ("smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted')", "SMTPAuthenticationError"),
        ("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred", "TSS04"),
    ],
)
def test_vendor_codes(tiny, text, code):
    assert code in diagnose(text, tiny).signals.vendor_codes


def test_example_helper(index):
    files = read_all()
    symptom = next(s for s in files.symptoms if s["key"] == "srv-mailbox-full")
    assert diagnose_example_ok(symptom["examples"][0], "srv-mailbox-full", index)
    assert not diagnose_example_ok("hello world", "srv-mailbox-full", index)


# --- bad input: never raises, bounded time ---------------------------------------

WORST = {"seconds": 0.0}


def _timed(data, index, limit=2.0):
    started = time.perf_counter()
    d = diagnose(data, index)
    took = time.perf_counter() - started
    WORST["seconds"] = max(WORST["seconds"], took)
    assert took < limit, f"took {took:.2f}s"
    assert isinstance(d.reason, str)
    d.to_dict()
    return d


def test_oversize_input_is_cut(index):
    d = _timed("9" * (MAX_INPUT_BYTES + 1000), index)
    assert d.truncated
    d = _timed(b"\xff" * (MAX_INPUT_BYTES + 5), index)
    assert d.truncated


def test_digits_256k(index):
    _timed("1234567890" * (MAX_INPUT_BYTES // 10), index)


def test_many_short_lines(index):
    _timed("550 x\n" * 50_000, index)


def test_nul_bytes_and_broken_utf8(index):
    _timed(b"550 5.1.1 user\x00 unknown \xc3\x28 \x00\x00", index)
    _timed("\x00" * 10000, index)


def test_mime_nested_deep(index):
    parts = []
    for k in range(100):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{k}"\n\n--b{k}\n')
    msg = "From: a@example.com\nTo: b@example.com\nSubject: x\nMIME-Version: 1.0\n" + "".join(parts) + "\nuser unknown\n"
    _timed(msg, index)


def test_mime_many_parts(index):
    head = 'From: a@example.com\nTo: b@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n'
    body = "".join("--B\nContent-Type: text/plain\n\nmailbox is full\n" for _ in range(10_000)) + "--B--\n"
    _timed(head + body, index)


def test_broken_base64(index):
    msg = ("From: MAILER-DAEMON@example.net\nTo: a@example.org\nSubject: x\nMIME-Version: 1.0\n"
           "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!====@@@@ not base64 at all ====\nQUJD=\n")
    _timed(msg, index)


def test_html_and_script(index):
    _timed("<script>alert(1)</script><b>550 5.1.1 user unknown</b>" * 100, index)


def test_report_worst_time():
    print(f"\nworst measured diagnosis time on bad input: {WORST['seconds'] * 1000:.1f} ms")


def test_a_negation_matches_written_out_contracted_or_without_its_apostrophe(tiny):
    """The phrase is written "does not exist"; servers and people also write "doesn't" and,
    typing a question, "doesnt"."""
    for text in ("550 the email account that you tried to reach does not exist",
                 "550 The email account that you tried to reach doesn't exist",
                 "gmail says the email account that you tried to reach doesnt exist, why?"):
        result = diagnose(text, tiny)
        assert result.reason == "userunknown", text
        assert result.best.symptom == "g-unknown", text


def test_negation_variants_keep_the_parts_of_a_wildcard_phrase_apart():
    from kb.diagnosis.index import negation_variants

    assert negation_variants(("mailbox", "does not exist")) == [("mailbox", "doesn't exist"),
                                                                ("mailbox", "doesnt exist")]
    assert negation_variants(("couldn't be found",)) == [("could not be found",), ("couldnt be found",)]
    assert negation_variants(("user unknown",)) == []


def test_why_names_the_phrase_as_staff_wrote_it_whatever_the_spelling_matched(tiny):
    result = diagnose("550 The email account that you tried to reach doesnt exist", tiny)
    assert result.best.phrases == ["the email account that you tried to reach does not exist"]
