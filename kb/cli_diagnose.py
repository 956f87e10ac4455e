"""The loop of `manage.py diagnose`: read each input, diagnose it, print the result.

Shared by the Django command (kb/management/commands/diagnose.py) and its quick
start-up path (kb/quick_diagnose.py), so both print the same bytes. No Django
here: the caller passes the index, the writers and the site's URL.
"""

from __future__ import annotations

import json
import os
import stat

from kb.diagnosis import MAX_INPUT_BYTES, KnowledgeIndex, diagnose
from kb.diagnosis.reasons import NON_FAILURES, REASON_LABELS

STDIN = "-"
# json.dumps(..., ensure_ascii=True) without the circular-reference bookkeeping: results
# are plain trees. One encoder for all inputs: JSONEncoder.encode() makes a new C encoder on
# every call, so the C encoder is made once here (the same arguments encode() would pass).
_encoder = json.JSONEncoder(ensure_ascii=True, check_circular=False)
try:
    from json.encoder import c_make_encoder, encode_basestring_ascii

    _c_encode = c_make_encoder(None, _encoder.default, encode_basestring_ascii, None, _encoder.key_separator,
                               _encoder.item_separator, False, False, True)
except (ImportError, TypeError):  # another Python without the C encoder: the plain way
    _c_encode = None


def _to_json(value) -> str:
    if _c_encode is None or isinstance(value, str):
        return _encoder.encode(value)
    return "".join(_c_encode(value, 0))
EMPTY_DATABASE = "The database has no symptoms: run `manage.py loadkb`, or use --from-files."


def read_input(name: str, stdin) -> tuple[bytes, bool]:
    """The first MAX_INPUT_BYTES of a file (or standard input), and whether there was more."""
    if name == STDIN:
        if stdin is None:
            raise OSError("no standard input")
        data = stdin.read(MAX_INPUT_BYTES + 1)
    else:
        data = _read_file(name, MAX_INPUT_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return data[:MAX_INPUT_BYTES], len(data) > MAX_INPUT_BYTES


def _read_file(name: str, limit: int) -> bytes:
    """The first `limit` bytes of a file, read with the os module's calls (no file object:
    hundreds of bounces per run). Each read asks for what the file's size says is there
    (plus one byte, to see the end): a read of the whole limit, 256 KB, would allocate that
    much for every bounce of a few KB. A size that is unknown (0 for pipes) or wrong only
    means more reads."""
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        try:
            info = os.fstat(fd)
            size, regular = info.st_size, stat.S_ISREG(info.st_mode)
        except OSError:
            size, regular = 0, False
        data = os.read(fd, min(size + 1, limit))
        if regular and len(data) <= size:
            return data  # a regular file gives less than asked only at its end: no read to see it
        while len(data) < limit:
            more = os.read(fd, min(limit - len(data), 65536))
            if not more:
                break
            data += more
    finally:
        os.close(fd)
    return data


def describe_error(error: OSError) -> str:
    return error.strerror or str(error)


def diagnose_inputs(names: list[str], index: KnowledgeIndex, *, as_json: bool, stdin, out, err,
                    site_url: str) -> int:
    """Print one result per input, in order, through out(line) and err(line);
    returns how many inputs could not be read."""
    failed = 0
    for name in names:
        label = "<stdin>" if name == STDIN else name
        try:
            data, truncated = read_input(name, stdin)
        except OSError as error:
            failed += 1
            message = describe_error(error)
            if as_json:
                out(_to_json({"file": label, "error": message}))
            else:
                out(f"{label}: cannot read: {message}")
            continue
        if truncated:
            err(f"{label}: larger than {MAX_INPUT_BYTES // 1024} KB; diagnosing the first {MAX_INPUT_BYTES} bytes.")
        result = diagnose(data, index)
        if as_json:
            payload = {"file": label, **result.to_dict()}
            payload["truncated"] = truncated or bool(result.truncated)
            out(_to_json(payload))
        else:
            out(summary(label, result, truncated, site_url))
    return failed


def summary(label: str, result, truncated: bool, site_url: str) -> str:
    """A few lines a person reads: reason, the article to follow, codes, stage, recipients."""
    signals = result.signals
    lines = [f"{label}: {result.reason}" + (" (input truncated)" if truncated else "")]
    if result.reason in NON_FAILURES:
        lines.append(f"  not a failure: {REASON_LABELS.get(result.reason, result.reason)}")
    best = result.best
    if best is not None:
        lines.append(f"  fix:   {best.title}  {site_url}{best.url}" if best.url else f"  fix:   {best.title}")
    else:
        lines.append("  fix:   no article fits; see the codes below")
    codes = [c for c in (signals.reply_code, signals.enhanced_code) if c] + list(signals.vendor_codes)
    lines.append(f"  codes: {' '.join(codes) or '-'}")
    temporary = {True: "temporary (a retry may work)", False: "permanent (a retry will not help)"}.get(
        signals.temporary, "unknown whether temporary"
    )
    lines.append(f"  stage: {signals.stage or '-'}; {temporary}")
    if signals.provider:
        lines.append(f"  provider: {signals.provider}")
    for recipient in result.recipients[:20]:
        code = " ".join(c for c in (recipient.reply_code, recipient.enhanced_code) if c)
        lines.append(f"  recipient {recipient.address}: {recipient.reason} {code}".rstrip())
    if len(result.recipients) > 20:
        lines.append(f"  ... and {len(result.recipients) - 20} more recipients")
    return "\n".join(lines)


def failure_message(failed: int, total: int) -> str:
    return f"{failed} of {total} inputs could not be read."
