"""What the search page shows for one paste: the Diagnosis, joined with the
articles and codes in the database and put into plain words.

The engine (kb.diagnosis) decides what matched; this module only looks things
up and phrases them, so the page, its htmx partial and the tests share one shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kb.diagnosis import Diagnosis, Match
from kb.diagnosis.providers import PROVIDERS
from kb.diagnosis.reasons import NON_FAILURES, REASON_LABELS, UNKNOWN

# RFC 3463, section 3: the class and subject parts of an enhanced status code.
ENHANCED_CLASSES = {
    "2": "success",
    "4": "persistent transient failure",
    "5": "permanent failure",
}
ENHANCED_SUBJECTS = {
    "0": "other or undefined",
    "1": "addressing",
    "2": "mailbox",
    "3": "mail system",
    "4": "network and routing",
    "5": "mail delivery protocol",
    "6": "message content or media",
    "7": "security or policy",
}

SIDE_LABELS = {
    "client": "Your mail program or account",
    "sender": "Your mail server",
    "recipient": "The recipient's mail server",
    "network": "The network",
    "server": "A mail server on the way",
    "none": "Nobody: this is not a failure",
}

REASON_SIDES = {
    "securityerror": "client",
    "syntaxerror": "client",
    "authfailure": "sender",
    "badreputation": "sender",
    "blocked": "sender",
    "contenterror": "sender",
    "emailtoolarge": "sender",
    "expired": "sender",
    "failedstarttls": "sender",
    "norelaying": "sender",
    "notcompliantrfc": "sender",
    "ratelimited": "sender",
    "rejected": "sender",
    "requireptr": "sender",
    "spamdetected": "sender",
    "suppressed": "sender",
    "virusdetected": "sender",
    "filtered": "recipient",
    "hasmoved": "recipient",
    "hostunknown": "recipient",
    "mailboxfull": "recipient",
    "mailererror": "recipient",
    "notaccept": "recipient",
    "policyviolation": "recipient",
    "suspend": "recipient",
    "systemerror": "recipient",
    "systemfull": "recipient",
    "userunknown": "recipient",
    "networkerror": "network",
    "delivered": "none",
    "feedback": "none",
    "vacation": "none",
}

STAGE_LABELS = {
    "connect": "connect",
    "greeting": "greeting",
    "starttls": "STARTTLS",
    "auth": "login",
    "mail": "sender",
    "rcpt": "recipient",
    "data": "message data",
}
STAGE_HELP = {
    "connect": "while connecting to the server",
    "greeting": "when the server greeted your server or program",
    "starttls": "while switching the connection to encryption (STARTTLS)",
    "auth": "while logging in",
    "mail": "when the sender address was given (MAIL FROM)",
    "rcpt": "when the recipient address was given (RCPT TO)",
    "data": "after the message itself was sent (DATA)",
}

RETRY_TEMPORARY = "Temporary: it will likely go through later"
RETRY_PERMANENT = "Permanent: retrying will not help until you fix this"

NON_FAILURE_MESSAGES = {
    "delivered": "Good news: this is a delivery report, not an error. The message was delivered or passed on.",
    "feedback": "This is a complaint report, not a bounce: someone marked a message from you as spam. "
    "Your message was delivered.",
    "vacation": "This is an automatic reply, such as an out-of-office message, not a bounce. "
    "Your message was delivered.",
}

# The paste is shown back with its matches marked; a huge bounce is cut to the
# parts around the matches.
SHOW_WHOLE_TEXT_CHARS = 3000
EXCERPT_CONTEXT_CHARS = 240
EXCERPT_MAX_CHARS = 4000
HEAD_CHARS = 1500

MAX_OTHER_MATCHES = 3
MAX_CODES = 6
WORD_QUERY_MAX_CHARS = 300
_WORD_RE = re.compile(r"[^\W\d_]{3,}")


@dataclass
class CodeInfo:
    code: str
    kind: str = ""
    title: str = ""
    meaning: str = ""
    url: str = ""
    parts: list[str] = field(default_factory=list)  # an enhanced code taken apart


@dataclass
class MatchInfo:
    match: Match
    title: str
    url: str
    summary: str = ""
    reason_label: str = ""
    article_id: int | None = None
    side: str = ""  # the article's own side, when staff set one


@dataclass
class SearchHitInfo:
    title: str
    url: str
    summary: str
    snippet: SafeString


@dataclass
class Result:
    text: str
    diagnosis: Diagnosis
    best: MatchInfo | None = None
    others: list[MatchInfo] = field(default_factory=list)
    codes: list[CodeInfo] = field(default_factory=list)
    side: str = ""
    retry: str = ""
    provider: str = ""
    stage: str = ""
    stage_help: str = ""
    highlighted: SafeString = mark_safe("")
    non_failure: str = ""
    article_hits: list[SearchHitInfo] = field(default_factory=list)
    words: bool = False  # a question typed in words, not a pasted error
    recipients: list[dict] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.best is not None

    @property
    def status_message(self) -> str:
        """One line for the screen reader's live region."""
        if self.non_failure:
            return "This is not a delivery failure."
        if self.best:
            extra = f" {len(self.others)} other possible causes." if self.others else ""
            return f"Best match: {self.best.title}.{extra}"
        if self.article_hits:
            return f"No exact match. {len(self.article_hits)} articles mention your words."
        return "No article fits this error yet."


def enhanced_parts(code: str, detail_title: str = "") -> list[str]:
    """5.7.1 -> ["permanent failure", "security or policy", <detail title>]."""
    pieces = code.split(".")
    if len(pieces) != 3:
        return []
    klass = ENHANCED_CLASSES.get(pieces[0], f"class {pieces[0]}")
    subject = ENHANCED_SUBJECTS.get(pieces[1], f"subject {pieces[1]}")
    detail = detail_title or f"detail {pieces[2]}"
    return [klass, subject, detail[:1].lower() + detail[1:] if detail_title else detail]


def highlight(text: str, spans) -> SafeString:
    """The paste, escaped, with each span wrapped in <mark>. Long pastes are cut to
    the lines around the spans."""
    n = len(text)
    marks = _merge([(max(0, int(s)), min(n, int(e))) for s, e in spans or () if int(e) > int(s) and int(s) < n])
    if n <= SHOW_WHOLE_TEXT_CHARS:
        windows = [(0, n)]
    elif marks:
        windows = _merge([(max(0, s - EXCERPT_CONTEXT_CHARS), min(n, e + EXCERPT_CONTEXT_CHARS)) for s, e in marks])
        windows = [_to_line_edges(text, s, e) for s, e in windows]
        windows = _merge(windows)
        kept, total = [], 0
        for s, e in windows:
            if total >= EXCERPT_MAX_CHARS:
                break
            e = min(e, s + EXCERPT_MAX_CHARS - total)
            kept.append((s, e))
            total += e - s
        windows = kept
    else:
        windows = [(0, HEAD_CHARS)]
    out = []
    if windows and windows[0][0] > 0:
        out.append("…\n")
    for i, (start, end) in enumerate(windows):
        if i:
            out.append("\n…\n")
        pos = start
        for s, e in marks:
            if e <= start or s >= end:
                continue
            s, e = max(s, start), min(e, end)
            out.append(escape(text[pos:s]))
            out.append("<mark>" + escape(text[s:e]) + "</mark>")
            pos = e
        out.append(escape(text[pos:end]))
    if windows and windows[-1][1] < n:
        out.append("\n…")
    return mark_safe("".join(out))


def looks_like_words(text: str, diagnosis: Diagnosis) -> bool:
    """A question typed in words rather than a pasted error: short, no codes, some words."""
    signals = diagnosis.signals
    if len(text) > WORD_QUERY_MAX_CHARS or text.count("\n") > 3:
        return False
    if signals.reply_code or signals.enhanced_code or signals.vendor_codes:
        return False
    return len(_WORD_RE.findall(text)) >= 1


def build_result(text: str, diagnosis: Diagnosis, search_articles=None) -> Result:
    from articles.models import Article

    result = Result(text=text, diagnosis=diagnosis)
    signals = diagnosis.signals
    kind = signals.kind if signals.kind in NON_FAILURES else diagnosis.reason if diagnosis.reason in NON_FAILURES else ""
    result.non_failure = NON_FAILURE_MESSAGES.get(kind, "")

    matches = [m for m in diagnosis.matches if m.article and m.reason not in UNKNOWN]
    articles = {
        a.slug: a for a in Article.objects.published().filter(slug__in=[m.article for m in matches])
    }
    infos = [
        MatchInfo(match=m, title=articles[m.article].title, url=articles[m.article].get_absolute_url(),
                  summary=articles[m.article].summary, reason_label=REASON_LABELS.get(m.reason, m.reason),
                  article_id=articles[m.article].pk, side=articles[m.article].side)
        for m in matches if m.article in articles
    ]
    if infos:
        result.best = infos[0]
        result.others = infos[1:1 + MAX_OTHER_MATCHES]

    result.codes = _codes_found(diagnosis)
    result.side = _side(diagnosis, result)
    result.retry = _retry(signals.temporary, kind)
    result.provider = PROVIDERS.get(signals.provider or "", "")
    result.stage = STAGE_LABELS.get(signals.stage or "", "")
    result.stage_help = STAGE_HELP.get(signals.stage or "", "")
    result.highlighted = highlight(text, result.best.match.spans if result.best else [])
    if len(diagnosis.recipients) > 1:
        result.recipients = [
            {"address": r.address, "reason": REASON_LABELS.get(r.reason, r.reason),
             "reason_url": reverse("kb:reason", args=[r.reason]) if r.reason not in UNKNOWN else "",
             "code": " ".join(c for c in (r.reply_code, r.enhanced_code) if c)}
            for r in diagnosis.recipients[:20]
        ]

    result.words = looks_like_words(text, diagnosis)
    if result.words:
        if search_articles is None:
            from articles.search import search_articles
        shown = {info.article_id for info in infos[:1 + MAX_OTHER_MATCHES]}
        hits = [hit for hit in search_articles(text, limit=8) if hit.article_id not in shown][:5]
        by_id = Article.objects.published().in_bulk([hit.article_id for hit in hits])
        result.article_hits = [
            SearchHitInfo(title=by_id[h.article_id].title, url=by_id[h.article_id].get_absolute_url(),
                          summary=by_id[h.article_id].summary, snippet=h.snippet)
            for h in hits if h.article_id in by_id
        ]
    return result


def code_url(code: str) -> str:
    return reverse("kb:code", args=[code])


def lookup_codes(codes: list[str]):
    """ErrorCode rows for these codes, case-insensitively, grouped by lower-case code."""
    from kb.models import ErrorCode

    if not codes:
        return {}
    condition = Q()
    for code in codes:
        condition |= Q(code__iexact=code)
    found: dict[str, list] = {}
    for row in ErrorCode.objects.filter(condition).order_by("kind"):
        found.setdefault(row.code.lower(), []).append(row)
    return found


def enhanced_detail_title(code: str, rows_by_code: dict) -> str:
    """The ErrorCode title of an enhanced code, else of the same detail in the other failure class."""
    for candidate in (code, other_class(code)):
        for row in rows_by_code.get(candidate.lower(), []):
            if row.kind == "enhanced" and row.title:
                return row.title
    return ""


def _codes_found(diagnosis: Diagnosis) -> list[CodeInfo]:
    s = diagnosis.signals
    ordered = [c for c in [s.reply_code, s.enhanced_code, *s.vendor_codes, *s.reply_codes, *s.enhanced_codes] if c]
    ordered = list(dict.fromkeys(ordered))[:MAX_CODES]
    enhanced = [c for c in ordered if c.count(".") == 2]
    rows = lookup_codes(ordered + [other_class(c) for c in enhanced])
    infos = []
    for code in ordered:
        matching = rows.get(code.lower(), [])
        row = next((r for r in matching if r.kind == ("enhanced" if code in enhanced else r.kind)), None)
        info = CodeInfo(code=code)
        if row is not None:
            info.kind, info.title, info.meaning, info.url = row.kind, row.title, row.meaning, code_url(row.code)
        if code in enhanced:
            info.parts = enhanced_parts(code, enhanced_detail_title(code, rows))
        infos.append(info)
    return infos


def _side(diagnosis: Diagnosis, result: Result) -> str:
    if result.non_failure:
        return SIDE_LABELS["none"]
    side = None
    if result.best:
        side = result.best.side or REASON_SIDES.get(diagnosis.reason)
    if side is None:
        from kb.models import ErrorCode

        codes = [c.code for c in result.codes if c.url]
        row = ErrorCode.objects.filter(code__in=codes).exclude(side="").order_by("kind").first() if codes else None
        side = row.side if row else None
    return SIDE_LABELS.get(side or "", "")


def _retry(temporary: bool | None, non_failure_kind: str) -> str:
    if non_failure_kind:
        return ""
    if temporary is True:
        return RETRY_TEMPORARY
    if temporary is False:
        return RETRY_PERMANENT
    return ""


def other_class(code: str) -> str:
    """4.2.2 <-> 5.2.2: the same detail in the other failure class."""
    if code[:2] == "4.":
        return "5." + code[2:]
    if code[:2] == "5.":
        return "4." + code[2:]
    return code


def _merge(ranges):
    merged: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _to_line_edges(text: str, start: int, end: int, slack: int = 160) -> tuple[int, int]:
    line_start = text.rfind("\n", max(0, start - slack), start)
    line_end = text.find("\n", end, end + slack)
    return (line_start + 1 if line_start >= 0 else start, line_end if line_end >= 0 else end)
