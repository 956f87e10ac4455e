"""The compiled diagnosis index, kept on disk between runs of `manage.py diagnose`.

Building the index needs Django's ORM, and importing Django costs several times
more than diagnosing a whole folder of bounces. The quick path
(kb/quick_diagnose.py) therefore asks the database only for its KnowledgeStamp
and loads the index that an earlier run built for that stamp.

Safety:

* the key names the database, its stamp (version and the row's creation time,
  so a recreated database never matches an old file) and the code that builds
  and reads the index (size and time of every source file of kb/ and articles/,
  the Python and pyahocorasick builds); any difference means a rebuild;
* the file is written to a temporary name and renamed into place, so a reader
  sees a whole old file or a whole new one;
* a checksum covers the payload; a file that is short, foreign or damaged is
  ignored (and replaced on the next build).

No Django here.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import zlib

MAGIC = b"mailfix-index-cache 1\n"
FILE_NAME = "diagnose-index.pickle"
_SOURCE_DIRS = ("kb", "kb/diagnosis", "articles")


def code_fingerprint(base_dir: str) -> str:
    """Size and modification time of the code that builds, pickles and reads the index."""
    import ahocorasick

    parts = [os.path.realpath(base_dir), sys.version, sys.executable, getattr(ahocorasick, "__file__", "") or "",
             str(getattr(ahocorasick, "unicode", ""))]
    for folder in _SOURCE_DIRS:
        path = os.path.join(base_dir, folder)
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            parts.append(f"{folder}: missing")
            continue
        for entry in entries:
            if entry.name.endswith(".py"):
                st = entry.stat()
                parts.append(f"{folder}/{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    module_path = getattr(ahocorasick, "__file__", None)
    if module_path:
        try:
            st = os.stat(module_path)
            parts.append(f"ahocorasick:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            pass
    return "\n".join(parts)


def cache_key(database: str, stamp: tuple, fingerprint: str) -> bytes:
    """Bytes that change whenever the cached index might differ."""
    return repr((database, stamp, fingerprint)).encode("utf-8", "backslashreplace")


def cache_path(var_dir: str) -> str:
    return os.path.join(var_dir, "cache", FILE_NAME)


def load(path: str, key: bytes):
    """The index stored under `key`, or None (no file, another key, damaged)."""
    try:
        with open(path, "rb") as fh:
            blob = fh.read()
    except OSError:
        return None
    header_end = len(MAGIC) + 8 + 8
    if len(blob) < header_end or not blob.startswith(MAGIC):
        return None
    key_len = int.from_bytes(blob[len(MAGIC): len(MAGIC) + 8], "big")
    checksum = int.from_bytes(blob[len(MAGIC) + 8: header_end], "big")
    stored_key = blob[header_end: header_end + key_len]
    payload = memoryview(blob)[header_end + key_len:]
    if stored_key != key or zlib.crc32(payload) != checksum:
        return None
    # Unpickling makes tens of thousands of objects, none of them garbage: the cyclic
    # collector would only walk them again and again (about 1 ms).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)
    except Exception:  # noqa: BLE001 - a damaged or outdated file is only a missed cache
        return None
    finally:
        if collecting:
            gc.enable()


def store(path: str, key: bytes, index) -> bool:
    """Write the index atomically; False (and no file left behind) when it cannot."""
    import tempfile

    try:
        payload = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an index that cannot be pickled is simply not cached
        return False
    header = MAGIC + len(key).to_bytes(8, "big") + zlib.crc32(payload).to_bytes(8, "big") + key
    folder = os.path.dirname(path)
    tmp = None
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(header)
            fh.write(payload)
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False
