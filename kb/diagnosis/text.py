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
* line breaks and tabs written as escapes inside a quoted string (``\\n``,
  ``\\r\\n``, ``\\t`` in a logged exception) read as white space;
* curly quotes and typographic dashes read as the plain ones;
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
# of 2-6 letters ("RESOLVER.ADR.RecipientNotFound" and "full.Please" are not hosts),
# not followed by "://" ("rejected.http://..." is a word and a link run together).
_HOST = r"(?<![\w.@-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}(?:[a-z]{2,6}|[A-Z]{2,6})(?![\w-]|\.[A-Za-z0-9]|://)\.?"
# Ids: long tokens mixing letters and digits (queue ids, message ids, Gmail's
# trailing tokens). Codes such as 0x800CCC0E are left alone.
_ID = r"(?<![\w])(?!0x)(?=[A-Za-z0-9_-]{10,}(?![\w-]))(?=[A-Za-z_-]*\d[A-Za-z0-9_-]*\d)(?=\d*[A-Za-z_][0-9_-]*[A-Za-z])[A-Za-z0-9_-]{10,200}"

# White space is a token only where the view differs from the source: a run of
# two or more characters, or one character that is not a plain space. A lone
# space maps to itself, so it stays inside the surrounding plain text (far fewer
# tokens; the view and its map are the same as with every gap a token).
#
# The scanner below finds exactly the tokens of
#
#     (?P<url>https?://...)|(?P<addr>_ADDR)|(?P<ip>\[?(?:_IPV4|_IPV6)\]?)|(?P<host>_HOST)|(?P<id>_ID)|(?P<ws>...)
#
# but each alternative first consumes one character from a class (its look-behind
# re-checked on that character), so the regex engine skips an alternative after one
# character test instead of entering it at every position; that makes the scan about
# a third faster. The ip alternative is split by its first character ("[", a digit,
# "I" of "IPv6:", a hex digit); all the ip* groups are the "ip" kind.
_L = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~.-"  # characters of an address's local part
_X = r"0-9A-Fa-f"
_V4_REST = r"(?:\d{1,3}\.){2}\d{1,3}(?![\d]|\.\d)"
_V6_TAIL = rf"(?::|(?::[{_X}]{{1,4}}){{1,6}}|[{_X}]{{1,4}})(?![{_X}:])"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\."
#
# One more alternative comes early: "skip" consumes whole words (maximal runs of
# non-white-space) joined by single spaces, when no token can start in them. Every
# token holds one of "@", ".", ":" or a digit: an address its "@", an IP its dots or
# colons, a host a "." before a letter or digit, a link "://", an id its digits. So a
# word without "@" and digits, whose "." and ":" are not followed by a letter, digit,
# "/" or ":", holds no token, and the scanner leaps over it instead of trying every
# alternative at each of its characters (about twice as fast). Skipped words are
# plain text; the tokens found are exactly those of the scan without "skip".
_PLAIN_WORD = r"(?:[^\s@.:\d\\]++|[.:](?![A-Za-z0-9/:]))++(?!\S)"
_TOKEN_RE = re.compile(
    "|".join(
        [
            # white space that is not one plain space (first: no other token starts with one)
            r"\s(?P<ws>\s+|(?<=[^\S ]))",
            # a line break or tab written as an escape ("\\n", "\\r\\n", "\\t") inside a
            # quoted string of a log or exception, with the blanks around it: white space
            r"[ \t]*\\(?P<esc>[nrt](?:[ \t]*\\[nrt])*[ \t]*)",
            rf"(?<!\S)(?P<skip>{_PLAIN_WORD}(?: {_PLAIN_WORD})*)",
            # kept as text: blocklist links name the list
            r"h(?P<url>ttps?://[^\s<>\"'()\[\]]{1,500})",
            # _ADDR
            rf"[<{_L}](?<![{_L}][<{_L}])(?P<addr>(?:(?<=<)[{_L}]{{1,64}}|(?<!<)[{_L}]{{0,63}})"
            r"@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}>?)",
            # \[?(?:_IPV4|_IPV6)\]?
            rf"\[(?P<ip>(?:{_IPV4}|{_IPV6})\]?)",
            rf"\d(?<![\d.]\d)(?P<ip4>\d{{0,2}}\.{_V4_REST}\]?)",
            rf"I(?<![{_X}:]I)(?P<ip6i>Pv6:(?:[{_X}]{{1,4}}:){{2,7}}{_V6_TAIL}\]?)",
            rf"[{_X}](?<![{_X}:][{_X}])(?P<ip6>[{_X}]{{0,3}}:(?:[{_X}]{{1,4}}:){{1,6}}{_V6_TAIL}\]?)",
            # _HOST
            r"[A-Za-z0-9](?<![\w.@-][A-Za-z0-9])(?P<host>(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\."
            rf"(?:{_LABEL}){{0,7}}(?:[a-z]{{2,6}}|[A-Z]{{2,6}})(?![\w-]|\.[A-Za-z0-9]|://)\.?)",
            # _ID: its look-aheads re-stated from the second character on
            r"[A-Za-z0-9_-](?<!\w[A-Za-z0-9_-])(?P<id>(?!(?<=0)x)(?=[A-Za-z0-9_-]{9,}(?![\w-]))"
            r"(?:(?<=\d)(?=[A-Za-z0-9_-]*\d)|(?<=[A-Za-z_-])(?=[A-Za-z_-]*\d[A-Za-z0-9_-]*\d))"
            r"(?:(?<=\d)(?=\d*[A-Za-z_][0-9_-]*[A-Za-z])|(?<=[A-Za-z_])(?=[0-9_-]*[A-Za-z]))"
            r"[A-Za-z0-9_-]{9,199})",
        ]
    )
)
_BLANKS = (" ", "\n")
# Web pages and word processors print "couldn't" as "couldn’t": phrases are typed plain.
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                              "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                              "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                              "\u2212": "-"})
_MASKS = {"addr": "<addr>", "ip": "<ip>", "ip4": "<ip>", "ip6i": "<ip>", "ip6": "<ip>", "host": "<host>", "id": "<id>"}

# Continuation prefix of a multi-line reply: "550-5.7.1 " / "550 5.7.1 " at a line start,
# found with the line break before it: a literal first character lets the regex engine
# leap from line break to line break (a prefix at the very start never counts).
_CONT_RE = re.compile(r"\n[ \t]*(?:<<<[ \t]*)?([245]\d\d)([- ])(?:[245]\.\d{1,3}\.\d{1,3}[ \t]*)?")


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
        for cut in range(4 if truncated else 1):
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


def _add_rare(source, os, oe, pieces, nstarts, ostarts, oends, verbatim, npos):
    """Plain text [os, oe) holding a character whose lower case has another length:
    each run between lone spaces is lowered on its own, those characters one by one."""
    i = os
    while i < oe:
        # the run ends at a lone space (a space after a non-space character)
        j = i + 1
        while j < oe and not (source[j] == " " and not source[j - 1].isspace()):
            j += 1
        chunk = source[i:j]
        low = chunk.lower()
        if len(low) == len(chunk):
            parts = [(low, i, j)]
        else:
            parts = []
            for k, ch in enumerate(chunk):
                lc = ch.lower()
                parts.append((lc if len(lc) == 1 else ch, i + k, i + k + 1))
        if j < oe:
            parts.append((" ", j, j + 1))
            j += 1
        for text, ps, pe in parts:
            pieces.append(text)
            nstarts.append(npos)
            ostarts.append(ps)
            oends.append(pe)
            verbatim.append(True)
            npos += len(text)
        i = j
    return npos


class View:
    """The normalised, masked matching view of one piece of text.

    ``text`` is the view; ``span(i, j)`` maps a view range back to the
    [start, end) range in the source string the view was built from.
    """

    # memo: a result another module derived from this view, with what it depends on
    # (see match.py); the view lives as long as its segment, one diagnosis.
    __slots__ = ("text", "_nstarts", "_ostarts", "_oends", "_verbatim", "memo")

    def __init__(self, source: str, start: int = 0, end: int | None = None):
        end = len(source) if end is None else end
        self.memo = None
        events, prefixes = _events(source, start, end)
        if not prefixes and (source.isascii() or source[start:end].isascii()):
            built = _build_ascii(source, start, end, events)
        else:
            built = _build(source, start, end, events)
            # curly quotes and dashes read as plain ones (one character for one: the map holds)
            built = (built[0].translate(_TYPOGRAPHIC), *built[1:])
        self.text, self._nstarts, self._ostarts, self._oends, self._verbatim = built

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


def _events(source: str, start: int, end: int) -> tuple[list[tuple[int, int, str | None]], bool]:
    """The tokens of source[start:end] as (start, end, kind), continuation prefixes
    included (kind None), then (end, end, ""); and whether there was a prefix."""
    # Continuation prefixes of multi-line replies are dropped (treated as a space).
    skip: list[tuple[int, int]] = []
    if source.find("\n", start, end) >= 0:  # a prefix only counts after a line break
        for m in _CONT_RE.finditer(source, start, end):
            line_end = m.start()  # the line break before the prefix
            ms = line_end + 1
            line_start = source.rfind("\n", start, line_end) + 1
            if line_start < start:
                line_start = start
            if m.group(1) + "-" in source[line_start:line_end]:
                skip.append((ms, m.end()))
    events = [(m.start(), m.end(), kind) for m in _TOKEN_RE.finditer(source, start, end)
              if (kind := m.lastgroup) != "skip" and (kind not in _MAYBE_TIME or _is_ipv6(m.group()))]
    if skip:
        # a prefix goes before the first token that starts after it (a token at the
        # same place comes first)
        merged = []
        si = 0
        for ev in events:
            while si < len(skip) and skip[si][0] < ev[0]:
                merged.append((skip[si][0], skip[si][1], None))
                si += 1
            merged.append(ev)
        while si < len(skip):
            merged.append((skip[si][0], skip[si][1], None))
            si += 1
        events = merged
    events.append((end, end, ""))  # the end: flush the plain tail
    return events, bool(skip)


_MAYBE_TIME = ("ip6", "ip")  # the bracketed "ip" alternative reads IPv6 too: "[11:22:02.990]"


def _is_ipv6(token: str) -> bool:
    """An IPv6 address has eight groups or a "::" standing for the missing ones; a log's
    time of day ("06:29:04", "[11:22:02.990]") has neither and stays plain text. (An
    "ip" token without a colon is IPv4.)"""
    return ":" not in token or "::" in token or token.count(":") >= 7


def _build_ascii(source: str, start: int, end: int, events: list):
    """What _build() returns, for ASCII text without continuation prefixes, in fewer steps.

    There, lower() keeps every offset and needs no context, tokens never overlap,
    and two white-space pieces never meet (a white-space token takes the whole run,
    a lone space stays in the plain text), so the only special cases left are a
    lone space at the very start and white space before any piece (both dropped)."""
    low = source[start:end].lower()
    pieces: list[str] = []
    nstarts: list[int] = []
    ostarts: list[int] = []
    oends: list[int] = []
    verbatim: list[bool] = []
    masks = _MASKS
    npos = 0
    pos = start
    for ms, me, kind in events:
        if ms > pos:
            os = pos + 1 if pos == start and source[pos] == " " else pos
            if os < ms:
                pieces.append(low[os - start: ms - start])
                nstarts.append(npos)
                ostarts.append(os)
                oends.append(ms)
                verbatim.append(True)
                npos += ms - os
        if kind == "ws" or kind == "esc":
            if pieces and oends[-1] == ms and not verbatim[-1] and pieces[-1] in _BLANKS:
                # an escape beside real white space: one blank
                oends[-1] = me
                if kind == "ws" and source.count("\n", ms, me) >= 2:
                    pieces[-1] = "\n"
            elif pieces:
                pieces.append("\n" if kind == "ws" and source.count("\n", ms, me) >= 2 else " ")
                nstarts.append(npos)
                ostarts.append(ms)
                oends.append(me)
                verbatim.append(False)
                npos += 1
        elif kind:
            piece = low[ms - start: me - start] if kind == "url" else masks[kind]
            pieces.append(piece)
            nstarts.append(npos)
            ostarts.append(ms)
            oends.append(me)
            verbatim.append(kind == "url")
            npos += len(piece)
        pos = me
    return "".join(pieces), nstarts, ostarts, oends, verbatim


def _build(source: str, start: int, end: int, events: list):
    """(text, view starts, source starts, source ends, verbatim flags) of the pieces
    of the view: plain text, masks and white space."""
    pieces: list[str] = []
    nstarts: list[int] = []  # view offset where each piece starts
    ostarts: list[int] = []  # source offset of the piece
    oends: list[int] = []
    verbatim: list[bool] = []  # True: piece maps char-for-char
    npos = 0
    masks = _MASKS
    pos = start
    last_ws = False  # the last piece is a white-space piece (" " or "\n")
    for ms, me, kind in events:
        if ms < pos:
            continue
        if ms > pos:
            # plain text [pos, ms); a lone space at its start (not part of a longer
            # white-space run) collapses into a preceding space or is dropped at the start
            os = pos
            if source[os] == " " and (os == start or not source[os - 1].isspace()):
                if not pieces:
                    os += 1
                elif last_ws and oends[-1] == os:
                    oends[-1] = os + 1
                    os += 1
            if os < ms:
                chunk = source[os:ms]
                low = chunk.lower()
                if len(low) == len(chunk):
                    pieces.append(low)
                    nstarts.append(npos)
                    ostarts.append(os)
                    oends.append(ms)
                    verbatim.append(True)
                    npos += len(low)
                    last_ws = low == " " or low == "\n"
                else:
                    npos = _add_rare(source, os, ms, pieces, nstarts, ostarts, oends, verbatim, npos)
                    last_ws = pieces[-1] in (" ", "\n")
        if kind == "ws" or kind == "esc" or kind is None:  # white space, an escape, a continuation prefix
            if last_ws and oends[-1] == ms:
                if kind == "ws" and pieces[-1] == " " and source.count("\n", ms, me) >= 2:
                    pieces[-1] = "\n"
                oends[-1] = me
            elif pieces:
                pieces.append("\n" if kind == "ws" and source.count("\n", ms, me) >= 2 else " ")
                nstarts.append(npos)
                ostarts.append(ms)
                oends.append(me)
                verbatim.append(False)
                npos += 1
                last_ws = True
        elif kind == "url":
            chunk = source[ms:me]
            low = chunk.lower()
            if len(low) == len(chunk):
                pieces.append(low)
                nstarts.append(npos)
                ostarts.append(ms)
                oends.append(me)
                verbatim.append(True)
                npos += len(low)
                last_ws = False
            else:
                npos = _add_rare(source, ms, me, pieces, nstarts, ostarts, oends, verbatim, npos)
                last_ws = pieces[-1] in (" ", "\n")
        elif kind:
            mask = masks[kind]
            pieces.append(mask)
            nstarts.append(npos)
            ostarts.append(ms)
            oends.append(me)
            verbatim.append(False)
            npos += len(mask)
            last_ws = False
        pos = me
    return "".join(pieces), nstarts, ostarts, oends, verbatim


def strip_html(text: str) -> str:
    """Very small HTML to text conversion for text/html bounce parts."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</tr\s*>|</li\s*>", "\n", text)
    text = re.sub(r"<[^>]{0,2000}>", " ", text)
    import html

    return html.unescape(text)
