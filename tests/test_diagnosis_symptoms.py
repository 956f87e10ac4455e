"""Every example of every symptom file diagnoses with that symptom as the best match."""

from __future__ import annotations

import pytest

from kb.diagnosis import build_index, diagnose_example_ok
from kb.diagnosis.reasons import REASONS
from kb.kbfiles import read_all, spec_from_files

FILES = read_all()
INDEX = build_index(spec_from_files(FILES))
EXAMPLES = [(s["key"], k, e) for s in FILES.symptoms for k, e in enumerate(s["examples"])]
SERVER = [s for s in FILES.symptoms if s["key"].startswith("srv-")]


@pytest.mark.parametrize("key,number,example", EXAMPLES, ids=[f"{k}-{n}" for k, n, _ in EXAMPLES])
def test_example_diagnoses_as_its_symptom(key, number, example):
    assert diagnose_example_ok(example, key, INDEX), f"{key} example {number} did not diagnose as {key}"


def test_server_symptoms_are_complete():
    slugs = {a["slug"] for a in FILES.articles}
    for s in SERVER:
        assert s["reason"] in REASONS, s["key"]
        assert 1 <= len(s["examples"]) <= 3, s["key"]
        if slugs:
            assert s["article"] in slugs or s["article"] is None, (s["key"], s["article"])


def test_no_phrase_problems_in_server_files():
    server_keys = {s["key"] for s in SERVER}
    problems = [p for p in INDEX.problems if p.split(":")[0].replace("symptom ", "") in server_keys]
    assert problems == []
