"""The compiled engine (kb/build_native.py, kb/diagnosis/_native.py): used only while
it matches the sources, and it answers exactly as the plain modules do.

`make test` builds it first, so the rest of the suite runs on the compiled modules
when a C compiler is there; these tests also run the plain ones beside them.
MAILFIX_REQUIRE_NATIVE=1 (CI) fails instead of skipping when there is no build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb import build_native
from kb.diagnosis import _native

ROOT = Path(__file__).resolve().parent.parent
ENGINE_DIR = ROOT / "kb" / "diagnosis"
HELD_OUT = ROOT / "tests" / "data" / "realworld_errors.yaml"


def fake_build(tmp_path: Path, key: str | None = None, edit: str | None = None, touched: str | None = None) -> Path:
    """A build directory with a manifest and source copies, and empty files for binaries
    (check() only reads the manifest and the copies, and that the binaries exist)."""
    native = tmp_path / "native"
    (native / "src").mkdir(parents=True)
    lines = [key or _native.build_key()]
    for name in build_native.engine_modules():
        path = ENGINE_DIR / f"{name}.py"
        source = path.read_bytes()
        size, mtime = len(source), path.stat().st_mtime_ns
        if name == edit:  # the build saw another text than the module holds now
            source += b"\n# the module was edited after the build\n"
            size = len(source)
        if name == touched:  # same text, another time (a new checkout)
            mtime += 1
        (native / "src" / f"{name}.py").write_bytes(source)
        (native / f"{name}.so").write_bytes(b"")
        lines.append(f"{name} {name}.so {size} {mtime}")
    (native / _native.MANIFEST).write_text("\n".join(lines) + "\n")
    return native


def test_a_build_of_the_current_sources_is_accepted(tmp_path):
    modules, why_not = _native.check(str(fake_build(tmp_path)))
    assert why_not == ""
    assert set(modules) == {f"kb.diagnosis.{name}" for name in build_native.engine_modules()}


def test_a_module_edited_since_the_build_means_plain_python(tmp_path):
    modules, why_not = _native.check(str(fake_build(tmp_path, edit="parse")))
    assert modules == {}
    assert "parse.py changed" in why_not


def test_a_module_with_a_new_time_but_the_same_text_still_counts(tmp_path):
    modules, why_not = _native.check(str(fake_build(tmp_path, touched="match")))
    assert why_not == "" and "kb.diagnosis.match" in modules


def test_a_build_for_another_python_is_ignored(tmp_path):
    modules, why_not = _native.check(str(fake_build(tmp_path, key=_native.FORMAT + "|cpython-399|3.99.0|/x")))
    assert modules == {}
    assert "another Python" in why_not


def test_no_build_or_a_damaged_manifest_means_plain_python(tmp_path):
    assert _native.check(str(tmp_path / "missing")) == ({}, "no compiled build (make install builds one)")
    native = fake_build(tmp_path)
    (native / _native.MANIFEST).write_text(_native.build_key() + "\n../../etc/passwd\n")
    modules, why_not = _native.check(str(native))
    assert modules == {} and "damaged" in why_not


def test_the_environment_switch_turns_the_compiled_engine_off():
    run = subprocess.run([sys.executable, "-c", "from kb.diagnosis import _native; print(_native.status)"],
                         cwd=ROOT, env=dict(os.environ, MAILFIX_PURE_PYTHON="1"), capture_output=True, text=True)
    assert run.stdout.strip() == "plain Python (MAILFIX_PURE_PYTHON is set)"


def test_up_to_date_needs_every_engine_module(tmp_path):
    native = fake_build(tmp_path)
    assert build_native.up_to_date(str(native))
    manifest = (native / _native.MANIFEST).read_text().splitlines()
    (native / _native.MANIFEST).write_text("\n".join(manifest[:-1]) + "\n")  # one module fewer
    assert not build_native.up_to_date(str(native))


# Diagnoses every text given as JSON lines on stdin with the index from the fixture files;
# prints whether the compiled modules were loaded, then one JSON line per text.
_DIAGNOSE_ALL = """
import json, sys
from kb.diagnosis import _native, build_index, diagnose
from kb.kbfiles import spec_from_files
index = build_index(spec_from_files())
print(_native.status)
for line in sys.stdin.buffer:
    item = json.loads(line)
    data = bytes.fromhex(item["hex"]) if "hex" in item else item["text"]
    print(json.dumps(diagnose(data, index).to_dict(), sort_keys=True))
"""


def _diagnose_all(inputs: str, pure: bool) -> list[str]:
    env = dict(os.environ, MAILFIX_PURE_PYTHON="1" if pure else "0")
    run = subprocess.run([sys.executable, "-c", _DIAGNOSE_ALL], input=inputs, cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.splitlines()


def test_compiled_and_plain_engines_answer_alike_on_every_corpus_and_held_out_text(corpus_dir):
    if not _native.check(_native.default_dir())[0]:
        if os.environ.get("MAILFIX_REQUIRE_NATIVE") == "1":
            pytest.fail(f"no usable compiled engine: {_native.check(_native.default_dir())[1]}")
        pytest.skip("no compiled engine built (make install builds one)")
    import yaml

    lines = [json.dumps({"hex": path.read_bytes().hex()}) for path in sorted((corpus_dir / "eml").rglob("*.eml"))]
    lines += [json.dumps({"text": case["text"]}) for case in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))]
    inputs = "\n".join(lines) + "\n"
    plain = _diagnose_all(inputs, pure=True)
    compiled = _diagnose_all(inputs, pure=False)
    assert plain[0].startswith("plain Python")
    assert compiled[0].startswith("compiled with Cython")
    assert len(plain) == len(compiled) == len(lines) + 1
    differing = [i for i, (a, b) in enumerate(zip(plain[1:], compiled[1:])) if a != b]
    assert differing == [], f"{len(differing)} inputs diagnosed differently, first: {lines[differing[0]][:300]}"
