import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from kb.cli_diagnose import EMPTY_DATABASE, STDIN, diagnose_inputs, failure_message
from kb.diagnosis import build_index


def _first_line(error: Exception) -> str:
    """The database's own words, without PostgreSQL's quoted query and caret lines."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else error.__class__.__name__


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
        failed = diagnose_inputs(names, index, as_json=options["json"], stdin=stdin, out=self.stdout.write,
                                 err=self.stderr.write, site_url=settings.SITE_URL)
        if failed:
            raise CommandError(failure_message(failed, len(names)), returncode=1)

    def _index(self, from_files: bool):
        if from_files:
            from kb.kbfiles import KBFileError, spec_from_files

            try:
                return build_index(spec_from_files())
            except (KBFileError, OSError, ValueError) as error:
                raise CommandError(f"Cannot read the knowledge base files: {error}") from error
        from kb.knowledge_source import get_index

        try:
            index = get_index()
        except DatabaseError as error:
            raise CommandError(
                f"Cannot read the knowledge from the database ({_first_line(error)}): run `manage.py migrate` and "
                "`manage.py loadkb`, or use --from-files."
            ) from error
        if not index.symptoms:
            self.stderr.write(EMPTY_DATABASE)
        return index
