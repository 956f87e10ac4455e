"""The quick start-up of `manage.py diagnose` (kb/quick_diagnose.py, kb/index_cache.py):
same output as the Django command, staff edits seen at once, a damaged cache ignored."""

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

from kb import index_cache, settings
from kb.diagnosis import ArticleSpec, KnowledgeSpec, SymptomSpec, build_index, diagnose
from kb.quick_diagnose import parse_args

PROJECT = Path(__file__).resolve().parent.parent

ARTICLE = """---
title: "The recipient's mailbox is full"
summary: The other mailbox has no room left.
reason: mailboxfull
---
## What happened

The mailbox you wrote to is full.
"""

SYMPTOMS = """- key: test-mailbox-full
  name: Mailbox full
  reason: mailboxfull
  article: recipient-mailbox-full
  phrases:
    - mailbox is full
"""

FULL = b"552 5.2.2 <bob@example.com>: Recipient mailbox is full\n"
QUOTA = b"452 4.2.2 The recipient has run out of storage space for now\n"


def tiny_index():
    spec = KnowledgeSpec(
        articles=(ArticleSpec(slug="full", title="Full", reason="mailboxfull", url="/articles/full/"),),
        symptoms=(SymptomSpec(key="full", name="Full", reason="mailboxfull", phrases=("mailbox is full",),
                              article="full"),),
    )
    return build_index(spec)


def test_the_default_database_is_what_dj_database_url_would_make():
    url = f"sqlite:///{os.path.join(settings.VAR_DIR, 'mailfix.sqlite3')}"
    assert settings.default_database() == dj_database_url.parse(url, conn_max_age=60)


@pytest.mark.parametrize(
    "argv,expected",
    [
        ([], (["-"], False)),
        (["--json", "a.eml", "-"], (["a.eml", "-"], True)),
        (["a.eml", "--json"], (["a.eml"], True)),
        (["--from-files", "a.eml"], None),
        (["--help"], None),
        (["-v", "2", "a.eml"], None),
        (["--", "-x.eml"], None),
    ],
)
def test_only_plain_calls_take_the_quick_path(argv, expected):
    assert parse_args(argv) == expected


def test_a_stored_index_loads_under_its_key_only(tmp_path):
    path = str(tmp_path / "cache" / "index.pickle")
    index = tiny_index()
    assert index_cache.store(path, b"key-1", index)
    loaded = index_cache.load(path, b"key-1")
    assert diagnose(FULL, loaded).to_dict() == diagnose(FULL, index).to_dict()
    assert index_cache.load(path, b"key-2") is None
    assert os.listdir(tmp_path / "cache") == ["index.pickle"]  # no temporary file left behind


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign", "empty"])
def test_a_damaged_cache_file_is_ignored(tmp_path, damage):
    path = tmp_path / "index.pickle"
    index_cache.store(str(path), b"key", tiny_index())
    blob = path.read_bytes()
    if damage == "flip":
        blob = blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:]
    elif damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "foreign":
        blob = b"something else entirely"
    else:
        blob = b""
    path.write_bytes(blob)
    assert index_cache.load(str(path), b"key") is None


def test_the_key_changes_with_the_code(tmp_path):
    (tmp_path / "kb").mkdir()
    module = tmp_path / "kb" / "x.py"
    module.write_text("A = 1\n")
    before = index_cache.code_fingerprint(str(tmp_path))
    module.write_text("A = 22\n")
    assert index_cache.code_fingerprint(str(tmp_path)) != before


# --- the command as a person runs it: manage.py in a fresh var/ with a tiny knowledge base ----------


def manage(var_dir: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["MAILFIX_VAR_DIR"] = str(var_dir)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, input=stdin,
                          capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("quick")
    kb_dir = root / "kb"
    (kb_dir / "articles").mkdir(parents=True)
    (kb_dir / "codes").mkdir()
    (kb_dir / "symptoms").mkdir()
    (kb_dir / "articles" / "recipient-mailbox-full.md").write_text(ARTICLE)
    (kb_dir / "symptoms" / "test.yaml").write_text(SYMPTOMS)
    var_dir = root / "var"
    for args in (("migrate", "-v", "0"), ("loadkb", "--path", str(kb_dir))):
        done = manage(var_dir, *args)
        assert done.returncode == 0, done.stderr.decode()
    inputs = []
    for name, data in (("full.txt", FULL), ("quota.txt", QUOTA)):
        (root / name).write_bytes(data)
        inputs.append(str(root / name))
    inputs.append(str(root / "missing.txt"))
    return var_dir, inputs


def test_the_quick_path_prints_what_the_django_command_prints(site):
    var_dir, inputs = site
    # "-v 1" is an option only Django's command parser knows: that run takes the Django path
    django = manage(var_dir, "diagnose", "-v", "1", "--json", *inputs)
    first = manage(var_dir, "diagnose", "--json", *inputs)  # builds the cache
    assert (var_dir / "cache" / index_cache.FILE_NAME).exists()
    second = manage(var_dir, "diagnose", "--json", *inputs)  # reads it
    for run in (first, second):
        assert run.stdout == django.stdout
        assert run.stderr == django.stderr
        assert run.returncode == django.returncode == 1
    assert b'"reason": "mailboxfull"' in second.stdout
    assert b"CommandError: 1 of 3 inputs could not be read." in second.stderr
    summary = manage(var_dir, "diagnose", inputs[0])
    assert summary.stdout == manage(var_dir, "diagnose", "-v", "1", inputs[0]).stdout
    assert b"full.txt: mailboxfull" in summary.stdout


def test_a_staff_edit_is_seen_by_the_next_run(site):
    var_dir, inputs = site
    assert b'"matches": []' in manage(var_dir, "diagnose", "--json", inputs[1]).stdout
    edit = ("from kb.models import Symptom; s = Symptom.objects.get(key='test-mailbox-full'); "
            "s.phrases += '\\nrun out of storage space'; s.save()")
    done = manage(var_dir, "shell", "-c", edit)
    assert done.returncode == 0, done.stderr.decode()
    after = manage(var_dir, "diagnose", "--json", inputs[1])
    assert b"run out of storage space" in after.stdout


def test_a_damaged_cache_gives_the_same_output(site):
    var_dir, inputs = site
    before = manage(var_dir, "diagnose", "--json", inputs[0])
    (var_dir / "cache" / index_cache.FILE_NAME).write_bytes(b"\x00garbage")
    after = manage(var_dir, "diagnose", "--json", inputs[0])
    assert after.stdout == before.stdout and after.returncode == 0


def test_a_database_without_tables_gives_a_clear_message(tmp_path):
    done = manage(tmp_path, "diagnose", "--json", "-", stdin=FULL)
    assert done.returncode == 1
    assert b"Cannot read the knowledge from the database" in done.stderr
    assert b"Traceback" not in done.stderr
