"""Reading the SHAPE of a paste: is it a whole message or a bare reply, where is
the error text, which recipients does it name, and what do codes, provider
markers and SMTP stage say. Wording -> reason is not decided here (that is the
symptoms' job, see match.py); only the form of the text.
"""

from __future__ import annotations

import re

from . import mime
from .record import Record
from .text import View, strip_html

# --- error text segments --------------------------------------------------------

VIEW_LIMIT = 64 * 1024  # characters of one segment that phrase matching reads


class Segment(Record):
    """A piece of error text. ``source[start:end]`` is the text; when
    ``in_original`` is true, offsets are offsets into the original paste."""

    _fields = ("source", "start", "end", "in_original", "role", "recipient", "weight", "_view")

    def __init__(self, source: str, start: int, end: int, in_original: bool, role: str,
                 recipient: int | None = None, weight: float = 1.0, _view: View | None = None):
        self.source = source
        self.start = start
        self.end = end
        self.in_original = in_original
        self.role = role  # diag | human | subject | plain | transcript
        self.recipient = recipient
        self.weight = weight
        self._view = _view

    @property
    def text(self) -> str:
        return self.source[self.start: self.end]

    @property
    def view(self) -> View:
        if self._view is None:
            # the error sits near the top of a paste: read at most VIEW_LIMIT characters
            self._view = View(self.source, self.start, min(self.end, self.start + VIEW_LIMIT))
        return self._view


class RecipientInfo(Record):
    _fields = ("address", "action", "status", "reply_code", "remote_mta", "diag_type", "segments")

    def __init__(self, address: str, action: str | None = None, status: str | None = None,
                 reply_code: str | None = None, remote_mta: str | None = None, diag_type: str | None = None,
                 segments: list[Segment] | None = None):
        self.address = address
        self.action = action
        self.status = status
        self.reply_code = reply_code
        self.remote_mta = remote_mta
        self.diag_type = diag_type  # smtp | x-unix | x-postfix ...
        self.segments = [] if segments is None else segments


class Parsed(Record):
    _fields = ("original", "is_message", "kind", "segments", "recipients", "header_text", "subject", "feedback_type",
               "has_dsn", "delay_notice", "returned", "filter_mark")

    def __init__(self, original: str, is_message: bool = False, kind: str = "error",
                 segments: list[Segment] | None = None, recipients: list[RecipientInfo] | None = None,
                 header_text: str = "", subject: str = "", feedback_type: str | None = None, has_dsn: bool = False,
                 delay_notice: bool = False, returned: list[tuple[int, int]] | None = None,
                 filter_mark: bool = False):
        self.original = original
        self.is_message = is_message
        self.kind = kind  # error | bounce | delivered | feedback | vacation
        self.segments = [] if segments is None else segments
        self.recipients = [] if recipients is None else recipients
        self.header_text = header_text  # From / Subject / Reporting-MTA ...: context for provider markers
        self.subject = subject
        self.feedback_type = feedback_type
        self.has_dsn = has_dsn
        self.delay_notice = delay_notice  # a warning that delivery is late and still being retried
        self.returned = [] if returned is None else returned  # spans of attached whole messages
        # au (KDDI) EZweb marked the bounces its recipients' reception filters caused with a
        # header of its own, "X-SPASIGN: NG" (documented in Sisimai's EZweb decoder)
        self.filter_mark = filter_mark


def _at_line_starts(pattern: re.Pattern, text: str, start: int, end: int):
    """(start, match) of each match of a "(?m)^..." pattern in text[start:end], in order,
    as pattern.finditer() finds them, but found from line break to line break: "^" is
    tried at every character, a literal line break lets the regex engine leap. The
    match includes the line break before it (its start is given apart); groups are
    unchanged. For patterns whose matches never end with a line break."""
    if start == 0 or text[start - 1] == "\n":
        m = pattern.match(text, start, end)
        if m:
            yield m.start(), m
            start = m.end()
    after_break = _AFTER_BREAK.get(pattern)
    if after_break is None:
        body = re.sub(r"^\(\?[aiLmsux]+\)", "", pattern.pattern, count=1)  # its flags are in .flags
        assert body.startswith("^"), pattern.pattern
        after_break = _AFTER_BREAK[pattern] = re.compile(r"\n" + body[1:], pattern.flags)
    for m in after_break.finditer(text, start, end):
        yield m.start() + 1, m


_AFTER_BREAK: dict = {}



# Lines that start the returned copy of the original message. (No two adjacent
# quantifiers can match the same characters: no backtracking blow-up.) The look-ahead
# holds the first letters of the alternatives below (keep it in step): one test of a
# character turns most lines away before the sixteen alternatives are tried, which
# made the search about four times faster on long HTML reports.
_COPY_MARKERS = re.compile(
    r"""(?imx)^[ \t>]*(?:-+[ \t]*)?(?=[bcfimortuy])(?:
        this\ is\ a\ copy\ of\ (?:the\ )?(?:your\ )?message
      | below\ this\ line\ is\ a\ copy\ of\ the\ message
      | (?:the\ )?original\ message\ (?:follows|is\ attached|headers?\ follow)
      | unsent\ message\ follows
      | (?:returned|undelivered|original|rejected)\ (?:message|mail)\ ?-+
      | original\ message[ \t]*-*[ \t]*$
      | (?:message|original)\ headers?\ (?:follows?|of\ the)
      | the\ header\ of\ the\ original\ message
      | forwarded\ message
      | original\ mail\ (?:follows|header)
      | included\ is\ a\ copy\ of\ the\ message
      | message\ header\ follows
      | (?:your\ )?message\ (?:\(?including\ headers\)?\ )?follows[ \t]*:?[ \t]*$
      | content-type:\ ?(?:message/rfc822|text/rfc822-headers)
      | (?:the\ )?original\ message\ header
    )"""
)

_COPY_MARKERS_NL = re.compile(r"\n" + _COPY_MARKERS.pattern.replace("(?imx)^", "", 1), _COPY_MARKERS.flags)

def _field_names_at_line_start(names: tuple[str, ...], tail: str) -> re.Pattern:
    """(?im)^(name|name|...)tail, with a look-ahead for the names' first letters: most
    lines fail that one character test instead of every alternative (the same matches)."""
    firsts = "".join(sorted({name[0] for name in names}))
    return re.compile(rf"(?im)^(?=[{firsts}])({'|'.join(names)}){tail}")


_HEADER_BLOCK = _field_names_at_line_start(
    ("return-path", "received", "message-id", "x-[a-z0-9-]+", "mime-version", "dkim-signature", "content-type",
     "from", "to", "subject", "date", "reply-to", "delivered-to"), r":[ \t]")


def _cut_copy(text: str, start: int, end: int) -> int:
    """Where the returned copy of the original starts within [start, end)."""
    # (?m)^ is tried at every position; the same pattern after a literal line break
    # lets the regex engine leap from line to line. A match at `start` itself first.
    m = _COPY_MARKERS.match(text, start, end) if (start == 0 or text[start - 1] == "\n") else None
    if m:
        cut = m.start()
    else:
        m = _COPY_MARKERS_NL.search(text, start, end)
        cut = m.start() + 1 if m else end
    # A block of header fields after a blank line: the original's headers.
    for hs, _ in _at_line_starts(_HEADER_BLOCK, text, start, cut):
        if hs <= start + 10:
            continue
        prev = text[max(start, hs - 3):hs]
        if "\n\n" not in prev and "\n\r\n" not in prev:
            continue
        if _is_header_block(text, hs, cut):
            return hs
    return cut


_STRONG_HEADERS = frozenset("received return-path message-id mime-version dkim-signature content-type".split())


def _is_header_block(text: str, hs: int, end: int) -> bool:
    """Three or more header fields in a row, one of them a typical message header."""
    fields = 0
    strong = False
    for line in text[hs: min(end, hs + 3000)].split("\n")[:30]:
        line = line.rstrip("\r")
        if not line.strip():
            break
        if line[:1] in " \t":
            continue
        m = re.match(r"([A-Za-z0-9-]{2,40}):[ \t]", line)
        if not m:
            break
        fields += 1
        name = m.group(1).lower()
        if name in _STRONG_HEADERS or name.startswith("x-"):
            strong = True
    return fields >= 3 and strong


# --- DSN fields --------------------------------------------------------------------

_DSN_FIELD = _field_names_at_line_start(
    ("final-recipient", "original-recipient", "x-actual-recipient", "action", "status", "diagnostic-code",
     "remote-mta", "reporting-mta", "last-attempt-date", "x-postfix-sender", "will-retry-until", "feedback-type",
     "x-display-name", "arrival-date", "received-from-mta"), r"[ \t]*:[ \t]*")


def _field_value_end(text: str, vstart: int, end: int) -> int:
    """End of a (possibly folded) field value starting at vstart."""
    i = vstart
    while True:
        nl = text.find("\n", i, end)
        if nl < 0:
            return end
        nxt = nl + 1
        if nxt < end and text[nxt] in " \t" and text[nxt:text.find("\n", nxt, end) if text.find("\n", nxt, end) >= 0 else end].strip():
            i = nxt
            continue
        line_end = nl
        if line_end > vstart and text[line_end - 1] == "\r":
            line_end -= 1
        return line_end


def _addr_of(value: str) -> str:
    value = value.strip()
    if ";" in value:
        value = value.split(";", 1)[1]
    value = value.strip().strip("<>").strip()
    m = re.search(r"[^\s<>\"';,]+@[^\s<>\"';,]+", value)
    return (m.group(0) if m else value)[:320]


def parse_dsn(source: str, start: int, end: int, in_original: bool) -> tuple[list[RecipientInfo], dict]:
    """Per-recipient blocks of a message/delivery-status body (blocks are
    separated by blank lines; a new Final-Recipient also starts a block)."""
    per_message: dict = {}
    recipients: list[RecipientInfo] = []
    current: RecipientInfo | None = None
    current_has_final = False
    last_end = start
    count = 0
    for field_start, m in _at_line_starts(_DSN_FIELD, source, start, end):
        count += 1
        if count > 2000:
            break
        name = m.group(1).lower()
        vs = m.end()
        ve = _field_value_end(source, vs, end)
        value = " ".join(source[vs:ve].split())  # same as re.sub(r"\s+", " ", ...).strip()
        gap = source[last_end: field_start]
        if current is not None and (re.search(r"\n[ \t]*\r?\n", gap) or (name == "final-recipient" and current.address and current_has_final)):
            current = None
        last_end = ve
        if name in ("reporting-mta", "x-postfix-sender", "arrival-date", "received-from-mta", "feedback-type"):
            per_message[name] = value
            continue
        if name in ("last-attempt-date", "will-retry-until", "x-display-name") and current is None:
            continue
        if current is None:
            current = RecipientInfo(address="")
            current_has_final = False
            recipients.append(current)
        if name == "final-recipient":
            current.address = _addr_of(value)
            current_has_final = True
        elif name in ("original-recipient", "x-actual-recipient"):
            if not current.address:
                current.address = _addr_of(value)
        elif name == "action":
            current.action = value.lower().split()[0] if value else None
        elif name == "status":
            sm = re.search(r"[245]\.\d{1,3}\.\d{1,3}", value)
            current.status = sm.group(0) if sm else None
            raw_value = source[vs:ve]
            paren = raw_value.find("(")
            if sm and paren > 0 and len(raw_value) - paren > 8:  # "4.0.0 (host name lookup failure)"
                current.segments.append(Segment(source, vs + paren, ve, in_original, "diag"))
        elif name == "remote-mta":
            current.remote_mta = value.split(";", 1)[-1].strip()[:255]
        elif name == "diagnostic-code":
            dtype = value.split(";", 1)[0].strip().lower() if ";" in value[:40] else None
            current.diag_type = dtype
            seg_start = vs
            semi = source.find(";", vs, min(ve, vs + 40))
            if semi >= 0:
                seg_start = semi + 1
            current.segments.append(Segment(source, seg_start, ve, in_original, "diag"))
    recipients = [r for r in recipients if r.address or r.action or r.status or r.segments]
    return recipients, per_message


# --- recipients named in human-readable text --------------------------------------

# The look-ahead: an "@" on the line, or the "recipient:" / "rcpt to:" lead-in (whose
# \s* may go on to the next line). Lines of plain text fail it in one fast scan
# instead of trying a 64-character local part at each word; the matches are the same.
_LEAD_ADDR = re.compile(
    r"(?m)^(?=[^@\n]*@|[ \t]*[rR])[ \t]*(?:(?i:recipient(?:\s+address)?:\s*|rcpt to:\s*))?[\"<]?"
    r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8})[>\"]?"
    r"[ \t]*(?=$|:|\.\.\.|\(|,|\r|\[|[ \t]+(?:[A-Z]|(?i:host|said|on\b|\(|-|because|was|is|has|user|mailbox|unknown|the|delivery|\d{3}\b)))"
)


_SENDMAIL_RCPT = re.compile(r"(?m)^[ \t]*[245]\d\d <([^<>\s@]{1,64}@[^<>\s]{1,255})>\.\.\. [^\n]*")
_TALKING = re.compile(r"(?im)^[ \t]*(?:\.\.\. )?while talking to [^\n]*")


def _sendmail_recipients(source: str, start: int, end: int, in_original: bool) -> list[tuple[int, str, Segment]]:
    """Sendmail transcripts: "550 <addr>... reason" closes the part of the
    session (from "While talking to ..." or the previous such line) that
    concerns that recipient."""
    out = []
    prev_end = start
    talks = [t for t, _ in _at_line_starts(_TALKING, source, start, end)][:200]
    for line_start, m in list(_at_line_starts(_SENDMAIL_RCPT, source, start, end))[:200]:
        seg_start = prev_end
        for t in talks:
            if prev_end <= t < line_start:
                seg_start = max(seg_start, t)
        out.append((line_start, m.group(1), Segment(source, seg_start, m.end(), in_original, "human")))
        prev_end = m.end()
    return out


def human_recipients(source: str, start: int, end: int, in_original: bool) -> list[tuple[str, Segment]]:
    """(address, paragraph) for each line that starts with a recipient address,
    and for each Sendmail "NNN <addr>... reason" transcript line."""
    if source.find("@", start, end) < 0:
        return []  # every line this looks for holds an address
    found = _human_recipients(source, start, end, in_original)
    seen = {a.lower() for a, _ in found}
    extra = [(pos, a, seg) for pos, a, seg in _sendmail_recipients(source, start, end, in_original)
             if a.lower() not in seen]
    if extra:
        merged = [(seg.start, a, seg) for a, seg in found] + extra
        merged.sort(key=lambda item: item[0])
        found = [(a, seg) for _, a, seg in merged]
    return found


def _human_recipients(source: str, start: int, end: int, in_original: bool) -> list[tuple[str, Segment]]:
    leads = list(_at_line_starts(_LEAD_ADDR, source, start, end))[:200]
    out = []
    for k, (ps, m) in enumerate(leads):
        limit = leads[k + 1][0] if k + 1 < len(leads) else end
        # paragraph ends at a blank line that follows some text
        pe = limit
        scan = m.end()
        line_no = 0
        while scan < limit:
            nl = source.find("\n", scan, limit)
            if nl < 0:
                break
            nxt = nl + 1
            line_no += 1
            following_end = source.find("\n", nxt, limit)
            following = source[nxt: limit if following_end < 0 else following_end]
            if not following.strip() and line_no >= 1:
                # allow "addr:\n\n text" (empty line right after the address line)
                if line_no == 1 and not source[m.end(): nl].strip(" \t:\r"):
                    scan = nxt
                    continue
                pe = nl
                break
            if line_no > 40:
                pe = nl
                break
            scan = nxt
        out.append((m.group(1), Segment(source, ps, pe, in_original, "human")))
    return out


# --- the main entry -----------------------------------------------------------------

_RETURNED_TYPES = {"message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers",
                   "message/global-headers", "message/partial", "message/external-body"}
_DSN_TYPES = {"message/delivery-status", "message/global-delivery-status"}

_BOUNCE_SUBJECT = re.compile(
    r"(?i)undeliver|returned mail|delivery (?:status|fail|notification|report|problem)|failure notice|"
    r"mail delivery|non[- ]?delivery|delivery has failed|could not be delivered|nicht zustellbar|"
    r"warning: message|delayed mail|mail system error|rejected|returned to sender|bounce"
)
_AUTOREPLY_SUBJECT = re.compile(
    r"(?i)^\s*(?:auto(?:matic)?[ -]?(?:reply|response|answer)|autoreply|auto:|out of (?:the )?office|"
    r"abwesenheit|absence|vacation|away from|r[ée]ponse automatique|respuesta autom|i am away|on leave)"
)
_AUTOREPLY_BODY = re.compile(r"(?i)out of (?:the )?office|i am (?:currently )?(?:away|out)|on vacation|auto-?reply|automatic reply")
# A delay warning, not (yet) a failure: "Delivery Status Notification (Delay)",
# "Warning: message ... delayed", "Delayed Mail (still being retried)".
_DELAY_SUBJECT = re.compile(r"(?i)\(delay\)|\bdelayed mail\b|^\s*warning:.{0,80}\bdelayed\b|delivery delay")
_DELAY_BODY = re.compile(r"(?i)this is a warning message only|you do not need to resend your message")
def _delay_body(text: str) -> bool:
    """_DELAY_BODY.search(text), with plain substring tests: a case-insensitive regex
    with no fixed first character is tried at every position."""
    if not text.isascii() and any(c in text for c in "\u0130\u0131\u017f\u212a"):
        return bool(_DELAY_BODY.search(text))  # characters (?i) folds to i, s or k
    low = text.lower()
    return "this is a warning message only" in low or "you do not need to resend your message" in low


_MAILER = re.compile(r"(?i)mailer-daemon|postmaster|mail delivery|mail administrator|mailer daemon")


def parse(original: str) -> Parsed:
    result = Parsed(original=original)
    if mime.looks_like_message(original):
        result.is_message = True
        _parse_message(original, result)
    else:
        _parse_plain(original, result)
    return result


# Where a client library or relay hands over to the server's own reply.
_INNER_REPLY = re.compile(
    r"(?i)(?:the server response was|server repl(?:ied|y was)|the (?:remote )?server returned|the response was"
    r"|with message(?=[ \t]*:?[ \t]*[\"']))[ \t]*:?[ \t]*"
)
_WRAPPER_WEIGHT = 0.8


def _parse_plain(text: str, result: Parsed) -> None:
    end = _cut_copy(text, 0, len(text))
    if end < len(text) // 20 and end < 40:
        end = len(text)  # a marker at the very top: keep everything
    dsn_recips, per_message = parse_dsn(text, 0, end, True)
    dsn_recips = [r for r in dsn_recips if r.address or r.segments or r.status]
    if dsn_recips:
        result.has_dsn = True
        result.recipients = dsn_recips
    if per_message.get("feedback-type") or re.search(r"(?im)^feedback-type:\s*\S", text[:end]):
        result.kind = "feedback"
        result.feedback_type = per_message.get("feedback-type")
    inner = _INNER_REPLY.search(text, 0, min(end, 4000))
    if inner and inner.end() < end:
        # a client library's own words around the server's reply: the reply is the error,
        # the wrapper ("requires a secure connection or ...") only its context
        result.segments.append(Segment(text, 0, inner.end(), True, "plain", weight=_WRAPPER_WEIGHT))
        result.segments.append(Segment(text, inner.end(), end, True, "plain"))
    else:
        result.segments.append(Segment(text, 0, end, True, "plain"))
    for rec in result.recipients:
        for seg in rec.segments:
            seg.recipient = result.recipients.index(rec)
    # plain pastes that are clearly an auto-reply
    head = text[:3000]
    if result.kind == "error" and (
        re.search(r"(?im)^auto-submitted:\s*auto-replied", head) or re.search(r"(?im)^x-autoreply:", head)
        or re.search(r"(?im)^subject:\s*(?:automatic reply|auto(?:reply|-reply)|out of (?:the )?office)", head)
    ) and not re.search(r"(?<!\d)[45]\d\d[ -]", head):
        result.kind = "vacation"
    if dsn_recips and all((r.action or "") in ("delivered", "relayed", "expanded") for r in dsn_recips):
        result.kind = "delivered"
    if not result.recipients:
        for address, seg in human_recipients(text, 0, end, True)[:50]:
            if not any(r.address.lower() == address.lower() for r in result.recipients):
                seg.recipient = len(result.recipients)
                result.recipients.append(RecipientInfo(address=address, segments=[seg]))


def _parse_message(text: str, result: Parsed) -> None:
    top = mime.parse_message(text)
    subject = mime.decode_words(top.get("subject"))
    result.subject = subject
    sender = top.get("from")
    result.header_text = " ".join(
        [sender, subject, top.get("reply-to"), top.get("x-mailer"), top.get("message-id"),
         top.get("received")]
    )
    result.filter_mark = (top.get("x-spasign") or "").upper().split(None, 1)[:1] == ["NG"]
    subject_span = top.span("subject")
    if subject_span is not None:
        s, e = subject_span
        if "=?" in text[s:e]:
            result.segments.append(Segment(subject, 0, len(subject), False, "subject", weight=0.6))
        else:
            result.segments.append(Segment(text, s, e, True, "subject", weight=0.6))

    # Walk the tree; skip everything under a returned original message.
    dsn_recips: list[RecipientInfo] = []
    per_message: dict = {}
    human: list[Segment] = []
    feedback = top.ctype == "multipart/report" and top.params.get("report-type", "").lower() == "feedback-report"

    def visit(part: mime.Part, top_level: bool):
        nonlocal feedback
        ctype = part.ctype
        if ctype in _RETURNED_TYPES and not top_level:
            if ctype in ("message/rfc822", "message/global") and len(result.returned) < 3:
                result.returned.append((part.body_start, part.body_end))
            return
        if ctype == "message/feedback-report":
            feedback = True
            body, base = mime.decode_body(text, part)
            _, pm = parse_dsn(body, 0, len(body), base is not None)
            per_message.update(pm)
            return
        if ctype in _DSN_TYPES:
            body, base = mime.decode_body(text, part)
            if base is not None:
                recips, pm = parse_dsn(text, part.body_start, part.body_end, True)
            else:
                recips, pm = parse_dsn(body, 0, len(body), False)
            dsn_recips.extend(recips)
            per_message.update(pm)
            return
        if part.children:
            for child in part.children:
                visit(child, False)
            return
        if ctype.startswith("multipart/"):
            return
        if part.maintype == "text" or ctype in ("application/octet-stream",) and top_level:
            body, base = mime.decode_body(text, part)
            if ctype == "text/html":
                body = strip_html(body)
                base = None
            if human and mime.looks_like_message(body):
                return  # a later text part that holds the original's headers
            if base is not None:
                s, e = base, base + len(body)
                cut = _cut_copy(text, s, e)
                if cut > s:
                    human.append(Segment(text, s, cut, True, "human"))
            else:
                cut = _cut_copy(body, 0, len(body))
                if cut > 0:
                    human.append(Segment(body, 0, cut, False, "human"))

    visit(top, True)
    for k, seg in enumerate(human):
        seg.weight = 0.85 if k == 0 else 0.7 if k == 1 else 0.4
    # Remote replies quoted in a session transcript ("<<< 550 ...") are the
    # error itself; the local lines around them ("Deferred: ...") come second.
    for seg in list(human[:2]):
        human.extend(_transcript_replies(seg))
    # Bodies that carry DSN fields as plain text (no message/delivery-status part).
    if not dsn_recips:
        for seg in human:
            recips, pm = parse_dsn(seg.source, seg.start, seg.end, seg.in_original)
            recips = [r for r in recips if r.action or r.status or r.segments]
            if recips:
                dsn_recips.extend(recips)
                per_message.update(pm)
    dsn_recips = [r for r in dsn_recips if r.address or r.segments or r.status or r.action]
    result.has_dsn = bool(dsn_recips)
    result.segments.extend(human)

    # Amazon SES notifications (JSON bodies)
    ses = None
    for seg in human[:2]:
        m = re.search(r'"notificationType"\s*:\s*"(\w+)"', seg.text[:4000])
        if m:
            ses = m.group(1).lower()
            break
    # Kind
    if ses == "complaint":
        result.kind = "feedback"
    elif ses == "delivery":
        result.kind = "delivered"
    elif feedback or top.get("feedback-type") or per_message.get("feedback-type"):
        result.kind = "feedback"
        result.feedback_type = per_message.get("feedback-type")
    elif dsn_recips and all((r.action or "") in ("delivered", "relayed", "expanded") for r in dsn_recips):
        result.kind = "delivered"
    elif not dsn_recips and _is_autoreply(top, subject, sender, human):
        result.kind = "vacation"
    else:
        result.kind = "bounce"
    if result.kind == "bounce" and (_DELAY_SUBJECT.search(subject or "")
                                    or any(_delay_body(seg.text[:3000]) for seg in human[:1])):
        result.delay_notice = True

    # Recipients: DSN blocks first, human paragraphs attached by address.
    paragraphs: list[tuple[str, Segment]] = []
    for seg in human[:1]:
        paragraphs.extend(human_recipients(seg.source, seg.start, seg.end, seg.in_original))
    failed_hdr = [a.strip().strip("<>") for v in top.get_all("x-failed-recipients") for a in v.split(",") if a.strip()] \
        if top.span("x-failed-recipients") else []
    if dsn_recips:
        recipients = dsn_recips
        if result.kind not in ("delivered",):
            failing = [r for r in dsn_recips if (r.action or "failed") not in ("delivered", "relayed", "expanded")]
            recipients = failing or dsn_recips
        for rec in recipients:
            addr = rec.address.lower()
            for address, seg in paragraphs:
                if addr and address.lower() == addr:
                    seg.role = "human-rcpt"
                    rec.segments.append(seg)
    else:
        recipients = []
        order = failed_hdr or []
        for address, seg in paragraphs:
            found = next((r for r in recipients if r.address.lower() == address.lower()), None)
            if found is None:
                found = RecipientInfo(address=address)
                recipients.append(found)
            seg.role = "human-rcpt"
            found.segments.append(seg)
        if order:
            by_addr = {r.address.lower(): r for r in recipients}
            ordered = [by_addr.get(a.lower()) or RecipientInfo(address=a) for a in order]
            recipients = ordered
    recipients = recipients[:100]
    for k, rec in enumerate(recipients):
        for seg in rec.segments:
            seg.recipient = k
    result.recipients = recipients
    # every recipient's own text also belongs to the error text (at full weight)
    for rec in recipients:
        for seg in rec.segments:
            if seg.role in ("diag", "human-rcpt") and seg not in result.segments:
                result.segments.append(seg)


def attached_report(parsed: Parsed) -> Parsed | None:
    """The attached message that is itself a delivery report, parsed, if any.

    Some gateways (virus scanners, old Exchange) wrap the real bounce in a message of
    their own that only says "could not be delivered"; the attached copy then holds the
    error. An ordinary returned original is never read this way."""
    for start, end in parsed.returned:
        inner_text = parsed.original[start:end]
        if not mime.looks_like_message(inner_text):
            continue
        inner = Parsed(original=inner_text, is_message=True)
        _parse_message(inner_text, inner)
        transcript = any(seg.role == "reply" for seg in inner.segments)
        looks_like_report = bool(_MAILER.search(inner.header_text) or _BOUNCE_SUBJECT.search(inner.subject))
        if inner.kind == "bounce" and (inner.has_dsn or transcript or looks_like_report):
            return inner
    return None


_REPLY_LINES = re.compile(r"(?m)^[ \t]*<<<[ \t]*[245]\d\d.*(?:\n[ \t]*<<<[ \t]*[245]\d\d.*)*")


def _transcript_replies(seg: Segment) -> list[Segment]:
    out = []
    for line_start, m in _at_line_starts(_REPLY_LINES, seg.source, seg.start, seg.end):
        out.append(Segment(seg.source, line_start, m.end(), seg.in_original, "reply", weight=1.0))
        if len(out) >= 20:
            break
    return out


def _is_autoreply(top: mime.Part, subject: str, sender: str, human: list[Segment]) -> bool:
    if _MAILER.search(sender or "") or _BOUNCE_SUBJECT.search(subject or ""):
        return False
    auto = top.get("auto-submitted").lower()
    if auto.startswith("auto-replied") or auto.startswith("auto-generated") and _AUTOREPLY_SUBJECT.search(subject):
        return True
    if top.get("x-autoreply") or top.get("x-autorespond") or top.get("x-autoreply-from") or top.get("x-mail-autoreply"):
        return True
    if top.get("precedence").lower() in ("auto_reply", "auto-reply"):
        return True
    if _AUTOREPLY_SUBJECT.search(subject or ""):
        return True
    return False


# --- signals read from the text's shape ------------------------------------------------

def _remembered(limit: int):
    """Keep a pure function's results for its last `limit` distinct strings: one
    diagnosis asks about the same error text several times (the report, its first
    recipient, each recipient). Results are immutable (the caller copies lists)."""

    def wrap(func):
        memory: dict = {}

        def call(text: str):
            found = memory.get(text, memory)
            if found is memory:
                found = func(text)
                if len(memory) >= limit:
                    memory.clear()
                memory[text] = found
            return found

        try:
            call.__doc__ = func.__doc__
            call.__name__ = func.__name__
        except AttributeError:  # a compiled closure's are read-only (kb/diagnosis/_native.py)
            pass
        return call

    return wrap


# The look-behind sits after the first digit so the regex engine only tries it
# where a 2, 4 or 5 is; it is the same rule as "at a line start or after a delimiter".
REPLY_RE = re.compile(r"([245](?<![^\s:;'\"(\[#=>][245])[0-5]\d)(?=[- ]|$|\)|\.\s|,|:\s)", re.M)
# An enhanced code, "#" allowed before it, not after a digit or dot. It starts with one
# character from a class so the regex engine skips every other position cheaply; group 1
# is the class digit after a "#", else the match's first character is (see _class_of).
ENHANCED_RE = re.compile(r"[#245](?<![\d.][#245])(?:(?<=#)([245])|(?<=[245]))\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")

# What the text says about the SMTP stage, as literal lower-case markers.
_STAGE_MARKERS = {
    "rcpt": ["rcpt to", "after rcpt", "in reply to rcpt", "for rcpt", ">>> rcpt", "rcpt command",
             "recipient address rejected", "smtp:rcpt", "rcpt_to", "does not like recipient"],
    "data": ["end of data", "after data", "in reply to data", ">>> data", "in reply to end of", "data command",
             "after end of message"],
    "mail": ["mail from", "after mail", "in reply to mail", ">>> mail", "x-postfix-sender", "sender address rejected"],
    "starttls": ["starttls", "tls handshake", "ssl handshake"],
    "auth": ["authentication", "auth ", "auth:", "535 ", "534 ", "535-", "534-", "username and password", "smtp auth"],
    "greeting": ["in reply to greeting", "in reply to helo", "in reply to ehlo", "after helo", "after ehlo", ">>> helo",
                 ">>> ehlo", "initial connection", "smtp greeting", "banner", "helo command", "ehlo command",
                 "refused to talk to me"],
    "connect": ["connect to", "connection timed out", "connection refused", "connection reset", "no route to host",
                "network is unreachable", "could not connect", "cannot connect", "unable to connect", "socket error",
                "timed out", "host not found", "failed to connect"],
}


def _marker_automaton(markers_by_value: dict[str, list[str]]):
    """One automaton over all markers; each hit yields (value, marker)."""
    import ahocorasick

    auto = ahocorasick.Automaton()
    for value, markers in markers_by_value.items():
        for marker in markers:
            auto.add_word(marker, (value, marker))
    auto.make_automaton()
    return auto


_STAGE_AUTO = _marker_automaton(_STAGE_MARKERS)
_STAGE_LONGEST = max(len(marker) for markers in _STAGE_MARKERS.values() for marker in markers)


# "connect to host[ip]:25: ..." only introduces what happened next; any other marker is
# more precise ("connect to mx...: server refused to talk to me" is a refused greeting).
_WEAK_MARKERS = frozenset({"connect to"})

# Sendmail's transcript names each command it sent (">>> RCPT To:<...>") before the
# reply ("<<< 550 ..."). A reply right after "while talking to host:", with no command
# line between, answered the connection itself: the greeting refused this client.
_GREETING_REPLY = re.compile(r"while talking to [^\s:]+:? <<< [45]\d\d\b")


@_remembered(64)
def find_stage(text: str) -> str | None:
    """The SMTP stage the text names first (one pass over the text; folded lines joined)."""
    low = " ".join(text[:65536].lower().split())
    best = None
    weak = None
    for end, (stage, marker) in _STAGE_AUTO.iter(low):
        if best is not None and end - _STAGE_LONGEST >= best[0]:
            break  # hits come in order of their end: none from here starts at or before the best
        start = end - len(marker) + 1
        if marker[0].isalnum() and start > 0 and low[start - 1].isalnum():
            continue
        if marker == "authentication" and low[end + 1: end + 9] == "-results":
            continue
        if marker in _WEAK_MARKERS:
            if weak is None:
                weak = stage
            continue
        if best is None or start < best[0] or (start == best[0] and len(marker) > best[2]):
            best = (start, stage, len(marker))
    if "<<<" in low:
        greeting = _GREETING_REPLY.search(low)
        if greeting and (best is None or greeting.start() < best[0]):
            return "greeting"
    return best[1] if best else weak


# Library wrappers that name the reply they wanted before the one they got:
# Symfony/Laravel/Swift Mailer 'Expected response code "250" but got code "552", with
# message "552 5.2.2 ..."', Go/.NET 'got 450, expected 2xx'. The code received is the error's.
# The quotes may come escaped (a backslash before each) when the message was logged inside a JSON string.
_EXPECTED_GOT = re.compile(
    r"(?i)expected (?:smtp |response )?codes? [^\n]{0,40}?(?:\bbut|,) got(?: code)? \\?\"?([245]\d\d)\b"
    r"|\bgot(?: code)? \\?\"?([245]\d\d)\\?\"?, expected\b"
)


def find_codes(view_text: str) -> tuple[list[str], list[str]]:
    """(reply codes, enhanced codes) in order of appearance, from a masked view."""
    replies, enhanced = codes_in(view_text)
    return list(replies), list(enhanced)


@_remembered(64)
def codes_in(view_text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """find_codes() as tuples, shared with other callers (no copies made)."""
    # a number right after a host name and a colon is a port or a source line
    # ("smtp.example.net:443", "manager.go:501:"), never a reply
    replies = [m.group(1) for m in REPLY_RE.finditer(view_text) if not view_text.startswith("<host>:", m.start() - 7)]
    if "got" in view_text or "Got" in view_text or "GOT" in view_text:
        got = _EXPECTED_GOT.search(view_text)
        if got:
            code = got.group(1) or got.group(2)
            # drop the code that was expected (it sits inside the wrapper's words)
            inside = [m.group(1) for m in REPLY_RE.finditer(view_text, got.start(), got.end())]
            rest = list(replies)
            for c in inside:
                if c in rest:
                    rest.remove(c)
            replies = [code] + rest
    enhanced = []
    for m in ENHANCED_RE.finditer(view_text):
        code = f"{m.group(1) or view_text[m.start()]}.{int(m.group(2))}.{int(m.group(3))}"
        enhanced.append(code)
    return tuple(replies), tuple(enhanced)


# Windows Sockets error names -> the numbers the codes table knows them by.
WSA_NAMES = {
    "WSAEACCES": "10013", "WSAEADDRINUSE": "10048", "WSAENETDOWN": "10050", "WSAENETUNREACH": "10051",
    "WSAECONNABORTED": "10053", "WSAECONNRESET": "10054", "WSAETIMEDOUT": "10060",
    "WSAECONNREFUSED": "10061", "WSAEHOSTDOWN": "10064", "WSAEHOSTUNREACH": "10065",
    "WSAHOST_NOT_FOUND": "11001", "WSATRY_AGAIN": "11002", "WSANO_DATA": "11004",
}

# Node.js / Nodemailer error codes after their "E" (ESTREAM is Nodemailer's, ESTREAMING is not a code)
_NODE_CODES = ("AUTH", "OAUTH2", "NOAUTH", "MAXLIMIT", "MAXRECIPIENTS", "REQUIRETLS", "CONNECTION", "TIMEDOUT",
               "SOCKET", "ENVELOPE", "MESSAGE", "CONNREFUSED", "NOTFOUND", "DNS", "CONNRESET", "TLS", "STREAM",
               "PROTOCOL", "HOSTUNREACH", "NETUNREACH", "ADDRINUSE", "PIPE", "AI_AGAIN")
# Yahoo/AOL bracketed codes: [TSS04], [TS01], [PH01], [BL21] ...
_BRACKET_TAGS = ("TSS", "TS", "PH", "BL", "CS", "GL", "RL", "HM", "IPTS", "DNS", "EMB")
# Outlook.com / Hotmail block codes: SC-004, RP-001, DY-001, OU-001
_BLOCK_PREFIXES = ("SC", "RP", "DY", "OU")

_VENDOR_RE = re.compile(
    r"(?i)(?=[0swerdo\[(])(?:"
    r"\b0x([0-9a-f]{8})\b"
    r"|socket error\s*(?:#|:|number)?\s*(\d{4,5})\b|\b(WSA[A-Z_]{4,20})\b|\berror\s*(?:#|code)?\s*(1[01]\d{3})\b"
    rf"|(?<!\w)(E(?:{'|'.join(_NODE_CODES)}))(?![\w-])"
    # Python smtplib exception names; not Ruby's Net::SMTPAuthenticationError
    r"|(?<!::)\b((?-i:SMTP(?:Authentication|Connect|Recipients|Sender|Data|Server|Helo|NotSupported|Response)(?:Error|Refused|Disconnected|Exception)|SMTPServerDisconnected|SMTPException))\b"
    rf"|\[((?:{'|'.join(_BRACKET_TAGS)})\d{{1,2}})\]"
    # Outlook.com codes in brackets or parentheses: (S3150), [AS3140]
    r"|[(\[]((?:AS|S)\d{4})[)\]]"
    rf"|(?<![\w-])((?:{'|'.join(_BLOCK_PREFIXES)})-\d{{3}})(?![\w-])"
    r")"
)

# In ASCII text a match of _VENDOR_RE starts where one of these lower-case literals
# starts (one per alternative above). Finding them with one automaton pass and trying
# the regex only there gives the matches of _VENDOR_RE.finditer() at a fraction of
# the cost: the regex alone tests most characters of the text, common letters included.
_VENDOR_ANCHORS = (
    "0x", "socket error", "wsa", "error", *("e" + code.lower() for code in _NODE_CODES), "smtp",
    *("[" + tag.lower() for tag in _BRACKET_TAGS), "(as", "(s", "[as", "[s",
    *(prefix.lower() + "-" for prefix in _BLOCK_PREFIXES),
)


def _anchor_automaton(anchors):
    import ahocorasick

    auto = ahocorasick.Automaton()
    for anchor in anchors:
        auto.add_word(anchor, len(anchor))
    auto.make_automaton()
    return auto


_VENDOR_AUTO = _anchor_automaton(_VENDOR_ANCHORS)


# Characters that (?i) matches to an ASCII letter of the anchors (i, k, s) but that lower()
# does not turn into it.
_ODD_FOLDS = ("\u0130", "\u0131", "\u017f", "\u212a")


def _vendor_matches(text: str):
    """The matches of _VENDOR_RE.finditer(text), in order."""
    low = text.lower()
    if not text.isascii() and (len(low) != len(text) or any(c in text for c in _ODD_FOLDS)):
        yield from _VENDOR_RE.finditer(text)  # offsets in `low` would not be those of `text`
        return
    resume = 0
    for start in sorted({end - size + 1 for end, size in _VENDOR_AUTO.iter(low)}):
        if start >= resume:
            m = _VENDOR_RE.match(text, start)
            if m:
                yield m
                resume = m.end()


def find_vendor_codes(text: str) -> list[str]:
    out: list[str] = []
    for m in _vendor_matches(text[:65536]):
        if m.group(1):
            code = "0x" + m.group(1).upper()
        elif m.group(2) or m.group(4):
            code = m.group(2) or m.group(4)
        elif m.group(3):
            name = m.group(3).upper()
            code = WSA_NAMES.get(name, name)
        elif m.group(5):
            code = m.group(5).upper()
        elif m.group(6):
            code = m.group(6)
        elif m.group(7):
            code = m.group(7).upper()
        elif m.group(8):
            code = m.group(8).upper()
        elif m.group(9):
            code = m.group(9).upper()
        else:
            code = m.group(0).upper()
        if code not in out:
            out.append(code)
        if len(out) >= 20:
            break
    return out


# Provider markers: literal, lower-case text. A marker that starts with a letter or
# digit must not continue a word ("me.com" is not inside "home.com").
_PROVIDER_MARKERS = {
    "google": ["gsmtp", "gcdp", "google.com", "gmail.com", "googlemail.com", "support.google", "googlegroups"],
    "microsoft": ["protection.outlook.com", "outlook.com", "hotmail.", "live.com", "msn.com", "exchangelabs",
                  "prod.outlook", "office365", "microsoft.com", "resolver.adr.", "smtpsend.", "storedrv."],
    "yahoo": ["yahoo", "yahoodns", "[tss0", "[ts0", "[ph01]", "[bl21]", "[bl23]"],
    "aol": ["aol.com", "aol.net", "aim.com"],
    "apple": ["icloud.com", "me.com", "mac.com", "apple.com"],
    "amazonses": ["amazonses", "ses.amazonaws", "email-smtp."],
    "sendgrid": ["sendgrid"],
    "mailgun": ["mailgun"],
    "zoho": ["zoho"],
    "gmx": ["gmx.", "web.de", "kundenserver", "1and1", "1und1", "mx.ionos"],
    "yandex": ["yandex"],
    "mailru": ["mail.ru"],
    "comcast": ["comcast"],
    "att": ["att.net", "sbcglobal", "bellsouth"],
    "cox": ["cox.net", "cox.com"],
    "godaddy": ["secureserver.net", "godaddy"],
    "proofpoint": ["pphosted", "proofpoint"],
    "mimecast": ["mimecast"],
    "barracuda": ["barracuda"],
    "cloudflare": ["cloudflare"],
    "spamhaus": ["spamhaus"],
    "outlook-client": ["0x800c", "0x8004"],
    "nodemailer": ["nodemailer", "eauth", "econnection", "esocket", "eenvelope"],
    "python": ["smtplib", "smtpauthenticationerror", "smtpserverdisconnected", "smtprecipientsrefused"],
    "phpmailer": ["phpmailer", "smtp connect() failed", "could not connect to smtp host"],
    "thunderbird": ["thunderbird", "outgoing server (smtp)"],
    "apple-mail": ["cannot send message using the server"],
    "windows": ["socket error", "wsaetimedout", "wsaeconnrefused"],
}
_WHOLE_WORD = {"eauth", "econnection", "esocket", "eenvelope"}
_NOT_NAMESPACED = {"smtpauthenticationerror", "smtpserverdisconnected", "smtprecipientsrefused"}


_PROVIDER_AUTO = _marker_automaton(_PROVIDER_MARKERS)
_PROVIDER_LONGEST = max(len(marker) for markers in _PROVIDER_MARKERS.values() for marker in markers)


def find_provider(*texts: str) -> str | None:
    """Provider of the earliest marker, trying the texts in order (error text first)."""
    for text in texts:
        if not text:
            continue
        low = text[:65536].lower()
        best = None
        for end, (provider, marker) in _PROVIDER_AUTO.iter(low):
            if best is not None and end - _PROVIDER_LONGEST >= best[0]:
                break  # hits come in order of their end: none from here starts before the best
            start = end - len(marker) + 1
            if marker[0].isalnum() and start > 0 and low[start - 1].isalnum():
                continue
            if marker in _WHOLE_WORD and end + 1 < len(low) and low[end + 1].isalnum():
                continue
            if marker in _NOT_NAMESPACED and low[max(0, start - 2):start] == "::":
                continue  # Ruby's Net::SMTPAuthenticationError is not Python's smtplib
            if best is None or start < best[0]:
                best = (start, provider)
        if best:
            return best[1]
    return None
