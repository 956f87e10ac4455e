"""Compile the diagnosis engine's modules with Cython into var/native/.

    python -m kb.build_native [--force] [--dir DIR]

`make install` runs this. The modules are compiled as they are (no Cython-only
syntax, no type declarations), so the plain modules stay the reference and the
compiled ones are only faster (about 10% per diagnosis, measured by `make bench`).
kb/diagnosis/_native.py loads them only while they match the sources byte for
byte, so a stale or missing build means plain Python, never a wrong answer.

Nothing here is needed to run Mailfix: without Cython or a C compiler this
prints why and exits 0, and the engine runs as plain Python. A build that fails
its smoke test (the compiled engine must answer exactly as the plain one on a
few texts) is thrown away. No Django here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from kb.diagnosis import _native

ENGINE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "diagnosis")
SKIPPED = {"__init__", "_native"}
# Optimised, without debug information: -g doubles the compile time and the build is never debugged.
COMPILE_ARGS = ["-O2", "-g0"]

SMOKE_TEXTS = [
    "550 5.1.1 <someone@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
    "421-4.7.0 [203.0.113.9] Our system has detected an unusual rate of\r\n421-4.7.0 unsolicited mail.",
    "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\n"
    "Status: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full\n",
    "Socket Error # 10060 Connection timed out",
]


def engine_modules() -> list[str]:
    return sorted(name[:-3] for name in os.listdir(ENGINE_DIR)
                  if name.endswith(".py") and name[:-3] not in SKIPPED)


def up_to_date(native_dir: str) -> bool:
    modules, _ = _native.check(native_dir)
    return sorted(name.rpartition(".")[2] for name in modules) == engine_modules()


def _compile(work: str, modules: list[str]) -> dict[str, str]:
    """Compile copies of the modules in work/src/kb/diagnosis; module -> built file."""
    from Cython.Build import cythonize
    from setuptools import Distribution

    package = os.path.join(work, "src", "kb", "diagnosis")
    os.makedirs(package)
    for folder in (os.path.join(work, "src", "kb"), package):  # Cython names modules after their packages
        open(os.path.join(folder, "__init__.py"), "w").close()
    for name in modules:
        shutil.copyfile(os.path.join(ENGINE_DIR, name + ".py"), os.path.join(package, name + ".py"))
    here = os.getcwd()
    os.chdir(os.path.join(work, "src"))
    try:
        extensions = cythonize(
            [os.path.join("kb", "diagnosis", name + ".py") for name in modules],
            language_level=3,
            # annotations stay hints: a str subclass or a bool must pass where the code says str or int
            compiler_directives={"annotation_typing": False},
            nthreads=os.cpu_count() or 1,
            quiet=True,
        )
        for extension in extensions:
            extension.extra_compile_args = list(COMPILE_ARGS)
        dist = Distribution({"name": "mailfix-native", "ext_modules": extensions})
        command = dist.get_command_obj("build_ext")
        command.build_lib = os.path.join(work, "lib")
        command.build_temp = os.path.join(work, "tmp")
        command.parallel = os.cpu_count() or 1
        command.ensure_finalized()
        command.run()
    finally:
        os.chdir(here)
    built = {}
    out_dir = os.path.join(work, "lib", "kb", "diagnosis")
    for file_name in os.listdir(out_dir):
        name = file_name.partition(".")[0]
        if name in modules:
            built[name] = os.path.join(out_dir, file_name)
    missing = sorted(set(modules) - set(built))
    if missing:
        raise RuntimeError(f"not built: {', '.join(missing)}")
    return built


def _assemble(staging: str, built: dict[str, str]) -> None:
    """The layout _native.check() reads: binaries, the sources they came from, a manifest."""
    os.makedirs(os.path.join(staging, "src"))
    lines = [_native.build_key()]
    for name, path in sorted(built.items()):
        binary = os.path.basename(path)
        shutil.copyfile(path, os.path.join(staging, binary))
        source = os.path.join(ENGINE_DIR, name + ".py")
        shutil.copyfile(source, os.path.join(staging, "src", name + ".py"))
        stat = os.stat(source)
        lines.append(f"{name} {binary} {stat.st_size} {stat.st_mtime_ns}")
    with open(os.path.join(staging, _native.MANIFEST), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


_SMOKE = """
import json, sys
from kb.diagnosis import _native, build_index, diagnose
from kb.kbfiles import spec_from_files
index = build_index(spec_from_files())
print(json.dumps([_native.status.startswith("compiled")] + [diagnose(t, index).to_dict() for t in json.loads(sys.argv[1])]))
"""


def _smoke_test(staging: str) -> str:
    """'' when the compiled engine answers exactly as the plain one, else what differs."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    import json

    outputs = []
    for pure in ("1", "0"):
        env = dict(os.environ, MAILFIX_PURE_PYTHON=pure, MAILFIX_NATIVE_DIR=staging)
        run = subprocess.run([sys.executable, "-c", _SMOKE, json.dumps(SMOKE_TEXTS)], cwd=root, env=env,
                             capture_output=True, text=True, timeout=300)
        if run.returncode != 0:
            return (run.stderr.strip().splitlines() or ["failed"])[-1]
        outputs.append(json.loads(run.stdout))
    plain, compiled = outputs
    if plain[0] or not compiled[0]:
        return "the compiled modules were not the ones loaded"
    if plain[1:] != compiled[1:]:
        return "the compiled engine answered differently"
    return ""


def build(native_dir: str, force: bool = False) -> int:
    if not force and up_to_date(native_dir):
        print(f"compiled engine: up to date in {native_dir}")
        return 0
    try:
        import Cython  # noqa: F401
    except ImportError:
        print("compiled engine: Cython is not installed; the engine runs as plain Python")
        return 0
    modules = engine_modules()
    parent = os.path.dirname(os.path.abspath(native_dir))
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix="native-build-", dir=parent)
    try:
        try:
            built = _compile(work, modules)
        except Exception as error:  # noqa: BLE001 - no compiler, no headers: plain Python it is
            print(f"compiled engine: build failed ({type(error).__name__}: {error}); the engine runs as plain Python")
            return 0
        staging = os.path.join(work, "native")
        _assemble(staging, built)
        problem = _smoke_test(staging)
        if problem:
            print(f"compiled engine: not used, its smoke test failed ({problem}); the engine runs as plain Python")
            return 0
        old = os.path.join(work, "old")
        try:
            if os.path.exists(native_dir):
                os.rename(native_dir, old)
            os.rename(staging, native_dir)
        except OSError as error:  # another build put its own in place meanwhile: either is fine
            print(f"compiled engine: not installed ({error.strerror}); the build already in place stays")
            return 0
        print(f"compiled engine: {len(built)} modules built into {native_dir}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.build_native", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=_native.default_dir(), help="where the build goes (default var/native)")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args(argv)
    return build(args.dir, force=args.force)


if __name__ == "__main__":
    sys.exit(main())
