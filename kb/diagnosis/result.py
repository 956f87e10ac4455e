"""What a diagnosis returns. `Diagnosis.to_dict()` is the JSON contract of
DESIGN.md: field names there are fixed; fields may be added, never renamed."""

from __future__ import annotations

from .record import Record


class Signals(Record):
    _fields = ("reply_code", "enhanced_code", "provider", "stage", "temporary", "vendor_codes", "kind", "reply_codes",
               "enhanced_codes")
    _lists = ("vendor_codes", "reply_codes", "enhanced_codes")

    def __init__(self, reply_code: str | None = None, enhanced_code: str | None = None, provider: str | None = None,
                 stage: str | None = None, temporary: bool | None = None, vendor_codes: list[str] | None = None,
                 kind: str = "error", reply_codes: list[str] | None = None, enhanced_codes: list[str] | None = None):
        self.reply_code = reply_code  # "550"
        self.enhanced_code = enhanced_code  # "5.1.1"
        self.provider = provider  # key from providers.PROVIDERS
        self.stage = stage  # connect | greeting | starttls | auth | mail | rcpt | data | None
        self.temporary = temporary  # True for 4xx, False for 5xx, None when unknown
        self.vendor_codes = [] if vendor_codes is None else vendor_codes  # ["0x800CCC79", "10060", "TSS04"]
        self.kind = kind  # error | bounce | delivered | feedback | vacation
        self.reply_codes = [] if reply_codes is None else reply_codes  # every reply code seen
        self.enhanced_codes = [] if enhanced_codes is None else enhanced_codes  # every enhanced code seen


class Match(Record):
    _fields = ("article", "title", "url", "reason", "score", "spans", "why", "symptom", "symptom_id", "phrases")
    _lists = ("spans", "phrases")

    def __init__(self, article: str | None, title: str, url: str, reason: str, score: float,
                 spans: list[tuple[int, int]] | None = None, why: str = "", symptom: str | None = None,
                 symptom_id: int | None = None, phrases: list[str] | None = None):
        self.article = article  # article slug
        self.title = title
        self.url = url
        self.reason = reason
        self.score = score  # 0..1
        self.spans = [] if spans is None else spans  # offsets into the input text
        self.why = why
        self.symptom = symptom  # symptom key
        self.symptom_id = symptom_id
        self.phrases = [] if phrases is None else phrases  # the phrases that matched


class RecipientResult(Record):
    _fields = ("address", "reason", "reply_code", "enhanced_code", "action", "diagnostic", "remote_mta")
    _lists = ()

    def __init__(self, address: str, reason: str, reply_code: str | None = None, enhanced_code: str | None = None,
                 action: str | None = None, diagnostic: str = "", remote_mta: str | None = None):
        self.address = address
        self.reason = reason
        self.reply_code = reply_code
        self.enhanced_code = enhanced_code
        self.action = action  # failed | delayed | delivered | relayed | expanded
        self.diagnostic = diagnostic  # the error text for this recipient
        self.remote_mta = remote_mta


class Diagnosis(Record):
    _fields = ("reason", "signals", "matches", "recipients", "error_text", "truncated")
    _lists = ()  # to_dict() makes its lists anew

    def __init__(self, reason: str, signals: Signals, matches: list[Match] | None = None,
                 recipients: list[RecipientResult] | None = None, error_text: str = "", truncated: bool = False):
        self.reason = reason
        self.signals = signals
        self.matches = [] if matches is None else matches
        self.recipients = [] if recipients is None else recipients
        self.error_text = error_text  # the part of the input the engine judged to be the error
        self.truncated = truncated  # the input was cut to the size limit

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    def to_dict(self) -> dict:
        # A plain walk: dataclasses.asdict deep-copies every value and costs
        # more than the diagnosis of a short reply.
        data = _fields(self)
        data["signals"] = _fields(self.signals)
        data["matches"] = [_fields(match) for match in self.matches]
        for match in data["matches"]:
            match["spans"] = [list(span) for span in match["spans"]]
        data["recipients"] = [_fields(recipient) for recipient in self.recipients]
        return data


def _fields(obj: Record) -> dict:
    """The fields of a result record in order, lists copied. Each __init__ above sets
    exactly the fields, in their order, so a copy of __dict__ is that dict (one C call);
    a record that was given another attribute is read field by field."""
    data = obj.__dict__.copy()
    names = obj._fields
    if len(data) != len(names):
        data = {name: getattr(obj, name) for name in names}
    for name in obj._lists:
        value = data[name]
        if isinstance(value, list):
            data[name] = list(value)
    return data
