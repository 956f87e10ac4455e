"""Property tests: any text or bytes diagnoses without raising, quickly."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.diagnosis import build_index, diagnose
from kb.kbfiles import spec_from_files

INDEX = build_index(spec_from_files())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_random_bytes(data):
    started = time.perf_counter()
    d = diagnose(data, INDEX)
    assert time.perf_counter() - started < 1.0
    d.to_dict()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_random_text(text):
    d = diagnose(text, INDEX)
    for m in d.matches:
        for start, end in m.spans:
            assert 0 <= start <= end <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["550", "5.1.1", "-", " ", "\n", "user", "unknown", "Content-Type: multipart/mixed; boundary=x",
                                 "--x", "From: a@example.com", "mailbox", "full", "=?utf-8?B?", "\x00", "*", "<", ">"]),
                max_size=200))
def test_random_structure(tokens):
    diagnose(" ".join(tokens), INDEX).to_dict()
