"""Compiled regular expressions kept on disk between runs of `manage.py diagnose`.

Compiling the engine's regular expressions costs about 8 ms of every run (text.py's
token scanner alone 2.5 ms), as much as diagnosing thirty bounces. CPython's re
module keeps what it compiled in re._cache, keyed by (type, pattern, flags), and
builds each pattern from a list of opcodes (re._compiler.compile). After a run
that had to compile patterns, store() writes those opcodes next to the index
cache; seed() rebuilds the patterns from them with _sre.compile() and puts them
into re._cache before the engine is imported, so its re.compile() calls find
them there. Patterns not in the file are compiled as usual.

Safety: the opcodes are CPython internals, so this runs only on the interpreter
version the module was checked with (re._cache and re._compile as in 3.11), and
the file is keyed by the exact interpreter build (index_cache's checksummed
format; any other file is ignored). A pattern is stored only when the one
rebuilt from its opcodes equals the one re compiled (Pattern == compares the
pattern, the flags and the opcodes).

No Django here.
"""

from __future__ import annotations

import os
import re
import sys

FILE_NAME = "diagnose-regex.pickle"
_SUPPORTED = sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11)


def cache_path(var_dir: str) -> str:
    return os.path.join(var_dir, "cache", FILE_NAME)


def _key() -> bytes:
    return repr(("regex opcodes 1", sys.version, sys.hexversion, sys.executable)).encode("utf-8", "backslashreplace")


def _usable() -> bool:
    return _SUPPORTED and isinstance(getattr(re, "_cache", None), dict)


def seed(path: str) -> frozenset:
    """Put the stored patterns into re._cache; the keys the file holds."""
    if not _usable():
        return frozenset()
    from kb import index_cache

    entries = index_cache.load(path, _key())
    if not isinstance(entries, list):
        return frozenset()
    import _sre

    seeded = set()
    for flags, (pattern, final_flags, code, groups, groupindex, indexgroup) in entries:
        key = (type(pattern), pattern, flags)
        seeded.add(key)
        if key in re._cache:
            continue  # compiled before (the interpreter's start-up)
        try:
            re._cache[key] = _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
        except Exception:  # noqa: BLE001 - a bad entry is compiled the usual way instead
            seeded.discard(key)
    return frozenset(seeded)


def _opcodes(pattern: str, flags: int):
    """What re._compiler.compile() passes to _sre.compile() for this pattern."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: some are named constants
    groupindex = parsed.state.groupdict
    indexgroup = [None] * parsed.state.groups
    for name, number in groupindex.items():
        indexgroup[number] = name
    return pattern, flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def store(path: str, seeded: frozenset) -> bool:
    """Write the opcodes of the str patterns in re._cache when some were not seeded."""
    if not _usable():
        return False
    cached = [(key, compiled) for key, compiled in list(re._cache.items())
              if key[0] is str and isinstance(key[2], int)]
    if all(key in seeded for key, _ in cached):
        return False  # nothing new: the file is up to date
    folder = os.path.dirname(path)
    if os.path.isdir(folder) and not os.access(folder, os.W_OK):
        return False  # it could not be written: do not pay for the opcodes on every run
    import _sre

    from kb import index_cache

    entries = []
    for (_, pattern, flags), compiled in cached:
        try:
            args = _opcodes(pattern, flags)
            if _sre.compile(*args) != compiled:
                continue
        except Exception:  # noqa: BLE001 - a pattern that cannot be rebuilt is simply not stored
            continue
        entries.append((flags, args))
    if {(str, args[0], flags) for flags, args in entries} <= seeded:
        return False  # only patterns that cannot be stored were new
    return index_cache.store(path, _key(), entries)
