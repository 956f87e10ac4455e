"""kb.evaluation on a tiny corpus of our own (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.diagnosis import build_index
from kb.evaluation import DEFAULT_PATH, evaluate_corpus, format_report, main
from kb.kbfiles import spec_from_files

BOUNCE = """From: MAILER-DAEMON@mx.example.net
To: sender@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

<one@example.com>: host mx.example.com[192.0.2.10] said: 552 5.2.2 Mailbox is full (in reply to RCPT TO command)

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; one@example.com
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 Mailbox is full

--B--
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "eml").mkdir()
    (tmp_path / "eml" / "a.eml").write_text(BOUNCE)
    (tmp_path / "eml" / "b.eml").write_text("hello, nothing to see here")
    (tmp_path / "eml" / "c.eml").write_text("550 5.1.1 <x@example.com>: Recipient address rejected: User unknown")
    rows = [
        {"file": "eml/a.eml", "module": "Postfix", "expected": [{"reason": "mailboxfull"}]},
        {"file": "eml/b.eml", "module": "X", "expected": [{"reason": "onhold"}]},
        {"file": "eml/c.eml", "module": "Y", "expected": [{"reason": "userunknown"}, {"reason": "mailboxfull"}]},
    ]
    (tmp_path / "labels.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return tmp_path


def test_evaluate_small_corpus(corpus):
    report = evaluate_corpus(corpus, build_index(spec_from_files()))
    assert report.messages == 2 and report.messages_ok == 2
    assert report.recipients == 3 and report.recipients_ok == 2  # c's second recipient takes the top reason
    assert [fr.file for fr in report.unknown_only] == ["eml/b.eml"]
    assert report.per_reason["mailboxfull"]["expected"] == 2
    assert ("mailboxfull", "userunknown", 1) in report.confusions
    text = format_report(report, show_failures=True)
    assert "message-level agreement: 2/2" in text and "eml/c.eml" in text
    json.dumps(report.to_dict())


def test_command_line_json(corpus, capsys):
    assert main([str(corpus), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["messages_ok"] == 2


@pytest.mark.corpus
@pytest.mark.skipif(not (DEFAULT_PATH / "labels.jsonl").exists(), reason="corpus not present")
def test_sisimai_corpus_floor():
    """Guards against regressions: measured 562/618 (90.9%) messages and 599/657 (91.2%)
    recipients; the floors are one point under."""
    report = evaluate_corpus(DEFAULT_PATH, build_index(spec_from_files()))
    assert report.message_rate >= 0.899
    assert report.recipient_rate >= 0.901
