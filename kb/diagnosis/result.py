"""What a diagnosis returns. `Diagnosis.to_dict()` is the JSON contract of
DESIGN.md: field names there are fixed; fields may be added, never renamed."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter


@dataclass
class Signals:
    reply_code: str | None = None  # "550"
    enhanced_code: str | None = None  # "5.1.1"
    provider: str | None = None  # key from providers.PROVIDERS
    stage: str | None = None  # connect | greeting | starttls | auth | mail | rcpt | data | None
    temporary: bool | None = None  # True for 4xx, False for 5xx, None when unknown
    vendor_codes: list[str] = field(default_factory=list)  # ["0x800CCC79", "10060", "TSS04"]
    kind: str = "error"  # error | bounce | delivered | feedback | vacation
    reply_codes: list[str] = field(default_factory=list)  # every reply code seen
    enhanced_codes: list[str] = field(default_factory=list)  # every enhanced code seen


@dataclass
class Match:
    article: str | None  # article slug
    title: str
    url: str
    reason: str
    score: float  # 0..1
    spans: list[tuple[int, int]] = field(default_factory=list)  # offsets into the input text
    why: str = ""
    symptom: str | None = None  # symptom key
    symptom_id: int | None = None
    phrases: list[str] = field(default_factory=list)  # the phrases that matched


@dataclass
class RecipientResult:
    address: str
    reason: str
    reply_code: str | None = None
    enhanced_code: str | None = None
    action: str | None = None  # failed | delayed | delivered | relayed | expanded
    diagnostic: str = ""  # the error text for this recipient
    remote_mta: str | None = None


@dataclass
class Diagnosis:
    reason: str
    signals: Signals
    matches: list[Match] = field(default_factory=list)
    recipients: list[RecipientResult] = field(default_factory=list)
    error_text: str = ""  # the part of the input the engine judged to be the error
    truncated: bool = False  # the input was cut to the size limit

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    def to_dict(self) -> dict:
        # A plain walk: dataclasses.asdict deep-copies every value and costs
        # more than the diagnosis of a short reply.
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["signals"] = _fields(self.signals)
        data["matches"] = [_fields(match) for match in self.matches]
        for match in data["matches"]:
            match["spans"] = [list(span) for span in match["spans"]]
        data["recipients"] = [_fields(recipient) for recipient in self.recipients]
        return data


# A dataclass -> (a getter of all its field values in order, their names, the fields
# declared as lists, which are copied).
_SHAPES: dict[type, tuple] = {}


def _fields(obj) -> dict:
    """The fields of a result dataclass in order, lists copied."""
    cls = type(obj)
    shape = _SHAPES.get(cls)
    if shape is None:
        names = tuple(cls.__dataclass_fields__)
        lists = tuple(name for name, f in cls.__dataclass_fields__.items() if f.default_factory is list)
        getter = attrgetter(*names) if len(names) > 1 else (lambda o, name=names[0]: (getattr(o, name),))
        shape = _SHAPES[cls] = (getter, names, lists)
    getter, names, lists = shape
    data = dict(zip(names, getter(obj)))
    for name in lists:
        value = data[name]
        if isinstance(value, list):
            data[name] = list(value)
    return data
