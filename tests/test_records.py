"""kb/diagnosis/record.py: the engine's record classes behave as the dataclasses they replaced."""

import pickle

import pytest

from kb.diagnosis.knowledge import ArticleSpec, CodeSpec, KnowledgeSpec, SymptomSpec
from kb.diagnosis.match import Candidate
from kb.diagnosis.parse import Parsed, RecipientInfo, Segment
from kb.diagnosis.record import FrozenInstanceError, replace
from kb.diagnosis.result import Diagnosis, Match, RecipientResult, Signals

RESULT_RECORDS = [
    Signals(),
    Match("slug", "Title", "/articles/slug/", "userunknown", 0.9),
    RecipientResult("a@b.example", "userunknown"),
    Diagnosis("undefined", Signals()),
]


@pytest.mark.parametrize("record", RESULT_RECORDS, ids=lambda r: type(r).__name__)
def test_result_records_hold_exactly_their_fields_in_order(record):
    # result._fields() copies __dict__ and relies on this
    assert list(vars(record)) == list(type(record)._fields)


def test_equality_repr_and_replace_work_field_by_field():
    a = Segment("text", 0, 4, True, "human")
    assert a == Segment("text", 0, 4, True, "human")
    assert a != Segment("text", 0, 3, True, "human")
    assert a != Candidate("x", 1.0)
    assert repr(a).startswith("Segment(source='text', start=0, end=4,")
    assert replace(a, end=2).text == "te" and a.end == 4
    with pytest.raises(TypeError):
        replace(a, nonsense=1)
    with pytest.raises(TypeError):
        hash(a)  # mutable records are not hashable, like the dataclasses were
    assert RecipientInfo("x@y").segments == [] and Parsed("t").returned == []


def test_specs_are_frozen_hashable_and_pickle():
    spec = SymptomSpec("key", "Name", "userunknown", ("user unknown",), codes=("5.1.1",))
    assert spec == SymptomSpec("key", "Name", "userunknown", ("user unknown",), codes=("5.1.1",))
    assert hash(spec) == hash(SymptomSpec("key", "Name", "userunknown", ("user unknown",), codes=("5.1.1",)))
    with pytest.raises(FrozenInstanceError):
        spec.key = "other"
    with pytest.raises(AttributeError):
        del spec.name
    assert pickle.loads(pickle.dumps(spec)) == spec
    whole = KnowledgeSpec(symptoms=(spec,), codes=(CodeSpec("5.1.1", "enhanced"),),
                          articles=(ArticleSpec("slug", "Title", "userunknown"),))
    assert replace(whole, version="2").symptoms == (spec,) and whole.extra == {}
