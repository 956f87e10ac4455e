"""The compiled knowledge index: every symptom phrase in one Aho-Corasick
automaton (so matching costs the same however many phrases staff add), codes
in dicts, articles by slug."""

from __future__ import annotations

import re
import weakref

import ahocorasick

from .knowledge import ArticleSpec, CodeSpec, KnowledgeSpec, SymptomSpec
from .reasons import REASONS, UNKNOWN
from .record import FrozenRecord, Record
from .text import View

WILDCARD_GAP = 60  # a "*" spans at most this many characters within one paragraph
MAX_PHRASE_LEN = 300


class Phrase(FrozenRecord):
    _fields = ("id", "text", "parts", "symptom", "length")

    def __init__(self, id: int, text: str, parts: tuple[str, ...], symptom: int, length: int):  # noqa: A002
        # text: as staff wrote it (normalised); parts: one part, or two around the "*";
        # symptom: index into KnowledgeIndex.symptoms; length: characters without the
        # wildcard, the phrase's specificity
        self.__dict__.update(id=id, text=text, parts=parts, symptom=symptom, length=length)


class KnowledgeIndex(Record):
    _fields = ("symptoms", "phrases", "automaton", "keys", "codes", "articles", "reason_articles", "symptom_by_key",
               "problems", "version")

    def __init__(self, symptoms: list[SymptomSpec] | None = None, phrases: list[Phrase] | None = None,
                 automaton: object = None, keys: dict[str, list[tuple[int, int]]] | None = None,
                 codes: dict[tuple[str, str], CodeSpec] | None = None, articles: dict[str, ArticleSpec] | None = None,
                 reason_articles: dict[str, str] | None = None, symptom_by_key: dict[str, int] | None = None,
                 problems: list[str] | None = None, version: str = ""):
        self.symptoms = [] if symptoms is None else symptoms
        self.phrases = [] if phrases is None else phrases
        self.automaton = automaton
        self.keys = {} if keys is None else keys  # part -> [(phrase id, part no)]
        self.codes = {} if codes is None else codes
        self.articles = {} if articles is None else articles
        self.reason_articles = {} if reason_articles is None else reason_articles  # reason -> default article slug
        self.symptom_by_key = {} if symptom_by_key is None else symptom_by_key
        self.problems = [] if problems is None else problems
        self.version = version

    def code(self, kind: str, code: str) -> CodeSpec | None:
        return self.codes.get((kind, code))

    def article_for(self, slug: str | None, reason: str) -> ArticleSpec | None:
        if slug and slug in self.articles:
            return self.articles[slug]
        default = self.reason_articles.get(reason)
        return self.articles.get(default) if default else None


def normalise_phrase(raw: str) -> tuple[tuple[str, ...], str] | str:
    """(parts, normalised text) for a valid phrase, or an error message."""
    if not isinstance(raw, str):
        return "not text"
    text = " ".join(raw.split()).lower()
    if not text:
        return "empty"
    if len(text) > MAX_PHRASE_LEN:
        return f"longer than {MAX_PHRASE_LEN} characters"
    if text.count("*") > 1:
        return "more than one '*' wildcard"
    raw_parts = [p.strip() for p in text.split("*")]
    parts = []
    for p in raw_parts:
        if not p:
            return "a '*' at the start or end, or alone"
        masked = View(p).text.strip()
        if len(re.sub(r"<(?:addr|ip|host|id)>|[\W_]", "", masked)) < 2:
            return "nothing left after masking addresses, host names and ids"
        parts.append(masked)
    content = sum(len(p) for p in parts)
    if content < 3:
        return "shorter than 3 characters"
    return tuple(parts), " * ".join(parts)


# Negations are written both ways ("does not exist", "doesn't exist"), and people who type
# a question often drop the apostrophe ("doesnt exist"). A phrase matches in each form.
_VERBS = "does|do|did|is|are|was|were|has|have|had|could|would|should"
_CONTRACT = ((re.compile(rf"\b({_VERBS}) not\b"), r"\1n't"), (re.compile(r"\bcannot\b"), "can't"),
             (re.compile(r"\bwill not\b"), "won't"))
_EXPAND = ((re.compile(rf"\b({_VERBS})n't\b"), r"\1 not"), (re.compile(r"\bcan't\b"), "cannot"),
           (re.compile(r"\bwon't\b"), "will not"))
_NO_APOSTROPHE = re.compile(r"\b(\w+)n't\b")


def negation_variants(parts: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The other spellings of a phrase's negations (contracted, written out, without the
    apostrophe), each applied to the whole phrase; [] when it has none."""
    joined = "\x00".join(parts)  # a character no part holds: the parts stay apart
    if " not" not in joined and "n't" not in joined and "cannot" not in joined:
        return []
    forms = [joined]
    for table in (_CONTRACT, _EXPAND):
        form = joined
        for pattern, replacement in table:
            form = pattern.sub(replacement, form)
        forms.append(form)
    forms += [_NO_APOSTROPHE.sub(r"\1nt", form) for form in forms]
    variants = []
    for form in dict.fromkeys(forms):
        if form != joined:
            variants.append(tuple(form.split("\x00")))
    return variants


def build_index(spec: KnowledgeSpec) -> KnowledgeIndex:
    index = KnowledgeIndex(version=getattr(spec, "version", "") or "")
    for article in spec.articles:
        index.articles[article.slug] = article
    for article in sorted(spec.articles, key=lambda a: (len(a.slug), a.slug)):
        index.reason_articles.setdefault(article.reason, article.slug)
    for code in spec.codes:
        index.codes[(code.kind, code.code)] = code

    automaton = ahocorasick.Automaton()
    for symptom in spec.symptoms:
        if symptom.reason not in REASONS:
            index.problems.append(f"symptom {symptom.key}: unknown reason {symptom.reason!r}")
            continue
        if symptom.key in index.symptom_by_key:
            index.problems.append(f"symptom {symptom.key}: duplicate key, later one skipped")
            continue
        sid = len(index.symptoms)
        index.symptoms.append(symptom)
        index.symptom_by_key[symptom.key] = sid
        written: list[tuple[tuple[str, ...], str]] = []
        for raw in symptom.phrases:
            result = normalise_phrase(raw)
            if isinstance(result, str):
                index.problems.append(f"symptom {symptom.key}: phrase {raw!r} skipped: {result}")
                continue
            written.append(result)
        # the phrases as written first, then the other spellings of their negations that no
        # phrase spells out itself; "why" and the admin name the phrase as written
        spellings = [(parts, text) for parts, text in written]
        spellings += [(variant, text) for parts, text in written for variant in negation_variants(parts)]
        seen = set()
        for spelling, text in spellings:
            spelled = " * ".join(spelling)
            if spelled in seen:
                continue
            seen.add(spelled)
            pid = len(index.phrases)
            index.phrases.append(Phrase(pid, text, spelling, sid, sum(len(p) for p in spelling)))
            for part_no, part in enumerate(spelling):
                index.keys.setdefault(part, []).append((pid, part_no))
    for key in index.keys:
        # the value carries what find_phrases needs: the key, its length, and
        # whether its first / last character is a word character
        automaton.add_word(key, (key, len(key), key[0] in _WORD_CHARS, key[-1] in _WORD_CHARS))
    if index.keys:
        automaton.make_automaton()
        index.automaton = automaton
    return index


_WORD = re.compile(r"[A-Za-z0-9]")  # word edges matter for Latin words; not for CJK text
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


# The last texts find_phrases read, with the index they were read with: one diagnosis
# scores the same error text several times (the report, its first recipient, each
# recipient). Weak references, so an index the server replaced is not kept alive.
_RECENT: dict = {}
_RECENT_LIMIT = 64


def find_phrases(view_text: str, index: KnowledgeIndex, max_per_key: int = 40) -> dict[int, list[tuple[int, int]]]:
    """Phrase id -> list of [start, end) ranges in the view text. The result may be
    shared with other callers: read it, do not change it."""
    key = (view_text, max_per_key)
    found = _RECENT.get(key)
    if found is not None and found[0]() is index:
        return found[1]
    hits = _find_phrases(view_text, index, max_per_key)
    if len(_RECENT) >= _RECENT_LIMIT:
        _RECENT.clear()
    _RECENT[key] = (weakref.ref(index), hits)
    return hits


def _find_phrases(view_text: str, index: KnowledgeIndex, max_per_key: int) -> dict[int, list[tuple[int, int]]]:
    if index.automaton is None or not view_text:
        return {}
    occ: dict[str, list[tuple[int, int]]] = {}
    n = len(view_text)
    word = _WORD_CHARS
    for end_idx, (key, klen, word_start, word_end) in index.automaton.iter(view_text):
        start = end_idx - klen + 1
        end = end_idx + 1
        # whole words only at the phrase edges
        if word_start and start > 0 and view_text[start - 1] in word:
            continue
        if word_end and end < n and view_text[end] in word:
            continue
        lst = occ.get(key)
        if lst is None:
            lst = occ[key] = []
        if len(lst) < max_per_key:
            lst.append((start, end))
    hits: dict[int, list[tuple[int, int]]] = {}
    for key, ranges in occ.items():
        for pid, part_no in index.keys[key]:
            phrase = index.phrases[pid]
            if len(phrase.parts) == 1:
                hits.setdefault(pid, []).extend(ranges)
            elif part_no == 0:
                tails = occ.get(phrase.parts[1])
                if not tails:
                    continue
                for s0, e0 in ranges:
                    for s1, e1 in tails:
                        if s1 >= e0 and s1 - e0 <= WILDCARD_GAP and "\n" not in view_text[e0:s1]:
                            hits.setdefault(pid, []).append((s0, e1))
                            break
    return hits


def is_presentable(reason: str) -> bool:
    return reason not in UNKNOWN
