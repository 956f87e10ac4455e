"""Rules about the shape of error texts (parse.py, engine.py) and the wordings they rely on.

Each test names the rule it pins; the texts are our own, anonymised, in the shapes real
servers and libraries produce. No database: the index is built from the fixture files.
"""

from __future__ import annotations

import pytest

from kb.diagnosis import build_index, diagnose
from kb.diagnosis.parse import find_codes, find_provider, find_stage, find_vendor_codes
from kb.kbfiles import read_all, spec_from_files


@pytest.fixture(scope="module")
def index():
    return build_index(spec_from_files())


def bounce(body: str, subject: str = "Undelivered Mail Returned to Sender", status: str = "5.0.0",
           action: str = "failed", diag: str | None = None) -> str:
    """A minimal multipart/report bounce for one recipient."""
    dsn = (f"Final-Recipient: rfc822; ann@example.com\nAction: {action}\nStatus: {status}\n"
           + (f"Diagnostic-Code: smtp; {diag}\n" if diag else ""))
    return (
        "From: MAILER-DAEMON@mx.example.net\nTo: bob@example.org\n"
        f"Subject: {subject}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        f"--B\nContent-Type: text/plain\n\n{body}\n\n"
        f"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n{dsn}\n--B--\n"
    )


# --- vendor codes ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,code",
    [
        ("The connection to the server has failed. Error: WSAETIMEDOUT", "10060"),
        ("WSAECONNREFUSED while connecting to smtp.example.net", "10061"),
        ("Socket error WSAECONNRESET", "10054"),
        ("WSAECONNABORTED: software caused connection abort", "10053"),
        ("WSAENETUNREACH", "10051"),
        ("WSAEACCES (permission denied)", "10013"),
        ("WSAHOST_NOT_FOUND: smtp.example.net", "11001"),
        ("WSANO_DATA for smtp.example.net", "11004"),
        ("Error: Can't create new access token for user  code: 'EOAUTH2'", "EOAUTH2"),
        ("Error: Missing credentials for \"PLAIN\" code: 'ENOAUTH'", "ENOAUTH"),
        ("Error: Connection pool limit reached code: 'EMAXLIMIT'", "EMAXLIMIT"),
        ("Error: Server does not support REQUIRETLS code: 'EREQUIRETLS'", "EREQUIRETLS"),
        ("Error: getaddrinfo EAI_AGAIN smtp.example.net", "EAI_AGAIN"),
        ("Error: Output stream failed code: 'ESTREAM'", "ESTREAM"),
        ("Errno::ECONNREFUSED: Connection refused - connect(2) for 192.0.2.1:587", "ECONNREFUSED"),
        ("550 5.7.1 Unfortunately, messages from [192.0.2.7] weren't sent. (S3150)", "S3150"),
        ("550 5.7.1 Service unavailable, Client host [192.0.2.7] blocked [AS3140]", "AS3140"),
        ("550 SC-004 (COL0-MC1-F1) Unfortunately, messages from 192.0.2.7 weren't sent.", "SC-004"),
        ("553 5.7.2 [BL21] Connections will not be accepted from 192.0.2.7", "BL21"),
        ("421 4.7.0 [TS01] Messages from 192.0.2.7 temporarily deferred", "TS01"),
        ("554 5.7.9 Message not accepted for policy reasons [PH01]", "PH01"),
    ],
)
def test_vendor_code_names(text, code):
    assert code in find_vendor_codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Error: ESTREAMING failed",  # not a Nodemailer code (ESTREAM is)
        "Net::SMTPAuthenticationError: 535 5.7.8 Bad username or password",  # Ruby, not Python
        "System.Net.Mail.SmtpException: Failure sending mail.",  # .NET, not Python's SMTPException
    ],
)
def test_vendor_code_look_alikes_are_not_codes(text):
    assert find_vendor_codes(text) == []


def test_ruby_error_is_not_python(index):
    text = "Net::SMTPAuthenticationError: 535 5.7.8 Bad username or password"
    assert find_provider(text) != "python"
    d = diagnose(text, index)
    assert all(m.symptom != "cli-python-smtp-authentication-error" for m in d.matches)
    assert d.reason == "securityerror"


# --- codes: the reply a library got, not the one it expected ---------------------------

@pytest.mark.parametrize(
    "text,reply,enhanced",
    [
        ('Expected response code 250 but got code "552", with message "552 5.2.2 Mailbox full"', "552", "5.2.2"),
        ('Expected response code "250" but got code "535", with message "535 5.7.8 Error: authentication failed"',
         "535", "5.7.8"),
        ('Expected response codes "250, 251, 252" but got code "550", with message "550 5.1.1 No such user"',
         "550", "5.1.1"),
        ("smtp: unexpected response: got 450, expected 2xx", "450", None),
        ("Error: expected smtp code 250, got 552 5.3.4 Message size exceeds fixed limit", "552", "5.3.4"),
        # logged inside a JSON string: the quotes are escaped
        ('{"error":"Expected response code 250 but got code \\"554\\", with message \\"554 5.7.1 Limit reached\\""}',
         "554", "5.7.1"),
    ],
)
def test_got_code_is_the_error_code(text, reply, enhanced):
    replies, enh = find_codes(text)
    assert replies[0] == reply
    assert "250" not in replies
    assert (enh[0] if enh else None) == enhanced


def test_a_json_logged_wrapper_is_a_failure_not_a_success_report(index):
    d = diagnose('[2024-04-29 23:00:07] Alert failed {"error":"Expected response code 250 but got code \\"554\\", '
                 'with message \\"554 5.7.1 Message refused\\r\\n\\""}', index)
    assert d.signals.reply_code == "554"
    assert d.reason != "delivered"


def test_laravel_wrapper_reads_the_servers_code(index):
    d = diagnose('Expected response code 250 but got code "552", with message "552 5.2.2 Mailbox is full"', index)
    assert d.signals.reply_code == "552"
    assert d.reason == "mailboxfull"


# --- stage ---------------------------------------------------------------------------

def test_stage_reads_folded_lines_and_prefers_the_precise_marker():
    assert find_stage("host mx.example.net[192.0.2.1] refused to\n    talk to me: 554 go away") == "greeting"
    assert find_stage("connect to mx.example.net[192.0.2.1]:25: server refused to talk to me: 421 busy") == "greeting"
    assert find_stage("connect to mx.example.net[192.0.2.1]:25: Connection timed out") == "connect"


# --- wordings moved or narrowed --------------------------------------------------------

def test_gmail_nxdomain_is_a_domain_that_does_not_exist(index):
    d = diagnose("The response was: DNS Error: DNS type 'mx' lookup of example.net responded with code NXDOMAIN "
                 "Domain name not found: example.net", index)
    assert d.reason == "hostunknown"
    assert d.matches[0].article == "recipient-domain-does-not-exist"


def test_bare_lf_is_a_format_error(index):
    d = diagnose("550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare LF characters", index)
    assert d.reason == "notcompliantrfc"
    assert d.matches[0].article == "message-not-rfc-compliant"


def test_one_symptom_per_server_wording():
    owners: dict[str, list[str]] = {}
    for symptom in read_all().symptoms:
        for phrase in symptom["phrases"]:
            owners.setdefault(phrase.lower(), []).append(symptom["key"])
    assert len(owners["email address is not verified"]) == 1
    blocklist = next(s for s in read_all().symptoms if s["key"] == "srv-ip-blocklisted")
    assert not any("refused to talk to me" in p for p in blocklist["phrases"])  # says nothing about a list
    assert "access denied" not in blocklist["phrases"]


def test_dotnet_wrapper_gives_way_to_the_server_reply(index):
    d = diagnose("System.Net.Mail.SmtpException: The SMTP server requires a secure connection or the client was not "
                 "authenticated. The server response was: 5.7.139 Authentication unsuccessful", index)
    assert d.reason == "securityerror"
    assert d.matches[0].article == "microsoft-365-smtp-auth-disabled"
    assert d.matches[0].symptom != "cli-dotnet-secure-connection-not-authenticated"


# --- refused before any address was sent -> blocked -----------------------------------

def test_generic_refusal_at_greeting_is_blocked(index):
    text = bounce("<ann@example.com>: host mx.example.com[192.0.2.9] refused to talk to me: 421 Service not "
                  "available, closing transmission channel", status="4.0.0",
                  diag="421 Service not available, closing transmission channel")
    assert diagnose(text, index).reason == "blocked"


def test_access_denied_at_initial_connection_is_blocked_elsewhere_securityerror(index):
    at_connect = bounce("ann@example.com\n    host mx.example.com [192.0.2.9]\n    SMTP error from remote mail "
                        "server after initial connection:\n    550 Access denied")
    assert diagnose(at_connect, index).reason == "blocked"
    later = "550 5.7.1 <ann@example.com>... Access denied"
    assert diagnose(later, index).reason == "securityerror"


def test_sendmail_reply_with_no_command_before_it_is_a_refused_greeting(index):
    # Sendmail prints ">>> COMMAND" before each reply; a reply straight after "while
    # talking to" answered the connection itself
    refused = ("----- Transcript of session follows -----\n... while talking to mx.example.org.:\n"
               "<<< 554 IP=192.0.2.9 - A problem occurred. Service unavailable\n554 5.0.0 Service unavailable")
    assert diagnose(refused, index).signals.stage == "greeting"
    assert diagnose(refused, index).reason == "blocked"
    after_rcpt = ("... while talking to mx.example.org.:\n>>> RCPT To:<ann@example.org>\n"
                  "<<< 554 Service unavailable\n554 5.0.0 Service unavailable")
    assert diagnose(after_rcpt, index).signals.stage == "rcpt"
    assert diagnose(after_rcpt, index).reason != "blocked"


# --- expiry -------------------------------------------------------------------------

def test_retry_later_then_queue_lifetime_is_expired(index):
    text = bounce("<ann@example.com>: Resources temporarily unavailable, please try again later [#4.1.9]. "
                  "I'm not going to try again; this message has been in the queue too long.",
                  subject="failure delivery", status="4.4.7")
    assert diagnose(text, index).reason == "expired"


def test_a_specific_cause_stays_the_reason_when_it_expired(index):
    text = bounce("<ann@example.com>: Unable to contact LDAP server. (#4.4.3) I'm not going to try again; "
                  "this message has been in the queue too long.", subject="failure delivery", status="4.4.3")
    assert diagnose(text, index).reason == "systemerror"


def test_expired_because_dns_failed_is_networkerror(index):
    text = bounce("Delivery has failed to these recipients or groups:\nann@example.com\n"
                  "Despite repeated attempts to deliver your message, querying the Domain Name System (DNS) for "
                  "the recipient's domain location information failed.",
                  subject="Undeliverable: hello", status="5.4.312",
                  diag="550 5.4.312 Message expired, DNS query failed")
    d = diagnose(text, index)
    assert d.reason == "networkerror"
    assert d.matches[0].article == "dns-lookup-failed-temporarily"


def test_expired_with_only_the_words_of_an_expiry_stays_expired(index):
    text = bounce("<ann@example.com>: Message expired after sitting in queue for 5 days",
                  subject="Undeliverable", status="4.4.7")
    assert diagnose(text, index).reason == "expired"


def test_delay_warning_is_expired_once(index):
    text = ("From: mailer-daemon@mx.example.net\nTo: bob@example.org\n"
            "Subject: Mail Delivery Status Notification (Delay)\n\n"
            "This message was created automatically by mail delivery system.\n\n"
            "THIS IS A WARNING MESSAGE ONLY.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\n"
            "The following addresses had transient non-fatal errors\n\n"
            "ann@example.com\n")
    d = diagnose(text, index)
    assert d.reason == "expired"
    assert sum(1 for m in d.matches if m.reason == "expired") == 1


# --- unknown-user wording: refused at RCPT TO (userunknown) or after DATA (filtered) ---

def test_reply_naming_the_recipient_answers_rcpt_to(index):
    # "550 <address>: ..." is how servers answer RCPT TO: the address itself was refused
    d = diagnose(bounce("The mail system said:\n550 <ann@example.com>: User unknown"), index)
    assert d.reason == "userunknown"


def test_unknown_user_reply_with_no_sign_of_rcpt_is_a_filter(index):
    d = diagnose(bounce("The mail system said:\n550 User unknown"), index)
    assert d.reason == "filtered"


def test_diagnostic_code_without_a_reply_code_still_quotes_the_server(index):
    d = diagnose(bounce("Delivery failed.", diag="The email account that you tried to reach does not exist."), index)
    assert d.reason == "filtered"


def test_a_one_line_paste_of_unknown_user_is_userunknown(index):
    # not a whole bounce: nothing says when it was refused, so the plain meaning stands
    assert diagnose("550 User unknown", index).reason == "userunknown"


def test_pipelined_transcript_refusal_shown_after_data_is_the_recipients(index):
    body = ("   ----- Transcript of session follows -----\n... while talking to mx.example.com.:\n"
            ">>> DATA\n<<< 550 5.5.0 Invalid recipient\n550 5.1.1 <ann@example.com>... User unknown\n"
            "<<< 554 5.5.1 Error: no valid recipients\n")
    assert diagnose(bounce(body, diag="550 5.5.0 Invalid recipient"), index).reason == "userunknown"


def test_recipient_refused_at_end_of_data_is_a_filter(index):
    body = ("<ann@example.com>: host mx.example.com[192.0.2.9] said: 550 Unknown user "
            "(in reply to end of DATA command)")
    assert diagnose(bounce(body), index).reason == "filtered"


def test_exchange_code_restating_a_bare_550_is_no_proof_the_address_was_refused(index):
    # Exchange Online's 5.1.351 only restates the remote's bare "550" ("mailbox unavailable");
    # the remote reply after "->" decides, as it would on its own
    relayed = "Remote server returned unknown recipient or mailbox unavailable -> 550 : User unknown"
    d = diagnose(bounce(f"The server gave this error:\n{relayed}", status="5.1.351", diag=f"550 5.1.351 {relayed}"), index)
    assert d.reason == "filtered"
    naming = "Remote server returned unknown recipient or mailbox unavailable -> 550 <ann@example.com>: User unknown"
    d = diagnose(bounce(f"The server gave this error:\n{naming}", status="5.1.351", diag=f"550 5.1.351 {naming}"), index)
    assert d.reason == "userunknown"
    own_code = "Remote server returned unknown recipient or mailbox unavailable -> 550 5.1.1 User unknown"
    d = diagnose(bounce(f"The server gave this error:\n{own_code}", status="5.1.351", diag=f"550 5.1.351 {own_code}"), index)
    assert d.reason == "userunknown"


def test_ezweb_filter_mark_in_the_bounce_header_is_a_filter(index):
    body = ("Each of the following recipients was rejected by a remote mail server.\n"
            "<ann@ezweb.ne.jp>\n------\n")
    plain = ("From: <Postmaster@ezweb.ne.jp>\r\nTo: <bob@example.org>\r\n"
             "Subject: Mail System Error - Returned Mail\r\n{mark}\r\n" + body.replace("\n", "\r\n"))
    assert diagnose(plain.format(mark="X-SPASIGN: NG\r\n"), index).reason == "filtered"
    assert diagnose(plain.format(mark=""), index).reason != "filtered"
    # the same header in the returned copy of the sender's message is not the carrier's mark
    returned = plain.format(mark="") + "Content-Type: message/rfc822\r\n\r\nX-SPASIGN: NG\r\nSubject: hi\r\n\r\nhello\r\n"
    assert diagnose(returned, index).reason != "filtered"


# --- a domain that was not found, in a report that calls it temporary -----------------

def test_temporary_nxdomain_in_a_report_is_a_dns_failure(index):
    body = ("The response was:\nDNS Error: DNS type 'mx' lookup of example.net responded with code NXDOMAIN\n"
            "Domain name not found: example.net")
    assert diagnose(bounce(body, status="4.0.0"), index).reason == "networkerror"
    assert diagnose(bounce(body, status="5.0.0"), index).reason == "hostunknown"


def test_gmail_security_block_is_gmails_policy_with_the_attachment_fix(index):
    d = diagnose("552-5.7.0 This message was blocked because its content presents a potential\n"
                 "552-5.7.0 security issue. - gsmtp", index)
    assert d.reason == "policyviolation"
    assert d.matches[0].article == "attachment-or-content-blocked"


def _local_delivery_bounce(diag: str) -> str:
    return bounce("The local delivery program failed.").replace(
        "Status: 5.0.0\n", f"Status: 5.3.0\nDiagnostic-Code: X-Unix; {diag}\n")


def test_local_program_failure_is_a_mailer_error(index):
    assert diagnose(_local_delivery_bounce("procmail: Couldn't create the mailbox file"), index).reason == "mailererror"


@pytest.mark.parametrize("exit_code", ["77", "78"])
def test_local_program_without_permission_or_configuration_is_the_hosts_error(index, exit_code):
    # sysexits.h: EX_NOPERM / EX_CONFIG blame the receiving host's set-up
    assert diagnose(_local_delivery_bounce(exit_code), index).reason == "systemerror"


# --- a gateway's report that wraps the real bounce -------------------------------------

def _wrapped(inner: str) -> str:
    return (
        "From: scanner@gateway.example.net\nTo: bob@example.org\nSubject: Delivery failure\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="W"\n\n'
        "--W\nContent-Type: text/plain\n\nThe following mail could not be delivered.\n"
        "Reason: unable to deliver message to <ann@example.com>.\n\n"
        f"--W\nContent-Type: message/rfc822\n\n{inner}\n--W--\n"
    )


def test_error_is_read_from_a_bounce_wrapped_by_a_gateway(index):
    inner = ("From: bob@example.org\nTo: ann@example.com\nSubject: Returned mail\n\n"
             "   ----- Transcript of session follows -----\n... while talking to mx.example.com.:\n"
             ">>> RCPT To:<ann@example.com>\n<<< 550 5.1.1 <ann@example.com>... User unknown\n")
    d = diagnose(_wrapped(inner), index)
    assert d.reason == "userunknown"
    assert "attached" in d.matches[0].why


def test_an_ordinary_returned_message_is_never_read_as_the_error(index):
    inner = ("From: bob@example.org\nTo: ann@example.com\nSubject: Lunch\n\n"
             "My mailbox is full again, sorry: mailbox full, quota exceeded.\n")
    assert diagnose(_wrapped(inner), index).reason == "undefined"


def test_unknown_user_from_the_local_delivery_agent_is_userunknown(index):
    # sendmail's mail.local looked the name up in the mailbox store itself
    body = ("----- Transcript of session follows -----\nmail.local: unknown user: ann\n"
            "554 <ann@example.com>... Service unavailable")
    assert diagnose(bounce(body), index).reason == "userunknown"


def test_a_reply_code_followed_by_a_colon_is_a_reply_code(index):
    # Yahoo's reports print "550: <address>: User unknown"
    assert find_codes("550: : User unknown")[0] == ["550"]
    assert find_codes("connect to smtp.example.com:465: Connection refused")[0] == []
    assert diagnose("Sorry, we were unable to deliver your message.\n550: <ann@example.com>: User unknown",
                    index).signals.reply_code == "550"


# --- the sending MTA's own verdict, and refusals by this machine itself ---------------

def test_powermta_bad_mailbox_category_keeps_the_unknown_user(index):
    # without a sign of RCPT TO an unknown-user reply reads as a filter, but PowerMTA's
    # own category says the receiving server refused the address itself
    text = bounce("Delivery failed.", diag="554 delivery error: user unknown")
    assert diagnose(text, index).reason == "filtered"
    categorised = text.replace("Diagnostic-Code:", "X-PowerMTA-BounceCategory: bad-mailbox\nDiagnostic-Code:")
    assert diagnose(categorised, index).reason == "userunknown"


@pytest.mark.parametrize("line", [
    "ann@example.com... Deferred: Connection refused by [127.0.0.1]",
    "status=deferred (connect to 127.0.0.1[127.0.0.1]:10024: Connection refused)",
])
def test_a_refusal_by_this_machine_itself_is_never_a_block(index, line):
    assert diagnose(line, index).reason != "blocked"
    assert diagnose(line.replace("127.0.0.1", "203.0.113.9"), index).reason in ("blocked", "networkerror")


def test_expiry_after_the_local_relay_refused_is_an_expiry(index):
    body = ("   ----- Transcript of session follows -----\n"
            "ann... Deferred: Connection refused by [127.0.0.1]\n"
            "Message could not be delivered for 5 days\nMessage will be deleted from queue\n")
    assert diagnose(bounce(body, status="4.4.7"), index).reason == "expired"


def test_a_providers_detailed_status_code_outranks_a_short_generic_wording(index):
    # Microsoft's 5.7.705 names one cause (the tenant's outbound threshold); "access
    # denied" alone could be a login or a block
    d = diagnose("5.7.705 Access denied, tenant over its limit.", index)
    assert d.reason == "badreputation"
    assert diagnose("550 5.7.1 Access denied", index).reason != "badreputation"


# --- text written inside quoted strings, and typographic punctuation -------------------

def test_escaped_line_breaks_in_a_logged_string_separate_words(index):
    # Python's repr of a multi-line reply, as exceptions and logs print it
    text = ("SMTPRecipientsRefused: {'ann@example.com': (550, 'Verification failed for <app@host.internal>"
            "\\nThe mail server could not deliver mail to app@host.internal.\\nSender verify failed')}")
    d = diagnose(text, index)
    assert d.reason == "rejected"
    assert "sender verify failed" in d.matches[0].phrases


def test_curly_apostrophes_read_as_plain_ones(index):
    plain = diagnose("Your message wasn't delivered because the address couldn't be found.", index)
    curly = diagnose("Your message wasn\u2019t delivered because the address couldn\u2019t be found.", index)
    assert curly.reason == plain.reason == "userunknown"
    assert curly.matches[0].spans == plain.matches[0].spans


# --- a report that names several recipients --------------------------------------------

def test_another_recipients_error_is_not_the_reports_or_this_recipients_reason(index):
    # a strongly weighted wording in the second recipient's paragraph must not take over
    # the first recipient (whose own words say the address does not exist) or the report
    text = ("From: MAILER-DAEMON@mx.example.net\nTo: bob@example.org\nSubject: Delivery failure\n\n"
            "Unable to deliver message to the following address(es).\n\n"
            "<ann@example.com>:\nThis user doesn't have a example.com account (ann@example.com) [0]\n\n"
            "<cy@example.com>:\nSorry your message to cy@example.com cannot be delivered. "
            "This account has been disabled or discontinued [#102].\n")
    d = diagnose(text, index)
    assert [r.reason for r in d.recipients] == ["userunknown", "suspend"]
    assert d.reason == "userunknown"


# --- shapes of log lines that are not what they look like ---------------------------------

def test_a_time_of_day_is_not_an_ipv6_address():
    from kb.diagnosis.text import View

    assert View("2025/05/30 06:29:04.773629 sent").text == "2025/05/30 06:29:04.773629 sent"
    assert View("[11:22:02.990] SMTP").text == "[11:22:02.990] smtp"
    assert View("from [2001:db8::1] and fe80:0:0:0:202:b3ff:fe1e:8329").text == "from <ip> and <ip>"


def test_a_port_or_source_line_after_a_host_is_not_a_reply_code():
    from kb.diagnosis.text import View

    # codes are read from the masked view, where both names are <host>
    replies, _ = find_codes(View("manager.go:501: error sending: 450 Too many requests").text)
    assert replies == ["450"]
    replies, _ = find_codes(View("connect to smtp.example.net:443 failed").text)
    assert replies == []


def test_a_refusal_is_the_error_even_after_a_quoted_success(index):
    d = diagnose("Sending e-mails to: ops@example.com\nERROR: 250 OK id=1abcDE-000Fgh-7x\n"
                 "501 <null>: recipient address must contain a domain", index)
    assert d.signals.reply_code == "501"
    assert d.reason != "delivered"


def test_a_word_run_into_a_link_is_not_a_host_name():
    from kb.diagnosis.text import View

    assert View("Error: content rejected.http://mail.example.com/help").text == \
        "error: content rejected.http://mail.example.com/help"


def test_a_success_code_in_a_paste_that_calls_itself_an_error_is_no_success_report(index):
    """Roundcube prints the last reply before the failure: 'SMTP Error (250): Authentication failed'."""
    assert diagnose("SMTP Fehler (250): Die Authentisierung ist fehlgeschlagen", index).reason != "delivered"
    assert diagnose("SMTP Error (250): Authentication failed.", index).reason == "securityerror"
    assert diagnose("250 2.0.0 OK queued as 4Xyz", index).reason == "delivered"
