import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kb.diagnosis import MAX_INPUT_BYTES
from tests.factories import make_article, make_symptom

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent
MAILBOX_FULL = b"552 5.2.2 <bob@example.com>: Recipient mailbox is full, over quota\n"
BOUNCE = b"""From: MAILER-DAEMON@mx.example.net
To: alice@example.com
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

I could not deliver your message to one or more recipients.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; bob@example.org
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 Mailbox is full

--b1--
"""


@pytest.fixture(autouse=True)
def mailbox_full_symptom(db):
    article = make_article(slug="recipient-mailbox-full", title="The recipient's mailbox is full", reason="mailboxfull")
    return make_symptom(key="mailbox-full", phrases="mailbox is full\nover quota", reason="mailboxfull",
                        article=article)


def run(*args, stdin: bytes = b"") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("diagnose", *args, stdout=out, stderr=err, stdin=io.BytesIO(stdin))
    return out.getvalue(), err.getvalue()


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_it_reads_standard_input_when_given_no_file():
    out, _ = run("--json", stdin=MAILBOX_FULL)
    [line] = json_lines(out)
    assert line["file"] == "<stdin>"
    assert line["reason"] == "mailboxfull"


def test_it_reads_standard_input_for_a_dash():
    out, _ = run("--json", "-", stdin=MAILBOX_FULL)
    assert json_lines(out)[0]["reason"] == "mailboxfull"


def test_it_prints_one_json_line_per_file_in_input_order(tmp_path):
    names = []
    for n, content in enumerate([MAILBOX_FULL, b"hello there", BOUNCE]):
        path = tmp_path / f"{n}.txt"
        path.write_bytes(content)
        names.append(str(path))
    out, _ = run("--json", *names)
    lines = json_lines(out)
    assert [line["file"] for line in lines] == names
    assert [line["reason"] for line in lines] == ["mailboxfull", "undefined", "mailboxfull"]


def test_it_keeps_the_contract_fields_in_json(tmp_path):
    path = tmp_path / "bounce.eml"
    path.write_bytes(BOUNCE)
    [line] = json_lines(run("--json", str(path))[0])
    assert {"reason", "signals", "matches", "recipients", "truncated"} <= set(line)
    assert line["recipients"][0]["address"] == "bob@example.org"
    assert line["matches"][0]["url"] == "/articles/recipient-mailbox-full/"


def test_it_prints_a_short_summary_without_json(settings):
    settings.SITE_URL = "https://help.example.com"
    out, _ = run(stdin=MAILBOX_FULL)
    assert "<stdin>: mailboxfull" in out
    assert "The recipient's mailbox is full  https://help.example.com/articles/recipient-mailbox-full/" in out
    assert "552 5.2.2" in out
    assert "permanent" in out


def test_it_lists_recipients_in_the_summary(tmp_path):
    path = tmp_path / "bounce.eml"
    path.write_bytes(BOUNCE)
    out, _ = run(str(path))
    assert "recipient bob@example.org: mailboxfull" in out


def test_it_says_when_nothing_fits():
    out, _ = run(stdin=b"the coffee machine is broken")
    assert "<stdin>: undefined" in out
    assert "no article fits" in out


def test_it_reports_a_missing_file_continues_and_fails_at_the_end(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes(MAILBOX_FULL)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("diagnose", "--json", str(tmp_path / "missing.txt"), str(good), stdout=out, stderr=io.StringIO())
    assert raised.value.returncode == 1
    lines = json_lines(out.getvalue())
    assert lines[0] == {"file": str(tmp_path / "missing.txt"), "error": "No such file or directory"}
    assert lines[1]["reason"] == "mailboxfull"


def test_it_reports_a_directory_as_unreadable(tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("diagnose", str(tmp_path), stdout=out, stderr=io.StringIO())
    assert f"{tmp_path}: cannot read:" in out.getvalue()


def test_it_diagnoses_the_head_of_an_oversized_input_and_says_so():
    data = MAILBOX_FULL + b"x" * (MAX_INPUT_BYTES + 10)
    out, err = run("--json", stdin=data)
    [line] = json_lines(out)
    assert line["truncated"] is True
    assert line["reason"] == "mailboxfull"
    assert "diagnosing the first" in err


@pytest.mark.parametrize(
    "data",
    [
        b"\x00" * 1000,
        bytes(range(256)) * 100,
        b"552 \xc3\x28 mailbox is full \xff\xfe",
        "552 mailbox is full".encode("utf-16"),
        b"<script>alert(1)</script> mailbox is full",
        b"'; DROP TABLE kb_symptom; --",
        b"1234567890\n" * 10_000,
        b"",
    ],
    ids=["nul", "all-bytes", "broken-utf8", "utf16", "markup", "injection", "digits", "empty"],
)
def test_it_handles_hostile_input_with_one_json_line(data):
    out, _ = run("--json", stdin=data)
    [line] = json_lines(out)
    assert isinstance(line["reason"], str)


def test_it_runs_many_files_in_one_process_from_the_shell(tmp_path):
    paths = []
    for n in range(3):
        path = tmp_path / f"{n}.txt"
        path.write_bytes(b"552 5.2.2 Mailbox is full\n")
        paths.append(str(path))
    paths.append(str(tmp_path / "missing.txt"))
    done = subprocess.run(
        [sys.executable, "manage.py", "diagnose", "--json", "--from-files", *paths],
        cwd=PROJECT, capture_output=True, timeout=120,
    )
    lines = json_lines(done.stdout.decode())
    assert [line["file"] for line in lines] == paths
    assert "error" in lines[-1]
    assert done.returncode == 1


def test_it_says_an_automatic_reply_is_not_a_failure():
    make_symptom(key="out-of-office", phrases="out of the office", reason="vacation")
    out, _ = run(stdin=b"Subject: Automatic reply\n\nI am out of the office until Monday.")
    assert "<stdin>: vacation" in out
    assert "not a failure" in out
