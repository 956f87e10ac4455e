"""A small, bounded MIME reader that works on the original text and keeps
offsets, so the error text found inside a bounce can be highlighted in the
paste. Only what a bounce needs: headers (unfolded), Content-Type with its
parameters, multipart splitting by boundary, and transfer-decoding of leaves.

Limits: nesting depth MAX_DEPTH, at most MAX_PARTS parts per message, at most
MAX_HEADERS header fields per part. Beyond them the rest is treated as one
opaque leaf; nothing raises.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re

MAX_DEPTH = 8
MAX_PARTS = 300
MAX_HEADERS = 400

_FIELD_RE = re.compile(r"([!-9;-~]{1,80}):[ \t]*")
_PARAM_RE = re.compile(r"""([A-Za-z0-9*_.-]{1,60})\s*=\s*(?:"((?:[^"\\]|\\.){0,500})"|([^;\s"]{1,500}))""")

KNOWN_HEADERS = frozenset(
    """return-path received from to subject date message-id mime-version content-type
    delivered-to x-original-to reply-to auto-submitted x-failed-recipients sender cc
    content-transfer-encoding x-mailer references in-reply-to x-autoreply precedence
    x-postfix-queue-id errors-to x-envelope-from x-envelope-to dkim-signature thread-index
    authentication-results x-ms-exchange-organization-authas arc-seal importance
    content-language list-unsubscribe x-original-sender""".split()
)


class Part:
    """One part of a message: its header fields, content type and parameters, body
    range in the text and children. Field values are unfolded only when asked for:
    a bounce carries dozens of fields and the engine reads a handful."""

    __slots__ = ("text", "fields", "start", "body_start", "body_end", "ctype", "params", "_children", "depth",
                 "_first", "_pending")

    def __init__(self, text: str = "", fields: list[tuple[str, int, int]] | None = None, start: int = 0,
                 body_start: int = 0, body_end: int = 0, ctype: str = "text/plain",
                 params: dict[str, str] | None = None, children: list[Part] | None = None, depth: int = 0):
        self.text = text
        self.fields = fields if fields is not None else []  # (lower-case name, value start, value end)
        self.start = start
        self.body_start = body_start
        self.body_end = body_end
        self.ctype = ctype
        self.params = params if params is not None else {}
        self._children = children if children is not None else []
        self._pending = None  # (counter, default type) of a message part whose child is read when asked for
        self.depth = depth
        self._first = None  # name -> (start, end) of its first field, made on demand

    @property
    def children(self) -> list[Part]:
        if self._pending is not None:
            counter, default_ctype = self._pending
            self._pending = None
            self._children.append(
                _parse_part(self.text, self.body_start, self.body_end, self.depth + 1, counter, default_ctype))
        return self._children

    @children.setter
    def children(self, value: list[Part]) -> None:
        self._children = value
        self._pending = None

    def _value(self, start: int, stop: int) -> str:
        return " ".join(self.text[start:stop].split())  # white-space runs to one space, stripped

    @property
    def headers(self) -> list[tuple[str, str]]:
        """(lower-case name, unfolded value) of every field, in order."""
        return [(name, self._value(start, stop)) for name, start, stop in self.fields]

    @property
    def header_spans(self) -> dict[str, tuple[int, int]]:
        """Value range of the first occurrence of each field."""
        spans: dict[str, tuple[int, int]] = {}
        for name, start, stop in self.fields:
            if name not in spans:
                spans[name] = (start, stop)
        return spans

    def span(self, name: str) -> tuple[int, int] | None:
        """Value range of the first field of that name, or None."""
        first = self._first
        if first is None:
            if len(self.fields) < 8:  # a few fields: read them in order
                for key, start, stop in self.fields:
                    if key == name:
                        return start, stop
                return None
            # a message's own header: the engine asks it for a dozen fields
            first = self._first = {key: (start, stop) for key, start, stop in reversed(self.fields)}
        return first.get(name)

    def get(self, name: str, default: str = "") -> str:
        span = self.span(name)
        return default if span is None else self._value(*span)

    def get_all(self, name: str) -> list[str]:
        return [self._value(start, stop) for key, start, stop in self.fields if key == name]

    @property
    def maintype(self) -> str:
        return self.ctype.split("/", 1)[0]

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def looks_like_message(text: str) -> bool:
    """True when the paste starts with a block of e-mail header fields."""
    head = text[:6000].lstrip("\r\n \t")
    # The loop below stops at the first blank line: split only what comes before the
    # first empty one (cut just after a line break, so the lines before are the same).
    for empty in ("\n\n", "\n\r\n"):
        cut = head.find(empty)
        if cut >= 0:
            head = head[:cut + 1]
    lines = head.splitlines()[:40]
    if lines and lines[0].startswith("From "):
        lines = lines[1:]
    known = 0
    fields = 0
    match_field = _FIELD_RE.match
    for line in lines:
        if not line or line.isspace():  # a blank line ends the header block
            break
        if line[0] in " \t":
            continue
        m = match_field(line)
        if not m:
            return False
        fields += 1
        if m.group(1).lower() in KNOWN_HEADERS:
            known += 1
    return fields >= 2 and known >= 2


# One header field: its name, then its value up to the end of the line and over the
# continuation lines that follow (a line that starts with a space or tab and is not blank).
_FIELD_LINES_RE = re.compile(_FIELD_RE.pattern + r"([^\n]*(?:\n[ \t](?=[^\n]*?\S)[^\n]*)*)")


def parse_headers(text: str, pos: int, end: int) -> tuple[list[tuple[str, int, int]], int]:
    """Read header fields from pos. Returns ([(lower-case name, value start, value end)]
    for at most MAX_HEADERS fields, body start)."""
    fields: list[tuple[str, int, int]] = []
    i = pos
    body = end
    if text.startswith("From ", i):  # mbox separator line
        nl = text.find("\n", i, end)
        i = end if nl < 0 else nl + 1
    match_lines = _FIELD_LINES_RE.match
    find = text.find
    while i < end:
        m = match_lines(text, i, end)
        if m:  # a field with its continuation lines, in one step
            i = m.end()
            fields.append((m.group(1).lower(), m.start(2), i))
            i += 1
            continue
        # any other line: [i, line_end) without its "\n"
        nl = find("\n", i, end)
        if nl < 0:
            line_end = nxt = end
        else:
            line_end = nl
            nxt = nl + 1
        first = text[i] if i < line_end else ""
        if not first or first.isspace() and text[i:line_end].isspace():  # a blank line
            body = nxt
            break
        if fields and first in " \t":
            fields[-1] = fields[-1][:2] + (line_end,)
        elif fields and text[fields[-1][1]:fields[-1][2]].rstrip().endswith(";") and find("=", i, line_end) >= 0:
            fields[-1] = fields[-1][:2] + (line_end,)  # a parameter continued without indentation
        else:
            # not a header line: the body starts here (no blank line)
            body = i
            break
        i = nxt
    return fields[:MAX_HEADERS], body


# The last Content-Type values read: most parts of a bounce share a few of them.
_CTYPES: dict[str, tuple[str, dict[str, str]]] = {}


def parse_ctype(value: str) -> tuple[str, dict[str, str]]:
    found = _CTYPES.get(value)
    if found is None:
        found = _parse_ctype(value)
        if len(_CTYPES) >= 256:
            _CTYPES.clear()
        _CTYPES[value] = found
    return found[0], dict(found[1])  # a copy: the caller may change its part's params


def _parse_ctype(value: str) -> tuple[str, dict[str, str]]:
    if not value:
        return "text/plain", {}
    main = value.split(";", 1)[0].strip().lower() or "text/plain"
    if "/" not in main:
        main = "text/plain"
    params = {}
    if "=" in value:  # every parameter has one
        for m in _PARAM_RE.finditer(value[:3000]):
            name = m.group(1).lower().rstrip("*")
            if name not in params:
                params[name] = m.group(2) if m.group(2) is not None else m.group(3)
    return main, params


class _Counter:
    def __init__(self, lazy: bool = False):
        self.parts = 0
        # True when the message cannot reach MAX_PARTS: then the order in which parts are
        # read does not matter, and an attached message is read only if asked for (the
        # engine skips the returned original, whose header is often the longest one).
        self.lazy = lazy


def parse_message(text: str, start: int = 0, end: int | None = None) -> Part:
    end = len(text) if end is None else end
    # Every part but the first starts after a boundary line ("\n--") or is the one
    # child of an attached message, and attached messages nest at most MAX_DEPTH deep.
    lazy = (text.count("\n--", start, end) + 1) * (MAX_DEPTH + 1) < MAX_PARTS
    return _parse_part(text, start, end, 0, _Counter(lazy), "text/plain")


def _parse_part(text: str, start: int, end: int, depth: int, counter: _Counter, default_ctype: str) -> Part:
    counter.parts += 1
    fields, body_start = parse_headers(text, start, end)
    part = Part(text, fields, start, body_start, end, default_ctype, None, None, depth)
    ctype_value = part.get("content-type")
    if ctype_value:
        part.ctype, part.params = parse_ctype(ctype_value)
    ctype, params = part.ctype, part.params
    if depth >= MAX_DEPTH or counter.parts >= MAX_PARTS:
        return part
    if ctype.startswith("multipart/") and params.get("boundary"):
        boundary = "--" + params["boundary"]
        child_default = "message/rfc822" if ctype == "multipart/digest" else "text/plain"
        positions = []  # (line start, line end incl. newline, is_close)
        i = body_start
        while len(positions) <= MAX_PARTS:
            j = text.find(boundary, i, end)
            if j < 0:
                break
            if j == body_start or text[j - 1] == "\n":
                nl = text.find("\n", j, end)
                line_end = end if nl < 0 else nl + 1
                rest = text[j + len(boundary): line_end].strip()
                if rest == "" or rest == "--":
                    positions.append((j, line_end, rest == "--"))
                    if rest == "--":
                        break
                i = line_end
            else:
                i = j + len(boundary)
        if not positions:
            # the boundary never occurs (edited or broken message): read the body as text
            part.ctype = "text/plain"
            return part
        for k, (ls, le, closing) in enumerate(positions):
            if closing:
                break
            cs = le
            ce = positions[k + 1][0] if k + 1 < len(positions) else end
            # the CRLF before a boundary belongs to the boundary
            if ce > cs and text[ce - 1] == "\n":
                ce -= 1
                if ce > cs and text[ce - 1] == "\r":
                    ce -= 1
            if counter.parts >= MAX_PARTS:
                break
            part.children.append(_parse_part(text, cs, ce, depth + 1, counter, child_default))
    elif ctype in ("message/rfc822", "message/global") and depth + 1 < MAX_DEPTH:
        cte = part.get("content-transfer-encoding").lower()
        if cte not in ("base64", "quoted-printable"):
            if counter.lazy:
                part._pending = (counter, "text/plain")
            else:
                part.children.append(_parse_part(text, body_start, end, depth + 1, counter, "text/plain"))
    return part


def decode_body(text: str, part: Part) -> tuple[str, int | None]:
    """The part's body as text. Returns (text, base) where base is the offset of
    the text in the original when it is a verbatim slice, else None."""
    raw = text[part.body_start: part.body_end]
    cte = part.get("content-transfer-encoding").lower().strip()
    charset = (part.params.get("charset") or "utf-8").strip().lower()
    if cte == "base64":
        data = re.sub(r"[^A-Za-z0-9+/]", "", raw)
        data = data[: len(data) - len(data) % 4]
        try:
            blob = base64.b64decode(data)
        except (binascii.Error, ValueError):
            return "", None
        return _bytes_to_text(blob, charset), None
    if cte == "quoted-printable":
        try:
            blob = quopri.decodestring(raw.encode("latin-1", "replace"))
        except (ValueError, binascii.Error):
            return raw, part.body_start
        return _bytes_to_text(blob, charset), None
    return raw, part.body_start


def _bytes_to_text(blob: bytes, charset: str) -> str:
    for cs in (charset, "utf-8"):
        try:
            return blob.decode(cs)
        except (LookupError, UnicodeDecodeError):
            continue
    return blob.decode("latin-1")


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words in a header value; never raises."""
    if "=?" not in value:
        return value
    try:
        from email.header import decode_header, make_header

        return str(make_header(decode_header(value)))
    except Exception:  # noqa: BLE001 - any malformed header stays as it is
        return value
