"""kb/regex_cache.py: compiled patterns rebuilt from stored opcodes are the same patterns."""

import re

import pytest

from kb import regex_cache

pytestmark = pytest.mark.skipif(not regex_cache._usable(), reason="only on the CPython version it was checked with")

PATTERN = r"(?im)^(?P<code>[245]\d\d)[ -](?:[245]\.\d{1,3}\.\d{1,3})?\s*(?P<text>.*user unknown.*)$"


def test_a_stored_pattern_comes_back_equal_and_matches_the_same(tmp_path, monkeypatch):
    path = str(tmp_path / "cache" / regex_cache.FILE_NAME)
    monkeypatch.setattr(re, "_cache", {})
    original = re.compile(PATTERN)
    assert regex_cache.store(path, frozenset())
    assert not regex_cache.store(path, regex_cache.seed(path))  # nothing new: not written again

    monkeypatch.setattr(re, "_cache", {})
    seeded = regex_cache.seed(path)
    key = (str, PATTERN, 0)
    assert key in seeded and key in re._cache
    rebuilt = re.compile(PATTERN)
    assert rebuilt is re._cache[key]
    assert rebuilt == original and rebuilt.groupindex == original.groupindex
    text = "Hello\n550 5.1.1 <a@b.example>... User unknown here\n"
    assert rebuilt.search(text).groupdict() == original.search(text).groupdict()


def test_a_foreign_or_damaged_file_is_ignored(tmp_path, monkeypatch):
    path = tmp_path / regex_cache.FILE_NAME
    path.write_bytes(b"not a cache")
    monkeypatch.setattr(re, "_cache", {})
    assert regex_cache.seed(str(path)) == frozenset()
    assert re._cache == {}
