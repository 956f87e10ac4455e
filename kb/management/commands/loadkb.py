from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.kbfiles import FIXTURES_DIR, KBFileError, read_all
from kb.loader import load_kb


class Command(BaseCommand):
    help = "Load the shipped knowledge base from fixtures/ (idempotent; keeps rows staff have edited)."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(FIXTURES_DIR), help="Folder with articles/, codes/, symptoms/.")

    def handle(self, *args, **options):
        try:
            files = read_all(Path(options["path"]))
        except (KBFileError, OSError) as error:
            raise CommandError(str(error)) from error
        report = load_kb(files)
        for line in report.lines():
            self.stdout.write(line)
