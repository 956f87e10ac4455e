"""Speed figures for the diagnosis engine and its shells.

Every figure is a median over repeated runs and says how many runs it took.
(a) in-process diagnosis of a one-line reply and of a 5 KB bounce;
(b) the whole corpus through `manage.py diagnose --json` in one subprocess,
    beside Debian's Perl Sisimai on the same files when it is installed;
(c) the cost of growth: 1,000 / 10,000 / 100,000 synthetic symptoms added to
    the shipped knowledge (from the fixture files, no database);
(d) the public search page's server time for a typical paste (this database);
(e) bad input: the slowest of the hostile inputs the issue names (random bytes,
    256 KB of digits, 50,000 short lines, MIME nested 100 deep, 10,000 parts,
    broken base64, NUL bytes), each a median over repeated runs.
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from kb.diagnosis.record import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kb.diagnosis import MAX_INPUT_BYTES, SymptomSpec, build_index, diagnose
from kb.diagnosis.reasons import REASONS

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpus" / "sisimai"

ONE_LINE = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table"

TYPICAL_PASTE = (
    "550-5.7.1 [203.0.113.9] The IP you're using to send mail is not authorized to\n"
    "550-5.7.1 send email directly to our servers. Please use the SMTP relay at your\n"
    "550 5.7.1 service provider instead. a640c23a62f3a-4a23b0fb3dbsi12345.3 - gsmtp\n"
)


def five_kb_bounce() -> str:
    """A delivery report of about 5 KB: headers, a human part, DSN fields, the returned headers."""
    head = (
        "Return-Path: <>\n"
        "Received: from mx.example.net (mx.example.net [192.0.2.25])\n\tby mail.example.com with ESMTP id 4F2A1B3C9D\n"
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
        "To: alice@example.com\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
        "Message-ID: <20261123100000.4F2A1B3C9D@mx.example.net>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B-1"\n\n'
        "--B-1\nContent-Type: text/plain; charset=us-ascii\n\n"
        "This is the mail system at host mx.example.net.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        "<bob@example.org>: host mx.example.org[198.51.100.7] said: 552 5.2.2\n"
        "    <bob@example.org>: Recipient mailbox is full, over quota (in reply to RCPT TO command)\n\n"
        "--B-1\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.net\nX-Postfix-Queue-ID: 4F2A1B3C9D\n"
        "Arrival-Date: Mon, 23 Nov 2026 09:59:58 +0000\n\n"
        "Final-Recipient: rfc822; bob@example.org\nOriginal-Recipient: rfc822;bob@example.org\n"
        "Action: failed\nStatus: 5.2.2\nRemote-MTA: dns; mx.example.org\n"
        "Diagnostic-Code: smtp; 552 5.2.2 <bob@example.org>: Recipient mailbox is full, over quota\n\n"
        "--B-1\nContent-Type: text/rfc822-headers\n\n"
        "Received: from [192.0.2.10] (unknown [192.0.2.10])\n\tby mail.example.com (Postfix) with ESMTPSA\n"
        "From: Alice <alice@example.com>\nTo: Bob <bob@example.org>\nSubject: Quarterly figures\n"
    )
    filler_line = "X-Filler: quarterly figures and the agenda for the next meeting of the committee\n"
    body = head
    while len(body) < 5000:
        body += filler_line
    return body + "\n--B-1--\n"


def median_run(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


WORDS = (
    "mailbox account recipient sender domain host server relay quota storage limit message size policy "
    "spam content filter blocked rejected refused denied deferred delayed temporary permanent unavailable "
    "unknown invalid disabled suspended inactive expired exceeded full busy timeout connection network "
    "authentication login password credentials certificate encryption tls starttls reputation blocklist "
    "listed volume complaints rate throttled daily hourly transaction command syntax header body attachment "
    "virus malware signature record lookup resolve route loop hops forwarding address mailing list group "
    "tenant organisation administrator configuration service provider gateway outbound inbound queue"
).split()


def synthetic_symptoms(count: int, seed: int = 7) -> tuple[SymptomSpec, ...]:
    rng = random.Random(seed)
    reasons = [r for r in REASONS if r not in ("undefined", "onhold")]
    symptoms = []
    for n in range(count):
        phrases = tuple(
            " ".join(rng.sample(WORDS, rng.randint(3, 5))) + f" {rng.choice(WORDS)}{n % 97}"
            if k else " ".join(rng.sample(WORDS, rng.randint(3, 4)))
            for k in range(2)
        )
        symptoms.append(SymptomSpec(key=f"synthetic-{n}", name=f"Synthetic {n}", reason=rng.choice(reasons),
                                    phrases=phrases))
    return tuple(symptoms)


def rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


class Command(BaseCommand):
    help = "Print speed figures: in-process diagnosis, the corpus via the CLI (beside Sisimai), growth, the search page."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="Fewer repeats and smaller growth steps (a smoke run).")
        parser.add_argument("--corpus", default=str(CORPUS), help="Folder with eml/ (default ../shared/corpus/sisimai).")
        parser.add_argument("--skip", default="", help="Sections to skip, e.g. 'b,c'.")

    def handle(self, *args, **options):
        quick = options["quick"]
        skip = set(options["skip"].replace(" ", "").split(",")) - {""}
        self.repeats = 3 if quick else 7
        from kb.kbfiles import spec_from_files

        self.spec = spec_from_files()
        self.say(f"Mailfix benchmark ({'quick' if quick else 'full'}); Python {sys.version.split()[0]}, "
                 f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (figures are noisy when it is high); "
                 f"shipped knowledge: {len(self.spec.symptoms)} symptoms, "
                 f"{len(self.spec.codes)} codes, {len(self.spec.articles)} articles")
        from kb.diagnosis import _native

        self.say(f"engine: {_native.status}; MAILFIX_PURE_PYTHON=1 measures the plain modules")
        sections = [("a", self.in_process), ("b", self.corpus_cli), ("c", self.growth), ("d", self.search_page),
                    ("e", self.bad_input)]
        for name, section in sections:
            if name in skip:
                continue
            self.say("")
            section(quick, options)

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    # (a) -------------------------------------------------------------------
    def in_process(self, quick: bool, options) -> None:
        index = build_index(self.spec)
        batch = 100 if quick else 500
        self.say(f"(a) in-process diagnosis, index from fixture files; median of {self.repeats} runs x {batch} calls")
        for label, text in (("one-line reply", ONE_LINE), ("5 KB bounce", five_kb_bounce())):
            diagnose(text, index)  # warm up
            seconds = median_run(lambda: [diagnose(text, index) for _ in range(batch)], self.repeats)
            size = len(text.encode())
            self.say(f"    {label:<16} {size:>6} bytes  {seconds / batch * 1e6:>9.1f} us per diagnosis")

    # (b) -------------------------------------------------------------------
    def corpus_cli(self, quick: bool, options) -> None:
        corpus = Path(options["corpus"])
        files = sorted(str(p) for p in (corpus / "eml").glob("*.eml"))
        if not files:
            self.say(f"(b) corpus: no .eml files in {corpus / 'eml'}; skipped")
            return
        # 11 turns: on a shared virtual machine single runs of either program vary by a
        # third, and the median of 7 still moved by about 0.2x between identical runs
        runs = 1 if quick else 11
        source = self._cli_source()
        self.say(f"(b) {len(files)} corpus messages in ONE process each, wall time incl. start-up; "
                 f"{runs} runs of each program, taking turns (so a slow moment of the machine hits both), "
                 "after one untimed run of each (it fills the OS file cache and Mailfix's index cache, var/cache/)")
        ours_cmd = [sys.executable, "manage.py", "diagnose", "--json", *source, *files]
        label = "mailfix diagnose --json" + (" --from-files" if source else " (database)")
        perl = shutil.which("perl")
        has_sisimai = perl and subprocess.run([perl, "-MSisimai", "-e1"], capture_output=True).returncode == 0
        # One perl process; each file is read, decoded and serialised to JSON, like our --json output.
        script = "use Sisimai; for my $f (@ARGV) { my $j = Sisimai->dump($f); print $j, qq(\\n) if defined $j }"
        theirs_cmd = [perl, "-e", script, *files] if has_sisimai else None
        ours_times, theirs_times = [], []
        for turn in range(runs + 1):  # turn 0 is the warm-up
            mine = self._time_process(ours_cmd, 1)
            if mine is None:
                self.say(f"    {label}: failed")
                return
            theirs = self._time_process(theirs_cmd, 1) if theirs_cmd else None
            if theirs_cmd and theirs is None:
                self.say("    sisimai: failed; comparing without it")
                theirs_cmd = None
            if turn:
                ours_times.append(mine)
                if theirs is not None:
                    theirs_times.append(theirs)
        ours = statistics.median(ours_times)
        self.say(f"    {label:<34} {ours:>7.2f} s  {len(files) / ours:>8.0f} messages/s  (median)")
        startup = self._time_process([sys.executable, "manage.py", "diagnose", "--json", *source, os.devnull], runs)
        if startup is not None:
            self.say(f"    {'  of which start-up alone':<34} {startup:>7.2f} s  (diagnose --json of one empty input)")
        if not has_sisimai:
            self.say("    sisimai: not installed (Debian package libsisimai-perl)")
            return
        if len(theirs_times) != len(ours_times):
            return
        version = subprocess.run([perl, "-MSisimai", "-e", "print $Sisimai::VERSION"], capture_output=True,
                                 text=True).stdout.strip()
        theirs = statistics.median(theirs_times)
        self.say(f"    {'sisimai ' + version + ' (Perl) dump':<34} {theirs:>7.2f} s  {len(files) / theirs:>8.0f} messages/s  (median)")
        pairs = sorted(t / o for o, t in zip(ours_times, theirs_times))
        self.say(f"    ratio: mailfix is {theirs / ours:.2f}x the speed of sisimai on the same files "
                 f"(turn by turn: median {statistics.median(pairs):.2f}x, from {pairs[0]:.2f}x to {pairs[-1]:.2f}x)")
        self.corpus_loops(files, runs, perl, version)

    def corpus_loops(self, files: list[str], runs: int, perl: str, version: str) -> None:
        """The same work without either program's start-up (Django's is ~0.5 s, Perl's ~0.07 s)."""
        import json

        from kb.knowledge_source import get_index

        index = get_index()
        datas = [Path(f).read_bytes() for f in files]

        def ours_loop():
            for data in datas:
                json.dumps(diagnose(data, index).to_dict())

        ours = median_run(ours_loop, runs)
        script = (
            "use Sisimai; use Time::HiRes qw(time); my $t = time;"
            " for my $f (@ARGV) { my $j = Sisimai->dump($f); print $j, qq(\\n) if defined $j }"
            " printf STDERR qq(%.6f\\n), time - $t"
        )
        loops = []
        for _ in range(runs):
            done = subprocess.run([perl, "-e", script, *files], cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
            try:
                loops.append(float(done.stderr.strip().splitlines()[-1]))
            except (ValueError, IndexError):
                self.say("    sisimai loop: could not read its timing")
                return
        theirs = statistics.median(loops)
        self.say(f"    inside the loop (start-up excluded), median of {runs} runs:")
        self.say(f"    {'mailfix diagnose + JSON':<34} {ours:>7.2f} s  {len(files) / ours:>8.0f} messages/s")
        self.say(f"    {'sisimai ' + version + ' dump':<34} {theirs:>7.2f} s  {len(files) / theirs:>8.0f} messages/s")
        self.say(f"    ratio: mailfix is {theirs / ours:.2f}x the speed of sisimai inside the loop")

    def _cli_source(self) -> list[str]:
        try:
            from kb.models import Symptom

            return [] if Symptom.objects.exists() else ["--from-files"]
        except Exception:  # no database configured or migrated
            return ["--from-files"]

    def _time_process(self, cmd: list[str], runs: int) -> float | None:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            done = subprocess.run(cmd, cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                self.stderr.write(done.stderr.decode(errors="replace")[-500:])
                return None
            times.append(elapsed)
        return statistics.median(times)

    # (c) -------------------------------------------------------------------
    def growth(self, quick: bool, options) -> None:
        sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
        inputs = [ONE_LINE, TYPICAL_PASTE, five_kb_bounce(),
                  "Socket Error #10060, Outlook 0x800CCC0E: cannot connect to the server",
                  "smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted')"]
        self.say(f"(c) growth: shipped symptoms + N synthetic ones; {len(inputs)} fixed inputs, median of "
                 f"{self.repeats} runs; memory = tracemalloc peak while building, and the process's RSS growth from one more build (kept)")
        self.say(f"    {'symptoms':>9} {'phrases':>8} {'build s':>8} {'peak MB':>8} {'RSS +MB':>8} {'us/input':>9}")
        per_input = {}
        for extra in (0, *sizes):
            spec = replace(self.spec, symptoms=self.spec.symptoms + synthetic_symptoms(extra))
            gc.collect()
            build = median_run(lambda: build_index(spec), 1 if extra >= 100_000 else min(3, self.repeats))
            gc.collect()
            tracemalloc.start()
            build_index(spec)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            gc.collect()
            rss_before = rss_bytes()  # RSS is measured without tracemalloc, whose own records cost memory
            index = build_index(spec)
            rss_growth = rss_bytes() - rss_before
            for text in inputs:
                diagnose(text, index)
            seconds = median_run(lambda: [diagnose(text, index) for text in inputs for _ in range(20)],
                                 self.repeats)
            per_input[extra] = seconds / (len(inputs) * 20)
            phrases = sum(len(s.phrases) for s in spec.symptoms)
            self.say(f"    {len(spec.symptoms):>9,} {phrases:>8,} {build:>8.2f} {peak / 1e6:>8.1f} "
                     f"{rss_growth / 1e6:>8.1f} {per_input[extra] * 1e6:>9.1f}")
            del index
        smallest, largest = per_input[sizes[0]], per_input[sizes[-1]]
        self.say(f"    diagnosis time {sizes[-1]:,} vs {sizes[0]:,} synthetic symptoms: {largest / smallest:.2f}x")

    # (d) -------------------------------------------------------------------
    def search_page(self, quick: bool, options) -> None:
        from django.db import transaction
        from django.test import Client, override_settings

        from kb.models import Symptom

        count = 50 if quick else 200
        try:
            symptoms = Symptom.objects.count()
        except Exception as error:  # database missing or not migrated
            self.say(f"(d) search page: no usable database ({error.__class__.__name__}); run `make loadkb`")
            return
        note = "" if symptoms else "  NOTE: the database has no symptoms (run `manage.py loadkb`): nothing will match"
        host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and not h.startswith(".")), "localhost")
        self.say(f"(d) search page: POST / with a typical paste via django.test.Client on this database "
                 f"({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, {symptoms} symptoms); "
                 f"median of {count} requests{note}")
        client = Client(HTTP_HOST=host)
        times, statuses = [], set()
        # Roll back so benchmark searches never land in the search log staff read.
        # Plain static storage: the page must render without `collectstatic` having run.
        storages = {**settings.STORAGES,
                    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        with override_settings(RATELIMIT_ENABLE=False, STORAGES=storages), transaction.atomic():
            for kind, headers in (("full page", {}), ("htmx partial", {"HTTP_HX_REQUEST": "true"})):
                times = []
                client.post("/", {"q": TYPICAL_PASTE}, **headers)
                for _ in range(count):
                    started = time.perf_counter()
                    response = client.post("/", {"q": TYPICAL_PASTE}, **headers)
                    times.append(time.perf_counter() - started)
                    statuses.add(response.status_code)
                self.say(f"    {kind:<13} median {statistics.median(times) * 1e3:6.2f} ms, "
                         f"p90 {sorted(times)[int(len(times) * 0.9)] * 1e3:6.2f} ms")
            transaction.set_rollback(True)
        if statuses != {200}:
            self.say(f"    WARNING: status codes seen: {sorted(statuses)}")

    # (e) -------------------------------------------------------------------
    def bad_input(self, quick: bool, options) -> None:
        index = build_index(self.spec)
        runs = 3 if quick else 5
        self.say(f"(e) bad input, in-process, index from fixture files; median of {runs} runs each")
        worst = ("", 0.0)
        for label, data in hostile_inputs():
            seconds = median_run(lambda: diagnose(data, index), runs)
            size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
            self.say(f"    {label:<28} {size / 1024:>8.0f} KB  {seconds * 1e3:>8.1f} ms")
            if seconds > worst[1]:
                worst = (label, seconds)
        self.say(f"    worst: {worst[0]}, {worst[1] * 1e3:.1f} ms")


def hostile_inputs() -> list[tuple[str, str | bytes]]:
    """The inputs of the issue's bad-input list, at the size limit where it names none."""
    rng = random.Random(11)
    limit = MAX_INPUT_BYTES
    nested = "".join(f'Content-Type: multipart/mixed; boundary="b{k}"\n\n--b{k}\n' for k in range(100))
    head = "From: a@example.com\nTo: b@example.com\nSubject: x\nMIME-Version: 1.0\n"
    many = ('Content-Type: multipart/mixed; boundary="B"\n\n'
            + "".join("--B\nContent-Type: text/plain\n\nmailbox is full\n" for _ in range(10_000)) + "--B--\n")
    broken_b64 = (head + "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                  + "!!!!====@@@@ not base64 ==== QUJD=\n" * 5000)
    return [
        ("random bytes", bytes(rng.getrandbits(8) for _ in range(limit))),
        ("256 KB of digits", "1234567890" * (limit // 10)),
        ("50,000 short lines", "550 x\n" * 50_000),
        ("MIME nested 100 deep", head + nested + "\nuser unknown\n"),
        ("10,000 MIME parts", head + many),
        ("broken base64", broken_b64),
        ("NUL bytes and broken UTF-8", b"550 5.1.1 user\x00 unknown \xc3\x28 " * 8000),
    ]

