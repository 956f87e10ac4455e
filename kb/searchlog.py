"""Search logs that staff can read without seeing anyone's addresses.

Every search (page or API) is stored redacted: e-mail addresses, IP addresses,
host names, message ids, queue ids and long tokens are replaced by placeholders
before anything reaches the database. Codes people search for (550, 5.7.1,
0x800CCC79, TSS04, 10060) stay readable, because those are what staff need to
see when they look for searches that found nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from datetime import timedelta

logger = logging.getLogger(__name__)

MAX_LOGGED_CHARS = 2000
# The page diagnoses as a person types; keystrokes within this window that only
# extend (or trim) the previous search update that entry instead of adding one.
TYPING_WINDOW = timedelta(seconds=60)
# Only the head of a paste is stored; redact a little more than that so the cut
# never lands inside an address that the patterns would have caught.
_REDACT_WINDOW = MAX_LOGGED_CHARS * 3

_MESSAGE_ID = re.compile(r"<([^<>\s@]{1,200})@[^<>\s@]{1,200}>")
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,10}")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)")
# Candidates only; each is checked with the ipaddress module, so a time of day
# such as 12:34:56 stays as it is.
_IPV6 = re.compile(r"(?<![\w:])(?:IPv6:)?[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")
_HOST = re.compile(
    r"(?<![\w@-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,10}(?:[a-z]{2,24}|[A-Z]{2,24})(?![\w-]|\.[A-Za-z0-9])"
)
# Vendor codes people search for: 0x800CCC79 and the like.
_HEX_CODE = re.compile(r"^0x[0-9A-Fa-f]{1,8}$")
# Queue ids, Gmail's trailing tokens, session ids: at least 8 characters with
# both letters and digits; base64-ish blobs of 20 or more characters; long
# digit runs (tracking numbers, timestamps in ids).
_TOKEN = re.compile(r"(?<![\w+=.-])[A-Za-z0-9_+/=.-]{8,}(?![\w+/=-])")
_LONG_DIGITS = re.compile(r"(?<!\w)\d{12,}(?!\w)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _mask_bracketed(match: re.Match) -> str:
    local = match.group(1)
    looks_generated = len(local) >= 10 and any(c.isdigit() for c in local)
    return "<msgid>" if looks_generated else "<addr>"


def _mask_ipv6(match: re.Match) -> str:
    candidate = match.group(0)
    bare = candidate[5:] if candidate.startswith("IPv6:") else candidate
    try:
        ipaddress.IPv6Address(bare)
    except ValueError:
        return candidate
    return "<ip>"


def _mask_token(match: re.Match) -> str:
    token = match.group(0)
    core = token.strip(".-")
    if _HEX_CODE.match(core) or core.startswith("<"):
        return token
    has_digit = any(c.isdigit() for c in core)
    has_alpha = any(c.isalpha() for c in core)
    if len(core) >= 20 and has_digit and has_alpha:
        return "<token>"
    if len(core) >= 8 and has_digit and has_alpha:
        letters = sum(c.isalpha() for c in core)
        # A dotted word ("RESOLVER.ADR.RecipientNotFound") or a word with a
        # short number ("TS01", "Error554") is kept; ids mix the two throughout.
        if "." in core and letters > len(core) * 0.8:
            return token
        return "<id>"
    return token


def redact(text: str) -> str:
    """The text with addresses, IPs, hosts and ids masked, cut to 2,000 characters."""
    if not text:
        return ""
    if len(text) > _REDACT_WINDOW:
        head = text[:_REDACT_WINDOW]
        space = max(head.rfind(" "), head.rfind("\n"))
        text = head[:space] if space > MAX_LOGGED_CHARS else head
    text = _CONTROL.sub(" ", text)
    text = _MESSAGE_ID.sub(_mask_bracketed, text)
    text = _ADDRESS.sub("<addr>", text)
    text = _IPV6.sub(_mask_ipv6, text)
    text = _IPV4.sub("<ip>", text)
    text = _HOST.sub("<host>", text)
    text = _LONG_DIGITS.sub("<id>", text)
    text = _TOKEN.sub(_mask_token, text)
    # Lone surrogates (possible in JSON input) cannot be stored in UTF-8 columns.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:MAX_LOGGED_CHARS]


def log_search(text: str, diagnosis, source: str) -> None:
    """Store one redacted search. A failure to log never fails the search."""
    from kb.models import SearchLog

    from django.utils import timezone

    best = diagnosis.best if diagnosis is not None else None
    values = {
        "text": redact(text),
        "reason": (diagnosis.reason if diagnosis is not None else "")[:20],
        "best_article": ((best.article or "") if best else "")[:120],
        "found": best is not None,
    }
    try:
        previous = (
            SearchLog.objects.filter(source=source[:10], created_at__gte=timezone.now() - TYPING_WINDOW)
            .order_by("-created_at", "-pk")
            .first()
        )
        if previous and _same_typing(previous.text, values["text"]):
            SearchLog.objects.filter(pk=previous.pk).update(**values)
        else:
            SearchLog.objects.create(source=source[:10], **values)
    except Exception:  # a full disk or a locked database must not turn a search into an error page
        logger.exception("could not store a search log entry")


def _same_typing(before: str, after: str) -> bool:
    """One person still typing: the new text extends or trims the previous one."""
    shorter, longer = sorted((before.strip(), after.strip()), key=len)
    return bool(shorter) and longer.startswith(shorter)
