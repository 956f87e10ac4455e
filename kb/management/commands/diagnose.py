import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.diagnosis import MAX_INPUT_BYTES, build_index, diagnose
from kb.diagnosis.reasons import NON_FAILURES, REASON_LABELS

STDIN = "-"


def _read_input(name: str, stdin) -> tuple[bytes, bool]:
    """The first MAX_INPUT_BYTES of a file (or standard input), and whether there was more."""
    if name == STDIN:
        if stdin is None:
            raise OSError("no standard input")
        data = stdin.read(MAX_INPUT_BYTES + 1)
    else:
        with open(name, "rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return data[:MAX_INPUT_BYTES], len(data) > MAX_INPUT_BYTES


def _describe_error(error: OSError) -> str:
    return error.strerror or str(error)


class Command(BaseCommand):
    help = (
        "Diagnose pasted errors or bounce files: prints the reason, the best article and the codes. "
        "Many files are diagnosed in one process; with --json, one JSON object per input per line."
    )
    stealth_options = ("stdin",)
    # Diagnosing reads the knowledge and prints; Django's system checks (URLs, admin,
    # templates) only cost start-up time here. `manage.py check` still runs them all.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE", help="Files to diagnose; '-' or none reads standard input.")
        parser.add_argument("--json", action="store_true", help="One JSON object per input per line, in input order.")
        parser.add_argument(
            "--from-files", action="store_true",
            help="Use the knowledge base in fixtures/ instead of the database's (no database needed).",
        )

    def handle(self, *args, **options):
        names = options["files"] or [STDIN]
        stdin = options.get("stdin") or getattr(sys.stdin, "buffer", None)
        index = self._index(options["from_files"])
        failed = 0
        for name in names:
            label = "<stdin>" if name == STDIN else name
            try:
                data, truncated = _read_input(name, stdin)
            except OSError as error:
                failed += 1
                self._report_unreadable(label, _describe_error(error), options["json"])
                continue
            if truncated:
                self.stderr.write(
                    f"{label}: larger than {MAX_INPUT_BYTES // 1024} KB; diagnosing the first {MAX_INPUT_BYTES} bytes."
                )
            result = diagnose(data, index)
            if options["json"]:
                payload = {"file": label, **result.to_dict()}
                payload["truncated"] = truncated or bool(result.truncated)
                self.stdout.write(json.dumps(payload, ensure_ascii=True))
            else:
                self._print_summary(label, result, truncated)
        if failed:
            raise CommandError(f"{failed} of {len(names)} inputs could not be read.", returncode=1)

    def _index(self, from_files: bool):
        if from_files:
            from kb.kbfiles import KBFileError, spec_from_files

            try:
                return build_index(spec_from_files())
            except (KBFileError, OSError, ValueError) as error:
                raise CommandError(f"Cannot read the knowledge base files: {error}") from error
        from kb.knowledge_source import get_index

        index = get_index()
        if not index.symptoms:
            self.stderr.write("The database has no symptoms: run `manage.py loadkb`, or use --from-files.")
        return index

    def _report_unreadable(self, label: str, message: str, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"file": label, "error": message}, ensure_ascii=True))
        else:
            self.stdout.write(f"{label}: cannot read: {message}")

    def _print_summary(self, label: str, result, truncated: bool) -> None:
        signals = result.signals
        lines = [f"{label}: {result.reason}" + (" (input truncated)" if truncated else "")]
        if result.reason in NON_FAILURES:
            lines.append(f"  not a failure: {REASON_LABELS.get(result.reason, result.reason)}")
        best = result.best
        if best is not None:
            lines.append(f"  fix:   {best.title}  {settings.SITE_URL}{best.url}" if best.url else f"  fix:   {best.title}")
        else:
            lines.append("  fix:   no article fits; see the codes below")
        codes = [c for c in (signals.reply_code, signals.enhanced_code) if c] + list(signals.vendor_codes)
        lines.append(f"  codes: {' '.join(codes) or '-'}")
        temporary = {True: "temporary (a retry may work)", False: "permanent (a retry will not help)"}.get(
            signals.temporary, "unknown whether temporary"
        )
        lines.append(f"  stage: {signals.stage or '-'}; {temporary}")
        if signals.provider:
            lines.append(f"  provider: {signals.provider}")
        for recipient in result.recipients[:20]:
            code = " ".join(c for c in (recipient.reply_code, recipient.enhanced_code) if c)
            lines.append(f"  recipient {recipient.address}: {recipient.reason} {code}".rstrip())
        if len(result.recipients) > 20:
            lines.append(f"  ... and {len(result.recipients) - 20} more recipients")
        self.stdout.write("\n".join(lines))
