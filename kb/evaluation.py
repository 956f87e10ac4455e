"""Measure the diagnosis engine against a labelled bounce corpus (plain Python).

    python -m kb.evaluation [PATH] [--json] [--show-failures] [--dedupe]

PATH defaults to ../shared/corpus/sisimai (relative to the project root). The
index is built from the fixture files (kb.kbfiles.spec_from_files).

Figures:
* message-level agreement: our top reason is one of the message's expected reasons;
* per-recipient agreement: recipients aligned by position; a position we do not
  report (or all of them, when we report no recipients) takes our top reason;
* per-reason table, most common confusions;
* messages whose only labels are onhold/undefined are reported apart and left
  out of the main figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kb.diagnosis import build_index, diagnose
from kb.diagnosis.reasons import UNKNOWN

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "sisimai"


@dataclass
class FileResult:
    file: str
    module: str
    expected: list[str]
    got: str
    got_recipients: list[str]
    message_ok: bool
    recipients_ok: int
    recipients_total: int
    unknown_only: bool = False
    score: float = 0.0
    symptom: str | None = None


@dataclass
class Report:
    path: str
    messages: int = 0
    messages_ok: int = 0
    recipients: int = 0
    recipients_ok: int = 0
    unknown_only: list[FileResult] = field(default_factory=list)
    per_reason: dict[str, dict[str, int]] = field(default_factory=dict)  # expected, correct, predicted
    confusions: list[tuple[str, str, int]] = field(default_factory=list)
    failures: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    index_problems: list[str] = field(default_factory=list)

    @property
    def message_rate(self) -> float:
        return self.messages_ok / self.messages if self.messages else 0.0

    @property
    def recipient_rate(self) -> float:
        return self.recipients_ok / self.recipients if self.recipients else 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["message_rate"] = round(self.message_rate, 4)
        data["recipient_rate"] = round(self.recipient_rate, 4)
        return data


def load_labels(path: Path, dedupe: bool = False) -> list[dict]:
    rows = []
    seen = set()
    with open(path / "labels.jsonl", encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            if dedupe:
                same = tuple(sorted([row["file"], *row.get("same_bytes_as", [])]))
                if same in seen:
                    continue
                seen.add(same)
            rows.append(row)
    return rows


def evaluate_corpus(path: str | Path, index, dedupe: bool = False) -> Report:
    path = Path(path)
    report = Report(path=str(path), index_problems=list(getattr(index, "problems", [])))
    confusion: Counter = Counter()
    per_reason: dict[str, Counter] = {}
    started = time.perf_counter()
    for row in load_labels(path, dedupe):
        expected = [e["reason"] for e in row["expected"]]
        data = (path / row["file"]).read_bytes()
        result = diagnose(data, index)
        got = result.reason
        got_recips = [r.reason for r in result.recipients]
        unknown_only = all(r in UNKNOWN for r in expected)
        aligned = [got_recips[k] if k < len(got_recips) else got for k in range(len(expected))]
        ok_count = sum(1 for e, g in zip(expected, aligned) if e == g)
        fr = FileResult(
            file=row["file"], module=row.get("module", ""), expected=expected, got=got,
            got_recipients=got_recips, message_ok=got in expected, recipients_ok=ok_count,
            recipients_total=len(expected), unknown_only=unknown_only,
            score=result.best.score if result.best else 0.0,
            symptom=result.best.symptom if result.best else None,
        )
        if unknown_only:
            report.unknown_only.append(fr)
            continue
        report.messages += 1
        report.messages_ok += fr.message_ok
        report.recipients += len(expected)
        report.recipients_ok += ok_count
        for e, g in zip(expected, aligned):
            per_reason.setdefault(e, Counter())["expected"] += 1
            per_reason.setdefault(g, Counter())["predicted"] += 1
            if e == g:
                per_reason[e]["correct"] += 1
            else:
                confusion[(e, g)] += 1
        if not fr.message_ok or ok_count < len(expected):
            report.failures.append(fr)
    report.seconds = time.perf_counter() - started
    report.per_reason = {k: dict(v) for k, v in sorted(per_reason.items())}
    report.confusions = [(e, g, n) for (e, g), n in confusion.most_common(25)]
    return report


def format_report(report: Report, show_failures: bool = False) -> str:
    lines = [
        f"corpus: {report.path}",
        f"message-level agreement: {report.messages_ok}/{report.messages} ({report.message_rate:.1%})",
        f"per-recipient agreement: {report.recipients_ok}/{report.recipients} ({report.recipient_rate:.1%})",
        f"time: {report.seconds:.2f} s ({(report.messages + len(report.unknown_only)) / report.seconds if report.seconds else 0:.0f} messages/s)",
        "",
        f"{'reason':<16} {'expected':>8} {'correct':>8} {'predicted':>9} {'recall':>7} {'precision':>9}",
    ]
    for reason, c in report.per_reason.items():
        exp, cor, pred = c.get("expected", 0), c.get("correct", 0), c.get("predicted", 0)
        recall = f"{cor / exp:.0%}" if exp else "-"
        precision = f"{cor / pred:.0%}" if pred else "-"
        lines.append(f"{reason:<16} {exp:>8} {cor:>8} {pred:>9} {recall:>7} {precision:>9}")
    lines += ["", "most common confusions (expected -> ours):"]
    for e, g, n in report.confusions[:15]:
        lines.append(f"  {n:>3}  {e} -> {g}")
    lines += ["", f"messages labelled only onhold/undefined (not in the figures): {len(report.unknown_only)}"]
    for fr in report.unknown_only:
        lines.append(f"  {fr.file}: expected {','.join(fr.expected)}; ours {fr.got}")
    if report.index_problems:
        lines += ["", f"index problems: {len(report.index_problems)}"]
        lines += [f"  {p}" for p in report.index_problems[:20]]
    if show_failures:
        lines += ["", f"files we get wrong ({len(report.failures)}):"]
        for fr in report.failures:
            lines.append(
                f"  {fr.file} [{fr.module}] expected {','.join(fr.expected)}; ours {fr.got}"
                f" ({fr.score:.2f} {fr.symptom or '-'}) recipients {','.join(fr.got_recipients) or '-'}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.evaluation", description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--show-failures", action="store_true", help="list the files we get wrong")
    parser.add_argument("--dedupe", action="store_true", help="count byte-identical samples once")
    args = parser.parse_args(argv)
    from kb.kbfiles import spec_from_files

    index = build_index(spec_from_files())
    report = evaluate_corpus(args.path, index, dedupe=args.dedupe)
    try:
        if args.json:
            print(json.dumps(report.to_dict(), ensure_ascii=False))
        else:
            print(format_report(report, show_failures=args.show_failures))
    except BrokenPipeError:  # e.g. piped into head
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
