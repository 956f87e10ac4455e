"""diagnose(text, index) -> Diagnosis: the one entry point of the engine."""

from __future__ import annotations

import re

from . import match as M
from .index import KnowledgeIndex
from .parse import (ENHANCED_RE, Parsed, RecipientInfo, Segment, attached_report, codes_in, find_provider, find_stage,
                    find_vendor_codes, parse)
from .reasons import NON_FAILURES
from .record import replace
from .result import Diagnosis, RecipientResult, Signals
from .text import decode_input

_ERROR_TEXT_LIMIT = 8000


def _codes_of(segments: list[Segment]) -> tuple[list[str], list[str]]:
    replies: list[str] = []
    enhanced: list[str] = []
    for seg in segments:
        if seg.role == "subject":
            continue
        r, e = codes_in(seg.view.text)
        replies.extend(r)
        enhanced.extend(e)
    return replies, enhanced


def _failures_first(codes) -> list[str]:
    """The codes with the 4xx/5xx (4.x.x/5.x.x) ones first, each group in its order: a paste
    that quotes a success (a log's "250 OK") and a refusal is about the refusal."""
    return [c for c in codes if c[0] != "2"] + [c for c in codes if c[0] == "2"]


def _first_failure(replies) -> str | None:
    ordered = _failures_first(replies)
    return ordered[0] if ordered else None


def _pick_enhanced(status: str | None, found: list[str]) -> str | None:
    """The recipient's Status, unless it is a bare class (x.0.0) and the error
    text names a more specific code of the same class."""
    if status and not status.endswith(".0.0"):
        return status
    if not status:  # as with reply codes
        found = _failures_first(found)
    for code in found:
        if not code.endswith(".0.0") and (not status or code[0] == status[0]):
            return code
    return status or (found[0] if found else None)


def _recipient_codes(rec: RecipientInfo) -> tuple[str | None, str | None]:
    replies, enhanced = _codes_of(rec.segments)
    return _first_failure(replies), _pick_enhanced(rec.status, enhanced)


def _shape_candidates(parsed: Parsed, index: KnowledgeIndex, recs: list[RecipientInfo]) -> list[M.Candidate]:
    cands = []
    if parsed.kind in NON_FAILURES:
        score = M.SHAPE_SCORE
        if parsed.kind == "vacation":
            score = 0.60  # an auto-reply that says the mailbox is gone is a failure notice
        why = {"feedback": "a complaint (feedback) report", "vacation": "an automatic reply",
               "delivered": "a success report"}[parsed.kind]
        cands.append(M.Candidate(parsed.kind, score, None, why=why))
    if parsed.kind not in NON_FAILURES and any((r.action or "") == "expired" for r in recs):
        cands.append(M.Candidate("expired", 0.85, None, why="the report says the message expired"))
    elif parsed.kind not in NON_FAILURES and any((r.action or "") == "delayed" for r in recs):
        cands.append(M.Candidate("expired", 0.60, None, why="a delay notice: delivery is still being retried"))
    if parsed.filter_mark:
        cands.append(M.Candidate("filtered", 0.90, None,
                                 why="the bounce's header X-SPASIGN: NG marks a refusal by the recipient's own filter"))
    return cands


def _candidates(segments: list[Segment], parsed: Parsed, index: KnowledgeIndex, signals: Signals,
                enhanced: str | None, reply: str | None, recs: list[RecipientInfo]) -> list[M.Candidate]:
    code_reason = None
    if enhanced:
        spec = index.code("enhanced", enhanced)
        code_reason = spec.reason if spec else None
    hits = M.segment_hits(segments, index, parsed.original)
    # codes agree with a symptom only when they are the error's own codes
    enh = {enhanced} if enhanced else set()
    replies = {reply} if reply else set()
    cands = M.phrase_candidates(hits, index, signals.provider, enh, replies, code_reason)
    code_cands = M.code_candidates(index, enhanced, reply, signals.vendor_codes)
    if any(c.reason == "delivered" for c in code_cands) and _calls_itself_an_error(segments):
        # a success code in a paste that says it is an error ("SMTP Error (250): Authentication
        # failed") is the last reply before the failure, not a success report
        code_cands = [c for c in code_cands if c.reason != "delivered"]
    cands += code_cands
    cands += _shape_candidates(parsed, index, recs)
    return _stage_rule(cands, parsed, signals, enhanced, recs, segments)


# Words with which a paste calls itself an error, in the languages of the held-out texts.
_ERROR_WORDS = re.compile(
    r"(?i)\b(?:errors?|fail(?:s|ed|ure)?|fehler|fehlgeschlagen|erreur|[ée]chec|errore|impossibile|impossible"
    r"|unable|cannot|can't|could not|denied|rejected|refused)\b"
)


def _calls_itself_an_error(segments: list[Segment]) -> bool:
    return any(_ERROR_WORDS.search(text) for text in _error_texts(segments))


# A reply that repeats the recipient's address right after its code ("550 5.1.1 <a@b>:
# Recipient address rejected") is the answer to RCPT TO: servers echo the address they
# were given in that command. Sendmail's own "a@b... User unknown" summary line is not
# counted: Sendmail writes it for refusals at any stage, DATA included.
_RCPT_ECHO = re.compile(
    r"\b[45]\d\d[ :-]+(?:[245]\.\d{1,3}\.\d{1,3}[ :]+)?<?[^\s<>@:]+@[^\s<>@:]+?>:"
)


def _error_texts(segments: list[Segment] | None, limit: int = 4000):
    """The start of each error segment (the subject line is not the server's words)."""
    return (s.text[:limit] for s in segments or () if s.role != "subject")


def _echoes_recipient(segments: list[Segment] | None) -> bool:
    return any(_RCPT_ECHO.search(text) for text in _error_texts(segments))


def _refused_after_rcpt(parsed: Parsed, signals: Signals, segments: list[Segment] | None) -> bool:
    """The bounce shows the recipient was accepted and the message refused later."""
    if signals.stage == "data":
        return not _no_valid_recipients(parsed.segments)
    if signals.stage in ("rcpt", "mail") or _echoes_recipient(segments) or _from_mailbox_store(segments) \
            or _sender_called_it_bad_mailbox(parsed):
        return False
    # a quoted server reply with no sign of RCPT TO; a DSN's Diagnostic-Code quotes the
    # remote server even when it gives no reply code
    return bool(signals.reply_code) or any(s.role == "diag" for s in segments or ())


# Local delivery agents on the recipient's own host: when they say the user is
# unknown, the mailbox store itself looked the name up.
_MAILBOX_STORE = ("mail.local:", "lmtp")


def _from_mailbox_store(segments: list[Segment] | None) -> bool:
    return any(marker in text.lower() for text in _error_texts(segments) for marker in _MAILBOX_STORE)


# PowerMTA writes its own verdict into each DSN recipient block; "bad-mailbox" (and
# "inactive-mailbox") mean the receiving server refused the address itself.
_MAILBOX_CATEGORY = re.compile(r"(?im)^X-PowerMTA-BounceCategory:[ \t]*(?:bad|inactive)-mailbox\b")


def _sender_called_it_bad_mailbox(parsed: Parsed) -> bool:
    return parsed.has_dsn and "X-PowerMTA-BounceCategory" in parsed.original \
        and bool(_MAILBOX_CATEGORY.search(parsed.original))


def _no_valid_recipients(segments: list[Segment] | None) -> bool:
    """A pipelining client sends RCPT TO and DATA together, so its transcript shows the
    recipient's refusal after ">>> DATA"; the server's answer to DATA itself then says
    no recipient was accepted."""
    return any("no valid recipients" in text.lower() for text in _error_texts(segments, 8000))


# Exchange Online relays a remote refusal as "5.1.351 Remote server returned unknown
# recipient or mailbox unavailable -> 550 ...": its own code only restates the bare 550
# ("mailbox unavailable"). The remote server's words after "->" are the evidence: a
# reply that names the recipient or carries its own x.1.x code is about the address.
_RELAYED_REPLY = re.compile(r"(?i)\bremote server returned [^\n>]{0,80}-> ?([45]\d\d\b[^\n]{0,200})")


def _address_code(enhanced: str | None, segments: list[Segment] | None) -> bool:
    """An x.1.x code says the address itself was refused, unless a relaying Exchange made it up."""
    if not (enhanced and enhanced[1:4] == ".1."):
        return False
    for text in _error_texts(segments):
        relayed = _RELAYED_REPLY.search(text) if "->" in text else None
        if relayed and enhanced in text[:relayed.start()] and enhanced not in relayed.group(1):
            remote = relayed.group(1)
            own = ENHANCED_RE.search(remote)
            # a remote reply that names the address is about that address (as at RCPT TO)
            return "@" in remote or (bool(own) and own.group(2) == "1")
    return True


def _stage_rule(cands: list[M.Candidate], parsed: Parsed, signals: Signals, enhanced: str | None,
                recs: list[RecipientInfo] | None = None,
                segments: list[Segment] | None = None) -> list[M.Candidate]:
    """Rules about the SHAPE of a bounce that re-read the top wording:

    * unknown-user wording in a bounce that quotes a reply to DATA, or a reply
      with no sign of RCPT TO and no x.1.x code (the server took the recipient
      and refused the message later) -> filtered. Signs of RCPT TO: the stage
      named, a reply that echoes "<address>:", a local delivery agent's words,
      or a pipelined transcript whose DATA got "no valid recipients";
    * a domain not found, in a report whose status is temporary (4.x.x) ->
      networkerror (a DNS lookup failed and will be retried);
    * unknown-user/host wording answered to MAIL FROM -> rejected (it is the
      sender that was refused);
    * a generic server error or "access denied" at connection/greeting,
      before any login or address was sent -> blocked (the client was refused);
    * a last error that only said "not now", in a final bounce whose words say
      the queue lifetime ran out -> expired; an expiry blamed on DNS ->
      networkerror (a specific cause such as a refused connection, DNS or
      LDAP stays the reason);
    * a connection time-out reported in a final bounce (every recipient
      failed): the sending server retried until it gave up -> expired;
    * a local delivery program (x-unix) failure -> mailererror, unless the
      wording says the mailbox or disk is full, or its exit code is 77/78
      (sysexits: no permission, bad configuration) -> systemerror.
    """
    recs = recs or []
    if any(c.reason == "blocked" for c in cands) and _refused_by_loopback(segments):
        # a TCP refusal by this machine itself (a local relay or content filter that is
        # not running) says nothing about the sender's IP or reputation
        cands = [c for c in cands if not (c.reason == "blocked" and c.phrases
                                          and all("refused" in p for p in c.phrases))]
    local = [r for r in recs if r.diag_type and r.diag_type.startswith("x-unix")]
    if local and not any(c.reason in ("mailboxfull", "systemfull") and c.symptom is not None for c in cands):
        exit_codes = {sg.text.strip() for r in local for sg in r.segments if sg.role == "diag"}
        if exit_codes & _HOST_SETUP_EXITS:
            cands.append(M.Candidate("systemerror", 0.90, None,
                                     why="the delivery program lacked permission or configuration on the receiving host"))
        else:
            cands.append(M.Candidate("mailererror", 0.90, None, why="a local delivery program failed (x-unix)"))
    if not cands:
        return cands
    top = max(cands, key=lambda c: c.score)

    def derive(reason: str, note: str) -> None:
        cands.append(M.Candidate(reason, top.score + 0.01, None, None, list(top.spans),
                                 list(top.phrases), f"{top.why}; {note}"))

    provider_specific = bool(top.provider) and top.provider == signals.provider
    # userunknown needs evidence that the address itself was refused: an x.1.x
    # code or a refusal at RCPT TO. A bounce that quotes an SMTP reply to
    # another command (or to DATA) with unknown-user wording is a filter.
    if top.reason == "userunknown" and parsed.is_message and not _address_code(enhanced, segments) \
            and not provider_specific and _refused_after_rcpt(parsed, signals, segments):
        derive("filtered", "refused after the recipient was accepted")
    elif top.reason == "hostunknown" and parsed.is_message and (enhanced or "").startswith("4.") \
            and not provider_specific:
        # the reporting server calls the failure temporary: its DNS lookup failed and it
        # will retry, so this is a lookup failure rather than proof the domain is gone
        derive("networkerror", "the report calls it temporary: a DNS lookup failed")
    elif top.reason in ("userunknown", "hostunknown") and signals.stage == "mail":
        derive("rejected", "refused at MAIL FROM: the sender was refused")
    elif top.reason in ("systemerror", "securityerror") and signals.stage == "greeting" \
            and top.symptom is not None and not provider_specific:
        # refused when connecting or greeting, before any login or address was sent, with
        # only a generic "service not available" / "access denied": the server turned
        # this client away
        derive("blocked", "refused at connection/greeting, before any address was sent")
    elif top.reason in ("networkerror", "systemerror") and parsed.kind == "bounce" \
            and _gave_up(cands) and _transient(top):
        # the last attempt's error, in a report that says the queue lifetime ran out
        derive("expired", "the sending server retried until the message expired")
    elif top.reason == "expired" and top.symptom is not None and _dns_failure(cands, top.score - 0.3):
        dns = max(_dns_candidates(cands, top.score - 0.3), key=lambda c: c.score)
        cands.append(M.Candidate(dns.reason, top.score + 0.01, dns.article, dns.symptom, list(dns.spans),
                                 list(dns.phrases), f"{dns.why}; it expired because DNS lookups kept failing",
                                 dns.provider))
    elif top.reason == "networkerror" and parsed.is_message and parsed.kind == "bounce" \
            and all((r.action or "failed") == "failed" for r in recs) \
            and any("timed out" in p for p in top.phrases):
        derive("expired", "the sending server kept retrying and gave up")
    return cands


_LOOPBACK_REFUSAL = re.compile(
    r"(?i)connection refused by \[?(?:127\.\d+\.\d+\.\d+|::1|localhost)\b"
    r"|connect to (?:127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)\S*: connection refused"
)


def _refused_by_loopback(segments: list[Segment] | None) -> bool:
    return any(_LOOPBACK_REFUSAL.search(text) for text in _error_texts(segments))


# sysexits.h: 77 EX_NOPERM and 78 EX_CONFIG blame the receiving host's set-up, not the program.
_HOST_SETUP_EXITS = {"77", "78"}

_DNS_WORDS = ("dns", "name serv", "nameserver", "lookup")


def _gave_up(cands: list[M.Candidate]) -> bool:
    """The wording says the message expired in the queue (not a bare x.4.7 code)."""
    return any(c.reason == "expired" and c.symptom is not None and c.score >= 0.45 for c in cands)


# Wordings that give no cause, only "not now": the last attempt of a message that then
# expired. A specific cause (refused connection, DNS, LDAP, a block) stays the reason.
_ONLY_NOT_NOW = ("temporarily unavailable", "try again later", "try later", "not responding",
                 "did not respond", "temporary failure", "temporarily unable")


def _transient(top: M.Candidate) -> bool:
    """The top wording only says the server could not take the message then."""
    return bool(top.phrases) and all(any(w in p for w in _ONLY_NOT_NOW) for p in top.phrases)


def _dns_candidates(cands: list[M.Candidate], floor: float) -> list[M.Candidate]:
    return [c for c in cands if c.reason == "networkerror" and c.symptom is not None and c.score >= floor
            and any(w in p for p in c.phrases for w in _DNS_WORDS)]


def _dns_failure(cands: list[M.Candidate], floor: float) -> bool:
    return bool(_dns_candidates(cands, floor))


def _diagnose(data, index: KnowledgeIndex) -> Diagnosis:
    return _analyse(data, index)[0]


def _analyse(data, index: KnowledgeIndex) -> tuple[Diagnosis, list[M.Candidate]]:
    original, truncated = decode_input(data)
    parsed = parse(original)
    outer = _analyse_parsed(parsed, truncated, index)
    if outer[0].reason == "undefined" and parsed.is_message and parsed.returned:
        return _from_attached_report(parsed, outer, index)
    return outer


def _analyse_parsed(parsed: Parsed, truncated: bool, index: KnowledgeIndex) -> tuple[Diagnosis, list[M.Candidate]]:
    segments = [s for s in parsed.segments]
    error_segments = [s for s in segments if s.role != "subject"]
    error_text = "\n".join(s.text for s in error_segments)[:_ERROR_TEXT_LIMIT]

    recs = parsed.recipients
    first = recs[0] if recs else None
    replies, enhanced_all = _codes_of(error_segments)
    reply = enhanced = None
    if first is not None:
        reply, enhanced = _recipient_codes(first)
    # the error's code: the recipient's own, else the first in the error text
    diag_first = [s for s in error_segments if s.role in ("diag", "human-rcpt")]
    d_replies, d_enh = _codes_of(diag_first)
    reply = reply or _first_failure(d_replies) or _first_failure(replies)
    enhanced = enhanced or _pick_enhanced(None, d_enh or enhanced_all)

    remote = " ".join(r.remote_mta or "" for r in recs[:5])
    signals = Signals(
        reply_code=reply,
        enhanced_code=enhanced,
        provider=find_provider(remote + " " + error_text, parsed.header_text),
        stage=find_stage(" ".join(s.text for s in diag_first)[:4000]) or find_stage(error_text),
        vendor_codes=find_vendor_codes(error_text),
        kind=parsed.kind if parsed.is_message or parsed.kind != "error" else "error",
        reply_codes=list(dict.fromkeys(replies))[:20],
        enhanced_codes=list(dict.fromkeys(enhanced_all))[:20],
    )
    first_digit = (enhanced or reply or "")[:1]
    signals.temporary = True if first_digit == "4" else False if first_digit == "5" else None

    cands = _candidates(segments, parsed, index, signals, enhanced, reply, recs)
    if parsed.delay_notice and not any(c.reason == "expired" and c.symptom is None for c in cands):
        # a warning that delivery is late (no DSN says so): the report as a whole, once
        cands.append(M.Candidate("expired", 0.60, None, why="a delay notice: delivery is still being retried"))
    base_cands = list(cands)
    if first is not None and first.segments and parsed.kind not in NON_FAILURES and (
            len(recs) > 1 or len(segments) > len(first.segments)):
        # the first failed recipient's own error text counts more than the rest, and
        # another recipient's own error is not the report's reason (also in a plain paste,
        # whose one segment holds every recipient's paragraph)
        cands = _not_only_others(cands, recs, 0)
        f_reply, f_enh = _recipient_codes(first)
        f_signals = replace(signals, stage=find_stage(" ".join(sg.text for sg in first.segments)[:4000]) or signals.stage)
        for c in _candidates(first.segments, parsed, index, f_signals, f_enh or enhanced, f_reply or reply, [first]):
            c.score = c.score + 0.15
            c.why = (c.why + "; the recipient's own error").lstrip("; ")
            cands.append(c)
    matches = M.rank(cands, index)
    reason = matches[0].reason if matches else "undefined"

    recipients = []
    for rec_no, rec in enumerate(recs):
        r_reply, r_enh = _recipient_codes(rec)
        r_reason = reason
        if len(recs) == 1:
            pass  # one recipient: the report's reason, which already weighs its own error first
        elif parsed.kind not in NON_FAILURES and rec.segments:
            r_stage = find_stage(" ".join(sg.text for sg in rec.segments)[:4000])  # its own stage only
            r_signals = replace(signals, stage=r_stage)
            r_cands = _candidates(rec.segments, parsed, index, r_signals, r_enh or enhanced, r_reply, [rec])
            for c in r_cands:  # the recipient's own error first, the whole report as context
                c.score += 0.15
            r_cands = [M.Candidate(c.reason, c.score * 0.7, c.article, c.symptom, [], [], c.why, c.provider)
                       for c in _not_only_others(base_cands, recs, rec_no)] + r_cands
            r_matches = M.rank(r_cands, index, limit=1)
            if r_matches:
                r_reason = r_matches[0].reason
        elif parsed.kind not in NON_FAILURES and r_enh and r_enh != enhanced and len(recs) > 1:
            r_matches = M.rank(M.code_candidates(index, r_enh, r_reply, []), index, limit=1)
            if r_matches and r_matches[0].score >= M.CODE_SCORE:
                r_reason = r_matches[0].reason
        recipients.append(
            RecipientResult(
                address=rec.address, reason=r_reason, reply_code=r_reply, enhanced_code=r_enh,
                action=rec.action, diagnostic=" ".join(" ".join(s.text.split()) for s in rec.segments)[:1000],
                remote_mta=rec.remote_mta,
            )
        )
    return Diagnosis(reason=reason, signals=signals, matches=matches, recipients=recipients,
                     error_text=error_text, truncated=truncated), cands


def _not_only_others(cands: list[M.Candidate], recs: list[RecipientInfo], own: int) -> list[M.Candidate]:
    """The candidates without those whose every matched span lies in the own error text
    of a recipient other than recs[own] (in a report that names several)."""
    if len(recs) < 2:
        return cands
    others = [(sg.start, sg.end) for k, r in enumerate(recs) if k != own for sg in r.segments if sg.in_original]
    if not others:
        return cands
    mine = [(sg.start, sg.end) for sg in recs[own].segments if sg.in_original]

    def inside(span, ranges):
        return any(a <= span[0] and span[1] <= b for a, b in ranges)

    return [c for c in cands
            if not c.spans or not all(inside(sp, others) and not inside(sp, mine) for sp in c.spans)]


def _from_attached_report(parsed: Parsed, outer_result: tuple[Diagnosis, list[M.Candidate]],
                          index: KnowledgeIndex) -> tuple[Diagnosis, list[M.Candidate]]:
    """When a gateway's own report names no error, the bounce it wraps may."""
    outer, outer_cands = outer_result
    inner_parsed = attached_report(parsed)
    if inner_parsed is None:
        return outer, outer_cands
    inner, inner_cands = _analyse_parsed(inner_parsed, False, index)  # parsed once, by attached_report
    if inner.reason in ("undefined", *NON_FAILURES):
        return outer, outer_cands
    for match in inner.matches:
        match.why = f"{match.why}; read from the delivery report attached to this one".lstrip("; ")
    return replace(inner, error_text=outer.error_text or inner.error_text), inner_cands


def diagnose(text: str | bytes, index: KnowledgeIndex) -> Diagnosis:
    """Diagnose one paste. Never raises; time is bounded by the input limit."""
    try:
        return _diagnose(text, index)
    except Exception:  # noqa: BLE001 - a paste must never break the page
        return Diagnosis(reason="undefined", signals=Signals())


def diagnose_example_ok(example: str, symptom_key: str, index: KnowledgeIndex) -> bool:
    """True when `example` diagnoses as the symptom `symptom_key`.

    Passes when the diagnosis' reason is the symptom's reason, the symptom's
    phrases match the example, and the best candidate is either this symptom or
    one leading to the same article (several symptoms, e.g. a shipped seed and a
    server wording, may describe one error; the page shows that article either
    way), or the shape of the paste itself (an ARF report, an auto-reply) with
    the same reason. Used to check that every Symptom's examples point back at it.
    """
    sid = index.symptom_by_key.get(symptom_key)
    if sid is None:
        return False
    symptom = index.symptoms[sid]
    try:
        result, cands = _analyse(example, index)
    except Exception:  # noqa: BLE001
        return False
    own = [c.score for c in cands if c.symptom == sid]
    if not own or result.reason != symptom.reason:
        return False
    top = max(cands, key=lambda c: c.score)
    if max(own) >= top.score - 1e-9:
        return True
    if top.reason != symptom.reason:
        return False
    if top.symptom is None:
        return True  # shape (report type) or code of the same reason
    other = index.symptoms[top.symptom]
    return bool(symptom.article) and other.article == symptom.article
