import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.diagnosis import build_index
from kb.evaluation import evaluate_corpus, format_report

DEFAULT_CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpus" / "sisimai"


class Command(BaseCommand):
    help = (
        "Measure the diagnosis against a labelled bounce corpus (default ../shared/corpus/sisimai), "
        "using the knowledge base in the database: what staff have now."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CORPUS), help="Corpus folder with labels.jsonl.")
        parser.add_argument("--from-files", action="store_true", help="Use the shipped fixture files, not the database.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument("--show-failures", action="store_true", help="List the files we get wrong.")
        parser.add_argument("--dedupe", action="store_true", help="Count byte-identical samples once.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not (path / "labels.jsonl").is_file():
            raise CommandError(f"No corpus at {path}: expected a folder with labels.jsonl and eml/.")
        if options["from_files"]:
            from kb.kbfiles import spec_from_files

            index, source = build_index(spec_from_files()), "fixture files"
        else:
            from kb.knowledge_source import get_index

            index, source = get_index(force_check=True), "database"
            if not index.symptoms:
                raise CommandError("The database has no symptoms: run `manage.py loadkb` first, or use --from-files.")
        report = evaluate_corpus(path, index, dedupe=options["dedupe"])
        if options["json"]:
            self.stdout.write(json.dumps({"knowledge": source, **report.to_dict()}, ensure_ascii=False))
        else:
            self.stdout.write(f"knowledge: {source} ({len(index.symptoms)} symptoms)")
            self.stdout.write(format_report(report, show_failures=options["show_failures"]))
