"""The Mailfix diagnosis engine: plain Python, no Django.

    from kb.diagnosis import build_index, diagnose
    index = build_index(spec)          # once; rebuild when the knowledge changes
    result = diagnose(text, index)     # Diagnosis; result.to_dict() is the JSON contract

Modules: text (decoding, masking, offset-keeping normalisation), mime (bounded
MIME reader), parse (shape of the paste: error text, recipients, signals),
index (compiled phrases, codes, articles), match (scoring; the formula is in
its docstring), engine (diagnose). _native swaps in a compiled copy of these
modules when one was built from the same sources (kb/build_native.py).
"""

from . import _native

_native.activate()  # before the modules below are imported

from .engine import diagnose, diagnose_example_ok
from .index import KnowledgeIndex, build_index
from .knowledge import ArticleSpec, CodeSpec, KnowledgeSpec, SymptomSpec
from .result import Diagnosis, Match, RecipientResult, Signals
from .text import MAX_INPUT_BYTES

__all__ = [
    "ArticleSpec",
    "CodeSpec",
    "Diagnosis",
    "KnowledgeIndex",
    "KnowledgeSpec",
    "MAX_INPUT_BYTES",
    "Match",
    "RecipientResult",
    "Signals",
    "SymptomSpec",
    "build_index",
    "diagnose",
    "diagnose_example_ok",
]
