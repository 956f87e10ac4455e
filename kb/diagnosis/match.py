"""Ranking: Signals + phrase hits + the compiled index -> ranked Matches.

Scoring formula
---------------

Candidates come from three sources.

1. Symptom phrases. For every phrase hit in a segment of error text:

       spec(p)   = 0.50 + 0.35 * min(1, len(p) / 35)      # longer = more specific
       hit(p)    = spec(p) * segment_weight

   segment weights: a recipient's Diagnostic-Code or its own paragraph 1.0, a
   remote reply quoted in a transcript ("<<< 550 ...") 1.0, the rest of the
   first human-readable part 0.85, later text parts 0.7 / 0.4, Subject 0.6;
   in a bare paste, a client library's own words before the server's reply
   ("... The server response was:", "with message") 0.8, the reply 1.0.
   A symptom's score is

       s = max hit(p)
         + 0.05 per further distinct phrase of the symptom (at most +0.10)
         + 0.08 if one of the symptom's codes is the error's enhanced code
           (+0.04 if only the reply code agrees)
         + 0.05 if the default reason of the error's enhanced code (CodeSpec)
           is the symptom's reason
         + 0.10 if the symptom is provider-specific and that provider was
           recognised;
       s *= 0.5 if the symptom names another provider than the one recognised,
            0.8 if it names a provider and none was recognised;
       s *= symptom weight (0.1 .. 3)

2. Codes. The error's enhanced code (the first failed recipient's Status,
   else the first code of the error text; a bare x.0.0 gives way to a more
   specific code in the text) gives its CodeSpec.reason with 0.42 (0.30 for
   x.0.0; 0.68 for a provider's three-digit detail such as 5.7.705, which
   names one cause and so outranks a short generic phrase); a reply code
   alone 0.20; a vendor code (0x800CCC0E, EAUTH, 10060,
   TSS04 ...) 0.55. Codes whose reason is undefined/onhold give nothing. Any
   phrase in the error text (>= 0.50 before weights) therefore beats a bare
   code: the text wins over the code.

3. Shape (engine.py). A complaint report and a success report give their
   reason with 0.97; an automatic reply 0.60 (so a reply saying "this mailbox
   is no longer in use" can still win); Action: expired 0.85, Action: delayed
   0.60; Diagnostic-Code type x-unix gives mailererror 0.90 unless the wording
   says the mailbox or disk is full; a delay warning without DSN fields
   ("(Delay)" subject, "warning message only") expired 0.60, once per report.
   Rules that re-read the top candidate (each adds the new reason at top +
   0.01): unknown-user wording refused at DATA, or quoted with a reply code
   but no sign of RCPT TO and no x.1.x code -> filtered; unknown user/host
   refused at MAIL FROM -> rejected; a generic server error or "access
   denied" at connection/greeting (before any login or address) -> blocked;
   a final bounce whose last error only said "not now" (temporarily
   unavailable, try again later, not responding) and whose words say the
   queue lifetime ran out -> expired; an expiry whose words blame DNS ->
   networkerror; a connection time-out in a final bounce -> expired.

For a bounce, the first failed recipient's own text is scored again with
+0.15, so the report's reason follows its first recipient. With several
recipients, each recipient's reason is the top of its own candidates (+0.15)
and of the report's candidates (x 0.7, as context). A candidate whose every
matched span lies in another recipient's own error text is dropped from the
report's ranking and from this recipient's context: however strongly weighted,
someone else's error is not this one's.

Candidates pointing to the same article are merged (highest score, all
spans). Ranking uses the raw score; the score shown is capped at 0.99. The
diagnosis' reason is the top candidate's reason; with no candidate it is
"undefined". Candidates whose reason is onhold/undefined are never shown.
"""

from __future__ import annotations

from .index import KnowledgeIndex, find_phrases
from .parse import Segment
from .reasons import UNKNOWN
from .record import Record
from .result import Match

CODE_SCORE = 0.42
CLASS_CODE_SCORE = 0.30
DETAILED_CODE_SCORE = 0.68
REPLY_SCORE = 0.20
VENDOR_SCORE = 0.55
SHAPE_SCORE = 0.97


class Candidate(Record):
    _fields = ("reason", "score", "article", "symptom", "spans", "phrases", "why", "provider")

    def __init__(self, reason: str, score: float, article: str | None = None, symptom: int | None = None,
                 spans: list[tuple[int, int]] | None = None, phrases: list[str] | None = None, why: str = "",
                 provider: str = ""):
        self.reason = reason
        self.score = score
        self.article = article
        self.symptom = symptom  # index into index.symptoms
        self.spans = [] if spans is None else spans
        self.phrases = [] if phrases is None else phrases
        self.why = why
        self.provider = provider  # the symptom's provider, when provider-specific


def segment_hits(segments: list[Segment], index: KnowledgeIndex, original: str):
    """symptom id -> list of (phrase id, weighted hit score, original span or None)."""
    out: dict[int, list[tuple[int, float, tuple[int, int] | None]]] = {}
    for seg in segments:
        for symptom, item in _segment_items(seg, index, original):
            out.setdefault(symptom, []).append(item)
    return out


def _segment_items(seg: Segment, index: KnowledgeIndex, original: str) -> list:
    """[(symptom id, (phrase id, weighted hit score, original span or None))] of one
    segment. One diagnosis scores a segment several times (the report, its first
    recipient, each recipient), so the result is kept on the segment's view, with
    what else it depends on."""
    view = seg.view
    memo = view.memo
    if memo is not None:
        m_index, m_weight, m_in_original, m_source, m_original = memo[0]
        if m_index is index and m_weight is seg.weight and m_in_original is seg.in_original \
                and m_source is seg.source and m_original is original:
            return memo[1]
    key = (index, seg.weight, seg.in_original, seg.source, original)
    items = []
    hits = find_phrases(view.text, index)
    for pid, ranges in hits.items():
        phrase = index.phrases[pid]
        spec = 0.50 + 0.35 * min(1.0, phrase.length / 35.0)
        for (s, e) in ranges[:5]:
            span = None
            a, b = view.span(s, e)
            if seg.in_original:
                span = (a, b)
            else:
                # decoded text: find the same words in the paste, if there
                piece = seg.source[a:b]
                pos = original.find(piece) if piece else -1
                if pos >= 0:
                    span = (pos, pos + len(piece))
            items.append((phrase.symptom, (pid, spec * seg.weight, span)))
    view.memo = (key, items)
    return items


def phrase_candidates(hits, index: KnowledgeIndex, provider: str | None, enhanced: set[str],
                      replies: set[str], code_reason: str | None) -> list[Candidate]:
    cands = []
    for sid, items in hits.items():
        symptom = index.symptoms[sid]
        best = max(score for _, score, _ in items)
        # phrases as staff wrote them: two spellings of one negation are one phrase
        names = list(dict.fromkeys(index.phrases[pid].text for pid in {pid for pid, _, _ in items}))
        score = best + min(0.10, 0.05 * (len(names) - 1))
        why = []
        names.sort(key=len, reverse=True)
        why.append("phrase " + ", ".join(f"'{n}'" for n in names[:3]))
        codes = set(symptom.codes)
        if codes & enhanced:
            score += 0.08
            why.append("+ " + "/".join(sorted(codes & enhanced)))
        elif codes & replies:
            score += 0.04
            why.append("+ " + "/".join(sorted(codes & replies)))
        if code_reason and code_reason == symptom.reason:
            score += 0.05
        if symptom.provider:
            if provider == symptom.provider:
                score += 0.10
                why.append(f"+ provider {provider}")
            elif provider:
                score *= 0.5
            else:
                score *= 0.8
        score *= max(0.1, min(3.0, symptom.weight or 1.0))
        spans = sorted({span for _, _, span in items if span is not None})
        cands.append(Candidate(symptom.reason, score, symptom.article, sid, spans, names, " ".join(why),
                               symptom.provider))
    return cands


def code_candidates(index: KnowledgeIndex, enhanced: str | None, reply: str | None,
                    vendor_codes: list[str]) -> list[Candidate]:
    cands = []
    if enhanced:
        spec = index.code("enhanced", enhanced)
        if spec is None:
            # fall back to the class-and-subject form with .0 detail ("5.7.0" for 5.7.912)
            pass
        if spec and spec.reason and spec.reason not in UNKNOWN:
            score = CLASS_CODE_SCORE if enhanced.endswith(".0.0") else CODE_SCORE
            if len(enhanced.rsplit(".", 1)[-1]) >= 3:
                # a provider's own detail number (Microsoft's 5.7.705, 5.1.351) names one
                # cause: it outranks a short generic wording such as "access denied"
                score = DETAILED_CODE_SCORE
            cands.append(Candidate(spec.reason, score, spec.articles[0] if spec.articles else None,
                                   why=f"code {enhanced}"))
    if reply and not cands:
        spec = index.code("reply", reply)
        if spec and spec.reason and spec.reason not in UNKNOWN:
            cands.append(Candidate(spec.reason, REPLY_SCORE, spec.articles[0] if spec.articles else None,
                                   why=f"code {reply} alone"))
    for code in vendor_codes:
        spec = index.code("vendor", code)
        if spec and spec.reason and spec.reason not in UNKNOWN:
            cands.append(Candidate(spec.reason, VENDOR_SCORE, spec.articles[0] if spec.articles else None,
                                   why=f"code {code}"))
    return cands


def rank(cands: list[Candidate], index: KnowledgeIndex, limit: int = 5) -> list[Match]:
    """Merge candidates by article (or reason when no article) and build Matches."""
    cands = [c for c in cands if c.reason not in UNKNOWN]
    cands.sort(key=lambda c: (-c.score, c.symptom if c.symptom is not None else 1 << 30))
    merged: dict[str, Candidate] = {}
    order: list[str] = []
    for c in cands:
        article = index.article_for(c.article, c.reason)
        slug = article.slug if article else (c.article or "")
        key = slug or f"reason:{c.reason}"
        if key in merged:
            m = merged[key]
            if m.reason == c.reason:
                m.spans.extend(s for s in c.spans if s not in m.spans)
            continue
        merged[key] = Candidate(c.reason, c.score, slug or None, c.symptom, list(c.spans), list(c.phrases), c.why)
        order.append(key)
    matches = []
    for key in order[:limit]:
        c = merged[key]
        article = index.articles.get(c.article) if c.article else None
        symptom = index.symptoms[c.symptom] if c.symptom is not None else None
        title = article.title if article else (symptom.name if symptom else c.reason)
        url = (article.url or f"/articles/{article.slug}/") if article else ""
        matches.append(
            Match(
                article=c.article, title=title, url=url, reason=c.reason, score=round(min(c.score, 0.99), 3),
                spans=sorted(c.spans)[:20], why=c.why,
                symptom=symptom.key if symptom else None,
                symptom_id=symptom.id if symptom else None,
                phrases=c.phrases[:5],
            )
        )
    return matches
