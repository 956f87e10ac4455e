"""Text handling for the engine: decoding untrusted input, and the normalised,
masked "matching view" of a piece of text that keeps a map back to offsets in
the original input.

The matching view is what symptom phrases are matched against:

* lower case;
* variable parts masked: e-mail addresses -> ``<addr>``, IPv4/IPv6 addresses ->
  ``<ip>``, host names -> ``<host>``, queue/message ids and other long
  letter+digit tokens -> ``<id>``;
* runs of white space collapsed into one space, except a blank line (paragraph
  break), which becomes one ``\\n`` (a ``*`` wildcard never crosses it);
* continuation prefixes of multi-line SMTP replies (``550-5.7.1 `` at the start
  of the second and later lines of one reply) removed, so a sentence that the
  server wrapped over several lines reads as one.

Every character of the view knows the [start, end) range of the original text
it came from (a masked token maps to the whole masked original).
"""

from __future__ import annotations

import bisect
import re

MAX_INPUT_BYTES = 256 * 1024

MASK_TOKENS = ("<addr>", "<ip>", "<host>", "<id>")

# --- variable parts -----------------------------------------------------------

_ADDR = r"(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.-])<?[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}>?"
_IPV4 = r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)"
_IPV6 = r"(?<![0-9A-Fa-f:])(?:IPv6:)?(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,6}|[0-9A-Fa-f]{1,4})(?![0-9A-Fa-f:])"
# A host name: two or more labels and an all-lower or all-upper alphabetic TLD
# of 2-6 letters ("RESOLVER.ADR.RecipientNotFound" and "full.Please" are not hosts).
_HOST = r"(?<![\w.@-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}(?:[a-z]{2,6}|[A-Z]{2,6})(?![\w-]|\.[A-Za-z0-9])\.?"
# Ids: long tokens mixing letters and digits (queue ids, message ids, Gmail's
# trailing tokens). Codes such as 0x800CCC0E are left alone.
_ID = r"(?<![\w])(?!0x)(?=[A-Za-z0-9_-]{10,}(?![\w-]))(?=[A-Za-z_-]*\d[A-Za-z0-9_-]*\d)(?=\d*[A-Za-z_][0-9_-]*[A-Za-z])[A-Za-z0-9_-]{10,200}"

_TOKEN_RE = re.compile(
    "|".join(
        [
            r"(?P<url>https?://[^\s<>\"'()\[\]]{1,500})",  # kept as text: blocklist links name the list
            rf"(?P<addr>{_ADDR})",
            rf"(?P<ip>\[?(?:{_IPV4}|{_IPV6})\]?)",
            rf"(?P<host>{_HOST})",
            rf"(?P<id>{_ID})",
            r"(?P<ws>\s+)",
        ]
    )
)

# Continuation prefix of a multi-line reply: "550-5.7.1 " / "550 5.7.1 " at a line start.
_CONT_RE = re.compile(r"(?m)^[ \t]*(?:<<<[ \t]*)?([245]\d\d)([- ])(?:[245]\.\d{1,3}\.\d{1,3}[ \t]*)?")


def decode_input(data: str | bytes) -> tuple[str, bool]:
    """Turn untrusted input into str, cut to MAX_INPUT_BYTES. Returns (text, truncated).

    NUL bytes become spaces (offsets are kept); bytes that are not UTF-8 are read
    as Latin-1 so no byte is lost.
    """
    truncated = False
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > MAX_INPUT_BYTES:
            raw = raw[:MAX_INPUT_BYTES]
            truncated = True
        text = None
        for cut in (0, 1, 2, 3) if truncated else (0,):
            try:  # at the limit a multi-byte character may be cut in half
                text = raw[: len(raw) - cut].decode("utf-8")
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            text = raw.decode("latin-1")
    elif isinstance(data, str):
        text = data
        if len(text) > MAX_INPUT_BYTES // 4:
            encoded = text.encode("utf-8", "surrogatepass")
            if len(encoded) > MAX_INPUT_BYTES:
                text = encoded[:MAX_INPUT_BYTES].decode("utf-8", "ignore")
                truncated = True
    else:
        text = "" if data is None else str(data)
    if "\x00" in text:
        text = text.replace("\x00", " ")
    return text, truncated


class View:
    """The normalised, masked matching view of one piece of text.

    ``text`` is the view; ``span(i, j)`` maps a view range back to the
    [start, end) range in the source string the view was built from.
    """

    __slots__ = ("text", "_nstarts", "_ostarts", "_oends", "_verbatim")

    def __init__(self, source: str, start: int = 0, end: int | None = None):
        end = len(source) if end is None else end
        pieces: list[str] = []
        nstarts: list[int] = []  # view offset where each piece starts
        ostarts: list[int] = []  # source offset of the piece
        oends: list[int] = []
        verbatim: list[bool] = []  # True: piece maps char-for-char
        npos = 0

        # Continuation prefixes of multi-line replies are dropped (treated as a space).
        skip: list[tuple[int, int]] = []
        for m in _CONT_RE.finditer(source, start, end):
            ms = m.start()
            if ms <= start:
                continue
            line_end = source.rfind("\n", start, ms)
            if line_end < 0:
                continue
            line_start = source.rfind("\n", start, line_end) + 1
            if line_start < start:
                line_start = start
            if m.group(1) + "-" in source[line_start:line_end]:
                skip.append((ms, m.end()))
        skip_i = 0

        def add(piece: str, os: int, oe: int, verb: bool) -> None:
            nonlocal npos
            if not piece:
                return
            pieces.append(piece)
            nstarts.append(npos)
            ostarts.append(os)
            oends.append(oe)
            verbatim.append(verb)
            npos += len(piece)

        def add_plain(os: int, oe: int) -> None:
            chunk = source[os:oe]
            low = chunk.lower()
            if len(low) == len(chunk):
                add(low, os, oe, True)
            else:  # rare characters whose lower case has another length
                for k, ch in enumerate(chunk):
                    lc = ch.lower()
                    add(lc if len(lc) == 1 else ch, os + k, os + k + 1, True)

        def add_space(os: int, oe: int, para: bool) -> None:
            # collapse with a preceding space piece
            if pieces and pieces[-1] in (" ", "\n") and oends[-1] == os:
                if para and pieces[-1] == " ":
                    pieces[-1] = "\n"
                oends[-1] = oe
                return
            if not pieces:
                return  # leading white space is dropped
            add("\n" if para else " ", os, oe, False)

        pos = start
        for m in _TOKEN_RE.finditer(source, start, end):
            ms, me = m.start(), m.end()
            if ms < pos:
                continue
            # handle skipped continuation prefixes inside the plain gap
            while skip_i < len(skip) and skip[skip_i][0] < ms:
                ss, se = skip[skip_i]
                skip_i += 1
                if ss < pos:
                    continue
                if ss > pos:
                    add_plain(pos, ss)
                add_space(ss, se, False)
                pos = se
            if ms < pos:
                continue
            if ms > pos:
                add_plain(pos, ms)
            kind = m.lastgroup
            if kind == "url":
                add_plain(ms, me)
            elif kind == "ws":
                ws = m.group()
                add_space(ms, me, ws.count("\n") >= 2)
            else:
                add(f"<{kind}>", ms, me, False)
            pos = me
        while skip_i < len(skip):
            ss, se = skip[skip_i]
            skip_i += 1
            if ss < pos:
                continue
            if ss > pos:
                add_plain(pos, ss)
            add_space(ss, se, False)
            pos = se
        if pos < end:
            add_plain(pos, end)
        self.text = "".join(pieces)
        self._nstarts = nstarts
        self._ostarts = ostarts
        self._oends = oends
        self._verbatim = verbatim

    def _orig(self, i: int, is_end: bool) -> int:
        k = bisect.bisect_right(self._nstarts, i) - 1
        if k < 0:
            return self._ostarts[0] if self._ostarts else 0
        if self._verbatim[k]:
            return self._ostarts[k] + (i - self._nstarts[k]) + (1 if is_end else 0)
        return self._oends[k] if is_end else self._ostarts[k]

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Source range of view range [i, j)."""
        if not self._nstarts or j <= i:
            return (0, 0)
        return (self._orig(i, False), self._orig(j - 1, True))


def strip_html(text: str) -> str:
    """Very small HTML to text conversion for text/html bounce parts."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</tr\s*>|</li\s*>", "\n", text)
    text = re.sub(r"<[^>]{0,2000}>", " ", text)
    import html

    return html.unescape(text)
